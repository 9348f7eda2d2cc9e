"""A tag renamed or deleted in the reader, on its stories and on the feeds that give it.

A feed gives its tags to each new story a fetch brings. Renaming ``local`` to ``town`` on the
stories alone left the feed giving ``local``: the next fetch brought the old tag back beside the
new one. So a feed's tags follow the stories' (written under the store's lock, as every change
of the subscriptions is). The feeds are changed first: when the stories then cannot be written,
they keep the old tag, which the sidebar still lists, and doing it again finishes the job (the
other way round, a full disk left the stories renamed and the feeds giving the old tag, which no
longer showed in the sidebar to be renamed again).
"""

from __future__ import annotations

from collections.abc import Callable

from broadsheet.store.errors import StoreFileError
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.search.query import tag_key, tag_keys
from broadsheet.store.storage.db import Store


class StoriesNotRetagged(Exception):
    """The feeds' tags were changed, the stories' could not all be: says both, and how to finish."""

    def __init__(self, feeds: list[str], old: str, new: str | None, cause: Exception) -> None:
        gives = "gives" if len(feeds) == 1 else "give"
        which = f"{'feed' if len(feeds) == 1 else 'feeds'} {', '.join(map(repr, feeds))}"
        now = f"{gives} {new!r} to new stories now" if new is not None else f"no longer {gives} {old!r} to new stories"
        super().__init__(f"The {which} {now}, but the tag could not be changed on every story: {cause}. "
                         f"{'Rename' if new is not None else 'Delete'} the tag again to finish.")


def feeds_giving(store: Store, tag: str) -> list[str]:
    """The names of the feeds that give ``tag``, in any spelling of its ``tag_key``, to their new
    stories (read without a lock)."""
    key = tag_key(tag)
    return [sub.shown_name for sub in Subscriptions(store).all() if key in tag_keys(tuple(sub.tags))]


def rename_tag(store: Store, old: str, new: str, left: dict[str, StoreFileError]) -> tuple[int, list[str]]:
    """Rename ``old`` to ``new`` on the feeds giving it, then on every story (see
    ``UserState.rename_tag``): (stories changed, the names of the feeds changed)."""
    new = store.user.renamed_to(old, new)
    return _feeds_then_stories(store, old, new, lambda: store.user.rename_tag(old, new, left))


def delete_tag(store: Store, tag: str, left: dict[str, StoreFileError]) -> tuple[int, list[str]]:
    """Take ``tag`` off the feeds giving it, then off every story: (stories changed, feeds changed)."""
    return _feeds_then_stories(store, tag, None, lambda: store.user.delete_tag(tag, left))


def _feeds_then_stories(store: Store, old: str, new: str | None, stories: Callable[[], int]) -> tuple[int, list[str]]:
    """Give the feeds ``new`` for ``old`` (None: nothing), then change the stories with ``stories``;
    the stories not written after the feeds were raise StoriesNotRetagged (see the module's note)."""
    feeds = [sub.shown_name for sub in Subscriptions(store).retag(old, new)]
    try:
        return stories(), feeds
    except (OSError, StoreFileError) as exc:
        if not feeds:
            raise
        raise StoriesNotRetagged(feeds, old, new, exc) from exc

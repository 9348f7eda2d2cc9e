"""A tag renamed or deleted in the reader, on its stories and on the feeds that give it.

A feed gives its tags to each new story a fetch brings. Renaming ``local`` to ``town`` on the
stories alone left the feed giving ``local``: the next fetch brought the old tag back beside the
new one. So a feed's tags follow the stories' (written under the store's lock, as every change
of the subscriptions is).
"""

from __future__ import annotations

from broadsheet.store.errors import StoreFileError
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import normalise_tag


def feeds_giving(store: Store, tag: str) -> list[str]:
    """The names of the feeds that give ``tag`` to their new stories (read without a lock)."""
    return [sub.name for sub in Subscriptions(store).all() if tag in sub.tags]


def rename_tag(store: Store, old: str, new: str, left: dict[str, StoreFileError]) -> tuple[int, list[str]]:
    """Rename ``old`` to ``new`` on every story (see ``UserState.rename_tag``) and on the feeds
    giving it: (stories changed, the names of the feeds changed)."""
    count = store.user.rename_tag(old, new, left)
    return count, [sub.name for sub in Subscriptions(store).retag(old, normalise_tag(new))]


def delete_tag(store: Store, tag: str, left: dict[str, StoreFileError]) -> tuple[int, list[str]]:
    """Take ``tag`` off every story and off the feeds giving it: (stories changed, feeds changed)."""
    count = store.user.delete_tag(tag, left)
    return count, [sub.name for sub in Subscriptions(store).retag(tag, None)]

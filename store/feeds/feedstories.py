"""A feed's stories already stored, given the tags and the title the feed gets later.

Fetch gives a feed's new stories its tags and its title as their source. Stories that
came another way (newsboat's ``cache.db``) and a feed list imported after them (its
``urls`` file, with tags and ``"~Title"``) must end the same: ``tag:news`` found nothing,
and the sidebar showed the feed's stories under its old title.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import orjson

from broadsheet.store.errors import StoreFileError
from broadsheet.store.feeds.subscriptions import FeedTitleError, Subscription, Subscriptions, Titles
from broadsheet.store.sanitize import is_web_address
from broadsheet.store.search.analysis import feed_key
from broadsheet.store.storage.atomic import atomic_write_bytes, remove_durably
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.userstate import StoryState

#: The stories' changes a feed list or cache import has still to make, written before it makes
#: them: the subscriptions are saved first, and an import cut short then would not know them
#: again (it works from what changed in the subscriptions).
FOLLOWING = "following.json"


def note_following(store: Store, feeds: list[tuple[Subscription, list[str], list[str]]], file: str | None,
                   new_since: str | None) -> None:
    """Write down the stories' changes about to be made (see :data:`FOLLOWING`)."""
    doc = {"feeds": [{"sub": sub.id, "tags": tags, "names": names} for sub, tags, names in feeds],
           "file": file, "new_since": new_since}
    with store.lock:  # a temp file in the store's folder is another process's to tidy when the lock is free
        atomic_write_bytes(store.folder / FOLLOWING, orjson.dumps(doc))


def following_left(store: Store) -> tuple[
        list[tuple[Subscription, list[str], list[str]]], str | None, str | None] | None:
    """The changes an import cut short left to make (feeds still subscribed), or None."""
    try:
        doc: Any = orjson.loads((store.folder / FOLLOWING).read_bytes())
        by_id = {sub.id: sub for sub in Subscriptions(store).all()}  # (read only when there is a note)
        feeds = [(by_id[f["sub"]], [str(t) for t in f["tags"]], [str(n) for n in f["names"]])
                 for f in doc["feeds"] if f["sub"] in by_id]
        return feeds, doc.get("file"), doc.get("new_since")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):  # damaged: what it held cannot be done
        done_following(store)
        return None


def done_following(store: Store) -> None:
    remove_durably(store.folder / FOLLOWING)  # back after a crash, it would be done again


def feed_stories(store: Store, feeds: Iterable[tuple[Subscription, Iterable[str]]],
                 file: str | None = None) -> dict[str, list[StoryMeta]]:
    """The stored stories of each feed (by subscription id), in one pass over the store.

    A feed's are among those whose source is one of the names given with it (a feed's
    stories carry its title), the ones with its identity: an entry key ``key#guid``, or its
    address as their file; a guid-less item moved in from newsboat has only its link as its
    key, and a file that is not an address. ``file``: only the stories stored from that file.
    """
    by_source: dict[str, list[Subscription]] = {}
    found: dict[str, list[StoryMeta]] = {}
    for sub, names in feeds:
        found[sub.id] = []
        for name in {name for name in names if name}:
            by_source.setdefault(name, []).append(sub)
    if not by_source:
        return found
    for meta in store.each_story():  # a shard at a time: a pass over a store of any size
        subs = by_source.get(meta.source or "")
        if not subs:
            continue
        key, came_from = meta.key or "", meta.file or ""
        if file is not None and came_from != file:
            continue
        for sub in subs:
            if key.startswith(f"{sub.key or sub.url}#") or came_from in (sub.url, sub.key) or (
                    key and key == meta.url and not is_web_address(came_from)):
                found[sub.id].append(meta)
                break
    return found


def tag_stories(store: Store, feeds: Iterable[tuple[Iterable[StoryMeta], Iterable[str]]]
                ) -> tuple[int, dict[str, StoreFileError]]:
    """Add each feed's tags to its stories (as fetch gives a feed's tags to its new stories), in
    one write of the marks: how many stories were tagged, and those left untagged, each with why
    (the state file of its marks is damaged: it is not written over, the others are tagged)."""
    states: dict[str, StoryState] = {}
    for stories, tags in feeds:
        given = tuple(tags)
        if given:
            states.update({meta.id: StoryState(tags=given) for meta in stories})
    left = store.user.merge(states, skip_damaged=True) if states else {}
    return len(states) - len(left), left


def retitle_stories(store: Store, feeds: Iterable[tuple[Iterable[StoryMeta], str]]) -> int:
    """Give each feed's stories its new title as their source, in the store and the search index
    (``feed:"Title"``), as fetch gives its stories; their marks stay. One index commit for every
    feed. How many changed."""
    from broadsheet.store.ingest.importer import BATCH, Indexer

    changed = [(meta, title) for stories, title in feeds for meta in stories if meta.source != title]
    if not changed:
        return 0
    indexer = Indexer(store)
    try:
        for start in range(0, len(changed), BATCH):
            batch = []
            for meta, title in changed[start:start + BATCH]:
                article = store.article_of(meta)
                article.source = title
                batch.append((meta.id, article, meta.source_file, meta.parser))
            indexer.open()  # before the store changes (see Indexer)
            for parser in {parser for *_, parser in batch}:  # the parser that read each stays its own
                same = [(sid, article, file) for sid, article, file, read_by in batch if read_by == parser]
                stored = store.add_identified(same, parser=parser or None)
                articles = {sid: article for sid, article, _ in same}
                indexer.add([], [(sid, articles[sid]) for sid, got in stored.results if got == "updated"])
    finally:
        indexer.finish()
    return len(changed)  # (the marks are counted again: a write that changes a source has them counted)


def rename_feed(store: Store, sub: Subscription, title: str) -> tuple[Subscription, int]:
    """Give the feed ``sub`` the title ``title`` (:meth:`Subscriptions.rename`) and its stories
    already stored too, as their source: the sidebar and ``feed:"Title"`` find a feed's stories
    by it, so under the new title alone they would be left behind. Noted first (:data:`FOLLOWING`):
    a rename cut short is finished by the next ``import``, ``feeds import`` or ``fetch``. (The
    subscription renamed, how many stories now carry its title.) FeedTitleError: not renamed.
    Under the store's lock throughout, which every writer of stories takes."""
    subs = Subscriptions(store)
    with store.lock:
        sub = next((now for now in subs.all() if now.id == sub.id), sub)  # its title now (a fetch renames too)
        note_following(store, [(sub, [], [sub.title])], None, None)
        try:
            renamed = subs.rename(sub, title)
        except FeedTitleError:
            done_following(store)  # nothing to finish
            raise
        stories = feed_stories(store, [(renamed, [sub.title])])
        count = retitle_stories(store, [(stories[renamed.id], renamed.title)])
        done_following(store)
    return renamed, count


def unsubscribe(store: Store, gone: list[Subscription]) -> list[tuple[Subscription, str]]:
    """Unsubscribe from ``gone`` (their stories stay). A feed told apart from one of them by its
    host ("Harbour Gazette (b.example)") takes back the title it no longer shares, its stories
    too, as its next fetch would have: the sidebar kept the suffix until then. The earliest
    subscribed of several takes it. Returns each feed retitled, and its title before."""
    subscriptions = Subscriptions(store)
    subscriptions.remove(gone)
    shared = {feed_key(sub.title) for sub in gone if sub.title}
    left = subscriptions.all()
    titles = Titles(left)
    freed = [(sub, base) for sub in left if (base := Titles.shared(sub)) and feed_key(base) in shared
             and titles.own(replace(sub, title=""), base) == base]
    if not freed:
        return []
    with store.lock:  # noted first, as a rename is: one cut short is finished by the next import or fetch
        note_following(store, [(sub, [], [sub.title]) for sub, _ in freed], None, None)
        subscriptions.save([(sub.to_doc(), replace(sub, title=base)) for sub, base in freed])
        stories = feed_stories(store, [(sub, [sub.title]) for sub, _ in freed])
        retitle_stories(store, [(stories[sub.id], base) for sub, base in freed])
        done_following(store)
    return [(replace(sub, title=base), sub.title) for sub, base in freed]

"""The stories the latest fetch added, per feed: what ``is:new`` (the sidebar's "New") lists.

Newsboat and elfeed users look at what a fetch just brought; the unread stories mix it with
everything left from before. A fetch that adds stories writes their ids here, by feed, in
``latest_fetch.json`` (replaced whole, atomically and durably, under the fetch's lock: one
writer); a fetch that adds none leaves the file as it is, so the reader's automatic refresh
does not empty "New" before it is looked at. It holds one fetch's new stories, a few
thousand ids at most: reading it costs nothing at a million stories, and nothing else
is read to list or count them (a story deleted since is simply no longer found).

A file that cannot be read (damaged, of a newer version) counts as no fetch: it is derived
information, which the next fetch that adds stories writes anew.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from broadsheet.store.search.query import Query
from broadsheet.store.storage.atomic import FileIdentity, atomic_write_bytes, file_identity
from broadsheet.store.storage.db import Store

if TYPE_CHECKING:  # (the reader reads the file at start: not the fetch's httpx)
    from broadsheet.store.feeds.fetch import FetchReport

FILE = "latest_fetch.json"
VERSION = 1


@dataclass(frozen=True, slots=True)
class LatestFetch:
    """When the latest fetch that added stories ended, and its new stories' ids by feed id."""

    at: str = ""  # ISO time, UTC ("" : no fetch added any yet)
    feeds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(sid for ids in self.feeds.values() for sid in ids)

    def count_of(self, feed_id: str, present: Callable[[str], bool]) -> int:
        """How many of the feed's new stories are still stored (``present``)."""
        return sum(map(present, self.feeds.get(feed_id, ())))


def path_of(store: Store) -> Path:
    return Path(store.folder) / FILE


def identity(store: Store) -> FileIdentity | None:
    """Changes whenever a fetch writes the file (the reader reads it again only then)."""
    return file_identity(path_of(store))


def load(store: Store) -> LatestFetch:
    """The latest fetch's new stories; an empty one when none is kept or the file is unreadable."""
    try:
        doc = orjson.loads(path_of(store).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return LatestFetch()
    if not isinstance(doc, dict) or doc.get("version") != VERSION:
        return LatestFetch()
    feeds = doc.get("feeds")
    at = doc.get("at")
    if not isinstance(feeds, dict) or not isinstance(at, str):
        return LatestFetch()
    kept = {str(feed): tuple(sid for sid in ids if isinstance(sid, str))
            for feed, ids in feeds.items() if isinstance(ids, list)}
    return LatestFetch(at, kept)


def save(store: Store, report: FetchReport, at: str) -> bool:
    """Keep ``report``'s new stories as the latest fetch's, when it added any (False: it added
    none, and the file stays). Raises StoreWriteError when the file cannot be written."""
    feeds = {r.sub.id: r.new_ids for r in report.results if r.new_ids}
    if not feeds:
        return False
    atomic_write_bytes(path_of(store), orjson.dumps({"version": VERSION, "at": at, "feeds": feeds}))
    return True


def given_new(query: Query, fresh: Callable[[], frozenset[str]]) -> Query:
    """``query`` with the latest fetch's story ids (``fresh``, read only when it asks ``is:new``)."""
    return replace(query, fresh=fresh()) if query.new is not None else query


def fresh_of(store: Store) -> Callable[[], frozenset[str]]:
    """The latest fetch's story ids, read from ``store`` when asked (for :func:`given_new`)."""
    return lambda: load(store).ids


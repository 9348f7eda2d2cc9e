"""The directory's addresses in today's form, once, for a store listed before tracking
parameters left addresses (``?utm_source=...``, ``fbclid``: :func:`store.model.normal_url`).

A story saved from ``page?utm_source=news`` was listed under the hash of that address, and
the page saved again (from the site, or the newsletter again) is now at ``page``: the
directory would not find the story, and it would be stored twice. Its id stays as it is
(tags, bookmarks, marks and the search index name it); the directory gets one more entry
for it, under today's address, which the lookup confirms against its record as ever.

Only metadata shards are read, never bodies, and only records whose text may hold a
tracking parameter are decoded: 0.7 s at 100,000 stories a tenth of which have one, 10 s at
a million. It runs under the store lock when ``addresses.json`` does not say the form is
today's: in the first write of stories (the only caller of the lookup), or before it where
a command shows it with a bar (``Store.update_addresses``). Cut short, it is simply run again: entries are appended
durably, the mark is written last and atomically, and an address the lookup finds already
gets no new entry.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from broadsheet.store.model import may_track, normal_url
from broadsheet.store.storage.atomic import atomic_write_bytes
from broadsheet.store.storage.directory import Directory, Entry

ADDRESSES = "addresses.json"
FORM = 2  # 1 (no file): addresses with their tracking parameters; 2: without them


def is_current(folder: Path) -> bool:
    """Whether the store's directory lists addresses in today's form."""
    try:
        doc = orjson.loads((folder / ADDRESSES).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return False
    return isinstance(doc, dict) and doc.get("form") == FORM


def tracked_url(record: dict[str, Any], unpack: Callable[[dict[str, Any]], dict[str, Any]]) -> str | None:
    """The address of a stored record when it may hold tracking parameters (its form may have
    changed), else None; records without one are not decoded."""
    text = record.get("details", record.get("url"))
    if not isinstance(text, str) or not may_track(text):
        return None
    url = unpack(record).get("url")
    return url if isinstance(url, str) and may_track(url) else None


def bring_up_to_date(folder: Path, directory: Directory, shards: list[int],
                     records: Callable[[int], dict[str, dict[str, Any]]],
                     unpack: Callable[[dict[str, Any]], dict[str, Any]],
                     entry_of: Callable[[str, dict[str, Any], int], Entry],
                     found: Callable[[str], str | None],
                     tell: Callable[[int, int], None] | None = None) -> int:
    """List every stored story whose address lost tracking parameters under its address now
    (the caller holds the lock, and ``directory`` is loaded); return how many entries were added.

    ``records(n)`` gives metadata shard ``n``; ``entry_of`` a record's directory entry;
    ``found(address)`` the stored story the lookup finds at an address, if any (confirmed).
    Of stories already saved twice (with and without tracking parameters) none is merged:
    the lookup finds the one it found before. ``tell`` hears of shards read of all.
    """
    first: dict[str, tuple[str, dict[str, Any], int]] = {}  # address -> the first story at it
    for done, number in enumerate(shards, 1):
        for sid, record in records(number).items():
            url = tracked_url(record, unpack)
            if url is not None:
                first.setdefault(normal_url(url), (sid, record, number))
        if tell is not None:
            tell(done, len(shards))
    added = _entries(first, directory, entry_of, found)
    directory.append(added)
    directory.keep_sorted()  # many added: sorted once here, not by every process that loads them
    atomic_write_bytes(folder / ADDRESSES, orjson.dumps({"form": FORM}))
    return len(added)


def _entries(first: dict[str, tuple[str, dict[str, Any], int]], directory: Directory,
             entry_of: Callable[[str, dict[str, Any], int], Entry],
             found: Callable[[str], str | None]) -> list[Entry]:
    """The entries to add: none for an address the lookup finds already (listed under it by a
    run cut short, or a story saved there since), which is confirmed only when the directory
    gives another story for it."""
    entries = []
    for address, (sid, record, number) in first.items():
        entry = entry_of(sid, record, number)
        held = directory.by_address(entry.address)
        if held == entry.key or (held is not None and found(address) is not None):
            continue
        entries.append(entry)
    return entries

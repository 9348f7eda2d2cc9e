"""Where each story is: an append-only list the store reads instead of every record.

Storing a story must know whether it is stored already (by id, by canonical address, or,
for a text dump, by headline and text) and in which metadata shard. Reading every record
to find out costs a parse of the whole store, which at a million stories is seconds per
import batch. This file answers from 32 bytes a story: the story's key (its id as a
number), its shard, and hashes of its canonical address and folded headline.

Every new, changed or deleted story gets an entry, so the file's tail also says what
changed since a given point (the reader's listing merges it in, see
:mod:`store.storage.listing`).

It is a derivative of the metadata shards, never the record: every answer is a candidate
that the caller confirms against the shard it names, so an entry for a deleted story, or
one left stale by an update, misleads no one. Entries are appended after the shards they
describe are written; a crash in between leaves stories the file does not list, which
:meth:`Directory.load` finds again by reading the newest shards (new stories only ever go
to the newest shards). A torn last entry is ignored and cut off before the next append. A
missing or damaged file is rebuilt from the shards.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from broadsheet.store.storage.atomic import atomic_write_bytes, fsync_dir

ENTRY = struct.Struct("<QQQQ")  # key, shard, address hash, headline hash (0: none)
GONE = 2**64 - 1  # the shard of an entry that says a story was deleted
_HEX_ID = re.compile(r"[0-9a-f]{16}")


def story_key(story_id: str) -> int:
    """The u64 that stands for a story id (the id itself for the usual 16 hex digits)."""
    if _HEX_ID.fullmatch(story_id):
        return int(story_id, 16)
    return int.from_bytes(hashlib.blake2b(story_id.encode("utf-8"), digest_size=8).digest(), "big")


def is_plain_id(story_id: str) -> bool:
    return _HEX_ID.fullmatch(story_id) is not None


def text_hash(text: str | None) -> int:
    """A non-zero u64 for an address or folded headline (0 stands for none)."""
    if not text:
        return 0
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big") or 1


@dataclass(frozen=True, slots=True)
class Entry:
    """One story as the directory lists it."""

    key: int
    shard: int
    address: int = 0  # text_hash of the canonical address
    headline: int = 0  # text_hash of the folded headline (text dumps only)

    def pack(self) -> bytes:
        return ENTRY.pack(self.key, self.shard, self.address, self.headline)


def _note(keys_by: dict[int, int | list[int]], hashed: int, key: int) -> None:
    """Add ``key`` under ``hashed`` (an int alone, a list once there are two)."""
    found = keys_by.get(hashed)
    if found is None:
        keys_by[hashed] = key
    elif isinstance(found, int):
        if found != key:
            keys_by[hashed] = [found, key]
    elif key not in found:
        found.append(key)


class Directory:
    """Story key -> shard, address -> key, headline -> keys, read from ``path`` and kept in step."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._shard: dict[int, int] = {}
        self._address: dict[int, int] = {}
        # headline hash -> key, or keys when several stories share a headline (a list for every
        # entry would cost 80 MB at a million)
        self._headline: dict[int, int | list[int]] = {}
        self._read = 0  # bytes of the file taken in
        self._inode: int | None = None
        self._in_memory = False  # built from the shards, the file being missing
        self.highest = -1  # the highest shard listed

    def load(self, shards: Callable[[], list[int]], entries_of: Callable[[int], Iterable[Entry]],
             catch_up: bool = True) -> None:
        """Take in what other writers appended; rebuild from the shards when the file is gone.

        ``shards`` lists the metadata shards; ``entries_of(n)`` gives the entries of shard
        ``n`` as stored. With ``catch_up`` (the caller holds the store lock) stories a killed
        writer stored but did not list are found and listed; readers go without.
        """
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            stat = None
        if stat is None and not catch_up and self._in_memory:
            return  # built from the shards already: no writer has written the file since
        if stat is None or stat.st_ino != self._inode or stat.st_size < self._read:
            self._forget()
        if stat is None:
            numbers = shards()
            if numbers and catch_up:
                self.rebuild(entry for n in numbers for entry in entries_of(n))
            elif numbers:
                self.rebuild_in_memory(entry for n in numbers for entry in entries_of(n))
            return
        self._inode = stat.st_ino
        whole = (stat.st_size // ENTRY.size) * ENTRY.size
        if whole > self._read:
            with open(self.path, "rb") as handle:
                handle.seek(self._read)
                self._take(handle.read(whole - self._read))
            self._read = whole
        if not catch_up:
            return
        # Stories a writer stored but did not live to list: only the newest shards get new stories.
        missing = [entry for n in shards() if n >= self.highest
                   for entry in entries_of(n) if self._shard.get(entry.key) != entry.shard]
        if missing:
            self.append(missing)

    def _forget(self) -> None:
        self._shard.clear()
        self._address.clear()
        self._headline.clear()
        self._read, self._inode, self.highest, self._in_memory = 0, None, -1, False

    def _take(self, data: bytes) -> None:
        shard, address, headline = self._shard, self._address, self._headline
        highest = self.highest
        for key, number, url, head in ENTRY.iter_unpack(data):
            if number == GONE:
                shard.pop(key, None)
                continue
            shard[key] = number
            if number > highest:
                highest = number
            if url:
                address[url] = key
            if head:
                _note(headline, head, key)
        self.highest = highest

    def append(self, entries: Iterable[Entry]) -> None:
        """List ``entries`` (after their shards are written), durably."""
        data = b"".join(entry.pack() for entry in entries)
        if not data:
            return
        existed = self.path.exists()
        with open(self.path, "ab") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size % ENTRY.size:  # a torn entry from a killed writer: cut it off
                handle.truncate(size - size % ENTRY.size)
                handle.seek(0, os.SEEK_END)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            start = handle.tell() - len(data)
        if not existed:
            fsync_dir(self.path.parent)
        if start == self._read:
            self._take(data)
            self._read += len(data)
            self._inode = self.path.stat().st_ino
        # else another writer appended meanwhile: the next load takes in both

    def rebuild(self, entries: Iterable[Entry]) -> None:
        """Write the file anew from every entry (atomically), and take it in."""
        data = b"".join(entry.pack() for entry in entries)
        atomic_write_bytes(self.path, data)
        self._forget()
        self._take(data)
        self._read = len(data)
        self._inode = self.path.stat().st_ino

    def rebuild_in_memory(self, entries: Iterable[Entry]) -> None:
        """Take in every entry without writing (a reader of a store with no directory yet)."""
        self._forget()
        self._take(b"".join(entry.pack() for entry in entries))
        self._in_memory = True

    def size(self) -> int:
        """Bytes of whole entries in the file (where a listing written now is up to date to)."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return 0
        return size - size % ENTRY.size

    def changes_since(self, offset: int) -> dict[int, int]:
        """Story key -> shard (``GONE``: deleted) for every entry after byte ``offset``, the last of each key."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(offset)
                data = handle.read()
        except FileNotFoundError:
            return {}
        data = data[: len(data) - len(data) % ENTRY.size]
        return {key: number for key, number, _url, _head in ENTRY.iter_unpack(data)}

    # -- answers (candidates: the caller confirms each in the shard named) ----------------

    def shard_of(self, key: int) -> int | None:
        return self._shard.get(key)

    def by_address(self, address_hash: int) -> int | None:
        return self._address.get(address_hash)

    def by_headline(self, headline_hash: int) -> list[int]:
        found = self._headline.get(headline_hash)
        return [] if found is None else [found] if isinstance(found, int) else list(found)

    def add_headline(self, headline_hash: int, key: int) -> None:
        """Note a story of the batch being stored, so a later twin in the batch finds it."""
        _note(self._headline, headline_hash, key)

    def __iter__(self) -> Iterator[int]:
        """Every story key listed."""
        return iter(self._shard)

    def __len__(self) -> int:
        return len(self._shard)

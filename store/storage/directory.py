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
to the newest shards). Entries lost otherwise (a disk that lost the file's last appends, a copy
cut short; a story an undo put back is in an old shard) hid stories from every list, search and
command: a writer that finds the file listing fewer stories than ``meta/stamp.json`` counts
reads every shard for them (:meth:`Directory.list_again`), and ``repair`` checks the file
against the records (:meth:`Directory.unlisted`). A torn last entry is ignored and cut off
before the next append. A missing or damaged file is rebuilt from the shards.

Answering needs the entries sorted, and at a million stories sorting them took 2.9 s: every
import of one page, or fetch of a few feeds, into such a store paid it first. So a writer that
had to sort at least ``RECENT_LIMIT`` new entries, and an import or a fetch that added
``KEEP_SORTED_AFTER`` or more, keeps the sorted maps beside the file (``directory-sorted.bin``,
:class:`Sorted`), with a digest of the part of the file they were made from; the next load
reads them back and takes in only the entries after that part.
They are a derivative of this file in turn: if its first part is not what they were made
from (the file was rebuilt), or they are damaged, they are ignored and made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import struct
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import compress, islice, repeat
from operator import and_, eq, lshift, or_, rshift
from pathlib import Path
from typing import IO, NamedTuple

from broadsheet.store.errors import StoreFileError, StoreWriteError, read_problem
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


#: Entries kept in dicts (about 100 bytes each) before they are merged into the sorted arrays.
RECENT_LIMIT = 65_536
#: Entries taken in since the sorted maps were last kept beside the file for the end of an
#: import or a fetch to sort and keep them again (:meth:`Directory.keep_sorted`).
KEEP_SORTED_AFTER = 65_536


def key_order(keys: array[int]) -> tuple[array[int], array[int]]:
    """``keys`` sorted, and the position each came from (equal keys in their order).

    Each key and its position become one int, so one sort of ints orders them: some 40 bytes
    a key while it runs, where a sort of positions by key holds two lists of ints; every loop
    is a C loop (``map``), none a Python loop per key. Positions must fit in 32 bits.
    """
    packed = list(map(or_, map(lshift, keys, repeat(32)), range(len(keys))))
    packed.sort()
    return array("Q", map(rshift, packed, repeat(32))), array("Q", map(and_, packed, repeat(0xFFFFFFFF)))


class PackedMap:
    """u64 -> u64 for a million entries in 16 bytes each (dicts of ints cost about 100).

    The older entries sit in two arrays sorted by key (looked up by bisection), the newest in
    a dict until there are ``RECENT_LIMIT`` of them, when both are merged into new arrays.
    With ``multi`` a key keeps every distinct value, oldest first; otherwise the last value
    put wins, and a value of ``GONE`` removes the key.
    """

    def __init__(self, *, multi: bool = False) -> None:
        self.multi = multi
        self._keys: array[int] = array("Q")
        self._values: array[int] = array("Q")
        self._recent: dict[int, int | list[int]] = {}  # multi: an int alone, a list once there are two

    def get(self, key: int) -> int | None:
        """The value of ``key`` (the last put), or None when there is none or it was removed."""
        value = self._recent.get(key)
        if value is None:
            at = bisect_left(self._keys, key)
            if at < len(self._keys) and self._keys[at] == key:
                value = self._values[at]
        return None if value is None or value == GONE else value  # type: ignore[return-value]

    def all(self, key: int) -> list[int]:
        """Every value of ``key`` (``multi``): the merged ones in order, then the recent ones as put."""
        at = end = bisect_left(self._keys, key)
        while end < len(self._keys) and self._keys[end] == key:
            end += 1
        recent = self._recent.get(key)
        found = self._values[at:end].tolist()
        if recent is None:
            return found
        return list(dict.fromkeys([*found, *([recent] if isinstance(recent, int) else recent)]))

    def put(self, key: int, value: int) -> None:
        recent = self._recent
        if not self.multi:
            recent[key] = value
        else:
            found = recent.get(key)
            if found is None:
                recent[key] = value
            elif isinstance(found, int):
                if found != value:
                    recent[key] = [found, value]
            else:  # a repeat is dropped by all() and merge(): a test here made thousands of stories
                found.append(value)  # under one headline quadratic (1.6 s to load 20,000)
        if len(recent) >= RECENT_LIMIT:
            self.merge()

    def merge(self, keys: array[int] | None = None, values: array[int] | None = None) -> None:
        """Take the recent entries, then ``keys`` and ``values`` (newer, oldest first), into
        new sorted arrays.

        Each entry becomes one int (the key, then its age or value) so that one sort of ints
        orders them (some 48 bytes an entry while it runs); every loop is a C loop (``map``,
        ``compress``), none a Python loop per entry.
        """
        all_keys, all_values = self._keys, self._values
        if self._recent:
            pairs = [(key, each) for key, value in self._recent.items()
                     for each in (value if isinstance(value, list) else (value,))]
            all_keys = all_keys + array("Q", [key for key, _ in pairs])
            all_values = all_values + array("Q", [value for _, value in pairs])
            self._recent = {}
        if keys is not None and values is not None:
            all_keys, all_values = all_keys + keys, all_values + values
        n = len(all_keys)
        keep = bytearray(b"\x01") * n
        if self.multi:  # one int per (key, value): sorted, a repeated pair is adjacent; the first stays
            packed = list(map(or_, map(lshift, all_keys, repeat(64)), all_values))
            del all_keys, all_values
            packed.sort()
            for i in compress(range(n - 1), map(eq, islice(packed, 1, None), packed)):
                keep[i + 1] = 0
            sorted_keys = array("Q", map(rshift, packed, repeat(64)))
            sorted_values = array("Q", map(and_, packed, repeat(GONE)))
            del packed
        else:  # by key, ages kept in order: a key's values are oldest first; the last stays
            sorted_keys, ages = key_order(all_keys)
            del all_keys
            sorted_values = array("Q", map(all_values.__getitem__, ages))
            del all_values, ages
            for i in compress(range(n - 1), map(eq, sorted_keys[1:], sorted_keys[:-1])):
                keep[i] = 0
            for i in compress(range(n), map(GONE.__eq__, sorted_values)):
                keep[i] = 0
        if keep.count(0):
            sorted_keys = array("Q", compress(sorted_keys, keep))
            sorted_values = array("Q", compress(sorted_values, keep))
        self._keys, self._values = sorted_keys, sorted_values

    def __iter__(self) -> Iterator[int]:
        """Every key with a value (not removed)."""
        recent = self._recent
        for key, value in zip(self._keys, self._values, strict=True):
            if key not in recent and value != GONE:
                yield key
        for key, put in recent.items():
            if put != GONE:
                yield key

    def __len__(self) -> int:
        """Keys with a value (not removed)."""
        count = len(self._keys)
        for key, value in self._recent.items():
            at = bisect_left(self._keys, key)
            merged = at < len(self._keys) and self._keys[at] == key
            count += (value != GONE) - merged
        return count

    def clear(self) -> None:
        self._keys, self._values, self._recent = array("Q"), array("Q"), {}

    def arrays(self) -> tuple[array[int], array[int]] | None:
        """The sorted keys and values when they hold every entry (none waits in the recent dict)."""
        return None if self._recent else (self._keys, self._values)

    def restore(self, keys: array[int], values: array[int]) -> None:
        """Start from sorted arrays that :meth:`arrays` gave (nothing recent)."""
        self._keys, self._values, self._recent = keys, values, {}


class Sorted(NamedTuple):
    """The directory's maps as sorted arrays, made from the file's first ``covered`` bytes.

    Layout: ``SORTED_MAGIC``, the SHA-256 of the rest, then ``_SORTED_HEAD`` (the SHA-256 of
    the directory file's first ``covered`` bytes, ``covered``, the number of stories, the
    highest shard plus one), then each array as its type code (one byte), its length (u64) and its
    items, little-endian: the shard map's keys and values, the address map's, the headline map's.
    Values that fit are kept in 32 bits (shard numbers always do): 44 bytes a story in all.
    """

    digest: bytes
    covered: int
    stories: int
    highest: int
    arrays: tuple[array[int], ...]

    def pack(self) -> bytes:
        parts = [_SORTED_HEAD.pack(self.digest, self.covered, self.stories, self.highest + 1)]
        for items in self.arrays:
            if items.typecode == "Q" and max(items, default=0) < 1 << 32:
                items = array("I", items)
            parts.append(_ARRAY_HEAD.pack(items.typecode.encode(), len(items)))
            parts.append(_little(items).tobytes())
        body = b"".join(parts)
        return SORTED_MAGIC + hashlib.sha256(body).digest() + body

    @classmethod
    def unpack(cls, raw: bytes) -> Sorted | None:
        """The maps in ``raw``, or None when it is not a whole file of them (damaged, cut, another version)."""
        start = len(SORTED_MAGIC) + 32
        if not raw.startswith(SORTED_MAGIC):
            return None
        if hashlib.sha256(memoryview(raw)[start:]).digest() != raw[len(SORTED_MAGIC):start]:
            return None
        try:
            digest, covered, stories, highest = _SORTED_HEAD.unpack_from(raw, start)
            at = start + _SORTED_HEAD.size
            arrays = []
            for _ in range(6):
                code, length = _ARRAY_HEAD.unpack_from(raw, at)
                at += _ARRAY_HEAD.size
                items = array(code.decode())
                items.frombytes(raw[at:at + length * items.itemsize])
                at += length * items.itemsize
                if len(items) != length:
                    return None
                arrays.append(array("Q", _little(items)) if items.typecode != "Q" else _little(items))
        except (struct.error, ValueError):
            return None
        return cls(digest, covered, stories, highest - 1, tuple(arrays)) if at == len(raw) else None


SORTED_MAGIC = b"\x89BSD2\r\n\n"  # 2: the highest shard kept plus one, unsigned (any u64 a damaged entry holds)
_SORTED_HEAD = struct.Struct("<32sQQQ")
_ARRAY_HEAD = struct.Struct("<cQ")


def _little(items: array[int]) -> array[int]:
    """``items`` in little-endian order (a copy swapped on a big-endian machine)."""
    if sys.byteorder == "little":
        return items
    swapped = array(items.typecode, items)
    swapped.byteswap()
    return swapped


def _last_entry(before: bytes, data: bytes) -> bytes:
    """The last entry of the bytes ``before`` followed by ``data``, without joining them (``data``
    may be the whole file)."""
    return data[-ENTRY.size:] if len(data) >= ENTRY.size else (before + data)[-ENTRY.size:]


def among(keys: array[int], key: int) -> bool:
    """Whether ``key`` is in the sorted ``keys``."""
    at = bisect_left(keys, key)
    return at < len(keys) and keys[at] == key


def prefix_digest(path: Path, size: int) -> tuple[hashlib._Hash, bytes] | None:
    """The SHA-256 of the first ``size`` bytes of ``path`` (to go on with) and the last entry of
    them; None when it is shorter or unreadable."""
    digest = hashlib.sha256()
    last = b""
    try:
        with open(path, "rb") as handle:
            left = size
            while left:
                chunk = handle.read(min(left, 1 << 20))
                if not chunk:
                    return None
                digest.update(chunk)
                last = _last_entry(last, chunk)
                left -= len(chunk)
    except OSError:
        return None
    return digest, last


class Directory:
    """Story key -> shard, address -> key, headline -> keys, read from ``path`` and kept in step."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._shard = PackedMap()
        self._address = PackedMap()
        self._headline = PackedMap(multi=True)  # several stories may share a headline
        self._count = 0  # keys with a shard
        self._read = 0  # bytes of the file taken in
        self._inode: int | None = None
        self._in_memory = False  # built from the shards, the file being missing
        self._sorted_at = 0  # bytes of the file the sorted maps beside it hold (see :class:`Sorted`)
        self._digest = hashlib.sha256()  # of the bytes taken in: what the maps were made from
        self._last = b""  # the last entry taken in, to tell the file from another that took its inode
        self.highest = -1  # the highest shard listed

    @property
    def sorted_path(self) -> Path:
        return self.path.with_name(f"{self.path.stem}-sorted.bin")

    def _open(self, mode: str = "rb") -> IO[bytes]:
        """The file, opened; one that cannot be (a folder in its place) raised as a damaged store
        file, which ``repair`` sets aside and writes again (every command said "Is a directory")."""
        try:
            return open(self.path, mode)
        except OSError as exc:
            if (why := read_problem(exc)) is None:
                raise
            raise StoreFileError(self.path, why) from None

    def check(self) -> None:
        """Raise StoreFileError when the file is there and cannot be opened (at the store's opening)."""
        with contextlib.suppress(FileNotFoundError), self._open():
            pass

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
        if stat is None or stat.st_ino != self._inode or stat.st_size < self._read or not self._same_tail():
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
        if not self._read and whole:
            self._restore(whole)
        if whole > self._read:
            with self._open() as handle:
                handle.seek(self._read)
                data = handle.read(whole - self._read)
            self._took(data)
        if not catch_up:
            return
        if self._read - self._sorted_at >= RECENT_LIMIT * ENTRY.size:
            self._save_sorted()
        # Stories a writer stored but did not live to list: only the newest shards get new stories.
        missing = [entry for n in shards() if n >= self.highest
                   for entry in entries_of(n) if self._shard.get(entry.key) != entry.shard]
        if missing:
            self.append(missing)

    def _forget(self) -> None:
        for packed in (self._shard, self._address, self._headline):
            packed.clear()
        self._count = 0
        self._read, self._inode, self.highest, self._in_memory, self._sorted_at = 0, None, -1, False, 0
        self._digest, self._last = hashlib.sha256(), b""

    def _same_tail(self) -> bool:
        """Whether the file still holds the last entry taken in where it was: an atomic rebuild
        (``repair``) may give the new file the old one's inode, and its tail must not be read
        on top of maps of the old."""
        if not self._read:
            return True
        try:
            with open(self.path, "rb") as handle:
                return os.pread(handle.fileno(), ENTRY.size, self._read - ENTRY.size) == self._last
        except OSError:
            return False

    def _took(self, data: bytes) -> None:
        """Take in ``data``, the file's bytes after those taken in already."""
        self._take(data)
        self._read += len(data)
        self._digest.update(data)
        self._last = _last_entry(self._last, data)

    def _restore(self, whole: int) -> None:
        """Start from the sorted maps beside the file, when they were made from its first bytes."""
        try:
            raw = self.sorted_path.read_bytes()
        except OSError:
            return
        found = Sorted.unpack(raw)
        del raw
        if found is None or found.covered > whole or found.covered % ENTRY.size:
            return
        prefix = prefix_digest(self.path, found.covered)
        if prefix is None or prefix[0].digest() != found.digest:
            return  # the file was rebuilt since: these maps are of another
        self._digest, self._last = prefix
        for packed, (keys, values) in zip((self._shard, self._address, self._headline),
                                          zip(found.arrays[::2], found.arrays[1::2], strict=True), strict=True):
            packed.restore(keys, values)
        self._count, self.highest = found.stories, found.highest
        self._read = self._sorted_at = found.covered

    @property
    def loaded(self) -> bool:
        """Whether entries were taken in (from the file or the shards) since this was made or forgotten."""
        return self._read > 0 or self._in_memory

    def keep_sorted(self) -> None:
        """Sort the maps and keep them beside the file when ``KEEP_SORTED_AFTER`` entries or more came
        since they last were (the end of an import or a fetch: its process pays the sort, 2.9 s
        at a million stories, rather than the next writer or the reader's first article by id).
        The caller holds the store lock."""
        if self._read - self._sorted_at < KEEP_SORTED_AFTER * ENTRY.size or self._in_memory:
            return
        for packed in (self._shard, self._address, self._headline):
            if packed.arrays() is None:
                packed.merge()
        self._save_sorted()

    def _save_sorted(self) -> None:
        """Keep the maps sorted beside the file, when every entry taken in is in their arrays
        (a load that sorted them all): the next load starts from them. Best effort: it is a
        derivative, and a failure costs the next load its sort."""
        arrays: list[array[int]] = []
        for packed in (self._shard, self._address, self._headline):
            pair = packed.arrays()
            if pair is None:
                return
            arrays += pair
        # The digest of the bytes these maps were made from, not of the file as it is now.
        found = Sorted(self._digest.digest(), self._read, self._count, self.highest, tuple(arrays))
        try:
            atomic_write_bytes(self.sorted_path, found.pack())
        except (OSError, struct.error, OverflowError):
            return
        self._sorted_at = self._read

    def _take(self, data: bytes) -> None:
        shard, address, headline = self._shard, self._address, self._headline
        if len(data) // ENTRY.size >= RECENT_LIMIT:  # a whole file: straight into the arrays
            columns = array("Q", data)
            if sys.byteorder != "little":
                columns.byteswap()
            keys, numbers, urls, heads = (columns[i::4] for i in range(4))
            del columns
            listed = bytearray(map(GONE.__ne__, numbers))  # entries that are not deletions
            shard.merge(keys, numbers)
            for hashes, packed in ((urls, address), (heads, headline)):
                wanted = bytearray(map(and_, listed, map(bool, hashes)))
                packed.merge(array("Q", compress(hashes, wanted)), array("Q", compress(keys, wanted)))
            self._count = len(shard)
            self.highest = max(self.highest, max(compress(numbers, listed), default=-1))
            return
        highest = self.highest
        for key, number, url, head in ENTRY.iter_unpack(data):
            had = shard.get(key) is not None
            shard.put(key, number)
            if number == GONE:
                self._count -= had
                continue
            self._count += not had
            if number > highest:
                highest = number
            if url:
                address.put(url, key)
            if head:
                headline.put(head, key)
        self.highest = highest

    def append(self, entries: Iterable[Entry]) -> None:
        """List ``entries`` (after their shards are written), durably."""
        data = b"".join(entry.pack() for entry in entries)
        if not data:
            return
        existed = self.path.exists()
        try:
            with self._open("ab") as handle:
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
        except OSError as exc:  # a full disk: said as every store write says it (the entries torn off
            # here are cut by the next append, and the stories listed again from their records)
            raise StoreWriteError(self.path, exc) from exc
        if start == self._read:
            self._took(data)
            self._inode = self.path.stat().st_ino
        # else another writer appended meanwhile: the next load takes in both

    def list_again(self, entries: Iterable[Entry]) -> None:
        """List those of ``entries`` (every story as the shards hold it) that the file does not list
        in their shard: entries whose append was lost, in any shard, not only the newest ones that
        :meth:`load` reads. The caller holds the store lock."""
        self.append(entry for entry in entries if self._shard.get(entry.key) != entry.shard)

    def unlisted(self, keys: array[int]) -> tuple[int, int]:
        """How many of ``keys`` (every stored story's, sorted) this lists nowhere, and how many
        stories it lists that are not among them: ``repair`` checks the file against the records."""
        missing = sum(self._shard.get(key) is None for key in keys)
        extra = sum(not among(keys, key) for key in self._shard)
        return missing, extra

    def rebuild(self, entries: Iterable[Entry]) -> None:
        """Write the file anew from every entry (atomically), and take it in."""
        data = b"".join(entry.pack() for entry in entries)
        atomic_write_bytes(self.path, data)
        self.sorted_path.unlink(missing_ok=True)  # made from the file replaced
        self._forget()
        self._took(data)
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
            with self._open() as handle:
                handle.seek(offset)
                data = handle.read()
        except FileNotFoundError:
            return {}
        data = data[: len(data) - len(data) % ENTRY.size]
        return {key: number for key, number, _url, _head in ENTRY.iter_unpack(data)}

    def deleted(self, since: int = 0) -> set[int]:
        """The keys whose last entry after byte ``since`` says the story was deleted (the file read
        a block at a time: a pass over a million stories' entries holds one block and the keys)."""
        gone: set[int] = set()
        try:
            with self._open() as handle:
                handle.seek(since - since % ENTRY.size)
                while block := handle.read(ENTRY.size * 32_768):
                    for key, number, _url, _head in ENTRY.iter_unpack(block[: len(block) - len(block) % ENTRY.size]):
                        if number == GONE:
                            gone.add(key)
                        else:
                            gone.discard(key)  # stored again since (an undo)
        except FileNotFoundError:
            return set()
        return gone

    # -- answers (candidates: the caller confirms each in the shard named) ----------------

    def shard_of(self, key: int) -> int | None:
        return self._shard.get(key)

    def by_address(self, address_hash: int) -> int | None:
        return self._address.get(address_hash)

    def by_headline(self, headline_hash: int) -> list[int]:
        return self._headline.all(headline_hash)

    def add_headline(self, headline_hash: int, key: int) -> None:
        """Note a story of the batch being stored, so a later twin in the batch finds it."""
        self._headline.put(headline_hash, key)

    def __iter__(self) -> Iterator[int]:
        """Every story key listed."""
        return iter(self._shard)

    def __len__(self) -> int:
        return self._count

"""The reader's list of every story, newest first, read a window at a time (issue 17).

Starting the reader must not read every story's record: at a million stories that is
seconds and gigabytes. ``listing.bin`` holds what a row of the headline list shows
(headline, source, date) for every story, sorted newest first, and the reader maps the
file and reads only the rows it draws. It is a derivative of the metadata shards, as the
search index is: rebuilt whole, atomically, when it is missing, damaged or of another
version, or when too much has changed since; what changed since it was written (new,
changed and deleted stories) is read from the tail of the directory, which every writer
appends to, and merged in when the reader opens it. Rows are in the order of the time
published, whatever the zone it was given in (:func:`time_order`). A listing of version 03
(before the compressed blocks), 04 (in the order of the dates' text) or 05 (a byte a row for its
parser) is read as it is until the next import or fetch writes it anew (:class:`ListingV03`,
:func:`reordered`, :class:`ListingV05`): a write of the listing is atomic, so one stopped part way
leaves the old file, which opens.

Layout, little-endian: a header (magic, rows, directory bytes covered, bytes of the source
table, rows a block, bytes of the parser table); then each row's story key, in list order; the offset
of each block of texts (and of their end); a u16 per row (the parser that read it, its kind and
version, in 15 bits: see ``store.ingest``; high bit set when the story came from a file that can be
read again; version 05 had a byte, which left a kind 31 versions); the keys sorted, then
the row of each (u32); then the texts in
blocks of ``BLOCK_ROWS`` rows, each block zlib-compressed on its own (UTF-8, rows joined by
U+001E, fields by U+001F: stored strings are cleaned of control characters, so none holds
one); then the rows in the order "by source" (u32 each: sources compared case-blind, newest
first within one), and the source table: JSON ``[[source, stories], ...]`` in that order, so
the order by source and the stories per feed are read, not computed from a million rows; last
the parser table, JSON ``[[flags, stories], ...]`` ascending, so the stories an older parser read
are counted at the reader's start without a pass over the rows (``reparse --stale`` makes one).

Why blocks (issue 17): the texts were 132 bytes a row, 0.04x the pages a store came from; a
block of 128 rows compressed keeps 54 bytes a row. A window of rows decompresses a block or
two (about 60 us each); the last blocks read are kept decoded. zlib, not zstd: it is in the
standard library, and importing zstandard would cost the first paint 5 ms; for blocks of
17 kB it compresses as well (``python -m bench.store_size`` shows the listing's bytes).
"""

from __future__ import annotations

import contextlib
import heapq
import mmap
import re
import struct
import threading
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, overload

import orjson

from broadsheet.store.ingest import current
from broadsheet.store.model import time_order
from broadsheet.store.storage.atomic import atomic_write_with
from broadsheet.store.storage.directory import is_plain_id, key_order, story_key

T = TypeVar("T")
#: 02: a feed entry is not "from a file"; 03: the order by source and the source table;
#: 04: texts in compressed blocks, keyed rows as u32; 05: rows in the order of the time published,
#: where 04 sorted its text; 06: a u16 a row for its parser (05: a byte) and the parser table (a
#: listing of another version is written anew)
MAGIC = b"BSLIST06"
#: magic, rows, directory bytes covered when written, source table bytes, block rows, parser table bytes
HEADER = struct.Struct("<8sQQQQQ")
U64 = struct.Struct("<Q")
U32 = struct.Struct("<I")
U16 = struct.Struct("<H")
SEP = "\x1f"
ROW_SEP = b"\x1e"
BLOCK_ROWS = 128  # rows compressed together (a window of the list is a block or two)
LEVEL = 6  # zlib level: 9 gains 0.3 bytes a row
BLOCKS_KEPT = 32  # decoded blocks kept (about 17 kB each)
FROM_FILE = 0x8000  # a row's flags: the parser's stamp (below it) and this bit
RUN_ROWS = 100_000  # rows sorted in memory at once (a listing made from every shard, rows reordered)
#: Rebuild the file rather than merge more changed stories than this at every start.
TAIL_LIMIT = 5_000
#: Sources asked of the catalogue one by one (a binary search in the file each) before it
#: maps every row to its source at once (20 MB at a million rows; a recount of every mark).
SOURCE_ASKS = 2_000
HEX_PREFIX = re.compile("[0-9a-f]{1,16}")
DROP_EVERY = 50_000  # rows streamed between letting go of the pages read


@dataclass(frozen=True, slots=True)
class Row:
    """One story as the headline list shows it."""

    sid: str
    headline: str
    source: str
    published: str
    imported: str
    shard: int
    flags: int  # the parser that read it (its stamp, see store.ingest), FROM_FILE when it came from a file

    @property
    def sort_key(self) -> str:
        """Newest first sorts on this, descending (as ``Store.stories`` does): the time published
        (:func:`time_order`), import time, id."""
        return time_order(self.published) + "\x00" + self.imported + "\x00" + self.sid

    def text(self) -> bytes:
        return SEP.join((self.sid, self.headline, self.source, self.published, self.imported,
                         str(self.shard))).encode("utf-8", "surrogatepass")

    def doc(self) -> dict[str, Any]:
        """The listed fields as a stored record holds them."""
        doc: dict[str, Any] = {"headline": self.headline, "shard": self.shard, "parser": self.flags & ~FROM_FILE}
        for name in ("source", "published", "imported"):
            value = getattr(self, name)
            if value:
                doc[name] = value
        return doc


def row_of(sid: str, record: Mapping[str, Any], shard: int, from_file: bool) -> Row:
    """A stored metadata record as a row (fields of the wrong type read as missing)."""

    def text(name: str) -> str:
        value = record.get(name)
        return _one_field(value) if isinstance(value, str) else ""

    parser = current(record.get("parser"))  # a record keeps an old stamp until its story is read again
    return Row(_one_field(sid), text("headline"), text("source"), text("published"), text("imported"),
               shard, (parser if parser < FROM_FILE else 0) | (FROM_FILE if from_file else 0))


def _one_field(text: str) -> str:
    """``text`` without the separators of fields and rows (cleaned strings hold none; a hand edit might)."""
    return text.replace(SEP, " ").replace("\x1e", " ")


def is_stale(flags: int, stale: Collection[int]) -> bool:
    return bool(flags & FROM_FILE) and flags & ~FROM_FILE in stale


def source_key(source: str) -> str:
    """What the order "by source" compares: case-blind, stories without a source last."""
    return (source or "\uffff").casefold()


def newest_first(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=attrgetter("sort_key"), reverse=True)


def _blocks(count: int, block_rows: int) -> int:
    return -(-count // block_rows)


#: A row as the file holds it: its text, story key, flags and source (UTF-8), not parsed.
RawRow = tuple[bytes, int, int, bytes]
_SEP_BYTES = SEP.encode()


def raw_row(row: Row) -> RawRow:
    return row.text(), story_key(row.sid), row.flags, row.source.encode("utf-8", "surrogatepass")


def write_rows(path: Path, rows: Iterable[Row], count: int, covered: int) -> None:
    """Write the listing of ``count`` rows given newest first (see :func:`write_raw_rows`)."""
    write_raw_rows(path, map(raw_row, rows), count, covered)


def write_raw_rows(path: Path, rows: Iterable[RawRow], count: int, covered: int) -> None:
    """Write the listing of ``count`` rows given newest first, up to date with ``covered``
    directory bytes, atomically. The texts are streamed to the file a block at a time; what
    is kept meanwhile is 22 bytes a row (keys, flags, source), so a million rows take some 30 MB."""
    block_rows = BLOCK_ROWS
    blocks = _blocks(count, block_rows)
    texts_at = HEADER.size + 8 * count + 8 * (blocks + 1) + 2 * count + 12 * count
    offsets, keys, flags = array("Q"), array("Q"), array("H")
    sources: dict[bytes, int] = {}
    source_of = array("I")

    def write(handle: BinaryIO) -> None:
        handle.seek(texts_at)
        at = 0
        block: list[bytes] = []

        def flush() -> None:
            nonlocal at
            packed = zlib.compress(ROW_SEP.join(block), LEVEL)
            offsets.append(at)
            handle.write(packed)
            at += len(packed)
            block.clear()

        for text, key, flag, source in rows:
            block.append(text)
            keys.append(key)
            flags.append(flag)
            source_of.append(sources.setdefault(source, len(sources)))
            if len(block) == block_rows:
                flush()
        if block:
            flush()
        if len(keys) != count:
            raise ValueError(f"listing: {len(keys)} rows given, {count} announced")
        offsets.append(at)
        by_source, table = _by_source([name.decode("utf-8", "surrogatepass") for name in sources], source_of)
        handle.write(by_source.tobytes())
        handle.write(table)
        parsers = _parser_table(flags)
        handle.write(parsers)
        handle.seek(0)
        handle.write(HEADER.pack(MAGIC, count, covered, len(table), block_rows, len(parsers)))
        handle.write(keys.tobytes())
        handle.write(offsets.tobytes())
        handle.write(flags.tobytes())
        sorted_keys, rows_of_keys = key_order(keys)
        handle.write(sorted_keys.tobytes())
        handle.write(array("I", rows_of_keys).tobytes())

    atomic_write_with(path, write)


def _parser_table(flags: array[int]) -> bytes:
    """The parser table of rows with ``flags``: ``[[flags, stories], ...]``, ascending."""
    return orjson.dumps(sorted(Counter(flags).items()))


def _by_source(names: list[str], source_of: array[int]) -> tuple[array[int], bytes]:
    """(the rows in the order by source, the source table) for rows whose sources are
    ``names[source_of[row]]``: a bucket per source, so each source's rows stay newest first."""
    ordered = sorted(range(len(names)), key=lambda n: (source_key(names[n]), names[n]))
    groups = sorted({source_key(name) for name in names})
    group = {key: place for place, key in enumerate(groups)}
    rank = array("I", (group[source_key(name)] for name in names))  # names the same but for case: one group
    buckets = [array("I") for _ in groups]  # 4 bytes a row: no list of a million ints
    for row, source in enumerate(source_of):
        buckets[rank[source]].append(row)
    by_source = array("I")
    for bucket in buckets:
        by_source.extend(bucket)
    counts = Counter(source_of)
    return by_source, orjson.dumps([[names[n], counts[n]] for n in ordered])


def merged(listing: Listing, hidden: Iterable[int], changed: list[Row]) -> Iterator[RawRow]:
    """The rows of ``listing`` but those at positions ``hidden``, with ``changed`` (newest
    first) merged in: the next listing, a row at a time (compaction).

    Each changed row goes where :meth:`Listing.insertion_point` puts it (after rows of an
    equal sort key, as a merge of the old rows then the changed would); the old rows go
    through as the file holds them, not parsed: at a million rows, parsing them and making
    their texts and keys again was 3.4 s of the rewrite's 8.5 (most of the rest: zlib both ways,
    2.5 and 0.65 s, and sorting the keys, 0.95 s). Only the key is checked against the row's
    id, as the texts are against their blocks' checksums: a key damaged on disk is made anew
    from the id, not carried into every later listing.
    """
    skip = set(hidden)
    places = [listing.insertion_point(row.sort_key) for row in changed]  # ascending: changed is newest first
    keys, flags = listing.keys(), listing.flags()
    waiting = 0  # the next changed row
    for position, text in enumerate(listing.texts()):
        while waiting < len(changed) and places[waiting] <= position:
            yield raw_row(changed[waiting])
            waiting += 1
        if position not in skip:
            sid, _, source, _ = text.split(_SEP_BYTES, 3)
            key = keys[position]
            if b"%016x" % key != sid:  # a key section damaged, or an id that is not its key's 16 hex digits
                key = story_key(sid.decode("utf-8", "surrogatepass"))
            yield text, key, flags[position], source
    for row in changed[waiting:]:
        yield raw_row(row)


def _raw_sort_key(published: bytes, imported: bytes, sid: bytes) -> bytes:
    """:attr:`Row.sort_key` of a row's fields as the file holds them (UTF-8 orders as the text does)."""
    if len(published) > 19 and not published.endswith(b"+00:00"):
        published = time_order(published.decode("utf-8", "surrogatepass")).encode("utf-8", "surrogatepass")
    return b"\0".join((published, imported, sid))


def reordered(listing: Listing, hidden: Iterable[int], changed: list[Row]) -> Iterator[RawRow]:
    """:func:`merged`, for a listing of a version that sorted the date's text (04 and before):
    its rows whose time has an offset other than UTC, and the changed rows, are taken out,
    sorted and merged back by :attr:`Row.sort_key`; the others are in that order already.
    Raises ValueError when more than ``RUN_ROWS`` rows move (the listing is made from every
    shard instead, in bounded memory)."""
    skip = set(hidden)
    moved = list(changed)
    flags = listing.flags()
    for position, text in enumerate(listing.texts()):
        published = text.split(_SEP_BYTES, 4)[3]
        if position not in skip and len(published) > 19 and not published.endswith(b"+00:00"):
            row = _parsed(text, flags[position])
            if time_order(row.published) != row.published:
                if len(moved) >= RUN_ROWS:
                    raise ValueError("too many rows move to be held")
                skip.add(position)
                moved.append(row)

    def keyed(raw: RawRow) -> tuple[bytes, RawRow]:
        sid, _, _, published, imported, _ = raw[0].split(_SEP_BYTES)
        return _raw_sort_key(published, imported, sid), raw

    sorted_moved = [(row.sort_key.encode("utf-8", "surrogatepass"), raw_row(row)) for row in newest_first(moved)]
    for _key, raw in heapq.merge(map(keyed, merged(listing, skip, [])), sorted_moved,
                                 key=itemgetter(0), reverse=True):
        yield raw


class Listing:
    """A written listing, mapped: rows by position, positions by key."""

    version = 6
    MAGIC = MAGIC
    HEADER = HEADER
    time_ordered = True  # rows in the order of the time published (:func:`merged`, not :func:`reordered`)
    _raw_sort_key = staticmethod(_raw_sort_key)

    def __init__(self, path: Path) -> None:
        """Raises ValueError when the file is not a listing of this version, OSError when unreadable."""
        header = self.HEADER
        with open(path, "rb") as handle:
            size = handle.seek(0, 2)
            if size < header.size:
                raise ValueError("too short")
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        magic, self.count, self.covered, table, self._block_rows, *rest = header.unpack_from(self._map, 0)
        n = self.count
        if magic != self.MAGIC or not 0 < self._block_rows <= 1 << 20:
            self._map.close()
            raise ValueError("not a listing of this version")
        self._blocks = _blocks(n, self._block_rows)
        self._keys = header.size
        self._offsets = self._keys + 8 * n
        self._flags = self._offsets + 8 * (self._blocks + 1)
        self._sorted = self._flags + self._flag_bytes(n)
        self._keyed_rows = self._sorted + 8 * n
        self._texts = self._keyed_rows + 4 * n
        if magic != self.MAGIC or self._texts > size:
            self._map.close()
            raise ValueError("not a listing of this version")
        self._by_source = self._texts + self._block_at(self._blocks)
        self._table = self._by_source + 4 * n
        self._parsers = self._table + table
        if self._parsers + sum(rest) != size:
            self._map.close()
            raise ValueError("not a listing of this version")
        self.path = path
        #: Gives the row of a story key from the story's own record: set by the reader's store,
        #: so a damaged block is read from the records (see :meth:`_decompressed`).
        self.recover: Callable[[int], Row] | None = None
        self.damaged: dict[int, str] = {}  # blocks found damaged and read through ``recover``: what was wrong
        self._decoded: dict[int, list[bytes]] = {}  # block -> its rows' texts, the latest read last
        self._lock = threading.Lock()  # rows are read from the reader's workers too
        self._last: tuple[int, list[bytes]] = (-1, [])  # the block read last (one object: swapped whole)
        self._firsts: dict[int, str] = {}  # block -> the sort key of its first row (see insertion_point)

    def _block_at(self, block: int) -> int:
        """Where block ``block`` starts among the texts (``self._blocks``: where they end)."""
        return U64.unpack_from(self._map, self._offsets + 8 * block)[0]

    def _decompressed(self, block: int) -> list[bytes]:
        """The row texts of ``block``, read from the file. A damaged block (bad sectors, an edit)
        is read row by row through ``recover`` and noted in ``damaged``: the listing is only a
        derivative of the records, and a row drawn must not end the reader. Without ``recover``
        (a writer merging the old listing: it rebuilds from the records instead) ValueError."""
        texts, problem = self._read(block)
        if problem is None:
            return texts
        if self.recover is None:
            raise ValueError(f"listing: block {block} is damaged ({problem})")
        self.damaged.setdefault(block, problem)
        first = block * self._block_rows
        return [self.recover(self.key(at)).text() for at in range(first, min(first + self._block_rows, self.count))]

    def _read(self, block: int) -> tuple[list[bytes], str | None]:
        """The row texts of ``block`` as the file holds them, and what is wrong with them (zlib
        checks the bytes), or None."""
        start, end = self._block_at(block), self._block_at(block + 1)
        try:
            texts = zlib.decompress(self._map[self._texts + start:self._texts + end]).split(ROW_SEP)
        except zlib.error as exc:
            return [], str(exc)
        rows = min(self._block_rows, self.count - block * self._block_rows)
        return texts, None if len(texts) == rows else f"{len(texts)} rows where {rows} belong"

    def verify(self) -> dict[int, str]:
        """Every damaged block and what is wrong with it (a pass over the whole file)."""
        return {block: problem for block in range(self._blocks) if (problem := self._read(block)[1]) is not None}

    def check(self, on_row: Callable[[int], None] | None = None) -> str | None:
        """What is wrong with the file, or None (``repair``: a pass over all of it).

        The texts are checked against their blocks' checksums; every other section has none,
        so it is checked against what :func:`write_raw_rows` makes of the texts: each row's key
        is its id's, the rows are newest first, the sorted keys, their rows, the order by
        source and the source table are those of the rows. A reader trusts these sections (a
        damaged key shows another story's marks) until a writer's merge meets the damage.
        The flags come from the records and are not checked; the parser table is checked
        against them. ``on_row(done)`` every 10,000 rows.
        """
        keys, source_of = array("Q"), array("I")
        sources: dict[bytes, int] = {}
        newer = b"\xff"  # above every row's sort key: dates and times are ASCII
        try:
            for position, text in enumerate(self.texts()):
                fields = text.split(_SEP_BYTES)
                if len(fields) != 6 or not fields[5].isdigit():
                    return f"row {position} is not a row of the list"
                sid, _, source, published, imported, _ = fields
                sort_key = self._raw_sort_key(published, imported, sid)
                if sort_key > newer:
                    return f"row {position} is out of order (newest first)"
                newer = sort_key
                keys.append(story_key(sid.decode("utf-8", "surrogatepass")))
                source_of.append(sources.setdefault(source, len(sources)))
                if on_row is not None and position % 10_000 == 0:
                    on_row(position)
        except ValueError:  # a damaged block (its checksum), or text that is not UTF-8
            return damage_of(self.verify()) or "a row's text is not UTF-8"
        if on_row is not None:
            on_row(self.count)
        stored = self.keys()
        if stored != keys:
            first = next(at for at, (a, b) in enumerate(zip(stored, keys, strict=True)) if a != b)
            return f"the key of row {first} is not its story's"
        sorted_keys, rows_of_keys = key_order(keys)
        if self.sorted_keys() != sorted_keys or self.keyed_rows() != rows_of_keys:
            return "the stories' keys in order do not match the rows"
        names = [name.decode("utf-8", "surrogatepass") for name in sources]
        by_source, table = _by_source(names, source_of)
        try:
            listed = self.sources()
        except (TypeError, ValueError):  # a table that is not JSON pairs (orjson's errors are ValueErrors)
            listed = None
        if self.by_source() != by_source or listed != [(name, count) for name, count in orjson.loads(table)]:
            return "the order by source does not match the rows"
        if not self._parsers_match():
            return "the parser table does not match the rows"
        return None

    def _parsers_match(self) -> bool:
        """Whether the parser table is the one the rows' flags make."""
        return self._map[self._parsers:] == _parser_table(self.flags())

    def _texts_of(self, block: int) -> list[bytes]:
        """The row texts of ``block``, decompressed (or kept from a recent read)."""
        last = self._last  # the usual case, a window in the block read last: no lock
        if last[0] == block:
            return last[1]
        with self._lock:
            found = self._decoded.pop(block, None)
            if found is None:
                found = self._decompressed(block)
                if len(self._decoded) >= BLOCKS_KEPT:
                    del self._decoded[next(iter(self._decoded))]
            self._decoded[block] = found
            self._last = (block, found)
            return found

    def row(self, position: int) -> Row:
        if not 0 <= position < self.count:
            raise IndexError(position)
        block, at = divmod(position, self._block_rows)
        return _parsed(self._texts_of(block)[at], self.flag(position))

    def stream(self) -> Iterator[Row]:
        """Every row in order, for a pass over the whole file (merging runs)."""
        return map(_parsed, self.texts(), self.flags())

    def texts(self) -> Iterator[bytes]:
        """Every row's text in order, for a pass over the whole file (compaction, merging runs):
        the pages read are let go as it goes, so a million rows do not stay resident
        (the mapped file would count in the process's memory)."""
        done = 0  # bytes of the mapping let go
        for block in range(self._blocks):
            if block % max(1, DROP_EVERY // self._block_rows) == 0 and block:
                done = self._let_go(done, self._texts + self._block_at(block))
            yield from self._decompressed(block)

    def _let_go(self, done: int, upto: int) -> int:
        """Drop the mapped pages of the texts read so far (they stay in the page cache)."""
        start = done or self._texts - self._texts % mmap.PAGESIZE
        end = upto - upto % mmap.PAGESIZE
        if end > start and hasattr(self._map, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
            self._map.madvise(mmap.MADV_DONTNEED, start, end - start)
            return end
        return done

    def key(self, position: int) -> int:
        return U64.unpack_from(self._map, self._keys + 8 * position)[0]

    def keys(self) -> array[int]:
        """Every row's key, in list order (one copy of a section of the file: 8 bytes a row)."""
        keys = array("Q")
        keys.frombytes(self._map[self._keys:self._offsets])
        return keys

    def position(self, key: int, strict: bool = False) -> int | None:
        """The row of the story with ``key`` (binary search over the sorted keys). A row that
        does not hold ``key`` is no answer: with a damaged section, deleting one story must not
        hide another's row. ``strict`` (a writer about to rewrite the file): such a row raises
        ValueError, so the listing is made again from the records."""
        at = self._keyed_from(key)
        if at < self.count and self._sorted_key(at) == key:
            row = self._keyed_row(at)
            if row < self.count and self.key(row) == key:
                return row
            if strict:
                raise ValueError(f"listing: the row of story key {key:016x} is damaged")
        return None

    def positions_between(self, low: int, high: int) -> Iterator[int]:
        """The rows of the stories whose keys are from ``low`` to ``high`` (an id's prefix)."""
        for at in range(self._keyed_from(low), self.count):
            if self._sorted_key(at) > high:
                return
            yield self._keyed_row(at)

    def _keyed_from(self, key: int) -> int:
        """Where ``key`` is, or would go, among the sorted keys."""
        low, high = 0, self.count
        while low < high:
            mid = (low + high) // 2
            if self._sorted_key(mid) < key:
                low = mid + 1
            else:
                high = mid
        return low

    def _sorted_key(self, at: int) -> int:
        """The key at ``at`` among the sorted keys."""
        return int(U64.unpack_from(self._map, self._sorted + 8 * at)[0])

    def _keyed_row(self, at: int) -> int:
        """The row of the key at ``at`` among the sorted keys."""
        return int(U32.unpack_from(self._map, self._keyed_rows + 4 * at)[0])

    def positions(self, keys: Iterable[int], strict: bool = False) -> set[int]:
        """The rows of the stories with ``keys`` (those listed; ``strict``: see :meth:`position`)."""
        return {p for key in keys if (p := self.position(key, strict)) is not None}

    @staticmethod
    def _flag_bytes(count: int) -> int:
        """Bytes of the flags of ``count`` rows."""
        return 2 * count

    def flag(self, position: int) -> int:
        """The flags of row ``position``: its parser's stamp, and ``FROM_FILE``."""
        return int(U16.unpack_from(self._map, self._flags + 2 * position)[0])

    def flags(self) -> array[int]:
        """Every row's flags, in list order (one copy of a section of the file: 2 bytes a row)."""
        flags = array("H")
        flags.frombytes(self._map[self._flags:self._sorted])
        return flags

    def parsers(self) -> dict[int, int]:
        """Stories by their flags (the parser table; counted from the rows where it is damaged)."""
        with contextlib.suppress(TypeError, ValueError):  # orjson's errors are ValueErrors
            return {int(flags): int(count) for flags, count in orjson.loads(self._map[self._parsers:])}
        return dict(Counter(self.flags()))

    def sorted_keys(self) -> array[int]:
        """Every key, ascending (one copy of a section of the file)."""
        keys = array("Q")
        keys.frombytes(self._map[self._sorted:self._keyed_rows])
        return keys

    def keyed_rows(self) -> array[int]:
        """The row of each key, in the order of :meth:`sorted_keys` (one copy of a section of the file)."""
        rows = array("I")
        rows.frombytes(self._map[self._keyed_rows:self._texts])
        return rows

    def by_source(self) -> array[int]:
        """The rows in the order by source (a copy: 4 bytes a row)."""
        rows = array("I")
        rows.frombytes(self._map[self._by_source:self._table])
        return rows

    def sources(self) -> list[tuple[str, int]]:
        """Each source and its stories, in the order by source."""
        return [(name, count) for name, count in orjson.loads(self._map[self._table:self._parsers])]

    def insertion_point(self, sort_key: str) -> int:
        """Where a row with ``sort_key`` goes among the rows (newest first; after equal keys).

        A search among the blocks' first rows (kept once read: the searches of every changed
        row share their first steps), then inside one block: a few blocks decoded, not one a step.
        """
        block = _after(self._first_key, 0, self._blocks, sort_key)  # the first block whose first row goes after it
        if block == 0:
            return 0
        first = (block - 1) * self._block_rows
        return _after(lambda at: self.row(at).sort_key, first, min(first + self._block_rows, self.count), sort_key)

    def _first_key(self, block: int) -> str:
        found = self._firsts.get(block)
        if found is None:
            found = self._firsts[block] = self.row(block * self._block_rows).sort_key
        return found

    def close(self) -> None:
        self._map.close()


#: A row's flags in a listing of version 05 and before, by its byte there: the high bit for
#: ``FROM_FILE``, and a stamp of the old layout (see ``store.ingest.current``) in the others.
_OLD_FLAGS = array("H", [(FROM_FILE if byte & 0x80 else 0) | current(byte & 0x7F) for byte in range(256)])
_OLD_LOW, _OLD_HIGH = bytes(f & 0xFF for f in _OLD_FLAGS), bytes(f >> 8 for f in _OLD_FLAGS)


class ListingV05(Listing):
    """A listing of version 05, whose rows each had a byte for their parser (a kind's versions
    ran out at 31): read as it is, each row's parser as today's stamp of the kind and version it
    meant, until the next import or fetch writes it anew (``Store.write_listing``, :func:`merged`:
    its rows, not every shard's)."""

    version = 5
    MAGIC = b"BSLIST05"
    HEADER = struct.Struct("<8sQQQQ")  # no parser table

    @staticmethod
    def _flag_bytes(count: int) -> int:
        return count

    def flag(self, position: int) -> int:
        return _OLD_FLAGS[self._map[self._flags + position]]

    def flags(self) -> array[int]:
        raw = self._map[self._flags:self._flags + self.count]
        wide = bytearray(2 * len(raw))  # each byte through the table, in C: no int made a row
        wide[0::2], wide[1::2] = raw.translate(_OLD_LOW), raw.translate(_OLD_HIGH)
        flags = array("H")
        flags.frombytes(wide)
        return flags

    def parsers(self) -> dict[int, int]:
        """Counted from the rows (a listing of this version has no parser table)."""
        counts: Counter[int] = Counter()
        for byte, count in Counter(self._map[self._flags:self._flags + self.count]).items():
            counts[_OLD_FLAGS[byte]] += count
        return dict(counts)

    def _parsers_match(self) -> bool:
        return True  # counted from the rows


class ListingV04(ListingV05):
    """A listing of version 04, whose rows are in the order of the date's text: read as it is,
    until the next import or fetch writes it anew (``Store.write_listing``, :func:`reordered`)."""

    version = 4
    MAGIC = b"BSLIST04"
    time_ordered = False

    @staticmethod
    def _raw_sort_key(published: bytes, imported: bytes, sid: bytes) -> bytes:
        return b"\0".join((published, imported, sid))


class ListingV03(ListingV05):
    """A listing of version 03 (texts uncompressed, keyed rows as u64), read as it is: the
    reader opens it at once, and the next import or fetch writes it anew (``Store.write_listing``
    merges its rows into a listing of this version: a million of them in seconds, where making
    one from every shard, at the first start of a reader, took some 40 s)."""

    version = 3
    MAGIC = b"BSLIST03"
    time_ordered = False
    HEADER = struct.Struct("<8sQQQ")
    PAIR = struct.Struct("<QQ")

    def __init__(self, path: Path) -> None:
        pair = self.PAIR
        with open(path, "rb") as handle:
            size = handle.seek(0, 2)
            if size < self.HEADER.size:
                raise ValueError("too short")
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        magic, self.count, self.covered, table = self.HEADER.unpack_from(self._map, 0)
        n = self.count
        self._rows = self.HEADER.size
        self._flags = self._rows + (n + 1) * pair.size
        self._keyed = self._flags + n
        self._texts = self._keyed + n * pair.size
        if magic != self.MAGIC or self._texts > size:
            self._map.close()
            raise ValueError("not a listing of version 03")
        self._by_source = self._texts + pair.unpack_from(self._map, self._rows + n * pair.size)[1]
        self._table = self._by_source + 4 * n
        self._parsers = self._table + table
        if self._parsers != size:
            self._map.close()
            raise ValueError("not a listing of version 03")
        self.path = path
        self.recover: Callable[[int], Row] | None = None  # unused: its rows are not in blocks a check can fail
        self.damaged: dict[int, str] = {}

    def verify(self) -> dict[int, str]:
        """Nothing to check: its texts are stored as they are, with no checksum (the next
        writer replaces the file)."""
        return {}

    def check(self, on_row: Callable[[int], None] | None = None) -> str | None:
        """Not checked: the next writer replaces the file."""
        return None

    def row(self, position: int) -> Row:
        if not 0 <= position < self.count:
            raise IndexError(position)
        return _parsed(self._text(position), self.flag(position))

    def _text(self, position: int) -> bytes:
        _key, start, _next, end = struct.unpack_from("<QQQQ", self._map, self._rows + position * self.PAIR.size)
        return self._map[self._texts + start:self._texts + end]

    def stream(self) -> Iterator[Row]:
        return map(self.row, range(self.count))  # read once, to be written anew: its pages are not let go

    def texts(self) -> Iterator[bytes]:
        return map(self._text, range(self.count))

    def key(self, position: int) -> int:
        return self.PAIR.unpack_from(self._map, self._rows + position * self.PAIR.size)[0]

    def keys(self) -> array[int]:
        rows = array("Q")
        rows.frombytes(self._map[self._rows:self._rows + self.count * self.PAIR.size])
        return rows[::2]

    def _sorted_key(self, at: int) -> int:
        return int(self.PAIR.unpack_from(self._map, self._keyed + at * self.PAIR.size)[0])

    def _keyed_row(self, at: int) -> int:
        return int(self.PAIR.unpack_from(self._map, self._keyed + at * self.PAIR.size)[1])

    def sorted_keys(self) -> array[int]:
        pairs = array("Q")
        pairs.frombytes(self._map[self._keyed:self._texts])
        return pairs[::2]

    def keyed_rows(self) -> array[int]:
        pairs = array("Q")
        pairs.frombytes(self._map[self._keyed:self._texts])
        return pairs[1::2]

    def insertion_point(self, sort_key: str) -> int:
        return _after(lambda at: self.row(at).sort_key, 0, self.count, sort_key)


def damage_of(damaged: Mapping[int, str]) -> str | None:
    """How many blocks of rows are damaged and what is wrong with the first (None: none), as
    the reader and ``repair`` say it."""
    if not damaged:
        return None
    first = min(damaged)
    return f"{len(damaged)} damaged block{'s' if len(damaged) > 1 else ''} of rows (block {first}: {damaged[first]})"


def _parsed(text: bytes, flags: int) -> Row:
    """A row from its text in the file and its flags."""
    sid, headline, source, published, imported, shard = text.decode("utf-8", "surrogatepass").split(SEP)
    return Row(sid, headline, source, published, imported, int(shard), flags)


def _after(key_at: Callable[[int], str], low: int, high: int, sort_key: str) -> int:
    """The first place from ``low`` to ``high`` whose key is below ``sort_key`` (keys descend)."""
    while low < high:
        mid = (low + high) // 2
        if key_at(mid) >= sort_key:
            low = mid + 1
        else:
            high = mid
    return low


def open_listing(path: Path) -> Listing:
    """The listing at ``path``, of this version or of version 03, 04 or 05 (ValueError for anything else)."""
    with open(path, "rb") as handle:
        magic = handle.read(len(MAGIC))
    older = (ListingV03, ListingV04, ListingV05)
    return next((kind for kind in older if magic == kind.MAGIC), Listing)(path)


Meta = Any  # broadsheet.store.storage.db.StoryMeta (not imported: db imports this module)


class Rows(Sequence[T]):
    """A read-only sequence whose items are made when asked for (``_item``, ``__len__``)."""

    def _item(self, index: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        length = len(self)
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(length))]
        if index < 0:
            index += length
        if not 0 <= index < length:
            raise IndexError(index)
        return self._item(index)


def _merge_runs(points: list[int], hidden: list[int], base: int) -> Iterator[tuple[int, int, int | None]]:
    """The merged list as runs: ``(start, stop, None)`` for listed rows ``start:stop`` and
    ``(point, point, i)`` for changed story ``i``, which goes before listed row ``point``;
    the ``hidden`` rows (sorted) are left out."""
    at = 0
    for point, kind, i in sorted([(p, 0, i) for i, p in enumerate(points)] + [(p, 1, -1) for p in hidden]):
        if point > at:
            yield at, point, None
            at = point
        if kind == 0:
            yield point, point, i
        elif point == at:
            at = point + 1  # a hidden row
    if at < base:
        yield at, base, None


class Catalogue(Rows[Meta]):
    """Every story, newest first: the listing with the changes since it was written merged in.

    Items are made on demand (``make``) from the rows asked for, so a list of a million
    stories costs the rows on screen. Positions in the merged list are kept in one array
    of ints (a base row ``p`` as ``p``, a changed story ``t`` as ``-t - 1``), built only
    when something changed since the listing was written.
    """

    def __init__(self, listing: Listing | None, changed: list[Row], gone: Iterable[int],
                 make: Callable[[Row], Meta]) -> None:
        self._listing = listing
        self._make = make
        base = listing.count if listing is not None else 0
        changed = newest_first(changed)
        self._changed = changed
        hidden = sorted(listing.positions(gone)) if listing is not None else []
        points = [listing.insertion_point(r.sort_key) if listing is not None else 0 for r in changed]
        self._hidden, self._points = hidden, points
        self._view: array[int] | None = None
        self._keys: array[int] | None = None  # made on the first call of ``has``
        self._gone: set[int] = set()
        self._changed_at: dict[str, int] = {}
        self._source_asks = 0
        self._row_sources: tuple[array[int], array[int], list[str]] | None = None  # (rows by key, source by row, names)
        if hidden or changed:
            view: array[int] = array("q")
            for start, stop, i in _merge_runs(points, hidden, base):
                if i is None:
                    view.extend(range(start, stop))
                else:
                    self._changed_at[changed[i].sid] = len(view)
                    view.append(-i - 1)
            self._view = view
        self._length = len(self._view) if self._view is not None else base

    def __len__(self) -> int:
        return self._length

    def damage(self) -> str | None:
        """What was found wrong with the listing's file so far (its damaged blocks are read from
        the stories' records), or None."""
        listing = self._listing
        if listing is None:
            return None
        found = damage_of(listing.damaged)
        return None if found is None else f"{listing.path}: {found}"

    def _item(self, index: int) -> Meta:
        return self._make(self.row(index))

    def row(self, index: int) -> Row:
        code = self._view[index] if self._view is not None else index
        if code < 0:
            return self._changed[-code - 1]
        assert self._listing is not None
        return self._listing.row(code)

    def key(self, index: int) -> int:
        """The story key of row ``index``, read without its text (a pass over every row in order
        touches 16 bytes of the listing a row, not the whole file: the Markdown export)."""
        code = self._view[index] if self._view is not None else index
        if code < 0:
            return story_key(self._changed[-code - 1].sid)
        assert self._listing is not None
        return self._listing.key(code)

    def story_ids(self) -> Iterator[str]:
        """Every story's id, in list order, without making the stories."""
        return (self.row(i).sid for i in range(self._length))

    def keys(self) -> array[int]:
        """Every story's key, in list order: the listing's keys with the changed rows merged in
        (8 bytes a story, no Python int per story: a search's list of every story, issue 17)."""
        base = self._listing.keys() if self._listing is not None else array("Q")
        if self._view is None:
            return base
        keys = array("Q")
        for start, stop, i in _merge_runs(self._points, self._hidden, len(base)):
            if i is None:
                keys.extend(base[start:stop])  # a run of listed rows, copied in C
            else:
                keys.append(story_key(self._changed[i].sid))
        return keys

    def __iter__(self) -> Iterator[Meta]:
        for i in range(self._length):
            yield self._item(i)

    def index_of(self, sid: str) -> int | None:
        """The position of story ``sid`` in the list, or None (no row is read but the one found)."""
        if sid in self._changed_at:
            return self._changed_at[sid]
        if self._listing is None:
            return None
        base = self._listing.position(story_key(sid))
        if base is None or self._listing.row(base).sid != sid:
            return None
        return self._place(base)

    def _place(self, base: int) -> int | None:
        """Where the listing's row ``base`` is in the list (the changed rows merged in before
        it counted, the hidden ones not); None when it is hidden."""
        hidden = self._hidden
        before = bisect_left(hidden, base)
        if before < len(hidden) and hidden[before] == base:
            return None
        return base - before + bisect_right(self._points, base)

    def starting_with(self, prefix: str) -> list[str]:
        """The listed ids that start with ``prefix``: for up to 16 hex digits a range of the
        sorted keys (ids of 16 hex digits are their keys); otherwise, or when that range has
        none, every row's id is read (ids of other shapes, from another tool's export)."""
        found = [row.sid for row in self._changed if row.sid.startswith(prefix)]
        if self._listing is None:
            return found
        listing = self._listing
        if HEX_PREFIX.fullmatch(prefix):
            low, high = int(prefix.ljust(16, "0"), 16), int(prefix.ljust(16, "f"), 16)
            found += [sid for p in listing.positions_between(low, high)
                      if self._place(p) is not None and (sid := listing.row(p).sid).startswith(prefix)]
        if not found:
            found = [row.sid for p, row in enumerate(listing.stream())
                     if row.sid.startswith(prefix) and self._place(p) is not None]
        return found

    def has(self, sid: str) -> bool:
        """Whether story ``sid`` is listed: a search of the keys alone (many calls: the sidebar's counts)."""
        if sid in self._changed_at:
            return True
        if self._listing is None or (self._view is not None and not is_plain_id(sid)):
            return self.index_of(sid) is not None
        return self._keyed_at(story_key(sid)) is not None and (is_plain_id(sid) or self.index_of(sid) is not None)

    def _keyed_at(self, key: int) -> int | None:
        """Where ``key`` is among the listing's sorted keys, None when it is not there or its row
        is hidden (the keys are copied from the file on the first call)."""
        assert self._listing is not None
        if self._keys is None:
            self._keys = self._listing.sorted_keys()
            self._gone = {self._listing.key(p) for p in self._hidden}
        at = bisect_left(self._keys, key)
        return at if at < len(self._keys) and self._keys[at] == key and key not in self._gone else None

    def source_of(self, sid: str) -> str | None:
        """The source of story ``sid``, None when it is not listed (counting every read mark
        per source asks this of each: after ``SOURCE_ASKS``, every row's source is mapped)."""
        if sid in self._changed_at:
            return self.row(self._changed_at[sid]).source
        if self._listing is None:
            return None
        if self._row_sources is None:
            self._source_asks += 1
            if self._source_asks <= SOURCE_ASKS or not is_plain_id(sid):
                index = self.index_of(sid)
                return None if index is None else self.row(index).source
            self._map_sources()
        assert self._row_sources is not None
        rows, sources, names = self._row_sources
        at = self._keyed_at(story_key(sid))
        return None if at is None else names[sources[rows[at]]]

    def _map_sources(self) -> None:
        listing = self._listing
        assert listing is not None
        order, table = listing.by_source(), listing.sources()
        sources = array("I", bytes(4 * listing.count))
        start = 0
        for number, (_name, count) in enumerate(table):
            for row in order[start:start + count]:
                sources[row] = number
            start += count
        self._row_sources = (listing.keyed_rows(), sources, [name for name, _count in table])

    def get(self, sid: str) -> Meta | None:
        index = self.index_of(sid)
        return None if index is None else self[index]

    def source_counts(self) -> Counter[str]:
        """Stories per source (the listing's table, with the changes since it was written)."""
        counts: Counter[str] = Counter()
        if self._listing is not None:
            counts.update(dict(self._listing.sources()))
            counts.subtract(self._listing.row(p).source for p in self._hidden)
        counts.update(r.source for r in self._changed)
        return +counts

    def by_source(self) -> Ordered:
        """The list in the order by source: case-blind, newest first within a source, stories
        without one last. Read from the listing; only rows changed since are placed here."""
        if self._listing is None:
            return Ordered(self, array("I", sorted(range(self._length), key=lambda i: source_key(self.row(i).source))))
        base = self._listing.by_source()
        if self._view is None:
            return Ordered(self, base)
        groups: dict[str, list[int]] = {}
        start = 0
        for name, count in self._listing.sources():
            rows = base[start:start + count]
            start += count
            groups.setdefault(source_key(name), []).extend(q for p in rows if (q := self._place(p)) is not None)
        for row in self._changed:
            groups.setdefault(source_key(row.source), []).append(self._changed_at[row.sid])
        order = array("I")
        for key in sorted(groups):
            order.extend(sorted(groups[key]))
        return Ordered(self, order)

    def stale(self, stale: Collection[int]) -> int:
        """Stories from a file read by a parser of ``stale`` (counted without reading rows)."""
        count = 0
        if self._listing is not None:
            count = sum(n for flags, n in self._listing.parsers().items() if is_stale(flags, stale))
            count -= sum(1 for p in self._hidden if is_stale(self._listing.flag(p), stale))
        return count + sum(1 for r in self._changed if is_stale(r.flags, stale))

    def stale_rows(self, stale: Collection[int]) -> list[int]:
        """The positions of the stories :meth:`stale` counts, in list order (no row read; a pass
        over the rows' flags only when the parser table names a stale one)."""
        found: list[int] = []
        listing = self._listing
        if listing is not None and (wanted := {f for f in listing.parsers() if is_stale(f, stale)}):
            found.extend(q for p, flags in enumerate(listing.flags())
                         if flags in wanted and (q := self._place(p)) is not None)
        found.extend(self._changed_at[r.sid] for r in self._changed if is_stale(r.flags, stale))
        return sorted(found)


class Ordered(Rows[Meta]):
    """A catalogue in another order: item ``i`` is the catalogue's item ``order[i]``."""

    def __init__(self, catalogue: Catalogue, order: array[int]) -> None:
        self._catalogue = catalogue
        self._order = order

    def __len__(self) -> int:
        return len(self._order)

    def _item(self, index: int) -> Meta:
        return self._catalogue[self._order[index]]

    def key(self, index: int) -> int:
        """The story key of row ``index``, read without its text (see :meth:`Catalogue.key`)."""
        return self._catalogue.key(self._order[index])

    def story_ids(self) -> Iterator[str]:
        """Every story's id in this order, without making the stories."""
        ids = list(self._catalogue.story_ids())
        return (ids[at] for at in self._order)

    def index_of(self, sid: str) -> int | None:
        """Where story ``sid`` is (found in the catalogue, then looked for in the order: a scan in C)."""
        at = self._catalogue.index_of(sid)
        if at is None:
            return None
        try:
            return self._order.index(at)
        except ValueError:
            return None


class CatalogueIds(Mapping[str, Meta]):
    """Story id -> story over a catalogue, looked up without listing every id."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    def __getitem__(self, sid: str) -> Meta:
        found = self._catalogue.get(sid)
        if found is None:
            raise KeyError(sid)
        return found

    def __contains__(self, sid: object) -> bool:
        return isinstance(sid, str) and self._catalogue.has(sid)

    def __iter__(self) -> Iterator[str]:
        return (self._catalogue.row(i).sid for i in range(len(self._catalogue)))

    def __len__(self) -> int:
        return len(self._catalogue)

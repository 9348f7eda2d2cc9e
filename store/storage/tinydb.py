"""A TinyDB storage whose every write is atomic and durable.

TinyDB's own ``JSONStorage`` truncates and rewrites the file in place, so a kill in the
middle of a write leaves a half-written, unreadable file. This storage writes the whole
document to a temporary file in the same folder, fsyncs it, ``os.replace``s it over the
original and fsyncs the folder: after a crash the file holds either the old or the new
state, never a mix. Readers never need a lock because a rename is atomic.

Faults are explicit: a file that cannot be parsed raises :class:`StoreFileError` (naming
the file and why; a copy of the damaged file is kept beside it as
``<name>.damaged-<stamp>`` and it is never overwritten by a normal write), and a write
that fails (disk full, read-only folder) raises :class:`StoreWriteError` with the
previous version intact. A writer killed between creating its temporary file and the
rename leaves a ``.<name>.<random>.tmp`` file; :class:`StoreLock` removes such leftovers
whenever it is first acquired, since a temporary file only exists while its writer holds
the lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from broadsheet.store.collector import gc_paused
from broadsheet.store.errors import StoreFileError, read_problem
from broadsheet.store.sanitize import clean_text
from broadsheet.store.storage import compressed
from broadsheet.store.storage.atomic import FileIdentity, atomic_write_bytes, file_identity, keep_damaged_copy
from broadsheet.store.storage.directory import is_plain_id


def _json_problem(raw: bytes) -> str:
    """Say in words what is wrong with bytes that orjson refused."""
    head = raw.lstrip()
    if not head.startswith((b"{", b"[")):
        return f"not valid JSON: not JSON at all (starts with {head[:16]!r})"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not valid JSON: not UTF-8 text (invalid byte at offset {exc.start})"
    stripped = text.lstrip()
    try:
        _value, end = json.JSONDecoder().raw_decode(stripped)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(stripped.rstrip()) - 1 or exc.msg.startswith("Unterminated string"):
            return f"not valid JSON: truncated (the document stops early, after {len(raw)} bytes)"
        return f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    if end >= len(stripped.rstrip()):  # the standard library reads it: orjson refused a lone surrogate
        return "not valid JSON for Broadsheet: a \\ud800-\\udfff escape that stands alone (not Unicode text)"
    return f"not valid JSON: trailing data after the document ({len(stripped) - end} extra characters)"


# Byte patterns a store file shows when some string in it holds a control character, C1
# control, bidi control or BOM (orjson writes C0 controls as \\u escapes and the rest as
# raw UTF-8). Imported text is sanitised before it is stored, so these only turn up in a
# tampered file or one written by something else; such a file's strings are cleaned on read.
# Each is (first byte, pattern): one pattern per first byte, not one alternation, which
# would be tried at every offset (0.13 s over a 30 MB articles.json). A pattern is only run
# when its first byte occurs at all: finding one byte is a memchr (3 ms over 30 MB), a
# pattern scan 16-20 ms.
_SUSPECT = ((b"\\", re.compile(rb"\\u")), (b"\xc2", re.compile(rb"\xc2[\x80-\x9f]")),
            (b"\xe2", re.compile(rb"\xe2(?:\x80[\x8e\x8f\xaa-\xae]|\x81[\xa6-\xa9])")),
            (b"\xd8", re.compile(rb"\xd8\x9c")), (b"\xef", re.compile(rb"\xef\xbb\xbf")))


def _clean_strings(value: Any) -> Any:
    """Every string inside ``value`` passed through :func:`~store.sanitize.clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: _clean_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean_strings(item) for item in value]
    return value


def read_json_file(path: Path) -> Any | None:
    """Parse a store file, plain or compressed; ``None`` when it does not exist. Raises StoreFileError if
    damaged or not readable at all (a folder in its place, bad sectors)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        if (why := read_problem(exc)) is None:
            raise
        raise StoreFileError(path, why) from None
    if compressed.looks_compressed(raw):
        raw = compressed.unpack(path, raw)
    if not raw.strip():
        raise StoreFileError(path, "the file is empty")
    try:
        with gc_paused():
            data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise StoreFileError(path, _json_problem(raw)) from None
    if not isinstance(data, dict):
        raise StoreFileError(path, "not a TinyDB document (top level is not an object)")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise StoreFileError(path, f"not a TinyDB document (table {name!r} is not an object)")
        for doc_id, doc in table.items():
            if not isinstance(doc, dict):
                raise StoreFileError(path, f"not a TinyDB document (record {doc_id!r} in {name!r} is not an object)")
    return clean_if_suspect(data, raw)


def record_in(table: bytes, doc_id: str) -> dict[str, Any] | None:
    """The record ``doc_id`` in the JSON of one table, or of a document of one table (found by
    its key and parsed alone), or None: a state file at a million stories holds some 120 records,
    a body shard 256, and the reader asks for one."""
    if not is_plain_id(doc_id):  # only 16 hex digits are sure not to be found in a record's text
        found = orjson.loads(table).get(doc_id)
        return found if isinstance(found, dict) else None
    found = _plain_record(table, doc_id)
    return None if found is None else found[0]


def _plain_record(table: bytes, doc_id: str) -> tuple[dict[str, Any], bytes] | None:
    """The record of the plain id ``doc_id`` in ``table`` and its JSON, or None."""
    at = table.find(b'"' + doc_id.encode() + b'":')
    if at < 0:
        return None
    start = end = at + len(doc_id) + 3
    while (end := table.find(b"}", end) + 1) > 0:  # a "}" in a record's text ends no record
        with contextlib.suppress(orjson.JSONDecodeError):
            record = orjson.loads(table[start:end])
            return (record, table[start:end]) if isinstance(record, dict) else None
    return None


def read_record(path: Path, doc_id: str) -> dict[str, Any] | None:
    """The record ``doc_id`` of a store file of one table, plain or compressed, parsed alone
    (opening a story at a million stories parsed two shards of 256 records, 5 of its 7 ms), its
    strings cleaned as :func:`read_json_file` cleans them. None when this cannot tell: no such
    file or record, an id of another form, a damaged file (the caller reads the file whole,
    which says what is wrong)."""
    if not is_plain_id(doc_id):
        return None
    try:
        raw = path.read_bytes()
        if compressed.looks_compressed(raw):
            raw = compressed.unpack(path, raw)
    except (OSError, StoreFileError):
        return None
    found = _plain_record(raw, doc_id)
    return None if found is None else clean_if_suspect(*found)


def encode_document(data: dict[str, Any], compress: bool) -> bytes:
    """The bytes of a store file holding ``data``: JSON, compressed when ``compress``."""
    document = orjson.dumps(data)
    return compressed.pack(document) if compress else document


def clean_if_suspect(data: Any, raw: bytes) -> Any:
    """``data`` parsed from ``raw``, with its strings cleaned if ``raw`` holds a suspect byte.

    No escape sequence from a store file ever reaches the terminal; the byte scan keeps the
    cleaning off the common path, where every stored string was sanitised at import.
    """
    if any(first in raw and pattern.search(raw) for first, pattern in _SUSPECT):
        return _clean_strings(data)
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson, atomic replace, fsync, and a parse cache keyed on the file's stat.

    The cache means a process that reads the same unchanged file again (every TinyDB
    query does) pays for a ``stat`` instead of a parse; any change by another process
    changes the inode/mtime/size and forces a fresh read. Files are read whether plain or
    compressed (:mod:`store.storage.compressed`); ``compress`` says how this one writes them.
    """

    compress = False

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._cache: tuple[tuple[int, int, int], dict[str, Any]] | None = None

    def _stat_key(self) -> FileIdentity | None:
        return file_identity(self.path)

    def read(self) -> dict[str, Any] | None:
        key = self._stat_key()
        if key is None:
            self._cache = None
            return None
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        try:
            data = read_json_file(self.path)
        except StoreFileError as exc:
            self._cache = None
            raise StoreFileError(exc.path, exc.reason, keep_damaged_copy(self.path)) from None
        if data is None:
            return None
        self._cache = (key, data)
        return data

    def write(self, data: dict[str, Any], encoded: bytes | None = None, mtime_ns: int | None = None,
              sync_dir: bool = True) -> None:
        """Replace the file; refuses (StoreFileError) when the file on disk is damaged.
        ``encoded``: ``data`` as :func:`encode_document` gives it, when the caller has it already;
        ``mtime_ns``, ``sync_dir``: see :func:`atomic_write_bytes`."""
        key = self._stat_key()
        if key is not None and (self._cache is None or self._cache[0] != key):
            self.read()  # raises for a damaged file rather than overwrite it
        self._cache = None
        atomic_write_bytes(self.path, encode_document(data, self.compress) if encoded is None else encoded,
                           mtime_ns=mtime_ns, sync_dir=sync_dir)
        key = self._stat_key()
        if key is not None:
            self._cache = (key, data)

    def close(self) -> None:
        self._cache = None


class CompressedJSONStorage(AtomicJSONStorage):
    """:class:`AtomicJSONStorage` that writes its file compressed (body and metadata shards: issue 17).

    A plain JSON file written before is read as it is and compressed when next written.
    """

    compress = True


class KeyedTable(Table):
    """A TinyDB table whose document ids are our string story ids, not counters.

    Adds what TinyDB lacks for 50,000 stories: the raw records without wrapping each in a
    Document, and any change to many records as one read-modify-write (one file write).
    """

    document_id_class = str  # type: ignore[assignment]

    # Both go to the storage through TinyDB's public Storage interface (read/write of the
    # whole document), not Table's private _read_table/_update_table.

    def records(self) -> dict[str, dict[str, Any]]:
        """The raw documents by id (fast at 50k: nothing is copied)."""
        tables = self.storage.read() or {}
        return tables.get(self.name, {})

    def apply(self, change: Callable[[dict[str, Any]], None]) -> None:
        """Run ``change`` on the whole table and write it back once, atomically.

        ``change`` works on a copy, so a change that fails half way leaves the cached
        document as it was on disk.
        """
        tables = self.storage.read() or {}
        table = dict(tables.get(self.name, {}))
        change(table)
        self.storage.write({**tables, self.name: table})
        self.clear_cache()

    def put_many(self, docs: dict[str, dict[str, Any]]) -> None:
        """Insert or replace many documents in one write."""
        self.apply(lambda table: table.update(docs))

    def remove_many(self, ids: Iterable[str]) -> None:
        """Remove many documents (those present) in one write."""
        gone = list(ids)

        def remove(table: dict[str, Any]) -> None:
            for doc_id in gone:
                table.pop(doc_id, None)

        self.apply(remove)


def open_db(path: Path, *, compress: bool = False) -> TinyDB:
    """Open a TinyDB file with our atomic storage (compressed when ``compress``) and string ids."""
    db = TinyDB(path, storage=CompressedJSONStorage if compress else AtomicJSONStorage)
    db.table_class = KeyedTable
    return db


def check_ends(path: Path) -> None:
    """A cheap look at a large store file: empty, or not starting with ``{`` and ending with ``}``.

    Catches empty, truncated and non-JSON files without parsing them; raises
    StoreFileError (keeping a copy) for those. Trailing data and damage inside the file
    are found by the full parse when the file is first read. A compressed file's header
    gives its length, so truncation and trailing data are both found from the first bytes.
    """
    try:
        with open(path, "rb") as handle:
            start = handle.read(64)
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 64))
            tail = handle.read().rstrip()
    except FileNotFoundError:
        return
    except OSError as exc:
        if (why := read_problem(exc)) is None:
            raise
        raise StoreFileError(path, why) from None
    head = start.lstrip()
    reason = ""
    if compressed.looks_compressed(start):
        reason = compressed.problem_at_ends(start, size)
    elif not head:
        reason = "the file is empty"
    elif not head.startswith(b"{"):
        reason = _json_problem(head + b"...")
    elif not tail.endswith(b"}"):
        reason = _json_problem(path.read_bytes())  # damaged: worth a full look to say how
    if reason:
        raise StoreFileError(path, reason, keep_damaged_copy(path))

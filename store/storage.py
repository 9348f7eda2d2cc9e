"""A TinyDB storage whose every write is atomic and durable.

TinyDB's own ``JSONStorage`` truncates and rewrites the file in place, so a kill in the
middle of a write leaves a half-written, unreadable file. This storage writes the whole
document to a temporary file in the same folder, fsyncs it, ``os.replace``s it over the
original and fsyncs the folder: after a crash the file holds either the old or the new
state, never a mix. Readers never need a lock because a rename is atomic.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table


class StoreFileError(Exception):
    """A store file exists but cannot be read as a TinyDB document."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def read_json_file(path: Path) -> Any | None:
    """Parse a store file; ``None`` when it does not exist. Raises StoreFileError if damaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if not raw.strip():
        raise StoreFileError(path, "the file is empty")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreFileError(path, f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise StoreFileError(path, "not a TinyDB document (top level is not an object)")
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson, atomic replace, fsync, and a parse cache keyed on the file's stat.

    The cache means a process that reads the same unchanged file again (every TinyDB
    query does) pays for a ``stat`` instead of a parse; any change by another process
    changes the inode/mtime/size and forces a fresh read.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._cache: tuple[tuple[int, int, int], dict[str, Any]] | None = None

    def _stat_key(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def read(self) -> dict[str, Any] | None:
        key = self._stat_key()
        if key is None:
            self._cache = None
            return None
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        data = read_json_file(self.path)
        if data is None:
            return None
        self._cache = (key, data)
        return data

    def write(self, data: dict[str, Any]) -> None:
        self._cache = None
        atomic_write_bytes(self.path, orjson.dumps(data))
        key = self._stat_key()
        if key is not None:
            self._cache = (key, data)

    def close(self) -> None:
        self._cache = None


class KeyedTable(Table):
    """A TinyDB table whose document ids are our string story ids, not counters."""

    document_id_class = str  # type: ignore[assignment]


def open_db(path: Path) -> TinyDB:
    """Open a TinyDB file with our atomic storage and string ids."""
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.table_class = KeyedTable
    return db

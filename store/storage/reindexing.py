"""Stories whose text was replaced and whose search index entry may not have been: ``reindex.bin``.

The search index is a derivative, caught up when it is opened by comparing the stories it
holds with the store's. A story whose text is replaced keeps its id, so that comparison
cannot see it: an import killed before its index commit, or a fetch that found the index
busy (another import holds tantivy's writer), left the old text searchable for good. So every
write that replaces a story's text notes its id here first (under the store's lock, synced);
the index writer that indexes that text takes one note of the id off when it commits; and
the next open of the index indexes again every story still noted. Only one process writes the
index at a time (tantivy's writer lock), so a note another process added meanwhile (a newer
text of the same story) outlives the commit of an older one and is caught up.

One JSON string (the id) a line; a line cut short by a crash is no note, and the next note
starts a line of its own.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import orjson

from broadsheet.store.errors import StoreWriteError
from broadsheet.store.storage.atomic import atomic_write_bytes, fsync_dir, remove_durably

REINDEX = "reindex.bin"


def note(folder: Path, story_ids: Iterable[str]) -> None:
    """Note ``story_ids`` (the caller holds the store's lock), durably, before their text is replaced."""
    data = b"".join(orjson.dumps(sid) + b"\n" for sid in story_ids)
    if not data:
        return
    path = folder / REINDEX
    try:
        new = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # after a line cut short (a full disk): not glued to it, and so lost
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            fsync_dir(folder)
    except OSError as exc:
        raise StoreWriteError(path, exc) from exc


def pending(folder: Path) -> bool:
    """Whether any story is noted (a stat: asked at every open of the index)."""
    try:
        return (folder / REINDEX).stat().st_size > 0
    except OSError:
        return False


def noted(folder: Path) -> list[str]:
    """The ids noted, in order (an id noted twice is there twice)."""
    try:
        data = (folder / REINDEX).read_bytes()
    except OSError:
        return []
    ids = []
    for line in data.split(b"\n")[:-1]:  # (the last is empty, or cut short)
        try:
            sid = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(sid, str):
            ids.append(sid)
    return ids


def indexed(folder: Path, story_ids: Iterable[str]) -> None:
    """Take one note of each of ``story_ids`` off: their text was committed to the index (the
    caller holds the store's lock)."""
    done = Counter(story_ids)
    if not done or not pending(folder):
        return
    have = noted(folder)
    kept = []
    for sid in have:
        if done[sid] > 0:
            done[sid] -= 1
        else:
            kept.append(sid)
    if len(kept) == len(have):
        return
    if kept:
        atomic_write_bytes(folder / REINDEX, b"".join(orjson.dumps(sid) + b"\n" for sid in kept))
    else:
        clear(folder)


def clear(folder: Path) -> None:
    """Every noted story was indexed (a catch-up, a rebuild; the caller holds the store's lock)."""
    if (folder / REINDEX).exists():
        remove_durably(folder / REINDEX)

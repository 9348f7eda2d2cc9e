"""The story keys of each mark, kept beside the state files in ``state/marks.bin``, so that the first
search for ``is:read``, ``is:bookmarked`` or ``tag:`` reads one file instead of every state
file (at a million stories: 4.9 s and 720 MB of parsed marks, in the reader's first such search).

A derivative, like ``counts.json``. It names each state file with the file's identity (a
write replaces the file, so its identity changes) and holds, for each mark, the keys of its
stories and the file each came from: keys from a file changed since are dropped and the
file is read again. It is written back when something was read again, if no other writer
holds the lock. The layout: ``MAGIC``, the length of a JSON table (the files; each mark with
its count), the table, then for each mark its keys (u64) and their files (u16). A damaged
file or another version is read as empty: every state file is then read again.
"""

from __future__ import annotations

import contextlib
import struct
import sys
import time
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import Any

import orjson
from filelock import Timeout

from broadsheet.store.storage.atomic import atomic_write_bytes, file_identity
from broadsheet.store.storage.directory import story_key
from broadsheet.store.storage.userstate import LEGACY_SHARDS, RACY_SECONDS, StoryState, UserState

MAGIC = b"BSMARKS2"
HEADER = struct.Struct("<8sQ")  # magic, bytes of the table
MARKS_FILE = "marks.bin"
MAX_FILES = 65_535  # a key's file is a u16


@dataclass(slots=True)
class MarkKeys:
    """The keys of the stories with each mark ("read", "bookmarked", "tag:" and a tag), as read
    (8 bytes a key): a search makes the set of the marks it asks about alone, so ``is:bookmarked``
    does not wait for the set of 400,000 read marks at a million stories (issue 17)."""

    marks: dict[str, array[int]]


def load(user: UserState) -> MarkKeys | None:
    """The keys of every mark: from ``marks.bin`` for the state files as they were, from
    the files for the others. None for a store with files of an older layout (there a newer
    file's mark overrides an older one's, which a union of keys cannot say)."""
    names = user.file_names()
    if any(name in LEGACY_SHARDS for name in names) or len(names) > MAX_FILES:
        return None
    folder = user.folder
    path = folder / MARKS_FILE  # under the marks lock, as the state files are (its temp file tidied by it too)
    saved_files, saved_marks = _saved(path)
    saved_names = [name for name, _identity in saved_files]
    at = {name: i for i, name in enumerate(saved_names)}
    valid = bytearray(len(saved_files))  # the saved files still as they were
    identities: dict[str, list[int] | None] = {}
    now = time.time_ns()
    read_again: list[str] = []
    for name in names:
        identity = file_identity(folder / f"{name}.json")
        if identity is None:
            continue
        if name in at and saved_files[at[name]][1] == list(identity):
            valid[at[name]] = 1
        else:
            read_again.append(name)
        # a file written in the last moments may be written again with the same identity
        # (an inode reused, a coarse clock): saved unvouched, it is read again next time
        identities[name] = list(identity) if now - identity[1] >= RACY_SECONDS * 1e9 else None
    # mark -> (keys, the file of each: its place in ``identities``)
    marks: dict[str, tuple[array[int], array[int]]] = saved_marks
    if saved_names != list(identities) or not all(valid):  # some saved keys are dropped, the rest renumbered
        order = {name: i for i, name in enumerate(identities)}
        renumber = array("H", (order.get(name, 0) for name in saved_names))
        marks = {}
        for mark, (keys, files) in saved_marks.items():
            kept = list(map(valid.__getitem__, files))
            files = array("H", map(renumber.__getitem__, compress(files, kept)))
            marks[mark] = (array("Q", compress(keys, kept)), files)
    for name in read_again:
        docs = user.readable(name)  # a damaged file: its stories have no marks, and it is read again next time
        if name in user.damaged:
            identities[name] = None
        for mark, keys in _from_file(docs).items():
            have = marks.setdefault(mark, (array("Q"), array("H")))
            have[0].extend(keys)
            have[1].extend([order[name]] * len(keys))
    if read_again or len(identities) != sum(valid):
        with contextlib.suppress(Timeout, OSError), user.lock.acquire(timeout=0):
            atomic_write_bytes(path, _encoded(list(identities.items()), marks))
            # Where an older version kept it, in the store's folder: there the store lock's tidy of
            # temp files, taken by an import while a mark was being written, removed its temp file.
            (folder.parent / MARKS_FILE).unlink(missing_ok=True)
    return MarkKeys({mark: keys for mark, (keys, _files) in marks.items()})


def _from_file(docs: Mapping[str, Any]) -> dict[str, array[int]]:
    """A state file's keys by mark ("read", "bookmarked", "tag:" and the tag)."""
    marks: dict[str, array[int]] = {}
    for sid, doc in docs.items():
        state = StoryState.from_doc(doc)
        if not (state.read or state.bookmarked or state.tags):
            continue
        key = story_key(sid)
        if state.read:
            marks.setdefault("read", array("Q")).append(key)
        if state.bookmarked:
            marks.setdefault("bookmarked", array("Q")).append(key)
        for tag in state.tags:
            marks.setdefault("tag:" + tag, array("Q")).append(key)
    return marks


def _saved(path: Path) -> tuple[list[tuple[str, Any]], dict[str, tuple[array[int], array[int]]]]:
    """The files (name, identity) and the marks (keys, file of each) ``path`` holds; nothing
    when it is missing, damaged, or of another version."""
    try:
        data = path.read_bytes()
        magic, size = HEADER.unpack_from(data)
        if magic != MAGIC:
            return [], {}
        table = orjson.loads(data[HEADER.size:HEADER.size + size])
        files = [(str(name), identity) for name, identity in table["files"]]
        marks: dict[str, tuple[array[int], array[int]]] = {}
        start = HEADER.size + size
        for mark, count in table["marks"]:
            keys, owners = array("Q"), array("H")
            keys.frombytes(data[start:start + 8 * count])
            owners.frombytes(data[start + 8 * count:start + 10 * count])
            start += 10 * count
            if len(keys) != count or len(owners) != count or (count and max(owners) >= len(files)):
                return [], {}
            if sys.byteorder != "little":
                keys.byteswap()
                owners.byteswap()
            marks[str(mark)] = (keys, owners)
    except (OSError, ValueError, TypeError, KeyError, struct.error):  # orjson.JSONDecodeError is a ValueError
        return [], {}
    return files, marks


def _encoded(files: list[tuple[str, list[int] | None]], marks: dict[str, tuple[array[int], array[int]]]) -> bytes:
    table = orjson.dumps({"files": files, "marks": [(mark, len(keys)) for mark, (keys, _owners) in marks.items()]})
    parts = [HEADER.pack(MAGIC, len(table)), table]
    for keys, owners in marks.values():
        if sys.byteorder != "little":
            keys, owners = array("Q", keys), array("H", owners)
            keys.byteswap()
            owners.byteswap()
        parts += [keys.tobytes(), owners.tobytes()]
    return b"".join(parts)

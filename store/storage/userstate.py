"""User state: bookmarks, tags, read marks, settings, saved searches.

Kept apart from article content so a toggle rewrites only a small file. Story states are
spread over 4,096 TinyDB files by the first three hex digits of the story id
(``state/000.json`` .. ``state/fff.json``): with a million marked stories each holds about
250 entries, so a bookmark write serialises and fsyncs some 10 KB, and the reader's first
screen (rows from about 40 files) reads a few hundred KB, not every mark. Only stories
with some state have an entry. Stores from before kept 16 files (``state/0.json`` ..);
they are moved to the 4,096 when the store is first opened writable. Settings and saved searches
live in ``state/settings.json``.

Every change is a read-modify-write under the store's cross-process lock, re-reading the
file inside the lock, so two readers on one store never lose each other's changes.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB

from broadsheet.store.collector import gc_paused
from broadsheet.store.storage.atomic import atomic_write_bytes, file_identity
from broadsheet.store.storage.tinydb import KeyedTable, open_db

TAG_MAX_LENGTH = 40
COUNTS = "counts.json"  # the marks counted per state file (in the store folder: a derivative)
COUNTS_VERSION = 3
SHARDS = tuple(f"{n:03x}" for n in range(4096))
_SHARD_SET = frozenset(SHARDS)
#: The files of older layouts: 16 by one hex digit, then (briefly) 256 by two.
LEGACY_SHARDS = tuple("0123456789abcdef") + tuple(f"{n:02x}" for n in range(256))
_LEGACY_SET = frozenset(LEGACY_SHARDS)


class TagError(ValueError):
    """A tag that is empty after normalising."""


def normalise_tag(raw: str) -> str:
    """Trim, lower-case, drop commas and control characters, fold spaces, cap the length."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    text = re.sub(r"\s+", " ", text.replace(",", " ")).strip().lower()[:TAG_MAX_LENGTH].strip()
    if not text:
        raise TagError(f"{raw!r} is not a usable tag (empty once trimmed)")
    return text


def parse_tag_edit(text: str) -> tuple[list[str], list[str]]:
    """``a, b, -c`` -> (["a", "b"], ["c"]): tags to keep or add, and tags to remove (``-x`` wins)."""
    keep: dict[str, None] = {}
    drop: dict[str, None] = {}
    for piece in text.split(","):
        piece = piece.strip()
        if piece.startswith("-") and piece.lstrip("-").strip():
            drop.setdefault(normalise_tag(piece.lstrip("-")), None)
        elif piece and piece != "-":
            keep.setdefault(normalise_tag(piece), None)
    return [t for t in keep if t not in drop], list(drop)


@dataclass(frozen=True, slots=True)
class StoryState:
    """The reader's own marks on one story."""

    bookmarked: bool = False
    read: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> StoryState:
        if not doc or not isinstance(doc, dict):
            return EMPTY
        # Only what Broadsheet writes counts: a hand-edited "read": "no" is not true, and a
        # "tags" string is not a list of one-letter tags.
        bookmarked, read, tags = doc.get("bookmarked") is True, doc.get("read") is True, doc.get("tags")
        if not tags:  # most states: one shared instance each (frozen, so safe to share)
            return _UNTAGGED[bookmarked, read]
        return cls(bookmarked, read, tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else ())

    def to_doc(self) -> dict[str, Any]:
        """Only what differs from the default, so unmarked stories cost nothing."""
        doc: dict[str, Any] = {}
        if self.bookmarked:
            doc["bookmarked"] = True
        if self.read:
            doc["read"] = True
        if self.tags:
            doc["tags"] = list(self.tags)
        return doc


def _add_missing(docs: dict[str, Any], table: dict[str, Any]) -> None:
    for key, value in docs.items():
        table.setdefault(key, value)


@dataclass(slots=True)
class Marks:
    """Counts of the user's marks: read and bookmarked stories, stories per tag (over stored
    stories), and every tag named on any story (the tag editor offers them)."""

    read: int = 0
    bookmarked: int = 0
    tags: Counter[str] = field(default_factory=Counter)
    named: Counter[str] = field(default_factory=Counter)  # tag -> state files naming it
    sources: Counter[str] = field(default_factory=Counter)  # source -> read stories (the feeds' unread counts)

    @classmethod
    def of(cls, files: Iterable[dict[str, Any]]) -> Marks:
        """The sum of the counts of state files (as :meth:`UserState.counts` gives them)."""
        marks = cls()
        for entry in files:
            marks.add(entry)
        return marks

    def add(self, entry: Any, sign: int = 1) -> None:
        """Add (``sign`` 1) or take away (-1) one state file's counts."""
        if not isinstance(entry, dict):
            return
        self.read += sign * _int(entry.get("read"))
        self.bookmarked += sign * _int(entry.get("bookmarked"))
        tags, named, sources = entry.get("tags"), entry.get("named"), entry.get("sources")
        if isinstance(tags, dict):
            for tag, n in tags.items():
                if isinstance(tag, str):
                    self.tags[tag] += sign * _int(n)
        if isinstance(sources, dict):
            for source, n in sources.items():
                if isinstance(source, str):
                    self.sources[source] += sign * _int(n)
        if isinstance(named, list):
            for tag in named:
                if isinstance(tag, str):
                    self.named[tag] += sign

    def to_doc(self) -> dict[str, Any]:
        return {"read": self.read, "bookmarked": self.bookmarked, "tags": {t: n for t, n in self.tags.items() if n > 0},
                "named": {t: n for t, n in self.named.items() if n > 0},
                "sources": {s: n for s, n in self.sources.items() if n > 0}}

    @classmethod
    def from_doc(cls, doc: Any) -> Marks | None:
        if not isinstance(doc, dict) or not isinstance(doc.get("tags"), dict) or not isinstance(doc.get("named"), dict):
            return None
        sources = doc.get("sources")
        return cls(_int(doc.get("read")), _int(doc.get("bookmarked")),
                   Counter({t: _int(n) for t, n in doc["tags"].items() if isinstance(t, str)}),
                   Counter({t: _int(n) for t, n in doc["named"].items() if isinstance(t, str)}),
                   Counter({s: _int(n) for s, n in sources.items() if isinstance(s, str)}) if isinstance(
                       sources, dict) else Counter())


def _saved_counts(path: Path) -> dict[str, Any]:
    """``counts.json`` as written (empty when it is missing, damaged or of another version).

    Its per-file entries (4,096 of them) are one JSON text inside it, decoded by
    :func:`_files_of` only when needed (:class:`MarkCounts`): a start reads the sum alone.
    """
    try:
        saved = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    if not isinstance(saved, dict) or saved.get("version") != COUNTS_VERSION or not isinstance(saved.get("files"), str):
        return {}
    return saved


def _files_of(saved: dict[str, Any]) -> dict[str, Any]:
    try:
        files = orjson.loads(saved.get("files", "{}"))
    except orjson.JSONDecodeError:
        return {}
    return files if isinstance(files, dict) else {}


#: A folder changed this recently may change again within the same tick of its clock, so its
#: time does not vouch for its files (git's "racy" rule).
RACY_SECONDS = 2.0


def folder_identity(folder: Path) -> list[int] | None:
    """The state folder's identity (every write renames a file into it, changing its time), or
    None when it changed too recently to vouch for its files."""
    identity = file_identity(folder)
    if identity is None or time.time_ns() - identity[1] < RACY_SECONDS * 1e9:
        return None
    return list(identity)


class MarkCounts:
    """The marks counted per state file, and their sum. The per-file entries are decoded from
    ``counts.json`` when first needed (a mark changed): a start that finds the state folder as
    it was reads the sum alone."""

    def __init__(self, total: Marks, files: dict[str, Any] | None = None, saved: dict[str, Any] | None = None) -> None:
        self.total = total
        self._files = files
        self._saved = saved

    @property
    def files(self) -> dict[str, Any]:
        if self._files is None:
            self._files = _files_of(self._saved or {})
        return self._files

    def take(self, recounted: dict[str, dict[str, Any]]) -> None:
        """The counts of state files written just now (see :meth:`UserState.recount`)."""
        for name, entry in recounted.items():
            self.total.add(self.files.get(name), -1)
            self.total.add(entry)
            self.files[name] = entry


def _int(value: Any) -> int:
    return value if type(value) is int and value >= 0 else 0


#: Whether a story is stored: True, or its source (read stories are then counted per source);
#: False or None when it is not.
Present = Callable[[str], "bool | str | None"]


def _file_marks(docs: dict[str, Any], present: Present) -> dict[str, Any]:
    """The counts of one state file's marks (over stored stories) and the tags it names."""
    read = bookmarked = 0
    tags: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    named: set[str] = set()
    for sid, doc in docs.items():
        state = StoryState.from_doc(doc)
        named.update(state.tags)
        if not (state.read or state.bookmarked or state.tags):
            continue
        found = present(sid)
        if found is None or found is False:
            continue
        read += state.read
        bookmarked += state.bookmarked
        tags.update(state.tags)
        if state.read and isinstance(found, str):
            sources[found] += 1
    return {"read": read, "bookmarked": bookmarked, "tags": dict(tags), "named": sorted(named),
            "sources": dict(sources)}


class LazyStates(Mapping[str, StoryState]):
    """Every story's marks, read from a state file when a story in it is first asked about.

    The reader draws a screenful of rows, so it reads a few of the 256 files, not a
    million marks; going through every mark (a search for ``is:read``) reads them all.
    Never changed in place: :meth:`with_changes` gives a new mapping (a search worker keeps
    the one it was handed).
    """

    def __init__(self, user: UserState, changes: Mapping[str, StoryState] | None = None,
                 loaded: dict[str, dict[str, StoryState]] | None = None) -> None:
        self._user = user
        self._changes = dict(changes or {})
        # file name -> its marks as first read; shared by every mapping made from this one with
        # with_changes, so a file read before a change was written keeps its old marks for all.
        self._loaded = loaded if loaded is not None else {}

    def with_changes(self, changed: Mapping[str, StoryState]) -> LazyStates:
        return LazyStates(self._user, {**self._changes, **changed}, self._loaded)

    @property
    def user(self) -> UserState:
        return self._user

    @property
    def origin(self) -> object:
        """Shared by every mapping made from one load of the marks (a search caches by it)."""
        return self._loaded

    @property
    def changes(self) -> Mapping[str, StoryState]:
        """The marks changed since the load, over :meth:`base`."""
        return self._changes

    def base(self) -> LazyStates:
        """The marks as loaded, without the changes made since."""
        return LazyStates(self._user, None, self._loaded)

    def _file(self, name: str) -> dict[str, Any]:
        """A state file's records as first read (turned into marks one at a time, as asked for)."""
        docs = self._loaded.get(name)
        if docs is None:
            docs = self._loaded[name] = self._user.records(name)  # replaced, never changed, on a write
        return docs

    def __getitem__(self, sid: str) -> StoryState:
        if sid in self._changes:
            state = self._changes[sid]
        else:
            state = EMPTY
            for name in self._user.files_of(sid):
                doc = self._file(name).get(sid)
                if doc is not None:
                    state = StoryState.from_doc(doc)
        if state is EMPTY or not (state.read or state.bookmarked or state.tags):
            raise KeyError(sid)
        return state

    def _all(self) -> dict[str, StoryState]:
        merged: dict[str, StoryState] = {}
        for name in self._user.file_names():
            merged.update((sid, StoryState.from_doc(doc)) for sid, doc in self._file(name).items())
        merged.update(self._changes)
        return {sid: state for sid, state in merged.items() if state.read or state.bookmarked or state.tags}

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def items(self) -> ItemsView[str, StoryState]:
        return self._all().items()

    def values(self) -> ValuesView[StoryState]:
        return self._all().values()

    def keys(self) -> KeysView[str]:
        return self._all().keys()


EMPTY = StoryState()
# Reading a 50k store's state makes some 25,000 states, nearly all untagged read marks; a
# frozen dataclass costs 1.4 us to build, so untagged states are these four.
_UNTAGGED = {(b, r): StoryState(b, r) if b or r else EMPTY for b in (False, True) for r in (False, True)}


def _is_session(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("story", ""), str)
            and type(value.get("scroll", 0)) is int)


def _is_searches(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


#: The shape of each setting the reader writes; one of another shape reads as unset.
_SETTING_SHAPES: dict[str, Callable[[Any], bool]] = {
    "order": lambda v: isinstance(v, str),
    "session": _is_session,
    "saved_searches": _is_searches,
    "seeded": lambda v: isinstance(v, bool),
}


class UserState:
    """Bookmarks, tags, read marks and settings of one store."""

    def __init__(self, folder: Path, lock: FileLock) -> None:
        self.folder = folder / "state"
        self.lock = lock
        self._dbs: dict[str, TinyDB] = {}

    def _db(self, name: str) -> TinyDB:
        db = self._dbs.get(name)
        if db is None:
            db = self._dbs[name] = open_db(self.folder / f"{name}.json")
        return db

    def _table(self, shard: str) -> KeyedTable:
        return self._db(shard).table("stories")  # type: ignore[return-value]

    @staticmethod
    def _shard(story_id: str) -> str:
        head = story_id[:3].lower()
        return head if head in _SHARD_SET else "000"

    def _present(self) -> list[str]:
        """The state files there are (one listing of the folder, not 256 stats)."""
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        return [name[:-5] for name in sorted(names) if name.endswith(".json") and name[:-5] != "settings"
                and not name.startswith(".")]

    def check(self) -> None:
        """Parse the state files changed since their marks were last counted, and the settings
        (raises StoreFileError naming a damaged one).

        A file unchanged since ``counts.json`` counted it was whole then (damage changes a
        file's identity), so opening a store with a million marks parses none of them.
        """
        saved = _saved_counts(self.folder.parent / COUNTS)
        if saved.get("folder") is not None and saved.get("folder") == folder_identity(self.folder):
            return  # no file changed since every one was read to count it
        files = _files_of(saved)
        for name in [*self._present(), "settings"]:
            path = self.folder / f"{name}.json"
            entry = files.get(name)
            if isinstance(entry, dict) and entry.get("identity") == list(file_identity(path) or ()):
                continue
            if path.exists():
                self.uncached(name)  # parsed to check it, not kept (a million marks would stay in memory)

    def move_to_shards(self) -> None:
        """Spread the files of an older layout over the 4,096 (the caller holds the lock).

        Each old file is removed only once its marks are written, so a crash part way
        leaves it to be moved again on the next open.
        """
        for old in [name for name in self._present() if name in _LEGACY_SET]:
            by_shard: dict[str, dict[str, Any]] = {}
            for sid, doc in self._table(old).records().items():
                by_shard.setdefault(self._shard(sid), {})[sid] = doc
            for shard, docs in by_shard.items():  # a mark already in the new files is newer: it stays
                self._table(shard).apply(partial(_add_missing, docs))
            self._dbs.pop(old, None)
            (self.folder / f"{old}.json").unlink()

    # -- reading --------------------------------------------------------------------------

    def all(self) -> dict[str, StoryState]:
        """Every story with some state (others are unmarked)."""
        result: dict[str, StoryState] = {}
        if not self.folder.is_dir():
            return result
        with gc_paused():
            for shard in self.file_names():
                for sid, doc in self._table(shard).records().items():
                    result[sid] = StoryState.from_doc(doc)
        return result

    def each(self) -> Iterator[tuple[str, StoryState]]:
        """Every story with some state, a state file at a time and none kept (a pass over a
        million marks: ``all`` held 430 MB of them). A story in an older layout's file too
        comes again from the newer one, whose marks win."""
        for name in self.file_names():
            for sid, doc in self.uncached(name).items():
                yield sid, StoryState.from_doc(doc)

    def uncached(self, name: str) -> dict[str, Any]:
        """The records of state file ``name``, read without keeping them (counting every file
        after a bulk change kept 300 MB of marks at a million stories), unless already open."""
        db = self._dbs.get(name)
        if db is not None:
            return db.table("stories").records()  # type: ignore[attr-defined]
        return open_db(self.folder / f"{name}.json").table("stories").records()  # type: ignore[attr-defined]

    def recount(self, names: Iterable[str], present: Present) -> dict[str, dict[str, Any]]:
        """The counts of state files ``names`` as they are now (after a change; see :meth:`counts`)."""
        return {name: _file_marks(self._table(name).records(), present) for name in names
                if (self.folder / f"{name}.json").exists()}

    def counts(self, present: Present, sources: bool = False) -> MarkCounts:
        """Read, bookmarked and tag counts over the stories ``present`` says are stored: per
        state file, and their sum; with ``sources``, ``present`` gives each story's source and
        read stories are counted per source too (a feed's unread = its stories - those).

        Kept in ``counts.json`` beside the store (a derivative, each file's entry keyed on
        its identity, the sum on the state folder's), so only files changed since are read,
        and none when the folder is as it was: opening a store with a million marks reads
        one small file. It is rewritten when it changed and no other writer holds the lock.
        """
        path = self.folder.parent / COUNTS
        saved = _saved_counts(path)
        if sources and saved.get("sources") is not True:
            saved = {}  # counted without sources: count again, once
        total = Marks.from_doc(saved.get("total"))
        folder = folder_identity(self.folder)
        if total is not None and folder is not None and saved.get("folder") == folder:
            return MarkCounts(total, saved=saved)
        files = _files_of(saved)
        if total is None:
            total = Marks.of(files.values())
        fresh: dict[str, Any] = {}
        for name in self._present():
            identity = list(file_identity(self.folder / f"{name}.json") or ())
            entry = files.get(name)
            if not isinstance(entry, dict) or entry.get("identity") != identity:
                total.add(entry, -1)
                entry = {"identity": identity, **_file_marks(self.uncached(name), present)}
                total.add(entry)
            fresh[name] = entry
        for name in files.keys() - fresh.keys():  # files gone
            total.add(files[name], -1)
        if fresh != files or saved.get("folder") != folder:
            document = {"version": COUNTS_VERSION, "folder": folder, "files": orjson.dumps(fresh).decode(),
                        "total": total.to_doc(), "sources": sources}
            with contextlib.suppress(Timeout, OSError), self.lock.acquire(timeout=0):
                atomic_write_bytes(path, orjson.dumps(document))
        return MarkCounts(total, fresh)

    def file_names(self) -> list[str]:
        """The state files there are, older layouts first (a newer mark wins): an older store
        opened read-only still has its files."""
        return sorted(self._present(), key=lambda name: (name not in _LEGACY_SET, len(name)))

    def files_of(self, story_id: str) -> list[str]:
        """The files that may hold a story's marks, older layouts first."""
        sid = story_id.lower()
        older = [head for head in (sid[:1], sid[:2]) if head in _LEGACY_SET and (self.folder / f"{head}.json").exists()]
        return [*older, self._shard(story_id)]

    def records(self, name: str) -> dict[str, Any]:
        return self._table(name).records()

    def get(self, story_id: str) -> StoryState:
        doc = None
        for name in self.files_of(story_id):
            doc = self._table(name).records().get(story_id, doc)
        return StoryState.from_doc(doc)

    def tag_counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for state in self.all().values():
            counts.update(state.tags)
        return counts

    # -- changing -------------------------------------------------------------------------

    def change(self, story_ids: Iterable[str], edit: Callable[[StoryState], StoryState]) -> dict[str, StoryState]:
        """Apply ``edit`` to each story's state; durable on disk when this returns."""
        return self.change_each(story_ids, lambda _sid, state: edit(state))

    def change_each(
        self, story_ids: Iterable[str], edit: Callable[[str, StoryState], StoryState]
    ) -> dict[str, StoryState]:
        """Like :meth:`change`, with the story id passed to ``edit``; one write per shard."""
        by_shard: dict[str, list[str]] = {}
        for sid in story_ids:
            by_shard.setdefault(self._shard(sid), []).append(sid)
        result: dict[str, StoryState] = {}
        with self.lock:
            for shard, ids in by_shard.items():

                def update(table: dict[str, Any], ids: list[str] = ids) -> None:
                    for sid in ids:
                        new = edit(sid, StoryState.from_doc(table.get(sid)))
                        result[sid] = new
                        doc = new.to_doc()
                        if doc:
                            table[sid] = doc
                        else:
                            table.pop(sid, None)

                self._table(shard).apply(update)
        return result

    def _one(self, story_id: str, edit: Callable[[StoryState], StoryState]) -> StoryState:
        return self.change([story_id], edit)[story_id]

    def set_bookmarked(self, story_id: str, bookmarked: bool) -> StoryState:
        return self._one(story_id, lambda s: StoryState(bookmarked, s.read, s.tags))

    def toggle_bookmark(self, story_id: str) -> StoryState:
        return self._one(story_id, lambda s: StoryState(not s.bookmarked, s.read, s.tags))

    def set_read(self, story_id: str, read: bool = True) -> StoryState:
        return self._one(story_id, lambda s: StoryState(s.bookmarked, read, s.tags))

    def toggle_read(self, story_id: str) -> StoryState:
        return self._one(story_id, lambda s: StoryState(s.bookmarked, not s.read, s.tags))

    def edit_tags(
        self, story_ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> dict[str, StoryState]:
        """Add and remove tags (already normalised) on many stories at once."""
        adding, removing = list(add), set(remove)

        def edit(s: StoryState) -> StoryState:
            tags = [t for t in s.tags if t not in removing]
            tags += [t for t in adding if t not in tags]
            return StoryState(s.bookmarked, s.read, tuple(tags))

        return self.change(story_ids, edit)

    def bookmark_all(self, story_ids: Iterable[str]) -> dict[str, StoryState]:
        return self.change(story_ids, lambda s: StoryState(True, s.read, s.tags))

    def rename_tag(self, old: str, new: str) -> int:
        """Rename (or merge into an existing tag) across all stories; returns stories changed."""
        new = normalise_tag(new)
        ids = [sid for sid, s in self.all().items() if old in s.tags]

        def edit(s: StoryState) -> StoryState:
            tags: list[str] = []
            for t in s.tags:
                t = new if t == old else t
                if t not in tags:
                    tags.append(t)
            return StoryState(s.bookmarked, s.read, tuple(tags))

        return len(self.change(ids, edit))

    def delete_tag(self, tag: str) -> int:
        ids = [sid for sid, s in self.all().items() if tag in s.tags]
        return len(self.edit_tags(ids, remove=[tag]))

    def merge(self, states: dict[str, StoryState]) -> None:
        """Merge imported states (the export round trip): tags are united, flags or-ed."""

        def edit(sid: str, s: StoryState) -> StoryState:
            incoming = states[sid]
            tags = list(s.tags) + [t for t in incoming.tags if t not in s.tags]
            return StoryState(s.bookmarked or incoming.bookmarked, s.read or incoming.read, tuple(tags))

        self.change_each(states, edit)

    def forget(self, story_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Drop the marks of deleted stories; returns them as stored (for :meth:`remember`)."""
        removed: dict[str, dict[str, Any]] = {}
        by_shard: dict[str, list[str]] = {}
        for sid in story_ids:
            by_shard.setdefault(self._shard(sid), []).append(sid)
        with self.lock:
            for shard, ids in by_shard.items():
                table = self._table(shard)
                present = table.records()
                hit = [sid for sid in ids if sid in present]
                if hit:
                    removed.update({sid: present[sid] for sid in hit})
                    table.remove_many(hit)
        return removed

    def remember(self, docs: dict[str, dict[str, Any]]) -> None:
        """Put back marks :meth:`forget` returned."""
        by_shard: dict[str, dict[str, dict[str, Any]]] = {}
        for sid, doc in docs.items():
            by_shard.setdefault(self._shard(sid), {})[sid] = doc
        with self.lock:
            for shard, shard_docs in by_shard.items():
                self._table(shard).put_many(shard_docs)

    # -- settings -------------------------------------------------------------------------

    def _settings(self) -> KeyedTable:
        table = self._db("settings").table("settings")
        assert isinstance(table, KeyedTable)  # open_db makes every table keyed
        return table

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A setting, or ``default`` when it is unset or not of the shape Broadsheet writes
        (a hand-edited ``"session": "x"`` must not stop the reader from starting)."""
        doc = self._settings().records().get(key)
        if not isinstance(doc, dict) or "value" not in doc:
            return default
        value = doc["value"]
        check = _SETTING_SHAPES.get(key)
        return value if check is None or check(value) else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.lock:
            self._settings().apply(lambda t: t.__setitem__(key, {"value": value}))

    # -- saved searches -------------------------------------------------------------------

    def saved_searches(self) -> dict[str, str]:
        """Saved searches, name -> query text, sorted by name."""
        return _searches(self.get_setting(SAVED_SEARCHES))

    def save_search(self, name: str, query: str) -> str:
        """Save ``query`` under ``name`` (replacing a search of that name); returns the name as stored."""
        clean = saved_search_name(name)
        self._edit_searches(lambda searches: searches.__setitem__(clean, query))
        return clean

    def rename_saved_search(self, old: str, new: str) -> str:
        """Give saved search ``old`` the name ``new`` (replacing one so named); returns the new name."""
        clean = saved_search_name(new)

        def rename(searches: dict[str, str]) -> None:
            if old not in searches:
                raise KeyError(f"no saved search named {old!r}")
            searches[clean] = searches.pop(old)

        self._edit_searches(rename)
        return clean

    def delete_saved_search(self, name: str) -> bool:
        """Forget saved search ``name``; False when there was none."""
        found: list[bool] = []
        self._edit_searches(lambda searches: found.append(searches.pop(name, None) is not None))
        return found[0]

    def _edit_searches(self, edit: Callable[[dict[str, str]], None]) -> None:
        """Read, edit and write the saved searches in one go under the lock (another reader's are kept)."""
        with self.lock:
            table = self._settings()

            def change(docs: dict[str, Any]) -> None:
                doc = docs.get(SAVED_SEARCHES)
                searches = _searches(doc.get("value") if isinstance(doc, dict) else None)
                edit(searches)
                docs[SAVED_SEARCHES] = {"value": searches}

            table.apply(change)


SAVED_SEARCHES = "saved_searches"
SAVED_SEARCH_NAME_MAX = 60


def saved_search_name(raw: str) -> str:
    """A saved search's name: spaces folded, at most 60 characters; ValueError when empty."""
    name = " ".join(raw.split())[:SAVED_SEARCH_NAME_MAX].strip()
    if not name:
        raise ValueError("a saved search needs a name")
    return name


def _searches(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in sorted(value.items())}

"""User state: bookmarks, tags, read marks, settings, saved searches.

Kept apart from article content so a toggle rewrites only a small file. Story states are
spread over 4,096 TinyDB files by the first three hex digits of the story id
(``state/000.json`` .. ``state/fff.json``): with a million marked stories each holds about
250 entries, so a bookmark write serialises and fsyncs some 10 KB, and the reader's first
screen (rows from about 40 files) reads a few hundred KB, not every mark. Only stories
with some state have an entry. Stores from before kept 16 files (``state/0.json`` ..);
they are moved to the 4,096 when the store is first opened writable. Settings and saved searches
live in ``state/settings.json``.

Every change is a read-modify-write under the marks' own cross-process lock (``.marks-lock``),
re-reading the file inside the lock, so two readers on one store never lose each other's
changes, and a mark is saved while an import, reindex or repair holds the store's lock (a
repair takes the marks lock only while it mends a state file). Every writer keeps the counts
of the marks in ``state/.counts.json`` (see :meth:`UserState._settled`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
import time
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, Sequence, ValuesView
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB

from broadsheet.store.collector import gc_paused
from broadsheet.store.errors import StoreFileError, StoreWriteError, StoryGone
from broadsheet.store.sanitize import clean_line, clean_text, typed_text
from broadsheet.store.storage.atomic import FileIdentity, atomic_write_bytes, file_identity, fsync_dir, remove_durably
from broadsheet.store.storage.directory import is_plain_id, story_key
from broadsheet.store.storage.tinydb import AtomicJSONStorage, KeyedTable, encode_document, open_db, record_in

TAG_MAX_LENGTH = 40
#: The counts of the marks, in the state folder, kept by every writer (see UserState). Hidden:
#: an older broadsheet takes every other ``.json`` there for a file of marks.
COUNTS = ".counts.json"
OLD_COUNTS = "counts.json"  # in the store folder, written by readers of older versions
COUNTS_VERSION = 4
#: A change announcing more state files than this announces them again as written once they
#: are (a start checks the announced files by their hash).
PENDING_KEPT = 16
SHARDS = tuple(f"{n:03x}" for n in range(4096))
_SHARD_SET = frozenset(SHARDS)
#: The files of older layouts: 16 by one hex digit, then (briefly) 256 by two.
LEGACY_SHARDS = tuple("0123456789abcdef") + tuple(f"{n:02x}" for n in range(256))
_LEGACY_SET = frozenset(LEGACY_SHARDS)


class TagError(ValueError):
    """A tag that is empty after normalising."""


#: Format characters (Unicode Cf) that are part of how words and emoji are written: ZWNJ and ZWJ.
#: Every other control and format character (bidi overrides among them) is dropped from a name.
_JOINERS = "\u200c\u200d"


def normalise_tag(raw: str, cap: int = TAG_MAX_LENGTH) -> str:
    """Trim, lower-case, drop commas, double quotes, escape sequences and control characters, fold
    spaces, cap the length. (A tag with a ``"`` could be made, but no search could name it.)

    The zero-width non-joiner and joiner stay (:data:`_JOINERS`): Persian writes words with
    the first, and emoji sequences (a family, a flag) are made with the second.
    Turkish ``İ`` lowercases to ``i`` (not ``i`` and a combining dot, which looks the same), so
    ``TÜRKİYE`` and ``türkiye`` are one tag, as search finds ``İ`` by ``i``."""
    text = unicodedata.normalize("NFC", clean_text(raw))  # a whole escape goes, not its ESC alone ("[31mtag")
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c in _JOINERS)
    text = text.replace("\u0130", "I").replace("i\u0307", "i")
    text = re.sub(r"\s+", " ", text.replace(",", " ").replace('"', " ")).strip().lower()[:cap]
    text = text.strip().strip(_JOINERS).strip()  # a joiner joins only what is either side of it
    if not text:
        raise TagError(f"{raw!r} is not a usable tag (empty once trimmed)")
    return text


def preferred_spellings(counts: Mapping[str, int]) -> dict[str, str]:
    """Each ``tag_key`` of the tags counted (stories per tag) by the spelling that stands for it:
    the most used, else the first in order. An older version kept "Ferries" and "ferries" apart;
    ``tag:`` finds both, so the sidebar, ``broadsheet tags`` and a tag given now name one."""
    from broadsheet.store.search.query import tag_key  # (the search package imports this module)

    preferred: dict[str, str] = {}
    for _n, tag in sorted((-n, tag) for tag, n in counts.items() if n > 0):
        preferred.setdefault(tag_key(tag), tag)
    return preferred


def tags_given(values: Sequence[str], adding: bool = True) -> list[str]:
    """The tags a command line gives (``tag S rail,winter``, ``feeds add --tag news,tech``): each
    value split at commas, as the reader's tag editor splits them; TagError for one that holds no
    tag, or (``adding``) one that starts with "-", which the tag editor reads as a removal."""
    tags = []
    for value in values:
        pieces = [piece for piece in value.split(",") if piece.strip()]
        if not pieces:
            raise TagError(f"{value!r} is not a usable tag (empty once trimmed)")
        for piece in pieces if adding else ():  # (`untag` still takes off a "-tag" an older version made)
            if piece.strip().startswith("-"):  # the tag editor's "-tag" removes: given here, it became a tag
                raise TagError(f"{piece.strip()!r}: a tag does not start with '-' (`broadsheet untag` removes one; "
                               "in the reader's tag editor, -tag does)")
        tags += [normalise_tag(piece) for piece in pieces]
    return tags


#: What :func:`normalise_tag` does that a user may not expect, said whenever a tag given is kept
#: otherwise than it was typed.
TAG_RULES = f"a tag is lower-case, at most {TAG_MAX_LENGTH} characters"


def tags_reworded(given: Iterable[str], spell: Callable[[str], str] = str) -> dict[str, str]:
    """Each tag ``given`` (trimmed) that is kept as another (lower-cased, cut to
    :data:`TAG_MAX_LENGTH` characters, its spaces folded, its quotes and control characters
    dropped; ``spell``: as ``UserState.spelling`` spells it, so "Ferries" typed where an older
    version's "Ferries" is, kept so, is not said to be kept as "ferries"), by what it became:
    said to the user, who otherwise looked for it under its name."""
    reworded: dict[str, str] = {}
    for raw in given:
        typed = raw.strip()
        with contextlib.suppress(TagError):
            if (tag := spell(normalise_tag(typed))) != typed:
                reworded[typed] = tag
    return reworded


def reworded_note(reworded: dict[str, str]) -> str:
    """``'Rail' as 'rail', ...``: what :func:`tags_reworded` found, each given tag cut to 60 characters
    (a long one is said by what it became)."""
    return ", ".join(f"{typed if len(typed) <= 60 else typed[:59] + '…'!r} as {tag!r}"
                     for typed, tag in reworded.items())


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


#: Whether a story is stored: True, or its source (read stories are then counted per source);
#: False or None when it is not.
Present = Callable[[str], "bool | str | None"]


@dataclass(slots=True)
class Marks:
    """Counts of the user's marks: read and bookmarked stories, stories per tag (over stored
    stories), and every tag named on any story, stored or not (the tag editor offers them)."""

    read: int = 0
    bookmarked: int = 0
    tags: Counter[str] = field(default_factory=Counter)
    named: Counter[str] = field(default_factory=Counter)  # tag -> stories naming it (stored or not)
    sources: Counter[str] = field(default_factory=Counter)  # source -> read stories (the feeds' unread counts)

    def count(self, state: StoryState, found: bool | str | None, sign: int = 1) -> None:
        """Add (``sign`` 1) or take away (-1) one story's marks; ``found``: what :data:`Present` said of it."""
        for tag in state.tags:
            self.named[tag] += sign
        if found is None or found is False:
            return
        self.read += sign * state.read
        self.bookmarked += sign * state.bookmarked
        for tag in state.tags:
            self.tags[tag] += sign
        if state.read and isinstance(found, str):
            self.sources[found] += sign

    def add(self, other: Marks, sign: int = 1) -> None:
        self.read += sign * other.read
        self.bookmarked += sign * other.bookmarked
        for mine, theirs in ((self.tags, other.tags), (self.named, other.named), (self.sources, other.sources)):
            for key, n in theirs.items():
                mine[key] += sign * n

    def to_doc(self) -> dict[str, Any]:
        """The counts as JSON; a change (:meth:`from_doc` ``signed``) keeps what it takes away."""
        return {"read": self.read, "bookmarked": self.bookmarked, "tags": _nonzero(self.tags),
                "named": _nonzero(self.named), "sources": _nonzero(self.sources)}

    @classmethod
    def from_doc(cls, doc: Any, signed: bool = False) -> Marks | None:
        """Counts as :meth:`to_doc` wrote them (``signed``: a change, whose counts may be negative);
        None when ``doc`` is not of that shape."""
        if not isinstance(doc, dict) or not all(isinstance(doc.get(k), dict) for k in ("tags", "named", "sources")):
            return None
        number = _signed if signed else _int

        def counter(name: str) -> Counter[str]:
            return Counter({k: number(n) for k, n in doc[name].items() if isinstance(k, str)})

        return cls(number(doc.get("read")), number(doc.get("bookmarked")), counter("tags"), counter("named"),
                   counter("sources"))


def _nonzero(counter: Counter[str]) -> dict[str, int]:
    return {key: n for key, n in counter.items() if n}


def _with_tags(tags: list[str], adding: Iterable[str]) -> list[str]:
    """``tags`` and each of ``adding`` whose ``tag_key`` none of them has."""
    from broadsheet.store.search.query import tag_key  # (the search package imports this module)

    keys = {tag_key(t) for t in tags}
    for tag in adding:
        if (key := tag_key(tag)) not in keys:
            keys.add(key)
            tags.append(tag)
    return tags


def marked_read(state: StoryState) -> StoryState:
    """``state`` read, its other marks kept (opening a story, ``A`` on the listed ones)."""
    return StoryState(state.bookmarked, True, state.tags)


def _int(value: Any) -> int:
    return value if type(value) is int and value >= 0 else 0


def _signed(value: Any) -> int:
    return value if type(value) is int else 0


def _saved_counts(path: Path) -> dict[str, Any]:
    """``.counts.json`` as written (empty when it is missing, damaged or of another version)."""
    try:
        saved = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return saved if isinstance(saved, dict) and saved.get("version") == COUNTS_VERSION else {}


def _is_state_name(name: Any) -> bool:
    return isinstance(name, str) and (name in _SHARD_SET or name in _LEGACY_SET)


def _found_damaged(saved: dict[str, Any]) -> dict[str, Any]:
    """The state files a writer found damaged whose marks ``.counts.json``'s total still holds,
    with their hash: a start parses them (a file's time does not say it is damaged), and the
    marks are counted again without them."""
    found = saved.get("damaged")
    return found if isinstance(found, dict) else {}


def _everything_stored(_sid: str) -> bool:
    return True


def _digest(path: Path) -> str | None:
    """A state file's content hash (None when it is missing): says whether a write announced in
    ``.counts.json`` happened, and whether a damaged file the counts leave out is still as it was."""
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except FileNotFoundError:
        return None
    except OSError:  # (a folder, no permission): no content broadsheet wrote
        return "unreadable"


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


#: How far a stamp of the counts is moved on, in turn, when the filesystem kept it no later than
#: the last one's: one that keeps whole seconds (ext3, ext4 made with small inodes, HFS+) or two
#: (FAT) truncated two stamps of the same second to one time, and a crash that lost the counts'
#: last write then left its state file no newer than the counts of before (see :meth:`UserState.check`).
COARSE_STEPS = (1_000_000_000, 2_000_000_000)


def _later_than(path: Path, last: int) -> int:
    """The modification time ``path`` was given, moved past ``last`` where the filesystem kept it
    there (:data:`COARSE_STEPS`): the time its state files are then given, which it keeps alike."""
    try:
        kept = os.stat(path).st_mtime_ns
        for step in COARSE_STEPS:
            if kept > last:
                break
            os.utime(path, ns=(last + step, last + step))
            kept = os.stat(path).st_mtime_ns
    except OSError as exc:
        raise StoreWriteError(path, exc) from exc
    return kept


#: Bytes of state files a load of the marks keeps, the files read last, each as the JSON of
#: its marks (about 40 bytes a mark: some 800,000 marks). Scrolling a million stories reads
#: nearly every one of the 4,096 files: parsed and kept, they held 176 MB; as JSON, 20 MB.
BYTES_KEPT = 32_000_000


class _Loaded:
    """What one load of the marks has read: the state files read last by name, each as the
    JSON of its ``stories`` table (at most ``BYTES_KEPT`` in all), and which files of an older
    layout are there (a file of the current layout not there reads as empty). Shared by the
    reader's thread and its search workers: the files are changed under a lock, read outside it."""

    __slots__ = ("_lock", "files", "kept", "legacy", "older")

    def __init__(self) -> None:
        self.files: OrderedDict[str, bytes] = OrderedDict()  # least recently used first
        self.kept = 0  # bytes in ``files``
        self.legacy: dict[str, bool] = {}
        self.older: bool | None = None  # whether any file of an older layout is there (None: not looked)
        self._lock = threading.Lock()

    def get(self, name: str) -> bytes | None:
        with self._lock:
            table = self.files.get(name)
            if table is not None:
                self.files.move_to_end(name)
            return table

    def put(self, name: str, table: bytes) -> None:
        with self._lock:
            old = self.files.pop(name, None)
            self.kept += len(table) - (len(old) if old is not None else 0)
            self.files[name] = table
            while self.kept > BYTES_KEPT and len(self.files) > 1:
                self.kept -= len(self.files.popitem(last=False)[1])


class LazyStates(Mapping[str, StoryState]):
    """Every story's marks, read from a state file when a story in it is first asked about.

    The reader draws a screenful of rows, so it reads a few of the 4,096 files, not a
    million marks; going through every mark (a search for ``is:read``) reads them all.
    Never changed in place: :meth:`with_changes` gives a new mapping (a search worker keeps
    the one it was handed).
    """

    def __init__(self, user: UserState, changes: Mapping[str, StoryState] | None = None,
                 loaded: _Loaded | None = None) -> None:
        self._user = user
        self._changes = dict(changes or {})
        # The state files read last; shared by every mapping made from this one with
        # with_changes (the changes since the load are over them, whenever each was read).
        self._loaded = loaded if loaded is not None else _Loaded()

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

    def _file(self, name: str) -> bytes:
        """A state file's records as JSON (a record is parsed when its story is asked for): as
        read before, or read now (a file let go and read again holds any change written since,
        which :attr:`changes` has too, or another process's, which the reader is told of)."""
        table = self._loaded.get(name)
        if table is None:
            # parsed whole, so a damaged file is found here; copied, as orjson's buffer is 4 KB at least
            table = bytes(memoryview(orjson.dumps(self._records(name))))
            self._loaded.put(name, table)
        return table

    def _records(self, name: str) -> dict[str, Any]:
        """A state file's records; none for a damaged one, which is noted in the user state's ``damaged``
        (its stories show no marks until a repair: a row drawn must not end the reader, and a
        change of a mark in it is refused by the write, which reads the file again)."""
        try:
            return self._user.uncached(name)
        except StoreFileError as exc:
            self._user.damaged.setdefault(name, exc)
            return {}

    @property
    def damaged(self) -> dict[str, StoreFileError]:
        """The state files found damaged, by name, and why (kept by the user state: the store
        names them, the reader shows them)."""
        return dict(self._user.damaged)

    def _files_of(self, sid: str) -> list[str]:
        """:meth:`UserState.files_of`, with whether each file of an older layout is there looked
        at once per load, not twice a story (scrolling asks about 38 stories a page)."""
        shard = self._user._shard(sid)
        older = [head for head in (sid[:1].lower(), sid[:2].lower()) if head in _LEGACY_SET]
        if not older:
            return [shard]
        there = self._loaded.legacy
        for head in older:
            if head not in there:
                there[head] = (self._user.folder / f"{head}.json").exists()
        return [*(head for head in older if there[head]), shard]

    def __getitem__(self, sid: str) -> StoryState:
        if sid in self._changes:
            state = self._changes[sid]
        else:
            state = EMPTY
            for name in self._files_of(sid):
                doc = record_in(self._file(name), sid)
                if doc is not None:
                    state = StoryState.from_doc(doc)
        if state is EMPTY or not (state.read or state.bookmarked or state.tags):
            raise KeyError(sid)
        return state

    def read_test(self) -> Callable[[int], bool] | None:
        """Whether a story is read, by its story key (:func:`story_key`), for a pass over many
        stories (n / N going a long way down a list of a million): each state file is parsed
        once into the sorted keys of its read stories (8 bytes a story, kept for the pass only)
        rather than searched for each story. A story whose id is not 16 hex digits reads as
        unread (its key is a hash): the caller asks the mapping again. None when files of an
        older layout are there (the caller asks the mapping)."""
        if self._loaded.older is None:  # looked at once a load: a listing of 4,096 files is 2.7 ms, and n is a key
            self._loaded.older = not _LEGACY_SET.isdisjoint(self._user._present())
        if self._loaded.older:
            return None
        changed = {story_key(sid): state.read for sid, state in self._changes.items()}
        files: list[array[int] | None] = [None] * len(SHARDS)

        def is_read(key: int) -> bool:
            read = changed.get(key)
            if read is not None:
                return read
            keys = files[key >> 52]  # the file of the id's first three hex digits
            if keys is None:
                keys = files[key >> 52] = self._read_keys(SHARDS[key >> 52])
            at = bisect_left(keys, key)
            return at < len(keys) and keys[at] == key

        return is_read

    def _read_keys(self, name: str) -> array[int]:
        docs = self._passed(name)
        return array("Q", sorted(int(sid, 16) for sid, doc in docs.items()  # read as StoryState.from_doc reads it
                                 if isinstance(doc, dict) and doc.get("read") is True and is_plain_id(sid)))

    def _passed(self, name: str) -> dict[str, Any]:
        """A state file's records for a pass over many files: from the files kept if it is
        there, else read, and not kept (a pass over every file keeps none it had not read)."""
        table = self._loaded.get(name)
        return self._records(name) if table is None else orjson.loads(table)

    def _all(self) -> dict[str, StoryState]:
        merged: dict[str, StoryState] = {}
        for name in self._user.file_names():
            docs = self._passed(name)
            merged.update((sid, StoryState.from_doc(doc)) for sid, doc in docs.items())
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


def _files_left(stories: Mapping[str, StoreFileError] | None, files: dict[str, StoreFileError] | None) -> None:
    """The state files of ``stories`` a change left (found damaged as it was written) put in
    ``files`` by name."""
    if stories and files is not None:
        files.update({exc.path.name.removesuffix(".json"): exc for exc in stories.values()})


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
    "reparse_offered": lambda v: isinstance(v, str),
}


def _put_search(searches: dict[str, str], name: str, query: str) -> None:
    """Put ``query`` under ``name``, replacing the saved search of that name in any case ("Rail"
    and "rail" side by side in the sidebar were two searches)."""
    for taken in [n for n in searches if n.casefold() == name.casefold()]:
        del searches[taken]
    searches[name] = query


class UserState:
    """Bookmarks, tags, read marks and settings of one store.

    ``lock`` is the marks' own cross-process lock (not the store's: a mark is saved while an
    import, reindex or repair holds that one). ``presence`` gives, for the stories about to be
    changed, what says whether each is stored and its source (the counts are over stored
    stories); the reader sets it to its catalogue's lookup. ``gone`` says, under the lock, which
    of the stories about to be marked were deleted lately (the reader's catalogue may be seconds
    old: a story deleted from the shell meanwhile was marked, and counted, for good).
    """

    def __init__(self, folder: Path, lock: FileLock,
                 presence: Callable[[list[str]], Present] | None = None,
                 gone: Callable[[list[str]], set[str]] | None = None) -> None:
        self.folder = folder / "state"
        self.lock = lock
        self.presence: Callable[[list[str]], Present] = presence or (lambda _ids: _everything_stored)
        self.gone: Callable[[list[str]], set[str]] = gone or (lambda _ids: set())
        #: The counts after this process's last change, as ``.counts.json`` holds them (every
        #: process's marks), or None when the file is not kept (see :meth:`counts`).
        self.marks: Marks | None = None
        #: What this process's last change did to the counts.
        self.delta = Marks()
        #: State files (by name; "settings" too) that a read found damaged and went on without:
        #: their stories show no marks, or the settings their defaults (a write still reads the
        #: file again, and refuses).
        self.damaged: dict[str, StoreFileError] = {}
        #: ``.counts.json`` as :meth:`check` found it when a state file was written after it and
        #: not announced in it (its counts do not hold that file's marks: counted again).
        self._stale_counts: FileIdentity | None = None
        self._dbs: dict[str, TinyDB] = {}

    def _db(self, name: str) -> TinyDB:
        db = self._dbs.get(name)
        if db is None:
            db = self._dbs[name] = open_db(self.folder / f"{name}.json")
        return db

    def _storage(self, name: str) -> AtomicJSONStorage:
        """State file ``name``'s storage: the open TinyDB's, or one kept only for this write (a
        session toggling marks all over a million stories would otherwise keep a TinyDB, and
        its parsed file, for every state file it wrote)."""
        db = self._dbs.get(name)
        storage = db.storage if db is not None else AtomicJSONStorage(self.folder / f"{name}.json")
        assert isinstance(storage, AtomicJSONStorage)  # open_db's
        return storage

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
        """Parse the settings and the state files changed since broadsheet last wrote them: a
        damaged one is noted in :attr:`damaged` (its stories show no marks and a mark on one is
        refused; damaged settings read as the defaults and a change of one is refused).

        Every writer replaces ``.counts.json`` before it writes a state file, announcing the
        file's new hash, and gives the files it writes the counts' own modification time (see
        :meth:`_write`). So a file no newer than ``.counts.json``, or announced and holding what
        was announced, is as broadsheet wrote it, whole, and counted: opening a store with a
        million marks parses none of them. One newer and not announced was changed since the
        counts were written: its writer's counts were lost in a crash (they are not fsynced), or
        it was changed by hand or copied (``cp -r`` gives each file the time it was copied). It
        is parsed (a damaged one is found), and the counts are counted again from every mark
        when next asked for (:meth:`counts`), which writes them after it: once. One found damaged
        before (named in ``.counts.json``: see :meth:`counts`) is parsed again. Without
        ``.counts.json`` (a store from before), every file is parsed.
        """
        counts = self.folder / COUNTS
        for _ in range(3):  # again when a writer replaced the counts meanwhile (its files are newer)
            seen = file_identity(counts)
            saved = _saved_counts(counts)
            settled, excluded = self._read_counts()
            pending = saved.get("pending") if settled is not None and seen is not None else None
            known = excluded.keys() | _found_damaged(saved)  # damaged when last seen: parsed, so named again
            written = seen[1] if seen is not None else 0
            stale = False
            folder = os.fspath(self.folder)  # 4,096 stats by name: through pathlib they took 2-3 times as long
            for name in self._present():
                if isinstance(pending, dict) and name not in known:
                    path = f"{folder}/{name}.json"
                    try:
                        if os.stat(path).st_mtime_ns <= written:
                            continue
                    except FileNotFoundError:
                        continue
                    entry = pending.get(name)
                    if isinstance(entry, dict) and entry.get("hash") == _digest(Path(path)):
                        continue
                    stale = True
                self.readable(name)  # parsed to check it, not kept (a million marks would stay in memory)
            if file_identity(counts) == seen:
                break
        self._stale_counts = seen if stale else None
        if (self.folder / "settings.json").exists():
            self.readable("settings")  # damaged: the defaults are read, and no setting is saved over it

    def move_to_shards(self) -> None:
        """Spread the files of an older layout over the 4,096 (the caller holds the lock).

        Each old file is removed only once its marks are written, so a crash part way
        leaves it to be moved again on the next open. The counts are counted again after.
        """
        old_files = [name for name in self._present() if name in _LEGACY_SET]
        if old_files:
            self.forget_counts()
        for old in old_files:
            by_shard: dict[str, dict[str, Any]] = {}
            for sid, doc in self._table(old).records().items():
                by_shard.setdefault(self._shard(sid), {})[sid] = doc
            for shard, docs in by_shard.items():  # a mark already in the new files is newer: it stays
                self._table(shard).apply(partial(_add_missing, docs))
            self._dbs.pop(old, None)
            remove_durably(self.folder / f"{old}.json")  # back after a crash, it would bring back marks taken off

    # -- reading --------------------------------------------------------------------------

    def all(self, *, skip_damaged: bool = False,
            skipped: dict[str, StoreFileError] | None = None) -> dict[str, StoryState]:
        """Every story with some state (others are unmarked). A damaged state file raises
        StoreFileError, or with ``skip_damaged`` (a read that only shows marks) its stories
        have none and it is noted in :attr:`damaged`; ``skipped`` (implies ``skip_damaged``):
        each one skipped is put in it too, by name."""
        skip_damaged = skip_damaged or skipped is not None
        result: dict[str, StoryState] = {}
        if not self.folder.is_dir():
            return result
        with gc_paused():
            for shard in self.file_names():
                try:
                    records = self._table(shard).records()
                except StoreFileError as exc:
                    if not skip_damaged:
                        raise
                    self.damaged.setdefault(shard, exc)
                    if skipped is not None:
                        skipped[shard] = exc
                    continue
                for sid, doc in records.items():
                    result[sid] = StoryState.from_doc(doc)
        return result

    def each(self, *, skip_damaged: bool = False) -> Iterator[tuple[str, StoryState]]:
        """Every story's marks, a state file at a time and none kept (a pass over a million
        marks: ``all`` held 430 MB of them); an older layout's files are merged first (a newer
        mark wins), so each story comes once. ``skip_damaged``: as for :meth:`all`."""
        names = self.file_names()
        if any(name in _LEGACY_SET for name in names):
            yield from self.all(skip_damaged=skip_damaged).items()
            return
        for name in names:
            for sid, doc in (self.readable(name) if skip_damaged else self.uncached(name)).items():
                yield sid, StoryState.from_doc(doc)

    def readable(self, name: str) -> dict[str, Any]:
        """:meth:`uncached`, with a damaged file read as holding no marks and noted in
        :attr:`damaged` (a read that only shows marks goes on; a write reads the file again)."""
        try:
            return self.uncached(name)
        except StoreFileError as exc:
            self.damaged.setdefault(name, exc)
            return {}

    def uncached(self, name: str) -> dict[str, Any]:
        """The records of state file ``name`` as it is now, for a caller that keeps them itself
        or not at all (:class:`LazyStates`, a pass over every file): no TinyDB is opened and kept
        for it (scrolling a million stories reads a new file for nearly every row; counting every
        file after a bulk change kept 300 MB of marks), but one already open answers from its
        cache. Raises StoreFileError for a damaged file, as a read through TinyDB does."""
        db = self._dbs.get(name)
        if db is not None:
            return db.table("stories").records()  # type: ignore[attr-defined]
        data = AtomicJSONStorage(self.folder / f"{name}.json").read() or {}
        table = data.get("stories")
        return table if isinstance(table, dict) else {}

    # -- the counts -------------------------------------------------------------------------
    #
    # ``state/.counts.json`` holds the counts of every mark (:class:`Marks`), kept by every
    # writer under the marks lock: a change is first announced there, with the counts after it
    # and, for each state file it is about to write, the hash of the file's new content and
    # what the change does to the counts; then the state files are written. A writer killed in
    # between leaves files whose hash is not the announced one: whoever reads the counts takes
    # back those files' part of the change (:meth:`_settled`), so the counts are exact without
    # reading the marks. A missing or damaged file is counted again from every mark (once).
    #
    # A damaged state file's stories show no marks, so the counts leave its marks out: found
    # damaged, the marks are counted again without it (once: a start reads no state file for
    # it) and ``.counts.json`` names it in ``excluded`` with its hash. Its stories' marks are
    # refused meanwhile, so no writer changes its share; mended (``repair``) or put back, its
    # hash is no longer the one named, and every mark is counted again.

    def _settled(self) -> Marks | None:
        """The counts as ``.counts.json`` holds them, with every announced change its writer did
        not finish taken back; None when the file is missing, damaged or of an older version, or
        a damaged state file it leaves out has changed since (see :meth:`_read_counts`)."""
        return self._read_counts()[0]

    def _read_counts(self) -> tuple[Marks | None, dict[str, str | None]]:
        """:meth:`_settled`'s counts, and the damaged state files they leave out with their hash.

        Read without the lock: a writer that starts meanwhile replaces the file before it
        writes any state file, so the file is read again when it changed while being checked.
        """
        path = self.folder / COUNTS
        total: Marks | None = None
        excluded: dict[str, str | None] = {}
        for _ in range(3):
            seen = file_identity(path)
            if seen is not None and seen == self._stale_counts:
                return None, {}
            saved = _saved_counts(path)
            total = Marks.from_doc(saved.get("total"))
            pending, excluded = saved.get("pending"), saved.get("excluded", {})
            if total is None or not isinstance(pending, dict) or not isinstance(excluded, dict):
                return None, {}
            damaged = _found_damaged(saved)
            for name, entry in pending.items():
                delta = Marks.from_doc(entry.get("delta"), signed=True) if isinstance(entry, dict) else None
                if delta is None or not isinstance(name, str) or name not in _SHARD_SET:
                    return None, {}
                if _digest(self.folder / f"{name}.json") != entry.get("hash"):
                    total.add(delta, -1)  # announced, never written: its writer was killed
            # A damaged file mended or put back since: its marks are counted again.
            for name, digest in [*excluded.items(), *damaged.items()]:
                if not _is_state_name(name) or _digest(self.folder / f"{name}.json") != digest:
                    return None, {}
            if file_identity(path) == seen:
                break
        return total, excluded

    def damaged_marks(self) -> set[str]:
        """The state files found damaged (their stories show no marks), by name."""
        return {name for name in self.damaged if name != "settings"}

    def counts(self, present: Present) -> Marks:
        """Read, bookmarked and tag counts over the stories ``present`` says are stored (when it
        gives their source, read stories are counted per source too: a feed's unread = its
        stories - those).

        From ``.counts.json``, which every writer keeps: opening a store with a million marks
        reads one small file. When it is missing or damaged (a store from before, or after a
        repair), or holds the marks of a state file found damaged (whose stories show none), every
        mark but those is counted and the file written, if no writer changed a mark meanwhile.
        """
        settled, excluded = self._read_counts()
        if settled is not None and self.damaged_marks() <= excluded.keys():
            return settled
        if self.damaged_marks():  # counted under the lock (once: writers wait that long), if no other has it
            try:
                held = self.lock.acquire(timeout=0)
            except (Timeout, OSError):  # held elsewhere, or a read-only store: counted, not saved
                return self._count(present)
            with held:
                total = self._count(present)
                with contextlib.suppress(OSError):
                    self._write_counts(total, {}, self._excluding())
            return total
        before = folder_identity(self.folder)  # None: changed too recently to tell a change during the count
        total = self._count(present)
        if before is not None:
            with contextlib.suppress(Timeout, OSError), self.lock.acquire(timeout=0):
                if folder_identity(self.folder) == before and self._settled() is None:
                    self._write_counts(total, {}, self._excluding())
        return total

    def counts_wrong(self, present: Present) -> bool:
        """Whether ``.counts.json`` holds other counts than the marks make (a hand edit of plausible
        numbers was believed by the sidebar and ``tags``): ``repair`` has them counted again. The
        counts per source are not compared: ``present`` need only say whether a story is stored."""
        kept = self._settled()
        if kept is None:  # none to believe: counted again when next asked for
            return False
        total = self._count(present)
        return ((kept.read, kept.bookmarked, +kept.tags, +kept.named)
                != (total.read, total.bookmarked, +total.tags, +total.named))

    def _count(self, present: Present) -> Marks:
        """Every mark counted, but those of a damaged state file (noted in :attr:`damaged`)."""
        total = Marks()
        for sid, state in self.each(skip_damaged=True):
            if state.read or state.bookmarked or state.tags:
                total.count(state, present(sid))
        return total

    def _excluding(self) -> dict[str, str | None]:
        """The damaged state files a count of the marks left out, with their hash."""
        return {name: _digest(self.folder / f"{name}.json") for name in sorted(self.damaged_marks())}

    def identity(self) -> FileIdentity | None:
        """Changes with every change of a mark, by any process (each one rewrites ``.counts.json``)."""
        return file_identity(self.folder / COUNTS)

    def _write_counts(self, total: Marks, pending: dict[str, Any],
                      excluded: dict[str, str | None] | None = None) -> int:
        """Replace ``.counts.json`` (the caller holds the lock); the one of older versions, in the
        store folder, goes. ``excluded``: the damaged state files ``total`` leaves out (None: those
        the file names now). Returns its modification time, later than the last one's (see
        :meth:`_write`).

        Not fsynced: a writer fsyncs the state files it writes after it (with the folder: on ext4
        that makes this file durable too). Where a crash still loses it, the counts of before are
        found older than a file written after them (:meth:`check`), or a damaged file (cut
        short) read as no counts: either way the marks are counted again.
        """
        path = self.folder / COUNTS
        found: dict[str, Any] = {}
        if excluded is None:
            saved = _saved_counts(path)
            kept = saved.get("excluded")
            excluded = kept if isinstance(kept, dict) else {}
            found = _found_damaged(saved)
        found.update((name, _digest(self.folder / f"{name}.json")) for name in self.damaged_marks()
                     if name not in found)
        document = {"version": COUNTS_VERSION, "total": total.to_doc(), "pending": pending, "excluded": excluded,
                    "damaged": {name: digest for name, digest in sorted(found.items()) if name not in excluded}}
        last = file_identity(path)
        floor = last[1] if last is not None else 0
        atomic_write_bytes(path, orjson.dumps(document), durable=False, mtime_ns=max(time.time_ns(), floor + 1))
        stamp = _later_than(path, floor)
        with contextlib.suppress(OSError):
            (self.folder.parent / OLD_COUNTS).unlink(missing_ok=True)
        return stamp

    def forget_counts(self) -> None:
        """Have the counts counted again from every mark (after state files were changed other
        than through :meth:`change_each`, as ``repair`` does; the caller holds the lock)."""
        (self.folder / COUNTS).unlink(missing_ok=True)
        self.marks = None

    def _kept_counts(self) -> tuple[Marks | None, bool]:
        """The counts a writer (holding the lock) changes: ``.counts.json``'s, or nothing yet when
        there is no state file at all; None when they must be counted again first. And whether
        they leave out the marks of every state file this process found damaged."""
        settled, excluded = self._read_counts()
        if settled is None and not (self.folder / COUNTS).exists() and not self._any_marks_file():
            return Marks(), not self.damaged_marks()
        return settled, self.damaged_marks() <= excluded.keys()

    def _any_marks_file(self) -> bool:
        """Whether the state folder holds a file of marks (the listing stops at the first)."""
        try:
            with os.scandir(self.folder) as entries:
                return any(e.name.endswith(".json") and e.name != "settings.json" and not e.name.startswith(".")
                           for e in entries)
        except FileNotFoundError:
            return False

    # -- names and lookups ------------------------------------------------------------------

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

    # -- changing -------------------------------------------------------------------------

    def change(self, story_ids: Iterable[str], edit: Callable[[StoryState], StoryState],
               left: dict[str, StoreFileError] | None = None) -> dict[str, StoryState]:
        """Apply ``edit`` to each story's state; durable on disk when this returns. ``left``:
        see :meth:`_write`."""
        return self.change_each(story_ids, lambda _sid, state: edit(state), left=left)

    def change_each(self, story_ids: Iterable[str], edit: Callable[[str, StoryState], StoryState],
                    present: Present | None = None, left: dict[str, StoreFileError] | None = None
                    ) -> dict[str, StoryState]:
        """Like :meth:`change`, with the story id passed to ``edit``; one write per shard, the
        counts kept (``present``: whether each story is stored, else :attr:`presence` says).
        ``left``: see :meth:`_write`. Stories deleted meanwhile (:attr:`gone`, asked under the
        lock, which a delete takes to drop their marks) are left out; when every story named is,
        StoryGone is raised and nothing is written."""
        by_shard = self._by_file(story_ids)
        result: dict[str, StoryState] = {}

        def update(table: dict[str, Any], ids: list[str]) -> None:
            for sid in ids:
                new = edit(sid, StoryState.from_doc(table.get(sid)))
                result[sid] = new
                doc = new.to_doc()
                if doc:
                    table[sid] = doc
                else:
                    table.pop(sid, None)

        self._write(by_shard, update, present, left, stored_only=True)
        return result

    def _write(self, by_shard: Mapping[str, list[str]], update: Callable[[dict[str, Any], list[str]], None],
               present: Present | None, left: dict[str, StoreFileError] | None = None,
               stored_only: bool = False) -> None:
        """Change the records of ``by_shard``'s stories in their state files with ``update``,
        keeping ``.counts.json``: announced first, then each file written (see :meth:`_settled`).

        Durable when this returns; raises StoreWriteError (an OSError) or StoreFileError (a
        damaged state file, which is not overwritten) when a file cannot be written: what was
        announced and not written is then taken back by whoever reads the counts next. With
        ``left`` (a change of many stories, as a fetch tagging its new ones), the stories of a
        state file found damaged are left as they are and put in it with the file's error (the
        file is noted in :attr:`damaged`), and the others are changed. ``stored_only``: stories
        deleted meanwhile are left out (see :meth:`change_each`).
        """
        self.delta = Marks()
        if not by_shard:
            return
        with self.lock:
            if stored_only:  # under the lock: a delete drops its stories' marks under it too
                by_shard = self._without_gone(by_shard)
            kept, without_lost = self._kept_counts()
            found = present or self.presence([sid for ids in by_shard.values() for sid in ids])
            delta = Marks()
            writes: list[tuple[str, AtomicJSONStorage, dict[str, Any], bytes]] = []
            pending: dict[str, Any] = {}
            for shard, ids in by_shard.items():
                storage = self._storage(shard)
                try:
                    tables = storage.read() or {}
                except StoreFileError as exc:
                    if left is None:
                        raise
                    self.damaged.setdefault(shard, exc)
                    left.update(dict.fromkeys(ids, exc))
                    continue
                old = tables.get("stories", {})
                table = dict(old)
                update(table, ids)
                change = Marks()
                for sid in ids:
                    before, after = old.get(sid), table.get(sid)
                    if before == after:
                        continue
                    was, now = StoryState.from_doc(before), StoryState.from_doc(after)
                    is_stored = found(sid)
                    change.count(was, is_stored, -1)
                    change.count(now, is_stored)
                data = {**tables, "stories": table}
                encoded = encode_document(data, storage.compress)  # encoded once: hashed, then written
                writes.append((shard, storage, data, encoded))
                delta.add(change)
                pending[shard] = {"hash": hashlib.blake2b(encoded, digest_size=16).hexdigest(),
                                  "delta": change.to_doc()}
            total = None
            stamp = None  # the files' modification time: the counts' (see check)
            if kept is not None:
                total = kept
                total.add(delta)
                stamp = self._write_counts(total, pending)
            for shard, storage, data, encoded in writes:
                storage.write(data, encoded, mtime_ns=stamp, sync_dir=len(writes) == 1)
                if (db := self._dbs.get(shard)) is not None:
                    db.table("stories").clear_cache()
            if len(writes) > 1:
                fsync_dir(self.folder)  # one for every file renamed into it
            if total is not None and len(pending) > PENDING_KEPT:
                self._write_counts(total, {})  # a later start checks no file: every one was written
            # Counts holding a damaged file's marks are not this process's (it counts them again).
            self.marks, self.delta = total if without_lost else None, delta

    def _without_gone(self, by_shard: Mapping[str, list[str]]) -> Mapping[str, list[str]]:
        """``by_shard`` without the stories deleted meanwhile (:attr:`gone`); StoryGone when none is left."""
        ids = [sid for group in by_shard.values() for sid in group]
        gone = self.gone(ids)
        if not gone:
            return by_shard
        if gone >= set(ids):
            raise StoryGone(gone)
        return {shard: kept for shard, group in by_shard.items() if (kept := [sid for sid in group if sid not in gone])}

    def _by_file(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        """``story_ids`` by the state file that holds their marks."""
        by_shard: dict[str, list[str]] = {}
        for sid in story_ids:
            by_shard.setdefault(self._shard(sid), []).append(sid)
        return by_shard

    def in_steps(self, story_ids: Iterable[str], step: int) -> Iterator[list[str]]:
        """``story_ids`` in groups of whole state files, each of ``step`` stories or a few more
        (the last may hold fewer), for a change of very many marks made a group at a time: each
        file is written once, and one group's records are held at once, not every mark (one
        change of a million stories' bookmarks held 900 MB in the reader)."""
        by_shard = self._by_file(story_ids)
        group: list[str] = []
        for shard in sorted(by_shard):
            group += by_shard.pop(shard)
            if len(group) >= step:
                yield group
                group = []
        if group:
            yield group

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
        self, story_ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = (),
        left: dict[str, StoreFileError] | None = None,
    ) -> dict[str, StoryState]:
        """Add and remove tags (already normalised) on many stories at once; a tag named twice is
        added once, as are two of one ``tag_key``, spelled as the tag already there (see
        :meth:`spelling`); a tag removed takes every spelling of its ``tag_key`` ("cafe" takes
        "café", as ``tag:cafe`` finds it). ``left``: see :meth:`_write` (without it a damaged
        state file raises)."""
        from broadsheet.store.search.query import tag_key

        adding, removing = list(dict.fromkeys(map(self.spelling(), add))), set(map(tag_key, remove))

        def edit(s: StoryState) -> StoryState:
            tags = [t for t in s.tags if tag_key(t) not in removing]
            return StoryState(s.bookmarked, s.read, tuple(_with_tags(tags, adding)))

        return self.change(story_ids, edit, left)

    def spelling(self) -> Callable[[str], str]:
        """A tag given (normalised) as the tag of its ``tag_key`` named on a story already (the
        most used, when older stories hold two), else as the first of its key given to it:
        ``tag:`` finds "café" and "cafe" alike, so a second spelling made a second sidebar row
        listing the first one's stories too. Looks up the tag names the counts keep, not the
        stories (when there are none yet, only the tags given are made one)."""
        from broadsheet.store.search.query import tag_key

        counts = self._settled() or self.marks
        known = preferred_spellings(counts.named if counts else Counter())
        return lambda tag: known.setdefault(tag_key(tag), tag)

    def renamed_to(self, old: str, new: str) -> str:
        """The tag renaming ``old`` to ``new`` makes: ``new`` normalised, spelled as the tag of its
        ``tag_key`` already there (a merge into it), unless it respells ``old`` ("cafe" to "café")."""
        from broadsheet.store.search.query import tag_key

        new = normalise_tag(new)
        return new if tag_key(new) == tag_key(old) else self.spelling()(new)

    def bookmark_all(self, story_ids: Iterable[str], left: dict[str, StoreFileError] | None = None
                     ) -> dict[str, StoryState]:
        """Bookmark every story; ``left``: see :meth:`_write`."""
        return self.change(story_ids, lambda s: StoryState(True, s.read, s.tags), left)

    def read_all(self, story_ids: Iterable[str], left: dict[str, StoreFileError] | None = None
                 ) -> dict[str, StoryState]:
        """Mark every story read; ``left``: see :meth:`_write`."""
        return self.change(story_ids, marked_read, left)

    def rename_tag(self, old: str, new: str, left: dict[str, StoreFileError] | None = None) -> int:
        """Rename (or merge into an existing tag) across all stories, and in the saved searches
        that name it (else a saved ``tag:old`` found nothing from then on); returns stories changed.
        ``left``: a damaged state file is skipped (its stories may keep ``old``) and put in it by
        name with its error, the others changed; without it, it raises StoreFileError."""
        from broadsheet.store.search.query import tag_key

        new, key = self.renamed_to(old, new), tag_key(old)
        ids = self._tagged(old, left)

        def edit(s: StoryState) -> StoryState:
            tags: list[str] = []
            for t in s.tags:
                t = new if tag_key(t) == key else t
                if t not in tags:
                    tags.append(t)
            return StoryState(s.bookmarked, s.read, tuple(tags))

        stories: dict[str, StoreFileError] | None = None if left is None else {}
        changed = self.change(ids, edit, stories)
        _files_left(stories, left)
        if any(tag_renamed_in(query, old, new) != query for query in self.saved_searches().values()):
            self._edit_searches(lambda searches: searches.update(
                {name: tag_renamed_in(query, old, new) for name, query in searches.items()}))
        return len(changed)

    def delete_tag(self, tag: str, left: dict[str, StoreFileError] | None = None) -> int:
        """Take ``tag`` off every story, in every spelling of its ``tag_key`` (see :meth:`_tagged`);
        returns stories changed. ``left``: as for :meth:`rename_tag`."""
        from broadsheet.store.search.query import tag_key

        key, ids = tag_key(tag), self._tagged(tag, left)
        stories: dict[str, StoreFileError] | None = None if left is None else {}
        changed = self.change(ids, lambda s: StoryState(s.bookmarked, s.read, tuple(
            t for t in s.tags if tag_key(t) != key)), stories)
        _files_left(stories, left)
        return len(changed)

    def _tagged(self, tag: str, left: dict[str, StoreFileError] | None) -> list[str]:
        """The stories with ``tag`` in any spelling of its ``tag_key`` (``left``: the damaged state
        files skipped, put in it): the sidebar's one row of "Ferries" and an older version's
        "ferries" lists both, so renaming or deleting it changes both."""
        from broadsheet.store.search.query import tag_key, tag_keys

        key, states = tag_key(tag), self.all() if left is None else self.all(skipped=left)
        return [sid for sid, s in states.items() if key in tag_keys(s.tags)]


    def merge(self, states: dict[str, StoryState], present: Present | None = None, *,
              skip_damaged: bool = False) -> dict[str, StoreFileError]:
        """Merge imported states (the export round trip, a feed's tags): tags are united, flags
        or-ed. A damaged state file raises StoreFileError, or with ``skip_damaged`` its stories
        are left as they are and returned, each with the file's error (the others are merged)."""
        left: dict[str, StoreFileError] = {}
        spell = self.spelling()

        def edit(sid: str, s: StoryState) -> StoryState:
            incoming = states[sid]
            tags = _with_tags(list(s.tags), map(spell, incoming.tags))
            return StoryState(s.bookmarked or incoming.bookmarked, s.read or incoming.read, tuple(tags))

        self.change_each(states, edit, present, left if skip_damaged else None)
        return left

    def forget(self, story_ids: Iterable[str], present: Present,
               left: dict[str, StoreFileError] | None = None) -> dict[str, dict[str, Any]]:
        """Drop the marks of deleted stories; returns them as stored (for :meth:`remember`).
        ``present``: the stories as they were stored (their marks were counted).

        The marks in a damaged state file are left there (the file is not written over, and
        they show on no story: the stories are gone), its stories put in ``left`` with the
        file's error: a delete must not stop half done, its stories' records gone and their
        marks not, with every later writer finishing it and failing again."""
        removed: dict[str, dict[str, Any]] = {}
        left = {} if left is None else left

        def remove(table: dict[str, Any], ids: list[str]) -> None:
            for sid in ids:
                if sid in table:
                    removed[sid] = table.pop(sid)

        with self.lock:
            self._write(self._by_file(self.held(story_ids, left)), remove, present, left)
        return removed

    def held(self, story_ids: Iterable[str], left: dict[str, StoreFileError]) -> dict[str, dict[str, Any]]:
        """The marks of ``story_ids`` as stored (for :meth:`remember`), left as they are: a delete
        keeps them for its undo before it removes anything. The stories of a damaged state file go
        in ``left`` with the file's error."""
        held: dict[str, dict[str, Any]] = {}
        with self.lock:
            for shard, ids in self._by_file(story_ids).items():
                try:
                    records = self._table(shard).records()
                except StoreFileError as exc:
                    self.damaged.setdefault(shard, exc)
                    left.update(dict.fromkeys(ids, exc))
                    continue
                held.update({sid: records[sid] for sid in ids if sid in records})
        return held

    def check_files(self, story_ids: Iterable[str]) -> None:
        """Raise StoreFileError when a state file of ``story_ids`` is damaged (noted in
        :attr:`damaged`): a change that must not stop half way asks before it starts."""
        for shard in self._by_file(story_ids):
            try:
                self._storage(shard).read()
            except StoreFileError as exc:
                self.damaged.setdefault(shard, exc)
                raise

    def remember(self, docs: dict[str, dict[str, Any]], present: Present) -> None:
        """Put back marks :meth:`forget` returned (``present``: the stories stored again)."""
        by_shard = self._by_file(docs)

        def put(table: dict[str, Any], ids: list[str]) -> None:
            table.update({sid: docs[sid] for sid in ids})

        self._write(by_shard, put, present)

    # -- settings -------------------------------------------------------------------------

    def _settings(self) -> KeyedTable:
        table = self._db("settings").table("settings")
        assert isinstance(table, KeyedTable)  # open_db makes every table keyed
        return table

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A setting, or ``default`` when it is unset, not of the shape Broadsheet writes (a
        hand-edited ``"session": "x"`` must not stop the reader from starting) or the settings
        file is damaged (noted in :attr:`damaged`)."""
        try:
            doc = self._settings().records().get(key)
        except StoreFileError as exc:  # the reader starts with the defaults; a change is refused
            self.damaged.setdefault("settings", exc)
            return default
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

    def searches_naming_tag(self, tag: str) -> list[str]:
        """The saved searches with a ``tag:`` filter of ``tag`` (a phrase's "tag:x" is words): a
        deleted tag leaves them listing nothing, which the question to delete it says."""
        return [name for name, query in self.saved_searches().items() if tag_renamed_in(query, tag, "\x00") != query]

    def save_search(self, name: str, query: str) -> str:
        """Save ``query`` under ``name`` (replacing a search of that name, in any case); returns the
        name as stored."""
        clean = saved_search_name(name)

        def save(searches: dict[str, str]) -> None:
            _put_search(searches, clean, typed_text(query))  # as typed (spaces too: the bar's text is compared)

        self._edit_searches(save)
        return clean

    def rename_saved_search(self, old: str, new: str) -> str:
        """Give saved search ``old`` the name ``new`` (replacing one so named); returns the new name."""
        clean = saved_search_name(new)

        def rename(searches: dict[str, str]) -> None:
            if old not in searches:
                raise KeyError(f"no saved search named {old!r}")
            _put_search(searches, clean, searches.pop(old))

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


def tag_filter(tag: str) -> str:
    """The search filter for one (normalised) tag (the sidebar's, the palette's, a renamed tag's in a
    saved search), quoted wherever the query language would read it otherwise: a space ends the
    tag, a first "(" opens parentheses, a last "*" asks for a prefix (``tag:"(draft)"``).

    No quote can be written inside quotes: a tag holding one (only a hand-edited file gives it,
    as every way of making a tag drops them) is written as a tag typed with it is read, the quote
    a space, rather than leave the search bar an unclosed quote (a normalised tag is left as it is)."""
    tag = " ".join(tag.replace('"', " ").split())
    quoted = tag.startswith("(") or tag.endswith("*") or any(c.isspace() for c in tag)
    return f'tag:"{tag}"' if quoted else f"tag:{tag}"


def tag_renamed_in(query: str, old: str, new: str) -> str:
    """``query`` with each ``tag:`` filter of tag ``old`` (quoted or not, in any case, negated too)
    naming tag ``new``; the rest, phrases included, as written."""
    from broadsheet.store.search.query import tag_key

    pieces: list[str] = []
    i, n = 0, len(query)
    while i < n:
        if query[i] == '"':  # a phrase: a "tag:x" in it is words, not a filter
            end = query.find('"', i + 1)
            end = n if end < 0 else end + 1
            pieces.append(query[i:end])
            i = end
            continue
        start = i
        while i < n and not query[i].isspace() and query[i] != '"':
            i += 1
        chunk = query[start:i]
        if i == start:  # whitespace
            pieces.append(query[i])
            i += 1
            continue
        name, colon, value = chunk.lstrip("-").partition(":")
        if colon and name.lower() == "tag":
            if not value and i < n and query[i] == '"':
                end = query.find('"', i + 1)
                if end >= 0:
                    value, i = query[i + 1:end], end + 1
            with contextlib.suppress(TagError):
                if tag_key(normalise_tag(value)) == tag_key(old):  # as tag: compares (finds "Ferries" too)
                    chunk = chunk[:len(chunk) - len(chunk.lstrip("-"))] + tag_filter(new).replace("tag", name, 1)
                    pieces.append(chunk)
                    continue
            chunk = query[start:i]
        pieces.append(chunk)
    return "".join(pieces)
SAVED_SEARCH_NAME_MAX = 60


def saved_search_name(raw: str) -> str:
    """A saved search's name: spaces folded, at most 60 characters; ValueError when empty.

    A longer name is cut after its last whole word that fits and ends in "…" (mid-word only
    when its first word alone is too long), so the sidebar shows where it was cut."""
    name = clean_line(raw)  # typed, but also given to the command line or read from settings
    if len(name) > SAVED_SEARCH_NAME_MAX:
        cut = name[: SAVED_SEARCH_NAME_MAX - 1]
        if name[len(cut)] != " " and " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        elif not cut.endswith(" "):  # a word too long for the name: not within a letter and its marks
            while cut and (unicodedata.category(name[len(cut)])[0] == "M" or name[len(cut)] in _JOINERS
                           or cut[-1] in _JOINERS):
                cut = cut[:-1]
        name = cut.rstrip() + "…"
    if not name:
        raise ValueError("a saved search needs a name")
    return name


def _searches(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in sorted(value.items())}

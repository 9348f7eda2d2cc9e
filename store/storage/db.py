"""The Broadsheet store: TinyDB files in one folder, laid out for 50,000 stories.

- ``articles.json``: one small metadata record per story (what the headline list and the
  credits panel show). Starting the reader reads this file and nothing else.
- ``bodies/NNNNNN.json``: story bodies, ``SHARD_SIZE`` to a file in import order, so an
  import writes only new shards and opening a story reads one small file.
- ``state/``: user state (bookmarks, tags, read marks, settings), kept apart so a
  bookmark write never rewrites article content (see :mod:`store.userstate`).

Every file is written through :class:`~store.storage.AtomicJSONStorage`; writers hold a
cross-process :class:`filelock.FileLock`, and each read-modify-write re-reads the file
under the lock, so two readers on one store never lose each other's changes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from filelock import Timeout
from tinydb import TinyDB

from broadsheet.store.agencies import canonical_agency
from broadsheet.store.collector import gc_paused
from broadsheet.store.errors import StoreFileError, StoreWriteError
from broadsheet.store.model import Article, Credits, Image, normal_url
from broadsheet.store.storage import fields
from broadsheet.store.storage.atomic import FileIdentity, file_identity
from broadsheet.store.storage.lock import StoreLock
from broadsheet.store.storage.tinydb import KeyedTable, check_ends, clean_if_suspect, open_db
from broadsheet.store.storage.twins import Headlines, same_text, words
from broadsheet.store.storage.userstate import UserState

SHARD_SIZE = 256
LOCK_TIMEOUT = 30.0


# Fields of a metadata record that listing every story needs; a record keeps these as
# JSON values and everything else (captions, credits, authors, file...) as one JSON text in
# "details". Starting the reader parses articles.json whole: 50,000 short JSON texts parse
# about three times faster than the 600,000 objects inside them (0.19 -> 0.06 s at 50k,
# issue 7), and a story's details are decoded only when something asks for them.
LISTED = ("headline", "source", "published", "imported", "shard", "parser")


def pack_record(doc: dict[str, Any]) -> dict[str, Any]:
    """A metadata record as stored: the listed fields, and the rest (when any) as JSON text."""
    record = {key: doc[key] for key in LISTED if doc.get(key) is not None}
    rest = {key: value for key, value in doc.items() if key not in LISTED and value not in (None, [], "")}
    if rest:
        record["details"] = orjson.dumps(rest).decode()
    return record


def newest_key(record: dict[str, Any]) -> str:
    """Newest first sorts on this, descending: published, then imported.

    One string sorts a third faster than a (published, imported) tuple (51 vs 76 ms for
    50,000), in the same order: "\x00" sorts before any character of a date.
    """
    # A value that is not a string (a hand edit, another version) sorts as missing; the class
    # test inline, not fields.text: this runs once per story at every start (6 -> 8 ms at 50k).
    published, imported = record.get("published"), record.get("imported")
    return (published if published.__class__ is str else "") + "\x00" + (imported if imported.__class__ is str else "")


def is_packed(record: dict[str, Any]) -> bool:
    """Written by :func:`pack_record` (stores from before it keep every field inline)."""
    return "details" in record or len(record) <= len(LISTED)


def unpack_record(record: dict[str, Any], path: Path) -> dict[str, Any]:
    """Every field of a stored record (either layout); its strings are cleaned if suspect.

    Raises StoreFileError naming ``path`` when the details are not a JSON object.
    """
    details = record.get("details")
    if details is None:
        return record
    raw = details.encode()
    try:
        rest = orjson.loads(raw)
    except orjson.JSONDecodeError:
        rest = None
    if not isinstance(rest, dict):
        raise StoreFileError(path, "a story's details are not a JSON object (the file was changed by hand?)")
    full = {key: value for key, value in record.items() if key != "details"}
    full.update(clean_if_suspect(rest, raw))
    return full


# Fields of a record the store sets itself, not part of the story's content.
_OWN = frozenset({"shard", "file", "imported", "changed", "parser"})


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """A story's fields as a stored record holds them (empty values are not stored)."""
    return {key: value for key, value in doc.items() if value not in (None, [], "")}


StoredAs = Literal["new", "updated", "present"]


@dataclass(slots=True)
class Stored:
    """What storing a batch did: for each story given, in order, the id it is stored under
    and whether it was stored anew, replaced a stored story's content, or was already there."""

    results: list[tuple[str, StoredAs]] = field(default_factory=list)

    def ids(self, status: StoredAs) -> list[str]:
        """Ids with ``status``, each once, in batch order."""
        return list(dict.fromkeys(sid for sid, got in self.results if got == status))

    @property
    def new(self) -> list[str]:
        return self.ids("new")

    @property
    def updated(self) -> list[str]:
        new = set(self.new)
        return [sid for sid in self.ids("updated") if sid not in new]


@dataclass(slots=True)
class Deleted:
    """What :meth:`Store.delete` removed, as stored, so it can be put back."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    urls: dict[str, dict[str, Any]] = field(default_factory=dict)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return list(self.records)


class StoryMeta:
    """Everything about a story except its body, read from its metadata record on demand.

    The reader makes one per story at start (50,000 in a large store) but draws only the
    rows on screen, so fields are looked up in the record when asked for instead of being
    copied into 13 attributes each (0.25 s at 50k, issue 7); the packed details are
    decoded on first use.
    """

    __slots__ = ("_doc", "_full", "_path", "id")

    def __init__(self, story_id: str, doc: dict[str, Any], path: Path = Path("articles.json")) -> None:
        self.id = story_id
        self._doc = doc
        self._path = path
        self._full: dict[str, Any] | None = None

    @classmethod
    def from_doc(cls, story_id: str, doc: dict[str, Any], path: Path = Path("articles.json")) -> StoryMeta:
        return cls(story_id, doc, path)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoryMeta) and (self.id, self._doc) == (other.id, other._doc)

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"StoryMeta({self.id!r}, headline={self.headline!r})"

    def _details(self) -> dict[str, Any]:
        if self._full is None:
            try:
                self._full = unpack_record(self._doc, self._path)
            except StoreFileError:  # details changed by hand: the listed fields still read; `repair` says so
                self._full = {key: value for key, value in self._doc.items() if key != "details"}
        return self._full

    # -- listed fields: straight from the record -------------------------------------------

    @property
    def headline(self) -> str:
        return fields.text(self._doc.get("headline")) or "(no headline)"

    @property
    def source(self) -> str | None:
        return fields.text(self._doc.get("source"))

    @property
    def published(self) -> str | None:
        return fields.text(self._doc.get("published"))

    @property
    def imported(self) -> str:
        return fields.text(self._doc.get("imported")) or ""

    @property
    def shard(self) -> int:
        return fields.shard(self._doc.get("shard"))

    @property
    def sort_key(self) -> str:
        return newest_key(self._doc)

    @property
    def parser(self) -> int:
        """The version of the parser that made this story (0: from before versions were kept)."""
        value = self._doc.get("parser")
        return value if isinstance(value, int) else 0

    # -- details: decoded on first use -----------------------------------------------------

    @property
    def standfirst(self) -> str | None:
        return fields.text(self._details().get("standfirst"))

    @property
    def agency(self) -> str | None:
        return canonical_agency(fields.text(self._details().get("agency")))  # stored before agencies had one name

    @property
    def authors(self) -> tuple[str, ...]:
        return fields.texts(self._details().get("authors"))

    @property
    def dateline(self) -> str | None:
        return fields.text(self._details().get("dateline"))

    @property
    def images(self) -> tuple[Image, ...]:
        return fields.images(self._details().get("images"))

    @property
    def credits(self) -> Credits | None:
        return fields.credits(self._details().get("credits"))

    @property
    def url(self) -> str | None:
        return fields.text(self._details().get("url"))

    @property
    def file(self) -> str | None:
        return fields.text(self._details().get("file"))

    def article(self, body: list[str]) -> Article:
        """The whole story, given its body (kept apart, in a body shard)."""
        return Article.from_contract({**fields.readable_fields(self._details()), "body": body})


class Store:
    """One Broadsheet store folder.

    Opening checks the store (see :meth:`check`) and raises StoreFileError naming a
    damaged file; ``check=False`` skips that (``broadsheet repair`` opens damaged stores).
    Writes raise :class:`~store.storage.StoreWriteError` when the folder cannot be written;
    :attr:`read_only` then says the reader should go on showing stories without changes.
    """

    def __init__(self, folder: Path, *, check: bool = True) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        # Where a killed writer can leave a temp file (an index build killed part way leaves
        # one in .index-building, which the next build replaces).
        temp_folders = [self.folder, self.folder / "bodies", self.folder / "state", self.folder / "index",
                        self.folder / "photos", self.folder / ".index-building"]
        self.lock = StoreLock.for_store(self.folder / ".lock", temp_folders, LOCK_TIMEOUT)
        self._articles_path = self.folder / "articles.json"
        self._articles_db = open_db(self._articles_path)
        self._identity_db = open_db(self.folder / "identity.json")
        self.user = UserState(self.folder, self.lock)
        self._shards: dict[int, TinyDB] = {}
        self._headline_cache: tuple[FileIdentity | None, Headlines] | None = None
        self._read_only_at_open = not os.access(self.folder, os.W_OK)
        if not self._read_only_at_open:
            self._tidy()
        if check:
            self.check()

    def _tidy(self) -> None:
        """Take the lock for a moment so leftovers of killed writers are removed (never waits)."""
        try:
            with self.lock.acquire(timeout=0):
                pass
        except Timeout:
            pass  # a live writer holds it; it or the next writer tidies up
        except StoreWriteError:
            self._read_only_at_open = True

    @property
    def read_only(self) -> bool:
        """True when the folder cannot be written or the last write in this process failed."""
        return self._read_only_at_open or self.lock.last_write_error is not None

    @property
    def write_error(self) -> StoreWriteError | None:
        """The error that made the last locked write fail (``None`` after a good write)."""
        return self.lock.last_write_error

    def check(self) -> None:
        """Find damaged store files now rather than at some later read.

        ``articles.json`` and the state files are parsed (the reader needs them at once and
        the parse is cached); body shards get a cheap look at their ends and are fully
        parsed when a story in them is opened. Raises StoreFileError naming the file; a
        copy of it is kept as ``<name>.damaged-<stamp>``.
        """
        self._articles_db.storage.read()
        self.user.check()
        bodies = self.folder / "bodies"
        if bodies.is_dir():
            for path in sorted(bodies.glob("*.json")):
                check_ends(path)

    # -- articles -------------------------------------------------------------------------

    @property
    def _articles(self) -> KeyedTable:
        return self._articles_db.table("articles")  # type: ignore[return-value]

    def _bodies(self, shard: int) -> KeyedTable:
        db = self._shards.get(shard)
        if db is None:
            db = self._shards[shard] = open_db(self.folder / "bodies" / f"{shard:06d}.json")
        return db.table("bodies")  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._articles)

    def stories(self) -> list[StoryMeta]:
        """All stories, newest first."""
        with gc_paused():
            records, path = self._articles.records(), self._articles_path
            metas = [StoryMeta(sid, doc, path) for sid, doc in records.items()]
            keys = [newest_key(doc) for doc in records.values()]
            order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
            return [metas[i] for i in order]

    def meta(self, story_id: str) -> StoryMeta | None:
        doc = self._articles.get(doc_id=story_id)
        return StoryMeta.from_doc(story_id, doc, self._articles_path) if doc is not None else None

    def body(self, meta: StoryMeta) -> list[str]:
        """The paragraphs of one story (reads one body shard)."""
        doc = self._bodies(meta.shard).get(doc_id=meta.id)
        return fields.paragraphs(doc.get("body")) if isinstance(doc, dict) else []

    def article(self, story_id: str) -> Article | None:
        meta = self.meta(story_id)
        return None if meta is None else self.article_of(meta)

    def article_of(self, meta: StoryMeta) -> Article:
        """The whole story of a listed ``meta`` (reads its body shard)."""
        return meta.article(self.body(meta))

    def add(self, articles: Iterable[tuple[Article, str | None]]) -> list[str]:
        """Store stories (article, source file); return the ids that were new.

        A story already stored (same id, or same canonical address) is updated in place
        when its content changed: see :meth:`add_identified`.
        """
        return self.add_identified([(article.story_id, article, file) for article, file in articles]).new

    def add_identified(self, batch: list[tuple[str, Article, str | None]], parser: int | None = None) -> Stored:
        """Store (story id, article, file); the caller has computed the ids (the importer needs them too).

        A story is the same story when its id is stored, or when its canonical address is
        (a page saved twice, or a feed entry then its saved page). The copy that arrives
        last wins: its content replaces the stored one, under the stored id, so the user's
        tags, bookmark and read mark stay. A copy equal to the stored one changes nothing.
        Bodies are written first, then the address map, then metadata: a crash in between
        leaves at worst an unreferenced body or address, which the next import overwrites.
        ``parser`` is the version of the parser that read the batch, kept on each story.
        """
        with self.lock:
            existing = self._articles.records()
            counts: dict[int, int] = {}
            metas: dict[str, dict[str, Any]] = {}
            for sid, doc in existing.items():
                number = fields.shard(doc.get("shard"))
                counts[number] = counts.get(number, 0) + 1
                if not is_packed(doc):  # written before records were packed: pack it now
                    metas[sid] = pack_record(doc)
            shard = max(counts, default=0)
            fill = counts.get(shard, 0)
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            stored = Stored()
            seen: set[str] = set()  # ids stored in this batch
            urls = self._urls.records() if any(article.url for _, article, _ in batch) else {}
            new_urls: dict[str, dict[str, Any]] = {}
            bodies: dict[int, dict[str, dict[str, Any]]] = {}
            batch_bodies: dict[str, list[str]] = {}
            headlines: Headlines | None = None  # for text dumps' twins, built when first needed
            for given, article, file in batch:
                address = normal_url(article.url) if article.url else None
                by_content = not address and not article.key  # its id comes from its text
                sid = given
                if given not in existing and given not in seen and address:
                    known = (new_urls.get(address) or urls.get(address) or {}).get("id")
                    if isinstance(known, str) and (known in existing or known in seen):
                        sid = known  # the same page under another identity: one story
                elif given not in existing and given not in seen and by_content:
                    if headlines is None:
                        headlines = self._headlines(existing)
                    candidates = headlines.get(article.headline)
                    text = words(article.body) if candidates else []
                    for candidate in candidates:
                        if same_text(text, words(self._stored_body(candidate, metas, existing, batch_bodies))):
                            sid = candidate  # the same page saved another way: one story
                            break
                    else:
                        headlines.add(article.headline, given)
                doc = article.to_doc()
                body = doc.pop("body")
                old = metas.get(sid) or existing.get(sid)
                if old is not None:
                    before = unpack_record(old, self._articles_path)
                    earlier = batch_bodies.get(sid)
                    kept = earlier if earlier is not None else self._stored_body(sid, metas, existing, batch_bodies)
                    same_body = kept == body
                    if by_content and file != before.get("file") and (
                            same_body or len(words(body)) <= len(words(kept))):
                        # Another file with this text (or a twin of it): one story, from the fuller copy,
                        # so importing both files again changes nothing, in either order.
                        stored.results.append((sid, "present"))
                        continue
                    if same_body and {k: v for k, v in before.items() if k not in _OWN} == _comparable(doc):
                        stored.results.append((sid, "present"))
                        if parser is not None and before.get("parser") != parser:
                            metas[sid] = pack_record({**before, "parser": parser})  # read again: same story
                        continue
                    number, first = int(before.get("shard", 0)), before.get("imported", now)
                    stored.results.append((sid, "present" if sid in seen else "updated"))
                else:
                    if fill >= SHARD_SIZE:
                        shard, fill = shard + 1, 0
                    fill += 1
                    number, first = shard, now
                    stored.results.append((sid, "new"))
                seen.add(sid)
                batch_bodies[sid] = body
                bodies.setdefault(number, {})[sid] = {"body": body}
                record = {**doc, "shard": number, "file": file, "imported": first, "parser": parser}
                if old is not None:
                    record["changed"] = now
                metas[sid] = pack_record(record)
                if address:
                    new_urls[address] = {"id": sid}
            for number, docs in bodies.items():
                self._bodies(number).put_many(docs)
            if new_urls:
                self._urls.put_many(new_urls)
            if metas:
                self._articles.put_many(metas)
            if headlines is not None:  # kept for the next batch of this import while no one else writes
                self._headline_cache = (file_identity(self._articles_path), headlines)
        return stored

    def _headlines(self, existing: dict[str, dict[str, Any]]) -> Headlines:
        """Stored stories by folded headline; reused from the last batch when the file is as we left it."""
        cached = self._headline_cache
        if cached is not None and cached[0] is not None and cached[0] == file_identity(self._articles_path):
            return cached[1]
        return Headlines(existing)

    def delete(self, story_ids: Iterable[str]) -> Deleted:
        """Remove stories: metadata, body, address map entries and the user's marks.

        Everything removed is returned, so :meth:`restore` can put it back (the reader's
        undo). Metadata goes first, under the lock: a crash after it leaves at worst an
        unreferenced body, address or mark, which nothing lists and the next import or
        delete overwrites. Ids not stored are ignored. The search index is the caller's
        (``SearchIndex.remove``; an index opened later drops what the store lacks).
        """
        wanted = set(story_ids)
        deleted = Deleted()
        with self.lock:
            records = self._articles.records()
            for sid in wanted:
                if sid in records:
                    deleted.records[sid] = records[sid]
            if not deleted.records:
                return deleted
            gone = deleted.records.keys()
            self._articles.remove_many(gone)
            by_shard: dict[int, list[str]] = {}
            for sid, record in deleted.records.items():
                by_shard.setdefault(int(record.get("shard", 0)), []).append(sid)
            for number, ids in by_shard.items():
                bodies = self._bodies(number).records()
                deleted.bodies.update({sid: bodies[sid] for sid in ids if sid in bodies})
                self._bodies(number).remove_many(ids)
            urls = {address: doc for address, doc in self._urls.records().items() if doc.get("id") in gone}
            if urls:
                deleted.urls = urls
                self._urls.remove_many(urls)
            deleted.states = self.user.forget(gone)
        return deleted

    def restore(self, deleted: Deleted) -> list[str]:
        """Put back what :meth:`delete` removed (ids stored again meanwhile are left as they are)."""
        with self.lock:
            records = self._articles.records()
            back = {sid: record for sid, record in deleted.records.items() if sid not in records}
            if not back:
                return []
            by_shard: dict[int, dict[str, dict[str, Any]]] = {}
            for sid, record in back.items():
                if sid in deleted.bodies:
                    by_shard.setdefault(int(record.get("shard", 0)), {})[sid] = deleted.bodies[sid]
            for number, docs in by_shard.items():
                self._bodies(number).put_many(docs)
            urls = {address: doc for address, doc in deleted.urls.items() if doc.get("id") in back}
            if urls:
                self._urls.put_many(urls)
            self._articles.put_many(back)
            self.user.remember({sid: doc for sid, doc in deleted.states.items() if sid in back})
        return list(back)

    def _stored_body(self, sid: str, metas: dict[str, dict[str, Any]], existing: dict[str, dict[str, Any]],
                     batch_bodies: dict[str, list[str]]) -> list[str]:
        """The body stored (or being stored in this batch) under ``sid``."""
        if sid in batch_bodies:
            return batch_bodies[sid]
        record = metas.get(sid) or existing.get(sid) or {}
        doc = self._bodies(int(record.get("shard", 0))).get(doc_id=sid)
        return list(doc["body"]) if doc else []

    @property
    def _urls(self) -> KeyedTable:
        """Canonical address -> story id, read only while storing (the reader never needs it)."""
        return self._identity_db.table("urls")  # type: ignore[return-value]

    @property
    def _photo_sources(self) -> KeyedTable:
        """A downloaded photo's address -> its digest, so a fetch never downloads a kept photo again."""
        return self._identity_db.table("photos")  # type: ignore[return-value]

    def photo_sources(self) -> dict[str, str]:
        """The addresses of downloaded photos and the digests they were kept under."""
        return {src: doc["photo"] for src, doc in self._photo_sources.records().items()
                if isinstance(doc, dict) and isinstance(doc.get("photo"), str)}

    def remember_photo_sources(self, sources: dict[str, str]) -> None:
        """Record where kept photos were downloaded from (after the photo files are written)."""
        if sources:
            with self.lock:
                self._photo_sources.put_many({src: {"photo": digest} for src, digest in sources.items()})

    def articles_identity(self) -> FileIdentity | None:
        """Identity of ``articles.json``: changes when stories are added, changed or deleted."""
        return file_identity(self._articles_path)

    def fingerprint(self) -> tuple[FileIdentity, ...]:
        """Identity of the store's files; changes whenever any process writes to it."""
        paths = [self.folder / "articles.json", *sorted((self.folder / "state").glob("*.json"))]
        return tuple(key for key in map(file_identity, paths) if key is not None)

    def resolve(self, ref: str) -> str:
        """A story id from a full id or a unique prefix (at least 4 characters), like git."""
        ref = ref.strip().lower()
        ids = self._articles.records()
        if ref in ids:
            return ref
        if len(ref) < 4:
            raise LookupError(f"{ref!r}: give at least 4 characters of the story id")
        matches = [sid for sid in ids if sid.startswith(ref)]
        if not matches:
            raise LookupError(f"{ref!r}: no story with this id (see `broadsheet list`)")
        if len(matches) > 1:
            raise LookupError(f"{ref!r}: {len(matches)} stories start with this; give more characters")
        return matches[0]


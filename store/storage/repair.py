"""``broadsheet repair``: rebuild what can be rebuilt in a store with damaged files.

Every damaged file (empty, truncated, trailing data, not JSON, wrong shape) is first
copied to ``<name>.damaged-<stamp>``; a file whose copy cannot be written is left alone.
Then, per file:

- records that are still whole inside the damaged text are kept (a truncated file loses
  only its tail; a file with trailing data loses nothing; a compressed shard is
  decompressed as far as it goes first);
- story records whose fields have the wrong type (a hand edit, another version of
  Broadsheet) are rewritten with what can be read of them, and bodies that are not a list
  of paragraphs are dropped;
- a story body that is missing is read again from the story's source file, when that
  file still exists and still parses to the same story (an old store's relative path is
  also tried under each source path given), or from any file given on the command line
  that parses to it; a story fetched from a feed has no file: its feed is downloaded whole
  by the next ``fetch`` (its ETag and Last-Modified forgotten), which brings the body back
  while the feed still carries the story;
- stories whose index entry was lost but whose body survives get their entry back from
  any source file given on the command line that parses to them (on every run, so the
  ``repair PATH...`` a first run advises still finds them);
- the search index is rebuilt from the repaired TinyDB files;
- a damaged ``feeds.json`` keeps the subscriptions still whole in it, and the report names the
  feeds stories were fetched from that are not among them (``feeds add`` subscribes again);
- marks left on stories deleted since (the directory's last entry for them a deletion: a
  mark made as its story was deleted) are dropped and the marks counted again; a story whose
  record was lost keeps its marks (brought back, it has them);
- each kept photo is checked against the digest its name gives: a damaged one (truncated,
  changed) is removed, so importing its page again (or fetching its feed) keeps it again,
  and the photos stories name that the store lacks are listed;
- photo files no story names any more (their stories deleted) are removed, when every record
  was read whole, but those a running reader's undo may name again and those kept in the last
  hour (a fetch keeps its photos before it stores their stories): see ``photos.remove_unnamed``.

The store is read a shard at a time, so a repair holds one metadata shard and one body
shard whatever the store's size (a million stories once took gigabytes): a first pass
checks and rewrites the metadata shards, keeping only each story's 8-byte key, and a
second pass takes each body shard with the metadata shard of the same number (noting the
photos its stories name that are not kept whole: the photos are checked before the passes).
Each file is replaced atomically as soon as it is repaired; a run that is stopped part way
(Ctrl-C, a crash) leaves a mark, so the next run also rebuilds the directory and search index.

What could not be rebuilt is listed in :attr:`RepairReport.lost`. Nothing here prints;
``on_progress(what, done, total)`` is called as the passes go (the CLI draws a bar).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from broadsheet.store.errors import StoreFileError, read_problem
from broadsheet.store.ingest.decode import DEFAULT_MAX_BYTES
from broadsheet.store.ingest.formats import read_source
from broadsheet.store.model import Article, normal_url
from broadsheet.store.sanitize import without_surrogates
from broadsheet.store.storage import compressed, fields
from broadsheet.store.storage.addresses import ADDRESSES
from broadsheet.store.storage.atomic import atomic_write_bytes, keep_damaged_copy, remove_durably, set_aside
from broadsheet.store.storage.db import LEGACY, LISTING, Store, StoryMeta, pack_record, unpack_record
from broadsheet.store.storage.directory import among, story_key
from broadsheet.store.storage.listing import open_listing
from broadsheet.store.storage.markkeys import MARKS_FILE
from broadsheet.store.storage.photos import PhotoStore, remove_unnamed, sound
from broadsheet.store.storage.sourcepath import Cleaned, absolute, safe_text, source_files, source_path, stored
from broadsheet.store.storage.tinydb import encode_document, read_json_file
from broadsheet.store.storage.userstate import COUNTS, LEGACY_SHARDS, SHARDS
from broadsheet.store.wording import command, n_stories

_KEY_OPEN = re.compile(r'"((?:[^"\\]|\\.){1,300})"\s*:\s*\{')
_STATE_KEYS = {"bookmarked", "read", "tags"}
UNFINISHED = ".repairing.json"  # written when a repair starts, removed when it has finished
NAMED = 20  # stories named one by one in the report (of records rewritten, of bodies lost); the rest are counted
#: Stories of the last source file read that repair keeps for the next story from it (a feed's
#: entries); a larger file (an export) is read again for each of its stories rather than held.
KEEP_READ = 5_000

#: ``on_progress(what, done, total)``: the pass running (a few words) and how far it has got.
Progress = Callable[[str, int, int], None]
#: Passes that count other things than files, and what they count (for the rate a bar shows).
LISTING_PASS = "Checking the list of stories"
INDEX_PASS = "Rebuilding the search index"
PHOTO_PASS = "Checking the photos"
PASS_UNITS = {LISTING_PASS: "rows", INDEX_PASS: "stories", PHOTO_PASS: "photos"}


@dataclass(slots=True)
class RepairReport:
    """What ``repair`` found and did; ``lost`` is what it could not rebuild."""

    damaged: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    temps_removed: int = 0
    unnamed_photos: tuple[int, int] = (0, 0)  # photo files no story named, removed, and their bytes
    #: What was removed that nothing showed, with nothing to rebuild (marks of deleted stories).
    removed: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """Nothing was damaged, changed, removed or found missing."""
        return not (self.damaged or self.actions or self.lost or self.removed)


def _is_meta(doc: dict[str, Any]) -> bool:
    """A story record (its fields' types are checked and fixed later, by ``fix_records``)."""
    return "headline" in doc and "body" not in doc and "shard" in doc


def _source_file(meta: dict[str, Any], exact: bool = False) -> str | None:
    """The file a stored record was imported from, as shown (``exact``: its path, not for
    showing); ``None`` if its details cannot be read."""
    try:
        details = unpack_record(meta, Path(LEGACY))
    except StoreFileError:
        return None
    file = fields.text(details.get("file"))
    return source_path(file, fields.text(details.get("path"))) if file and exact else file


def _is_body(doc: dict[str, Any]) -> bool:
    return set(doc) == {"body"} and isinstance(doc["body"], list) and all(isinstance(p, str) for p in doc["body"])


def _is_state(doc: dict[str, Any]) -> bool:
    return bool(doc) and set(doc) <= _STATE_KEYS and isinstance(doc.get("tags", []), list)


def _is_setting(doc: dict[str, Any]) -> bool:
    return set(doc) == {"value"}


def _is_subscription(doc: dict[str, Any]) -> bool:
    return isinstance(doc.get("url"), str) and bool(doc["url"])


def _damaged(path: Path) -> bool:
    """Whether the store file ``path`` is there and cannot be read."""
    try:
        read_json_file(path)
    except StoreFileError:
        return True
    return False


def _numbered(folder: Path) -> list[int]:
    """The numbers of the shard files (``NNNNNN.json``) in ``folder``, in order."""
    return sorted(int(p.stem) for p in folder.glob("[0-9]*.json") if p.stem.isdigit())


def salvage(raw: bytes, accept: Callable[[dict[str, Any]], bool]) -> dict[str, dict[str, Any]]:
    """Every ``"key": {...}`` object still whole in ``raw`` that ``accept`` recognises, by key.

    Works on truncated text, text with trailing data and text with a damaged middle: it
    looks for each key followed by an object and decodes that object on its own.
    """
    text = raw.decode("utf-8", errors="replace")
    decoder = json.JSONDecoder()
    found: dict[str, dict[str, Any]] = {}
    pos = 0
    while match := _KEY_OPEN.search(text, pos):
        start = match.end() - 1
        try:
            doc, end = decoder.raw_decode(text, start)
            key = json.loads(f'"{match.group(1)}"')
        except (json.JSONDecodeError, ValueError):
            pos = match.end()
            continue
        if isinstance(doc, dict) and accept(doc):
            found[without_surrogates(key)] = without_surrogates(doc)
            pos = end
        else:
            pos = match.end()
    return found


class _Repair:
    """One repair run over one store folder (the caller holds the store lock)."""

    def __init__(self, store: Store, sources: Iterable[Path], on_progress: Progress | None = None,
                 photos: _PhotoCheck | None = None) -> None:
        self.store = store
        self.photos = photos or _PhotoCheck()
        self.folder = store.folder
        self.sources = list(sources)
        self.report = RepairReport()
        self.progress = on_progress or (lambda _what, _done, _total: None)
        self._by_id: dict[str, Path] | None = None
        self._last_file: tuple[Path, dict[str, Article], bool] | None = None  # see _story_in
        self._keys = array("Q")  # the key of every story record kept (sorted after the first pass)
        self._rewritten = 0  # story records rewritten with the fields that could be read
        self._orphans = 0  # bodies left without a story record
        self._orphan_ids: list[str] = []  # the first few of them, by id
        self._restored = 0  # story records brought back from source files
        self._lost_bodies = 0
        self._folders: Cleaned = {}  # names of the folders of lost source files (see found_again)
        self.feeds_lost: dict[str, int] = {}  # feed address -> stories of it whose body is lost
        # The feeds stories were fetched from, gathered by the first pass when feeds.json is damaged.
        self.fetched_from: set[str] | None = None
        self._gone: set[int] | None = None  # the keys of deleted stories, read when first needed (see _deleted)
        self._now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    # -- reading, with damage noted ------------------------------------------------------

    def load(self, path: Path, table: str, accept: Callable[[dict[str, Any]], bool]) -> tuple[dict, bool] | None:
        """(records of ``table``, damaged?) or ``None`` when the file is damaged and no copy could be kept."""
        try:
            data = read_json_file(path)
        except StoreFileError as exc:
            name = path.relative_to(self.folder)
            self.report.damaged.append(f"{name}: {exc.reason}")
            try:
                raw = path.read_bytes()
            except OSError as err:  # a folder in its place, bad sectors: nothing to keep but the thing itself
                if read_problem(err) is None:
                    raise
                raw, backup, how = b"", set_aside(path), "set aside as"
            else:
                backup, how = keep_damaged_copy(path), "damaged file copied to"
            if backup is None:
                self.report.lost.append(f"{name}: could not keep a copy of the damaged file, so it was left as is")
                return None
            self.report.backups.append(backup)
            records = salvage(compressed.readable_part(raw), accept)
            self.report.actions.append(f"{name}: kept {len(records)} whole records ({how} {backup.name})")
            return records, True
        if data is None:
            return {}, False
        return dict(data.get(table, {})), False

    def save(self, path: Path, table: str, records: dict[str, Any], compress: bool = False) -> None:
        """Write a repaired file (shards compressed, as the store writes them)."""
        atomic_write_bytes(path, encode_document({table: records}, compress))

    def _meta_path(self, number: int) -> Path:
        return self.folder / "meta" / f"{number:06d}.json"

    # -- the passes ---------------------------------------------------------------------

    def run(self) -> RepairReport:
        if not self.check_records():
            return self.report
        self._keys = array("Q", sorted(self._keys))
        self.drop_unstored()
        self.check_bodies()
        self._say_orphans()
        self._say_feeds_lost()
        if self._lost_bodies > NAMED:
            self.report.lost.append(f"bodies: {self._lost_bodies - NAMED} more stories lost their body and their "
                                    "source file is gone or has changed; run `broadsheet repair PATH...` with their "
                                    "source files or folders to bring them back")
        self.repair_state()
        return self.report

    def drop_unstored(self) -> None:
        """The text of new stories a writer wrote and died (or found the disk full) before storing
        their records is taken out, and said: those stories were never stored, so they are not lost
        (see :meth:`Store.finish_storing`; opening the store does it, but not for a shard damaged
        then, nor while another writer held the lock)."""
        try:
            left = self.store.finish_storing()
        except StoreFileError:  # a damaged body shard: salvaged by the next pass, and done by the next writer
            return
        if left:
            self.report.removed.append(f"bodies: the text of {n_stories(left)} that an import or fetch was "
                                       "stopped from storing (a full disk, a crash); import or fetch "
                                       f"{'it' if left == 1 else 'them'} again")

    def check_records(self) -> bool:
        """First pass: each metadata shard salvaged, its records' fields fixed, and records
        filed under the wrong shard (or in an old store's ``articles.json``) moved to theirs.
        False when a damaged shard could not be copied (nothing more is done)."""
        legacy = self.folder / LEGACY  # a store from before metadata shards: moved to them here
        strays: dict[int, dict[str, dict[str, Any]]] = {}  # records to move, by the shard they belong in
        found_in: dict[int, set[str]] = {}  # where those records are now (meta shards only)
        moved = 0
        if legacy.exists():
            got = self.load(legacy, "articles", _is_meta)
            if got is None:
                return False
            records = got[0]
            if self.fix_records(records, legacy):
                backup = keep_damaged_copy(legacy)  # removed once moved: keep the records as they were
                if backup is not None:
                    self.report.backups.append(backup)
            for sid, record in records.items():
                strays.setdefault(fields.shard(record.get("shard")), {})[sid] = record
            moved = len(records)
        numbers = _numbered(self.folder / "meta")
        for done, number in enumerate(numbers, 1):
            path = self._meta_path(number)
            got = self.load(path, "articles", _is_meta)
            if got is None:
                return False
            records, damaged = got
            if self.fix_records(records, path) or damaged:
                self.save(path, "articles", records, compress=True)
            for sid, record in records.items():
                self._keys.append(story_key(sid))
                if self.fetched_from is not None:
                    self._note_feed(record)
                home = fields.shard(record.get("shard"))
                if home != number:
                    strays.setdefault(home, {})[sid] = record
                    found_in.setdefault(number, set()).add(sid)
            self.progress("Checking story records", done, len(numbers))
        if self._rewritten > NAMED:
            self.report.damaged.append(f"meta: {self._rewritten - NAMED} more stories with fields of the wrong type")
        self._move(strays, found_in)
        if legacy.exists():
            (self.folder / "identity.json").unlink(missing_ok=True)
            remove_durably(legacy)
            self.report.actions.append(f"{LEGACY}: its {moved} story records moved to meta/")
        return True

    def _note_feed(self, record: dict[str, Any]) -> None:
        """The feed ``record``'s story was fetched from, if it was (its "file" is the feed's address)."""
        file = _source_file(record)
        if file and not fields.rereadable(file):
            self.fetched_from.add(file)  # type: ignore[union-attr]

    def repair_feeds(self) -> None:
        """Keep the subscriptions still whole in a damaged ``feeds.json`` (every ``feeds`` command and
        ``fetch`` said to run repair, which said "no damaged files"), and name the feeds stories
        were fetched from that are not among them: one lost, or one unsubscribed on purpose."""
        from broadsheet.store.feeds.subscriptions import FILE, Subscription, entry_files  # (feeds build on the storage)

        path = self.folder / FILE
        got = self.load(path, "feeds", _is_subscription)
        if got is None or not got[1]:
            return
        self.save(path, "feeds", got[0])
        kept = {normal_url(url) for url in entry_files(map(Subscription.from_doc, got[0].values()))}
        others = sorted(url for url in self.fetched_from or () if normal_url(url) not in kept)
        said = (f"{FILE}: subscriptions beyond the {len(got[0])} kept could not be read; add any lost again with "
                "`broadsheet feeds add URL` or `broadsheet feeds import FILE`")
        if others:
            more = f" and {len(others) - NAMED} more" if len(others) > NAMED else ""
            said += (f" (stories here were fetched from {len(others)} feed(s) not among those kept, some perhaps "
                     f"unsubscribed on purpose: {', '.join(others[:NAMED])}{more})")
        self.report.lost.append(said)

    def _move(self, strays: dict[int, dict[str, dict[str, Any]]], found_in: dict[int, set[str]]) -> None:
        """Records into the shards they name: written there first, then removed where they were,
        so a crash in between leaves a record twice (the next repair removes one), never none."""
        for number, moving in sorted(strays.items()):
            path = self._meta_path(number)
            records = (read_json_file(path) or {}).get("articles", {})
            merged = {**moving, **records}  # a record already in its shard wins
            if merged != records:
                self.save(path, "articles", merged, compress=True)
            self._keys.extend(story_key(sid) for sid in moving)
        for number, ids in sorted(found_in.items()):
            path = self._meta_path(number)
            records = (read_json_file(path) or {}).get("articles", {})
            self.save(path, "articles", {sid: r for sid, r in records.items() if sid not in ids}, compress=True)
            self.report.actions.append(f"{path.relative_to(self.folder)}: {len(ids)} story record(s) moved to the "
                                       "shard they name")

    def check_bodies(self) -> None:
        """Second pass: each body shard salvaged, with the metadata shard of its number: bodies
        of the wrong shape dropped, missing bodies and records read again from source files."""
        numbers = sorted(set(_numbered(self.folder / "meta")) | set(_numbered(self.folder / "bodies")))
        for done, number in enumerate(numbers, 1):
            meta_path = self._meta_path(number)
            if not meta_path.exists() and (self.folder / "bodies" / f"{number:06d}.json").exists():
                self.report.damaged.append(f"meta/{number:06d}.json: the file is missing")
            records = (read_json_file(meta_path) or {}).get("articles", {})
            path = self.folder / "bodies" / f"{number:06d}.json"
            got = self.load(path, "bodies", _is_body)
            bodies = None if got is None else got[0]
            changed = got is not None and got[1]
            if bodies is not None:
                changed |= self.drop_bad_bodies(path, bodies)
                if self.restore_records(number, records, bodies):
                    self.save(meta_path, "articles", records, compress=True)
            changed |= self.restore_bodies(number, records, bodies)
            if bodies is not None and (changed or (records and not path.exists())):
                # A shard gone is written back with what was read again: its lost stories said, it
                # no longer reads as missing (every later write to it refused).
                self.save(path, "bodies", bodies, compress=True)
            if not meta_path.exists() and path.exists():
                # The text of stories with no record (their metadata shard gone, or a writer killed
                # before it wrote one) is set aside, said once: left, every later repair found
                # the shard missing again and rebuilt the whole index.
                kept = keep_damaged_copy(path)
                if kept is not None:
                    path.unlink()
                    self.report.backups.append(kept)
                    self.report.actions.append(f"bodies/{path.name}: the text of stories without a record set "
                                               f"aside as {kept.name} (import their files again to bring them "
                                               "back)")
            for sid, record in records.items():  # the shard's records as they are now
                self.photos.named(StoryMeta(sid, record, meta_path))
            self.progress("Checking story bodies", done, len(numbers))

    def fix_records(self, records: dict[str, Any], path: Path) -> bool:
        """Rewrite story records whose fields have the wrong type (a hand edit, another version).

        Each keeps what the reader can read of it (:func:`fields.readable_fields`); the
        file as it was is copied first. True when a record was rewritten.
        """
        bad: dict[str, list[str]] = {}
        for sid, meta in records.items():
            try:
                full = unpack_record(meta, Path(LEGACY))
            except StoreFileError:
                full, problems = {k: v for k, v in meta.items() if k != "details"}, ["details are not a JSON object"]
                # What they held is gone, not mended (exit 0 said all was well): said, with how to get it back.
                self.report.lost.append(
                    f"story {sid} ({fields.text(meta.get('headline')) or '?'!r}): its details (authors, photos, "
                    "address, source file) could not be read; import its file again to bring them back")
            else:
                problems = []
            problems += fields.record_problems(full)
            if problems:
                bad[sid] = problems
                records[sid] = pack_record(fields.readable_fields(full))
        if not bad:
            return False
        name = path.relative_to(self.folder)
        for sid, problems in bad.items():
            self._rewritten += 1
            if self._rewritten <= NAMED:
                self.report.damaged.append(f"{name}: story {sid}: {', '.join(problems)}")
        backup = keep_damaged_copy(path)
        if backup is not None:
            self.report.backups.append(backup)
        self.report.actions.append(f"{name}: {len(bad)} story record(s) rewritten with the fields that could "
                                   f"be read{f' (the file as it was copied to {backup.name})' if backup else ''}")
        return True

    def drop_bad_bodies(self, path: Path, bodies: dict[str, Any]) -> bool:
        """Bodies that are not a list of paragraphs are dropped, to be read again from their source."""
        bad = [sid for sid, doc in bodies.items() if not (isinstance(doc, dict) and _is_body(doc))]
        for sid in bad:
            del bodies[sid]
            self.report.damaged.append(f"bodies/{path.name}: body of {sid} is not a list of paragraphs")
        return bool(bad)

    def _known(self, sid: str) -> bool:
        """Whether the store has a record of ``sid`` (in any metadata shard)."""
        return among(self._keys, story_key(sid))

    def restore_records(self, number: int, records: dict[str, Any], bodies: dict[str, Any]) -> bool:
        """Story records for this shard's bodies that have none, from source files given on the
        command line; True when one was brought back.

        Runs on every repair, not only when a metadata shard was found damaged: the first
        repair keeps the records still whole and advises ``repair PATH...``, and that second
        run must still find the bodies without records.
        """
        orphans = [sid for sid in bodies if sid not in records and not self._known(sid)]
        if not orphans:
            return False
        sourced = self._sourced() if self.sources else {}
        back = 0
        for sid in orphans:
            path = sourced.get(sid)
            article = None if path is None else self._story_in(path, sid)
            if path is None or article is None:
                continue
            doc = article.to_contract()
            doc.pop("body")
            records[sid] = pack_record({**doc, "shard": number, **stored(absolute(path)), "imported": self._now})
            back += 1
        left = sorted(sid for sid in orphans if sid not in records)
        self._orphans += len(left)
        self._orphan_ids = sorted(self._orphan_ids + left[:5])[:5]
        self._restored += back
        return back > 0

    def _say_orphans(self) -> None:
        if self.sources and (self._restored or self._orphans):
            self.report.actions.append(f"meta: {len(self._keys) + self._restored} story records in all after "
                                       f"reading {len(self.sources)} source path(s)")
        if self._orphans:
            self.report.lost.append(
                f"meta: {n_stories(self._orphans)} {'has' if self._orphans == 1 else 'have'} a body but lost "
                f"{'its' if self._orphans == 1 else 'their'} story record "
                f"(ids {', '.join(self._orphan_ids)}{'...' if self._orphans > 5 else ''}); "
                "run `broadsheet repair PATH...` with their source files to bring them back (stories fetched "
                "from feeds: the next `broadsheet fetch` brings back those their feed still carries)"
            )

    @property
    def keys(self) -> array[int]:
        """The key of every story record kept, sorted (after :meth:`run`)."""
        return self._keys

    @property
    def orphans(self) -> int:
        """Bodies left without a story record (their feed, if any, is not known)."""
        return self._orphans

    def _say_feeds_lost(self) -> None:
        """The stories fetched from feeds that lost their body, a line a feed (their feeds are
        downloaded whole at the next fetch: see :func:`repair_store`)."""
        for url, count in sorted(self.feeds_lost.items()):
            self.report.lost.append(
                f"bodies of {count} stor{'y' if count == 1 else 'ies'} fetched from the feed {url}: the next "
                "`broadsheet fetch` brings back the text of those the feed still carries (a story it no longer "
                "carries keeps its headline and details, without its text)")

    def restore_bodies(self, number: int, records: dict[str, Any], bodies: dict[str, Any] | None) -> bool:
        """Missing bodies of this shard read again from each story's source file (``bodies``:
        ``None`` for a damaged shard left alone); True when one was."""
        changed = False
        for sid, meta in records.items():
            if bodies is not None and sid in bodies:
                continue
            file = _source_file(meta)
            if file and not fields.rereadable(file):  # a feed's address: fetch brings it back, not a file
                self.feeds_lost[file] = self.feeds_lost.get(file, 0) + 1
                continue
            source = None if bodies is None else self._source_of(sid, meta)
            if source is not None:
                path, article = source
                bodies[sid] = {"body": list(article.body)}  # type: ignore[index]
                changed = True
                self.report.actions.append(f"bodies/{number:06d}.json: body of {sid} read again from {safe_text(path)}")
                continue
            self._lost_bodies += 1
            if self._lost_bodies <= NAMED:
                file = _source_file(meta)
                why = (f"its source file {file!r} is gone or has changed; run `broadsheet repair PATH...` with its "
                       "source file or folder to bring it back") if file else \
                    "no source file was recorded for it: import it again to bring it back"  # (it said "None")
                self.report.lost.append(f"body of {sid} ({fields.text(meta.get('headline')) or '?'!r}): {why}")
        return changed

    def repair_state(self) -> None:
        """Mend each state file under the marks' lock, taken for one file at a time (the reader
        goes on saving marks meanwhile); the counts of the marks are counted again when a file was
        mended or a story record lost or brought back."""
        lock = self.store.user.lock
        names = [*LEGACY_SHARDS, *SHARDS]
        dropped = 0
        for done, name in enumerate(names, 1):
            path = self.folder / "state" / f"{name}.json"
            with lock:
                got = self.load(path, "stories", _is_state)
                deleted = self._deleted(got[0]) if got is not None else set()
                if got is not None and (got[1] or deleted):
                    self.save(path, "stories", {sid: doc for sid, doc in got[0].items() if sid not in deleted})
                    dropped += len(deleted)
                if got is not None and got[1]:
                    self.report.lost.append(f"state/{name}.json: marks and tags of stories beyond the "
                                            f"{len(got[0])} kept could not be recovered (see the copy)")
            if done % 256 == 0 or done == len(names):
                self.progress("Checking marks and tags", done, len(names))
        if dropped:
            self.report.removed.append(f"state: the marks of {n_stories(dropped)} deleted since (bookmarks, tags or "
                                       "read marks left on it)" if dropped == 1 else
                                       f"state: the marks of {n_stories(dropped)} deleted since (bookmarks, tags "
                                       "or read marks left on them)")
        path = self.folder / "state" / "settings.json"
        with lock:
            got = self.load(path, "settings", _is_setting)
            if got is not None and got[1]:
                self.save(path, "settings", got[0])
                self.report.lost.append("state/settings.json: settings not kept fall back to their defaults")
            if self.report.damaged or self.report.actions or self._restored or dropped:
                self.store.user.forget_counts()

    def check_counts(self) -> None:
        """The counts of the marks checked against the marks, and counted again when they differ:
        a hand edit of ``.counts.json`` was believed, and repair said "no damaged files"."""
        user = self.store.user
        with user.lock:
            if user.counts_wrong(self._known):
                user.forget_counts()
                self.report.actions.append("state/.counts.json: the counts of the marks (of the sidebar and "
                                           "`broadsheet tags`) were not those of the marks; counted again")

    def _deleted(self, marks: dict[str, Any]) -> set[str]:
        """The stories of ``marks`` that were deleted (a mark written as its story was deleted, in
        the reader or by an older version, stayed, and was counted, for good). Not one whose record
        is missing otherwise (lost with a damaged shard: ``repair PATH...`` or a fetch may bring it
        back, and its marks apply again), nor one never stored."""
        unknown = [sid for sid in marks if not self._known(sid)]
        if not unknown:
            return set()
        if self._gone is None:  # one pass over the directory, however many state files ask
            self._gone = self.store.deleted_keys()
        return {sid for sid in unknown if story_key(sid) in self._gone}

    # -- helpers ------------------------------------------------------------------------

    def _source_of(self, sid: str, meta: dict[str, Any]) -> tuple[Path, Article] | None:
        """The source file of a story and its article, if one still parses to the same story.

        Stores written before source paths were absolute hold paths relative to wherever
        the import ran: those are tried from here, then under each source path given.
        """
        file = _source_file(meta, exact=True)
        for path in source_files(file, _source_file(meta), self.sources, self._folders) if file else ():
            article = self._story_in(path, sid)
            if article is not None:
                return path, article
        found = self._sourced().get(sid) if self.sources else None
        article = self._story_in(found, sid) if found is not None else None
        return (found, article) if found is not None and article is not None else None

    def _sourced(self) -> dict[str, Path]:
        """The file of every story in the source paths given on the command line, by id (each
        file parsed once here; the few needed are parsed again, so no article is held)."""
        if self._by_id is None:
            self._by_id = {}
            for path in self._source_files():
                for item in read_source(path, DEFAULT_MAX_BYTES):
                    if item.article is not None:
                        self._by_id.setdefault(item.stored_id, path)
        return self._by_id

    def _source_files(self) -> Iterable[Path]:
        for root in self.sources:
            if root.is_dir():
                yield from sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
            elif root.is_file():
                yield root

    def _story_in(self, path: Path, sid: str) -> Article | None:
        """Story ``sid`` of a source file, read as an import reads it. A feed, a web archive or an
        export holds many stories (only its first was looked at, and the bodies of the others were
        said lost, their file "gone or changed"). The last file's stories are kept, up to
        :data:`KEEP_READ`: a shard's stories from one file come one after another, and a feed of
        5,000 entries is read once, not once a story."""
        kept = self._last_file
        if kept is not None and kept[0] == path and (sid in kept[1] or kept[2]):
            return kept[1].get(sid)
        found: dict[str, Article] = {}
        wanted = None
        for item in read_source(path, DEFAULT_MAX_BYTES):  # never raises: a file not read holds nothing
            if item.article is None:
                continue
            key = item.stored_id
            if key == sid:
                wanted = item.article
            if len(found) < KEEP_READ:
                found.setdefault(key, item.article)
        self._last_file = (path, found, len(found) < KEEP_READ)
        return wanted


def repair_store(folder: Path, sources: Iterable[Path] = (), on_progress: Progress | None = None) -> RepairReport:
    """Repair the store in ``folder`` under its lock; see the module docstring."""
    store = Store(folder, check=False)
    mark = Path(folder) / UNFINISHED
    with store.lock:
        unfinished = mark.exists()
        atomic_write_bytes(mark, orjson.dumps({"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}))
        photos = _check_photos(store, on_progress)  # first: the second pass gathers what stories name
        repair = _Repair(store, sources, on_progress, photos)
        _set_aside_unreadable(Path(folder), repair.report, REMADE)  # before any pass reads the directory
        if _damaged(Path(folder) / "feeds.json"):
            repair.fetched_from = set()
        report = repair.run()
        if unfinished:
            report.actions.append("an earlier repair was stopped part way: the directory and search index are "
                                  "rebuilt")
        # The records changed (a metadata shard gone among them: the list still held its stories,
        # rows no command could read or delete): directory, list and index made again.
        mended = bool(report.damaged or report.actions)
        with store.user.lock:  # (the marks' files are written under it)
            _set_aside_unreadable(Path(folder), report, REMADE_LATER)
        repair.check_counts()  # after: counts are no story's, and rebuild no directory or index
        repair.repair_feeds()  # after: subscriptions are no story's, and rebuild no directory or index
        unlisted = None if mended else _unlisted(store, repair.keys)
        if unlisted is not None:
            report.damaged.append(unlisted)
        if mended or unlisted is not None:
            store.relist()
        listing = _damaged_listing(Path(folder) / LISTING, on_progress)
        if listing is not None:
            (Path(folder) / LISTING).unlink()
            report.damaged.append(f"{LISTING}: {listing}; written again from the records")
        if mended or unlisted is not None or listing is not None:
            store.write_listing()  # now, not at the next reader's start (at 1,000,000 stories about 40 s)
        # Only when every story's photos are known (an old single-file store's are not read here).
        if not (report.damaged or report.lost or store.left_unfinished()) and photos.stories == len(store):
            report.unnamed_photos = remove_unnamed(store.folder, photos.names)
        photos.tell(report)  # after the records' damage: photos alone rebuild no index
    if repair.feeds_lost:
        _fetch_whole(store, repair.feeds_lost, report)
    if repair.orphans:  # which feeds they came from went with their records: every feed downloaded whole
        from broadsheet.store.feeds.subscriptions import Subscriptions

        subs = Subscriptions(store)
        subs.fetch_whole(sub.url for sub in subs.all())
    report.temps_removed = len(store.lock.removed_temps) + len(store.marks_lock.removed_temps)
    if mended:
        _rebuild_search_index(folder, report, on_progress)
    mark.unlink(missing_ok=True)
    return report


def lost_text_note(meta: StoryMeta) -> str:
    """What the reader says in place of a story's text that was lost and not rebuilt: how it comes back."""
    file = meta.file
    if file and not fields.rereadable(file):
        return ("The text of this story was lost from the store. The next `broadsheet fetch` brings it back "
                f"if its feed ({file}) still carries it.")
    if file:
        return (f"The text of this story was lost from the store, and its file ({file}) was gone or had changed "
                "when `broadsheet repair` looked for it: `broadsheet repair PATH` with the file or its folder "
                "brings it back.")
    return "The text of this story was lost from the store, and it names no file to read it again from."


def _fetch_whole(store: Store, feeds: dict[str, int], report: RepairReport) -> None:
    """Have the next fetch download ``feeds`` whole (their ETag and Last-Modified forgotten: a
    304 would store nothing), so it gives their stories' lost bodies back; a feed no longer
    subscribed is said."""
    from broadsheet.store.feeds.subscriptions import Subscriptions  # (feeds build on the storage)

    for url in Subscriptions(store).fetch_whole(feeds):
        report.lost.append(f"the feed {url} is no longer subscribed: `{command('feeds', 'add', url)}` and then "
                           "`broadsheet fetch` bring back the text of the stories it still carries")


@dataclass(slots=True)
class _PhotoCheck:
    """The kept photos checked against their digests, then the photos stories name that are not
    among the whole ones, gathered as the second pass reads each metadata shard (not in a third
    read of every shard for them)."""

    whole: set[str] = field(default_factory=set)  # the digests of the kept photos that are whole
    damaged: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    lacking: dict[str, None] = field(default_factory=dict)  # photos named and not whole, in store order
    naming: dict[str, None] = field(default_factory=dict)  # the stories that name them, in store order
    names: set[str] = field(default_factory=set)  # every photo a story names
    stories: int = 0  # the stories whose photos are in ``names``

    def named(self, meta: StoryMeta) -> None:
        self.stories += 1
        for image in meta.images:
            if image.photo:
                self.names.add(image.photo)
            if image.photo and image.photo not in self.whole:
                self.lacking[image.photo] = self.naming[meta.id] = None

    def tell(self, report: RepairReport) -> None:
        report.damaged += self.damaged
        report.lost += self.lost
        if self.lacking:
            ids = [sid[:10] for sid in list(self.naming)[:NAMED]]
            more = f" and {len(self.naming) - NAMED} more" if len(self.naming) > NAMED else ""
            report.lost.append(f"photos: {len(self.lacking)} photo(s) that stories name are missing or were "
                               f"damaged (stories {', '.join(ids)}{more}); import their pages again (or fetch "
                               "their feeds) to keep them again")


def _check_photos(store: Store, on_progress: Progress | None) -> _PhotoCheck:
    """Remove kept photos whose bytes no longer match their digest (the reader showed them as
    damaged; repair said nothing); the photos stories name that the store lacks are gathered
    later (see :meth:`_PhotoCheck.named`)."""
    check = _PhotoCheck()
    files = PhotoStore(store.folder).kept()
    for done, path in enumerate(files, 1):
        try:
            good = sound(path)
        except OSError as exc:  # unreadable now (permissions, a passing I/O error): not known damaged
            check.lost.append(f"photos/{path.name}: could not be read ({exc.strerror or exc}); left as it is")
            good = True
        if good:
            check.whole.add(path.name.split(".", 1)[0])
        else:
            try:
                path.unlink()
            except OSError as exc:
                check.lost.append(f"photos/{path.name}: damaged, and it could not be removed ({exc.strerror})")
            else:
                check.damaged.append(f"photos/{path.name}: its bytes do not match its digest (truncated or "
                                     "changed); removed")
        if on_progress is not None and (done % 64 == 0 or done == len(files)):
            on_progress(PHOTO_PASS, done, len(files))
    return check


def _unlisted(store: Store, keys: array[int]) -> str | None:
    """What the directory lacks, or lists that has no record, against every story record (``keys``,
    sorted), or None when they agree. Its last appends lost hid stories from every list, search
    and command while repair said "no damaged files"."""
    missing, extra = store.unlisted(keys)
    said = [f"{n_stories(missing)} stored {'was' if missing == 1 else 'were'} not listed in it, so no list, "
            "search or command found them"] if missing else []
    if extra:
        said.append(f"it listed {n_stories(extra)} that {'has' if extra == 1 else 'have'} no record")
    return f"directory.bin: {'; '.join(said)}; written again from the story records" if said else None


#: Store files made again from the records, which repair sets aside when they cannot be read at
#: all (a folder in their place, bad sectors), before any pass reads the directory: every command
#: stopped at the directory, and repair said the listing was sound.
REMADE = {"directory.bin": "written again from the records", LISTING: "written again from the records"}
#: Store files whose loss costs no story and no mark, made again by the store when missing: set
#: aside as those are, after the passes (no directory or index is rebuilt for them). A folder in
#: their place kept what they hold from being kept, and repair said "no damaged files".
REMADE_LATER = {
    "meta/stamp.json": "the stories are counted again by the next command",
    ADDRESSES: "written again by the next import or fetch, which checks the stories' addresses",
    f"state/{MARKS_FILE}": "made again by the next search of marks (is:, tag:)",
    f"state/{COUNTS}": "the marks are counted again when next shown",
}


def _set_aside_unreadable(folder: Path, report: RepairReport, names: dict[str, str]) -> None:
    """Each of ``names`` that cannot be read at all set aside, said with how it is made again."""
    for name, again in names.items():
        path = folder / name
        try:
            with open(path, "rb") as handle:
                while handle.read(1 << 20):
                    pass
        except FileNotFoundError:
            continue
        except OSError as exc:
            if (why := read_problem(exc)) is None:
                raise
            backup = set_aside(path)
            report.damaged.append(f"{name}: {why}")
            if backup is None:
                report.lost.append(f"{name}: could not be set aside, so it was left as is")
            else:
                report.backups.append(backup)
                report.actions.append(f"{name}: set aside as {backup.name} and {again}")


def _damaged_listing(path: Path, on_progress: Progress | None) -> str | None:
    """What is wrong with the listing (a derivative of the records, which a reader reads
    around), or None when it is sound, missing or of another version (each rewritten by the
    next writer anyway)."""
    try:
        listing = open_listing(path)
    except (OSError, ValueError):
        return None
    step = None if on_progress is None else (lambda done: on_progress(LISTING_PASS, done, listing.count))
    try:
        return listing.check(step)
    finally:
        listing.close()


def _rebuild_search_index(folder: Path, report: RepairReport, on_progress: Progress | None) -> None:
    """The search index is a cache of the TinyDB files: rebuild it from the repaired ones."""
    try:
        from broadsheet.store.search import SearchIndex

        step = None if on_progress is None else (lambda done, total: on_progress(INDEX_PASS, done, total))
        SearchIndex.reindex(Store(folder, check=False), on_progress=step)
    except Exception as exc:  # the reader rebuilds a missing or stale index when it opens
        report.actions.append(f"search index: not rebuilt now ({exc}); the reader will rebuild it")
    else:
        report.actions.append("search index: rebuilt from the repaired store")

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
  that parses to it;
- stories whose index entry was lost but whose body survives get their entry back from
  any source file given on the command line that parses to them (on every run, so the
  ``repair PATH...`` a first run advises still finds them);
- the search index is rebuilt from the repaired TinyDB files.

What could not be rebuilt is listed in :attr:`RepairReport.lost`. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broadsheet.store.errors import StoreFileError
from broadsheet.store.ingest.decode import DecodeError
from broadsheet.store.ingest.importer import read_article
from broadsheet.store.parse import ParseError
from broadsheet.store.sanitize import without_surrogates
from broadsheet.store.storage import compressed, fields
from broadsheet.store.storage.atomic import atomic_write_bytes, keep_damaged_copy
from broadsheet.store.storage.db import LEGACY, Store, pack_record, unpack_record
from broadsheet.store.storage.sourcepath import path_text
from broadsheet.store.storage.tinydb import encode_document, read_json_file
from broadsheet.store.storage.userstate import LEGACY_SHARDS, SHARDS

_KEY_OPEN = re.compile(r'"((?:[^"\\]|\\.){1,300})"\s*:\s*\{')
_STATE_KEYS = {"bookmarked", "read", "tags"}


@dataclass(slots=True)
class RepairReport:
    """What ``repair`` found and did; ``lost`` is what it could not rebuild."""

    damaged: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    temps_removed: int = 0

    @property
    def healthy(self) -> bool:
        """Nothing was damaged, changed or found missing."""
        return not (self.damaged or self.actions or self.lost)


def _is_meta(doc: dict[str, Any]) -> bool:
    """A story record (its fields' types are checked and fixed later, by ``fix_records``)."""
    return "headline" in doc and "body" not in doc and "shard" in doc


def _meta_name(meta: dict[str, Any]) -> str:
    """The metadata shard a record belongs in, as a path in the store."""
    return f"meta/{fields.shard(meta.get('shard')):06d}.json"


def _source_file(meta: dict[str, Any]) -> str | None:
    """The file a stored record was imported from (``None`` if its details cannot be read)."""
    try:
        return fields.text(unpack_record(meta, Path(LEGACY)).get("file"))
    except StoreFileError:
        return None


def _is_body(doc: dict[str, Any]) -> bool:
    return set(doc) == {"body"} and isinstance(doc["body"], list) and all(isinstance(p, str) for p in doc["body"])


def _is_state(doc: dict[str, Any]) -> bool:
    return bool(doc) and set(doc) <= _STATE_KEYS and isinstance(doc.get("tags", []), list)


def _is_setting(doc: dict[str, Any]) -> bool:
    return set(doc) == {"value"}


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

    def __init__(self, store: Store, sources: Iterable[Path]) -> None:
        self.store = store
        self.folder = store.folder
        self.sources = list(sources)
        self.report = RepairReport()
        self._by_id: dict[str, tuple[Path, Any]] | None = None

    # -- reading, with damage noted ------------------------------------------------------

    def load(self, path: Path, table: str, accept: Callable[[dict[str, Any]], bool]) -> tuple[dict, bool] | None:
        """(records of ``table``, damaged?) or ``None`` when the file is damaged and no copy could be kept."""
        try:
            data = read_json_file(path)
        except StoreFileError as exc:
            backup = keep_damaged_copy(path)
            name = path.relative_to(self.folder)
            self.report.damaged.append(f"{name}: {exc.reason}")
            if backup is None:
                self.report.lost.append(f"{name}: could not keep a copy of the damaged file, so it was left as is")
                return None
            self.report.backups.append(backup)
            records = salvage(compressed.readable_part(path.read_bytes()), accept)
            self.report.actions.append(f"{name}: kept {len(records)} whole records (damaged file copied to "
                                       f"{backup.name})")
            return records, True
        if data is None:
            return {}, False
        return dict(data.get(table, {})), False

    def save(self, path: Path, table: str, records: dict[str, Any], compress: bool = False) -> None:
        """Write a repaired file (shards compressed, as the store writes them)."""
        atomic_write_bytes(path, encode_document({table: records}, compress))

    # -- the steps ----------------------------------------------------------------------

    def run(self) -> RepairReport:
        metas: dict[str, Any] = {}
        loaded: dict[int, dict[str, Any]] = {}  # each metadata shard as read
        damaged: set[int] = set()
        legacy = self.folder / LEGACY  # a store from before metadata shards: moved to them here
        for path in [legacy] * legacy.exists() + sorted((self.folder / "meta").glob("[0-9]*.json")):
            got = self.load(path, "articles", _is_meta)
            if got is None:
                return self.report
            if path != legacy:
                loaded[int(path.stem)] = got[0]
                damaged |= {int(path.stem)} if got[1] else set()
            metas.update(got[0])
        shards: dict[int, tuple[Path, dict[str, Any], bool]] = {}
        for path in sorted((self.folder / "bodies").glob("[0-9]*.json")):
            if path.stem.isdigit():
                got = self.load(path, "bodies", _is_body)
                if got is not None:
                    shards[int(path.stem)] = (path, got[0], got[1])
        changed_shards: set[int] = {n for n, (_p, _b, bad) in shards.items() if bad}
        changed_shards |= self.drop_bad_bodies(shards)
        self.fix_records(metas)
        self.restore_index(metas, shards)
        for number in self.restore_bodies(metas, shards):
            changed_shards.add(number)
        for number in sorted(changed_shards):
            path, bodies, _damaged = shards[number]
            self.save(path, "bodies", bodies, compress=True)
        by_shard: dict[int, dict[str, Any]] = {}
        for sid, meta in metas.items():
            by_shard.setdefault(fields.shard(meta.get("shard")), {})[sid] = meta
        for number in sorted(set(by_shard) | set(loaded)):
            if number in damaged or by_shard.get(number, {}) != loaded.get(number, {}):
                self.save(self.folder / "meta" / f"{number:06d}.json", "articles", by_shard.get(number, {}),
                          compress=True)
        if legacy.exists():
            legacy.unlink()
            (self.folder / "identity.json").unlink(missing_ok=True)
            self.report.actions.append(f"{LEGACY}: its {len(metas)} story records moved to meta/")
        self.repair_state()
        return self.report

    def fix_records(self, metas: dict[str, Any]) -> None:
        """Rewrite story records whose fields have the wrong type (a hand edit, another version).

        Each keeps what the reader can read of it (:func:`fields.readable_fields`); the
        metadata shard as it was is copied first.
        """
        bad: dict[str, list[str]] = {}
        for sid, meta in list(metas.items()):
            try:
                full = unpack_record(meta, Path(LEGACY))
            except StoreFileError:
                full, problems = {k: v for k, v in meta.items() if k != "details"}, ["details are not a JSON object"]
            else:
                problems = []
            problems += fields.record_problems(full)
            if problems:
                bad[sid] = problems
                metas[sid] = pack_record(fields.readable_fields(full))
        for sid, problems in list(bad.items())[:20]:
            self.report.damaged.append(f"{_meta_name(metas[sid])}: story {sid}: {', '.join(problems)}")
        if len(bad) > 20:
            self.report.damaged.append(f"meta: {len(bad) - 20} more stories with fields of the wrong type")
        for name in sorted({_meta_name(metas[sid]) for sid in bad}):
            count = sum(1 for sid in bad if _meta_name(metas[sid]) == name)
            backup = keep_damaged_copy(self.folder / name)
            if backup is not None:
                self.report.backups.append(backup)
            self.report.actions.append(f"{name}: {count} story record(s) rewritten with the fields that could "
                                       f"be read{f' (the file as it was copied to {backup.name})' if backup else ''}")

    def drop_bad_bodies(self, shards: dict[int, tuple[Path, dict[str, Any], bool]]) -> set[int]:
        """Bodies that are not a list of paragraphs are dropped, to be read again from their source."""
        changed = set()
        for number, (path, bodies, _damaged) in shards.items():
            bad = [sid for sid, doc in bodies.items() if not (isinstance(doc, dict) and _is_body(doc))]
            for sid in bad:
                del bodies[sid]
                self.report.damaged.append(f"bodies/{path.name}: body of {sid} is not a list of paragraphs")
            if bad:
                changed.add(number)
        return changed

    def restore_index(self, metas: dict[str, Any], shards: dict[int, tuple[Path, dict[str, Any], bool]]) -> None:
        """Story records for surviving bodies, from source files given on the command line.

        Runs on every repair, not only when a metadata shard was found damaged: the first
        repair keeps the records still whole and advises ``repair PATH...``, and that second
        run must still find the bodies without records.
        """
        orphans = {sid: n for n, (_p, bodies, _d) in shards.items() for sid in bodies if sid not in metas}
        if not orphans:
            return
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for sid, (path, article) in self._sourced().items():
            if sid not in orphans:
                continue
            doc = article.to_contract()
            doc.pop("body")
            metas[sid] = pack_record({**doc, "shard": orphans.pop(sid), "file": path_text(path), "imported": now})
        if self.sources:
            self.report.actions.append(f"meta: {len(metas)} story records in all after reading "
                                       f"{len(self.sources)} source path(s)")
        if orphans:
            self.report.lost.append(
                f"meta: {len(orphans)} stories have a body but lost their story record "
                f"(ids {', '.join(sorted(orphans)[:5])}{'...' if len(orphans) > 5 else ''}); "
                "run `broadsheet repair PATH...` with their source files to bring them back"
            )

    def restore_bodies(self, metas: dict[str, Any], shards: dict[int, tuple[Path, dict[str, Any], bool]]) -> set[int]:
        """Missing bodies read again from each story's source file; returns shards changed."""
        changed: set[int] = set()
        missing = []
        for sid, meta in metas.items():
            number = fields.shard(meta.get("shard"))
            if number in shards and sid in shards[number][1]:
                continue
            if number not in shards:
                path = self.folder / "bodies" / f"{number:06d}.json"
                if path.exists():  # damaged and no copy could be kept: left alone
                    missing.append((sid, meta))
                    continue
                shards[number] = (path, {}, False)
            source = self._source_of(sid, meta)
            if source is not None:
                path, article = source
                shards[number][1][sid] = {"body": list(article.body)}
                changed.add(number)
                self.report.actions.append(f"bodies/{number:06d}.json: body of {sid} read again from {path}")
            else:
                missing.append((sid, meta))
        for sid, meta in missing:
            self.report.lost.append(f"body of {sid} ({fields.text(meta.get('headline')) or '?'!r}): its source file "
                                    f"{_source_file(meta)!r} is gone or has changed; run `broadsheet repair PATH...` "
                                    "with its source file or folder to bring it back")
        return changed

    def repair_state(self) -> None:
        for name in [*LEGACY_SHARDS, *SHARDS]:
            path = self.folder / "state" / f"{name}.json"
            got = self.load(path, "stories", _is_state)
            if got is not None and got[1]:
                self.save(path, "stories", got[0])
                self.report.lost.append(f"state/{name}.json: marks and tags of stories beyond the "
                                        f"{len(got[0])} kept could not be recovered (see the copy)")
        path = self.folder / "state" / "settings.json"
        got = self.load(path, "settings", _is_setting)
        if got is not None and got[1]:
            self.save(path, "settings", got[0])
            self.report.lost.append("state/settings.json: settings not kept fall back to their defaults")

    # -- helpers ------------------------------------------------------------------------

    def _source_of(self, sid: str, meta: dict[str, Any]) -> tuple[Path, Any] | None:
        """The source file of a story and its article, if one still parses to the same story.

        Stores written before source paths were absolute hold paths relative to wherever
        the import ran: those are tried from here, then under each source path given.
        """
        stored = _source_file(meta)
        if stored:
            relative = not Path(stored).is_absolute()
            candidates = [Path(stored)] + ([root / stored for root in self.sources] if relative else [])
            for path in candidates:
                article = self._parse(path) if path.is_file() else None
                if article is not None and article.story_id == sid:
                    return path, article
        return self._sourced().get(sid)

    def _sourced(self) -> dict[str, tuple[Path, Any]]:
        """Every story in the source paths given on the command line, by id (read once)."""
        if self._by_id is None:
            self._by_id = {}
            for path in self._source_files():
                article = self._parse(path)
                if article is not None:
                    self._by_id.setdefault(article.story_id, (path, article))
        return self._by_id

    def _source_files(self) -> Iterable[Path]:
        for root in self.sources:
            if root.is_dir():
                yield from sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
            elif root.is_file():
                yield root

    @staticmethod
    def _parse(path: Path) -> Any:
        try:
            article, _note = read_article(path)
        except (DecodeError, ParseError, OSError):
            return None
        return article


def repair_store(folder: Path, sources: Iterable[Path] = ()) -> RepairReport:
    """Repair the store in ``folder`` under its lock; see the module docstring."""
    store = Store(folder, check=False)
    with store.lock:
        report = _Repair(store, sources).run()
        if report.damaged or report.actions:
            store.relist()
    report.temps_removed = len(store.lock.removed_temps)
    if report.damaged or report.actions:
        _rebuild_search_index(folder, report)
    return report


def _rebuild_search_index(folder: Path, report: RepairReport) -> None:
    """The search index is a cache of the TinyDB files: rebuild it from the repaired ones."""
    try:
        from broadsheet.store.search import SearchIndex

        SearchIndex.reindex(Store(folder, check=False))
    except Exception as exc:  # the reader rebuilds a missing or stale index when it opens
        report.actions.append(f"search index: not rebuilt now ({exc}); the reader will rebuild it")
    else:
        report.actions.append("search index: rebuilt from the repaired store")

"""``broadsheet reparse``: read stories' source files again with today's parser.

A story keeps the user's tags, bookmark and read mark. Where the new reading gives the
story another id (a text dump's id comes from its content, which a better parser reads
differently), the new story is stored, the marks are moved to it and the old one is
deleted, a batch at a time, with the pairs written down first (``reparsing.json``, see
``Store.add_identified``): a reparse killed part way leaves each story once, with its marks,
the next writer to open the store finishing the batch it was cut off in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Literal

from broadsheet.store.errors import StoreFileError
from broadsheet.store.ingest import stale_stamps, stamp
from broadsheet.store.ingest.decode import DEFAULT_MAX_BYTES
from broadsheet.store.ingest.importer import Indexer, Read, read_paths, sigint_deferred
from broadsheet.store.model import Article
from broadsheet.store.storage import fields
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.sourcepath import Cleaned, safe_text, source_files

Status = Literal["updated", "unchanged", "failed", "skipped"]  # skipped: a feed's story


@dataclass(frozen=True, slots=True)
class Reparsed:
    story_id: str  # the id before
    status: Status
    new_id: str | None = None  # the id after, when the story is stored
    reason: str = ""


@dataclass(slots=True)
class ReparseReport:
    outcomes: list[Reparsed] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def stale(store: Store) -> list[str]:
    """Ids of stories read by an older parser than today's of their kind (a text dump's, a saved
    page's: see ``store.ingest``): the listing's flags pick them (no record read but theirs, for
    the source file's name)."""
    catalogue = store.catalogue()
    return [meta.id for at in catalogue.stale_rows(stale_stamps()) if fields.rereadable((meta := catalogue[at]).file)]


def _source(meta: StoryMeta, folders: Cleaned) -> Path | str:
    """The source file of ``meta``, or why there is none (naming the file as shown: no control
    character of an old record's path reaches the terminal); ``folders``: see ``found_again``."""
    file = meta.source_file
    if not file:
        return "no source file was recorded"
    found = next(source_files(file, meta.file, folders=folders), None)
    if found is not None:
        return found
    return f"its source file {safe_text(meta.file or file)} is gone (moved, renamed or deleted)"


def _pick(meta: StoryMeta, items: Read) -> tuple[Article, int] | str:
    """The article of ``items`` that is ``meta``'s story and the kind of parser that read it,
    or why none is."""
    read = [(item.article, item.kind) for item in items if item.article is not None]
    if not read:
        reasons = [item.reason for item in items if item.reason]
        return reasons[0] if reasons else "no story found in it any more"
    if len(read) == 1:
        return read[0]
    for article, kind in read:  # a file of many stories: the one with this story's identity
        if article.story_id == meta.id or (meta.url and article.url == meta.url):
            return article, kind
    return "the file holds several stories and none is this one any more"


BATCH = 500


def reparse(store: Store, story_ids: Iterable[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
            on_step: Callable[[int], None] | None = None) -> ReparseReport:
    """Re-read the source files of ``story_ids`` and store what today's parser makes of them
    (stories fetched from a feed have no file: they are skipped, as ``fetch`` reads them again),
    a batch at a time: each batch is stored and indexed before the next is read on (a million
    stale stories are never held at once), through one pool of parse workers for the whole run.
    A story now held under another id gets its old one's marks, and the old is deleted, with its
    batch. Ctrl-C waits until the batch being stored is done."""
    report = ReparseReport()
    indexer = Indexer(store)
    moved = False  # some story is now held under another id: the old one was deleted
    waiting: deque[tuple[StoryMeta, Path]] = deque()  # the stories whose files were handed to the workers, in order
    folders: Cleaned = {}

    def step(done: int) -> None:
        if on_step:
            on_step(done)

    def files() -> Iterator[Path]:
        ids = iter(dict.fromkeys(story_ids))
        while chunk_ids := list(islice(ids, BATCH)):
            found = store.metas(chunk_ids)
            for meta in (found[sid] for sid in chunk_ids if sid in found):
                if meta.file and not fields.rereadable(meta.file):  # a feed's address: `fetch` reads it again
                    report.outcomes.append(Reparsed(meta.id, "skipped", reason="fetched from a feed"))
                    step(1)
                    continue
                path = _source(meta, folders)
                if isinstance(path, str):
                    report.outcomes.append(Reparsed(meta.id, "failed", reason=path))
                    step(1)
                else:
                    waiting.append((meta, path))
                    yield path

    def store_batch(batch: list[tuple[StoryMeta, Path, Read]]) -> None:
        nonlocal moved
        with sigint_deferred():
            moved |= bool(_store_batch(store, batch, report, indexer))
        step(len(batch))

    batch: list[tuple[StoryMeta, Path, Read]] = []
    for _path, read in read_paths(files(), max_bytes):
        batch.append((*waiting.popleft(), read))
        if len(batch) == BATCH:
            store_batch(batch)
            batch = []
    if batch:
        store_batch(batch)
    indexer.finish()
    if moved:
        _drop_deleted(store)
    return report


def _store_batch(store: Store, chunk: list[tuple[StoryMeta, Path, Read]], report: ReparseReport,
                 indexer: Indexer) -> list[tuple[str, str]]:
    """Store and index what ``chunk``'s files gave; (old id, new id) of the stories now held under
    another id (their marks moved to it, the old deleted)."""
    batch: list[tuple[str, Article, str | None]] = []
    parsers: list[int] = []
    owners: list[StoryMeta] = []
    for meta, path, items in chunk:
        found = _pick(meta, items)
        if isinstance(found, str):
            report.outcomes.append(Reparsed(meta.id, "failed", reason=found))
            continue
        picked, kind = found
        if (damaged := _marks_unmovable(store, meta.id, picked.story_id)) is not None:
            report.outcomes.append(Reparsed(meta.id, "failed", reason=damaged))
            continue
        if meta.source and any(item.feed is not None for item in items):
            picked.source = meta.source  # a feed file's stories keep the title the import chose (see FileTitles)
        batch.append((picked.story_id, picked, str(path)))
        parsers.append(stamp(kind))
        owners.append(meta)
    indexer.open()  # before the store changes, so the index needs no catch-up (see Indexer)
    stored = store.add_identified(batch, parser=parsers, reread=True, replacing=[meta.id for meta in owners])
    moved: list[tuple[str, str]] = []
    new: list[tuple[str, Article]] = []
    replaced: list[tuple[str, Article]] = []
    for meta, (_, article, _), (sid, got) in zip(owners, batch, stored.results, strict=True):
        if got == "new":
            new.append((sid, article))
        elif got == "updated":
            replaced.append((sid, article))
        if (exc := stored.unmoved.get(meta.id)) is not None:  # its marks' file damaged since the look before
            report.outcomes.append(Reparsed(meta.id, "failed", sid, reason=_damaged_marks(
                exc, f" (the new text is stored beside it, as {sid[:10]}, without them)")))
            continue
        if sid != meta.id:  # another id now: the marks moved, the old story dropped
            moved.append((meta.id, sid))
        status: Status = "unchanged" if got == "present" and sid == meta.id else "updated"
        report.outcomes.append(Reparsed(meta.id, status, sid))
    if new or replaced:
        indexer.add(new, replaced)
    return moved


def _marks_unmovable(store: Store, old: str, new: str) -> str | None:
    """Why the marks of story ``old`` cannot be moved to ``new``, its id once read again (a state
    file of either is damaged), or None. Found before the new story is stored: found after, the
    reparse stopped with both stories listed."""
    if old == new:
        return None  # the marks stay where they are
    for sid in (old, new):
        try:
            store.user.get(sid)
        except StoreFileError as exc:
            return _damaged_marks(exc)
    return None


def _damaged_marks(exc: StoreFileError, beside: str = "") -> str:
    """Why a story's marks were not moved to its new text's id: the state file ``exc`` names is damaged."""
    return (f"the file of its marks, state/{exc.path.name}, is damaged, so they cannot be moved to the new text's "
            f"id{beside}; once `broadsheet repair` mends it, reparse it again")


def _drop_deleted(store: Store) -> None:
    """Opening the index drops the stories deleted since (never raises: an index opened later catches up)."""
    try:
        from broadsheet.store.search import SearchIndex

        SearchIndex.open(store)
    except Exception:  # the store is the record; the index is rebuilt when found stale
        return

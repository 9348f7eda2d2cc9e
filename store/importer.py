"""``broadsheet import``: find files, decode, parse, store, and account for every file.

A bad file never stops an import: it is recorded with its reason and the rest goes on.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from store.db import Store
from store.decode import DEFAULT_MAX_BYTES, DecodeError, read_document
from store.exchange import is_export, read_export
from store.model import Article
from store.parse import ParseError, parse_text
from store.sanitize import clean_text
from store.userstate import StoryState

Status = Literal["imported", "present", "failed"]
BATCH = 500


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    status: Status
    reason: str = ""
    note: str = ""
    story_id: str | None = None


@dataclass(slots=True)
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def read_article(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Article, str]:
    """Decode, sanitise and parse one file. Returns the article and a decoding note.

    Raises DecodeError or ParseError (both ValueErrors with a ``reason`` for the user).
    """
    decoded = read_document(path, max_bytes)
    note = f"encoding guessed as {decoded.encoding}" if decoded.guessed else ""
    return parse_text(clean_text(decoded.text)), note


def looks_like_export(path: Path) -> bool:
    """A ``.json`` file that starts like a Broadsheet export (read back with tags and marks)."""
    if path.suffix.lower() != ".json":
        return False
    try:
        with open(path, "rb") as handle:
            return is_export(handle.read(400))
    except OSError:
        return False


def find_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Yield (file, "") for each file under ``paths``, or (path, reason) when it cannot be used.

    Folders are walked recursively in name order; symbolic links to folders are not
    followed, so a link loop cannot trap the walk. Hidden files are skipped.
    """
    for root in paths:
        if root.is_dir():
            for folder, dirs, files in os.walk(root, onerror=None):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(folder) / name, ""
        elif root.exists():
            yield root, ""
        elif root.is_symlink():
            yield root, "a broken symbolic link"
        else:
            yield root, "no such file or folder"


def index_stories(store: Store, story_ids: list[str]) -> None:
    """Add newly stored stories to the search index (``<store>/index``).

    The index is a cache of the store: if this fails, the next ``SearchIndex.open`` sees
    that it is behind and catches up, so an import never fails because of it.
    """
    from store.search import SearchIndex

    with contextlib.suppress(Exception):
        SearchIndex.open(store).add(store, story_ids)


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_total: Callable[[int], None] | None = None,
    on_step: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import every file under ``paths`` into ``store``; never raises for a bad file."""
    found = list(find_files(paths))
    if on_total:
        on_total(len(found))
    report = ImportReport()
    pending: list[tuple[Article, Path, str]] = []
    states: dict[str, StoryState] = {}

    def record(outcome: Outcome) -> None:
        report.outcomes.append(outcome)

    def flush() -> None:
        added = store.add((article, str(path)) for article, path, _ in pending)
        if added:
            index_stories(store, added)
        new = set(added)
        for article, path, note in pending:
            sid = article.story_id
            status: Status = "imported" if sid in new else "present"
            new.discard(sid)  # a second copy in the same batch is "present"
            record(Outcome(str(path), status, note=note, story_id=sid))
        pending.clear()
        if states:
            store.user.merge(states)
            states.clear()

    for path, problem in found:
        if problem:
            record(Outcome(str(path), "failed", problem))
        elif looks_like_export(path):
            try:
                exported = read_export(path.read_bytes())
            except (OSError, ValueError) as exc:
                record(Outcome(str(path), "failed", f"Broadsheet export: {exc}"))
            else:
                for item in exported:
                    pending.append((item.article, path, ""))
                    if item.state.to_doc():
                        states[item.article.story_id] = item.state
                flush()
        else:
            try:
                article, note = read_article(path, max_bytes)
            except (DecodeError, ParseError) as exc:
                record(Outcome(str(path), "failed", str(exc)))
            else:
                pending.append((article, path, note))
                if len(pending) >= BATCH:
                    flush()
        if on_step:
            on_step(path)
    if pending:
        flush()
    return report

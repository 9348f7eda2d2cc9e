"""Export stories as Markdown or JSON, and read Broadsheet's JSON export back.

The JSON export holds each story's parse contract plus the user's marks, so
``broadsheet import export.json`` rebuilds an equal store, tags and bookmarks included.
The Markdown export can link the stories' kept photos, written into a folder beside it.
"""

from __future__ import annotations

import json
import tempfile
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from broadsheet.store.model import Article, display_date
from broadsheet.store.sanitize import clean_line, without_surrogates
from broadsheet.store.storage.atomic import atomic_write_bytes
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.export_schema import StoryRefused, check_story, to_article, to_state
from broadsheet.store.storage.photos import PhotoStore
from broadsheet.store.storage.userstate import EMPTY, StoryState

FORMAT = "broadsheet-export"
VERSION = 1
COPY_CHUNK = 1 << 20  # bytes of Markdown handed on at once when it is copied out in order

#: ``on_progress(done, total)``: stories exported so far, of those asked for.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Exported:
    article: Article
    state: StoryState
    file: str | None


@dataclass(frozen=True, slots=True)
class Refused:
    """A story of an export that was not imported: its position (from 1) and why."""

    number: int
    reason: str


def export_json(store: Store, story_ids: Sequence[str]) -> bytes:
    return b"".join(export_json_chunks(store, story_ids))


def export_json_chunks(store: Store, story_ids: Sequence[str], on_progress: Progress | None = None) -> Iterator[bytes]:
    """The JSON export, a story at a time (in the store's order), so an export of any size is
    written without holding it: the document :func:`export_json` gives, in pieces."""
    states = store.user.all()
    yield b'{\n  "format": ' + orjson.dumps(FORMAT) + b',\n  "version": ' + orjson.dumps(VERSION) + b',\n  "stories": ['
    first = True
    for done, (meta, article) in enumerate(store.articles(story_ids, in_order=False), 1):
        if on_progress is not None and done % 256 == 0:
            on_progress(done, len(story_ids))
        state = states.get(meta.id, EMPTY)
        story = {"id": meta.id, "file": meta.file, "article": article.to_doc(),
                 "state": {"bookmarked": state.bookmarked, "read": state.read, "tags": list(state.tags)}}
        text = orjson.dumps(story, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
        yield (b"\n    " if first else b",\n    ") + text
        first = False
    if on_progress is not None:
        on_progress(len(story_ids), len(story_ids))
    yield b"]\n}" if first else b"\n  ]\n}"


def story_photos(store: Store, story_ids: Sequence[str]) -> dict[str, Path]:
    """The kept photo files of these stories, by digest (photos the store lacks are left out)."""
    kept = PhotoStore(store.folder)
    found: dict[str, Path] = {}
    for meta in store.each_meta(story_ids):
        for image in meta.images:
            if image.photo and image.photo not in found and (path := kept.path(image.photo)) is not None:
                found[image.photo] = path
    return found


def write_photos(photos: dict[str, Path], folder: Path) -> int:
    """Copy ``photos`` into ``folder`` (atomically, each once); how many were written."""
    written = 0
    for path in photos.values():
        target = folder / path.name
        if not target.exists():
            atomic_write_bytes(target, path.read_bytes())
            written += 1
    return written


def _alt(text: str) -> str:
    return " ".join(text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").split())


def export_markdown(store: Store, story_ids: Sequence[str], photos: dict[str, Path] | None = None,
                    photo_folder: str = "") -> str:
    """The stories as Markdown (see :func:`export_markdown_chunks`), as one text."""
    return b"".join(export_markdown_chunks(store, story_ids, photos, photo_folder)).decode()


def export_markdown_chunks(store: Store, story_ids: Sequence[str], photos: dict[str, Path] | None = None,
                           photo_folder: str = "", on_progress: Progress | None = None) -> Iterator[bytes]:
    """The stories as Markdown, in the order given, in pieces; with ``photos`` (see
    :func:`story_photos`), each kept photo is linked as ``photo_folder/<file>`` above its caption.

    Stories are read a shard at a time and each one's Markdown goes to a temporary file, then
    the file is copied out in the order given: an export of any size holds one shard's stories
    and two numbers per story, not the whole document (100,000 stories once took 2.6 GB).
    """
    states = store.user.all()
    position: dict[str, int] = {}
    for n, sid in enumerate(story_ids):
        position.setdefault(sid, n)  # a story asked for twice comes once, where first asked
    starts, ends = array("q", [-1]) * len(story_ids), array("q", [0]) * len(story_ids)
    with tempfile.TemporaryFile() as spill:
        for done, (meta, article) in enumerate(store.articles(story_ids, in_order=False), 1):
            n = position[meta.id]
            starts[n] = spill.tell()
            spill.write(_markdown(article, states.get(meta.id, EMPTY).tags, photos, photo_folder).encode())
            ends[n] = spill.tell()
            if on_progress is not None and done % 256 == 0:
                on_progress(done, len(story_ids))
        del position
        first = True
        for start, end in zip(starts, ends, strict=True):
            if start < 0:
                continue  # not stored
            if not first:
                yield b"\n---\n\n"
            first = False
            spill.seek(start)
            for at in range(start, end, COPY_CHUNK):
                yield spill.read(min(COPY_CHUNK, end - at))
    if on_progress is not None:
        on_progress(len(story_ids), len(story_ids))


def _markdown(article: Article, tags: Sequence[str], photos: dict[str, Path] | None, photo_folder: str) -> str:
    """One story as Markdown."""
    lines = [f"# {article.headline}", ""]
    if article.standfirst:
        lines += [f"*{article.standfirst}*", ""]
    facts = []
    if article.authors:
        facts.append("By " + ", ".join(article.authors))
    if article.source:
        facts.append(article.source)
    if article.published:
        facts.append(display_date(article.published))  # as the reader shows it
    if facts:
        lines += [" · ".join(facts), ""]
    for number, paragraph in enumerate(article.body):
        lead = f"**{article.dateline}** — " if number == 0 and article.dateline else ""
        lines += [lead + paragraph, ""]
    for image in article.images:
        credit = f" ({image.credit})" if image.credit else ""
        kept = photos.get(image.photo) if photos and image.photo else None
        if kept is not None:
            link = quote(f"{photo_folder}/{kept.name}" if photo_folder else kept.name)
            lines += [f"![{_alt(image.caption) or 'Photo'}]({link})", ""]
        if image.caption:
            lines += [f"> Photo: {image.caption}{credit}", ""]
        elif image.credit:  # a photo without a caption: its credit alone, no empty caption
            lines += [f"> Photo credit: {image.credit}", ""]
    if article.credits and article.credits.text:
        lines += [f"_{article.credits.text}_", ""]
    if article.agency:
        lines += [f"Agency: {article.agency}", ""]
    if tags:
        lines += ["Tags: " + ", ".join(tags), ""]
    return "\n".join(lines).rstrip() + "\n"


def is_export(data: bytes) -> bool:
    """Cheap check used by the importer before treating a file as an export."""
    head = data[:200].lstrip()
    return head.startswith(b"{") and FORMAT.encode() in data[:400]


def _decode(data: bytes) -> Any:
    """The JSON document. A lone surrogate escape (``"\\ud800"``), which orjson refuses, is read by the
    standard library and dropped, so it costs neither the file nor its story."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        error = exc
    try:  # the standard library reads lone surrogates ("\\ud800"), which are then dropped
        return without_surrogates(json.loads(data))
    except (ValueError, RecursionError):
        raise ValueError(f"not valid JSON ({error})") from None


def read_export(data: bytes) -> list[Exported | Refused]:
    """Each story of an export, read or refused with its reason; ValueError when the file is no export.

    Every story is checked against the declared schema (:mod:`.export_schema`), so one
    bad story is refused by its position and reason and the others still import.
    """
    doc = _decode(data)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("not a Broadsheet export")
    if doc.get("version") != VERSION:
        raise ValueError(f"export version {clean_line(repr(doc.get('version')))[:40]} is not supported "
                         f"(expected {VERSION})")
    stories = doc.get("stories")
    if not isinstance(stories, list):
        raise ValueError("its \"stories\" is not a list")
    result: list[Exported | Refused] = []
    for number, item in enumerate(stories, start=1):
        try:
            story = check_story(item)
            article, state = to_article(story.article), to_state(story.state)
        except StoryRefused as exc:
            result.append(Refused(number, clean_line(str(exc))))
            continue
        except (ValueError, TypeError) as exc:  # anything the schema did not foresee still costs one story only
            result.append(Refused(number, clean_line(f"cannot be read ({type(exc).__name__}: {exc})")[:300]))
            continue
        result.append(Exported(article, state, clean_line(story.file) if story.file else None))
    return result

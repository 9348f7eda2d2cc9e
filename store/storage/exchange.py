"""Export stories as Markdown or JSON, and read Broadsheet's JSON export back.

The JSON export holds each story's parse contract plus the user's marks, so
``broadsheet import export.json`` rebuilds an equal store, tags and bookmarks included.
The Markdown export can link the stories' kept photos, written into a folder beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from broadsheet.store.model import Article
from broadsheet.store.sanitize import clean_line, clean_text
from broadsheet.store.storage.atomic import atomic_write_bytes
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.photos import PhotoStore
from broadsheet.store.storage.userstate import EMPTY, StoryState, normalise_tag

FORMAT = "broadsheet-export"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Exported:
    article: Article
    state: StoryState
    file: str | None


def export_json(store: Store, story_ids: Sequence[str]) -> bytes:
    states = store.user.all()
    stories = []
    for sid in story_ids:
        article, meta = store.article(sid), store.meta(sid)
        if article is None or meta is None:
            continue
        state = states.get(sid, EMPTY)
        stories.append({"id": sid, "file": meta.file, "article": article.to_doc(),
                        "state": {"bookmarked": state.bookmarked, "read": state.read, "tags": list(state.tags)}})
    return orjson.dumps({"format": FORMAT, "version": VERSION, "stories": stories}, option=orjson.OPT_INDENT_2)


def story_photos(store: Store, story_ids: Sequence[str]) -> dict[str, Path]:
    """The kept photo files of these stories, by digest (photos the store lacks are left out)."""
    kept = PhotoStore(store.folder)
    found: dict[str, Path] = {}
    for sid in story_ids:
        meta = store.meta(sid)
        for image in meta.images if meta else ():
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
    """The stories as Markdown; with ``photos`` (see :func:`story_photos`), each kept photo is
    linked as ``photo_folder/<file>`` above its caption."""
    states = store.user.all()
    parts: list[str] = []
    for sid in story_ids:
        article = store.article(sid)
        if article is None:
            continue
        lines = [f"# {article.headline}", ""]
        if article.standfirst:
            lines += [f"*{article.standfirst}*", ""]
        facts = []
        if article.authors:
            facts.append("By " + ", ".join(article.authors))
        if article.source:
            facts.append(article.source)
        if article.published:
            facts.append(article.published)
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
            lines += [f"> Photo: {image.caption}{credit}", ""]
        if article.credits and article.credits.text:
            lines += [f"_{article.credits.text}_", ""]
        if article.agency:
            lines += [f"Agency: {article.agency}", ""]
        tags = states.get(sid, EMPTY).tags
        if tags:
            lines += ["Tags: " + ", ".join(tags), ""]
        parts.append("\n".join(lines).rstrip() + "\n")
    return "\n---\n\n".join(parts)


def is_export(data: bytes) -> bool:
    """Cheap check used by the importer before treating a file as an export."""
    head = data[:200].lstrip()
    return head.startswith(b"{") and FORMAT.encode() in data[:400]


def _clean_contract(raw: dict[str, Any]) -> dict[str, Any]:
    """An export is untrusted input too: sanitise every string on the way in."""

    def clean(value: Any, multiline: bool = False) -> Any:
        if isinstance(value, str):
            return clean_text(value) if multiline else clean_line(value)
        if isinstance(value, list):
            return [clean(v, multiline) for v in value]
        if isinstance(value, dict):
            return {k: clean(v, multiline) for k, v in value.items()}
        return value

    cleaned = {k: clean(v) for k, v in raw.items() if k != "body"}
    cleaned["body"] = [clean_text(p).strip() for p in raw.get("body") or [] if isinstance(p, str)]
    return cleaned


def read_export(data: bytes) -> list[Exported]:
    """Parse an export file; raises ValueError with a reason for the user."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("not a Broadsheet export")
    if doc.get("version") != VERSION:
        raise ValueError(f"export version {doc.get('version')!r} is not supported (expected {VERSION})")
    result = []
    for number, item in enumerate(doc.get("stories") or [], start=1):
        try:
            article = Article.from_contract(_clean_contract(item["article"]))
            if not article.headline or not article.body:
                raise ValueError("a story without headline or body")
            raw_state = item.get("state") or {}
            tags = tuple(dict.fromkeys(normalise_tag(t) for t in raw_state.get("tags") or [] if isinstance(t, str)))
            state = StoryState(bool(raw_state.get("bookmarked")), bool(raw_state.get("read")), tags)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"story {number} of the export is malformed ({exc})") from None
        file = item.get("file")
        result.append(Exported(article, state, file if isinstance(file, str) else None))
    return result

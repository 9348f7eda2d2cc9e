"""Export stories as Markdown or JSON, and read Broadsheet's JSON export back.

The JSON export holds each story's parse contract plus the user's marks, so
``broadsheet import export.json`` rebuilds an equal store, tags and bookmarks included; an
export of the whole store holds the feed entries deleted too (``deleted_entries``), so a
fetch in the store it is imported into does not bring them back.
Written to a file, an export puts the stories' kept photos in ``FILE_photos/`` beside it: the
Markdown links them, and the import of a JSON export reads them back.
"""

from __future__ import annotations

import json
import re
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from broadsheet.store.ingest.gunzip import stem_unzipped
from broadsheet.store.model import Article, byline
from broadsheet.store.sanitize import clean_line, is_web_address, without_surrogates
from broadsheet.store.storage.atomic import atomic_write_bytes, cut_name, name_max, remove_output_leftovers
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.directory import story_key
from broadsheet.store.storage.export_schema import (
    StoryRefused,
    check_deleted_entries,
    check_story,
    to_article,
    to_state,
)
from broadsheet.store.storage.limits import ADDRESS, fit_article
from broadsheet.store.storage.photos import PhotoStore
from broadsheet.store.storage.userstate import EMPTY, StoryState
from broadsheet.store.wording import counted

FORMAT = "broadsheet-export"
VERSION = 1
COPY_CHUNK = 1 << 20  # bytes of Markdown handed on at once when it is copied out in order

#: ``on_progress(done, total)``: stories exported so far, of those asked for; the last call
#: gives how many were exported (``done == total``).
Progress = Callable[[int, int], None]


#: A story id as broadsheet makes them. An export's is kept on import: a story stored under the
#: id of an earlier identity (the same page reached through another feed) has another id by its own.
_STORY_ID = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True, slots=True)
class Exported:
    article: Article
    state: StoryState
    file: str | None
    story_id: str | None = None  # the id it had, kept on import (None: not an id broadsheet gives)
    notes: tuple[str, ...] = ()  # fields left out (no date, no web address), for the import to say


@dataclass(frozen=True, slots=True)
class Refused:
    """A story of an export that was not imported: its position (from 1) and why."""

    number: int
    reason: str


@dataclass(frozen=True, slots=True)
class DeletedEntries:
    """The feed entries an export of a whole store says its user deleted, or why they were refused."""

    ids: tuple[str, ...]
    problem: str = ""


@dataclass(frozen=True, slots=True)
class CutShort:
    """An export that ends part way (a copy or a write cut short): the stories before it were read."""

    after: int  # the last whole story (0: none was)
    damaged: bool = False  # it ends as an export does: damaged inside, not cut short

    @property
    def reason(self) -> str:
        where = f"after story {self.after}" if self.after else "in its first story"
        if self.damaged:
            return f"damaged {where}: the rest could not be read"
        return f"cut short {where}: the rest is lost"


@dataclass(slots=True)
class Fitted:
    """What a JSON export changed so that its import takes every story back, counted as it is written."""

    stories: int = 0  # stored before stories were fitted to the export's limits (a long feed entry key)
    sources: int = 0  # a source (a deep file path, a feed's long address) over them: left out, as a cut one names
    # nothing (the import takes the export as their source, as it does a local path)

    def said(self) -> str:
        """The change in words for the export's summary ("": none)."""
        said = []
        if self.sources:
            said.append(f"{counted(self.sources, 'story', 'stories')} exported without "
                        f"{'its' if self.sources == 1 else 'their'} source (a file path or feed address over "
                        f"{ADDRESS:,} characters)")
        if self.stories:
            said.append(f"{counted(self.stories, 'story', 'stories')} stored before the export's limits fitted to "
                        "them")
        return "; ".join(said)


#: Which stories to export when no ids are given: the ids in ``keep`` (None: every one). Only
#: the shards holding them are read.
Keep = Collection[str] | None


def export_json(store: Store, story_ids: Sequence[str]) -> bytes:
    return b"".join(export_json_chunks(store, story_ids))


def _chosen(store: Store, story_ids: Sequence[str] | None, keep: Keep,
            total: int | None) -> tuple[Iterator[tuple[StoryMeta, Article]], int]:
    """The stories to export, a shard at a time as read, and how many there are (for progress)."""
    if story_ids is not None:
        return store.articles(story_ids, in_order=False), len(story_ids)
    return store.each_article(keep), (len(store) if keep is None else len(keep)) if total is None else total


def export_json_chunks(store: Store, story_ids: Sequence[str] | None = None, *, keep: Keep = None,
                       total: int | None = None, on_progress: Progress | None = None,
                       fitted: Fitted | None = None) -> Iterator[bytes]:
    """The JSON export of ``story_ids``, or of every story ``keep`` takes (``total`` of them), a
    story at a time in the store's order: an export of any size is written holding one shard's
    stories (the document :func:`export_json` gives, in pieces). The whole store's (no ids, no
    ``keep``) names the feed entries deleted, before the stories (an export cut short keeps them).
    Each story is fitted to the limits its import checks, counted in ``fitted``: a store's own
    export imports whole."""
    fitted = Fitted() if fitted is None else fitted
    states = store.user.all(skip_damaged=True)  # a damaged state file: its stories exported without marks
    stories, count = _chosen(store, story_ids, keep, total)
    deleted = store.deleted_in_order() if story_ids is None and keep is None else []
    yield (b'{\n  "format": ' + orjson.dumps(FORMAT) + b',\n  "version": ' + orjson.dumps(VERSION)
           + (b',\n  "deleted_entries": ' + orjson.dumps(deleted) if deleted else b"") + b',\n  "stories": [')
    first, done = True, 0
    for done, (meta, article) in enumerate(stories, 1):
        if on_progress is not None and done % 256 == 0:
            on_progress(done, max(count, done))
        state = states.get(meta.id, EMPTY)
        fit, _ = fit_article(article)
        fitted.stories += fit is not article
        file = meta.file if meta.file is None or len(meta.file) <= ADDRESS else None
        fitted.sources += file != meta.file
        story = {"id": meta.id, "file": file, "article": fit.to_doc(),
                 "state": {"bookmarked": state.bookmarked, "read": state.read, "tags": list(state.tags)}}
        text = orjson.dumps(story, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
        yield (b"\n    " if first else b",\n    ") + text
        first = False
    if on_progress is not None:
        on_progress(done, done)  # the last call gives how many were exported
    yield b"]\n}" if first else b"\n  ]\n}"


def story_photos(store: Store, keep: Keep = None, on_progress: Progress | None = None) -> dict[str, Path]:
    """The kept photo files of the stories in ``keep``, by digest (photos the store lacks are
    left out); ``on_progress(done, total)`` counts the stories looked at."""
    kept = PhotoStore(store.folder)
    found: dict[str, Path] = {}
    total = len(store) if keep is None else len(keep)
    done = 0
    for done, meta in enumerate(store.each_story(keep), 1):
        if on_progress is not None and done % 1024 == 0:
            on_progress(done, max(done, total))
        for image in meta.images:
            if image.photo and image.photo not in found and (path := kept.path(image.photo)) is not None:
                found[image.photo] = path
    if on_progress is not None:
        on_progress(done, done)
    return found


PHOTOS_ENDING = "_photos"


def photos_folder(output: Path) -> Path:
    """Where an export written to ``output`` puts its photos: ``FILE_photos/`` beside it (Markdown
    links them; a JSON export's import reads them back), FILE cut short when the whole name is
    too long for the file system (a name of 250 bytes: "File name too long", nothing exported)."""
    room = name_max(output.parent) - len(PHOTOS_ENDING)
    return output.with_name(cut_name(stem_unzipped(output), room) + PHOTOS_ENDING)  # export.json.gz too


def write_photos(photos: dict[str, Path], folder: Path) -> int:
    """Copy ``photos`` into ``folder`` (atomically, each once); how many were written."""
    written = 0
    remove_output_leftovers(folder)  # a killed export's
    for path in photos.values():
        target = folder / path.name
        if not target.exists():
            atomic_write_bytes(target, path.read_bytes(), output=True)
            written += 1
    return written


#: What makes Markdown or HTML anywhere in a line: emphasis, links, code, tags, an entity's "&".
_INLINE = re.compile(r"([\\`*_\[\]<>~]|&(?=#?[A-Za-z0-9]+;))")
#: What makes a line a heading, quote, list, table row or rule at its start.
_LINE_START = re.compile(r"^(\s*)([#>+=|-]|\d{1,9}(?=[.)]))")


def _md(text: str) -> str:
    """Story text as Markdown that shows it literally: a headline's ``*new*`` or ``<b>`` stays
    as written, and a paragraph starting ``# `` or ``1.`` is not made a heading or a list."""
    text = _INLINE.sub(r"\\\1", text)
    found = _LINE_START.match(text)
    if found is None:
        return text
    if found[2][0].isdigit():  # "2024. A year": escape the dot, not the number
        end = found.end()
        return text[:end] + "\\" + text[end:]
    return text[:found.start(2)] + "\\" + text[found.start(2):]


_BACKTICKS = re.compile(r"`+")


def _fenced(text: str) -> str:
    """A paragraph of several lines (a code block, a verse) as a fenced block, which shows its lines and
    their indentation as written (a line "# comment" in it was a heading); the fence is longer than any
    run of backticks in it, so no line of the text can end it."""
    fence = "`" * max(3, 1 + max(map(len, _BACKTICKS.findall(text)), default=0))
    return f"{fence}\n{text}\n{fence}"


def _alt(text: str) -> str:
    """A caption as a photo's alt text, on one line and as literal as :func:`_md` makes story text
    (only brackets were escaped: a caption's ``<script>`` went into the Markdown as a tag)."""
    return " ".join(_INLINE.sub(r"\\\1", text).split())


def export_markdown(store: Store, story_ids: Sequence[str], photos: dict[str, Path] | None = None,
                    photo_folder: str = "") -> str:
    """The stories as Markdown (see :func:`export_markdown_chunks`), as one text."""
    return b"".join(export_markdown_chunks(store, story_ids, photos=photos, photo_folder=photo_folder)).decode()


def export_chunks(store: Store, form: str, story_ids: Sequence[str] | None = None, *, keep: Keep = None,
                  total: int | None = None, photos: dict[str, Path] | None = None, folder: Path | None = None,
                  on_progress: Progress | None = None, fitted: Fitted | None = None) -> Iterator[bytes]:
    """The export in ``form`` ("json" or "markdown") of ``story_ids`` or of the stories ``keep``
    takes, in pieces; Markdown links ``photos`` when they are written into ``folder``. ``fitted``
    counts what a JSON export changed (see :class:`Fitted`)."""
    if form == "json":
        return export_json_chunks(store, story_ids, keep=keep, total=total, on_progress=on_progress, fitted=fitted)
    return export_markdown_chunks(store, story_ids, keep=keep, total=total, photos=photos if folder else None,
                                  photo_folder=folder.name if folder else "", on_progress=on_progress)


def export_markdown_chunks(store: Store, story_ids: Sequence[str] | None = None, *, keep: Keep = None,
                           total: int | None = None, photos: dict[str, Path] | None = None, photo_folder: str = "",
                           on_progress: Progress | None = None) -> Iterator[bytes]:
    """``story_ids`` as Markdown in that order, or every story ``keep`` takes newest first, in
    pieces; with ``photos`` (see :func:`story_photos`), each kept photo is linked as
    ``photo_folder/<file>`` above its caption.

    Stories are read a shard at a time and each one's Markdown goes to a temporary file; then
    the pieces are copied out in order, found by story key: an export of any size holds one
    shard's stories and 24 bytes per story, not the document (100,000 stories took 2.6 GB).
    """
    states = store.user.all(skip_damaged=True)  # a damaged state file: its stories exported without marks
    stories, count = _chosen(store, story_ids, keep, total)
    keys, starts, ends = array("Q"), array("q"), array("q")
    done = 0
    if story_ids is not None:
        wanted: Iterable[int] = map(story_key, dict.fromkeys(story_ids))  # a story asked for twice comes once
    else:
        catalogue = store.catalogue()  # newest first, as the reader lists them (taken before the stories)
        wanted = map(catalogue.key, range(len(catalogue)))
    with tempfile.TemporaryFile() as spill:
        for done, (meta, article) in enumerate(stories, 1):
            keys.append(story_key(meta.id))
            starts.append(spill.tell())
            spill.write(_markdown(article, states.get(meta.id, EMPTY).tags, photos, photo_folder).encode())
            ends.append(spill.tell())
            if on_progress is not None and done % 256 == 0:
                on_progress(done, max(count, done))
        order = sorted(range(len(keys)), key=keys.__getitem__)
        keys, starts, ends = (array(a.typecode, map(a.__getitem__, order)) for a in (keys, starts, ends))
        del order
        first = True
        for key in wanted:
            at = bisect_left(keys, key)
            if at == len(keys) or keys[at] != key:
                continue  # not stored, or not chosen
            yield MARKDOWN_MARK + b"\n\n" if first else b"\n---\n\n"
            first = False
            spill.seek(starts[at])
            for offset in range(starts[at], ends[at], COPY_CHUNK):
                yield spill.read(min(COPY_CHUNK, ends[at] - offset))
    if on_progress is not None:
        on_progress(done, done)  # the last call gives how many were exported


#: The first line of a Markdown export (hidden where Markdown is shown): the import knows the file
#: by it, and refuses it (read as a text dump, its stories made one garbled story) for the JSON export.
MARKDOWN_MARK = b"<!-- Broadsheet export (Markdown, for reading; `broadsheet export --format json` is for import) -->"


def _markdown(article: Article, tags: Sequence[str], photos: dict[str, Path] | None, photo_folder: str) -> str:
    """One story as Markdown; ``photos`` (None: no photos written, as to a pipe) are the kept photos."""
    lines = [f"# {_md(article.headline)}", ""]
    if article.standfirst:
        lines += [f"*{_md(article.standfirst)}*", ""]
    facts = byline(article.authors, article.source, article.published, first_seen=article.first_seen)  # the reader's
    if facts:
        lines += [_md(facts), ""]
    if article.url:
        lines += [_autolink(article.url), ""]
    for media in article.media:
        lines += [f"{_md(media.describe())}: {_autolink(media.url)}", ""]
    for number, paragraph in enumerate(article.body):
        lead = f"**{_md(article.dateline)}** — " if number == 0 and article.dateline else ""
        if "\n" in paragraph:  # a code block's or a verse's lines
            lines += [*([lead.rstrip()] if lead else []), _fenced(paragraph), ""]
        else:
            lines += [lead + _md(paragraph), ""]
    for image in article.images:
        credit = f" ({_md(image.credit)})" if image.credit else ""
        kept = photos.get(image.photo) if photos and image.photo else None
        if kept is not None:
            link = quote(f"{photo_folder}/{kept.name}" if photo_folder else kept.name)
            lines += [f"![{_alt(image.caption) or 'Photo'}]({link})", ""]
        elif photos is not None and image.photo:  # kept once, its file gone since: said where it would be
            lines += ["> Photo not exported: its file is missing from the store", ""]
        if image.caption:
            lines += [f"> Photo: {_md(image.caption)}{credit}", ""]
        elif image.credit:  # a photo without a caption: its credit alone, no empty caption
            lines += [f"> Photo credit: {_md(image.credit)}", ""]
        if image.problem and not image.photo:  # why there is no photo to link, as the reader says it
            where = f" ({_autolink(image.src)})" if image.src else ""
            why = image.problem.removeprefix("not kept: ")  # "not kept: not kept: refused as..." was said
            lines += [f"> Photo not kept: {_md(why)}{where}", ""]
    if article.credits and article.credits.text:
        lines += [f"_{_md(article.credits.text)}_", ""]
    if article.agency:
        lines += [f"Agency: {_md(article.agency)}", ""]
    if tags:
        lines += ["Tags: " + _md(", ".join(tags)), ""]
    return "\n".join(lines).rstrip() + "\n"


def _autolink(url: str) -> str:
    """``<url>``, a link in Markdown, with what would end it or break its line escaped as in an
    address; an address not on the web (a saved page's ``file:``, ``javascript:`` or ``../`` photo
    source) as plain text, which no viewer opens with a click."""
    if not is_web_address(url):
        return _md(url)
    return "<" + re.sub(r"[\s<>]", lambda m: quote(m.group()), url) + ">"



def is_markdown_export(head: bytes) -> bool:
    """A Markdown export, known by its first line (the import refuses it: see :data:`MARKDOWN_MARK`)."""
    return head.removeprefix(b"\xef\xbb\xbf").startswith(MARKDOWN_MARK)


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


_SPACE = re.compile(r"\s*")


def _whole_part(data: bytes) -> tuple[dict[str, Any], CutShort] | None:
    """The fields and whole stories of an export that ends part way (one JSON document written a
    story at a time: what comes before the cut is whole), and where it stops; None when it is not
    that (cut in its first lines, or not an export's shape)."""
    text = data.decode("utf-8", "replace")
    decoder = json.JSONDecoder()

    def skip(at: int) -> int:
        return _SPACE.match(text, at).end()  # type: ignore[union-attr]  # \s* always matches

    doc: dict[str, Any] = {}
    at = skip(0)
    if text[at:at + 1] != "{":
        return None
    at += 1
    try:
        while True:  # the fields before the stories: "format", "version"
            key, at = decoder.raw_decode(text, skip(at))
            at = skip(at)
            if not isinstance(key, str) or text[at:at + 1] != ":":
                return None
            at = skip(at + 1)
            if key == "stories":
                break
            doc[key], at = decoder.raw_decode(text, at)
            at = skip(at)
            if text[at:at + 1] != ",":
                return None
            at += 1
    except (ValueError, RecursionError):
        return None
    if text[at:at + 1] != "[":
        return None
    stories: list[Any] = []
    doc["stories"] = stories
    at += 1
    try:
        while True:
            story, at = decoder.raw_decode(text, skip(at))
            stories.append(story)
            at = skip(at)
            if text[at:at + 1] != ",":
                break
            at += 1
    except (ValueError, RecursionError):
        pass
    if text[at:at + 1] == "]" and text[at + 1:].strip():
        return None  # the stories are whole: what is wrong is elsewhere
    # (cut after the list's "]": every story is here; a file that still ends as an export does,
    # "]" then "}", is damaged inside, not cut short)
    return without_surrogates(doc), CutShort(len(stories), damaged=_ENDS_AS_EXPORT.search(text) is not None)


_ENDS_AS_EXPORT = re.compile(r"\]\s*\}\s*$")


def read_export(data: bytes) -> list[Exported | Refused | DeletedEntries | CutShort]:
    """Each story of an export, read or refused with its reason; ValueError when the file is no export.

    Every story is checked against the declared schema (:mod:`.export_schema`), so one
    bad story is refused by its position and reason and the others still import. The feed
    entries deleted that an export of a whole store names follow as :class:`DeletedEntries`. An
    export that ends part way gives its whole stories and then :class:`CutShort`.
    """
    cut = None
    try:
        doc = _decode(data)
    except ValueError:
        found = _whole_part(data)
        if found is None:
            raise
        doc, cut = found
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("not a Broadsheet export")
    if doc.get("version") != VERSION:
        raise ValueError(f"export version {clean_line(repr(doc.get('version')))[:40]} is not supported "
                         f"(expected {VERSION})")
    stories = doc.get("stories")
    if not isinstance(stories, list):
        raise ValueError("its \"stories\" is not a list")
    result: list[Exported | Refused | DeletedEntries | CutShort] = []
    for number, item in enumerate(stories, start=1):
        try:
            story = check_story(item)
            notes: list[str] = []
            article, state = to_article(story.article, notes), to_state(story.state, notes)
        except StoryRefused as exc:
            result.append(Refused(number, clean_line(str(exc))))
            continue
        except (ValueError, TypeError) as exc:  # anything the schema did not foresee still costs one story only
            result.append(Refused(number, clean_line(f"cannot be read ({type(exc).__name__}: {exc})")[:300]))
            continue
        result.append(Exported(article, state, clean_line(story.file) if story.file else None,
                               story.id if story.id and _STORY_ID.fullmatch(story.id) else None, tuple(notes)))
    if (deleted := doc.get("deleted_entries")) is not None:
        try:
            result.append(DeletedEntries(tuple(check_deleted_entries(deleted))))
        except StoryRefused as exc:
            result.append(DeletedEntries((), clean_line(str(exc))))
    if cut is not None:
        result.append(cut)
    return result

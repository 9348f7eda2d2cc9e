"""The sizes a stored story's fields may have: the limits of a JSON export's schema.

An export is how a store moves, and its import checks every field against these limits
(:mod:`store.storage.export_schema`). A story stored with a longer field (a feed's 100 KB
title, a 5 MB page of one paragraph) was refused by the import of its own export, so every
story is fitted to them before it is stored (:func:`fit_article`): a long line is cut at a
word with "…", a long paragraph split at sentence or space boundaries (no word lost), a
long standfirst made the first paragraph, an over-long list kept to its first items.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from broadsheet.store.model import Article, Credits, Image, Media

LINE = 2_000  # a headline, standfirst, dateline, source, caption, credit...
NAME = 300  # one author or credited person
NAMES = 200  # authors (and each group of credited people)
PARAGRAPH = 200_000
PARAGRAPHS = 20_000
IMAGES = 500
MEDIA = 100
MEDIA_TYPE = 200
ADDRESS = 4_096  # a story's, a photo's or a sound's address; a feed entry's key; a story's source
PUBLISHED = 64
TAGS = 100_000  # on one story (the user's own: not fitted, never near it)

#: The end of a sentence followed by space: where a long paragraph is best split.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")
#: Up to the last white space of any kind (a tab, a no-break or an ideographic space parts words too).
_TO_LAST_SPACE = re.compile(r".*\s", re.DOTALL)
_NOT_SPACE = re.compile(r"\S")


def _last_space(text: str) -> int:
    """The index of the last white space in ``text``, or -1."""
    match = _TO_LAST_SPACE.match(text)
    return match.end() - 1 if match else -1


def cut_line(text: str, limit: int = LINE) -> str:
    """``text`` in at most ``limit`` characters: cut at the last space of its second half, with "…"."""
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    space = _last_space(head)
    if space > limit // 2:
        head = head[:space]
    return head.rstrip() + "…"


def split_paragraph(text: str, limit: int = PARAGRAPH) -> list[str]:
    """``text`` as paragraphs of at most ``limit`` characters, every word kept: split after the last
    sentence in each ``limit`` characters, else at the last space, else (one long word) at the limit."""
    parts: list[str] = []
    start = 0  # where the rest begins (taken by index: a copy of the rest at each cut was 6 GB copied for 50 MB)
    while len(text) - start > limit:
        window = text[start:start + limit]
        at = 0
        for match in _SENTENCE_END.finditer(window, limit // 2):
            at = match.end()
        if not at:
            at = _last_space(window) + 1
        if at <= limit // 4:  # no space in the window: a cut mid-word loses nothing either
            at = limit
        if piece := window[:at].strip():
            parts.append(piece)
        after = _NOT_SPACE.search(text, start + at)  # (lstrip)
        start = after.start() if after is not None else len(text)
    rest = text[start:] if start else text
    if rest.strip():
        parts.append(rest)
    return parts


def _names(names: list[str], what: str, notes: list[str]) -> list[str]:
    kept = [cut_line(n, NAME) for n in names[:NAMES]]
    if kept != names:
        notes.append(f"{what} cut to the export's limits ({NAMES} names of {NAME} characters)")
    return kept


def fit_article(article: Article, paragraphs: int = PARAGRAPHS) -> tuple[Article, list[str]]:
    """``article`` within the export schema's limits, its first ``paragraphs`` paragraphs (once long
    ones are split), and what was changed to fit (none: the same article). Idempotent."""
    notes: list[str] = []
    changes: dict[str, object] = {}
    body = article.body
    standfirst = article.standfirst
    if standfirst is not None and len(standfirst) > LINE:  # a paragraph, not a line: kept whole
        body, standfirst = [standfirst, *body], None
        changes["standfirst"] = None
        notes.append(f"its standfirst of {len(article.standfirst or ''):,} characters was made its first paragraph")
    if any(len(p) > PARAGRAPH for p in body):
        longest = max(len(p) for p in body)
        split = [piece for p in body for piece in (split_paragraph(p) if len(p) > PARAGRAPH else [p])]
        notes.append(f"a paragraph of {longest:,} characters was split into paragraphs of at most {PARAGRAPH:,}")
        body = split
    if len(body) > (most := min(paragraphs, PARAGRAPHS)):
        notes.append(f"only its first {most:,} paragraphs of {len(body):,} were kept (no story has more)")
        body = body[:most]
    if body is not article.body:
        changes["body"] = body
    if len(article.headline) > LINE:
        changes["headline"] = cut_line(article.headline)
        notes.append(f"its headline of {len(article.headline):,} characters was cut to {LINE:,}")
    for name in ("source", "agency", "dateline"):
        value = getattr(article, name)
        if value is not None and len(value) > LINE:
            changes[name] = cut_line(value)
            notes.append(f"its {name} of {len(value):,} characters was cut to {LINE:,}")
    if article.published is not None and len(article.published) > PUBLISHED:
        changes["published"] = None  # no date is that long: not a date
        notes.append("its date was dropped (not a date)")
    if (authors := _names(article.authors, "its authors were", notes)) != article.authors:
        changes["authors"] = authors
    if article.credits is not None:
        c = article.credits
        said = "its credits were"
        credits = Credits(_names(c.reporting, said, notes), _names(c.additional_reporting, said, notes),
                          _names(c.writing, said, notes), _names(c.editing, said, notes), cut_line(c.text),
                          _names(c.photography, said, notes), _names(c.graphics, said, notes))
        if credits != c:
            changes["credits"] = credits
    if len(article.images) > IMAGES or any(_long_image(i) for i in article.images):
        changes["images"] = [_fit_image(i) for i in article.images[:IMAGES]]
        notes.append(f"its photos were fitted to the export's limits ({IMAGES} photos, captions of {LINE:,})")
    if len(article.media) > MEDIA or any(len(m.url) > ADDRESS or len(m.kind) > MEDIA_TYPE
                                         for m in article.media):
        changes["media"] = [Media(m.url, m.kind[:MEDIA_TYPE], m.size) for m in article.media[:MEDIA]
                            if len(m.url) <= ADDRESS]
        notes.append(f"its sound and video files were fitted to the export's limits ({MEDIA} files)")
    if article.url is not None and len(article.url) > ADDRESS:
        changes["url"] = None
        notes.append(f"its address of {len(article.url):,} characters was dropped (the limit is {ADDRESS:,})")
    if article.key is not None and len(article.key) > ADDRESS:  # the same entry gets the same key at every fetch
        changes["key"] = "sha256:" + hashlib.sha256(article.key.encode("utf-8", "replace")).hexdigest()
    if not changes:
        return article, []
    return replace(article, **changes), list(dict.fromkeys(notes))  # type: ignore[arg-type]


def _long_image(image: Image) -> bool:
    return any(value is not None and len(value) > limit for value, limit in (
        (image.caption, LINE), (image.credit, LINE), (image.problem, LINE), (image.src, ADDRESS)))


def _fit_image(image: Image) -> Image:
    if not _long_image(image):
        return image
    return Image(cut_line(image.caption), None if image.credit is None else cut_line(image.credit),
                 None if image.src is None or len(image.src) > ADDRESS else image.src, image.photo,
                 None if image.problem is None else cut_line(image.problem))

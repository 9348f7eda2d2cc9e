"""The declared schema of one story in a Broadsheet JSON export, checked with msgspec.

An export is untrusted input (a user can edit it, a newer or older Broadsheet can write
it): every field has a strict type (no ``"false"`` read as true, no string read as a
list of characters) and a size limit, so a story either matches and imports or is
refused with the field and the reason, e.g. ``Expected `str`, got `int` - at
`$.article.published```. Strings are sanitised after they pass (:func:`to_article`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

import msgspec

from broadsheet.store.model import MAX_BYTES, Article, Credits, Image, Media
from broadsheet.store.sanitize import clean_line, clean_text, is_web_address
from broadsheet.store.storage import limits
from broadsheet.store.storage.db import DELETED_KEPT
from broadsheet.store.storage.userstate import TAG_RULES, StoryState, normalise_tag, reworded_note, tags_reworded
from broadsheet.store.wording import counted

# Limits far above any real story (the parser's own caps are lower) that still bound what
# one edited export can make the store, the index and the reader hold. Every story is fitted
# to them before it is stored (limits.fit_article), so a store's own export always imports.
Line = Annotated[str, msgspec.Meta(max_length=limits.LINE)]
Name = Annotated[str, msgspec.Meta(max_length=limits.NAME)]
Paragraph = Annotated[str, msgspec.Meta(max_length=limits.PARAGRAPH)]
Names = Annotated[list[Name], msgspec.Meta(max_length=limits.NAMES)]
Tag = Annotated[str, msgspec.Meta(max_length=200)]  # (a stored tag is normalised to 40 characters)


Address = Annotated[str, msgspec.Meta(max_length=limits.ADDRESS)]
Digest = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{16,128}$")]


class ImageDoc(msgspec.Struct, forbid_unknown_fields=True):
    caption: Line = ""
    credit: Line | None = None
    src: Address | None = None
    photo: Digest | None = None
    problem: Line | None = None  # why the photo was not kept


class MediaDoc(msgspec.Struct, forbid_unknown_fields=True):
    url: Address
    type: Annotated[str, msgspec.Meta(max_length=limits.MEDIA_TYPE)] = ""
    length: Annotated[int, msgspec.Meta(ge=0, le=MAX_BYTES)] | None = None


class CreditsDoc(msgspec.Struct, forbid_unknown_fields=True):
    reporting: Names = []
    additional_reporting: Names = []
    writing: Names = []
    editing: Names = []
    text: Line = ""
    photography: Names = []
    graphics: Names = []


class ArticleDoc(msgspec.Struct, forbid_unknown_fields=True):
    headline: Annotated[str, msgspec.Meta(min_length=1, max_length=limits.LINE)]
    body: Annotated[list[Paragraph], msgspec.Meta(max_length=limits.PARAGRAPHS)]  # empty: a feed's link-only entry
    standfirst: Line | None = None
    source: Line | None = None
    agency: Line | None = None
    published: Annotated[str, msgspec.Meta(max_length=limits.PUBLISHED)] | None = None
    authors: Names = []
    dateline: Line | None = None
    images: Annotated[list[ImageDoc], msgspec.Meta(max_length=limits.IMAGES)] = []
    credits: CreditsDoc | None = None
    url: Address | None = None
    key: Address | None = None
    media: Annotated[list[MediaDoc], msgspec.Meta(max_length=limits.MEDIA)] = []
    first_seen: bool = False  # published is when a fetch first found it (see Article.first_seen)


class StateDoc(msgspec.Struct, forbid_unknown_fields=True):
    bookmarked: bool = False
    read: bool = False
    # A story holds as many tags as its user gives it (`broadsheet tag` takes 600 at once): 500 refused
    # its own export. The bound is one no one tags to, that still caps what one story can make the store hold.
    tags: Annotated[list[Tag], msgspec.Meta(max_length=limits.TAGS)] = []


class StoryDoc(msgspec.Struct):
    """One entry of ``stories``; unknown keys are ignored so a newer export still reads."""

    article: ArticleDoc
    id: str | None = None
    file: Address | None = None  # a source file path or a feed address
    state: StateDoc = msgspec.field(default_factory=StateDoc)


class DeletedDoc(msgspec.Struct):
    """``deleted_entries``, in an export of a whole store (an export before it has none): the ids of
    the feed entries its user deleted, so a fetch after the import does not bring them back."""

    deleted_entries: Annotated[list[Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{16}$")]],
                               msgspec.Meta(max_length=DELETED_KEPT)]


class StoryRefused(ValueError):
    """A story of an export that does not match the schema; the message says why."""


def check_deleted_entries(raw: object) -> list[str]:
    """``raw`` (the decoded ``deleted_entries``) as story ids, or StoryRefused with the reason."""
    try:
        return msgspec.convert({"deleted_entries": raw}, DeletedDoc, strict=True).deleted_entries
    except msgspec.ValidationError as exc:
        raise StoryRefused(str(exc)) from None


def check_story(raw: object) -> StoryDoc:
    """``raw`` (one decoded entry of ``stories``) as a :class:`StoryDoc`, or StoryRefused with the reason."""
    try:
        return msgspec.convert(raw, StoryDoc, strict=True)
    except msgspec.ValidationError as exc:
        raise StoryRefused(str(exc)) from None


def _lines(values: list[str]) -> list[str]:
    return [line for line in (clean_line(v) for v in values) if line]


def _paragraph(text: str) -> str:
    """A paragraph clean, without white space around it, but for the indentation of a code block's
    first line (a method's end, deeper than its last), which is part of its text."""
    text = clean_text(text).strip("\n").rstrip()
    return text if "\n" in text else text.lstrip()


def to_article(doc: ArticleDoc, notes: list[str] | None = None) -> Article:
    """The article of a checked story, every string sanitised; StoryRefused when no headline is left
    (a story may have no text: a feed's link-only entry, a body ``repair`` could not rebuild).
    A field that is no date or no web address where one belongs is left out, and ``notes`` says
    which: the story was imported without it, and without a word (an edited export)."""
    said = notes if notes is not None else []
    headline = clean_line(doc.headline)
    body = [p for p in (_paragraph(p) for p in doc.body) if p]
    if not headline:
        raise StoryRefused("the headline is empty once control characters are removed - at `$.article.headline`")

    def line(value: str | None) -> str | None:
        return (clean_line(value) or None) if value is not None else None

    credits = doc.credits
    published = line(doc.published)
    if published is not None and _date(published) is None:
        said.append(f"its date {quoted_start(published)} is not a date: left out")
    url = line(doc.url)
    if url is not None and not is_web_address(url):  # w opens it: a web address only
        said.append(f"its address {quoted_start(url)} is not a web address: left out")
        url = None
    media = [Media(address, clean_line(m.type), m.length) for m in doc.media
             if is_web_address(address := clean_line(m.url))]  # only a web address is offered to open
    if len(media) < len(doc.media):
        said.append(f"{counted(len(doc.media) - len(media), 'sound or video file', 'sound or video files')} "
                    "not at a web address left out")
    return Article(
        headline=headline,
        body=body,
        standfirst=line(doc.standfirst),
        source=line(doc.source),
        agency=line(doc.agency),
        published=_date(published),
        authors=_lines(doc.authors),
        dateline=line(doc.dateline),
        images=[Image(clean_line(i.caption), line(i.credit), line(i.src), i.photo, line(i.problem))
                for i in doc.images],
        credits=Credits(_lines(credits.reporting), _lines(credits.additional_reporting), _lines(credits.writing),
                        _lines(credits.editing), clean_line(credits.text), _lines(credits.photography),
                        _lines(credits.graphics))
        if credits else None,
        url=url,
        key=line(doc.key),
        media=media,
        first_seen=doc.first_seen,
    )


def quoted_start(value: str) -> str:
    """A dropped field's (cleaned) value, quoted, its first 60 characters."""
    return '"' + (value if len(value) <= 60 else value[:59] + "…") + '"'


#: The dates a store holds and orders by their text: a day, with a time and a zone or not.
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d:?\d\d)?)?")


def _date(text: str | None) -> str | None:
    """``text`` when it is an ISO date or time, else None: "99999999999999999999" was listed as
    the newest story, its "date" shown as it was."""
    if text is None or not _ISO_DATE.fullmatch(text):  # (fromisoformat takes "20240305" and "2024W101" too)
        return None
    try:
        dt.datetime.fromisoformat(text)  # a real day and time: not "2024-02-30"
    except ValueError:
        return None
    return text


def to_state(doc: StateDoc, notes: list[str] | None = None) -> StoryState:
    """The user's marks of a checked story (tags normalised; ones that normalise to nothing
    dropped); ``notes`` says which tags were kept as others (an edited export's "Rail")."""
    if notes is not None and (reworded := tags_reworded(doc.tags)):
        notes.append(f"tags kept {reworded_note(reworded)} ({TAG_RULES})")
    tags: dict[str, None] = {}
    for raw in doc.tags:
        try:
            tags[normalise_tag(raw)] = None
        except ValueError:
            continue
    return StoryState(doc.bookmarked, doc.read, tuple(tags))

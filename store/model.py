"""The article model shared by the parser, the store and the reader."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class Image:
    """One photo: its caption and its credit, kept apart, and where the photo itself is."""

    caption: str
    credit: str | None = None
    src: str | None = None  # the photo's address, where the input gives one
    photo: str | None = None  # digest of the photo's bytes kept in the store, when it was kept
    problem: str | None = None  # why the photo could not be kept (a failed download), shown in its place

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"caption": self.caption, "credit": self.credit}
        if self.src:
            doc["src"] = self.src
        if self.photo:
            doc["photo"] = self.photo
        if self.problem:
            doc["problem"] = self.problem
        return doc

    @classmethod
    def from_doc(cls, doc: Any) -> Image:
        """From :meth:`to_doc` output; fields of the wrong type (a hand-edited file) are dropped."""
        if not isinstance(doc, dict):
            return cls(_text(doc) or "")
        return cls(_text(doc.get("caption")) or "", _text(doc.get("credit")), _text(doc.get("src")),
                   _text(doc.get("photo")), _text(doc.get("problem")))


def human_size(size: int, digits: int = 1) -> str:
    """``4.0 MB``, ``64.0 KB``, ``500 bytes`` (a podcast of 1,000,000 bytes read "1000000 bytes")."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.{digits}f} MB"
    return f"{size / 1024:.{digits}f} KB" if size >= 1024 else f"{size:,} bytes"


#: How a sound or video's MIME subtype is named to the user, where its own name says less.
_FORMATS = {"mpeg": "MP3", "mpeg3": "MP3", "x-mpeg": "MP3", "mp4": "MP4", "x-m4a": "M4A", "aac": "AAC",
            "ogg": "Ogg", "opus": "Opus", "webm": "WebM", "quicktime": "QuickTime", "x-wav": "WAV", "wav": "WAV"}


#: The largest size in bytes a file is believed to have (JSON and the store hold 64-bit integers).
MAX_BYTES = 2**53


def byte_count(value: Any) -> int | None:
    """A size in bytes as a feed or a stored record gives it (``4194304``, ``"4194304"``), else None:
    a string of other digits ("²"), a negative, a bool or a number past :data:`MAX_BYTES`
    (31 digits once stopped an import: no JSON holds it)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 16:
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_BYTES else None


@dataclass(frozen=True, slots=True)
class Media:
    """A sound or video file a feed entry carries (a podcast's episode): where it is, its MIME
    type and its size in bytes where the feed says."""

    url: str
    kind: str = ""
    size: int | None = None

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"url": self.url}
        if self.kind:
            doc["type"] = self.kind
        if self.size is not None:
            doc["length"] = self.size
        return doc

    def describe(self) -> str:
        """``Audio, MP3, 4.0 MB``: what it is, as the reader and the Markdown export say it."""
        major, _, minor = self.kind.partition("/")
        parts = [{"audio": "Audio", "video": "Video"}.get(major, "File")]
        if minor:
            parts.append(_FORMATS.get(minor, minor.removeprefix("x-").upper()))
        if self.size:
            parts.append(human_size(self.size))
        return ", ".join(parts)

    @classmethod
    def from_doc(cls, doc: Any) -> Media | None:
        """From :meth:`to_doc` output; None without an address (fields of the wrong type are dropped)."""
        if not isinstance(doc, dict) or not _text(doc.get("url")):
            return None
        return cls(doc["url"], _text(doc.get("type")) or "", byte_count(doc.get("length")))


#: The groups of people a credit line names, in the order they are shown and stored.
CREDIT_GROUPS = ("reporting", "additional_reporting", "writing", "editing", "photography", "graphics")


@dataclass(frozen=True, slots=True)
class Credits:
    """The structured reporting/editing credit line, e.g. ``(Reporting by ...)``.

    ``photography`` (a CJK story's "（摄影：王五）" or "图/张三") and ``graphics`` ("Graphics by
    Mia Holm") come after ``text``, so positional construction keeps its meaning.
    """

    reporting: list[str] = field(default_factory=list)
    additional_reporting: list[str] = field(default_factory=list)
    writing: list[str] = field(default_factory=list)
    editing: list[str] = field(default_factory=list)
    text: str = ""
    photography: list[str] = field(default_factory=list)
    graphics: list[str] = field(default_factory=list)

    def to_doc(self) -> dict[str, Any]:
        return {"reporting": list(self.reporting), "additional_reporting": list(self.additional_reporting),
                "writing": list(self.writing), "editing": list(self.editing), "text": self.text,
                "photography": list(self.photography), "graphics": list(self.graphics)}

    @classmethod
    def from_doc(cls, doc: Any) -> Credits | None:
        """From :meth:`to_doc` output; None for anything that is not a credits object."""
        if not isinstance(doc, dict):
            return None

        def names(key: str) -> list[str]:
            value = doc.get(key)
            return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

        return cls(names("reporting"), names("additional_reporting"), names("writing"), names("editing"),
                   _text(doc.get("text")) or "", names("photography"), names("graphics"))

    def people(self) -> list[str]:
        """Everyone named in the credit line, in order, without repeats."""
        seen: dict[str, None] = {}
        for group in (self.reporting, self.additional_reporting, self.writing, self.editing, self.photography,
                      self.graphics):
            for name in group:
                seen.setdefault(name, None)
        return list(seen)


@dataclass(slots=True)
class Article:
    """A parsed story. Field meanings follow the ``broadsheet parse --json`` contract."""

    headline: str
    body: list[str]
    standfirst: str | None = None
    source: str | None = None
    agency: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    images: list[Image] = field(default_factory=list)
    credits: Credits | None = None
    url: str | None = None  # the canonical address, where the input states it
    key: str | None = None  # identity within its source where it has one, e.g. a feed entry's "feed#guid"
    media: list[Media] = field(default_factory=list)  # sound and video a feed entry carries
    #: ``published`` is when a fetch first found the entry, which gave no date (said "first seen").
    first_seen: bool = False

    @property
    def story_id(self) -> str:
        """A stable id, so the same story is stored once.

        From the source's own identity (a feed entry's guid within its feed) where there is
        one, else from the canonical address (two saves of one page are one story), else
        from the content.
        """
        if self.key:
            basis = "key\x1f" + self.key
        elif self.url:
            basis = "url\x1f" + normal_url(self.url)
        else:
            basis = "\x1f".join([self.headline.casefold(), self.dateline or "", *self.body])
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]

    def to_contract(self) -> dict[str, Any]:
        """The JSON object of the parse contract (without ``file``)."""
        return {
            "headline": self.headline,
            "standfirst": self.standfirst,
            "source": self.source,
            "agency": self.agency,
            "published": self.published,
            "authors": list(self.authors),
            "dateline": self.dateline,
            "body": list(self.body),
            # Spelled out rather than dataclasses.asdict, whose generic deep copy was an
            # eighth of the importer's own time (0.35 s per 10,000 stories).
            "images": [i.to_doc() for i in self.images],
            "credits": self.credits.to_doc() if self.credits else None,
            "url": self.url,
        }

    def to_doc(self) -> dict[str, Any]:
        """Everything about the article, as stored and exported: the contract plus its identity key."""
        doc = self.to_contract()
        if self.key:
            doc["key"] = self.key
        if self.media:  # only where there is some: a million stored stories need not say there is none
            doc["media"] = [m.to_doc() for m in self.media]
        if self.first_seen and self.published:
            doc["first_seen"] = True
        return doc

    @classmethod
    def from_contract(cls, data: dict[str, Any]) -> Article:
        """Rebuild an article from :meth:`to_contract` or :meth:`to_doc` output (export/import)."""
        return cls(
            headline=data["headline"],
            body=list(data.get("body") or []),
            standfirst=data.get("standfirst"),
            source=data.get("source"),
            agency=data.get("agency"),
            published=data.get("published"),
            authors=list(data.get("authors") or []),
            dateline=data.get("dateline"),
            images=[Image.from_doc(i) for i in data.get("images") or []],
            credits=Credits.from_doc(data.get("credits")),
            url=data.get("url"),
            key=data.get("key"),
            media=[m for m in map(Media.from_doc, data.get("media") or []) if m is not None],
            first_seen=data.get("first_seen") is True,
        )


#: Query parameters that only say how a reader came to a page (a newsletter, a social post, an
#: ad), by wide convention never what the page is: ``utm_*`` and these click and mail ids.
TRACKING = frozenset({"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid",
                      "igshid", "yclid", "_hsenc", "_hsmi", "mkt_tok"})
_MAY_TRACK = re.compile(r"[?&](?:utm_|" + "|".join(map(re.escape, sorted(TRACKING))) + r")", re.IGNORECASE)


def _tracking(part: str) -> bool:
    name = part.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in TRACKING


def may_track(text: str) -> bool:
    """Whether ``text`` (an address, or JSON holding one) may hold a tracking parameter: a cheap
    test before :func:`normal_url` (no false negatives)."""
    return _MAY_TRACK.search(text) is not None


def host_of(url: str) -> str:
    """The host (and port) of an address, without ``www.``: the name of a feed or a page's site
    when it gives none, as a name tells two feeds apart by it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # no address ("http://[::1/x", "http://h:99999/"): named as written
        return url
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}:{port}" if port and host else host or url


def normal_url(url: str) -> str:
    """The form of an address two saves of one page share: no fragment, lower-case scheme and
    host, no default port, no trailing slash, no tracking parameters (:data:`TRACKING`; the
    others kept as written, in order); ``http`` and ``https`` are the same page."""
    try:  # (an address is anyone's text: a feed list's, a page's link, a hand-edited feeds.json's)
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # an IPv6 host not closed, a port out of range or not a number: as written,
        return url.strip()  # not one without its port (which would be another feed's address)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        scheme = "https"
    host = (parts.hostname or "").lower().removeprefix("www.")
    if port and port not in (80, 443):
        host += f":{port}"
    path = parts.path.rstrip("/") or "/"
    query = parts.query
    if query and may_track("?" + query):  # else as written: the ids of stored stories depend on it
        query = "&".join(part for part in query.split("&") if not _tracking(part))
    return urlunsplit((scheme, host, path, query, ""))


def display_date(published: str | None, local: bool = False) -> str:
    """``2023-12-22`` -> ``22 Dec 2023``; keeps a time when one was given (as the reader and
    the Markdown export show a date). ``local``: a time with an offset is shown in this
    machine's time zone, as the reader shows it (feeds give their times in UTC, saved pages in
    their publisher's zone: without it, one list would mix the two unmarked)."""
    if not published:
        return ""
    value = _moment(published, local)
    if value is None:
        return published
    if len(published) <= 10:
        return value.strftime("%-d %b %Y")
    shown = value.strftime("%-d %b %Y %H:%M")
    offset = None if local else value.utcoffset()
    if offset is None:
        return shown
    # Kept as written, for readers in any zone: with its zone, or 17:41 read as the reader's own time.
    zone = value.strftime("%z")  # "+0900"
    return f"{shown} UTC" if not offset else f"{shown} {zone[:3]}:{zone[3:5]}"


def byline(authors: Sequence[str], source: str | None, published: str | None, local: bool = False,
           first_seen: bool = False) -> str:
    """``By A and B · Source · 22 Dec 2023`` with the empty parts left out, and the source when it
    is one of the authors (a feed's "The Gazette" by "The Gazette"); the reader's and the Markdown
    export's (``local``: see :func:`display_date`; ``first_seen``: see :func:`dated`)."""
    parts = []
    names = [a for a in authors if a]
    if names:
        people = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"By {people}")
    if source and source not in names:
        parts.append(source)
    if published:
        parts.append(dated(published, first_seen, local))
    return " \u00b7 ".join(parts)


def dated(published: str, first_seen: bool, local: bool = False) -> str:
    """A story's date as shown: ``first seen 7 Dec 2026 21:40`` when it is the time a fetch first
    found an entry that gave none (see ``Article.first_seen``), which is no publisher's date."""
    return ("first seen " if first_seen else "") + display_date(published, local=local)


def local_day(published: str | None) -> str:
    """The ``YYYY-MM-DD`` a story was published on in this machine's time zone, where its time
    and offset say which; else the date as written (a list row shows it beside the byline's
    local time, so the two agree)."""
    day = (published or "")[:10]
    value = _moment(published, local=True) if published and len(published) > 10 else None
    return value.date().isoformat() if value is not None and value.tzinfo is not None else day


def local_clock(published: str | None) -> str:
    """``HH:MM`` a story was published at, in this machine's time zone where its offset says
    which ("" for a date without a time): a list row shows it for today's stories."""
    value = _moment(published, local=True) if published and len(published) > 10 else None
    return value.strftime("%H:%M") if value is not None else ""


def time_order(published: str) -> str:
    """``published`` as text whose order is the order in time, for the list to sort on: a time
    with an offset other than UTC is given in UTC (``09:00-05:00`` is after ``12:00+00:00``,
    though its text sorts first). A day, a time without an offset and a UTC time (every
    feed's) are returned as they are."""
    if len(published) <= 19 or published.endswith("+00:00"):
        return published
    value = _moment(published, local=False)
    if value is None or value.tzinfo is None:
        return published
    try:
        return value.astimezone(dt.UTC).isoformat()
    except OverflowError:  # "9999-12-31T23:00-05:00": past the last moment Python holds
        return published


def _moment(published: str, local: bool) -> dt.datetime | None:
    """``published`` read, in this machine's time zone when ``local`` and it has an offset; None
    when it is no ISO date."""
    try:
        value = dt.datetime.fromisoformat(published)
        return value.astimezone() if local and value.tzinfo is not None else value
    except (ValueError, OverflowError):  # no ISO date, or one the local zone takes past year 9999 or before 1
        return None

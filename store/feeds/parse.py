"""RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1 bytes into one article per entry.

XML goes through fastfeedparser (lxml, entities never resolved, no network; 40x faster
than feedparser on a 10,000-item file, see ``bench/feeds.py``), falling back to
feedparser for what it refuses. JSON Feed is read here with orjson, every field
type-checked, since a hostile feed can put anything anywhere. Every string taken from a
feed is untrusted: it goes through ``clean_line``/``clean_text``, and HTML (content,
summaries, titles with markup) through the one HTML-to-article path,
:func:`broadsheet.store.html.fragment`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from broadsheet.store.model import Article, Image
from broadsheet.store.sanitize import clean_line, clean_text

HEADLINE_CHARS = 120  # an entry without a title is headlined by its first words, cut here
_MARKUP = re.compile(r"<[a-zA-Z/!?]|&#?[a-zA-Z0-9]+;")
_BLANK_LINES = re.compile(r"\n\s*\n")
# The feed's own address (RSS's atom:link or Atom's link, rel="self"), in its head:
# fastfeedparser does not keep it.
_SELF_LINK = re.compile(rb"<(?:[a-z0-9]+:)?link\b[^>]*\brel=[\"']self[\"'][^>]*>", re.I)
_HREF = re.compile(rb"\bhref=[\"']([^\"']+)[\"']", re.I)


class FeedError(ValueError):
    """Bytes that are not a feed, or a feed that cannot be read; the message says why."""


@dataclass(slots=True)
class Entry:
    """One entry as an article, or why it could not be made into one."""

    article: Article | None
    number: int
    reason: str = ""


@dataclass(slots=True)
class Feed:
    title: str
    link: str | None
    self_link: str | None
    kind: str  # "RSS/Atom" or "JSON Feed"
    entries: list[Entry] = field(default_factory=list)


def looks_like_feed(head: bytes) -> bool:
    """True for the first bytes of an RSS, RDF, Atom or JSON Feed document."""
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"{"):
        return b"jsonfeed.org/version" in text or (b'"items"' in text[:2048] and b'"version"' in text[:2048])
    if not text.startswith(b"<"):
        return False
    return any(tag in text for tag in (b"<rss", b"<rdf:rdf", b"<feed", b"<channel"))


def parse_feed(data: bytes, feed_url: str | None = None) -> Feed:
    """Every entry of ``data`` as an article; raises FeedError when ``data`` is not a readable feed.

    ``feed_url`` is where the feed was fetched from (or its file): the base of each entry's
    identity (``f"{feed_url}#{guid}"``) unless the feed names itself.
    """
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise FeedError("the feed is empty")
    if stripped.startswith(b"{"):
        return _json_feed(stripped, feed_url)
    return _xml_feed(data, feed_url)


# -- JSON Feed ---------------------------------------------------------------------------


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_feed(data: bytes, feed_url: str | None) -> Feed:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FeedError(f"not a readable JSON Feed ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedError("JSON, but not a JSON Feed (no list of items)")
    self_link = _s(doc.get("feed_url")) or None
    base = feed_url or self_link or _s(doc.get("home_page_url")) or None
    feed = Feed(clean_line(_s(doc.get("title"))), _s(doc.get("home_page_url")) or None, self_link, "JSON Feed")
    feed_authors = _json_authors(doc)
    for number, item in enumerate(doc["items"], 1):
        if not isinstance(item, dict):
            feed.entries.append(Entry(None, number, "not a JSON object"))
            continue
        html, text = _s(item.get("content_html")), _s(item.get("content_text"))
        summary = _s(item.get("summary"))
        images = []
        for key in ("image", "banner_image"):
            if _s(item.get(key)):
                images.append(Image("", None, clean_line(item[key])))
        for attachment in item.get("attachments") or []:
            if isinstance(attachment, dict) and _s(attachment.get("mime_type")).startswith("image/"):
                caption, src = clean_line(_s(attachment.get("title"))), clean_line(_s(attachment.get("url")))
                images.append(Image(caption, None, src))
        feed.entries.append(_entry(
            number, base, feed.title,
            guid=_s(item.get("id")) or (str(item["id"]) if isinstance(item.get("id"), int) else ""),
            link=_s(item.get("url")) or _s(item.get("external_url")),
            title=_s(item.get("title")),
            html=html or (summary if not text else ""),
            text=text,
            standfirst=summary if (html or text) else "",
            published=_s(item.get("date_published")) or _s(item.get("date_modified")),
            authors=_json_authors(item) or feed_authors,
            images=images,
        ))
    return feed


def _json_authors(doc: dict[str, Any]) -> list[str]:
    people = doc.get("authors")
    if not isinstance(people, list):
        people = [doc.get("author")]
    return [_s(p.get("name")) for p in people if isinstance(p, dict) and _s(p.get("name"))]


# -- RSS and Atom ------------------------------------------------------------------------


def _xml_feed(data: bytes, feed_url: str | None) -> Feed:
    parsed = _parse_xml(data)
    info = parsed.get("feed") or {}
    links = info.get("links") or []
    self_link = next((_s(link.get("href")) for link in links if isinstance(link, dict) and link.get("rel") == "self"),
                     "") or _self_link(data)
    home = _s(info.get("link")) or None
    base = feed_url or self_link or home
    feed = Feed(_title(_s(info.get("title"))), home, self_link, "RSS/Atom")
    feed_author = _s(info.get("author"))
    for number, entry in enumerate(parsed.get("entries") or [], 1):
        content = entry.get("content") or []
        body, plain = "", ""
        for part in content:
            value = _s(part.get("value")) if isinstance(part, dict) else ""
            if not value:
                continue
            if "html" in _s(part.get("type")) or not _s(part.get("type")):
                body = body or value
            else:
                plain = plain or value
        summary = _s(entry.get("description")) or _s(entry.get("summary"))
        if not body and not plain:
            body = summary
        authors = [_s(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, dict) and _s(a.get("name"))]
        if not authors and _s(entry.get("author")):
            authors = [_s(entry.get("author"))]
        feed.entries.append(_entry(
            number, base, feed.title,
            guid=_s(entry.get("id")),
            link=_s(entry.get("link")),
            title=_s(entry.get("title")),
            html=body,
            text=plain,
            standfirst=summary if (body or plain) and summary != body else "",
            published=_s(entry.get("published")) or _s(entry.get("updated")),
            authors=authors or ([feed_author] if feed_author else []),
            images=_media_images(entry),
        ))
    return feed


def _self_link(data: bytes) -> str | None:
    head = data[:16384]
    for first in (b"<item", b"<entry"):
        if first in head:
            head = head[: head.find(first)]
    found = _SELF_LINK.search(head)
    href = _HREF.search(found.group(0)) if found else None
    if href is None:
        return None
    import html

    return clean_line(html.unescape(href.group(1).decode("utf-8", "replace"))) or None


def _parse_xml(data: bytes) -> dict[str, Any]:
    """fastfeedparser's result, else feedparser's (lenient) when fastfeedparser refuses the bytes."""
    import fastfeedparser

    try:
        return fastfeedparser.parse(data)
    except Exception as fast_error:  # a malformed feed: feedparser recovers more of them
        reason = str(fast_error) or type(fast_error).__name__
    import feedparser

    try:
        parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)
    except Exception as exc:
        raise FeedError(f"not a readable feed ({reason}; {exc})") from None
    if not parsed.get("entries") and not (parsed.get("feed") or {}).get("title"):
        raise FeedError(f"not a readable feed ({reason})")
    return {"feed": dict(parsed.get("feed") or {}),
            "entries": [_from_feedparser(e) for e in parsed.get("entries") or []]}


def _from_feedparser(entry: dict[str, Any]) -> dict[str, Any]:
    """feedparser's entry in fastfeedparser's shape (dates as ISO text)."""
    out = dict(entry)
    for key in ("published", "updated"):
        when = entry.get(f"{key}_parsed")
        out[key] = dt.datetime(*when[:6]).replace(tzinfo=dt.UTC).isoformat() if when else None
    return out


def _media_images(entry: dict[str, Any]) -> list[Image]:
    """Photos from Media RSS and image enclosures, with their captions and credits."""
    images: list[Image] = []
    seen: set[str] = set()
    for media in (entry.get("media_content") or []) + (entry.get("media_thumbnail") or []):
        if not isinstance(media, dict):
            continue
        url = _s(media.get("url"))
        kind = _s(media.get("medium")) or _s(media.get("type"))
        if (kind and "image" not in kind) or url in seen:
            continue
        seen.add(url)
        caption = _s(media.get("description")) or _s(media.get("title")) or _s(media.get("text"))
        images.append(Image(_title(caption), clean_line(_s(media.get("credit"))) or None, clean_line(url) or None))
    for enclosure in entry.get("enclosures") or []:
        url = _s(enclosure.get("url")) if isinstance(enclosure, dict) else ""
        if url and url not in seen and _s(enclosure.get("type")).startswith("image/"):
            seen.add(url)
            images.append(Image("", None, clean_line(url)))
    return images


# -- one entry ---------------------------------------------------------------------------


def item_article(number: int, base: str | None, source: str, *, guid: str, link: str, title: str, html: str,
                 text: str, standfirst: str, published: str, authors: list[str],
                 enclosures: list[tuple[str, str]]) -> Entry:
    """An entry from another reader's cache (newsboat), given field by field."""
    images = [Image("", None, clean_line(url)) for url, kind in enclosures if kind.startswith("image/")]
    return _entry(number, base, source, guid=guid, link=link, title=title, html=html, text=text,
                  standfirst=standfirst, published=published, authors=authors, images=images)


def _entry(number: int, base: str | None, source: str, *, guid: str, link: str, title: str, html: str, text: str,
           standfirst: str, published: str, authors: list[str], images: list[Image]) -> Entry:
    link = clean_line(link)
    guid = clean_line(guid)
    if html:
        body, found = _html(html, link or base)
        images = images + [image for image in found if image.src not in {i.src for i in images}]
    else:
        body = _paragraphs(text)
    headline = _title(title)
    if not headline:
        first = body[0] if body else ""
        headline = first[:HEADLINE_CHARS].rsplit(" ", 1)[0] + "…" if len(first) > HEADLINE_CHARS else first
    if not headline:
        headline = link
    if not headline:
        return Entry(None, number, "the entry has no title, text or link")
    intro = _title(standfirst) if standfirst else None
    if intro and body and intro[:80] in body[0]:
        intro = None
    if guid and base:
        key: str | None = f"{base}#{guid}"
    else:
        key = link or None
    return Entry(Article(
        headline=headline,
        body=body,
        standfirst=intro or None,
        source=source or None,
        published=_iso(published),
        authors=[name for name in (clean_line(a) for a in authors) if name],
        images=images,
        url=link or None,
        key=key,
    ), number)


def _paragraphs(text: str) -> list[str]:
    return [p for p in (clean_line(part) for part in _BLANK_LINES.split(clean_text(text))) if p]


def _title(text: str) -> str:
    """A one-line field that may hold markup or entities (titles, captions): plain text."""
    if _MARKUP.search(text):
        body, _ = _html(text, None)
        return clean_line(" ".join(body))
    return clean_line(text)


def _html(html: str, base: str | None) -> tuple[list[str], list[Image]]:
    from broadsheet.store.html import fragment

    found = fragment(html, base)  # its paragraphs and captions are clean lines already
    return found.paragraphs, list(found.images)


def _iso(value: str) -> str | None:
    """A date as ISO text; feeds' own dates are normalised by the parsers already."""
    value = clean_line(value)
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        from dateutil import parser as dateparser

        return dateparser.parse(value).isoformat()
    except (ValueError, OverflowError):
        return None


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
import itertools
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from html import unescape
from html.entities import html5
from typing import Any
from xml.parsers.expat import ExpatError
from xml.parsers.expat import errors as expat_errors

import orjson

from broadsheet.store.feeds.markupline import markup_line
from broadsheet.store.ingest.decode import decode_labelled, misdeclared_xml, xml_declared
from broadsheet.store.ingest.gunzip import GZIP_MAGIC, inflate, unpacked_head
from broadsheet.store.model import Article, Image, Media, byte_count
from broadsheet.store.parse.credits import closing_credits
from broadsheet.store.sanitize import clean_line, clean_text, is_web_address
from broadsheet.store.wording import command, counted

HEADLINE_CHARS = 120  # an entry without a title is headlined by its first words, cut here
_MARKUP = re.compile(r"<[a-zA-Z/!?]|&#?[a-zA-Z0-9]+;")
_BLANK_LINES = re.compile(r"\n\s*\n")
# The feed's own address (RSS's atom:link or Atom's link, rel="self"), in its head:
# fastfeedparser does not keep it.
_SELF_LINK = re.compile(rb"<(?:[a-z0-9]+:)?link\b[^>]*\brel=[\"']self[\"'][^>]*>", re.I)
_HREF = re.compile(rb"\bhref=[\"']([^\"']+)[\"']", re.I)
#: A page's link to its feed: rel="alternate" with a feed's type.
_ALTERNATE = re.compile(rb"<link\b(?=[^>]*\brel=[\"']?alternate)"
                        rb"(?=[^>]*\btype=[\"']?application/(?:rss|atom|feed)\+(?:xml|json))[^>]*>", re.I)
#: A web page's start (its root element html), after any XML declaration and comments.
_PAGE_START = re.compile(rb"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html\b)", re.I | re.S)
# An entry's XML, its date elements (the ones the parsers read a date from) and its title, see item_spans.
_ITEM = re.compile(rb"<(?:[a-z0-9]+:)?(?:item|entry)[\s>]", re.I)
_ITEM_END = re.compile(rb"</(?:[a-z0-9]+:)?(?:item|entry)\s*>", re.I)
_DATE_TAG = re.compile(rb"<(?:[a-z0-9]+:)?(?:pubDate|published|issued|date|created|updated|modified|lastBuildDate)"
                       rb"[\s>]", re.I)
# An entry's own id (RSS guid, Atom id): without one, the parsers give its link as its id.
_GUID_TAG = re.compile(rb"<(?:[a-z0-9]+:)?(?:guid|id)\b", re.I)
_DATE_LIKE = re.compile(r"[\d\s,:./+-]{1,40}")  # a guid fastfeedparser could read as a date: digits and separators
_QUOTED = re.compile(r"\s*\(first \d+ chars:.*", re.S)
# An Atom title in XHTML (the only kind fastfeedparser gives as empty): not media:title, nor <title/>.
_XHTML_TITLE = re.compile(rb"<(?:atom:)?title\b[^>]*\btype\s*=\s*[\"']xhtml[\"'][^>]*(?<!/)>(.*?)</(?:atom:)?title\s*>",
                          re.I | re.S)
# An Atom entry's summary tag (its attributes): fastfeedparser gives its text without its type.
_SUMMARY_TAG = re.compile(rb"<(?:atom:)?summary\b([^>]*)>", re.I)
# A title tag (its attributes): the feed's, before its first entry, or an entry's; an Atom type="text" one is plain.
_TITLE_TAG = re.compile(rb"<(?:atom:)?title\b([^>]*)>", re.I)
_TYPE = re.compile(rb"\btype\s*=\s*[\"']([^\"']*)[\"']", re.I)
_DEFAULT_DAYS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))  # see _full_date
_WEB = re.compile(r"https?://", re.I)
_CUT_SHORT = re.compile(r"\s*(?:\[(?:…|\.\.\.)\]|…|\.\.\.)$")  # a summary's end where the feed cut it
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
_BY_TITLE = "#title:"  # in the key of an entry known by its title (see _title_key)
_BY_TEXT = "#text:"  # in the key of an entry with a link others share known by its text (see _text_key)
_DAY = 10  # an ISO date's characters giving its day: 2026-03-03
_SAME_WORDS = 12  # a summary opening with the content's first words (markup taken away) is its opening
# Bytes XML 1.0 forbids (C0 controls but tab, newline and carriage return), and the terminal
# escape sequences such a byte starts, raw or as a character reference: see _xml_legal.
_RAW_CONTROL = rb"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_CONTROL_REF = rb"&#(?:x0*(?:[0-8bcef]|1[0-9a-f])|0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]));"
_ESC = rb"(?:\x1b|&#(?:x0*1b|0*27);)"
_BEL = rb"(?:\x07|&#(?:x0*7|0*7);)"  # BEL (or ESC \\), raw or as a reference, ends an OSC (a title) or DCS string
_ESCAPE = (_ESC + rb"(?:\[[0-;=?]*[ -/]*[@-~]?|[\]PX^_](?:(?!" + _BEL + b"|" + _ESC + rb")[^\n<])*(?:"
           + _BEL + b"|" + _ESC + rb"\\)?|[ -/]*[0-~]?)")
_ILLEGAL_BYTE = re.compile(_RAW_CONTROL)  # two searches, each a quick scan (one with both: four times slower)
_ILLEGAL_REF = re.compile(_CONTROL_REF, re.I)
_ILLEGAL = re.compile(b"|".join((_ESCAPE, _RAW_CONTROL, _CONTROL_REF)), re.I)
#: The characters XML 1.0 forbids alone, raw or as references (an OPML file's, in its attributes,
#: where an escape sequence's remains cannot be told from the attribute's end).
FORBIDDEN = re.compile(b"|".join((_RAW_CONTROL, _CONTROL_REF)), re.I)
# A CDATA section (left whole), a character reference, a named one (its name) or a bare "&": see _char_refs.
_REFERENCE = re.compile(rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|&#(?:x[0-9a-f]+|[0-9]+);|&([a-z_][a-z0-9_.-]*);|&",
                        re.I | re.S)
#: The characters a feed's own entities (its DTD's) may add in all: a feed of 5 MB could otherwise
#: name a 2 MB one a million times (expat's guard, 100 times the document, still lets through 500 MB).
ENTITY_CHARS = 1_000_000
_PREDEFINED = {"lt", "gt", "amp", "apos", "quot"}  # XML's own: a DTD may declare them again, as they are
# A Media RSS photo's start (its address) and end, and a credit's text within: see _MediaXml.
_MEDIA_URL = re.compile(rb"<(?:[a-z0-9]+:)?content\b[^>]*?\burl\s*=\s*[\"']([^\"']*)[\"'][^>]*>", re.I)
_MEDIA_END = re.compile(rb"</(?:[a-z0-9]+:)?content\s*>", re.I)
_CREDIT = re.compile(rb"<(?:[a-z0-9]+:)?credit\b[^>]*>([^<]*)</(?:[a-z0-9]+:)?credit\s*>", re.I)
# The prefix a feed gives Media RSS's namespace ("media"), and an element's text in it (CDATA or not).
_MEDIA_NS = re.compile(rb"xmlns:([a-z_][\w.-]*)\s*=\s*[\"']https?://search\.yahoo\.com/mrss/?[\"']", re.I)
_MEDIA_FIELD = rb"<%s:%s\b[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|([^<]*))\s*</%s:%s\s*>"
_PREDEFINED_REF = re.compile(r"&(?:lt|gt|amp|apos|quot);")  # (in an entity's text: expat leaves them)
_WIDE = re.compile(rb"<\?xml[^>]*encoding\s*=\s*[\"']?(?:utf-?16|utf-?32|ucs-?[24]|[a-z_-]*2022)", re.I)


class FeedError(ValueError):
    """Bytes that are not a feed, or a feed that cannot be read; the message says why.
    ``names``: the feed a web page names as its own (fetch tells when it is subscribed already)."""

    def __init__(self, message: str, names: str | None = None) -> None:
        super().__init__(message)
        self.names = names


class FeedTooLarge(FeedError):
    """A gzip-compressed feed that unpacks to more than its cap (a gzip bomb stops here)."""


def gunzipped(data: bytes, limit: int) -> bytes:
    """``data`` unpacked when it is gzip (a ``feed.xml.gz``, a server gzipping without a
    Content-Encoding), else as it is. Unpacked at most ``limit`` bytes, so a gzip bomb costs
    ``limit`` and raises FeedTooLarge; FeedError when the gzip data is damaged or cut short."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        got = inflate(data, limit)
    except zlib.error as exc:
        raise FeedError(f"not a readable feed: the gzip data is damaged ({exc})") from None
    if got.over:
        raise FeedTooLarge(f"the gzip-compressed feed unpacks to more than {limit // (1024 * 1024)} MB: refused")
    if got.cut_short:
        raise FeedError("not a readable feed: the gzip data is cut short")
    return got.data


def looks_like_gzipped_feed(head: bytes) -> bool:
    """True for the first bytes of a gzip file whose content starts as a feed."""
    start = unpacked_head(head)
    return start is not None and looks_like_feed(start)


@dataclass(slots=True)
class Entry:
    """One entry as an article, or why it could not be made into one."""

    article: Article | None
    number: int
    reason: str = ""
    #: The key of an entry known by its link for want of a guid, should other entries of its download
    #: share that link (see :func:`_links_apart`): its feed, title and day, an untitled one's its text's.
    apart_key: str | None = None


@dataclass(slots=True)
class Feed:
    title: str
    link: str | None
    self_link: str | None
    kind: str  # "RSS/Atom" or "JSON Feed"
    #: Numbered as in the feed: the last of entries repeating an id is kept, so they may not run 1, 2, 3.
    entries: list[Entry] = field(default_factory=list)
    malformed: str = ""  # why its XML is not well-formed (read leniently all the same: entries may be cut or lost)
    notes: list[str] = field(default_factory=list)  # what else to say of its reading (an encoding it is not in...)


def malformed_note(malformed: str) -> str:
    """What to say of a feed whose XML is not well-formed, read leniently all the same ("" for a whole one)."""
    return (f"the feed's XML is damaged ({malformed}): read leniently, so an entry may be cut short or missing"
            if malformed else "")


def looks_like_feed(head: bytes) -> bool:
    """True for the first bytes of an RSS, RDF, Atom or JSON Feed document."""
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"{"):
        return b"jsonfeed.org/version" in text or (b'"items"' in text[:2048] and b'"version"' in text[:2048])
    if not text.startswith(b"<"):
        return False
    return any(tag in text for tag in (b"<rss", b"<rdf:rdf", b"<feed", b"<channel"))


def parse_feed(data: bytes, feed_url: str | None = None, address: str | None = None) -> Feed:
    """Every entry of ``data`` as an article; raises FeedError when ``data`` is not a readable feed.

    ``feed_url`` is where the feed was fetched from (or its file): the base of each entry's
    identity (``f"{feed_url}#{guid}"``) unless the feed names itself. ``address`` is where
    these bytes came from (after redirects; default ``feed_url``): relative entry links are
    resolved against it, or against the feed's own address when neither is given.
    """
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise FeedError("the feed is empty")
    if stripped.startswith(b"{"):
        return _once(_json_feed(stripped, feed_url, address or feed_url))
    if looks_like_web_page(stripped):
        raise FeedError(*_web_page(stripped, address or feed_url))
    return _once(_xml_feed(data, feed_url, address or feed_url))


def _once(feed: Feed) -> Feed:
    """``feed`` with each story once, said: entries giving one id (their guid, else their link)
    are one story, and storing each in turn kept the last without a word. The last is kept still:
    a store holds that one, which the first would replace at the next fetch."""
    _links_apart(feed)
    _titles_apart(feed)
    last = {entry.article.story_id: entry.number for entry in feed.entries if entry.article is not None}
    kept = [entry for entry in feed.entries if entry.article is None or last[entry.article.story_id] == entry.number]
    repeated = len(feed.entries) - len(kept)
    if repeated:
        feed.entries = kept
        feed.notes.append(f"{counted(repeated, 'entry repeats', 'entries repeat')} another entry's id: kept once")
    return feed


def _links_apart(feed: Feed) -> None:
    """Entries of ``feed`` without guid sharing a link known by their title key instead (see
    :func:`_title_key`), an untitled one by its text: a podcast's episodes, each linking to the
    show's page, were one story, the last. One with a link of its own is known by it still."""
    linked = [(entry.article, entry.apart_key) for entry in feed.entries if entry.article and entry.apart_key]
    links = Counter(article.key for article, _ in linked)
    for article, apart_key in linked:
        if links[article.key] > 1:
            article.key = apart_key


def _titles_apart(feed: Feed) -> None:
    """Entries of ``feed`` giving one title key (see :func:`_title_key`) known by their text instead:
    two "Service notice" entries of other texts (no guid, link or date) were one story, the last."""
    titled = [entry.article for entry in feed.entries if entry.article is not None
              and _BY_TITLE in (entry.article.key or "") and entry.article.key != entry.article.url]
    keys = Counter(article.key for article in titled)
    for article in titled:
        if article.key and keys[article.key] > 1:
            article.key = _text_key(article.key.partition(_BY_TITLE)[0], article) if article.url else None


def _text_key(base: str, article: Article) -> str:
    """The key of an entry with a link others share known by its text: its feed and the id its text
    gives a story with neither key nor link (see ``Article.story_id``), its link being theirs too.
    Its feed first: the store tells two entries of a feed at one address apart by it."""
    return f"{base}{_BY_TEXT}{replace(article, key=None, url=None).story_id}"


def looks_like_web_page(head: bytes) -> bool:
    """True for the first bytes of a web page: its root element is ``html`` (after any XML
    declaration and comments), where a feed's entry may hold a whole page further in."""
    return _PAGE_START.match(head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")) is not None


def _web_page(page: bytes, address: str | None) -> tuple[str, str | None]:
    """Why a web page is no feed, with the feed it names (``<link rel="alternate" type="application/rss+xml">``,
    as a site's home page does): "Content appears to be HTML" left the user to find it. And that feed."""
    from broadsheet.store.feeds.subscriptions import without_password

    for link in _ALTERNATE.finditer(page[:200_000]):
        found = web_address(_href(link.group(0)), address)  # (a relative one keeps the page's password)
        if found:
            said = without_password(found)
            return (f"a web page, not a feed; it names its feed, {said}: subscribe to that with "
                    f"`{command('feeds', 'add', said)}`"), found
    return "a web page, not a feed (it names no feed of its own)", None


def web_address(url: str, base: str | None) -> str | None:
    """``url`` resolved against ``base`` (as a saved page's canonical address is), if that is a web address."""
    from broadsheet.store.html.tree import absolute

    found = absolute(url, None if _WEB.match(url) else base)  # an absolute address needs no joining (a fifth
    return found if found and is_web_address(found) else None  # of the time of a 10,000-entry feed)


# -- JSON Feed ---------------------------------------------------------------------------


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_feed(data: bytes, feed_url: str | None, address: str | None) -> Feed:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        doc = _lenient_json(data, exc)
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedError("JSON, but not a JSON Feed (no list of items)")
    self_link = _s(doc.get("feed_url")) or None
    base = feed_url or self_link or _s(doc.get("home_page_url")) or None
    address = address or self_link
    feed = Feed(clean_line(_s(doc.get("title"))), _s(doc.get("home_page_url")) or None, self_link, "JSON Feed")
    # A JSON Feed's title and summary are plain text (its spec): a "<video>" in them is words.
    feed_authors = _json_authors(doc)
    for number, item in enumerate(doc["items"], 1):
        if not isinstance(item, dict):
            feed.entries.append(Entry(None, number, "not a JSON object"))
            continue
        html, text = _s(item.get("content_html")), _s(item.get("content_text"))
        summary = _s(item.get("summary"))
        images = [Image("", None, clean_line(item["image"]))] if _s(item.get("image")) else []
        media = []
        for attachment in item.get("attachments") or []:
            if not isinstance(attachment, dict):
                continue
            if _s(attachment.get("mime_type")).startswith("image/"):
                caption, src = clean_line(_s(attachment.get("title"))), clean_line(_s(attachment.get("url")))
                images.append(Image(caption, None, src))
            else:
                media.append((_s(attachment.get("url")), _s(attachment.get("mime_type")),
                              attachment.get("size_in_bytes")))
        feed.entries.append(_entry(
            number, base, feed.title, address=address,
            guid=_s(item.get("id")) or (str(item["id"]) if isinstance(item.get("id"), int) else ""),
            link=_s(item.get("url")) or _s(item.get("external_url")),
            title=_s(item.get("title")), title_literal=True,
            html=html,
            text=text or (summary if not html else ""),
            standfirst=summary if (html or text) else "", standfirst_literal=True,
            published=_s(item.get("date_published")) or _s(item.get("date_modified")),
            authors=_json_authors(item) or feed_authors,
            images=images,
            media=media,
            banner=clean_line(_s(item.get("banner_image"))),
        ))
    return feed


def _lenient_json(data: bytes, error: orjson.JSONDecodeError) -> Any:
    """``data`` read as JSON that may hold raw control characters in its strings (JSON forbids
    them: one stray byte lost every entry); they are cleaned from each field later."""
    import json

    try:
        return json.loads(data, strict=False)
    except (ValueError, RecursionError):  # not JSON after all (too deeply nested: orjson said so too)
        raise FeedError(f"not a readable JSON Feed ({error})") from None


def _json_authors(doc: dict[str, Any]) -> list[str]:
    people = doc.get("authors")
    if not isinstance(people, list):
        people = [doc.get("author")]
    return [_s(p.get("name")) for p in people if isinstance(p, dict) and _s(p.get("name"))]


# -- RSS and Atom ------------------------------------------------------------------------


def _xml_legal(data: bytes) -> bytes:
    """``data`` without the control bytes XML 1.0 forbids, and the escape sequences they start.

    One stray byte made lxml refuse the whole feed, and feedparser's fallback read every entry
    otherwise (escaped HTML came out as "pText/p"); the text is cleaned later all the same.
    A feed in UTF-16/32 or ISO-2022 (whose characters hold such bytes) is left as it is.
    """
    if _ILLEGAL_BYTE.search(data) is None and _ILLEGAL_REF.search(data) is None:  # the usual feed
        return data
    if _wide(data):
        return data
    return _ILLEGAL.sub(b"", data)


def _wide(data: bytes) -> bool:
    """Whether ``data`` is in an encoding whose characters can hold ASCII bytes (UTF-16/32, ISO-2022),
    where a byte-wise rewrite would cut characters."""
    return b"\x00" in data[:4096] or data.startswith((b"\xfe\xff", b"\xff\xfe")) or _WIDE.search(data[:512]) is not None


@dataclass(slots=True)
class _Checked:
    """What expat finds in a feed's XML: why it is not well-formed (None if it is), and where its
    DOCTYPE is, with the entities it declares (each one's text, None for one not plain text)."""

    error: ExpatError | None = None
    doctype: tuple[int, int] | None = None
    entities: dict[str, str | None] = field(default_factory=dict)


def _char_refs(data: bytes, checked: _Checked | None = None) -> bytes:
    """``data`` with each entity reference written as character references, and each bare "&" as one.

    libxml2, reading XML leniently past an error (an HTML entity such as ``&nbsp;`` is one), drops
    every entity reference after it but keeps character references: escaped HTML came out as
    "pThe quay was shut./p", and "Harbour&nbsp;News" as "Harbour". With a DOCTYPE it drops each
    one's text and the text after it, with no error ("Caf&eacute; &amp; cr&egrave;me" was "Caf"):
    the DOCTYPE is taken away, and the entities it declares as plain text written out (at most
    ``ENTITY_CHARS`` characters in all); an entity it reads from elsewhere (a file, an address) or
    builds of others, and a name neither it nor HTML knows, are kept as text. CDATA sections are
    left as they are (their text is not XML's to read).
    """
    if _wide(data):
        return data
    entities = checked.entities if checked else {}
    if checked and checked.doctype:
        data = data[:checked.doctype[0]] + data[checked.doctype[1]:]
    left = ENTITY_CHARS

    def char_ref(found: re.Match[bytes]) -> bytes:
        nonlocal left
        name = found[1]
        if name is None:  # a CDATA section or a character reference (kept), or a bare "&"
            return found[0] if found[0] != b"&" else b"&#38;"
        key = name.decode("ascii")
        if key in entities:
            chars = entities[key]
            if chars is not None and len(chars) > left:
                chars = None
            left -= len(chars or "")
        else:
            chars = html5.get(key + ";")
        if chars is None:  # no entity to write out: kept as text
            return b"&#38;" + name + b";"
        return "".join(f"&#{ord(char)};" for char in chars).encode("ascii")

    return _REFERENCE.sub(char_ref, data)


def _xml_feed(data: bytes, feed_url: str | None, address: str | None) -> Feed:
    read = misdeclared_xml(data)
    data = _xml_legal(data if read is None else read[0].encode("utf-8"))
    parsed = _parse_xml(data)
    info = parsed.get("feed") or {}
    links = info.get("links") or []
    self_link = next((_s(link.get("href")) for link in links if isinstance(link, dict) and link.get("rel") == "self"),
                     "") or _self_link(data)
    home = _s(info.get("link")) or None
    base = feed_url or self_link or home
    declared = _xml_base(_s((info.get("title_detail") or info.get("subtitle_detail") or {}).get("base")),
                         address or self_link)
    address = declared or address or self_link
    head = _ITEM.search(data)
    feed_title = _s(info.get("title"))
    feed = Feed(clean_line(feed_title) if _literal(_TITLE_TAG, data, (0, head.start() if head else len(data)))
                else _title(feed_title), home, self_link, "RSS/Atom", malformed=_s(parsed.get("malformed")),
                notes=[read[1]] if read and read[1] else [])
    feed_author = _s(info.get("author"))
    entries = parsed.get("entries") or []
    spans = item_spans(data, len(entries))
    media_xml = _media_xml(data)
    for number, entry in enumerate(entries, 1):
        content = entry.get("content") or []
        body, plain = "", ""
        content_base = declared
        for part in content:
            value = _s(part.get("value")) if isinstance(part, dict) else ""
            if not value:
                continue
            if "html" in _s(part.get("type")) or not _s(part.get("type")):
                if not body:
                    body, content_base = value, _xml_base(_s(part.get("base")), address) or declared
            else:
                plain = plain or value
        summary = _s(entry.get("description")) or _s(entry.get("summary"))
        span = spans[number - 1] if spans else None
        summary_tag = _SUMMARY_TAG.search(data, *span) if span else None
        literal = summary_tag is not None and _plain(summary_tag[1])
        if plain and span and summary_tag is None:
            summary = ""  # fastfeedparser's, made of the text with what looks like a tag in it taken out
        if not body and not plain:
            body, plain = ("", summary) if literal else (summary, "")
        authors = [_s(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, dict) and _s(a.get("name"))]
        if not authors and _s(entry.get("author")):
            authors = [_s(entry.get("author"))]
        feed.entries.append(_entry(
            number, base, feed.title, address=address, content_base=content_base,
            guid=_s(entry.get("id")), guid_is_link=span is not None and _s(entry.get("id")) == _s(entry.get("link"))
            and _GUID_TAG.search(data, *span) is None,
            link=_s(entry.get("link")),
            title=_s(entry.get("title")) or _markup_title(data, span),
            title_literal=span is not None and _literal(_TITLE_TAG, data, span),
            html=body,
            text=plain,
            standfirst=summary if summary not in (body, plain) else "", standfirst_literal=literal,
            published=_published(entry, _DATE_TAG.search(data, *spans[number - 1]) is not None if spans else None),
            authors=authors or ([feed_author] if feed_author else []),
            images=_media_images(entry, replace(media_xml, xml=data[slice(*spans[number - 1])])
                                 if media_xml and spans else None),
            media=_media_files(entry),
        ))
        made = feed.entries[-1].article
        if feed.malformed and made is not None and not (made.body or made.media or (made.key and not by_title(made))):
            # A title alone in a damaged feed is an entry cut where the XML breaks off: stored, it
            # stayed for good beside the whole entry (its id, link and text) of the next fetch.
            feed.entries[-1] = Entry(None, number, "cut short where the feed's XML is damaged (a title alone)")
    return feed


def _xml_base(xml_base: str, address: str | None) -> str | None:
    """An xml:base the feed declares (on the feed, an entry or its content), itself relative to
    ``address``; None where it declares none. The parsers keep the feed's only in its title's details."""
    if not xml_base:
        return None
    from broadsheet.store.html.tree import absolute

    return absolute(xml_base, address) or None


def item_spans(data: bytes, count: int) -> list[tuple[int, int]] | None:
    """Where each of the ``count`` entries' XML is in ``data``; None when the entries cannot be
    told apart in the bytes (their number differs from the parser's)."""
    starts = [found.end() for found in _ITEM.finditer(data)]
    if len(starts) != count:
        return None
    spans = []
    for start, limit in itertools.pairwise([*starts, len(data)]):
        end = _ITEM_END.search(data, start, limit)  # bounded by the next entry: linear, even unclosed
        spans.append((start, end.start() if end else limit))
    return spans


def _literal(tag: re.Pattern[bytes], data: bytes, span: tuple[int, int]) -> bool:
    """Whether the first ``tag`` in ``data``'s ``span`` holds plain text (see :func:`_plain`)."""
    found = tag.search(data, *span)
    return found is not None and _plain(found[1])


def _plain(attributes: bytes) -> bool:
    """Whether a tag of ``attributes`` holds plain text: Atom's type="text" (or a MIME type other than
    HTML's), where a "<" is a character (fastfeedparser's content type: "html" in it, or none, is HTML)."""
    found = _TYPE.search(attributes)
    return found is not None and b"html" not in found[1].lower()


def _markup_title(data: bytes, span: tuple[int, int] | None) -> str:
    """An entry's title as its XML holds it, for one the parser gave as empty: fastfeedparser
    drops an Atom ``type="xhtml"`` title (``<div>Mayor <em>resigns</em></div>``), and the
    story was headed by its first sentence."""
    found = _XHTML_TITLE.search(data, *span) if span else None
    return found[1].decode("utf-8", "replace") if found else ""


def _published(entry: dict[str, Any], dated: bool | None) -> str:
    """The entry's date, only from its date elements (``dated``: whether it has any, None if unknown).

    fastfeedparser, finding none, makes a date of the guid: ``<guid>88</guid>`` would be
    published on 1988-12-05. Where the entries' XML could not be told apart, a date equal
    to the one the guid makes is taken to be that one (slower: the guid is read as a date).
    """
    published, updated = _s(entry.get("published")), _s(entry.get("updated"))
    if dated is False:
        return ""
    guid = _s(entry.get("id"))
    # With a date element it can still be the guid's date: a pubDate fastfeedparser could not read
    # ("garbage") beside <guid>1999</guid> made 1999 and today's day.
    if published and (dated is None or _DATE_LIKE.fullmatch(guid)) and published == _guid_date(guid):
        return updated
    return published or updated


def _guid_date(guid: str) -> str | None:
    """The date fastfeedparser makes of ``guid`` for an entry without one of its own."""
    import fastfeedparser

    parse_date = getattr(fastfeedparser.main, "_parse_date", None)
    if not guid or guid.startswith(("http://", "https://")) or parse_date is None:
        return None  # it makes none of an address
    try:
        return parse_date(guid)
    except Exception:  # its private helper: whatever it raises, the guid gave no date
        return None


def _self_link(data: bytes) -> str | None:
    head = data[:16384]
    for first in (b"<item", b"<entry"):
        if first in head:
            head = head[: head.find(first)]
    found = _SELF_LINK.search(head)
    return (_href(found.group(0)) or None) if found else None


def _href(tag: bytes) -> str:
    """The address a ``<link>`` tag's ``href`` holds, its entities read ("" without one)."""
    href = _HREF.search(tag)
    return clean_line(unescape(href.group(1).decode("utf-8", "replace"))) if href else ""


def _parse_xml(data: bytes) -> dict[str, Any]:
    """fastfeedparser's result, else feedparser's (lenient) when fastfeedparser refuses the bytes."""
    import fastfeedparser

    checked = _xml_check(data)
    error = checked.error
    try:
        parsed: dict[str, Any] = fastfeedparser.parse(_char_refs(data, checked) if error or checked.doctype else data)
    except Exception as fast_error:  # a malformed feed: feedparser recovers more of them
        # Without the bytes it quotes ("first 200 chars: ..."): binary garbage in the error and the feed list.
        reason = _QUOTED.sub("", str(fast_error)) or type(fast_error).__name__
    else:
        # fastfeedparser reads some broken XML leniently too (a bare "&" dropped, an entry cut off
        # stored whole): said, as feedparser's reading is.
        return {**parsed, "malformed": "" if error is None or error.code in _NOT_DAMAGE else str(error)}
    if data.startswith(b"\x1f\x8b"):
        raise FeedError("not a feed: gzip-compressed data (a server sending it without saying so, or a .gz file)")
    if b"\x00" in data[:4096]:
        raise FeedError("not a feed: binary data")
    import feedparser

    try:
        parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)
    except Exception as exc:
        raise FeedError(f"not a readable feed ({reason}; {exc})") from None
    if not parsed.get("entries") and not (parsed.get("feed") or {}).get("title"):
        raise FeedError(f"not a readable feed ({reason})")
    return {"feed": dict(parsed.get("feed") or {}), "malformed": reason[:200],
            "entries": [_from_feedparser(e) for e in parsed.get("entries") or []]}


def _xml_check(data: bytes) -> _Checked:
    """Why ``data`` is not well-formed XML, and its DOCTYPE, from expat (tens of MB a second; its own
    guard against entity expansion, and no external entity is read)."""
    from xml.parsers import expat

    checked = _Checked()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    start = -1

    def doctype_start(*_: object) -> None:  # told once its name and identifiers are read: it starts before
        nonlocal start
        start = data.rfind(b"<!DOCTYPE", 0, parser.CurrentByteIndex + 1)

    def doctype_end() -> None:
        end = data.find(b">", parser.CurrentByteIndex)
        if start >= 0 and end >= 0:
            checked.doctype = (start, end + 1)

    def entity(name: str, parameter: bool, value: str | None, *_: object) -> None:
        # Its text, XML's own references read ("1 &lt; 2" was shown as "&q;"); another's, never.
        plain = value is not None and "&" not in _PREDEFINED_REF.sub("", value) and "<" not in value
        if not parameter and name not in _PREDEFINED:  # the first declaration of a name is the one
            checked.entities.setdefault(name, unescape(value) if plain and value is not None else None)

    parser.StartDoctypeDeclHandler = doctype_start
    parser.EndDoctypeDeclHandler = doctype_end
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        checked.error = exc
    except ValueError:  # a multi-byte charset declared in bytes that are not in it (UTF-16): the parsers decide
        pass
    return checked


# An HTML entity (&nbsp;) or an encoding expat lacks (windows-1252) is no damage: read as meant.
_NOT_DAMAGE = {expat_errors.codes[name] for name in (expat_errors.XML_ERROR_UNDEFINED_ENTITY,
                                                     expat_errors.XML_ERROR_UNKNOWN_ENCODING,
                                                     expat_errors.XML_ERROR_INCORRECT_ENCODING)}


def _from_feedparser(entry: dict[str, Any]) -> dict[str, Any]:
    """feedparser's entry in fastfeedparser's shape (dates as ISO text)."""
    out = dict(entry)
    for key in ("published", "updated"):
        when = entry.get(f"{key}_parsed")
        out[key] = dt.datetime(*when[:6]).replace(tzinfo=dt.UTC).isoformat() if when else None
    return out


def _enclosures(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """An entry's enclosures: RSS's, and Atom's ``<link rel="enclosure">`` (which fastfeedparser
    leaves among the links: an Atom entry's photo or podcast episode was dropped), each once."""
    found = [e for e in entry.get("enclosures") or [] if isinstance(e, dict)]
    urls = {_s(e.get("url")) for e in found}
    for link in entry.get("links") or []:
        if isinstance(link, dict) and _s(link.get("rel")) == "enclosure" and _s(link.get("href")) not in urls:
            urls.add(_s(link.get("href")))
            found.append({"url": link.get("href"), "type": link.get("type"), "length": link.get("length")})
    return found


@dataclass(frozen=True, slots=True)
class _MediaXml:
    """An entry's XML, to read its Media RSS where the parsers give less: every credit of a photo,
    and the title and copyright of a photo or of the whole entry (a thumbnail's, every photo's).
    ``prefix`` is Media RSS's in the feed; ``encoding`` the one its bytes are in."""

    xml: bytes
    prefix: bytes
    encoding: str

    def decoded(self, raw: bytes) -> str:
        """Bytes of the entry as text, in the feed's encoding."""
        try:
            return decode_labelled(raw, self.encoding, "replace")
        except LookupError:  # (an encoding Python does not know: the parsers read the feed as UTF-8)
            return raw.decode("utf-8", "replace")

    def text(self, raw: bytes) -> str:
        """An element's text, its references read."""
        return unescape(self.decoded(raw))

    def photos(self) -> Iterator[tuple[str, int, int, int]]:
        """Each ``<media:content>`` holding elements: its address, where it starts, where its inside starts and ends."""
        for found in _MEDIA_URL.finditer(self.xml):
            if not found[0].endswith(b"/>"):
                end = _MEDIA_END.search(self.xml, found.end())
                yield self.text(found[1]).strip(), found.start(), found.end(), end.start() if end else len(self.xml)

    def photo(self, url: str) -> tuple[int, int] | None:
        """Where the inside of the ``<media:content>`` of the photo at ``url`` is (None: none has one)."""
        return next(((start, end) for address, _, start, end in self.photos() if address == url.strip()), None)

    def field(self, name: bytes, url: str) -> str:
        """The text of the photo's own ``<media:NAME>``, else of the entry's (outside its photos'
        elements, as Media RSS gives what every photo of the entry shares)."""
        pattern = re.compile(_MEDIA_FIELD % (re.escape(self.prefix), name, re.escape(self.prefix), name), re.I | re.S)
        own = self.photo(url)
        if own and (found := pattern.search(self.xml, *own)):
            return self._found(found)
        photos = [(start, end) for _, start, _, end in self.photos()]
        for found in pattern.finditer(self.xml):
            if not any(start <= found.start() < end for start, end in photos):
                return self._found(found)
        return ""

    def _found(self, found: re.Match[bytes]) -> str:
        """A field's text: a CDATA section's as it is (its markup read later, as the entry's), else read."""
        return self.decoded(found[1]) if found[1] is not None else self.text(found[2])


def _media_xml(data: bytes) -> _MediaXml | None:
    """The feed's ``data`` with what reading its entries' Media RSS needs (None in UTF-16 or -32, ISO-2022)."""
    if _wide(data):
        return None
    prefix = _MEDIA_NS.search(data)
    return _MediaXml(data, prefix[1] if prefix else b"media", xml_declared(data) or "utf-8")


def _media_images(entry: dict[str, Any], xml: _MediaXml | None) -> list[Image]:
    """Photos from Media RSS and image enclosures, with their captions and credits (without a
    label such as "Photo:", as a saved page's credits are); ``xml`` is the entry's, where known."""
    from broadsheet.store.html.figures import clean_credit

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
        caption = (_s(media.get("description")) or _s(media.get("title"))
                   or (xml.field(b"title", url) if xml else "") or _s(media.get("text")))
        credit = _credit(_s(media.get("credit")), url, xml) or (
            clean_credit(_title(xml.field(b"copyright", url))) if xml else None)
        images.append(Image(_title(caption), credit, clean_line(url) or None))
    for enclosure in _enclosures(entry):
        url = _s(enclosure.get("url"))
        if url and url not in seen and _s(enclosure.get("type")).startswith("image/"):
            seen.add(url)
            images.append(Image("", None, clean_line(url)))
    return images


def _credit(first: str, url: str, xml: _MediaXml | None) -> str | None:
    """The credit of the Media RSS photo at ``url``: each of its ``<media:credit>`` elements in the
    entry's ``xml``, joined by commas ("Erik Sand, Mia Holm"), each without its label.
    fastfeedparser keeps the ``first`` only: a second photographer was lost."""
    from broadsheet.store.html.figures import clean_credit

    names = [first]
    own = xml.photo(url) if first and xml else None
    if own and xml:
        credits = [xml.text(c[1]).strip() for c in _CREDIT.finditer(xml.xml, *own)]
        if first.strip() in credits:  # (else it is given another way: in CDATA, by its media:group)
            names = credits
    cleaned = [name for name in (clean_credit(clean_line(n)) for n in names) if name]
    return ", ".join(dict.fromkeys(cleaned)) or None


def _media_files(entry: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(address, MIME type, length) of the sound and video an entry carries: its enclosures
    (a podcast's episode) and Media RSS content, images left to :func:`_media_images`."""
    found = [(_s(e.get("url")), _s(e.get("type")), e.get("length")) for e in _enclosures(entry)
             if not _s(e.get("type")).startswith("image/")]
    for media in entry.get("media_content") or []:  # one without a type is taken for a photo there
        if isinstance(media, dict) and (_s(media.get("medium")) in ("audio", "video")
                                        or _s(media.get("type")).startswith(("audio/", "video/"))):
            found.append((_s(media.get("url")), _s(media.get("type")), None))  # (fastfeedparser gives no size)
    return found


def _media(found: Sequence[tuple[str, str, Any]], base: str | None) -> list[Media]:
    """Each web address of ``found`` once, with its type and its length where it is a number of bytes."""
    media: dict[str, Media] = {}
    for url, kind, length in found:
        address = web_address(clean_line(url), base)
        if not address or address in media:
            continue
        media[address] = Media(address, clean_line(kind).lower()[:100], byte_count(length))
    return list(media.values())


# -- one entry ---------------------------------------------------------------------------


def item_article(number: int, base: str | None, source: str, *, guid: str, link: str, title: str, html: str,
                 text: str, standfirst: str, published: str, authors: list[str],
                 enclosures: list[tuple[str, str]]) -> Entry:
    """An entry from another reader's cache (newsboat), given field by field; ``base`` is its feed's address."""
    images = [Image("", None, clean_line(url)) for url, kind in enclosures if kind.startswith("image/")]
    media = [(url, kind, None) for url, kind in enclosures if not kind.startswith("image/")]
    return _entry(number, base, source, address=base, guid=guid, link=link, title=title, html=html, text=text,
                  standfirst=standfirst, published=published, authors=authors, images=images, media=media)


def _opens(summary: str, body: list[str], html: str) -> bool:
    """Whether a summary is the body's own opening, not a standfirst: feeds (and fastfeedparser,
    for an entry with only ``content:encoded``) fill it from the content, its paragraphs run into
    one, often cut short ("…", "[...]"); a first paragraph shorter than the cut was shown twice.
    fastfeedparser's text of a content keeps what its scripts hold ("Embedded tweet below.
    var x = 1; …"), which the body has not: its words are those of the content's markup taken away."""
    whole = _CUT_SHORT.sub("", summary)
    start = whole[:80]
    if not start:
        return False
    if start in body[0] or " ".join(body).startswith(start):
        return True
    words = _WORD.findall(whole[:1000].lower())
    # Words whole only: the last of a summary cut short may be cut too ("harbo…").
    words = words[:_SAME_WORDS] if len(words) > _SAME_WORDS else words[:-1] if whole != summary else words
    return len(words) >= 3 and _WORD.findall(unescape(_TAG.sub(" ", html[:4000])).lower())[:len(words)] == words


def _entry(number: int, base: str | None, source: str, *, address: str | None, guid: str, link: str, title: str,
           html: str, text: str, standfirst: str, published: str, authors: list[str], images: list[Image],
           media: Sequence[tuple[str, str, Any]] = (), banner: str = "", standfirst_literal: bool = False,
           title_literal: bool = False,
           content_base: str | None = None, guid_is_link: bool = False) -> Entry:
    """One entry as an article. Its link, resolved against ``address``, is its address only when it
    is a web one: a relative link left relative would make every feed's ``/news/1`` one story.

    Relative addresses in its HTML (``<img src="p1.png">``) are resolved against ``content_base``,
    the xml:base the feed declares for it, else against the entry's link: the HTML is a copy of
    that page's, written for it (a blog's ``p1.png`` beside its post: against the feed's address
    it was a 404); else against ``address``.

    ``banner`` (a JSON Feed item's ``banner_image``) is a picture to head the story with, no news
    photo: it is the story's photo only when the entry has no other, as a reader shows it on top.
    ``standfirst_literal``, ``title_literal``: the standfirst, the title, is plain text (an Atom ``type="text"``
    one, a JSON Feed's), not markup: a "<video>" in it is words.
    ``guid_is_link``: the guid is the parser's copy of the link, the entry giving none (kept as its key,
    as before, but told apart from others of that link: see :func:`_links_apart`)."""
    link = web_address(clean_line(link), address) or ""
    guid = clean_line(guid)
    images = [_resolved(image, address or base) for image in images]
    if html:
        body, found = _html(html, content_base or link or address or base)
        images = images + [image for image in found if image.src not in {i.src for i in images}]
    else:
        body = _paragraphs(text)
    if banner and not images:
        images = [_resolved(Image("", None, banner), address or base)]
    # "Additional reporting by ..." closing an entry: a credit, as on the saved page (story text before).
    credits = closing_credits(body)
    headline = clean_line(title) if title_literal else _title(title)
    titled = bool(headline)
    if not headline:
        first = clean_line(body[0]) if body else ""  # (a code block's lines on one)
        headline = first[:HEADLINE_CHARS].rsplit(" ", 1)[0] + "…" if len(first) > HEADLINE_CHARS else first
    if not headline:
        headline = link
    if not headline:
        return Entry(None, number, "the entry has no title, text or link")
    intro = (clean_line(standfirst) if standfirst_literal else _title(standfirst)) if standfirst else None
    if intro and body and _opens(intro, body, html):
        intro = None
    date = _iso(published)
    # (Not a headline made of the body, which an edit changes.)
    title_key = _title_key(base, headline, date) if base and titled else None
    if guid and base:
        key: str | None = f"{base}#{guid}"
    else:
        key = link or title_key
    article = Article(
        headline=headline,
        body=body,
        standfirst=intro or None,
        source=source or None,
        published=date,
        authors=[name for name in (person(clean_line(a)) for a in authors) if name],
        images=images,
        credits=credits,
        url=link or None,
        key=key,
        media=_media(media, address or base),
    )
    by_link = bool(link) and (not guid or guid_is_link)
    return Entry(article, number, apart_key=(title_key or _text_key(base, article)) if by_link and base else None)


def _title_key(base: str, title: str, published: str | None) -> str:
    """The identity of an entry with neither guid nor link: its feed, title and the day of its date
    (the ISO date's first 10 characters). Its text is no part of it, so an entry the publisher
    corrects stays one story (its text made its id, and the corrected entry came as a second story);
    its time neither, so one whose date is the feed's build time (10:00, then 10:05) stays one story,
    while two titled alike on two days are two. Entries of one download giving one key (two
    "Service notice" entries, undated) are known by their text instead, as before (:func:`_titles_apart`)."""
    return f"{base}{_BY_TITLE}{title}" + (f" @ {published[:_DAY]}" if published else "")


def by_title(article: Article) -> bool:
    """Whether ``article`` is known by its feed, title and date (see :func:`_title_key`)."""
    return bool(article.key) and not article.url and _BY_TITLE in (article.key or "")


def _resolved(image: Image, base: str | None) -> Image:
    """``image`` (a Media RSS photo, an enclosure) with a relative address resolved against ``base``, as
    its media files' are: left relative, it was never downloaded, and no fetch said so."""
    if not image.src or _WEB.match(image.src):
        return image
    found = web_address(image.src, base)
    return replace(image, src=found) if found else image


def _paragraphs(text: str) -> list[str]:
    """Plain text's paragraphs, parted by blank lines. A single line break in it is content (a poem's
    lines, an address): a paragraph of lines keeps them, as a ``<pre>``'s (one of them was run into
    one line, an indented line into the next); a one-line paragraph is one clean line, as before."""
    from broadsheet.store.html.tree import kept_lines

    found = (kept_lines(part) for part in _BLANK_LINES.split(clean_text(text)))
    return [paragraph if "\n" in paragraph else clean_line(paragraph) for paragraph in found if paragraph]


def _title(text: str) -> str:
    """A one-line field that may hold markup or entities (titles, captions): plain text, the words of
    a tag written about kept ("the <video> element": see :mod:`broadsheet.store.feeds.markupline`)."""
    return markup_line(text) if _MARKUP.search(text) else clean_line(text)


def _html(html: str, base: str | None) -> tuple[list[str], list[Image]]:
    from broadsheet.store.html import fragment

    found = fragment(html, base)  # its paragraphs and captions are clean lines already
    return found.paragraphs, list(found.images)


def _iso(value: str) -> str | None:
    """A date as ISO text, or None when ``value`` is no real date (a bare number, a short token)."""
    value = clean_line(value)
    if not value or (value.isdigit() and len(value) != 8):  # a number is no date; 20240105 is one
        return None
    try:
        return dt.datetime.fromisoformat(value).isoformat()
    except ValueError:
        return _full_date(value)


def _full_date(value: str) -> str | None:
    """dateutil's reading of ``value`` when the text names a day, a month and a year.

    dateutil fills what the text lacks from today ("5" is the 5th of this month, "1234"
    today's date in 1234): read with two different defaults, such text gives two days.
    """
    from dateutil import parser as dateparser

    try:
        first, second = (dateparser.parse(value, default=default) for default in _DEFAULT_DAYS)
    except (ValueError, OverflowError):
        return None
    return first.isoformat() if first.date() == second.date() else None


_EMAIL = r"(?:mailto:)?[^\s@()<>]+@[^\s@()<>]+"
#: RSS 2.0's ``<author>`` is an address, most often with the name: ``ann@example.com (Ann Lee)``,
#: or the mail form ``Ann Lee <ann@example.com>``.
_NAMED_ADDRESS = re.compile(rf"^{_EMAIL}\s*\((?P<a>[^()]+)\)$|^(?P<b>[^<>()]+?)\s*[<(]{_EMAIL}[>)]$")


def person(author: str) -> str:
    """The name of a feed's author given with an e-mail address (the byline showed the address)."""
    named = _NAMED_ADDRESS.match(author)
    if not named:
        return author
    name = (named.group("a") or named.group("b")).strip()
    return "" if name.casefold() == "unknown" else name  # Blogger's "noreply@blogger.com (Unknown)": no one

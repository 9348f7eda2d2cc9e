"""Saved web pages: HTML, SingleFile pages and "Save page, complete".

Recognised by content, not name. A page larger than the size limit is read up to the
limit (its story is near the top) and the summary says so. Photos the page carries
(``data:`` URIs of SingleFile, files in ``page_files/``) are kept with their captions.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser

# Imported with the formats, so the importer's worker processes inherit it from the parent
# already loaded (40 ms each otherwise, a tenth of an import of 80 pages).
from broadsheet.store.html import page_tree, tags_note, tree_article
from broadsheet.store.ingest import SAVED_PAGE
from broadsheet.store.ingest.decode import (
    XML_ENCODING,
    DecodeError,
    damaged_note,
    decode_bytes,
    decode_labelled,
    encoding_name,
    human_size,
    mended_utf8,
    meta_charset,
    names_utf8,
)
from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.formats.photos import Lookup, attach_photos, files_lookup
from broadsheet.store.ingest.source import Source
from broadsheet.store.model import Article
from broadsheet.store.parse.types import ParseError
from broadsheet.store.sanitize import clean_line, is_web_address

_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                    rb"<(?:!doctype\s+html|html|head|body|meta|title|article|main|section|div|p|h1|link|script|style)"
                    rb"[\s>/]", re.IGNORECASE | re.DOTALL)
# Where browsers and SingleFile note the page's address: "<!-- saved from url=(0042)https://... -->",
# "<!-- Page saved with SingleFile \n url: https://... -->".
_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_SINGLEFILE_URL = re.compile(rb"<!--\s*Page saved with SingleFile\s+url:\s*(\S+)", re.IGNORECASE)


def looks_like_html(head: bytes) -> bool:
    """True for the start of an HTML or XHTML document."""
    return _START.match(head[:8192]) is not None


def decode_page(data: bytes) -> tuple[str, str]:
    """The text of a page and a note about its encoding (empty when nothing to say).

    A BOM wins; then the declared charset, unless the bytes are valid UTF-8 holding
    non-ASCII text while the page declares another charset (a page re-saved as UTF-8
    that kept its old declaration, the usual wrong declaration); then a guess.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(data).text, ""
    # The <meta> is looked for in the whole head (up to 64 kB): one after 6 kB of inline CSS was missed.
    declared = XML_ENCODING.search(data[:200])
    name = declared.group(1).decode("ascii", "replace").lower() if declared else meta_charset(data)
    try:
        if name and codecs.lookup(name).name == "utf-16":
            name = "utf-8"  # a document read as bytes without a BOM cannot be UTF-16, whatever it says
    except LookupError:
        pass
    try:
        text = data.decode("utf-8")
        if name and not data.isascii() and codecs.lookup(name).name != "utf-8":
            return text, f"declared {name} but is UTF-8; read as UTF-8"
        return text, ""
    except LookupError:
        return text, ""
    except UnicodeDecodeError:
        pass
    if name and not names_utf8(name):
        if (mended := mended_utf8(data)) is not None:  # (any bytes are cp1252: it would read them all)
            return mended[0], f"declared {name} but is UTF-8; {damaged_note(mended[1])}"
        try:
            return decode_labelled(data, name), ""
        except (LookupError, UnicodeDecodeError):
            decoded = decode_bytes(data)
            return decoded.text, f"declared {name} but is not; encoding guessed as {encoding_name(decoded.encoding)}"
    decoded = decode_bytes(data)  # UTF-8 with a few bad bytes stays UTF-8 (see decode.mended_utf8)
    if name and not decoded.damaged:
        return decoded.text, f"declared {name} but is not; encoding guessed as {encoding_name(decoded.encoding)}"
    return decoded.text, decoded.note


def saved_from(data: bytes) -> str | None:
    """The page's address as the browser or SingleFile noted it when saving."""
    head = data[:4096]
    match = _SAVED_FROM.search(head) or _SINGLEFILE_URL.search(head)
    if not match:
        return None
    url = clean_line(match.group(1).decode("utf-8", "replace"))
    return url if is_web_address(url) else None


def read_head_capped(source: Source) -> tuple[bytes, int]:
    """The first ``source.max_bytes`` bytes of a file and its whole size.

    Sized from the file (``read(n)`` allocates ``n`` bytes first: 5 MB for a 200 KB page).
    """
    if len(source.head) == source.size:
        return source.head[: source.max_bytes], source.size
    try:
        with open(source.path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(min(size, source.max_bytes))
    except OSError as exc:
        raise DecodeError(f"cannot read the file ({exc.strerror or exc})") from None
    return data, size


def read_page(data: bytes, url: str | None = None) -> tuple[Article, list[str]]:
    """The article of one page's bytes and notes on its encoding and length; ParseError when it holds no story."""
    return tree_page(*parsed_page(data, url))


#: A page read into its tree: the tree, the page's address, notes on its encoding and on its tags cut.
Parsed = tuple[LexborHTMLParser, str | None, list[str], str]


def parsed_page(data: bytes, url: str | None = None) -> Parsed:
    """One page's bytes read into its tree; its text is not kept (the tree holds the page)."""
    text, encoding_note = decode_page(data)
    return _parsed(text, url or saved_from(data), encoding_note)


def parsed_file(source: Source) -> tuple[Parsed, str]:
    """A saved page file read into its tree, up to the size limit, and a note when it is over it.

    Its bytes are let go once decoded and its text once parsed: the tree holds the page, and
    each was as much again (a 64 MB page's took 128 MB more while its story was read)."""
    data, size = read_head_capped(source)
    note = ""
    if size > len(data) and len(data) >= source.max_bytes:
        note = (f"page of {human_size(size)} is over the {human_size(source.max_bytes)} limit: "
                "only its first part was read (see --max-size)")
    text, encoding_note = decode_page(data)
    url = saved_from(data)
    del data
    return _parsed(text, url, encoding_note), note


def _parsed(text: str, url: str | None, encoding_note: str) -> Parsed:
    tree, cut = text_tree(text)
    return tree, url, [encoding_note] if encoding_note else [], cut


def text_page(text: str, url: str | None) -> tuple[Article, list[str]]:
    """The article of a page's text and a note when only its first tags were read (see
    page.MAX_TAGS); ParseError when it holds no story, saying so of a page cut short."""
    tree, cut = text_tree(text)
    return tree_page(tree, url, [], cut)


def text_tree(text: str) -> tuple[LexborHTMLParser, str]:
    """A page's tree and the note of its tags cut ("" when it was read whole)."""
    return page_tree(text), tags_note(text)


def tree_page(tree: LexborHTMLParser, url: str | None, notes: list[str], cut: str) -> tuple[Article, list[str]]:
    """The article of a page's tree and ``notes`` with the note of its tags ``cut``; ParseError when
    it holds no story, saying so of a page cut short."""
    try:
        return tree_article(tree, url), [*notes, cut] if cut else notes
    except ParseError as exc:
        if not cut:
            raise
        raise ParseError(f"{exc.reason}: {cut}") from None


def with_photos(article: Article, notes: list[str], *lookups: Lookup) -> Item:
    """The item of a page's article, its images tied to the photos the input carries."""
    article, photos, photo_notes = attach_photos(article, *lookups)
    return Item(article, note="; ".join([n for n in notes if n] + photo_notes), photos=photos)


def page_item(page: Parsed, note: str, source: Source) -> Item:
    """The article of a saved page file, with the photos of its ``_files`` folder and ``data:`` URIs."""
    try:
        article, notes = tree_page(*page)
    except ParseError as exc:
        return Item(None, reason=str(exc))
    return with_photos(article, [note, *notes], files_lookup(source.path))


class HtmlPage:
    """One saved page: plain HTML or XHTML, a SingleFile page, a "Save page, complete" page."""

    name = "HTML page"
    kind = SAVED_PAGE

    def sniff(self, source: Source) -> bool:
        return looks_like_html(source.head)

    def read(self, source: Source) -> Iterator[Item]:
        yield page_item(*parsed_file(source), source)  # (the tree is let go before the story is stored)

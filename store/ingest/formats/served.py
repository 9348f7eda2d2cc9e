"""Pages that come with a header naming their charset: a WARC record's HTTP response, an MHTML
file's HTML part. The header is how the browser read the page, so it is honoured before the
page's own ``<meta>`` (as browsers do, and as the feeds honour an HTTP charset); without one,
the page is read as a saved page is (its ``<meta>``, however late in its head)."""

from __future__ import annotations

from broadsheet.store.ingest.decode import header_charset, in_labelled_charset, is_wide
from broadsheet.store.ingest.formats.html import read_page, saved_from, text_page
from broadsheet.store.model import Article


def read_served_page(data: bytes, url: str | None, content_type: str | None) -> tuple[Article, list[str]]:
    """The article of a page's bytes served as ``content_type``, and notes on its encoding and length;
    ParseError when it holds no story."""
    label = header_charset(content_type)
    # (bytes without a byte-order mark are not UTF-16, whatever the label)
    text = in_labelled_charset(data, label) if label and not is_wide(label) else None
    if text is None:
        return read_page(data, url)  # UTF-8, a byte-order mark, nothing named: the page's own reading
    return text_page(text, url or saved_from(data))

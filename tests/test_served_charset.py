"""A page's charset named only in the header it came with (a WARC record's HTTP response, an MHTML
part) or late in its head is how it is read: "Łódź", not "£ódŸ" (the bytes read as Windows-1252)."""

from __future__ import annotations

import io
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from broadsheet.store.ingest.decode import meta_charset
from broadsheet.store.ingest.formats import Item, read_source

URL = "https://valley-post.example/news/bridge"
HEADLINE = "Nowy most w Łodzi otwarty dla pieszych"
PARAGRAPHS = [
    "W sobotę w Łodzi otwarto nowy most dla pieszych i rowerzystów, który łączy stare miasto z osiedlem nad rzeką.",
    "Budowa trwała dwa lata; mieszkańcy mówią, że droga do pracy skróciła się o kwadrans, a wieczorem jest jaśniej.",
    "Żółte latarnie na moście zapalają się o zmierzchu, a w niedzielę odbędzie się tu festyn dla całych rodzin.",
]


def page(head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<!doctype html><html><head>{head}<title>{HEADLINE}</title></head><body><article><h1>{HEADLINE}</h1>"
            f"{body}</article></body></html>")


def warc(body: bytes, content_type: str) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(URL, "response", payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


def only(path: Path) -> Item:
    (item,) = list(read_source(path))
    assert item.article is not None, item.reason
    return item


def test_a_warc_page_is_read_in_the_charset_its_http_header_names(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc(page().encode("iso-8859-2"), "text/html; charset=ISO-8859-2"))
    item = only(path)
    assert item.article is not None and item.article.headline == HEADLINE
    assert item.article.body == PARAGRAPHS and "guessed" not in item.note


@pytest.mark.parametrize("label", ["undefined", "rot13", "base64", "no-such-charset"])
def test_a_header_naming_no_text_charset_is_ignored_not_fatal(tmp_path: Path, label: str) -> None:
    """'charset=undefined' raised UnicodeError, which stopped the whole archive as damaged."""
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc(page().encode("iso-8859-2"), f"text/html; charset={label}"))
    assert only(path).article is not None


def test_an_http_latin1_label_reads_as_browsers_do_and_utf8_stays_utf8(tmp_path: Path) -> None:
    quoted = page().replace(HEADLINE, "Harbour \u201cfree\u201d for a day").replace("Łodzi", "Lodzi")
    path = tmp_path / "latin1.warc.gz"
    path.write_bytes(warc(quoted.encode("cp1252", "replace"), "text/html; charset=iso-8859-1"))
    assert only(path).article.headline == "Harbour \u201cfree\u201d for a day"  # type: ignore[union-attr]
    path.write_bytes(warc(page().encode("utf-8"), "text/html; charset=iso-8859-1"))  # servers often say Latin-1
    assert only(path).article.headline == HEADLINE  # type: ignore[union-attr]


def test_an_mhtml_page_is_read_in_the_charset_of_its_html_part(tmp_path: Path) -> None:
    message = MIMEMultipart("related", type="text/html")
    message["Snapshot-Content-Location"] = URL
    part = MIMEText(page(), "html", "iso-8859-2")  # no <meta>: only the part's header names the charset
    part["Content-Location"] = URL
    message.attach(part)
    path = tmp_path / "page.mht"
    path.write_bytes(b"From: <Saved by Blink>\r\n" + message.as_bytes())
    item = only(path)
    assert item.article is not None and item.article.headline == HEADLINE
    assert item.article.body == PARAGRAPHS


def test_a_meta_charset_after_a_long_style_is_seen(tmp_path: Path) -> None:
    style = "<style>" + "".join(f".c{n}{{margin:{n}px}}\n" for n in range(400)) + "</style>"
    head = style + '<meta charset="iso-8859-2">'
    assert len(style) > 6000
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc(page(head).encode("iso-8859-2"), "text/html"))
    assert only(path).article.headline == HEADLINE  # type: ignore[union-attr]
    saved = tmp_path / "saved.html"  # a page saved on its own: it was read as Windows-1252 ("£odzi")
    saved.write_bytes(page(head).encode("iso-8859-2"))
    assert only(saved).article.headline == HEADLINE  # type: ignore[union-attr]
    assert meta_charset(page(head).encode("iso-8859-2")) == "iso-8859-2"
    assert meta_charset(b"<html><head></head><body><meta charset=koi8-r>") is None  # in the body: not the page's
    assert meta_charset(b"<meta " * 20000) is None  # unclosed tags: bounded work, no match

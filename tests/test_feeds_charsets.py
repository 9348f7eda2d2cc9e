"""Feeds in the charsets they declare or are served in: multi-byte ones (GB2312, Shift_JIS, EUC-KR,
Big5) read as browsers read them, and no feed's charset spoiling the others' fetch."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from broadsheet.store.feeds.fetch import Settings, fetch
from broadsheet.store.feeds.parse import parse_feed
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from tests.feeds import rss, rss_feed, rss_item

FAST = Settings(timeout=0.5, total=2.0, retries=1, backoff=0.05, max_wait=1.0, max_bytes=1024 * 1024)


def declared(text: str, label: str, codec: str, n: int = 1) -> bytes:
    """A feed of one entry (number ``n``) headlined ``text``, declaring ``label``, its bytes in ``codec``."""
    feed = rss(rss_item(n, title=text, text=f"{text} opens."), title=text).decode()
    return feed.replace('encoding="UTF-8"', f'encoding="{label}"').encode(codec)


def headlines(data: bytes) -> list[str]:
    return [e.article.headline for e in parse_feed(data, "https://feeds.example/f").entries if e.article]


@pytest.mark.parametrize(("label", "text"), [("GB2312", "北京新闻"), ("Shift_JIS", "東京ニュース"),
                                             ("EUC-KR", "서울 뉴스"), ("Big5", "香港新聞")])
def test_a_feed_in_the_multi_byte_charset_it_declares_is_read(label: str, text: str) -> None:
    feed = parse_feed(declared(text, label, label), "https://feeds.example/f")
    assert feed.title == text and not feed.notes
    assert [e.article.body for e in feed.entries if e.article] == [[f"{text} opens."]]


def test_a_multi_byte_feed_fetches_beside_the_others(store: Store, server: HTTPServer) -> None:
    # expat refused it ("multi-byte encodings are not supported"): the fetch stopped, nothing stored.
    server.expect_request("/gb.xml").respond_with_data(declared("北京新闻", "GB2312", "gb2312"),
                                                       content_type="application/rss+xml")
    server.expect_request("/feed.xml").respond_with_data(rss_feed(2, start=5), content_type="application/rss+xml")
    Subscriptions(store).add([server.url_for("/gb.xml"), server.url_for("/feed.xml")], ())
    report = fetch(store, settings=FAST)
    assert sorted(r.outcome for r in report.results) == ["new", "new"]
    assert "北京新闻" in {m.headline for m in store.stories()} and len(store) == 3


def test_utf_16_declaring_a_multi_byte_charset_is_read_as_utf_16() -> None:
    assert headlines(declared("北京新闻", "GB2312", "utf-16")) == ["北京新闻"]


@pytest.mark.parametrize(("label", "text", "codec"), [("GB2312", "朱镕基访问北京", "gbk"),
                                                      ("Shift_JIS", "東京①ニュース", "cp932"),
                                                      ("EUC-KR", "서울 똠방각하 뉴스", "cp949"),
                                                      ("Big5", "香港新聞：銹", "big5hkscs")])
def test_a_multi_byte_label_is_read_as_browsers_read_it(label: str, text: str, codec: str) -> None:
    # Python's GB2312 lacks GBK's 镕 (Shift_JIS cp932's ①...): the feed was Windows-1252 mojibake.
    feed = parse_feed(declared(text, label, codec), "https://feeds.example/f")
    assert feed.title == text and not feed.notes
    assert headlines(declared(text, label, codec)) == [text]


def test_a_multi_byte_feed_with_a_bad_byte_stays_in_its_charset() -> None:
    data = declared("北京新闻", "GB2312", "gb2312").replace("新".encode("gb2312"), b"\xff")
    feed = parse_feed(data, "https://feeds.example/f")
    assert feed.title == "北京\ufffd闻"  # (the feed's title, the entry's and its text: 3 places)
    assert feed.notes == ["not valid GB2312 in 3 places (each shown as \ufffd)"]


def test_a_feed_served_as_gb2312_without_a_declaration_is_read_as_gbk(store: Store, server: HTTPServer) -> None:
    data = declared("朱镕基访问北京", "GB2312", "gbk").replace(b' encoding="GB2312"', b"")
    server.expect_request("/gb.xml").respond_with_data(data, content_type="application/rss+xml; charset=gb2312")
    Subscriptions(store).add([server.url_for("/gb.xml")], ())
    fetch(store, settings=FAST)
    assert [m.headline for m in store.stories()] == ["朱镕基访问北京"]


def test_utf_8_served_as_utf_8_is_read_so_whatever_it_declares(store: Store, server: HTTPServer) -> None:
    data = declared("Café opens", "ISO-8859-1", "utf-8")  # "CafÃ© opens", read as it declares
    server.expect_request("/u8.xml").respond_with_data(data, content_type="application/rss+xml; charset=utf-8")
    server.expect_request("/l1.xml").respond_with_data(declared("Crème brûlée", "ISO-8859-1", "latin-1", 2),
                                                       content_type="application/rss+xml; charset=utf-8")
    Subscriptions(store).add([server.url_for("/u8.xml"), server.url_for("/l1.xml")], ())
    fetch(store, settings=FAST)
    assert sorted(m.headline for m in store.stories()) == ["Café opens", "Crème brûlée"]


@pytest.mark.parametrize("text", ["中国新闻", "天气预报今天", "Café crème"])
def test_utf_8_declaring_a_multi_byte_charset_is_read_as_utf_8_and_said(text: str) -> None:
    """gb18030 reads most UTF-8 bytes as other characters: "中国新闻" was "涓\ue15e浗鏂伴椈", unsaid."""
    feed = parse_feed(declared(text, "gb2312", "utf-8"), "https://feeds.example/f")
    assert feed.title == text
    assert feed.notes == ["declared gb2312 but is UTF-8; read as UTF-8"]


def test_plain_ascii_declaring_a_multi_byte_charset_is_read_without_a_note() -> None:
    feed = parse_feed(declared("Harbour news", "gb2312", "ascii"), "https://feeds.example/f")
    assert feed.title == "Harbour news" and not feed.notes

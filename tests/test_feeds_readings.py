"""Feeds whose XML reads differently from how it looks: a DOCTYPE and its entities, charsets that
disagree, an id given twice. Each read the way fetched and imported alike."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from broadsheet.store.feeds.fetch import Settings, fetch
from broadsheet.store.feeds.parse import ENTITY_CHARS, parse_feed
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.feeds.summary import summarize
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store

STEADY = Settings(timeout=10.0, total=20.0, retries=0)
#: An RSS 0.91 feed as old tools wrote it: Latin-1, the Netscape DOCTYPE, HTML's entities.
NETSCAPE = ('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            '"http://dtd.example/rss-0.91.dtd">\n')
OLD = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n{doctype}<rss version="0.91"><channel>'
       "<title>Vieux &eacute;crits</title><link>https://vieux.example/</link><description>x</description>"
       "<item><title>Caf&eacute; &amp; cr&egrave;me ouvert</title><link>https://vieux.example/1</link>"
       "<description>Na&iuml;ve plan &mdash; dropped.</description></item></channel></rss>")
READ = ("Vieux écrits", "Café & crème ouvert", ["Naïve plan — dropped."])


def stories(store: Store) -> list[tuple[str | None, str, list[str]]]:
    return [(m.source, m.headline, list(store.body(m))) for m in store.stories()]


def read(data: bytes) -> tuple[str, str, list[str]]:
    feed = parse_feed(data, "https://vieux.example/rss")
    [entry] = feed.entries
    assert entry.article is not None
    return feed.title, entry.article.headline, entry.article.body


def test_a_feed_with_a_doctype_keeps_the_text_of_its_html_entities(
        store: Store, server: HTTPServer, tmp_path: Path) -> None:
    """With a DOCTYPE the entities were not told as errors, and libxml2 dropped each one with the
    text after it, without a word: "Caf", feed "Vieux", text "Na"."""
    data = OLD.format(doctype=NETSCAPE).encode("latin-1")
    assert read(data) == read(OLD.format(doctype="").encode("latin-1")) == READ
    path = tmp_path / "old.xml"
    path.write_bytes(data)
    report = import_paths(store, [path])
    assert report.count("imported") == 1 and not [o.note for o in report.outcomes if o.note]
    assert stories(store) == [READ]
    fetched = Store(tmp_path / "fetched")
    server.expect_request("/old.xml").respond_with_data(data, content_type="application/rss+xml")
    Subscriptions(fetched).add([server.url_for("/old.xml")])
    assert not fetch(fetched, settings=STEADY).failed
    assert stories(fetched) == [READ]


def test_the_entities_a_feeds_own_dtd_gives_as_text_are_read_and_no_others(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    data = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss [<!ENTITY co "Harbour Printing Company">'
            f'<!ENTITY file SYSTEM "{secret.as_uri()}"><!ENTITY two "&co; &co;">]>'
            "<rss version='2.0'><channel><title>Quay &co;</title><link>https://quay.example/</link>"
            "<item><title>Made by &co;</title><guid>q1</guid>"
            "<description>By &co; &amp; &eacute;quipe: &file; &two; &unknown; end.</description></item>"
            "</channel></rss>").encode()
    assert read(data) == ("Quay Harbour Printing Company", "Made by Harbour Printing Company",
                          ["By Harbour Printing Company & équipe: &file; &two; &unknown; end."])


def test_a_feeds_own_entity_holding_xmls_references_is_read_as_its_text() -> None:
    # "1 &lt; 2" was kept as written ("Odds &q; here"); a reference to another entity still is.
    data = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY q "1 &lt; 2 &amp; 3"><!ENTITY co "Quay">'
            b'<!ENTITY by "&co; &amp; Sons">]><rss version="2.0"><channel><title>Odds</title><item>'
            b"<title>Odds &q; here</title><guid>1</guid><description>Before &q; after &by;.</description>"
            b"</item></channel></rss>")
    assert read(data) == ("Odds", "Odds 1 < 2 & 3 here", ["Before 1 < 2 & 3 after &by;."])


def test_a_feeds_own_entity_written_out_a_million_times_over_is_bounded() -> None:
    """Text only, so no billion laughs, but 10,000 characters named 300 times is 3 MB from 12 KB
    (below expat's guard): written out up to ENTITY_CHARS, the rest kept as written."""
    data = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{"tide " * 2000}">]>'
            "<rss version='2.0'><channel><title>Big</title><item><title>Big</title><guid>b</guid>"
            f"<description>{'&big;' * 300}</description></item></channel></rss>").encode()
    _, _, body = read(data)
    text = " ".join(body)
    assert ENTITY_CHARS - 10_000 < text.count("tide") * 5 <= ENTITY_CHARS
    assert text.count("&big;") == 300 - ENTITY_CHARS // 10_000


def latin(declaration: str) -> bytes:
    """A feed in Latin-1 under ``declaration``."""
    return (f"{declaration}<rss version='2.0'><channel><title>Gare du Nord</title><item><title>Crêpes à la gare"
            "</title><guid>g1</guid><description>Déjà fermé, hélas.</description></item></channel></rss>"
            ).encode("latin-1")


CREPES = ("Gare du Nord", "Crêpes à la gare", ["Déjà fermé, hélas."])
UTF8 = '<?xml version="1.0" encoding="utf-8"?>'
GUESSED = "declared utf-8 but is not; read as Windows-1252"


def test_a_feed_not_in_the_charset_it_declares_is_read_in_the_one_it_is_in(
        store: Store, server: HTTPServer, tmp_path: Path) -> None:
    """Latin-1 said to be UTF-8 came out as "Cr\ufffdpes \ufffd la gare" (its XML "damaged"): read
    as the server's charset says, else as Windows-1252, and said (not when the server said it)."""
    assert read(latin(UTF8)) == CREPES and parse_feed(latin(UTF8)).notes == [GUESSED]
    path = tmp_path / "gare.xml"
    path.write_bytes(latin(UTF8))
    report = import_paths(store, [path])
    assert [o.note for o in report.outcomes] == [GUESSED] and stories(store) == [CREPES]
    fetched = Store(tmp_path / "fetched")
    server.expect_request("/said.xml").respond_with_data(latin(UTF8), content_type="text/xml; charset=iso-8859-1")
    server.expect_request("/unsaid.xml").respond_with_data(latin(UTF8), content_type="application/rss+xml")
    Subscriptions(fetched).add([server.url_for("/said.xml"), server.url_for("/unsaid.xml")])
    summary = summarize(fetch(fetched, settings=STEADY))
    assert summary.counts == "2 new, 0 updated from 2 feeds; 0 failed"
    assert summary.feeds == (f"Gare du Nord ({server.url_for('/unsaid.xml').split('/')[2]}): {GUESSED}",)
    assert {(headline, tuple(body)) for _, headline, body in stories(fetched)} == {(CREPES[1], tuple(CREPES[2]))}


def test_a_byte_order_mark_wins_over_the_charset_declared_and_utf_8_damaged_in_places_stays_utf_8() -> None:
    """A UTF-8 byte-order mark before encoding="iso-8859-1" gave "CrÃªpes Ã  la gare"."""
    data = b"\xef\xbb\xbf" + latin('<?xml version="1.0" encoding="iso-8859-1"?>').decode("latin-1").encode()
    assert read(data) == CREPES and parse_feed(data).notes == []
    # A stray Latin-1 byte among a UTF-8 feed's accents (four times as many, eight at least)
    damaged = latin(UTF8).decode("latin-1").encode().replace(b"gare", "gare \xe9t\xe9 \xe9l\xe8ve".encode() + b"\xe9")
    assert read(damaged) == ("Gare du Nord", "Crêpes à la gare été élève\ufffd", CREPES[2])
    assert parse_feed(damaged).notes == ["not valid UTF-8 in 1 place (each shown as \ufffd)"]
    assert parse_feed(damaged).malformed == ""


def test_entries_repeating_an_id_are_one_story_and_said(store: Store, server: HTTPServer, tmp_path: Path) -> None:
    """The story of the last of them was kept without a word (the import counted the others
    "already present"). It is kept still (a store holds it), and the summaries say so."""
    items = ("<item><title>Tide early</title><guid>t1</guid><description>First.</description></item>"
             "<item><title>Tide late</title><guid>t1</guid><description>Second.</description></item>"
             "<item><title>Wind</title><guid>w1</guid><pubDate>45 Foo 2024</pubDate><description>Gusts.</description>"
             "</item><item><title>Tide later</title><guid>t1</guid><description>Third.</description></item>")
    data = f"<rss version='2.0'><channel><title>Pier Post</title><link>https://pier.example/</link>{items}</channel></rss>".encode()
    path = tmp_path / "pier.xml"
    path.write_bytes(data)
    report = import_paths(store, [path])
    assert (report.count("imported"), report.count("present")) == (2, 0)
    assert [o.note for o in report.outcomes] == [  # said once, on the first story, as a damaged feed is
        "2 entries repeat another entry's id: kept once; "
        'its date "45 Foo 2024" cannot be read as a date (a real day, years 1 to 9999): left out', ""]
    assert sorted(headline for _, headline, _ in stories(store)) == ["Tide later", "Wind"]
    fetched = Store(tmp_path / "fetched")
    server.expect_request("/pier.xml").respond_with_data(data, content_type="application/rss+xml")
    Subscriptions(fetched).add([server.url_for("/pier.xml")])
    summary = summarize(fetch(fetched, settings=STEADY))
    assert summary.text == ("2 new, 0 updated from 1 feed; 0 failed\nNew: Pier Post 2\n"
                            "Pier Post: 2 entries repeat another entry's id: kept once")
    assert sorted(headline for _, headline, _ in stories(fetched)) == ["Tide later", "Wind"]

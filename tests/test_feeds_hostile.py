"""Feeds that mislead: a huge Retry-After, relative links, guids read as dates, links that are not web addresses."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from broadsheet.cli.main import main
from broadsheet.store.feeds.fetch import Settings, fetch, in_declared_charset
from broadsheet.store.feeds.parse import FeedError, parse_feed
from broadsheet.store.feeds.subscriptions import FeedAddressError, Subscriptions, check_url
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.model import Article
from broadsheet.store.storage.db import Store
from tests.feeds import learned, rss, rss_feed

FAST = Settings(timeout=0.5, total=2.0, retries=1, backoff=0.05, max_wait=1.0, max_bytes=1024 * 1024)
#: For servers that answer at once: a busy machine's stall is no failure (0.5 s failed a fetch once).
STEADY = replace(FAST, timeout=10.0, total=20.0)
WEEK = dt.timedelta(days=7)


@pytest.fixture
def other_server() -> Iterator[HTTPServer]:
    """A second server on 127.0.0.1 (another port: another site to the store's address rule)."""
    httpd = HTTPServer(host="127.0.0.1", port=0)
    httpd.start()
    yield httpd
    httpd.clear()
    if httpd.is_running():
        httpd.stop()


def subscribe(store: Store, *urls: str) -> Subscriptions:
    subs = Subscriptions(store)
    subs.add(list(urls), ())
    return subs


def only(data: bytes, feed_url: str | None = "https://feeds.example/f") -> list[Article]:
    return [e.article for e in parse_feed(data, feed_url).entries if e.article is not None]


def item(title: str, *, guid: str = "", link: str = "", date: str = "") -> str:
    return (f"<item><title>{title}</title>" + (f"<link>{link}</link>" if link else "")
            + (f"<guid>{guid}</guid>" if guid else "") + (f"<pubDate>{date}</pubDate>" if date else "")
            + f"<description>{title}: the harbour master said so on Tuesday.</description></item>")


# -- 1. a Retry-After too large for a date ----------------------------------------------


@pytest.mark.parametrize(("status", "retry_after"), [(429, "1000000000000"), (429, "99999999999999999999"),
                                                     (429, "Fri, 31 Dec 9999 23:59:59 GMT"),
                                                     (503, "99999999999999999999")])
def test_a_huge_retry_after_fails_that_feed_only_and_is_capped_at_a_week(store: Store, server: HTTPServer,
                                                                        status: int, retry_after: str) -> None:
    server.expect_request("/busy").respond_with_data("slow down", status=status, headers={"Retry-After": retry_after})
    server.expect_request("/calm").respond_with_data(rss_feed(2))
    subs = subscribe(store, server.url_for("/busy"), server.url_for("/calm"))
    busy, calm = fetch(store, settings=FAST).results
    said = "rate limited (429)" if status == 429 else "server busy (503)"
    assert busy.failed and busy.reason.startswith(f"{said}: the server asks to wait until")
    assert (calm.outcome, calm.new) == ("new", 2) and len(store) == 2
    saved = next(s for s in subs.all() if s.url.endswith("/busy"))
    assert dt.datetime.fromisoformat(saved.not_before) <= dt.datetime.now(dt.UTC) + WEEK
    count = len(server.log)
    again = fetch(store, settings=FAST).results[0]  # the wait is kept, and the next fetch does not crash either
    assert again.outcome == "skipped" and len(server.log) == count + 1  # only /calm was asked


@pytest.mark.parametrize(("status", "retry_after"), [(429, "Mon, 99 Jan 2026 00:00:00 GMT"), (429, "²"),
                                                     (429, "Sun, 01 Jan 99999999 00:00:00 GMT"),
                                                     (503, "Mon, 99 Jan 2026 00:00:00 GMT")])
def test_a_malformed_or_huge_retry_after_is_a_plain_failure(store: Store, server: HTTPServer, status: int,
                                                            retry_after: str) -> None:
    server.expect_request("/busy").respond_with_data("slow down", status=status, headers={"Retry-After": retry_after})
    server.expect_request("/calm").respond_with_data(rss_feed(1))
    subscribe(store, server.url_for("/busy"), server.url_for("/calm"))
    busy, calm = fetch(store, settings=FAST).results
    assert busy.reason in ("rate limited (429)", "server busy (503)")
    assert calm.new == 1


def test_a_wait_saved_past_the_cap_no_longer_skips_the_feed(store: Store, server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_data(rss_feed(1))
    subs = subscribe(store, server.url_for("/f"))
    [sub] = subs.all()
    sub.not_before = "9999-12-31T23:59:59+00:00"  # what an HTTP-date Retry-After left before the cap
    learned(subs, [sub])
    [result] = fetch(store, settings=FAST).results
    assert (result.outcome, result.new) == ("new", 1)


# -- 2. relative links -------------------------------------------------------------------


def test_two_feeds_with_the_same_relative_link_give_two_stories_at_their_own_sites(
        store: Store, server: HTTPServer, other_server: HTTPServer) -> None:
    server.expect_request("/feed.xml").respond_with_data(rss(item("Ferry late", guid="a-1", link="/news/1")))
    other_server.expect_request("/feed.xml").respond_with_data(rss(item("Bridge shut", guid="b-1", link="/news/1")))
    subscribe(store, server.url_for("/feed.xml"), other_server.url_for("/feed.xml"))
    assert not fetch(store, settings=STEADY).failed
    assert {m.headline: m.url for m in store.stories()} == {
        "Ferry late": server.url_for("/news/1"), "Bridge shut": other_server.url_for("/news/1")}


def test_a_relative_link_is_resolved_against_where_the_feed_came_from_after_a_redirect(
        store: Store, server: HTTPServer) -> None:
    server.expect_request("/old/feed.xml").respond_with_response(
        Response(status=302, headers={"Location": server.url_for("/new/feed.xml")}))
    server.expect_request("/new/feed.xml").respond_with_data(rss(item("Ferry late", guid="a-1", link="ferry")))
    subscribe(store, server.url_for("/old/feed.xml"))
    assert not fetch(store, settings=STEADY).failed
    assert [m.url for m in store.stories()] == [server.url_for("/new/ferry")]


def test_atom_xml_base_resolves_entry_links() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://courier.example/news/">
  <title>Valley Courier</title>
  <entry><title>Bridge reopens</title><link href="rel/one"/><id>urn:courier:1</id>
    <updated>2026-03-04T08:00:00Z</updated><content type="text">Drivers queued from dawn.</content></entry>
</feed>"""
    [entry] = only(atom, "https://feeds.example/atom.xml")
    assert entry.url == "https://courier.example/news/rel/one"


def test_a_feed_file_without_a_base_never_merges_two_items_on_a_relative_link(store: Store, tmp_path: Path) -> None:
    for name, title, guid in (("a.xml", "Ferry late", "a-1"), ("b.xml", "Bridge shut", "b-1")):
        (tmp_path / name).write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>'
                                      + item(title, guid=guid, link="/news/1").encode() + b"</channel></rss>")
    import_paths(store, [tmp_path / "a.xml", tmp_path / "b.xml"])
    assert sorted((m.headline, m.url) for m in store.stories()) == [("Bridge shut", None), ("Ferry late", None)]


# -- 3. guids are no dates ---------------------------------------------------------------


@pytest.mark.parametrize("guid", ["88", "1234", "5", "h1", "20260303"])
def test_a_short_or_numeric_guid_is_no_publication_date(guid: str) -> None:
    [entry] = only(rss(item("Ferry late", guid=guid, link="https://gazette.example/ferry")))
    assert entry.published is None


def test_parse_json_gives_no_date_for_an_item_with_only_a_numeric_guid(capsys: pytest.CaptureFixture[str],
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "g.xml"
    path.write_bytes(rss(item("Ferry late", guid="88")))
    assert main(["parse", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["published"] is None


def test_the_items_own_date_is_kept_beside_a_numeric_guid() -> None:
    [entry] = only(rss(item("Ferry late", guid="88", date="Tue, 03 Mar 2026 10:15:00 GMT")))
    assert entry.published is not None and entry.published.startswith("2026-03-03T10:15")


@pytest.mark.parametrize(("text", "published"), [("88", None), ("5", None), ("2026", None), ("h1", None),
                                                 ("2026-03-03T10:15:00Z", "2026-03-03T10:15:00+00:00"),
                                                 ("Tue, 03 Mar 2026 10:15:00 GMT", "2026-03-03T10:15:00+00:00")])
def test_a_json_feed_date_must_be_a_real_date(text: str, published: str | None) -> None:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Dispatch",
           "items": [{"id": "1", "url": "https://dispatch.example/1", "title": "Ferry late",
                      "content_text": "The ferry left late.", "date_published": text}]}
    [entry] = only(json.dumps(doc).encode())
    assert entry.published == published


# -- 4. only web addresses ---------------------------------------------------------------


@pytest.mark.parametrize("link", ["file:///etc/passwd", "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;",
                                  "javascript:alert(1)", "JavaScript:alert(1)", "ftp://files.example/x"])
def test_a_feed_link_that_is_not_a_web_address_is_not_kept(link: str) -> None:
    [entry] = only(rss(item("Ferry late", guid="g-1", link=link)))
    assert entry.url is None and entry.key == "https://feeds.example/f#g-1"


def test_a_web_link_is_kept() -> None:
    [entry] = only(rss(item("Ferry late", guid="g-1", link="HTTPS://gazette.example/ferry")))
    assert entry.url is not None and entry.url.lower() == "https://gazette.example/ferry"


def test_an_entry_without_a_date_gets_none_when_its_text_hides_the_entries_apart() -> None:
    hidden = "<description><![CDATA[<p>Read <item> tags here.</p>]]></description>"  # the bytes count 3 entries
    data = rss(f"<item><title>Ferry late</title><guid>88</guid>{hidden}</item>"
               + item("Bridge shut", guid="b-1", date="Tue, 03 Mar 2026 10:15:00 GMT"))
    first, second = only(data)
    assert first.published is None
    assert second.published is not None and second.published.startswith("2026-03-03T10:15")


def test_one_feed_however_its_address_is_written_is_one_subscription(store: Store) -> None:
    subs = Subscriptions(store)
    added, _ = subs.add(["http://feeds.example/news.xml"])
    again, present = subs.add(["HTTP://Feeds.Example/news.xml", "http://feeds.example/news.xml#top",
                               "http://feeds.example:80/news.xml"], tags=["daily"])
    assert len(added) == 1 and not again and len(present) == 3
    [sub] = subs.all()
    assert sub.url == "http://feeds.example/news.xml" and sub.tags == ["daily"]


def test_an_address_with_an_escape_sequence_is_refused_not_changed() -> None:
    with pytest.raises(FeedAddressError, match="escape sequences"):
        check_url("http://feeds.example/\x1b[31mred.xml")
    assert check_url("  http://feeds.example/ok.xml ") == "http://feeds.example/ok.xml"


@pytest.mark.parametrize("url", ["http://x.example/a b", "https://a.example/f.xml https://b.example/g.xml"])
def test_an_address_with_a_space_is_refused(url: str) -> None:
    with pytest.raises(FeedAddressError, match="it holds a space"):
        check_url(url)


def test_a_feed_in_the_charset_only_its_server_names_is_read_in_it(store: Store, server: HTTPServer) -> None:
    body = ("<rss version='2.0'><channel><title>Café Gazette</title><item><title>Café society rejects naïve plan"
            "</title><link>https://cafe.example/1</link><description>Text of the café story.</description>"
            "</item></channel></rss>").encode("latin-1")
    server.expect_request("/l1").respond_with_data(body, content_type="application/rss+xml; charset=iso-8859-1")
    subscribe(store, server.url_for("/l1"))
    assert not fetch(store, settings=Settings(timeout=5, total=10, retries=0)).failed
    assert [m.headline for m in store.stories()] == ["Café society rejects naïve plan"]


def test_removing_a_title_two_feeds_share_is_refused_and_names_their_addresses(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    subs = Subscriptions(store)
    subs.add(["https://a.example/top.xml", "https://b.example/top.xml"], titles={
        "https://a.example/top.xml": "Top Stories", "https://b.example/top.xml": "Top Stories"})
    assert [sub.title for sub in subs.all()] == ["Top Stories", "Top Stories (b.example)"]  # told apart
    learned(subs, [replace(sub, title="Top Stories") for sub in subs.all()])  # as an older version left them
    assert main(["--store", str(store.folder), "feeds", "remove", "top stories"]) == 2
    said = capsys.readouterr().err
    assert "2 subscriptions are titled" in said and "https://a.example/top.xml" in said
    assert len(subs.all()) == 2
    assert main(["--store", str(store.folder), "feeds", "remove", "https://b.example/top.xml"]) == 0
    assert [sub.url for sub in subs.all()] == ["https://a.example/top.xml"]


def test_titles_a_feed_search_cannot_tell_apart_are_told_apart_when_subscribed(store: Store) -> None:
    # feed:"Title" is case- and accent-blind: "CAFÉ notes" would find "Cafe Notes"'s stories too.
    subs = Subscriptions(store)
    long = "Harbour bulletin " * 30
    urls = ["https://a.example/c.xml", "https://b.example/c.xml", "https://a.example/l.xml", "https://b.example/l.xml"]
    subs.add(urls, titles=dict(zip(urls, ["Cafe Notes", "CAFÉ  notes", long + "x", long + "x"], strict=True)))
    assert [sub.title for sub in subs.all()] == ["Cafe Notes", "CAFÉ notes (b.example)", long + "x",
                                                 long + "x (b.example)"]


def test_a_feed_is_named_by_its_title_as_a_feed_search_compares_it(store: Store,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # `feeds remove "cafe gazette"` missed "Café Gazette", which feed:"cafe gazette" finds.
    subs = Subscriptions(store)
    urls = ["https://a.example/c.xml", "https://b.example/t.xml", "https://c.example/k.xml"]
    subs.add(urls, titles=dict(zip(urls, ["Café Gazette", "Top  Stories", "Kiosk"], strict=True)))
    assert [sub.url for sub in subs.matching('top "stories')] == [urls[1]]  # spaces and quotes as feed: has them
    assert [sub.url for sub in subs.matching("CAFE GAZETTE")] == [urls[0]]  # `fetch "CAFE GAZETTE"` too
    assert subs.matching("") == [] and subs.matching('"') == []
    assert main(["--store", str(store.folder), "feeds", "remove", "cafe gazette"]) == 0
    assert "removed Café Gazette" in capsys.readouterr().err
    assert [sub.url for sub in subs.all()] == urls[1:]


def test_an_atom_title_in_xhtml_heads_its_story() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Lowmoor</title><id>urn:f</id><updated>2026-03-01T00:00:00Z</updated>
<entry><id>urn:1</id><updated>2026-03-01T00:00:00Z</updated>
<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Mayor <em>resigns</em> after &amp; vote</div></title>
<link href="https://lowmoor.example/1"/>
<content type="html">&lt;p&gt;The mayor of Lowmoor resigned on Monday after the council vote.&lt;/p&gt;</content>
</entry></feed>"""
    [entry] = parse_feed(atom, "https://lowmoor.example/feed").entries
    assert entry.article is not None and entry.article.headline == "Mayor resigns after & vote"


@pytest.mark.parametrize(("data", "said"), [
    (b"\x89\x02garbage\xff\xfe bytes \x9b[31m that are no XML" * 8, "not a readable feed"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03compressed", "gzip-compressed data"),
    (b"<?xml version='1.0'?>\x00\x01\x02 binary after all", "binary data"),
])
def test_an_answer_that_is_no_feed_is_said_in_words_without_its_bytes(data: bytes, said: str) -> None:
    # fastfeedparser's error quotes the first 200 characters: garbage in the error and in `feeds list`.
    with pytest.raises(FeedError) as caught:
        parse_feed(data, "https://feeds.example/f.xml")
    assert said in str(caught.value) and "first 200 chars" not in str(caught.value) and "garbage" not in str(
        caught.value)


@pytest.mark.parametrize("item", [
    "<description><![CDATA[<p><svg><title>Share on Twitter</title></svg>The harbour opens today.</p>]]>"
    "</description>",
    "<title/><link>https://ex.example/b</link><description><![CDATA[<p>Second story text.</p><svg><title>"
    "x</title></svg>]]></description>",
])
def test_an_entry_without_a_title_is_headed_by_its_text_not_by_another_title(item: str) -> None:
    feed = f"<rss version='2.0'><channel><title>Gazette</title><item>{item}</item></channel></rss>".encode()
    [entry] = parse_feed(feed, "https://ex.example/feed").entries
    assert entry.article is not None
    assert "Share on" not in entry.article.headline and "https://" not in entry.article.headline


def test_a_byte_order_mark_or_an_invisible_mark_before_an_address_is_dropped_not_refused() -> None:
    assert check_url("\ufeffhttps://feeds.example/a.xml") == "https://feeds.example/a.xml"
    assert check_url("\u200ehttps://feeds.example/b.xml") == "https://feeds.example/b.xml"


def test_a_latin_1_label_is_read_as_windows_1252_as_browsers_do() -> None:
    body = "<rss><channel><title>Gazette</title><item><title>It\u2019s the harbour \u2014 today</title></item>"
    data = body.encode("cp1252")
    assert in_declared_charset(data, "iso-8859-1").decode() == body


def test_a_feed_is_found_by_its_address_however_it_is_written(store: Store,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    Subscriptions(store).add(["https://feeds.example/news.xml"])
    assert main(["--store", str(store.folder), "feeds", "remove", "HTTPS://Feeds.Example/news.xml#top"]) == 0
    assert not Subscriptions(store).all()


def test_a_date_element_that_cannot_be_read_gives_no_date_made_of_the_guid() -> None:
    feed = (b"<rss version='2.0'><channel><title>G</title>"
            b"<item><title>Garbage date</title><link>https://g.example/a</link><guid>1999</guid>"
            b"<pubDate>garbage</pubDate></item>"
            b"<item><title>Real date</title><link>https://g.example/b</link><guid>2024</guid>"
            b"<pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate></item></channel></rss>")
    dates = {e.article.headline: e.article.published for e in parse_feed(feed, "https://g.example/f").entries
             if e.article is not None}
    assert dates == {"Garbage date": None, "Real date": "2026-03-03T10:00:00+00:00"}


@pytest.mark.parametrize(("given", "said"), [
    ("gazette.example/rss.xml", "is not an http:// or https:// address (did you mean https://gazette.example/rss.xml?)"),
    ("127.0.0.1:8765/atom.xml", "(did you mean https://127.0.0.1:8765/atom.xml?)"),
    ("http://", "'http://' names no host (as in https://gazette.example/feed.xml)"),
    ("ftp://gazette.example/rss", "'ftp://gazette.example/rss' is not an http:// or https:// address"),
    ("gazette", "'gazette' is not an http:// or https:// address"),
])
def test_an_address_that_cannot_be_fetched_says_what_was_likely_meant(given: str, said: str) -> None:
    """"127.0.0.1:8765/atom.xml" got no hint of the scheme it lacked, and "http://" was "not an http:// address"."""
    with pytest.raises(FeedAddressError) as caught:
        check_url(given)
    assert said in str(caught.value) and (("did you mean" in said) == ("did you mean" in str(caught.value)))


@pytest.mark.parametrize("mark", ["\u202e", "\u202a", "\u202c", "\u2066", "\u2069"])
def test_an_address_holding_a_bidi_override_or_isolate_is_refused_as_one_holding_a_control_is(
        mark: str, store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """``/feed/a<RLO>b`` was subscribed as ``/feed/ab`` without a word, where ``/feed/a<C1>b`` was refused."""
    url = f"https://feeds.example/feed/a{mark}b"
    with pytest.raises(FeedAddressError, match=rf"is not an address: it holds U\+{ord(mark):04X} \("):
        check_url(url)
    assert main(["--store", str(store.folder), "feeds", "add", url]) == 1
    err = capsys.readouterr().err
    assert f"not added: 'https://feeds.example/feed/a\\u{ord(mark):04x}b' is not an address" in err and mark not in err
    assert not Subscriptions(store).all()

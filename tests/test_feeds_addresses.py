"""Feed addresses that are no addresses (a port out of range, an IPv6 host not closed), control
characters in a feed list, and credentials in an address: what each command says and keeps."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from broadsheet.cli.main import main
from broadsheet.store.feeds.subscriptions import FILE, Subscriptions, feed_id
from broadsheet.store.storage.db import Store
from tests.feeds import rss_feed

#: Addresses urlsplit takes whose port (or host) it then refuses with a ValueError, and why each is refused.
UNREADABLE = [
    ("http://127.0.0.1:99999/x", "the port is out of range"),
    ("http://[::1/x", "its IPv6 host is not closed"),
    ("http://h.example:abc/", "the port is not a number"),
]


def cli(store: Store, *args: str) -> int:
    return main(["--store", str(store.folder), *args])


@pytest.mark.parametrize(("url", "why"), UNREADABLE)
def test_feeds_add_refuses_an_address_that_is_none_and_adds_the_others(
        store: Store, capsys: pytest.CaptureFixture[str], url: str, why: str) -> None:
    """A traceback (ValueError: Port out of range) and nothing added, the good address neither."""
    assert cli(store, "feeds", "add", url, "https://good.example/feed.xml") == 1
    said = capsys.readouterr().err
    assert f"not added: {url!r} is not an address: {why}" in said
    assert [sub.url for sub in Subscriptions(store).all()] == ["https://good.example/feed.xml"]


def test_feeds_add_refuses_an_address_with_bytes_that_are_not_text(store: Store,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`feeds add $'http://\\xff.example/feed'` added http://.example/feed: the byte dropped unsaid."""
    typed = b"http://\xff.example/feed".decode("utf-8", "surrogateescape")  # as Python gives it from argv
    assert cli(store, "feeds", "add", typed, "https://good.example/feed.xml") == 1
    said = capsys.readouterr().err
    assert "not added: 'http://\\xff.example/feed' is not an address: it holds bytes that are not text (UTF-8)" in said
    assert [sub.url for sub in Subscriptions(store).all()] == ["https://good.example/feed.xml"]


@pytest.mark.parametrize(("url", "why"), UNREADABLE)
def test_feeds_remove_and_fetch_of_an_address_that_is_none_say_no_such_subscription(
        store: Store, capsys: pytest.CaptureFixture[str], url: str, why: str) -> None:
    Subscriptions(store).add(["https://good.example/feed.xml"])
    assert cli(store, "feeds", "remove", url) == 2
    assert f"no subscription '{url}'" in capsys.readouterr().err
    assert cli(store, "fetch", url) == 2
    assert f"no subscription '{url}'" in capsys.readouterr().err
    assert len(Subscriptions(store).all()) == 1


def test_an_opml_outline_whose_address_is_none_is_left_out_and_the_others_subscribed(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One such outline made the whole import a traceback: nothing was subscribed."""
    outlines = "".join(f'<outline text="bad {n}" xmlUrl="{url}"/>' for n, (url, _) in enumerate(UNREADABLE))
    opml = tmp_path / "feeds.opml"
    opml.write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}'
                    '<outline text="Good" xmlUrl="https://good.example/feed.xml"/></body></opml>')
    assert cli(store, "feeds", "import", str(opml)) == 0
    said = capsys.readouterr().err
    assert "1 feed added, 0 already subscribed, 3 left out" in said
    for n, (url, why) in enumerate(UNREADABLE):
        assert f"left out: outline 'bad {n}': {url!r} is not an address: {why}" in said
    assert [sub.url for sub in Subscriptions(store).all()] == ["https://good.example/feed.xml"]


def test_a_urls_file_line_whose_address_is_none_is_left_out_and_the_others_subscribed(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    urls = tmp_path / "urls"
    urls.write_text("".join(f"{url}\n" for url, _ in UNREADABLE) + "https://good.example/feed.xml\n")
    assert cli(store, "feeds", "import", str(urls)) == 0
    said = capsys.readouterr().err
    for n, (url, why) in enumerate(UNREADABLE, 1):
        assert f"left out: line {n}: {url!r} is not an address: {why}" in said
    assert [sub.url for sub in Subscriptions(store).all()] == ["https://good.example/feed.xml"]


def test_an_address_that_is_none_stored_by_hand_is_listed_fetched_as_a_failure_and_removed(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """A hand-edited feeds.json (or an older version's): no command may stop on it with a traceback."""
    Subscriptions(store).add(["https://good.example/feed.xml"])
    path = Path(store.folder) / FILE
    doc = json.loads(path.read_text())
    doc["feeds"] = {feed_id(url): {"url": url, "key": url, "title": f"Junk {n}", "added": f"2026-01-0{n + 1}"}
                    for n, (url, _) in enumerate(UNREADABLE)}  # (the good feed gone: nothing reaches the network)
    path.write_text(json.dumps(doc))
    assert cli(store, "feeds", "list") == 0
    listed = capsys.readouterr().out
    assert all(url in listed for url, _ in UNREADABLE)
    assert cli(store, "feeds", "add", "https://other.example/feed.xml") == 0  # (its title told apart by host)
    capsys.readouterr()
    Subscriptions(store).remove([sub for sub in Subscriptions(store).all() if sub.url.startswith("https://other")])
    assert cli(store, "fetch") == 1
    said = capsys.readouterr().err
    for n, (_, why) in enumerate(UNREADABLE):
        assert f"failed     Junk {n}: not an address: {why}" in said
    assert cli(store, "feeds", "remove", *(url for url, _ in UNREADABLE)) == 0
    assert not Subscriptions(store).all()


def opml_file(tmp_path: Path, outlines: bytes) -> Path:
    path = tmp_path / "feeds.opml"
    path.write_bytes(b'<?xml version="1.0"?><opml version="2.0"><body>' + outlines + b"</body></opml>")
    return path


@pytest.mark.parametrize("escape", [b"&#x1b;", b"&#27;", b"\x1b"])
def test_an_opml_title_loses_its_whole_escape_sequence_as_a_headline_does(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], escape: bytes) -> None:
    """Only the ESC was dropped: the feed was titled "esc[31mRED"."""
    opml = opml_file(tmp_path, b'<outline text="esc' + escape + b'[31mRED" xmlUrl="https://esc.example/feed"/>'
                     b'<outline text="Kiosk' + escape + b'" category="lo' + escape + b'[1mcal" '
                     b'xmlUrl="https://kiosk.example/feed"/>')
    assert cli(store, "feeds", "import", str(opml)) == 0
    assert "2 feeds added" in capsys.readouterr().err
    assert [(sub.title, sub.tags) for sub in Subscriptions(store).all()] == [("escRED", []), ("Kiosk", ["local"])]


@pytest.mark.parametrize("escape", [b"&#x1b;", b"&#x7;", b"\x1b"])
def test_an_opml_address_holding_a_control_character_is_refused_as_a_urls_file_line_is(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], escape: bytes) -> None:
    """It was subscribed changed, as "https://x.example/feed[2J", where a urls file refused the line."""
    opml = opml_file(tmp_path, b'<outline text="Esc" xmlUrl="https://x.example/feed' + escape + b'[2J"/>'
                     b'<outline text="Good" xmlUrl="https://good.example/feed.xml"/>')
    assert cli(store, "feeds", "import", str(opml)) == 0
    said = capsys.readouterr().err
    assert "1 feed added, 0 already subscribed, 1 left out" in said
    assert "left out: outline 'Esc': 'https://x.example/feed\\x" in said
    assert "is not an address: it holds control characters or escape sequences" in said
    assert "\x1b" not in said and "\x07" not in said
    assert [sub.url for sub in Subscriptions(store).all()] == ["https://good.example/feed.xml"]


def test_an_opml_file_with_a_control_character_between_attributes_is_still_read(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    opml = opml_file(tmp_path, b'<outline \x1b text="Good" xmlUrl="https://good.example/feed.xml"/>')
    assert cli(store, "feeds", "import", str(opml)) == 0
    assert [(sub.title, sub.url) for sub in Subscriptions(store).all()] == [("Good", "https://good.example/feed.xml")]


def test_feeds_list_shows_a_password_in_an_address_as_stars_and_keeps_it_stored(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """``feeds list`` printed http://ann:s3cret@..., in its table and its JSON."""
    urls = ["https://ann:s3cret@private.example/feed.xml", "https://bob:hunter2@other.example/rss"]
    Subscriptions(store).add(urls, titles={urls[1]: "Members Only"})
    assert cli(store, "feeds", "list") == 0
    table = capsys.readouterr().out
    assert "https://ann:***@private.example/feed.xml" in table
    assert "Members Only" in table and "https://bob:***@other.example/rss" in table
    assert cli(store, "feeds", "list", "--json") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["url"] for row in rows] == ["https://ann:***@private.example/feed.xml",
                                            "https://bob:***@other.example/rss"]
    assert "s3cret" not in table + str(rows) and "hunter2" not in table + str(rows)
    assert [sub.url for sub in Subscriptions(store).all()] == urls  # fetched with it


def test_feeds_export_names_an_untitled_feed_without_its_password_and_keeps_it_to_import(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An OPML export named a feed without a title by its address, password and all
    (``text="http://ann:s3cret@..."``), which other readers show as its name. The name says
    ``***``; the feed's address keeps the password, so the file imported back still signs in."""
    urls = ["https://ann:s3cret@private.example/feed.xml", "https://bob:hunter2@other.example/rss"]
    Subscriptions(store).add(urls, titles={urls[1]: "Members Only"})
    exported = tmp_path / "feeds.opml"
    assert cli(store, "feeds", "export", "-o", str(exported)) == 0
    outlines = [dict(outline.attrib) for outline in ElementTree.parse(exported).iter("outline")]
    assert [(o["text"], o.get("title"), o["xmlUrl"]) for o in outlines] == [
        ("https://ann:***@private.example/feed.xml", None, urls[0]), ("Members Only", "Members Only", urls[1])]
    other = Store(tmp_path / "other")
    assert cli(other, "feeds", "import", str(exported)) == 0
    assert [(sub.url, sub.title) for sub in Subscriptions(other).all()] == [(urls[0], ""), (urls[1], "Members Only")]
    assert "s3cret" not in capsys.readouterr().err


def test_feeds_add_and_fetch_say_a_feeds_address_without_its_password(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """``feeds add`` said "added https://ann:s3cret@...", and a failed fetch of an untitled feed
    named it so: the password went into the terminal's scrollback and pasted bug reports."""
    url = "http://ann:s3cret@127.0.0.1:9/feed.xml"  # (port 9: nothing answers)
    assert cli(store, "feeds", "add", url) == 0
    assert cli(store, "feeds", "add", url) == 0
    said = capsys.readouterr().err
    assert "added http://ann:***@127.0.0.1:9/feed.xml" in said, said
    assert "already subscribed: http://ann:***@127.0.0.1:9/feed.xml" in said, said
    cli(store, "fetch")
    said += capsys.readouterr().err
    assert "failed     http://ann:***@127.0.0.1:9/feed.xml" in said, said
    assert "s3cret" not in said


def test_feeds_add_with_a_password_gives_it_to_the_feed_subscribed_without_one(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """The address given with a password kept the one subscribed without it, saying only
    "already subscribed": the password was dropped and every fetch failed with 401."""
    import base64

    def members_only(request: Request) -> Response:
        if request.headers.get("Authorization") != "Basic " + base64.b64encode(b"ann:s3cret").decode():
            return Response("sign in", status=401)
        return Response(rss_feed(1), content_type="application/rss+xml")

    server.expect_request("/feed.xml").respond_with_handler(members_only)
    plain = server.url_for("/feed.xml")
    signed = plain.replace("://", "://ann:s3cret@")
    shown = plain.replace("://", "://ann:***@")
    assert cli(store, "feeds", "add", plain) == 0
    assert cli(store, "fetch") == 1
    assert cli(store, "feeds", "add", signed) == 0
    said = capsys.readouterr().err
    assert f"already subscribed: {shown} (now with the password given)\n" in said and "s3cret" not in said
    assert [sub.url for sub in Subscriptions(store).all()] == [signed]
    assert cli(store, "fetch") == 0
    assert cli(store, "feeds", "add", plain) == 0  # given without it: the feed keeps its password
    assert f"already subscribed: {shown}\n" in capsys.readouterr().err
    assert cli(store, "feeds", "add", plain.replace("://", "://ann:changed@")) == 0  # a new password
    assert f"already subscribed: {shown} (now with the password given)\n" in capsys.readouterr().err
    assert [sub.url for sub in Subscriptions(store).all()] == [plain.replace("://", "://ann:changed@")]


def test_a_page_at_an_address_with_a_password_names_its_feed_without_it(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """A password-protected page naming its feed (relative: the page's password went with it) was
    said "it names its feed, http://ann:s3cret@..." by fetch, and kept so as the feed's health for
    ``feeds list`` (and its JSON), the sidebar and the reader; "is subscribed too" said it as well,
    and a refused address its own."""
    server.expect_request("/page.html").respond_with_data(
        '<html><head><link rel="alternate" type="application/rss+xml" href="feed.xml"></head></html>',
        content_type="text/html")
    server.expect_request("/feed.xml").respond_with_data(rss_feed(1))
    page = server.url_for("/page.html").replace("http://", "http://ann:s3cret@")
    feed = page.replace("s3cret", "***").replace("page.html", "feed.xml")
    assert cli(store, "feeds", "add", page) == 0
    cli(store, "fetch")
    said = capsys.readouterr().err
    assert f"it names its feed, {feed}: subscribe to that with `broadsheet feeds add '{feed}'`" in said, said
    assert cli(store, "feeds", "list") == 0
    assert cli(store, "feeds", "list", "--json") == 0
    listed = capsys.readouterr().out
    assert "ann:***@" in json.loads(listed.splitlines()[-1])["last_error"]
    Subscriptions(store).add([page.replace("page.html", "feed.xml")])
    cli(store, "fetch")
    said += capsys.readouterr().err
    assert f"its feed, {feed}, is subscribed too" in said, said
    assert cli(store, "feeds", "add", "http://ann:s3cret@127.0.0.1:99999/feed.xml") == 1
    said += capsys.readouterr().err
    assert "not added: 'http://ann:***@127.0.0.1:99999/feed.xml' is not an address" in said, said
    assert "s3cret" not in said + listed, said


def test_a_command_suggested_with_a_web_pages_feed_address_runs_nothing_when_pasted(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """A page's feed link ``/f.xml?q=1;echo${IFS}PWNED&x=`id``` was said as `broadsheet feeds add
    http://…/f.xml?q=1;echo${IFS}PWNED&x=`id``: pasted into a shell, it ran ``echo`` and ``id``."""
    server.expect_request("/page2.html").respond_with_data(
        '<html><head><link rel="alternate" type="application/rss+xml" '
        'href="/f.xml?q=1;echo${IFS}PWNED&amp;x=`id`"></head></html>', content_type="text/html")
    feed = server.url_for("/f.xml") + "?q=1;echo${IFS}PWNED&x=`id`"
    assert cli(store, "feeds", "add", server.url_for("/page2.html")) == 0
    cli(store, "fetch")
    said = capsys.readouterr().err
    start = said.index("subscribe to that with `") + len("subscribe to that with `")
    suggested = said[start:said.index("`\n", start)]
    # Pasted into bash (its program a printf of each word): the words as given, nothing run.
    words = subprocess.run(["bash", "-c", "printf '%s\\n' " + suggested.removeprefix("broadsheet ")],
                           capture_output=True, text=True, check=False, timeout=10)
    assert words.stdout.splitlines() == ["feeds", "add", feed], said


#: Addresses too long to be fetched, and why each is refused.
TOO_LONG = [
    ("https://gazette.example/feed.xml?q=" + "a" * 100_000, "it is 100,035 characters long (at most 8,192"),
    (f"https://{'harbour.' * 37}example/feed.xml", "its host name is 303 characters long (at most 253"),
    (f"https://{'h' * 64}.example/feed.xml", "its host name has a part of 64 characters between dots (at most 63"),
]


def test_every_way_in_refuses_an_address_too_long_and_takes_one_at_the_limits(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``feeds add`` took a 100 KB address and a 300-character host name: every fetch then failed
    (a server refuses the request line, no DNS name is that long)."""
    longest = f"https://{'h' * 63}.{'.'.join(['b' * 61] * 3)}.exa/" + "f" * (8_192 - 262)  # host 253, 8,192 in all
    assert len(longest) == 8_192
    assert cli(store, "feeds", "add", *(url for url, _ in TOO_LONG), longest) == 1
    said = capsys.readouterr().err
    for url, why in TOO_LONG:
        assert f"not added: '{url[:60]}…' is not an address: {why}" in " ".join(said.split()), said
    assert "a" * 100 not in said  # not the 100 KB address said back
    urls = tmp_path / "urls"
    urls.write_text("".join(f"{url}\n" for url, _ in TOO_LONG) + "https://good.example/feed.xml\n")
    opml = tmp_path / "feeds.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body>'
                    + "".join(f'<outline xmlUrl="{url}"/>' for url, _ in TOO_LONG)
                    + '<outline xmlUrl="https://good.example/feed.xml"/></body></opml>')
    for listed in (urls, opml):
        assert cli(store, "feeds", "import", str(listed)) == 0
        said = " ".join(capsys.readouterr().err.split())
        assert "already subscribed, 3 left out" in said, said
        for url, why in TOO_LONG:
            assert f"'{url[:60]}…' is not an address: {why}" in said, said
        assert "a" * 100 not in said
    assert [sub.url for sub in Subscriptions(store).all()] == [longest, "https://good.example/feed.xml"]


def test_a_feed_scheme_address_is_read_as_the_web_address_it_stands_for(
        store: Store, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A page's subscribe link (``feed://``, ``feed:https://``) was refused as no http:// address;
    browsers and newsboat read it as the web address, and so does every way of subscribing."""
    assert cli(store, "feeds", "add", "feed://gazette.example/rss", "FEED:https://ann:pw@quay.example/f.xml") == 0
    said = capsys.readouterr().err
    assert "read feed://gazette.example/rss as http://gazette.example/rss\n" in said
    assert "read FEED:https://ann:***@quay.example/f.xml as https://ann:***@quay.example/f.xml\n" in said
    assert "pw" not in said
    assert [sub.url for sub in Subscriptions(store).all()] == ["http://gazette.example/rss",
                                                                "https://ann:pw@quay.example/f.xml"]
    opml = tmp_path / "feeds.opml"
    opml.write_text('<opml version="2.0"><body><outline text="Mill" xmlUrl="feed:http://mill.example/feed"/>'
                    "</body></opml>")
    assert cli(store, "feeds", "import", str(opml)) == 0
    assert "http://mill.example/feed" in [sub.url for sub in Subscriptions(store).all()]


def test_a_feed_scheme_address_imported_is_the_feed_subscribing_to_it_gives(
        store: Store, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An OPML that names a feed not fetched yet by its ``feed://`` address gave it that address for
    its title, where `feeds add` of the address gives it none (the first fetch names it)."""
    opml = tmp_path / "feeds.opml"
    opml.write_text('<opml version="2.0"><body><outline text="feed://mill.example/feed" '
                    'xmlUrl="feed://mill.example/feed"/></body></opml>')
    urls = tmp_path / "urls"
    urls.write_text("feed:https://quay.example/f.xml\n")
    elsewhere = Store(tmp_path / "other")
    assert cli(elsewhere, "feeds", "add", "feed://mill.example/feed", "feed:https://quay.example/f.xml") == 0
    for listed in (opml, urls):
        assert cli(store, "feeds", "import", str(listed)) == 0
        assert cli(elsewhere, "feeds", "import", str(listed)) == 0
    said = capsys.readouterr().err
    assert said.count("1 feed added, 0 already subscribed, 0 left out\n") == 2
    assert said.count("0 feeds added, 1 already subscribed, 0 left out\n") == 2
    assert [(s.url, s.title) for s in Subscriptions(store).all()] == [
        (s.url, s.title) for s in Subscriptions(elsewhere).all()] == [
        ("http://mill.example/feed", ""), ("https://quay.example/f.xml", "")]

"""``repair`` of a store whose stories fetched from feeds lost their text: it says that the next
``fetch`` brings them back, and that fetch does (their feeds are downloaded whole, not a 304)."""

from __future__ import annotations

import shutil

import pytest
from pytest_httpserver import HTTPServer

from broadsheet.cli.main import main
from broadsheet.store.feeds.fetch import fetch
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from tests.factories import make_article
from tests.feeds import rss_feed
from tests.test_feeds_fetch import FAST, conditional


def test_repair_sends_feed_stories_to_fetch_and_fetch_brings_their_text_back(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.expect_request("/rss.xml").respond_with_handler(conditional(rss_feed(3)))
    url = server.url_for("/rss.xml")
    Subscriptions(store).add([url])
    fetch(store, settings=FAST)
    ids = [m.id for m in store.stories()]
    assert len(ids) == 3 and Subscriptions(store).all()[0].etag
    shutil.rmtree(store.folder / "bodies")  # a disk fault: every story's text gone
    assert main(["--store", str(store.folder), "repair"]) == 1
    said = capsys.readouterr().err
    assert f"bodies of 3 stories fetched from the feed {url}: the next `broadsheet fetch` brings back" in said
    assert "repair PATH" not in said and "http:/1" not in said  # an address is not a file to look for
    [result] = fetch(Store(store.folder), settings=FAST).results
    assert result.outcome == "new" and result.updated == 3  # downloaded whole, not answered 304
    fresh = Store(store.folder)
    assert all(fresh.article(sid).body for sid in ids)  # type: ignore[union-attr]


def test_repair_of_a_feed_no_longer_subscribed_says_how_to_get_it_back(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://127.0.0.1:9/gone.xml"
    store.add([(make_article(1), url)])
    shutil.rmtree(store.folder / "bodies")
    assert main(["--store", str(store.folder), "repair"]) == 1
    said = capsys.readouterr().err
    assert f"bodies of 1 story fetched from the feed {url}" in said
    assert f"`broadsheet feeds add {url}`" in said


def test_feed_stories_that_lost_their_records_come_back_with_the_next_fetch(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.expect_request("/rss.xml").respond_with_handler(conditional(rss_feed(3)))
    Subscriptions(store).add([server.url_for("/rss.xml")])
    fetch(store, settings=FAST)
    ids = sorted(m.id for m in store.stories())
    (store.folder / "meta" / "000000.json").unlink()  # every story record gone, the bodies left
    assert main(["--store", str(store.folder), "repair"]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "3 stories have a body but lost their story record" in said
    assert "stories fetched from feeds: the next `broadsheet fetch` brings back" in said
    fetch(Store(store.folder), settings=FAST)  # the feed downloaded whole, not answered 304
    fresh = Store(store.folder)
    assert sorted(m.id for m in fresh.stories()) == ids
    assert all(fresh.article(sid).body for sid in ids)  # type: ignore[union-attr]


def test_repair_keeps_the_whole_subscriptions_of_a_damaged_feeds_file_and_names_the_lost_feeds(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """`feeds list` and `fetch` said to run `repair`, and `repair` said "no damaged files"."""
    urls = [f"http://127.0.0.1:9/feed{n}.xml" for n in range(3)]
    Subscriptions(store).add(urls, tags=["kept"])
    store.add([(make_article(n), url) for n, url in enumerate(urls)])  # one story fetched from each
    path = store.folder / "feeds.json"
    path.write_bytes(path.read_bytes()[:-20])  # the last subscription cut short
    base = ["--store", str(store.folder)]
    assert main([*base, "feeds", "list"]) == 2
    capsys.readouterr()
    assert main([*base, "repair"]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "feeds.json: kept 2 whole records" in said
    assert "`broadsheet feeds add URL` or `broadsheet feeds import FILE`" in said
    assert f"fetched from 1 feed(s) not among those kept, some perhaps unsubscribed on purpose: {urls[2]})" in said
    assert list(store.folder.glob("feeds.json.damaged-*"))
    assert main([*base, "feeds", "list", "--json"]) == 0
    assert [(s.url, s.tags) for s in Subscriptions(Store(store.folder)).all()] == [(u, ["kept"]) for u in urls[:2]]
    assert main([*base, "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err

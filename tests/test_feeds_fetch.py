"""``fetch`` against a real HTTP server on 127.0.0.1: conditional GET, faults, caps, kills."""

from __future__ import annotations

import errno
import gzip
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from broadsheet.cli.main import main
from broadsheet.store.feeds import retag
from broadsheet.store.feeds.fetch import FetchBusy, FetchStopped, Hosts, Settings, download_all, fetch, fetch_lock
from broadsheet.store.feeds.subscriptions import Subscription, Subscriptions
from broadsheet.store.feeds.summary import summarize
from broadsheet.store.storage.db import Store
from tests.feeds import full_disk_for, marks_file, rss, rss_feed, rss_item

FAST = Settings(timeout=0.5, total=2.0, retries=1, backoff=0.05, max_wait=1.0, max_bytes=1024 * 1024)


def conditional(body: bytes, etag: str = '"v1"', hits: list[str] | None = None):  # type: ignore[no-untyped-def]
    """A handler answering 304 when the client already has ``etag``."""

    def handle(request: Request) -> Response:
        if hits is not None:
            hits.append(request.headers.get("If-None-Match", ""))
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, headers={"ETag": etag, "Content-Type": "application/rss+xml"})

    return handle


def subscribe(store: Store, *urls: str, tags: tuple[str, ...] = ()) -> Subscriptions:
    subs = Subscriptions(store)
    subs.add(list(urls), tags)
    return subs


def test_a_change_made_while_a_fetch_runs_is_kept(store: Store, server: HTTPServer) -> None:
    """A fetch writes back only what it learned: a tag or --full given from another shell while
    it ran, and a repair's call for a feed whole, stay (they were overwritten with the records
    as the fetch had read them)."""
    a, b = server.url_for("/a.xml"), server.url_for("/b.xml")
    hits: list[str] = []
    server.expect_request("/b.xml").respond_with_handler(conditional(rss_feed(2), etag='"b1"', hits=hits))
    server.expect_request("/a.xml").respond_with_handler(conditional(rss_feed(3), etag='"a1"'))
    subscribe(store, a, b)
    fetch(store, settings=FAST)

    def meanwhile(request: Request) -> Response:
        Subscriptions(store).add([a], ["tech"], full=True)  # `feeds add --tag tech --full` in another shell
        Subscriptions(store).fetch_whole([b])  # `repair`, after b's stories lost their text
        return Response(rss_feed(4), headers={"ETag": '"a2"', "Content-Type": "application/rss+xml"})

    server.clear_all_handlers()
    server.expect_request("/a.xml").respond_with_handler(meanwhile)
    server.expect_request("/b.xml").respond_with_handler(conditional(rss_feed(2), etag='"b1"', hits=hits))
    fetch(store, settings=FAST)
    by_url = {sub.url: sub for sub in Subscriptions(store).all()}
    assert by_url[a].tags == ["tech"] and by_url[a].full and by_url[a].etag == '"a2"'
    assert by_url[a].health == by_url[b].health == "ok"
    assert by_url[b].etag == ""
    fetch(store, settings=FAST)
    assert hits[-1] == ""  # b is asked for whole, not with the validator that brings back a 304


def test_a_tag_renamed_while_a_fetch_runs_is_not_brought_back(store: Store, server: HTTPServer) -> None:
    """A tag renamed in the reader while the feeds downloaded came back: the fetch gave the new
    stories the feed's tags as it had read them when it started, and a feed merged into another
    gave it its tags as read then too."""
    feed, short = server.url_for("/feed"), server.url_for("/short")

    def meanwhile(request: Request) -> Response:
        retag.rename_tag(store, "local", "town", {})  # R in the sidebar of a reader
        return Response(rss_feed(3), headers={"Content-Type": "application/rss+xml"})

    server.expect_request("/feed").respond_with_handler(meanwhile)
    server.expect_request("/short").respond_with_data("", status=302, headers={"Location": "/feed"})
    subs = subscribe(store, feed, short, tags=("local",))
    report = fetch(store, settings=FAST)
    assert report.total("new") == 3 and report.results[1].same_as
    assert [sub.tags for sub in subs.all()] == [["town"]]
    assert Counter(tag for state in store.user.all().values() for tag in state.tags) == {"town": 3}


def test_first_fetch_stores_entries_and_second_costs_one_304(store: Store, server: HTTPServer) -> None:
    hits: list[str] = []
    server.expect_request("/feed.xml").respond_with_handler(conditional(rss_feed(5), hits=hits))
    subs = subscribe(store, server.url_for("/feed.xml"), tags=("harbour",))
    first = fetch(store, settings=FAST)
    [result] = first.results
    assert (result.outcome, result.new) == ("new", 5)
    assert len(store) == 5
    assert all(store.user.get(m.id).tags == ("harbour",) for m in store.stories())
    assert {m.source for m in store.stories()} == {"Harbour Gazette"}
    second = fetch(store, settings=FAST)
    assert second.results[0].outcome == "unchanged" and len(store) == 5
    assert hits == ["", '"v1"']  # one plain GET, then one conditional GET answered 304
    [sub] = subs.all()
    assert sub.title == "Harbour Gazette" and sub.etag == '"v1"' and sub.health == "ok"


def test_an_etag_sent_with_a_304_is_kept(store: Store, server: HTTPServer) -> None:
    """A server rotating its ETags sent a new one with each 304, never stored: every other fetch
    downloaded the whole feed."""
    sent: list[str] = []

    def rotating(request: Request) -> Response:
        sent.append(request.headers.get("If-None-Match", ""))
        current = f'"r{len(sent) - 1}"'
        if request.headers.get("If-None-Match") == current:
            return Response(status=304, headers={"ETag": f'"r{len(sent)}"'})
        return Response(rss_feed(1), headers={"ETag": f'"r{len(sent)}"', "Content-Type": "application/rss+xml"})

    server.expect_request("/f").respond_with_handler(rotating)
    subs = subscribe(store, server.url_for("/f"))
    for _ in range(4):
        fetch(store, settings=FAST)
    assert [response.status_code for _, response in server.log] == [200, 304, 304, 304], sent
    assert subs.all()[0].etag == '"r4"'


def test_new_and_updated_entries_are_counted_and_marks_kept(store: Store, server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_handler(conditional(rss_feed(3), etag='"a"'))
    subscribe(store, server.url_for("/f"))
    fetch(store, settings=FAST)
    sid = next(m.id for m in store.stories() if m.headline.endswith("number 1"))
    store.user.set_read(sid, True)
    store.user.set_bookmarked(sid, True)
    server.clear()
    changed = rss_feed(4).replace(b"week 1.", b"week 1, corrected.")
    server.expect_request("/f").respond_with_handler(conditional(changed, etag='"b"'))
    [result] = fetch(store, settings=FAST).results
    assert (result.new, result.updated, result.present) == (1, 1, 2)
    state = store.user.get(sid)
    assert state.read and state.bookmarked and len(store) == 4


def unlinked(title: str, text: str, day: int | None = 3, hour: str = "09:00") -> str:
    """An RSS item with neither guid nor link (a hand-written feed's), dated the ``day`` of March."""
    date = f"<pubDate>Tue, {day:02d} Mar 2026 {hour}:00 GMT</pubDate>" if day else ""
    return f"<item><title>{title}</title>{date}<description>{text}</description></item>"


def test_an_entry_without_guid_or_link_edited_by_its_publisher_stays_one_story(store: Store,
                                                                               server: HTTPServer) -> None:
    """Its text made its id: the corrected entry came as a second story beside the first."""
    server.expect_request("/f").respond_with_handler(conditional(rss(
        unlinked("Pier closed for repairs", "The pier is closed untill May.")), etag='"a"'))
    subscribe(store, server.url_for("/f"))
    fetch(store, settings=FAST)
    [first] = store.stories()
    store.user.set_read(first.id, True)
    server.clear()
    server.expect_request("/f").respond_with_handler(conditional(rss(
        unlinked("Pier closed for repairs", "The pier is closed until May, the council said.")), etag='"b"'))
    [result] = fetch(store, settings=FAST).results
    assert (result.new, result.updated) == (0, 1)
    [story] = store.stories()
    assert story.id == first.id and store.body(story) == ["The pier is closed until May, the council said."]
    assert store.user.get(story.id).read


@pytest.mark.parametrize(("one", "two"), [(("Pier closed", 3), ("Pier reopens", 3)),
                                          (("Tide tables", 3), ("Tide tables", 10)),
                                          (("Pier closed", None), ("Pier reopens", None)),
                                          (("Service notice", None), ("Service notice", None)),
                                          (("Service notice", 3), ("Service notice", 3))])
def test_two_entries_without_guid_or_link_are_two_stories(store: Store, server: HTTPServer,
                                                          one: tuple[str, int | None],
                                                          two: tuple[str, int | None]) -> None:
    """Told apart by title, or by day where the titles are alike, or else by their text (one kept
    of the two "Service notice" entries: the other was lost), at every fetch."""
    server.expect_request("/f").respond_with_data(
        rss(unlinked(one[0], "The first notice.", one[1]) + unlinked(two[0], "The second notice.", two[1])))
    subscribe(store, server.url_for("/f"))
    [result] = fetch(store, settings=FAST).results
    assert result.new == 2 and not result.notes
    assert sorted(store.body(m)[0] for m in store.stories()) == ["The first notice.", "The second notice."]
    [result] = fetch(store, settings=FAST).results
    assert (result.new, result.updated, result.present) == (0, 0, 2) and len(store) == 2


def test_an_entry_without_guid_or_link_whose_date_moves_within_its_day_stays_one_story(
        store: Store, server: HTTPServer) -> None:
    """A feed dating its entries by when it was built (10:00, then 10:05): each fetch made a new story."""
    subscribe(store, server.url_for("/f"))
    for hour in ("10:00", "10:05", "10:10"):
        server.clear()
        server.expect_request("/f").respond_with_data(rss(unlinked("Line 1 closed", "Line 1 is closed.", 3, hour)))
        [result] = fetch(store, settings=FAST).results
        assert result.new == (hour == "10:00")
    [story] = store.stories()
    assert story.published == "2026-03-03T10:10:00+00:00"


def stored_as_before(store: Store, url: str, feed: bytes) -> str:
    """Store ``feed``'s one entry as a version before entries without guid or link had a key
    did (their text made their id); its id."""
    from broadsheet.store.feeds.parse import parse_feed
    from broadsheet.store.ingest import ENTRIES, stamp

    [entry] = parse_feed(feed, url).entries
    assert entry.article is not None
    article = replace(entry.article, key=None)
    store.add_identified([(article.story_id, article, url)], parser=stamp(ENTRIES))
    return article.story_id


def test_an_entry_without_guid_or_link_stored_before_is_not_stored_again(store: Store, server: HTTPServer) -> None:
    """A store of an older version holds it under its text's id: it stays one story, with its marks."""
    feed = rss(unlinked("Pier closed for repairs", "The pier is closed until May."))
    server.expect_request("/f").respond_with_data(feed)
    subscribe(store, server.url_for("/f"), tags=("coast",))
    old = stored_as_before(store, server.url_for("/f"), feed)
    store.user.set_bookmarked(old, True)
    store.user.edit_tags([old], ["pier"])
    [result] = fetch(store, settings=FAST).results
    assert result.new == 0
    [story] = store.stories()
    assert store.user.get(story.id).bookmarked and store.user.get(story.id).tags == ("pier",)


def test_an_entry_without_guid_or_link_deleted_before_stays_deleted(store: Store, server: HTTPServer) -> None:
    """Deleted in an older version (under its text's id), it is not fetched again, edited either."""
    feed = rss(unlinked("Pier closed for repairs", "The pier is closed until May."))
    server.expect_request("/f").respond_with_data(feed)
    subscribe(store, server.url_for("/f"))
    store.delete([stored_as_before(store, server.url_for("/f"), feed)])
    fetch(store, settings=FAST)
    assert len(store) == 0
    server.clear()
    server.expect_request("/f").respond_with_data(rss(unlinked("Pier closed for repairs", "Closed until June.")))
    fetch(store, settings=FAST)
    assert len(store) == 0


@pytest.mark.parametrize("together", [True, False])
def test_a_story_two_feeds_carry_stays_the_story_of_the_first(store: Store, server: HTTPServer,
                                                              together: bool) -> None:
    """A site's front page and its section carry one story (each in its own words): it stays the
    front page's, as the front page gave it, however the two are fetched, and the section's fetch
    does not say it updated. Unsubscribed, the front page leaves it to the section."""
    def slow_front(request: Request) -> Response:  # the section answers first: the order subscribed decides
        time.sleep(0.3)
        return Response(rss(rss_item(1) + rss_item(2), title="Gazette Front"))

    server.expect_request("/front").respond_with_handler(slow_front)
    world = rss_item(1, title="World: ferry timetable change", text="The section's own words.")
    server.expect_request("/world").respond_with_data(rss(world, title="Gazette World"))
    front_url, world_url = server.url_for("/front"), server.url_for("/world")
    subs = subscribe(store, front_url, *([world_url] if together else []))
    fetch(store, settings=FAST)
    if not together:
        subscribe(store, world_url)
    for refs in (None, [world_url], [front_url], [world_url]):
        chosen = None if refs is None else [s for s in subs.all() if s.url in refs]
        results = {r.sub.title: r for r in fetch(store, chosen, settings=FAST).results}
        if "Gazette World" in results:
            assert (results["Gazette World"].new, results["Gazette World"].updated) == (0, 0)
        assert sorted(m.source for m in store.stories()) == ["Gazette Front", "Gazette Front"]
        assert {m.file for m in store.stories()} == {front_url}
        assert "World:" not in " ".join(m.headline for m in store.stories())
    subs.remove([s for s in subs.all() if s.url == front_url])
    [result] = fetch(store, settings=FAST).results
    assert result.updated == 1
    assert sorted(m.source for m in store.stories()) == ["Gazette Front", "Gazette World"]


def episodes(show: str, count: int, *, newest_first: bool = False) -> bytes:
    """A podcast's feed: every episode its own guid and sound file, every link the show's page."""
    numbers = range(count, 0, -1) if newest_first else range(1, count + 1)
    return rss("".join(f"<item><title>Episode {n} of the harbour hour</title><link>{show}</link><guid>ep-{n}</guid>"
                       f"<description>The harbour master talks about week {n}.</description>"
                       f'<enclosure url="{show}ep{n}.mp3" type="audio/mpeg" length="1"/></item>'
                       for n in numbers), title="Harbour Hour")


def listed(folder: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The headlines ``list`` shows, sorted."""
    assert main(["--store", str(folder), "list"]) == 0
    return sorted(line.split("Harbour Hour")[-1].strip() for line in capsys.readouterr().out.splitlines())


def test_entries_of_one_feed_linking_to_one_page_are_one_story_each(store: Store, server: HTTPServer,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A podcast's episodes all link to the show's page: they were stored as one story (the last),
    and an episode added later never appeared ("0 new"). One story per guid, as newsboat keeps them."""
    feed, show = server.url_for("/pod.xml"), server.url_for("/show/")
    count = [4]
    server.expect_request("/pod.xml").respond_with_handler(lambda _: Response(episodes(show, count[0])))
    assert main(["--store", str(store.folder), "feeds", "add", feed]) == 0
    assert main(["--store", str(store.folder), "fetch", feed]) == 0
    assert "4 new, 0 updated from 1 feed" in capsys.readouterr().err
    assert listed(store.folder, capsys) == [f"Episode {n} of the harbour hour" for n in range(1, 5)]
    count[0] = 5
    assert main(["--store", str(store.folder), "fetch", feed]) == 0
    assert "1 new, 0 updated from 1 feed" in capsys.readouterr().err
    assert listed(store.folder, capsys) == [f"Episode {n} of the harbour hour" for n in range(1, 6)]
    assert sorted(m.media[0].url for m in map(store.article, (m.id for m in store.stories()))
                  if m is not None) == [f"{show}ep{n}.mp3" for n in range(1, 6)]


def test_a_store_that_kept_one_of_a_feeds_entries_linking_to_one_page_gets_the_others(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """A store where the episodes became one story (the last episode's, under the first one's id),
    as fetched before: the next fetch of the feed brings the others in, the story keeping its marks."""
    from broadsheet.store.feeds.parse import parse_feed

    feed, show = server.url_for("/pod.xml"), server.url_for("/show/")
    server.expect_request("/pod.xml").respond_with_handler(lambda _: Response(episodes(show, 3)))
    subscribe(store, feed)
    first, *_, last = [e.article for e in parse_feed(episodes(show, 3), feed, feed).entries if e.article]
    store.add_identified([(first.story_id, last, feed)])
    store.user.set_bookmarked(first.story_id, True)
    assert main(["--store", str(store.folder), "fetch", feed]) == 0
    assert "2 new, 1 updated from 1 feed" in capsys.readouterr().err
    assert listed(store.folder, capsys) == [f"Episode {n} of the harbour hour" for n in range(1, 4)]
    assert store.user.get(first.story_id).bookmarked


def test_a_new_episode_comes_while_the_others_are_listed(store: Store, server: HTTPServer,
                                                         capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A fifth episode at the top of the feed (as a podcast lists them), the four before it still
    listed, each stored on its own: a new story, the others as they were (the feed lists them, so
    the episode at the show's page is not one of theirs under a new guid)."""
    from broadsheet.store.feeds import fetch as fetch_module

    monkeypatch.setattr(fetch_module, "BATCH", 1)  # (not told apart by coming in one store write)
    feed, show = server.url_for("/pod.xml"), server.url_for("/show/")
    count = [4]
    server.expect_request("/pod.xml").respond_with_handler(
        lambda _: Response(episodes(show, count[0], newest_first=True)))
    subscribe(store, feed)
    assert main(["--store", str(store.folder), "fetch", feed]) == 0
    assert "4 new, 0 updated from 1 feed" in capsys.readouterr().err
    count[0] = 5
    assert main(["--store", str(store.folder), "fetch", feed]) == 0
    assert "1 new, 0 updated from 1 feed" in capsys.readouterr().err
    assert listed(store.folder, capsys) == [f"Episode {n} of the harbour hour" for n in range(1, 6)]


def test_an_entry_the_feed_gives_a_new_guid_stays_its_story(store: Store, server: HTTPServer,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A publisher moving its guids (``http://…/?p=1`` to ``https://…/story/1``), the link the same,
    the old guid no longer in the feed: the entry came a second time ("1 new", two stories, the
    bookmark on the first). It is the story it was, updated, its marks kept."""
    feed = server.url_for("/news.xml")
    guid = ["http://gazette.example/?p=1"]
    server.expect_request("/news.xml").respond_with_handler(lambda _: Response(rss(rss_item(1, guid=guid[0]))))
    subscribe(store, feed)
    assert main(["--store", str(store.folder), "fetch", feed]) == 0
    (story,) = store.stories()
    store.user.set_bookmarked(story.id, True)
    guid[0] = "https://gazette.example/story/1"
    capsys.readouterr()
    assert main(["--store", str(store.folder), "fetch", feed]) == 0
    assert "0 new, 1 updated from 1 feed" in capsys.readouterr().err
    assert [m.id for m in Store(store.folder).stories()] == [story.id]
    assert Store(store.folder).user.get(story.id).bookmarked


def test_a_feed_file_is_one_download_for_its_entries_at_one_address(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Imported feed files as fetched feeds: a file listing a fifth episode beside the four brings
    one new story; a file giving an entry a new guid, the old one gone from it, updates its story."""
    folder, show = tmp_path / "store", "https://harbour-hour.example/show/"
    pod, news = tmp_path / "pod.xml", tmp_path / "news.xml"
    for count, guid, said in ((4, "http://gazette.example/?p=1", "5 imported, 0 already present"),
                              (5, "https://gazette.example/story/1", "1 imported, 1 updated, 4 already present")):
        pod.write_bytes(episodes(show, count))
        news.write_bytes(rss(rss_item(1, guid=guid)))
        assert main(["--store", str(folder), "import", str(pod), str(news)]) == 0
        assert said in capsys.readouterr().err
    assert len(Store(folder).stories()) == 6


def guidless(show: str, title: str, day: int, n: int, link: str = "") -> str:
    """A podcast's episode without guid, linking to the show's page (else to ``link``), of the ``day`` of March."""
    return (f"<item><title>{title}</title><link>{link or show}</link>"
            f"<pubDate>Tue, {day:02d} Mar 2026 09:00:00 GMT</pubDate><description>Episode {n}.</description>"
            f'<enclosure url="{show}h{n}.mp3" type="audio/mpeg" length="1"/></item>')


def guidless_show(show: str, own: str) -> bytes:
    """Episodes told apart by title, by day, by text alone (two "Hour 2" of one day), one with its own link."""
    return rss(guidless(show, "Hour 1", 2, 1) + guidless(show, "Hour 2", 3, 2) + guidless(show, "Hour 2", 3, 3)
               + guidless(show, "Hour 2", 4, 4) + guidless(show, "Special", 5, 5, own), title="Harbour Hour")


def test_episodes_without_guid_linking_to_the_show_are_one_story_each(store: Store, server: HTTPServer,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A podcast without guids, each episode linking to the show's page: they were one story, the last
    ("1 new ... 1 entry repeats another entry's id: kept once"). Each is its own story, at every fetch;
    the episode with a page of its own is known by it as before."""
    feed, show, own = server.url_for("/pod.xml"), server.url_for("/show/"), server.url_for("/special")
    server.expect_request("/pod.xml").respond_with_data(guidless_show(show, own))
    subscribe(store, feed)
    assert main(["--store", str(store.folder), "fetch", feed]) == 0
    said = capsys.readouterr().err
    assert "5 new, 0 updated from 1 feed" in said and "kept once" not in said
    assert listed(store.folder, capsys) == ["Hour 1", "Hour 2", "Hour 2", "Hour 2", "Special"]
    [special] = [a for a in map(store.article, (m.id for m in store.stories())) if a and a.headline == "Special"]
    assert special.key == f"{feed}#{own}"
    assert main(["--store", str(store.folder), "fetch", feed]) == 0
    assert "0 new, 0 updated from 1 feed" in capsys.readouterr().err


def test_a_store_that_kept_one_of_the_episodes_without_guid_gets_the_others(store: Store, server: HTTPServer,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A store where the episodes without guid became one story (the last, under the show's link),
    as fetched before: the next fetch brings the others in beside it, no episode twice."""
    from broadsheet.store.feeds.parse import parse_feed

    feed, show, own = server.url_for("/pod.xml"), server.url_for("/show/"), server.url_for("/special")
    server.expect_request("/pod.xml").respond_with_data(guidless_show(show, own))
    subscribe(store, feed)
    *_, last, _ = [e.article for e in parse_feed(guidless_show(show, own), feed, feed).entries if e.article]
    kept = replace(last, key=f"{feed}#{show}")
    store.add_identified([(kept.story_id, kept, feed)])
    assert main(["--store", str(store.folder), "fetch", feed]) == 0
    assert "4 new, 1 updated from 1 feed" in capsys.readouterr().err
    assert listed(store.folder, capsys) == ["Hour 1", "Hour 2", "Hour 2", "Hour 2", "Special"]


def test_a_feed_file_of_episodes_without_guid_linking_to_the_show_is_one_story_each(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As fetched: the episodes of an imported podcast file without guids were one story, the last."""
    folder, pod = tmp_path / "store", tmp_path / "pod.xml"
    pod.write_bytes(guidless_show("https://harbour-hour.example/show/", "https://harbour-hour.example/special"))
    for said in ("5 imported, 0 already present", "0 imported, 5 already present"):
        assert main(["--store", str(folder), "import", str(pod)]) == 0
        err = capsys.readouterr().err
        assert said in err and "kept once" not in err
    assert listed(folder, capsys) == ["Hour 1", "Hour 2", "Hour 2", "Hour 2", "Special"]


def test_a_web_page_naming_a_feed_subscribed_too_says_so(store: Store, server: HTTPServer) -> None:
    """It said "subscribe to that with `broadsheet feeds add FEED`" of a feed subscribed already."""
    feed = server.url_for("/feed.xml")
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="{feed}"></head><body>Hi</body></html>'
    server.expect_request("/home").respond_with_data(page, content_type="text/html")
    server.expect_request("/feed.xml").respond_with_data(rss_feed(1))
    subscribe(store, server.url_for("/home"), feed)
    results = {r.sub.url: r for r in fetch(store, settings=FAST).results}
    assert results[feed].outcome == "new"
    reason = results[server.url_for("/home")].reason
    assert reason == (f"a web page, not a feed; its feed, {feed}, is subscribed too: "
                      f"`broadsheet feeds remove {server.url_for('/home')}` leaves that one"), reason


@pytest.mark.parametrize(("status", "reason"), [(404, "not found (404)"), (500, "server error (500)"),
                                                 (410, "gone (410)")])
def test_http_errors_fail_with_the_reason_and_nothing_is_touched(store: Store, server: HTTPServer, status: int,
                                                                 reason: str) -> None:
    server.expect_request("/f").respond_with_data("nope", status=status)
    subs = subscribe(store, server.url_for("/f"))
    report = fetch(store, settings=FAST)
    [result] = report.failed
    assert reason in result.reason
    [sub] = subs.all()
    assert sub.errors == 1 and reason in sub.last_error and len(store) == 0
    assert sub.gone is (status == 410)
    if status == 410:
        assert "remove" in sub.health


def test_a_gone_feed_is_not_asked_again_until_named(store: Store, server: HTTPServer,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A 410 Gone feed was asked again by every fetch (cron's too), though marked "remove it":
    now a fetch of every feed skips it and says so; `fetch FEED` asks it again."""
    server.expect_request("/gone").respond_with_data("gone", status=410)
    server.expect_request("/f").respond_with_data(rss_feed(1))
    subs = subscribe(store, server.url_for("/gone"), server.url_for("/f"))
    gone = subs.all()[0]
    assert main(["--store", str(store.folder), "fetch"]) == 1
    asked = len(server.log)
    capsys.readouterr()
    assert main(["--store", str(store.folder), "fetch"]) == 0
    said = capsys.readouterr().err
    assert len(server.log) == asked + 1  # the other feed only
    assert (f"skipped    {server.url_for('/gone')}: gone (410): the server said it was removed for good, so it "
            f"is not asked again; `broadsheet feeds remove {gone.id}` unsubscribes, `broadsheet fetch {gone.id}` "
            "asks again") in said
    assert "from 2 feeds (1 unchanged); 0 failed; 1 skipped" in said
    assert main(["--store", str(store.folder), "feeds", "list"]) == 0
    assert "gone (410), not fetched: remove it" in capsys.readouterr().out
    assert main(["--store", str(store.folder), "fetch", gone.id]) == 1
    assert len(server.log) == asked + 2  # named: asked again


def test_feeds_add_of_a_gone_feed_asks_it_again(store: Store, server: HTTPServer,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Subscribing again to a gone (410) feed said only "already subscribed": a fetch of every
    feed went on skipping it."""
    server.expect_request("/gone").respond_with_data("gone", status=410)
    subscribe(store, server.url_for("/gone"))
    fetch(store, settings=FAST)
    server.clear()
    server.expect_request("/gone").respond_with_data(rss_feed(1))
    capsys.readouterr()
    assert main(["--store", str(store.folder), "feeds", "add", server.url_for("/gone")]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"already subscribed: {server.url_for('/gone')}",
        "  it was marked gone (410): asked again, `broadsheet fetch` fetches it"]
    [result] = fetch(store, settings=FAST).results
    assert result.new == 1 and len(server.log) == 1


def test_429_retry_after_is_waited_for_when_short(store: Store, server: HTTPServer) -> None:
    calls: list[float] = []

    def handle(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response(rss_feed(1))

    server.expect_request("/f").respond_with_handler(handle)
    subscribe(store, server.url_for("/f"))
    [result] = fetch(store, settings=FAST).results
    assert result.new == 1
    assert calls[1] - calls[0] >= 0.9


def test_429_with_a_long_retry_after_fails_and_the_next_fetch_waits(store: Store, server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_data("slow down", status=429, headers={"Retry-After": "3600"})
    subs = subscribe(store, server.url_for("/f"))
    [result] = fetch(store, settings=FAST).failed
    assert "rate limited (429)" in result.reason and "wait until" in result.reason
    assert subs.all()[0].not_before
    count = len(server.log)
    [again] = fetch(store, settings=FAST).results
    assert again.outcome == "skipped" and len(server.log) == count  # the server was not asked again
    # The wait said as the 429's message said it (it was "until 2026-12-06T14:41:30+00:00" here).
    assert again.reason.removeprefix("the server asked to wait until ") in result.reason


def test_a_503_with_a_long_retry_after_is_not_retried_and_the_next_fetch_waits(
        store: Store, server: HTTPServer) -> None:
    """A 503 asking to wait an hour was asked 3 times in one fetch (30 s apart), said only
    "server error (503)", and asked again by the next: now as a 429's Retry-After."""
    server.expect_request("/f").respond_with_data("busy", status=503, headers={"Retry-After": "3600"})
    subs = subscribe(store, server.url_for("/f"))
    [result] = fetch(store, settings=FAST).failed
    assert len(server.log) == 1
    assert result.reason.startswith("server busy (503): the server asks to wait until "), result.reason
    assert subs.all()[0].not_before
    [again] = fetch(store, settings=FAST).results
    assert again.outcome == "skipped" and len(server.log) == 1
    assert again.reason.removeprefix("the server asked to wait until ") in result.reason


def test_a_host_that_asks_to_wait_is_not_asked_for_its_other_feeds(store: Store, server: HTTPServer) -> None:
    """8 feeds of one host all answering 429 were each asked 3 times: now the first is asked again
    once its wait is over, the others are not asked in this fetch, said once for the host."""
    server.expect_request("/f").respond_with_data("slow down", status=429, headers={"Retry-After": "1"})
    subs = subscribe(store, *(server.url_for(f"/f?n={n}") for n in range(8)))
    report = fetch(store, settings=replace(FAST, per_host=1))
    assert len(server.log) == 2  # the first feed, and once again after the second it asked for
    assert [r.outcome for r in report.results] == ["failed"] + ["skipped"] * 7
    text = summarize(report).text
    host = server.url_for("/").split("/")[2]
    assert f"\n{host} asked to wait until " in text and "(429): its 7 other feeds were not asked in this fetch" \
        in text, text
    assert "f?n=3" not in text  # not said of each feed
    assert not any(sub.not_before for sub in subs.all()[1:])  # the next fetch asks them


def test_an_ipv6_host_that_asks_to_wait_is_named_with_brackets_around_its_address(store: Store) -> None:
    """A feed on [::1]:8080 was said as "::1:8080 asked to wait": its port read as part of the address."""
    ipv6 = HTTPServer(host="::1")
    ipv6.start()
    try:
        ipv6.expect_request("/f").respond_with_data("slow down", status=429, headers={"Retry-After": "1"})
        subscribe(store, *(ipv6.url_for(f"/f?n={n}") for n in range(3)))
        text = summarize(fetch(store, settings=replace(FAST, per_host=1))).text
    finally:
        ipv6.clear()
        ipv6.stop()
    assert f"\n[::1]:{ipv6.port} asked to wait until " in text, text


def test_feeds_asked_when_their_host_asked_to_wait_are_not_counted_as_not_asked(
        store: Store, server: HTTPServer) -> None:
    """4 feeds asked at once, 4 not asked: the note said "its 7 other feeds were not asked"."""
    def slow_429(_request: Request) -> Response:
        time.sleep(0.2)
        return Response("slow down", status=429, headers={"Retry-After": "3600"})

    server.expect_request("/f").respond_with_handler(slow_429)
    subscribe(store, *(server.url_for(f"/f?n={n}") for n in range(8)))
    report = fetch(store, settings=replace(FAST, per_host=4))
    assert len(server.log) == 4
    [said] = report.hosts_said
    assert said.endswith("(429): its 4 other feeds were not asked in this fetch; 3 other feeds asked at the same "
                         "time answered 429 too"), said


def test_a_host_with_an_international_name_that_asked_to_wait_is_not_asked_for_its_other_feeds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The wait was kept under the answer's name (xn--bcher-kva.example) and looked for under the
    subscribed one (bücher.example): each feed was asked."""
    import asyncio

    import httpx

    asked: list[str] = []

    def slow_down(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(429, headers={"Retry-After": "3600"})

    class Mocked(httpx.AsyncClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "transport": httpx.MockTransport(slow_down)})

    monkeypatch.setattr(httpx, "AsyncClient", Mocked)
    hosts = Hosts()
    subs = [Subscription(f"http://bücher.example/f{n}") for n in range(4)]
    asyncio.run(download_all(subs, replace(FAST, per_host=1), lambda sub, got: None, hosts=hosts))
    assert asked == ["http://xn--bcher-kva.example/f0"]
    [said] = hosts.said()
    assert said.startswith("bücher.example asked to wait until ") and said.endswith(
        "(429): its 3 other feeds were not asked in this fetch"), said


def numbered(request: Request) -> Response:
    """A feed of its own for each ``?n=``: one story, numbered as it is."""
    return Response(rss_feed(1, start=int(request.args["n"])), content_type="application/rss+xml")


def test_a_503_without_retry_after_keeps_no_other_feed_of_its_host_from_being_fetched(
        store: Store, server: HTTPServer) -> None:
    """One feed answering 503 (no Retry-After) made its host "ask to wait": every fetch asked it
    first, and its host's other feeds were never fetched ("asked to wait until 15:57 UTC (503)")."""
    server.expect_request("/busy").respond_with_data("busy", status=503)
    server.expect_request("/f").respond_with_handler(numbered)
    subscribe(store, server.url_for("/busy"), *(server.url_for(f"/f?n={n}") for n in range(5)))
    report = fetch(store, settings=replace(FAST, per_host=1))
    assert [r.outcome for r in report.results] == ["failed"] + ["new"] * 5
    assert report.results[0].reason == "server busy (503)" and not report.hosts_said
    assert "asked to wait" not in summarize(report).text


def test_a_host_that_asked_to_wait_is_asked_again_once_a_retry_is_answered(store: Store, server: HTTPServer) -> None:
    """A feed's 503 with a short Retry-After kept the host's other feeds out of the fetch though the
    retry after the wait was answered."""
    calls: list[int] = []

    def busy_once(_request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            return Response("busy", status=503, headers={"Retry-After": "1"})
        return Response(rss_feed(1, start=99), content_type="application/rss+xml")

    server.expect_request("/first").respond_with_handler(busy_once)
    server.expect_request("/f").respond_with_handler(numbered)
    subscribe(store, server.url_for("/first"), *(server.url_for(f"/f?n={n}") for n in range(3)))
    report = fetch(store, settings=replace(FAST, per_host=1))
    assert [r.outcome for r in report.results] == ["new"] * 4
    assert not report.hosts_said and len(server.log) == 5


def test_a_sick_host_costs_its_feeds_one_request_each(store: Store, server: HTTPServer) -> None:
    """A 500 was asked 3 times for each feed: a sick host held a fetch of 100 feeds for minutes."""
    server.expect_request("/f").respond_with_data("oops", status=500)
    subscribe(store, *(server.url_for(f"/f?n={n}") for n in range(6)))
    report = fetch(store, settings=replace(FAST, per_host=1))
    assert len(server.log) == 7  # the first retried once (FAST), the others asked once
    assert {r.reason for r in report.results} == {"server error (500)"}


def test_progress_counts_the_feeds_the_report_names(store: Store, server: HTTPServer) -> None:
    # A feed waiting out a Retry-After was in the report but not the progress: "4/5", then "from 6 feeds".
    server.expect_request("/wait").respond_with_data("slow down", status=429, headers={"Retry-After": "3600"})
    server.expect_request("/a").respond_with_data(rss_feed(1))
    server.expect_request("/b").respond_with_data(rss_feed(1, title="Valley Courier", start=5))
    subscribe(store, server.url_for("/wait"))
    fetch(store, settings=FAST)
    subscribe(store, server.url_for("/a"), server.url_for("/b"))
    steps: list[tuple[int, int]] = []
    report = fetch(store, settings=FAST, on_progress=lambda done, total, name: steps.append((done, total)))
    assert [r.outcome for r in report.results] == ["skipped", "new", "new"]
    assert steps == [(1, 3), (2, 3), (3, 3)]


def test_progress_names_a_feed_still_fetched_not_the_one_just_done(store: Store, server: HTTPServer) -> None:
    """"13/14: err500.xml" stayed up for 6 s while the slow feed was the one waited for."""
    def slow(_request: Request) -> Response:
        time.sleep(0.3)
        return Response(rss_feed(1, title="Valley Courier"), content_type="application/rss+xml")

    server.expect_request("/slow").respond_with_handler(slow)
    server.expect_request("/gone").respond_with_data("", status=404)
    subscribe(store, server.url_for("/gone"), server.url_for("/slow"))
    steps: list[tuple[int, str]] = []
    fetch(store, settings=FAST, on_progress=lambda done, total, name: steps.append((done, name)))
    assert steps[0] == (1, server.url_for("/slow")) and steps[-1][0] == 2


def test_a_feeds_new_title_is_taken_unless_the_user_chose_one(store: Store, server: HTTPServer) -> None:
    """A publisher renamed its feed: the subscription kept the first title it learned, for good
    (newsboat follows the feed); a title the user chose ("~Name") stays."""
    titles = {"/a": "Lantern Post", "/b": "Valley Courier", "/c": "Dale Herald"}
    for path in titles:
        server.expect_request(path).respond_with_handler(
            lambda request: Response(rss_feed(1, title=titles[request.path], start=ord(request.path[1])),
                                     content_type="application/rss+xml"))
    subs = subscribe(store, server.url_for("/a"), server.url_for("/c"))
    subs.add([server.url_for("/b")], renames={server.url_for("/b"): "My Courier"})
    fetch(store, settings=FAST)
    subs.add([server.url_for("/c")], renames={server.url_for("/c"): "Dale Herald"})  # chosen as the feed gave it
    titles.update({"/a": "The Lantern Post Evening", "/b": "Valley Courier Daily", "/c": "Dale Herald Online"})
    fetch(store, settings=FAST)
    assert sorted(sub.title for sub in subs.all()) == ["Dale Herald", "My Courier", "The Lantern Post Evening"]
    assert sorted(m.source for m in store.stories()) == ["Dale Herald", "My Courier", "The Lantern Post Evening"]


def test_a_fetch_reads_the_subscriptions_once(store: Store, server: HTTPServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Read twice a run: once for the feeds to fetch, again for which feed each address is.
    server.expect_request("/a").respond_with_data(rss_feed(1))
    server.expect_request("/b").respond_with_data(rss_feed(1, title="Valley Courier", start=5))
    subscribe(store, server.url_for("/a"), server.url_for("/b"))
    reads: list[int] = []
    every = Subscriptions.all
    monkeypatch.setattr(Subscriptions, "all", lambda self: reads.append(1) or every(self))
    report = fetch(store, settings=FAST)
    assert [r.outcome for r in report.results] == ["new", "new"] and len(store) == 2
    assert len(reads) == 1


def test_a_hanging_server_times_out(store: Store, server: HTTPServer) -> None:
    def hang(request: Request) -> Response:
        time.sleep(2.5)
        return Response(rss_feed(1))

    server.expect_request("/f").respond_with_handler(hang)
    subscribe(store, server.url_for("/f"))
    started = time.monotonic()
    [result] = fetch(store, settings=Settings(timeout=0.3, total=5, retries=0)).failed
    assert "stopped answering" in result.reason
    assert time.monotonic() - started < 2.0


def test_a_server_that_accepts_and_never_answers_is_tried_once(store: Store) -> None:
    # Each try waited out the timeout: three tries and their backoff took 48 s where 15 s was said.
    import socket
    import threading

    accepted: list[socket.socket] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                accepted.append(listener.accept()[0])  # held open, never answered
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        subscribe(store, f"http://127.0.0.1:{listener.getsockname()[1]}/hang")
        started = time.monotonic()
        [result] = fetch(store, settings=Settings(timeout=0.3, total=5, retries=2, backoff=0.3)).failed
        took = time.monotonic() - started
    finally:
        done.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
    assert result.reason == "the server stopped answering (no data for 0.3 s)"
    assert len(accepted) == 1 and took < 0.9


def trickling(spaces: int, kind: str = "application/rss+xml") -> Callable[[Request], Response]:
    """A handler that starts a feed (or a page), then sends a space every 0.1 s, ``spaces`` times."""
    def trickle(request: Request) -> Response:
        def drip() -> Iterator[bytes]:
            yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>Drip</title>'
            for _ in range(spaces):
                time.sleep(0.1)
                yield b" "

        return Response(drip(), content_type=kind)

    return trickle


def test_a_trickling_server_is_cut_off_by_the_total_deadline(store: Store, server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_handler(trickling(60))
    subscribe(store, server.url_for("/f"))
    started = time.monotonic()
    [result] = fetch(store, settings=Settings(timeout=1.0, total=1.0, retries=2, backoff=0.05)).failed
    assert "longer than 1 s" in result.reason
    assert time.monotonic() - started < 3.0  # not tried again: three tries held fetch for three minutes
    assert len(server.log) == 1


def test_a_fetch_told_to_stop_stops_at_once_and_stores_nothing(store: Store, server: HTTPServer) -> None:
    # Q in the reader during a fetch of a slow feed: the screen went blank and the reader ended
    # only when the fetch did (58 s).
    server.expect_request("/slow").respond_with_handler(trickling(100))
    server.expect_request("/quick").respond_with_data(rss_feed(2), content_type="application/rss+xml")
    subs = subscribe(store, server.url_for("/slow"), server.url_for("/quick"))
    started = time.monotonic()
    with pytest.raises(FetchStopped):
        fetch(store, settings=Settings(timeout=20, total=30, retries=0),
              stop=lambda: time.monotonic() - started > 0.5)
    assert time.monotonic() - started < 2.0
    assert len(store) == 0 and all(not sub.etag and not sub.last_fetch for sub in subs.all())


def test_ctrl_c_stores_the_feeds_fetched_and_leaves_the_rest_for_the_next_fetch(tmp_path: Path,
                                                                                 server: HTTPServer) -> None:
    """Ctrl-C while one feed was slow stored nothing, the quick feed's stories too, and said only
    "interrupted"."""
    server.expect_request("/slow").respond_with_handler(trickling(300))
    server.expect_request("/quick").respond_with_data(rss_feed(3), content_type="application/rss+xml")
    folder = tmp_path / "store"
    subscribe(Store(folder), server.url_for("/slow"), server.url_for("/quick"))
    proc = subprocess.Popen([sys.executable, "-m", "broadsheet", "--store", str(folder), "fetch"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while len([r for r, _ in server.log if r.path == "/quick"]) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # the quick feed parsed and finished; the slow one still drips
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err.decode()
    assert b"Interrupted (Ctrl-C)" in err and b"1 feed not fetched or not all stored" in err and b"Traceback" not in err
    store = Store(folder)
    assert len(store) == 3
    by_url = {sub.url: sub for sub in Subscriptions(store).all()}
    assert by_url[server.url_for("/quick")].last_fetch and not by_url[server.url_for("/slow")].last_fetch


def test_ctrl_c_while_the_stories_are_stored_stops_after_a_batch_and_says_what_was_stored(
        tmp_path: Path, server: HTTPServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C while 120,000 fetched entries were stored printed "broadsheet: interrupted" alone:
    nothing said what was stored, and a feed left part stored showed as fetched. Now the batch
    being stored is finished and counted, the feeds not all stored keep no validators (the next
    fetch downloads them whole), and the summary says so."""
    from broadsheet.cli.main import main
    from broadsheet.store.feeds import fetch as fetch_module

    for name in ("a", "b"):
        server.expect_request(f"/{name}.xml").respond_with_handler(
            conditional(rss_feed(2, f"Feed {name}", start=10 * ord(name)), etag=f'"{name}"'))
    folder = tmp_path / "store"
    subscribe(Store(folder), server.url_for("/a.xml"), server.url_for("/b.xml"))
    monkeypatch.setattr(fetch_module, "BATCH", 2)  # a batch a feed
    add = Store.add_identified

    def ctrl_c_in_the_first(self: Store, *args: object, **kwargs: object) -> object:
        if not len(self):
            os.kill(os.getpid(), signal.SIGINT)  # as the user's Ctrl-C, while the batch is written
        return add(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "add_identified", ctrl_c_in_the_first)
    capsys.readouterr()
    assert main(["--store", str(folder), "fetch"]) == 130
    err = " ".join(capsys.readouterr().err.split())
    assert "2 new, 0 updated from 2 feeds" in err, err
    assert "Interrupted (Ctrl-C)" in err and "1 feed not fetched or not all stored" in err, err
    store = Store(folder)
    assert len(store) == 2
    assert sorted(sub.etag for sub in Subscriptions(store).all()) == ["", '"a"']
    monkeypatch.setattr(Store, "add_identified", add)
    assert main(["--store", str(folder), "fetch"]) == 0  # the rest, downloaded whole
    assert len(Store(folder)) == 4


def test_ctrl_c_once_every_feed_was_downloaded_is_said_and_exits_130(
        tmp_path: Path, server: HTTPServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C as the last feed finished: the fetch stored everything for 20 s more and exited 0,
    as if no Ctrl-C had come. The stories fetched are still stored, and the interrupt is said."""
    from broadsheet.cli.main import main
    from broadsheet.store.feeds import fetch as fetch_module

    for name in ("a", "b"):
        server.expect_request(f"/{name}.xml").respond_with_data(rss_feed(2, f"Feed {name}", start=10 * ord(name)),
                                                                content_type="application/rss+xml")
    folder = tmp_path / "store"
    subscribe(Store(folder), server.url_for("/a.xml"), server.url_for("/b.xml"))
    download_all = fetch_module.download_all

    async def then_ctrl_c(*args: Any, **kwargs: Any) -> None:
        await download_all(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(fetch_module, "download_all", then_ctrl_c)
    capsys.readouterr()
    assert main(["--store", str(folder), "fetch"]) == 130
    err = " ".join(capsys.readouterr().err.split())
    assert "Interrupted (Ctrl-C): the stories counted above are stored, every feed had been fetched." in err, err
    assert len(Store(folder)) == 4


@pytest.mark.parametrize("step", ["the index committed", "the feeds' records written"])
def test_ctrl_c_after_the_stories_are_stored_still_says_what_was_stored(
        step: str, tmp_path: Path, server: HTTPServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A second Ctrl-C while the index was committed (or the feeds' records written) printed
    "broadsheet: interrupted" alone, the stories stored uncounted. The step is finished, then
    the summary says what was stored, exit 130."""
    from broadsheet.cli.main import main
    from broadsheet.store.ingest.importer import Indexer

    server.expect_request("/a.xml").respond_with_handler(conditional(rss_feed(2, "Feed a"), etag='"a"'))
    folder = tmp_path / "store"
    subscribe(Store(folder), server.url_for("/a.xml"))
    finish, save = Indexer.finish, Subscriptions.save
    saves: list[object] = []

    def ctrl_c_in_finish(self: Indexer) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # as the user's Ctrl-C, while the index is committed
        finish(self)

    def ctrl_c_in_the_last_save(self: Subscriptions, *args: Any, **kwargs: Any) -> None:
        saves.append(args)
        if len(saves) == 2:  # the records with their validators, once the stories are stored
            os.kill(os.getpid(), signal.SIGINT)
        save(self, *args, **kwargs)

    if step == "the index committed":
        monkeypatch.setattr(Indexer, "finish", ctrl_c_in_finish)
    else:
        monkeypatch.setattr(Subscriptions, "save", ctrl_c_in_the_last_save)
    capsys.readouterr()
    assert main(["--store", str(folder), "fetch"]) == 130
    err = " ".join(capsys.readouterr().err.split())
    assert "2 new, 0 updated from 1 feed" in err, err
    assert "Interrupted (Ctrl-C): the stories counted above are stored, every feed had been fetched." in err, err
    store = Store(folder)
    assert len(store) == 2 and [sub.etag for sub in Subscriptions(store).all()] == ['"a"']


def test_a_gzip_bomb_stops_at_the_cap(store: Store, server: HTTPServer) -> None:
    bomb = gzip.compress(b"<" + b" " * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 200_000
    server.expect_request("/f").respond_with_data(bomb, headers={"Content-Encoding": "gzip"},
                                                  content_type="application/rss+xml")
    subscribe(store, server.url_for("/f"))
    [result] = fetch(store, settings=FAST).failed
    assert "cap" in result.reason


def test_gzip_feeds_are_read(store: Store, server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_data(gzip.compress(rss_feed(2)), headers={"Content-Encoding": "gzip"})
    subscribe(store, server.url_for("/f"))
    assert fetch(store, settings=FAST).results[0].new == 2


def test_gzip_bytes_sent_without_content_encoding_are_read_to_the_same_cap(store: Store, server: HTTPServer) -> None:
    server.expect_request("/f.xml.gz").respond_with_data(gzip.compress(rss_feed(2)), content_type="application/gzip")
    server.expect_request("/bomb").respond_with_data(gzip.compress(rss_feed(1) + b" " * (8 * 1024 * 1024), 9),
                                                     content_type="application/rss+xml")
    subscribe(store, server.url_for("/f.xml.gz"), server.url_for("/bomb"))
    good, bomb = fetch(store, settings=FAST).results
    assert (good.outcome, good.new) == ("new", 2)
    assert bomb.failed and "larger than the 1 MB cap" in bomb.reason


def test_a_100_mb_feed_is_refused_at_the_cap_without_reading_it_all(store: Store, server: HTTPServer) -> None:
    sent: list[int] = []

    def huge(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>'
            chunk = b"<item><title>x</title></item>" * 32768
            while sum(sent) < 100 * 1024 * 1024:
                sent.append(len(chunk))
                yield chunk

        return Response(body(), content_type="application/rss+xml")  # streamed: no Content-Length

    server.expect_request("/f").respond_with_handler(huge)
    subscribe(store, server.url_for("/f"))
    [result] = fetch(store, settings=Settings(timeout=2, total=10, retries=0)).failed
    assert "larger than the 10 MB cap" in result.reason
    server.expect_request("/g").respond_with_data(b"x" * (100 * 1024 * 1024 + 1))
    subs = Subscriptions(store)
    subs.add([server.url_for("/g")])
    [declared] = fetch(store, subs.matching(server.url_for("/g")), settings=Settings(retries=0)).failed
    assert "cap" in declared.reason


def test_a_redirect_loop_fails_clearly(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    subscribe(store, server.url_for("/a"))
    [result] = fetch(store, settings=FAST).failed
    assert result.reason == "redirect loop (the redirects lead back to an address already asked)"


def test_a_tls_failure_is_said_in_words_naming_the_redirect_target(store: Store, server: HTTPServer) -> None:
    """It said "cannot connect (wrong version number (_ssl.c:1006))", OpenSSL's words, of a
    redirect to https:// on a server that answers only http://, and did not say where."""
    https = server.url_for("/feed").replace("http://", "https://")
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": https})
    subscribe(store, server.url_for("/old"), https)
    redirected, direct = sorted(fetch(store, settings=FAST).failed, key=lambda r: r.sub.url)  # (http: first)
    said = "the server did not answer in TLS (https): it may serve only http://"
    assert redirected.reason == f"the server redirected to {https}, which failed: {said}", redirected.reason
    assert direct.reason == said


def test_a_long_chain_of_redirects_is_not_called_a_loop(store: Store, server: HTTPServer) -> None:
    """7 redirects, each to a new address, were called "redirect loop (more than 5 redirects)"."""
    for n in range(7, 0, -1):
        server.expect_request(f"/hop/{n}").respond_with_data("", status=302, headers={"Location": f"/hop/{n - 1}"})
    server.expect_request("/hop/0").respond_with_data(rss_feed(1))
    subscribe(store, server.url_for("/hop/7"))
    [result] = fetch(store, settings=FAST).failed
    assert result.reason == "too many redirects (more than 5)"


def test_a_redirect_to_an_address_http_refuses_fails_in_words(store: Store) -> None:
    """It said "RemoteProtocolError: Invalid URL in location header: ...", httpx's words."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)

    def answer() -> None:  # raw bytes: a test server's library refuses to send such a header
        conn, _ = listener.accept()  # one: the answer is refused, no redirect followed, no retry
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /b\x1b[2Jc\r\nContent-Length: 0\r\n\r\n")

    # (Joined before the test ends: a thread left running makes a later import spawn its workers.)
    server_thread = threading.Thread(target=answer, daemon=True)
    server_thread.start()
    subscribe(store, f"http://127.0.0.1:{listener.getsockname()[1]}/a")
    [result] = fetch(store, settings=Settings(timeout=2, total=5, retries=0)).failed
    server_thread.join(10)
    listener.close()
    assert not server_thread.is_alive()
    assert result.reason == "the server redirected to an address that is not valid", result.reason


def test_a_permanent_redirect_moves_the_subscription_without_duplicating(store: Store, server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_handler(conditional(rss_feed(3)))
    subs = subscribe(store, server.url_for("/old"))
    [result] = fetch(store, settings=FAST).results
    assert result.moved_to == server.url_for("/new") and result.new == 3
    [sub] = subs.all()
    assert sub.url == server.url_for("/new") and sub.key == server.url_for("/old")
    server.clear()
    server.expect_request("/new").respond_with_data(rss_feed(3))  # no ETag: a full download again
    [again] = fetch(store, settings=FAST).results
    assert again.present == 3 and again.new == 0 and len(store) == 3
    assert subs.add([server.url_for("/old")]) == ([], subs.all())  # its first address is still this feed


def test_a_quiet_fetch_says_a_subscription_moved(store: Store, server: HTTPServer,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`fetch --quiet` (cron) printed nothing of a feed that moved for good: the user's list changed unsaid."""
    server.expect_request("/old").respond_with_data("", status=308, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data(rss_feed(1))
    server.expect_request("/alias").respond_with_data("", status=301, headers={"Location": "/new"})
    subscribe(store, server.url_for("/old"))
    assert main(["--store", str(store.folder), "fetch", "--quiet"]) == 0
    assert capsys.readouterr().err == (f"moved      Harbour Gazette: moved for good to {server.url_for('/new')}: "
                                       "the subscription follows it\n")
    subscribe(store, server.url_for("/alias"))
    assert main(["--store", str(store.folder), "fetch", "--quiet"]) == 0
    assert capsys.readouterr().err.startswith(f"merged     {server.url_for('/alias')}: already subscribed as "
                                              "Harbour Gazette")


@pytest.mark.parametrize("status", [301, 308])
def test_a_permanent_redirect_to_a_web_page_does_not_move_the_subscription(store: Store, server: HTTPServer,
                                                                          status: int) -> None:
    """A feed moved for good to a site's home page took the page's address, and its own was never
    asked again: the move is kept only when a feed is there."""
    server.expect_request("/old").respond_with_data("", status=status, headers={"Location": "/home"})
    server.expect_request("/home").respond_with_data("<html><head><title>Home</title></head><body><p>Welcome</p>"
                                                     "</body></html>", content_type="text/html")
    subs = subscribe(store, server.url_for("/old"))
    [result] = fetch(store, settings=FAST).results
    assert result.failed and not result.moved_to
    assert result.reason.endswith(f"(where the server moved it for good, {server.url_for('/home')}: the "
                                  "subscription keeps its address)"), result.reason
    assert subs.all()[0].url == server.url_for("/old")
    server.clear()
    server.expect_request("/old").respond_with_data(rss_feed(2))  # the publisher fixed the redirect
    [again] = fetch(store, settings=FAST).results
    assert again.new == 2 and subs.all()[0].url == server.url_for("/old")


def test_the_limit_per_host_holds_for_the_host_a_redirect_goes_to(store: Store, server: HTTPServer) -> None:
    """The limit counted the subscribed host: feeds of other hosts redirecting to one asked it at once."""
    running: list[int] = []
    most = 0
    lock = threading.Lock()

    def slow(request: Request) -> Response:
        nonlocal most
        with lock:
            running.append(1)
            most = max(most, len(running))
        time.sleep(0.2)
        with lock:
            running.pop()
        return Response(rss_feed(1, title=request.path), content_type="application/rss+xml")

    server.expect_request("/moved").respond_with_data(
        "", status=302, headers={"Location": server.url_for("/feed/b")})  # to 127.0.0.1
    server.expect_request("/feed/a").respond_with_handler(slow)
    server.expect_request("/feed/b").respond_with_handler(slow)
    subscribe(store, server.url_for("/feed/a"), server.url_for("/moved").replace("127.0.0.1", "localhost"))
    report = fetch(store, settings=replace(FAST, per_host=1))
    assert not report.failed, [r.reason for r in report.results]
    assert most == 1


def test_the_wait_for_the_slot_of_a_redirects_host_is_not_counted_against_the_answers_deadline(
        store: Store, server: HTTPServer) -> None:
    """100 feeds redirecting to one slow host: 24 failed "the answer took longer than 60 s (server
    too slow)" while they waited their turn at it. Only the server's answering counts."""
    def slow(request: Request) -> Response:
        time.sleep(0.2)
        return numbered(request)

    server.expect_request("/moved").respond_with_handler(lambda request: Response(
        "", status=302, headers={"Location": server.url_for(f"/feed?n={request.args['n']}")}))  # to 127.0.0.1
    server.expect_request("/feed").respond_with_handler(slow)
    subscribe(store, *(server.url_for(f"/moved?n={n}").replace("127.0.0.1", "localhost") for n in range(5)))
    report = fetch(store, settings=replace(FAST, per_host=1, total=0.5))
    assert [r.outcome for r in report.results] == ["new"] * 5, [r.reason for r in report.results]


def test_a_temporary_redirect_keeps_the_address(store: Store, server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data("", status=302, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data(rss_feed(1))
    subs = subscribe(store, server.url_for("/old"))
    fetch(store, settings=FAST)
    assert subs.all()[0].url == server.url_for("/old")


def test_an_address_redirecting_to_a_subscribed_feed_is_not_a_second_subscription(store: Store,
                                                                                     server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(rss_feed(3))
    server.expect_request("/short").respond_with_data("", status=302, headers={"Location": "/feed"})
    server.expect_request("/alias").respond_with_data("", status=301, headers={"Location": "/feed"})
    subs = subscribe(store, server.url_for("/feed"))
    fetch(store, settings=FAST)
    subs.add([server.url_for("/short"), server.url_for("/alias")], tags=("harbour",))
    report = fetch(store, settings=FAST)
    for result in report.results[1:]:
        assert result.outcome == "skipped" and result.new == result.updated == 0
        assert result.reason.startswith(f"already subscribed as Harbour Gazette ({server.url_for('/feed')})")
    [sub] = subs.all()
    assert sub.url == server.url_for("/feed") and sub.tags == ["harbour"]  # the tags given go to the feed
    assert len(store) == 3 and {m.file for m in store.stories()} == {server.url_for("/feed")}


def test_a_feed_moving_onto_a_subscribed_feed_becomes_one_subscription_keeping_all_stories(
        store: Store, server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data(rss_feed(3, title="Old Gazette"))
    server.expect_request("/feed").respond_with_data(rss_feed(3, start=2))
    server.expect_request("/later").respond_with_data(rss_feed(2, title="Later Gazette", start=10))
    subs = subscribe(store, server.url_for("/old"), server.url_for("/later"), tags=("kept",))
    subs.add([server.url_for("/feed")])
    fetch(store, settings=FAST)
    assert len(store) == 7
    server.clear()
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/feed"})
    server.expect_request("/later").respond_with_data("", status=302, headers={"Location": "/feed"})
    server.expect_request("/feed").respond_with_data(rss_feed(3, start=2))
    moved, later, _ = fetch(store, settings=FAST).results
    assert moved.outcome == "skipped" and "one subscription now" in moved.reason and not moved.moved_to
    assert later.outcome == "skipped" and "for now" in later.reason
    assert [(sub.url, sub.tags) for sub in subs.all()] == [(server.url_for("/later"), ["kept"]),
                                                          (server.url_for("/feed"), ["kept"])]
    assert len(store) == 7  # nothing lost, nothing twice
    subs.add([server.url_for("/old")])  # again, later
    assert fetch(store, settings=FAST).results[-1].outcome == "skipped"
    assert len(subs.all()) == 2 and len(store) == 7


def test_no_network_fails_fast_and_clearly(store: Store, server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_data(rss_feed(2))
    subscribe(store, server.url_for("/f"))
    fetch(store, settings=FAST)
    port = server.port
    server.stop()
    started = time.monotonic()
    report = fetch(store, settings=Settings(retries=2))
    assert time.monotonic() - started < 2.0
    # In our words: the HTTP library's own were "cannot connect (All connection attempts failed)".
    assert report.failed[0].reason == "cannot connect: the server refused the connection (it may be down)"
    assert len(store) == 2
    assert str(port)  # the port is closed now: nothing listens there


def test_malformed_and_non_feed_answers_fail_with_a_reason(store: Store, server: HTTPServer) -> None:
    server.expect_request("/page").respond_with_data("<html><body>Login</body></html>", content_type="text/html")
    subscribe(store, server.url_for("/page"))
    [result] = fetch(store, settings=FAST).failed
    assert result.reason == "a web page, not a feed (it names no feed of its own)"
    assert Subscriptions(store).all()[0].etag == ""


def test_one_failing_feed_does_not_stop_the_others(store: Store, server: HTTPServer) -> None:
    server.expect_request("/bad").respond_with_data("x", status=404)
    server.expect_request("/good").respond_with_data(rss_feed(2))
    subscribe(store, server.url_for("/bad"), server.url_for("/good"))
    report = fetch(store, settings=FAST)
    assert [r.outcome for r in report.results] == ["failed", "new"]
    assert len(store) == 2


def test_two_fetches_never_run_at_once(store: Store) -> None:
    lock = fetch_lock(store)
    lock.acquire()
    try:
        with pytest.raises(FetchBusy):
            fetch(store, settings=FAST)
    finally:
        lock.release()


def test_the_user_agent_is_honest(store: Store, server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_data(rss_feed(1))
    subscribe(store, server.url_for("/f"))
    fetch(store, settings=FAST)
    request, _ = server.log[0]
    assert request.headers["User-Agent"].startswith("Broadsheet/")


def test_the_configs_user_agent_timeout_and_retries_are_what_broadsheet_fetch_uses(
        store: Store, server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A server that refuses Broadsheet's User-Agent, or a slow one: the [feeds] settings
    (newsboat's user-agent, download-timeout, download-retries) are the ones fetched with."""
    config = tmp_path / "config.toml"
    config.write_text('[feeds]\nuser_agent = "Gazette Reader/2 (+mailto:ann@example.org)"\ntimeout = 1\n'
                      "retries = 0\n")
    monkeypatch.setenv("BROADSHEET_CONFIG", str(config))
    asked: list[tuple[str, str]] = []

    def answer(request: Request) -> Response:
        asked.append((request.path, request.headers["User-Agent"]))
        time.sleep(1.5 if request.path == "/slow" else 0)
        return Response(rss_feed(1), content_type="application/rss+xml")

    server.expect_request("/f").respond_with_handler(answer)
    server.expect_request("/slow").respond_with_handler(answer)
    subscribe(store, server.url_for("/f"), server.url_for("/slow"))
    assert main(["--store", str(store.folder), "fetch"]) == 1
    assert Counter(asked) == {("/f", "Gazette Reader/2 (+mailto:ann@example.org)"): 1,
                      ("/slow", "Gazette Reader/2 (+mailto:ann@example.org)"): 1}  # retries = 0: asked once
    assert "the server stopped answering (no data for 1 s)" in capsys.readouterr().err


def test_a_fetch_killed_at_any_moment_leaves_the_store_whole(tmp_path: Path, server: HTTPServer) -> None:
    feeds = 30
    for n in range(feeds):
        server.expect_request(f"/f{n}").respond_with_handler(conditional(rss_feed(40, f"Feed {n}", start=n * 1000),
                                                                         etag=f'"{n}"'))
    folder = tmp_path / "killed"
    store = Store(folder)
    subscribe(store, *(server.url_for(f"/f{n}") for n in range(feeds)))
    command = [sys.executable, "-m", "broadsheet", "--store", str(folder), "fetch", "--quiet"]
    for delay in (0.3, 0.6, 0.9, 1.2, 1.6):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        Store(folder)  # opens and checks: every file whole
    done = subprocess.run(command, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    store = Store(folder)
    assert len(store) == feeds * 40
    assert all(sub.etag for sub in Subscriptions(store).all())
    final = subprocess.run(command, capture_output=True, timeout=60)
    assert final.returncode == 0
    assert len(Store(folder)) == feeds * 40


PAGE = """<!doctype html><html><head><title>Ferry timetable change number 0 | Harbour Gazette</title></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Ferry timetable change number 0</h1>
<p>The ferry to the outer islands will leave later from next week, the harbour office said on Monday.</p>
<p>Passengers who travel to work on the first crossing will have to wait an extra forty minutes at the quay.</p>
<p>The office said the change was needed because of repairs to the northern landing stage this spring.</p>
</article><footer>Copyright Harbour Gazette</footer></body></html>"""


def test_a_full_feed_brings_each_new_entrys_article_page(store: Store, server: HTTPServer) -> None:
    feed = rss_feed(1).replace(b"https://gazette.example/story/0", server.url_for("/story/0").encode())
    server.expect_request("/f").respond_with_data(feed)
    server.expect_request("/story/0").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    subs = Subscriptions(store)
    subs.add([server.url_for("/f")], full=True)
    fetch(store, settings=replace(FAST, timeout=5.0, total=10.0))  # not a test of timing: a loaded machine too
    [meta] = store.stories()
    body = store.body(meta)
    assert any("extra forty minutes" in p for p in body) and len(body) >= 3
    pages = len([r for r, _ in server.log if r.path == "/story/0"])
    report = fetch(store, settings=FAST)  # the entry is stored now: its page is not fetched again
    assert len([r for r, _ in server.log if r.path == "/story/0"]) == pages == 1
    # and the story keeps the page's text: the feed's teaser came back over it at every fetch
    assert Store(store.folder).body(meta) == body
    assert [(r.new, r.updated, r.present) for r in report.results] == [(0, 0, 1)]


def test_a_full_feeds_pages_that_cannot_be_read_are_said(tmp_path: Path, server: HTTPServer,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A page that was not found or never answered left its story a teaser in silence: "3 new, 0 failed"."""
    from broadsheet.cli.main import main

    feed = rss_feed(3)
    for n, path in enumerate(("/story/0", "/gone", "/slow")):
        feed = feed.replace(f"https://gazette.example/story/{n}".encode(), server.url_for(path).encode())
    server.expect_request("/f").respond_with_data(feed)
    server.expect_request("/story/0").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    server.expect_request("/gone").respond_with_data("no", status=404)
    server.expect_request("/slow").respond_with_handler(trickling(40, "text/html"))
    store = Store(tmp_path / "direct")
    Subscriptions(store).add([server.url_for("/f")], full=True)
    [result] = fetch(store, settings=replace(FAST, timeout=5.0, total=1.5)).results
    assert result.new == 3
    assert sorted(result.page_problems) == ["not found (404)", "the answer took longer than 1.5 s (server too slow)"]
    folder = tmp_path / "cli"
    Subscriptions(Store(folder)).add([server.url_for("/f")], full=True)
    server.clear()
    server.expect_request("/f").respond_with_data(feed.replace(b"/slow", b"/gone"))
    server.expect_request("/story/0").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    server.expect_request("/gone").respond_with_data("no", status=404)
    capsys.readouterr()
    assert main(["--store", str(folder), "fetch"]) == 0
    err = capsys.readouterr().err
    assert "2 article pages not read (the feed's text kept): not found (404)" in err, err


def test_failures_in_a_row_are_counted_and_a_success_clears_them(store: Store, server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_data("<html><body>maintenance</body></html>")
    subs = subscribe(store, server.url_for("/f"))
    fetch(store, settings=FAST)
    fetch(store, settings=FAST)
    [sub] = subs.all()
    assert sub.errors == 2 and "failing (2 in a row)" in sub.health and not sub.last_ok
    server.clear()
    server.expect_request("/f").respond_with_data(rss_feed(1))
    fetch(store, settings=FAST)
    [sub] = subs.all()
    assert (sub.errors, sub.last_error, sub.health) == (0, "", "ok") and sub.last_ok


def test_an_entry_deleted_while_a_fetch_stores_is_not_stored_again(store: Store, server: HTTPServer,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The fetch read the deleted entries once, before storing its batches: a story deleted in
    the reader meanwhile came back, unread, with a later batch."""
    from broadsheet.store.feeds import fetch as fetch_module

    server.expect_request("/feed.xml").respond_with_data(rss_feed(3), content_type="application/rss+xml")
    subscribe(store, server.url_for("/feed.xml"))
    fetch(store, settings=FAST)
    ids = [m.id for m in store.stories()]
    server.clear()
    server.expect_request("/feed.xml").respond_with_data(
        rss("\n".join(rss_item(n, text=f"Story {n}, with a later ferry.") for n in range(3))),
        content_type="application/rss+xml")
    monkeypatch.setattr(fetch_module, "BATCH", 1)
    add, stored = Store.add_identified, []

    def storing(self: Store, batch: list, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        stored.append(batch[0][0])
        if len(stored) == 2:  # `d` in the reader on a story of the fetch's, as it stores the one before
            Store(store.folder).delete([batch[0][0]])
        return add(self, batch, *args, **kwargs)

    monkeypatch.setattr(Store, "add_identified", storing)
    fetch(store, settings=FAST)
    assert stored[1] in ids and stored[1] not in {m.id for m in Store(store.folder).stories()}


def test_a_deleted_entry_is_not_fetched_again_and_a_removed_feed_tag_not_put_back(store: Store,
                                                                                 server: HTTPServer) -> None:
    # The feed still holds its entries: a deleted one came back unread at the next fetch, and a
    # tag the user took off a story was given back with every update of its entry.
    server.expect_request("/feed.xml").respond_with_data(rss_feed(3), content_type="application/rss+xml")
    subscribe(store, server.url_for("/feed.xml"), tags=("harbour",))
    fetch(store, settings=FAST)
    first, second, _ = sorted(m.id for m in store.stories())
    deleted = store.delete([first])
    store.user.edit_tags([second], remove=["harbour"])
    server.clear()
    server.expect_request("/feed.xml").respond_with_data(
        rss("\n".join(rss_item(n, text=f"Updated text of story {n}, the ferry leaves later.") for n in range(3))),
        content_type="application/rss+xml")
    [result] = fetch(store, settings=FAST).results
    assert result.new == 0 and first not in {m.id for m in store.stories()}
    assert store.user.get(second).tags == ()
    store.restore(deleted)  # the reader's undo: fetched again as any entry
    assert first not in store.deleted_entries()


class _Killed(BaseException):
    """The fetch's process dying at this point (nothing after it runs but ``finally`` blocks)."""


def test_a_fetch_killed_between_its_stories_and_their_tags_leaves_no_story_without_its_feeds_tag(
        store: Store, server: HTTPServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Killed after storing its entries and before tagging them, a fetch left them untagged for
    good: the next fetch found them stored ("0 new") and gives a feed's tags to new stories only.
    A tag the user took off a story stays off."""
    from broadsheet.cli.main import main
    from broadsheet.store.storage.userstate import UserState

    server.expect_request("/feed.xml").respond_with_data(rss_feed(3), content_type="application/rss+xml")
    subscribe(store, server.url_for("/feed.xml"), tags=("harbour",))
    fetch(store, settings=FAST)
    taken_off = sorted(m.id for m in store.stories())[0]
    store.user.edit_tags([taken_off], remove=["harbour"])
    server.clear()
    server.expect_request("/feed.xml").respond_with_data(rss_feed(6), content_type="application/rss+xml")
    merge = UserState.merge

    def killed(self: UserState, *args: object, **kwargs: object) -> object:
        raise _Killed

    monkeypatch.setattr(UserState, "merge", killed)
    with pytest.raises(_Killed):
        fetch(store, settings=FAST)
    monkeypatch.setattr(UserState, "merge", merge)
    assert len(Store(store.folder)) == 6  # the new stories are stored; their tags are not yet written
    assert main(["--store", str(store.folder), "fetch"]) == 0
    tags = {m.id: Store(store.folder).user.get(m.id).tags for m in store.stories()}
    assert {sid: t for sid, t in tags.items() if t != ("harbour",)} == {taken_off: ()}
    capsys.readouterr()
    assert main(["--store", str(store.folder), "tags"]) == 0
    assert capsys.readouterr().out.split() == ["5", "harbour"]


def test_a_fetch_onto_a_full_disk_says_what_it_stored_and_the_next_one_gives_the_tags(
        tmp_path: Path, server: HTTPServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The stories fitted and their marks did not: the fetch said one line, "cannot save
    state/8cf.json: the disk is full", the feeds list said "not fetched yet, 0 stories", and
    once there was room the next fetch said "0 new" and never gave the feed's tags."""
    from broadsheet.cli.main import main

    server.expect_request("/feed.xml").respond_with_data(rss_feed(3), content_type="application/rss+xml")
    folder = tmp_path / "store"
    subscribe(Store(folder), server.url_for("/feed.xml"), tags=("harbour",))
    capsys.readouterr()
    with monkeypatch.context() as full:
        full_disk_for(full, marks_file)
        assert main(["--store", str(folder), "fetch"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "3 new 0 updated Harbour Gazette" in err, err
    assert "Storing stopped: cannot save" in err and "the disk is full" in err, err
    assert "3 stories stored" in err and "the feed's tags of 3 stories not all written" in err, err
    assert "the next `broadsheet fetch` finishes the work" in err, err
    assert main(["--store", str(folder), "feeds", "list", "--json"]) == 0
    row = capsys.readouterr().out
    assert '"stories":3' in row and '"health":"ok"' in row, row
    assert main(["--store", str(folder), "fetch"]) == 0  # room again
    store = Store(folder)
    assert [store.user.get(m.id).tags for m in store.stories()] == [("harbour",)] * 3


def test_a_fetch_whose_stories_fit_but_not_their_listing_counts_them(
        tmp_path: Path, server: HTTPServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The disk full at the directory's append, the batch's text, records and tags written: the
    fetch said "0 new" and "0 stories stored" of stories it had stored (an import said the same
    until it counted them); the next writer lists them."""
    from broadsheet.cli.main import main
    from broadsheet.store.errors import StoreWriteError
    from broadsheet.store.storage.directory import Directory, Entry

    server.expect_request("/feed.xml").respond_with_data(rss_feed(3), content_type="application/rss+xml")
    folder = tmp_path / "store"
    subscribe(Store(folder), server.url_for("/feed.xml"), tags=("harbour",))
    capsys.readouterr()

    append = Directory.append

    def full(self: Directory, entries: Iterable[Entry]) -> None:
        if listed := list(entries):  # (an empty list writes nothing)
            raise StoreWriteError(self.path, OSError(errno.ENOSPC, "No space left on device"))
        append(self, listed)

    with monkeypatch.context() as patched:
        patched.setattr(Directory, "append", full)
        assert main(["--store", str(folder), "fetch"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "3 new 0 updated Harbour Gazette" in err, err
    assert "Storing stopped: cannot save" in err and "directory.bin: the disk is full" in err, err
    assert "3 stories stored" in err, err
    assert main(["--store", str(folder), "fetch"]) == 0  # room again: listed, nothing fetched twice
    assert "0 new" in capsys.readouterr().err
    store = Store(folder)
    assert len(store) == 3 and [store.user.get(m.id).tags for m in store.stories()] == [("harbour",)] * 3


def test_a_feed_whose_entries_did_not_all_fit_fails_and_is_downloaded_whole_next_time(
        store: Store, server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk filling up as the second feed's entries are stored: the first feed's are stored
    and counted, the second fails saying why, keeps no ETag, and comes whole with the next fetch."""
    from broadsheet.store.feeds import fetch as fetch_module

    for name in ("a", "b"):
        server.expect_request(f"/{name}.xml").respond_with_handler(
            conditional(rss_feed(2, f"Feed {name}", start=10 * ord(name)), etag=f'"{name}"'))
    subscribe(store, server.url_for("/a.xml"), server.url_for("/b.xml"), tags=("harbour",))
    monkeypatch.setattr(fetch_module, "BATCH", 2)  # a batch a feed
    shards: list[Path] = []

    def second_shard(path: Path) -> bool:  # the first feed's records fitted, the second's did not
        if path.parent.name != "meta" or not path.stem.isdigit():
            return False
        shards.append(path)
        return len(shards) > 1

    with monkeypatch.context() as full:
        full_disk_for(full, second_shard)
        report = fetch(store, settings=FAST)
    assert report.store_error is not None and report.store_error.reason == "the disk is full"
    a, b = report.results
    assert (a.outcome, a.new, a.not_stored) == ("new", 2, False)
    assert b.failed and b.not_stored and "not all its entries were stored (the disk is full)" in b.reason
    assert {sub.url.rsplit("/", 1)[1]: sub.etag for sub in Subscriptions(store).all()} == {"a.xml": '"a"',
                                                                                          "b.xml": ""}
    again = fetch(store, settings=FAST)
    assert [r.new for r in again.results] == [0, 2] and not again.failed
    assert [store.user.get(m.id).tags for m in Store(store.folder).stories()] == [("harbour",)] * 4


def test_a_fetched_entry_of_more_paragraphs_than_any_story_keeps_its_first_10_000_saying_so(
        tmp_path: Path, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """An import keeps a story's first 10,000 paragraphs and says so; a fetched entry was stored whole
    (the reader lays out every paragraph of the story it opens)."""
    from broadsheet.cli.main import main

    paragraphs = [f"Tide gauge reading {n} was logged at the north pier." for n in range(12_000)]
    text = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in paragraphs)
    feed = rss(rss_item(1, title="Tide log for the year", text=text) + rss_item(2))
    server.expect_request("/f").respond_with_data(feed, content_type="application/rss+xml")
    folder = tmp_path / "store"
    Subscriptions(Store(folder)).add([server.url_for("/f")])
    capsys.readouterr()
    assert main(["--store", str(folder), "fetch"]) == 0
    said = "Tide log for the year: only its first 10,000 paragraphs of 12,000 were kept (no story has more)"
    assert said in " ".join(capsys.readouterr().err.split())
    store = Store(folder)
    [meta] = [m for m in store.stories() if m.headline == "Tide log for the year"]
    assert store.body(meta) == paragraphs[:10_000]
    assert main(["--store", str(folder), "fetch"]) == 0  # the same entry again: stored already, not said again
    assert "paragraphs" not in capsys.readouterr().err
    (tmp_path / "tides.xml").write_bytes(feed)  # an import of the same entry says it in the same words
    assert main(["--store", str(tmp_path / "other"), "import", str(tmp_path / "tides.xml")]) == 0
    assert "only its first 10,000 paragraphs of 12,000 were kept (no story has more)" in capsys.readouterr().err


def test_broadsheet_fetch_says_which_stories_were_fitted_to_the_stores_limits_as_an_import_does(
        tmp_path: Path, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """A headline over 2,000 characters was cut, a paragraph over 200,000 split, without a word,
    where `broadsheet import` of the same entries says what it changed."""
    from broadsheet.cli.main import main

    long_headline = "Harbour " * 400  # 3,199 characters once trimmed
    feed = rss("".join([rss_item(n, title=long_headline) for n in range(1, 4)]
                       + [rss_item(4, title="Tide log", text="The tide rose. " * 20_000), rss_item(5)]),
               title="Valley Courier")
    server.expect_request("/f").respond_with_data(feed, content_type="application/rss+xml")
    folder = tmp_path / "store"
    Subscriptions(Store(folder)).add([server.url_for("/f")])
    capsys.readouterr()
    assert main(["--store", str(folder), "fetch"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    headline = "its headline of 3,199 characters was cut to 2,000"
    split = "a paragraph of 299,999 characters was split into paragraphs of at most 200,000"
    assert f"{headline}: 3 stories (the first {long_headline[:90]}" in said, said  # one note, with a count
    assert f"Tide log: {split}" in said, said
    assert "5 new, 0 updated from 1 feed; 0 failed; 4 stories changed to fit the store's limits" in said, said
    assert main(["--store", str(folder), "fetch"]) == 0  # the same entries again: stored already, not said again
    assert "limits" not in capsys.readouterr().err
    (tmp_path / "tides.xml").write_bytes(feed)  # an import of the same entries says it in the same words
    assert main(["--store", str(tmp_path / "other"), "import", str(tmp_path / "tides.xml")]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert headline in said and split in said, said


def test_a_fetch_where_the_store_cannot_be_written_says_so_in_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The OS's own words of the fetch lock were printed ("Permission denied: .../.fetch.lock"), not
    what `import` says of a store it cannot write (test_faults_readonly has a real read-only store)."""
    import errno

    from broadsheet.cli.main import main

    folder = tmp_path / "store"
    Subscriptions(Store(folder)).add(["http://127.0.0.1:9/pier.xml"])
    real_open = os.open

    def refused(path: str, flags: int, *args: int, **kwargs: int) -> int:
        if str(path).endswith(".fetch.lock"):  # as a folder the user may not write refuses it
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    capsys.readouterr()
    assert main(["--store", str(folder), "fetch"]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert (f"cannot save {folder}: no permission to write in the store folder" in said
            and "make the store folder writable (or use one that is) and run `broadsheet fetch` again" in said), said
    assert ".fetch.lock" not in said, said


def test_a_fetch_writes_the_feeds_list_twice_only_when_the_second_write_saves_something(
        store: Store, server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """feeds.json was written twice at every fetch: before the stories (titles, last fetch) and
    after them (the validators, which must not come first). With no story to store, or no
    validator learned, the second said nothing the first had not."""
    writes: list[str] = []
    real_replace = os.replace

    def counted(src: str, dst: str, *args: object, **kwargs: object) -> None:
        if Path(dst).name == "feeds.json":
            writes.append(Subscriptions(store).all()[0].etag)  # the validator on disk before this write
        real_replace(src, dst)

    server.expect_request("/v.xml").respond_with_handler(conditional(rss_feed(2), etag='"v1"'))
    subscribe(store, server.url_for("/v.xml"))
    monkeypatch.setattr(os, "replace", counted)
    fetch(store, settings=FAST)  # new stories and a new ETag: the records first, the ETag after the stories
    assert writes == ["", ""] and Subscriptions(store).all()[0].etag == '"v1"'
    writes.clear()
    fetch(store, settings=FAST)  # 304: nothing to store, one write (its last fetch)
    assert len(writes) == 1
    server.clear()
    server.expect_request("/v.xml").respond_with_data(rss_feed(3), content_type="application/rss+xml")
    Subscriptions(store).fetch_whole([server.url_for("/v.xml")])  # (its ETag dropped, as `repair` drops it)
    writes.clear()
    fetch(store, settings=FAST)  # a feed sending no validators: its records before the stories, once
    assert len(writes) == 1 and len(store) == 3


def test_a_deleted_entry_stays_deleted_after_moving_machines_with_an_export(tmp_path: Path, server: HTTPServer,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The record of deleted entries was not in the JSON export: exported, imported on another machine
    and fetched there, the stories deleted came back. A story deleted after the move stays deleted too
    (imported, a feed's story was one from the export file, and its delete was not remembered)."""
    from broadsheet.cli.main import main

    server.expect_request("/feed.xml").respond_with_data(rss_feed(4), content_type="application/rss+xml")
    url = server.url_for("/feed.xml")
    old, new, export = tmp_path / "old", tmp_path / "new", tmp_path / "all.json"
    store = Store(old)
    subscribe(store, url)
    fetch(store, settings=FAST)
    first, second, third, _ = sorted(m.id for m in store.stories())
    store.delete([first])
    assert main(["--store", str(old), "export", "-o", str(export)]) == 0
    assert main(["--store", str(new), "import", str(export)]) == 0
    assert "1 feed entry deleted before stays deleted" in capsys.readouterr().err
    moved = Store(new)
    subscribe(moved, url)
    moved.delete([second])  # deleted on the new machine
    [result] = fetch(moved, settings=FAST).results
    assert result.new == 0
    assert sorted(m.id for m in Store(new).stories()) == sorted({third, _})


def test_a_feed_renamed_in_a_fetch_the_disk_filled_is_renamed_by_the_next(store: Store, server: HTTPServer,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The feeds list kept the new title although the stories kept the old one, and the next fetch,
    seeing no change of title, never renamed them: "Lantern Post" stayed beside "Lantern Evening"."""
    titles = {"/a": "Lantern Post"}
    server.expect_request("/a").respond_with_handler(
        lambda request: Response(rss_feed(2, title=titles["/a"], start=3), content_type="application/rss+xml"))
    subs = subscribe(store, server.url_for("/a"))
    fetch(store, settings=FAST)
    titles["/a"] = "Lantern Evening"
    server.expect_request("/a").respond_with_handler(
        lambda request: Response(rss_feed(3, title=titles["/a"], start=3), content_type="application/rss+xml"))
    with monkeypatch.context() as full:
        full_disk_for(full, lambda path: path.parent.name == "meta" and path.stem.isdigit())
        report = fetch(store, settings=FAST)
    assert report.store_error is not None
    assert [sub.title for sub in subs.all()] == ["Lantern Post"]  # as its stories are titled
    fetch(store, settings=FAST)
    assert [sub.title for sub in subs.all()] == ["Lantern Evening"]
    assert {m.source for m in Store(store.folder).stories()} == {"Lantern Evening"}


def test_an_unchanged_feeds_line_says_unchanged_without_counts_of_nothing(
        tmp_path: Path, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """A feed the server said had not changed read "0 new 0 updated unchanged": counts of nothing
    beside the word that says there was nothing."""
    from broadsheet.cli.main import main

    server.expect_request("/feed.xml").respond_with_handler(conditional(rss_feed(2)))
    folder = tmp_path / "store"
    subscribe(Store(folder), server.url_for("/feed.xml"))
    assert main(["--store", str(folder), "fetch"]) == 0
    capsys.readouterr()
    assert main(["--store", str(folder), "fetch"]) == 0
    line = next(line for line in capsys.readouterr().err.splitlines() if "Harbour Gazette" in line)
    assert line.split() == ["unchanged", "Harbour", "Gazette"], line
    assert line.index("unchanged") == len("   0 new    0 updated  ")  # in the column the word has on every row


SLOW_OK = Settings(timeout=10.0, total=15.0, retries=0, max_bytes=1024 * 1024)


def held(body: bytes, release: threading.Event) -> Callable[[Request], Response]:
    """A server slow to answer: until ``release`` is set (10 s at most)."""

    def handle(request: Request) -> Response:
        release.wait(10)
        return Response(body, headers={"ETag": '"s1"', "Content-Type": "application/rss+xml"})

    return handle


def fetch_in_thread(store: Store, **kwargs: Any) -> tuple[threading.Thread, list[Any]]:
    """``fetch`` run in a thread of its own (as the reader runs it): its report, or what it raised."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fetch(store, **kwargs))
        except Exception as exc:  # (the test says what it was)
            out.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def wait_for(found: Callable[[], bool], seconds: float = 8.0) -> bool:
    deadline = time.monotonic() + seconds
    while not found() and time.monotonic() < deadline:
        time.sleep(0.05)
    return found()


def headlines(folder: Path) -> set[str]:
    """The stories stored, as another reader of the store finds them."""
    return {meta.headline for meta in Store(folder).stories()}


def test_a_slow_feed_does_not_hold_back_the_stories_of_the_others(store: Store, server: HTTPServer) -> None:
    """One slow feed kept every other feed's new stories out of the store (and the reader) until it
    ended, up to a minute: now those of the feeds finished are stored while it downloads, their
    validators still written only at the end, with the counts as before."""
    release = threading.Event()
    release.set()  # the first fetch: both answer at once, and are named
    server.expect_request("/slow").respond_with_handler(held(rss_feed(1, title="Slow Courier", start=50), release))
    server.expect_request("/quick").respond_with_handler(conditional(rss_feed(2), etag='"q1"'))
    subs = subscribe(store, server.url_for("/slow"), server.url_for("/quick"))  # the slow one first
    fetch(store, settings=SLOW_OK)
    server.clear()
    release.clear()
    server.expect_request("/slow").respond_with_handler(held(rss_feed(2, title="Slow Courier", start=50), release))
    server.expect_request("/quick").respond_with_handler(conditional(rss_feed(3), etag='"q2"'))
    stored: list[bool] = []
    thread, out = fetch_in_thread(store, settings=SLOW_OK, on_stored=lambda: stored.append(True))
    try:
        assert wait_for(lambda: "Ferry timetable change number 2" in headlines(store.folder))
        assert not release.is_set() and "Ferry timetable change number 51" not in headlines(store.folder)
        quick = next(s for s in subs.all() if s.url.endswith("/quick"))
        assert quick.etag == '"q1"'  # its validators wait for the end
        assert wait_for(lambda: bool(stored))  # said to the reader
    finally:
        release.set()
        thread.join(15)
    [report] = out
    assert {r.sub.title: (r.outcome, r.new, r.present) for r in report.results} == {
        "Slow Courier": ("new", 1, 1), "Harbour Gazette": ("new", 1, 2)}
    assert len(Store(store.folder)) == 5
    assert {s.url.rsplit("/", 1)[1]: s.etag for s in subs.all()} == {"slow": '"s1"', "quick": '"q2"'}


def test_a_ctrl_c_while_the_feeds_finished_are_stored_early_keeps_none_of_their_validators(
        store: Store, server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second Ctrl-C while the feeds finished were stored early (a slow one still downloading)
    comes wherever the storing is (asyncio's handler holds none): their new ETags were written
    all the same, so the next fetch got 304 and their entries not stored were never fetched."""
    from broadsheet.store.feeds import fetch as fetch_module

    release = threading.Event()
    release.set()
    hits: list[str] = []
    server.expect_request("/slow").respond_with_handler(held(rss_feed(1, title="Slow Courier", start=50), release))
    server.expect_request("/quick").respond_with_handler(conditional(rss_feed(2), etag='"q1"'))
    subs = subscribe(store, server.url_for("/slow"), server.url_for("/quick"))
    fetch(store, settings=SLOW_OK)
    server.clear()
    release.clear()
    server.expect_request("/slow").respond_with_handler(held(rss_feed(1, title="Slow Courier", start=50), release))
    server.expect_request("/quick").respond_with_handler(conditional(rss_feed(3), etag='"q2"', hits=hits))
    store_fetched = fetch_module.store_fetched
    calls: list[int] = []

    def ctrl_c_in_the_first(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:  # the early storing, the slow feed still held
            raise KeyboardInterrupt
        return store_fetched(*args, **kwargs)

    monkeypatch.setattr(fetch_module, "store_fetched", ctrl_c_in_the_first)
    thread, out = fetch_in_thread(store, settings=SLOW_OK)
    try:
        assert wait_for(lambda: bool(calls))
    finally:
        release.set()
        thread.join(15)
    [report] = out
    assert {s.url.rsplit("/", 1)[1]: s.etag for s in subs.all()} == {"slow": '"s1"', "quick": ""}
    assert report.ctrl_c and report.interrupted == 2  # the quick one not stored, the slow one not fetched
    monkeypatch.undo()
    hits.clear()
    fetch(store, settings=SLOW_OK)
    assert hits == [""]  # downloaded whole
    assert "Ferry timetable change number 2" in headlines(store.folder)


def test_a_feed_of_more_than_a_batch_finished_early_waits_for_the_end(
        store: Store, server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The feeds finished are stored while others download, which wait meanwhile (their deadlines
    running): a feed of 120,000 entries took 20 s. Now a storing takes a batch at most, and a feed
    of more is stored at the end."""
    from broadsheet.store.feeds import fetch as fetch_module

    monkeypatch.setattr(fetch_module, "BATCH", 2)
    release = threading.Event()
    server.expect_request("/small").respond_with_data(rss_feed(2, title="Small Post"),
                                                      content_type="application/rss+xml")
    server.expect_request("/large").respond_with_data(rss_feed(3, title="Large Times", start=20),
                                                      content_type="application/rss+xml")
    server.expect_request("/slow").respond_with_handler(held(rss_feed(1, title="Slow Courier", start=50), release))
    subscribe(store, server.url_for("/small"), server.url_for("/large"), server.url_for("/slow"))
    thread, out = fetch_in_thread(store, settings=SLOW_OK)
    try:
        assert wait_for(lambda: "Ferry timetable change number 1" in headlines(store.folder))
        time.sleep(2.5)  # another storing of the feeds finished came
        assert "Ferry timetable change number 20" not in headlines(store.folder)
    finally:
        release.set()
        thread.join(15)
    [report] = out
    assert {r.sub.title: (r.outcome, r.new) for r in report.results} == {
        "Small Post": ("new", 2), "Large Times": ("new", 3), "Slow Courier": ("new", 1)}
    assert len(Store(store.folder)) == 6


def test_a_feed_finished_early_waits_for_its_title_when_one_before_it_may_take_it(
        store: Store, server: HTTPServer) -> None:
    """Two new feeds titled alike: the first subscribed keeps the title, however late it answers
    (the other, finished first, is not stored under the title before the first has it)."""
    release = threading.Event()
    server.expect_request("/first").respond_with_handler(held(rss_feed(1, start=50), release))
    server.expect_request("/second").respond_with_data(rss_feed(1), content_type="application/rss+xml")
    subscribe(store, server.url_for("/first"), server.url_for("/second"))
    thread, out = fetch_in_thread(store, settings=SLOW_OK)
    try:
        time.sleep(3)  # the second finished, and a storing of the feeds finished came
        assert headlines(store.folder) == set()
    finally:
        release.set()
        thread.join(15)
    [report] = out
    told_apart = f"Harbour Gazette ({server.host}:{server.port})"
    assert [r.sub.title for r in report.results] == ["Harbour Gazette", told_apart]
    assert {meta.source for meta in store.stories()} == {r.sub.title for r in report.results}


def test_a_stopped_fetch_keeps_the_stories_stored_before_it_stopped(store: Store, server: HTTPServer) -> None:
    """The reader quit during a fetch: the stories it had stored stay, no feed's validators are
    written, and the next fetch downloads both feeds again and finds those stories present."""
    release = threading.Event()
    server.expect_request("/quick").respond_with_handler(conditional(rss_feed(2), etag='"q1"'))
    server.expect_request("/slow").respond_with_handler(held(rss_feed(1, start=50), release))
    subs = subscribe(store, server.url_for("/quick"), server.url_for("/slow"))
    stopping = threading.Event()
    thread, out = fetch_in_thread(store, settings=SLOW_OK, stop=stopping.is_set)
    try:
        assert wait_for(lambda: len(headlines(store.folder)) == 2)
        stopping.set()
        thread.join(5)
    finally:
        release.set()
        thread.join(15)
    [stopped] = out
    assert isinstance(stopped, FetchStopped)
    assert len(Store(store.folder)) == 2 and all(not sub.etag for sub in subs.all())
    report = fetch(store, settings=SLOW_OK)
    assert sorted((r.new, r.present) for r in report.results) == [(0, 2), (1, 0)]


def test_a_fetch_setting_refused_is_said_by_broadsheet_fetch(
        store: Store, server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A [feeds] timeout out of bounds was replaced by the default without a word from `fetch`
    (only `config check` and the reader said it)."""
    config = tmp_path / "config.toml"
    config.write_text("[feeds]\ntimeout = 500\n")
    monkeypatch.setenv("BROADSHEET_CONFIG", str(config))
    server.expect_request("/f").respond_with_data(rss_feed(1), content_type="application/rss+xml")
    subscribe(store, server.url_for("/f"))
    assert main(["--store", str(store.folder), "fetch"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "feeds.timeout must be a number of seconds from 1 to 60; the default is used" in said, said


def test_broadsheet_fetch_from_cron_says_nothing_of_the_readers_keys(
        store: Store, server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`fetch --quiet` printed "feeds.fetch and sidebar.rename are both on 'R': ..." on every run (a
    mail from cron each time): a key's binding id named "feeds." as a [feeds] setting's does."""
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"feeds.fetch" = "R"\n"feeds.fecth" = "f5"\n')
    monkeypatch.setenv("BROADSHEET_CONFIG", str(config))
    server.expect_request("/f").respond_with_data(rss_feed(1), content_type="application/rss+xml")
    subscribe(store, server.url_for("/f"))
    assert main(["--store", str(store.folder), "fetch", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    config.write_text('[keys]\n"feeds.fetch" = "R"\n[feeds]\nretries = 9\n')  # what a fetch uses is still said
    assert main(["--store", str(store.folder), "fetch", "--quiet"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert said == (f"broadsheet fetch: {config}: feeds.retries must be a whole number of tries from 0 to 5; "
                    "the default is used")
    config.write_text('timeout = 9\n[keys]\n"feeds.fetch" = "R"\n')  # a [feeds] setting outside the table
    assert main(["--store", str(store.folder), "fetch", "--quiet"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert said == f"broadsheet fetch: {config}: unknown setting timeout ignored (it belongs under [feeds]: " \
                   "feeds.timeout)"
    config.write_text('[feeds]\nretries = 1\n[keys\n')  # a file not read: its [feeds] are not either
    assert main(["--store", str(store.folder), "fetch", "--quiet"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert said.startswith(f"broadsheet fetch: {config}: ") and said.endswith("; using defaults"), said


def test_unsubscribing_a_feed_gives_the_one_told_apart_from_it_its_title_back(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """"Harbour Gazette (127.0.0.1:8711)" kept its suffix after the first Harbour Gazette was
    unsubscribed, until its next fetch: now at once, its stories too (feed:"Harbour Gazette" finds them)."""
    server.expect_request("/first").respond_with_data(rss_feed(1, start=50), content_type="application/rss+xml")
    server.expect_request("/second").respond_with_data(rss_feed(2), content_type="application/rss+xml")
    subs = subscribe(store, server.url_for("/first"), server.url_for("/second"))
    fetch(store)
    told_apart = f"Harbour Gazette ({server.host}:{server.port})"
    assert [sub.title for sub in subs.all()] == ["Harbour Gazette", told_apart]
    capsys.readouterr()
    assert main(["--store", str(store.folder), "feeds", "remove", server.url_for("/first")]) == 0
    assert f"{told_apart} is Harbour Gazette again, its stories too" in capsys.readouterr().err
    assert [sub.title for sub in subs.all()] == ["Harbour Gazette"]
    assert {meta.source for meta in Store(store.folder).stories()} == {"Harbour Gazette"}
    assert main(["--store", str(store.folder), "search", 'feed:"Harbour Gazette"', "--json"]) == 0
    assert capsys.readouterr().out.count('"headline"') == 3  # the removed feed's story (it stays) and the two

"""Feeds in the reader (Pilot): the sidebar with unread counts and errors, the fetch key, live arrival."""

from __future__ import annotations

import asyncio
import io
import json
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from rich.console import Console
from textual.notifications import Notification
from textual.widgets import Label, Static
from werkzeug import Request, Response

from broadsheet.config import Config
from broadsheet.store.feeds.fetch import fetch
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.search.query import parse_query
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.sidebar import Sidebar
from tests.feeds import full_disk_for, learned, marks_file, rss, rss_feed, rss_item
from tests.pilot import open_sidebar, settle


def sidebar_text(app: BroadsheetApp) -> str:
    sidebar = app.screen.query_one(Sidebar)
    console = Console(width=60, record=True, file=io.StringIO())
    for index in range(sidebar.option_count):
        console.print(sidebar.get_option_at_index(index).prompt)
    return "\n".join(" ".join(line.split()) for line in console.export_text().splitlines())  # counts right-aligned


def headlines(app: BroadsheetApp) -> list[str]:
    return [row.meta.headline for row in app.screen.query_one(HeadlineList).rows]


def test_a_quoted_feed_filter_is_the_whole_title_and_a_bare_one_a_word_of_it() -> None:
    query = parse_query('feed:"Harbour Gazette" ferry feed:gazette')
    [[feed_term], [word], [feed_word]] = query.text_groups
    assert (feed_term.kind, feed_term.text, feed_term.field) == ("phrase", "Harbour Gazette", "feed")
    assert word.text == "ferry"
    assert (feed_word.kind, feed_word.text, feed_word.field) == ("word", "gazette", "source")


def test_search_for_a_feeds_title_lists_that_feed_only(store: Store, server: HTTPServer,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # Two feeds titled "Top Stories": the second's stories carry "Top Stories (host:port)".
    from broadsheet.cli.main import main

    two_top_stories_feeds(store, server)
    other = f"Top Stories ({server.host}:{server.port})"
    capsys.readouterr()
    for query, numbers in (('feed:"Top Stories"', range(3)), (f'feed:"{other}"', range(10, 12)),
                           ('feed:"top  STORIES"', range(3)), ('-feed:"Top Stories" ferry', range(10, 12)),
                           ("feed:top", [*range(3), *range(10, 12)])):  # a word: both feeds have it
        assert main(["--store", str(store.folder), "search", query, "--json"]) == 0
        found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert sorted(hit["headline"] for hit in found) == sorted(
            f"Ferry timetable change number {n}" for n in numbers), query


async def test_sidebar_lists_feeds_with_unread_counts_and_errors(store: Store, server: HTTPServer) -> None:
    server.expect_request("/good").respond_with_data(rss_feed(3))
    server.expect_request("/bad").respond_with_data("", status=404)
    Subscriptions(store).add([server.url_for("/good"), server.url_for("/bad")])
    fetch(store)
    read = next(m.id for m in store.stories())
    store.user.set_read(read, True)
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.add_class("-sidebar")
        text = sidebar_text(app)
        assert "Feeds" in text and "Harbour Gazette +3 2" in text  # 3 new (the latest fetch's), 2 unread
        assert f"{server.host}:{server.port}/bad ! 0" in text  # untitled: by its address; failed, its reason
        assert "not found (404)" not in text  # under it only while it is highlighted
        sidebar = app.screen.query_one(Sidebar)
        index = next(i for i, e in enumerate(sidebar._entries) if e and e.kind == "feed")
        sidebar.focus()
        sidebar.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#search").value == 'feed:"Harbour Gazette"'
        assert sorted(headlines(app)) == sorted(f"Ferry timetable change number {n}" for n in range(3))


async def test_a_failed_fetch_leaves_each_feed_one_line_and_the_highlighted_one_says_why(
        store: Store, server: HTTPServer) -> None:
    """After a fetch with the server down, each feed had three red lines under it ("! cannot
    connect" / "(All connection" / "attempts failed)"): at 80x24 four feeds fitted. Highlighted, a
    feed lost its "!" and its reason was cut after five lines ("may be down) (4…"): both stay whole."""
    names = ["Gazette", "Courier", "Weekly", "Quay Notes", "Tide Times", "Dune Post"]
    for number, name in enumerate(names):
        server.expect_request(f"/{number}").respond_with_data(rss_feed(1, title=name, start=number))
    Subscriptions(store).add([server.url_for(f"/{number}") for number in range(len(names))])
    fetch(store)
    server.stop()
    fetch(store)
    fetch(store)
    app = BroadsheetApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = await open_sidebar(pilot)
        drawn = [" ".join(sidebar.render_line(y).text.split()) for y in range(sidebar.size.height)]
        assert [line for line in drawn if line.startswith(tuple(names))] == [f"{name} +1 ! 1" for name in names]
        assert not any("cannot connect" in line for line in drawn)
        sidebar.focus()
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.name == "Courier")
        await settle(pilot)
        drawn = [" ".join(sidebar.render_line(y).text.split()) for y in range(sidebar.size.height)]
        at = drawn.index("Courier +1 ! 1")  # its reason under it, in our words, and the others one line still
        end = drawn.index("Weekly +1 ! 1")
        assert " ".join(drawn[at + 1:end]) == ("cannot connect: the server refused the connection (it may be down) "
                                               "(2 fetches in a row)")
        assert drawn[at - 1] == "Gazette +1 ! 1"


async def test_feeds_added_or_removed_in_the_shell_reach_the_sidebar(store: Store, server: HTTPServer) -> None:
    """``feeds remove`` in the shell left the feed offered in an open reader's sidebar until r, and
    ``feeds add`` showed nothing until a fetch; stories and marks came within 3 seconds."""
    server.expect_request("/good").respond_with_data(rss_feed(3))
    Subscriptions(store).add([server.url_for("/good")])
    fetch(store)
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.add_class("-sidebar")
        assert "Harbour Gazette +3 3" in sidebar_text(app)
        shell = Subscriptions(Store(store.folder))
        shell.add([server.url_for("/other")], titles={server.url_for("/other"): "Lighthouse Weekly"})
        app.screen._check_store()  # the reader's look at the store, every 3 seconds
        await settle(pilot)
        assert "Lighthouse Weekly" in sidebar_text(app)
        shell.remove(shell.matching(server.url_for("/good")))
        app.screen._check_store()
        await settle(pilot)
        assert "Harbour Gazette" not in sidebar_text(app) and "Lighthouse Weekly" in sidebar_text(app)


async def test_fetch_key_brings_new_stories_without_a_restart(store: Store, server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_data(rss_feed(2, title="Valley Courier"))
    Subscriptions(store).add([server.url_for("/f")])
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert headlines(app) == []
        screen = app.screen
        shown: list[str] = []
        progress = screen._fetch_progress

        def record(done: int, total: int, name: str) -> None:
            progress(done, total, name)
            status = screen.query_one("#fetch-status", Label)
            shown.append(str(status.render()) if status.display else "")

        screen._fetch_progress = record  # type: ignore[method-assign]
        await pilot.press("F")
        await settle(pilot)
        assert shown == ["Fetching feeds 1/1: Valley Courier"]  # progress shown at the bottom
        assert not screen.query_one("#fetch-status", Label).display
        # not "1 feeds"; failures counted as `broadsheet fetch` counts them (the reader left out "0 failed")
        assert any(n.message == "2 new, 0 updated from 1 feed; 0 failed\nNew: Valley Courier 2"
                   for n in app._notifications)
        assert sorted(headlines(app)) == ["Ferry timetable change number 0", "Ferry timetable change number 1"]
        app.screen.add_class("-sidebar")
        assert "Valley Courier +2 2" in sidebar_text(app)


async def test_the_fetch_key_sends_the_configs_user_agent(store: Store, server: HTTPServer, tmp_path: Path) -> None:
    """The reader's F fetches as `broadsheet fetch` does: with the [feeds] settings (it took only fetch_images)."""
    from broadsheet.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('[feeds]\nuser_agent = "Gazette Reader/2"\n')
    server.expect_request("/f", headers={"User-Agent": "Gazette Reader/2"}).respond_with_data(rss_feed(2))
    Subscriptions(store).add([server.url_for("/f")])
    app = BroadsheetApp(store, load_config(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert any(n.message == "2 new, 0 updated from 1 feed; 0 failed\nNew: Harbour Gazette 2"
                   for n in app._notifications)


async def test_the_fetch_key_says_when_an_address_was_a_feed_already_subscribed(store: Store,
                                                                                server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_data(rss_feed(2, title="Valley Courier"))
    server.expect_request("/short").respond_with_data("", status=302, headers={"Location": "/f"})
    subs = Subscriptions(store)
    subs.add([server.url_for("/f")])
    fetch(store)
    subs.add([server.url_for("/short")])
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        # by its address, and why, as `broadsheet fetch` says it ("1 led to a feed already subscribed" named neither)
        [said] = [n.message for n in app._notifications if n.title == "Feeds"]
        assert "; 1 skipped" in said and f"\n{server.url_for('/short')} skipped: already subscribed as Valley Courier" \
            in said, said
        assert [sub.url for sub in subs.all()] == [server.url_for("/f")]


async def test_the_fetch_key_says_a_feeds_xml_was_damaged(store: Store, server: HTTPServer) -> None:
    """`broadsheet fetch` said so; the reader's F said "1 new" alone (then in words of its own)."""
    whole = rss_feed(2, title="Valley Courier")
    server.expect_request("/f").respond_with_data(whole[:whole.rindex(b"<item>") + 30])
    Subscriptions(store).add([server.url_for("/f")])
    assert await _fetch_key_says(store, "; the XML of 1 feed damaged\nNew: Valley Courier 1\nValley Courier: ",
                                 "; the feed's XML is damaged (", "): read leniently, so an entry may be cut short")


async def _fetch_key_notices(store: Store) -> list[Notification]:
    """What the reader's notices say after F, its fetch done."""
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        await app.screen.workers.wait_for_complete()
        await settle(pilot)
        return list(app._notifications)


async def _fetch_key_says(store: Store, *words: str) -> bool:
    """Whether F in the reader, its fetch done, says each of ``words`` in one notice."""
    return any(all(w in n.message for w in words) for n in await _fetch_key_notices(store))


async def test_the_fetch_key_says_a_story_kept_only_its_first_10_000_paragraphs(store: Store,
                                                                                  server: HTTPServer) -> None:
    """As `broadsheet fetch` says it: a fetched entry was stored whole, the reader laying out every paragraph."""
    text = "".join(f"&lt;p&gt;Buoy {n} was checked.&lt;/p&gt;" for n in range(10_001))
    server.expect_request("/f").respond_with_data(rss(rss_item(1, text=text), title="Valley Courier"))
    Subscriptions(store).add([server.url_for("/f")])
    assert await _fetch_key_says(store, "1 story changed to fit the store's limits\n", "\nValley Courier: 1 story "
                                 "changed to fit the store's limits: only its first 10,000 paragraphs of 10,001 were "
                                 "kept (no story has more)")


async def test_the_fetch_key_says_which_feeds_stories_were_fitted_to_the_stores_limits(store: Store,
                                                                                     server: HTTPServer) -> None:
    """A headline over 2,000 characters was cut, a paragraph over 200,000 split, without a word."""
    long_headline = "Harbour " * 400  # 3,200 characters
    items = [rss_item(1, title=long_headline), rss_item(2, title=long_headline),
             rss_item(3, text="The tide rose. " * 20_000)]
    server.expect_request("/f").respond_with_data(rss("".join(items), title="Valley Courier"))
    Subscriptions(store).add([server.url_for("/f")])
    assert await _fetch_key_says(
        store, "3 new, 0 updated from 1 feed; 0 failed; 3 stories changed to fit the store's limits\n",
        "\nValley Courier: 3 stories changed to fit the store's limits: its headline of 3,199 characters was cut to "
        "2,000 (2 stories); a paragraph of 299,999 characters was split into paragraphs of at most 200,000")


async def test_the_fetch_key_on_a_full_disk_says_what_was_stored_and_what_is_left(
        store: Store, server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader said "Fetch failed: cannot save state/2df.json: the disk is full" alone, its
    stories stored all the same and their feed's tags never given."""
    server.expect_request("/f").respond_with_data(rss_feed(2, title="Valley Courier"))
    Subscriptions(store).add([server.url_for("/f")], ["harbour"])
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        with monkeypatch.context() as full:
            full_disk_for(full, marks_file)
            await pilot.press("F")
            await settle(pilot)
            await app.screen.workers.wait_for_complete()
            await settle(pilot)
        [said] = [n for n in app._notifications if "Storing stopped" in n.message]
        assert said.severity == "error" and said.message.startswith("2 new, 0 updated from 1 feed;")
        assert "the disk is full. 2 stories stored (new or updated); the feed's tags of 2 stories not all " \
               "written" in said.message
    fetch(store)  # room again
    assert [Store(store.folder).user.get(m.id).tags for m in store.stories()] == [("harbour",)] * 2


async def test_automatic_refresh_brings_stories_while_the_reader_is_open(tmp_path: Path, store: Store,
                                                                       server: HTTPServer) -> None:
    server.expect_request("/f").respond_with_data(rss_feed(3))
    Subscriptions(store).add([server.url_for("/f")])
    app = BroadsheetApp(store, Config(path=tmp_path / "c.toml", refresh_minutes=0.002))  # every 0.12 s
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await asyncio.sleep(0.05)
            await settle(pilot)
            if len(headlines(app)) == 3:
                break
        assert len(headlines(app)) == 3


async def test_a_feed_photo_caption_and_credit_show_in_the_credits_panel(store: Store, tmp_path: Path) -> None:
    from broadsheet.store.ingest.importer import import_paths
    from broadsheet.tui.widgets.credits_panel import CreditsPanel
    from tests.feeds import rss

    item = ("<item><title>Lanes open</title><link>https://g.example/a</link><guid>a</guid>"
            "<description>The new cycle lanes opened on Monday along the harbour road.</description>"
            '<media:content url="https://g.example/p.jpg" medium="image">'
            "<media:description>Cyclists on the new lane.</media:description>"
            "<media:credit>Bo Lund/Gazette</media:credit></media:content></item>")
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(item))
    import_paths(store, [path])
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.query_one(CreditsPanel).content)
        text = console.export_text()
        assert "Cyclists on the new lane." in text and "Bo Lund/Gazette" in text and "Harbour Gazette" in text


async def test_a_gone_feed_is_offered_for_removal_in_the_sidebar(store: Store, server: HTTPServer) -> None:
    server.expect_request("/gone").respond_with_data("", status=410)
    Subscriptions(store).add([server.url_for("/gone")])
    fetch(store)
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.kind == "feed")
        await settle(pilot)
        assert "gone (410), not fetched: remove it" in sidebar_text(app)  # under its row, highlighted
        await pilot.press("x")
        await pilot.press("y")
        await settle(pilot)
        assert Subscriptions(store).all() == []
        assert "Feeds" not in sidebar_text(app)


async def test_x_unsubscribes_the_feed_on_its_row_when_two_share_a_title(store: Store) -> None:
    subs = Subscriptions(store)
    subs.add(["https://a.example/top.xml", "https://b.example/top.xml", "https://c.example/news/feed.xml"],
             titles={"https://a.example/top.xml": "Top Stories", "https://b.example/top.xml": "Top Stories"})
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await settle(pilot)
        assert "c.example/news/feed.xml" in sidebar_text(app)  # untitled: its address, host first
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.ref.startswith("https://b."))
        await pilot.press("x")
        await pilot.press("y")
        await settle(pilot)
        assert [sub.url for sub in subs.all()] == ["https://a.example/top.xml", "https://c.example/news/feed.xml"]
        assert "Unsubscribed from Top Stories (b.example); its stories stay" in [n.message for n in app._notifications]


async def test_a_feeds_row_counts_every_spelling_its_search_lists(store: Store,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # Stories of "Top Stories", "top stories" and "TOP  STORIES" are one feed's to feed:"Top Stories",
    # which choosing the row searches; the row counted one spelling (1 where it listed 3), as did
    # `feeds list`. Two subscriptions an older version left titled alike ("Café Notes", "cafe
    # notes") list the same stories: one row, not two rows of one count.
    from broadsheet.cli.main import main
    from tests.factories import make_article

    subs = Subscriptions(store)
    urls = ["https://a.example/top.xml", "https://b.example/notes.xml", "https://c.example/notes.xml"]
    subs.add(urls, titles={urls[0]: "Top Stories", urls[1]: "Café Notes", urls[2]: "Cafe Notes"})
    learned(subs, [replace(sub, title="cafe notes") if sub.url == urls[2] else sub for sub in subs.all()])
    sources = ["Top Stories", "top stories", "TOP  STORIES", "Café Notes", "CAFE NOTES"]
    store.add([(make_article(n, headline=f"Ferry story {n}", source=source), None)
               for n, source in enumerate(sources)])
    store.user.set_read(next(m.id for m in store.stories() if m.source == "top stories"), True)
    capsys.readouterr()
    assert main(["--store", str(store.folder), "feeds", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["stories"], r["unread"]) for r in rows] == [(3, 2), (2, 2), (2, 2)]
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        app.screen.add_class("-sidebar")
        text = sidebar_text(app)
        assert "Top Stories 2" in text and "Café Notes 2" in text and "cafe notes" not in text
        sidebar = app.screen.query_one(Sidebar)
        feeds = [(i, e) for i, e in enumerate(sidebar._entries) if e and e.kind == "feed"]
        assert [e.name for _, e in feeds] == ["Top Stories", "Café Notes"]
        for (at, _), numbers in zip(feeds, (range(3), range(3, 5)), strict=True):
            sidebar.focus()
            sidebar.highlighted = at
            await pilot.press("enter")
            await settle(pilot)
            assert sorted(headlines(app)) == [f"Ferry story {n}" for n in numbers]


def two_top_stories_feeds(store: Store, server: HTTPServer) -> Subscriptions:
    """Subscriptions to two feeds both titled "Top Stories" (3 and 2 entries), fetched once."""
    server.expect_request("/a").respond_with_data(rss_feed(3, title="Top Stories"))
    server.expect_request("/b").respond_with_data(rss_feed(2, title="Top Stories", start=10))
    subs = Subscriptions(store)
    subs.add([server.url_for("/a"), server.url_for("/b")])
    fetch(store)
    return subs


async def test_two_feeds_of_one_title_keep_their_own_counts_names_and_stories(store: Store,
                                                                             server: HTTPServer) -> None:
    subs = two_top_stories_feeds(store, server)
    first, second = subs.all()
    assert (first.title, second.title) == ("Top Stories", f"Top Stories ({server.host}:{server.port})")
    store.user.set_read(next(m.id for m in store.stories() if m.headline.endswith("number 10")), True)
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        app.screen.add_class("-sidebar")
        text = sidebar_text(app)
        assert "Top Stories +3 3" in text and f"Top Stories ({server.host}:{server.port}) +2 1" in text
        sidebar = app.screen.query_one(Sidebar)
        for url, numbers in ((first.url, range(3)), (second.url, range(10, 12))):
            sidebar.focus()
            sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.ref == url)
            await pilot.press("enter")
            await settle(pilot)
            assert sorted(headlines(app)) == sorted(f"Ferry timetable change number {n}" for n in numbers)


def test_feeds_that_already_share_a_title_are_told_apart_at_their_next_fetch(store: Store,
                                                                            server: HTTPServer) -> None:
    from broadsheet.cli.feeds import feed_counts

    subs = two_top_stories_feeds(store, server)
    learned(subs, [replace(sub, title="Top Stories") for sub in subs.all()])  # as an older version left them
    fetch(store)
    first, second = subs.all()
    assert second.title == f"Top Stories ({server.host}:{server.port})"
    assert feed_counts(store, [first, second]) == {first.id: (3, 3), second.id: (2, 2)}


def test_stories_that_left_a_feed_told_apart_at_its_next_fetch_take_its_new_title(store: Store,
                                                                                 server: HTTPServer) -> None:
    # They kept the title the two feeds had shared, and counted under the first feed.
    from broadsheet.cli.feeds import feed_counts
    from broadsheet.store.feeds.feedstories import retitle_stories

    subs = two_top_stories_feeds(store, server)
    first, second = subs.all()
    retitle_stories(store, [([m for m in store.stories() if m.source != "Top Stories"], "Top Stories")])
    learned(subs, [replace(sub, title="Top Stories") for sub in subs.all()])  # as an older version left them
    server.clear()
    server.expect_request("/a").respond_with_data(rss_feed(3, title="Top Stories"))
    server.expect_request("/b").respond_with_data(rss_feed(1, title="Top Stories", start=20))  # 10, 11 have left it
    fetch(store)
    first, second = subs.all()
    assert second.title == f"Top Stories ({server.host}:{server.port})"
    assert feed_counts(store, [first, second]) == {first.id: (3, 3), second.id: (3, 3)}


def test_a_read_story_given_another_source_moves_its_count_and_no_feed_goes_below_none_unread(store: Store) -> None:
    """Read stories are counted per source, and an import that gave a read story another source
    left the count with the first: its feed showed "-1" unread, and the new source too many."""
    from broadsheet.store.reader.state import ReaderState
    from tests.factories import make_article

    story = make_article(1, source="Top Stories", url="https://news.example/ferry")
    [sid] = store.add([(story, None)])
    store.user.set_read(sid)
    again = make_article(1, source="Top Stories (feed.xml)", url="https://news.example/ferry",
                         body=[*story.body, "A paragraph added since."])
    store.add([(again, None)])
    reader = ReaderState(Store(store.folder))
    reader.load()
    counts = reader.feed_counts()
    assert counts.of("Top Stories") == (0, 0)
    assert counts.of("Top Stories (feed.xml)") == (1, 0)


async def test_the_fetch_key_says_the_counts_broadsheet_fetch_says_and_names_each_failed_feed(
        tmp_path: Path, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """Each built its own summary: the reader said "1 failed (see Feeds in the sidebar)", naming
    no feed nor why, and `broadsheet fetch` counted neither the feeds unchanged nor the damaged."""
    from broadsheet.cli.main import main
    from tests.test_feeds_fetch import conditional

    whole = rss_feed(2, title="Lighthouse Weekly", start=10)
    server.expect_request("/same").respond_with_handler(conditional(rss_feed(2, title="Valley Courier")))
    server.expect_request("/missing").respond_with_data("", status=404)
    server.expect_request("/broken").respond_with_data(whole[:whole.rindex(b"<item>") + 30])
    stores = []
    for name in ("cli", "reader"):
        store = Store(tmp_path / name)
        Subscriptions(store).add([server.url_for("/same")])
        fetch(store)
        Subscriptions(store).add([server.url_for("/missing"), server.url_for("/broken")])
        stores.append(store)
    capsys.readouterr()
    assert main(["--store", str(stores[0].folder), "fetch"]) == 1
    said = " ".join(capsys.readouterr().err.split())
    counts = ("1 new, 0 updated from 3 feeds (1 unchanged); 1 failed; 1 entry without title, text or link left out; "
              "the XML of 1 feed damaged")
    assert counts in said, said
    [told] = [n for n in await _fetch_key_notices(stores[1]) if n.title == "Feeds"]
    assert told.message.startswith(counts + "\n"), told.message
    assert f"\n{server.url_for('/missing')} failed: not found (404)\n" in told.message, told.message
    assert told.severity == "warning" and told.timeout == 15  # names and reasons to read


async def test_the_reader_shows_an_untitled_feeds_address_without_its_password(store: Store,
                                                                              server: HTTPServer) -> None:
    """The sidebar named an untitled feed "feed.xml (ann:s3cret@127.0.0.1:…)", and so did the
    fetch line, the fetch's notice, the unsubscribe question and its notice: the password on
    screen, in a shared terminal or a recording."""
    server.expect_request("/feed.xml").respond_with_data("", status=404)
    url = server.url_for("/feed.xml").replace("://", "://ann:s3cret@")
    Subscriptions(store).add([url])
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.add_class("-sidebar")
        shown = [sidebar_text(app)]
        assert f"{server.host}:{server.port}/feed.xml" in shown[0] and "ann" not in shown[0], shown[0]
        progress = screen._fetch_progress

        def record(done: int, total: int, name: str) -> None:
            progress(done, total, name)
            shown.append(str(screen.query_one("#fetch-status", Label).render()))

        screen._fetch_progress = record  # type: ignore[method-assign]
        await pilot.press("F")
        await settle(pilot)
        await screen.workers.wait_for_complete()
        await settle(pilot)
        sidebar = screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.kind == "feed")
        await pilot.press("x")
        await settle(pilot)
        shown.append(str(app.screen.query_one(Static).render()))  # the question
        await pilot.press("y")
        await settle(pilot)
        shown += [n.message for n in app._notifications]
        assert Subscriptions(store).all() == []
        assert any(f"http://ann:***@{server.host}:{server.port}/feed.xml failed: not found (404)" in said
                   for said in shown), shown
        assert any(said.startswith("Unsubscribed from http://ann:***@") for said in shown), shown
        assert len(shown) >= 5 and not any("s3cret" in said for said in shown), shown


def _a_quick_and_a_slow_feed(store: Store, server: HTTPServer) -> threading.Event:
    """Two subscriptions: Valley Courier (2 stories) answers at once, Slow Courier (1) when the
    event returned is set (10 s at most)."""
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(10)
        return Response(rss_feed(1, title="Slow Courier", start=50), content_type="application/rss+xml")

    server.expect_request("/quick").respond_with_data(rss_feed(2, title="Valley Courier"))
    server.expect_request("/slow").respond_with_handler(slow)
    Subscriptions(store).add([server.url_for("/quick"), server.url_for("/slow")])
    return release


async def _until_listed(app: BroadsheetApp, count: int) -> None:
    """Wait, 10 s at most, until the list shows ``count`` stories (the fetch stores them meanwhile)."""
    for _ in range(100):
        await asyncio.sleep(0.1)
        if len(headlines(app)) >= count:
            return


async def test_the_fetch_key_lists_a_feeds_stories_while_a_slow_feed_still_downloads(store: Store,
                                                                                   server: HTTPServer) -> None:
    """A slow feed kept every story of a fetch from the reader until it ended (a minute): those of
    the feeds finished are listed while it downloads, and its own once it ends."""
    release = _a_quick_and_a_slow_feed(store, server)
    app = BroadsheetApp(store)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("F")
            await _until_listed(app, 1)
            assert not release.is_set()
            assert sorted(headlines(app)) == ["Ferry timetable change number 0", "Ferry timetable change number 1"]
            release.set()
            await _until_listed(app, 3)
            assert "Ferry timetable change number 50" in headlines(app)
    finally:
        release.set()


async def test_the_downloads_do_not_wait_for_the_reader_to_list_the_feeds_stored_early(
        store: Store, server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fetch waited, its downloads too (their deadlines running), while the reader listed the
    feeds stored early: it goes on now, and they are listed all the same."""
    import time

    from broadsheet.store.feeds import fetch as fetch_module
    from broadsheet.tui.screens.main import MainScreen

    release = _a_quick_and_a_slow_feed(store, server)
    waited: list[float] = []

    def timed(*args: Any, on_stored: Callable[[], None], **kwargs: Any) -> Any:
        def stored() -> None:
            began = time.monotonic()
            on_stored()
            waited.append(time.monotonic() - began)
            release.set()

        return fetch(*args, on_stored=stored, **kwargs)

    reload = MainScreen.reload

    def slow_listing(self: MainScreen, *args: Any, **kwargs: Any) -> None:
        if not release.is_set():
            time.sleep(1)  # a long listing (a large store)
        reload(self, *args, **kwargs)

    monkeypatch.setattr(fetch_module, "fetch", timed)
    monkeypatch.setattr(MainScreen, "reload", slow_listing)
    await _fetch_the_quick_feed(BroadsheetApp(store), release)
    assert waited and waited[0] < 0.5, waited


async def _fetch_the_quick_feed(app: BroadsheetApp, release: threading.Event) -> None:
    """Press F and wait until the quick feed's 3 stories are listed while the slow one still
    downloads; then let the slow one go (see :func:`_a_quick_and_a_slow_feed`)."""
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("F")
            await _until_listed(app, 3)
            assert len(headlines(app)) == 3
    finally:
        release.set()


async def test_the_downloads_do_not_wait_for_the_reader_to_show_a_feeds_progress(
        store: Store, server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each feed finished waited, the other downloads too, until the reader had shown "Fetching
    feeds 1/2" (1.0-1.4 s of a fetch of 200 feeds into a million stories): the fetch goes on now,
    and the line still says how far it got."""
    import time

    from broadsheet.store.feeds import fetch as fetch_module
    from broadsheet.tui.screens.main import MainScreen

    release = _a_quick_and_a_slow_feed(store, server)
    waited: list[float] = []

    def timed(*args: Any, on_progress: Callable[[int, int, str], None], **kwargs: Any) -> Any:
        def progress(done: int, total: int, name: str) -> None:
            began = time.monotonic()
            on_progress(done, total, name)
            waited.append(time.monotonic() - began)
            release.set()

        return fetch(*args, on_progress=progress, **kwargs)

    shown: list[str] = []
    show = MainScreen._fetch_progress

    def busy_screen(self: MainScreen, *args: Any) -> None:
        if not release.is_set():
            time.sleep(1)  # the UI thread busy elsewhere (a listing of a large store)
        show(self, *args)
        shown.append(str(self.query_one("#fetch-status", Label).render()))

    monkeypatch.setattr(fetch_module, "fetch", timed)
    monkeypatch.setattr(MainScreen, "_fetch_progress", busy_screen)
    await _fetch_the_quick_feed(BroadsheetApp(store), release)
    assert waited and waited[0] < 0.5, waited
    assert shown and shown[0].startswith("Fetching feeds 1/2"), shown


def test_a_notice_arriving_as_the_reader_closes_is_dropped(store: Store) -> None:
    """A fetch ending as the reader closed said its summary to an app with no screen left: the
    notice handler asked for the screen and raised ScreenStackError (a test of a slow feed saw it)."""
    from textual.notifications import Notification, Notify

    app = BroadsheetApp(store)
    event = Notify(Notification("Fetched 3 new stories", "", "information", 3))
    app.on_notify(event)
    assert event._no_default_action


async def test_an_untitled_feed_is_named_host_first_and_cut_in_the_middle(store: Store) -> None:
    # "notfeed.xml (1… 0": the host was cut off, and two failing feeds of one file name read alike.
    urls = ["https://news.harbour.example/feeds/notfeed.xml", "https://news.valley.example/feeds/notfeed.xml",
            "https://news.harbour.example/feeds/other.xml"]
    Subscriptions(store).add(urls)
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        sidebar = await open_sidebar(pilot)
        lines = [sidebar.render_line(y).text for y in range(sidebar.size.height)]
        rows = [line for line in lines if "news." in line]
        assert len(rows) == 3 and len({row.strip(" │┃╭╮╰╯") for row in rows}) == 3, lines
        assert all("…" in row and "news." in row and ".xml" in row for row in rows), rows
        assert "news.valley.example/feeds/notfeed.xml" in sidebar_text(app), rows


async def test_x_on_a_feed_gives_the_one_told_apart_from_it_its_title_back(store: Store) -> None:
    subs = Subscriptions(store)
    subs.add(["https://a.example/top.xml", "https://b.example/top.xml"],
             titles={"https://a.example/top.xml": "Top Stories", "https://b.example/top.xml": "Top Stories"})
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.ref.startswith("https://a."))
        await pilot.press("x", "y")
        await settle(pilot)
        assert [sub.title for sub in subs.all()] == ["Top Stories"]
        assert "Top Stories 0" in sidebar_text(app) and "b.example" not in sidebar_text(app)
        assert ("Unsubscribed from Top Stories; its stories stay; Top Stories (b.example) is Top Stories again"
                in [n.message for n in app._notifications])

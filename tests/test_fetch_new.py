"""What the latest fetch added: ``is:new`` (the sidebar's "New", with each feed's "+N"), the
fetch notice's "New:" line and ``feeds list``'s new column. Newsboat and elfeed users look at
what a fetch brought; the unread stories mixed it with everything left from before."""

from __future__ import annotations

import orjson
import pytest
from pytest_httpserver import HTTPServer
from textual.command import CommandList, CommandPalette

from broadsheet.cli.main import main
from broadsheet.store.feeds import latest
from broadsheet.store.feeds.fetch import fetch
from broadsheet.store.feeds.subscriptions import Subscription, Subscriptions
from broadsheet.store.feeds.summary import summarize
from broadsheet.store.reader.filter import WordFilter
from broadsheet.store.reader.state import ReaderState
from broadsheet.store.search import SearchIndex
from broadsheet.store.search.query import QueryError, parse_query
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.sidebar import EntryLabel
from tests.feeds import rss_feed
from tests.pilot import open_sidebar, settle, type_text


def serve(server: HTTPServer, gazette: int, courier: int) -> None:
    server.clear()
    server.expect_request("/gazette").respond_with_data(rss_feed(gazette))
    server.expect_request("/courier").respond_with_data(rss_feed(courier, title="Valley Courier", start=10))


def subscribed(store: Store, server: HTTPServer) -> tuple[Subscription, Subscription]:
    """Two feeds fetched once (a story each), then a second fetch bringing two more of the gazette's."""
    gazette, courier = Subscriptions(store).add([server.url_for("/gazette"), server.url_for("/courier")])[0]
    serve(server, 1, 1)
    fetch(store)
    serve(server, 3, 1)
    return gazette, courier


def headlines(store: Store, ids: list[str]) -> set[str]:
    return {meta.headline for meta in store.metas(ids).values()}


def test_a_fetch_keeps_the_stories_it_added_by_feed_and_is_new_lists_those_alone(store: Store,
                                                                                  server: HTTPServer) -> None:
    gazette, courier = subscribed(store, server)
    first = latest.load(store)
    assert sorted(first.feeds) == sorted([gazette.id, courier.id])  # the first fetch: a story each
    report = fetch(store)
    kept = latest.load(store)
    assert kept.feeds.keys() == {gazette.id} and len(kept.ids) == 2 and report.results[0].new_ids
    new = {"Ferry timetable change number 1", "Ferry timetable change number 2"}
    index = SearchIndex.open(store)
    reader = ReaderState(store)
    reader.load()

    def found(text: str) -> set[str]:
        query = latest.given_new(parse_query(text), latest.fresh_of(store))
        by_index = index.run(query, states=reader.states).ids
        by_filter = WordFilter().run(query, store.stories(), reader.states).ids  # the reader's before the index
        assert sorted(by_index) == sorted(by_filter)
        return headlines(store, by_index)

    assert found("is:new") == new
    assert found("-is:new") == {"Ferry timetable change number 0", "Ferry timetable change number 10"}
    assert found('is:new feed:"Valley Courier"') == set()  # a feed's own new stories: none
    assert found("is:new is:unread number") == new
    assert reader.new_counts() == (2, {gazette.id: 2})  # the sidebar's New and the feed's +2
    with pytest.raises(QueryError, match="contradicts"):
        parse_query("is:new -is:new")


def test_a_fetch_that_adds_nothing_leaves_new_as_it_was(store: Store, server: HTTPServer) -> None:
    """The reader's automatic refresh must not empty New before it is looked at."""
    subscribed(store, server)
    fetch(store)
    before = latest.identity(store), latest.load(store)
    report = fetch(store)  # the same feeds: nothing new
    assert report.total("new") == 0
    assert (latest.identity(store), latest.load(store)) == before


def test_a_damaged_latest_file_counts_as_no_fetch(store: Store, server: HTTPServer) -> None:
    subscribed(store, server)
    (store.folder / latest.FILE).write_bytes(b'{"version": 1, "at": "x", "feeds": [')
    assert latest.load(store) == latest.LatestFetch()
    reader = ReaderState(store)
    reader.load()
    assert reader.new_counts() == (0, {})
    fetch(store)  # written anew by the next fetch that adds stories
    assert len(latest.load(store).ids) == 2


def test_a_deleted_new_story_is_no_longer_counted(store: Store, server: HTTPServer) -> None:
    gazette, _ = subscribed(store, server)
    fetch(store)
    store.delete([sorted(latest.load(store).ids)[0]])
    reader = ReaderState(store)
    reader.load()
    assert reader.new_counts() == (1, {gazette.id: 1})


def test_the_notice_names_the_feeds_that_brought_new_stories_most_first(store: Store, server: HTTPServer) -> None:
    subscribed(store, server)
    serve(server, 3, 2)
    summary = summarize(fetch(store))
    assert summary.text.splitlines()[:2] == ["3 new, 0 updated from 2 feeds; 0 failed",
                                             "New: Harbour Gazette 2, Valley Courier 1"]


def test_feeds_list_gives_each_feeds_new_stories(store: Store, server: HTTPServer,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    gazette, courier = subscribed(store, server)
    fetch(store)
    assert main(["--store", str(store.folder), "feeds", "list", "--json"]) == 0
    rows = {row["id"]: row for row in map(orjson.loads, capsys.readouterr().out.splitlines())}
    assert (rows[gazette.id]["new"], rows[courier.id]["new"]) == (2, 0)
    assert main(["--store", str(store.folder), "feeds", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["feed", "unread", "new", "stories", "tags", "health"]
    assert [line.split()[-4:-1] for line in lines[1:]] == [["3", "2", "3"], ["1", "0", "1"]]


def test_cli_search_is_new(store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    subscribed(store, server)
    fetch(store)
    assert main(["--store", str(store.folder), "search", "is:new", "--json"]) == 0
    found = [orjson.loads(line)["headline"] for line in capsys.readouterr().out.splitlines()]
    assert sorted(found) == ["Ferry timetable change number 1", "Ferry timetable change number 2"]


async def test_F_then_New_in_the_sidebar_lists_what_the_fetch_added(store: Store, server: HTTPServer) -> None:
    subscribed(store, server)
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        sidebar = await open_sidebar(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == (
            "2 new, 0 updated from 2 feeds (1 unchanged); 0 failed\nNew: Harbour Gazette 2")
        labels = {str(option.prompt).split("\n")[0] for option in sidebar._options
                  if isinstance(option.prompt, EntryLabel)}
        assert {"New 2", "Harbour Gazette +2 3", "Valley Courier 1"} <= labels
        sidebar.focus()
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.kind == "new")
        await pilot.press("enter")
        await settle(pilot)
        listed = [row.meta.headline for row in app.screen.query_one(HeadlineList).rows]
        assert sorted(listed) == ["Ferry timetable change number 1", "Ferry timetable change number 2"]


async def test_the_palette_offers_the_new_stories(store: Store, server: HTTPServer) -> None:
    subscribed(store, server)
    fetch(store)
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "new stor")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert "Show new stories" in str(palette.query_one(CommandList).get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.reader  # type: ignore[attr-defined]
        assert reader.query_text == "is:new" and sorted(reader.result_ids) == sorted(latest.load(store).ids)


async def test_a_fetch_in_the_shell_reaches_new_in_an_open_reader(store: Store, server: HTTPServer) -> None:
    """`broadsheet fetch` (cron's) writes its new stories after its stories: a look at the store
    between the two took the stories in, and New stayed the previous fetch's."""
    gazette, _ = subscribed(store, server)
    fetch(Store(store.folder))
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40)) as pilot:
        sidebar = await open_sidebar(pilot)
        sidebar.focus()
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.kind == "new")
        await pilot.press("enter")
        await settle(pilot)
        one = sorted(latest.load(store).ids)[0]
        # as a fetch's last write leaves it, the stories taken in already: one new story now
        (store.folder / latest.FILE).write_bytes(orjson.dumps({"version": 1, "at": "2026-12-08T00:00:00+00:00",
                                                               "feeds": {gazette.id: [one]}}))
        app.screen._check_store()  # type: ignore[attr-defined]  # the reader's look, every 3 seconds
        await settle(pilot)
        labels = {str(option.prompt).split("\n")[0] for option in sidebar._options
                  if isinstance(option.prompt, EntryLabel)}
        assert {"New 1", "Harbour Gazette +1 3"} <= labels
        assert app.screen.reader.result_ids == [one]  # type: ignore[attr-defined]

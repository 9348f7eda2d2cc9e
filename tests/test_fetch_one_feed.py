"""F on a feed's row in the sidebar fetches that feed alone, as newsboat's r reloads the feed
under the cursor; elsewhere F fetches every feed. F fetched them all wherever it was pressed."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from broadsheet.store.feeds.fetch import fetch
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.sidebar import Sidebar
from tests.feeds import rss_feed
from tests.pilot import settle


def serve(server: HTTPServer, gazette: int, courier: int) -> None:
    server.clear()
    server.expect_request("/gazette").respond_with_data(rss_feed(gazette))
    server.expect_request("/courier").respond_with_data(rss_feed(courier, title="Valley Courier", start=10))


async def test_F_on_a_feeds_row_fetches_that_feed_alone_and_elsewhere_every_feed(store: Store,
                                                                                 server: HTTPServer) -> None:
    serve(server, 1, 1)
    Subscriptions(store).add([server.url_for("/gazette"), server.url_for("/courier")])
    fetch(store)
    serve(server, 2, 2)  # a new story in each
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.name == "Harbour Gazette")
        await settle(pilot)
        assert app.screen.active_bindings["F"].binding.description == "Fetch this feed"  # in the footer
        await pilot.press("F")
        await settle(pilot)
        assert [request.path for request, _ in server.log] == ["/gazette"]
        assert [n.message for n in app._notifications][-1] == ("1 new, 0 updated from 1 feed; 0 failed\n"
                                                               "New: Harbour Gazette 1")
        listed = [row.meta.headline for row in app.screen.query_one(HeadlineList).rows]
        assert "Ferry timetable change number 1" in listed and "Ferry timetable change number 11" not in listed
        assert app.focused is sidebar
        sidebar.highlighted = 0  # All stories: F is every feed's
        await settle(pilot)
        assert app.screen.active_bindings["F"].binding.description == "Fetch feeds"
        await pilot.press("F")
        await settle(pilot)
        assert sorted(request.path for request, _ in server.log[1:]) == ["/courier", "/gazette"]
        assert [n.message for n in app._notifications][-1].startswith("1 new, 0 updated from 2 feeds")

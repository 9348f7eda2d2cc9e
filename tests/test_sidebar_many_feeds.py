"""A newsboat user's sidebar of many feeds: going through them by their marks ("!" a failed
fetch, "+3" new stories) and reading their names at 80 columns."""

from __future__ import annotations

import io

import pytest
from pytest_httpserver import HTTPServer
from rich.console import Console

from broadsheet.store.feeds.fetch import fetch
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.sidebar import EntryLabel, Sidebar
from tests.feeds import rss_feed
from tests.pilot import open_sidebar, settle

FEEDS = 40
FAILING = (12, 31)  # answer 404 on the second fetch
GROWING = (5, 27)  # bring a story more on the second fetch


def many_feeds(store: Store, server: HTTPServer) -> list[str]:
    """Forty feeds fetched twice: two fail the second time, two bring new stories. Their addresses."""
    urls = [server.url_for(f"/feed{i}") for i in range(FEEDS)]
    Subscriptions(store).add(urls)
    for extra in (0, 1):
        server.clear()
        for i in range(FEEDS):
            if extra and i in FAILING:
                server.expect_request(f"/feed{i}").respond_with_data("gone", status=404)
            else:
                grown = extra if i in GROWING else 0
                server.expect_request(f"/feed{i}").respond_with_data(
                    rss_feed(2 + grown, title=f"Town Crier {i:02}", start=i * 100))
        fetch(store)
    return urls


def drawn(sidebar: Sidebar) -> list[str]:
    return [sidebar.render_line(y).text.rstrip() for y in range(sidebar.size.height)]


async def test_bang_and_plus_go_to_the_next_failed_and_the_next_new_feed_round_the_end(
        store: Store, server: HTTPServer) -> None:
    urls = many_feeds(store, server)
    app = BroadsheetApp(store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        sidebar = await open_sidebar(pilot)
        assert sidebar.has_focus

        async def press(key: str) -> str:
            await pilot.press(key)
            await settle(pilot)
            entry = sidebar.current_entry
            assert entry is not None and entry.kind == "feed"
            return entry.ref

        assert await press("exclamation_mark") == urls[FAILING[0]]
        # Its reason is shown under it, and scrolled into sight (the row alone was, the reason below the sidebar).
        assert any("not found (404)" in line for line in drawn(sidebar))
        assert await press("exclamation_mark") == urls[FAILING[1]]
        assert any("not found (404)" in line for line in drawn(sidebar))
        assert await press("exclamation_mark") == urls[FAILING[0]]  # round from the top
        assert "From the top" in list(app._notifications)[-1].message
        assert await press("plus") == urls[GROWING[1]]
        assert await press("plus") == urls[GROWING[0]]


async def test_bang_with_no_failed_feed_says_so_and_stays(store: Store, server: HTTPServer) -> None:
    server.expect_request("/one").respond_with_data(rss_feed(2, title="Town Crier"))
    Subscriptions(store).add([server.url_for("/one")])
    fetch(store)
    app = BroadsheetApp(store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        sidebar = await open_sidebar(pilot)
        before = sidebar.highlighted
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert sidebar.highlighted == before
        assert list(app._notifications)[-1].message == "No feed failed its last fetch"


def lines(label: EntryLabel, width: int) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(label)
    return console.export_text().splitlines()


def test_a_narrow_sidebar_gives_the_name_the_room_of_the_new_count() -> None:
    # At 80 columns the sidebar has 18 cells: "+1" cut the name to "Valley Couri… +1 2".
    assert lines(EntryLabel("Valley Courier", 2, new=1), 18) == ["Valley Courier   2"]
    assert lines(EntryLabel("Quay Post", 9, new=9), 18) == ["Quay Post     +9 9"]  # room: both shown
    console = Console(width=18, file=io.StringIO())
    segments = list(console.render(EntryLabel("Valley Courier", 2, new=1)))
    count = next(s for s in segments if s.text == " 2")
    assert count.style is not None and count.style.color is not None and count.style.color.name == "green"  # still told


def test_counts_stand_in_one_column_at_the_right() -> None:
    assert [lines(EntryLabel(name, count), 18)[0] for name, count in (("Unread", 348), ("Quay Post", 6))] == [
        "Unread         348", "Quay Post        6"]


def test_a_wide_character_cut_leaves_no_blank_before_the_ellipsis() -> None:
    # Rich's cut drew "北海道新聞 ロ … 3" and "📰 Morning Brief  … 1" (the wide character did not fit).
    assert lines(EntryLabel("北海道新聞 ローカルニュース速報", 3), 17) == ["北海道新聞 ロ…  3"]
    assert lines(EntryLabel("📰 Morning Brief 🌅 Weekly", 1), 21) == ["📰 Morning Brief…   1"]


async def test_a_failed_feed_reached_at_the_sidebars_foot_shows_its_reason(store: Store, server: HTTPServer) -> None:
    # With j down 40 feeds at 80x24 the failed one came to the last line: scrolled to as one
    # line, the reason opened under it stayed below the sidebar.
    urls = many_feeds(store, server)
    app = BroadsheetApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = await open_sidebar(pilot)
        while (entry := sidebar.current_entry) is None or entry.ref != urls[FAILING[0]]:
            await pilot.press("j")
        await settle(pilot)
        assert any("not found (404)" in line for line in drawn(sidebar))


async def test_moving_down_the_feeds_builds_the_footer_again_only_where_its_keys_change(
        store: Store, server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The footer was built again at each j (for F: this feed's or every feed's), half of the
    # time a move took: down 60 feeds at 80x24, 130 ms a key where the headline list took 70.
    many_feeds(store, server)
    app = BroadsheetApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = await open_sidebar(pilot)
        refreshed: list[str] = []
        original = sidebar.refresh_bindings
        monkeypatch.setattr(sidebar, "refresh_bindings", lambda: (refreshed.append("x"), original())[1])
        while (entry := sidebar.current_entry) is None or entry.kind != "feed":
            await pilot.press("j")
        await settle(pilot)
        assert refreshed and app.screen.active_bindings["F"].binding.description == "Fetch this feed"
        refreshed.clear()
        for _ in range(10):
            await pilot.press("j")
        await settle(pilot)
        assert refreshed == []
        await pilot.press("g")  # off the feeds: F is every feed's again
        await settle(pilot)
        assert refreshed and app.screen.active_bindings["F"].binding.description == "Fetch feeds"

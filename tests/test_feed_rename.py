"""Renaming a feed: `broadsheet feeds rename FEED TITLE` and R on a feed's row in the reader's
sidebar. A feed's stories carry its title as their source, and the sidebar and ``feed:"Title"``
find them by it: its stories already stored take the new title too, and it stays the user's when
the feed's own title changes. There was no way but a newsboat urls file's "~Title" and `feeds import`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from broadsheet.cli.main import main
from broadsheet.store.feeds.fetch import fetch
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from tests.feeds import rss_feed

GAZETTE = [f"Ferry timetable change number {n}" for n in range(3)]


def subscribed(store: Store, server: HTTPServer) -> str:
    """A feed titled "Harbour Gazette" of three stories, and another, "Valley Courier", fetched."""
    server.expect_request("/gazette").respond_with_data(rss_feed(3))
    server.expect_request("/courier").respond_with_data(rss_feed(1, title="Valley Courier", start=10))
    Subscriptions(store).add([server.url_for("/gazette"), server.url_for("/courier")])
    fetch(store)
    return server.url_for("/gazette")


def found(folder: Path, query: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["--store", str(folder), "search", query, "--json"]) == 0
    return sorted(json.loads(line)["headline"] for line in capsys.readouterr().out.splitlines())


def test_feeds_rename_gives_the_feed_and_its_stories_the_title_which_stays_at_the_next_fetch(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = subscribed(store, server)
    folder = str(store.folder)
    capsys.readouterr()
    assert main(["--store", folder, "feeds", "rename", url, "Harbour Weekly"]) == 0
    assert capsys.readouterr().err.strip() == \
        "renamed Harbour Gazette to Harbour Weekly; 3 stories already stored now carry it"
    assert found(store.folder, 'feed:"Harbour Weekly"', capsys) == GAZETTE
    assert found(store.folder, 'feed:"Harbour Gazette"', capsys) == []
    assert main(["--store", folder, "feeds", "list", "--json"]) == 0
    listed = map(json.loads, capsys.readouterr().out.splitlines())
    rows = {row["title"]: (row["stories"], row["unread"]) for row in listed}
    assert rows == {"Harbour Weekly": (3, 3), "Valley Courier": (1, 1)}
    server.clear()  # the feed still calls itself "Harbour Gazette", with a new story
    server.expect_request("/gazette").respond_with_data(rss_feed(4))
    server.expect_request("/courier").respond_with_data(rss_feed(1, title="Valley Courier", start=10))
    assert main(["--store", folder, "fetch", "--quiet"]) == 0
    assert [sub.title for sub in Subscriptions(Store(store.folder)).all()] == ["Harbour Weekly", "Valley Courier"]
    assert found(store.folder, 'feed:"Harbour Weekly"', capsys) == [*GAZETTE, "Ferry timetable change number 3"]
    assert main(["--store", folder, "feeds", "rename", "harbour weekly", "Harbour Gazette"]) == 0  # by its title too
    assert found(store.folder, 'feed:"Harbour Gazette"', capsys) == [*GAZETTE, "Ferry timetable change number 3"]


def test_a_rename_cut_short_is_finished_by_the_next_fetch(store: Store, server: HTTPServer,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C once the feed is renamed, before its stories are: the next fetch gives them its title."""
    url = subscribed(store, server)

    def cut_short(*_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("broadsheet.store.feeds.feedstories.retitle_stories", cut_short)
    assert main(["--store", str(store.folder), "feeds", "rename", url, "Harbour Weekly"]) == 130
    monkeypatch.undo()
    assert found(store.folder, 'feed:"Harbour Weekly"', capsys) == []
    assert main(["--store", str(store.folder), "fetch", "--quiet"]) == 0
    assert "Finishing the last feeds import or rename (it was cut short)" in capsys.readouterr().err
    assert found(store.folder, 'feed:"Harbour Weekly"', capsys) == GAZETTE


@pytest.mark.parametrize(("ref", "title", "said"), [
    ("https://nowhere.example/feed.xml", "Harbour Weekly",
     "no subscription 'https://nowhere.example/feed.xml' (see `broadsheet feeds list`). Nothing was renamed."),
    ("GAZETTE", "Valley Courier", "not renamed: 'Valley Courier' is the title of another feed (COURIER)"),
    ("GAZETTE", " \t", "not renamed: a feed's title cannot be empty"),
    ("GAZETTE", "x" * 2001, "not renamed: the title is 2,001 characters long (at most 2,000)"),
], ids=["unknown-feed", "another-feeds-title", "empty", "too-long"])
def test_feeds_rename_refuses_an_unknown_feed_and_a_title_it_cannot_take(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str], ref: str, title: str,
        said: str) -> None:
    url = subscribed(store, server)
    ref = ref.replace("GAZETTE", url)
    capsys.readouterr()
    assert main(["--store", str(store.folder), "feeds", "rename", ref, title]) == 2
    assert capsys.readouterr().err.strip() == said.replace("COURIER", server.url_for("/courier"))
    assert [sub.title for sub in Subscriptions(store).all()] == ["Harbour Gazette", "Valley Courier"]
    assert found(store.folder, 'feed:"Harbour Gazette"', capsys) == GAZETTE
    assert not (store.folder / "following.json").exists()


async def test_R_on_a_feeds_row_renames_it_and_its_stories_stay_listed_under_it(
        store: Store, server: HTTPServer) -> None:
    from textual.widgets import Static

    from broadsheet.tui.app import BroadsheetApp
    from broadsheet.tui.screens.dialogs import PromptScreen
    from broadsheet.tui.widgets.headline_list import HeadlineList
    from broadsheet.tui.widgets.search_bar import SearchBar
    from broadsheet.tui.widgets.sidebar import Sidebar
    from tests.pilot import settle, type_text

    subscribed(store, server)
    app = BroadsheetApp(store)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)

        def rows() -> list[str]:
            return [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]

        def to_row(name: str) -> None:
            sidebar.focus()
            sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.name == name)

        to_row("Harbour Gazette")
        await pilot.press("enter")  # its stories listed
        await settle(pilot)
        to_row("Harbour Gazette")
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)  # the prompt a tag's rename has, the title in it
        await pilot.press("ctrl+u")
        await type_text(pilot, "Harbour Weekly")
        await pilot.press("enter")
        await settle(pilot)
        assert "Renamed feed 'Harbour Gazette' to 'Harbour Weekly' (its 3 stories too)" in [
            n.message for n in app._notifications]
        assert "Harbour Weekly +3 3" in rows() and not [row for row in rows() if "Gazette" in row]
        assert sidebar.current_entry is not None and sidebar.current_entry.name == "Harbour Weekly"
        assert app.screen.query_one(SearchBar).value == 'feed:"Harbour Weekly"'  # the feed listed still
        assert sorted(row.meta.headline for row in app.screen.query_one(HeadlineList).rows) == GAZETTE
        to_row("Valley Courier")
        await pilot.press("R", "ctrl+u")
        await type_text(pilot, "harbour weekly")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)  # refused in the prompt, what was typed kept
        assert str(app.screen.query_one("#prompt-hint", Static).content) == \
            f"Not renamed: 'harbour weekly' is the title of another feed ({server.url_for('/gazette')})"
        await pilot.press("escape")
        await settle(pilot)
    assert [sub.title for sub in Subscriptions(store).all()] == ["Harbour Weekly", "Valley Courier"]
    assert Subscriptions(store).all()[0].learned is False  # the user's: kept when the feed's own changes

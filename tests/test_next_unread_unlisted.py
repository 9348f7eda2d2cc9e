"""n and N in a search or feed listing more stories than it lists (a search lists its best
``SEARCH_LIMIT`` and the next as the cursor nears their end): the unread story after those
listed is found, listed and gone to. n had said "No unread stories here" in a feed of 2,100
stories whose only unread one was row 2,050, and the second n (on to the next feed with unread
stories) listed that feed and opened nothing."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from textual.widgets import Input

from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.reader.searcher import SEARCH_LIMIT
from broadsheet.store.reader.state import Results
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.listing import CatalogueIds
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.sidebar import Sidebar
from tests.factories import make_article
from tests.pilot import search_for, settle

BIG = "Harbour Gazette"  # SEARCH_LIMIT + 100 stories, all read but the one at row UNREAD_ROW of its listing
SMALL = "Valley Courier"  # three stories, all read
STORIES = SEARCH_LIMIT + 100
UNREAD_ROW = SEARCH_LIMIT + 50


def headline(n: int) -> str:
    return f"{BIG} story {n}"


@pytest.fixture
def big_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The two feeds, subscribed to; story ``n`` of the big one published ``n`` minutes after the
    first, so its listing is newest first and row ``r`` is story ``STORIES - 1 - r``."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # made in a moment, durable or not
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    store.add([(make_article(n, source=BIG, headline=headline(n), images=[],
                             published=(start + dt.timedelta(minutes=n)).isoformat()), None) for n in range(STORIES)]
              + [(make_article(n, source=SMALL, headline=f"{SMALL} story {n}", images=[]), None) for n in range(3)])
    unread = headline(STORIES - 1 - UNREAD_ROW)
    store.user.read_all([m.id for m in store.stories() if m.headline != unread])
    addresses = {"http://127.0.0.1:9/big.xml": BIG, "http://127.0.0.1:9/small.xml": SMALL}
    Subscriptions(store).add(list(addresses), titles=addresses)
    monkeypatch.undo()
    return store


def said(app: BroadsheetApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_n_finds_the_unread_story_past_the_rows_a_feed_lists(big_store: Store) -> None:
    app = BroadsheetApp(big_store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await search_for(pilot, f'feed:"{BIG}"')
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.count == SEARCH_LIMIT and headlines.cursor == 0
        await pilot.press("n")  # opened, and read
        await settle(pilot)
        assert headlines.cursor == UNREAD_ROW, said(app)
        assert headlines.current is not None and headlines.current.headline == headline(STORIES - 1 - UNREAD_ROW)
        # unread again; from the list's top, round to the last unread story: the same one
        await pilot.press("m", "escape", "g", "N")
        await settle(pilot)
        assert headlines.cursor == UNREAD_ROW
        assert said(app)[-1] == "Past the top of the list: the last unread story"
        await pilot.press("n")  # it was opened: read, and none is left
        await settle(pilot)
        assert said(app)[-1] == "No unread stories here", said(app)


async def test_a_second_n_opens_the_unread_story_past_the_rows_the_next_feed_lists(big_store: Store) -> None:
    app = BroadsheetApp(big_store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries)
                                   if e is not None and (e.kind, e.name) == ("feed", SMALL))
        await pilot.press("enter")  # its stories listed
        await settle(pilot)
        await pilot.press("enter")  # the first opened
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert said(app)[-1] == f"No unread stories here: n again for {BIG} (1 unread)", said(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == f'feed:"{BIG}"'
        article = app.screen.query_one(ArticleView).article
        assert article is not None and article.headline == headline(STORIES - 1 - UNREAD_ROW)
        assert app.screen.query_one(HeadlineList).cursor == UNREAD_ROW and app.screen.has_class("-reading")


async def test_n_past_the_rows_listed_when_more_unread_stories_match_than_a_page(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """More unread stories than a search lists at a time: the marks of the stories not listed
    are read, and n and N find the next one there all the same."""
    monkeypatch.setattr("broadsheet.store.reader.searcher.SEARCH_LIMIT", 4)
    monkeypatch.setattr(MainScreen, "MORE_AHEAD", 1)  # rows 0-2: no next page listed
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    store.add([(make_article(n, source=BIG, headline=headline(n), images=[],
                             published=(start - dt.timedelta(minutes=n)).isoformat()), None) for n in range(12)])
    store.user.read_all([m.id for m in store.stories() if m.headline not in {headline(n) for n in (0, 1, 2, 8, 9)}])
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await search_for(pilot, f'feed:"{BIG}"')
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.count == 4
        await pilot.press("j", "j", "n")  # rows 0-2 unread, 3-7 read
        await settle(pilot)
        assert headlines.current is not None and headlines.current.headline == headline(8), said(app)
        await pilot.press("escape", "g", "N")  # (n opened the story: back to the list)
        await settle(pilot)
        assert headlines.current is not None and headlines.current.headline == headline(9), said(app)



@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each story looked up among the stories (whether an id is listed): whether on the UI thread."""
    looked_up: list[bool] = []
    contains = CatalogueIds.__contains__

    def counted(self: CatalogueIds, sid: object) -> bool:
        looked_up.append(threading.current_thread() is threading.main_thread())
        return contains(self, sid)

    monkeypatch.setattr(CatalogueIds, "__contains__", counted)
    return looked_up


@pytest.fixture
def mapped(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each time the rows listed were mapped by id (the cursor's story kept): whether on the UI thread."""
    maps: list[bool] = []
    index_of = Results.index_of

    def counted(self: Results, sid: str) -> int | None:
        if self._places is None:
            maps.append(threading.current_thread() is threading.main_thread())
        return index_of(self, sid)

    monkeypatch.setattr(Results, "index_of", counted)
    return maps


async def test_n_lists_the_stories_it_goes_past_without_looking_them_up_on_the_ui_thread(
        big_store: Store, lookups: list[bool]) -> None:
    """The results up to the unread story were each looked up among the stories on the UI thread
    as they were listed: the reader stood still 1.2-2 s for an unread story 474,000 results down a
    search of a million stories. The worker that finds it lists them; the UI thread shows them."""
    app = BroadsheetApp(big_store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await search_for(pilot, f'feed:"{BIG}"')
        headlines = app.screen.query_one(HeadlineList)
        lookups.clear()
        await pilot.press("n")
        await settle(pilot)
        assert headlines.cursor == UNREAD_ROW and headlines.count == STORIES, said(app)
        assert lookups.count(False) >= STORIES - SEARCH_LIMIT  # in the worker
        assert lookups.count(True) < 10, lookups.count(True)


async def test_G_lists_every_match_left_without_looking_them_up_on_the_ui_thread(
        big_store: Store, lookups: list[bool], mapped: list[bool]) -> None:
    """G lists every match left, as n does the stories it goes past: looked up, and their rows
    mapped for the cursor's story, in the worker (at a million matches, 1.6 s and 0.3-0.5 s)."""
    app = BroadsheetApp(big_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await search_for(pilot, f'feed:"{BIG}"')
        headlines = app.screen.query_one(HeadlineList)
        lookups.clear()
        mapped.clear()
        await pilot.press("G")
        await settle(pilot)
        assert headlines.count == STORIES and headlines.cursor == STORIES - 1
        assert lookups.count(False) >= STORIES - SEARCH_LIMIT
        assert lookups.count(True) < 10, lookups.count(True)
        assert True not in mapped  # mapped as they were made

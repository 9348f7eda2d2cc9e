"""B, T, e/E and D after a search that matched more than it lists: they act on every match,
as the question says, not only on the best few the list holds (issue 17)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from textual.widgets import Label, Static

from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens import main as main_screen
from broadsheet.tui.screens.dialogs import ConfirmScreen
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.factories import make_article, wire_article
from tests.pilot import said, search_for, settle, type_text

FERRY = 7  # stories that hold "ferry", of eight


@pytest.fixture
def app(store: Store, monkeypatch: pytest.MonkeyPatch) -> BroadsheetApp:
    """A reader that lists a search's best three at a time, over eight stories, seven with "ferry"."""
    monkeypatch.setattr("broadsheet.store.reader.searcher.SEARCH_LIMIT", 3)
    monkeypatch.setattr(main_screen.MainScreen, "MORE_AHEAD", 1)  # the cursor stays on the first: no more listed
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(FERRY)] + [(wire_article(), "wire.txt")])
    return BroadsheetApp(store)


def asked(app: BroadsheetApp) -> str:
    """What the dialog on top says."""
    return " ".join(str(widget.render()) for widget in app.screen.query(Static))


def ferry_ids(store: Store) -> set[str]:
    ids = {meta.id for meta in store.stories() if "ferry" in meta.headline.lower()}
    assert len(ids) == FERRY
    return ids


async def listed_three_of_seven(pilot, app: BroadsheetApp) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await search_for(pilot, "ferry")
    assert app.screen.query_one(HeadlineList).count == 3
    assert str(app.screen.query_one("#match-count", Label).render()) == "best 3 of 7 matches"


async def test_bookmark_and_tag_every_match_of_a_search_not_only_those_listed(app: BroadsheetApp,
                                                                             store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await listed_three_of_seven(pilot, app)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Bookmark all 7 matching stories?" in asked(app)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        await type_text(pilot, "boats")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Apply +boats to all 7 matching stories?" in asked(app)
        await pilot.press("y")
        await settle(pilot)
        messages = [said(n) for n in app._notifications]
        assert not app.screen.query_one("#work-status", Label).display
    marks = Store(store.folder).user.all()
    assert {sid for sid, s in marks.items() if s.bookmarked} == ferry_ids(store)
    assert {sid for sid, s in marks.items() if "boats" in s.tags} == ferry_ids(store)
    assert "Bookmarked 7 stories" in messages and "Tagged 7 stories" in messages


async def test_export_writes_every_match_in_the_order_of_the_list(app: BroadsheetApp, store: Store,
                                                                  tmp_path: Path) -> None:
    target = tmp_path / "ferries.json"
    async with app.run_test(size=(80, 24)) as pilot:
        await listed_three_of_seven(pilot, app)
        listed = app.screen.query_one(HeadlineList).story_ids
        await pilot.press("E")
        await settle(pilot)
        assert "Export all 7 matching stories as JSON to" in asked(app)
        await pilot.press("ctrl+u")
        app.screen.query_one("Input").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        messages = [said(n) for n in app._notifications]
    exported = [s["id"] for s in orjson.loads(target.read_bytes())["stories"]]
    assert set(exported) == ferry_ids(store) and exported[:3] == listed  # the list's best first
    assert f"Exported 7 stories to {target}" in messages


async def test_delete_every_match_and_undo_or_refuse_past_what_undo_keeps(
        app: BroadsheetApp, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await listed_three_of_seven(pilot, app)
        monkeypatch.setattr(main_screen, "DELETE_MAX", 6)
        await pilot.press("D")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # the seven matches, not the three listed, count
        assert any(n.message.startswith("7 matching stories are more than the reader deletes at once (6")
                   for n in app._notifications)
        monkeypatch.setattr(main_screen, "DELETE_MAX", 7)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Delete all 7 matching stories?" in asked(app)
        await pilot.press("y")
        await settle(pilot)
        assert len(Store(store.folder)) == 1
        await pilot.press("escape", "u")
        await settle(pilot)
        assert len(Store(store.folder)) == 8
        assert any(n.message == "Brought back 7 stories" for n in app._notifications)


async def test_a_search_that_lists_every_match_acts_on_the_list_as_before(app: BroadsheetApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search_for(pilot, '"timetable 2" OR "timetable 4"')
        assert app.screen.query_one(HeadlineList).count == 2
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Bookmark all 2 listed stories?" in asked(app)

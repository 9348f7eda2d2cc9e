"""Snapshot tests of every screen at 80x24 and 120x40 (SVGs in tests/__snapshots__/)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from broadsheet.store.search import SearchIndex
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from tests.factories import make_article, wire_article
from tests.pilot import settle

SIZES = [(80, 24), (120, 40)]


def snapshot_store(folder: Path) -> Store:
    store = Store(folder)
    store.add([(make_article(i), None) for i in range(6)] + [(wire_article(), None)])
    ids = [m.id for m in store.stories()]
    store.user.edit_tags(ids[:2], add=["transport"])
    store.user.set_bookmarked(ids[1], True)
    store.user.set_read(ids[2], True)
    SearchIndex.open(store)  # built ahead, so no "rebuilt" notice races the snapshot
    return store


def steps(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
            for widget in pilot.app.screen.query(Input):
                widget.cursor_blink = False
        await settle(pilot)

    return run


SCREENS = {
    "main": steps(),
    "reading": steps("enter"),
    "zen": steps("enter", "z"),
    "help": steps("question_mark"),
    "tag_editor": steps("t"),
    "search_no_results": steps("slash", "q", "x", "z"),
    "search_results": steps("slash", "f", "e", "r", "r", "y"),
    "sidebar": steps("f"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, tmp_path: Path, screen: str, size: tuple[int, int]) -> None:
    app = BroadsheetApp(snapshot_store(tmp_path / "store"))
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_empty_store(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    store = Store(tmp_path / "empty")
    SearchIndex.open(store)
    assert snap_compare(BroadsheetApp(store), terminal_size=size, run_before=steps())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_palette(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    app = BroadsheetApp(snapshot_store(tmp_path / "store"))
    assert snap_compare(app, terminal_size=size, run_before=steps("ctrl+p", "m", "o", "u", "n"))


def bare_store(folder: Path) -> Store:
    """Stories with no source and no date (pages saved without them), and one with code in it."""
    store = Store(folder)
    code = "\n".join(["def timetable(feed):", "    for entry in feed.entries:",
                      '        if entry.kind == "ferry" and entry.departure is not None and entry.arrival is not None:',
                      "            yield entry.route, entry.departure, entry.arrival, entry.platform, entry.operator",
                      "    return None"])
    store.add([(make_article(i, headline=f"Harbour ferry timetable changes announced for the winter season, part {i}",
                             source=None, published=None, images=[],
                             body=["The operator published the code that reads its timetable.", code,
                                   "Critics said it ignores cancelled sailings."]), None) for i in range(5)])
    SearchIndex.open(store)
    return store


@pytest.mark.parametrize(("screen", "size"), [("sidebar", (100, 30)), ("reading", (80, 24))],
                         ids=["sidebar-100x30", "reading-80x24"])
def test_bare_stories(snap_compare, tmp_path: Path, screen: str, size: tuple[int, int]) -> None:
    """Headlines take the room of a source and date column no row fills; code keeps its lines."""
    app = BroadsheetApp(bare_store(tmp_path / "store"))
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])

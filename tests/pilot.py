"""Helpers for driving the reader with Pilot without sleeping."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.scroll_view import ScrollView
from textual.worker import WorkerCancelled

from broadsheet.tui.widgets.sidebar import Sidebar
from broadsheet.tui.widgets.thumb import THUMB, THUMB_WIDTH

KEY_NAMES = {" ": "space", ",": "comma", "-": "minus", ":": "colon", '"': "quotation_mark"}


async def settle(pilot: Pilot) -> None:
    """Let search and index workers finish and the messages they post land, and the story
    under the list cursor show (it waits for keys pressed in a burst to end: MainScreen.REST)."""
    while getattr(pilot.app.screen, "story_pending", False):
        await pilot.pause(0.02)
    for _ in range(3):
        await _workers_done(pilot)
        await pilot.pause()


async def _workers_done(pilot: Pilot) -> None:
    """Wait for every worker; one cancelled while waited for (an exclusive worker started by a
    timer took its place) is waited for again in its successor."""
    while True:
        try:
            await pilot.app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            pass


async def open_sidebar(pilot: Pilot) -> Sidebar:
    """The reader started and settled, ``f`` pressed: the filters sidebar, drawn."""
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    return pilot.app.screen.query_one(Sidebar)


def row_of(sidebar: Sidebar, kind: str, name: str) -> int:
    """The sidebar's row of the entry of ``kind`` named ``name`` (rows move as entries come: New)."""
    return next(i for i, e in enumerate(sidebar._entries) if e and e.kind == kind and e.name == name)


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key, as a user would, then settle."""
    for char in text:
        await pilot.press(KEY_NAMES.get(char, char))
    await settle(pilot)


async def search_for(pilot: Pilot, text: str) -> None:
    """Search ``text`` as a user does: "/", the words, Enter (back to the list), then settle."""
    await type_text(pilot, "/" + text)
    await pilot.press("enter")
    await settle(pilot)


def shown_lines(view: ScrollView) -> list[str]:
    """The text of each line a line-API view draws now, right-trimmed, without its scroll thumb's column."""
    return [view.render_line(y).text[:-THUMB_WIDTH].rstrip() for y in range(view.scrollable_content_region.height)]


def thumb_rows(view: ScrollView) -> list[int]:
    """The rows of a line-API view whose last cell shows its scroll thumb now."""
    return [y for y in range(view.scrollable_content_region.height) if view.render_line(y).text.endswith(THUMB)]


def headlines_shown(view: Any) -> list[str]:
    """The headlines the article view ``view`` is given from now on, in order (it still shows them)."""
    shown: list[str] = []
    real = view.show

    def show(article: Any, *args: Any, **kwargs: Any) -> None:
        shown.append(article.headline)
        real(article, *args, **kwargs)

    view.show = show
    return shown


def progress_told(monkeypatch: Any) -> list[str]:
    """Each progress line the main screen shows from now on (a long change of marks, an export,
    a delete), in order: the line itself keeps only the last."""
    from broadsheet.tui.screens.main import MainScreen

    told: list[str] = []
    real = MainScreen._work_progress

    def progress(self: MainScreen, text: str) -> None:
        told.append(text)
        real(self, text)

    monkeypatch.setattr(MainScreen, "_work_progress", progress)
    return told


def said(notice: Any) -> str:
    """A notice's message as written: a long path in it is broken after a ``/`` to fit the notice's
    lines (``broadsheet.tui.notices``)."""
    return str(notice.message).replace("/\n", "/")

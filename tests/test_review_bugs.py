"""Pilot tests for the bugs found in the review of issue 16 (each failed before its fix)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from broadsheet.config import Config
from broadsheet.store.reader import searcher as searcher_module
from broadsheet.store.reader.filter import WordFilter
from broadsheet.store.search import SearchIndex
from broadsheet.store.search.query import Query, SearchCancelled, SearchResult, never
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.userstate import StoryState
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.help import HelpScreen
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.widgets.footer import key_width
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.pilot import settle, type_text


def footer_descriptions(app: BroadsheetApp) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey)]


def notifications(app: BroadsheetApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_the_palette_offers_the_readers_actions_and_theme_not_textuals_others(filled_store: Store) -> None:
    """It listed Textual's own "Keys" panel (beside the reader's), "Quit" without a key and
    "Screenshot", and lacked "Quit now" and "Open"."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listed = [c.title for c in app.get_system_commands(app.screen)]
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert {"Theme", "Maximize", "Quit now", "Open", "Next unread"} <= set(commands)
        assert not {"Quit", "Screenshot", "Next match/unread", "Back to list"} & set(commands)  # n and Esc: once
        assert listed.count("Keys") == 1 and commands["Keys"] == "Key: ?" and commands["Quit now"] == "Key: Q"
        assert not any(title in ("Down", "Up", "Page down") for title in commands)  # moves: not from the palette
        open_story = next(c for c in app.get_system_commands(app.screen) if c.title == "Open")
        await open_story.callback()  # type: ignore[misc]  # (the palette awaits what it returns)
        await settle(pilot)
        assert app.screen.has_class("-reading")


async def test_rebound_keys_show_in_help_and_palette(filled_store: Store, tmp_path: Path) -> None:
    config = Config(path=tmp_path / "no-config.toml", keys={"story.bookmark": "w", "app.search": "ctrl+f"})
    app = BroadsheetApp(filled_store, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Bookmark"] == "Key: w"
        assert commands["Search"] == "Key: Ctrl+F"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(app.screen.query_one("#help-keys", Static).content)
        rows = console.export_text().splitlines()
        bookmark = next(line for line in rows if "Bookmark " in line and "all listed" not in line)
        assert bookmark.split()[0] == "w"
        assert next(line for line in rows if "story.bookmark" in line) == bookmark
        assert any(line.split()[:1] == ["Ctrl+F"] and "Search" in line for line in rows)
        console.file.close()


async def test_the_search_worker_gets_a_snapshot_of_the_marks(filled_store: Store,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The UI thread changes the marks while a search runs: the worker's mapping stays as it was."""
    app = BroadsheetApp(filled_store)
    entered, release = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}
    search = app.search

    def slow(query: Query, stories: Sequence[StoryMeta], states: Mapping[str, StoryState],
             offset: int = 0, stop: Callable[[], bool] = never, every: bool = False,
             count_later: bool = False) -> SearchResult:
        before = dict(states)
        entered.set()
        release.wait(10)
        seen["unchanged"] = dict(states) == before
        return search(query, stories, states, offset=offset, stop=stop, every=every, count_later=count_later)

    monkeypatch.setattr(app, "search", slow)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.run_search("ferry")
        for _ in range(500):  # a worker that fails before it searches must fail the test, not hang it
            if entered.is_set():
                break
            await pilot.pause(0.01)
        assert entered.is_set()
        screen.action_bookmark()  # as pressing b does, on the UI thread, mid-search
        release.set()
        await settle(pilot)
    assert seen == {"unchanged": True}
    assert filled_store.user.get(filled_store.stories()[0].id).bookmarked


async def test_a_failing_search_worker_is_reported(filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    app = BroadsheetApp(filled_store)

    def broken(query: Query, stories: Sequence[StoryMeta], states: Mapping[str, StoryState],
               offset: int = 0, stop: Callable[[], bool] = never, every: bool = False,
               count_later: bool = False) -> SearchResult:
        raise RuntimeError("the index went away")

    monkeypatch.setattr(app, "search", broken)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        assert any("Search failed" in m and "the index went away" in m for m in notifications(app))


async def test_footer_offers_story_keys_only_with_a_story(store: Store, filled_store: Store) -> None:
    empty = BroadsheetApp(Store(store.folder.with_name("empty")))
    async with empty.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = footer_descriptions(empty)
        assert "Search" in shown
        assert not {"Bookmark", "Tag", "Read/unread"} & set(shown)
        await pilot.press("b")
        await settle(pilot)
        assert "No story selected" not in notifications(empty)

    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert {"Bookmark", "Tag", "Read/unread"} <= set(footer_descriptions(app))
        await pilot.press("slash")
        await type_text(pilot, "nothingmatchesthis")
        assert not {"Bookmark", "Tag", "Read/unread"} & set(footer_descriptions(app))
        await pilot.press("escape")
        await settle(pilot)
        assert {"Bookmark", "Tag", "Read/unread"} <= set(footer_descriptions(app))


async def test_a_restored_search_run_before_the_index_opens_stops_once_it_opens(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last session's search runs as the screen mounts, before the index opens, so the
    word filter answers it. Once the index is open the search runs again there, and the filter's
    pass must stop: at a million stories it went on for minutes at full CPU, holding 1.9 GB."""
    filled_store.user.set_setting("session", {"scroll": 0, "query": "ferry"})
    stopped = threading.Event()

    def slow(self: WordFilter, query: Query, stories: Sequence[StoryMeta], states: Mapping[str, StoryState],
             limit: int | None = None, stop: Callable[[], bool] = never) -> SearchResult:
        deadline = time.monotonic() + 10
        while not stop():
            if time.monotonic() > deadline:
                raise AssertionError("the word filter's pass was never told to stop")
            time.sleep(0.01)
        stopped.set()
        raise SearchCancelled

    monkeypatch.setattr(WordFilter, "run", slow)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):  # (settle would wait on the cancelled worker, and say it was cancelled)
            if stopped.is_set() and getattr(app.screen, "reader", None) and app.screen.reader.result_ids:
                break
            await pilot.pause(0.05)
        assert stopped.is_set()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.reader.query_text == "ferry" and screen.reader.result_ids  # the index's answer
        assert not screen.reader.note  # not the filter's "listed newest first until the index is ready"


async def test_a_large_store_waits_for_its_index_rather_than_have_the_word_filter_read_every_story(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past FALLBACK_MAX stories the filter would read every story's details (minutes and GBs
    at a million): a search waits for the index, and says so if it is still being built."""
    monkeypatch.setattr(searcher_module, "FALLBACK_MAX", 0)
    monkeypatch.setattr(searcher_module, "INDEX_WAIT", 0.2)
    filled_store.user.set_setting("session", {"scroll": 0, "query": "ferry"})
    release = threading.Event()
    real_open = SearchIndex.open

    def slow_open(store: Store, **kwargs: Any) -> SearchIndex:
        kwargs["on_progress"](250, 1000)  # a rebuild a quarter done
        release.wait(10)
        return real_open(store, **kwargs)

    def never_here(*args: object, **kwargs: object) -> SearchResult:
        raise AssertionError("the word filter searched a store past FALLBACK_MAX")

    monkeypatch.setattr(SearchIndex, "open", staticmethod(slow_open))
    monkeypatch.setattr(WordFilter, "run", never_here)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        error = app.screen.query_one("#search-error", Static)
        for _ in range(100):
            if error.display:
                break
            await pilot.pause(0.05)
        assert "being built (25% of 1,000 stories); the search runs by itself" in str(error.render())
        assert app.screen.query_one(HeadlineList).count == len(filled_store)  # not an empty list: every story
        release.set()  # the index opens: the search runs again there
        screen = app.screen
        assert isinstance(screen, MainScreen)
        for _ in range(100):
            if screen.reader.result_ids:
                break
            await pilot.pause(0.05)
        assert screen.reader.result_ids and not error.display


async def test_the_footer_shows_whole_keys_and_keeps_help_when_they_do_not_all_fit(filled_store: Store) -> None:
    """Textual's footer clipped its row of keys under the docked palette key, cutting the last
    one mid-word ("m Rea▏^p palette" while reading at 100-120 columns). The keys that do not
    fit are left out, from the last, and the help key (which lists them all) stays."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        for keys, width in (("enter", 80), ("", 100), ("", 120), ("escape f", 100), ("", 160)):
            for key in keys.split():
                await pilot.press(key)
            await pilot.resize_terminal(width, 30)
            await settle(pilot)
            shown = [key for key in app.screen.query(FooterKey) if key.display]
            palette = next(key for key in shown if key.has_class("-command-palette"))
            assert palette.region.right == width
            assert all(key.region.right <= palette.region.x for key in shown if key is not palette)
            assert all(key.region.width == key_width(key, True) - 1 for key in shown if key is not palette)
            assert "Keys" in footer_descriptions(app)
            actions = {binding.action for _, binding, _, _ in app.screen.active_bindings.values() if binding.show}
            assert (len(shown) - 1 == len(actions)) is (width == 160)  # room for every key (and the palette) only there


async def test_the_footer_offers_no_search_key_in_the_search_bar(filled_store: Store) -> None:
    """In the bar the footer said "/ Search", where "/" is typed."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "Search" in footer_descriptions(app)
        await pilot.press("slash")
        await settle(pilot)
        assert "Search" not in footer_descriptions(app) and "Clear search" in footer_descriptions(app)
        await pilot.press("slash")
        await settle(pilot)
        assert app.screen.query_one("SearchBar").value == "/"  # type: ignore[attr-defined]  # typed, as before

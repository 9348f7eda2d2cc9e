"""The list and the story one at a time at any width (V, ``[reader] layout = "single"``), as below
100 columns and in newsboat; and Enter in a list the palette maximised."""

from __future__ import annotations

from pathlib import Path

from broadsheet.config import Config, load_config
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.pilot import settle, shown_lines


def _list_alone(screen: MainScreen, width: int) -> bool:
    """The headline list takes the whole width; the story is hidden."""
    return screen.headlines.outer_size.width == width and not screen.article_view.region.area


def _story_alone(screen: MainScreen, width: int) -> bool:
    """The story takes the whole width; the list is hidden."""
    return screen.article_view.outer_size.width == width and not screen.headlines.region.area


async def test_V_at_120_columns_gives_the_list_and_the_story_in_turn_and_is_remembered(filled_store: Store) -> None:
    """At 100-149 columns the list was 40% of the screen: 21 characters of headline, the tag cut
    to three letters, no feed. A newsboat user reads a full-width list, as below 100 columns."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("V")
        await settle(pilot)
        assert _list_alone(screen, 120) and app.focused is screen.headlines
        assert "Valley Courier" in shown_lines(screen.headlines)[0]  # the feed column shows
        await pilot.press("enter")
        await settle(pilot)
        assert _story_alone(screen, 120) and app.focused is screen.article_view
        await pilot.press("escape")
        await settle(pilot)
        assert _list_alone(screen, 120) and app.focused is screen.headlines
    again = BroadsheetApp(Store(filled_store.folder))
    async with again.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, MainScreen)
        assert _list_alone(screen, 120)
        await pilot.press("enter")
        await settle(pilot)
        assert _story_alone(screen, 120)
        await pilot.press("escape", "V")  # side by side again
        await settle(pilot)
        assert screen.headlines.outer_size.width < 120 and screen.article_view.region.area


async def test_the_layout_setting_gives_the_list_and_the_story_in_turn_at_160_columns(
        filled_store: Store, tmp_path: Path) -> None:
    """``[reader] layout = "single"``: full width at any width, the sidebar shown only with f (as
    below 100 columns); V from there goes back to side by side."""
    app = BroadsheetApp(filled_store, Config(path=tmp_path / "c.toml", layout="single"))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert _list_alone(screen, 160) and not screen.has_class("-sidebar")
        await pilot.press("enter")
        await settle(pilot)
        assert _story_alone(screen, 160)
        await pilot.press("V")
        await settle(pilot)
        assert screen.headlines.region.area and screen.article_view.has_focus
        assert screen.article_view.outer_size.width < 160


def test_a_layout_that_is_neither_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[reader]\nlayout = "newsboat"\n')
    config = load_config(path)
    assert config.layout == "panes"
    assert config.problems == [f'{path}: reader.layout must be "panes" or "single"; "panes" used']
    path.write_text('[reader]\nlayout = "single"\n')
    assert load_config(path).layout == "single" and not load_config(path).problems


async def test_enter_in_a_maximized_list_shows_the_story(filled_store: Store) -> None:
    """The palette's Maximize on the list, then Enter: the story opened behind the maximised
    list, which stayed on screen without the focus until Esc."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+p", *"maximize", "enter")
        await settle(pilot)
        assert screen.maximized is screen.query_one(HeadlineList)
        await pilot.press("enter")
        await settle(pilot)
        story = screen.query_one(ArticleView)
        assert app.focused is story and story.region.area and screen.maximized is None

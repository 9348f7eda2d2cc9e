"""Text a user or a page wrote is shown as written, never read as Textual markup.

A ``[/b]`` in a saved search's name, a search, a config value or a headline crashed the
reader (a notice parsed it as a closing tag) or hid the story from the palette.
"""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList, CommandPalette

from broadsheet.config import Config
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.factories import make_article
from tests.pilot import settle, type_text


def notices(app: BroadsheetApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_saved_search_named_with_brackets_is_saved_and_said_as_typed(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        await pilot.press("enter", "s")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "Work [/b] stories")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("j", "k")  # the notice is drawn: it crashed here
        await settle(pilot)
        assert any("Work [/b] stories" in text for text in notices(app))
    assert app.return_code in (None, 0)


async def test_config_problems_holding_brackets_are_shown_and_the_reader_starts(store: Store, tmp_path: Path) -> None:
    config = Config(path=tmp_path / "config.toml", theme="solarized [/dark]",
                    problems=["keys.story.bookmark = '[/b]': not a key name"])
    store.add([(make_article(1), None)])
    app = BroadsheetApp(store, config)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        said = notices(app)
        assert any("'[/b]'" in text for text in said)
        assert any("'solarized [/dark]'" in text for text in said)
    assert app.return_code in (None, 0)


async def test_the_palette_finds_and_shows_a_headline_holding_brackets(store: Store) -> None:
    odd = make_article(1, headline="Senate passes [/nope] budget [bold]bill[/bold]")
    store.add([(odd, None), (make_article(2), None)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Senate")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        found = palette.query_one(CommandList)
        shown = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
        assert any("Senate passes [/nope] budget [bold]bill[/bold]" in text for text in shown), shown
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(HeadlineList).current.id == odd.story_id


async def test_a_publisher_name_or_saved_search_in_the_palette_is_shown_as_written_and_runs_nothing(
        store: Store) -> None:
    """The palette reads a hit's help line as markup, and ``textual.markup.escape`` lets
    ``[ @click=...]`` and ``[$accent]`` through: a saved page's publisher name became a link that
    ran an app action (a screenshot written anywhere) when clicked."""
    click = "[ @click=app.quit]Yacht Weekly[/] [$accent]coast[/]"
    store.add([(make_article(1, headline="Yacht club repainted", source=click), None)])
    store.user.save_search("odd", 'tag:"[ @click=app.quit]x"')
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for typed in ("Yacht", "odd"):
            await pilot.press("ctrl+p")
            await type_text(pilot, typed)
            await settle(pilot)
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            found = palette.query_one(CommandList)
            prompts = [found.get_option_at_index(i).prompt for i in range(found.option_count)]
            shown = "\n".join(str(p) for p in prompts)
            assert (click if typed == "Yacht" else '[ @click=app.quit]x') in shown, shown
            visual = [found._get_visual(found.get_option_at_index(i)) for i in range(found.option_count)]
            assert not any("@click" in repr(getattr(v, "spans", ())) or "$accent" in repr(getattr(v, "spans", ()))
                           for v in visual)
            await pilot.press("escape")
            await settle(pilot)

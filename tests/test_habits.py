"""A newsboat or mutt user's habits in the reader (issue 19), driven with Pilot."""

from __future__ import annotations

from textual import events

from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.search_bar import SearchBar
from tests.pilot import settle, type_text


def burst(app: BroadsheetApp, *keys: tuple[str, str | None]) -> None:
    """Keys arriving in one read (a laggy SSH link, tmux send-keys): all queued before any is handled."""
    for key, character in keys:
        app.post_message(events.Key(key, character))


async def test_letters_typed_right_after_slash_reach_the_search_bar(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        await pilot.press("enter")
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        order = app.screen.reader.order  # type: ignore[attr-defined]
        burst(app, ("escape", "\x1b"), ("slash", "/"), ("ctrl+u", "\x15"),
              *[(c, c) for c in "bytom"])
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "bytom"
        assert not filled_store.user.get(story.id).bookmarked and not filled_store.user.get(story.id).tags
        assert app.screen.reader.order == order  # type: ignore[attr-defined]


async def test_escape_then_letter_read_as_alt_letter_is_escape_and_the_letter(filled_store: Store) -> None:
    """"Esc j" in one read reaches Textual as alt+j; no binding uses Alt, so it is Esc, then j."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("enter")  # open the story: the article has focus
        await settle(pilot)
        burst(app, ("alt+j", "j"))
        await settle(pilot)
        assert app.focused is headlines  # Esc went back to the list
        assert headlines.cursor == 1  # and j moved down

"""The command palette on a store of many stories: it keeps up with the keys and closes cleanly."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.commands import StoryCommands
from tests.factories import make_article
from tests.pilot import settle, type_text


async def test_typing_in_the_palette_lists_the_stories_once_per_opening(store: Store,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Each key typed in the palette listed up to 5,000 stories anew before searching them: the
    palette fell behind the keys, and a search still running when Esc closed it crashed the reader
    (NoMatches: no CommandList on CommandPalette)."""
    store.add([(make_article(i, headline=f"Quarry road {i} reopens"), None) for i in range(30)])
    listed: list[int] = []
    real = StoryCommands._targets

    def counted(provider: StoryCommands):  # type: ignore[no-untyped-def]
        listed.append(1)
        return real(provider)

    monkeypatch.setattr(StoryCommands, "_targets", counted)
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(2):
            listed.clear()
            await pilot.press("ctrl+p")
            await type_text(pilot, "Quarry 7")
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            found = palette.query_one(CommandList)
            assert "Quarry road 7 reopens" in str(found.get_option_at_index(0).prompt)
            assert len(listed) == 1
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, CommandPalette)


async def test_the_palette_offers_the_bookmarked_stories_by_name(store: Store) -> None:
    """Typing "bookm" in the palette offered the Bookmark key alone: no way to list the stories
    bookmarked, which the sidebar's filter lists."""
    store.add([(make_article(i, headline=f"Quarry road {i} reopens"), None) for i in range(6)])
    marked = store.stories()[2].id
    store.user.toggle_bookmark(marked)
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "bookmarked stor")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        found = palette.query_one(CommandList)
        assert "Show bookmarked stories" in str(found.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert screen.reader.query_text == "is:bookmarked"  # type: ignore[attr-defined]
        assert screen.reader.result_ids == [marked]  # type: ignore[attr-defined]

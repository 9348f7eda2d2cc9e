"""What the reader shows, as a review of its looks found it: the footer, the help's key names,
the photo screen's header and the focus colour in 16 colours (each failed before its fix)."""

from __future__ import annotations

from textual.widgets._footer import FooterKey  # the footer's own key widget: no public name

from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.pilot import search_for, settle


def footer(app: BroadsheetApp) -> list[str]:
    """The footer's keys as drawn: "⏎ Open"."""
    return [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey) if key.display]


async def test_the_footer_offers_open_only_while_a_story_is_listed(filled_store: Store) -> None:
    """Over a list a search had emptied, the footer still said "⏎ Open", which did nothing."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, HeadlineList) and "⏎ Open" in footer(app)
        await search_for(pilot, "zzqx")
        assert isinstance(app.focused, HeadlineList) and app.focused.count == 0
        assert "⏎ Open" not in footer(app) and "? Keys" in footer(app)
        await pilot.press("enter")  # nothing to open: the list keeps the focus, no error
        await settle(pilot)
        assert isinstance(app.focused, HeadlineList) and not app.screen.has_class("-reading")
        await pilot.press("escape")  # the search cleared: the stories, and Open, are back
        await settle(pilot)
        assert app.screen.query_one(HeadlineList).count == 5 and "⏎ Open" in footer(app)

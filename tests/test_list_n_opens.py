"""n and N in the headline list open the next unread story, as from the story and as newsboat's n:
they only moved the list's cursor, and the sidebar's unread count never dropped."""

from __future__ import annotations

import pytest

from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.sidebar import Sidebar
from tests.pilot import settle


def unread_label(app: BroadsheetApp) -> str:
    sidebar = app.screen.query_one(Sidebar)
    return next(str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)
                if str(sidebar.get_option_at_index(i).prompt).startswith("Unread"))


@pytest.mark.parametrize(("size", "single"), [((80, 24), False), ((120, 30), True), ((120, 30), False)],
                         ids=["80x24", "single-120", "side-by-side-120"])
async def test_n_and_N_in_the_list_open_the_next_unread_story_and_mark_it_read(
        filled_store: Store, size: tuple[int, int], single: bool) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if single:
            await pilot.press("V")  # the list and the story in turn at any width
            await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        view = app.screen.query_one(ArticleView)
        rows = headlines.stories
        assert app.focused is headlines and unread_label(app) == "Unread 5"
        await pilot.press("n")  # from the list: opened, as Enter opens it (the focus goes to the story)
        await settle(pilot)
        assert headlines.cursor == 1 and view.article is not None and view.article.headline == rows[1].headline
        assert app.focused is view and app.screen.has_class("-reading")
        assert filled_store.user.get(rows[1].id).read and unread_label(app) == "Unread 4"
        await pilot.press("n", "n")  # from the story, as before
        await settle(pilot)
        assert headlines.cursor == 3 and unread_label(app) == "Unread 2"
        await pilot.press("escape")  # back to the list
        await settle(pilot)
        assert app.focused is headlines
        await pilot.press("N")  # rows 2 and 1 are read: the first row, opened
        await settle(pilot)
        assert headlines.cursor == 0 and view.article is not None and view.article.headline == rows[0].headline
        assert app.focused is view and unread_label(app) == "Unread 1"
        assert [filled_store.user.get(row.id).read for row in rows] == [True, True, True, True, False]

"""Chinese, Japanese and Korean headlines and tags cut to fit the headline list."""

from __future__ import annotations

import pytest

from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList, cut_cells
from tests.factories import make_article
from tests.pilot import settle, shown_lines

#: Made up: "the harbour town holds its first lantern festival, drawing thousands of visitors".
LANTERNS = "港口小镇举办首届灯笼节吸引数千游客前来观赏并参加各种活动"


def test_a_cut_puts_the_ellipsis_after_the_last_whole_character() -> None:
    assert cut_cells("灯笼节", 4) == "灯… "  # 笼 (2 cells) did not fit in the one cell left before "…"
    assert cut_cells("灯笼节", 5) == "灯笼…"
    assert cut_cells("ferry times", 6) == "ferry…"
    assert cut_cells("ab", 0) == ""


@pytest.mark.parametrize("width", [80, 81, 100, 101])
async def test_a_cjk_headline_cut_in_the_list_ends_in_its_ellipsis(store: Store, width: int) -> None:
    """Cut where a wide character did not fit, the row read "灯笼 …": a blank cell before the
    ellipsis, as if the headline ended with a word."""
    store.add([(make_article(1, headline=LANTERNS), "lanterns.txt"), (make_article(2), "ferry.txt")])
    lanterns = next(story.id for story in store.stories() if story.headline == LANTERNS)
    store.user.edit_tags([lanterns], add=["灯笼节活动庆典"])
    app = BroadsheetApp(store)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        lines = shown_lines(app.screen.query_one(HeadlineList))
        row = next(line for line in lines if "港口" in line)
        assert "…" in row and " …" not in row, row  # the headline's cut, and its tag's

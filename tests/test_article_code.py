"""A paragraph of code (a ``<pre>``'s lines) or verse is not re-flowed as prose: a line too long for
the column goes on under its own indentation after a mark, and copies back as the line written."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.selection import Selection

from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.article_view import CONTINUED, ArticleView, wrap_kept
from tests.factories import make_article
from tests.pilot import settle

CODE = "\n".join([
    "def parse_schedule(feed):",
    "    for entry in feed.entries:",
    '        if entry.kind == "ferry" and entry.departure_time is not None and entry.arrival_time is not None:',
    "            yield Departure(entry.route_name, entry.departure_time, entry.arrival_time, entry.platform)",
    "    return None",
])
PROSE = "The operator published the code that reads the timetable, short enough to quote here in full."


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (150, 45)])
async def test_a_long_line_of_code_goes_on_under_its_indentation(store: Store, size: tuple[int, int]) -> None:
    """At 80 columns the long lines went on at the left edge, broken as prose ("entry.departure_time
    is not None and" under "def"), and read as lines of their own."""
    store.add([(make_article(0, body=[PROSE, CODE, PROSE]), None)])
    app = BroadsheetApp(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        text = view.get_selection(Selection(None, None))
        lines = [line.plain for line in view._lines]
    start = lines.index("def parse_schedule(feed):")
    code = lines[start:lines.index("    return None") + 1]
    assert len(code) > 5  # at these widths the long lines do not fit
    for line in code:
        if line.lstrip().startswith(CONTINUED.strip()):
            indent = len(line) - len(line.lstrip())
            assert indent in (8, 12) and line[indent:].startswith(CONTINUED), code  # under the line it goes on
        else:
            assert line.rstrip() in CODE.split("\n") or any(row.startswith(line) for row in CODE.split("\n")), code
    assert text is not None and CODE in text[0]  # copied, each line of code whole again
    assert any(PROSE[:40] in line for line in lines)  # prose still wraps as prose


def test_a_line_that_fits_is_left_alone_and_one_without_spaces_breaks_at_the_edge() -> None:
    assert wrap_kept(Text("    x = 1"), 20) == ([Text("    x = 1")], 0)
    lines, prefix = wrap_kept(Text("    " + "y" * 30), 20)
    assert [line.plain for line in lines] == ["    " + "y" * 16, "    ↪ " + "y" * 14] and prefix == 6
    lines, _ = wrap_kept(Text("a b " + "c" * 30), 12)
    assert [line.plain for line in lines][:2] == ["a b ", "↪ cccccccccc"]

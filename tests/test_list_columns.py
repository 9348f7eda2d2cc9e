"""The headline list's columns: a source or date column with nothing in it on screen gives its room
to the headline, and the rows' text keeps a cell clear of the scroll thumb."""

from __future__ import annotations

import pytest

from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList, row_tail
from broadsheet.tui.widgets.thumb import THUMB
from tests.factories import make_article
from tests.pilot import open_sidebar, settle

LONG = "Harbour ferry timetable changes announced for the winter season, the operator says at last"


def bare(store: Store, count: int, **fields: object) -> Store:
    """``count`` made-up stories with long headlines and the given fields (None: none given)."""
    store.add([(make_article(i, headline=f"{LONG} {i}", **fields), None) for i in range(count)])
    return store


@pytest.mark.parametrize("fields", [{"source": None, "published": None}, {"source": None}, {"published": None}])
async def test_an_empty_column_gives_its_room_to_the_headline(store: Store, fields: dict[str, object]) -> None:
    """At 100x30 beside the sidebar, stories with no source and no date had their headlines cut at
    38 of 76 columns, the rest kept blank for the source and the date."""
    app = BroadsheetApp(bare(store, 5, **fields))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_sidebar(pilot)
        headlines = app.screen.query_one(HeadlineList)
        rows = [headlines.render_line(y).text for y in range(5)]
        width = headlines.line_width
    shown = {"source": "The Lowmoor Gazet", "published": "2024-03-0"}
    for row in rows:
        for field, text in shown.items():
            assert (text in row) == (field not in fields), row
        tail = 0 if len(fields) == 2 else 11 if "source" in fields else 20
        headline = row[2:].split("…")[0]  # the headline as far as it is cut
        assert LONG.startswith(headline) and len(headline) >= width - 2 - tail - 2, row


async def test_a_column_is_kept_while_one_story_on_screen_fills_it(store: Store) -> None:
    """One story with a source among sourceless ones: the column stays, the others in line with it."""
    bare(store, 4, source=None)
    store.add([(make_article(9, headline=f"{LONG} 9", published="2024-03-30"), None)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_sidebar(pilot)
        headlines = app.screen.query_one(HeadlineList)
        rows = [headlines.render_line(y).text for y in range(5)]
    assert "The Lowmoor Gazet" in rows[0]
    assert len({row.index("2024-03") for row in rows}) == 1


def test_a_tail_without_its_columns() -> None:
    today = "2026-12-05"
    assert row_tail("Wire", "2026-12-05", 100, 2026, columns=(False, False)) == ""
    assert row_tail("Wire", "2026-12-04", 100, 2026, columns=(False, True)).split() == ["2026-12-04"]
    assert row_tail("Wire", "2026-12-04", 100, 2026, columns=(True, False)).split() == ["Wire"]
    assert row_tail(None, "2026-12-05T09:00:00+00:00", 30, 2026, today=today, columns=(False, True)).split() == \
        ["09:00"]
    assert row_tail("Wire", None, 30, 2026, by_source=True, columns=(True, False)).split() == ["Wire"]
    assert row_tail("Wire", "2026-12-04", 30, 2026, by_source=True, columns=(False, True)).split() == ["04", "Dec"]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (150, 45)])
async def test_the_rows_text_keeps_clear_of_the_thumb(store: Store, size: tuple[int, int]) -> None:
    """At 80 columns the date ran into the scroll thumb ("04 Jun▐"): a cell is kept between them."""
    store.add([(make_article(i, headline=f"{LONG} {i}", published="2024-06-04"), None) for i in range(60)])
    app = BroadsheetApp(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        rows = [headlines.render_line(y).text for y in range(headlines.scrollable_content_region.height)]
    assert rows[0].endswith(THUMB)
    assert all(row[-2] == " " and row[-3] != " " for row in rows), rows

"""Times are shown in the reader's own time zone: a feed's UTC and a page's offset agree on screen."""

from __future__ import annotations

import time

import pytest

from broadsheet.store.model import display_date
from broadsheet.tui.format import byline
from broadsheet.tui.widgets.headline_list import row_tail


@pytest.fixture
def in_tokyo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # conftest puts it back to UTC afterwards
    time.tzset()


def test_the_byline_gives_a_feeds_utc_time_and_a_pages_offset_in_local_time(in_tokyo: None) -> None:
    assert byline(["Ada Reed"], "Wire", "2026-12-05T09:00:00+00:00") == "By Ada Reed · Wire · 5 Dec 2026 18:00"
    assert byline([], "Metro", "2026-12-05T04:00:00-05:00") == "Metro · 5 Dec 2026 18:00"


def test_a_time_without_an_offset_and_a_bare_date_are_shown_as_written(in_tokyo: None) -> None:
    assert byline([], "Metro", "2026-12-05T09:00:00") == "Metro · 5 Dec 2026 09:00"
    assert byline([], "Metro", "2026-12-05") == "Metro · 5 Dec 2026"


def test_the_list_row_shows_the_local_day(in_tokyo: None) -> None:
    # 20:00 UTC on the 5th is 05:00 on the 6th in Tokyo: the row and the byline say the same day.
    assert row_tail("Wire", "2026-12-05T20:00:00+00:00", 80).split() == ["Wire", "2026-12-06"]
    assert row_tail("Wire", "2026-12-05", 80).split() == ["Wire", "2026-12-05"]
    assert row_tail(None, "2026-12-31T20:00:00+00:00", 30).split() == ["2027"]


def test_the_markdown_export_keeps_the_time_as_written(in_tokyo: None) -> None:
    # An export is read elsewhere, by readers in other zones: it keeps the story's own time.
    assert display_date("2026-12-05T09:00:00+00:00") == "5 Dec 2026 09:00"

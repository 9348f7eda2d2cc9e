"""Times are shown in the reader's own time zone: a feed's UTC and a page's offset agree on screen."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.model import byline, display_date, local_day
from broadsheet.store.storage.db import Store
from broadsheet.tui.widgets.headline_list import row_tail, short_day
from tests.factories import make_article


@pytest.fixture
def in_tokyo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # conftest puts it back to UTC afterwards
    time.tzset()


def test_the_byline_gives_a_feeds_utc_time_and_a_pages_offset_in_local_time(in_tokyo: None) -> None:
    assert (byline(["Ada Reed"], "Wire", "2026-12-05T09:00:00+00:00", local=True)
            == "By Ada Reed · Wire · 5 Dec 2026 18:00")
    assert byline([], "Metro", "2026-12-05T04:00:00-05:00", local=True) == "Metro · 5 Dec 2026 18:00"


def test_a_time_without_an_offset_and_a_bare_date_are_shown_as_written(in_tokyo: None) -> None:
    assert byline([], "Metro", "2026-12-05T09:00:00", local=True) == "Metro · 5 Dec 2026 09:00"
    assert byline([], "Metro", "2026-12-05", local=True) == "Metro · 5 Dec 2026"


def test_the_list_row_shows_the_local_day(in_tokyo: None) -> None:
    # 20:00 UTC on the 5th is 05:00 on the 6th in Tokyo: the row and the byline say the same day.
    assert row_tail("Wire", "2026-12-05T20:00:00+00:00", 80, 2026).split() == ["Wire", "2026-12-06"]
    assert row_tail("Wire", "2026-12-05", 80, 2026).split() == ["Wire", "2026-12-05"]
    assert row_tail(None, "2026-12-31T20:00:00+00:00", 30, 2026).split() == ["Jan'27"]
    assert row_tail(None, "2026-12-31T20:00:00+00:00", 30, 2027).split() == ["01", "Jan"]


def test_a_list_row_of_today_with_a_time_shows_the_local_time(in_tokyo: None) -> None:
    """An hourly feed's stories of the day all read "07 Dec" in the list: today's show their time."""
    today = "2026-12-06"
    assert row_tail("Wire", "2026-12-05T20:00:00+00:00", 80, 2026, today=today).split() == ["Wire", "05:00"]
    assert row_tail(None, "2026-12-05T20:00:00+00:00", 30, 2026, today=today).split() == ["05:00"]
    assert row_tail("Wire", "2026-12-06", 80, 2026, today=today).split() == ["Wire", "2026-12-06"]  # no time: the day
    assert row_tail("Wire", "2026-12-05T09:00:00+00:00", 80, 2026, today=today).split() == ["Wire", "2026-12-05"]


@pytest.mark.parametrize(("day", "year", "shown"), [
    ("2026-12-05", 2026, "05 Dec"), ("2026-01-31", 2026, "31 Jan"), ("2025-12-05", 2026, "Dec'25"),
    ("1999-02-28", 2026, "Feb'99"),
    ("2026", 2026, "2026"), ("", 2026, ""), ("2026-13-01", 2026, "2026"),
])
def test_a_narrow_list_gives_this_years_days_without_the_year(day: str, year: int, shown: str) -> None:
    """Beside the article (a 37-57-column list) the year alone said "2026" of every recent story,
    and "2025" of every story of a past year."""
    assert short_day(day, year) == shown


def test_the_markdown_export_keeps_the_time_as_written(in_tokyo: None) -> None:
    # An export is read elsewhere, by readers in other zones: it keeps the story's own time.
    # With its zone: "17:41" alone read as the reader's own time (the reader's list showed 08:41).
    assert display_date("2026-12-05T09:00:00+00:00") == "5 Dec 2026 09:00 UTC"
    assert display_date("2026-12-05T17:41:00+09:00") == "5 Dec 2026 17:41 +09:00"
    assert display_date("2026-12-05T09:00:00-05:30") == "5 Dec 2026 09:00 -05:30"
    assert display_date("2026-12-05T09:00:00") == "5 Dec 2026 09:00"  # no zone given: none said
    assert display_date("2026-12-05T09:00:00+00:00", local=True) == "5 Dec 2026 18:00"  # the reader's, in Tokyo


def test_the_command_lines_lists_give_the_local_day_as_the_reader_does(
        in_tokyo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A feed's 20:00 UTC and a page's 15:00 at -05:00 are both the 6th in Tokyo, as the reader lists them;
    # --json keeps the stored time, and a bare date stays as written.
    folder = tmp_path / "store"
    store = Store(folder)
    times = {"Feed": "2026-12-05T20:00:00+00:00", "Page": "2026-12-05T15:00:00-05:00", "Dated": "2026-12-05"}
    store.add([(make_article(n, source=source, published=published), None)
               for n, (source, published) in enumerate(times.items())])
    base = ["--store", str(folder)]
    for command in (["list"], ["search", "ferry"], ["search", "ferry", "--limit", "0"]):
        assert main([*base, *command]) == 0
        rows = {line.split()[2]: line.split()[1] for line in capsys.readouterr().out.splitlines()
                if line.split()[2] in times}
        assert rows == {"Feed": "2026-12-06", "Page": "2026-12-06", "Dated": "2026-12-05"}, command
    store.user.set_bookmarked(store.stories()[0].id, True)
    assert main([*base, "bookmarks"]) == 0
    assert "2026-12-06" in capsys.readouterr().out
    for command in (["list", "--json"], ["search", "ferry", "--json"]):
        assert main([*base, *command]) == 0
        stored = {row["source"]: row["published"] for row in map(json.loads, capsys.readouterr().out.splitlines())}
        assert stored == times, command


@pytest.mark.parametrize("published", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"])
def test_a_date_at_the_ends_of_time_is_listed_and_shown_as_written(
        in_tokyo: None, store: Store, published: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Read in UTC or in Tokyo, the moment is past what Python holds: a saved page dated so
    crashed every later list of the store."""
    (sid,) = store.add([(make_article(1, published=published), "ends.html")])
    store.write_listing()
    assert [m.id for m in Store(store.folder).catalogue()] == [sid]
    assert local_day(published) == published[:10] and display_date(published, local=True)
    assert main(["--store", str(store.folder), "list"]) == 0
    assert published[:10] in capsys.readouterr().out


async def test_the_reader_lists_todays_stories_with_their_time(tmp_path: Path, in_tokyo: None) -> None:
    import datetime as dt

    from broadsheet.tui.app import BroadsheetApp
    from broadsheet.tui.widgets.headline_list import HeadlineList
    from tests.pilot import settle, shown_lines

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    store = Store(tmp_path / "store")
    store.add([(make_article(1, published=now.isoformat()), None), (make_article(2, published="2024-03-04"), None)])
    async with BroadsheetApp(store).run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        rows = shown_lines(pilot.app.screen.query_one(HeadlineList))
        assert rows[0].split()[-1] == now.astimezone().strftime("%H:%M"), rows[:2]
        assert rows[1].split()[-1] in ("2024-03-04", "Mar'24"), rows[:2]

"""Scrolling the headline list (issue 17): rows drawn ahead, drawn the same however they are made,
and a held key that the reader falls behind on never taken for a key on its own."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual import events
from textual.geometry import Region

from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import LazyStates
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens import main as main_screen
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.headline_list import HEADLINE_CELLS, HeadlineList, row_tags, row_tail
from tests.factories import make_article
from tests.pilot import headlines_shown, settle, shown_lines, thumb_rows, type_text

SIZE = (120, 40)


def many(store: Store, count: int = 150) -> Store:
    """``count`` made-up stories, a few read, bookmarked or tagged (long tags too)."""
    store.add([(make_article(i, headline=f"Story {i:03d} about the harbour and its ferries",
                             published=f"2024-{(i % 12) + 1:02d}-{(i % 28) + 1:02d}"), None) for i in range(count)])
    ids = [meta.id for meta in store.stories()]
    store.user.set_read(ids[1])
    store.user.set_bookmarked(ids[2], True)
    store.user.edit_tags([ids[3], ids[4]], add=["ferries", "a rather long tag about the harbour wall"])
    store.user.set_read(ids[4])
    for sid in ids[40:120:7]:
        store.user.set_read(sid)
    return store


def segments(strip: object) -> list[tuple[str, object]]:
    return [(segment.text, segment.style) for segment in strip]  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", [SIZE, (220, 40)])
async def test_rows_drawn_straight_are_those_their_text_draws(store: Store, size: tuple[int, int]) -> None:
    # Plain rows are made into segments directly; a search's rows (and the cursor's) go through
    # a rich Text. A search that matches no headline word must draw every row the same.
    app = BroadsheetApp(many(store))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        width = headlines.row_width
        plain = [headlines._render_row(i, width) for i in range(1, 30)]
        headlines.set_stories(headlines.stories, headlines._states, terms=["zzzqx"])
        headlines.cursor = 0
        via_text = [headlines._render_row(i, width) for i in range(1, 30)]
        assert [segments(s) for s in plain] == [segments(s) for s in via_text]
        texts = [s.text for s in plain]
        assert all(len(t) == width for t in texts) and sum(t.startswith(" *") for t in texts) == 1
        assert sum(" [f" in t for t in texts) == 2  # the two tagged stories, at every width


async def test_the_next_screenful_is_drawn_ahead_once_the_list_scrolls(store: Store) -> None:
    app = BroadsheetApp(many(store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        height = headlines.scrollable_content_region.height
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        top = headlines.scroll_offset.y
        assert top > 0
        ahead = range(top + height, min(top + 2 * height, headlines.count))
        assert ahead and all(i in headlines._drawn for i in ahead)
        await pilot.press("G", "pageup")
        await settle(pilot)
        top = headlines.scroll_offset.y
        assert all(i in headlines._drawn for i in range(top - height, top))
        # what was drawn ahead is what the list shows when it gets there
        kept = {i: segments(headlines._drawn[i][1]) for i in range(top - height, top)}
        await pilot.press("pageup")
        await settle(pilot)
        width = headlines.row_width
        for i, drawn in kept.items():
            if i != headlines.cursor:
                assert drawn == segments(headlines._render_row(i, width))


async def test_a_held_key_the_reader_is_behind_on_does_not_show_each_story(store: Store) -> None:
    # A repeat that came (was read from the terminal) soon after the last move is a held key
    # even when its turn comes late, as when drawing the list kept the reader busy.
    app = BroadsheetApp(many(store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        headlines, view = screen.query_one(HeadlineList), screen.query_one(ArticleView)
        await pilot.press("j")  # on its own: its story shows in its frame
        await settle(pilot)
        assert view.article is not None and view.article.headline == headlines.current.headline
        await pilot.pause(screen.REST * 2)
        key = events.Key("j", "j")  # read now, run after a busy spell longer than REST
        key.time = screen._moved + screen.REST / 4
        await app.on_event(key)
        assert headlines.cursor == 2 and screen.story_pending
        assert view.article.headline != headlines.current.headline
        await settle(pilot)  # the cursor rests: its story shows
        assert view.article.headline == headlines.current.headline and not screen.story_pending



class Clock:
    """The screen's timers, run by the test: ``advance`` runs those due within that many seconds."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waiting: list[tuple[float, Callable[[], object], Stopped]] = []

    def set_timer(self, delay: float, callback: Callable[[], object], *args: object, **kwargs: object) -> Stopped:
        timer = Stopped()
        self.waiting.append((self.now + delay, callback, timer))
        return timer

    def advance(self, seconds: float) -> None:
        self.now += seconds
        due = [(when, callback, timer) for when, callback, timer in self.waiting if when <= self.now]
        self.waiting = [entry for entry in self.waiting if entry[0] > self.now]
        for _when, callback, timer in due:
            if not timer.stopped:
                callback()


class Stopped:
    stopped = False

    def stop(self) -> None:
        self.stopped = True


async def test_a_held_pgdn_shows_no_story_before_its_first_repeat(store: Store) -> None:
    # PgDn pressed on its own may be the first key of a held PgDn: its story must wait for the
    # repeat (keys repeat up to 30 times a second), or reading and laying it out takes the
    # repeat's frame (at a million stories the second key of a held PgDn stalled).
    app = BroadsheetApp(many(store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        headlines, view = screen.query_one(HeadlineList), screen.query_one(ArticleView)
        await pilot.pause(screen.REST * 2)  # the last move was long ago: the first PgDn is on its own
        clock = Clock()
        screen.set_timer = clock.set_timer  # type: ignore[method-assign,assignment]
        shown = headlines_shown(view)
        await pilot.press("pagedown")
        for _ in range(3):  # the repeats, 1/30 s apart, each read as it came
            clock.advance(1 / 30)
            key = events.Key("pagedown", None)
            key.time = screen._moved + 1 / 30
            await app.on_event(key)
        assert headlines.cursor > 3 * headlines.scrollable_content_region.height and shown == []
        clock.advance(1.0)  # let go: the story the cursor rests on shows
        assert shown == [headlines.current.headline]


async def test_marks_are_looked_up_without_a_stat_a_story(store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    many(store, 20)
    (store.folder / "state" / "a.json").write_text('{"stories": {}}')  # a file of the oldest layout, still there
    states = LazyStates(Store(store.folder).user)
    looked: list[str] = []
    real = Path.exists

    def exists(path: Path) -> bool:
        looked.append(path.name)
        return real(path)

    monkeypatch.setattr(Path, "exists", exists)
    ids = [meta.id for meta in store.stories()]
    found = {sid: states.get(sid) for sid in ids}
    assert sum(1 for s in found.values() if s is not None and s.read) == 2
    assert len(looked) == len(set(looked))  # each older file looked for once, not per story


def cursor_rows(headlines: HeadlineList) -> list[int]:
    """The list rows drawn with the cursor marker now: the lines as the screen has them (a line
    no refresh marked as changed is drawn as it was)."""
    lines = headlines.render_lines(Region(0, 0, *headlines.outer_size))
    border = headlines.scrollable_content_region.y - headlines.region.y
    top = headlines.scroll_offset.y - border
    return [top + y for y, line in enumerate(lines) if line.text[border:].startswith(">")]


@pytest.mark.parametrize("keys", [("G", "pageup"), ("G", "pageup", "pagedown"), ("pagedown", "pagedown", "k", "k"),
                                  ("G", "k", "k")])
async def test_the_cursor_is_drawn_where_it_moved_in_a_scrolled_list(store: Store, keys: tuple[str, ...]) -> None:
    # A move that stays on the screen redraws only the cursor's old and new rows: these must be
    # the rows shown there wherever the list is scrolled (PgUp from the end moved no marker).
    app = BroadsheetApp(many(store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
            assert cursor_rows(headlines) == [headlines.cursor], key
        assert headlines.scroll_offset.y > 0


async def test_the_lists_scroll_thumb_follows_the_cursor_down_the_list(store: Store) -> None:
    app = BroadsheetApp(many(store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        height = headlines.scrollable_content_region.height
        size = round(height * height / headlines.count)
        assert thumb_rows(headlines) == list(range(size))  # at the top
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        middle = thumb_rows(headlines)
        assert middle[0] > 0 and middle[-1] < height - 1 and len(middle) == size
        await pilot.press("G")
        await settle(pilot)
        assert thumb_rows(headlines) == list(range(height - size, height))  # at the foot
        assert all(line.startswith((" ", ">")) for line in shown_lines(headlines))  # the rows keep their own cells


async def test_a_click_in_the_thumbs_column_moves_to_that_part_of_the_list(store: Store) -> None:
    app = BroadsheetApp(many(store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        column, foot = headlines.outer_size.width - 2, headlines.outer_size.height - 2  # inside the border
        await pilot.click(HeadlineList, offset=(column, foot))
        await settle(pilot)
        assert headlines.cursor == headlines.count - 1 and thumb_rows(headlines)[-1] == foot - 1
        await pilot.click(HeadlineList, offset=(column, 1))
        await settle(pilot)
        assert headlines.cursor == 0 and thumb_rows(headlines)[0] == 0
        await pilot.click(HeadlineList, offset=(column - 1, 3))  # a row, not the thumb's column
        await settle(pilot)
        assert headlines.cursor == 2


async def test_escape_from_a_short_search_scrolls_the_list_back_to_the_story_it_restores(store: Store) -> None:
    # The search listed one row, so the layout still said every row fits when Esc listed them all
    # again: the cursor was put back on row 40 while the list stayed at its top.
    app = BroadsheetApp(many(store, 80))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        for _ in range(40):
            await pilot.press("j")
        await settle(pilot)
        chosen = headlines.current.id
        await type_text(pilot, '/"story 005"')
        assert headlines.count == 1
        await pilot.press("escape")
        await settle(pilot)
        top, height = headlines.scroll_offset.y, headlines.scrollable_content_region.height
        assert headlines.current.id == chosen and headlines.cursor == 40
        assert top <= headlines.cursor < top + height
        assert any(line.startswith(">") for line in shown_lines(headlines))


@pytest.mark.parametrize("width", [30, 66, 80])
def test_source_and_date_keep_their_columns_and_say_when_cut(width: int) -> None:
    tails = [row_tail("A Very Long Name Of A Newspaper", "2024-03-04", width, 2024), row_tail(None, None, width, 2024),
             row_tail("Metro", "2025-03-04", width, 2024), row_tail("Metro", None, width, 2024)]
    assert len({len(tail) for tail in tails}) == 1  # a row without a source or date keeps the others in line
    assert width < 61 or ("…" in tails[0] and "Metro" in tails[2])


def test_tags_leave_the_headline_at_least_half_its_room_and_say_when_cut() -> None:
    for room in range(0, 120):
        tags = row_tags(["politics", "a rather long tag about the harbour wall"], room)
        assert cell_len(tags) <= max(room // 4, room // 2) and (not tags or room - cell_len(tags) >= HEADLINE_CELLS)
        assert not tags or (tags.startswith(" [") and tags.endswith("…]"))
    assert row_tags(["rail"], 28) == " [rail]" and row_tags(["rail"], 25) == "" and row_tags([], 100) == ""


@pytest.mark.parametrize("width", range(30, 121))
def test_a_headline_gets_its_room_before_the_source_and_the_tags(width: int) -> None:
    """The 46-column list of a 160-column screen gave a headline 16 cells beside a source cut to
    eight and a tag: every row read "Local story number…"."""
    tail = row_tail("The Vundstist Chronicle", "2025-12-28", width, 2026)
    room = width - 2 - cell_len(tail)
    tags = row_tags(["local", "harbour"], room)
    assert room - cell_len(tags) >= min(HEADLINE_CELLS, width - 9) and (width < 37 or tags)
    assert ("The Vund" in tail) == (width >= 61) and (width < 61 or room - cell_len(tags) >= 28)


async def test_a_list_ordered_by_source_shows_the_source_where_only_one_column_fits(store: Store) -> None:
    """At 100 to 149 columns the list had room for the date alone: "by source" looked in no order."""
    assert row_tail("The Vundstist Chronicle", "2025-12-28", 48, 2026, by_source=True) == " The Vundsti…"
    assert row_tail("The Vundstist Chronicle", "2025-12-28", 48, 2026).split() == ["Dec'25"]
    store.add([(make_article(n, source=source, headline=f"Story {n} of the harbour"), None)
               for n, source in enumerate(["Valley Courier", "Coast Herald", "Valley Courier", "Alder Post"])])
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        assert not any("Valley" in line for line in shown_lines(headlines))  # newest first: dates
        await pilot.press("o", "o")  # oldest, then by source
        await settle(pilot)
        assert app.screen.reader.order == "source"  # type: ignore[attr-defined]
        lines = shown_lines(headlines)[:4]
        assert [next(s for s in ("Alder", "Coast", "Valley") if s in line) for line in lines] == [
            "Alder", "Coast", "Valley", "Valley"]


async def test_a_restored_session_shows_its_story_mid_list_not_at_the_bottom_edge(store: Store) -> None:
    """The cursor the last session left 60 rows down came back on the list's last visible row,
    which read as the end of the list; it comes back with rows above and below it."""
    app = BroadsheetApp(many(store, 150))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(60):
            await pilot.press("j")
        await settle(pilot)
        chosen = app.screen.query_one(HeadlineList).current.id
    again = BroadsheetApp(Store(store.folder))
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        headlines = again.screen.query_one(HeadlineList)
        top, height = headlines.scroll_offset.y, headlines.scrollable_content_region.height
        assert headlines.current.id == chosen and headlines.cursor == 60
        assert top + height // 3 <= headlines.cursor < top + height - height // 3
        await pilot.press("j")  # a move keeps the view where it is
        await settle(pilot)
        assert headlines.scroll_offset.y == top


async def test_n_brings_an_unread_story_far_off_screen_to_mid_list_and_a_near_one_to_the_edge(store: Store) -> None:
    """n to a story just below the list comes in at the bottom edge, as j does; to one far
    down it showed the story on the last row with nothing under it: it goes mid-list."""
    app = BroadsheetApp(many(store, 150))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        height = headlines.scrollable_content_region.height
        unread = {1, height, 120}
        store.user.read_all([meta.id for n, meta in enumerate(headlines.stories) if n not in unread])
        for n in unread:
            store.user.set_read(headlines.stories[n].id, False)
        app.main_screen.reader.load()  # type: ignore[union-attr]
        tops = []
        for _ in range(3):
            await pilot.press("n")
            await settle(pilot)
            tops.append((headlines.cursor, headlines.scroll_offset.y))
        assert tops == [(1, 0), (height, 1), (120, 120 - height // 2)]


async def test_n_looks_for_a_far_unread_story_in_a_worker_and_says_so(store: Store,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """At a million stories, all read but one at the far end, n took seconds on the UI thread.
    Past its first moments it goes on in a worker: the reader keeps drawing and says it is
    looking; a move meanwhile wins over its answer; left alone, it gets there."""
    monkeypatch.setattr(main_screen, "UNREAD_HERE", 0.0)  # hand over at the first check (32 rows)
    monkeypatch.setattr(main_screen, "UNREAD_NOTICE", 0.01)
    app = BroadsheetApp(many(store, 150))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        reader = app.main_screen.reader  # type: ignore[union-attr]
        store.user.read_all([meta.id for n, meta in enumerate(headlines.stories) if n != 120])
        store.user.set_read(headlines.stories[120].id, False)
        reader.load()
        go_on = threading.Event()
        looked = reader.next_unread

        def held(*args: Any, **kwargs: Any) -> Any:
            if kwargs.get("start", 1) > 1:  # the worker's part
                go_on.wait(5)
            return looked(*args, **kwargs)

        monkeypatch.setattr(reader, "next_unread", held)
        await pilot.press("n")
        await pilot.pause(0.05)  # (not settle: it waits for the worker, held here)
        assert headlines.cursor == 0
        assert [n.message for n in app._notifications][-1] == "Looking further down the list for an unread story…"
        await pilot.press("j")  # the user moves on meanwhile
        go_on.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert headlines.cursor == 1
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert headlines.cursor == 120

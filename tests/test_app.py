"""The reader driven with Pilot on a store of made-up stories."""

from __future__ import annotations

import asyncio
import io
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from textual.screen import Screen
from textual.widgets import Input, Label, Static
from textual.widgets._toast import Toast

from broadsheet.store.search import SearchIndex
from broadsheet.store.search.query import never
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.dialogs import ConfirmScreen
from broadsheet.tui.screens.help import HelpScreen
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.credits_panel import CreditsPanel
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.factories import make_article, wire_article
from tests.pilot import search_for, settle, shown_lines


def article_text(app: BroadsheetApp) -> str:
    return app.screen.query_one(ArticleView).text


def plain(renderable: object, width: int = 100) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def credits_text(app: BroadsheetApp) -> str:
    return plain(app.screen.query_one(CreditsPanel).content)


async def test_starts_on_newest_story_with_all_regions(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        assert len(headlines.rows) == 5
        assert headlines.current.headline == "Mountain rail line reopens after winter closure"
        assert isinstance(app.focused, HeadlineList)
        article = article_text(app)
        assert "ALTBERG (Northwire) — The rail line" in article
        assert "By Valley Courier · 2 Apr 2024" in article
        credits = credits_text(app)
        for expected in ("A train crosses the new bridge", "KARI LUND/Northwire", "Northwire", "Mia Berg",
                         "Olli Saar", "Tom Reeve"):
            assert expected in credits
        assert str(app.screen.query_one("#match-count", Label).render()) == "5 stories · newest"


async def test_j_k_move_and_enter_opens_and_marks_read(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("j", "j")
        await settle(pilot)
        assert headlines.cursor == 2
        story = headlines.current
        assert story.headline in article_text(app)
        await pilot.press("k")
        await settle(pilot)
        assert headlines.cursor == 1
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.focused, ArticleView)
        assert filled_store.user.get(story.id).read
        assert headlines.rows[2].state.read
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, HeadlineList)


async def test_search_filters_as_you_type_and_escape_restores(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("j")
        await settle(pilot)
        selected = headlines.current.id
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.focused, Input)
        for key in "kari lund":
            await pilot.press(key if key != " " else "space")
            await settle(pilot)
        assert [r.meta.headline for r in headlines.rows] == ["Mountain rail line reopens after winter closure"]
        assert str(app.screen.query_one("#match-count", Label).render()) == "1 of 5"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, HeadlineList)
        assert len(headlines.rows) == 5
        assert headlines.current.id == selected


async def test_keys_typed_before_the_reader_was_up_are_acted_on_first(filled_store: Store) -> None:
    """Keys read with the terminal's graphics answer (``typed_ahead``) run, in order, before any typed later."""
    app = BroadsheetApp(filled_store, typed_ahead="jj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(HeadlineList).cursor == 2
    app = BroadsheetApp(filled_store, typed_ahead="j/kari")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        search = app.screen.query_one(Input)
        assert app.focused is search and search.value == "kari"  # the "j" moved the list, "/" opened the search
        for key in ("space", "l", "u", "n", "d"):
            await pilot.press(key)
        await settle(pilot)
        assert search.value == "kari lund"
        assert str(app.screen.query_one("#match-count", Label).render()) == "1 of 5"


async def test_a_search_lists_more_results_as_the_cursor_nears_their_end(store: Store,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader lists a search's best few at a time and the next as the cursor comes near
    the last listed, until every match is listed: none twice, none left out."""
    monkeypatch.setattr("broadsheet.store.reader.searcher.SEARCH_LIMIT", 3)
    monkeypatch.setattr(MainScreen, "MORE_AHEAD", 1)
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(7)] + [(wire_article(), "wire.txt")])
    app = BroadsheetApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        headlines = app.screen.query_one(HeadlineList)
        count = app.screen.query_one("#match-count", Label)
        assert headlines.count == 3 and str(count.render()) == "best 3 of 7 matches"
        await pilot.press("j")  # row 1 of 3: not near the end yet
        await settle(pilot)
        assert headlines.count == 3
        await pilot.press("j")  # row 2: the next three come
        await settle(pilot)
        assert headlines.count == 6 and headlines.cursor == 2
        assert str(count.render()) == "best 6 of 7 matches"
        await pilot.press("G")
        await settle(pilot)
        ids = headlines.story_ids
        assert len(ids) == len(set(ids)) == 7 and str(count.render()) == "7 of 8"
        assert set(ids) == {meta.id for meta in store.stories() if "ferry" in meta.headline}
        await pilot.press("G")
        await settle(pilot)
        assert headlines.count == 7  # every match is listed: nothing more is asked for


async def test_G_in_a_search_listing_part_of_its_matches_goes_to_the_last_match(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """``G`` lists every match left and lands on the last, not on the last of the page listed
    when it was pressed (a second ``G`` was needed)."""
    monkeypatch.setattr("broadsheet.store.reader.searcher.SEARCH_LIMIT", 3)
    monkeypatch.setattr(MainScreen, "MORE_AHEAD", 1)
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(10)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.count == 3
        await pilot.press("G")
        await settle(pilot)
        assert headlines.count == 10 and headlines.cursor == 9
        assert str(app.screen.query_one("#match-count", Label).render()) == "10 of 10"


async def test_more_results_that_fail_are_said_once_and_not_asked_again_until_a_new_search(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing next page is reported once; moving the cursor near the end again does not
    hammer the index with the same failing search (and repaint the error each time)."""
    monkeypatch.setattr("broadsheet.store.reader.searcher.SEARCH_LIMIT", 3)
    monkeypatch.setattr(MainScreen, "MORE_AHEAD", 1)
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(7)])
    app = BroadsheetApp(store)
    asked: list[int] = []
    real = BroadsheetApp.search

    def failing_after_first(self: BroadsheetApp, query, stories, states, offset=0, stop=never, **kw):  # type: ignore[no-untyped-def]
        asked.append(offset)
        if offset:
            raise ValueError("the search index cannot be read (made-up failure)")
        return real(self, query, stories, states, offset=offset, stop=stop, **kw)

    monkeypatch.setattr(BroadsheetApp, "search", failing_after_first)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        headlines = app.screen.query_one(HeadlineList)
        error = app.screen.query_one("#search-error", Label)
        for key in ("j", "j", "k", "j", "G", "g", "G"):
            await pilot.press(key)
            await settle(pilot)
        assert headlines.count == 3
        assert [o for o in asked if o] == [3]
        assert error.display and "could not list more" in str(error.render())
        assert "made-up failure" in str(error.render())
        await search_for(pilot, "ferry harbour")  # a new search may ask again
        await pilot.press("G")
        await settle(pilot)
        assert [o for o in asked if o] == [3, 3]


async def test_search_with_no_match_shows_empty_list(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "z", "q", "x")
        await settle(pilot)
        assert app.screen.query_one(HeadlineList).rows == []
        assert "The search 'zqx' matched none of the 5 stories" in article_text(app)


async def test_search_bar_lists_the_words_a_half_typed_word_begins(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        count = app.screen.query_one("#match-count", Label)
        await pilot.press("slash", "f", "e")
        await settle(pilot)
        assert headlines.rows == []  # two letters are a word still: "fe*" matches most of a large store
        await pilot.press("r", "r")
        await settle(pilot)
        assert [row.meta.headline for row in headlines.rows] == [make_article(i).headline for i in (3, 2, 1, 0)]
        assert str(count.render()) == "4 of 5 · words beginning ferr"
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.reader.terms == ["ferr*"]  # marks the "ferr" of "ferry"
        await pilot.press("y")
        await settle(pilot)
        assert len(headlines.rows) == 4 and str(count.render()) == "4 of 5"  # a whole word: ranked as before
        await pilot.press("ctrl+u", "minus", "f", "e", "r", "r")
        await settle(pilot)
        assert [row.meta.headline for row in headlines.rows] == [wire_article().headline]
        assert str(count.render()) == "1 of 5 · without words beginning ferr"


async def test_tab_moves_between_regions(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            await settle(pilot)
            seen.append(type(app.focused).__name__)
        assert seen == ["ArticleView", "CreditsPanel", "SearchBar", "HeadlineList"]
        await pilot.press("shift+tab")
        await settle(pilot)
        assert type(app.focused).__name__ == "SearchBar"


async def test_help_lists_keys_from_bindings(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = plain(app.screen.query_one("#help-keys", Static).content)
        for binding in HeadlineList.BINDINGS + ArticleView.BINDINGS:
            assert binding.description in shown
        for typed in ('"harbour ferry"', "ferr*", "ferry OR bridge", "ferry | bridge", "standfirst: dateline:",
                      "credit:", "tag:work  is:bookmarked", "sort:date"):
            assert typed in shown  # the query language, not only in the README
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


def _toasts(screen: Screen) -> list[str]:
    """The notices drawn on ``screen``."""
    return [str(toast._notification.message) for toast in screen.query(Toast)]


async def test_help_is_drawn_above_the_notices_and_one_given_meanwhile_shows_when_it_closes(
        filled_store: Store) -> None:
    """Toasts were drawn over the keys on the help screen, and one given while it was read timed out unseen."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        app.notify("Given before the help", timeout=30)
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        app.notify("Exported 3 stories to out.md", timeout=1)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert _toasts(app.screen) == []  # nothing over the keys
        await asyncio.sleep(1.5)  # longer than the notice's time
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        shown = _toasts(app.screen)
        assert "Given before the help" in shown and shown[-1] == "Exported 3 stories to out.md"


async def test_help_at_a_narrow_width_gives_the_room_to_what_keys_do(filled_store: Store) -> None:
    """At 40 columns the ids kept their column and cut every description to a letter ("S…")."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(40, 14)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        keys = app.screen.query_one("#help-keys", Static)
        narrow, wide = plain(keys.content, keys.size.width), plain(keys.content, 120)
    assert "Search" in narrow and "Quit" in narrow and "…" not in narrow
    lines = narrow.splitlines()  # the id under what the key does (not in a column that cut it to "S…")
    assert any(line.split() == ["app.search"] for line in lines)
    assert any(line.split() == ["/", "Search", "app.search"] for line in wide.splitlines())  # a column of its own


async def test_markup_in_stories_is_shown_literally(store: Store) -> None:
    from tests.factories import make_article

    hostile = "[bold]x[/] [@click=app.quit]quit[/] [link=file:///etc/passwd]y[/link] [/"
    store.add([(make_article(1, headline=hostile, authors=["[red]Eve[/]"]), None)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.click(HeadlineList, offset=(5, 1))
        await settle(pilot)
        await pilot.press("enter")
        assert app.is_running
        assert hostile in article_text(app)
        assert "[red]Eve[/]" in credits_text(app)
        line = app.screen.query_one(HeadlineList).render_line(0).text
        assert "[bold]x[/] [@click=app.qui" in line  # shown as typed, not run as markup


async def test_mouse_click_selects_and_double_click_opens(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.click(HeadlineList, offset=(5, 3))
        await settle(pilot)
        assert headlines.cursor == 2
        await pilot.click(HeadlineList, offset=(5, 3), times=2)
        await settle(pilot)
        assert isinstance(app.focused, ArticleView)


async def test_q_quits(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert not app.is_running


async def test_a_failed_write_is_reported_and_the_reader_keeps_going(
    filled_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import broadsheet.store.storage.tinydb as tinydb_storage

    def disk_full(*_args: object, **_keywords: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    app = BroadsheetApp(filled_store)
    shown: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (shown.append(str(message)), notify(message, **kw))[1]  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        monkeypatch.setattr(tinydb_storage, "atomic_write_bytes", disk_full)
        await pilot.press("b")
        await settle(pilot)
        assert any("No space left" in message for message in shown)
        assert not app.screen.query_one(HeadlineList).rows[0].state.bookmarked
        await pilot.press("j")
        await settle(pilot)
        assert app.is_running and app.screen.query_one(HeadlineList).cursor == 1
    assert not Store(filled_store.folder).user.get(story.id).bookmarked


async def test_a_damaged_body_file_is_explained_not_a_crash(filled_store: Store) -> None:
    [shard] = (filled_store.folder / "bodies").glob("*.json")
    data = shard.read_bytes()
    middle = len(data) // 2
    shard.write_bytes(data[:middle] + b"\x00garbage\x00" + data[middle + 9 :])  # bad sectors mid-file
    app = BroadsheetApp(Store(filled_store.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert app.is_running
        shown = article_text(app)
        assert "cannot be read" in shown and shard.name in shown and "broadsheet repair" in shown


async def test_a_listing_damaged_while_reading_is_read_around_and_named_once(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.storage import listing as listing_module

    monkeypatch.setattr(listing_module, "BLOCK_ROWS", 2)
    path = filled_store.folder / "listing.bin"
    path.unlink(missing_ok=True)
    filled_store.write_listing()  # five rows in blocks of two
    app = BroadsheetApp(Store(filled_store.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        headlines = screen.query_one(HeadlineList)
        before = [headlines.stories[i].headline for i in range(5)]
        listing = listing_module.Listing(path)
        start = listing._texts + listing._block_at(2)
        listing.close()
        with open(path, "r+b") as handle:  # bad sectors under the running reader
            handle.seek(start)
            handle.write(b"\xff" * 8)
        for _ in range(2):
            screen.reload()  # the list read again, as after another window's import
            await pilot.press("G")
            await settle(pilot)
            assert app.is_running and [headlines.stories[i].headline for i in range(5)] == before
            screen._check_store()
            await settle(pilot)
        told = [n.message for n in app._notifications if "listing.bin" in n.message]
        assert len(told) == 1 and "damaged block" in told[0] and "broadsheet repair" in told[0], told


async def test_a_story_changed_elsewhere_while_it_is_shown_is_shown_again(filled_store: Store) -> None:
    """A fetch updated the entry shown (same story, new text): the list took the new headline, the
    story kept its old text under it through Esc, Enter and r, until the cursor left it."""
    app = BroadsheetApp(Store(filled_store.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("enter")
        await settle(pilot)
        view = screen.query_one(ArticleView)
        story = screen.query_one(HeadlineList).current
        old = filled_store.article(story.id)
        new = replace(old, headline="Harbour vote result corrected", body=["Corrected: the vote passed.", *old.body])
        shell = Store(filled_store.folder)
        assert shell.add_identified([(story.id, new, None)]).updated == [story.id]
        screen._check_store()  # the reader's look at the store, every 3 seconds
        await settle(pilot)
        assert view.article is not None and view.article.body[0] == "Corrected: the vote passed."
        assert "Harbour vote result corrected" in view._text.plain
        assert screen.query_one(HeadlineList).current.id == story.id and app.focused is view


async def test_a_search_saved_in_another_reader_shows_in_the_sidebar_at_the_next_check(filled_store: Store) -> None:
    """It showed only after `r`: the reader's look at the store every 3 seconds missed settings.json."""
    from broadsheet.tui.widgets.sidebar import Sidebar

    app = BroadsheetApp(Store(filled_store.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        Store(filled_store.folder).user.save_search("ferries", "ferry")  # another reader's
        screen._check_store()  # the reader's look at the store, every 3 seconds
        await settle(pilot)
        entries = [(e.kind, e.name) for e in screen.query_one(Sidebar)._entries if e is not None]
        assert ("search", "ferries") in entries, entries


async def test_an_index_asked_to_open_again_while_it_opens_opens_after_it(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A feed's stories arrive while the index is still opening after the first paint: the two
    opens run one after the other (a thread cannot be cancelled: the first would run on, and could
    end last with the older index), and the second finds the new story."""
    SearchIndex.open(filled_store)
    real = SearchIndex.open.__func__  # type: ignore[attr-defined]
    first_running, second_asked = threading.Event(), threading.Event()
    running: list[int] = []
    most = 0

    def open_index(cls: type[SearchIndex], store: Store, **kwargs: object) -> SearchIndex:
        nonlocal most
        running.append(1)
        most = max(most, len(running))
        try:
            if not first_running.is_set():
                first_running.set()
                second_asked.wait(0.5)
            return real(cls, store, **kwargs)  # type: ignore[no-any-return]
        finally:
            running.pop()

    monkeypatch.setattr(SearchIndex, "open", classmethod(open_index))
    app = BroadsheetApp(Store(filled_store.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        while not first_running.is_set():
            await pilot.pause(0.01)
        waiting = asyncio.ensure_future(settle(pilot))  # a test waiting as the reload comes
        await asyncio.sleep(0.05)
        Store(filled_store.folder).add([(make_article(9, body=["The quarry reopened for walkers."]), None)])
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.reload()  # as when the store check sees another process's import
        second_asked.set()
        await waiting
        await settle(pilot)
        assert most == 1
        await search_for(pilot, "quarry walkers")
        assert [row.meta.headline for row in screen.query_one(HeadlineList).rows] == [make_article(9).headline]


async def test_keys_for_every_listed_story_refuse_while_the_bar_holds_a_search_with_an_error(
        filled_store: Store) -> None:
    # The list still shows the results before the failed search (here every story): D, B, T, e
    # and E would act on stories the bar no longer names.
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        for key in "tag:x OR kari":
            await pilot.press(key if key != " " else "space")
        await settle(pilot)
        assert "showing the previous results" in str(app.screen.query_one("#search-error", Label).render())
        await pilot.press("enter")
        await settle(pilot)
        for key in ("D", "B", "T", "A", "e", "E"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, MainScreen), key
        told = [n.message for n in app._notifications if "has an error" in n.message]
        assert told and len(filled_store.stories()) == 5


async def test_shrinking_below_100_columns_keeps_the_focused_story_on_screen(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert isinstance(app.focused, ArticleView)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert isinstance(app.focused, ArticleView)
        assert app.screen.query_one("#reading").region.width > 0  # shown, not a hidden region with the focus
        assert app.screen.query_one(HeadlineList).region.width == 0


@pytest.mark.parametrize("width", [150, 160, 200])
async def test_a_wide_screen_with_the_sidebar_keeps_a_readable_story_column(filled_store: Store, width: int) -> None:
    """At 160 columns, a 26-column sidebar, a 30% list and the 36-column panel beside the story left
    the story 48 columns: with the sidebar shown the panel goes under the story."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(width, 50)) as pilot:
        await settle(pilot)
        article, panel = app.screen.query_one(ArticleView), app.screen.query_one(CreditsPanel)
        for _shown_or_hidden in range(2):
            if app.screen.has_class("-sidebar"):
                assert article.region.width >= 0.5 * width - 1
                assert panel.region.y >= article.region.bottom and panel.region.width == article.region.width
            else:  # beside the story
                assert panel.region.x >= article.region.right and panel.region.y == article.region.y
            await pilot.press("f")
            await settle(pilot)


@pytest.mark.parametrize("size", [(100, 30), (120, 40), (149, 40)])
async def test_below_150_columns_the_sidebar_takes_the_story_panes_place_not_the_lists(
        store: Store, size: tuple[int, int]) -> None:
    """At 100 columns the list squeezed between the sidebar and the story showed 18 characters of a
    headline ("Valley 3: council… 06 Dec"): while the sidebar shows, the list and the story take
    turns beside it (Enter opens, Esc goes back), and f, hiding it, puts them side by side again."""
    headline = "Valley council approves the new ferry timetable for the outer islands"
    store.add([(make_article(1, headline=headline), None)])
    app = BroadsheetApp(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen, headlines = app.screen, app.screen.query_one(HeadlineList)
        await pilot.press("f")
        await settle(pilot)
        assert screen.query_one(ArticleView).region.width == 0
        assert headlines.region.width >= size[0] - 24
        assert "Valley council approves the new ferry" in shown_lines(headlines)[0]  # 37 characters, not 18
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert headlines.region.width == 0 and screen.query_one(ArticleView).region.width >= size[0] - 24
        assert app.focused is screen.query_one(ArticleView)
        await pilot.press("escape", "f", "f")  # back to the list; to the sidebar; hidden
        await settle(pilot)
        assert not screen.has_class("-sidebar") and 0 < headlines.region.width < size[0] // 2
        assert screen.query_one(ArticleView).region.x >= headlines.region.right


async def test_the_credits_panel_scrolls_with_the_articles_keys_and_esc_gives_the_story_back(
        filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        panel = app.screen.query_one(CreditsPanel)
        assert app.focused is panel and panel.max_scroll_y > 2  # its credits overflow the panel at 100x24
        await pilot.press("G")
        await settle(pilot)
        assert panel.scroll_y == panel.max_scroll_y
        await pilot.press("k", "k")
        assert panel.scroll_y == panel.max_scroll_y - 2
        await pilot.press("g")
        assert panel.scroll_y == 0
        await pilot.press("j")
        assert panel.scroll_y == 1
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, ArticleView)


async def test_a_brand_new_store_opens_without_a_word_of_its_search_index(tmp_path: Path) -> None:
    """Its first run said "Search index was missing; rebuilt 0 stories", a problem that was none."""
    app = BroadsheetApp(Store(tmp_path / "new"))
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert (tmp_path / "new" / "index").is_dir()
        assert [n.message for n in app._notifications if "index" in n.message] == []


@pytest.mark.parametrize("one_pane", ["80 columns", "V at 120"])
async def test_where_the_story_pane_is_hidden_the_list_says_why_it_is_empty(filled_store: Store, tmp_path: Path,
                                                                             one_pane: str) -> None:
    """Below 100 columns (or after V) a search matching nothing left a blank list, and an empty
    store a blank screen: the story pane, hidden there, was the one to explain."""
    width = 80 if one_pane == "80 columns" else 120
    for store, search in ((filled_store, "zzqx"), (Store(tmp_path / "empty"), "")):
        app = BroadsheetApp(store)
        async with app.run_test(size=(width, 24)) as pilot:
            await settle(pilot)
            if width > 100:
                await pilot.press("V")
            if search:
                await search_for(pilot, search)
            shown = " ".join(" ".join(shown_lines(app.screen.query_one(HeadlineList))).split())
            if search:
                assert "The search 'zzqx' matched none of the 5 stories. Esc clears it; / changes it." in shown
                await pilot.press("escape")
                await settle(pilot)
                shown = " ".join(shown_lines(app.screen.query_one(HeadlineList)))
                assert "matched none" not in shown and "Harbour town votes" in shown
            else:
                assert ("No story selected. Import saved pages with: broadsheet import PATH Subscribe to feeds with: "
                        "broadsheet feeds add URL or in the reader: f then a (the filters sidebar)") in shown


@pytest.mark.parametrize("opened", [False, True])
async def test_q_in_the_credits_panel_gives_the_story_back_as_esc_does(filled_store: Store, opened: bool) -> None:
    """q quit the reader from the panel (reached with Tab Tab from the list), and skipped the
    story to the list when it was opened with Enter: README says q goes back one level."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*(["enter", "tab"] if opened else ["tab", "tab"]))
        await settle(pilot)
        assert isinstance(app.focused, CreditsPanel)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and isinstance(app.focused, ArticleView)
        assert app.screen.has_class("-reading") is opened


async def test_undoing_a_delete_says_the_story_is_back_and_nothing_of_the_index(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d", "y")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        said = said[next(i for i, m in enumerate(said) if m.startswith("Deleted 1 story")):]
        assert any(m.startswith("Brought back 1 story") for m in said)
        assert not [m for m in said if "index" in m.lower()], said
        assert len(app.screen.query_one(HeadlineList).rows) == 5


async def test_undoing_a_delete_of_several_stories_keeps_the_cursor_on_its_story(store: Store) -> None:
    """The cursor went to the first story brought back, wherever it was in the list."""
    store.add([(make_article(i, headline=f"{'Quarry' if i % 2 else 'Harbour'} story {i}",
                             published=f"2024-03-{i + 1:02d}"), None) for i in range(12)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await search_for(pilot, "quarry")
        await pilot.press("D", "y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        assert len(headlines.rows) == 6
        await pilot.press("G")
        await settle(pilot)
        assert headlines.current is not None and headlines.current.headline == "Harbour story 0"
        await pilot.press("u")
        await settle(pilot)
        assert len(headlines.rows) == 12
        assert headlines.current is not None and headlines.current.headline == "Harbour story 0"


async def test_changing_the_order_during_a_search_says_when_it_applies(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await search_for(pilot, "harbour")
        await pilot.press("o")
        await settle(pilot)
        assert any("once the search is cleared" in n.message for n in app._notifications)


async def test_jumping_to_a_story_a_search_hides_says_the_search_was_cleared(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await search_for(pilot, "kari lund")
        hidden = next(m for m in filled_store.stories() if "Mountain rail" not in m.headline)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.jump_to(hidden.id)
        await settle(pilot)
        assert screen.query_one(HeadlineList).current.id == hidden.id
        assert any("'kari lund' cleared" in n.message for n in app._notifications)


async def test_a_second_undo_says_only_the_last_delete_comes_back(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for keys in (("d", "y"), ("d", "y"), ("u",), ("u",)):
            await pilot.press(*keys)
            await settle(pilot)
        said = [n.message for n in app._notifications]
        assert "Nothing to undo: u brings back the last delete, once" in said  # not "nothing deleted"
        assert len(filled_store.stories()) == 4


async def test_keys_for_every_listed_story_say_when_none_is_listed(filled_store: Store) -> None:
    """On an empty list (a search that matched nothing) B, T and D did nothing at all, as if the
    key had been lost; e said "No stories listed to export"."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await search_for(pilot, "nothing-matches-this")
        for key in ("B", "T", "D", "A"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is app.main_screen  # nothing asked
        said = [n.message for n in app._notifications]
        assert [m for m in said if m.startswith("No stories listed")] == [
            "No stories listed to bookmark", "No stories listed to tag", "No stories listed to delete",
            "No stories listed to mark read"]


async def test_a_marks_every_listed_story_read_as_newsboat_does(filled_store: Store) -> None:
    """newsboat's A (mark the feed read): a search's matches or a chosen feed's stories, asked first."""
    wire = wire_article().story_id
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await search_for(pilot, "headline:mountain")
        assert [row.id for row in app.screen.query_one(HeadlineList).stories] == [wire]
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert not filled_store.user.get(wire).read
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Marked 1 story read" in [n.message for n in app._notifications]
    assert {sid for sid, state in filled_store.user.all().items() if state.read} == {wire}


async def test_a_search_typed_puts_its_best_match_under_the_cursor(store: Store) -> None:
    # The story selected before the search stayed under the cursor when it was among the results,
    # so Enter, Enter opened it rather than the best match of what was typed.
    store.add([(make_article(n, headline=f"Lens story {n} about the harbour"), None) for n in range(1, 5)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("j", "j")
        await settle(pilot)
        await search_for(pilot, '"lens story 1"')
        assert headlines.cursor == 0 and headlines.current.headline.startswith("Lens story 1 ")
        await pilot.press("j")
        await search_for(pilot, "harbour")  # a second search: moves made before it count for nothing
        assert headlines.cursor == 0

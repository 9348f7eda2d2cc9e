"""The article view draws only the lines on screen: what it shows, where it scrolls, what it keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.selection import Selection

from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.article_view import COLUMN_WIDTH, ArticleView
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.thumb import thumb_span
from tests.factories import make_article
from tests.feeds import CODE_AND_TABLE
from tests.pilot import headlines_shown, settle, shown_lines, thumb_rows


def long_store(store: Store) -> Store:
    """A story far taller than any terminal, newest, so the reader opens on it."""
    body = [f"Paragraph {i} of the long story, which goes on for a while to wrap. " * 3 for i in range(60)]
    store.add([(make_article(0), None), (make_article(1, headline="A very long story", body=body,
                                                      published="2030-01-01"), None)])
    return store


async def test_a_key_pressed_on_its_own_shows_its_story_in_the_cursors_frame(filled_store: Store) -> None:
    # Opening a story is one frame (p95 under 30 ms): the story is not put off to a later frame
    # or timer unless keys come faster than a person presses them (a held key, below).
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(app.screen.REST * 2)  # the last move was long ago: this key is on its own
        headlines, view = app.screen.query_one(HeadlineList), app.screen.query_one(ArticleView)
        app.screen.set_timer = lambda *a, **k: None  # type: ignore[method-assign,assignment]  # nothing put off
        app.screen.call_after_refresh = lambda *a, **k: None  # type: ignore[method-assign,assignment]
        await pilot.press("j")
        assert headlines.cursor == 1
        assert view.article is not None and view.article.headline == headlines.current.headline
        assert not app.screen.story_pending


async def test_a_jump_on_its_own_draws_the_list_first_and_its_story_just_after(filled_store: Store) -> None:
    # G, g, a page: the rows coming into view and the story's layout in one frame were more than
    # a frame's time at a million stories, so the list's frame goes out first; j and k do not wait.
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        await pilot.pause(app.screen.REST * 2)  # on its own
        headlines, view = app.screen.query_one(HeadlineList), app.screen.query_one(ArticleView)
        headlines.action_last()  # G
        assert headlines.cursor == len(filled_store) - 1
        assert app.screen.story_pending and view.article.headline != headlines.current.headline
        await settle(pilot)
        assert view.article.headline == headlines.current.headline and not app.screen.story_pending


async def test_a_held_key_moves_the_list_and_shows_the_story_it_stops_on(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines, view = app.screen.query_one(HeadlineList), app.screen.query_one(ArticleView)
        shown = headlines_shown(view)
        for _ in range(3):  # a held key: each repeat comes sooner than REST after the last
            headlines.action_cursor_down()
        assert app.screen.story_pending and view.article.headline != headlines.current.headline
        await settle(pilot)  # the cursor rests
        # the first key may show its story (it came on its own); the repeats show only the last
        assert shown[-1] == headlines.current.headline and len(shown) <= 2 and headlines.cursor == 3
        headlines.action_cursor_up()
        headlines.action_cursor_up()
        await pilot.press("enter")  # before the cursor rested: opens the story it is on
        assert headlines.cursor == 1 and view.article.headline == headlines.current.headline


async def test_lines_are_drawn_in_a_readable_column_from_the_top(store: Store) -> None:
    app = BroadsheetApp(long_store(store))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        lines = shown_lines(view)
        assert lines[0] == "A very long story"
        assert lines[4].startswith("Paragraph 0 of the long story")
        assert max(len(line) for line in lines) <= COLUMN_WIDTH
        assert view.virtual_size.height > view.scrollable_content_region.height


async def test_end_reaches_the_last_line_and_home_the_first(store: Store) -> None:
    app = BroadsheetApp(long_store(store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "G")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert view.scroll_y == view.max_scroll_y > 0
        last = shown_lines(view)[-1]
        assert last and view.text.rstrip().endswith(last)  # the story's very last line, at the bottom
        await pilot.press("g")
        await settle(pilot)
        assert view.scroll_y == 0 and shown_lines(view)[0] == "A very long story"


async def test_reopens_at_the_line_it_was_left_on(store: Store) -> None:
    app = BroadsheetApp(long_store(store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "space", "space")
        await settle(pilot)
        left_at = app.screen.query_one(ArticleView).scroll_y
        assert left_at > 0
        await pilot.press("q")
    again = BroadsheetApp(Store(store.folder))
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = again.screen.query_one(ArticleView)
        assert view.scroll_y == left_at
        height = view.scrollable_content_region.height
        assert view.thumb == thumb_span(height, view.virtual_size.height, left_at) != (0, 0)
        assert thumb_rows(view) == list(range(*view.thumb))


async def test_a_selection_copies_the_text_as_shown(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        selected = view.get_selection(Selection(None, None))
        assert selected is not None
        assert selected[0].splitlines()[0] == "Mountain rail line reopens after winter closure"


async def test_the_scroll_thumb_follows_each_story_and_the_reading(store: Store) -> None:
    long_store(store)
    body = [f"Paragraph {i}, in which more happens than before. " * 4 for i in range(90)]
    store.add([(make_article(2, headline="A longer story", published="2030-01-02", body=body), None)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        height = view.scrollable_content_region.height
        spans = []
        for key in ["j", "k", "j"]:
            await pilot.press(key)
            await settle(pilot)
            assert thumb_rows(view) == list(range(*view.thumb))  # drawn where the story's length puts it
            spans.append(view.thumb)
        assert spans[0] != spans[1] and spans[0] == spans[2] and spans[0][0] == 0  # a story opens at its top
        assert spans[0] == thumb_span(height, view.virtual_size.height, 0)
        view.focus()
        await pilot.press("G")
        await settle(pilot)
        assert thumb_rows(view)[-1] == height - 1  # at the end, the thumb's foot is the view's
        await pilot.press("k")
        await settle(pilot)
        assert view.thumb == thumb_span(height, view.virtual_size.height, view.scroll_y)
        assert thumb_rows(view) == list(range(*view.thumb))


async def test_a_story_that_fits_shows_no_thumb_and_wraps_as_one_that_does_not(store: Store) -> None:
    # The column does not depend on the story's length: no layout, no wrapping again, as stories change.
    long_store(store)
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        long_column = view.virtual_size.width
        assert thumb_rows(view)
        await pilot.press("j")
        await settle(pilot)
        assert view.max_scroll_y == 0 and view.thumb == (0, 0) and not thumb_rows(view)
        assert view.virtual_size.width == long_column


async def test_a_click_in_the_thumbs_column_scrolls_to_that_part_of_the_story(store: Store) -> None:
    app = BroadsheetApp(long_store(store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        column, foot = view.outer_size.width - 2, view.outer_size.height - 2  # inside the border
        await pilot.click(ArticleView, offset=(column, foot))
        await settle(pilot)
        assert view.scroll_y == view.max_scroll_y > 0
        await pilot.click(ArticleView, offset=(column, 1))
        await settle(pilot)
        assert view.scroll_y == 0
        await pilot.click(ArticleView, offset=(column - 2, foot))  # the text: no scroll
        await settle(pilot)
        assert view.scroll_y == 0


@pytest.mark.parametrize("width", range(100, 124, 2))
async def test_the_bylines_date_is_never_cut_in_two(store: Store, width: int) -> None:
    """Wrapped at its spaces, a byline ended "· 5 Dec" and the next line began "2026 18:00"."""
    store.add([(make_article(1, authors=["Marta Quill", "Tom Reed"], source="The Lowmoor Harbour Gazette",
                             published="2026-12-05T18:00:00+00:00"), None)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        lines = shown_lines(app.screen.query_one(ArticleView))
        assert any("5 Dec 2026 18:00" in line for line in lines), lines[:6]


@pytest.mark.parametrize("width", range(100, 124, 2))
async def test_the_bylines_tags_label_never_ends_a_line_nor_does_a_dot(store: Store, width: int) -> None:
    """At 100 columns a byline ended "· 5 Dec 2026 ·" or "· Tags:", its tags on the next line."""
    [sid] = store.add([(make_article(1, authors=["Marta Quill"], source="The Lowmoor Harbour Gazette",
                                     published="2026-12-05T18:00:00+00:00"), None)])
    store.user.edit_tags([sid], add=["harbour-longtagname", "weather"])
    app = BroadsheetApp(store)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        lines = [line.rstrip() for line in shown_lines(app.screen.query_one(ArticleView))]
        assert any("Tags: harbour-longtagname" in line for line in lines), lines[:6]
        assert not any(line.endswith(("·", "Tags:")) for line in lines), lines[:6]


def test_a_standfirst_that_repeats_the_headline_is_shown_once() -> None:
    from broadsheet.tui.widgets.article_view import article_blocks

    for standfirst in ("Ferry Fares Rise", "Ferry fares rise."):
        same = make_article(1, headline="Ferry fares rise", standfirst=standfirst)
        assert [kind for kind, _ in article_blocks(same)].count("standfirst") == 0
    other = make_article(2, headline="Ferry fares rise", standfirst="The council agreed the change on Monday.")
    assert [kind for kind, _ in article_blocks(other)].count("standfirst") == 1


async def test_end_home_and_page_keys_jump_at_once(store: Store) -> None:
    """G in a long story glided to its end for about a second (each frame sent over SSH); newsboat
    and less jump. The next frame already shows where the key goes."""
    app = BroadsheetApp(long_store(store))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        page = view.scrollable_content_region.height
        glides: list[str] = []
        animate = app.animator.animate

        def watched(obj: object, attribute: str, *args: object, **kwargs: object) -> None:
            if obj is view:
                glides.append(attribute)
            animate(obj, attribute, *args, **kwargs)  # type: ignore[arg-type]

        app.animator.animate = watched  # type: ignore[method-assign]
        for key, where in (("G", lambda: view.max_scroll_y), ("g", lambda: 0), ("pagedown", lambda: page),
                           ("pagedown", lambda: 2 * page), ("pageup", lambda: page), ("end", lambda: view.max_scroll_y),
                           ("home", lambda: 0)):
            await pilot.press(key)
            await pilot.pause()
            assert view.scroll_y == where() and not glides, (key, glides)


async def test_a_code_blocks_lines_and_a_tables_rows_are_shown_as_lines(store: Store, tmp_path: Path) -> None:
    # newsboat keeps a <pre>'s lines and a table's rows: here the loop was one line, each cell a paragraph.
    (tmp_path / "tides.xml").write_bytes(CODE_AND_TABLE)
    assert import_paths(store, [tmp_path / "tides.xml"]).count("imported") == 1
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lines = shown_lines(app.screen.query_one(ArticleView))
        start = lines.index("The harbour office renames its logs each night.")
        assert lines[start + 2:start + 11] == ["for f in *.txt; do", '        echo "[bold]$f[/]"', "done", "",
                                               "Name \u00b7 Value", "", "alpha \u00b7 1", "", "beta \u00b7 2"]

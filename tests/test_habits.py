"""A newsboat or mutt user's habits in the reader (issue 19), driven with Pilot."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot

from broadsheet.config import Config
from broadsheet.store.search import SearchIndex
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.search_bar import SearchBar
from broadsheet.tui.widgets.sidebar import Sidebar
from tests.factories import make_article
from tests.pilot import progress_told, said, search_for, settle, shown_lines, type_text


def burst(app: BroadsheetApp, *keys: tuple[str, str | None]) -> None:
    """Keys arriving in one read (a laggy SSH link, tmux send-keys): all queued before any is handled."""
    for key, character in keys:
        app.post_message(events.Key(key, character))


async def test_letters_typed_right_after_slash_reach_the_search_bar(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        await pilot.press("enter")
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        order = app.screen.reader.order  # type: ignore[attr-defined]
        burst(app, ("escape", "\x1b"), ("slash", "/"), ("ctrl+u", "\x15"),
              *[(c, c) for c in "bytom"])
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "bytom"
        assert not filled_store.user.get(story.id).bookmarked and not filled_store.user.get(story.id).tags
        assert app.screen.reader.order == order  # type: ignore[attr-defined]


async def test_escape_then_letter_read_as_alt_letter_is_escape_and_the_letter(filled_store: Store) -> None:
    """"Esc j" in one read reaches Textual as alt+j; no binding uses Alt, so it is Esc, then j."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("enter")  # open the story: the article has focus
        await settle(pilot)
        burst(app, ("alt+j", "j"))
        await settle(pilot)
        assert app.focused is headlines  # Esc went back to the list
        assert headlines.cursor == 1  # and j moved down


async def test_q_goes_back_one_level_and_capital_q_quits_anywhere(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.has_class("-reading")
        await pilot.press("q")  # article -> list
        await settle(pilot)
        assert not app.screen.has_class("-reading") and isinstance(app.focused, HeadlineList)
        assert app.is_running
        await search_for(pilot, "kari lund")
        assert app.screen.query_one(HeadlineList).count == 1
        await pilot.press("q")  # a search's results -> every story, as newsboat leaves a search
        await settle(pilot)
        assert app.is_running and app.screen.query_one(HeadlineList).count == len(filled_store)
        await pilot.press("q")  # list -> quit
        await pilot.pause()
        assert not app.is_running
    again = BroadsheetApp(filled_store)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "Q")  # from the article, at once
        await pilot.pause()
        assert not again.is_running


async def test_n_goes_to_the_next_unread_story_and_opens_it_when_reading(filled_store: Store) -> None:
    stories = filled_store.stories()
    filled_store.user.set_read(stories[1].id, True)
    app = BroadsheetApp(filled_store, Config(path=filled_store.folder / "c.toml", mark_read_on_open=False))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("n")
        await settle(pilot)
        assert headlines.cursor == 2  # story 1 is read: skipped
        await pilot.press("enter", "n")  # in the article with no search, n is the next unread too
        await settle(pilot)
        assert headlines.cursor == 3 and app.screen.has_class("-reading")
        assert app.screen.query_one(ArticleView).article.headline == stories[3].headline
        await pilot.press("N")
        await settle(pilot)
        assert headlines.cursor == 2
        await pilot.press("N")
        await settle(pilot)
        assert headlines.cursor == 0 and not [n for n in app._notifications if n.message.startswith("Past")]
        await pilot.press("N")  # from the first unread story, round to the last: said, not silent
        await settle(pilot)
        assert headlines.cursor == len(stories) - 1
        assert [n.message for n in app._notifications][-1] == "Past the top of the list: the last unread story"
        await pilot.press("n")
        await settle(pilot)
        assert headlines.cursor == 0
        assert [n.message for n in app._notifications][-1] == "Past the end of the list: the first unread story"
        for story in stories[1:]:
            filled_store.user.set_read(story.id, True)
        app.main_screen.reader.load()  # type: ignore[union-attr]
        await pilot.press("n")  # the cursor's story is the only one unread: said so
        await settle(pilot)
        assert headlines.cursor == 0
        assert [n.message for n in app._notifications][-1] == "No other unread stories here"
        await pilot.press("m", "n")  # read too: none left
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == "No unread stories here"


async def test_space_at_the_end_of_a_story_goes_on_to_the_next_unread(filled_store: Store) -> None:
    stories = filled_store.stories()
    filled_store.user.set_read(stories[1].id, True)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert view.max_scroll_y == 0  # a short story: already at its end
        await pilot.press("space")
        await settle(pilot)
        assert view.article.headline == stories[2].headline  # unread first: stories[1] is read
        assert filled_store.user.get(stories[2].id).read


@pytest.mark.parametrize(("keys", "pages"), [(("space", " "), 3), (("pagedown", None), 3)])
async def test_each_page_key_in_one_read_turns_a_page(store: Store, keys: tuple[str, str | None], pages: int) -> None:
    """Three spaces in one read moved two pages: each began from where the last one's animation was."""
    store.add([(make_article(1, headline="A long made-up story", images=[],
                             body=[f"Paragraph {n} of a long made-up story about the harbour." for n in range(200)]),
                None)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        page = view.scrollable_content_region.height
        assert view.max_scroll_y > 4 * page
        burst(app, *[keys] * pages)
        await settle(pilot)
        await pilot.pause(1.0)  # the animations end
        assert view.scroll_y == pages * page


async def test_restart_restores_search_sidebar_and_full_width(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        await pilot.press("enter", "f", "z")
        await settle(pilot)
        assert app.screen.has_class("-sidebar", "-zen")
    again = BroadsheetApp(Store(filled_store.folder))
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = again.screen
        assert screen.query_one(SearchBar).value == "ferry"
        assert screen.query_one(HeadlineList).count == 4  # the four ferry stories, not all five
        assert screen.has_class("-sidebar", "-zen")


async def test_restart_with_a_search_keeps_the_story_the_cursor_was_on(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search ran again as the index opened, before the first one answered, and forgot the
    story to keep: the restored list had its best match under the cursor, not the story left."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        await pilot.press("j", "j")
        await settle(pilot)
        left = app.screen.query_one(HeadlineList).current
        assert left is not None and app.screen.query_one(HeadlineList).cursor == 2
    search = BroadsheetApp.search

    def slow(self: BroadsheetApp, *args: object, **kwargs: object) -> object:
        time.sleep(0.3)  # a large store's first search: the index is ready before it answers
        return search(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(BroadsheetApp, "search", slow)
    again = BroadsheetApp(Store(filled_store.folder))
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.8)
        await settle(pilot)
        headlines = again.screen.query_one(HeadlineList)
        assert headlines.count == 4 and headlines.current is not None and headlines.current.id == left.id


async def test_a_query_typed_after_the_last_was_deleted_lists_its_best_match_first(store: Store) -> None:
    """Ctrl+U (or Backspace) emptied the bar: the list kept the old query's best match under the
    cursor, not the story selected before the search, and the next query typed kept it there too
    (the list following the cursor counted as the user's move), not its own best match."""
    store.add([
        (make_article(1, headline="Ferry timetable vote", body=["The ferry leaves the harbour at nine."],
                      published="2024-03-01", images=[]), None),
        (make_article(2, headline="Harbour wall repairs begin at the harbour", body=["Harbour works."],
                      published="2024-03-02", images=[]), None),
        (make_article(3, headline="Council budget agreed", body=["The council met."], published="2024-03-03",
                      images=[]), None),
        (make_article(4, headline="School reopens", body=["Pupils returned."], published="2024-03-04",
                      images=[]), None),
    ])
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        before = headlines.current
        assert before is not None and before.headline == "Ferry timetable vote"  # it holds "harbour" too
        await pilot.press("slash")
        await type_text(pilot, "council")
        await settle(pilot)
        assert headlines.current is not None and headlines.current.headline == "Council budget agreed"
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert headlines.count == 4 and headlines.current is not None and headlines.current.id == before.id
        app.screen.query_one(SearchBar).post_message(events.Paste("harbour"))  # pasted: one change
        await settle(pilot)
        assert headlines.count == 2 and headlines.cursor == 0
        assert headlines.current is not None and headlines.current.headline.startswith("Harbour wall")


@pytest.mark.parametrize("keys", [("escape", "escape"), ("q", "q")])
async def test_leaving_a_searchs_results_keeps_the_story_just_read(store: Store, keys: tuple[str, str]) -> None:
    """The list went back to the story selected before the search: the one just read among its
    results was lost (mutt and newsboat keep the current item when a limit goes)."""
    store.add([(make_article(n, headline=f"{'Harbour' if n % 2 else 'Council'} story {n}", body=[f"Text {n}."],
                             published=f"2024-03-{n + 1:02d}", images=[]), None) for n in range(6)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("j", "j")
        await settle(pilot)
        before = headlines.current
        assert before is not None and before.headline == "Harbour story 3"
        await pilot.press("slash")
        await type_text(pilot, "council")
        await pilot.press("enter", "j", "enter")
        await settle(pilot)
        read = headlines.current
        assert read is not None and read.headline == "Council story 2"
        await pilot.press(*keys)  # the article, then the results
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "" and headlines.count == 6
        assert headlines.current is not None and headlines.current.id == read.id
        await pilot.press("slash")
        await type_text(pilot, "harbour")
        await pilot.press("escape")  # while typing: back to the story before the search
        await settle(pilot)
        assert headlines.current is not None and headlines.current.id == read.id


async def test_reading_position_is_saved_while_reading_not_only_on_quit(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dropped SSH session ends the reader without q: the position is on disk already."""
    monkeypatch.setattr(MainScreen, "SAVE_DELAY", 0.05)
    body = [f"Paragraph {i} of a long story about the harbour wall and its repairs. " * 3 for i in range(60)]
    filled_store.add([(make_article(70, headline="Long harbour story", published="2031-01-01", body=body), None)])
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "space", "space")
        await settle(pilot)
        scrolled = round(app.screen.query_one(ArticleView).scroll_y)
        assert scrolled > 0
        await pilot.pause(0.2)
        session = Store(filled_store.folder).user.get_setting("session")  # as another process reads it
        assert session["scroll"] == scrolled and session["story"] == filled_store.stories()[0].id


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_restart_reopens_in_the_story_at_its_place_and_on_the_list_after_esc(
        filled_store: Store, size: tuple[int, int]) -> None:
    """A session left while reading reopened on the list: at 80 columns with the story hidden
    behind it, and Enter then showed it some lines from where the reading had stopped."""
    body = [f"Paragraph {i} of a long story about the harbour wall and its repairs. " * 3 for i in range(60)]
    filled_store.add([(make_article(70, headline="Long harbour story", published="2031-01-01", body=body), None)])
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter", *"jjjjjjjj")
        await settle(pilot)
        scrolled = round(app.screen.query_one(ArticleView).scroll_y)
        assert scrolled >= 8
    again = BroadsheetApp(Store(filled_store.folder))
    async with again.run_test(size=size) as pilot:
        await settle(pilot)
        view = again.screen.query_one(ArticleView)
        assert again.focused is view and view.region.area and round(view.scroll_y) == scrolled
        assert view.article is not None and view.article.headline == "Long harbour story"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.pause(MainScreen.SAVE_DELAY + 0.1)
    third = BroadsheetApp(Store(filled_store.folder))
    async with third.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(third.focused, HeadlineList) and third.focused.region.area


async def test_a_session_left_in_a_story_found_by_its_text_reopens_there_once_the_index_answers(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Until the index opens, the reader's fallback filter answers a search without the story
    text: a session left in a story found by a word of its text reopened at its headline, then
    saved that over the place it was left at."""
    body = [f"Paragraph {i} of a long story about the harbour wall and its repairs. " * 3 for i in range(60)]
    body[40] = "The masons found a quernstone set into the old wall."
    filled_store.add([(make_article(70, headline="Long harbour story", published="2020-01-01", body=body), None)])
    story = next(s.id for s in filled_store.stories() if s.headline == "Long harbour story")
    filled_store.user.set_setting("session", {"story": story, "scroll": 30, "query": "quernstone", "reading": True})
    release = threading.Event()
    real_open = SearchIndex.open

    def slow_open(store: Store, **kwargs: Any) -> SearchIndex:
        release.wait(10)
        return real_open(store, **kwargs)

    monkeypatch.setattr(SearchIndex, "open", staticmethod(slow_open))
    monkeypatch.setattr(MainScreen, "SAVE_DELAY", 0.05)
    app = BroadsheetApp(Store(filled_store.folder))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        while not screen.reader.lists_query():
            await pilot.pause(0.02)
        assert screen.reader.partial and not screen.reader.result_ids  # the filter sees no story text
        await pilot.pause(0.2)
        assert Store(filled_store.folder).user.get_setting("session")["story"] == story  # not saved over
        release.set()
        while screen.reader.partial or not screen.reader.result_ids:
            await pilot.pause(0.02)
        await settle(pilot)
        view = screen.query_one(ArticleView)
        assert screen.query_one(HeadlineList).current.id == story
        assert view.article is not None and view.article.headline == "Long harbour story"
        assert round(view.scroll_y) == 30 and app.focused is view


async def test_a_session_left_in_a_story_deleted_since_reopens_on_the_list(filled_store: Store) -> None:
    """The story another reader deleted reopened as an empty story view, the focus in it."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        left = app.screen.query_one(ArticleView).article
        assert left is not None and app.screen.has_class("-reading")
    story = next(meta.id for meta in filled_store.stories() if meta.headline == left.headline)
    Store(filled_store.folder).delete([story])
    again = BroadsheetApp(Store(filled_store.folder))
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not again.screen.has_class("-reading")
        assert isinstance(again.focused, HeadlineList) and again.focused.region.area
        assert again.focused.current is not None and again.focused.current.id != story


async def test_a_saved_search_shows_in_the_sidebar_at_once(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        await pilot.press("enter", "s")
        await settle(pilot)
        await type_text(pilot, "boats")
        await pilot.press("ctrl+u")
        await type_text(pilot, "boats")
        await pilot.press("enter")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        labels = [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]
        assert any("boats" in label for label in labels)


async def test_pasted_escapes_and_bidi_overrides_are_dropped_from_a_search_and_its_saved_name(
        filled_store: Store) -> None:
    """A search pasted with an ESC sequence or a right-to-left override kept them, in its saved
    name too: the sidebar drew them raw."""
    from broadsheet.tui.screens.dialogs import PromptScreen

    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        bar = app.screen.query_one(SearchBar)
        bar.post_message(events.Paste("fer\u202ery\x1b[2J"))
        await settle(pilot)
        assert bar.value == "ferry"
        await pilot.press("enter", "s")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("ctrl+u")
        app.screen.query_one("#prompt-input").post_message(events.Paste("boats\u2066 \x9b31mday"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert filled_store.user.saved_searches() == {"boats day": "ferry"}
        # Saved again under its name with two spaces typed in it: the same search, not a question.
        await pilot.press("slash", "ctrl+u", *"ferry  vote", "enter", "s")
        await settle(pilot)
        await pilot.press("ctrl+u", *"vote", "enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+u", *"vote", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen) and type(app.screen).__name__ == "MainScreen"
        assert filled_store.user.saved_searches()["vote"] == "ferry  vote"


async def test_keys_after_enter_in_the_tag_editor_act_on_the_list_in_the_same_read(filled_store: Store) -> None:
    """"t fast Enter Enter" in one read stopped the reader (the prompt was closed twice), and
    "t fast Enter j j" typed the j's into the closing prompt, where they were lost."""
    from broadsheet.tui.screens.main import MainScreen

    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        first = headlines.current
        assert first is not None and headlines.cursor == 0
        burst(app, ("t", "t"), *[(c, c) for c in "fast"], ("enter", "\r"), ("j", "j"), ("j", "j"))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and headlines.cursor == 2
        assert "fast" in filled_store.user.get(first.id).tags
        second = headlines.current
        assert second is not None
        burst(app, ("t", "t"), *[(c, c) for c in "slow"], ("enter", "\r"), ("enter", "\r"))
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert "slow" in filled_store.user.get(second.id).tags


async def test_a_move_then_a_mark_in_one_read_saves_the_place(filled_store: Store) -> None:
    """"k b k b" in one read: the bookmark showed the cursor's story (its tags differed from the
    one shown) without saving the session, which then stayed on a story two rows back, where a
    dropped connection reopened."""
    import asyncio

    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        ids = [story.id for story in headlines.stories]
        filled_store.user.edit_tags([ids[1]], add=["harbour"])  # tags unlike those of the story shown
        await pilot.press("r", "j", "j", "j")
        await settle(pilot)
        burst(app, ("k", "k"), ("b", "b"), ("k", "k"), ("b", "b"))
        await settle(pilot)
        await asyncio.sleep(app.screen.SAVE_DELAY + 0.3)  # type: ignore[attr-defined]
        await settle(pilot)
        assert headlines.cursor == 1
        assert filled_store.user.get_setting("session")["story"] == ids[1]


async def test_the_row_under_the_cursor_shows_whether_it_is_read(filled_store: Store) -> None:
    """The cursor's row was bold either way: m changed nothing on screen but a sidebar count."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.has_focus and headlines.current is not None

        def headline_bold() -> bool:
            strip = headlines._render_row(headlines.cursor, headlines.size.width)
            return any(seg.style is not None and seg.style.bold and seg.text.strip()[:3] in headlines.current.headline
                       for seg in strip if seg.text.strip())

        read_before = filled_store.user.get(headlines.current.id).read
        assert headline_bold() is not read_before
        await pilot.press("m")
        await settle(pilot)
        assert headline_bold() is read_before


async def test_a_search_with_an_error_is_not_offered_for_saving(filled_store: Store) -> None:
    """The bar said the query had an error while s offered to save it: chosen later, it listed nothing."""
    from broadsheet.tui.screens.dialogs import PromptScreen

    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, 'ferry "harbour')
        await pilot.press("s")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert any(n.title == "Not saved" and "quote" in n.message for n in app._notifications)
        assert app.screen.reader.saved_searches() == {}  # type: ignore[attr-defined]


async def test_the_sidebar_appears_when_the_window_grows_past_150_columns(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.screen.has_class("-sidebar")
        await pilot.resize_terminal(200, 50)
        await settle(pilot)
        assert app.screen.has_class("-sidebar")
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not app.screen.has_class("-sidebar")


async def test_stories_imported_meanwhile_show_up_by_themselves(filled_store: Store,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MainScreen, "STORE_CHECK_INTERVAL", 0.05)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("j")
        await settle(pilot)
        current = headlines.current
        other = Store(filled_store.folder)  # another process importing
        other.add([(make_article(90, headline="Lighthouse keeper retires", published="2001-01-01"), None)])
        await pilot.pause(0.3)
        await settle(pilot)
        assert headlines.count == 6
        assert headlines.current == current  # the reader's place is kept


async def test_g_and_G_go_to_the_sidebars_first_and_last_entries(filled_store: Store) -> None:
    from broadsheet.tui.widgets.sidebar import Sidebar

    filled_store.user.edit_tags([filled_store.stories()[0].id], add=["rail", "winter"])
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        await pilot.press("G")
        await settle(pilot)
        assert sidebar.highlighted == sidebar.option_count - 1
        await pilot.press("g")
        await settle(pilot)
        assert sidebar.highlighted == 0


async def test_the_sidebar_highlights_the_entry_whose_stories_are_listed(filled_store: Store) -> None:
    """Opened after a saved search or a typed tag:rail, the sidebar still had "All stories" highlighted."""
    from broadsheet.tui.widgets.sidebar import Sidebar

    filled_store.user.edit_tags([filled_store.stories()[0].id], add=["rail"])
    filled_store.user.save_search("Ferries", "ferry")
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        assert sidebar.current_entry is not None and sidebar.current_entry.kind == "all"
        await search_for(pilot, "tag:rail")
        assert sidebar.current_entry is not None and (sidebar.current_entry.kind, sidebar.current_entry.name) == (
            "tag", "rail")
        await search_for(pilot, "ferry")
        assert (sidebar.current_entry.kind, sidebar.current_entry.name) == ("search", "Ferries")
        await search_for(pilot, "harbour wall")  # no entry lists it: the highlight stays
        assert (sidebar.current_entry.kind, sidebar.current_entry.name) == ("search", "Ferries")


async def test_the_story_read_deleted_from_the_shell_gives_its_place_to_the_next(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """`broadsheet rm` of the story being read: the reader jumped to the list's top, still reading,
    without a word."""
    monkeypatch.setattr(MainScreen, "STORE_CHECK_INTERVAL", 0.05)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        reading, after = headlines.stories[2], headlines.stories[3]
        assert headlines.current == reading
        Store(filled_store.folder).delete([reading.id])  # another process
        await pilot.pause(0.3)
        await settle(pilot)
        assert headlines.count == 4 and headlines.current is not None and headlines.current.id == after.id
        assert after.headline in app.screen.query_one(ArticleView).text
        assert any("The story under the cursor was deleted elsewhere" in n.message for n in app._notifications)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 40), (200, 50)])
async def test_the_list_shows_source_and_year_and_tags_at_every_width(filled_store: Store,
                                                                      size: tuple[int, int]) -> None:
    wire, other = filled_store.stories()[:2]
    filled_store.user.edit_tags([wire.id], add=["rail"])
    filled_store.user.edit_tags([other.id], add=["politics", "a rather long tag about ferries"])
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        lines = shown_lines(app.screen.query_one(HeadlineList))
        if app.screen.query_one(HeadlineList).row_width >= 61:  # the source, where the headline has room
            assert "Valley" in lines[0]
        assert all(("2024" in line or "'24" in line) for line in lines[:5])  # every date has its year
        # tags in the list at every width, beside the article too (a 37-to-57-column list)
        assert "[rail]" in lines[0] and "[pol" in lines[1] and "…]" in lines[1]
        assert "Tags: rail" in app.screen.query_one(ArticleView).text  # and in the article's header


async def test_delete_with_confirmation_and_undo(filled_store: Store) -> None:
    from broadsheet.store.search import SearchIndex

    SearchIndex.open(filled_store)
    stories = filled_store.stories()
    filled_store.user.set_bookmarked(stories[0].id, True)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("d", "n")  # asked, and answered no: nothing happens
        await settle(pilot)
        assert headlines.count == 5
        await pilot.press("d", "y")
        await settle(pilot)
        assert headlines.count == 4 and stories[0].id not in headlines.story_ids
        assert headlines.current.id == stories[1].id  # on to the next story
        assert Store(filled_store.folder).meta(stories[0].id) is None
        await pilot.press("slash")
        await type_text(pilot, "mountain")
        assert headlines.count == 0  # the search index dropped it too
        await pilot.press("escape", "u")
        await settle(pilot)
        assert headlines.count == 5 and headlines.current.id == stories[0].id
        assert Store(filled_store.folder).user.get(stories[0].id).bookmarked  # with its marks


async def test_undo_in_a_search_lists_the_story_back_under_the_cursor(filled_store: Store) -> None:
    """u in a search's results listed the story brought back, but the cursor sat on the first
    result: the search ran before the index had the story again, and ran again without it."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("j", "j")
        await settle(pilot)
        deleted = headlines.current.id
        await pilot.press("d", "y")
        await settle(pilot)
        assert deleted not in headlines.story_ids
        await pilot.press("u")
        await settle(pilot)
        assert headlines.count == 4 and headlines.current.id == deleted


async def test_escape_walks_back_from_the_sidebar_and_from_a_searchs_results(filled_store: Store) -> None:
    """Esc in the list of a search's results (where the note of an empty one says "Esc clears
    it") and in the sidebar did nothing; only q went back. Esc now does what q does there, and
    in the list of every story it does nothing (it never quits)."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await search_for(pilot, "nothing-matches-this")
        assert headlines.count == 0 and app.focused is headlines
        await pilot.press("escape")
        await settle(pilot)
        assert headlines.count == 5 and app.screen.query_one(SearchBar).value == ""
        await pilot.press("f")
        assert isinstance(app.focused, Sidebar)
        await pilot.press("escape")
        assert app.focused is headlines
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and headlines.count == 5


async def test_leaving_the_sidebar_while_reading_at_80_columns_keeps_the_focus_in_sight(
        filled_store: Store) -> None:
    """Reading a story at 80 columns (the list hidden), f then Esc (or f again) gave the focus to
    the hidden list: no region had it, and j and k changed the story from out of sight. A filter
    chosen in the sidebar then left the story in place of its results."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen, article = app.screen, app.screen.query_one(ArticleView)
        assert app.focused is article
        for leave in ("escape", "f"):
            await pilot.press("f")
            assert isinstance(app.focused, Sidebar)
            await pilot.press(leave)
            await settle(pilot)
            assert app.focused is article and article.region.area, leave
        await pilot.press("f", "j", "enter")  # the sidebar's second entry: unread stories
        await settle(pilot)
        headlines = screen.query_one(HeadlineList)
        assert screen.query_one(SearchBar).value == "is:unread"
        assert app.focused is headlines and headlines.region.area


@pytest.mark.parametrize("size", [(100, 30), (160, 40)])
async def test_a_maximized_region_takes_the_whole_screen(filled_store: Store, size: tuple[int, int]) -> None:
    """The palette's Maximize kept the list at its 40% (30% wide) between hatching: its
    headlines stayed cut short beside an empty screen."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        for region in (screen.query_one(HeadlineList), screen.query_one(ArticleView)):
            region.focus()
            await settle(pilot)
            await pilot.press("ctrl+p", *"maximize", "enter")
            await settle(pilot)
            assert screen.maximized is region
            assert region.outer_size.width == size[0], type(region).__name__
            screen.action_minimize()
            await settle(pilot)
            assert region.outer_size.width < size[0]


async def test_f_in_full_width_reading_leaves_it_for_the_sidebar(filled_store: Store) -> None:
    """f while reading full width (z) focused the sidebar that z hides: the footer offered its
    keys, and j and k moved a cursor no one could see."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("enter", "z")
        await settle(pilot)
        assert screen.has_class("-zen")
        await pilot.press("f")
        await settle(pilot)
        assert not screen.has_class("-zen")
        assert isinstance(app.focused, Sidebar) and app.focused.region.area


async def test_z_twice_from_the_list_at_80_columns_gives_the_list_its_focus_back(filled_store: Store) -> None:
    """z from the list at 80 columns shows the story full width; z again shows the list, but the
    focus stayed in the hidden story's region: j did nothing and the footer offered the caption
    panel's keys."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(app.focused, HeadlineList)
        await pilot.press("z")
        await settle(pilot)
        assert screen.has_class("-zen")
        await pilot.press("z")
        await settle(pilot)
        assert not screen.has_class("-zen")
        assert isinstance(app.focused, HeadlineList) and app.focused.region.area
        cursor = app.focused.cursor
        await pilot.press("j")
        await settle(pilot)
        assert app.focused.cursor == cursor + 1


@pytest.mark.parametrize("width", [40, 60, 99])
async def test_the_sidebar_asked_for_on_a_narrow_screen_leaves_the_list_whole(filled_store: Store, width: int) -> None:
    """At 40 columns f gave the sidebar 22 and the list, 30 at least, ran off the screen's edge
    with its right border and its dates."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(width, 20)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar, headlines = app.screen.query_one(Sidebar), app.screen.query_one(HeadlineList)
        assert sidebar.region.width >= 18 and sidebar.region.right <= headlines.region.x
        assert headlines.region.right == width and headlines.region.width >= 20


async def test_the_help_scrolls_with_the_readers_keys(filled_store: Store) -> None:
    """In the help (?) j, k, g and G did nothing: only the arrows and PgUp/PgDn scrolled it."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 3
        await pilot.press("j", "j", "j")
        await pilot.wait_for_scheduled_animations()
        assert body.scroll_y == 3
        await pilot.press("k")
        await pilot.wait_for_scheduled_animations()
        assert body.scroll_y == 2
        await pilot.press("G")
        await pilot.wait_for_scheduled_animations()
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        await pilot.wait_for_scheduled_animations()
        assert body.scroll_y == 0


async def test_delete_all_listed(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        await pilot.press("enter", "D", "y")
        await settle(pilot)
        assert len(Store(filled_store.folder)) == 1


async def test_deleting_every_story_says_u_brings_them_back_and_the_undo_lists_the_search_again(
        filled_store: Store) -> None:
    """After D of every listed story the view said "No story selected. Import saved pages", as
    if the store had always been empty; after u the search listed "0 of 5" until the index had
    the stories again."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("D", "y")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert len(Store(filled_store.folder)) == 0
        text = app.screen.query_one(ArticleView).text
        assert "Every story was deleted." in text and "u brings back the 5 stories just deleted." in text
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        await pilot.press("enter")
        await settle(pilot)
        assert "u brings back the 5 stories just deleted." in app.screen.query_one(ArticleView).text
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.count == 4 and len(Store(filled_store.folder)) == 5  # the search's four, all back


async def test_undo_right_after_a_large_delete_waits_for_the_readers_own_index(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a million stories the index's catch-up after D held the store's lock for a minute, and
    u then said another broadsheet was writing: the undo waits for the reader's own catch-up."""
    import threading

    from broadsheet.tui.screens import main as main_screen

    monkeypatch.setattr(main_screen, "BUSY_WAIT", 0.3)
    told = progress_told(monkeypatch)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        await pilot.press("D", "y")
        await settle(pilot)
        assert len(Store(filled_store.folder)) == 1
        caught_up = threading.Event()

        def long_catch_up() -> None:  # what the index's catch-up does, for longer than BUSY_WAIT
            with app.index_still(), Store(filled_store.folder, check=False).lock:
                caught_up.wait(1.0)

        holder = threading.Thread(target=long_catch_up)
        holder.start()
        await pilot.pause(0.1)
        await pilot.press("u")
        await pilot.pause(0.5)
        caught_up.set()
        holder.join()
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        assert len(Store(filled_store.folder)) == 5
        assert not any("another broadsheet" in n.message for n in app._notifications)
        assert "Waiting for the search index to catch up first…" in told  # the wait is said


async def test_the_store_check_waits_for_the_readers_own_delete(filled_store: Store,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The 3-second check reloaded half way through a long delete: the sidebar counted the
    stories gone but not yet their read marks ("Unread 592,542" at a million), and the search
    listed none of its matches. It waits for the delete, which reloads when it is done."""
    import threading

    from broadsheet.tui.screens.main import MainScreen

    written = threading.Event()
    real_delete = Store.delete

    def slow_delete(self: Store, ids: object, on_progress: object = None, **options: bool) -> object:
        deleted = real_delete(self, ids, on_progress, **options)  # type: ignore[arg-type]
        written.wait(5)  # the rest of a long delete: the stories are gone, the worker still runs
        return deleted

    monkeypatch.setattr(Store, "delete", slow_delete)
    reloads: list[int] = []
    real_reload = MainScreen.reload
    monkeypatch.setattr(MainScreen, "reload", lambda self, *a, **k: (reloads.append(1), real_reload(self, *a, **k))[1])
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        await pilot.press("D", "y")
        for _ in range(50):
            await pilot.pause(0.05)
            if len(Store(filled_store.folder)) == 1:
                break
        screen = app.screen
        assert isinstance(screen, MainScreen)
        reloads.clear()
        screen._check_store()
        assert reloads == []  # not half way
        written.set()
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert reloads  # the delete's own reload, once it is done


async def test_delete_all_refuses_a_list_longer_than_it_can_undo(filled_store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.tui.screens import main as main_screen
    from broadsheet.tui.screens.dialogs import ConfirmScreen

    monkeypatch.setattr(main_screen, "DELETE_MAX", 4)
    told = progress_told(monkeypatch)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("D")  # all five listed
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert any(n.message.startswith("5 listed stories are more than the reader deletes at once (4")
                   for n in app._notifications)
        await type_text(pilot, "/ferry")  # four: deleted by a worker, shard by shard
        await pilot.press("enter", "D", "y")
        await settle(pilot)
        assert len(Store(filled_store.folder)) == 1
        assert told[-1] == "Deleting 4 stories: 100%"
        await pilot.press("escape", "u")  # brought back by a worker too
        await settle(pilot)
        assert len(Store(filled_store.folder)) == 5
        assert any(n.message == "Brought back 4 stories" for n in app._notifications)


async def test_the_reader_offers_to_reparse_stories_of_an_older_parser(store: Store) -> None:
    store.add([(make_article(1), "old.txt"), (make_article(2), "old2.txt")])  # no parser version: older
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert any("2 stories were read by an older parser" in n.message and "reparse --stale" in n.message
                   for n in app._notifications)


async def test_export_from_the_palette_writes_markdown_with_the_readers_dates(filled_store: Store, tmp_path) -> None:
    from broadsheet.store.model import Image

    filled_store.add([(make_article(40, headline="Quiet harbour morning", published="2030-05-06",
                                    images=[Image("", "Photo: Kim Lee")]), None)])
    app = BroadsheetApp(filled_store)
    target = tmp_path / "out.md"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Export listed stories (Markdown)")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, str(target))
        await pilot.press("enter")
        await settle(pilot)
    text = target.read_text()
    assert text.count("\n# ") + text.startswith("# ") == 6
    assert "6 May 2030" in text and "2030-05-06" not in text  # the date as the reader shows it
    assert "> Photo credit: Photo: Kim Lee" in text and "> Photo: (" not in text  # no empty caption


async def test_export_runs_off_the_screen_with_progress_and_says_why_it_failed(
        store: Store, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long list is exported by a worker, a shard of stories at a time, its progress above the
    footer; a file that cannot be written is named with the reason."""
    import orjson
    from textual.widgets import Label

    store.add([(make_article(i, headline=f"Ferry timetable {i}"), f"s{i}.txt") for i in range(300)])
    told = progress_told(monkeypatch)
    app = BroadsheetApp(store)
    target = tmp_path / "all.json"
    (tmp_path / "inside.json").mkdir()  # a folder by that name: known only as it is written
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for name in (str(target), str(tmp_path / "inside.json")):  # the second cannot be
            await pilot.press("E")
            await settle(pilot)
            await pilot.press("ctrl+u")
            app.screen.query_one("Input").value = name  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and not screen.query_one("#work-status", Label).display
        messages = [said(n) for n in app._notifications]
    assert any("256 done" in text for text in told)  # told as it went, a shard of stories at a time
    assert len(orjson.loads(target.read_bytes())["stories"]) == 300
    assert f"Exported 300 stories to {target}" in messages
    failed = [m for m in messages if m.startswith("Not exported")]
    assert len(failed) == 1 and "inside.json" in failed[0], messages


async def test_export_asks_before_replacing_a_file_and_says_where_a_relative_name_went(
        filled_store: Store, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.tui.screens.dialogs import ConfirmScreen

    monkeypatch.chdir(tmp_path)
    (tmp_path / "kept.md").write_text("an earlier export")
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for answer in ("n", "y"):
            await pilot.press("e")
            await settle(pilot)
            app.screen.query_one("Input").value = "kept.md"  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            await settle(pilot)
            if answer == "n":
                assert (tmp_path / "kept.md").read_text() == "an earlier export"
        messages = [said(n) for n in app._notifications]
    assert "\n\n# " in (tmp_path / "kept.md").read_text()
    assert f"Exported 5 stories to {tmp_path / 'kept.md'}" in messages


async def _refused_in_the_export_prompt(app: BroadsheetApp, pilot: Pilot, typed: str) -> str:
    """Type ``typed`` into the export prompt and press Enter: the prompt is still open with it,
    and what it says under it is returned."""
    from textual.widgets import Input, Static

    from broadsheet.tui.screens.dialogs import PromptScreen

    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    await pilot.press("ctrl+u")
    await type_text(pilot, typed)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, PromptScreen)
    assert app.screen.query_one(Input).value == typed
    return str(app.screen.query_one("#prompt-hint", Static).content)


async def test_an_export_to_a_folder_that_is_not_there_keeps_the_prompt_and_the_name_typed(
        filled_store: Store, tmp_path) -> None:
    """The prompt closed, a notice said the folder did not exist, and e again offered the default
    name: the path typed, with its typo, was lost. As the subscribe dialog does, it stays."""
    from textual.widgets import Input

    from broadsheet.tui.screens.dialogs import PromptScreen

    typed = str(tmp_path / "nonexistent" / "dir" / "out.md")
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        said = await _refused_in_the_export_prompt(app, pilot, typed)
        assert said == f"Not exported: cannot write {typed}: its folder does not exist"
        app.screen.query_one(Input).value = str(tmp_path / "out.md")
        await pilot.press("enter")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen) and (tmp_path / "out.md").is_file()


async def test_an_export_to_the_home_of_a_user_not_there_is_refused_in_the_prompt(filled_store: Store) -> None:
    """"~nosuchuser/out.md" raised RuntimeError from expanduser: a traceback, the reader gone."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        said = await _refused_in_the_export_prompt(app, pilot, "~nosuchuser59/out.md")
        assert said == "Not exported: ~nosuchuser59 is no user's home folder here"


async def test_an_export_that_fails_unforeseen_leaves_no_progress_line(
        filled_store: Store, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure outside what the export guards (seen: a module changed under a running reader)
    left "Exporting 5 stories…" above the footer for good."""
    from textual.widgets import Label

    from broadsheet.store.storage import export_file

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the unforeseen")

    monkeypatch.setattr(export_file, "write_export", broken)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("Input").value = str(tmp_path / "out.md")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert not app.screen.query_one("#work-status", Label).display
        assert any("RuntimeError: the unforeseen" in n.message for n in app._notifications)


async def test_match_navigation_shows_its_place_and_captions_are_highlighted(filled_store: Store) -> None:
    from broadsheet.tui.widgets.credits_panel import CreditsPanel, credits_table

    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "harbour")
        await pilot.press("enter", "enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        count = view.match_count
        assert count >= 1 and view.border_subtitle.startswith(f"{count} match")
        await pilot.press("n")
        await settle(pilot)
        assert view.border_subtitle == f"match 1/{count}"
        await pilot.press(*"n" * count)  # past the last: the first again, and said so, as the list's n says it
        await settle(pilot)
        assert view.border_subtitle == f"match 1/{count}"
        assert [n.message for n in app._notifications].count("Past the last match: back to the first") == 1
        panel = app.screen.query_one(CreditsPanel)
        assert panel.content is not None
    table = credits_table(make_article(1), ["harbour"])
    caption = next(iter(table.columns[1].cells))
    assert caption.plain.startswith("Ferries wait at the harbour wall")
    assert any(str(span.style) == "reverse" and caption.plain[span.start:span.end].lower() == "harbour"
               for span in caption.spans)


async def test_at_80x24_the_credits_panel_gives_the_article_the_room_until_focused(filled_store: Store) -> None:
    from broadsheet.tui.widgets.credits_panel import CreditsPanel

    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the wire story: eight lines of credits
        await settle(pilot)
        panel = app.screen.query_one(CreditsPanel)
        article = app.screen.query_one(ArticleView)
        assert panel.outer_size.height <= 4 and article.outer_size.height >= 14
        panel.focus()
        await settle(pilot)
        assert panel.outer_size.height >= 8  # all of it once the reader goes there


async def test_help_lists_the_readers_own_keys_per_region(filled_store: Store) -> None:
    import io

    from rich.console import Console
    from textual.widgets import Static

    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-keys", Static).content)
        text = console.export_text()
    headline_part = text[text.index("Headline list"):text.index("Article")]
    assert "j / ↓" in headline_part and "k / ↑" in headline_part
    assert "Page Left" not in text and "Scroll" not in text  # not Textual's scrolling internals
    assert "Back / quit" in text and "Quit now" in text and "Next unread" in text


async def test_enter_enter_in_one_read_leaves_the_search_bar_and_opens_the_story(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "rail")
        burst(app, ("enter", "\r"), ("enter", "\r"))
        await settle(pilot)
        assert app.screen.has_class("-reading") and app.screen.query_one(ArticleView).has_focus


async def test_ctrl_c_says_how_to_quit_in_the_list_the_story_and_the_search_bar(filled_store: Store) -> None:
    """A newsboat user presses Ctrl+C to leave: with nothing selected to copy it did nothing and
    said nothing, in the list, the story, the search bar and a question."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)

        async def told() -> bool:
            app.clear_notifications()
            await pilot.press("ctrl+c")
            await settle(pilot)
            return any("Ctrl+Q quits" in n.message for n in app._notifications) and app.is_running

        assert await told()  # the list
        await pilot.press("enter")
        await settle(pilot)
        assert await told()  # the story
        await pilot.press("slash")
        await settle(pilot)
        assert await told()  # the search bar


@pytest.mark.parametrize(("first", "region"), [("f", Sidebar), ("enter", ArticleView), ("z", ArticleView)])
async def test_a_key_typed_right_after_one_that_moves_the_focus_acts_where_it_went(
        filled_store: Store, first: str, region: type) -> None:
    """"fj" in one read (tmux send-keys, a laggy link): the focus moved a message later, so
    j went to the list and moved its cursor, and the sidebar's stayed; after Enter or z the list
    went on to the next story instead of the story scrolling."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        sidebar = app.screen.query_one(Sidebar)
        burst(app, (first, "\r" if first == "enter" else first), ("j", "j"))
        await settle(pilot)
        assert isinstance(app.focused, region)
        assert headlines.cursor == 0  # j did not go to the list
        if region is Sidebar:
            assert sidebar.highlighted == 1  # it went to the sidebar

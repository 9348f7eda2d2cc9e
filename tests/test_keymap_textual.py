"""The keymap check knows Textual's own keys (the app's Ctrl+Q and Ctrl+P, a screen's Tab, the
keys widgets inherit) and which screens and widgets answer a key together."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from broadsheet.cli.main import main
from broadsheet.config import load_config
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.keymap import check_keymap, screens
from broadsheet.tui.screens.dialogs import ConfirmScreen, PromptScreen
from broadsheet.tui.screens.help import HelpScreen
from broadsheet.tui.screens.photo import PhotoScreen
from broadsheet.tui.widgets.credits_panel import CreditsPanel
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.search_bar import SearchBar
from tests.factories import make_article
from tests.photos import photo_article
from tests.pilot import settle

TEXTUAL_FIRST = '"story.bookmark" = "ctrl+q"\n"view.zen" = "ctrl+p"\n"story.read" = "tab"\n'


def config_with(tmp_path: Path, keys: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("[keys]\n" + keys)
    return path


def test_config_check_says_textuals_own_keys_come_first_and_keeps_the_defaults(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = config_with(tmp_path, TEXTUAL_FIRST)
    monkeypatch.setenv("BROADSHEET_CONFIG", str(path))
    assert main(["config", "check"]) == 1
    err = capsys.readouterr().err.replace("\n", " ")
    assert "keys.story.bookmark = 'ctrl+q': 'ctrl+q' is the app's own key (Quit) before any other; " \
           "keeping the default 'b'" in err
    assert "keys.view.zen = 'ctrl+p': 'ctrl+p' is the app's own key (Open the command palette)" in err
    assert "story.read and MainScreen Focus Next (Textual's) are both on 'tab'; keeping the default keys of " \
           "story.read" in err
    assert load_config(path).keys == {}


def test_only_a_text_fields_key_is_said_to_hide_the_users() -> None:
    keys, problems, notes = check_keymap({"story.next_photo": "right"}, "c")
    assert keys == {"story.next_photo": "right"}  # it wins over the list's and views' Right, not the search bar's
    assert problems == [] and notes == [
        "c: story.next_photo and SearchBar Move cursor right or accept the completion suggestion (Textual's) are "
        "both on 'right': while the search bar has focus, 'right' does Move cursor right or accept the completion "
        "suggestion"]
    keys = {"article.page": "b"}  # a key the user gave the article view hides the screen's there
    assert check_keymap(keys, "c") == (keys, [], [
        "c: story.bookmark and article.page are both on 'b': while the article view has focus, 'b' does "
        "Page down, at the end the next story"])


def test_keys_of_a_screen_never_meet_the_widgets_of_another() -> None:
    keys = {"photo.next": "n", "photo.close": "escape,d"}  # the article view's n, the main screen's d
    assert check_keymap(keys, "c") == (keys, [], [])


def test_letters_typed_into_the_search_bar_are_no_clash() -> None:
    keys = {"story.bookmark": "ctrl+b", "view.zen": "Z"}
    assert check_keymap(keys, "c") == (keys, [], [])


async def test_the_reader_warns_at_start_and_keeps_the_default_keys(store: Store, tmp_path: Path) -> None:
    store.add([(make_article(1), None), (make_article(2), None)])
    app = BroadsheetApp(store, load_config(config_with(tmp_path, TEXTUAL_FIRST)))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        told = " ".join(n.message for n in app._notifications)
        assert "'ctrl+q' is the app's own key" in told and "'ctrl+p' is the app's own key" in told
        assert "both on 'tab'" in told
        story = app.screen.query_one(HeadlineList).current
        await pilot.press("b", "m")
        await settle(pilot)
        assert store.user.get(story.id).bookmarked and store.user.get(story.id).read
        await pilot.press("tab")
        await settle(pilot)
        assert not isinstance(app.focused, HeadlineList)  # Tab still moves the focus


async def test_the_screens_the_check_knows_have_the_focusable_widgets_the_reader_has(
        filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    known = screens()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        opened = [PhotoScreen(make_article(1).images, 0, filled_store.folder, "off"), HelpScreen(app.screen, {}),
                  ConfirmScreen("Sure?"), PromptScreen("Name")]
        for screen in [app.screen, *opened]:
            if screen is not app.screen:
                await app.push_screen(screen)
                await settle(pilot)
            focusable = {type(w) for w in screen.query(Widget) if w.can_focus}
            assert type(screen) in known and focusable <= set(known[type(screen)]), type(screen).__name__


async def test_a_key_rebound_to_a_screen_action_wins_over_the_focused_lists_own_but_not_over_editing(
        store: Store, tmp_path: Path) -> None:
    """story.next_photo = "right": with the list focused Right steps the photo (the list's own Right,
    Textual's scroll, took it before); in the search bar Left and Right still move the cursor."""
    store.add([(photo_article(store, 0, count=3), None)])
    app = BroadsheetApp(store, load_config(config_with(tmp_path, '"story.next_photo" = "right"\n')), graphics="off")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        told = " ".join(n.message for n in app._notifications)
        assert "HeadlineList" not in told and "while the search bar has focus, 'right' does Move cursor" in told
        credits = app.screen.query_one(CreditsPanel)
        assert isinstance(app.focused, HeadlineList) and credits.photo_index == 0
        await pilot.press("right")
        await settle(pilot)
        assert credits.photo_index == 1
        await pilot.press("right")
        await settle(pilot)
        assert credits.photo_index == 2
        await pilot.press("slash", "a", "b", "left", "x", "right", "y", "home", "z", "end", "backspace")
        await settle(pilot)
        bar = app.screen.query_one(SearchBar)
        assert app.focused is bar and bar.value == "zaxb"  # Right moved the cursor past the x


async def test_a_screen_key_rebound_onto_a_widgets_own_action_leaves_it_there_and_says_so(
        store: Store, tmp_path: Path) -> None:
    """story.bookmark = "x": in the sidebar x bookmarked the story instead of deleting the tag, while
    help and the footer said "x Delete", and nothing was said at start or by `config check`."""
    from broadsheet.tui.screens.dialogs import ConfirmScreen
    from broadsheet.tui.widgets.sidebar import Sidebar

    [sid] = store.add([(make_article(1), None)])
    store.user.edit_tags([sid], add=["rail"])
    _sound, _problems, said = check_keymap({"story.bookmark": "x"}, "config")
    assert said == ["config: story.bookmark and sidebar.delete are both on 'x': while the sidebar has focus, "
                    "'x' does Delete tag/search/feed"]
    app = BroadsheetApp(store, load_config(config_with(tmp_path, '"story.bookmark" = "x"\n')))
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("x")  # in the list: the user's key
        await settle(pilot)
        assert store.user.get(sid).bookmarked
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        assert app.focused is sidebar
        while sidebar.highlighted_option is None or "rail" not in str(sidebar.highlighted_option.prompt):
            await pilot.press("j")
            await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the sidebar's own: delete the tag?
        assert store.user.get(sid).bookmarked


async def test_the_lists_and_articles_movement_keys_have_ids_shown_in_help_and_rebound_by_keys(
        filled_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """README: [keys] rebinds any key by its id, shown in `?`: j/k, PgDn, Home, G... too."""
    from rich.console import Console
    from textual.widgets import Static

    from broadsheet.tui.widgets.article_view import ArticleView

    assert all(b.id for b in [*HeadlineList.BINDINGS, *ArticleView.BINDINGS] if isinstance(b, Binding))
    keys = '"list.down" = "J"\n"list.last" = "ctrl+e"\n"article.down" = "J"\n'
    path = config_with(tmp_path, keys)
    monkeypatch.setenv("BROADSHEET_CONFIG", str(path))
    assert main(["config", "check"]) == 0  # config check knows the ids
    app = BroadsheetApp(filled_store, load_config(path))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert not [n.message for n in app._notifications if "keys" in n.message]  # nothing said at the start
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.cursor == 0
        await pilot.press("j")  # the old key no longer moves the list
        await settle(pilot)
        assert headlines.cursor == 0
        await pilot.press("J")
        await settle(pilot)
        assert headlines.cursor == 1
        await pilot.press("down")  # the arrow stays: a letter rebound took it away, unsaid
        await settle(pilot)
        assert headlines.cursor == 2
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert headlines.cursor == headlines.count - 1
        await pilot.press("question_mark")
        await settle(pilot)
        console = Console(width=120, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(app.screen.query_one("#help-keys", Static).content)
        shown = [" ".join(line.split()) for line in console.export_text().splitlines()]
        assert "J / ↓ Down list.down" in shown and "PgDn Page down list.page_down" in shown
        assert "Ctrl+E / End Last list.last" in shown  # the keys as [keys] left them, the movement keys kept
        assert any(line.endswith("Top article.top") for line in shown)


async def test_a_maximized_widget_keeps_the_keys_the_user_rebound(store: Store, tmp_path: Path) -> None:
    """Maximize (the palette's) the list: Right, which the user gave story.next_photo, still steps the
    photo (Textual's scroll took it back while maximized), and Esc still restores the layout."""
    store.add([(photo_article(store, 0, count=3), None)])
    app = BroadsheetApp(store, load_config(config_with(tmp_path, '"story.next_photo" = "right"\n')), graphics="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        credits = app.screen.query_one(CreditsPanel)
        assert isinstance(app.focused, HeadlineList) and credits.photo_index == 0
        app.screen.action_maximize()
        await settle(pilot)
        assert app.screen.maximized is app.focused
        await pilot.press("right")
        await settle(pilot)
        assert credits.photo_index == 1
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.maximized is None and isinstance(app.focused, HeadlineList)


def test_every_key_of_the_reader_has_an_id_the_readme_lists() -> None:
    """README: [keys] rebinds any key by its id; the credits panel's, the sidebar's, the search bar's
    and the dialogs' keys too, and the README's key table names each id."""
    from broadsheet.tui.keymap import all_bindings, binding_ids

    assert [f"{b.owner.__name__} {b.binding.key}" for b in all_bindings() if not b.binding.id] == []
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert [i for i in binding_ids() if f"`{i}`" not in readme] == []


def test_config_check_refuses_a_letter_a_text_field_types_and_an_app_wide_key_on_anothers() -> None:
    keys = {"search.clear": "x", "dialog.cancel": "ctrl+g,q", "app.quit_anywhere": "Q"}
    assert check_keymap(keys, "c") == ({}, [
        "c: keys.search.clear = 'x': 'x' is typed into the text field, so it would never do Clear search; "
        "keeping the default 'escape'",
        "c: keys.dialog.cancel = 'ctrl+g,q': 'q' is typed into the text field, so it would never do Cancel; "
        "keeping the default 'escape'",
        "c: keys.app.quit_anywhere = 'Q': 'Q' is then the app's own key, before any other: app.quit_now would "
        "never have it; keeping the default 'ctrl+q'"], [])
    keys = {"search.clear": "ctrl+g", "dialog.cancel": "ctrl+g", "app.quit_anywhere": "f10"}
    assert check_keymap(keys, "c") == (keys, [], [])


async def test_the_panels_sidebars_and_dialogs_keys_are_rebound_by_keys_and_shown_in_help(
        filled_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console
    from textual.widgets import Static

    from broadsheet.tui.widgets.sidebar import Sidebar

    keys = ('"credits.bottom" = "ctrl+e"\n"credits.back" = "ctrl+b"\n"sidebar.down" = "J"\n"dialog.no" = "x"\n'
            '"search.clear" = "ctrl+g"\n"help.close" = "ctrl+w"\n"app.quit_anywhere" = "f10"\n')
    path = config_with(tmp_path, keys)
    monkeypatch.setenv("BROADSHEET_CONFIG", str(path))
    assert main(["config", "check"]) == 0  # config check knows the ids
    app = BroadsheetApp(filled_store, load_config(path))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        assert not [n.message for n in app._notifications if "keys" in n.message]
        screen = app.screen
        credits = screen.query_one(CreditsPanel)
        credits.focus()
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert credits.scroll_y == credits.max_scroll_y
        await pilot.press("escape")  # no longer the panel's
        await settle(pilot)
        assert app.focused is credits
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert app.focused is not credits

        sidebar = screen.query_one(Sidebar)
        sidebar.focus()
        await settle(pilot)
        before = sidebar.highlighted
        await pilot.press("j")
        await settle(pilot)
        assert sidebar.highlighted == before
        await pilot.press("J")
        await settle(pilot)
        assert sidebar.highlighted == (before or 0) + 1

        await pilot.press("slash", "w", "o")
        await settle(pilot)
        bar = screen.query_one(SearchBar)
        assert app.focused is bar and bar.value == "wo"  # (Esc, no longer the bar's, walks back: app.back)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.focused is not bar and bar.value == ""

        screen.headlines.focus()
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no longer No: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is screen and len(filled_store.stories()) == 5

        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=160, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(app.screen.query_one("#help-keys", Static).content)
        shown = [" ".join(line.split()) for line in console.export_text().splitlines()]
        for row in ["Ctrl+E / End Bottom credits.bottom", "Ctrl+B Back to the story credits.back",
                    "J / ↓ Down sidebar.down", "Enter Show these stories sidebar.open",
                    "Ctrl+G Clear search search.clear", "x No dialog.no", "y / Enter Yes dialog.yes",
                    "Esc Cancel dialog.cancel", "Ctrl+W Close help.close", "j Down help.down",
                    "Ctrl+D / Space Page down help.page_down", "F10 Quit app.quit_anywhere"]:
            assert row in shown, row
        at = shown.index("This help")  # its moves under the same title, not a second one
        assert shown.count("This help") == 1 and shown[at + 1] == "Ctrl+W Close help.close", shown[at:at + 4]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("f10")
        await settle(pilot)
    assert app.return_code == 0 and not app.is_running


async def test_the_dialogs_and_help_name_the_keys_keys_gave_them(
        filled_store: Store, tmp_path: Path) -> None:
    """"dialog.no" = "x": the question says "x: no", not "n / Esc: no", which no longer answer it."""
    from textual.widgets import Label, Static

    keys = '"dialog.no" = "x"\n"dialog.cancel" = "ctrl+g"\n"help.close" = "ctrl+w"\n'
    app = BroadsheetApp(filled_store, load_config(config_with(tmp_path, keys)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        def said(screen_type: type) -> str:
            assert isinstance(app.screen, screen_type)
            return " ".join(str(w.render()) for w in app.screen.query(Label) if not w.id) + " ".join(
                str(w.render()) for w in app.screen.query(Static))

        await pilot.press("d")
        await settle(pilot)
        assert "y / Enter: yes    x: no" in said(ConfirmScreen)
        await pilot.press("x", "t")
        await settle(pilot)
        assert "Enter saves; Ctrl+G cancels" in said(PromptScreen)
        await pilot.press("ctrl+g", "slash", "m", "o", "enter", "s")
        await settle(pilot)
        assert "Enter: OK    Ctrl+G: cancel" in said(PromptScreen)
        await pilot.press("ctrl+g", "question_mark")
        await settle(pilot)
        assert "Ctrl+W closes this screen" in said(HelpScreen)


def test_a_refused_key_names_every_default_key_that_stays() -> None:
    """list.down's default is Down and j: "keeping the default 'j'" told of one, as if Down were gone."""
    _keys, problems, _notes = check_keymap({"list.down": "ctrl+p", "search.to_results": "x"}, "c")
    assert [p.rpartition("; ")[2] for p in problems] == ["keeping the default 'enter,down'",
                                                           "keeping the default 'j,down'"]


class _Marks:  # a mixin, as the main screen's FeedsMixin is: no DOMNode, so Textual never reads its BINDINGS
    __module__ = "broadsheet.tui.screens.example"  # the reader's own, which help lists
    BINDINGS = [Binding("m", "mark", "Mark", id="example.mark")]


class _Listing(Screen[None]):
    __module__ = "broadsheet.tui.screens.example"
    BINDINGS = [Binding("o", "open", "Open", id="example.open")]


class _Reading(_Marks, _Listing):
    __module__ = "broadsheet.tui.screens.example"
    BINDINGS = [Binding("enter", "open", "Open", id="example.open_enter")]

    def __init__(self) -> None:
        super().__init__()
        self.done: list[str] = []

    def action_open(self) -> None:
        self.done.append("open")

    def action_mark(self) -> None:
        self.done.append("mark")


async def test_help_lists_the_keys_textual_answers() -> None:
    """Help walked the classes its own way, the [keys] check Textual's: it listed a mixin's key
    Textual never binds (m), and left out a base's key (o) for an action a subclass binds to
    another key, which still works. Both now read one walk of the bindings."""
    from textual.app import App

    from broadsheet.tui.bindings import bindings_of

    screen = _Reading()
    async with App[None]().run_test() as pilot:
        await pilot.app.push_screen(screen)
        await pilot.press("m", "o", "enter")
        await pilot.pause()
    assert screen.done == ["open", "open"]  # what Textual does with the keys
    assert [(b.action, b.key) for b in bindings_of(_Reading, {})] == [("open", "enter,o")]
    assert [(b.action, b.key) for b in bindings_of(_Reading, {"example.open": "O"})] == [("open", "enter,O")]

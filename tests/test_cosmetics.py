"""What the reader shows, as a review of its looks found it: the footer, the help's key names,
the photo screen's header and the focus colour in 16 colours (each failed before its fix)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static
from textual.widgets._footer import FooterKey  # the footer's own key widget: no public name

from broadsheet.store.model import Image
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.help import HelpScreen, KeysTable
from broadsheet.tui.screens.photo import PhotoScreen
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.photo import PhotoView
from tests.factories import make_article
from tests.photos import keep_photo, picture_bytes
from tests.pilot import search_for, settle
from tests.test_e2e_terminal import TMUX, reader_in_tmux


def footer(app: BroadsheetApp) -> list[str]:
    """The footer's keys as drawn: "⏎ Open"."""
    return [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey) if key.display]


async def test_the_footer_offers_open_only_while_a_story_is_listed(filled_store: Store) -> None:
    """Over a list a search had emptied, the footer still said "⏎ Open", which did nothing."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, HeadlineList) and "⏎ Open" in footer(app)
        await search_for(pilot, "zzqx")
        assert isinstance(app.focused, HeadlineList) and app.focused.count == 0
        assert "⏎ Open" not in footer(app) and "? Keys" in footer(app)
        await pilot.press("enter")  # nothing to open: the list keeps the focus, no error
        await settle(pilot)
        assert isinstance(app.focused, HeadlineList) and not app.screen.has_class("-reading")
        await pilot.press("escape")  # the search cleared: the stories, and Open, are back
        await settle(pilot)
        assert app.screen.query_one(HeadlineList).count == 5 and "⏎ Open" in footer(app)


async def test_the_photo_screen_lays_out_a_photo_without_a_credit_as_one_with(tmp_path: Path) -> None:
    """Without a credit the caption went on the header's line ("Photo 2 of 2: Boats…"), with one
    on a line of its own: stepping from one to the other moved the caption and the picture."""
    store = Store(tmp_path / "store")
    images = [Image("Boats at the harbour wall.", "Ben Wick/Gazette", photo=keep_photo(store, picture_bytes())),
              Image("Nets drying on the quay.", None, photo=keep_photo(store, picture_bytes(seed=1)))]
    store.add([(make_article(0, images=images), None)])
    app = BroadsheetApp(store, graphics="halfblocks")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "v")
        shown = []
        for _ in images:
            await settle(pilot)
            assert isinstance(app.screen, PhotoScreen)
            caption = app.screen.query_one("#photo-caption-text", Static)
            shown.append((str(caption.content).splitlines(), app.screen.query_one(PhotoView).size))
            await pilot.press("p")
    (credited, picture), (uncredited, same_picture) = shown
    assert credited == ["Photo 1 of 2 — Ben Wick/Gazette", "Boats at the harbour wall."]
    assert uncredited == ["Photo 2 of 2", "Nets drying on the quay."]
    assert picture == same_picture


async def test_the_help_names_every_key_in_one_spelling(filled_store: Store) -> None:
    """It said "esc", "^d", "⏎" and "pgdn" (the footer's spellings) above its own "Tab / Shift+Tab"
    and "Ctrl+P"; the keys are named in words throughout now, as the README names them."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-keys", Static).content)
        rows = [" ".join(line.split()) for line in console.export_text().splitlines()]
        table = app.screen.query_one("#help-keys", Static).content
        assert isinstance(table, KeysTable)
        keys = [key.plain for key, _what, _id in table.rows]
        closing = str(app.screen.query(Static).last().content)
    for row in ("Esc Back, never quits app.back", "? / F1 Keys app.help", "Ctrl+D Half page down list.half_page_down",
                "PgDn Page down list.page_down", "g / Home First list.first", "Enter Open list.open",
                "y / Enter Yes dialog.yes", "Ctrl+D / Space Page down help.page_down", "Ctrl+Q Quit app.quit_anywhere",
                "Tab / Shift+Tab Move between regions"):
        assert row in rows, row
    assert any(row.startswith("Ctrl+P Command palette") for row in rows)
    assert closing == "Esc closes this screen"
    footer_spellings = {"esc", "⏎", "pgdn", "pgup", "home", "end", "del", "space", "f1"}
    assert not any(word in footer_spellings or word.startswith("^") for key in keys for word in key.split())


async def test_the_help_names_the_moving_keys_in_one_order_in_every_region(filled_store: Store) -> None:
    """The list and the sidebar said "↓ / j" and "Home / g", the article and the credits "j / ↓" and
    "g / Home": the letter comes first everywhere now, as a newsboat or vim user reads them."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one("#help-keys", Static).content
    assert isinstance(table, KeysTable)
    keys = {str(binding_id): key.plain for key, _what, binding_id in table.rows}
    for region in ("list", "sidebar", "article", "credits"):
        down, up, first, last = (f"{region}.{move}" for move in ("down", "up", *(
            ("first", "last") if region in {"list", "sidebar"} else ("top", "bottom"))))
        assert [keys[down], keys[up], keys[first], keys[last]] == ["j / ↓", "k / ↑", "g / Home", "G / End"], region


#: The 16 colours' SGR codes for the foreground, as a terminal receives them.
BRIGHT_CYAN, GREY = "96", "90"


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_the_region_in_focus_has_a_calm_border_in_16_colours(tmp_path: Path) -> None:
    """With TERM=xterm the list in focus had a bright red border (textual-dark's orange accent in
    16 colours, as its errors are): it read as an error. It is bright cyan there now."""
    with reader_in_tmux(tmp_path, colours="xterm") as terminal:
        terminal.wait_for("┏━ Headlines")  # the list has the focus (a frame after the stories show)
        screen = terminal.screen(colours=True)
    top = next(line for line in screen.splitlines() if "Headlines" in line)  # the list's, then the story's
    corners = re.findall(r"\x1b\[([\d;]*)m([┏╭])", top)
    assert corners == [(BRIGHT_CYAN, "┏"), (GREY, "╭")], top  # the list in focus, heavy; the story not


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_a_dialog_has_a_calm_frame_in_16_colours(tmp_path: Path) -> None:
    """With TERM=xterm the tag editor (t) and the other dialogs were framed in bright red (the
    theme's accent in 16 colours, as its errors are): they read as errors. They are bright cyan there now."""
    with reader_in_tmux(tmp_path, colours="xterm") as terminal:
        terminal.wait_for("┏━ Headlines")
        terminal.keys("t")
        lines = terminal.wait_for("Comma-separated").splitlines()
        coloured = terminal.screen(colours=True).splitlines()
    title = next(row for row, line in enumerate(lines) if re.search(r"│ +Tags +│", line))
    frame = next(coloured[row] for row in range(title, -1, -1) if "╭" in lines[row])  # the dialog's top edge
    corner = re.findall(r"((?:\x1b\[[\d;]*m)+)╭─", frame)  # its colours (a background's too, in some terminals)
    assert len(corner) == 1 and BRIGHT_CYAN in re.findall(r"\[(\d+)m", corner[0]), "\n".join(lines)


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_the_footers_keys_are_in_a_calm_colour_in_16_colours(tmp_path: Path) -> None:
    """With TERM=xterm the footer's key letters were bright red (textual-dark's orange accent in 16
    colours, as its errors are): they are in the focus colour there now, bright cyan."""
    with reader_in_tmux(tmp_path, colours="xterm") as terminal:
        terminal.wait_for("? Keys")
        footer = terminal.screen(colours=True).splitlines()[-1]
    runs = re.findall(r"((?:\x1b\[[\d;]*m)+)([^\x1b]+)", footer)  # (its colours, text), as drawn
    keys = [(runs[at - 1][0], text.strip()) for at, (_codes, text) in enumerate(runs)
            if text.strip() in {"Open", "Search", "Keys"}]  # each with its key letter's colours
    assert [name for _codes, name in keys] == ["Open", "Search", "Keys"], footer
    for codes, _name in keys:
        assert BRIGHT_CYAN in re.findall(r"\[(\d+)m", codes) and "[91m" not in codes, footer


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_the_search_bar_in_focus_is_seen_without_colour(tmp_path: Path) -> None:
    """With NO_COLOR the search bar looked the same whether it had the focus or not (Textual tells
    them apart by colour alone): in focus it is framed in heavy lines, as the regions are."""
    with reader_in_tmux(tmp_path, no_color=True) as terminal:
        terminal.wait_for("┏━ Headlines")
        away = terminal.screen().splitlines()[:3]
        terminal.keys("/")
        terminal.wait_for("Clear search")
        focused = terminal.screen().splitlines()[:3]
    assert away != focused
    assert focused[0].startswith("┏━") and not away[0].startswith("┏"), "\n".join(away + focused)

"""Esc followed by a key in one terminal read is Esc and then that key (issue 19, bug 1).

These tests pin the hook into Textual's input parser (broadsheet.tui.escape_keys): they fail
if a Textual upgrade stops calling the overridden method, reads ESC sequences differently, or
builds the driver's parser some other way.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from broadsheet.config import Config
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.escape_keys import EscapeKeyParser, escape_then, install
from broadsheet.tui.screens.help import HelpScreen
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.search_bar import SearchBar
from tests.pilot import search_for, settle, type_text


def read(data: str, parser: XTermParser | None = None, wait: bool = False) -> list[Message]:
    """What the parser makes of ``data`` arriving in one read; ``wait``: also after the Esc delay."""
    parser = parser or EscapeKeyParser()
    messages = list(parser.feed(data))
    if wait:
        time.sleep(0.2)  # Textual's ESCDELAY is 100 ms
        messages += list(parser.tick())
    return messages


def keys(messages: list[Message]) -> list[tuple[str, str | None]]:
    return [(m.key, m.character) for m in messages if isinstance(m, events.Key)]


@pytest.mark.parametrize(("data", "expected"), [
    ("\x1b/", [("alt+slash", "/")]),  # Textual 8.2.8: slash, the Esc lost
    ("\x1bj", [("alt+j", "j")]),
    ("\x1bJ", [("alt+shift+j", "J")]),
    ("\x1bb", [("alt+b", "b")]),  # Textual: ctrl+left (iTerm's natural editing)
    ("\x1bf", [("alt+f", "f")]),  # Textual: ctrl+right
    ("\x1b1", [("alt+1", "1")]),  # Textual: "¡" (WezTerm's macOS Option row)
    ("\x1b-", [("alt+minus", "-")]),  # Textual: "–"
    ("\x1b ", [("alt+space", " ")]),
    ("\x1b\x15", [("alt+ctrl+u", "\x15")]),  # Textual: ctrl+u, the Esc lost
    ("\x1b\r", [("alt+enter", "\r")]),
    ("\x1b\x1b/ab", [("escape", "\x1b"), ("alt+slash", "/"), ("a", "a"), ("b", "b")]),
])
def test_esc_and_a_character_in_one_read_is_one_alt_key_at_once(data: str, expected: list[tuple[str, str]]) -> None:
    """Decided as the bytes arrive: nothing waits for the Esc delay, so keys typed next are not held back."""
    assert keys(read(data)) == expected


def test_a_burst_after_esc_slash_is_typed_as_it_is() -> None:
    """Textual waits after ESC / for a sequence; 32 keys later it gave up and typed the Esc as '^'."""
    typed = "by:Associated Press and more words"
    got = keys(read("\x1b/" + typed))
    assert got[0] == ("alt+slash", "/") and "".join(c or "" for _, c in got[1:]) == typed


@pytest.mark.parametrize(("data", "expected"), [
    ("\x1b[A", [("up", None)]),
    ("\x1bOA", [("up", None)]),
    ("\x1b[1;5C", [("ctrl+right", None)]),
    ("\x1b\x7f", [("ctrl+w", None)]),  # Alt+Backspace still deletes a word
    ("\x1b\t", [("shift+tab", None)]),
])
def test_key_sequences_read_as_textual_reads_them(data: str, expected: list[tuple[str, str | None]]) -> None:
    assert keys(read(data)) == keys(read(data, XTermParser())) == expected


def test_escape_alone_and_esc_with_a_sequence_start_wait_for_the_esc_delay() -> None:
    assert keys(read("\x1b", wait=True)) == [("escape", "\x1b")]
    assert keys(read("\x1bO", wait=True)) == [("alt+shift+o", "O")]
    assert keys(read("\x1b[", wait=True)) == [("alt+left_square_bracket", "[")]  # Textual: "[", the Esc lost


def test_mouse_focus_and_paste_are_untouched() -> None:
    data = "\x1b[<0;5;3M\x1b[I\x1b[200~a/b c\x1b[201~"
    ours = read(data)
    assert [type(m) for m in ours] == [type(m) for m in read(data, XTermParser())]
    assert [type(m) for m in ours] == [events.MouseDown, events.AppFocus, events.Paste]
    assert ours[-1].text == "a/b c"  # type: ignore[attr-defined]


def test_escape_then_names_the_key_as_if_read_alone() -> None:
    def named(key: str, character: str | None) -> list[tuple[str, str | None]] | None:
        pair = escape_then(events.Key(key, character))
        return None if pair is None else [(k.key, k.character) for k in pair]

    assert named("alt+slash", "/") == [("escape", "\x1b"), ("slash", "/")]
    assert named("alt+shift+j", "J") == [("escape", "\x1b"), ("J", "J")]
    assert named("alt+ctrl+u", "\x15") == [("escape", "\x1b"), ("ctrl+u", "\x15")]
    assert named("alt+space", " ") == [("escape", "\x1b"), ("space", " ")]
    assert named("slash", "/") is None
    assert named("alt+up", None) is None  # an Alt key the terminal reported as such (kitty protocol)


@pytest.fixture
def restored_driver_module() -> Iterator[None]:
    """install() changes the name LinuxDriver builds its parser from; put it back, and the signals it sets."""
    saved = linux_driver.XTermParser, signal.getsignal(signal.SIGTSTP), signal.getsignal(signal.SIGCONT)
    yield
    linux_driver.XTermParser = saved[0]  # type: ignore[misc]
    signal.signal(signal.SIGTSTP, saved[1])
    signal.signal(signal.SIGCONT, saved[2])


async def test_the_installed_driver_reads_esc_slash_from_the_terminal_as_esc_then_slash(
        restored_driver_module: None) -> None:
    """The real LinuxDriver input thread, reading a pipe: what BroadsheetApp.get_driver_class gives `broadsheet run`."""

    class Recording(LinuxDriver):
        got: list[Message] = []

        def process_message(self, message: Message) -> None:
            self.got.append(message)

    driver_class = install(Recording)
    assert driver_class is Recording and linux_driver.XTermParser is EscapeKeyParser
    driver = driver_class(None)  # type: ignore[arg-type]  # the app is only told of messages, recorded here
    read_end, write_end = os.pipe()
    driver.fileno = read_end
    thread = threading.Thread(target=driver.run_input_thread)
    thread.start()
    try:
        os.write(write_end, b"\x1b\x1b/ab")  # one write: one read
        deadline = time.monotonic() + 10
        while len(driver.got) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        driver.exit_event.set()
        thread.join()
        os.close(read_end)
        os.close(write_end)
    assert keys(driver.got) == [("escape", "\x1b"), ("alt+slash", "/"), ("a", "a"), ("b", "b")]


def test_the_app_installs_the_parser_for_the_terminal_driver(restored_driver_module: None,
                                                             monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    assert BroadsheetApp(store).driver_class is LinuxDriver
    assert linux_driver.XTermParser is EscapeKeyParser


def burst(app: BroadsheetApp, data: str) -> None:
    """``data`` arriving in one read, parsed by the reader's parser, every key queued before any is handled."""
    for message in read(data):
        app.post_message(message)


async def test_esc_esc_slash_and_letters_in_one_read_reach_the_search_bar(filled_store: Store) -> None:
    """Help open over a search: Esc closes it, Esc clears the search, / starts a new one. Textual
    read ESC / as a plain /: the old search got '/ab' on its end."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        burst(app, "\x1b\x1b/ab")
        await settle(pilot)
        bar = app.screen.query_one(SearchBar)
        assert bar.value == "ab" and app.focused is bar


async def test_esc_then_punctuation_or_a_digit_leaves_the_search_bar_first(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        burst(app, "\x1b/ab")  # Textual: 'ferry/ab'
        await settle(pilot)
        bar = app.screen.query_one(SearchBar)
        assert bar.value == "ab"
        burst(app, "\x1b1")  # Textual: 'ab¡'
        await settle(pilot)
        assert bar.value == "" and isinstance(app.focused, HeadlineList)


async def test_an_alt_key_bound_in_the_keymap_is_kept(filled_store: Store) -> None:
    config = Config(path=filled_store.folder / "c.toml", keys={"story.bookmark": "alt+b"})
    app = BroadsheetApp(filled_store, config)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        assert story is not None
        burst(app, "\x1bb")
        await settle(pilot)
        assert filled_store.user.get(story.id).bookmarked


@pytest.mark.parametrize(("data", "value", "cursor"), [
    ("/ferry\r", "ferry", 0),  # the bar kept the focus: a later key went into it
    ("/ferry\rG", "ferry", 3),  # G typed into the bar, replacing the word
    ("/ferry\x1bj", "", 1),  # the bar was cleared first, then got the word, and j with it
])
async def test_a_word_then_enter_or_esc_in_one_read_ends_where_they_lead(filled_store: Store, data: str, value: str,
                                                                         cursor: int) -> None:
    """A search typed and left in one read (pasted, or over a slow link), as if typed slowly."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, data)
        await settle(pilot)
        bar, headlines = app.screen.query_one(SearchBar), app.screen.query_one(HeadlineList)
        assert bar.value == value and app.focused is headlines and headlines.cursor == cursor
        assert headlines.count == (4 if value else 5)


async def test_slash_and_a_new_word_in_one_read_replace_the_search(filled_store: Store) -> None:
    """"/" selects the search's text, so the word typed after it replaces it, in one read or not."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        burst(app, "/rail\r")
        await settle(pilot)
        bar, headlines = app.screen.query_one(SearchBar), app.screen.query_one(HeadlineList)
        assert bar.value == "rail" and app.focused is headlines and headlines.count == 1
        await type_text(pilot, "/lowmoor")  # typed a key at a time
        assert bar.value == "lowmoor" and app.focused is bar

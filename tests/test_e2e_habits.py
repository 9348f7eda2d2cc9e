"""Issue 19 in a real terminal: keys that arrive in one read (tmux send-keys, a laggy SSH link)."""

from __future__ import annotations

import pytest

from tests.test_e2e_terminal import TMUX, Terminal, terminal  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def test_keys_after_escape_escape_slash_in_one_read_reach_the_search_bar(terminal: Terminal) -> None:  # noqa: F811
    terminal.wait_for("2 stories")
    terminal.keys("/")
    terminal.wait_for("Clear search")
    terminal.keys("-l", "stone")
    terminal.keys("Enter")
    terminal.wait_for("1 of 2")
    # One send-keys: Esc Esc / Ctrl+U and the letters reach the reader in one read.
    terminal.keys("Escape", "Escape", "/", "C-u", "b", "y", "t", "o", "m")
    screen = terminal.wait_for("bytom")
    assert "Bookmarked" not in screen and "Order:" not in screen


def test_a_dropped_session_keeps_the_reading_position(terminal: Terminal, tmp_path) -> None:  # noqa: F811
    """Open a story and page down: the position reaches the disk while reading, so a dropped
    SSH session (the terminal killed, no q) reopens there."""
    import json
    import time

    settings = tmp_path / "store" / "state" / "settings.json"

    def saved_scroll() -> int:
        try:
            return int(json.loads(settings.read_text())["settings"]["session"]["value"]["scroll"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    terminal.wait_for("2 stories")
    terminal.tmux("resize-window", "-t", terminal.session, "-x", "100", "-y", "12")
    terminal.keys("Enter")
    terminal.wait_for("Back to list")
    terminal.keys("space")
    deadline = time.monotonic() + 10
    while saved_scroll() == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert saved_scroll() > 0  # on disk while the reader is still running
    terminal.tmux("kill-server")  # the session drops: SIGHUP, no q
    assert saved_scroll() > 0


def test_esc_then_punctuation_in_one_read_is_esc_then_the_key(terminal: Terminal) -> None:  # noqa: F811
    """Textual read ESC / as a plain / and ESC 1 as '¡', dropping the Esc (tui/escape_keys.py)."""
    terminal.wait_for("2 stories")
    terminal.keys("/")
    terminal.wait_for("Clear search")
    terminal.keys("-l", "stone")
    terminal.wait_for("1 of 2")
    terminal.keys("F1")
    terminal.wait_for("Broadsheet keys")
    # One send-keys, one read: Esc closes the help, Esc clears the search, / starts a new one.
    terminal.keys("Escape", "Escape", "/", "a", "b")
    screen = terminal.wait_for("▊  ab ")
    assert "stone/" not in screen and "stone" not in screen.splitlines()[1]  # the bar
    terminal.keys("Escape", "1")  # Esc clears the search; 1 is a key of the list, not '¡' in the bar
    screen = terminal.wait_for("Search headlines")
    assert "¡" not in screen

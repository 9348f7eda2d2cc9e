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

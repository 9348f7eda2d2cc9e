"""End to end: the installed ``broadsheet`` in a real terminal (tmux), driven by keys.

Reads the screen with ``capture-pane`` the way a user sees it. Polls the screen rather
than sleeping a fixed time, so it is quick on a fast machine and patient on a slow one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dumps import BRIDGE_DUMP, FERRY_DUMP

TMUX = shutil.which("tmux")
BROADSHEET = Path(sys.executable).with_name("broadsheet")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


class Terminal:
    """One tmux server of our own (``-L``), so the reader gets this test's environment."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket, self.session = socket, session

    def tmux(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([TMUX, "-L", self.socket, *args], capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]

    def screen(self, colours: bool = False) -> str:
        """The screen's text; ``colours``: with the escape sequences that colour it, as the reader sent them."""
        return self.tmux("capture-pane", "-p", *(["-e"] if colours else []), "-t", self.session).stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys, check=True)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", self.session).returncode == 0


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    with reader_in_tmux(tmp_path) as term:
        yield term


@contextlib.contextmanager
def reader_in_tmux(tmp_path: Path, colours: str = "", no_color: bool = False) -> Iterator[Terminal]:
    """The reader on a store of two stories, in a tmux of its own; ``colours``: the ``TERM`` it is
    given in place of tmux's own (``xterm``: 16 colours); ``no_color``: with ``NO_COLOR=1``."""
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "ferry.txt").write_text(FERRY_DUMP)
    (pages / "bridge.txt").write_text(BRIDGE_DUMP)
    env = {**os.environ, "BROADSHEET_STORE": str(tmp_path / "store"), "BROADSHEET_CONFIG": str(tmp_path / "c.toml"),
           "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    subprocess.run([str(BROADSHEET), "import", str(pages)], env=env, check=True, capture_output=True)
    name = f"broadsheet-test-{uuid.uuid4().hex[:8]}"
    term = Terminal(name, name)
    command = f"{BROADSHEET} run --no-seed"
    if colours:
        command = f"env TERM={colours} COLORTERM= {command}"
    if no_color:
        command = f"env NO_COLOR=1 {command}"
    term.tmux("-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "100", "-y", "30", command, env=env, check=True)
    try:
        yield term
    finally:
        term.tmux("kill-server")


def test_read_search_and_quit_in_a_real_terminal(terminal: Terminal) -> None:
    screen = terminal.wait_for("2 stories")
    assert "Old stone bridge reopens" in screen and "Harbour council approves" in screen
    terminal.keys("j")
    terminal.wait_for("LOWMOOR (Northwire)")  # the second story (older) is previewed
    # with its photo credit in the credits panel, drawn a frame after the story (so waited for)
    terminal.wait_for("BEN WICK/Pool via NORTHWIRE")
    terminal.keys("Enter")
    terminal.wait_for("Back to list")  # the article has the focus; its keys are in the footer
    terminal.keys("space")
    terminal.wait_for("Residents who commute")
    terminal.keys("/")
    terminal.wait_for("Clear search")  # the search bar has the focus
    terminal.keys("stone bridge")
    screen = terminal.wait_for("1 of 2")
    terminal.keys("Escape")
    terminal.wait_for("2 stories")
    terminal.keys("q")
    deadline = time.monotonic() + 10
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.alive()

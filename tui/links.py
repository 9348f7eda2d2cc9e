"""A story's address leaves the reader: copied with OSC 52, or opened in the machine's browser.

OSC 52 asks the terminal to set the clipboard, so it works over SSH (the terminal on the
user's own machine does it). Inside tmux the plain sequence reaches the outer terminal
when tmux has ``set-clipboard on``; the same sequence wrapped for tmux's passthrough is sent
too, for ``allow-passthrough on``. A browser is opened only where there is one to show:
an SSH session without a display has none, and a console browser would take over the
reader's terminal, so neither is tried. Only http(s) addresses are opened.
"""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from broadsheet.store.sanitize import is_web_address

if TYPE_CHECKING:
    from textual.app import App

_CONSOLE_BROWSERS = frozenset({"www-browser", "links", "elinks", "lynx", "w3m", "links2"})


def osc52(text: str) -> str:
    """The escape sequence that puts ``text`` on the terminal's clipboard (what Textual sends)."""
    return f"\x1b]52;c;{base64.b64encode(text.encode('utf-8')).decode('ascii')}\a"


def tmux_passthrough(sequence: str) -> str:
    """``sequence`` wrapped for tmux to pass to the outer terminal: DCS tmux; (ESC doubled) ST."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def copy_text(app: App[object], text: str, env: Mapping[str, str] | None = None) -> None:
    """Put ``text`` on the clipboard of the user's terminal, inside tmux too."""
    app.copy_to_clipboard(text)  # writes osc52(text) to the terminal
    env = os.environ if env is None else env
    driver = app._driver
    if env.get("TMUX") and driver is not None:
        driver.write(tmux_passthrough(osc52(text)))


def no_browser_reason(env: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why this machine cannot show a web page, or None when it may."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if platform == "darwin" or platform.startswith("win"):
        return None
    display = env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
    if display:
        return None
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"):
        return "this is an SSH session with no display, so there is no browser here"
    return "this machine has no graphical display (DISPLAY is not set), so there is no browser here"


def open_in_browser(url: str, env: Mapping[str, str] | None = None) -> str | None:
    """Open ``url`` in the graphical browser; the reason when there is none (None when opened).

    Only a web address: the browser would open a ``file:`` address on this machine's files,
    and a story's address may come from anyone's feed.
    """
    if not is_web_address(url):
        return "only http:// and https:// addresses are opened, and this is not one"
    reason = no_browser_reason(env)
    if reason:
        return reason
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return "no web browser was found on this machine"
    if getattr(browser, "name", "") in _CONSOLE_BROWSERS:
        return "only a console browser was found, which would take over the reader's terminal"
    try:
        opened = browser.open(url)
    except Exception as exc:  # a browser launcher failing must not end the reader
        return f"the browser could not be started ({exc})"
    return None if opened else "the browser could not be started"

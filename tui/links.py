"""A story's address leaves the reader: copied with OSC 52, or opened in a browser.

OSC 52 asks the terminal to set the clipboard, so it works over SSH (the terminal on the
user's own machine does it). Inside tmux the plain sequence reaches the outer terminal
when tmux has ``set-clipboard on``; the same sequence wrapped for tmux's passthrough is sent
too, for ``allow-passthrough on``. A console browser (the config's ``[reader] browser``, or
one ``$BROWSER`` names) runs in the reader's terminal while the reader is suspended, as
newsboat's ``browser "w3m %u"`` does: the way to read a page over SSH. A graphical browser is
opened only where there is a display to show it. Only http(s) addresses are opened.
"""

from __future__ import annotations

import base64
import os
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from broadsheet.store.sanitize import is_web_address

if TYPE_CHECKING:
    from textual.app import App

_CONSOLE_BROWSERS = frozenset({"www-browser", "links", "elinks", "lynx", "w3m", "links2"})
_SET_ONE = 'name a console browser in the config to read it here ([reader] browser = "w3m %u")'


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


def browser_command(template: str, url: str, placeholder: str = "%u") -> list[str]:
    """The arguments that open ``url`` with the command line ``template``: ``placeholder`` in a
    word becomes the address, and with none the address is the last argument.

    The template is split into words as a shell would, but no shell ever runs it: the address
    comes from anyone's feed, and its quotes, ``;`` or ``$(...)`` stay inside its one argument.
    Raises ValueError for a template with an unclosed quote.
    """
    words = shlex.split(template)
    if not any(placeholder in word for word in words):
        return [*words, url]
    return [word.replace(placeholder, url) for word in words]


def console_browser(setting: str, env: Mapping[str, str]) -> tuple[str, str] | None:
    """The command line (and its address placeholder) to run in the terminal, or None.

    The config's ``browser`` first; else the first command of ``$BROWSER`` when it is a
    console browser, or when there is no display for any other (its ``%s`` is the address,
    as Python's ``webbrowser`` reads it). Raises ValueError for a ``$BROWSER`` with an unclosed quote.
    """
    if setting.strip():
        return setting, "%u"
    first = env.get("BROWSER", "").split(os.pathsep)[0]
    words = shlex.split(first)
    if words and (os.path.basename(words[0]) in _CONSOLE_BROWSERS or no_browser_reason(env)):
        return first, "%s"
    return None


@contextmanager
def _keys_for_the_browser() -> Iterator[None]:
    """Ctrl+C and Ctrl+\\ typed in the browser reach the reader too (one process group, the
    terminal no longer raw): the reader ignores them meanwhile, as ``system()`` does. A Python
    handler, unlike SIG_IGN, is not inherited, so the browser still gets them."""
    ignored = [signal.SIGINT] + ([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])
    previous = {number: signal.signal(number, lambda *_: None) for number in ignored}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_in_terminal(app: App[object], argv: list[str], env: Mapping[str, str]) -> str | None:
    """Run a console browser in the reader's terminal and wait for it: the reader suspends
    itself meanwhile (Textual's ``App.suspend``) and comes back after. Why it did not run or
    failed, or None."""
    program = argv[0]
    if shutil.which(program, path=env.get("PATH")) is None:
        return f"the browser command {program!r} was not found (is it installed, and on PATH?)"
    if app._driver is None or not app._driver.can_suspend:  # Textual cannot suspend a web page's reader
        return (f"the reader is not in a terminal here (under `broadsheet serve` it is in a web page), "
                f"so it cannot run {program!r}")
    run: subprocess.CompletedProcess[bytes] | OSError
    with _keys_for_the_browser(), app.suspend():
        try:  # nothing may be raised here: Textual resumes the reader only after a block that ends
            run = subprocess.run(argv, check=False)
        except OSError as exc:
            run = exc
    if isinstance(run, OSError):
        return f"{program!r} could not be started ({run.strerror or run})"
    if run.returncode in (-signal.SIGINT, 128 + signal.SIGINT):  # quit with Ctrl+C, as w3m and lynx are: it opened
        return None
    if run.returncode < 0:  # a browser killed (SIGTERM), or one that crashed
        return f"{program!r} was stopped by a signal ({signal.strsignal(-run.returncode) or -run.returncode})"
    if run.returncode:
        return f"{program!r} ended with an error (exit status {run.returncode})"
    return None


def open_in_browser(url: str, env: Mapping[str, str] | None = None, app: App[object] | None = None,
                    setting: str = "") -> str | None:
    """Open ``url`` in a browser; the reason when it cannot (None when opened).

    Given the reader ``app``, a console browser (``setting``, else one ``$BROWSER`` names) runs
    in its terminal; else the graphical browser, where there is a display. Only a web address:
    the browser would open a ``file:`` address on this machine's files, and a story's address
    may come from anyone's feed.
    """
    if not is_web_address(url):
        return "only http:// and https:// addresses are opened, and this is not one"
    env = os.environ if env is None else env
    if app is not None:
        try:
            console = console_browser(setting, env)
        except ValueError as exc:
            return f"$BROWSER is not a command line ({str(exc).lower()})"
        if console is not None:
            return run_in_terminal(app, browser_command(console[0], url, console[1]), env)
    reason = no_browser_reason(env)
    if reason:
        return f"{reason}; {_SET_ONE}"
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return f"no web browser was found on this machine; {_SET_ONE}"
    if getattr(browser, "name", "") in _CONSOLE_BROWSERS:
        return f"only a console browser was found; {_SET_ONE}"
    try:
        opened = browser.open(url)
    except Exception as exc:  # a browser launcher failing must not end the reader
        return f"the browser could not be started ({exc})"
    return None if opened else "the browser could not be started"

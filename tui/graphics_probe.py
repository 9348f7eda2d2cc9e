"""Which graphics protocol the terminal speaks: the query sent as ``broadsheet run`` starts, its answer read
just before Textual takes the terminal.

One round trip asks for Kitty graphics and, as its sentinel, the primary device attributes
(DA1), whose ``4`` means Sixel. Over SSH that round trip is a network one (20-200 ms), so
the query goes out before the store opens and the app's modules load (about 150 ms) and
the answer is read only then: the wait overlaps work that is done anyway. A terminal that
does not answer, tmux, screen, a pipe or ``broadsheet serve`` gets coloured half-blocks;
``NO_COLOR``, ``TERM=dumb`` and ``[reader] images = false`` get none, and no query is sent.
Keys typed before the answer came are read with it: the reader gets them back and acts on
them first (``BroadsheetApp(typed_ahead=...)``), so a quick ``/`` at start is not lost.

Only the standard library is imported here, so the query leaves before Rich or Textual load.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import termios
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Literal

Protocol = Literal["kitty", "sixel", "iterm2", "halfblocks", "off"]
PROTOCOLS: tuple[Protocol, ...] = ("kitty", "sixel", "iterm2", "halfblocks", "off")

KITTY_QUERY = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
DA1_QUERY = "\x1b[c"
#: How long after the query was sent its answer is awaited: only a terminal that answers nothing costs it.
TIMEOUT = 0.3
_DA1_REPLY = re.compile(rb"\x1b\[\?([\d;]*)c")
_KITTY_REPLY = re.compile(rb"\x1b_Gi=31;([^\x1b]*)\x1b\\")
#: An answer cut off at the deadline: the start of either answer with nothing after it.
_CUT_REPLY = re.compile(rb"\x1b(?:_G[^\x1b]*|\[\?[\d;]*)\Z")


@dataclass(frozen=True, slots=True)
class Answers:
    """What the terminal said to the query."""

    kitty: bool = False
    sixel: bool = False
    answered: bool = False
    #: What the user typed before the answer came in (read with it): the reader acts on it first.
    keys: str = ""


def parse_answers(data: bytes) -> Answers:
    da1 = _DA1_REPLY.search(data)
    kitty = _KITTY_REPLY.search(data)
    keys = _CUT_REPLY.sub(b"", _KITTY_REPLY.sub(b"", _DA1_REPLY.sub(b"", data)))
    return Answers(kitty=bool(kitty and kitty.group(1) == b"OK"),
                   sixel=bool(da1 and b"4" in da1.group(1).split(b";")), answered=bool(da1),
                   keys=keys.decode("utf-8", errors="replace"))


def choose_protocol(env: Mapping[str, str], *, images: bool = True, tty: bool = False,
                    answers: Answers | None = None) -> Protocol:
    """The protocol for this terminal; see the module docstring for the order."""
    forced = env.get("BROADSHEET_GRAPHICS", "").strip().lower()
    if not images or "NO_COLOR" in env or env.get("TERM") == "dumb":
        return "off"
    if forced in PROTOCOLS:
        return forced
    if not tty or env.get("TMUX") or env.get("STY"):
        return "halfblocks"  # a pipe, `broadsheet serve`, or a multiplexer that would swallow graphics
    if env.get("TERM_PROGRAM") in ("iTerm.app", "WezTerm") or env.get("LC_TERMINAL") == "iTerm2":
        return "iterm2"
    if answers and answers.sixel:
        return "sixel"
    if answers and answers.kitty:
        return "kitty"
    return "halfblocks"


def off_cause(env: Mapping[str, str], *, images: bool = True) -> str:
    """Why images are off, named as the reader set it: the notice listed every cause but
    ``BROADSHEET_GRAPHICS=off`` whichever it was."""
    if not images:
        return "[reader] images = false"
    if "NO_COLOR" in env:
        return "NO_COLOR is set"
    if env.get("TERM") == "dumb":
        return "the terminal has no colour: TERM=dumb"
    if env.get("BROADSHEET_GRAPHICS", "").strip().lower() == "off":
        return "BROADSHEET_GRAPHICS=off"
    return "this terminal draws no images"


class GraphicsQuery:
    """The query written to the terminal on ``fd_out`` (a tty), its answer to be read from ``fd_in`` later.

    From the write until :meth:`answers` or :meth:`close` the tty is non-canonical without echo,
    so the answer waits in its input queue and never shows on screen; either call puts back
    the tty's modes exactly as they were, whatever happened in between. DA1 follows the
    Kitty query and every terminal answers DA1, so a terminal without Kitty graphics costs
    no wait; only one that answers nothing costs ``timeout`` from the write.
    """

    def __init__(self, fd_in: int, fd_out: int, timeout: float = TIMEOUT) -> None:
        self.fd_in = fd_in
        self.saved = termios.tcgetattr(fd_in)
        quiet = termios.tcgetattr(fd_in)
        quiet[3] &= ~(termios.ICANON | termios.ECHO)
        quiet[6][termios.VMIN], quiet[6][termios.VTIME] = 0, 0
        self._answers: Answers | None = None
        termios.tcsetattr(fd_in, termios.TCSANOW, quiet)
        try:
            os.write(fd_out, (KITTY_QUERY + DA1_QUERY).encode())
        except BaseException:
            self._restore()
            raise
        self.deadline = time.monotonic() + timeout

    def answers(self) -> Answers:
        """Read the answer, waiting at most until the deadline (once it has passed, only what has arrived).

        Bytes are read one at a time up to the end of the DA1 answer, so a key typed after it
        stays in the queue for the reader, as it would without the query; a key typed before
        it is kept in the answers' ``keys``, for the reader to act on first.
        """
        if self._answers is not None:
            return self._answers
        data = b""
        try:
            while not (data.endswith(b"c") and _DA1_REPLY.search(data)):
                left = max(0.0, self.deadline - time.monotonic())
                if not select.select([self.fd_in], [], [], left)[0]:
                    break
                byte = os.read(self.fd_in, 1)
                if not byte:
                    break
                data += byte
        finally:
            self._answers = parse_answers(data)  # an error or an interrupt leaves what had arrived
            self._restore()
        return self._answers

    def close(self) -> None:
        """Take the answer off the queue if it has not been read (so it never reaches the shell), restore the tty."""
        with contextlib.suppress(OSError):
            self.answers()

    def _restore(self) -> None:
        with contextlib.suppress(OSError, termios.error):  # a terminal that has gone has no modes to restore
            termios.tcsetattr(self.fd_in, termios.TCSANOW, self.saved)


class Detection:
    """The protocol being found out: :meth:`protocol` gives it, reading the terminal's answer if a query is out.

    Use it in a ``with`` block: leaving it reads (or waits out) the answer and restores the
    tty on every path, including an exception before :meth:`protocol` was called.
    """

    def __init__(self, env: Mapping[str, str], images: bool, tty: bool, query: GraphicsQuery | None) -> None:
        self.env, self.images, self.tty, self.query = env, images, tty, query

    def answers(self) -> Answers:
        if self.query is not None:
            with contextlib.suppress(OSError):  # a terminal gone mid-answer: as if it had said nothing
                return self.query.answers()
        return Answers()

    def protocol(self) -> Protocol:
        return choose_protocol(self.env, images=self.images, tty=self.tty, answers=self.answers())

    def typed_ahead(self) -> str:
        """The keys typed while the answer was awaited (read from the tty with it), in order."""
        return self.answers().keys

    def close(self) -> None:
        if self.query is not None:
            self.query.close()

    def __enter__(self) -> Detection:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def start_detection(images: bool = True, env: Mapping[str, str] | None = None, fd_in: int = 0, fd_out: int = 1,
                    timeout: float = TIMEOUT) -> Detection:
    """Send the query now when the terminal might draw graphics (a tty, no multiplexer, nothing forced)."""
    env = os.environ if env is None else env
    tty = False
    with contextlib.suppress(OSError, ValueError):
        tty = os.isatty(fd_in) and os.isatty(fd_out)
    chosen = choose_protocol(env, images=images, tty=tty, answers=Answers())
    query = None
    if chosen == "halfblocks" and tty and not (env.get("TMUX") or env.get("STY") or "BROADSHEET_GRAPHICS" in env):
        with contextlib.suppress(OSError, termios.error):
            query = GraphicsQuery(fd_in, fd_out, timeout)
    return Detection(env, images, tty, query)

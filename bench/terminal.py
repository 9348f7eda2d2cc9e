"""The reader as a whole process in a real pseudo-terminal: time to first painted list, and its RSS.

``broadsheet --store DIR run --no-seed`` is started on a 120x40 pty; the clock runs from
just before the process is spawned (interpreter start and every import included) until
the terminal output contains the first listed headline. The reader is then left to
settle for a moment, its peak resident set (``VmHWM`` in ``/proc/PID/status``) is read,
and it is closed with ctrl+q. No hook in the app is needed: what is measured is what a
user's terminal receives.

The reader's modules are byte-compiled first (:func:`compiled`), as ``pip install`` does: in an
editable checkout run with ``PYTHONDONTWRITEBYTECODE=1`` (or a read-only one) a module whose
``.pyc`` is missing or older than its source is compiled again at every start, about 60 ms
that no installed reader spends.
"""

from __future__ import annotations

import compileall
import contextlib
import fcntl
import functools
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

from broadsheet.store.reader.ordering import order_stories
from broadsheet.store.storage.db import Store

COLUMNS, ROWS = 120, 40
#: Stories opened for the reader's open p95: with 30, the p95 moved 5-10 ms from run to run.
OPENS = 150
#: Seconds between two presses of ``j`` when opening stories: a person tapping a key (see open_stories).
TAP = 0.15


@dataclass(frozen=True, slots=True)
class ProcessStart:
    seconds: float
    peak_rss_mb: float
    rss_mb: float


def first_headline_marker(folder: Path) -> bytes:
    """A piece of the first listed headline as the terminal will receive it (UTF-8)."""
    store = Store(folder)
    shown = order_stories(store.stories(), store.user.get_setting("order", "newest"))
    return shown[0].headline[:12].encode()


def _memory(pid: int) -> tuple[float, float]:
    """(VmHWM, VmRSS) of ``pid`` in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmHWM", float("nan")), fields.get("VmRSS", float("nan"))


@functools.cache
def compiled() -> None:
    """Byte-compile the installed ``broadsheet`` packages where their ``.pyc`` is missing or stale."""
    import broadsheet
    import broadsheet.store
    import broadsheet.tui

    for package in (broadsheet, broadsheet.store, broadsheet.tui):
        compileall.compile_dir(Path(package.__path__[0]), quiet=1)


class Reader:
    """One ``broadsheet`` process on a 120x40 pseudo-terminal, whose output can be waited on."""

    def __init__(self, folder: Path, sync: bool = False, columns: int = COLUMNS, answer_delay: float = 0.0) -> None:
        """``sync``: say yes when the reader asks whether the terminal draws frames in one
        piece (synchronized output, mode 2026, as kitty, WezTerm and foot do), so each frame
        arrives between ``ESC[?2026h`` and ``ESC[?2026l``. ``answer_delay``: answer the
        reader's queries that many seconds after they arrive, as a terminal at the far end
        of an SSH connection does (one network round trip)."""
        self.sync = sync
        self.answer_delay = answer_delay
        self.replies: list[tuple[float, bytes]] = []  # (when it is due, what), in order
        compiled()
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, columns, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        command = [sys.executable, "-m", "broadsheet", "--store", str(folder), "run", "--no-seed"]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True)
        os.close(slave)
        self.master = master
        self.seen = b""

    def _read(self, timeout: float) -> None:
        if self.replies:
            timeout = max(0.0, min(timeout, self.replies[0][0] - time.perf_counter()))
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):
                chunk = os.read(self.master, 1 << 16)
                self.seen += chunk
                self.answer(chunk)
        while self.replies and self.replies[0][0] <= time.perf_counter():
            os.write(self.master, self.replies.pop(0)[1])

    def answer(self, chunk: bytes) -> None:
        """Reply to what the reader asks of its terminal in ``chunk`` (after ``answer_delay``)."""
        if b"\x1b[c" in chunk:  # what graphics the terminal draws: answer as xterm does
            self.reply(b"\x1b[?62;22c")
        if self.sync and b"\x1b[?2026$p" in chunk:  # synchronized output: supported, off for now
            self.reply(b"\x1b[?2026;2$y")

    def reply(self, data: bytes) -> None:
        if self.answer_delay:
            self.replies.append((time.perf_counter() + self.answer_delay, data))
        else:
            os.write(self.master, data)

    def wait_for(self, marker: bytes, limit: float = 60.0) -> float:
        """Block until ``marker`` shows in the output since the last call; the time it showed."""
        deadline = time.perf_counter() + limit
        while marker not in self.seen:
            if time.perf_counter() > deadline or self.proc.poll() is not None:
                tail = self.seen[-2000:].decode(errors="replace")
                raise RuntimeError(f"the reader never showed {marker!r} (exit {self.proc.poll()}): {tail!r}")
            self._read(0.02)
        when = time.perf_counter()
        self.seen = b""
        return when

    def take(self, timeout: float) -> bytes:
        """What the reader wrote within ``timeout`` seconds (and since the last call)."""
        self._read(timeout)
        seen, self.seen = self.seen, b""
        return seen

    def settle(self, seconds: float) -> None:
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            self._read(0.02)
        self.seen = b""

    def press(self, keys: bytes) -> float:
        when = time.perf_counter()
        os.write(self.master, keys)
        return when

    def memory(self) -> tuple[float, float]:
        return _memory(self.proc.pid)

    def close(self) -> None:
        """Quit with ctrl+q (as a user would); terminate if it does not go."""
        try:
            if self.proc.poll() is None:
                os.write(self.master, b"\x11")
                deadline = time.perf_counter() + 10
                while self.proc.poll() is None and time.perf_counter() < deadline:
                    self._read(0.02)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(10)
            os.close(self.master)


def start_once(folder: Path, marker: bytes, settle: float = 1.0, answer_delay: float = 0.0) -> ProcessStart:
    """Start the reader, time it to the first listed headline, let it settle, read its memory.

    ``answer_delay``: the terminal's round trip (about 0.1 s over SSH across a continent).
    """
    reader = Reader(folder, answer_delay=answer_delay)
    try:
        elapsed = reader.wait_for(marker) - reader.started
        reader.settle(settle)
        peak, rss = reader.memory()
    finally:
        reader.close()
    return ProcessStart(elapsed, peak, rss)


def open_stories(folder: Path, count: int) -> list[float]:
    """Seconds from pressing ``j`` in the list to the next story's first paragraph on screen, per story.

    The stories are consecutive in the list, which is ordered by date, so their bodies sit
    in unrelated shards (each open reads a shard it has not read before). Each ``j`` is pressed
    ``TAP`` after the one before: keys closer than the reader's ``REST`` (60 ms) are a held key,
    whose story waits for the cursor to rest; spaced only 50 ms after the story showed, a fast
    open made the next key "held" and 60 ms slower.
    """
    store = Store(folder)
    store.user.set_setting("session", {})  # open on the first story, wherever an earlier run left off
    shown = order_stories(store.stories(), store.user.get_setting("order", "newest"))
    markers = []
    for meta in shown[1:count + 1]:
        article = store.article(meta.id)
        markers.append(article.body[0][:10].encode() if article and article.body else meta.headline[:12].encode())
    reader = Reader(folder)
    times = []
    try:
        reader.wait_for(shown[0].headline[:12].encode())
        reader.settle(0.5)
        for marker in markers:
            pressed = reader.press(b"j")
            times.append(reader.wait_for(marker) - pressed)
            reader.settle(max(0.05, pressed + TAP - time.perf_counter()))
    finally:
        reader.press(b"g")
        reader.close()
    return times

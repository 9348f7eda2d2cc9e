"""The terminal's graphics query is sent early and answered late (issue 17: first paint over SSH).

A pseudo-terminal plays the terminal: a thread on its master side answers the query after a
delay, as a terminal at the far end of an SSH connection does, while the test does the
"start-up work" in between. Whatever happens in between, the tty's modes come back exactly
as they were, the answer is never echoed and never left for the shell, and no query goes out
where none should.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.cli.reader import Start, run_command
from broadsheet.config import load_config
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.graphics_probe import (
    DA1_QUERY,
    KITTY_QUERY,
    TIMEOUT,
    GraphicsQuery,
    choose_protocol,
    parse_answers,
    start_detection,
)
from tests.conftest import REPO

QUERY = (KITTY_QUERY + DA1_QUERY).encode()
ANSWERS = {"kitty": b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c", "sixel": b"\x1b[?62;4;22c", "halfblocks": b"\x1b[?62;22c"}
TERMINAL = {"TERM": "xterm-256color"}
BIN = Path(sys.executable).parent / "broadsheet"


class FakeTerminal(threading.Thread):
    """The far end of the pty: records what the program writes, answers the query ``delay`` s after it arrives."""

    def __init__(self, master: int, answer: bytes, delay: float) -> None:
        super().__init__(daemon=True)
        self.master, self.answer, self.delay = master, answer, delay
        self.output = bytearray()
        self.answered = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        due: float | None = None
        while not self.done.is_set():
            wait = 0.01 if due is None else max(0.0, min(0.01, due - time.monotonic()))
            if select.select([self.master], [], [], wait)[0]:
                try:
                    self.output += os.read(self.master, 4096)
                except OSError:
                    return
            if due is None and QUERY in self.output:
                due = time.monotonic() + self.delay
            if due is not None and not self.answered.is_set() and time.monotonic() >= due:
                if self.answer:
                    os.write(self.master, self.answer)
                self.answered.set()

    def stop(self) -> bytes:
        """Everything the program wrote, echoes included."""
        time.sleep(0.05)  # an echo of the answer, were there one, reaches the master side in this time
        self.done.set()
        self.join(2)
        return bytes(self.output)


@pytest.fixture
def pty() -> Iterator[tuple[int, int]]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    yield master, slave
    os.close(master)
    os.close(slave)


def terminal(master: int, answer: bytes, delay: float = 0.1) -> FakeTerminal:
    fake = FakeTerminal(master, answer, delay)
    fake.start()
    return fake


def queued(fd: int) -> int:
    """Bytes waiting in the tty's input queue (what the shell would read next)."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


@pytest.mark.parametrize("protocol", list(ANSWERS))
def test_an_answer_arriving_during_the_start_up_is_read(pty: tuple[int, int], protocol: str) -> None:
    master, slave = pty
    before = termios.tcgetattr(slave)
    fake = terminal(master, ANSWERS[protocol])
    with start_detection(env=TERMINAL, fd_in=slave, fd_out=slave) as detection:
        assert fake.answered.wait(2)  # the start-up work: the answer arrives meanwhile
        waiting = termios.tcgetattr(slave)
        assert not waiting[3] & (termios.ICANON | termios.ECHO)  # held in the queue, not echoed
        assert detection.protocol() == protocol
    assert termios.tcgetattr(slave) == before
    assert fake.stop() == QUERY  # the answer never echoed back onto the screen
    assert queued(slave) == 0


def test_a_key_typed_after_the_answer_is_left_for_the_reader(pty: tuple[int, int]) -> None:
    master, slave = pty
    fake = terminal(master, ANSWERS["kitty"] + b"j")
    with start_detection(env=TERMINAL, fd_in=slave, fd_out=slave) as detection:
        assert fake.answered.wait(2)
        assert detection.protocol() == "kitty"
    fake.stop()
    assert queued(slave) == 1 and os.read(slave, 10) == b"j"


@pytest.mark.parametrize("path", ["answer", "silent", "exception", "interrupt", "never asked"])
def test_the_tty_modes_come_back_exactly_on_every_path(pty: tuple[int, int], path: str) -> None:
    master, slave = pty
    attrs = termios.tcgetattr(slave)
    attrs[3] |= termios.ECHOCTL  # some non-default settings, to see them all come back
    attrs[6][termios.VMIN] = 3
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    before = termios.tcgetattr(slave)
    fake = terminal(master, b"" if path == "silent" else ANSWERS["sixel"])
    raised = {"exception": RuntimeError, "interrupt": KeyboardInterrupt}.get(path)
    try:
        with start_detection(env=TERMINAL, fd_in=slave, fd_out=slave) as detection:
            if raised:
                raise raised("between the send and the answer")  # e.g. the store failed, or ctrl+c
            if path != "never asked":
                expected = "halfblocks" if path == "silent" else "sixel"
                assert detection.protocol() == expected
    except (RuntimeError, KeyboardInterrupt) as exc:
        assert isinstance(exc, raised)  # type: ignore[arg-type]
    assert termios.tcgetattr(slave) == before
    assert fake.stop() == QUERY
    assert queued(slave) == 0  # the answer was taken off the queue: it never reaches the shell


def test_ctrl_c_while_waiting_for_the_answer_restores_the_modes(pty: tuple[int, int]) -> None:
    master, slave = pty
    before = termios.tcgetattr(slave)
    fake = terminal(master, b"")  # silent: the wait runs to its deadline unless interrupted

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        with pytest.raises(KeyboardInterrupt), start_detection(env=TERMINAL, fd_in=slave, fd_out=slave) as detection:
            signal.setitimer(signal.ITIMER_REAL, 0.1)
            detection.protocol()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert termios.tcgetattr(slave) == before
    fake.stop()


@pytest.mark.parametrize(("env", "images", "expected"), [
    ({**TERMINAL, "TMUX": "/tmp/tmux-1/default,1,0"}, True, "halfblocks"),
    ({**TERMINAL, "STY": "1.pts-0.host"}, True, "halfblocks"),
    ({**TERMINAL, "BROADSHEET_GRAPHICS": "kitty"}, True, "kitty"),
    ({**TERMINAL, "BROADSHEET_GRAPHICS": ""}, True, "halfblocks"),
    ({**TERMINAL, "NO_COLOR": "1"}, True, "off"),
    ({"TERM": "dumb"}, True, "off"),
    (TERMINAL, False, "off"),
])
def test_no_query_where_none_belongs(pty: tuple[int, int], env: dict[str, str], images: bool, expected: str) -> None:
    master, slave = pty
    before = termios.tcgetattr(slave)
    fake = terminal(master, ANSWERS["kitty"])
    with start_detection(images, env=env, fd_in=slave, fd_out=slave) as detection:
        assert detection.query is None
        assert detection.protocol() == expected
    assert fake.stop() == b""
    assert termios.tcgetattr(slave) == before


def test_no_query_to_a_pipe() -> None:
    read_end, write_end = os.pipe()
    try:
        with start_detection(env=TERMINAL, fd_in=read_end, fd_out=write_end) as detection:
            assert detection.protocol() == "halfblocks"
        assert not select.select([read_end], [], [], 0)[0]
    finally:
        os.close(read_end)
        os.close(write_end)


def test_the_wait_ends_at_the_deadline_from_the_send(pty: tuple[int, int]) -> None:
    """A silent terminal costs 0.3 s from the send, not 0.3 s after the start-up work."""
    master, slave = pty
    fake = terminal(master, b"")
    sent = time.monotonic()
    with start_detection(env=TERMINAL, fd_in=slave, fd_out=slave) as detection:
        time.sleep(0.2)  # start-up work
        assert detection.protocol() == "halfblocks"
        done = time.monotonic()
    fake.stop()
    assert TIMEOUT - 0.02 <= done - sent < TIMEOUT + 0.15


def test_after_a_long_start_up_only_what_arrived_is_read(pty: tuple[int, int]) -> None:
    master, slave = pty
    fake = terminal(master, ANSWERS["kitty"], delay=0.05)
    with start_detection(env=TERMINAL, fd_in=slave, fd_out=slave) as detection:
        time.sleep(TIMEOUT + 0.05)  # a start-up longer than the deadline (seeding an empty store)
        asked = time.monotonic()
        assert detection.protocol() == "kitty"
        assert time.monotonic() - asked < 0.1  # no wait: the answer was already there
    fake.stop()


def test_a_query_that_cannot_be_written_leaves_the_tty_as_it_was(pty: tuple[int, int]) -> None:
    _master, slave = pty
    before = termios.tcgetattr(slave)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        with pytest.raises(BrokenPipeError):
            GraphicsQuery(slave, write_end)
    finally:
        os.close(write_end)
    assert termios.tcgetattr(slave) == before


def test_seeding_an_empty_store_between_the_query_and_the_answer(pty: tuple[int, int], store: Store,
                                                                 tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The importer runs while the answer travels; the reader then gets it, on a tty as it was."""
    master, slave = pty
    before = termios.tcgetattr(slave)
    fake = terminal(master, ANSWERS["kitty"])
    opened: list[tuple[str, list]] = []
    monkeypatch.setattr(BroadsheetApp, "run", lambda self: opened.append((self.graphics, termios.tcgetattr(slave))))
    with start_detection(env=TERMINAL, fd_in=slave, fd_out=slave) as detection:
        assert run_command(store, seed=True, start=Start(load_config(tmp_path / "config.toml"), detection)) == 0
    assert len(store) > 0
    assert opened == [("kitty", before)]  # Textual takes a terminal in its own modes, the answer read
    assert fake.stop() == QUERY


@pytest.mark.skipif(not BIN.exists(), reason="the broadsheet entry point is not installed")
def test_a_store_that_cannot_open_leaves_the_terminal_as_it_was(pty: tuple[int, int], tmp_path: Path) -> None:
    """The query went out before the store failed to open: its answer is taken, the modes restored."""
    master, slave = pty
    before = termios.tcgetattr(slave)
    not_a_folder = tmp_path / "store"
    not_a_folder.write_text("a file where the store should be\n")
    fake = terminal(master, ANSWERS["halfblocks"])
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    proc = subprocess.run([str(BIN), "--store", str(not_a_folder), "run", "--no-seed"], stdin=slave, stdout=slave,
                          stderr=slave, env=env, timeout=30, check=False)
    assert proc.returncode == 1  # not done, as for a store that cannot be written (2: a damaged file, a wrong command)
    output = fake.stop()
    assert output.startswith(QUERY) and b"cannot open the store" in output
    assert b"62;22c" not in output  # not echoed
    assert termios.tcgetattr(slave) == before
    assert queued(slave) == 0  # and not left for the shell


@pytest.mark.skipif(not BIN.exists(), reason="the broadsheet entry point is not installed")
@pytest.mark.parametrize("arrived", [b"q" + ANSWERS["halfblocks"], ANSWERS["halfblocks"] + b"q"],
                         ids=["before the answer", "after it"])
def test_q_typed_as_the_reader_starts_quits_it(pty: tuple[int, int], tmp_path: Path, arrived: bytes) -> None:
    """The whole command: a key typed within the round trip (read with the answer) or after it (read
    by Textual while the screen is still being built: it crashed the reader) acts once the reader is up."""
    master, slave = pty
    before = termios.tcgetattr(slave)
    fake = terminal(master, arrived, delay=0.05)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    proc = subprocess.run([str(BIN), "--store", str(tmp_path / "store"), "run", "--no-seed"], stdin=slave,
                          stdout=slave, stderr=slave, env=env, timeout=30, check=False)
    output = fake.stop()
    assert proc.returncode == 0, output[-3000:].decode(errors="replace")
    assert termios.tcgetattr(slave) == before
    assert queued(slave) == 0


def test_the_query_leaves_before_textual_loads(tmp_path: Path) -> None:
    """`broadsheet run` sends the query before the app's modules load, so their loading overlaps the round trip."""
    code = ("import os, sys\n"
            "master, slave = os.openpty()\n"
            "os.dup2(slave, 0); os.dup2(slave, 1)\n"
            "import broadsheet.tui.graphics_probe as probe\n"
            "loaded = [m for m in sys.modules if m.split('.')[0] in ('rich', 'textual')]\n"
            "def sent(self, *args, **kwargs):\n"
            "    print([m for m in ('textual', 'broadsheet.tui.app', 'broadsheet.tui.graphics') if m in sys.modules],"
            " file=sys.stderr)\n"
            "    raise SystemExit(0)\n"
            "probe.GraphicsQuery.__init__ = sent\n"
            "print(loaded, file=sys.stderr)\n"
            "from broadsheet.cli.main import main\n"
            f"main(['--store', {str(tmp_path / 'store')!r}, 'run', '--no-seed'])\n")
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "STY", "NO_COLOR", "BROADSHEET_GRAPHICS")}
    env.update(TERM="xterm-256color", XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, env=env,
                            stdin=subprocess.DEVNULL, timeout=60, check=False)
    assert result.stderr.splitlines()[-2:] == ["[]", "[]"], result.stderr


@pytest.mark.parametrize(("arrived", "keys", "protocol"), [
    (b"j" + ANSWERS["kitty"], "j", "kitty"),
    (b"/z" + ANSWERS["sixel"], "/z", "sixel"),
    (b"\x1b[B" + ANSWERS["halfblocks"], "\x1b[B", "halfblocks"),  # an arrow key keeps its sequence
    (b"q\x1b[?62;", "q", "halfblocks"),  # an answer cut off at the deadline is not a key
    (b"k\x1b_Gi=31;O", "k", "halfblocks"),
    (b"\xc3\xa9" + ANSWERS["halfblocks"], "\u00e9", "halfblocks"),
])
def test_keys_typed_before_the_answer_are_kept_apart_from_it(arrived: bytes, keys: str, protocol: str) -> None:
    answers = parse_answers(arrived)
    assert answers.keys == keys
    assert choose_protocol(TERMINAL, tty=True, answers=answers) == protocol


def test_a_key_typed_before_the_answer_is_handed_to_the_reader(pty: tuple[int, int]) -> None:
    """Typed as the command started (over SSH, within one round trip): read with the answer, not lost."""
    master, slave = pty
    fake = terminal(master, b"/ki" + ANSWERS["kitty"])
    with start_detection(env=TERMINAL, fd_in=slave, fd_out=slave) as detection:
        assert fake.answered.wait(2)
        assert detection.protocol() == "kitty"
        assert detection.typed_ahead() == "/ki"
    assert fake.stop() == QUERY  # not echoed either
    assert queued(slave) == 0

"""The real reader on a pty: Kitty or Sixel bytes go out only when the terminal says it draws them.

The test plays the terminal: it answers the reader's one start-up query (a Kitty graphics
query followed by DA1) as Kitty, as a Sixel terminal, as a plain xterm, or not at all, and
checks every byte the reader writes. Story text carrying Kitty and Sixel sequences never
reaches the terminal, whatever the terminal draws.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from broadsheet.store.model import Image
from broadsheet.store.storage.db import Store
from tests.factories import make_article
from tests.photos import keep_photo, picture_bytes

BIN = Path(sys.executable).parent / "broadsheet"
HOSTILE = ("\x1b_Ga=T,f=100;UFdORURLSVRUWQ==\x1b\\ \x1bPq#0;2;0;0;0PWNEDSIXEL\x1b\\ "
           "\x1b]1337;File=inline=1:PWNEDITERM\x07")
QUERY = b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[c"
ANSWERS = {
    "kitty": b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c",
    "sixel": b"\x1b[?62;4;22c",
    "xterm": b"\x1b[?62;22c",
    "silent": b"",
}
KITTY_UPLOAD = re.compile(rb"\x1b_Ga=t,f=100,q=2,i=\d+,m=[01];")
SIXEL = re.compile(rb"\x1bP[0-9;]*q")


def photo_store(folder: Path) -> Store:
    store = Store(folder)
    digest = keep_photo(store, picture_bytes((240, 160)))
    images = [Image(f"Boats at the wall {HOSTILE}", f"Ben Wick {HOSTILE}", photo=digest)]
    store.add([(make_article(1, headline=f"PHOTOSTORY {HOSTILE}", body=[f"Body {HOSTILE}"], images=images), None)])
    return store


def run_as_terminal(store: Store, answer: bytes, tmp_path: Path, seconds: float = 4.0) -> tuple[bytes, bytes]:
    """Start the reader on a 120x40 pty answering its query with ``answer``; (bytes before the query, after)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 1200, 800))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "TERM": "xterm-256color", "COLORTERM": "truecolor",
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    proc = subprocess.Popen([str(BIN), "--store", str(store.folder), "run", "--no-seed"], stdin=slave, stdout=slave,
                            stderr=slave, env=env, start_new_session=True, close_fds=True)
    os.close(slave)
    output = bytearray()
    answered = False
    try:
        deadline = time.monotonic() + seconds + 10
        while time.monotonic() < deadline and proc.poll() is None:
            if select.select([master], [], [], 0.05)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                output.extend(chunk)
            if not answered and QUERY in output:
                answered = True
                if answer:
                    os.write(master, answer)
            if b"PHOTOSTORY" in output and answered:
                deadline = min(deadline, time.monotonic() + 2.5)  # the photo arrives a moment after the story
        os.write(master, b"\x11")  # ctrl+q
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    data = bytes(output)
    assert QUERY in data, data[:500]
    before, _, after = data.partition(QUERY)
    assert b"PHOTOSTORY" in after, after[-2000:]
    return before, after


pytestmark = pytest.mark.skipif(not BIN.exists(), reason="the broadsheet entry point is not installed")


@pytest.mark.parametrize("terminal", list(ANSWERS))
def test_graphics_bytes_only_when_the_terminal_says_it_draws_them(tmp_path: Path, terminal: str) -> None:
    _, after = run_as_terminal(photo_store(tmp_path / "store"), ANSWERS[terminal], tmp_path)
    kitty_bytes = KITTY_UPLOAD.findall(after)
    sixel_bytes = SIXEL.findall(after)
    if terminal == "kitty":
        assert kitty_bytes and not sixel_bytes
        assert "\U0010eeee".encode() in after  # the placeholders Textual lays out like text
    elif terminal == "sixel":
        assert sixel_bytes and not kitty_bytes
    else:
        assert not kitty_bytes and not sixel_bytes and b"\x1b_G" not in after
        assert "▀".encode() in after  # half-blocks instead
    for payload in (b"UFdORURLSVRUWQ", b"PWNEDSIXEL", b"PWNEDITERM", b"]1337"):
        assert payload not in after  # story text never becomes graphics

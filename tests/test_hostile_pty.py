"""The real ``broadsheet`` in a pseudo-terminal: no hostile byte from a story reaches the terminal.

Stories carrying OSC 52 (clipboard), OSC 0/2 (window title), OSC 8 (hyperlink), CSI
cursor/clear sequences, 8-bit CSI/OSC, NUL and U+202E are imported, the reader is
started on a pty, a few keys are sent, and every byte it writes is checked. Textual
writes its own CSI sequences, so the check looks for the stories' payloads.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from tests.factories import make_article, meta_file, stored_json

BIN = Path(sys.executable).parent / "broadsheet"
FILLER = " officials in the town hall told reporters after the meeting ended late on Tuesday evening."
ESCAPES = (
    "\x1b]52;c;UFdORUQtQ0xJUA==\x07 \x1b]0;PWNED-TITLE\x07 \x1b]2;PWNED-TITLE2\x1b\\ "
    "\x1b]8;;https://evil.example/pwn\x1b\\click here\x1b]8;;\x1b\\ \x1b[2J\x1b[H\x1b[10;10H \x1b[?1049l "
    "\x9b2J \x9d0;PWNED-C1\x9c \u202eSDRAWKCAB \x1b]0;PWNED-BEL\x07"
)
FORBIDDEN = {
    "OSC 52 (clipboard)": b"\x1b]52",
    "window title payload": b"PWNED",
    "OSC 8 link to the story's URL": b"evil.example",
    "8-bit CSI": "\x9b".encode(),
    "8-bit OSC": "\x9d".encode(),
    "U+202E": "\u202e".encode(),
    "NUL": b"\x00",
    "clipboard payload": b"UFdORUQtQ0xJUA",
}


def write_stories(folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    pages = {
        "escapes.txt": f"Harbour vote ZEBRAFINCH {ESCAPES}\n\nBy Ada Quill\n12 March 2024\n\n"
                       f"LOWMOOR - The council met on Tuesday to vote on the ferry plan again{FILLER}\n\n"
                       f"Residents said {ESCAPES} the change would help commuters{FILLER}\n\n"
                       f"The operator will publish the new times next month, a spokesperson said{FILLER}\n\n"
                       f"Critics of the plan said the vote had been rushed through the council{FILLER}\n",
        "nul.txt": "Ferry timetable changes NULSTORY\n\nBy Ben Wick\n3 March 2024\n\n"
                   + "\n\n".join(f"Paragraph {n} of a long report on the ferry{FILLER}" for n in range(90))
                   + "\n\nAfter the padding a NUL \x00 and a \x9b2J arrive late.\n",
    }
    for name, text in pages.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    return [folder / name for name in pages]


def run_on_pty(args: list[str], env: dict[str, str], keys: list[tuple[float, bytes]], wait_for: bytes,
               rows: int = 40, cols: int = 120) -> bytes:
    """Start ``args`` on a new pty, send ``keys`` (delay, bytes) once ``wait_for`` shows, return all output."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
                            close_fds=True)
    os.close(slave)
    output = bytearray()

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([master], [], [], min(left, 0.05))
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the pty
                    return
                if not chunk:
                    return
                output.extend(chunk)
                if b"\x1b[6n" in chunk:  # answer a cursor position query, as a terminal would
                    os.write(master, b"\x1b[1;1R")

    try:
        deadline = time.monotonic() + 20
        while wait_for not in output and time.monotonic() < deadline and proc.poll() is None:
            pump(0.2)
        pump(0.5)
        for delay, key in keys:
            os.write(master, key)
            pump(delay)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        pump(0.3)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    return bytes(output)


def reader_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


@pytest.mark.skipif(not BIN.exists(), reason="the broadsheet entry point is not installed")
def test_no_hostile_byte_reaches_the_terminal(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    report = import_paths(store, write_stories(tmp_path / "pages"))
    assert report.count("imported") == 2, [o.reason for o in report.outcomes]
    env = reader_env(tmp_path)
    keys = [(0.4, b"j"), (0.4, b"k"), (0.6, b"\r"), (0.4, b"j"), (0.3, b"\x1b"), (0.4, b"q")]
    output = run_on_pty([str(BIN), "--store", str(store.folder)], env, keys, wait_for=b"ZEBRAFINCH")
    assert b"ZEBRAFINCH" in output and b"NULSTORY" in output, output[-2000:]
    assert b"SDRAWKCAB" in output  # the text around the stripped U+202E is still shown
    found = {name: output.count(payload) for name, payload in FORBIDDEN.items() if payload in output}
    assert found == {}


@pytest.mark.skipif(not BIN.exists(), reason="the broadsheet entry point is not installed")
def test_a_tampered_store_file_does_not_reach_the_terminal_either(tmp_path: Path) -> None:
    """Raw escapes written straight into the store (not through the importer) are cleaned on read."""
    store = Store(tmp_path / "store")
    raw = make_article(1, headline=f"RAWSTORY {ESCAPES} \x00", body=[f"Body {ESCAPES}"], authors=[ESCAPES])
    (sid,) = store.add([(raw, None)])
    store.user.edit_tags([sid], add=["plain"])
    assert "\x1b]52" in stored_json(meta_file(store)).decode("unicode_escape")
    output = run_on_pty([str(BIN), "--store", str(store.folder)], reader_env(tmp_path),
                        [(0.8, b"\r"), (0.6, b"q")], wait_for=b"RAWSTORY")
    assert b"RAWSTORY" in output and b"SDRAWKCAB" in output
    found = {name: output.count(payload) for name, payload in FORBIDDEN.items() if payload in output}
    assert found == {}

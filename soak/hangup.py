"""A dropped SSH session: the real reader on a pty, busy bookmarking, when the pty hangs up.

Closing the pty's master side makes the kernel send SIGHUP to the reader's session. The
reader must exit (not linger headless), and the store it leaves must open, parse and hold
no temporary files once reopened.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from broadsheet.store.model import Article
from broadsheet.store.storage.db import Store
from soak.crash import Counts, observe, temp_files, unparsable_files

BIN = Path(sys.executable).parent / "broadsheet"
KEYS = (b"b", b"m", b"j", b"b", b"k", b"m", b"j")
_TAKE_TERMINAL = ("import fcntl, os, sys, termios\n"
                  "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
                  "os.execv(sys.argv[1], sys.argv[1:])\n")


def _stories(store: Store, count: int) -> None:
    store.add([(Article(headline=f"Harbour ferry story {n}", body=[f"Paragraph {n} about the ferry vote."],
                        published=f"2024-03-{n % 28 + 1:02d}"), None) for n in range(count)])


def hang_up_once(folder: Path, rng: random.Random, env: dict[str, str]) -> tuple[bool, float]:
    """Run the reader, press keys, hang up after a random moment; (exited by itself, seconds to exit)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    # The pty becomes the reader's controlling terminal (so closing it sends SIGHUP) in a small
    # trampoline after exec, not in a preexec_fn: Python code between fork and exec can hang
    # for good in a process with other threads (the test runner has tantivy's).
    proc = subprocess.Popen([sys.executable, "-c", _TAKE_TERMINAL, str(BIN), "--store", str(folder)],
                            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True)
    os.close(slave)
    seen = bytearray()
    deadline = time.monotonic() + 20
    while b"Harbour" not in seen and time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            with contextlib.suppress(OSError):
                seen.extend(os.read(master, 65536))
    hang_at = time.monotonic() + rng.uniform(0.05, 1.5)
    while time.monotonic() < hang_at:
        with contextlib.suppress(OSError):
            os.write(master, rng.choice(KEYS))
        ready, _, _ = select.select([master], [], [], rng.uniform(0.005, 0.05))
        if ready:
            with contextlib.suppress(OSError):
                os.read(master, 65536)
    os.close(master)  # the SSH connection drops
    hung_up = time.monotonic()
    try:
        proc.wait(timeout=10)
        return True, time.monotonic() - hung_up
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return False, time.monotonic() - hung_up


def reader_hangups(folder: Path, runs: int, seed: int) -> Counts:
    """``runs`` hang-ups of a busy reader on one store; checks the store after each."""
    counts = Counts()
    rng = random.Random(seed)
    _stories(Store(folder), 30)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder.parent / "home"),
           "XDG_CONFIG_HOME": str(folder.parent / "config"), "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    for run in range(runs):
        exited, seconds = hang_up_once(folder, rng, env)
        counts.runs += 1
        counts.faults += 1
        if not exited:
            counts.losses.append(f"hang-up {run}: the reader was still running {seconds:.0f} s after SIGHUP")
        leftovers = len(temp_files(folder))
        try:
            seen = observe(Store(folder))
        except Exception as exc:
            counts.losses.append(f"hang-up {run}: the store does not open: {exc}")
            continue
        counts.temps_cleaned += leftovers
        counts.losses += [f"hang-up {run}: temp file left: {p}" for p in temp_files(folder)]
        counts.losses += [f"hang-up {run}: does not parse: {bad}" for bad in unparsable_files(folder)]
        if len(seen.stories) != 30:
            counts.losses.append(f"hang-up {run}: {len(seen.stories)} stories, expected 30")
        counts.stories_checked += len(seen.stories)
        counts.changes_checked += len(seen.states)
    return counts

"""Run a command and watch its memory: the peak RSS of its largest process and of its whole tree.

The importer is a parent process and a pool of forked parse workers. Two figures:

- *largest process*: ``ru_maxrss`` from ``wait4`` on the command, which the kernel keeps
  exactly (the largest peak of the command or any child it waited for); no sampling.
- *whole tree*: the sum of PSS (proportional set size, so pages the forked workers share
  with the parent count once) over every process of the command's session, sampled every
  ``interval`` seconds from ``/proc/PID/smaps_rollup``; a short peak between samples can
  be missed, so it is a lower bound of the true peak.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Watched:
    """How one command ran."""

    seconds: float
    returncode: int
    peak_rss_mb: float  # the largest process's peak (exact, from wait4)
    tree_pss_mb: float  # the sampled peak of the whole process tree's PSS
    stdout: str
    stderr: str


def _session_pids(session: int) -> list[int]:
    """Every live process whose session id is ``session`` (the command and its workers)."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(f"/proc/{entry.name}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state ppid pgrp session ...
            if int(fields[3]) == session:
                pids.append(int(entry.name))
    return pids


def _pss_kb(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def run_watched(command: list[str], *, env: dict[str, str] | None = None, interval: float = 0.2,
                timeout: float | None = None) -> Watched:
    """Run ``command`` in a new session (so its workers are found by session id) and watch it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                                start_new_session=True)
        peak_pss = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak_pss
            while not stop.is_set():
                peak_pss = max(peak_pss, sum(_pss_kb(pid) for pid in _session_pids(proc.pid)))
                stop.wait(interval)

        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            seconds = time.perf_counter() - started
            stop.set()
            if timer:
                timer.cancel()
            watcher.join()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        out.seek(0)
        err.seek(0)
        return Watched(seconds, proc.returncode, usage.ru_maxrss / 1024, peak_pss / 1024,
                       out.read().decode(errors="replace"), err.read().decode(errors="replace"))

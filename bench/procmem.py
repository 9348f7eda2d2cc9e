"""Run a command and watch its memory: the peak RSS of its largest process and of its whole tree.

The importer is a parent process and a pool of forked parse workers. Two figures:

- *largest process*: ``ru_maxrss`` from ``wait4`` on the command, which the kernel keeps
  exactly (the largest peak of the command or any child it waited for); no sampling. It is
  taken by a small launcher (:mod:`bench.launch`): from a child of the benchmark it would
  include the benchmark's own memory (runs before 2026-12-03 15:00 UTC did: a `reindex` at
  a million stories read 1,461 MB with the benchmark holding that much, 716 MB alone).
- *whole tree*: the sum of PSS (proportional set size, so pages the forked workers share
  with the parent count once) over every process of the command's session, sampled every
  ``interval`` seconds from ``/proc/PID/smaps_rollup``; a short peak between samples can
  be missed, so it is a lower bound of the true peak.
- *what the memory is*: the sampled peaks, over the command's processes, of ``RssAnon``
  (heap, the writer's buffers: the process's own) and ``RssFile`` (pages of mapped files,
  e.g. tantivy's segment files, clean pages the kernel could drop) from ``/proc/PID/status``.
  They come from the same samples as the tree's PSS, so they are lower bounds too, and the
  two peaks need not fall at the same moment; the wait4 peak stays the figure of record.

``python -m bench.procmem COMMAND...`` runs one command and prints the figures.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LAUNCH = Path(__file__).with_name("launch.py")  # see run_watched


@dataclass(frozen=True, slots=True)
class Watched:
    """How one command ran."""

    seconds: float
    returncode: int
    peak_rss_mb: float  # the largest process's peak (exact, from wait4)
    tree_pss_mb: float  # the sampled peak of the whole process tree's PSS
    stdout: str
    stderr: str
    anon_mb: float = 0.0  # the sampled peak RssAnon of any one of its processes
    file_mb: float = 0.0  # the sampled peak RssFile of any one of its processes


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


def _rss_kb(pid: int) -> tuple[int, int]:
    """(RssAnon, RssFile) of one process in kB; zeros when it is gone."""
    anon = file = 0
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                anon = int(line.split()[1])
            elif line.startswith("RssFile:"):
                file = int(line.split()[1])
    return anon, file


def run_watched(command: list[str], *, env: dict[str, str] | None = None, interval: float = 0.2,
                timeout: float | None = None) -> Watched:
    """Run ``command`` in a new session (so its workers are found by session id) and watch it.

    It is started by :mod:`bench.launch`, which reports the command's own peak RSS: a child
    of this process would count this process's memory in it (Linux keeps the high-water mark
    of the forked image through ``exec``). The launcher's own few MB count in the tree's PSS.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as peak:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-I", "-S", str(LAUNCH), peak.name, *command],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, start_new_session=True)
        peak_pss = peak_anon = peak_file = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak_pss, peak_anon, peak_file
            while not stop.is_set():
                pids = _session_pids(proc.pid)
                peak_pss = max(peak_pss, sum(_pss_kb(pid) for pid in pids))
                for anon, file in map(_rss_kb, pids):
                    peak_anon, peak_file = max(peak_anon, anon), max(peak_file, file)
                stop.wait(interval)

        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL)) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, _usage = os.wait4(proc.pid, 0)
        finally:
            seconds = time.perf_counter() - started
            stop.set()
            if timer:
                timer.cancel()
            watcher.join()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        out.seek(0)
        err.seek(0)
        maxrss = peak.read().strip()
        return Watched(seconds, proc.returncode, int(maxrss) / 1024 if maxrss.isdigit() else 0.0, peak_pss / 1024,
                       out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                       peak_anon / 1024, peak_file / 1024)


def describe(watched: Watched) -> str:
    """One line: time and every memory figure of a watched command."""
    return (f"{watched.seconds:.1f} s, status {watched.returncode}, peak RSS {watched.peak_rss_mb:.0f} MB (wait4), "
            f"sampled: RssAnon {watched.anon_mb:.0f} MB, RssFile {watched.file_mb:.0f} MB, "
            f"tree PSS {watched.tree_pss_mb:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.procmem [--interval S] COMMAND...``: run it, print its output tail and memory."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.procmem", description=main.__doc__)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between samples")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("no command given")
    watched = run_watched(args.command, interval=args.interval)
    print(watched.stderr[-600:], file=sys.stderr)
    print(describe(watched))
    return watched.returncode


if __name__ == "__main__":
    raise SystemExit(main())

"""``python -m bench.restored STORE...``: the reader started where the last session left it,
with a search in the bar (issue 17: peak RSS after start <= 200 MB, whatever the store holds).

The last session's search runs as the screen mounts, a moment before the index opens, so the
word filter answers it first. That pass reads every story's details: at 1,000,000 stories it
went on at full CPU for over five minutes after the index had answered, and grew the reader
to 1.9 GB. Here the store is given a saved search, the reader is started on a 120x40 pty
(:class:`bench.terminal.Reader`) and timed to the count of its results; then, over
``SETTLE`` seconds, the CPU it spends (an idle reader spends next to none) and its peak RSS.
The store's saved session is put back afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bench.terminal import Reader
from broadsheet.store.storage.db import Store

QUERY = "zen"  # a word in 42% of bench-large's stories
SETTLE = 3.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU ``pid`` has spent (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def restored_start(folder: Path) -> str:
    store = Store(folder)
    before = store.user.get_setting("session")
    store.user.set_setting("session", {"scroll": 0, "query": QUERY})
    reader = Reader(folder)
    try:
        # the count beside the bar: "12 of 40", "best 2,000 of 417,559 matches"
        shown = reader.wait_for(b" of ") - reader.started
        spent = cpu_seconds(reader.proc.pid)
        reader.settle(SETTLE)
        spent = cpu_seconds(reader.proc.pid) - spent
        peak, _ = reader.memory()
    finally:
        reader.close()
        Store(folder).user.set_setting("session", before or {})
    return (f"{QUERY!r} listed {shown:.2f} s after start; the next {SETTLE:.0f} s: {spent:.2f} s of CPU;"
            f" peak RSS {peak:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.restored", description=__doc__.split("\n\n")[0])
    parser.add_argument("stores", nargs="+", type=Path, help="store folders (bench-large's, e.g.)")
    args = parser.parse_args(argv)
    for folder in args.stores:
        print(f"{folder} ({len(Store(folder)):,} stories): {restored_start(folder)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

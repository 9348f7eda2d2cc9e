"""``make soak``: hundreds of killed writers, real CLI kills, two-writer runs, large files, fuzzed exports.

Prints the counts (runs, faults injected, stories and changes checked, losses found) and
exits 1 when any loss was found. ``--scale 0.1`` gives a quick smoke run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from soak.cli_kills import BIN, cli_import_kills, cli_tag_kills
from soak.concurrent import run_pair
from soak.crash import Counts, kill_soak
from soak.fuzz import fuzz_exports
from soak.hangup import reader_hangups
from soak.large import large_files
from soak.stories import write_pool


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m soak", description=__doc__)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count (0.1 for a smoke run)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and print where it is")
    args = parser.parse_args(argv)

    def n(count: int) -> int:
        return max(1, round(count * args.scale))

    total = Counts()
    work = Path(tempfile.mkdtemp(prefix="broadsheet-soak-"))
    pool = write_pool(work / "sources", 600, args.seed)
    small_pool = write_pool(work / "small-sources", 80, args.seed + 1)
    cli_pool = write_pool(work / "cli-sources", 200, args.seed + 2)
    steps: list[tuple[str, Callable[[], Counts]]] = [
        *[(f"forked writers killed (seed {args.seed + i})",
           lambda i=i: kill_soak(work / f"kill-{i}", pool, n(100), args.seed + i, max_delay=0.15)) for i in range(3)],
        *[(f"two writers at once, run {i}", lambda i=i: run_pair(work / f"pair-{i}", small_pool, n(400), args.seed + i))
          for i in range(3)],
        ("large and hostile files", lambda: large_files(work / "large")),
        ("edited exports and hand-edited store records (Hypothesis)", lambda: fuzz_exports(n(1000))),
    ]
    if BIN.exists():
        steps += [
            ("`broadsheet import` killed", lambda: cli_import_kills(work / "cli", cli_pool, n(20), args.seed)),
            ("`broadsheet tag` killed", lambda: cli_tag_kills(work / "cli", cli_pool, n(40), args.seed)),
            ("reader on a pty hung up (SIGHUP) while writing", lambda: reader_hangups(work / "hup", n(15), args.seed)),
        ]
    for name, step in steps:
        started = time.monotonic()
        counts = step()
        total.add(counts)
        print(f"{name}: {counts.runs} runs, {counts.faults} faults, {counts.stories_checked} stories and "
              f"{counts.changes_checked} changes checked, {len(counts.losses)} losses "
              f"({time.monotonic() - started:.1f} s)", flush=True)
        for loss in counts.losses[:10]:
            print(f"  LOSS: {loss}", flush=True)
    print()
    print(f"runs:             {total.runs}")
    print(f"faults injected:  {total.faults}")
    print(f"stories checked:  {total.stories_checked}")
    print(f"changes checked:  {total.changes_checked}")
    print(f"temp files left by killed writers and removed by the next one: {total.temps_cleaned}")
    print(f"losses found:     {len(total.losses)}")
    if args.keep:
        print(f"work folder: {work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 1 if total.losses else 0


if __name__ == "__main__":
    sys.exit(main())

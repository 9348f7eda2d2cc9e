"""``python -m bench.opens STORE... [--runs N] [--count N]``: opening a story in the reader, again
and again (issue 17: open a story p95 <= 30 ms).

The row of ``make bench-large`` on its own, to compare code or settings on the same stores:
each run starts the reader on a 120x40 pty and opens ``count`` consecutive stories with
``j``, timing each from the key to the story's first paragraph on the terminal
(:func:`bench.terminal.open_stories`). A p95 of 30 opens moved by 5-10 ms from run to run;
the default is 150.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.stats import Sample
from bench.terminal import OPENS, open_stories


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.opens", description=__doc__.split("\n")[0])
    parser.add_argument("stores", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=2, help="runs a store (default 2)")
    parser.add_argument("--count", type=int, default=OPENS, help=f"stories a run (default {OPENS})")
    args = parser.parse_args()
    for folder in args.stores:
        for run in range(1, args.runs + 1):
            opened = Sample.of(open_stories(folder, args.count))
            print(f"{folder}: run {run}, {args.count} opens: median {opened.median * 1e3:.1f} ms, "
                  f"p95 {opened.p95 * 1e3:.1f} ms", flush=True)


if __name__ == "__main__":
    main()

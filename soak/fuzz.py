"""Hostile exports and hand-edited stores, fuzzed at length (issue 18).

Runs the Hypothesis tests of ``tests/test_hostile_export_fuzz.py`` with many more examples
than ``make test`` does: mutated real exports (every story refused with a reason or usable
by list, search, export, the reader and repair) and store records of the wrong shape
(usable, and fixed by repair). A failing example is a loss.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from soak.crash import Counts

REPO = Path(__file__).resolve().parents[1]
TESTS = "tests/test_hostile_export_fuzz.py"


def fuzz_exports(examples: int) -> Counts:
    """Run the fuzz tests with ``examples`` examples each; stories checked and refused come from the tests."""
    counts = Counts()
    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "stats.json"
        env = {**os.environ, "BROADSHEET_PROPERTY_EXAMPLES": str(examples), "BROADSHEET_FUZZ_STATS": str(stats)}
        done = subprocess.run([sys.executable, "-m", "pytest", TESTS, "-q", "-x", "-p", "no:cacheprovider"],
                              cwd=REPO, env=env, capture_output=True, text=True, check=False)
        figures = json.loads(stats.read_text()) if stats.exists() else {}
    counts.runs = figures.get("examples", 0) + figures.get("store records", 0)
    counts.faults = figures.get("refused", 0) + figures.get("store records", 0)  # bad stories and bad records
    counts.stories_checked = figures.get("stories", 0) + 2 * figures.get("store records", 0)
    if done.returncode != 0:
        counts.losses.append("fuzz failed:\n" + "\n".join(done.stdout.splitlines()[-40:]))
    print(f"  exports: {figures.get('examples', 0)} mutated, {figures.get('stories', 0)} stories: "
          f"{figures.get('imported', 0)} imported and usable, {figures.get('refused', 0)} refused with a reason; "
          f"store records of the wrong shape: {figures.get('store records', 0)} usable and repaired", flush=True)
    return counts

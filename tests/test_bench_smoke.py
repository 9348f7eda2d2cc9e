"""The benchmark code keeps working: ``python -m bench --smoke`` (1k stories) runs and prints its table.

Nothing about time is asserted; the figures live in docs/benchmarks.md (``make bench``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import story_text
from bench.report import growth
from broadsheet.store.parse import parse_text
from broadsheet.store.sanitize import clean_text

REPO = Path(__file__).resolve().parents[1]


def test_made_up_pages_parse_with_their_shape() -> None:
    articles = [parse_text(clean_text(story_text(i))) for i in range(40)]
    assert all(len(a.body) >= 3 and not a.headline.startswith("by ") for a in articles)
    assert any(a.images for a in articles) and any(a.credits for a in articles)
    assert story_text(7) == story_text(7)  # deterministic


def test_growth_exponent() -> None:
    assert growth([1000, 10000, 50000], [1.0, 10.0, 50.0]) == pytest.approx(1.0)
    assert growth([1000, 10000, 50000], [2.0, 2.0, 2.0]) == pytest.approx(0.0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reader is timed on a Linux pty")
def test_bench_smoke_prints_the_table(tmp_path: Path) -> None:
    env = {**os.environ, "BROADSHEET_BENCH_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=170)
    assert done.returncode == 0, done.stderr[-3000:]
    for label in ("Import, real importer", "Cold start to painted list", "Open a story in the reader",
                  "Bookmark toggle", "plain TinyDB update", "Store on disk"):
        assert label in done.stdout, done.stdout

"""Score saved-page reading on the shared corpus (``--variant html``) and hold the measured level.

Runs the shared scorer exactly as the issue does (``broadsheet parse --json`` on the saved
pages). The corpus is not part of the repository; the test skips when it is absent.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCORER = SHARED / "tools" / "score_parser.py"
CLI = Path(sys.executable).with_name("broadsheet")

# Floors: the targets where reached, otherwise just under the measured figure.
FLOORS = {
    "dev": {
        "body_f1": 0.97,  # target; measured 0.978
        "headline": 0.95,  # target; measured 1.0 (34 of 34)
        "authors": 0.95,  # target; measured 0.99
        "date": 0.98,  # target; measured 1.0
        "captions": 0.85,  # target; measured 0.942
        "credits": 0.85,  # target; measured 0.961
    },
    "dev_extra": {  # held-out publishers: no rule was written for them
        "body_f1": 0.94,  # measured 0.965
        "headline": 0.95,  # measured 1.0
        "authors": 0.85,  # measured 0.917
        "date": 0.95,  # measured 1.0
        "captions": 0.85,  # measured 0.917
    },
}


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_saved_pages_score_at_least_the_floors(corpus: str) -> None:
    folder = SHARED / "corpus" / corpus
    if not (folder / "html").is_dir() or not SCORER.exists() or not CLI.exists():
        pytest.skip("the shared corpus (or the installed broadsheet command) is not here")
    spec = importlib.util.spec_from_file_location("score_parser", SCORER)
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    with contextlib.redirect_stdout(io.StringIO()):
        result = scorer.score(folder, f"{CLI} parse --json", "html", False)
    assert result["errors"] <= 1, result
    short = {k: (result.get(k), floor) for k, floor in FLOORS[corpus].items() if result.get(k, 0.0) < floor}
    assert not short, f"below the floor on {corpus}: {short}"

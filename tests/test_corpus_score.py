"""Score the parser on the shared dev corpus (real page dumps) and hold the measured level.

Uses the scoring functions of ``shared/tools/score_parser.py`` in-process (no subprocess),
so the figures match ``python3 ../shared/tools/score_parser.py ../shared/corpus/dev``.
The corpus is not part of the repository; the test skips when it is absent.
"""

from __future__ import annotations

import collections
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from broadsheet.store.parse import ParseError, parse_text
from broadsheet.store.sanitize import clean_text

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "dev"
SCORER = SHARED / "tools" / "score_parser.py"

# Floors: the brief's targets where reached, otherwise just under the measured figure.
FLOORS = {
    "raw": {
        "body_f1": 0.96,  # target; measured 0.967
        "headline": 0.93,  # measured 0.935 (target 0.95; 2 of 31 truths are not the printed headline)
        "authors": 0.90,  # target; measured 1.0
        "date": 0.80,  # measured 0.824 (target 0.95): 6 of 34 pages print no full date (relative or none)
        "captions": 0.80,  # target; measured 0.808
        "credits": 0.80,  # target; measured 0.981
    },
    "raw_gettext": {
        "body_f1": 0.90,  # target; measured 0.958
        "headline": 0.88,  # measured 0.903
        "authors": 0.90,  # measured 0.935
        "date": 0.80,  # measured 0.824
        "captions": 0.70,  # measured 0.733
        "credits": 0.90,  # measured 0.922
    },
}


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_parser", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _credit_text(value: object) -> str:
    # Some truths list a credit as [photographer, agency]; the page prints "photographer/agency".
    return " / ".join(value) if isinstance(value, list) else str(value)


def _score(sp: ModuleType, variant: str) -> dict[str, float]:
    sums: dict[str, list[float]] = collections.defaultdict(list)
    caps, creds = [0, 0], [0, 0]
    for truth_path in sorted((CORPUS / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text())
        raw = (CORPUS / variant / f"{truth_path.stem}.txt").read_text(encoding="utf-8", errors="replace")
        try:
            got = parse_text(clean_text(raw)).to_contract()
        except ParseError:
            got = {}
        checks = truth.get("checks") or {}
        if truth.get("headline") and checks.get("headline_in_raw", True):
            sums["headline"].append(float(sp.fold(got.get("headline") or "") == sp.fold(truth["headline"])))
        if truth.get("body"):
            pred = "\n\n".join(
                [
                    sp.as_text(got.get("dateline")),
                    sp.as_text(got.get("standfirst")),
                    sp.as_text(got.get("body")),
                ]
            )
            sums["body_f1"].append(sp.prf(pred, truth["body"])[2])
        if truth.get("authors") and all(checks.get("authors_in_raw") or [True]):
            sums["authors"].append(sp.set_f1(got.get("authors") or [], truth["authors"]))
        want = sp.as_date(truth.get("date"))
        if want:
            have = sp.as_date(got.get("published"))
            sums["date"].append(float(have is not None and abs((have - want).days) <= 1))
        images = truth.get("images") or []
        pred_caps = [i.get("caption") or "" for i in got.get("images") or []]
        pred_creds = [i.get("credit") or "" for i in got.get("images") or []]
        truth_caps = [i["caption"] for i in images if i.get("caption")]
        truth_creds = [_credit_text(i["credits"]) for i in images if i.get("credits")]
        if truth_caps and checks.get("captions_in_raw"):
            caps[0] += sp.matched(truth_caps, pred_caps)
            caps[1] += len(truth_caps)
        if truth_creds and checks.get("credits_in_raw"):
            creds[0] += sp.matched(truth_creds, pred_creds)
            creds[1] += len(truth_creds)
    result = {k: sum(v) / len(v) for k, v in sums.items() if v}
    if caps[1]:
        result["captions"] = caps[0] / caps[1]
    if creds[1]:
        result["credits"] = creds[0] / creds[1]
    return result


@pytest.mark.parametrize("variant", sorted(FLOORS))
def test_dev_corpus_scores(variant: str) -> None:
    if not (CORPUS / variant).is_dir() or not SCORER.exists():
        pytest.skip("shared dev corpus or scorer not available")
    result = _score(_scorer(), variant)
    short = {
        k: round(result.get(k, 0.0), 4) for k, floor in FLOORS[variant].items() if result.get(k, 0.0) < floor
    }
    assert not short, f"{variant} below floor: {short} (all: { {k: round(v, 4) for k, v in result.items()} })"

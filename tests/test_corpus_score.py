"""Score the parser on the shared corpora (real page dumps) and hold the measured level.

Uses the scoring functions of ``shared/tools/score_parser.py`` in-process (no subprocess),
with its rules (a field counts only where the dump shows it, the date only where the page
prints it), so the figures match ``python3 ../shared/tools/score_parser.py ../shared/corpus/dev``
and ``... ../shared/corpus/dev_extra``, for ``--variant raw`` and ``--variant raw_gettext``.
``dev_extra`` holds 17 pages of 17 sites no rule was written for (partial truth: no headline
on some pages, no photo credits): it is the check that the rules generalise.
The corpora are not part of the repository; the tests skip when they are absent.
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
SCORER = SHARED / "tools" / "score_parser.py"

# Floors just under the measured figures (issue 14; measured on this branch, both variants).
# One page moves a dev_extra figure a lot (12 pages with authors, 12 captions, 5 with a printed date).
FLOORS = {
    ("dev", "raw"): {
        "body_f1": 0.968,  # measured 0.973
        "headline": 0.93,  # measured 0.9355 (2 of 31 truths are not the printed headline)
        "authors": 0.96,  # measured 1.0
        "date": 0.96,  # measured 1.0
        "captions": 0.87,  # measured 0.875
        "credits": 0.97,  # measured 0.9806
    },
    ("dev", "raw_gettext"): {
        "body_f1": 0.965,  # measured 0.9694
        "headline": 0.93,  # measured 0.9355
        "authors": 0.96,  # measured 1.0
        "date": 0.96,  # measured 1.0
        "captions": 0.86,  # measured 0.8667
        "credits": 0.96,  # measured 0.9709
    },
    ("dev_extra", "raw"): {
        "body_f1": 0.96,  # measured 0.9639
        "headline": 0.92,  # measured 1.0
        "authors": 0.82,  # measured 0.8333 (2 of 12 truths name someone the page does not byline)
        "date": 0.8,  # measured 1.0
        "captions": 0.99,  # measured 1.0 (12 of 12)
    },
    ("dev_extra", "raw_gettext"): {
        "body_f1": 0.958,  # measured 0.9615
        "headline": 0.92,  # measured 1.0
        "authors": 0.82,  # measured 0.8333
        "date": 0.8,  # measured 1.0
        "captions": 0.99,  # measured 1.0 (12 of 12)
    },
}


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_parser", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score(sp: ModuleType, corpus: Path, variant: str) -> dict[str, float]:
    sums: dict[str, list[float]] = collections.defaultdict(list)
    caps, creds = [0, 0], [0, 0]
    for truth_path in sorted((corpus / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text())
        raw = (corpus / variant / f"{truth_path.stem}.txt").read_text(encoding="utf-8", errors="replace")
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
        if want and checks.get("date_in_raw", True):
            have = sp.as_date(got.get("published"))
            sums["date"].append(float(have is not None and abs((have - want).days) <= 1))
        images = truth.get("images") or []
        pred_caps = [i.get("caption") or "" for i in got.get("images") or []]
        pred_creds = [sp.credit_text(i.get("credit")) for i in got.get("images") or []]
        truth_caps = [i["caption"] for i in images if i.get("caption")]
        truth_creds = [sp.credit_text(i["credits"]) for i in images if i.get("credits")]
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


@pytest.mark.parametrize(("corpus", "variant"), sorted(FLOORS))
def test_corpus_scores(corpus: str, variant: str) -> None:
    folder = SHARED / "corpus" / corpus
    if not (folder / variant).is_dir() or not (folder / "truth").is_dir() or not SCORER.exists():
        pytest.skip(f"shared corpus {corpus}/{variant} or the scorer not available")
    result = _score(_scorer(), folder, variant)
    floors = FLOORS[(corpus, variant)]
    short = {k: round(result.get(k, 0.0), 4) for k, floor in floors.items() if result.get(k, 0.0) < floor}
    everything = {k: round(v, 4) for k, v in result.items()}
    assert not short, f"{corpus}/{variant} below floor: {short} (all: {everything})"

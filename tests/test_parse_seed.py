"""The bundled seed page must parse exactly right, every field."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.store.parse import explain_text, parse_text
from broadsheet.store.sanitize import clean_text

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_8c3ea6226bd6adab.txt"
HEADLINE = "South Korea, Japan resume high-level economic talks amid improved ties"


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("seed document not present")
    return clean_text(SEED.read_text(encoding="utf-8", errors="replace"))


def test_seed_fields(seed_text: str) -> None:
    art = parse_text(seed_text)
    assert art.headline == HEADLINE
    assert art.standfirst is None
    assert art.source == "DZRH News"
    assert art.authors == ["DZRH News"]
    assert art.published == "2023-12-22"
    assert art.dateline == "SEOUL (Reuters)"
    assert art.agency == "Reuters"
    assert len(art.images) == 1
    image = art.images[0]
    assert image.caption.startswith("South Korea's Deputy Foreign Minister")
    assert image.caption.endswith("21 December 2023.")
    assert image.credit == "JEON HEON-KYUN/Pool via REUTERS"
    assert len(art.body) == 11
    assert art.body[0].startswith("South Korea and Japan held")
    assert art.body[-1].startswith("South Korea's Supreme Court on Thursday")
    assert art.credits is not None
    assert art.credits.reporting == ["Hyunsu Yim"]
    assert art.credits.additional_reporting == ["Ju-min Park", "Dogyun Kim"]
    assert art.credits.writing == []
    assert art.credits.editing == ["Ed Davies", "Jacqueline Wong", "Emelia Sithole-Matarise"]
    assert art.credits.text.startswith("(Reporting by Hyunsu Yim;")
    assert art.credits.text.endswith("Emelia Sithole-Matarise)")


def test_seed_boilerplate_not_in_body(seed_text: str) -> None:
    body = "\n".join(parse_text(seed_text).body)
    for phrase in ("Related Topics", "listen Live", "DZRH News Live Streaming", "Most Read", "Reporting by"):
        assert phrase not in body
    assert HEADLINE not in body


def test_seed_contract_shape(seed_text: str) -> None:
    data = parse_text(seed_text).to_contract()
    assert set(data) >= {
        "headline",
        "standfirst",
        "source",
        "agency",
        "published",
        "authors",
        "dateline",
        "body",
        "images",
        "credits",
    }
    assert data["images"] == [
        {"caption": parse_text(seed_text).images[0].caption, "credit": "JEON HEON-KYUN/Pool via REUTERS"}
    ]


def test_seed_explain_matches_parse(seed_text: str) -> None:
    roles = {e.number: e.role for e in explain_text(seed_text)}
    heads = [n for n, r in roles.items() if r == "headline"]
    assert len(heads) == 1 and heads[0] in (1, 2, 3)
    assert {roles[n] for n in (1, 2, 3) if n not in heads} == {"boilerplate"}
    assert roles[4] == "byline"
    assert roles[5] == "caption"
    assert roles[7] == "dateline"
    assert roles[31] == "credits_line"
    assert {roles[n] for n in (33, 34, 35, 36)} == {"boilerplate"}
    assert sum(1 for r in roles.values() if r in ("body", "dateline")) == 11

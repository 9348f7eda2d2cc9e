"""Fuzz: a real export, mutated (wrong types, missing keys, huge values, odd Unicode), imported.

Each story must be either refused with its position and a reason, or imported so that
``list``, ``search``, ``export``, the reader's article view and ``repair`` all work
(issue 18). ``make test`` runs a bounded number of examples; ``make soak`` runs many more
(``BROADSHEET_PROPERTY_EXAMPLES``) and reads the figures from ``BROADSHEET_FUZZ_STATS``.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.cli.main import main
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.exchange import export_json
from broadsheet.store.storage.tinydb import read_json_file
from tests.factories import make_article, meta_file, wire_article
from tests.usable import assert_store_usable

EXAMPLES = int(os.environ.get("BROADSHEET_PROPERTY_EXAMPLES", "25"))
STATS = os.environ.get("BROADSHEET_FUZZ_STATS")  # a JSON file `make soak` reads the counts from

ODD_TEXT = ["", " ", "\ud800", "a\udcffb", "\u202eevil", "\x1b]0;owned\x07", "\x00", "[bold]x[/]", "e\u0301",
            "\ufeff", "\u2028", "𝔥𝔢𝔞𝔡𝔩𝔦𝔫𝔢", "ﷺ" * 50, "2024-13-45", "9999-12-31T99:99", "-1", "harbour"]
HUGE = ["x" * 300_000, "word " * 60_000]
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**64),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30), st.sampled_from(ODD_TEXT),
                    st.sampled_from(HUGE))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(
                                                           ["caption", "credit", "text", "reporting", "x"]),
                                                           inner, max_size=3)), max_leaves=6)


def base_export() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp))
        ids = store.add([(make_article(1), "a.txt"), (make_article(2), "b.txt"), (wire_article(), "w.txt")])
        store.user.edit_tags([ids[0]], add=["harbour"])
        store.user.set_bookmarked(ids[0], True)
        store.user.set_read(ids[1], True)
        return orjson.loads(export_json(store, [m.id for m in store.stories()]))


BASE = base_export()


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``value`` a mutation can hit."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


STORY_PATHS = sorted({p for story in BASE["stories"] for p in paths(story)}, key=repr)
mutation = st.tuples(st.integers(0, len(BASE["stories"]) - 1), st.sampled_from(STORY_PATHS),
                     st.sampled_from(["set", "set", "delete", "add"]), values)


def mutate(doc: dict[str, Any], story: int, path: tuple[Any, ...], how: str, value: Any) -> None:
    node: Any = doc["stories"][story]
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return  # an earlier mutation changed the shape: this one has nothing to hit
    last = path[-1]
    if isinstance(node, dict) and how == "delete" and last not in node:
        return
    if isinstance(node, dict) or (isinstance(node, list) and isinstance(last, int) and last < len(node)):
        if how == "delete":
            del node[last]
        elif how == "add" and isinstance(node, dict):
            node[f"unknown_{last}"] = value
        else:
            node[last] = value


def _count(key: str, amount: int = 1) -> None:
    if not STATS:
        return
    path = Path(STATS)
    stats = json.loads(path.read_text()) if path.exists() else {}
    stats[key] = stats.get(key, 0) + amount
    path.write_text(json.dumps(stats))


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(mutations=st.lists(mutation, min_size=1, max_size=4))
def test_every_story_of_a_mutated_export_is_refused_with_a_reason_or_usable(
        mutations: list[tuple[int, tuple[Any, ...], str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    doc = copy.deepcopy(BASE)
    for story, path, how, value in mutations:
        mutate(doc, story, path, how, value)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "export.json"
        source.write_bytes(json.dumps(doc).encode())  # json, not orjson: it writes lone surrogates as escapes
        folder = Path(tmp) / "store"
        report = import_paths(Store(folder), [source])
        # Failures are counted as read, stories as their batch is stored: order by position.
        assert sorted(o.path for o in report.outcomes) == sorted(f"{source} (story {n})"
                                                                for n in range(1, len(doc["stories"]) + 1))
        for outcome in report.outcomes:
            if outcome.status == "failed":
                assert outcome.reason.startswith("refused: ") and len(outcome.reason) > 12, outcome.reason
        ids = assert_store_usable(folder, capsys)
        stored = {o.story_id for o in report.outcomes if o.status != "failed"}
        assert stored == set(ids)
        _count("examples")
        _count("stories", len(report.outcomes))
        _count("refused", len(report.failed))
        _count("imported", report.count("imported"))


RECORD_FIELDS = ["headline", "published", "imported", "source", "standfirst", "agency", "dateline", "file", "authors",
                 "images", "credits", "shard", "details"]


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(changes=st.dictionaries(st.sampled_from(RECORD_FIELDS), values, min_size=1, max_size=5),
       packed=st.booleans())
def test_a_store_record_of_another_version_or_a_hand_edit_stays_usable_and_repair_fixes_it(
        changes: dict[str, Any], packed: bool, capsys: pytest.CaptureFixture[str]) -> None:
    from broadsheet.store.storage import fields
    from broadsheet.store.storage.db import unpack_record

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        store = Store(folder)
        _good, bad = store.add([(make_article(1), "/made/up/a.txt"), (wire_article(), "/made/up/w.txt")])
        path = meta_file(folder)
        data = read_json_file(path)
        record = data["articles"][bad]
        if not packed:  # the older inline layout
            record.update(orjson.loads(record.pop("details")))
        if "details" in changes and not isinstance(changes["details"], str):
            changes["details"] = json.dumps(changes["details"])  # details is JSON text: make it odd JSON
        record.update(changes)
        path.write_bytes(json.dumps(data).encode())
        capsys.readouterr()
        if main(["--store", str(folder), "list"]) != 0:  # a file orjson refuses (a lone surrogate): damaged
            assert "Run `broadsheet repair`" in capsys.readouterr().err
            assert main(["--store", str(folder), "repair"]) in (0, 1)
        ids = assert_store_usable(folder, capsys, word="rail")
        assert bad in ids
        records = read_json_file(path)["articles"]
        for sid, doc in records.items():  # repair (run above) left only records the reader reads as written
            assert fields.record_problems(unpack_record(doc, path)) == [], (sid, doc)
        _count("store records")

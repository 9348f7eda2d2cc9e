"""``broadsheet repair`` a shard at a time: memory that does not grow with the store, records
filed in the wrong shard, an old store's damaged ``articles.json``, a run stopped part way."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import orjson
import pytest

import broadsheet.store.storage.db as store_db
from broadsheet.store.search import SearchIndex
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.repair import UNFINISHED, repair_store
from broadsheet.store.storage.tinydb import read_json_file
from soak.crash import observe
from tests.factories import make_article, meta_file

WORDS = ["ferry", "council", "harbour", "vote", "timetable", "Lowmoor", "winter", "pass", "rail", "town"]


def _store(folder: Path, count: int, seed: int = 3) -> Store:
    rng = random.Random(seed)
    store = Store(folder)
    body = [" ".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(60)) for _ in range(8)]
    store.add([(make_article(i, headline=f"Story number {i}", body=[f"{i}", *body]), f"made-up-{i}.txt")
               for i in range(count)])
    return store


def _peak_of_repair(folder: Path) -> int:
    tracemalloc.start()
    try:
        report = repair_store(folder)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.healthy, report
    return peak


def test_repair_holds_a_shard_at_a_time_not_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 8)
    small = _store(tmp_path / "small", 24)
    large = _store(tmp_path / "large", 240)
    _peak_of_repair(small.folder)  # imports and first-use caches out of the way
    # The least of two runs each: tracemalloc counts every thread's allocations, and a thread an
    # earlier test left (a full run) once put 4 MB into one run's peak.
    peak_small = min(_peak_of_repair(small.folder) for _ in range(2))
    peak_large = min(_peak_of_repair(large.folder) for _ in range(2))
    # Ten times the stories: holding them all (as repair once did) would take several times the memory.
    assert peak_large < 1.5 * peak_small, (peak_small, peak_large)


def test_progress_is_reported_for_each_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 4)
    store = _store(tmp_path / "store", 10)  # shards 0, 1, 2
    meta_file(store, 1).write_bytes(meta_file(store, 1).read_bytes()[:-30])  # damaged: the index is rebuilt too
    calls: list[tuple[str, int, int]] = []
    repair_store(store.folder, on_progress=lambda what, done, total: calls.append((what, done, total)))
    passes = list(dict.fromkeys(what for what, _done, _total in calls))
    assert passes == ["Checking story records", "Checking story bodies", "Checking marks and tags",
                      "Rebuilding the search index"]
    for what in passes:
        done = [(d, t) for w, d, t in calls if w == what]
        assert done == sorted(done) and done[-1][0] == done[-1][1]
    assert [(d, t) for w, d, t in calls if w == "Checking story bodies"] == [(1, 3), (2, 3), (3, 3)]


def test_a_record_filed_under_another_shard_is_moved_to_its_own(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 3)
    store = _store(tmp_path / "store", 6)
    want = observe(store)
    first, second = read_json_file(meta_file(store, 0)), read_json_file(meta_file(store, 1))
    sid, record = next(iter(first["articles"].items()))
    del first["articles"][sid]
    second["articles"][sid] = record  # still says shard 0, where its body is
    meta_file(store, 0).write_bytes(orjson.dumps(first))
    meta_file(store, 1).write_bytes(orjson.dumps(second))
    report = repair_store(store.folder)
    assert not report.lost, report.lost
    assert "meta/000001.json: 1 story record(s) moved to the shard they name" in report.actions
    assert sid in read_json_file(meta_file(store, 0))["articles"]
    assert sid not in read_json_file(meta_file(store, 1))["articles"]
    assert observe(Store(store.folder)) == want
    assert repair_store(store.folder).healthy


def test_a_damaged_articles_json_of_an_old_store_is_salvaged_into_shards(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    (folder / "bodies").mkdir(parents=True)
    records, bodies = {}, {}
    for n in range(6):
        article = make_article(n)
        record = {**article.to_doc(), "shard": 0, "file": None, "imported": f"2026-01-0{n + 1}T00:00:00+00:00"}
        bodies[article.story_id] = {"body": record.pop("body")}
        records[article.story_id] = record
    (folder / "bodies" / "000000.json").write_bytes(orjson.dumps({"bodies": bodies}))
    raw = orjson.dumps({"articles": records})
    (folder / "articles.json").write_bytes(raw[: len(raw) * 2 // 3])  # the older Broadsheet was killed mid-write
    report = repair_store(folder)
    assert any(line.startswith("articles.json: not valid JSON: truncated") for line in report.damaged)
    assert any("articles.json: its" in line and "moved to meta/" in line for line in report.actions)
    assert not (folder / "articles.json").exists() and list(folder.glob("articles.json.damaged-*"))
    kept = {m.id: m for m in Store(folder).stories()}
    assert 0 < len(kept) < 6 and all(Store(folder).body(m) == bodies[sid]["body"] for sid, m in kept.items())
    assert "lost their story record" in report.lost[0]


def test_a_repair_stopped_part_way_is_finished_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 4)
    store = _store(tmp_path / "store", 10)
    SearchIndex.open(store)
    meta_file(store, 0).write_bytes(meta_file(store, 0).read_bytes() + b"\n{garbage")

    def stop(what: str, done: int, _total: int) -> None:
        if what == "Checking story bodies" and done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        repair_store(store.folder, on_progress=stop)
    assert (store.folder / UNFINISHED).exists()  # the shard was rewritten, but not the directory or index
    report = repair_store(store.folder)
    assert any("stopped part way" in line for line in report.actions)
    assert "search index: rebuilt from the repaired store" in report.actions
    assert not (store.folder / UNFINISHED).exists()
    repaired = Store(store.folder)
    assert len(repaired.stories()) == 10
    assert SearchIndex.open(repaired).search("number", states={}).total == 10
    assert repair_store(store.folder).healthy

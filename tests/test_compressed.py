"""Compressed body and metadata shards (issue 17): written compressed, old plain shards still read, damage named."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from broadsheet.store.errors import StoreFileError
from broadsheet.store.storage import compressed
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.repair import repair_store
from broadsheet.store.storage.tinydb import CompressedJSONStorage, check_ends, read_json_file
from tests.factories import make_article, meta_file


def filled(folder: Path, count: int = 6) -> Store:
    store = Store(folder)
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(count)])
    return store


def shard(store: Store) -> Path:
    return store.folder / "bodies" / "000000.json"


def test_body_shards_are_written_compressed_and_read_back(tmp_path: Path) -> None:
    store = filled(tmp_path / "store")
    raw = shard(store).read_bytes()
    assert raw.startswith(compressed.MAGIC)
    assert meta_file(store).read_bytes().startswith(compressed.MAGIC)
    assert (store.folder / "meta" / "stamp.json").read_bytes().startswith(b"{")  # not a shard: plain
    plain = compressed.unpack(shard(store), raw)
    assert len(raw) < len(plain)
    reopened = Store(store.folder)
    for i, meta in enumerate(sorted(reopened.stories(), key=lambda m: m.file or "")):
        assert reopened.article_of(meta) == make_article(i)


def test_a_plain_shard_of_an_older_store_is_read_and_compressed_when_next_written(tmp_path: Path) -> None:
    store = filled(tmp_path / "store", 3)
    path = shard(store)
    data = read_json_file(path)
    path.write_bytes(orjson.dumps(data))  # as every store before compression wrote it
    reopened = Store(store.folder)  # its ends are checked as JSON
    before = {m.id: reopened.article_of(m) for m in reopened.stories()}
    assert len(before) == 3 and path.read_bytes().startswith(b"{")
    reopened.add([(make_article(7), "made-up-7.txt")])  # the same shard gets one more story
    assert path.read_bytes().startswith(compressed.MAGIC)
    again = Store(store.folder)
    assert {m.id: again.article_of(m) for m in again.stories() if m.id in before} == before
    assert len(again) == 4


DAMAGE = {
    "truncated": (lambda raw: raw[: len(raw) // 2], "truncated"),
    "cut in its header": (lambda raw: raw[:5], "truncated"),
    "trailing data": (lambda raw: raw + b"garbage", "trailing data"),
    "damaged inside": (lambda raw: raw[:-40] + bytes(b ^ 0x5A for b in raw[-40:-20]) + raw[-20:], "damaged"),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_compressed_shard_is_named_and_kept(tmp_path: Path, kind: str) -> None:
    store = filled(tmp_path / "store")
    path = shard(store)
    damage, reason = DAMAGE[kind]
    damaged = damage(path.read_bytes())
    path.write_bytes(damaged)
    reopened = Store(store.folder)  # the header says how long the file is: truncation is found at open
    found = reopened.damaged_files().get("bodies/000000.json")
    assert (found is None) == (kind == "damaged inside")  # that is found when a story of the shard is first opened
    with pytest.raises(StoreFileError) as info:
        reopened.body(reopened.stories()[0])
    error = info.value
    with pytest.raises(StoreFileError):  # and never overwritten by a write
        reopened.add([(make_article(99), "new.txt")])
    assert found is None or (found.path == path and reason in found.reason)
    assert error.path == path and reason in error.reason and str(path) in str(error)
    assert error.backup is not None and error.backup.read_bytes() == damaged
    assert path.read_bytes() == damaged


def test_check_ends_passes_a_whole_compressed_file(tmp_path: Path) -> None:
    path = tmp_path / "000000.json"
    CompressedJSONStorage(path).write({"bodies": {"a": {"body": ["one"]}}})
    check_ends(path)  # no error
    assert read_json_file(path) == {"bodies": {"a": {"body": ["one"]}}}


def test_a_failed_replace_leaves_the_old_compressed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "000000.json"
    CompressedJSONStorage(path).write({"bodies": {"a": {"body": ["old"]}}})
    old = path.read_bytes()

    def crash(*_args: object) -> None:
        raise OSError("simulated crash between write and rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated"):
        CompressedJSONStorage(path).write({"bodies": {"a": {"body": ["new"]}}})
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["000000.json"]


_WRITER = """
import sys
from collections.abc import Callable
from pathlib import Path
from broadsheet.store.storage.tinydb import CompressedJSONStorage
storage = CompressedJSONStorage(Path(sys.argv[1]))
version = 0
while True:
    version += 1
    storage.write({"bodies": {f"{n:04d}": {"body": [f"version {version} paragraph {n} " * 20]} for n in range(300)},
                   "version": {"v": {"n": version}}})
"""


def test_a_writer_killed_mid_write_leaves_the_old_or_the_new_shard(tmp_path: Path) -> None:
    path = tmp_path / "000000.json"
    rng = random.Random(17)
    last = 0
    for _ in range(6):
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)])
        try:
            deadline = time.monotonic() + 20
            while not path.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.15))
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
        check_ends(path)
        data = read_json_file(path)
        assert data is not None
        version = data["version"]["v"]["n"]
        assert version >= 1 and len(data["bodies"]) == 300
        assert all(f"version {version} " in doc["body"][0] for doc in data["bodies"].values())  # one version, whole
        last = version
    assert last >= 1


def long_body(rng: random.Random) -> list[str]:
    """Made-up paragraphs that compress about as real ones do (random words, not repeated text)."""
    words = ["ferry", "council", "harbour", "vote", "timetable", "Lowmoor", "winter", "pass", "rail", "town",
             "operators", "residents", "plan", "month", "largest", "history", "northern", "reopened", "snow"]
    return [" ".join(rng.choice(words) + str(rng.randint(0, 999)) for _ in range(80)) for _ in range(12)]


def test_repair_keeps_the_records_before_the_cut_of_a_truncated_compressed_shard(tmp_path: Path) -> None:
    rng = random.Random(5)
    store = Store(tmp_path / "store")  # 100 stories of 6 kB: the shard spans several zstd blocks of 128 kB
    store.add([(make_article(i, body=long_body(rng)), f"made-up-{i}.txt") for i in range(100)])
    path = shard(store)
    stories = {m.id: store.article_of(m).body for m in store.stories()}
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) * 3 // 4])
    report = repair_store(store.folder)
    assert any("000000.json: truncated" in d for d in report.damaged)
    kept = [a for a in report.actions if "000000.json: kept" in a]
    assert kept and "kept 0 " not in kept[0]
    assert path.read_bytes().startswith(compressed.MAGIC)  # rewritten compressed
    repaired = Store(store.folder)
    bodies = {m.id: repaired.body(m) for m in repaired.stories()}
    assert sum(1 for sid, body in bodies.items() if body == stories[sid]) >= 10
    assert all(body in ([], stories[sid]) for sid, body in bodies.items())  # nothing garbled


def test_escape_sequences_in_a_compressed_shard_are_cleaned_on_read(tmp_path: Path) -> None:
    store = filled(tmp_path / "store", 1)
    path = shard(store)
    [sid] = [m.id for m in store.stories()]
    data = read_json_file(path)
    data["bodies"][sid]["body"] = ["Evil\x1b]52;c;cHduZWQ=\x07 \x9b31m text"]
    path.write_bytes(compressed.pack(orjson.dumps(data)))
    reopened = Store(store.folder)
    [body] = reopened.body(reopened.stories()[0])
    assert "\x1b" not in body and "\x9b" not in body and "\x07" not in body and "text" in body


@pytest.mark.parametrize(("cut", "reason"), [(lambda raw: raw[: len(raw) // 2], "truncated"),
                                             (lambda raw: b"", "empty"),
                                             (lambda raw: raw + b'{"x": 1}', "trailing data")])
def test_a_damaged_plain_shard_of_an_older_store_is_still_named(tmp_path: Path, cut: Callable[[bytes], bytes],
                                                                reason: str) -> None:
    store = filled(tmp_path / "store", 3)
    path = shard(store)
    damaged = cut(orjson.dumps(read_json_file(path)))
    path.write_bytes(damaged)
    with pytest.raises(StoreFileError, match=reason) as info:
        reopened = Store(store.folder)
        reopened.body(reopened.stories()[0])  # trailing data is found on the first read
    assert info.value.path == path and path.read_bytes() == damaged


def test_plain_metadata_shards_of_an_older_store_open_and_are_compressed_when_next_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.storage import db

    monkeypatch.setattr(db, "SHARD_SIZE", 4)
    store = filled(tmp_path / "store", 6)  # shards 0 (4 stories) and 1 (2)
    old, last = meta_file(store, 0), meta_file(store, 1)
    for path in (old, last):
        path.write_bytes(orjson.dumps(read_json_file(path)))  # as stores before metadata compression wrote them
    reopened = Store(store.folder)
    before = {m.id: (m.headline, m.images, reopened.article_of(m)) for m in reopened.stories()}
    assert len(before) == 6 and all(images for _h, images, _a in before.values())  # details read
    reopened.add([(make_article(9), "made-up-9.txt")])  # goes to shard 1: only that one is rewritten
    assert last.read_bytes().startswith(compressed.MAGIC) and old.read_bytes().startswith(b"{")
    again = Store(store.folder)
    assert {m.id: (m.headline, m.images, again.article_of(m)) for m in again.stories() if m.id in before} == before
    assert len(again) == 7


def test_an_old_single_file_store_is_moved_to_compressed_metadata_shards(tmp_path: Path) -> None:
    store = filled(tmp_path / "store", 3)
    records = read_json_file(meta_file(store))["articles"]
    want = {m.id: store.article_of(m) for m in store.stories()}
    meta_file(store).unlink()
    (store.folder / "articles.json").write_bytes(orjson.dumps({"articles": records}))
    moved = Store(store.folder)
    assert not (store.folder / "articles.json").exists()
    assert meta_file(moved).read_bytes().startswith(compressed.MAGIC)
    assert {m.id: moved.article_of(m) for m in moved.stories()} == want


def test_repair_keeps_the_records_before_the_cut_of_a_truncated_metadata_shard(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.add([(make_article(i, headline=f"Made-up headline number {i}"), f"made-up-{i}.txt") for i in range(120)])
    path = meta_file(store)
    want = {m.id: (m.headline, m.file) for m in store.stories()}
    raw = path.read_bytes()
    assert raw.startswith(compressed.MAGIC)
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(StoreFileError, match="truncated"):
        Store(store.folder)
    report = repair_store(store.folder)
    assert any("meta/000000.json: truncated" in d for d in report.damaged)
    assert path.read_bytes().startswith(compressed.MAGIC)  # rewritten compressed
    repaired = Store(store.folder)
    kept = {m.id: (m.headline, m.file) for m in repaired.stories()}
    assert 120 * 0.3 <= len(kept) < 120  # a plain shard cut in half keeps about half: so does this one
    assert all(want[sid] == story for sid, story in kept.items())  # nothing garbled

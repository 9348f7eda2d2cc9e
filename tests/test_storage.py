import os
from pathlib import Path

import orjson
import pytest

from broadsheet.store.errors import StoreFileError
from broadsheet.store.storage.atomic import atomic_write_bytes
from broadsheet.store.storage.tinydb import AtomicJSONStorage, open_db


def test_round_trip_and_no_temp_files(tmp_path: Path) -> None:
    db = open_db(tmp_path / "db.json")
    db.table("t").insert({"a": 1})
    assert orjson.loads((tmp_path / "db.json").read_bytes()) == {"t": {"1": {"a": 1}}}
    assert [p.name for p in tmp_path.iterdir()] == ["db.json"]


def test_failed_replace_leaves_old_file_and_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.json"
    atomic_write_bytes(path, b'{"old": {}}')

    def crash(*_args: object) -> None:
        raise OSError("simulated crash between write and rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated"):
        atomic_write_bytes(path, b'{"new": {}}')
    assert path.read_bytes() == b'{"old": {}}'
    assert [p.name for p in tmp_path.iterdir()] == ["db.json"]


@pytest.mark.parametrize(
    ("content", "reason"), [(b"", "empty"), (b'{"t": {', "not valid JSON"), (b"[1]", "not a TinyDB")]
)
def test_damaged_file_is_reported_with_its_name(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(content)
    with pytest.raises(StoreFileError, match=reason) as info:
        AtomicJSONStorage(path).read()
    assert info.value.path == path
    assert path.read_bytes() == content  # nothing is overwritten


def test_change_by_another_writer_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    storage.write({"t": {"1": {"v": 1}}})
    assert storage.read() == {"t": {"1": {"v": 1}}}
    AtomicJSONStorage(path).write({"t": {"1": {"v": 2}}})
    assert storage.read() == {"t": {"1": {"v": 2}}}

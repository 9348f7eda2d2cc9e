import os
from pathlib import Path

import orjson
import pytest

from broadsheet.store.errors import StoreFileError
from broadsheet.store.storage.atomic import atomic_write_bytes
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.tinydb import AtomicJSONStorage, open_db
from tests.factories import make_article


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


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders fsynced from now on, in order (and synced all the same)."""
    from broadsheet.store.storage import atomic

    folders: list[Path] = []
    real = atomic.fsync_dir

    def recorded(folder: Path) -> None:
        folders.append(Path(folder).absolute())
        real(folder)

    monkeypatch.setattr(atomic, "fsync_dir", recorded)
    return folders


def test_a_write_that_makes_folders_syncs_the_parent_of_each(tmp_path: Path, synced: list[Path]) -> None:
    """A new folder's name is an entry in its parent: only the new folder was synced, and after a
    power cut it (and the file written into it, acknowledged) could be gone."""
    atomic_write_bytes(tmp_path / "a" / "b" / "f.json", b"{}")
    assert synced == [tmp_path, tmp_path / "a", tmp_path / "a" / "b"]


def test_a_write_into_a_folder_there_already_syncs_that_folder_alone(tmp_path: Path, synced: list[Path]) -> None:
    """(A guard: every mark's write goes through here, and its p95 is held under 5 ms.)"""
    atomic_write_bytes(tmp_path / "f.json", b"{}")
    atomic_write_bytes(tmp_path / "f.json", b"[]")
    assert synced == [tmp_path, tmp_path]


def test_a_new_store_and_its_first_marks_folder_are_synced_in_their_parents(
        tmp_path: Path, synced: list[Path]) -> None:
    """A store made in a new folder, and the ``state/`` folder its first mark makes: the folder
    holding each was never synced, so the import or the tag acknowledged could vanish with it."""
    store = Store(tmp_path / "new" / "store")
    assert synced[:2] == [tmp_path, tmp_path / "new"]
    store.add([(make_article(0), "made-up-0.txt")])
    sid = store.stories()[0].id
    assert not (store.folder / "state").exists()
    synced.clear()
    store.user.set_bookmarked(sid, True)
    state = store.folder / "state"
    assert state.is_dir() and store.folder in synced, synced
    assert synced.index(store.folder) < synced.index(state)  # the folder's name, before the mark is acknowledged

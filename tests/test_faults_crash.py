"""Crash consistency: writers killed mid-write (SIGKILL, SIGHUP), and two writers at once.

The long version with hundreds of kills is ``make soak``; these runs are short and seeded.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from broadsheet.store.storage import lock as lock_module
from broadsheet.store.storage.atomic import atomic_write_bytes
from broadsheet.store.storage.db import Store
from soak.concurrent import run_pair
from soak.crash import kill_soak
from soak.stories import Source, write_pool


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[Source]:
    return write_pool(tmp_path_factory.mktemp("sources"), 120, seed=11)


def test_killed_writers_leave_the_state_before_or_after_and_no_temp_files(tmp_path: Path, pool: list[Source]) -> None:
    counts = kill_soak(tmp_path / "store", pool, runs=30, seed=2026)
    assert counts.losses == []
    assert counts.runs == counts.faults == 30
    assert counts.changes_checked > 30  # the writers got work done between kills


def test_two_writers_lose_nothing(tmp_path: Path, pool: list[Source]) -> None:
    counts = run_pair(tmp_path / "store", pool, changes=150, seed=3)
    assert counts.losses == []
    assert counts.stories_checked == sum(1 for s in pool if s.story_id)


def test_next_writer_removes_temp_files_of_a_killed_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "store")
    store.user.toggle_bookmark("0123")
    (store.folder / ".index-building").mkdir()  # an index build killed part way (by an import, say)
    (store.folder / "meta").mkdir()
    leftovers = [store.folder / "meta" / ".000000.json.k1ll3d.tmp", store.folder / "state" / ".0.json.abc123.tmp",
                 store.folder / ".index-building" / ".broadsheet-stamp.json.49jhc4f8.tmp"]
    for path in leftovers:
        path.write_bytes(b'{"half": ')
    unrelated = store.folder / "state" / "notes.tmp"
    unrelated.write_bytes(b"not ours")
    reopened = Store(store.folder)  # opening takes the lock for a moment and tidies up
    assert not any(p.exists() for p in leftovers)
    assert unrelated.exists()
    assert reopened.user.get("0123").bookmarked
    for path in leftovers:
        path.write_bytes(b"")
    reopened.user.toggle_read("0123")  # a long-lived process looks again only once a minute (2 ms a folder)
    assert all(p.exists() for p in leftovers)
    monkeypatch.setattr(lock_module, "TIDY_EVERY", 0.0)
    reopened.user.toggle_read("0123")  # a mark never looks again (the state folder's 4,096 files: 2 ms a mark)
    assert all(p.exists() for p in leftovers)
    reopened.delete(["feedfacefeedface"])  # the minute is up: a write under the store's lock tidies its folders
    assert [p.exists() for p in leftovers] == [False, True, False]
    Store(store.folder)  # and the next process to open the store, the state folder
    assert not any(p.exists() for p in leftovers)


def test_a_temp_file_that_cannot_be_removed_is_left_and_the_lock_let_go(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Another user's temp file (a killed ``sudo broadsheet repair``'s) raised PermissionError out
    of the lock's acquire, with the lock held for the rest of the process: every other writer
    then waited its timeout and failed."""
    store = Store(tmp_path / "store")
    theirs = store.folder / ".directory.bin.r00t.tmp"
    theirs.write_bytes(b"{")
    unlink = Path.unlink

    def refused(path: Path, missing_ok: bool = False) -> None:
        if path == theirs:
            raise PermissionError(13, "Permission denied", str(path))
        unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refused)
    reopened = Store(store.folder)
    assert theirs.exists()
    reopened.delete(["feedfacefeedface"])  # a write under the store lock
    with Store(store.folder).lock.acquire(timeout=0):  # free again: another process's lock takes it at once
        pass


def test_a_delete_syncs_the_removal_of_its_journal(filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """``deleting.json`` back after a crash (its removal not synced) is carried out again by the
    next writer: stories brought back by an undo in between would be deleted a second time."""
    events: list[str] = []
    fsync, unlink = os.fsync, Path.unlink

    def synced(fd: int) -> None:
        events.append(f"sync {os.readlink(f'/proc/self/fd/{fd}')}")
        fsync(fd)

    def removed(path: Path, missing_ok: bool = False) -> None:
        events.append(f"remove {path}")
        unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(os, "fsync", synced)
    monkeypatch.setattr(Path, "unlink", removed)
    filled_store.delete([filled_store.stories()[0].id])
    journal = events.index(f"remove {filled_store.folder / 'deleting.json'}")
    assert f"sync {filled_store.folder}" in events[journal:]


def test_temp_files_are_left_alone_while_another_writer_holds_the_lock(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    temp = store.folder / ".directory.bin.live.tmp"
    with store.lock:
        temp.write_bytes(b"{")
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child: opening must not wait for or clean under a held lock
            try:
                Store(store.folder)
                os._exit(0 if temp.exists() else 1)
            finally:
                os._exit(2)
        _pid, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert time.monotonic() - started < 5
        os.unlink(temp)
    atomic_write_bytes(store.folder / "x.json", b"{}")
    assert not list(store.folder.glob(".*.tmp"))

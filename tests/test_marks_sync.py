"""Marks beside other writers: their own lock, and the counts every writer keeps (issue 17).

Every test that needs another process starts a real one (a lock held, a writer killed part
way, two writers at once), as the faults tests do.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from broadsheet.cli.main import main
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.repair import repair_store
from broadsheet.store.storage.userstate import COUNTS, PENDING_KEPT, Marks
from tests.factories import make_article
from tests.locks import hold


def _never(_sid: str) -> bool:
    raise AssertionError("the marks were counted again: counts.json should have been kept")


def _recounted(folder: Path) -> Marks:
    """The counts from every mark (as a store without counts.json counts them); counts.json is put back."""
    path = folder / "state" / COUNTS
    kept = path.read_bytes()
    path.unlink()
    store = Store(folder)
    try:
        return store.user.counts(store.presence([m.id for m in store.stories()]))
    finally:
        path.write_bytes(kept)


def _stored(store: Store, n: int) -> list[str]:
    store.add([(make_article(i, source=["Valley Courier", "Lowmoor Gazette"][i % 2]), None) for i in range(n)])
    return [m.id for m in store.stories()]


def test_the_cli_marks_while_another_process_holds_the_store(store: Store) -> None:
    ids = _stored(store, 3)
    holder = hold(store.folder / ".lock")
    try:
        assert main(["--store", str(store.folder), "bookmark", ids[0]]) == 0
        assert main(["--store", str(store.folder), "tag", ids[1], "ferries"]) == 0
        assert holder.poll() is None
    finally:
        holder.kill()
        holder.wait()
    marks = Store(store.folder).user.counts(_never)
    assert (marks.bookmarked, dict(marks.tags)) == (1, {"ferries": 1})


WRITER = """
import sys
from pathlib import Path
from broadsheet.store.storage.db import Store
folder, tag, start = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
store = Store(folder)
while not start.exists():
    pass
for n in range(60):
    sid = f"abc{n:013x}"
    if n % 3 == 0:
        store.user.edit_tags([sid], add=[tag])
    elif n % 3 == 1:
        store.user.toggle_bookmark(sid)
    else:
        store.user.edit_tags([sid, f"abd{n:013x}"], add=[tag, "shared"])
"""


def test_two_processes_marking_the_same_files_at_once_lose_nothing_and_keep_the_counts(store: Store) -> None:
    ids = _stored(store, 4)
    store.user.set_read(ids[0], True)  # counts.json exists before they start
    start = store.folder.parent / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(store.folder), tag, str(start)])
               for tag in ("red", "blue")]
    start.touch()
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    user = Store(store.folder).user
    for n in range(60):
        state = user.get(f"abc{n:013x}")
        if n % 3 == 0:
            assert set(state.tags) == {"red", "blue"}
        elif n % 3 == 1:
            assert not state.bookmarked and not state.tags  # toggled twice, once by each
        else:
            assert set(state.tags) == {"red", "blue", "shared"}
            assert set(user.get(f"abd{n:013x}").tags) == {"red", "blue", "shared"}
    kept = user.counts(_never)
    assert kept.named["red"] == kept.named["blue"] == 20 + 40 and kept.named["shared"] == 40
    assert kept.read == 1 and kept.tags == {}  # none of those stories is stored: named, not counted
    assert _recounted(store.folder) == kept


KILLED = """
import os, sys
from pathlib import Path
from broadsheet.store.storage import tinydb
from broadsheet.store.storage.db import Store
folder, ids, survive = Path(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3])
real = tinydb.AtomicJSONStorage.write
def write(self, data, encoded=None, **keywords):
    global survive
    if self.path.parent.name == "state" and self.path.name[0] != ".":  # a state file, not .counts.json
        if survive == 0:
            os._exit(9)  # killed: counts.json announced the change, this file is not written
        survive -= 1
    real(self, data, encoded, **keywords)
tinydb.AtomicJSONStorage.write = write
Store(folder).user.edit_tags(ids, add=["killed"])
"""


@pytest.mark.parametrize("written", [0, 2])
def test_a_writer_killed_between_the_counts_and_the_marks_is_taken_back(store: Store, written: int) -> None:
    ids = _stored(store, 12)
    store.user.edit_tags(ids[:3], add=["before"])
    store.user.set_read(ids[3], True)
    before = store.user.counts(_never)
    victims = sorted(ids, key=lambda sid: sid[:3])[:5]  # five stories, most of them in files of their own
    child = subprocess.run([sys.executable, "-c", KILLED, str(store.folder), ",".join(victims), str(written)],
                           check=False)
    assert child.returncode == 9
    announced = orjson.loads((store.folder / "state" / COUNTS).read_bytes())
    assert announced["total"]["named"].get("killed") == len(victims)  # announced for all of them
    tagged = [sid for sid in victims if "killed" in Store(store.folder).user.get(sid).tags]
    assert 0 < len(tagged) < len(victims) if written else tagged == []
    kept = Store(store.folder).user.counts(_never)
    assert kept.tags["killed"] == len(tagged) and kept.named["killed"] == len(tagged)
    assert (kept.read, kept.tags["before"]) == (before.read, before.tags["before"])
    assert _recounted(store.folder) == kept
    again = Store(store.folder)
    again.user.toggle_bookmark(ids[5])  # the next writer starts from the counts as they are
    assert again.user.counts(_never).bookmarked == 1 and again.user.counts(_never) == _recounted(store.folder)


def test_a_change_announces_each_file_by_the_hash_of_what_it_writes(store: Store) -> None:
    ids = _stored(store, 40)
    store.user.toggle_bookmark(ids[0])
    saved = orjson.loads((store.folder / "state" / COUNTS).read_bytes())
    [(name, entry)] = saved["pending"].items()
    written = (store.folder / "state" / f"{name}.json").read_bytes()
    assert entry["hash"] == hashlib.blake2b(written, digest_size=16).hexdigest()
    assert entry["delta"]["bookmarked"] == 1
    files = {sid[:3] for sid in ids}
    assert len(files) > PENDING_KEPT
    store.user.edit_tags(ids, add=["all"])  # many files: announced, then said written
    assert orjson.loads((store.folder / "state" / COUNTS).read_bytes())["pending"] == {}
    assert Store(store.folder).user.counts(_never).tags["all"] == 40


def test_deleting_and_restoring_stories_keeps_the_counts(store: Store) -> None:
    ids = _stored(store, 6)
    store.user.edit_tags(ids[:4], add=["ferries"])
    store.user.set_read(ids[0], True)
    deleted = store.delete(ids[:2])
    kept = Store(store.folder).user.counts(_never)
    assert (kept.read, kept.tags["ferries"]) == (0, 2)
    assert kept == _recounted(store.folder)
    store.restore(deleted)
    kept = Store(store.folder).user.counts(_never)
    assert (kept.read, kept.tags["ferries"]) == (1, 4) and sum(kept.sources.values()) == 1
    assert kept == _recounted(store.folder)


def test_a_repair_that_mends_a_state_file_has_the_marks_counted_again(store: Store) -> None:
    ids = _stored(store, 4)
    store.user.edit_tags(ids, add=["ferries"])
    damaged = store.folder / "state" / f"{ids[0][:3]}.json"
    damaged.write_bytes(damaged.read_bytes()[:-5])
    report = repair_store(store.folder)
    assert any(str(damaged.name) in line for line in report.damaged)
    assert not (store.folder / "state" / COUNTS).exists()
    again = Store(store.folder)
    marks = again.user.counts(again.presence(ids))
    assert marks.tags["ferries"] == sum(1 for sid in ids if again.user.get(sid).tags)


def test_repair_drops_the_marks_of_deleted_stories_and_says_so(store: Store,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A mark a reader wrote on a story just deleted (an older version's, or one of a change of
    many stories) stayed in its state file, and in the counts, across restarts and repairs:
    "Bookmarked 11" in the sidebar, 10 in `broadsheet bookmarks`, and repair said "no damaged
    files". A story never stored, or whose record repair could not bring back, keeps its marks."""
    from broadsheet.store.reader.state import ReaderState

    ids = _stored(store, 4)
    store.user.bookmark_all(ids[1:])
    store.delete([ids[0]])
    orphan = {"bookmarked": True, "tags": ["ferries"]}
    store.user.remember({ids[0]: orphan, "feedfacefeedface": orphan}, lambda _sid: "Valley Courier")  # counted
    assert Store(store.folder).user.counts(_never).bookmarked == 5
    capsys.readouterr()
    assert main(["--store", str(store.folder), "repair"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "removed: state: the marks of 1 story deleted since (bookmarks, tags or read marks left on it)" in err, err
    again = Store(store.folder)
    assert ids[0] not in dict(again.user.each()) and again.user.get("feedfacefeedface").bookmarked
    reader = ReaderState(again)
    reader.load()
    assert reader.sidebar_counts()[0]["bookmarked"] == 3 and reader.sidebar_counts()[1] == {}
    capsys.readouterr()
    assert main(["--store", str(store.folder), "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err


def test_marks_the_reader_writes_are_counted_over_the_stories_stored_when_it_writes(store: Store) -> None:
    from broadsheet.store.reader.state import ReaderState
    from broadsheet.store.storage.userstate import StoryState

    ids = _stored(store, 3)
    reader = ReaderState(Store(store.folder))
    reader.load()
    reader.toggle_read(ids[0])
    fetched = make_article(40, source="Valley Courier")
    Store(store.folder).add([(fetched, None)])  # a fetch in another process, after the reader's load
    reader.store.user.merge({fetched.story_id: StoryState(read=True, tags=("feeds",))})  # its feed's tags
    reader.store.user.set_bookmarked("feedfacefeedface", True)  # not stored: not counted
    kept = Store(store.folder).user.counts(_never)
    assert (kept.read, kept.bookmarked, dict(kept.tags)) == (2, 0, {"feeds": 1})
    assert sum(kept.sources.values()) == 2 and kept.sources["Valley Courier"] >= 1
    assert kept == _recounted(store.folder)


def test_a_mark_on_a_story_deleted_since_the_reader_listed_it_is_refused_and_not_counted(store: Store) -> None:
    """`broadsheet rm` of the story under a reader's cursor, then `b` within 3 s: the reader said
    "Bookmarked", the mark stayed in its state file and the sidebar said "Bookmarked 11" for
    good, while `broadsheet bookmarks` listed 10. A tag went the same way."""
    from broadsheet.store.reader.state import ReaderState

    ids = _stored(store, 3)
    reader = ReaderState(Store(store.folder))
    reader.load()
    reader.toggle_bookmark(ids[1])
    Store(store.folder).delete([ids[0]])  # `broadsheet rm` in the shell
    with pytest.raises(LookupError, match="deleted meanwhile"):  # (StoryGone)
        reader.toggle_bookmark(ids[0])
    with pytest.raises(LookupError, match="deleted meanwhile"):
        reader.edit_tags([ids[0]], ["ferries"], [])
    reader.edit_tags([ids[0], ids[2]], ["ferries"], [])  # several: the stories still stored are tagged
    assert reader.sidebar_counts()[0]["bookmarked"] == 1 and reader.sidebar_counts()[1] == {"ferries": 1}
    again = Store(store.folder)
    assert ids[0] not in dict(again.user.each())
    kept = again.user.counts(_never)
    assert (kept.bookmarked, dict(kept.tags)) == (1, {"ferries": 1})
    assert kept == _recounted(store.folder)


def test_opening_a_store_after_a_change_of_many_marks_reads_no_mark(store: Store,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.storage import userstate

    ids = _stored(store, 40)
    store.user.edit_tags(ids, add=["bulk"])
    store.user.set_read(ids[0], True)
    counts = store.folder / "state" / COUNTS
    later = counts.stat().st_mtime_ns + 10**9  # a clock tick after the last state file, as a second later
    os.utime(counts, ns=(later, later))
    real = userstate.open_db

    def guarded(path: Path, **kwargs: bool) -> object:
        if path.name != "settings.json":  # the file announced last is checked by its hash, not parsed
            pytest.fail(f"state/{path.name} was read to open the store")
        return real(path, **kwargs)

    monkeypatch.setattr(userstate, "open_db", guarded)
    reopened = Store(store.folder)
    marks = reopened.user.counts(_never)
    assert (marks.read, marks.tags["bulk"]) == (1, 40)


def test_an_import_of_an_export_with_marks_keeps_the_counts(store: Store, tmp_path: Path) -> None:
    ids = _stored(store, 5)
    store.user.edit_tags(ids[:3], add=["harbour"])
    store.user.set_read(ids[3], True)
    store.user.set_bookmarked(ids[4], True)
    export = tmp_path / "export.json"
    assert main(["--store", str(store.folder), "export", "--format", "json", "-o", str(export)]) == 0
    copy = tmp_path / "copy"
    assert main(["--store", str(copy), "import", str(export)]) == 0  # marks stored with their batch
    kept = Store(copy).user.counts(_never)
    assert (kept.read, kept.bookmarked, kept.tags["harbour"], sum(kept.sources.values())) == (1, 1, 3, 1)
    assert kept == _recounted(copy)


def test_a_crash_that_lost_the_counts_last_write_has_the_marks_counted_again(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.storage import userstate

    ids = _stored(store, 6)
    store.user.edit_tags(ids[:2], add=["ferries"])
    counts = store.folder / "state" / COUNTS
    kept, seen = counts.read_bytes(), counts.stat()
    store.user.toggle_bookmark(ids[3])  # durable: its state file and the folder synced, the counts not
    lost = counts.with_name("lost")  # the crash kept the counts of before, as they were
    lost.write_bytes(kept)
    os.utime(lost, ns=(seen.st_atime_ns, seen.st_mtime_ns))
    os.replace(lost, counts)
    monkeypatch.setattr(userstate, "RACY_SECONDS", 0.0)  # the folder written long before the next start
    reopened = Store(store.folder)
    marks = reopened.user.counts(reopened.presence(ids))
    assert (marks.bookmarked, marks.tags["ferries"]) == (1, 2)
    assert marks == _recounted(store.folder)
    assert Store(store.folder).user.counts(_never) == marks  # written again: counted once


def test_a_lost_counts_write_is_found_on_a_filesystem_that_keeps_whole_seconds(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Such a filesystem (ext3, ext4 with small inodes, HFS+) gave the counts and the state file
    written after them, both within one second, the time of the counts of before: a crash that
    lost the counts' last write left the state file looking counted, and the counts one short."""
    from broadsheet.store.storage import userstate

    real = os.utime

    def whole_seconds(target: object, *, ns: tuple[int, int]) -> None:
        real(target, ns=tuple(t - t % 1_000_000_000 for t in ns))  # type: ignore[arg-type]

    monkeypatch.setattr(os, "utime", whole_seconds)
    monkeypatch.setattr(userstate.time, "time_ns", lambda: 1_800_000_000_400_000_000)  # every write in one second
    ids = _stored(store, 6)
    store.user.edit_tags(ids[:2], add=["ferries"])
    counts = store.folder / "state" / COUNTS
    kept, seen = counts.read_bytes(), counts.stat()
    store.user.toggle_bookmark(ids[3])
    lost = counts.with_name("lost")  # the crash kept the counts of before, as they were
    lost.write_bytes(kept)
    real(lost, ns=(seen.st_atime_ns, seen.st_mtime_ns))
    os.replace(lost, counts)
    monkeypatch.setattr(userstate, "RACY_SECONDS", 0.0)
    reopened = Store(store.folder)
    marks = reopened.user.counts(reopened.presence(ids))
    assert (marks.bookmarked, marks.tags["ferries"]) == (1, 2)


def test_a_mark_is_durable_with_its_state_file_and_folder_synced(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _stored(store, 2)
    store.user.toggle_bookmark(ids[0])  # the counts exist: the next mark announces itself in them
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    store.user.toggle_bookmark(ids[1])
    state = store.folder / "state"
    assert len(synced) == 2  # the counts are not synced: a crash that loses them has them counted again
    assert Path(synced[0]).parent == state and Path(synced[0]).name.startswith(f".{ids[1][:3]}.json.")
    assert Path(synced[1]) == state
    assert Store(store.folder).user.get(ids[1]).bookmarked

"""``broadsheet repair``: damaged store files are kept, rebuilt where possible, losses listed."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from broadsheet.cli.main import main
from broadsheet.store.errors import StoreFileError
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.model import Article
from broadsheet.store.storage import atomic
from broadsheet.store.storage import db as db_module
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.repair import repair_store
from broadsheet.store.storage.tinydb import read_json_file
from soak.crash import observe
from soak.stories import Source, write_pool
from tests.factories import make_article, meta_file
from tests.feeds import rss_feed


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Store, list[Source]]:
    pool = write_pool(tmp_path / "sources", 24, seed=5, bad_every=0)
    store = Store(tmp_path / "store")
    import_paths(store, [s.path for s in pool])
    ids = [s.story_id for s in pool if s.story_id]
    store.user.edit_tags(ids[:10], add=["kept"])
    store.user.bookmark_all(ids[:4])
    store.user.set_setting("order", "oldest")
    return store, pool


def test_healthy_store_is_left_alone(imported: tuple[Store, list[Source]], capsys: pytest.CaptureFixture[str]) -> None:
    store, _pool = imported
    before = {p: p.read_bytes() for p in store.folder.rglob("*.json")}
    assert main(["--store", str(store.folder), "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in store.folder.rglob("*.json")} == before


def test_trailing_data_loses_nothing(imported: tuple[Store, list[Source]]) -> None:
    store, _pool = imported
    want = observe(store)
    path = meta_file(store)
    original = path.read_bytes()
    path.write_bytes(original + b"\n{garbage")
    report = repair_store(store.folder)
    assert report.damaged and not report.lost
    assert "search index: rebuilt from the repaired store" in report.actions
    assert [b.read_bytes() for b in report.backups] == [original + b"\n{garbage"]
    assert observe(Store(store.folder)) == want


def test_a_damaged_block_of_the_listing_is_found_and_written_again(imported: tuple[Store, list[Source]],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.storage import listing as listing_module

    store, _pool = imported
    monkeypatch.setattr(listing_module, "BLOCK_ROWS", 4)
    (store.folder / "listing.bin").unlink()
    store.write_listing()  # in blocks of four rows
    want = observe(store)
    listing = listing_module.Listing(store.folder / "listing.bin")
    start = listing._texts + listing._block_at(2)
    listing.close()
    with open(store.folder / "listing.bin", "r+b") as handle:
        handle.seek(start + 2)
        handle.write(b"\x00" * 6)
    report = repair_store(store.folder)
    assert any(d.startswith("listing.bin: 1 damaged block of rows (block 2:") for d in report.damaged), report
    assert not report.actions  # the records are sound: the search index is not built again (at 1M: minutes)
    listing = listing_module.Listing(store.folder / "listing.bin")
    assert not listing.verify() and listing.count == len(store)
    listing.close()
    assert observe(Store(store.folder)) == want
    assert repair_store(store.folder).healthy  # nothing left to mend


def test_truncated_index_keeps_whole_entries_and_sources_bring_back_the_rest(
    imported: tuple[Store, list[Source]], capsys: pytest.CaptureFixture[str]
) -> None:
    store, pool = imported
    want = observe(store)
    path = meta_file(store)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(StoreFileError, match="truncated"):
        Store(store.folder)
    assert main(["--store", str(store.folder), "repair"]) == 1
    err = capsys.readouterr().err
    assert "meta/000000.json" in err and "could not rebuild" in err and "lost their story record" in err
    partial = observe(Store(store.folder))
    assert 0 < len(partial.stories) < len(want.stories)
    assert all(want.stories[sid] == story for sid, story in partial.stories.items())
    # Given the source folder, repair brings back every story whose body survived.
    path.write_bytes(path.read_bytes()[:-3])  # damage the repaired file again
    assert main(["--store", str(store.folder), "repair", str(pool[0].path.parent)]) == 0
    assert observe(Store(store.folder)).stories == want.stories
    assert len(list(meta_file(store).parent.glob("000000.json.damaged-*"))) == 2


def test_index_that_is_not_json_at_all_is_rebuilt_from_sources(imported: tuple[Store, list[Source]]) -> None:
    store, pool = imported
    want = observe(store)
    meta_file(store).write_bytes(b"\x7fELF\x02\x01\x01 not a store file")
    report = repair_store(store.folder, [s.path for s in pool])
    assert not report.lost, report.lost
    assert observe(Store(store.folder)) == want


def test_damaged_body_shard_is_read_again_from_source_files(imported: tuple[Store, list[Source]]) -> None:
    store, pool = imported
    want = observe(store)
    gone = pool[3]
    gone.path.unlink()
    shard = store.folder / "bodies" / "000000.json"
    shard.write_bytes(b"")
    report = repair_store(store.folder)
    assert any("000000.json: the file is empty" in d for d in report.damaged)
    assert len(report.lost) == 1 and gone.story_id in report.lost[0] and "source file" in report.lost[0]
    repaired = Store(store.folder)
    got = observe(repaired)
    assert got.states == want.states
    for sid, (headline, body) in want.stories.items():
        assert got.stories[sid] == (headline, () if sid == gone.story_id else body)


@pytest.mark.parametrize("which", ["state", "settings"])
def test_damaged_state_keeps_whole_records_and_says_what_is_lost(
    imported: tuple[Store, list[Source]], which: str
) -> None:
    store, _pool = imported
    want = observe(store)
    if which == "settings":
        path = store.folder / "state" / "settings.json"
        path.write_bytes(path.read_bytes() + b"]]")
    else:
        path = max((store.folder / "state").glob("[0-9a-f][0-9a-f][0-9a-f].json"), key=lambda p: p.stat().st_size)
        path.write_bytes(path.read_bytes()[:-20])
    report = repair_store(store.folder)
    assert report.damaged and report.lost
    assert path.name in report.lost[0]
    got = observe(Store(store.folder))
    assert got.stories == want.stories
    lost_marks = {sid for sid in want.states if got.states.get(sid) != want.states[sid]}
    assert len(lost_marks) <= 1  # only the record cut in half
    if which == "settings":
        assert Store(store.folder).user.get_setting("order") == "oldest"


def test_repair_removes_temp_files_and_cli_names_the_copy(
    imported: tuple[Store, list[Source]], capsys: pytest.CaptureFixture[str]
) -> None:
    store, _pool = imported
    (store.folder / "state" / ".3.json.zz9x.tmp").write_bytes(b"{")
    meta_file(store).write_bytes(b"")
    main(["--store", str(store.folder), "repair"])
    err = capsys.readouterr().err
    assert "removed 1 temporary file" in err
    assert "000000.json.damaged-" in err and "the file is empty" in err
    assert not list(store.folder.rglob(".*.tmp"))


def test_repair_reads_every_lost_body_of_a_feed_file_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only a feed file's first entry was read again: the others' bodies were said lost, their file
    "gone or has changed", though it was there as it was."""
    (tmp_path / "feed.xml").write_bytes(rss_feed(4))
    folder = tmp_path / "store"
    assert main(["--store", str(folder), "import", str(tmp_path / "feed.xml")]) == 0
    before = {meta.id: Store(folder).body(meta) for meta in Store(folder).stories()}
    assert len(before) == 4 and all(before.values())
    for shard in (folder / "bodies").iterdir():
        shard.write_text("{")  # damaged: every body is lost
    capsys.readouterr()
    assert main(["--store", str(folder), "repair"]) == 0
    said = capsys.readouterr()
    assert "gone or has changed" not in said.out + said.err
    store = Store(folder)
    assert {meta.id: store.body(meta) for meta in store.stories()} == before


async def test_a_story_whose_text_was_lost_says_how_it_comes_back(tmp_path: Path) -> None:
    """Its file gone, repair cannot rebuild its body: the reader says so in place of the text,
    where before it showed a headline over nothing."""
    from broadsheet.tui.app import BroadsheetApp
    from broadsheet.tui.widgets.article_view import ArticleView
    from tests.pilot import settle

    page = tmp_path / "page.txt"
    page.write_text("Harbour wall repaired before the storms\n\nBy Ada Quill\n\n"
                    + "The harbour wall was repaired on Monday, a week before the first storm of winter. " * 4)
    folder = tmp_path / "store"
    assert main(["--store", str(folder), "import", str(page)]) == 0
    page.unlink()
    for shard in (folder / "bodies").iterdir():
        shard.write_text("{")
    assert main(["--store", str(folder), "repair"]) == 1  # one body could not be rebuilt
    store = Store(folder)
    [meta] = store.stories()
    assert store.body(meta) == [] and store.body_lost(meta)
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = app.screen.query_one(ArticleView).text
        assert "The text of this story was lost from the store, and its file" in text
        assert "`broadsheet repair PATH` with the file or its folder brings it back" in text
        assert str(page) in text


def test_a_feed_entry_with_a_link_alone_has_lost_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    [sid] = store.add([(Article(headline="Ferry times", body=[], url="https://g.example/1"), "https://g.example/f")])
    again = Store(store.folder)
    assert not again.body_lost(again.meta(sid))
    assert not again._shards  # its record parsed alone: no shard of 256 bodies read and kept for it


def _disk_full_at_the_records(monkeypatch: pytest.MonkeyPatch, store_folder: Path, error: BaseException) -> None:
    """The disk fills (or the writer dies) right after the stories' text is written: every later
    file of the story records (``meta/``) fails to start."""
    real = atomic.tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if Path(kwargs["dir"]) == store_folder / "meta":
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)


def _bodies_held(folder: Path) -> set[str]:
    return {sid for shard in (folder / "bodies").glob("[0-9]*.json")
            for sid in (read_json_file(shard) or {}).get("bodies", {})}


def test_an_import_the_disk_filled_is_no_lost_story_to_repair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """An import stopped by a full disk after the stories' text was written left that text with no
    record: ``repair`` then said the stories had lost their records, stories the import had never
    said it stored."""
    pool = write_pool(tmp_path / "sources", 10, seed=11, bad_every=0)
    folder = tmp_path / "store"
    assert main(["--store", str(folder), "import", *(str(s.path) for s in pool[:5])]) == 0
    with monkeypatch.context() as patch:
        _disk_full_at_the_records(patch, folder, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
        assert main(["--store", str(folder), "import", *(str(s.path) for s in pool[5:])]) == 1
    assert "the disk is full" in capsys.readouterr().err
    stored = {meta.id for meta in Store(folder).stories()}
    assert stored == {s.story_id for s in pool[:5]}
    assert main(["--store", str(folder), "repair"]) == 0
    said = capsys.readouterr()
    assert "no damaged files" in said.err and "lost" not in said.out + said.err
    assert _bodies_held(folder) == stored
    assert main(["--store", str(folder), "import", *(str(s.path) for s in pool[5:])]) == 0  # room again
    assert "5 imported" in capsys.readouterr().err


class _Killed(BaseException):
    """The writer's process dies (nothing of it runs after)."""


def _killed_at_the_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: int,
                           new: int) -> tuple[Store, set[str]]:
    """A store of ``before`` stories whose writer of ``new`` more died after their text, before their
    records; and the ids of the stories it held before."""
    store = Store(tmp_path / "store")
    store.add([(make_article(n), f"made-up-{n}.txt") for n in range(before)])
    stored = {meta.id for meta in store.stories()}
    with monkeypatch.context() as patch:
        _disk_full_at_the_records(patch, store.folder, _Killed())
        with pytest.raises(_Killed):
            store.add([(make_article(n), f"made-up-{n}.txt") for n in range(before, before + new)])
    return store, stored


def test_text_of_new_stories_a_killed_writer_left_is_removed_not_called_lost(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed between the text and the records of new stories that began a shard: ``repair`` said the
    metadata shard was missing and the stories had lost their records, and set their text aside."""
    monkeypatch.setattr(db_module, "SHARD_SIZE", 4)
    store, stored = _killed_at_the_records(tmp_path, monkeypatch, 4, 3)
    assert len(_bodies_held(store.folder)) == 7  # as the dead writer left it
    report = repair_store(store.folder)
    assert report.healthy, report
    assert _bodies_held(store.folder) == stored
    assert not (store.folder / "bodies" / "000001.json").exists()
    assert {meta.id for meta in Store(store.folder).stories()} == stored


def test_repair_says_it_removed_the_text_of_stories_never_stored(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A metadata shard damaged too keeps the store's opening from taking that text out: ``repair``
    does, after mending the shard, and says it was stories never stored, not lost ones."""
    store, stored = _killed_at_the_records(tmp_path, monkeypatch, 3, 2)
    meta_file(store).write_bytes(meta_file(store).read_bytes() + b"\n{garbage")
    report = repair_store(store.folder)
    assert not report.lost, report.lost
    assert report.removed == ["bodies: the text of 2 stories that an import or fetch was stopped from storing (a "
                              "full disk, a crash); import or fetch them again"]
    assert _bodies_held(store.folder) == stored
    assert {meta.id for meta in Store(store.folder).stories()} == stored


def test_an_import_the_disk_filled_at_the_list_of_stories_says_so_and_is_finished_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The disk filling as the stories were listed (``directory.bin``, after their records) ended the
    import with a bare "broadsheet: No space left on device"; it is said as any full disk is, and the
    next writer lists the stories whose records were written."""
    pool = write_pool(tmp_path / "sources", 8, seed=12, bad_every=0)
    folder = tmp_path / "store"
    assert main(["--store", str(folder), "import", *(str(s.path) for s in pool[:4])]) == 0
    real = os.fsync

    def full(fd: int) -> None:  # the list's append is where the disk fills
        if os.readlink(f"/proc/self/fd/{fd}").endswith("directory.bin"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", full)
        assert main(["--store", str(folder), "import", *(str(s.path) for s in pool[4:])]) == 1
    err = capsys.readouterr().err
    assert "the disk is full" in err and "directory.bin" in err and "Traceback" not in err
    assert main(["--store", str(folder), "import", *(str(s.path) for s in pool[4:])]) == 0  # room again
    assert {meta.id for meta in Store(folder).stories()} == {s.story_id for s in pool}
    assert main(["--store", str(folder), "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err

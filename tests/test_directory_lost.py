"""A directory that lost its last entries (a lost append, a copy cut short) hid stories from
`list`, `search` and `bookmark`, and `repair` said "no damaged files": the store lists every
stored story again, and `repair` checks the directory against the story records."""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson
import pytest

from broadsheet.cli.main import main
from broadsheet.store.ingest import importer
from broadsheet.store.storage import atomic, directory
from broadsheet.store.storage import db as store_db
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.directory import ENTRY, Entry
from tests.factories import make_article


@pytest.fixture(autouse=True)
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 3)


def _listed(store: Store, capsys: pytest.CaptureFixture[str]) -> set[str]:
    """The ids `broadsheet list` prints."""
    capsys.readouterr()
    assert main(["--store", str(store.folder), "list", "--json"]) == 0
    return {orjson.loads(line)["id"] for line in capsys.readouterr().out.splitlines()}


def _cut(store: Store, entries: int) -> None:
    path = store.folder / "directory.bin"
    path.write_bytes(path.read_bytes()[: -entries * ENTRY.size])


def test_stories_whose_directory_entries_were_cut_off_are_listed_and_found(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    articles = [make_article(i) for i in range(10)]
    store.add([(a, None) for a in articles[:7]])
    store.write_listing()
    store.add([(a, None) for a in articles[7:]])  # after the listing: merged in from the directory's tail
    _cut(store, 2)
    assert _listed(store, capsys) == {a.story_id for a in articles}
    hidden = articles[-1].story_id
    assert main(["--store", str(store.folder), "bookmark", hidden[:8]]) == 0  # was "no story with this id"
    assert hidden in {m.id for m in Store(store.folder).catalogue()}


def test_a_story_put_back_by_an_undo_whose_entry_was_lost_is_listed(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """Put back into an old shard, which the directory's catch-up of the newest shards never read:
    its last entry in the directory said it was deleted."""
    articles = [make_article(i) for i in range(7)]
    store.add([(a, None) for a in articles])
    store.write_listing()
    store.restore(store.delete([articles[0].story_id]))
    _cut(store, 1)
    assert _listed(store, capsys) == {a.story_id for a in articles}


def test_repair_finds_what_the_directory_lacks_and_says_so(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """Even when the stamp's count agrees with the short directory (nothing cheap to notice)."""
    articles = [make_article(i) for i in range(10)]
    store.add([(a, None) for a in articles])
    _cut(store, 3)
    stamp = store.folder / "meta" / "stamp.json"
    stamp.write_bytes(orjson.dumps({**orjson.loads(stamp.read_bytes()), "stories": 7}))
    assert main(["--store", str(store.folder), "repair"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "directory.bin: 3 stories stored were not listed in it" in said and "written again" in said
    assert _listed(store, capsys) == {a.story_id for a in articles}
    assert main(["--store", str(store.folder), "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err


class _FullAppend:
    """The directory's file open for an append on a full disk: every write fails (ENOSPC)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    def __enter__(self) -> _FullAppend:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)

    def write(self, _data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("full", ["directory", "every file after it"])
def test_a_batch_stored_when_the_disk_fills_at_its_listing_is_counted_and_keeps_its_marks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], full: str) -> None:
    """The disk full at the directory's append, after a batch's text and records were written:
    the summary left the batch out ("2 imported" of 4 stored), and its stories' marks from the
    export were lost until the same import ran again. Now they are counted and said to be stored;
    marks that could be saved are (counted as any), and those that could not are said."""
    origin = Store(tmp_path / "origin")
    ids = origin.add([(make_article(n, headline=f"Ferry timetable change {n}"), f"s{n}.txt") for n in range(5)])
    origin.user.edit_tags(ids, add=["harbour"])
    export = tmp_path / "all.json"
    assert main(["--store", str(origin.folder), "export", "-o", str(export)]) == 0
    monkeypatch.setattr(importer, "BATCH", 2)
    real_open, real_mkstemp = open, atomic.tempfile.mkstemp
    appends: list[str] = []

    def append(path: str, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(path, mode, *args, **kwargs)
        if "a" in mode:
            appends.append(path)
            if len(appends) >= 2:  # the second batch's listing: its text and records are written
                return _FullAppend(handle)
        return handle

    def mkstemp(*args: Any, **kwargs: Any) -> Any:
        if full != "directory" and len(appends) >= 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_mkstemp(*args, **kwargs)

    folder = tmp_path / "store"
    capsys.readouterr()
    with monkeypatch.context() as patched:
        patched.setattr(directory, "open", append, raising=False)
        patched.setattr(atomic.tempfile, "mkstemp", mkstemp)
        assert main(["--store", str(folder), "import", str(export)]) == 1
    err = capsys.readouterr().err
    assert "4 imported, 0 already present, 0 failed" in err, err
    assert "directory.bin: the disk is full" in err
    assert "The last 2 stories imported are stored, but the store's directory could not list them" in err
    store = Store(folder)
    assert len(store) == 4 and len(_listed(store, capsys)) == 4
    tagged = [sid for sid in ids if store.user.get(sid).tags == ("harbour",)]
    if full == "directory":  # the marks were saved, and counted over the stories stored
        assert len(tagged) == 4 and "could not be saved" not in err
        assert "(stories already stored are skipped; it lists those not listed)" in err
    else:
        assert len(tagged) == 2
        assert "The marks (tags, bookmarks, read) of the last 2 stories could not be saved" in err
        assert "it lists those not listed and saves the marks not saved)" in err

    assert main(["--store", str(folder), "import", str(export)]) == 0  # space again: as the summary said
    assert "1 imported, 4 already present, 0 failed" in capsys.readouterr().err
    store = Store(folder)
    assert all(store.meta(sid) is not None and store.user.get(sid).tags == ("harbour",) for sid in ids)
    kept = store.user.counts(store.presence(ids))
    (folder / "state" / ".counts.json").unlink()  # counted again from every mark: the same
    assert Store(folder).user.counts(store.presence(ids)) == kept and kept.tags["harbour"] == 5


def test_stories_an_import_stored_but_could_not_list_are_listed_at_the_next_opening(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The disk full at the directory's append of an import's last batch: "4 imported", and 2 of
    them hidden from `list` and the reader until the next import (the stamp's count was left
    unknown, which only `repair` looked past). The next opening of the store lists them, and so
    does a reader open meanwhile."""
    origin = Store(tmp_path / "origin")
    ids = origin.add([(make_article(n, headline=f"Quay lamps relit {n}"), f"q{n}.txt") for n in range(4)])
    export = tmp_path / "all.json"
    assert main(["--store", str(origin.folder), "export", "-o", str(export)]) == 0
    folder = tmp_path / "store"
    reader = Store(folder)
    ids += reader.add([(make_article(n, headline=f"Ferry fares frozen {n}"), None) for n in range(4, 8)])
    reader.write_listing()
    assert len(reader.catalogue()) == 4
    monkeypatch.setattr(importer, "BATCH", 2)
    real_open = open
    appends: list[str] = []

    def append(path: str, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(path, mode, *args, **kwargs)
        if "a" in mode:
            appends.append(path)
            if len(appends) >= 2:  # the second batch's listing, and every append after it
                return _FullAppend(handle)
        return handle

    capsys.readouterr()
    with monkeypatch.context() as patched:
        patched.setattr(directory, "open", append, raising=False)
        assert main(["--store", str(folder), "import", str(export)]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "4 imported, 0 already present, 0 failed" in said
    assert "the store lists them when it is next opened with room to write" in said
    shutil.copytree(folder, tmp_path / "copy")
    assert len(reader.catalogue()) == 8  # the reader open meanwhile
    assert _listed(Store(tmp_path / "copy"), capsys) == set(ids)  # the next command
    assert main(["--store", str(tmp_path / "copy"), "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err


def test_a_count_left_unknown_is_counted_once_though_a_shard_cannot_be_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stamp whose count a stopped writer left unknown had every shard read again at every
    opening of the store while one shard could not be read (until repair): at a million stories,
    seconds each time. It is counted once, without the unreadable shard's stories."""
    folder = tmp_path / "store"
    store = Store(folder)
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(4)])
    store._touch(None)  # as a writer stopped part way leaves it
    real = Store._every_entry
    scans: list[int] = []

    def one_unread(self: Store, unread: list[int]) -> Iterator[Entry]:
        scans.append(1)
        unread.append(99)  # a damaged shard, as _every_entry says of one it could not read
        return real(self, unread)

    monkeypatch.setattr(Store, "_every_entry", one_unread)
    Store(folder)
    Store(folder)
    assert len(scans) == 1
    assert Store(folder)._stamped_count() == 4


def test_a_store_whose_import_stored_nothing_stays_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An import whose every story was refused leaves a store of none, with no count stamped: the
    next opening took the unknown count for a stopped writer's, relisted, and took the listing
    away, the store's one file, and every command after said "no store at ..." (the export fuzz
    test found it)."""
    folder = tmp_path / "store"
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"format": "broadsheet-export", "version": 1, "stories": [
        {"article": {"headline": "Ferry halted", "body": ["The ferry stopped."], "agency": []}}]}))
    assert main(["--store", str(folder), "import", str(export)]) == 1
    for command in (["export", "--format", "json"], ["export", "--format", "md"], ["list"]):
        assert main(["--store", str(folder), *command]) == 0, capsys.readouterr().err

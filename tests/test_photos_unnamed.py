"""Photo files no story names any more: `broadsheet repair` removes them, never one a story or an undo names."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import orjson
import pytest

from broadsheet.cli.main import main
from broadsheet.store.model import Image, human_size
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.photos import UNDO_HELD, photo_file
from tests.factories import make_article
from tests.photos import keep_photo, picture_bytes

HOUR_AGO = time.time() - 2 * 3600


def two_stories(folder: Path) -> tuple[Store, list[str], str, str]:
    """A story naming photos shared and own, another naming only the shared one; the files an hour old."""
    store = Store(folder)
    shared, own = keep_photo(store, picture_bytes(seed=1)), keep_photo(store, picture_bytes(seed=2))
    ids = store.add([(make_article(1, images=[Image("Boats.", None, photo=shared), Image("Gulls.", None, photo=own)]),
                      None),
                     (make_article(2, images=[Image("Boats again.", None, photo=shared)]), None)])
    for digest in (shared, own):
        path = photo_file(folder, digest)
        assert path is not None
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    return store, ids, shared, own


def repair(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--store", str(folder), "repair"]) == 0
    return capsys.readouterr().err


def test_repair_removes_the_photos_of_a_deleted_story_no_other_story_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`rm` deleted the only story naming a photo; the file stayed and repair said "no damaged files"."""
    folder = tmp_path / "s"
    _store, ids, shared, own = two_stories(folder)
    size = photo_file(folder, own).stat().st_size  # type: ignore[union-attr]
    assert main(["--store", str(folder), "rm", ids[0]]) == 0
    said = repair(folder, capsys)
    assert f"removed 1 photo no story names, {human_size(size)}" in said
    assert photo_file(folder, own) is None and photo_file(folder, shared) is not None
    assert "removed 1 photo" not in repair(folder, capsys)  # nothing left to remove


def test_repair_leaves_the_photos_a_readers_undo_would_name_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "s"
    store, ids, _shared, own = two_stories(folder)
    deleted = store.delete([ids[0]], undoable=True)  # as the reader deletes: u can bring it back
    assert "no story names" not in repair(folder, capsys)
    assert store.restore(deleted) == [ids[0]]
    assert photo_file(folder, own) is not None  # the story is back with its photo
    store.delete([ids[0]])  # no undo: the hold let go with the restore
    assert "removed 1 photo no story names" in repair(folder, capsys)
    assert photo_file(folder, own) is None


def test_a_hold_left_by_a_reader_that_died_holds_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "s"
    store, ids, _shared, own = two_stories(folder)
    store.delete([ids[0]])
    dead = subprocess.Popen(["true"])
    dead.wait()
    (folder / UNDO_HELD).mkdir()
    (folder / UNDO_HELD / f"{dead.pid}.json").write_bytes(orjson.dumps({"version": 1, "photos": [own]}))
    assert "removed 1 photo no story names" in repair(folder, capsys)
    assert not (folder / UNDO_HELD / f"{dead.pid}.json").exists()


def test_a_photo_kept_in_the_last_hour_is_left_for_the_story_on_its_way(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A fetch keeps its photos before it stores the stories naming them, outside the lock."""
    folder = tmp_path / "s"
    store, _ids, _shared, _own = two_stories(folder)
    fresh = keep_photo(store, picture_bytes(seed=3))  # no story names it yet
    assert "no story names" not in repair(folder, capsys)
    assert photo_file(folder, fresh) is not None


async def test_a_delete_in_the_reader_holds_its_photos_until_the_reader_ends(tmp_path: Path) -> None:
    """u brings back the last delete of the session: a repair meanwhile must leave its photos."""
    from broadsheet.tui.app import BroadsheetApp
    from broadsheet.tui.widgets.credits_panel import CreditsPanel
    from tests.pilot import settle

    folder = tmp_path / "s"
    store, _ids, shared, own = two_stories(folder)
    held = folder / UNDO_HELD / f"{os.getpid()}.json"
    app = BroadsheetApp(store, graphics="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        while own not in {image.photo for image in app.screen.query_one(CreditsPanel).photos}:
            await pilot.press("j")
            await settle(pilot)
        await pilot.press("d", "y")
        await settle(pilot)
        assert orjson.loads(held.read_bytes())["photos"] == sorted({own, shared})
        assert main(["--store", str(folder), "repair"]) == 0
        assert photo_file(folder, own) is not None
    assert not held.exists()

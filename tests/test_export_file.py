"""One way an export is written where the user named it, by ``broadsheet export -o`` and the reader alike."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from broadsheet.store.storage.db import Store
from broadsheet.store.storage.export_file import PhotosNotWritten, write_export
from tests.factories import make_article
from tests.photos import photo_article


def _store(tmp_path: Path) -> tuple[Store, list[str]]:
    store = Store(tmp_path / "store")
    stories = [photo_article(store, 0, count=2), make_article(1), photo_article(store, 3, count=1)]
    store.add([(story, None) for story in stories])
    return store, [story.story_id for story in stories]


def test_the_readers_ids_and_the_commands_choice_write_the_same_export(tmp_path: Path) -> None:
    store, ids = _store(tmp_path)
    chosen = [ids[2], ids[0]]  # newest first, as the export of the stories kept lists them
    steps: list[tuple[int, int]] = []
    by_ids = write_export(store, "md", tmp_path / "a.md", chosen, on_progress=lambda d, t: steps.append((d, t)))
    by_keep = write_export(store, "md", tmp_path / "b.md", keep=set(chosen))
    assert (by_ids.stories, by_ids.photos, by_ids.folder) == (2, 3, tmp_path / "a_photos")
    assert (by_keep.stories, by_keep.photos, by_keep.folder) == (2, 3, tmp_path / "b_photos")
    assert steps[0] == (0, 2) and steps[-1] == (2, 2)  # from nothing done to every story
    assert sorted(p.name for p in (tmp_path / "a_photos").iterdir()) == sorted(
        p.name for p in (tmp_path / "b_photos").iterdir())
    assert (tmp_path / "a.md").read_text().replace("a_photos/", "b_photos/") == (tmp_path / "b.md").read_text()


def test_a_pipe_gets_the_stories_and_no_photos_beside_it(tmp_path: Path) -> None:
    store, ids = _store(tmp_path)
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()))
    reader.start()
    written = write_export(store, "json", pipe, ids)
    reader.join(10)
    assert (written.stories, written.photos, written.folder) == (3, 0, None)
    assert got[0].count(b'"headline"') == 3 and not (tmp_path / "pipe_photos").exists()


def test_photos_that_cannot_be_written_leave_no_export(tmp_path: Path) -> None:
    store, ids = _store(tmp_path)
    (tmp_path / "out_photos").write_text("a file where the folder would go")
    with pytest.raises(PhotosNotWritten) as raised:
        write_export(store, "json", tmp_path / "out.json", ids)
    assert raised.value.folder == tmp_path / "out_photos"
    assert not (tmp_path / "out.json").exists()


def test_an_export_to_a_folder_that_does_not_exist_is_refused_and_makes_none(tmp_path: Path) -> None:
    """A typo in the path made every folder it named, and the export went there."""
    from broadsheet.store.errors import OutputError

    store, ids = _store(tmp_path)
    with pytest.raises(OutputError) as refused:
        write_export(store, "md", tmp_path / "nosuch" / "dir" / "x.md", ids)
    assert "its folder does not exist" in str(refused.value) and not (tmp_path / "nosuch").exists()

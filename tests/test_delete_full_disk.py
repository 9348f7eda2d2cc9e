"""A delete the disk fills in, and an undo after the story was imported again.

A delete that found the disk full at the directory said "Not saved" though its stories were
gone (the next command finished it), and the undo was lost with their text and marks; an
undo after an import of the same story said "Brought back 0 stories" and dropped its marks."""

from __future__ import annotations

import errno
import os

import pytest

from broadsheet.cli.main import main
from broadsheet.store.errors import StoreWriteError
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.directory import Directory
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.factories import make_article
from tests.pilot import settle


def _full_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The directory's append meets a full disk (after the records were removed)."""
    def full(directory: Directory, _entries: object) -> None:
        raise StoreWriteError(directory.path, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))

    monkeypatch.setattr(Directory, "append", full)


def test_rm_on_a_full_disk_says_the_story_is_deleted_and_the_next_command_finishes_it(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    story = filled_store.stories()[0]
    folder = str(filled_store.folder)
    capsys.readouterr()
    with monkeypatch.context() as patched:
        _full_directory(patched)
        assert main(["--store", folder, "rm", story.id]) == 1
    out, err = capsys.readouterr()
    assert f"deleted {story.id[:10]}" in out
    said = " ".join(err.split())
    assert "It is not all written yet: cannot save directory.bin (the disk is full)" in said
    assert "cannot save" not in out and "Not saved" not in said
    assert main(["--store", folder, "list"]) == 0  # room again: finished as it opens
    assert story.id[:10] not in capsys.readouterr().out
    assert not (filled_store.folder / "deleting.json").exists()


def test_an_undo_of_a_delete_the_disk_stopped_brings_back_its_text_and_marks(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    story = filled_store.stories()[1]
    article = filled_store.article(story.id)
    filled_store.user.edit_tags([story.id], add=["harbour"])
    filled_store.user.set_bookmarked(story.id, True)
    with monkeypatch.context() as patched:
        _full_directory(patched)
        deleted = filled_store.delete([story.id], undoable=True)
    assert deleted.ids == [story.id] and isinstance(deleted.unfinished, StoreWriteError)
    assert filled_store.read_only  # as after any write that failed
    assert Store(filled_store.folder).meta(story.id) is None  # room again: the delete is finished
    assert filled_store.restore(deleted) == [story.id]
    again = Store(filled_store.folder)
    assert again.article(story.id) == article
    state = again.user.get(story.id)
    assert state.bookmarked and state.tags == ("harbour",)


async def test_the_reader_says_a_delete_the_disk_stopped_is_made_and_u_undoes_it(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        with monkeypatch.context() as patched:
            _full_directory(patched)
            await pilot.press("d", "y")
            await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Deleted 1 story; u undoes it. It is not all written yet") for m in said), said
        assert not any("Not saved" in m for m in said)
        await pilot.press("u")
        await settle(pilot)
        assert any(str(n.message).startswith("Brought back 1 story") for n in app._notifications)
    assert len(Store(filled_store.folder)) == 5



def test_an_undo_after_the_story_was_imported_again_puts_its_marks_on_it(store: Store) -> None:
    [sid] = store.add([(make_article(1), "quay.txt")])
    store.user.edit_tags([sid], add=["harbour"])
    store.user.set_bookmarked(sid, True)
    store.user.set_read(sid, True)
    deleted = store.delete([sid], undoable=True)
    assert store.add([(make_article(1), "quay.txt")]) == [sid]  # the same file imported again
    store.user.edit_tags([sid], add=["ferry"])
    merged: list[str] = []
    assert store.restore(deleted, merged=merged) == []
    assert merged == [sid]
    state = Store(store.folder).user.get(sid)
    assert state.bookmarked and state.read and set(state.tags) == {"harbour", "ferry"}


async def test_the_reader_says_the_undo_brought_back_the_marks_of_a_story_imported_again(store: Store) -> None:
    [sid] = store.add([(make_article(1), "quay.txt")])
    store.user.edit_tags([sid], add=["harbour"])
    store.user.set_bookmarked(sid, True)
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d", "y")
        await settle(pilot)
        assert Store(store.folder).add([(make_article(1), "quay.txt")]) == [sid]  # in another shell
        await pilot.press("u")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert "Brought back the marks of 1 story imported again" in said, said
        [row] = app.screen.query_one(HeadlineList).rows
        assert row.meta.id == sid and row.state.bookmarked and row.state.tags == ("harbour",)
    state = Store(store.folder).user.get(sid)
    assert state.bookmarked and state.tags == ("harbour",)

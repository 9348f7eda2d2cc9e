"""Marks changed on many stories at once, and stories deleted, when the marks of some live in a
damaged state file: every other story is changed, the damaged file is not written over, and
the user is told which stories were left and that `broadsheet repair` mends the file (README,
"Store")."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import Input

from broadsheet.cli.main import main
from broadsheet.store.errors import StoreFileError
from broadsheet.store.model import Article
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import UserState
from broadsheet.store.wording import n_stories
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens import main as main_screen
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.widgets.sidebar import Sidebar
from tests.dumps import BRIDGE_DUMP, FERRY_DUMP
from tests.factories import make_article
from tests.pilot import settle, type_text

DAMAGED = b'{"stories": {"0'  # cut short


@dataclass
class Damaged:
    folder: Path
    ids: list[str]  # in the order given: the one whose file is damaged in the middle
    lost: str
    state: Path


def _damaged(tmp_path: Path, count: int = 6) -> Damaged:
    store = Store(tmp_path / "store")
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(count)])
    ids = sorted(m.id for m in store.stories())
    lost = next(sid for sid in ids[1:-1] if sum(other[:3] == sid[:3] for other in ids) == 1)
    ids.remove(lost)
    ids.insert(len(ids) // 2, lost)
    state = store.folder / "state" / f"{lost[:3]}.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(DAMAGED)
    return Damaged(store.folder, ids, lost, state)


def test_bookmark_of_stories_none_of_which_can_be_changed_is_refused_as_one_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damaged = _damaged(tmp_path)
    other = next(sid for sid in damaged.ids if sid[:3] != damaged.lost[:3])
    (damaged.folder / "state" / f"{other[:3]}.json").write_bytes(DAMAGED)
    capsys.readouterr()
    assert main(["--store", str(damaged.folder), "bookmark", damaged.lost, other]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "Nothing has been overwritten" in said and "2 stories not bookmarked" in said, said
    assert damaged.state.read_bytes() == DAMAGED


@pytest.mark.parametrize("command", ["bookmark", "unbookmark"])
def test_bookmark_changes_every_story_it_can_and_names_those_it_cannot(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    damaged = _damaged(tmp_path)
    others = [sid for sid in damaged.ids if sid != damaged.lost]
    if command == "unbookmark":
        Store(damaged.folder).user.bookmark_all(others)
    capsys.readouterr()

    status = main(["--store", str(damaged.folder), command, *damaged.ids])
    out, err = capsys.readouterr()
    assert status == 1, err  # partial: the rest was done, as a fetch that could not tag some
    assert damaged.state.read_bytes() == DAMAGED  # not written over
    store = Store(damaged.folder)
    assert [store.user.get(sid).bookmarked for sid in others] == [command == "bookmark"] * len(others)
    assert all(sid[:10] in out for sid in others)  # each one changed is said, the last ones too
    said = " ".join(err.split())
    what = "not bookmarked" if command == "bookmark" else "still bookmarked"
    assert f"1 story {what}" in said and damaged.lost in said, said
    assert f"state/{damaged.lost[:3]}.json" in said and "broadsheet repair" in said, said
    assert "Traceback" not in err


@pytest.mark.parametrize("steps", [False, True])
@pytest.mark.parametrize("key", ["B", "T"])
async def test_the_readers_change_of_the_listed_stories_changes_the_others_and_says_which_it_could_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, steps: bool) -> None:
    damaged = _damaged(tmp_path, 12)
    if steps:  # done a few stories at a time, in a worker, as past BULK stories
        monkeypatch.setattr(main_screen, "BULK", 2)
    app = BroadsheetApp(Store(damaged.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        if key == "T":
            await type_text(pilot, "harbour")
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        told = [n for n in app._notifications if "broadsheet repair" in n.message and damaged.lost in n.message]
        assert len(told) == 1 and told[0].severity == "warning", [n.message for n in app._notifications]
        said = told[0].message
        what = "Bookmarked" if key == "B" else "Tagged"
        assert f"{what} 11 stories" in said and f"1 story not {what.lower()}" in said, said
        assert f"state/{damaged.lost[:3]}.json" in said, said
        counts = screen.reader.sidebar_counts()
        assert (counts[0]["bookmarked"] if key == "B" else counts[1]["harbour"]) == 11
    assert damaged.state.read_bytes() == DAMAGED  # not written over
    store = Store(damaged.folder)
    others = [sid for sid in damaged.ids if sid != damaged.lost]
    if key == "B":
        assert all(store.user.get(sid).bookmarked for sid in others)
    else:
        assert all(store.user.get(sid).tags == ("harbour",) for sid in others)


def test_rm_deletes_a_story_whose_state_file_is_damaged_and_leaves_the_file_as_it_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damaged = _damaged(tmp_path)
    kept = [sid for sid in damaged.ids if sid != damaged.lost]
    gone = [damaged.lost, kept.pop()]
    Store(damaged.folder).user.bookmark_all(gone[1:])
    base = ["--store", str(damaged.folder)]
    capsys.readouterr()

    status = main([*base, "rm", *gone])
    out, err = capsys.readouterr()
    assert status == 0, err  # deleted as asked
    assert all(f"deleted {sid[:10]}" in " ".join(out.split()) for sid in gone), out
    said = " ".join(err.split())
    assert damaged.lost in said and f"state/{damaged.lost[:3]}.json" in said and "broadsheet repair" in said, said
    assert damaged.state.read_bytes() == DAMAGED  # not written over
    store = Store(damaged.folder)
    assert sorted(m.id for m in store.stories()) == sorted(kept)
    assert not (damaged.folder / "deleting.json").exists()  # the delete is done, not left to every writer
    assert not store.user.get(gone[1]).bookmarked  # the other story's marks went with it
    assert main([*base, "bookmark", kept[0]]) == 0  # the store goes on
    assert main([*base, "import", str(_page(tmp_path))]) == 0


def _page(tmp_path: Path) -> Path:
    page = tmp_path / "made-up-new.txt"
    page.write_text("Harbour wall repaired\n\nBy A. Writer\n\nThe harbour wall was repaired on Monday. "
                    "Work took three weeks.\n")
    return page


@pytest.mark.parametrize("key", ["d", "D"])
async def test_the_readers_delete_of_a_story_whose_state_file_is_damaged_deletes_it_and_undoes(
        tmp_path: Path, key: str) -> None:
    damaged = _damaged(tmp_path)
    app = BroadsheetApp(Store(damaged.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        if key == "d":  # the cursor on the story whose file is damaged
            at = [meta.id for meta in screen.headlines.stories].index(damaged.lost)
            await pilot.press(*["j"] * at)
            await settle(pilot)
            assert screen.headlines.current is not None and screen.headlines.current.id == damaged.lost
        await pilot.press(key, "y")
        await settle(pilot)
        said = [n for n in app._notifications if n.message.startswith("Deleted")]
        assert len(said) == 1, [n.message for n in app._notifications]
        count = 1 if key == "d" else 6
        assert said[0].message.startswith(f"Deleted {n_stories(count)}; u undoes it"), said[0].message
        assert damaged.lost in said[0].message and f"state/{damaged.lost[:3]}.json" in said[0].message
        assert "broadsheet repair" in said[0].message and said[0].severity == "warning"
        assert len(screen.headlines.stories) == 6 - count
        assert damaged.state.read_bytes() == DAMAGED  # not written over
        assert len(Store(damaged.folder)) == 6 - count
        assert not (damaged.folder / "deleting.json").exists()
        await pilot.press("u")
        await settle(pilot)
        assert any(n.message.startswith(f"Brought back {n_stories(count)}") for n in app._notifications)
        assert len(screen.headlines.stories) == 6
    assert len(Store(damaged.folder)) == 6 and damaged.state.read_bytes() == DAMAGED


def test_a_delete_left_unfinished_at_a_damaged_state_file_is_finished_by_the_next_writer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # Before, a delete stopped at the damaged file's marks, its stories' records gone, and left
    # deleting.json: every later import or delete finished it, and failed there again.
    damaged = _damaged(tmp_path)

    def failing(self: UserState, *_args: object) -> None:
        raise StoreFileError(damaged.state, "not valid JSON")

    with monkeypatch.context() as patched:
        patched.setattr(UserState, "forget", failing)
        with pytest.raises(StoreFileError):
            Store(damaged.folder).delete([damaged.lost])
    assert (damaged.folder / "deleting.json").exists()
    capsys.readouterr()
    assert main(["--store", str(damaged.folder), "import", str(_page(tmp_path))]) == 0
    assert not (damaged.folder / "deleting.json").exists()
    assert len(Store(damaged.folder)) == 6 and damaged.state.read_bytes() == DAMAGED


@pytest.mark.parametrize("rename", [True, False])
async def test_renaming_or_deleting_a_tag_changes_the_other_stories_and_names_the_damaged_file(
        tmp_path: Path, rename: bool) -> None:
    store = Store(tmp_path / "store")
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(6)])
    ids = sorted(m.id for m in store.stories())
    store.user.edit_tags(ids, add=["rail"])
    lost = next(sid for sid in ids if sum(other[:3] == sid[:3] for other in ids) == 1)
    state = store.folder / "state" / f"{lost[:3]}.json"
    state.write_bytes(DAMAGED)
    app = BroadsheetApp(Store(store.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.highlighted = 4  # the first tag, after the "Tags" heading
        sidebar.focus()
        await pilot.press("R" if rename else "x")
        await settle(pilot)
        if rename:
            app.screen.query_one(Input).value = "railways"
            await pilot.press("enter")
        else:
            await pilot.press("y")
        await settle(pilot)
        told = [n for n in app._notifications if n.message.startswith(("Renamed", "Removed"))]
        assert len(told) == 1 and told[0].severity == "warning", [n.message for n in app._notifications]
        said = told[0].message
        assert "broadsheet repair" in said
        assert ("Renamed tag on 5 stories" if rename else "Removed tag 'rail' from 5 stories") in said, said
        assert f"state/{lost[:3]}.json" in said and "'rail'" in said, said
    assert state.read_bytes() == DAMAGED
    fresh = Store(store.folder)
    assert all(fresh.user.get(sid).tags == (("railways",) if rename else ()) for sid in ids if sid != lost)


def test_reparse_leaves_a_story_whose_marks_cannot_be_moved_and_reads_the_others_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "ferry.txt").write_text(FERRY_DUMP)
    (pages / "bridge.txt").write_text(BRIDGE_DUMP)
    # As a worse parser read them: each gets another id when read again, and its marks move.
    lost, other = store.add([(_worse(FERRY_DUMP), str(pages / "ferry.txt")),
                             (_worse(BRIDGE_DUMP), str(pages / "bridge.txt"))])
    store.user.bookmark_all([lost, other])
    assert lost[:3] != other[:3]
    state = store.folder / "state" / f"{lost[:3]}.json"
    state.write_bytes(DAMAGED)
    capsys.readouterr()

    assert main(["--store", str(store.folder), "reparse", "--all"]) == 1  # as for a story whose file is gone
    said = " ".join(capsys.readouterr().err.split())
    assert f"failed: {lost[:10]}" in said and f"state/{lost[:3]}.json" in said and "broadsheet repair" in said, said
    fresh = Store(store.folder)
    stories = {m.id: m.headline for m in fresh.stories()}
    assert len(stories) == 2 and lost in stories and other not in stories, stories  # not listed twice
    [moved] = [sid for sid in stories if sid != lost]
    assert fresh.user.get(moved).bookmarked
    assert state.read_bytes() == DAMAGED


def test_reparse_counts_failed_a_story_whose_marks_file_is_damaged_while_its_new_text_is_stored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Its new text stored, its marks' file damaged before they moved (by another process), the old
    story stayed beside the new: "1 re-read with changes (1 under a new id, marks kept)" and exit 0,
    where README says such a story is counted failed."""
    store = Store(tmp_path / "store")
    (tmp_path / "ferry.txt").write_text(FERRY_DUMP)
    [old] = store.add([(_worse(FERRY_DUMP), str(tmp_path / "ferry.txt"))])
    store.user.set_bookmarked(old, True)
    state = store.folder / "state" / f"{old[:3]}.json"
    whole = state.read_bytes()
    replace = Store._replace

    def damaged_first(self: Store, moved: list[tuple[str, str]]) -> dict[str, StoreFileError]:
        state.write_bytes(DAMAGED)
        return replace(self, moved)

    monkeypatch.setattr(Store, "_replace", damaged_first)
    capsys.readouterr()
    assert main(["--store", str(store.folder), "reparse", old]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "0 re-read with changes (0 under a new id, marks kept)" in said and "1 failed" in said, said
    assert f"failed: {old[:10]}" in said and f"state/{old[:3]}.json" in said and "broadsheet repair" in said, said
    [new] = [m.id for m in Store(store.folder).stories() if m.id != old]
    assert f"stored beside it, as {new[:10]}" in said, said
    monkeypatch.undo()
    state.write_bytes(whole)  # mended: read again, its marks move and the old story goes
    assert main(["--store", str(store.folder), "reparse", old]) == 0
    fresh = Store(store.folder)
    assert [m.id for m in fresh.stories()] == [new] and fresh.user.get(new).bookmarked


def _worse(text: str) -> Article:
    """What a worse parser made of a page: the headline line twice, the body short."""
    lines = [line for line in text.splitlines() if line.strip()]
    return Article(headline=lines[0] + " " + lines[1], body=lines[2:4])


async def test_undoing_a_delete_when_the_marks_file_was_damaged_since_waits_for_it_to_be_mended(
        tmp_path: Path) -> None:
    damaged = _damaged(tmp_path)
    whole = b'{"stories": {}}'
    damaged.state.write_bytes(whole)  # whole at the delete
    Store(damaged.folder).user.bookmark_all([damaged.lost])
    app = BroadsheetApp(Store(damaged.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        at = [meta.id for meta in screen.headlines.stories].index(damaged.lost)
        await pilot.press(*["j"] * at)
        await settle(pilot)
        await pilot.press("d", "y")
        await settle(pilot)
        assert len(Store(damaged.folder)) == 5
        marks = damaged.state.read_bytes()
        damaged.state.write_bytes(DAMAGED)  # damaged since
        await pilot.press("u")
        await settle(pilot)
        assert any(n.message.startswith("Not saved") and f"{damaged.lost[:3]}.json" in n.message
                   for n in app._notifications), [n.message for n in app._notifications]
        assert len(Store(damaged.folder)) == 5  # not brought back without its marks
        assert damaged.state.read_bytes() == DAMAGED
        damaged.state.write_bytes(marks)  # mended
        await pilot.press("u")  # tried again
        await settle(pilot)
        assert any(n.message.startswith("Brought back 1 story") for n in app._notifications)
    fresh = Store(damaged.folder)
    assert len(fresh) == 6 and fresh.user.get(damaged.lost).bookmarked


async def test_another_reader_finishes_a_delete_whose_broadsheet_was_killed(filled_store: Store,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader killed during D left the delete half done: another reader showed "Unread -3,815"
    (the stories gone, their read marks still counted) until r. Its look at the store, every 3
    seconds, now finishes it (the lock is free: its writer is dead) and reads the store again."""
    ids = [meta.id for meta in filled_store.stories()]
    for sid in ids:
        filled_store.user.set_read(sid, True)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)

        def killed(self: UserState, *_args: object) -> None:
            raise KeyboardInterrupt  # the other reader, killed between the records and the marks

        with monkeypatch.context() as patched:
            patched.setattr(UserState, "forget", killed)
            with pytest.raises(KeyboardInterrupt):
                Store(filled_store.folder).delete(ids[:3])
        assert (filled_store.folder / "deleting.json").exists()
        screen._check_store()
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert not (filled_store.folder / "deleting.json").exists()
        counts, _tags = screen.reader.sidebar_counts()
        assert counts["all"] == 2 and counts["unread"] == 0

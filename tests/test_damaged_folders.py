"""A store file replaced by a folder (or unreadable for another reason than being missing) is a
damaged file: named with the reason, read around as a damaged file is, and set aside and
written again by ``repair`` (README, "Store"). A folder in the place of one state file stopped
every command with "cannot open the store at ...: Is a directory", naming no file, and repair
ended with "[Errno 21]" mending nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.cli.reader import open_store
from broadsheet.store.storage.db import LISTING, Store
from broadsheet.tui.app import BroadsheetApp
from tests.factories import make_article
from tests.pilot import settle


def _store(tmp_path: Path) -> tuple[Store, str]:
    """A store of six stories, one bookmarked and tagged, a saved search and a listing; the
    bookmarked story's id."""
    store = Store(tmp_path / "store")
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(6)])
    sid = store.stories()[0].id
    store.user.set_bookmarked(sid, True)
    store.user.edit_tags([sid], add=["harbour"])
    store.user.save_search("ferries", "ferry")
    store.write_listing()
    return store, sid


def _folder_for(path: Path) -> None:
    path.unlink()
    path.mkdir()


@pytest.mark.parametrize("name", ["state", "bodies/000000.json", "state/settings.json"])
def test_a_folder_for_a_state_body_or_settings_file_is_named_read_around_and_repaired(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    store, sid = _store(tmp_path)
    path = store.folder / (f"state/{sid[:3]}.json" if name == "state" else name)
    _folder_for(path)
    base = ["--store", str(store.folder)]
    capsys.readouterr()
    assert main([*base, "list"]) == 0
    got = capsys.readouterr()
    assert sid[:10] in got.out
    assert f"{path}: it is a folder, not a file" in got.err and "broadsheet repair" in got.err, got.err
    assert main([*base, "repair"]) in (0, 1)
    out = "".join(capsys.readouterr())
    assert f"{path.relative_to(store.folder)}: it is a folder, not a file" in out and "set aside as" in out, out
    assert path.is_file() and len(list(path.parent.glob(f"{path.name}.damaged-*"))) == 1
    assert main([*base, "list"]) == 0
    assert capsys.readouterr().err == ""


def test_a_folder_for_a_metadata_shard_is_named_at_open_and_repair_sets_it_aside(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, _sid = _store(tmp_path)
    path = store.folder / "meta" / "000000.json"
    _folder_for(path)
    base = ["--store", str(store.folder)]
    capsys.readouterr()
    assert main([*base, "list"]) == 2
    assert f"{path}: it is a folder, not a file" in capsys.readouterr().err
    assert main([*base, "repair"]) == 1  # the stories' records are lost: said, with how to bring them back
    out = "".join(capsys.readouterr())
    assert "meta/000000.json: it is a folder, not a file" in out and "set aside as" in out, out
    assert main([*base, "list"]) == 0 and path.is_file()


@pytest.mark.parametrize("name", ["directory.bin", LISTING])
def test_a_folder_for_the_directory_or_listing_is_set_aside_and_written_again_by_repair(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    store, sid = _store(tmp_path)
    path = store.folder / name
    _folder_for(path)
    base = ["--store", str(store.folder)]
    capsys.readouterr()
    assert main([*base, "repair"]) == 0
    out = "".join(capsys.readouterr())
    assert f"{name}: it is a folder, not a file" in out and "written again" in out, out
    assert path.is_file()
    assert main([*base, "list"]) == 0
    got = capsys.readouterr()
    assert sid[:10] in got.out and got.err == ""


def test_a_folder_for_the_directory_is_named_by_every_command_and_the_reader_until_repair(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every command (and the reader, which ended in a traceback) said only "Is a directory: ...":
    now the file, the reason and `broadsheet repair`, as for a damaged metadata shard."""
    store, sid = _store(tmp_path)
    path = store.folder / "directory.bin"
    _folder_for(path)
    page = tmp_path / "made-up.txt"
    page.write_text("A made-up headline\n\nA made-up paragraph of the page.\n")
    base = ["--store", str(store.folder)]
    capsys.readouterr()
    for command in (["list"], ["search", "ferry"], ["tag", sid, "quay"], ["import", str(page)], ["rm", sid]):
        assert main([*base, *command]) == 2, command
        err = capsys.readouterr().err
        assert f"{path}: it is a folder, not a file" in err and "`broadsheet repair`" in err, (command, err)
        assert "Is a directory" not in err
    assert open_store(store.folder) == 2  # the reader's start
    err = capsys.readouterr().err
    assert f"{path}: it is a folder, not a file" in err and "`broadsheet repair`" in err, err
    assert main([*base, "repair"]) == 0 and path.is_file()
    capsys.readouterr()
    assert main([*base, "list"]) == 0
    got = capsys.readouterr()
    assert sid[:10] in got.out and got.err == ""


@pytest.mark.parametrize("name", ["meta/stamp.json", "addresses.json", "state/marks.bin", "state/.counts.json"])
def test_a_folder_for_a_file_made_again_when_missing_is_said_and_set_aside_by_repair(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    """None of them stops a reader, but a folder in their place kept what they hold from being kept
    (the count of stories, the marks' keys and counts, the addresses' form), and repair said "no
    damaged files"."""
    store, sid = _store(tmp_path)
    path = store.folder / name
    path.unlink(missing_ok=True)
    path.mkdir()
    base = ["--store", str(store.folder)]
    capsys.readouterr()
    assert main([*base, "repair"]) == 0
    out = "".join(capsys.readouterr())
    assert f"damaged: {name}: it is a folder, not a file" in out and f"{name}: set aside as" in out, out
    assert not path.is_dir() and len(list(path.parent.glob(f"{path.name}.damaged-*"))) == 1
    assert main([*base, "search", "is:bookmarked"]) == 0 and main([*base, "tags"]) == 0
    got = capsys.readouterr()
    assert sid[:10] in got.out and "harbour" in got.out, got
    assert main([*base, "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["meta/stamp.json", "addresses.json"])
def test_an_import_stopped_by_a_folder_in_a_files_place_says_so_and_sends_to_repair(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    """An import that must write the file stopped with "Is a directory" and "free some space":
    no space freed mends it; repair does, and then the same import goes through."""
    store, _ = _store(tmp_path)
    _folder_for(store.folder / name)
    page = tmp_path / "new.txt"
    page.write_text(make_article(99).headline + "\n\n" + "\n\n".join(make_article(99).body) + "\n")
    base = ["--store", str(store.folder)]
    capsys.readouterr()
    assert main([*base, "import", str(page)]) != 0
    err = capsys.readouterr().err
    assert f"{name}: a folder is in its place" in err and "run `broadsheet repair`" in err, err
    assert "free some space" not in err and "Is a directory" not in err, err
    assert main([*base, "repair"]) == 0
    assert main([*base, "import", str(page)]) == 0
    assert "1 imported" in "".join(capsys.readouterr())


async def test_the_reader_starts_with_a_folder_for_a_state_file_and_names_it(tmp_path: Path) -> None:
    store, sid = _store(tmp_path)
    path = store.folder / "state" / f"{sid[:3]}.json"
    _folder_for(path)
    app = BroadsheetApp(Store(store.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        told = [n.message for n in app._notifications if n.title == "A damaged file"]
        assert any(path.name in m and "it is a folder" in m for m in told), told
    assert app.return_code in (0, None)


def test_a_state_file_refused_for_permission_is_not_set_aside_by_repair(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Any read error made a file damaged: a state file left 0600 by `sudo broadsheet` was set
    aside by repair, which kept none of its records, where a chmod was all it needed."""
    store, sid = _store(tmp_path)
    path = store.folder / f"state/{sid[:3]}.json"
    real = Path.read_bytes

    def refused(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refused)
    capsys.readouterr()
    assert main(["--store", str(store.folder), "repair"]) != 0
    assert "Permission denied" in "".join(capsys.readouterr())
    monkeypatch.undo()
    assert path.is_file() and not list(path.parent.glob(f"{path.name}.damaged-*"))
    assert Store(store.folder).user.get(sid).bookmarked

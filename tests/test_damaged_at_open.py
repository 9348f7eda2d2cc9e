"""A store opened with a damaged state file and a damaged body shard: the commands and the
reader work, the damaged files are named once, and a mark on a story of the damaged state
file is refused rather than written over it (README, "Store")."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from broadsheet.cli.main import main
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.factories import make_article
from tests.pilot import said, settle


@dataclass
class Damaged:
    folder: Path
    lost: str  # a bookmarked, tagged story whose state file is damaged
    kept: str  # a bookmarked, tagged story in a sound state file
    state: Path
    state_bytes: bytes
    bodies: Path | None


def _damaged(tmp_path: Path, *, bodies: bool = True) -> Damaged:
    store = Store(tmp_path / "store")
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(6)])
    ids = [m.id for m in store.stories()]
    lost = ids[0]
    kept = next(sid for sid in ids if sid[:3] != lost[:3])
    for sid in (lost, kept):
        store.user.set_bookmarked(sid, True)
    store.user.edit_tags([lost, kept], add=["harbour"])
    assert main(["--store", str(store.folder), "search", "ferry"]) == 0  # the index, built while all is whole
    state = store.folder / "state" / f"{lost[:3]}.json"
    state.write_bytes(b'{"bad')
    shard = None
    if bodies:
        shard = store.folder / "bodies" / "000000.json"
        shard.write_bytes(shard.read_bytes()[:40])  # cut short
    return Damaged(store.folder, lost, kept, state, state.read_bytes(), shard)


def _named_once(err: str, damaged: Damaged) -> None:
    assert err.count(f"state/{damaged.state.name}") == 1 and "no marks" in err, err
    if damaged.bodies is not None:
        assert err.count("bodies/000000.json") == 1, err
    assert "broadsheet repair" in err


def test_reading_commands_work_without_the_damaged_files_marks_and_name_them_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damaged = _damaged(tmp_path)
    base = ["--store", str(damaged.folder)]
    capsys.readouterr()
    assert main([*base, "list"]) == 0
    got = capsys.readouterr()
    assert damaged.lost[:10] in got.out and damaged.kept[:10] in got.out
    _named_once(got.err, damaged)
    assert main([*base, "search", "ferry"]) == 0
    got = capsys.readouterr()
    assert damaged.lost[:10] in got.out
    _named_once(got.err, damaged)
    for command in (["bookmarks"], ["search", "is:bookmarked"]):
        assert main([*base, *command]) == 0
        got = capsys.readouterr()
        assert damaged.kept[:10] in got.out and damaged.lost[:10] not in got.out  # its marks are unknown
        _named_once(got.err, damaged)
    assert main([*base, "tags"]) == 0
    assert "harbour" in capsys.readouterr().out
    assert damaged.state.read_bytes() == damaged.state_bytes


def test_a_mark_on_a_story_of_the_damaged_state_file_is_refused_and_others_are_saved(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damaged = _damaged(tmp_path)
    base = ["--store", str(damaged.folder)]
    capsys.readouterr()
    for command in (["tag", damaged.lost, "ferry"], ["unbookmark", damaged.lost]):
        assert main([*base, *command]) == 2
        err = capsys.readouterr().err
        assert str(damaged.state) in err and "Nothing has been overwritten" in err and "broadsheet repair" in err
        assert damaged.state.read_bytes() == damaged.state_bytes
    assert main([*base, "tag", damaged.kept, "ferry"]) == 0
    assert "harbour, ferry" in capsys.readouterr().out
    assert main([*base, "unbookmark", damaged.kept]) == 0
    state = Store(damaged.folder).user.get(damaged.kept)
    assert state.tags == ("harbour", "ferry") and not state.bookmarked
    assert damaged.state.read_bytes() == damaged.state_bytes


def test_an_export_carries_the_marks_it_can_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damaged = _damaged(tmp_path, bodies=False)
    out = tmp_path / "export.json"
    capsys.readouterr()
    assert main(["--store", str(damaged.folder), "export", "--format", "json", "-o", str(out)]) == 0
    _named_once(capsys.readouterr().err, damaged)
    states = {story["id"]: story["state"] for story in orjson.loads(out.read_bytes())["stories"]}
    assert len(states) == 6
    assert states[damaged.kept] == {"bookmarked": True, "read": False, "tags": ["harbour"]}
    assert states[damaged.lost] == {"bookmarked": False, "read": False, "tags": []}


async def test_the_reader_starts_names_the_damaged_files_and_shows_each_storys_problem(tmp_path: Path) -> None:
    damaged = _damaged(tmp_path)
    assert damaged.bodies is not None
    app = BroadsheetApp(Store(damaged.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        told = [said(n) for n in app._notifications if n.title == "A damaged file"]
        assert len(told) == 2, told  # said as the reader starts, not only at the next check
        assert any(damaged.state.name in m and "no marks" in m and "broadsheet repair" in m for m in told)
        assert any(str(damaged.bodies) in m for m in told)
        headlines = screen.query_one(HeadlineList)
        rows = {row.meta.id: row for row in headlines.rows}
        assert not rows[damaged.lost].state.bookmarked and rows[damaged.kept].state.bookmarked
        headlines.cursor = [row.meta.id for row in headlines.rows].index(damaged.lost)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = screen.query_one(ArticleView).text
        assert "cannot be read" in shown and damaged.bodies.name in shown and "broadsheet repair" in shown
        await pilot.press("escape", "b")  # a bookmark on the story of the damaged state file
        await settle(pilot)
        assert app.is_running and any(n.message.startswith("Not saved:") for n in app._notifications)
        assert damaged.state.read_bytes() == damaged.state_bytes
        headlines.cursor = [row.meta.id for row in headlines.rows].index(damaged.kept)
        await settle(pilot)
        await pilot.press("b")  # on a story of a sound file it is saved
        await settle(pilot)
        screen._check_store()
        assert len([n for n in app._notifications if n.title == "A damaged file"]) == 2  # each said once
    assert not Store(damaged.folder).user.get(damaged.kept).bookmarked


async def test_the_reader_starts_with_damaged_settings_and_refuses_to_save_over_them(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(3)])
    store.user.set_setting("order", "oldest")
    settings = store.folder / "state" / "settings.json"
    settings.write_bytes(settings.read_bytes()[:9])  # cut short
    before = settings.read_bytes()
    app = BroadsheetApp(Store(store.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        told = [said(n) for n in app._notifications if n.title == "A damaged file"]
        assert len(told) == 1 and settings.name in told[0] and "defaults" in told[0], told
        await pilot.press("o")  # another order: shown, not saved over the damaged file
        await settle(pilot)
        assert app.is_running and any(n.message.startswith("Not saved:") for n in app._notifications)
        await pilot.press("j")  # a reading position to save as the reader closes
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0  # it closed cleanly
    assert settings.read_bytes() == before


def test_commands_name_damaged_settings_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damaged = _damaged(tmp_path, bodies=False)
    settings = damaged.folder / "state" / "settings.json"
    settings.write_bytes(b"{")
    capsys.readouterr()
    assert main(["--store", str(damaged.folder), "list"]) == 0
    err = capsys.readouterr().err
    assert err.count("settings.json") == 2 and "defaults" in err  # the file, and the copy kept of it

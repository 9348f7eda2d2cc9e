"""The reader's start does only what its first screen needs (issue 17: first paint <= 0.5 s).

``broadsheet`` parses every command's arguments before it opens the reader, so a command
module that imports the importer (the parser, dateutil, selectolax, sqlite3), tantivy or
msgspec at its top costs every start of the reader about 0.1 s. The commands themselves
import those when they run (tests/test_cli.py runs them).

The garbage collector is paused from the start of ``broadsheet`` until the reader's first
paint, or until the command turns out to be another one: it must always run again.
"""

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store import collector
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.main import MainScreen
from tests.conftest import REPO
from tests.pilot import settle

#: Loaded only by the commands that need them, or by the reader after its first paint.
NOT_AT_START = ("tantivy", "msgspec", "broadsheet.store.ingest.importer", "broadsheet.store.parse",
                "broadsheet.store.search.engine", "broadsheet.store.storage.exchange", "dateutil", "selectolax",
                "sqlite3", "rich.progress")


def test_starting_the_reader_imports_no_command_machinery() -> None:
    code = ("import sys\n"
            "from broadsheet.cli.main import build_parser\n"
            "args = build_parser().parse_args(['--store', 'x', 'run', '--no-seed'])\n"
            "import broadsheet.cli.reader, broadsheet.tui.app\n"
            f"print([m for m in {NOT_AT_START!r} if m in sys.modules])\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


@pytest.fixture
def collector_running() -> Iterator[None]:
    """Whatever a test does, the collector runs and nothing stays frozen after it."""
    yield
    collector.resume_after_start()
    gc.enable()
    gc.unfreeze()


def test_pause_and_resume_restore_the_collector(collector_running: None) -> None:
    collector.pause_start()
    assert not gc.isenabled()
    collector.pause_start()  # a second pause changes nothing: one resume undoes both
    collector.resume_after_start()
    assert gc.isenabled()
    gc.disable()
    collector.pause_start()
    collector.resume_after_start()
    assert not gc.isenabled()  # it was off before the pause: it stays off


def test_other_commands_run_with_the_collector(tmp_path: Path, collector_running: None,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", str(tmp_path / "store"), "where"]) == 0
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--no-such-option"])
    assert gc.isenabled()


async def test_the_reader_resumes_the_collector_once_painted(filled_store: Store, collector_running: None) -> None:
    collector.pause_start()  # as `broadsheet run` does
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert gc.isenabled()


def test_seeding_an_empty_store_runs_with_the_collector(store: Store, collector_running: None,
                                                       monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The first start imports the bundled stories (forking workers) before the reader: not paused."""
    from broadsheet.cli.reader import run_command

    monkeypatch.setenv("BROADSHEET_CONFIG", str(tmp_path / "config.toml"))
    opened: list[bool] = []
    monkeypatch.setattr(BroadsheetApp, "run", lambda self: opened.append(gc.isenabled()))
    collector.pause_start()  # as `broadsheet run` does
    assert run_command(store, seed=True) == 0
    assert len(store) > 0 and opened == [True]


@pytest.mark.parametrize(("width", "layout"), [(80, "-narrow"), (120, "-medium"), (160, "-wide")])
async def test_the_reader_styles_its_screen_once_to_its_first_paint(filled_store: Store, width: int, layout: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Every widget's styles are worked out once as the reader starts, with the layout of its
    width: the screen took its layout's class at its mount and restyled every widget there,
    then again as it was shown (8 ms of each start)."""
    restyled: list[str] = []
    update_styles = BroadsheetApp.update_styles

    def counted(self: BroadsheetApp, node, animate: bool = True) -> None:  # type: ignore[no-untyped-def]
        if isinstance(node, MainScreen):
            restyled.append(" ".join(sorted(node.classes)))
        update_styles(self, node, animate)

    monkeypatch.setattr(BroadsheetApp, "update_styles", counted)
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.has_class(layout) and screen.has_class("-sidebar") == (width >= MainScreen.SIDEBAR_WIDTH)
        assert len(restyled) == 1 and layout in restyled[0], restyled

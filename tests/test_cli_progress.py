"""Progress bars of the long commands: drawn on a terminal, absent from pipes, gone on Ctrl-C."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from broadsheet.cli.main import main
from broadsheet.cli.progress import Bar
from broadsheet.store.storage.db import Store
from tests.factories import make_article
from tests.test_hostile_pty import run_on_pty

BIN = Path(sys.executable).with_name("broadsheet")


def _terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=120, color_system=None), out


def test_the_bar_shows_the_pass_counts_and_rate_on_a_terminal() -> None:
    console, out = _terminal()
    with Bar(console, "Checking", unit="files") as bar:
        for done in range(1, 4):
            bar.phase("Checking story bodies", done * 1000, 3000)
        bar.progress.refresh()
    drawn = out.getvalue()
    assert "Checking story bodies" in drawn and "3,000/3,000" in drawn and "files/s" in drawn


def test_a_pass_that_counts_other_things_shows_their_rate() -> None:
    console, out = _terminal()
    with Bar(console, "Checking", unit="files", units={"Checking the list of stories": "rows"}) as bar:
        for done in range(1, 4):
            bar.phase("Checking the list of stories", done * 1000, 3000)
        bar.progress.refresh()
    drawn = out.getvalue()
    assert "rows/s" in drawn and "files/s" not in drawn


def test_nothing_is_drawn_when_standard_error_is_not_a_terminal() -> None:
    out = io.StringIO()
    with Bar(Console(file=out), "Importing", unit="files", total=5) as bar:
        bar.advance(5)
    assert out.getvalue() == ""


def test_ctrl_c_wipes_the_bar_and_shows_the_cursor_again() -> None:
    console, out = _terminal()
    with pytest.raises(KeyboardInterrupt), Bar(console, "Exporting", unit="stories", total=10) as bar:
        bar.update(4, 10)
        raise KeyboardInterrupt
    tail = out.getvalue().rsplit("\x1b[?25l", 1)[1]  # after the cursor was hidden for the bar
    assert "\x1b[?25h" in tail and tail.endswith("\x1b[2K")  # cursor shown, bar's line wiped: a clean prompt


@pytest.fixture
def store(tmp_path: Path) -> Path:
    store = Store(tmp_path / "store")
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(30)])
    return store.folder


def test_repair_draws_its_bar_on_a_terminal_and_leaves_pipes_alone(store: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "HOME": str(tmp_path)}
    env.pop("NO_COLOR", None)
    drawn = run_on_pty([str(BIN), "--store", str(store), "repair"], env, [], wait_for=b"no damaged files")
    assert b"Checking" in drawn and b"\x1b[?25h" in drawn  # the bar, then the cursor back
    assert b"no damaged files" in drawn
    piped = subprocess.run([str(BIN), "--store", str(store), "repair"], capture_output=True, env=env, check=True)
    assert piped.stderr == f"{store}: no damaged files\n".encode()


def test_export_counts_what_it_wrote(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Store(store).user.edit_tags([m.id for m in Store(store).stories()[:7]], add=["kept"])
    target = tmp_path / "out.md"
    assert main(["--store", str(store), "export", "--tag", "kept", "-o", str(target)]) == 0
    assert f"Exported 7 stories to {target}" in capsys.readouterr().err
    assert target.read_text().count("\n---\n") == 6


@pytest.mark.parametrize("held", [".lock", ".marks-lock"])
def test_a_mark_while_another_process_holds_the_marks_says_it_is_busy(
        store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], held: str) -> None:
    # Marks have their own lock: a long import, repair or reindex (the store's lock) does not
    # stop them; another process changing marks for longer than the timeout does.
    import broadsheet.store.storage.db as store_db

    sid = Store(store).stories()[0].id
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from filelock import FileLock\n"
                               "with FileLock(sys.argv[1]):\n print('held', flush=True); time.sleep(30)",
                               str(store / held)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(store_db, "LOCK_TIMEOUT", 0.5)
        code = main(["--store", str(store), "bookmark", sid])  # after 0.5 s at most, not a traceback
    finally:
        holder.kill()
        holder.wait()
    said = capsys.readouterr().err
    if held == ".lock":
        assert code == 0 and Store(store).user.get(sid).bookmarked
        return
    assert code == 1
    assert "the store is busy" in said and "nothing was changed" in said and "Traceback" not in said
    assert not Store(store).user.get(sid).bookmarked

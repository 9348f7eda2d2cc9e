"""What the command line says where a review found a traceback, a class name, a wrapped line or
an exit code the README does not give (review 8)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.storage import db as store_db
from tests.dumps import BRIDGE_DUMP, FERRY_DUMP


@pytest.fixture
def cli_store(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(FERRY_DUMP)
    (tmp_path / "b.txt").write_text(BRIDGE_DUMP)
    folder = tmp_path / "store"
    assert main(["--store", str(folder), "import", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]) == 0
    return folder


@pytest.fixture
def index_writer(cli_store: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store's search index writer, as an import does between batches."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, tantivy; w = tantivy.Index.open(sys.argv[1]).writer(); "
         "print('held', flush=True); time.sleep(60)", str(cli_store / "index")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    yield holder
    holder.kill()
    holder.wait()


def test_reindex_while_another_process_writes_the_index_waits_then_says_the_store_is_busy(
        cli_store: Path, index_writer: subprocess.Popen[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(store_db, "LOCK_TIMEOUT", 0.6)
    code = main(["--store", str(cli_store), "reindex"])
    said = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in said and "IndexBusy" not in said
    assert "the store is busy" in said and "nothing was changed" in said


def test_reindex_goes_on_once_the_other_writer_lets_go(cli_store: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, tantivy; w = tantivy.Index.open(sys.argv[1]).writer(); "
         "print('held', flush=True); time.sleep(0.8)", str(cli_store / "index")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code = main(["--store", str(cli_store), "reindex"])
    finally:
        holder.kill()
        holder.wait()
    assert code == 0
    assert "Indexed 2 stories" in capsys.readouterr().err


def test_an_import_while_another_process_writes_the_index_says_so_in_plain_words(
        cli_store: Path, index_writer: subprocess.Popen[str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "c.txt").write_text(FERRY_DUMP.replace("ferry", "barge"))
    capsys.readouterr()
    assert main(["--store", str(cli_store), "import", str(tmp_path / "c.txt")]) == 0
    said = capsys.readouterr().err
    assert "IndexBusy" not in said
    assert "another broadsheet was writing it" in said and "catches up" in said

"""A Broadsheet export over the 5 MB page limit imports without --max-size (review 8, defect 3).

An export is how a whole store moves: a plain ``broadsheet import exp.json`` of 83 MB was refused
("too large (83.1 MB; the limit is 5.0 MB, see --max-size)"). An export has its own limit.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.ingest.formats import export
from broadsheet.store.storage.db import Store
from tests.factories import make_article

STORIES = 40


def _big_export(tmp_path: Path) -> Path:
    """A JSON export of 40 made-up stories of some 150 KB each: 6 MB, over the 5 MB page limit."""
    origin = Store(tmp_path / "origin")
    words = " ".join(f"The ferry from Lowmoor sailed at dawn on day {d}." for d in range(3_000))
    origin.add([(make_article(n, body=[f"Story {n}. {words}"]), f"s{n}.txt") for n in range(STORIES)])
    path = tmp_path / "exp.json"
    assert main(["--store", str(tmp_path / "origin"), "export", "--format", "json", "-o", str(path)]) == 0
    assert path.stat().st_size > 5 * 1024 * 1024
    return path


def test_an_export_over_the_page_limit_imports_without_max_size(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = _big_export(tmp_path)
    capsys.readouterr()
    code = main(["--store", str(tmp_path / "copy"), "import", str(path)])
    said = capsys.readouterr().err
    assert code == 0, said
    assert f"{STORIES} imported, 0 already present, 0 failed" in said
    assert len(list(Store(tmp_path / "copy").stories())) == STORIES


def test_a_gzipped_export_over_the_page_limit_imports_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _big_export(tmp_path)
    packed = tmp_path / "exp.json.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    capsys.readouterr()
    code = main(["--store", str(tmp_path / "copy"), "import", str(packed)])
    said = capsys.readouterr().err
    assert code == 0, said
    assert f"{STORIES} imported, 0 already present, 0 failed" in said


def test_an_export_over_its_own_limit_is_refused_saying_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = _big_export(tmp_path)
    monkeypatch.setattr(export, "EXPORT_FILE_MAX", 5_500 * 1024)  # under the file, over the page limit
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "copy"), "import", str(path)]) == 1
    said = capsys.readouterr().err
    assert "an export may be up to 5.4 MB, see --max-size" in said

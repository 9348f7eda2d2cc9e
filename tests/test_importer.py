"""Import: files and folders, duplicates, bad files reported while the rest goes on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from store.db import Store
from store.importer import import_paths
from tests.dumps import BRIDGE_DUMP, FERRY_DUMP


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    (folder / "ferry.txt").write_text(FERRY_DUMP, encoding="utf-8")
    (folder / "sub" / "bridge.txt").write_text(BRIDGE_DUMP, encoding="utf-8")
    return folder


def test_folder_import_is_recursive_and_parses_each_page(store: Store, pages: Path) -> None:
    report = import_paths(store, [pages])
    assert (report.count("imported"), report.count("present"), len(report.failed)) == (2, 0, 0)
    headlines = {m.headline for m in store.stories()}
    assert headlines == {"Harbour council approves new ferry timetable after long debate",
                         "Old stone bridge reopens to walkers after two years of repairs"}
    ferry = next(m for m in store.stories() if m.headline.startswith("Harbour"))
    assert ferry.dateline == "LOWMOOR (Northwire)"
    assert ferry.credits is not None and ferry.credits.editing == ["Tom Reeve"]


def test_importing_twice_stores_one_story(store: Store, pages: Path) -> None:
    import_paths(store, [pages])
    again = import_paths(store, [pages / "ferry.txt", pages / "ferry.txt"])
    assert (again.count("imported"), again.count("present")) == (0, 2)
    assert len(store) == 2


def test_bad_files_are_reported_and_the_rest_imports(store: Store, pages: Path) -> None:
    (pages / "empty.txt").write_bytes(b"")
    (pages / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (pages / "menu.txt").write_text("Home\nNews\nSport\n", encoding="utf-8")
    os.symlink(pages, pages / "sub" / "loop")
    report = import_paths(store, [pages, pages / "missing.txt"])
    assert report.count("imported") == 2
    reasons = {Path(o.path).name: o.reason for o in report.failed}
    assert set(reasons) == {"empty.txt", "image.png", "menu.txt", "missing.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["image.png"]
    assert "no such file" in reasons["missing.txt"]
    assert reasons["menu.txt"]


def test_escape_sequences_are_stripped_at_import(store: Store, tmp_path: Path) -> None:
    hostile = FERRY_DUMP.replace("approves new", "approves \x1b]52;c;ZXZpbA==\x07new\x1b[2J")
    (tmp_path / "hostile.txt").write_text(hostile, encoding="utf-8")
    import_paths(store, [tmp_path / "hostile.txt"])
    [meta] = store.stories()
    assert meta.headline == "Harbour council approves new ferry timetable after long debate"


def test_legacy_encoding_is_noted(store: Store, tmp_path: Path) -> None:
    text = FERRY_DUMP.replace("Lowmoor", "Lówmöor")
    (tmp_path / "legacy.txt").write_bytes(text.encode("cp1252"))
    report = import_paths(store, [tmp_path / "legacy.txt"])
    [outcome] = report.outcomes
    assert outcome.status == "imported"
    assert "guessed" in outcome.note
    assert "Lówmöor" in store.stories()[0].images[0].caption

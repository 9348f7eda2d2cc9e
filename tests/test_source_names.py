"""A source file whose name holds control characters (or bytes that are not UTF-8) is read
again by ``reparse`` and ``repair``, while every name shown stays free of them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.ingest.importer import read_article
from broadsheet.store.model import Article
from broadsheet.store.storage.db import Store
from tests.dumps import BRIDGE_DUMP, FERRY_DUMP

# An escape that would turn the terminal red, one that would set its title, a line break, a tab.
NAMES = ["story\x1b[31m.txt", "title\x1b]0;owned\x07.txt", "two\nlines.txt", "a\ttab.txt"]
UNSHOWN = ("\x1b", "\x07", "\t")  # and no line break within a name


def _older_parser(text: str) -> Article:
    """What a worse parser made of a page: the headline line twice, the body short."""
    lines = [line for line in text.splitlines() if line.strip()]
    return Article(headline=lines[0] + " " + lines[1], body=lines[2:4])


def _shown(text: str, lines: bool = False) -> bool:
    """No control character of a name in ``text`` (``lines``: a command's output, of lines)."""
    return not any(c in text for c in UNSHOWN) and (lines or "\n" not in text)


@pytest.mark.parametrize("name", [*NAMES, os.fsdecode(b"z\xff.txt")])
def test_reparse_reads_again_a_file_whose_name_holds_control_characters(
        store: Store, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / name
    page.write_text(FERRY_DUMP)
    [sid] = store.add([(_older_parser(FERRY_DUMP), str(page))])  # as an older parser stored it
    meta = Store(store.folder).meta(sid)
    assert meta is not None and meta.file is not None and _shown(meta.file)
    assert meta.source_file == str(page)
    assert main(["--store", str(store.folder), "reparse", "--stale"]) == 0
    err = capsys.readouterr().err
    assert "1 re-read with changes" in err and "0 failed" in err
    [fresh] = Store(store.folder).stories()
    assert fresh.headline == "Harbour council approves new ferry timetable after long debate"
    assert fresh.source_file == str(page)  # and so again next time


def test_import_of_such_files_works_and_names_them_without_their_control_characters(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / NAMES[0]).write_text(FERRY_DUMP)
    (pages / NAMES[2]).write_text(BRIDGE_DUMP)
    (pages / NAMES[1]).write_text("")  # fails: its name is printed
    folder = tmp_path / "store"
    assert main(["--store", str(folder), "import", str(pages)]) == 0
    err = capsys.readouterr().err
    assert "2 imported, 0 already present, 1 failed" in err
    assert "title\\x1b]0;owned\\x07.txt: the file is empty" in err and _shown(err, lines=True)
    assert all(_shown(m.file or "") for m in Store(folder).stories())
    assert main(["--store", str(folder), "export", "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)["stories"]
    assert sorted(s["file"] for s in exported) == [str(pages / "story\\x1b[31m.txt"), str(pages / "two\\x0alines.txt")]
    assert main(["--store", str(folder), "reparse", "--all"]) == 0
    assert "2 unchanged, 0 failed" in capsys.readouterr().err


def test_repair_reads_a_lost_body_again_from_such_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / NAMES[0]).write_text(FERRY_DUMP)
    folder = tmp_path / "store"
    assert main(["--store", str(folder), "import", str(tmp_path / NAMES[0])]) == 0
    for shard in (folder / "bodies").iterdir():
        shard.write_text("{")  # damaged: the body is lost
    capsys.readouterr()
    assert main(["--store", str(folder), "repair"]) == 0
    out = capsys.readouterr()
    said = out.out + out.err
    assert "read again from" in said and "story\\x1b[31m.txt" in said and _shown(said, lines=True)
    store = Store(folder)
    [meta] = store.stories()
    assert store.article(meta.id).body[0].startswith("The harbour council approved")


def test_a_story_stored_before_names_were_kept_exactly(store: Store, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Its path was stored with the control characters cleaned away: the one file of its folder
    whose name cleans to it is read; with none, the message names the path and why."""
    (tmp_path / NAMES[0]).write_text(FERRY_DUMP)
    found, gone = store.add([(_older_parser(FERRY_DUMP), str(tmp_path / "story.txt")),
                             (_older_parser(BRIDGE_DUMP), str(tmp_path / "bridge\n.txt"))])
    assert main(["--store", str(store.folder), "reparse", found, gone]) == 1
    err = capsys.readouterr().err
    assert "1 re-read with changes" in err and "1 failed" in err
    assert f"its source file {tmp_path}/bridge\\x0a.txt is gone (moved, renamed or deleted)" in err
    assert "Traceback" not in err and _shown(err, lines=True)
    fresh = Store(store.folder)
    ferry = next(m for m in fresh.stories() if m.headline.startswith("Harbour council approves"))
    assert ferry.source_file == str(tmp_path / NAMES[0])


def test_repair_finds_the_file_of_a_story_stored_before_names_were_kept_exactly(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / NAMES[0]).write_text(FERRY_DUMP)
    article, _note = read_article(tmp_path / NAMES[0])
    [sid] = store.add([(article, str(tmp_path / "story.txt"))])  # its path as stored then
    for shard in (store.folder / "bodies").iterdir():
        shard.write_text("{")  # damaged: the body is lost
    assert main(["--store", str(store.folder), "repair"]) == 0
    said = "".join(capsys.readouterr())
    assert "read again from" in said and _shown(said, lines=True)
    assert Store(store.folder).article(sid).body[0].startswith("The harbour council approved")

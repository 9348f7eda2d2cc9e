"""What the command line says where a review found a traceback, a class name, a wrapped line or
an exit code the README does not give (review 8)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.storage import db as store_db
from tests.dumps import FERRY_DUMP


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


def test_ctrl_c_while_the_commands_modules_load_is_said_as_later_ones_are(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import broadsheet.cli.main as cli_main

    def interrupted() -> None:  # building the parser imports every command's module
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_main, "build_parser", interrupted)
    assert main(["--store", str(tmp_path / "s"), "list"]) == 130
    said = capsys.readouterr().err
    assert said.strip() == "broadsheet: interrupted"


def test_ctrl_c_while_the_entry_point_itself_loads_is_said_with_no_traceback() -> None:
    # SIGINT sent while `from broadsheet.cli.main import main` (the console script's first line)
    # imports the store's modules, before main() has begun.
    script = (
        "import builtins, os, signal, sys\n"
        "real = builtins.__import__\n"
        "def spy(name, *args, **kwargs):\n"
        "    if name == 'broadsheet.store.ingest.decode':\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = spy\n"
        "from broadsheet.cli.main import main\n"
        "sys.exit(main(['where']))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 130
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == "broadsheet: interrupted"


def test_tags_printed_to_a_pipe_are_one_line_however_many(cli_store: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    tags = [f"tagnumber{i}" for i in range(15)]
    capsys.readouterr()
    sid = _first_id(cli_store, capsys)
    assert main(["--store", str(cli_store), "tag", sid, *tags]) == 0
    tagged = capsys.readouterr().out
    assert tagged == f"{sid[:10]}: tags now {', '.join(tags)}\n"
    assert main(["--store", str(cli_store), "untag", sid, "tagnumber1"]) == 0
    assert capsys.readouterr().out.count("\n") == 1


@pytest.mark.parametrize("command", [["list"], ["bookmarks"], ["tags"], ["search", "ferry"], ["feeds", "list"]])
def test_every_listing_to_a_pipe_is_a_line_a_row(command: list[str], cli_store: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    long_tag = "a-tag-as-long-as-tags-may-be-" + "x" * 60  # (cut to 40 characters)
    sid = _first_id(cli_store, capsys)
    assert main(["--store", str(cli_store), "bookmark", sid]) == 0
    assert main(["--store", str(cli_store), "tag", sid, long_tag]) == 0
    assert main(["--store", str(cli_store), "feeds", "add", "http://127.0.0.1:9/" + "y" * 120 + ".xml"]) == 0
    capsys.readouterr()
    assert main(["--store", str(cli_store), *command]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows
    # each line a whole row (a story's id first, a tag's count, the feeds' header or a feed), none a row's rest
    assert all(re.match(r"[0-9a-f]{10}  |\d+  |feed |http://", row) for row in rows), rows
    whole = {"feeds": "y" * 120, "list": sid[:10], "bookmarks": sid[:10]}.get(command[0], "")
    assert any(whole in row for row in rows)


def _first_id(store: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--store", str(store), "list", "--json"]) == 0
    import json

    return str(json.loads(capsys.readouterr().out.splitlines()[0])["id"])


@pytest.mark.parametrize("query", [[""], ["   "], ["", "\t"]])
def test_a_search_for_nothing_says_so_and_lists_no_story(query: list[str], cli_store: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--store", str(cli_store), "search", *query]) == 2
    said = capsys.readouterr()
    assert said.out == ""
    assert "Nothing to search for" in said.err and "stories" not in said.err.splitlines()[-1]


@pytest.mark.parametrize("command", [["list"], ["import", "x.txt"], ["repair"], ["tag", "abcd", "t"]])
def test_a_store_that_is_a_file_is_not_done_exit_1_and_said_so(command: list[str], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("not a store")
    assert main(["--store", str(tmp_path / "notes.txt"), *command]) == 1
    said = capsys.readouterr().err
    assert "it is a file, not a folder" in said and "--store DIR" in said and "Errno" not in said
    assert (tmp_path / "notes.txt").read_text() == "not a store"


def test_a_store_that_cannot_be_made_says_what_to_do_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    import broadsheet.cli.reader as reader

    def refused(folder: Path) -> None:  # as mkdir under a folder the user may not write (root may write any)
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))

    monkeypatch.setattr(reader, "Store", refused)
    (tmp_path / "locked").mkdir()
    folder = tmp_path / "locked" / "store"
    assert main(["--store", str(folder), "import", str(tmp_path)]) == 1
    said = capsys.readouterr().err
    assert f"cannot open the store at {folder}" in said
    assert f"cannot be made in {tmp_path / 'locked'}" in said and "--store DIR" in said and "writable" in said


def test_repair_of_a_store_it_cannot_write_is_not_done_exit_1(cli_store: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    import broadsheet.store.storage.repair as repair
    from broadsheet.store.errors import StoreWriteError

    def read_only(folder: Path, *args: object, **kwargs: object) -> None:
        raise StoreWriteError(folder, OSError(errno.EROFS, "Read-only file system"))

    monkeypatch.setattr(repair, "repair_store", read_only)
    assert main(["--store", str(cli_store), "repair"]) == 1  # as import, tag, rm and reindex give
    said = capsys.readouterr().err
    assert "read-only file system" in said and "make the store folder writable" in said


def test_the_help_gives_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert all(f"{code} " in said for code in ("0", "1", "2", "3", "130", "141")) and "exit codes:" in said


def _photo_store(tmp_path: Path) -> Path:
    from broadsheet.store.storage.db import Store
    from tests.photos import photo_article

    store = Store(tmp_path / "store")
    store.add([(photo_article(store, 1, count=1), None)])
    return store.folder


def test_an_export_whose_photos_folder_is_a_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _photo_store(tmp_path)
    (tmp_path / "ox_photos").write_text("a file where the photos would go")
    assert main(["--store", str(folder), "export", "-o", str(tmp_path / "ox.md")]) == 1
    said = capsys.readouterr().err
    assert f"{tmp_path / 'ox_photos'}: it is a file, not a folder" in said and "File exists" not in said
    assert not (tmp_path / "ox.md").exists()


def test_an_export_into_a_folder_it_may_not_write_speaks_of_that_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    from broadsheet.store.errors import StoreWriteError
    from broadsheet.store.storage import exchange

    def refused(path: Path, data: bytes, **_: object) -> None:  # a folder the user may not write (root may write any)
        try:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        except PermissionError as exc:
            raise StoreWriteError(path, exc) from exc

    folder = _photo_store(tmp_path)
    monkeypatch.setattr(exchange, "atomic_write_bytes", refused)
    assert main(["--store", str(folder), "export", "-o", str(tmp_path / "ox.md")]) == 1
    said = capsys.readouterr().err
    assert "store folder" not in said
    assert f"cannot write the photos into {tmp_path / 'ox_photos'}: no permission to write there" in said


def _positionals_without_help() -> list[str]:
    import argparse

    from broadsheet.cli.main import build_parser

    missing: list[str] = []

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for command, sub in action.choices.items():
                    if command in action._name_parser_map and sub.prog.endswith(command):  # not an alias
                        walk(sub, f"{name} {command}")
            elif not action.option_strings and not action.help:
                missing.append(f"{name} {action.metavar or action.dest}")

    walk(build_parser(), "broadsheet")
    return missing


def test_every_commands_positional_arguments_are_explained_in_its_help() -> None:
    assert _positionals_without_help() == []


@pytest.mark.parametrize("argv", [["bookmark"], ["tag"], ["import"], ["parse"], ["reparse"], ["feeds", "add"]])
def test_the_help_of_a_command_says_what_its_arguments_are(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    positional = capsys.readouterr().out.split("positional arguments:")[1].split("options:")[0]
    named = [line for line in positional.splitlines() if line.startswith("  ") and not line.startswith("   ")]
    assert named and all(len(line.split()) > 1 for line in named), positional  # each with words beside it


def test_config_without_an_action_names_the_actions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config"]) == 2
    said = capsys.readouterr().err
    assert "broadsheet config path" in said and "broadsheet config check" in said and "required" not in said


def test_rm_help_says_it_does_not_ask_and_how_a_story_comes_back(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["rm", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "without asking" in said and "no undo" in said and "importing a story's file again" in said

"""Issue 18, cases 5-13: odd file names, unreadable folders, repair from anywhere, a full disk,
a broken pipe, Ctrl-C, a bad keymap, queries with nothing to search, ``--store ""``."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from broadsheet.cli.main import main
from broadsheet.config import load_config
from broadsheet.store.ingest import importer
from broadsheet.store.ingest.importer import find_files
from broadsheet.store.search import QueryError, SearchIndex
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.tinydb import read_json_file
from tests.dumps import BRIDGE_DUMP, FERRY_DUMP
from tests.factories import make_article, meta_file

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str, stdout: int | None = subprocess.PIPE, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "broadsheet", *args], stdout=stdout, stderr=subprocess.PIPE,
                          env=env, cwd=cwd, timeout=120, check=False)


# -- 5: a file name that is not UTF-8 -------------------------------------------------------------------

def odd_names(tmp_path: Path) -> Path:
    folder = tmp_path / "names"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/z\xff.txt", "wb") as handle:
        handle.write(FERRY_DUMP.encode())
    (folder / "good.txt").write_text(BRIDGE_DUMP)
    return folder


def test_a_file_name_that_is_not_utf8_imports_with_the_rest(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = odd_names(tmp_path)
    assert main(["--store", str(tmp_path / "store"), "import", str(folder)]) == 0
    assert "2 imported, 0 already present, 0 failed" in capsys.readouterr().err
    files = sorted(m.file or "" for m in Store(tmp_path / "store").stories())
    assert files == [str(folder / "good.txt"), str(folder) + "/z\\xff.txt"]
    assert main(["--store", str(tmp_path / "store"), "list", "--json"]) == 0


def test_parse_json_names_a_file_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = odd_names(tmp_path)
    odd = Path(os.fsdecode(os.fsencode(folder) + b"/z\xff.txt"))
    assert main(["parse", "--json", str(odd), str(folder / "good.txt")]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in rows] == [str(odd), str(folder / "good.txt")]  # the path as given (the contract)
    assert rows[0]["headline"].startswith("Harbour council")


# -- 6: a folder that cannot be read ----------------------------------------------------------------------

def test_an_unreadable_subfolder_is_listed_as_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in" / "locked").mkdir(parents=True)
    (tmp_path / "in" / "ok.txt").write_text(FERRY_DUMP)
    (tmp_path / "in" / "locked" / "hidden.txt").write_text(BRIDGE_DUMP)
    locked = tmp_path / "in" / "locked"
    if os.geteuid() == 0:  # root reads any folder: make listing it fail as it does for a user
        real = os.scandir

        def scandir(path: object = ".") -> object:
            if Path(os.fsdecode(path)) == locked:  # type: ignore[arg-type]
                raise PermissionError(13, "Permission denied", str(locked))
            return real(path)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        locked.chmod(0)
    try:
        assert main(["--store", str(tmp_path / "store"), "import", str(tmp_path / "in")]) == 0
    finally:
        locked.chmod(0o755)
    err = capsys.readouterr().err
    assert "1 imported, 0 already present, 1 failed" in err
    assert f"failed: {locked}: cannot read this folder (Permission denied)" in err


def test_an_unreadable_root_folder_is_failed_not_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    monkeypatch.setattr(os, "scandir", lambda path=".": (_ for _ in ()).throw(PermissionError(13, "Permission denied",
                                                                                               str(path))))
    assert list(find_files([tmp_path / "in"])) == [(tmp_path / "in", "cannot read this folder (Permission denied)")]


# -- 7: repair from any folder, and the `repair PATH` it advises -----------------------------------------

@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "work" / "setA"
    folder.mkdir(parents=True)
    for n in range(6):
        (folder / f"{n}.txt").write_text(FERRY_DUMP.replace("six hours", f"{n + 2} hours")
                                         .replace("Harbour council", f"Harbour council {n}"))
    return folder


def observe(folder: Path) -> dict[str, list[str]]:
    store = Store(folder)
    return {m.id: store.body(m) for m in store.stories()}


def test_repair_from_another_folder_reads_lost_bodies_again(sources: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    monkeypatch.chdir(sources.parent)
    assert main(["--store", str(store), "import", "setA"]) == 0  # a relative path, as a user types it
    want = observe(store)
    assert all(Path(m.file or "").is_absolute() for m in Store(store).stories())
    shard = store / "bodies" / "000000.json"
    shard.write_bytes(shard.read_bytes()[:40])
    monkeypatch.chdir(tmp_path)
    assert main(["--store", str(store), "repair"]) == 0
    assert observe(store) == want


def test_repair_copes_with_the_relative_paths_of_an_older_store(sources: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    assert main(["--store", str(store), "import", str(sources)]) == 0
    want = observe(store)
    path = meta_file(store)
    data = read_json_file(path)
    for record in data["articles"].values():  # as an older Broadsheet stored them: relative to where it ran
        details = orjson.loads(record["details"])
        details["file"] = os.path.relpath(details["file"], sources.parent)
        record["details"] = orjson.dumps(details).decode()
    path.write_bytes(orjson.dumps(data))
    shard = store / "bodies" / "000000.json"
    shard.write_bytes(shard.read_bytes()[:40])
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["--store", str(store), "repair"]) == 1
    assert "repair PATH" in capsys.readouterr().err
    assert main(["--store", str(store), "repair"]) == 1  # still lost: not "no damaged files"
    assert "could not rebuild" in capsys.readouterr().err
    assert main(["--store", str(store), "repair", str(sources.parent)]) == 0
    assert observe(store) == want
    assert main(["--store", str(store), "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err


def test_the_advised_repair_path_brings_back_lost_index_entries(sources: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    assert main(["--store", str(store), "import", str(sources)]) == 0
    want = observe(store)
    path = meta_file(store)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    capsys.readouterr()
    assert main(["--store", str(store), "repair"]) == 1
    assert "run `broadsheet repair PATH...`" in capsys.readouterr().err
    assert main(["--store", str(store), "repair", str(sources)]) == 0  # the advice, taken
    assert observe(store) == want
    assert main(["--store", str(store), "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err


# -- 8: a full disk ------------------------------------------------------------------------------------

@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def write_pages(folder: Path, count: int) -> None:
    from soak.stories import write_pool

    write_pool(folder, count, 5, bad_every=0)


def test_a_full_disk_during_the_index_build_is_said_and_recovered(tmp_path: Path) -> None:
    write_pages(tmp_path / "src", 600)
    with small_disk(tmp_path / "disk", "120k") as disk:  # the stories fit (about 70k), their index does not
        store = str(disk / "store")
        done = cli("--store", store, "import", str(tmp_path / "src"))
        err = done.stderr.decode()
        assert done.returncode == 0 and "600 imported" in err, err
        assert "search index could not be updated (No space left on device)" in err
        assert not (disk / "store" / ".index-building").exists()  # its space given back
        for args in (["search", "ferry"], ["reindex"]):
            done = cli("--store", store, *args)
            assert b"Traceback" not in done.stderr, done.stderr.decode()
        # The import made the (empty) index before its first batch, so reindex rewrites it in place:
        # tantivy's indexing thread dies of the full disk without quoting the OS error (see ioerror).
        said = (b"No space left on device", b"its writer stopped: a full disk?")
        assert any(words in done.stderr for words in said) and done.returncode == 1, done.stderr.decode()
        subprocess.run(["mount", "-o", "remount,size=4m", str(disk)], check=True)
        assert cli("--store", store, "reindex").returncode == 0
        found = cli("--store", store, "search", "--json", "--limit", "0", "council")
        assert found.returncode == 0 and len(found.stdout.splitlines()) == 600


def test_a_full_disk_while_storing_stops_the_import_and_says_what_was_stored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    write_pages(tmp_path / "src", 600)
    monkeypatch.setattr(importer, "BATCH", 50)
    with small_disk(tmp_path / "disk", "36k") as disk:  # full at a shard write
        assert main(["--store", str(disk / "store"), "import", str(tmp_path / "src")]) == 1
        err = capsys.readouterr().err
        assert "Stopped: cannot save" in err and "the disk is full" in err and "Traceback" not in err
        stored = len(Store(disk / "store"))
        assert 0 < stored < 600 and f"{stored} imported" in err, err


def test_an_index_write_error_reaches_the_import_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The same without a small disk: tantivy's own error text for ENOSPC, raised at the commit."""
    from broadsheet.store.search import engine

    real = engine._new_writer

    class FullWriter:
        def __init__(self, index: object) -> None:
            self._writer = real(index)  # type: ignore[arg-type]

        def __getattr__(self, name: str) -> object:
            return getattr(self._writer, name)

        def commit(self) -> None:
            raise ValueError("An IO error occurred: 'No space left on device (os error 28)'")

    monkeypatch.setattr(engine, "_new_writer", FullWriter)
    (tmp_path / "a.txt").write_text(FERRY_DUMP)
    store = tmp_path / "store"
    assert main(["--store", str(store), "import", str(tmp_path / "a.txt")]) == 0
    assert "search index could not be updated (No space left on device)" in capsys.readouterr().err
    assert main(["--store", str(store), "reindex"]) == 1
    assert "could not rebuild the search index (No space left on device)" in capsys.readouterr().err
    monkeypatch.undo()
    assert main(["--store", str(store), "search", "--json", "ferry"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


# -- 9: a broken pipe ----------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["list", "--json"], ["list"], ["search", "--json", "council"],
                                     ["search", "council"], ["export", "--format", "json"], ["tags"],
                                     ["parse", "--json"]])
def test_every_command_in_a_closed_pipe_exits_quietly(command: list[str], tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(FERRY_DUMP)
    store = str(tmp_path / "store")
    Store(Path(store)).add([(make_article(n), None) for n in range(3)])
    Store(Path(store)).user.edit_tags([m.id for m in Store(Path(store)).stories()], add=["x"])
    read, write = os.pipe()
    os.close(read)  # `| head -1` that has already gone: the first write fails with EPIPE
    try:
        args = [*command, str(tmp_path / "a.txt")] if command[0] == "parse" else command
        done = subprocess.run([sys.executable, "-m", "broadsheet", "--store", store, *args], stdout=write,
                              stderr=subprocess.PIPE, timeout=120, check=False)
    finally:
        os.close(write)
    assert b"Traceback" not in done.stderr and b"Error" not in done.stderr, done.stderr.decode()
    assert done.returncode in (1, 141)


# -- 10: Ctrl-C during an import -----------------------------------------------------------------------

def test_ctrl_c_during_an_import_keeps_what_was_stored_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    write_pages(tmp_path / "src", 30)
    real, seen = importer.read_one, []

    def read_one(path: Path, max_bytes: int = 0) -> object:
        seen.append(path)
        if len(seen) == 17:
            raise KeyboardInterrupt
        return real(path, max_bytes)

    monkeypatch.setattr(importer, "read_one", read_one)
    monkeypatch.setattr(importer, "BATCH", 5)
    store = tmp_path / "store"
    assert main(["--store", str(store), "import", str(tmp_path / "src")]) == 130
    err = capsys.readouterr().err
    # Every file read before the Ctrl-C is stored: the 16th was read and waited for its batch
    # (a batch is 2,000 files: at 1,921 of 3,000 nothing was stored).
    assert "Interrupted (Ctrl-C): 16 imported" in err and "run the same import again" in err
    assert len(Store(store)) == 16
    monkeypatch.undo()
    assert main(["--store", str(store), "import", str(tmp_path / "src")]) == 0
    assert len(Store(store)) == 30


def test_a_real_sigint_ends_an_import_with_a_summary_and_130(tmp_path: Path) -> None:
    write_pages(tmp_path / "src", 40)
    script = (
        "import sys, time\n"
        "from broadsheet.store.ingest import importer\n"
        "real = importer.read_one\n"
        "def slow(path, max_bytes=0):\n"
        "    time.sleep(0.05)\n"
        "    return real(path, max_bytes)\n"
        "importer.read_one = slow\n"
        "importer.BATCH = 4\n"
        "from broadsheet.cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    store = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-c", script, "--store", str(store), "import", str(tmp_path / "src")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not meta_file(store).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err and b"Interrupted (Ctrl-C)" in err, err.decode()
    stored = len(Store(store))
    assert 0 < stored < 40 and f"{stored} imported".encode() in err


# -- 11: the keymap --------------------------------------------------------------------------------------

def config_with(tmp_path: Path, keys: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("[keys]\n" + keys)
    return path


def test_config_check_reports_bad_keys_unknown_ids_and_clashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = config_with(tmp_path, '"app.quit" = "notakey+++"\n"no.such" = "x"\n"story.bookmark" = "t"\n'
                                 '"app.search" = "j"\n"view.zen" = "ctrl+z"\n"list.order" = "foo+o"\n'
                                 '"story.read" = "shift+m"\n')
    monkeypatch.setenv("BROADSHEET_CONFIG", str(path))
    assert main(["config", "check"]) == 1
    err = capsys.readouterr().err.replace("\n", " ")
    assert "keys.app.quit = 'notakey+++'" in err and "keeping the default 'q'" in err
    assert "keys.no.such: no binding has this id" in err and "app.quit" in err
    assert "story.bookmark and story.tag are both on 't'" in err
    assert "'j'" not in err  # it wins over the lists' and views' j (and is typed in the search bar)
    assert "'foo' is not a modifier" in err
    assert "Shift with a letter arrives as the capital letter: write 'M'" in err  # shift+m never fires
    assert "'shift+m': 'shift+m'" not in err and "'foo+o': 'foo+o'" not in err  # a lone value is said once
    assert load_config(path).keys == {"view.zen": "ctrl+z", "app.search": "j"}


def test_a_key_with_a_control_character_is_refused_and_the_default_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = config_with(tmp_path, '"app.search" = "\\u0000"\n"story.bookmark" = "ctrl+\\u001b"\n')
    monkeypatch.setenv("BROADSHEET_CONFIG", str(path))
    assert main(["config", "check"]) == 1
    err = capsys.readouterr().err.replace("\n", " ")
    assert "keys.app.search = '\\x00'" in err and "control character (U+0000)" in err, err
    assert "keeping the default 'slash'" in err
    assert "control character (U+001B)" in err and "keeping the default 'b'" in err
    assert load_config(path).keys == {}


def test_the_default_bindings_and_good_rebinds_have_no_problems() -> None:
    from broadsheet.tui.keymap import binding_ids, check_keymap

    ids = binding_ids()
    assert {"app.quit", "story.bookmark", "app.search", "article.page"} <= ids.keys()
    keys = {"story.bookmark": "ctrl+b", "app.search": "slash,ctrl+f", "story.read": "M", "article.page": "f5,f6"}
    assert check_keymap(keys, "c") == (keys, [], [])
    assert check_keymap({}, "c") == ({}, [], [])
    keys = {"story.bookmark": "j"}  # the lists' movement key: the user's key wins there too, unsaid
    assert check_keymap(keys, "c") == (keys, [], [])
    keys = {"story.bookmark": "x"}  # the sidebar's Delete, offered in its footer, stays its own: said
    assert check_keymap(keys, "c")[0] == keys and "while the sidebar has focus, 'x' does Delete" in \
        check_keymap(keys, "c")[2][0]


async def test_the_reader_reports_a_bad_key_and_q_still_quits(tmp_path: Path) -> None:
    from broadsheet.tui.app import BroadsheetApp
    from tests.pilot import settle

    store = Store(tmp_path / "store")
    store.add([(make_article(1), None)])
    app = BroadsheetApp(store, load_config(config_with(tmp_path, '"app.quit" = "notakey+++"\n')))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any("notakey" in str(n.message) for n in app._notifications)
        await pilot.press("q")
        await settle(pilot)
        assert not app.is_running


# -- 12: a query with nothing searchable ------------------------------------------------------------------

@pytest.mark.parametrize("query", ["!!!", "-", "x" * 105, "-...", "is:unread ---", "headline:" + "y" * 120])
def test_a_query_with_nothing_to_search_never_matches_everything(query: str, filled_store: Store) -> None:
    index = SearchIndex.open(filled_store)
    with pytest.raises(QueryError, match="Nothing to search for"):
        index.search(query, states={})
    assert index.search("ferry " + query, states={}).total == 4  # what is left is searched


def test_search_says_there_is_nothing_to_search_for(filled_store: Store,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", str(filled_store.folder), "search", "--json", "--", "z" * 101]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Nothing to search for" in captured.err


# -- 13: --store "" --------------------------------------------------------------------------------------

def test_an_empty_store_option_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--store", "", "list"])
    assert stopped.value.code == 2
    assert "--store: needs a folder name" in capsys.readouterr().err

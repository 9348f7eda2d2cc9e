"""The real reader on a really read-only store (a read-only bind mount in a private mount namespace)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from broadsheet.store.storage.db import Store
from tests.factories import make_article
from tests.test_hostile_pty import BIN, reader_env, run_on_pty


def _can_mount() -> bool:
    try:
        return subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


pytestmark = pytest.mark.skipif(not (BIN.exists() and _can_mount()),
                                reason="needs the broadsheet entry point and unshare -m (mount namespaces)")


def read_only(folder: Path, *command: str) -> list[str]:
    """argv running ``command`` with ``folder`` bind-mounted read-only over itself."""
    d = shlex.quote(str(folder))
    script = f"mount --bind {d} {d} && mount -o remount,bind,ro {d} && exec {shlex.join(command)}"
    return ["unshare", "-m", "sh", "-c", script]


def screen_text(output: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|[\u2580-\u259f]", "", output.decode(errors="replace")))


def test_reader_keeps_running_read_only_and_says_why_a_change_was_not_saved(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.add([(make_article(i), None) for i in range(3)])
    before = {p: p.read_bytes() for p in store.folder.rglob("*.json")}
    argv = read_only(store.folder, str(BIN), "--store", str(store.folder))
    output = run_on_pty(argv, reader_env(tmp_path), [(0.8, b"b"), (0.5, b"j"), (0.5, b"\r"), (0.5, b"q")],
                        wait_for=b"Harbour")
    text = screen_text(output)
    assert "Harbour town votes" in text
    assert "Not saved: cannot save" in text and "read-only file system" in text
    assert "Traceback" not in text
    assert {p: p.read_bytes() for p in store.folder.rglob("*.json")} == before


def test_an_empty_read_only_store_opens_without_seeding(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    output = run_on_pty(read_only(folder, str(BIN), "--store", str(folder)), reader_env(tmp_path),
                        [(1.5, b"q")], wait_for=b"stories")
    assert "Traceback" not in screen_text(output)
    assert list(folder.iterdir()) == []


def test_cli_write_on_a_read_only_store_fails_clearly(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    (sid,) = store.add([(make_article(1), None)])
    done = subprocess.run(read_only(store.folder, str(BIN), "--store", str(store.folder), "tag", sid, "later"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "read-only file system" in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_read_only_stores_index_is_searched_as_it_is_not_rebuilt(tmp_path: Path) -> None:
    """tantivy takes a lock file to open an index: on a read-only store every search said the
    index was damaged and built a temporary one in memory (minutes at a million stories)."""
    from broadsheet.store.search import SearchIndex

    store = Store(tmp_path / "store")
    store.add([(make_article(i, **({"headline": "Quarry story 2"} if i == 2 else {})), None) for i in range(3)])
    SearchIndex.open(store)  # built as an import builds it
    done = subprocess.run(read_only(store.folder, str(BIN), "--store", str(store.folder), "search", "quarry"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Quarry story 2" in done.stdout, done
    assert "damaged" not in done.stderr and "temporary index" not in done.stderr, done.stderr


def test_a_read_only_stores_index_is_opened_without_copying_its_segments(tmp_path: Path) -> None:
    """The index a read-only store opens from a temporary folder took the index's whole size there
    (1.3 GB at a million stories, seconds to copy): it links to the segment files instead."""
    from broadsheet.store.search import SearchIndex

    store = Store(tmp_path / "store")
    store.add([(make_article(i, body=[f"Quarry word{i} and more words {i * 7} " * 40]), None) for i in range(200)])
    SearchIndex.open(store)
    index_bytes = sum(p.stat().st_size for p in (store.folder / "index").iterdir() if p.is_file())
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    script = ("import os, sys; from pathlib import Path; from broadsheet.store.storage.db import Store; "
              "from broadsheet.store.search import SearchIndex; from broadsheet.store.search.query import parse_query; "
              "store = Store(Path(sys.argv[1])); index = SearchIndex.open(store); "
              "print(index.run(parse_query('word7'), states={}).total); "
              "print(sum(f.lstat().st_size for f in Path(os.environ['TMPDIR']).rglob('*') if f.is_file() "
              "and not f.is_symlink()))")
    python = str(BIN.parent / "python")
    done = subprocess.run(read_only(store.folder, python, "-c", script, str(store.folder)), capture_output=True,
                          text=True, timeout=60, env={**reader_env(tmp_path), "TMPDIR": str(scratch)})
    assert done.returncode == 0, done.stderr
    found, copied = map(int, done.stdout.split())
    assert found == 1 and index_bytes > 20_000 and copied < index_bytes // 4, (found, copied, index_bytes)


def test_an_import_into_a_read_only_store_says_what_to_do_and_nothing_untrue(tmp_path: Path) -> None:
    """It said "free some space", "the stories are stored" and "No files found" of a folder of pages."""
    store = Store(tmp_path / "store")
    store.add([(make_article(1), None)])
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "one.txt").write_text("Quarry reopens for walkers\n\nBy Ann Lee\n\n" + "The quarry reopened today. " * 20)
    done = subprocess.run(read_only(store.folder, str(BIN), "--store", str(store.folder), "import", str(pages)),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "make the store folder writable" in done.stderr, done.stderr
    for untrue in ("free some space", "the stories are stored", "No files found"):
        assert untrue not in done.stderr, done.stderr


def test_a_fetch_into_a_read_only_store_says_what_import_says(tmp_path: Path) -> None:
    """It said "broadsheet: Read-only file system: .../.fetch.lock": the OS's words, a hidden file."""
    from broadsheet.store.feeds.subscriptions import Subscriptions

    store = Store(tmp_path / "store")
    Subscriptions(store).add(["http://127.0.0.1:9/pier.xml"])  # never asked: the store is refused first
    done = subprocess.run(read_only(store.folder, str(BIN), "--store", str(store.folder), "fetch"),
                          capture_output=True, text=True, timeout=60)
    said = " ".join(done.stderr.split())
    assert done.returncode == 1, said
    assert (f"cannot save {store.folder}: the store folder is on a read-only file system" in said
            and "make the store folder writable (or use one that is) and run `broadsheet fetch` again" in said), said
    assert ".fetch.lock" not in said and "Traceback" not in said, said


@pytest.mark.parametrize("command", [["repair"], ["reindex"], ["rm", "STORY"], ["tag", "STORY", "later"]])
def test_every_write_on_a_read_only_store_is_not_done_exit_1(command: list[str], tmp_path: Path) -> None:
    # README: 1 when the store could not be written; repair alone gave 2 (a damaged file's, or a wrong command line's)
    store = Store(tmp_path / "store")
    (sid,) = store.add([(make_article(1), None)])
    argv = [sid if word == "STORY" else word for word in command]
    done = subprocess.run(read_only(store.folder, str(BIN), "--store", str(store.folder), *argv),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "read-only file system" in done.stderr and "Traceback" not in done.stderr, done.stderr

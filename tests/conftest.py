"""Shared fixtures: a temporary store of made-up stories, and a pinned look for the app."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.storage.db import Store
from tests.dumps import BRIDGE_DUMP, FERRY_DUMP
from tests.factories import make_article, wire_article

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_8c3ea6226bd6adab.txt"
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _pinned_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Tests never touch the user's real store and always get the same theme, colours and time zone
    (in 16 colours, ``TERM=xterm``, the reader's focus border is another colour: the snapshots
    changed with the terminal the tests ran in)."""
    monkeypatch.setenv("BROADSHEET_STORE", str(tmp_path / "default-store"))
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("NO_COLOR", "")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TZ", "UTC")  # the reader shows times in local time
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


@pytest.fixture
def filled_store(store: Store) -> Store:
    """Five made-up stories: four local ones and one wire story with full credits."""
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(4)] + [(wire_article(), "wire.txt")])
    return store


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    """A real HTTP server on 127.0.0.1 for the feed tests (threaded: slow handlers do not block others)."""
    from pytest_httpserver import HTTPServer

    httpd = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpd.start()
    yield httpd
    httpd.clear()
    if httpd.is_running():
        httpd.stop()


@pytest.fixture
def cli_store(tmp_path: Path) -> Path:
    """A store of two made-up dumps imported through the command line (the CLI tests' store)."""
    (tmp_path / "a.txt").write_text(FERRY_DUMP)
    (tmp_path / "b.txt").write_text(BRIDGE_DUMP)
    folder = tmp_path / "store"
    assert main(["--store", str(folder), "import", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]) == 0
    return folder

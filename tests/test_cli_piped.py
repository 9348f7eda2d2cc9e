"""Output to a pipe: a line a row, nothing cut or wrapped, so ``grep`` finds every word
(`list | grep -c WORD` gave 0 for a word past column 80, `search` wrapped each headline over
lines, `feeds list` split addresses mid-word); a terminal keeps the tables."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from tests.factories import make_article

LONG = ("Harbour council approves the new winter ferry timetable for the outer islands after a long "
        "evening of debate in which the mayor spoke twice and {n} residents asked about the lighthouse")
ADDRESS = "https://gazette.example/feeds/harbour-and-islands/very-long-section-name/rss-for-the-outer-islands.xml"


@pytest.fixture
def piped_store(tmp_path: Path) -> Path:
    store = Store(tmp_path / "store")
    ids = store.add([(make_article(n, headline=LONG.format(n=n)), f"made-up-{n}.txt") for n in range(3)])
    store.user.edit_tags(ids, add=["a-rather-long-tag-about-ferries-and-timetables-" + "x" * 60])
    Subscriptions(store).add([ADDRESS], titles={ADDRESS: "Harbour Gazette, the islands and the lighthouse"})
    return store.folder


def broadsheet(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "broadsheet", "--store", str(folder), *args],
                          capture_output=True, env={**os.environ, **(env or {})}, timeout=120, check=True)
    return done.stdout.decode()


def test_piped_rows_are_whole_lines(piped_store: Path) -> None:
    listed = broadsheet(piped_store, "list").splitlines()
    assert len(listed) == 3 and all("lighthouse" in line and "…" not in line for line in listed)
    found = broadsheet(piped_store, "search", "lighthouse").splitlines()
    assert len(found) == 3 and all("lighthouse" in line for line in found)  # a row a story, as list gives them
    assert all(line == line.rstrip() for line in found)
    feeds = broadsheet(piped_store, "feeds", "list").splitlines()
    assert len(feeds) == 2 and "Harbour Gazette, the islands and the lighthouse" in feeds[1]
    assert ADDRESS in feeds[1]
    tags = broadsheet(piped_store, "tags").splitlines()
    assert len(tags) == 1 and tags[0].endswith("x" * 60)


def test_a_terminal_keeps_the_tables_fitted_to_its_width(piped_store: Path) -> None:
    terminal = {"FORCE_COLOR": "1", "COLUMNS": "80", "NO_COLOR": ""}
    listed = broadsheet(piped_store, "list", env=terminal).splitlines()
    assert len(listed) == 3 and all("…" in line for line in listed)
    found = broadsheet(piped_store, "search", "lighthouse", env=terminal).splitlines()
    assert len(found) > 4  # headlines wrapped in their column
    feeds = broadsheet(piped_store, "feeds", "list", env=terminal).splitlines()
    assert len(feeds) > 2  # the address under the title


def test_a_piped_row_keeps_its_whole_source(tmp_path: Path) -> None:
    """`list | grep "Long Feed Title"` finds the stories of a source longer than the terminal's
    20-cell column (`list`, `bookmarks` and a long `search` cut it there to a pipe too)."""
    source = "Lowmoor and District Evening Gazette, Islands Edition"
    store = Store(tmp_path / "store")
    ids = store.add([(make_article(n, source=source), f"made-up-{n}.txt") for n in range(2)])
    store.user.set_bookmarked(ids[0], True)
    for args in (("list",), ("bookmarks",)):
        rows = broadsheet(store.folder, *args).splitlines()
        assert rows and all(source in row for row in rows), args
    terminal = {"FORCE_COLOR": "1", "COLUMNS": "200", "NO_COLOR": ""}
    rows = broadsheet(store.folder, "list", env=terminal).splitlines()
    assert rows and all(source[:20] in row and source not in row for row in rows)  # the table as it was


def test_a_long_piped_search_keeps_the_whole_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """More results than a table holds are printed a line each, as `list` prints them: whole too."""
    from broadsheet.cli import searching
    from broadsheet.cli.main import main

    source = "Lowmoor and District Evening Gazette, Islands Edition"
    store = Store(tmp_path / "store")
    store.add([(make_article(n, source=source), f"made-up-{n}.txt") for n in range(3)])
    monkeypatch.setattr(searching, "TABLE_ROWS", 1)
    assert main(["--store", str(store.folder), "search", "ferry"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 3 and all(source in row for row in rows)


def test_piped_feeds_list_is_the_table_rich_printed_line_for_line(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """`feeds list` to a pipe is laid out without Rich's table (17 s for 50,000 feeds): the same
    lines, wide characters, emoji, a ":name:" Rich's strings would turn into one and a failing
    feed's reason included."""
    from broadsheet.cli import feeds as feeds_cli
    from broadsheet.cli.main import main

    store = Store(tmp_path / "store")
    urls = [f"https://{host}.example/feed.xml" for host in ("kowloon", "space", "fire", "cafe", "plain", "ann")]
    urls[-1] = "https://ann:s3cret@ann.example/feed.xml"
    subs = Subscriptions(store)
    subs.add(urls[:2], ["新聞"], titles={urls[0]: "港口新聞 Harbour News", urls[1]: "👩‍🚀 Space Desk"})
    subs.add(urls[2:], ["harbour", "islands"], titles={urls[2]: ":fire: Hot Takes", urls[3]: "Café Notes"})
    store.add([(make_article(n, source="Café Notes"), f"made-up-{n}.txt") for n in range(12)])
    [failing] = subs.matching(urls[4])
    before = failing.to_doc()
    failing.errors, failing.last_error, failing.last_fetch = 2, "not found (404)", "2026-12-07T10:00:00+00:00"
    subs.save([(before, failing)])
    assert main(["--store", str(store.folder), "feeds", "list"]) == 0
    piped = capsys.readouterr().out
    monkeypatch.setattr(feeds_cli, "plain_columns", lambda *args, **kwargs: None)  # as Rich printed the table
    assert main(["--store", str(store.folder), "feeds", "list"]) == 0
    assert piped == capsys.readouterr().out
    assert len(piped.splitlines()) == 7 and "港口新聞 Harbour News  https://kowloon.example/feed.xml" in piped
    assert "s3cret" not in piped and "https://ann:***@ann.example/feed.xml" in piped


def test_piped_feeds_list_of_20_000_feeds_takes_well_under_a_second_a_10_000(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rich laid out the table of 50,000 feeds in 17 s; `feeds list --json` as quick."""
    from broadsheet.cli.main import main

    store = Store(tmp_path / "store")
    urls = [f"https://feeds{n % 97}.example/section{n}/rss.xml" for n in range(20_000)]
    Subscriptions(store).add(urls, ["news"], titles={url: f"Made-up Gazette {n}" for n, url in enumerate(urls)
                                                     if n % 3})
    for json in ([], ["--json"]):
        started = time.perf_counter()
        assert main(["--store", str(store.folder), "feeds", "list", *json]) == 0
        assert time.perf_counter() - started < 3
        assert len(capsys.readouterr().out.splitlines()) == 20_000 + (not json)

"""The benchmark code keeps working: ``python -m bench --smoke`` (1k stories) runs and prints its table.

Nothing about time is asserted; the figures live in docs/benchmarks.md (``make bench``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import index_positions, large_report
from bench.corpus import story_text
from bench.feeds import newsboat, newsboat_file_import
from bench.measure import marks_held, typed
from bench.procmem import run_watched
from bench.report import growth
from bench.stats import Sample
from broadsheet.store.parse import parse_text
from broadsheet.store.sanitize import clean_text
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import StoryState

REPO = Path(__file__).resolve().parents[1]


def test_made_up_pages_parse_with_their_shape() -> None:
    articles = [parse_text(clean_text(story_text(i))) for i in range(40)]
    assert all(len(a.body) >= 3 and not a.headline.startswith("by ") for a in articles)
    assert any(a.images for a in articles) and any(a.credits for a in articles)
    assert story_text(7) == story_text(7)  # deterministic


def test_bench_photos_keep_the_parser_that_read_each_story(tmp_path: Path) -> None:
    """The bench's photos rewrote their stories as read by no parser: the reader of every
    bench store then offered ``reparse --stale`` for a fifth of its stories."""
    from bench.build import add_photos
    from broadsheet.store.ingest.importer import import_paths
    from broadsheet.store.ingest.reparse import stale

    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(60):
        (pages / f"{i:03d}.txt").write_text(story_text(i), encoding="utf-8")
    store = Store(tmp_path / "store")
    import_paths(store, [pages])
    assert add_photos(store.folder)["stories_with_photo"]
    assert stale(Store(store.folder)) == []


def test_growth_exponent() -> None:
    assert growth([1000, 10000, 50000], [1.0, 10.0, 50.0]) == pytest.approx(1.0)
    assert growth([1000, 10000, 50000], [2.0, 2.0, 2.0]) == pytest.approx(0.0)


def test_growth_between_two_sizes() -> None:
    assert large_report.growth(10_000, 2.0, 100_000, 20.0) == pytest.approx(1.0)
    assert large_report.growth(10_000, 2.0, 1_000_000, 2.0) == pytest.approx(0.0)
    assert large_report.growth(10_000, None, 100_000, 1.0) is None


def test_large_table_checks_targets_at_every_size_and_flat_growth() -> None:
    slow = Sample.of([0.004] * 18 + [0.012] * 2)  # p95 12 ms: misses "p95 <= 5"
    fast = Sample.of([0.001] * 20)
    results: dict[int, dict[str, large_report.Value]] = {
        10_000: {"bookmark": fast, "reader_rss": 80.0, "store_ratio": 0.5},
        100_000: {"bookmark": slow, "reader_rss": 80.0, "store_ratio": 0.7},
    }
    rows = {r[0]: r for r in large_report.table(results)}
    assert rows["Metric (median / p95)"][1:3] == ["10k", "100k"]
    bookmark = rows["Bookmark toggle, durable (ms)"]
    assert bookmark[1:3] == ["1.00 / 1.00", "4.00 / 12.00"]
    assert bookmark[4] == "NO (100k)" and bookmark[-1] == "NO"  # p95 grew 12x over 10x the stories
    memory = rows["Reader peak RSS 1 s after first paint (MB)"]
    assert memory[4] == "yes" and memory[5] == "0.00" and memory[-1] == "yes"
    assert rows["Store on disk (TinyDB files + index) / pages (x)"][4] == "NO (100k)"
    assert large_report.size_label(1_000_000) == "1M"


def test_typed_query_is_each_key_pressed() -> None:
    assert typed("ab c") == ["a", "ab", "ab c"]


def test_marks_held_counts_what_the_reader_keeps_of_every_mark(store: Store) -> None:
    from tests.factories import make_article

    ids = store.add([(make_article(n), None) for n in range(12)])
    store.user.change_each(ids, lambda _sid, _old: StoryState(read=True, tags=("kept",)))
    assert 0 < marks_held(store.folder) < 5


def test_run_watched_sees_the_peak_of_a_child(tmp_path: Path) -> None:
    grab = "import time; b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"
    watched = run_watched([sys.executable, "-c", grab], interval=0.05)
    assert watched.returncode == 0
    assert watched.peak_rss_mb >= 200 and watched.tree_pss_mb >= 150
    assert watched.anon_mb >= 150 and watched.file_mb < watched.anon_mb  # the memory is its own, not mapped files


def test_run_watched_does_not_count_the_benchmark_s_own_memory() -> None:
    """A child's ru_maxrss starts from the image it was forked from: 300 MB held here must not
    show in a command that holds a few MB (it did: /bin/true read 413 MB from a 400 MB bench)."""
    held = bytearray(300 * 1024 * 1024)
    held[::4096] = b"x" * len(held[::4096])
    watched = run_watched([sys.executable, "-c", "import sys; sys.exit(3)"])
    assert watched.returncode == 3 and watched.peak_rss_mb < 100
    del held


@pytest.mark.skipif(newsboat() is None, reason="newsboat is not installed")
def test_newsboat_is_measured_on_a_local_feed_file(tmp_path: Path) -> None:
    found = newsboat_file_import(tmp_path, items=300, runs=1)
    assert found is not None and found.items == 300 and len(found.seconds) == 1 and found.rate > 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reader is timed on a Linux pty")
def test_bench_smoke_prints_the_table(tmp_path: Path) -> None:
    env = {**os.environ, "BROADSHEET_BENCH_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=170)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "newsboat -x reload" in done.stdout and "quoted" not in done.stdout
    for label in ("Import, real importer", "Cold start to painted list", "Open a story in the reader",
                  "Bookmark toggle", "plain TinyDB update", "Store on disk"):
        assert label in done.stdout, done.stdout


def test_the_scroll_bench_tells_apart_rows_whose_headlines_begin_alike(tmp_path: Path) -> None:
    # bench.scroll finds the cursor's row by the headline it shows; two rows a page apart
    # beginning with the same words (the generated headlines have such pairs) are told apart
    # by the rest of what is shown, not taken for the first found (a key then seemed to stall).
    from bench.scroll import Rows
    from broadsheet.store.storage.db import Store
    from tests.factories import make_article

    heads = [f"Filler story number {i} about the weather" for i in range(40)]
    heads[5], heads[30] = "The Chousshoux while bost wyl fai", "The Chousshoux raistpas mas have"
    store = Store(tmp_path / "store")
    store.add([(make_article(i, headline=h, published=f"2024-01-01T00:{59 - i:02d}:00"), None)
               for i, h in enumerate(heads)])
    rows = Rows(store.folder)
    assert [rows.headline(5), rows.headline(30)] == [heads[5], heads[30]]  # newest first: as added
    assert rows.locate("The Chousshoux raistpas m…", [5, 30]) == 30
    assert rows.locate("The Chousshoux while bost…", [5, 30]) == 5
    assert rows.locate("Filler story number 12 ab…", [0, 30]) == 12


def test_index_positions_builds_the_three_indexes_of_a_store(store: Store,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The figure behind the store-size trade-off: the body's positions are most of the index."""
    store.add([(parse_text(clean_text(story_text(i))), f"page-{i}.txt") for i in range(60)])
    assert index_positions.main([str(store.folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("60 stories")
    totals = {line[:36].strip(): int(line[36:].split()[0].replace(",", "")) for line in lines[1:]}
    assert list(totals) == list(index_positions.VARIANTS)
    as_built, stopless, no_positions = totals.values()
    assert no_positions < stopless < as_built


def test_the_paging_bench_checks_each_page_against_the_whole_list(filled_store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import paging
    from broadsheet.store.search.engine import SearchIndex
    from broadsheet.store.storage.userstate import LazyStates

    monkeypatch.setattr(paging, "PAGED", ("ferry", "ferry is:unread"))
    monkeypatch.setattr(paging, "OFFSETS", (1, 2))
    monkeypatch.setattr(paging, "SEARCH_LIMIT", 2)
    monkeypatch.setattr(paging, "KEY_GAP", 0.0)
    index, states = SearchIndex.open(filled_store), LazyStates(filled_store.user)
    assert len(paging.pages(index, states, runs=1)) == 4
    lines = paging.typing(index, states, stop=True)
    assert len(lines) == len(paging.TYPED) and all("after the last key" in line for line in lines)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reader is timed on a Linux pty")
def test_the_restored_bench_starts_the_reader_on_a_saved_search_and_puts_the_session_back(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import restored

    monkeypatch.setattr(restored, "QUERY", "ferry")
    monkeypatch.setattr(restored, "SETTLE", 0.2)
    filled_store.user.set_setting("session", {"scroll": 0, "query": "rail"})
    line = restored.restored_start(filled_store.folder)
    assert "'ferry' listed" in line and "peak RSS" in line
    assert Store(filled_store.folder).user.get_setting("session") == {"scroll": 0, "query": "rail"}

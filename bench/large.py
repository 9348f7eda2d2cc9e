"""``python -m bench.large``: a lifetime of news (issue 17), 10k, 100k and a million stories.

    python -m bench.large                                  # 10k, 100k, 1M: what ``make bench-large`` runs
    python -m bench.large --sizes 10000,100000             # choose the sizes (multiples of 1,000)
    python -m bench.large --out docs/benchmarks.md --json docs/benchmarks-large.json

The pages come from ``bench/corpus.py`` (cached, reused across runs). The sizes are imported
in stages into one store by the real command, ``broadsheet --store DIR import FOLDER...``,
one process per stage (0 to 10k, then 10k to 100k into that store, then 100k to 1M), the
store copied aside at each size; each stage's memory is watched from outside
(:mod:`bench.procmem`). Then, on each copy: its size on disk against the pages', the reader
on a 120x40 pty (:mod:`bench.terminal`: first paint, peak RSS, opening stories), the marks
the reader holds once the whole list was scrolled, the data
layer's story open, search as the query is typed (:mod:`bench.measure`), and ``broadsheet
repair`` / ``export`` / ``reindex`` as commands. Last, the three marks on every size in turn
(:func:`bench.measure.marks`). newsboat loading a
10,000-item local feed file is measured in the same run (``bench/feeds.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from bench import build, measure, terminal
from bench.corpus import GENERATOR_VERSION, PER_FOLDER, folders
from bench.large_report import Value, size_label, table
from bench.procmem import Watched, describe, run_watched
from bench.report import machine, render_markdown, render_text, write_markdown
from bench.stats import Sample
from broadsheet.store.storage.db import Store

BEGIN, END = "<!-- bench:large:begin -->", "<!-- bench:large:end -->"
SUMMARY = re.compile(r"(\d+) imported.*?(\d+) failed", re.S)
MARK_RUNS = 200  # of each mark per size: the p95 of 60 moved with one slow fsync
#: Disk a story needs, for the check before a run: a page (about 4.2 KB, 5.8 KB in blocks),
#: the store (1.2x the page today), the JSON export (about 1.2x).
PAGE_DISK, STORE_DISK, EXPORT_DISK = 6_000, 6_000, 5_000


def say(text: str) -> None:
    print(f"[bench.large {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class Stage:
    """The store at one size and how the import that made it went."""

    size: int
    folder: Path
    pages: list[Path]  # the page folders of stories 0 .. size-1
    imported: int  # stories imported from 0 to size
    failed: int
    seconds: float  # import time from 0 to size
    stage: Watched  # the last stage's process (done - size stories into the store before)
    stage_count: int
    load: float  # load average (1 min) as the stage began


def broadsheet(folder: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "broadsheet", "--store", str(folder), *args]


def _check(watched: Watched, what: str) -> Watched:
    if watched.returncode != 0:
        raise RuntimeError(f"{what} ended with status {watched.returncode}: {watched.stderr[-2000:]}")
    return watched


def import_stages(root: Path, stores: Path, sizes: list[int]) -> list[Stage]:
    """Import the pages of each size in turn into one store with ``broadsheet import``."""
    work = stores / "building"
    shutil.rmtree(stores, ignore_errors=True)
    work.mkdir(parents=True)
    stages: list[Stage] = []
    done = imported = failed = 0
    seconds = 0.0
    for size in sizes:
        batch = folders(root, size)[done // PER_FOLDER:]
        load = os.getloadavg()[0]
        say(f"broadsheet import: stories {done:,} to {size:,} ({len(batch)} folders), load {load:.1f}")
        watched = _check(run_watched(broadsheet(work, "import", *map(str, batch)), interval=0.25), "the import")
        found = SUMMARY.search(watched.stderr)
        if found is None:
            raise RuntimeError(f"the import printed no summary: {watched.stderr[-2000:]}")
        count, bad = int(found[1]), int(found[2])
        if count + bad != size - done:
            say(f"  note: {count:,} imported and {bad:,} failed of {size - done:,} pages")
        seconds += watched.seconds
        imported += count
        failed += bad
        say(f"  {count:,} in {watched.seconds:.1f} s ({count / watched.seconds:,.0f}/s), "
            f"peak RSS {watched.peak_rss_mb:.0f} MB (RssAnon {watched.anon_mb:.0f}, RssFile {watched.file_mb:.0f}, "
            f"sampled), tree PSS {watched.tree_pss_mb:.0f} MB")
        target = stores / str(size)
        if size == sizes[-1]:
            work.rename(target)
        else:
            shutil.copytree(work, target)
        stages.append(Stage(size, target, folders(root, size), imported, failed, seconds, watched, count, load))
        done = size
    return stages


def page_bytes(pages: list[Path]) -> tuple[int, int]:
    """(apparent bytes, bytes in disk blocks) of the page files."""
    apparent = blocks = 0
    for folder in pages:
        for entry in os.scandir(folder):
            if entry.is_file() and entry.name.endswith(".txt"):
                st = entry.stat()
                apparent += st.st_size
                blocks += st.st_blocks * 512
    return apparent, blocks


def commands(folder: Path, scratch: Path) -> dict[str, Value]:
    """``repair``, ``export --format json`` and ``reindex`` on the store, as a user runs them."""
    out = scratch / "export.json"
    runs = {
        "repair": _check(run_watched(broadsheet(folder, "repair")), "broadsheet repair"),
        "export": _check(run_watched(broadsheet(folder, "export", "--format", "json", "-o", str(out))),
                         "broadsheet export"),
        "reindex": _check(run_watched(broadsheet(folder, "reindex")), "broadsheet reindex"),
    }
    export_mb = out.stat().st_size / 1e6
    out.unlink()
    r: dict[str, Value] = {f"{name}_s": w.seconds for name, w in runs.items()}
    r["command_rss"] = max(w.peak_rss_mb for w in runs.values())
    r["command_anon"] = max(w.anon_mb for w in runs.values())
    r["command_file"] = max(w.file_mb for w in runs.values())
    for name, w in runs.items():
        say(f"  {name}: {describe(w)}")
    r["export_mb"] = export_mb
    return r


def measure_size(stage: Stage, runs: int, scratch: Path) -> dict[str, Value]:
    """Every figure for the store of one size."""
    folder, n = stage.folder, size_label(stage.size)
    r: dict[str, Value] = {
        "load": os.getloadavg()[0],  # the machine is shared: its load when this size was measured
        "import_rate": stage.imported / stage.seconds,
        "import_seconds": stage.seconds,
        "stage_rate": stage.stage_count / stage.stage.seconds,
        "import_rss": stage.stage.peak_rss_mb,
        "import_pss": stage.stage.tree_pss_mb,
        "import_anon": stage.stage.anon_mb,
        "import_file": stage.stage.file_mb,
    }
    apparent, blocks = page_bytes(stage.pages)
    store = build.disk_bytes(folder)
    r["store_mb"], r["index_mb"] = store / 1e6, build.disk_bytes(folder / "index") / 1e6
    r["pages_mb"], r["pages_blocks_mb"], r["store_ratio"] = apparent / 1e6, blocks / 1e6, store / apparent
    say(f"{n}: user state {build.add_user_state(folder)}")

    say(f"{n}: the reader on a pty: first paint and memory ({runs} starts), then opening stories")
    marker = terminal.first_headline_marker(folder)
    starts = [terminal.start_once(folder, marker) for _ in range(runs)]
    r["first_paint"] = Sample.of([s.seconds for s in starts])
    r["reader_rss"] = max(s.peak_rss_mb for s in starts)
    r["open_reader"] = Sample.of(terminal.open_stories(folder, terminal.OPENS))
    r["marks_held"] = measure.marks_held(folder)

    say(f"{n}: Store.article")
    r["open_store"] = measure.open_story(Store(folder), 40)
    if measure.search_available():
        say(f"{n}: search as you type")
        r["search_typed"] = measure.search_as_typed(Store(folder), measure.search_queries(), 2, measure.reader_limit())
        r["first_mark_search"] = measure.first_mark_search(folder)
        r["mark_word_list"], r["mark_word_count"] = measure.word_with_mark(Store(folder), 3, measure.reader_limit())

    say(f"{n}: broadsheet repair, export, reindex")
    r.update(commands(folder, scratch))
    return r


def check_disk(cache: Path, root: Path, sizes: list[int]) -> str:
    """How much disk the run needs and has; raises when it cannot fit."""
    missing = sum(PER_FOLDER for f in folders(root, sizes[-1]) if not (f / ".done").exists())
    need = missing * PAGE_DISK + sizes[-1] * (STORE_DISK + EXPORT_DISK) + sum(sizes[:-1]) * STORE_DISK
    cache.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(cache).free
    text = f"needs about {need / 1e9:.1f} GB ({missing:,} pages to write), {free / 1e9:.0f} GB free"
    if need > free:
        raise SystemExit(f"bench.large: not enough disk in {cache}: {text}")
    return text


def newsboat_line(runs: int) -> tuple[str, float | None]:
    from bench.feeds import newsboat_file_import

    with tempfile.TemporaryDirectory(prefix="broadsheet-bench-newsboat-") as tmp:
        found = newsboat_file_import(Path(tmp), 10_000, runs)
    if found is None:
        return "newsboat: not measured (not installed; apt-get install newsboat).", None
    return (f"newsboat, the peer, measured in this run: `newsboat -x reload` of a 10,000-item local RSS file "
            f"into an empty cache, {found.items:,} items stored, best of {runs}: "
            f"{min(found.seconds):.2f} s ({found.rate:,.0f} items/s).", found.rate)


def _json(results: dict[int, dict[str, Value]], extra: dict[str, object]) -> bytes:
    def conv(v: object) -> object:
        return v.to_json() if isinstance(v, Sample) else v

    return orjson.dumps({**extra, "sizes": {str(n): {k: conv(v) for k, v in r.items()} for n, r in results.items()}},
                        option=orjson.OPT_INDENT_2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.large", description="Broadsheet at scale (issue 17).")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated story counts (x1000)")
    parser.add_argument("--runs", type=int, default=5, help="reader starts per size")
    parser.add_argument("--out", type=Path, help="write the table into this Markdown file's bench:large block")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    parser.add_argument("--cache", type=Path, help="data folder (default: $BROADSHEET_BENCH_CACHE or ~/.cache)")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    if any(n <= 0 or n % PER_FOLDER for n in sizes):
        parser.error(f"sizes must be positive multiples of {PER_FOLDER}")
    cache = args.cache or build.cache_root()
    started, load_before = time.perf_counter(), os.getloadavg()
    root = cache / f"pages-v{GENERATOR_VERSION}"
    say(f"disk: {check_disk(cache, root, sizes)}")
    say(f"pages into {root} (generator v{GENERATOR_VERSION}, reused when present)")
    build.pages_root(cache, sizes[-1], say)
    say("newsboat -x reload of a 10,000-item local feed file")
    peer, newsboat_rate = newsboat_line(3)
    stages = import_stages(root, cache / f"stores-large-v{GENERATOR_VERSION}", sizes)
    with tempfile.TemporaryDirectory(prefix="broadsheet-bench-large-", dir=cache) as scratch:
        results = {s.size: measure_size(s, args.runs, Path(scratch)) for s in stages}
    say("the marks, every size in turn")
    for size, timed in measure.marks({s.size: s.folder for s in stages}, MARK_RUNS).items():
        results[size].update(timed)
    if newsboat_rate:
        peer += " Our import against it, 0 to N: " + ", ".join(
            f"{size_label(n)} {r['import_rate'] / newsboat_rate:.2f}x" for n, r in results.items()  # type: ignore[operator]
        ) + "."
    rows = table(results)
    load = (f"load average {load_before[0]:.1f} (5 min {load_before[1]:.1f}) at the start, "
            f"{os.getloadavg()[0]:.1f} (5 min {os.getloadavg()[1]:.1f}) at the end")
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    last = stages[-1]
    loads = ", ".join(f"{size_label(s.size)} {s.load:.1f} / {results[s.size]['load']:.1f}" for s in stages)
    notes = (f"Load average (1 min) as each import stage / each size's measurements began: {loads}. "
             f"Pages that did not parse (counted out of the import rate): "
             f"{ {size_label(s.size): s.failed for s in stages} }. Pages on disk at {size_label(last.size)}: "
             f"{results[last.size]['pages_mb']:,.0f} MB apparent, {results[last.size]['pages_blocks_mb']:,.0f} MB "
             f"in blocks; JSON export {results[last.size]['export_mb']:,.0f} MB (deleted after). "
             f"Total time {time.perf_counter() - started:,.0f} s.")
    command = "python -m bench.large --sizes " + ",".join(map(str, sizes))
    print(f"Broadsheet at scale, {when}\n{machine()}; {load}\n")
    print(render_text(rows))
    print(f"\n{peer}\n{notes}")
    if args.json:
        args.json.write_bytes(_json(results, {"when": when, "machine": machine(), "load": load, "command": command,
                                              "newsboat_items_per_s": newsboat_rate}))
    if args.out:
        block = (f"Run of {when}, `{command}`, on {machine()}, generator v{GENERATOR_VERSION}; {load}.\n\n"
                 f"{render_markdown(rows)}\n\n{peer}\n\n{notes}")
        write_markdown(args.out, block, BEGIN, END)
        say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

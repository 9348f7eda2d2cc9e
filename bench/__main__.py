"""``python -m bench``: build the stores, measure everything, print one table (and write the docs).

    python -m bench                      # 1k, 10k, 50k; what ``make bench`` runs
    python -m bench --smoke              # 1k, few repeats; ``make bench-smoke`` and CI
    python -m bench --out docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from bench import baselines, build, measure, terminal
from bench import html as html_bench
from bench.corpus import GENERATOR_VERSION
from bench.report import Value, machine, render_markdown, render_text, table, write_markdown
from bench.stats import Sample
from broadsheet.store.storage.db import Store

NOT_MEASURED = "not measured"


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def newsboat_rate(runs: int) -> float | None:
    """newsboat's items/s loading a 10,000-item local feed file, measured now; None without newsboat."""
    import tempfile

    from bench.feeds import newsboat_file_import

    with tempfile.TemporaryDirectory(prefix="broadsheet-bench-newsboat-") as tmp:
        found = newsboat_file_import(Path(tmp), 10_000, runs)
    return found.rate if found else None


def measure_size(built: build.BuiltStore, cache: Path, runs: int, smoke: bool,
                 newsboat: float | None) -> dict[str, Value]:
    """Every figure for one store (``newsboat``: its rate measured in this run, None if not installed)."""
    folder, n = built.folder, built.size
    rate = built.imported / built.import_seconds
    r: dict[str, Value] = {
        "import_rate": rate,
        "import_seconds": built.import_seconds,
        "newsboat_rate": newsboat if newsboat else NOT_MEASURED,
        "import_vs_newsboat": rate / newsboat if newsboat else NOT_MEASURED,
    }
    say(f"{n:,}: user state {build.add_user_state(folder)}")
    say(f"{n:,}: photos {build.add_photos(folder)}")
    r["store_mb"] = (build.disk_bytes(folder) - build.disk_bytes(folder / "index")) / 1e6
    r["parse_rate"] = measure.parse_rate(built.pages, 200 if smoke else 500)
    r["pages_mb"] = sum(build.disk_bytes(p) for p in built.pages) / 1e6

    say(f"{n:,}: load and open")
    r["load"] = measure.load(folder, runs)
    store = Store(folder)
    r["open_store"] = measure.open_story(store, 10 if smoke else 40)
    say(f"{n:,}: bookmark and tag toggles")
    timed = measure.marks({n: folder}, 10 if smoke else 60)[n]
    r["bookmark"], r["tag"] = timed["bookmark"], timed["tag"]

    if measure.search_available():
        say(f"{n:,}: search index and queries")
        queries, repeats = measure.search_queries(), 3 if smoke else 15
        found = measure.search(Store(folder), queries, repeats, None)
        r["index_open"], r["search_every"], r["search_words"] = found["open"], found["all"], found["words"]
        r["search_queries"] = found["queries"]
        limit = measure.reader_limit()
        if limit is not None:
            as_reader = measure.search(Store(folder), queries, repeats, limit)
            r["search_all"], r["search_queries_reader"] = as_reader["all"], as_reader["queries"]
        else:
            r["search_all"] = r["search_every"]
        r["index_seconds"] = measure.reindex(Store(folder))
        r["index_mb"] = build.disk_bytes(folder / "index") / 1e6
    else:
        say("store/search is not there yet: skipping the search figures")
    if baselines.rg_path():
        say(f"{n:,}: rg -l -i over the text files")
        r["rg"] = baselines.rg_search(built.pages, measure.search_words(), 2 if smoke else 5)
    else:
        say("rg is not installed (apt-get install ripgrep): skipping the rg comparison")
    if isinstance(r.get("rg"), Sample) and isinstance(r.get("search_words"), Sample):
        r["search_ratio"] = r["rg"].median / r["search_words"].median  # type: ignore[union-attr]

    say(f"{n:,}: plain TinyDB baseline")
    path = build.tinydb_baseline(folder, cache / f"tinydb-{n}.json")
    r["tinydb_mb"] = path.stat().st_size / 1e6
    r["tinydb_load"] = baselines.tinydb_load(path, 2 if smoke else 3)
    r["tinydb_update"] = baselines.tinydb_update(path, 2 if smoke else 3)
    r["load_ratio"] = r["tinydb_load"].median / r["load"].median  # type: ignore[union-attr]
    r["bookmark_ratio"] = r["tinydb_update"].median / r["bookmark"].median  # type: ignore[union-attr]
    path.unlink()

    say(f"{n:,}: reader, in-process cold start")
    r["cold_inproc"] = measure.reader_in_process(folder, 2 if smoke else runs)
    say(f"{n:,}: reader, whole process on a pty: cold start, memory, opening stories")
    marker = terminal.first_headline_marker(folder)
    starts = [terminal.start_once(folder, marker) for _ in range(2 if smoke else runs)]
    r["cold_process"] = Sample.of([s.seconds for s in starts])
    r["rss"] = max(s.peak_rss_mb for s in starts)
    r["open_reader"] = Sample.of(terminal.open_stories(folder, 5 if smoke else terminal.OPENS))
    return r


def _json(results: dict[int, dict[str, Value]]) -> bytes:
    def conv(v: Any) -> Any:
        return v.to_json() if isinstance(v, Sample) else v  # numbers, and per-query figures

    return orjson.dumps({str(n): {k: conv(v) for k, v in r.items()} for n, r in results.items()},
                        option=orjson.OPT_INDENT_2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Broadsheet benchmarks (issue 7).")
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated story counts (x1000)")
    parser.add_argument("--smoke", action="store_true", help="1k stories, few repeats (CI)")
    parser.add_argument("--runs", type=int, default=5, help="repeats of the slow measurements")
    parser.add_argument("--out", type=Path, help="write the table and machine into this Markdown file")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    parser.add_argument("--cache", type=Path, help="data folder (default: $BROADSHEET_BENCH_CACHE or ~/.cache)")
    args = parser.parse_args(argv)
    sizes = [1000] if args.smoke else sorted(int(s) for s in args.sizes.split(","))
    cache = args.cache or build.cache_root()
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    say(f"generating pages into {cache} (generator v{GENERATOR_VERSION}, reused when present)")
    build.pages_root(cache, sizes[-1])
    say("newsboat -x reload of a 10,000-item local feed file (the peer, measured in this run)")
    newsboat = newsboat_rate(1 if args.smoke else 3)
    if newsboat is None:
        say("newsboat is not installed (apt-get install newsboat): its rows say not measured")
    built = build.import_stages(cache, sizes, say)
    results = {b.size: measure_size(b, cache, args.runs, args.smoke, newsboat) for b in built}
    html_rows = html_bench.measure(cache, args.smoke, say)
    rows = table(results)
    load = f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    text = render_text(rows)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Broadsheet benchmarks, {when}\n{machine()}; {load}\n")
    print(text)
    print("\n" + html_bench.render(html_rows))
    failed = {n: b.failed for n, b in zip(sizes, built, strict=True)}
    print(f"\nPages that did not parse (counted out of the import rate): {failed}."
          f" Total time {time.perf_counter() - started:.0f} s.")
    if args.json:
        args.json.write_bytes(_json(results))
    if args.out:
        block = (f"Run of {when} on {machine()}, generator v{GENERATOR_VERSION}; {load}.\n\n"
                 f"{render_markdown(rows)}\n\n{html_bench.markdown(html_rows)}\n\n"
                 f"Pages that did not parse: {failed}.")
        write_markdown(args.out, block)
        say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

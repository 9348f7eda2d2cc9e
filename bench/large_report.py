"""The table of ``python -m bench.large``: each figure at each size, its target, and how it grows.

Growth is given between each pair of neighbouring sizes as ``k = log(t2/t1) / log(n2/n1)``
(1: the cost grows with the store, 0: it does not), computed on the statistic the target is
on (the p95 for latencies, the median for the first paint, the peak for memory). Issue 17
asks ``k <= 0.1`` for start, memory, opening, search and the marks: what the reader does
must not depend on how many stories the store holds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bench.stats import Sample

Value = float | Sample | None
K_LIMIT = 0.1


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    scale: float = 1.0  # seconds x 1000 -> ms
    digits: int = 1
    stat: Literal["median", "p95"] = "median"  # what the target and the growth are computed on
    target: str = ""
    check: Callable[[float], bool] | None = None
    flat: bool = False  # k <= K_LIMIT is a target
    growth: bool = True  # show k (costs, not rates or ratios)


def at_most(limit: float) -> Callable[[float], bool]:
    return lambda x: x <= limit


def at_least(limit: float) -> Callable[[float], bool]:
    return lambda x: x >= limit


ROWS = [
    Row("import_rate", "Import, `broadsheet import`: parse+store+index, 0 to N (stories/s)", digits=0,
        target=">= 2,000", check=at_least(2000), growth=False),
    Row("stage_rate", "  the last stage alone, into the store of the size before (stories/s)", digits=0, growth=False),
    Row("import_seconds", "  import time, 0 to N (s)", digits=0),
    Row("import_rss", "Import peak RSS, largest process (MB)", digits=0, target="<= 500", check=at_most(500)),
    Row("import_pss", "  parent + parse workers, peak PSS sum, sampled (MB)", digits=0, target="<= 500",
        check=at_most(500)),
    Row("import_anon", "  its own memory (RssAnon), sampled peak (MB)", digits=0),
    Row("import_file", "  pages of mapped files (RssFile: the index's segments), sampled peak (MB)", digits=0),
    Row("store_ratio", "Store on disk (TinyDB files + index) / pages (x)", digits=2, target="<= 0.6",
        check=at_most(0.6), growth=False),
    Row("store_mb", "  store on disk, apparent (MB)", digits=0),
    Row("index_mb", "  of which the search index (MB)", digits=0),
    Row("pages_mb", "  the pages it came from, apparent (MB)", digits=0),
    Row("first_paint", "First paint, whole process on a 120x40 pty (s)", digits=2, target="median <= 0.5",
        check=at_most(0.5), flat=True),
    Row("reader_rss", "Reader peak RSS 1 s after first paint (MB)", digits=0, target="<= 200", check=at_most(200),
        flat=True),
    Row("marks_held", "  its marks after the whole list was scrolled, every row's asked (MB)", digits=1),
    Row("open_reader", "Open a story in the reader, key -> painted (ms)", 1000, 1, "p95", "p95 <= 30",
        at_most(0.030), flat=True),
    Row("open_store", "  Store.article alone (ms)", 1000, 2, "p95"),
    Row("search_typed", "Search as you type, each key, reader's limit (ms)", 1000, 2, "p95", "p95 <= 15",
        at_most(0.015), flat=True),
    Row("first_mark_search", "  the first search with a mark after start, `is:bookmarked` (ms)", 1000, 0),
    Row("mark_word_list", "  a word with `is:unread`: its list, the reader's limit (ms)", 1000, 1, "p95"),
    Row("mark_word_count", "  then its count, when the list came with an estimate (ms)", 1000, 1, "p95"),
    Row("bookmark", "Bookmark toggle, durable (ms)", 1000, 2, "p95", "p95 <= 5", at_most(0.005), flat=True),
    Row("tag", "Tag add/remove, durable (ms)", 1000, 2, "p95", "p95 <= 5", at_most(0.005), flat=True),
    Row("read", "Read mark toggle, durable (ms)", 1000, 2, "p95", "p95 <= 5", at_most(0.005), flat=True),
    Row("repair_s", "`broadsheet repair`, healthy store (s)", digits=1),
    Row("export_s", "`broadsheet export --format json` (s)", digits=1),
    Row("reindex_s", "`broadsheet reindex` (s)", digits=1),
    Row("command_rss", "  peak RSS of the largest of those three (MB)", digits=0, target="<= 500",
        check=at_most(500)),
    Row("command_anon", "  their own memory (RssAnon), sampled peak of the three (MB)", digits=0),
    Row("command_file", "  pages of mapped files (RssFile), sampled peak of the three (MB)", digits=0),
]


def figure(row: Row, value: Value) -> float | None:
    """The number a target and a growth are computed on."""
    x = (value.p95 if row.stat == "p95" else value.median) if isinstance(value, Sample) else value
    return None if x is None or math.isnan(x) else x


def growth(n1: int, x1: float | None, n2: int, x2: float | None) -> float | None:
    """``k`` with ``x ~ n^k`` between two sizes; None when a figure is missing or not positive."""
    if x1 is None or x2 is None or x1 <= 0 or x2 <= 0 or n1 == n2:
        return None
    return math.log(x2 / x1) / math.log(n2 / n1)


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"


def _cell(row: Row, value: Value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, Sample):
        return f"{value.median * row.scale:,.{row.digits}f} / {value.p95 * row.scale:,.{row.digits}f}"
    return f"{value * row.scale:,.{row.digits}f}"


def table(results: dict[int, dict[str, Value]]) -> list[list[str]]:
    """Header and one row per metric: values, target, met at every size, k per pair, k met."""
    sizes = sorted(results)
    pairs = list(itertools.pairwise(sizes))
    head = ["Metric (median / p95)", *map(size_label, sizes), "Target", "Met",
            *(f"k {size_label(a)}-{size_label(b)}" for a, b in pairs), f"k <= {K_LIMIT}"]
    rows = [head]
    for row in ROWS:
        values = [results[n].get(row.key) for n in sizes]
        if all(v is None for v in values):
            continue
        figures = [figure(row, v) for v in values]
        met = ""
        if row.check is not None:
            missed = [size_label(n) for n, x in zip(sizes, figures, strict=True) if x is None or not row.check(x)]
            met = "yes" if not missed else f"NO ({', '.join(missed)})"
        ks = [growth(a, x1, b, x2) if row.growth else None
              for (a, b), (x1, x2) in zip(pairs, itertools.pairwise(figures), strict=True)]
        k_met = ""
        if row.flat and pairs:
            k_met = "yes" if all(k is not None and k <= K_LIMIT for k in ks) else "NO"
        rows.append([row.label, *(_cell(row, v) for v in values), row.target, met,
                     *("" if k is None else f"{k:.2f}" for k in ks), k_met])
    return rows

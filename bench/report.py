"""The results table: our figure, the alternative's, the ratio, the target, and how cost grows.

A result is a number or a :class:`~bench.stats.Sample` (shown as ``median / p95``). The
``growth`` column is the exponent ``k`` of a least-squares fit ``cost ~ N^k`` over the
sizes: 1 is linear, 0 is flat; the issue asks for ``k <= 1`` everywhere.
"""

from __future__ import annotations

import math
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.stats import Sample

Value = float | Sample | dict | str | None  # str: a figure that could not be measured, as said


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    scale: float = 1.0  # multiply seconds by this for display (1000 -> ms)
    digits: int = 1
    target: str = ""
    check: Callable[[Value], bool] | None = None
    growth: bool = True  # a cost whose growth with N is shown


def _ok_max(limit: float, p95: bool = True) -> Callable[[Value], bool]:
    def check(v: Value) -> bool:
        x = (v.p95 if p95 else v.median) if isinstance(v, Sample) else v
        return isinstance(x, float | int) and x <= limit

    return check


def _ok_min(limit: float) -> Callable[[Value], bool]:
    def check(v: Value) -> bool:
        x = v.median if isinstance(v, Sample) else v
        return isinstance(x, float | int) and x >= limit

    return check


ROWS = [
    Row("import_rate", "Import, real importer: parse+store+index (stories/s)", digits=0, target=">= 1,000",
        check=_ok_min(1000), growth=False),
    Row("import_seconds", "Import time (s)"),
    Row("parse_rate", "  parse alone, read_article, one core (stories/CPU-s)", digits=0, growth=False),
    Row("newsboat_rate", "  newsboat -x reload, 10k-item local feed, this run (items/s)", digits=0, growth=False),
    Row("import_vs_newsboat", "  ratio ours / newsboat (x)", digits=2, growth=False),
    Row("index_seconds", "Search index rebuild, whole store (s)"),
    Row("index_open", "Search index open (ms)", 1000, 1),
    Row("load", "Load the reader's story list and mark counts, ReaderState.load() (ms)", 1000, 0),
    Row("tinydb_load", "  plain TinyDB file: open + len + all() (ms)", 1000, 0),
    Row("load_ratio", "  ratio TinyDB / ours (x)", digits=1, growth=False),
    Row("cold_inproc", "Cold start to list with rows, run_test (s)", digits=2, target="<= 0.7",
        check=_ok_max(0.7, p95=False)),
    Row("cold_process", "Cold start to painted list, whole process, pty (s)", digits=2, target="<= 0.7",
        check=_ok_max(0.7, p95=False)),
    Row("rss", "Reader peak RSS after start (MB)", digits=0, target="<= 300", check=_ok_max(300)),
    Row("open_store", "Open a story, Store.article (ms)", 1000, 2, "p95 <= 30", _ok_max(0.030)),
    Row("open_reader", "Open a story in the reader, key -> painted (ms)", 1000, 1, "p95 <= 30", _ok_max(0.030)),
    Row("search_all", "Search as the reader asks, limit=SEARCH_LIMIT (ms)", 1000, 2, "p95 <= 10", _ok_max(0.010)),
    Row("search_every", "Search, every hit (limit=None) (ms)", 1000, 2),
    Row("search_words", "  single words, every hit (ms)", 1000, 2),
    Row("rg", "  rg -l -i, same words, text files (ms)", 1000, 1),
    Row("search_ratio", "  ratio rg / ours, medians (x)", digits=0, target=">= 20", check=_ok_min(20), growth=False),
    Row("bookmark", "Bookmark toggle, durable (ms)", 1000, 2, "p95 <= 10", _ok_max(0.010)),
    Row("tag", "Tag add/remove, durable (ms)", 1000, 2, "p95 <= 10", _ok_max(0.010)),
    Row("tinydb_update", "  plain TinyDB update of one doc (ms)", 1000, 0),
    Row("bookmark_ratio", "  ratio TinyDB / ours, medians (x)", digits=0, target=">= 100", check=_ok_min(100),
        growth=False),
    Row("store_mb", "Store on disk, without index (MB)"),
    Row("index_mb", "Search index on disk (MB)"),
    Row("pages_mb", "  the stories as text files (MB)"),
    Row("tinydb_mb", "  plain TinyDB file (MB)"),
]


def _fmt(row: Row, value: Value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, Sample):
        return f"{value.median * row.scale:,.{row.digits}f} / {value.p95 * row.scale:,.{row.digits}f}"
    if isinstance(value, dict):  # per-query figures: in the JSON, not the table
        return "-"
    return f"{value * row.scale:,.{row.digits}f}"


def growth(sizes: list[int], values: list[Value]) -> float | None:
    """Least-squares exponent k in value ~ N^k (medians), or None with fewer than two sizes."""
    points = []
    for n, v in zip(sizes, values, strict=True):
        x = v.median if isinstance(v, Sample) else v
        if isinstance(x, float | int) and x > 0 and not math.isnan(x):
            points.append((math.log(n), math.log(x)))
    if len(points) < 2:
        return None
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    den = sum((p[0] - mx) ** 2 for p in points)
    return sum((p[0] - mx) * (p[1] - my) for p in points) / den if den else None


def table(results: dict[int, dict[str, Value]]) -> list[list[str]]:
    """Header and one row per metric with any value."""
    sizes = sorted(results)
    head = ["Metric (median / p95)", *(f"{n // 1000}k" if n >= 1000 else str(n) for n in sizes),
            f"Target @{sizes[-1] // 1000}k", "Met", "Growth k"]
    rows = [head]
    for row in ROWS:
        values = [results[n].get(row.key) for n in sizes]
        if all(v is None for v in values):
            continue
        last = values[-1]
        met = "" if row.check is None or last is None else ("yes" if row.check(last) else "NO")
        k = growth(sizes, values) if row.growth else None
        rows.append([row.label, *(_fmt(row, v) for v in values), row.target, met, "" if k is None else f"{k:.2f}"])
    return rows


def render_text(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("-" * len(out[0]))
    return "\n".join(out)


def render_markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] + ["---:"] * (len(rows[0]) - 1)) + "|"]
    for r in rows[1:]:
        label = r[0].replace("  ", "&nbsp;&nbsp;", 1) if r[0].startswith("  ") else r[0]
        lines.append("| " + " | ".join([label, *r[1:]]) + " |")
    return "\n".join(lines)


def machine() -> str:
    """One line describing the machine (CPU, cores, memory, OS, Python)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        memory = f"{mem_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        memory = "memory unknown"
    import os

    return (f"{cpu}, {os.cpu_count()} cores, {memory}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"


def write_markdown(path: Path, block: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace the generated block between ``begin`` and ``end`` in ``path`` (keeping the
    hand-written text and any other generated block around it)."""
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{block.rstrip()}\n{end}{tail}")

"""``python -m bench.sidebar STORE...``: the sidebar's counts at start (issue 17: "the sidebar's
tag, feed and unread counts exact and on screen with the first paint or within 100 ms").

The reader starts on a 160x40 pty, where the filters sidebar shows. The expected counts are
made here the slow way, from every row of the store's catalogue and every mark: all stories,
unread, bookmarked, each feed's unread stories (a feed's stories carry its title as their
source, compared as ``feed:"Title"`` compares it) and the stories per tag. Timed from the
spawn: the first headline painted, then the moment the last of the sidebar's first entries
showed with its expected count (All, Unread, Bookmarked and the first feeds; the tags come
below the feeds, off the first screen, so their counts are checked in the reader's own state
instead: ``ReaderState.sidebar_counts``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.terminal import Reader, first_headline_marker
from broadsheet.store.reader.state import ReaderState
from broadsheet.store.storage.db import Store

COLUMNS = 160
FEEDS_CHECKED = 5
SYNC_END = b"\x1b[?2026l"
CSI = re.compile(r"\x1b\[([0-9;?$]*)([A-Za-z@`])")
SIDEBAR = 26  # columns of the sidebar at 160 (its border included)


@dataclass(frozen=True, slots=True)
class Expected:
    counts: dict[str, int]  # sidebar label -> count, in the order shown
    tags: Counter[str]


def expected(folder: Path) -> Expected:
    """The counts over every listed story and every mark (seconds at a million stories)."""
    store = Store(folder)
    catalogue = store.catalogue()
    sources = {}
    for i in range(len(catalogue)):
        row = catalogue.row(i)
        sources[row.sid] = row.source
    marks = {sid: state for sid, state in store.user.all().items() if sid in sources}
    read = Counter(sources[sid] for sid, state in marks.items() if state.read)
    counts = {"All stories": len(sources), "Unread": len(sources) - sum(read.values()),
              "Bookmarked": sum(1 for state in marks.values() if state.bookmarked)}
    if (folder / "feeds.json").exists():
        from broadsheet.store.feeds.subscriptions import Subscriptions, by_title
        from broadsheet.store.search.analysis import feed_key

        # A feed's stories as feed:"Title" finds them: every spelling of its title (feed_key).
        unread: Counter[str] = Counter()
        for source, n in Counter(sources.values()).items():
            unread[feed_key(source)] += n - read[source]
        for group in by_title(Subscriptions(store).all())[:FEEDS_CHECKED]:
            counts[group[0].name] = unread[feed_key(group[0].title)] if group[0].title else 0
    tags = Counter(tag for state in marks.values() for tag in state.tags)
    return Expected(counts, tags)


class Grid:
    """The terminal's screen, enough of it to read text back: cursor moves and characters (styles skipped)."""

    def __init__(self, columns: int, rows: int = 40) -> None:
        self.lines = [[" "] * columns for _ in range(rows)]
        self.row = self.column = 0

    def feed(self, data: bytes) -> None:
        text = data.decode("utf-8", "replace")
        at = 0
        for match in CSI.finditer(text):
            self._put(text[at:match.start()])
            at = match.end()
            if match.group(2) == "H":
                parts = [int(p) if p else 1 for p in match.group(1).split(";")] + [1, 1]
                self.row, self.column = parts[0] - 1, parts[1] - 1
        self._put(text[at:])

    def _put(self, text: str) -> None:
        for char in text:
            if char == "\r":
                self.column = 0
            elif char == "\n":
                self.row += 1
            elif char >= " " and 0 <= self.row < len(self.lines) and 0 <= self.column < len(self.lines[0]):
                self.lines[self.row][self.column] = char
                self.column += 1

    def text(self, left: int, right: int) -> str:
        """The screen's columns ``left`` to ``right``, its lines joined with spaces, borders dropped."""
        joined = " ".join("".join(line[left:right]) for line in self.lines)
        return " ".join(joined.replace("│", " ").replace("┃", " ").split())


def shown(label: str, count: int) -> re.Pattern[str]:
    """The label and its count as the sidebar shows them (a long label wraps: read as one line)."""
    return re.compile(r"(?:^| )" + re.escape(" ".join(label.split())) + rf" (?:{count}|{count:,})(?![0-9,])")


def start(folder: Path, want: Expected, limit: float = 60.0) -> tuple[float, float]:
    """(first headline painted, every checked label shown with its count), seconds from the spawn."""
    marker = first_headline_marker(folder)
    patterns = {label: shown(label, count) for label, count in want.counts.items()}
    reader = Reader(folder, sync=True, columns=COLUMNS)
    grid = Grid(COLUMNS)
    seen: dict[str, float] = {}
    painted = None
    pending = b""
    try:
        deadline = reader.started + limit
        while (painted is None or len(seen) < len(patterns)) and time.perf_counter() < deadline:
            pending += reader.take(0.01)
            now = time.perf_counter()
            if painted is None and marker in pending:
                painted = now
            end = pending.rfind(SYNC_END)
            if end < 0:
                continue
            grid.feed(pending[:end])
            pending = pending[end:]
            sidebar = grid.text(0, SIDEBAR)
            for label, pattern in patterns.items():
                if label not in seen and pattern.search(sidebar):
                    seen[label] = now
        missing = sorted(set(patterns) - set(seen))
        if painted is None or missing:
            raise RuntimeError(f"not shown within {limit} s: {'the first headline' if painted is None else missing}")
    finally:
        reader.close()
    return painted - reader.started, max(seen.values()) - reader.started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sidebar", description=__doc__.split("\n\n")[0])
    parser.add_argument("stores", type=Path, nargs="+", help="store folders (the reader writes its session there)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    for folder in args.stores:
        want = expected(folder)
        state = ReaderState(Store(folder))
        state.load()
        counts, tags = state.sidebar_counts()
        exact = tags == +want.tags and counts["unread"] == want.counts["Unread"]
        load = os.getloadavg()[0]
        starts = [start(folder, want) for _ in range(args.runs)]
        print(f"{folder}: {want.counts['All stories']:,} stories, {len(want.tags)} tags, "
              f"{len(want.counts) - 3} feeds checked; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
        print(f"  reader's tag and unread counts equal a count over every mark: {'yes' if exact else 'NO'}")
        for painted, counted in starts:
            print(f"  first paint {painted:.2f} s; every checked count on screen {counted:.2f} s "
                  f"({(counted - painted) * 1000:+.0f} ms after the first paint)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

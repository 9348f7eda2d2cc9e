"""``python -m bench.scroll STORE...``: scrolling the whole list on a real terminal (issue 17:
"scrolling the whole list (G, PgDn held) never stalls a frame").

The reader runs as a whole process on a 120x40 pty (:class:`bench.terminal.Reader`) that
answers Textual's question about synchronized output as kitty, WezTerm or foot do, so each
frame arrives between ``ESC[?2026h`` and ``ESC[?2026l`` and its end can be timed. Keys are
written at a key-repeat rate (30 a second, a held key) whether or not the reader keeps up.
A key counts as drawn by the first frame that shows the list's cursor (the row marked ``>``)
on the story the key moves to or past it (one frame may draw several keys). Its latency is
that frame's end minus the moment the key was written; a **stall** is a key drawn later
than one repeat interval (1/30 s) after it was pressed: the next key is in before this one
shows. What is measured is what a user's terminal receives; no hook in the app.

Scenarios: ``j`` held from the top, PgDn held from the top, PgUp held from the end, and
``G`` / ``g`` pressed in turn (four a second: a user going to the end and back).
"""

from __future__ import annotations

import argparse
import os
import re
import select
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from bench.terminal import Reader
from broadsheet.store.reader.ordering import order_stories
from broadsheet.store.storage.db import Store

SYNC_END = b"\x1b[?2026l"
#: The list's cursor row as Textual writes it: ">" (styled), the bookmark column, the headline.
CURSOR_ROW = re.compile(rb">(?:\x1b\[[0-9;]*m)+[ *](?:\x1b\[[0-9;]*m)+([^\x1b]{4,})")
PREFIX = 14  # characters of a headline that identify its row (the list shows about 28 at 120 columns)
RATE = 30.0  # keys a second while a key is held
KEYS = {"j": b"j", "pagedown": b"\x1b[6~", "pageup": b"\x1b[5~", "G": b"G", "g": b"g"}


def _prefix(headline: str) -> str:
    return headline[:PREFIX]


def _agreement(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` begin with alike."""
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)


@dataclass(frozen=True, slots=True)
class Scenario:
    """What keys are pressed, and where the cursor is after each."""

    name: str
    keys: list[bytes]
    expected: list[int]  # the list row the cursor is on after each key
    interval: float  # seconds between keys
    setup: bytes = b""  # keys pressed (untimed) before, with the cursor then at ``start``
    start: int = 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    latencies: list[float]  # seconds, one per key; inf for a key never drawn
    frames: int
    seconds: float  # from the first key to the last key's frame
    cpu: float  # the reader's CPU seconds meanwhile (less shaken by other work on the machine than latency)

    @property
    def stalls(self) -> int:
        return sum(1 for x in self.latencies if x > 1 / RATE)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    def to_json(self) -> dict[str, float | int | str | list[float | None]]:
        return {"scenario": self.name, "keys": len(self.latencies), "frames": self.frames,
                "median_ms": self.quantile(0.5) * 1000, "p99_ms": self.quantile(0.99) * 1000,
                "max_ms": max(self.latencies) * 1000, "stalls": self.stalls, "seconds": self.seconds,
                "cpu_ms_per_key": self.cpu / len(self.latencies) * 1000,
                "latencies_ms": [round(x * 1000, 1) if x != float("inf") else None for x in self.latencies]}


class Screen:
    """The reader's output, cut into frames, with where the list's cursor was drawn in each."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.buffer = b""

    def frames(self, timeout: float) -> list[tuple[float, list[str]]]:
        """Frames that ended within ``timeout`` seconds: (when, cursor-row texts drawn in it)."""
        ready, _, _ = select.select([self.reader.master], [], [], max(0.0, timeout))
        if not ready:
            return []
        try:
            chunk = os.read(self.reader.master, 1 << 16)
        except OSError:
            return []
        now = time.perf_counter()
        self.reader.answer(chunk)
        self.buffer += chunk
        found = []
        while (end := self.buffer.find(SYNC_END)) >= 0:
            frame, self.buffer = self.buffer[:end], self.buffer[end + len(SYNC_END):]
            rows = [m.group(1).decode("utf-8", "replace") for m in CURSOR_ROW.finditer(frame)]
            found.append((now, rows))
        return found

    def drain(self, seconds: float) -> None:
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            self.frames(until - time.perf_counter())


def run(reader: Reader, screen: Screen, scenario: Scenario, rows: Rows, limit: float = 20.0) -> Result:
    """Press the scenario's keys on schedule; time each until a frame shows the cursor at or past its row.

    Keys are drawn in order: a key counts once the one before it did, so a frame still showing
    an earlier key's row never counts for a later one."""
    if scenario.setup:
        reader.press(scenario.setup)
        screen.drain(2.0)
    n = len(scenario.keys)
    sent: list[float] = []
    drawn: list[float] = []
    at = scenario.start  # the row the cursor was last seen on
    frames = 0
    cpu = cpu_seconds(reader.proc.pid)
    begin = time.perf_counter()
    deadline = begin + n * scenario.interval + limit
    while len(drawn) < n and time.perf_counter() < deadline:
        due = begin + len(sent) * scenario.interval
        if len(sent) < n and time.perf_counter() >= due:
            sent.append(reader.press(scenario.keys[len(sent)]))
            continue
        wait = due - time.perf_counter() if len(sent) < n else 0.05
        for when, texts in screen.frames(min(wait, 0.05)):
            frames += 1
            hints = [at, *scenario.expected[len(drawn):len(sent)]]
            for text in texts:
                found = rows.locate(text, hints)
                if found is not None:
                    at = found
            while len(drawn) < len(sent) and _reached(scenario, len(drawn), at):
                drawn.append(when)
    latencies = [d - s for s, d in zip(sent, drawn, strict=False)] + [float("inf")] * (n - len(drawn))
    end = drawn[-1] if drawn else time.perf_counter()
    screen.drain(0.3)  # what the keys left to do (a story shown once the cursor rests) counts in the CPU
    return Result(scenario.name, latencies, frames, end - begin, cpu_seconds(reader.proc.pid) - cpu)


def _reached(scenario: Scenario, i: int, at: int) -> bool:
    """Whether the cursor seen on row ``at`` shows key ``i`` done (at its row, or past it the way it went)."""
    target = scenario.expected[i]
    before = scenario.expected[i - 1] if i else scenario.start
    return at >= target if target >= before else at <= target


class Rows:
    """The listed headlines, looked up by what the cursor row shows, near where the cursor may be."""

    def __init__(self, folder: Path) -> None:
        store = Store(folder)
        self.shown = order_stories(store.catalogue(), store.user.get_setting("order", "newest"))
        self.count = len(self.shown)
        self._heads: dict[int, str] = {}

    def headline(self, index: int) -> str:
        head = self._heads.get(index)
        if head is None:
            head = self._heads[index] = self.shown[index].headline
        return head

    def locate(self, text: str, hints: list[int], reach: int = 64) -> int | None:
        """The row whose headline the cursor row ``text`` shows: looked for around each of
        ``hints`` and between the first and last of them (a held key goes one way). Of the rows
        whose headlines begin alike (the generated ones do: at a million stories rows 307 and
        330 both begin "The Chousshoux "), the one that agrees with more of the text."""
        text = text.rstrip().rstrip("…")
        if len(hints) > 1 and abs(hints[-1] - hints[0]) <= 8192:
            spans = [(min(hints[0], hints[-1]) - reach, max(hints[0], hints[-1]) + reach)]
        else:
            spans = [(h - reach, h + reach) for h in hints]
        best, agreed = None, 0
        for low, high in spans:
            for i in range(max(0, low), min(self.count, high + 1)):
                head = self.headline(i)
                if text.startswith(_prefix(head)) or (len(text) >= PREFIX and head.startswith(text[:PREFIX])):
                    same = _agreement(text, head)
                    if same > agreed:
                        best, agreed = i, same
        return best


def page_size(reader: Reader, screen: Screen, rows: Rows) -> int:
    """How far PgDn moves the cursor on this terminal (pressed once from the top, untimed)."""
    reader.press(KEYS["pagedown"])
    seen: int | None = None
    until = time.perf_counter() + 5
    while seen is None and time.perf_counter() < until:
        for _when, texts in screen.frames(0.05):
            for text in texts:
                seen = rows.locate(text, [1, 60]) or seen
    reader.press(KEYS["g"])
    screen.drain(1.0)
    if not seen:
        raise RuntimeError("PgDn: the cursor row was never seen")
    return seen


def scenarios(rows: Rows, page: int, seconds: float) -> list[Scenario]:
    held = round(seconds * RATE)
    last = rows.count - 1
    steps = min(held, last)
    pages = min(held, last // page)
    jumps = max(2, round(seconds * 4)) // 2 * 2
    return [
        Scenario("j held, from the top", [KEYS["j"]] * steps, list(range(1, steps + 1)), 1 / RATE),
        Scenario("PgDn held, from the top", [KEYS["pagedown"]] * pages,
                 [page * (i + 1) for i in range(pages)], 1 / RATE, setup=KEYS["g"]),
        Scenario("PgUp held, from the end", [KEYS["pageup"]] * pages, [last - page * (i + 1) for i in range(pages)],
                 1 / RATE, setup=KEYS["G"], start=last),
        Scenario("G and g in turn", [KEYS["G"], KEYS["g"]] * (jumps // 2), [last, 0] * (jumps // 2), 0.25,
                 setup=KEYS["g"]),
    ]


def measure(folder: Path, seconds: float = 3.0) -> list[Result]:
    """Every scenario on one store, in one reader process opened on the first story."""
    Store(folder).user.set_setting("session", {})  # the top of the list, wherever a run left off
    rows = Rows(folder)
    reader = Reader(folder, sync=True)
    screen = Screen(reader)
    try:
        until = time.perf_counter() + 60
        while time.perf_counter() < until:  # the first paint, with the cursor on the first story
            if any(rows.locate(t, [0]) == 0 for _w, texts in screen.frames(0.05) for t in texts):
                break
        else:
            raise RuntimeError("the reader never showed its first story")
        screen.drain(1.0)
        page = page_size(reader, screen, rows)
        return [run(reader, screen, s, rows) for s in scenarios(rows, page, seconds)]
    finally:
        reader.press(b"g")
        reader.close()


def render(folder: Path, results: list[Result]) -> str:
    lines = [f"{folder}: {Rows(folder).count:,} stories, keys at {RATE:.0f}/s held (G/g at 4/s), "
             f"stall = drawn more than {1000 / RATE:.0f} ms after the key"]
    lines.append(f"  {'scenario':<26} {'keys':>5} {'frames':>6} {'median ms':>9} {'p99 ms':>7} {'max ms':>7} "
                 f"{'stalls':>6} {'CPU ms/key':>10}")
    for r in results:
        j = r.to_json()
        lines.append(f"  {r.name:<26} {j['keys']:>5} {j['frames']:>6} {j['median_ms']:>9.1f} {j['p99_ms']:>7.1f} "
                     f"{j['max_ms']:>7.1f} {j['stalls']:>6} {j['cpu_ms_per_key']:>10.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scroll", description=__doc__.split("\n\n")[0])
    parser.add_argument("stores", type=Path, nargs="+", help="store folders (the reader writes its session there)")
    parser.add_argument("--seconds", type=float, default=3.0, help="how long each key is held")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    out = {}
    for folder in args.stores:
        load = os.getloadavg()[0]
        results = measure(folder, args.seconds)
        print(render(folder, results) + f"\n  load average {load:.1f} before, {os.getloadavg()[0]:.1f} after",
              flush=True)
        out[str(folder)] = {"load": load, "results": [r.to_json() for r in results]}
    if args.json:
        args.json.write_bytes(orjson.dumps(out, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The progress bar of the long commands (import, repair, export, reindex, reparse, fetch).

Drawn on standard error only when it is a terminal, and wiped when the command ends (on
Ctrl-C too, with the cursor shown again), so a pipe, a log or a test reading the output gets
exactly what it got without it. ``store/`` knows nothing of Rich: its long passes take an
``on_progress`` callback, and :class:`Bar`'s methods are such callbacks.

The bar is redrawn from those callbacks (at most every ``REFRESH`` seconds), not by Rich's
refresh thread: with a thread running, the importer cannot fork its parse workers and spawns
them instead, each a fresh interpreter importing everything again (0.3 s of CPU each).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn, TimeRemainingColumn
from rich.text import Text

from broadsheet.store.errors import StoreWriteError

if TYPE_CHECKING:
    from broadsheet.store.storage.db import Store

REFRESH = 0.1  # seconds between two redraws


class _Counts(ProgressColumn):
    """``12,345/100,000`` (``12,345`` while the total is not known)."""

    def render(self, task: Task) -> Text:
        done = f"{int(task.completed):,}"
        return Text(done if task.total is None else f"{done}/{int(task.total):,}", style="progress.download")


class _Rate(ProgressColumn):
    """``1,234 stories/s``, from the last few updates (blank until there are some)."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text("")
        shown = f"{speed:,.1f}" if speed < 10 else f"{speed:,.0f}"
        return Text(f"{shown} {self.unit}/s", style="progress.data.speed")


class Bar:
    """A transient bar on ``console`` (standard error): a description, the bar, counts, the
    rate and the time left. ``quiet`` (or a console that is not a terminal) draws nothing.
    ``units``: the unit of a pass (:meth:`phase`) that counts other things than ``unit``."""

    def __init__(self, console: Console, what: str, *, unit: str, total: int | None = None,
                 quiet: bool = False, detail: bool = False, units: Mapping[str, str] | None = None) -> None:
        self._unit, self._units, self._rate = unit, units or {}, _Rate(unit)
        columns: list[ProgressColumn | str] = [TextColumn("{task.description}", markup=False), BarColumn(),
                                               _Counts(), self._rate, TextColumn("eta"), TimeRemainingColumn()]
        if detail:
            columns.append(TextColumn("{task.fields[detail]}", markup=False))
        self.progress = Progress(*columns, console=console, transient=True, auto_refresh=False,
                                 disable=quiet or not console.is_terminal)
        self._drawn = 0.0
        self.what = what
        self.task: TaskID = self.progress.add_task(what, total=total, detail="")

    @property
    def shown(self) -> bool:
        return not self.progress.disable

    def __enter__(self) -> Bar:
        self.progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.progress.stop()  # wipes the bar and shows the cursor, whatever ended the work

    def _draw(self, now: bool = False) -> None:
        """Redraw if ``REFRESH`` has passed since the last time (or ``now``)."""
        moment = time.monotonic()
        if now or moment - self._drawn >= REFRESH:
            self._drawn = moment
            self.progress.refresh()

    # -- callbacks for store/ ----------------------------------------------------------------

    def total(self, total: int | None) -> None:
        self.progress.update(self.task, total=total)
        self._draw(now=True)

    def advance(self, steps: int = 1) -> None:
        self.progress.advance(self.task, steps)
        self._draw()

    def update(self, done: int, total: int | None = None) -> None:
        """``on_progress(done, total)``."""
        self.progress.update(self.task, completed=done, total=total)
        self._draw()

    def phase(self, what: str, done: int, total: int) -> None:
        """``on_progress(what, done, total)`` of a command made of passes: a new ``what``
        starts the bar again (its rate and time left are of this pass)."""
        if what != self.what:
            self.what = what
            self._rate.unit = self._units.get(what, self._unit)
            self.progress.reset(self.task, total=total, completed=done, description=what)
            self._draw(now=True)
        else:
            self.progress.update(self.task, completed=done, total=total)
            self._draw()

    def detail(self, text: str) -> None:
        """The text after the bar (what is being worked on: a feed's name)."""
        self.progress.update(self.task, detail=text)
        self._draw()


def update_addresses(console: Console, store: Store, *, quiet: bool = False) -> None:
    """Bring a store's addresses up to date with a bar, before a command writes stories (once a
    store: some seconds at a million stories, see store.storage.addresses). A store that cannot
    be written now is left to the command, which says so its own way."""
    from filelock import Timeout

    if store.addresses_current or store.read_only:
        return
    with Bar(console, "Updating addresses", unit="shards", quiet=quiet) as bar, contextlib.suppress(
            StoreWriteError, Timeout):
        store.update_addresses(bar.update)

"""``broadsheet`` / ``broadsheet run``: open the store and the reader.

Kept apart from the other commands so starting the reader imports neither the parser nor
the importer (about 60 ms of start-up at any store size). The terminal's graphics query
goes out before the store opens and its answer is read just before Textual takes the
terminal (:func:`reader_start`), so over SSH its round trip overlaps the start-up.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from broadsheet.cli.safe import shown
from broadsheet.store.collector import resume_after_start
from broadsheet.store.errors import NOT_WRITABLE, StoreFileError
from broadsheet.store.storage.db import Store

if TYPE_CHECKING:
    from broadsheet.config import Config
    from broadsheet.tui.graphics_probe import Detection

err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def open_store(folder: Path) -> Store | int:
    """The store at ``folder``, or the exit status after saying why it cannot be opened: 2 for a
    damaged store file (``repair`` rebuilds it), 1 for a folder that cannot be made or read, as a
    read-only store's writes give (README's exit codes; both gave 2)."""
    try:
        return Store(folder)
    except StoreFileError as exc:
        err.print(Text(f"broadsheet: cannot open the store at {shown(str(folder))}: {shown(str(exc))}", style="red"))
        err.print("Nothing has been overwritten. Run `broadsheet repair` to rebuild what can be rebuilt.")
        return 2
    except OSError as exc:
        err.print(Text(f"broadsheet: cannot open the store at {shown(str(folder))}: {shown(_why_not(folder, exc))}",
                       style="red"))
        return 1


def _why_not(folder: Path, exc: OSError) -> str:
    """Why the store folder cannot be opened, and what to do (a bare "Permission denied" said neither)."""
    if folder.exists() and not folder.is_dir():
        return "it is a file, not a folder; give a store's folder with --store DIR"
    reason = exc.strerror or str(exc)
    if exc.errno not in NOT_WRITABLE:
        return reason
    if folder.is_dir():
        return f"{reason.lower()}; make it readable and writable for you, or give another folder with --store DIR"
    parent = next((p for p in folder.absolute().parents if p.is_dir()), folder.absolute().parent)
    return (f"it does not exist and cannot be made in {parent} ({reason.lower()}); give a folder you can write "
            f"with --store DIR (or $BROADSHEET_STORE), or make {parent} writable")


@dataclass(frozen=True, slots=True)
class Start:
    """What ``broadsheet run`` has done before its store opens: read the config, asked the terminal about graphics."""

    config: Config
    graphics: Detection


@contextlib.contextmanager
def reader_start() -> Iterator[Start]:
    """Send the terminal its graphics query first thing; its answer is read as the reader takes the terminal.

    Over SSH the answer is a network round trip away: it travels while the store opens, an
    empty store is seeded and the app's modules load, instead of before all that. Leaving
    the block reads (or waits out) the answer and restores the tty's modes on every path.
    """
    from broadsheet.config import config_path, ensure_config_file, load_config
    from broadsheet.tui.graphics_probe import start_detection

    path = config_path()
    with contextlib.suppress(OSError):  # a read-only home still reads
        ensure_config_file(path)
    config = load_config(path)
    with start_detection(config.images) as graphics:
        yield Start(config, graphics)


def run_command(store: Store, *, seed: bool, start: Start | None = None) -> int:
    """Open the reader; on first use, fill an empty store with the bundled seed story."""
    if start is None:
        with reader_start() as start:
            return run_command(store, seed=seed, start=start)
    if seed and not store.read_only and len(store) == 0 and not store.user.get_setting("seeded", False):
        from broadsheet.cli.commands import run_import  # the importer and parser load only when seeding
        from broadsheet.resources import seed_files

        resume_after_start()  # the importer (and the workers it forks) runs with the collector, as always
        run_import(store, seed_files(), 5 * 1024 * 1024, quiet=True)
        store.user.set_setting("seeded", True)
    from broadsheet.tui.app import BroadsheetApp

    # The answer is in by now, as a rule; keys typed before it came are the reader's first keys.
    app = BroadsheetApp(store, start.config, start.graphics.protocol(), start.graphics.typed_ahead())
    app.run()
    return app.return_code or 0  # 1 when the reader stopped on an error (Textual has shown it)

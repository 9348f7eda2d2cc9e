"""``broadsheet`` / ``broadsheet run``: open the store and the reader.

Kept apart from the other commands so starting the reader imports neither the parser nor
the importer (about 60 ms of start-up at any store size).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from rich.console import Console
from rich.text import Text

from broadsheet.store.collector import resume_after_start
from broadsheet.store.errors import StoreFileError
from broadsheet.store.storage.db import Store

err = Console(stderr=True, highlight=False, soft_wrap=True)


def open_store(folder: Path) -> Store | None:
    try:
        return Store(folder)
    except StoreFileError as exc:
        err.print(Text(f"broadsheet: cannot open the store at {folder}: {exc}", style="red"))
        err.print("Nothing has been overwritten. Run `broadsheet repair` to rebuild what can be rebuilt.")
        return None
    except OSError as exc:
        err.print(Text(f"broadsheet: cannot open the store at {folder}: {exc}", style="red"))
        return None


def run_command(store: Store, *, seed: bool) -> int:
    """Open the reader; on first use, fill an empty store with the bundled seed stories."""
    from broadsheet.config import config_path, ensure_config_file, load_config

    if seed and not store.read_only and len(store) == 0 and not store.user.get_setting("seeded", False):
        from broadsheet.cli.commands import run_import  # the importer and parser load only when seeding
        from broadsheet.resources import seed_files

        resume_after_start()  # the importer (and the workers it forks) runs with the collector, as always
        run_import(store, seed_files(), 5 * 1024 * 1024, quiet=True)
        store.user.set_setting("seeded", True)
    path = config_path()
    with contextlib.suppress(OSError):  # a read-only home still reads
        ensure_config_file(path)
    config = load_config(path)
    from broadsheet.tui.graphics import detect_protocol  # one round trip to the terminal, before Textual owns it

    graphics = detect_protocol(config.images)
    from broadsheet.tui.app import BroadsheetApp

    app = BroadsheetApp(store, config, graphics)
    app.run()
    return app.return_code or 0  # 1 when the reader stopped on an error (Textual has shown it)

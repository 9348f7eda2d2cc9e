"""Where the store lives: ``--store DIR``, else ``$BROADSHEET_STORE``, else the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "broadsheet"


def default_store_dir() -> Path:
    env = os.environ.get("BROADSHEET_STORE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_store_dir(option: str | None) -> Path:
    """The store folder for a ``--store`` option value (``None`` when not given)."""
    return Path(option).expanduser() if option else default_store_dir()


#: What a store folder holds once anything was stored in it (stories, marks, subscriptions).
STORE_FILES = ("meta", "articles.json", "bodies", "listing.bin", "state", "feeds.json")


def is_store(folder: Path) -> bool:
    """Whether ``folder`` holds a store: a mistyped ``--store`` (or a folder of pages) is none."""
    return any((folder / name).exists() for name in STORE_FILES)

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

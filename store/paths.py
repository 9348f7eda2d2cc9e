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


#: Names a store makes before it holds STORE_FILES (a first import stopped early): not another's files.
_MADE_FIRST = ("index", "photos", "directory.bin", "addresses.json", "identity.json", "settings.json")


SHOWN_OTHERS = 3  # names of others' files said (one more is looked for, to say there are more)


def others_files(folder: Path) -> list[str]:
    """A few names in ``folder`` that no store put there, when it holds no store: a folder of
    pages given as ``--store`` became a store among them (``import``'s files written beside the
    user's). Empty for a store, a new or empty folder, or one of hidden files only."""
    if is_store(folder):
        return []
    found: list[str] = []
    try:
        with os.scandir(folder) as entries:  # a few names, not a folder of a million listed
            for entry in entries:
                if not entry.name.startswith(".") and entry.name not in _MADE_FIRST:
                    found.append(entry.name)
                    if len(found) > SHOWN_OTHERS:
                        break
    except OSError:  # not there yet, or not a folder: said where it is made
        return []
    return sorted(found)

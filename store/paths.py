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


#: A file system's own folder at its root: a fresh partition mounted as the store is an empty folder.
LOST_AND_FOUND = "lost+found"


def _store_names() -> frozenset[str]:
    """The names a store makes at its root besides STORE_FILES, from the modules that write them:
    a first import killed after writing one (its journal ``storing.json``, say) left no other's
    files, and the next import finishes it. (Imported here: only a command that makes a store,
    and so opens it, asks.)"""
    from broadsheet.store.feeds import latest
    from broadsheet.store.feeds.feedstories import FOLLOWING
    from broadsheet.store.storage import addresses, db, markkeys, reindexing, userstate

    return frozenset({"index", "photos", "directory.bin", "identity.json", "settings.json", addresses.ADDRESSES,
                      db.DELETED_ENTRIES, db.DELETING, db.RESTORING, db.TAGGING, db.STORING, db.REPARSING,
                      reindexing.REINDEX, markkeys.MARKS_FILE, userstate.OLD_COUNTS, FOLLOWING, latest.FILE})


SHOWN_OTHERS = 3  # names of others' files said (one more is looked for, to say there are more)


def others_files(folder: Path) -> list[str]:
    """A few names in ``folder`` that no store put there, when it holds no store: a folder of
    pages given as ``--store`` became a store among them (``import``'s files written beside the
    user's). Empty for a store, a new or empty folder (``lost+found`` aside), one of hidden files only,
    or one of a store's own files only."""
    if is_store(folder):
        return []
    found: list[str] = []
    ours = _store_names() | {LOST_AND_FOUND}
    try:
        with os.scandir(folder) as entries:  # a few names, not a folder of a million listed
            for entry in entries:
                if not entry.name.startswith(".") and entry.name not in ours:
                    found.append(entry.name)
                    if len(found) > SHOWN_OTHERS:
                        break
    except OSError:  # not there yet, or not a folder: said where it is made
        return []
    return sorted(found)

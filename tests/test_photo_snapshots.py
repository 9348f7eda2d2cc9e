"""Snapshots of photos drawn in half-blocks at 80x24 and 120x40: the panel and the full-screen view.

The protocol is pinned to half-blocks (what SSH, tmux and `broadsheet serve` get), so the
pictures are the same on every machine; the photos are drawn by tests/photos.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.store.search import SearchIndex
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from tests.factories import make_article
from tests.photos import photo_article
from tests.test_snapshots import SIZES, steps


def photo_snapshot_store(folder: Path) -> Store:
    store = Store(folder)
    store.add([(photo_article(store, 0, count=2), None), (photo_article(store, 1, count=1), None),
               (make_article(4, images=[], published="2020-01-01"), None)])
    SearchIndex.open(store)
    return store


PHOTO_SCREENS = {
    "photo_panel": steps(),
    "photo_reading": steps("enter"),
    "photo_next": steps("j", "enter", "p"),  # the story with two photos, on its second
    "photo_full_screen": steps("enter", "v"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(PHOTO_SCREENS))
def test_photo_screen(snap_compare, tmp_path: Path, screen: str, size: tuple[int, int]) -> None:
    app = BroadsheetApp(photo_snapshot_store(tmp_path / "store"), graphics="halfblocks")
    assert snap_compare(app, terminal_size=size, run_before=PHOTO_SCREENS[screen])

"""A notice naming a file breaks a long path after a folder's ``/``, never inside a name (it said
``…/a-rather-long-f`` over ``older-name/…``), at the width the notice really has."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets._toast import Toast  # Textual's notice widget: no public name

from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.notices import notice_width, wrap_paths
from tests.pilot import settle

PATH = "/home/ann/exports/a-rather-long-folder-name/another_long_folder_name_for_testing/broadsheet-export.md"


@pytest.mark.parametrize("size", [(80, 24), (99, 30), (100, 30), (150, 45)])
async def test_a_long_path_in_a_notice_breaks_at_its_folders(store: Store, size: tuple[int, int]) -> None:
    app = BroadsheetApp(store)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        app.notify(f"Exported 7 stories to {PATH}", timeout=30)
        await settle(pilot)
        toast = app.screen.query_one(Toast)
        width = toast.content_region.width
        lines = str(toast._notification.message).split("\n")
    assert width == notice_width(size[0])  # the width the lines are made for is the notice's
    assert all(cell_len(line) <= width for line in lines), lines  # so the notice breaks none of them
    path = [line.split(" ")[-1] for line in lines if "/" in line or line.endswith(".md")]
    assert lines[0].startswith("Exported 7 stories to /") and path[-1].split("/")[-1] == "broadsheet-export.md", lines
    assert all(line.endswith("/") for line in path[:-1]), lines  # each line ends after a folder
    assert "".join(path) == PATH or (width < 37 and "…" in "".join(path)), lines  # a folder wider: cut mid-name


def test_a_notice_without_a_long_path_is_left_to_the_notice() -> None:
    said = "Exported 7 stories to /tmp/x.md (its photos beside it in /tmp/x-photos/)"
    assert wrap_paths(said, 36) == said
    assert wrap_paths("A sentence about nothing in particular that runs on", 10) == \
        "A sentence about nothing in particular that runs on"
    assert wrap_paths(f"Saved: {PATH}", 37).split("\n") == [
        "Saved: /home/ann/exports/", "a-rather-long-folder-name/",
        "another_long_folder_name_for_testing/", "broadsheet-export.md"]
    assert wrap_paths(f"To {PATH}", 30).split("\n")[-2:] == ["another_long_fo…e_for_testing/", "broadsheet-export.md"]

"""A ``reparse`` killed part way (``kill -9``, a dropped SSH session) leaves each story once, with its marks.

Before, every batch was stored under its new ids with its marks copied there, and the old stories
were deleted only after the last batch: a reparse killed after a few batches left each story read
again listed twice, the bookmark on both, and no later command finished it.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from tests.dumps import FERRY_DUMP

STORIES = 8
BOOKMARKED = (0, 1, 2, 5)

# Runs `broadsheet reparse --all` two stories a batch, and sends itself the signal named (SIGKILL:
# nothing of it runs on; SIGHUP: a dropped SSH session) at the second call of the function named:
# inside the second batch's store write, once its stories are written, or once it is stored.
KILLED = """
import os, signal, sys
from broadsheet.cli.main import main
from broadsheet.store.ingest import importer, reparse
from broadsheet.store.storage.db import Store

reparse.BATCH = 2
owner, name = {"store": (Store, "_let_go"), "batch": (importer.Indexer, "add")}[sys.argv[2]]
original, calls = getattr(owner, name), []

def killing(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:
        os.kill(os.getpid(), getattr(signal, sys.argv[3]))
    return original(*args, **kwargs)

setattr(owner, name, killing)
main(["--store", sys.argv[1], "reparse", "--all"])
"""


def _headline(n: int) -> str:
    return f"Harbour council approves new ferry timetable number {n}"


def _listed(folder: Path, command: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The headlines ``broadsheet list`` or ``bookmarks`` shows, sorted (each line's last column)."""
    capsys.readouterr()
    assert main(["--store", str(folder), command]) == 0
    lines = capsys.readouterr().out.splitlines()
    return sorted(re.split(r"\s{2,}", line.strip())[-1] for line in lines if line.strip())


@pytest.mark.parametrize(("killed_in", "by"), [("store", "SIGKILL"), ("batch", "SIGKILL"), ("store", "SIGHUP")])
def test_a_reparse_killed_part_way_leaves_each_story_once_with_its_marks(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], killed_in: str, by: str) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(STORIES):
        (pages / f"p{n}.txt").write_text(FERRY_DUMP.replace("ferry timetable after long debate", f"ferry timetable "
                                                            f"number {n}"))
    import_paths(store, [pages])
    ids = {meta.headline: meta.id for meta in store.stories()}
    for n in BOOKMARKED:
        store.user.set_bookmarked(ids[_headline(n)], True)
    for n in range(STORIES):  # a new headline: a new id when read again
        page = pages / f"p{n}.txt"
        page.write_text(page.read_text().replace(f"number {n}\n", f"number {n} revised\n"))

    killed = subprocess.run([sys.executable, "-c", KILLED, str(store.folder), killed_in, by], capture_output=True)
    assert killed.returncode == -getattr(signal, by), killed.stderr  # ended by it, as ever

    listed = _listed(store.folder, "list", capsys)  # the next command to open the store finishes the batch
    assert not (store.folder / "reparsing.json").exists()
    revised = [n for n in range(STORIES) if f"{_headline(n)} revised" in listed]
    assert len(revised) >= 2  # the batches stored before the kill
    assert len(listed) == STORIES
    assert listed == sorted(f"{_headline(n)} revised" if n in revised else _headline(n) for n in range(STORIES))
    assert _listed(store.folder, "bookmarks", capsys) == sorted(
        f"{_headline(n)} revised" if n in revised else _headline(n) for n in BOOKMARKED)

    assert main(["--store", str(store.folder), "reparse", "--all"]) == 0
    assert _listed(store.folder, "list", capsys) == sorted(f"{_headline(n)} revised" for n in range(STORIES))
    assert _listed(store.folder, "bookmarks", capsys) == sorted(f"{_headline(n)} revised" for n in BOOKMARKED)

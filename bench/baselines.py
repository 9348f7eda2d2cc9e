"""What a user would reach for instead: ``rg -l -i`` over the text files, a plain TinyDB file."""

from __future__ import annotations

import random
import shutil
import subprocess
import time
from pathlib import Path

from bench.stats import Sample, repeat


def rg_path() -> str | None:
    return shutil.which("rg")


def rg_search(folders: list[Path], words: list[str], runs: int) -> Sample | None:
    """Seconds per ``rg -l -i WORD`` over the page folders (each word ``runs`` times, warm cache)."""
    rg = rg_path()
    if rg is None:
        return None
    times: list[float] = []
    for word in words:
        command = [rg, "-l", "-i", "--no-messages", word, *map(str, folders)]
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False)  # warm the page cache
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - start)
    return Sample.of(times)


def tinydb_load(path: Path, runs: int) -> Sample:
    """Seconds to open the TinyDB file and count its documents (parses the whole file)."""
    from tinydb import TinyDB

    def load() -> None:
        db = TinyDB(path)
        len(db)
        db.all()
        db.close()

    return repeat(load, runs)


def tinydb_update(path: Path, runs: int, seed: int = 5) -> Sample:
    """Seconds for one ``update`` of one field of one document (bookmark), on an open TinyDB."""
    from tinydb import TinyDB

    db = TinyDB(path)
    ids = [doc.doc_id for doc in db.all()]
    rng = random.Random(seed)
    times = []
    for _ in range(runs):
        doc_id = rng.choice(ids)
        start = time.perf_counter()
        db.update({"bookmarked": True}, doc_ids=[doc_id])
        times.append(time.perf_counter() - start)
    db.close()
    return Sample.of(times)

"""Large and hostile files in one import: a 100 MB file, a 5 MB single line, binaries, a link loop.

Every bad file must come back with a reason, every good one must import, nothing raises.
"""

from __future__ import annotations

import codecs
import os
import random
import time
from pathlib import Path

from broadsheet.store.ingest.decode import DEFAULT_MAX_BYTES
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from soak.crash import Counts
from soak.stories import PNG, story_text


def _write_big(path: Path, size: int) -> None:
    line = b"The harbour council met again on Tuesday to talk about the ferry timetable.\n"
    with open(path, "wb") as handle:
        block = line * (1024 * 1024 // len(line))
        while handle.tell() < size:
            handle.write(block)


def large_files(folder: Path) -> Counts:
    """Import a folder of large, binary, badly encoded and good files; check each outcome."""
    counts = Counts()
    src = folder / "in"
    src.mkdir(parents=True)
    rng = random.Random(7)
    good = {f"good-{n:02d}.txt": story_text(n, rng).encode() for n in range(18)}
    good["cp1252.txt"] = story_text(90, rng).replace("Residents", "Résidents").encode("cp1252")
    good["utf16.txt"] = codecs.BOM_UTF16_LE + story_text(91, rng).encode("utf-16-le")
    bad = {
        "big-100mb.txt": "too large",
        "single-line-5mb.txt": "",
        "picture.png": "binary",
        "program.elf": "binary",
        "nul.txt": "binary",
        "empty.txt": "empty",
        "link-a": "symbolic links",
        "link-b": "symbolic links",
    }
    for name, data in good.items():
        (src / name).write_bytes(data)
    _write_big(src / "big-100mb.txt", 100 * 1024 * 1024)
    (src / "single-line-5mb.txt").write_bytes(b"word " * (DEFAULT_MAX_BYTES // 5 - 1))
    (src / "picture.png").write_bytes(PNG + os.urandom(4096))
    (src / "program.elf").write_bytes(b"\x7fELF\x02\x01\x01\x00" + os.urandom(4096))
    (src / "nul.txt").write_bytes(b"Headline\n\n\x00\x00 body")
    (src / "empty.txt").write_bytes(b"")
    (src / "loop").symlink_to(".", target_is_directory=True)
    (src / "link-a").symlink_to(src / "link-b")
    (src / "link-b").symlink_to(src / "link-a")
    store = Store(folder / "store")
    started = time.monotonic()
    try:
        report = import_paths(store, [src])
    except Exception as exc:
        counts.losses.append(f"import raised {type(exc).__name__}: {exc}")
        return counts
    elapsed = time.monotonic() - started
    outcomes = {Path(o.path).name: o for o in report.outcomes}
    counts.runs = len(outcomes)
    counts.faults = len(bad)
    if set(outcomes) != set(good) | set(bad):
        counts.losses.append(f"outcomes for {sorted(outcomes)}, expected one per file")
    for name in good:
        if name in outcomes and outcomes[name].status != "imported":
            counts.losses.append(f"{name} did not import: {outcomes[name].reason}")
    for name, reason in bad.items():
        outcome = outcomes.get(name)
        if outcome is not None and (outcome.status != "failed" or not outcome.reason or reason not in outcome.reason):
            counts.losses.append(f"{name}: expected a failure with {reason!r}, got {outcome.status} {outcome.reason!r}")
    if elapsed > 120:
        counts.losses.append(f"the import took {elapsed:.0f} s")
    counts.stories_checked = len(Store(store.folder).stories())
    return counts

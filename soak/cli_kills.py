"""Kill the real ``broadsheet`` command (import, tag) with SIGHUP or SIGKILL, as a dropped SSH session would.

Each ``broadsheet tag`` that exits 0 is acknowledged and its tag must be in the store
afterwards; an interrupted import leaves a store holding some of the pool's stories,
each exactly as parsed, and a final uninterrupted import brings in the rest.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import Marks
from soak.crash import Counts, observe, temp_files, unparsable_files
from soak.stories import Source

BIN = Path(sys.executable).parent / "broadsheet"


def _check(folder: Path, pool: list[Source], counts: Counts, label: str) -> Store | None:
    try:
        store = Store(folder)
        seen = observe(store)
    except Exception as exc:
        counts.losses.append(f"{label}: store does not open: {exc}")
        return None
    expected = {s.story_id: (s.headline, s.body) for s in pool if s.story_id}
    wrong = [sid for sid, story in seen.stories.items() if expected.get(sid) != story]
    if wrong:
        counts.losses.append(f"{label}: stories not as imported: {wrong[:3]}")
    counts.losses += [f"{label}: temp file left: {p}" for p in temp_files(folder)]
    counts.losses += [f"{label}: does not parse: {bad}" for bad in unparsable_files(folder)]
    counts.stories_checked += len(seen.stories)
    return store


def _run_killed(args: list[str], rng: random.Random, delays: tuple[float, float]) -> tuple[int | None, int]:
    """Run ``args``; kill it after a random delay unless it finished. Returns (exit code or None, signal)."""
    sig = rng.choice((signal.SIGHUP, signal.SIGKILL))
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + rng.uniform(*delays)
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    if proc.poll() is None:
        proc.send_signal(sig)
        proc.wait()
        return None, sig
    return proc.returncode, sig


def _duration(args: list[str]) -> float:
    """How long ``args`` takes when left alone (kill delays are drawn around it, whatever the load)."""
    started = time.monotonic()
    subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    return time.monotonic() - started


def cli_import_kills(folder: Path, pool: list[Source], runs: int, seed: int) -> Counts:
    """``runs`` interrupted ``broadsheet import`` runs, each into a fresh store (the import stores its
    stories in one batch at the end, so a store that already holds them has nothing left to
    interrupt); each store is checked, then imported again to completion."""
    counts = Counts()
    rng = random.Random(seed)
    source_dir = str(pool[0].path.parent)
    full = _duration([str(BIN), "--store", str(folder.parent / "timing"), "import", source_dir])
    for run in range(runs):
        target = folder.parent / f"{folder.name}-killed-{run}" if run < runs - 1 else folder
        code, sig = _run_killed([str(BIN), "--store", str(target), "import", source_dir], rng, (0.6 * full, full))
        counts.runs += 1
        counts.faults += code is None
        _check(target, pool, counts, f"cli import run {run} (signal {sig}, exit {code})")
        done = subprocess.run([str(BIN), "--store", str(target), "import", source_dir], capture_output=True,
                              check=False)
        store = _check(target, pool, counts, f"cli import run {run}, imported again")
        if done.returncode != 0 or store is None:
            tail = done.stderr.decode(errors="replace")[-300:]
            counts.losses.append(f"cli import run {run}: re-import failed: {tail}")
        elif {m.id for m in store.stories()} != {s.story_id for s in pool if s.story_id}:
            counts.losses.append(f"cli import run {run}: the store does not hold every good story after re-import")
    return counts


def cli_tag_kills(folder: Path, pool: list[Source], runs: int, seed: int) -> Counts:
    """``runs`` ``broadsheet tag`` commands, killed at random; every one that exited 0 must have landed."""
    counts = Counts()
    rng = random.Random(seed)
    ids = [s.story_id for s in pool if s.story_id]
    present = {m.id for m in Store(folder).stories()}
    ids = [sid for sid in ids if sid in present] or ids
    acked: list[tuple[str, str]] = []
    full = _duration([str(BIN), "--store", str(folder), "tag", ids[0], "timing"])
    acked.append((ids[0], "timing"))
    for run in range(runs):
        sid, tag = rng.choice(ids), f"soak-{run}"
        code, sig = _run_killed([str(BIN), "--store", str(folder), "tag", sid, tag], rng, (0.5 * full, 1.2 * full))
        counts.runs += 1
        counts.faults += code is None
        if code == 0:
            acked.append((sid, tag))
        store = _check(folder, pool, counts, f"cli tag run {run} (signal {sig}, exit {code})")
        if store is None:
            continue
        states = store.user.all()
        lost = [(s, t) for s, t in acked if t not in states.get(s, _NO_STATE).tags]
        if lost:
            counts.losses.append(f"cli tag run {run}: acknowledged tags missing: {lost[:3]}")
        counts.changes_checked += len(acked)
        present = store.presence(list(states))
        recounted = Marks()
        for story_id, state in states.items():
            recounted.count(state, present(story_id))
        if store.user.counts(present) != recounted:  # the sidebar's counts, which every writer keeps
            counts.losses.append(f"cli tag run {run}: the marks' counts are not those of the marks")
        counts.changes_checked += 1
    return counts


class _NoState:
    tags: tuple[str, ...] = ()


_NO_STATE = _NoState()

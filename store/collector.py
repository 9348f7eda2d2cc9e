"""The garbage-collector policy, in one place: paused while many objects are built, and in the
reader's own process, what the store loads frozen out of the collector's full passes.

Everything a reader loads (the parsed store files, the story list) lives as long as the
reader and forms no cycles, so sparing it the collector's walks costs nothing and saves
stalls; a process that loads and drops stores (tests, the importer) never freezes.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_freeze_loaded = False
_paused_at_start: bool | None = None  # whether the collector ran before pause_start (None: not paused)


def freeze_loaded_data(enabled: bool = True) -> None:
    """For the reader's own process: keep what the store loads out of the collector's sight.

    Objects allocated while the collector is paused all sit in its youngest generation, so
    the first collection afterwards walks every one of them (0.27 s for a 50k store); a
    frozen object is never walked. Only a process that keeps its store for its whole life
    should ask for this (the reader does; a test run or a library user should not), since
    frozen objects are never collected until ``gc.unfreeze()``.
    """
    global _freeze_loaded
    _freeze_loaded = enabled


@contextlib.contextmanager
def gc_paused(freeze: bool = True) -> Iterator[None]:
    """Hold off the cyclic garbage collector while many acyclic objects are built.

    Parsing metadata shards or making 50,000 records allocates hundreds of thousands of
    dicts, strings and tuples; every full collection that allocation sets off walks every
    object already loaded, which at 50,000 stories was more than half of the reader's load
    time. Nothing built here forms cycles, so nothing is lost by collecting later. In the
    reader's process (:func:`freeze_loaded_data`) what was built is frozen instead, unless
    ``freeze`` is false (an import: what it builds is dropped batch by batch).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze and _freeze_loaded:
            gc.freeze()
        if enabled:
            gc.enable()


def hold_loaded(collect: bool = False) -> None:
    """Keep everything loaded so far out of the garbage collector's full passes.

    The store's parsed files (about 600,000 objects for 50,000 stories' records) and the
    story list live as long as the reader: walking them on every full collection cost 0.25 s
    while the app started and about 0.5 s per collection at 50k, a stall while moving between
    stories. Reference counting still frees what is dropped. Undone by :func:`release_loaded`.

    ``collect``: after a reload, what was dropped is collected first. A cycle frozen with the
    rest is never collected, and each reload froze the list it had just dropped (its listing
    mapped in full: at 1,000,000 stories each bulk mark left 60-100 MB, 930 MB in a long
    session); a full pass over the reader's objects costs about 30 ms.
    """
    if collect:
        gc.collect()
    gc.freeze()


def release_loaded() -> None:
    """Hand what :func:`hold_loaded` froze back to the collector (before a reload drops the old
    list, and when the reader ends inside a longer-lived process, as in tests)."""
    gc.unfreeze()


def pause_start() -> None:
    """No collection while a process starts: imports and the first screen build about a million
    objects, almost all of which live as long as the process, and the collections they set off
    (about 130 of them before the reader's first paint) cost 15-20 ms of every start.
    Undone by :func:`resume_after_start`."""
    global _paused_at_start
    if _paused_at_start is None:
        _paused_at_start = gc.isenabled()
        gc.disable()


def resume_after_start(freeze: bool = False) -> None:
    """Let the collector run again after :func:`pause_start` (once; later calls do nothing).

    ``freeze``: what the start built is kept out of the collector's sight (the reader's own
    process, once its first screen is painted): otherwise the first full collection would walk
    all of it at once.
    """
    global _paused_at_start
    if _paused_at_start is None:
        return
    was_enabled, _paused_at_start = _paused_at_start, None
    if freeze:
        gc.freeze()
    if was_enabled:
        gc.enable()


#: Allocations between two young-generation passes in an import (the default is 700).
IMPORT_YOUNG = 10_000


def collect_less() -> None:
    """For an import's parse workers, for their whole life: young passes every ``IMPORT_YOUNG``
    allocations, so older passes come 14 times less often.

    The parser's line caches keep some 100,000 objects alive, which every older pass walks: at
    the default the collector took 3% of a worker's time (62 passes over 2,000 pages of 0.8 ms
    each), at 10,000 0.5% (3 passes). Cycles are still collected, only later; the parse makes few.
    """
    gc.set_threshold(IMPORT_YOUNG, *gc.get_threshold()[1:])


#: Batches an import stores between two full collections (see :class:`BatchCollecting`).
FULL_EVERY = 50


class BatchCollecting:
    """For an import's own process, which stores inside ``gc_paused(freeze=False)``: no
    automatic collection, and a full one every ``FULL_EVERY`` batches (the importer calls
    :meth:`after_batch` after each).

    Each batch of unpickled articles and the read-ahead's (some 100,000 objects alive at once)
    outlived the young passes and set off older ones: at 100,000 stories the collector took
    3.7-4.3 s of the importing process's CPU (2,530 passes, 0.04 ms a story), walking objects
    that reference counting frees anyway. The import makes next to no cycles: full passes
    every 2 batches of a 20k import found 15 unreachable objects in the first and none after.
    A full pass at 20k takes about 80 ms.
    """

    def __init__(self) -> None:
        self.batches = 0

    def after_batch(self) -> None:
        self.batches += 1
        if self.batches % FULL_EVERY == 0:
            gc.collect()

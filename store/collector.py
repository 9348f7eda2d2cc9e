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
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while many acyclic objects are built.

    Parsing metadata shards or making 50,000 records allocates hundreds of thousands of
    dicts, strings and tuples; every full collection that allocation sets off walks every
    object already loaded, which at 50,000 stories was more than half of the reader's load
    time. Nothing built here forms cycles, so nothing is lost by collecting later. In the
    reader's process (:func:`freeze_loaded_data`) what was built is frozen instead.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _freeze_loaded:
            gc.freeze()
        if enabled:
            gc.enable()


def hold_loaded() -> None:
    """Keep everything loaded so far out of the garbage collector's full passes.

    The store's parsed files (about 600,000 objects for 50,000 stories' records) and the
    story list live as long as the reader: walking them on every full collection cost 0.25 s
    while the app started and about 0.5 s per collection at 50k, a stall while moving between
    stories. Reference counting still frees what is dropped. Undone by :func:`release_loaded`.
    """
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

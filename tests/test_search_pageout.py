"""The pages of the index's mapped files are given back during a long index write, and nothing is lost."""

from __future__ import annotations

import mmap
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.store.search import SearchIndex, engine, pageout
from broadsheet.store.search.pageout import PageOut
from broadsheet.store.storage.db import Store
from tests.factories import make_article

MB = 1024 * 1024
HEADER = re.compile(r"[0-9a-f]+-[0-9a-f]+ ")  # a map's first line in /proc/self/smaps
linux_only = pytest.mark.skipif(not pageout.supported(), reason="needs Linux with MADV_PAGEOUT")


def _written(path: Path, size: int) -> bytes:
    """A file of ``size`` made-up bytes, flushed to the disk as tantivy's segment files are (clean pages)."""
    data = os.urandom(MB) * (size // MB)
    with path.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return data


@pytest.fixture
def mapped(tmp_path: Path) -> Iterator[tuple[Path, mmap.mmap, bytes]]:
    """A 32 MB postings file mapped read-only and shared, as tantivy's MmapDirectory maps it."""
    folder = tmp_path / "index"
    folder.mkdir()
    data = _written(folder / "segment.idx", 32 * MB)
    with (folder / "segment.idx").open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        yield folder, m, data


def _touch(m: mmap.mmap) -> None:
    sum(m[i] for i in range(0, len(m), mmap.PAGESIZE))


@linux_only
def test_page_out_gives_back_the_pages_and_keeps_the_content(mapped: tuple[Path, mmap.mmap, bytes]) -> None:
    folder, m, data = mapped
    assert [length for _start, length in pageout.index_maps(folder)] == [32 * MB]
    _touch(m)
    resident = pageout.file_rss()
    assert pageout.page_out(folder) == 32 * MB
    assert pageout.file_rss() <= resident - 24 * MB  # the kernel dropped (nearly) all of them
    assert _flags(folder) == {"sr"}  # read ahead, not around, while paged out
    assert m[:] == data  # read back from the file, unchanged
    pageout.restore(folder)
    assert _flags(folder) == set()


def _flags(folder: Path) -> set[str]:
    """The read-ahead advice (sr: sequential, rr: random) on the maps of ``folder``, from smaps."""
    starts = {f"{start:x}" for start, _length in pageout.index_maps(folder)}
    flags: set[str] = set()
    current = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if HEADER.match(line):
            current = line.split("-", 1)[0] in starts
        elif current and line.startswith("VmFlags:"):
            flags |= {flag for flag in line.split()[1:] if flag in ("sr", "rr")}
    return flags


@linux_only
def test_only_postings_positions_and_stored_files_of_that_folder_are_paged_out(tmp_path: Path) -> None:
    index, other = tmp_path / "index", tmp_path / "other"
    index.mkdir()
    other.mkdir()
    names = [index / "a.term", index / "a.fast", index / "a.pos", index / "a.store", other / "b.idx"]
    handles = [path.open("w+b") for path in names]
    try:
        for handle in handles:
            handle.write(b"x" * mmap.PAGESIZE)
            handle.flush()
        maps = [mmap.mmap(h.fileno(), 0, access=mmap.ACCESS_READ) for h in handles]
        writable = mmap.mmap(handles[2].fileno(), 0)  # a map that can write is never touched
        assert len(list(pageout.index_maps(index))) == 2  # a.pos and a.store, read-only
        for m in [*maps, writable]:
            m.close()
    finally:
        for handle in handles:
            handle.close()


@linux_only
def test_the_thread_keeps_mapped_pages_under_the_budget(mapped: tuple[Path, mmap.mmap, bytes]) -> None:
    folder, m, data = mapped
    base = pageout.file_rss()
    with PageOut(folder, budget=base + 8 * MB, interval=0.01) as pages:
        _touch(m)
        deadline = time.monotonic() + 10
        while pages.rounds == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pages.rounds >= 1
        assert pageout.file_rss() < base + 16 * MB
    assert not pages.running  # closed: the thread has ended
    assert m[:] == data


def test_an_index_in_memory_starts_no_thread() -> None:
    with PageOut(None) as pages:
        assert not pages.running


def test_an_index_written_while_paged_out_finds_every_story(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages dropped all the time (no budget) while a rebuild and an import write: every story is found."""
    made: list[PageOut] = []

    def eager(folder: Path | None) -> PageOut:
        made.append(PageOut(folder, budget=0, interval=0.001))
        return made[-1]

    monkeypatch.setattr(engine, "PageOut", eager)
    ids = store.add([(make_article(n, headline=f"Ferry timetable number{n} agreed"), None) for n in range(400)])
    index = SearchIndex.open(store)
    adder = index.adder(store)
    more = store.add([(make_article(n, headline=f"Ferry timetable number{n} agreed"), None) for n in range(400, 600)])
    adder.add([(sid, store.article(sid)) for sid in more])
    adder.close()
    assert index.rebuild(store) == 600
    assert made and all(not pages.running for pages in made) and sum(pages.rounds for pages in made) > 0
    for n, sid in [(0, ids[0]), (399, ids[399]), (450, more[50]), (599, more[199])]:
        assert index.search(f"number{n}", states={}).ids == [sid]
    assert index.search("ferry", states={}).total == 600


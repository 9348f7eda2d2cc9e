"""Keep a long index write's resident memory bounded: give back the pages of tantivy's mapped files.

tantivy reads its segment files through read-only shared maps (``MmapDirectory``), and every
page a thread touches stays in the process's resident set until the map goes. A merge reads
all of its source segments: at a million stories one merge held some 440 MB of them
(``RssFile`` 23 -> 440 MB during ``broadsheet reindex``, issue 17), beside about 270 MB of
the process's own memory. tantivy-py has no merge-policy setting to keep merges small.

While an index is written, :class:`PageOut` checks ``RssFile`` twice a second; above
:data:`FILE_BUDGET` it asks the kernel to page out this process's maps of the index's files
(``madvise(MADV_PAGEOUT)``, Linux 5.4+). The maps are read-only, so their pages hold nothing
but the files' contents: the kernel drops them, and a thread that touches one again reads it
back from the disk (the maps are marked sequential meanwhile, so that costs little: see
:func:`page_out`). ``MADV_PAGEOUT`` and the mark never discard data, whatever memory they are
given, unlike ``MADV_DONTNEED``, which would zero the memory if tantivy unmapped a file and
the address was reused for the heap between reading ``/proc/self/maps`` and the call. A page
another process also maps (a reader) is left alone by the kernel. Where any of this is
missing (not Linux, an older kernel) it does nothing.

``broadsheet reindex`` at a million stories: peak RSS 716 -> 364 MB (RssFile 450 -> 98 MB,
RssAnon 271 MB both), 221 -> 208 s, CPU 244 -> 256 s, 33 -> 228 MB read from the disk.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import mmap
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

#: RssFile above which index pages are paged out: the interpreter's and libraries' own mapped
#: files take about 25 MB, so index pages get about 40 MB (what reading the index needs).
FILE_BUDGET = 64 * 1024 * 1024
INTERVAL = 0.5  # seconds between checks: a merge reads some tens of MB/s on a busy machine
#: 21 on every Linux architecture (uapi mman-common.h); Python's mmap names it only when built on 5.4+ headers.
MADV_PAGEOUT: int | None = getattr(mmap, "MADV_PAGEOUT", 21 if sys.platform.startswith("linux") else None)
_PROC = Path("/proc/self")


def _madvise() -> Callable[[int, int, int], int] | None:
    if MADV_PAGEOUT is None or not _PROC.joinpath("maps").exists():
        return None
    try:
        call = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    call.restype = ctypes.c_int
    return call


_MADVISE = _madvise()


def supported() -> bool:
    """Whether mapped pages can be paged out here (Linux with ``MADV_PAGEOUT``)."""
    return _MADVISE is not None


def file_rss() -> int:
    """This process's resident pages of mapped files (``RssFile``), in bytes; 0 where unknown."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in _PROC.joinpath("status").read_text().splitlines():
            if line.startswith("RssFile:"):
                return int(line.split()[1]) * 1024
    return 0


#: The files paged out: postings, positions and stored documents, nearly all of the index,
#: which a merge reads in order. Term dictionaries, fast fields and field norms (a tenth of
#: it) are looked up at random, also by the import's own "is it indexed" checks: they stay.
PAGED = (".idx", ".pos", ".store")


def index_maps(folder: Path) -> Iterator[tuple[int, int]]:
    """(start, length) of each read-only shared map of a :data:`PAGED` file in ``folder`` (deleted ones too)."""
    where = os.path.realpath(folder)
    with contextlib.suppress(OSError), _PROC.joinpath("maps").open() as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) < 6 or fields[1] != "r--s":
                continue
            path = fields[5].rstrip("\n").removesuffix(" (deleted)")
            if path.endswith(PAGED) and os.path.dirname(path) == where:
                start, end = (int(x, 16) for x in fields[0].split("-"))
                yield start, end - start


def page_out(folder: Path) -> int:
    """Page out this process's maps of ``folder``'s files; the bytes of map asked for (0: unsupported).

    Each map is first marked sequential: a page fault on a map then reads ahead, not around
    (``read_ahead_kb`` centred on the fault, 8 MB here), so a merge reading on does not read
    back the pages just given up behind it. Reindexing 100,000 stories with merges read 158 MB
    from the disk without the mark, 8 to 11 MB with it (0 to 1 MB without paging out), in
    the same CPU time. :func:`restore` takes the mark off.
    """
    if _MADVISE is None or MADV_PAGEOUT is None:
        return 0
    asked = 0
    for start, length in list(index_maps(folder)):
        _MADVISE(start, length, mmap.MADV_SEQUENTIAL)
        if _MADVISE(start, length, MADV_PAGEOUT) == 0:
            asked += length
        elif ctypes.get_errno() == errno.EINVAL and not asked:
            return 0  # the kernel does not know MADV_PAGEOUT (before 5.4)
    return asked


def restore(folder: Path) -> None:
    """Back to normal read-around on ``folder``'s maps, for searches after the write."""
    if _MADVISE is not None:
        for start, length in list(index_maps(folder)):
            _MADVISE(start, length, mmap.MADV_NORMAL)


class PageOut:
    """While open, keeps the pages of ``folder``'s mapped files in this process under the budget.

    A daemon thread (tantivy's commits and merges release the GIL, so it runs during them);
    :meth:`close` stops it. Does nothing where :func:`supported` is false.
    """

    def __init__(self, folder: Path | None, budget: int = FILE_BUDGET, interval: float = INTERVAL) -> None:
        self.folder, self.budget, self.interval = folder, budget, interval
        self.rounds = 0  # how many times pages were paged out (for tests and measurement)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if folder is not None and supported():
            self._thread = threading.Thread(target=self._run, name="broadsheet-pageout", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        assert self.folder is not None
        while not self._stop.wait(self.interval):
            if file_rss() > self.budget:
                page_out(self.folder)
                self.rounds += 1

    @property
    def running(self) -> bool:
        return self._thread is not None

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._thread = None
        if self.rounds and self.folder is not None:
            restore(self.folder)

    def __enter__(self) -> PageOut:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

"""gzip data unpacked under a cap: a gzip bomb costs the cap, never the size it claims.

One reader for every gzip input (a ``story.txt.gz``, a ``page.html.gz``, a ``feed.xml.gz``, a
feed served gzipped without saying so): each of them differs only in what it makes of a file
over the cap or cut short.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b"


def stem_unzipped(path: Path) -> str:
    """The stem of the file ``path`` holds, gzipped or not: ``page`` of ``page.html.gz``, whose
    photos are in ``page_files/`` (the browser named the folder before the page was gzipped)."""
    return Path(path.name.removesuffix(".gz")).stem


#: How much is unpacked at a time while a gzip file is measured (see :func:`inflate`).
_CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True)
class Unpacked:
    gzipped: bytes  # the gzip data
    limit: int  # the cap: ``data`` is at most this
    over: bool  # it holds more than the cap: ``data`` is its first part
    cut_short: bool  # the data stops inside a member (a download cut off): ``data`` is as far as it goes

    @property
    def data(self) -> bytes:
        """What the gzip data holds, at most the cap: unpacked when asked for (once: keep it)."""
        out: list[bytes] = []
        size, rest = 0, self.gzipped
        while rest.startswith(GZIP_MAGIC) and size < self.limit:  # (a max_length of 0 is no limit at all)
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out.append(inflater.decompress(rest, self.limit - size))  # to the cap: never cut, a copy
            size += len(out[-1])
            rest = inflater.unused_data if inflater.eof else b""
        return b"".join(out)  # (one member's bytes themselves: no copy)


def inflate(data: bytes, limit: int) -> Unpacked:
    """Every member of gzip ``data`` (``cat a.gz b.gz`` is one gzip file), at most ``limit`` bytes.

    Measured first, a chunk at a time, holding none of it; what it holds is unpacked only when
    asked for (``Unpacked.data``). A gzip bomb of a feed, refused past its 128 MB cap, held that
    first 128 MB twice over (zlib's output buffer and its result: 300 MB) to be refused.
    Raises ``zlib.error`` when the data is damaged.
    """
    size, rest = 0, data
    while rest.startswith(GZIP_MAGIC):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        pending = rest
        while not inflater.eof:
            got = len(inflater.decompress(pending, min(_CHUNK, limit + 1 - size)))  # (past it, damage is unread)
            size += got
            pending = inflater.unconsumed_tail
            if size > limit:
                return Unpacked(data, limit, True, False)
            if not got and not pending:
                return Unpacked(data, limit, False, True)
        rest = inflater.unused_data
    return Unpacked(data, limit, False, False)


def unpacked_head(head: bytes, size: int = 8192) -> bytes | None:
    """The first ``size`` bytes gzip ``head`` unpacks to; None when it is no gzip data, or
    damaged from its start."""
    if not head.startswith(GZIP_MAGIC):
        return None
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, size)
    except zlib.error:
        return None

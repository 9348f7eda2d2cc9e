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


@dataclass(frozen=True, slots=True)
class Unpacked:
    data: bytes  # what the gzip data holds, at most the cap
    over: bool  # it holds more than the cap: ``data`` is its first part
    cut_short: bool  # the data stops inside a member (a download cut off): ``data`` is as far as it goes


def inflate(data: bytes, limit: int) -> Unpacked:
    """Every member of gzip ``data`` (``cat a.gz b.gz`` is one gzip file), at most ``limit`` bytes.

    Raises ``zlib.error`` when the data is damaged.
    """
    out: list[bytes] = []
    size = 0
    rest = data
    while rest.startswith(GZIP_MAGIC):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        chunk = inflater.decompress(rest, limit - size + 1)
        out.append(chunk)
        size += len(chunk)
        if size > limit:
            return Unpacked(b"".join(out)[:limit], True, False)
        if not inflater.eof:
            return Unpacked(b"".join(out), False, True)
        rest = inflater.unused_data
    return Unpacked(b"".join(out), False, False)


def unpacked_head(head: bytes, size: int = 8192) -> bytes | None:
    """The first ``size`` bytes gzip ``head`` unpacks to; None when it is no gzip data, or
    damaged from its start."""
    if not head.startswith(GZIP_MAGIC):
        return None
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, size)
    except zlib.error:
        return None

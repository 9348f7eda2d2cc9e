"""The compressed form of a store file: a small header, then the JSON document as one zstd frame.

Body shards and metadata shards are written this way (other store files stay plain JSON).
Story bodies are most of a store (0.79x the pages they came from, issue 17), and JSON text
compresses well. ``python -m bench.codecs`` measured the candidates on body shards of 256
stories: zstd 6 keeps 0.41 of the JSON (0.36 for real pages) and opens a shard (decompress
and parse) in about 1.3 ms; zlib and brotli at that ratio take 3 to 4 ms, lz4 is faster but
keeps 0.77. Level 6 against 3: 6% smaller for 33 us more CPU per story imported (58 us in
all; level 9 gains 2% more for 96 us). Metadata shards keep 0.25 of their JSON (5.7 -> 1.4 MB at
10k generated stories, 4 us per story; ``python -m bench.codecs`` has the figures).

The frame is written in ``BLOCKS`` blocks (of ``MIN_BLOCK`` bytes of JSON at least): a zstd
block is decoded whole or not at all, so a file cut or damaged part way gives back (to
``broadsheet repair``) the records up to the block before the damage, about 1/32 of the file,
rather than nothing before the first 128 kB block ends (which is all of a metadata shard).
At 10k generated stories it makes metadata shards 5% larger (1.40 -> 1.48 MB) and bodies 0.3%.

Layout: ``MAGIC`` (8 bytes), the length of the frame (8 bytes, little-endian), the frame
(with zstd's checksum, so damage inside it is found on read). The length lets
:func:`problem_at_ends` find a truncated file or trailing data from the first 16 bytes
and the file's size, without decompressing: the check the newest shards get when a store
is opened. A file that does not start with ``MAGIC`` is plain JSON (every shard of a store
from before compression, and every other store file).
"""

from __future__ import annotations

from pathlib import Path

from broadsheet.store.errors import StoreFileError

MAGIC = b"\x89BSZ\r\n\x1a\n"  # like PNG's: a high byte, CR LF and ^Z show transfer damage at once
HEADER = len(MAGIC) + 8
LEVEL = 6
BLOCKS = 32  # zstd blocks a document is written in (see above)...
MIN_BLOCK = 1_024  # ...of this many bytes of JSON at least (each block costs its own entropy tables)
MAX_DOCUMENT = 1 << 30  # refuse a frame that claims more than 1 GiB of JSON (a shard holds about 1 MB)
_SALVAGE_CHUNK = 16_384


def looks_compressed(raw: bytes) -> bool:
    """True when ``raw`` (a file's first bytes, or all of them) starts as a compressed file does.

    A file cut inside its magic still counts, so it is called truncated, not "not JSON".
    """
    head = raw[: len(MAGIC)]
    return bool(head) and MAGIC.startswith(head)


def pack(document: bytes) -> bytes:
    """The compressed file for the JSON ``document``."""
    import zstandard  # here, not at the top: the reader starts without it (5 ms) and needs it at the first story

    writer = zstandard.ZstdCompressor(level=LEVEL, write_checksum=True).compressobj(size=len(document))
    parts, block = [MAGIC, b""], max(MIN_BLOCK, -(-len(document) // BLOCKS))
    for start in range(0, len(document), block):
        parts.append(writer.compress(document[start:start + block]))
        if start + block < len(document):
            parts.append(writer.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK))
    parts.append(writer.flush())
    parts[1] = (sum(map(len, parts)) - len(MAGIC)).to_bytes(8, "little")
    return b"".join(parts)


def problem_at_ends(head: bytes, size: int) -> str:
    """What is wrong with a compressed file, judged from its first ``HEADER`` bytes and its size ("" if nothing)."""
    if size < HEADER:
        return f"truncated (the compressed file stops inside its header, after {size} bytes)"
    length = int.from_bytes(head[len(MAGIC):HEADER], "little")
    if size < HEADER + length:
        return f"truncated (the compressed document stops early: {size - HEADER} of its {length} bytes)"
    if size > HEADER + length:
        return f"trailing data after the compressed document ({size - HEADER - length} extra bytes)"
    return ""


def unpack(path: Path, raw: bytes) -> bytes:
    """The JSON document inside the compressed file ``raw`` read from ``path``.

    Raises StoreFileError naming ``path`` and what is wrong (truncated, trailing data,
    damaged inside).
    """
    import zstandard

    reason = problem_at_ends(raw[:HEADER], len(raw))
    if reason:
        raise StoreFileError(path, reason)
    frame = raw[HEADER:]
    try:
        claimed = zstandard.frame_content_size(frame)
        if not 0 <= claimed <= MAX_DOCUMENT:
            raise StoreFileError(path, "the compressed document gives no size, or one over 1 GiB")
        return zstandard.ZstdDecompressor().decompress(frame)
    except zstandard.ZstdError as exc:
        raise StoreFileError(path, f"the compressed data is damaged ({exc})") from None


def readable_part(raw: bytes) -> bytes:
    """As much of the document as can still be decompressed from a damaged compressed file.

    ``broadsheet repair`` looks for whole records in it, as it does in a damaged JSON file:
    a truncated file gives back the records before the cut, a damaged one those before the
    damage. ``raw`` that is not compressed is returned as it is.
    """
    import zstandard

    if not looks_compressed(raw):
        return raw
    decompressor = zstandard.ZstdDecompressor().decompressobj()
    frame = raw[HEADER:]
    parts: list[bytes] = []
    try:
        for start in range(0, len(frame), _SALVAGE_CHUNK):
            parts.append(decompressor.decompress(frame[start:start + _SALVAGE_CHUNK]))
    except zstandard.ZstdError:
        pass  # damaged from here on (or data after the frame's end): keep what came before
    return b"".join(parts)

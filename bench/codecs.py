"""``python -m bench.codecs``: compressors measured on store shards, to choose the one the store uses.

    python -m bench.codecs STORE [--kind bodies|meta] [--corpus BODIES.jsonl]

STORE is a store folder; its body (or metadata) shards are read, plain or compressed, as the
JSON the store compresses; BODIES.jsonl is ``broadsheet parse --json``
output of real pages, read as one more shard (measured, never kept). For each codec:
the size as a share of the JSON, compress throughput, and the time to open a shard
(decompress and parse it with orjson), which is what opening a story costs (issue 17).
Codecs not installed are skipped and said so.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import orjson

from broadsheet.store.storage.tinydb import read_json_file

Codec = tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]


def codecs(train: list[bytes]) -> dict[str, Codec]:
    found: dict[str, Codec] = {"json (none)": (lambda b: b, lambda b: b)}
    for level in (1, 3, 6):
        found[f"zlib {level}"] = (lambda b, lv=level: zlib.compress(b, lv), zlib.decompress)
    try:
        import zstandard
    except ImportError:
        print("zstandard: not installed, skipped")
    else:
        for level in (1, 3, 6, 9, 12):
            c, d = zstandard.ZstdCompressor(level=level), zstandard.ZstdDecompressor()
            found[f"zstd {level}"] = (c.compress, d.decompress)
        from broadsheet.store.storage import compressed

        found[f"zstd {compressed.LEVEL} as stored"] = (compressed.pack,
                                                       lambda b: compressed.unpack(Path("shard"), b))
        trained = zstandard.train_dictionary(112_640, train)
        c, d = zstandard.ZstdCompressor(level=3, dict_data=trained), zstandard.ZstdDecompressor(dict_data=trained)
        found["zstd 3 + dictionary"] = (c.compress, d.decompress)
    try:
        import lz4.frame
    except ImportError:
        print("lz4: not installed, skipped")
    else:
        found["lz4"] = (lz4.frame.compress, lz4.frame.decompress)
        found["lz4 hc 9"] = (lambda b: lz4.frame.compress(b, compression_level=9), lz4.frame.decompress)
    try:
        import brotli
    except ImportError:
        print("brotli: not installed, skipped")
    else:
        for quality in (1, 4, 6):
            found[f"brotli {quality}"] = (lambda b, q=quality: brotli.compress(b, quality=q), brotli.decompress)
    return found


def corpus_shard(path: Path) -> bytes:
    """The bodies of ``broadsheet parse --json`` output as one shard file would hold them."""
    bodies = {}
    for n, line in enumerate(path.read_bytes().splitlines()):
        bodies[f"{n:016x}"] = {"body": orjson.loads(line)["body"]}
    return orjson.dumps({"bodies": bodies})


def measure(name: str, codec: Codec, shards: list[bytes]) -> str:
    compress, decompress = codec
    raw = sum(map(len, shards))
    start = time.perf_counter()
    packed = [compress(s) for s in shards]
    seconds = time.perf_counter() - start
    opens = []
    for blob in packed:
        start = time.perf_counter()
        orjson.loads(decompress(blob))
        opens.append(time.perf_counter() - start)
    opens.sort()
    p95 = opens[min(len(opens) - 1, int(len(opens) * 0.95))]
    return (f"{name:<22} {sum(map(len, packed)) / raw:6.3f}  {raw / seconds / 1e6:8.1f} MB/s  "
            f"open median {statistics.median(opens) * 1e3:6.2f} ms  p95 {p95 * 1e3:6.2f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--kind", choices=("bodies", "meta"), default="bodies", help="which shards (default bodies)")
    parser.add_argument("--corpus", type=Path, help="broadsheet parse --json output of real pages (bodies)")
    args = parser.parse_args(argv)
    shards = [orjson.dumps(read_json_file(p)) for p in sorted((args.store / args.kind).glob("[0-9]*.json"))]
    if not shards:
        parser.error(f"{args.store}: no {args.kind} shards")
    train, test = shards[: len(shards) // 4], shards[len(shards) // 4:]
    print(f"load {os.getloadavg()[0]:.2f}; {len(test)} generated {args.kind} shards, "
          f"{sum(map(len, test)) / len(test) / 1e3:.0f} kB each (the first {len(train)} train the dictionary)")
    print(f"{'codec':<22} {'ratio':>6}  {'compress':>13}  time to decompress and parse one shard")
    sets = {"generated": test}
    if args.corpus:
        sets["real pages"] = [corpus_shard(args.corpus)]
    for label, data in sets.items():
        print(f"-- {label}: {len(data)} shard(s), {sum(map(len, data)) / 1e6:.2f} MB of JSON")
        for name, codec in codecs(train).items():
            print(measure(name, codec, data * (20 if len(data) == 1 else 1)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

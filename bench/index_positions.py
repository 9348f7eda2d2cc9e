"""``python -m bench.index_positions STORE``: what the body's word positions cost in the search index.

    python -m bench.index_positions ~/.cache/broadsheet-bench/stores-large-v5/10000 [--limit N]

Issue 17 asks for a store of at most 0.6x the pages it came from. The search index is
about 0.3x of them, and most of it is the word positions of the body, which an exact phrase
(``"harbour wall"``) needs. This indexes STORE's stories again, in a temporary folder, three
ways, and prints each index's bytes by kind of file: the reader's schema as it is; the body's
stop words ("the", "of") left out of its positions (a phrase across a stop word could no longer be
matched exactly); and the body with word frequencies only (no phrase search in bodies).
STORE is only read.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import tantivy

from broadsheet.store.model import Article
from broadsheet.store.search.analysis import MAX_TOKEN_BYTES, TEXT_FIELDS
from broadsheet.store.search.schema import ANALYZER, build_schema, register, story_document
from broadsheet.store.storage.db import Store

STOPLESS = "broadsheet_en_stopless"


def _stopless() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stopword("english"))
            .filter(tantivy.Filter.stemmer("english"))
            .build())


def _schema(body_tokenizer: str, body_option: str) -> tantivy.Schema:
    """The reader's schema (:func:`build_schema`) with the body field analysed and recorded otherwise."""
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("key", indexed=True, fast=True)
    builder.add_integer_field("when", indexed=False, fast=True)
    builder.add_integer_field("day", indexed=True, fast=True)
    for name in TEXT_FIELDS:
        if name == "body":
            builder.add_text_field(name, tokenizer_name=body_tokenizer, index_option=body_option)
        else:
            builder.add_text_field(name, tokenizer_name=ANALYZER)
    return builder.build()


VARIANTS: dict[str, Callable[[], tantivy.Schema]] = {
    "as the reader builds it": build_schema,
    "body: no positions for stop words": lambda: _schema(STOPLESS, "position"),
    "body: word frequencies only": lambda: _schema(ANALYZER, "freq"),
}


def index_bytes(stories: list[tuple[str, Article]], schema: tantivy.Schema, folder: Path) -> Counter[str]:
    """Index ``stories`` into ``folder`` with ``schema``; bytes by file suffix."""
    index = tantivy.Index(schema, path=str(folder))
    register(index)
    index.register_tokenizer(STOPLESS, _stopless())
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for story_id, article in stories:
        writer.add_document(story_document(story_id, article))
    writer.commit()
    writer.wait_merging_threads()
    sizes: Counter[str] = Counter()
    for path in folder.iterdir():
        if path.is_file():
            sizes[path.suffix or path.name] += path.stat().st_size
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.index_positions", description=__doc__.split("\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="index the newest N stories only")
    args = parser.parse_args(argv)
    store = Store(args.store)
    stories = [(meta.id, article) for meta in store.stories()[:args.limit]
               if (article := store.article(meta.id)) is not None]
    print(f"{len(stories):,} stories of {args.store}")
    base = 0
    for name, make in VARIANTS.items():
        with tempfile.TemporaryDirectory(prefix="bench-positions-") as tmp:
            sizes = index_bytes(stories, make(), Path(tmp))
        total = sum(sizes.values())
        base = base or total
        parts = ", ".join(f"{kind} {size / 1e3:,.0f}" for kind, size in sizes.most_common() if size >= 1_000)
        print(f"{name:36} {total / 1e3:10,.0f} kB ({total / base:.2f} of the first)   {parts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

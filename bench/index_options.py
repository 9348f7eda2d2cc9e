"""``python -m bench.index_options STORE PAGES_MB``: the search index's size under other tantivy settings.

Builds the index of STORE's stories again, in a scratch folder, with the schema as it is and
with each alternative, and prints the size (as a share of the pages, PAGES_MB) and the
positions' part of it. Only for choosing settings (issue 17): an alternative is worth taking
only if every search test still passes, and a field without positions cannot answer a
phrase query at all (tantivy refuses it; this says so when it happens). For the others it
prints the hits of a few phrases (the same in each when nothing is lost) and how many stories
hold every word of each: what a phrase search would read back and check without positions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import tantivy

from broadsheet.store.model import Article
from broadsheet.store.search import schema
from broadsheet.store.search.analysis import MAX_TOKEN_BYTES, TEXT_FIELDS
from broadsheet.store.storage.db import Store

STOPPED = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
           .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
           .filter(tantivy.Filter.stopword("english")).filter(tantivy.Filter.stemmer("english")).build())

# name: (index option per text field, writer threads, analyser)
VARIANTS: dict[str, tuple[dict[str, str], int, tantivy.TextAnalyzer]] = {
    "as now (1 writer thread)": ({}, 1, schema.STEMMED),
    "2 writer threads": ({}, 2, schema.STEMMED),
    "English stop words dropped": ({}, 1, STOPPED),
    "body without positions": ({"body": "freq"}, 1, schema.STEMMED),
    "body without positions or freqs": ({"body": "basic"}, 1, schema.STEMMED),
}


def build(folder: Path, docs: list[tuple[str, Article]], options: dict[str, str], threads: int,
          analyzer: tantivy.TextAnalyzer) -> tuple[tantivy.Index, tantivy.Schema, float]:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("key", indexed=True, fast=True)
    builder.add_integer_field("when", indexed=False, fast=True)
    builder.add_integer_field("day", indexed=True, fast=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=schema.ANALYZER, index_option=options.get(name, "position"))
    built = builder.build()
    index = tantivy.Index(built, path=str(folder))
    index.register_tokenizer(schema.ANALYZER, analyzer)
    writer = index.writer(heap_size=128_000_000, num_threads=threads)
    start = time.perf_counter()
    for story_id, article in docs:
        writer.add_document(schema.story_document(story_id, article))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, built, time.perf_counter() - start


def verification_cost(index: tantivy.Index, built: tantivy.Schema, stories: int) -> str:
    """What checking phrases against the stored bodies (a body without positions) would have to read.

    Such an index can only find the stories holding every word of a phrase; the true hits and
    count need each of those stories' bodies read back (decompressing its body shard).
    """
    from bench.measure import search_words, zipf_word

    words = search_words()
    lines = []
    for phrase in ([zipf_word(0.0), words[0]], [words[1], words[3]], [zipf_word(0.0), zipf_word(0.01)]):
        searcher = index.searcher()
        hits = searcher.search(tantivy.Query.phrase_query(built, "body", phrase), 1).count
        every = tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.term_query(built, "body", word))
                                             for word in phrase])
        holding = searcher.search(every, 1).count
        lines.append(f'    "{" ".join(phrase)}": {hits:,} phrase hits; {holding:,} of {stories:,} stories hold '
                     f"every word (to read back and check if the body had no positions)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("pages_mb", type=float, help="MB of pages the store was imported from")
    args = parser.parse_args(argv)
    store = Store(args.store)
    docs = [(meta.id, store.article_of(meta)) for meta in store.stories()]
    pages = args.pages_mb * 1e6
    print(f"load {os.getloadavg()[0]:.2f}; {len(docs):,} stories")
    with tempfile.TemporaryDirectory() as scratch:
        for name, (options, threads, analyzer) in VARIANTS.items():
            folder = Path(scratch) / str(len(os.listdir(scratch)))
            folder.mkdir()
            index, built, seconds = build(folder, docs, options, threads, analyzer)
            files = [p for p in folder.iterdir() if p.is_file()]
            size = sum(p.stat().st_size for p in files)
            positions = sum(p.stat().st_size for p in files if p.suffix == ".pos")
            line = (f"{name:<34} {size / 1e6:7.2f} MB  {size / pages:.3f}x the pages  positions "
                    f"{positions / 1e6:6.2f} MB  segments {index.searcher().num_segments}  built in {seconds:.1f} s")
            if options.get("body", "position") == "position":  # the same phrases in each: exact or not
                line += "\n" + verification_cost(index, built, len(docs))
            if options.get("body") in ("freq", "basic"):
                try:
                    index.searcher().search(tantivy.Query.phrase_query(built, "body", ["the", "council"]), 1)
                except ValueError as exc:
                    line += f"\n    a phrase in the body: {exc}"
            print(line, flush=True)
            shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

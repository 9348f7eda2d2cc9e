"""The tantivy schema: which story fields are indexed, how text is analysed, story to document.

Every text field uses one analyser: split on non-alphanumerics (and around each Chinese,
Japanese or Korean character, which the text is given with spaces around, and with Turkish
``İ`` given as ``I``, see :func:`~broadsheet.store.search.analysis.spaced`), drop tokens of 100
UTF-8 bytes or more, lowercase, fold accents to ASCII (``Séoul`` -> ``seoul``; Greek's are taken off
before, and final sigma made σ, by :func:`~broadsheet.store.search.analysis.spaced`) and apply the English
Snowball stemmer (``ferries`` -> ``ferri`` = ``ferry``). Query words go through the same
analyser, so matching is case-, accent- and inflection-blind. Prefixes use the analyser
without the stemmer.

Stories are identified by ``key``, a u64 fast field: the 16 hex digits of the story id read
as a number (any other id is hashed, see :func:`story_key`). User state (tags, bookmarks,
read marks) is not indexed: the engine filters on it from ``Store.states()``.
"""

from __future__ import annotations

import tantivy

from broadsheet.store.agencies import agency_names
from broadsheet.store.model import Article
from broadsheet.store.search.analysis import (
    FEED_FIELD,
    MAX_TOKEN_BYTES,
    TEXT_FIELDS,
    feed_key,
    published_values,
    spaced,
)
from broadsheet.store.storage.directory import story_key

#: Bump whenever the schema or analysis changes: an index with another version is rebuilt.
SCHEMA_VERSION = 9  # 2: an agency is indexed under all its names; 3: CJK characters are words; 4: İ is I;
#                      5: the source's whole title in ``feed``, for feed:"Title"; 6: ``day`` is the list's
#                      day, in this machine's zone (after:/before: said another day than the list);
#                      7: words up to 100 bytes, not 40 (a 20-letter Russian word was dropped);
#                      8: each paragraph, name and credit its own value (a phrase ran across them);
#                      9: Greek without tonos or dialytika, final sigma as σ ("ιθακη" finds "Ιθάκη")
ANALYZER = "broadsheet_en"

#: Relevance boosts for bare words: a hit in the headline counts most.
BOOSTS = {"headline": 3.0, "standfirst": 1.5}


def boosted(field: str, query: tantivy.Query) -> tantivy.Query:
    """``query`` on ``field`` weighted as a search weighs that field (:data:`BOOSTS`)."""
    return tantivy.Query.boost_query(query, BOOSTS[field]) if field in BOOSTS else query


def _builder() -> tantivy.TextAnalyzerBuilder:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold()))


STEMMED = _builder().filter(tantivy.Filter.stemmer("english")).build()
FOLDED = _builder().build()


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("key", indexed=True, fast=True)
    builder.add_integer_field("when", indexed=False, fast=True)  # published, seconds since epoch, for sort:date
    builder.add_integer_field("day", indexed=True, fast=True)  # published day as YYYYMMDD, for after:/before:
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=ANALYZER)
    # The source as one term (feed_key: the whole title, folded), so feed:"Top Stories" is one
    # feed's stories and not also "Top Stories (b.example)"'s; looked up, never ranked: no positions.
    builder.add_text_field(FEED_FIELD, tokenizer_name="raw", index_option="basic")
    return builder.build()


def register(index: tantivy.Index) -> None:
    """Custom analysers are not stored in the index: register them on every open."""
    index.register_tokenizer(ANALYZER, STEMMED)


def story_document(story_id: str, article: Article) -> tantivy.Document:
    when, day = published_values(article.published)
    doc = tantivy.Document()
    doc.add_unsigned("key", story_key(story_id))
    doc.add_integer("when", when)
    doc.add_integer("day", day)
    doc.add_text("headline", spaced(article.headline))
    if article.standfirst:
        doc.add_text("standfirst", spaced(article.standfirst))
    # Each paragraph, author and credit is a value of its own: tantivy leaves a gap in the
    # positions between values, so a phrase is not found across two ("...on shipping." / "The talks").
    for paragraph in article.body:
        doc.add_text("body", spaced(paragraph))
    for image in article.images:
        if image.caption:
            doc.add_text("caption", spaced(image.caption))
        if image.credit:
            doc.add_text("photo_credit", spaced(image.credit))
    for author in article.authors:
        doc.add_text("authors", spaced(author))
    if article.credits:
        for credit in [article.credits.text, *article.credits.people()]:
            doc.add_text("credits", spaced(credit))
    for name in ("source", "dateline"):
        value = getattr(article, name)
        if value:
            doc.add_text(name, spaced(value))
    if article.source and (key := feed_key(article.source)):
        doc.add_text(FEED_FIELD, key)
    if article.agency:  # agency:AP and agency:"Associated Press" find the same stories
        doc.add_text("agency", spaced("\n".join(agency_names(article.agency))))
    return doc

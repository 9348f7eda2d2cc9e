"""A bare word's best hits and count without scoring every story that holds it (issue 17).

tantivy-py collects every search through a ``MultiCollector``, so tantivy's block-max WAND never
runs: a word scores every story that holds it in any field (at 1,000,000 stories "fex", in
489,000 of them, 4-7 ms of CPU). A word's commonest field (the body, for nearly every word)
is also the one where it weighs least: BM25 gives a field at most ``boost * (k1 + 1) * idf``,
and the idf of a term in half the bodies is small. So the best hits are first looked for among
the stories holding the word in one of its other fields (headline, standfirst, captions: a few
per cent as many), each scored exactly as the whole query scores it; if the last of them still
scores above the most the commonest field alone can give, no story outside them can reach the
page, and they are the page a pass over every hit would give (same hits, same scores to the
bit, same ties). Otherwise the caller runs the whole query. Where the fields that weigh most
are likely to fill the page alone, their stories are tried first: the bound is then the sum of
the ceilings of every field left out (at 1,000,000 stories "is" 11.8 -> 9.1 ms).

The count needs no scoring either: with no deleted documents in the index a term's
``doc_freq`` is exact, so the stories holding the word are those of its commonest field plus
those holding it elsewhere but not there (a count over the smaller fields).
"""

from __future__ import annotations

import contextlib
import json
import math
from dataclasses import dataclass
from typing import Any

import tantivy

from broadsheet.store.search.schema import BOOSTS, boosted

Hit = tuple[Any, tantivy.DocAddress]
#: The bound of the commonest field is raised by this share: float32 scores against a float64 bound.
MARGIN = 1e-3
#: Only when the word's other fields hold at most 1/SHARE as many stories as its commonest: seeking
#: each candidate in every field's postings costs about SHARE times a step of the whole query
#: (at 1,000,000 stories "is", 123,000 elsewhere against 908,000 in bodies: 9.8 ms against 7.4).
SHARE = 8
#: How far above the commonest field's ceiling a field's typical score must be for its stories to
#: count towards filling the page (a guess that only decides whether to try: "dryr" at 1,000,000
#: stories had captions typically 13% above the ceiling, and the try failed).
LIKELY = 1.5
#: The same for a first try with fewer fields (see :func:`_candidate_fields`), against the sum of
#: the ceilings it leaves out, which few stories come near (at 1,000,000 stories "fex" in headlines
#: typically scores 1.2 times what a story outside headline and standfirst could, and the try
#: filled the page; "zea", 1.05 times, did not).
STAGED_LIKELY = 1.1


@dataclass(frozen=True, slots=True)
class Bm25:
    """What tantivy scores with, read from its own explanation of a score (once per searcher):
    ``docs`` the documents BM25 counts (deleted ones included), ``weight`` its ``k1 + 1``."""

    docs: int
    weight: float

    def idf(self, doc_freq: int) -> float:
        return math.log(1 + (self.docs - doc_freq + 0.5) / (doc_freq + 0.5))

    @classmethod
    def of(cls, searcher: tantivy.Searcher, schema: tantivy.Schema) -> Bm25 | None:
        """From the explanation of one story's score for its own key; None if it does not say
        what this module expects (another tantivy's scoring), which leaves every search whole."""
        if not searcher.num_docs:
            return None
        with contextlib.suppress(Exception):
            address = searcher.search(tantivy.Query.all_query(), limit=1, count=False).hits[0][1]
            key = searcher.fast_field_values("key", [address])[0]
            explained = json.loads(tantivy.Query.term_query(schema, "key", key).explain(searcher, address).to_json())
            found = {d["description"].split(",")[0]: d["value"] for d in _details(explained)}
            bm25 = cls(int(found["N"]), float(found["(K1+1)"]))
            if math.isclose(found["idf"], bm25.idf(int(found["n"])), rel_tol=1e-4):
                return bm25
        return None


def _details(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node]
    for child in node.get("details") or ():
        found.extend(_details(child))
    return found


def best_of_word(searcher: tantivy.Searcher, schema: tantivy.Schema, bm25: Bm25, fields: tuple[str, ...],
                 token: str, fetch: int) -> tuple[list[Hit], int] | None:
    """The ``fetch`` best hits of the word ``token`` over ``fields`` (the query is the sum of
    a term query per field, boosted by ``BOOSTS``, in this order) and how many stories hold it;
    None when this way cannot tell (the caller searches the whole query)."""
    hits = best_hits_of_word(searcher, schema, bm25, fields, token, fetch)
    if hits is None:
        return None
    count = count_of_word(searcher, schema, bm25, fields, token)
    return None if count is None else (hits, count)


def best_hits_of_word(searcher: tantivy.Searcher, schema: tantivy.Schema, bm25: Bm25, fields: tuple[str, ...],
                      token: str, fetch: int) -> list[Hit] | None:
    """:func:`best_of_word` without the count: the hits a search of the whole query with limit
    ``fetch`` would give (a window of the best hits that the marks then filter), or None."""
    present = _holding(searcher, fields, token)
    if len(present) < 2 or bm25.docs != searcher.num_docs:  # deleted documents: doc_freq counts them
        return None
    common, most = max(present, key=lambda fn: fn[1])
    ceilings = {f: BOOSTS.get(f, 1.0) * bm25.weight * bm25.idf(n) * (1 + MARGIN) for f, n in present}
    for chosen in _candidate_fields(bm25, present, (common, most), ceilings, fetch):
        hits = best_among(searcher, schema, present, chosen, token, fetch)
        if len(hits) == fetch and hits[-1][0] > sum(ceilings[f] for f, _ in present if f not in chosen):
            return hits
    return None


def _candidate_fields(bm25: Bm25, present: list[tuple[str, int]], commonest: tuple[str, int],
                      ceilings: dict[str, float], fetch: int) -> list[tuple[str, ...]]:
    """The sets of fields whose stories to try as the candidates for the page, fewest first.

    A story holding the word in none of them scores at most the sum of the ceilings of the
    fields left out, so the fields kept are those with the highest ceilings (at 1,000,000
    stories "fex": headline and standfirst, 13,300 stories, rather than 27,800 with the
    captions: 1.9 ms against 3.0). A set is tried only where enough of its stories are likely
    to score above that sum (one mention in a field of average length scores ``boost * idf``);
    otherwise its search would be wasted, as it would where the set holds more than 1/SHARE as
    many stories as the commonest field. At most one set smaller than every field but the
    commonest is tried first."""
    common, most = commonest
    others = sorted((fn for fn in present if fn[0] != common), key=lambda fn: -ceilings[fn[0]])

    def likely(kept: int, margin: float) -> bool:
        if sum(n for _, n in others[:kept]) * SHARE > most:
            return False  # about as many postings to seek as the whole query walks
        left_out = ceilings[common] + sum(ceilings[f] for f, _ in others[kept:])
        return sum(n for f, n in others[:kept] if BOOSTS.get(f, 1.0) * bm25.idf(n) > margin * left_out) >= fetch

    fewest = next((kept for kept in range(1, len(others)) if likely(kept, STAGED_LIKELY)), None)
    sizes = ([fewest] if fewest is not None else []) + ([len(others)] if likely(len(others), LIKELY) else [])
    return [tuple(f for f, _ in others[:kept]) for kept in sizes]


def best_among(searcher: tantivy.Searcher, schema: tantivy.Schema, present: list[tuple[str, int]],
               chosen: tuple[str, ...], token: str, fetch: int) -> list[Hit]:
    """The ``fetch`` best of the stories holding ``token`` in one of the ``chosen`` fields, each
    scored exactly as the whole query scores it.

    Scored 0, then each field's term added in the query's order, as the whole query sums them:
    a chain of "must, should" seeks each term's postings for the few stories, where a Must of
    the whole query walked all of them (tantivy advances a union through every posting)."""
    scored = tantivy.Query.const_score_query(_any_of(schema, list(chosen), token), 0.0)
    for f, _ in present:
        term = boosted(f, tantivy.Query.term_query(schema, f, token))
        scored = tantivy.Query.boolean_query([(tantivy.Occur.Must, scored), (tantivy.Occur.Should, term)])
    return searcher.search(scored, limit=fetch, count=False).hits


def count_of_word(searcher: tantivy.Searcher, schema: tantivy.Schema, bm25: Bm25, fields: tuple[str, ...],
                  token: str) -> int | None:
    """How many stories hold the word ``token`` in any of ``fields``, without a pass over every
    one of them (at 1,000,000 stories "fex", in 489,000: 5.3 ms so, under 1 ms this way); None
    when the index holds deleted documents, which ``doc_freq`` counts."""
    if bm25.docs != searcher.num_docs:
        return None
    present = _holding(searcher, fields, token)
    if len(present) < 2:
        return present[0][1] if present else 0
    common, most = max(present, key=lambda fn: fn[1])
    elsewhere = _any_of(schema, [f for f, _ in present if f != common], token)
    return most + _only_elsewhere(searcher, elsewhere, tantivy.Query.term_query(schema, common, token))


def holds(searcher: tantivy.Searcher, schema: tantivy.Schema, fields: tuple[str, ...], token: Any,
          deleted: int | None) -> bool:
    """Whether a story the index has holds ``token`` in one of ``fields``. ``doc_freq`` counts the
    stories deleted until tantivy merges their segment (``deleted`` of them; None: not known): a
    term held no more times than that in every field may be held by them alone, which a search
    tells (over those few). A word only a deleted story held was taken as a whole word and found
    nothing; a story imported again after its delete was taken as indexed and never searched."""
    present = _holding(searcher, fields, token)
    if not present:
        return False
    if deleted is not None and max(n for _, n in present) > deleted:
        return True
    return bool(searcher.search(_any_of(schema, [f for f, _ in present], token), 1, count=False).hits)


def _holding(searcher: tantivy.Searcher, fields: tuple[str, ...], token: Any) -> list[tuple[str, int]]:
    """The fields that hold ``token``, in their order, each with how many stories hold it there."""
    return [(f, n) for f in fields if (n := searcher.doc_freq(f, token))]


def _any_of(schema: tantivy.Schema, fields: list[str], token: str) -> tantivy.Query:
    """The stories holding ``token`` in any of ``fields``."""
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.term_query(schema, f, token))
                                        for f in fields])


def _only_elsewhere(searcher: tantivy.Searcher, elsewhere: tantivy.Query, common: tantivy.Query) -> int:
    """How many stories ``elsewhere`` matches that ``common`` does not (a count over the smaller fields)."""
    only = tantivy.Query.boolean_query([(tantivy.Occur.Must, elsewhere), (tantivy.Occur.MustNot, common)])
    counted = searcher.search(tantivy.Query.const_score_query(only, 1.0), limit=1, count=True)
    return int(counted.count or 0)  # type: ignore[attr-defined]  # not in tantivy's stub

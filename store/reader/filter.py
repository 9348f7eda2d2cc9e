"""The reader's fallback search while the index opens: the same parsed query, the same stories.

It takes the :class:`~broadsheet.store.search.query.Query` the index runs and applies each
part as the index does (:mod:`broadsheet.store.search.execute`): words and phrases through
the index's analyser (:mod:`broadsheet.store.search.analysis`: case, accents and English
stems), prefixes, field filters, ``OR``, ``-``, tags, ``is:`` (``is:new`` among the ids the query
carries), ``after:``/``before:``.
What it cannot do it says, in the result's ``note`` or as a :class:`QueryError`:

- it sees what the store's story list holds (headline, standfirst, captions, photo credits,
  bylines, credits, source, agency, dateline), not story text: a bare word finds only the
  stories that have it outside the text, and ``body:`` is refused;
- it cannot rank, so matches are listed newest first.

It never imports tantivy: the reader loads tantivy after its first paint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from broadsheet.store.search.analysis import (
    FEED_FIELD,
    FIELD_GROUPS,
    day_number,
    feed_key,
    folded,
    prefix_forms,
    published_values,
    stem_set,
    stemmed,
    stems,
)
from broadsheet.store.search.query import (
    NOTHING_TO_SEARCH,
    Query,
    QueryError,
    SearchResult,
    Term,
    begun,
    go_on,
    never,
    tag_key,
    tag_keys,
)
from broadsheet.store.storage.db import StoryMeta
from broadsheet.store.storage.userstate import EMPTY, StoryState

#: A field's values, each as its stems by position ("" where the index dropped a long token).
Values = tuple[tuple[str, ...], ...]
NOT_TEXT = "story text is not searched until the search index is ready"
NOT_RANKED = "matches are listed newest first until the search index is ready"
#: A pass asks whether it is still wanted every this many stories: a story whose details are
#: not read yet can cost a shard read (about 1 ms at 1,000,000 stories; 1,024 kept a replaced
#: pass going for over a second).
STOP_EVERY = 64


class Doc:
    """A story's index fields that the story list holds, analysed as the index analyses them:
    every stem in a bag at once (all a bare word needs), each field's positions when asked."""

    __slots__ = ("_fields", "_meta", "bag")

    def __init__(self, meta: StoryMeta) -> None:
        self._meta = meta
        self._fields: dict[str, Values] | None = None
        parts = [meta.headline, meta.standfirst, meta.source, meta.agency, meta.dateline, *meta.authors]
        for image in meta.images:
            parts += [image.caption, image.credit]
        if meta.credits:
            parts += [meta.credits.text, *meta.credits.people()]
        self.bag = stem_set("\n".join(p for p in parts if p))

    @property
    def source(self) -> str:
        return self._meta.source or ""

    def get(self, name: str, default: Values = ()) -> Values:
        if self._fields is None:
            self._fields = {f: tuple(stems(v) for v in values) for f, values in raw_fields(self._meta).items()}
        return self._fields.get(name, default)


def raw_fields(meta: StoryMeta) -> dict[str, list[str]]:
    """The story's index fields that the story list holds, as the index is given them."""
    raw: dict[str, list[str]] = {"headline": [meta.headline]}
    if meta.standfirst:
        raw["standfirst"] = [meta.standfirst]
    for image in meta.images:
        if image.caption:
            raw.setdefault("caption", []).append(image.caption)
        if image.credit:
            raw.setdefault("photo_credit", []).append(image.credit)
    if meta.authors:
        raw["authors"] = list(meta.authors)
    if meta.credits:
        raw["credits"] = [meta.credits.text, *meta.credits.people()]
    for name, value in (("source", meta.source), ("agency", meta.agency), ("dateline", meta.dateline)):
        if value:
            raw[name] = [value]
    return raw


Matcher = Callable[[Doc], bool]
#: A query's tag groups as (tag_key, negated) pairs: each group must hold one.
TagGroups = tuple[tuple[tuple[str, bool], ...], ...]
#: Every field the story list holds: a bare word is looked up in a story's bag of stems.
_ALL = tuple(f for f in FIELD_GROUPS[None] if f != "body")


def _sequence_at(value: tuple[str, ...], words: Sequence[tuple[int, str]], start: int) -> bool:
    return all(start + pos < len(value) and value[start + pos] == word for pos, word in words)


def _phrase(fields: tuple[str, ...], words: list[tuple[int, str]]) -> Matcher:
    base = words[0][0]
    rel = [(pos - base, word) for pos, word in words]
    first = rel[0][1]

    def match(doc: Doc) -> bool:
        if first not in doc.bag:
            return False
        return any(token == first and _sequence_at(value, rel, i)
                   for f in fields for value in doc.get(f, ()) for i, token in enumerate(value))

    return match


def _word(fields: tuple[str, ...], word: str) -> Matcher:
    if fields == _ALL:
        return lambda doc: word in doc.bag
    return lambda doc: word in doc.bag and any(word in value for f in fields for value in doc.get(f, ()))


def _prefix(fields: tuple[str, ...], options: tuple[str, ...], whole: frozenset[str]) -> Matcher:
    """Tokens starting with one of ``options``, or one of the stems ``whole`` (see ``stems_begun_by``)."""
    if fields == _ALL:
        return lambda doc: any(token.startswith(options) or token in whole for token in doc.bag)
    return lambda doc: any(token.startswith(options) or token in whole
                           for f in fields for value in doc.get(f, ()) for token in value)


def _phrase_prefix(fields: tuple[str, ...], head: list[str], last: str) -> Matcher:
    """``head``'s words, then one that the prefix ``last`` takes as a lone prefix does (see :func:`_prefix`)."""
    words = list(enumerate(head))
    n = len(head)
    options, whole = prefix_forms(last)

    def match(doc: Doc) -> bool:
        if head[0] not in doc.bag:
            return False
        for f in fields:
            for value in doc.get(f, ()):
                for i in range(len(value) - n):
                    tail = value[i + n]
                    if value[i] == head[0] and (tail.startswith(options) or tail in whole) and \
                            _sequence_at(value, words, i):
                        return True
        return False

    return match


def term_matcher(term: Term) -> Matcher | None:
    """How the index matches one text term; None when it has nothing searchable (the index skips it)."""
    if term.field == "body":
        raise QueryError("body: needs the search index, which is still opening; try again in a moment")
    if term.field == FEED_FIELD:  # feed:"Title": the source is that whole title
        key = feed_key(term.text)
        return (lambda doc: feed_key(doc.source) == key) if key else None
    fields = tuple(f for f in FIELD_GROUPS[term.field] if f != "body")
    if term.kind == "prefix":
        tokens = [t for _, t in folded(term.text)]
        if not tokens:
            return None
        last = tokens[-1]
        if len(tokens) == 1:
            return _prefix(fields, *prefix_forms(last))
        head = [t for _, t in stemmed(term.text)][:-1]  # each word stemmed whole, as the index holds it
        return _phrase_prefix(fields, head, last) if head else None
    words = stemmed(term.text)
    if not words:
        return None
    return _word(fields, words[0][1]) if len(words) == 1 else _phrase(fields, words)


def _tags_hold(groups: TagGroups, tags: tuple[str, ...]) -> bool:
    """Whether a story with ``tags`` meets every group of tag terms, as the index compares tags (by ``tag_key``)."""
    held = tag_keys(tags)
    return all(any((key in held) != negated for key, negated in group) for group in groups)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A query made ready to test story after story."""

    text: tuple[tuple[tuple[Matcher, bool], ...], ...]  # groups of (matcher, negated)
    tags: TagGroups
    days: tuple[int, int] | None  # [lower, upper) as YYYYMMDD


class WordFilter:
    """Runs parsed queries over the story list; remembers each story's analysed fields between keystrokes."""

    def __init__(self) -> None:
        self._fields: dict[str, Doc] = {}

    @staticmethod
    def _plan(query: Query) -> _Plan:
        groups = []
        for group in query.text_groups:
            built = tuple((m, t.negated) for t in group if (m := term_matcher(t)) is not None)
            if built:
                groups.append(built)
        days = None
        if query.after or query.before:
            days = (day_number(query.after) if query.after else 1,
                    day_number(query.before) if query.before else 99991232)
        tags = tuple(tuple((tag_key(t.text), t.negated) for t in group) for group in query.tag_groups)
        return _Plan(tuple(groups), tags, days)

    def _doc(self, meta: StoryMeta) -> Doc:
        doc = self._fields.get(meta.id)
        if doc is None:
            doc = self._fields[meta.id] = Doc(meta)
        return doc

    def _holds(self, word: Term, stories: Sequence[StoryMeta], stop: Callable[[], bool]) -> bool:
        """Whether a story holds ``word`` where it is searched (a word of several pieces, "covid-1",
        as a phrase), as the index tells (a pass that stops at the first story holding it): a word
        none holds is still being typed."""
        match = term_matcher(word)
        if match is None:
            return True
        for n, meta in enumerate(stories):
            if not n % STOP_EVERY:
                go_on(stop)
            if match(self._doc(meta)):
                return True
        return False

    def run(self, query: Query, stories: Sequence[StoryMeta], states: Mapping[str, StoryState],
            limit: int | None = None, stop: Callable[[], bool] = never) -> SearchResult:
        """The stories (newest first, as given) that the index would find for ``query``, its last
        word searched as a prefix when no story holds it (as the index does: see ``begun``).

        Asks ``stop`` every ``STOP_EVERY`` stories and raises SearchCancelled once it says yes:
        at 1,000,000 stories a pass reads every story's details (minutes), and the reader's
        search of a restored session started it just before the index opened."""
        plan = self._plan(query)
        if query.last_word is not None and not self._holds(query.last_word, stories, stop):
            query = begun(query)
            plan = self._plan(query)
        if query.text_groups and not plan.text:  # as the index: never "every story"
            raise QueryError(NOTHING_TO_SEARCH)
        text = plan.text
        by_state = query.bookmarked is not None or query.read is not None or bool(plan.tags)
        single = text[0][0][0] if len(text) == 1 and len(text[0]) == 1 and not text[0][0][1] else None
        # stories share their few tags: each set of them is folded and tested once
        tags_hold = lru_cache(maxsize=4096)(lambda tags: _tags_hold(plan.tags, tags))

        def keep(meta: StoryMeta) -> bool:
            if query.new is not None and (meta.id in query.fresh) != query.new:
                return False
            if by_state:
                state = states.get(meta.id, EMPTY)
                if query.bookmarked is not None and state.bookmarked != query.bookmarked:
                    return False
                if query.read is not None and state.read != query.read:
                    return False
                if plan.tags and not tags_hold(state.tags):
                    return False
            if plan.days is not None and not plan.days[0] <= published_values(meta.published)[1] < plan.days[1]:
                return False
            if not text:
                return True
            doc = self._doc(meta)
            if single is not None:  # one word, as typed so far: the usual case
                return single(doc)
            return all(any(match(doc) != negated for match, negated in group) for group in text)

        ids = []
        for n, meta in enumerate(stories):
            if not n % STOP_EVERY:
                go_on(stop)
            if keep(meta):
                ids.append(meta.id)
        notes = []
        partial = any(t.field is None for group in query.text_groups for t in group)
        if partial:
            notes.append(NOT_TEXT)
        if not query.by_date and any(not m[1] for group in plan.text for m in group):
            notes.append(NOT_RANKED)
        shown = ids if limit is None else ids[: max(0, limit)]
        return SearchResult(shown, len(ids), list(query.terms), query, "; ".join(notes), partial=partial)

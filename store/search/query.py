"""The search bar's query language, parsed into a :class:`Query` (no index needed).

Grammar (whitespace separates items; every group must match)::

    query   := item ("AND"? item)*            # AND in capitals says what a space says
    item    := group | filter
    group   := term (("OR" | "|") term)*    # OR in capitals, or |; joins words, phrases, prefixes or tags
    term    := ["-" | "NOT"] (word | '"phrase"' | prefix"*" | field ":" (word | '"phrase"' | prefix"*")
                                | "(" query ")" | field ":(" query ")")   # words only inside, no nesting
    field   := headline | standfirst | body | caption | by | author | credit | source | agency
             | dateline | feed | tag        # by: authors and credits; credit: credits, no authors
                                            # feed:"Title": the source is that whole title
    filter  := ["-"] "is:" (bookmarked | unread | read | new)   # new: added by the latest fetch
             | "after:" YYYY-MM-DD | "before:" YYYY-MM-DD | "sort:" (date | relevance)

Parentheses group only after ``-``, ``NOT`` or a text field: ``-(cafe OR bridge)`` leaves out
both, ``headline:(bridge OR cafe)`` looks for either in headlines. Elsewhere they are
punctuation, as in a pasted headline (``Mayor (72) resigns``). ``NOT`` in capitals is ``-``
(``NOT ferry`` is ``-ferry``); ``|`` is ``OR``, with or without spaces (``ferry|bridge``), as in
Google's search. Lower-case ``or``, ``and`` and ``not`` are words. A word with an unknown
``name:`` in front is searched as text when it is no field's name mistyped (``10:30``,
``http://x``, ``re:Invent``); ``title:bridge`` says which fields there are. Anything malformed
raises :class:`QueryError`, whose message is short enough to show under the search bar.

The query's last word (``ferr``, ``headline:ferr``, ``-ferr``; not a phrase, tag or prefix, but in
the reader's bar a phrase whose quote is still open, ``"harbour fer``: see :func:`parse_query`), of
:data:`BEGUN_LETTERS` or more, may be a word still being typed: :attr:`Query.last_word` keeps it,
and the executor searches it as a prefix (``ferr*``, :func:`begun`; its matches newest first) when
no story holds it in the fields it is searched in, a term look-up per field (a word with punctuation
inside, ``covid-1``, a phrase: its last piece begun, as ``covid-1*``, when its search finds nothing
with it whole). A word some story holds keeps its exact, ranked meaning; one that begins no word
still finds nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

from broadsheet.store.search.analysis import CJK_CHAR, FEED_FIELD, TOKEN, fold
from broadsheet.store.storage.userstate import TagError, normalise_tag

TermKind = Literal["word", "phrase", "prefix", "tag"]
SortOrder = Literal["relevance", "date"]

#: Field filters that search text, and the name each stands for.
TEXT_FIELDS = {"headline": "headline", "standfirst": "standfirst", "body": "body", "caption": "caption", "by": "by",
               "author": "by", "credit": "credit", "source": "source", "agency": "agency", "dateline": "dateline",
               "feed": "source"}  # a feed's stories carry its title as source
#: Filters that pick stories by their marks or date, or order them, with the values each takes.
FILTERS = {"is": "is:bookmarked|unread|read|new", "after": "after:YYYY-MM-DD", "before": "before:YYYY-MM-DD",
           "sort": "sort:date|relevance"}
_FILTERS = set(FILTERS)
#: Every name a query takes before a colon, in the order the error and `search --help` list them.
FIELD_NAMES = (*TEXT_FIELDS, "tag", *FILTERS)
MAX_TERMS = 64  # words, phrases, prefixes and tags in one query
#: Letters a last word needs to be searched as a prefix when no story holds it (see :func:`begun`): at
#: 100,000 stories a two-letter one matched 80-100% of them and took 15-45 ms ("dr": 99,778 stories),
#: ten times a whole word; three letters matched about a tenth ("lit" 12,123) in 2-3 ms.
BEGUN_LETTERS = 3
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


#: Said for a query of punctuation or over-long words only: the index holds none of them.
NOTHING_TO_SEARCH = ("Nothing to search for: punctuation and words of 100 letters or more (50 in Cyrillic or Greek) "
                     "are not indexed")


class QueryError(ValueError):
    """A query the search bar cannot run; ``str(error)`` is a short message for the user."""


class SearchCancelled(Exception):
    """A search given up between its steps because a newer one replaced it (its ``stop`` said so)."""


def never() -> bool:
    """The ``stop`` of a search nothing replaces."""
    return False


def go_on(stop: Callable[[], bool]) -> None:
    """Raise SearchCancelled when ``stop()`` says the search is no longer wanted."""
    if stop():
        raise SearchCancelled


@dataclass(frozen=True, slots=True)
class Term:
    """One thing to look for: a word, phrase, prefix (without its ``*``) or a tag."""

    kind: TermKind
    text: str
    field: str | None = None  # None: every text field; else a TEXT_FIELDS value, or FEED_FIELD (a whole title)
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. Each group is an OR of terms; every group must match."""

    groups: tuple[tuple[Term, ...], ...] = ()
    bookmarked: bool | None = None
    read: bool | None = None
    after: dt.date | None = None  # published on or after this day
    before: dt.date | None = None  # published before this day
    sort: SortOrder = "relevance"
    terms: tuple[str, ...] = field(default=())  # to highlight: positive words, phrases, prefixes (highlight_term)
    last_word: Term | None = None  # the last term when a word of BEGUN_LETTERS or more: it may be half typed
    begun: Term | None = None  # the prefix the last word is searched as: no story holds it whole (:func:`begun`)
    new: bool | None = None  # is:new: among the stories the latest fetch added (``fresh``), or -is:new: not
    #: The ids of the stories the latest fetch added, given by whoever runs an ``is:new`` query
    #: (:func:`~broadsheet.store.feeds.latest.given_new`): the parse reads no store file.
    fresh: frozenset[str] = frozenset()

    @property
    def text_groups(self) -> tuple[tuple[Term, ...], ...]:
        return tuple(g for g in self.groups if g[0].kind != "tag")

    @property
    def tag_groups(self) -> tuple[tuple[Term, ...], ...]:
        return tuple(g for g in self.groups if g[0].kind == "tag")

    @property
    def by_date(self) -> bool:
        """Whether its results are listed newest first: ``sort:date``, or no word to rank them by
        (only marks, tags, dates, words left out, or a word still being typed: see :func:`begun`)."""
        return self.sort == "date" or all(term.negated or term == self.begun
                                          for group in self.text_groups for term in group)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a query found, from the index or from the reader's fallback filter."""

    ids: list[str]  # story ids in result order
    total: int  # matches in all, before ``limit``
    terms: list[str]  # positive words, phrases and prefixes as the query writes them, for highlighting
    query: Query = field(default_factory=Query)
    note: str = ""  # what the answer could not take into account (the fallback's limits), for the user
    # False: ``total`` is an estimate, the share of every story that the marks keep applied to the
    # words' matches; the same search with a limit of 0 counts them (see ``Executor.run``'s ``count_later``)
    counted: bool = True
    # True: the fallback filter answered without the story text the index would search, so the
    # index's answer, when it opens, may list more (the session's story, found in its text)
    partial: bool = False


@dataclass(slots=True)
class _Atom:
    """A lexed item before grouping: a term, a filter or the OR or AND keyword."""

    kind: Literal["term", "filter", "or", "and", "group"]
    term: Term | None = None
    groups: tuple[tuple[Term, ...], ...] = ()  # a group's: what it holds, every one must match
    name: str = ""
    value: str = ""
    negated: bool = False


def _read_phrase(text: str, start: int) -> tuple[str, int]:
    """The phrase starting after the quote at ``start``, and the index after its closing quote."""
    end = text.find('"', start + 1)
    if end < 0:
        raise QueryError('Unclosed quote: add a closing "')
    return text[start + 1 : end], end + 1


def _no_star_after(text: str, end: int) -> None:
    """Refuse a * right after a phrase's closing quote (it said "A * needs 2 letters or more"):
    a phrase's last word is begun by a * inside the quotes."""
    if text.startswith("*", end):
        raise QueryError('A * goes inside the quotes: "harbour ferr*" begins its last word')


def _lex(text: str, quoted_field: str | None = None) -> list[_Atom]:
    """The items of ``text``; a quoted phrase is in ``quoted_field`` (the whole titles of ``feed:( )``)."""
    atoms: list[_Atom] = []
    i, n = 0, len(text)
    not_before = False  # the item before was NOT
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "|":
            negated, i = True, i + 1
        by_not, not_before = not_before, False
        if by_not:
            if negated:
                raise QueryError("NOT and - both: use one of them")
            negated = True
        if text[i] == "|":  # OR as Google writes it: "ferry | bridge", "ferry|bridge"
            if by_not:
                raise QueryError("NOT needs a word after it")
            atoms.append(_Atom("or"))
            i += 1
            continue
        if text[i] == "(" and negated:
            groups, i = _parenthesised(text, i, None)
            atoms.append(_Atom("group", groups=_negated(groups)))
            continue
        if text[i] == '"':
            phrase, i = _read_phrase(text, i)
            _no_star_after(text, i)
            atoms.append(_Atom("term", _text_term(phrase, True, quoted_field, negated)))
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] not in '"|':
            i += 1
        chunk = text[start:i]
        if chunk.startswith("NOT(") and (by_not or not negated):  # NOT(a OR b), as -(a OR b): not the word "not"
            if by_not:
                raise QueryError("NOT needs a word after it")
            not_before, i = True, start + 3
            continue
        if chunk in _KEYWORDS and by_not:
            raise QueryError("NOT needs a word after it")
        if chunk in ("OR", "AND") and not negated:
            atoms.append(_Atom("or" if chunk == "OR" else "and"))
            continue
        if chunk == "NOT" and not negated:
            not_before = True
            continue
        name, colon, value = chunk.partition(":")
        key = name.lower()
        if colon and value.startswith("(") and (key in TEXT_FIELDS or key == "tag"):
            if key == "tag":
                raise QueryError("Parentheses do not group tags: write tag:a OR tag:b")
            # feed:("Title" OR "Other") is either whole title, as feed:"Title" is; its words, the source's
            groups, i = _parenthesised(text, start + len(name) + 1, TEXT_FIELDS[key],
                                       FEED_FIELD if key == "feed" else None)
            atoms.append(_Atom("group", groups=_negated(groups) if negated else groups))
            continue
        if colon and (key in TEXT_FIELDS or key == "tag" or key in _FILTERS):
            if not value and i < n and text[i] == '"':
                value, i = _read_phrase(text, i)
                if key in TEXT_FIELDS:
                    _no_star_after(text, i)
                quoted = True
            else:
                quoted = False
            if not value.strip():
                raise QueryError(f"{key}: needs a value, like {_EXAMPLES[key]}")
            if key in _FILTERS:
                atoms.append(_Atom("filter", name=key, value=value.strip(), negated=negated))
            elif key == "tag":
                if value.endswith("*") and not quoted:
                    raise QueryError("tag: takes a whole tag, not a prefix: tag:work")  # 0 results, no word why
                try:
                    tag = normalise_tag(value)
                except TagError:
                    raise QueryError("tag: needs a value, like tag:work") from None
                atoms.append(_Atom("term", Term("tag", tag, None, negated)))
            else:
                if not quoted and value.startswith("-") and len(value) > 1:  # headline:-ferry was headline:ferry
                    if negated:
                        raise QueryError(f"- twice: -{key}:{value[1:12]} leaves it out once")
                    negated, value = True, value[1:]
                # feed:"Title" is that whole title, one feed's; feed:word a word of it, as source:word
                where = FEED_FIELD if key == "feed" and quoted else TEXT_FIELDS[key]
                atoms.append(_Atom("term", _text_term(value, quoted, where, negated)))
        else:
            if colon and _looks_like_a_field(key, value or text[i:i + 1]):
                raise QueryError(f"No field {name[:12]}: (fields: {', '.join(FIELD_NAMES)})")
            atoms.append(_Atom("term", _text_term(chunk, False, None, negated)))
    if not_before:
        raise QueryError("NOT needs a word after it")
    return atoms


_KEYWORDS = ("OR", "AND", "NOT")
#: Names before a colon that start an address, not a field: searched as text (``mailto:x@y``).
_SCHEMES = frozenset({"http", "https", "ftp", "file", "mailto", "tel", "urn", "news", "data", "magnet", "geo", "sms",
                      "sip", "xmpp", "irc", "ipfs", "doi", "isbn", "arxiv"})


#: Field names of other search tools (and this one's in the plural): "no such field" rather than
#: searching the text for them.
_FIELD_LIKE = frozenset({"title", "titles", "text", "author", "authors", "tags", "headlines", "captions", "credits",
                         "byline", "date", "site", "url", "from", "sources", "feeds", "subject", "content", "summary",
                         "lang", "language", "photo", "photos", "image", "images"})


def _looks_like_a_field(key: str, value: str) -> bool:
    """Whether ``key:value`` is a field mistyped (``title:bridge``, ``haedline:x``): a name other
    tools use for a field, or one letter off one of ours. Any other word with a colon is text:
    ``re:Invent``, ``localhost:8080``, ``BBC:news``, a time (``10:30``), an address
    (``http://x``), a drive (``C:``), a heading pasted with its colon (``Update: ...``)."""
    name = key.lower()
    if not (len(name) > 1 and name.isascii() and name.isalpha() and name not in _SCHEMES
            and bool(value) and not value[0].isspace() and not value.startswith("/")):
        return False
    return name in _FIELD_LIKE or any(len(known) >= 4 and _one_edit(name, known)
                                      for known in (*TEXT_FIELDS, *_FILTERS, "tag"))


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` with one letter changed, added, dropped, or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _parenthesised(text: str, start: int, field_name: str | None,
                   quoted_field: str | None = None) -> tuple[tuple[tuple[Term, ...], ...], int]:
    """The groups inside the parentheses opening at ``start`` (each term in ``field_name``,
    when given, a quoted one in ``quoted_field`` when given), and the index after the closing one."""
    quoted = False
    for end in range(start + 1, len(text)):
        char = text[end]
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            raise QueryError("Parentheses cannot nest: write the words out")
        elif char == ")":
            break
    else:
        raise QueryError("Unclosed parenthesis: add a closing )")
    atoms = _lex(text[start + 1 : end], quoted_field)
    if any(a.kind in ("filter", "group") or (a.term is not None and a.term.kind == "tag") for a in atoms):
        raise QueryError("Only words, phrases and prefixes* go in parentheses")
    groups = _grouped(atoms)
    if not groups:
        raise QueryError("Parentheses need a word inside")
    if field_name is not None:
        if any(t.field not in (None, quoted_field) for g in groups for t in g):
            raise QueryError("A field's parentheses hold words, not other fields")
        groups = [tuple(t if t.field else replace(t, field=field_name) for t in g) for g in groups]
    return tuple(groups), end + 1


def _negated(groups: tuple[tuple[Term, ...], ...]) -> tuple[tuple[Term, ...], ...]:
    """``-( ... )``: not (g1 and g2 ...), as groups. -(a OR b) is -a -b, -(a b) is -a OR -b."""
    if len(groups) == 1:
        return tuple((_flipped(t),) for t in groups[0])
    if all(len(g) == 1 for g in groups):
        return (tuple(_flipped(g[0]) for g in groups),)
    raise QueryError("Parentheses cannot leave that out: put - before each word")


def _flipped(term: Term) -> Term:
    return replace(term, negated=not term.negated)


_EXAMPLES = {"headline": "headline:ferry", "standfirst": "standfirst:ferry", "body": "body:ferry",
             "caption": "caption:harbour", "by": "by:quill", "author": "author:quill", "credit": "credit:quill",
             "source": "source:gazette", "agency": "agency:reuters", "dateline": "dateline:oslo", "tag": "tag:work",
             "feed": 'feed:"Harbour Gazette"',
             "is": "is:unread", "after": "after:2024-03-01", "before": "before:2024-03-01", "sort": "sort:date"}


#: A * with a letter or digit after it, inside a word: no search matches letters past a * (fer*y).
_INSIDE_STAR = re.compile(r"\*+[^\W_]")


def _text_term(value: str, quoted: bool, field_name: str | None, negated: bool) -> Term:
    if quoted:
        # '"town celebrat*"': the phrase's last word is a prefix (a lone * stays punctuation)
        head = value.strip()
        if field_name != FEED_FIELD and head.endswith("*") and (last := head.rstrip("*").split()[-1:]) and (
                sum(c.isalnum() for c in last[0]) >= 2 or CJK_CHAR.search(last[0])):
            return Term("prefix", head.rstrip("*").rstrip(), field_name, negated)
        return Term("phrase", value, field_name, negated)
    if _INSIDE_STAR.search(value):  # fer*y found nothing, without a word why
        raise QueryError("A * ends a word, like ferr*: no letters after it")
    if value.endswith("*"):
        stem = value.rstrip("*")
        if sum(c.isalnum() for c in stem) < 2 and not CJK_CHAR.search(stem):  # one CJK character is a word
            raise QueryError("A * needs 2 letters or more before it, like fe*")
        return Term("prefix", stem, field_name, negated)
    return Term("word", value, field_name, negated)


def _date(name: str, value: str) -> dt.date:
    if _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:  # written right, but no calendar has it: "needs a date like ..." said the form was wrong
            raise QueryError(f"{name}: {value} is no day of the calendar") from None
    raise QueryError(f"{name}: needs a date like 2024-03-01, not {value[:20]!r}")


def _grouped(atoms: list[_Atom], filters: list[_Atom] | None = None) -> list[tuple[Term, ...]]:
    """The groups the atoms make (each OR chain's operands multiplied out: ``headline:(a b) OR c``
    is ``(headline:a OR c) (headline:b OR c)``); filters are put in ``filters``."""
    groups: list[tuple[Term, ...]] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        if atom.kind == "or":
            raise QueryError("OR needs a word on each side")
        if atom.kind == "and":  # all items must match anyway: AND needs only something to join
            if i == 0 or i + 1 >= len(atoms) or atoms[i + 1].kind in ("or", "and"):
                raise QueryError("AND needs a word on each side")
            i += 1
            continue
        if atom.kind == "filter":
            if i + 1 < len(atoms) and atoms[i + 1].kind == "or":
                raise QueryError(f"OR cannot join {atom.name}: filters")
            if filters is not None:
                filters.append(atom)
            i += 1
            continue
        joined = _operand(atom)
        i += 1
        while i < len(atoms) and atoms[i].kind == "or":
            if i + 1 >= len(atoms) or atoms[i + 1].kind in ("or", "and"):
                raise QueryError("OR needs a word on each side")
            nxt = atoms[i + 1]
            if nxt.kind == "filter":
                raise QueryError(f"OR cannot join {nxt.name}: filters")
            joined = [mine + theirs for mine in joined for theirs in _operand(nxt)]
            if sum(map(len, joined)) > MAX_TERMS:
                raise QueryError(f"Too many words: at most {MAX_TERMS}")
            i += 2
        for terms in joined:
            if len({t.kind == "tag" for t in terms}) > 1:
                raise QueryError("OR cannot join tag: with words")
            if terms not in groups:  # "ferry ferry" is "ferry"
                groups.append(terms)
    return groups


def _operand(atom: _Atom) -> list[tuple[Term, ...]]:
    """What one side of an OR holds, as groups: a term, or a parenthesised group's groups."""
    return list(atom.groups) if atom.kind == "group" else [(atom.term,)] if atom.term is not None else []


def tag_key(tag: str) -> str:
    """What ``tag:`` compares of a tag: lower-cased and its accents folded as the index folds a
    word, so ``tag:cafe`` finds stories tagged "café" as ``cafe`` finds the word "Café". Tags
    stay as typed; only their names are folded when searched (a few, not every story's)."""
    return fold(tag)


@lru_cache(maxsize=4096)
def tag_keys(tags: tuple[str, ...]) -> frozenset[str]:
    """The :func:`tag_key` of each of a story's tags, which ``tag:`` compares: stories share their
    few tags, so each story's are not folded again (the fallback filter tests every story's)."""
    return frozenset(map(tag_key, tags))


def highlight_term(term: Term) -> str:
    """``term`` as the query language writes it, for the highlighter: a prefix with its ``*`` (it
    marks what it begins), a phrase in quotes, a field before its colon (``headline:ferry`` marks
    headlines only)."""
    text = term.text.strip()
    shown = f'"{text}"' if term.kind == "phrase" else text + ("*" if term.kind == "prefix" else "")
    return f"{term.field}:{shown}" if term.field else shown


def _highlighted(groups: tuple[tuple[Term, ...], ...]) -> tuple[str, ...]:
    """The terms of ``groups`` to highlight, as :func:`highlight_term` writes them, once each."""
    highlight: dict[str, str] = {}
    for found in groups:
        for term in found:
            # A feed chosen (feed:"Title", the sidebar's) is a filter, as a tag is: its title in every
            # byline was a "match" to step through with n, which then never left the story.
            if term.kind != "tag" and term.field != FEED_FIELD and not term.negated and \
                    any(c.isalnum() for c in term.text):
                highlight.setdefault((shown := highlight_term(term)).casefold(), shown)
    return tuple(highlight.values())


def begun(query: Query) -> Query:
    """``query`` with its last word searched as a prefix (``ferr`` as ``ferr*``), and highlighted
    as one: the executor's, when no story holds the word whole (it is still being typed).

    The prefix ranks nothing: alone, its matches are listed newest first. A prefix scores a story
    by how many of its fields hold such a word, so nearly every match tied, and putting the ties in
    order took a second search of 6,096 hits: at 100,000 stories "lit", "zeat", "vazowo" 7-9.5 ms
    a key typed, against 2-3.5 ms newest first (a whole word: 2.5-3.5 ms)."""
    word = query.last_word
    if word is None:
        return query
    # From its first word to its last: "(ferr" begins "ferry" (the bar said "words beginning (ferr",
    # and "(ferr*" marked nothing), "covid-1" keeps its "-".
    found = list(TOKEN.finditer(word.text))
    prefix = replace(word, kind="prefix", text=word.text[found[0].start():found[-1].end()] if found else word.text)
    groups = tuple(tuple(prefix if t == word else t for t in group) for group in query.groups)
    return replace(query, groups=groups, terms=_highlighted(groups), begun=prefix)


#: An OR typed last, its second word not yet: in the bar it waits for it, not refused at that key.
_TYPED_OR = re.compile(r"(?:(?<=\S)\s*\||\s+OR)\s*$")


def parse_query(text: str, typing: bool = False) -> Query:
    """Parse the search bar's text; raises :class:`QueryError` with a short message.

    ``typing``: the reader's bar, searched at each key. A quote not closed at the end opens a
    phrase still being typed, searched as a last word is (its last word begun when no story holds
    it: ``"harbour fer`` as ``"harbour fer*"``), not refused at every key until the quote is typed;
    an OR typed last (``ferry |``, ``ferry OR``) waits for its second word."""
    typed_phrase = False
    if typing and text.count('"') % 2:  # every quote opens or closes a phrase: the last one is open
        opened = text.rindex('"')
        typed_phrase = bool(text[opened + 1:].strip())
        text = text + '"' if typed_phrase else text[:opened]  # a quote just typed holds nothing to search yet
    elif typing and (joined := _TYPED_OR.search(text)):  # "ferry |", "ferry OR": the next word is on its way
        text = text[:joined.start()]
    filters: list[_Atom] = []
    atoms = _lex(text)
    groups = tuple(_grouped(atoms, filters))
    # the last text term (filters and tags may follow it: "ferr is:unread", "ferr tag:work")
    last = next((a for a in reversed(atoms) if a.kind == "group" or (a.term is not None and a.term.kind != "tag")),
                None)
    word = last.term if last is not None else None
    # a word, or the phrase being typed (feed:"Title" is a whole title, never begun)
    last_word = word if word is not None and (word.kind == "word" or (
        typed_phrase and last is atoms[-1] and word.kind == "phrase" and word.field != FEED_FIELD)) and \
        sum(c.isalnum() for c in word.text) >= BEGUN_LETTERS else None
    bookmarked: bool | None = None
    read: bool | None = None
    new: bool | None = None
    after: dt.date | None = None
    before: dt.date | None = None
    sort: SortOrder = "relevance"
    for atom in filters:
        name, value = atom.name, atom.value.lower()
        if name == "is":
            flag = not atom.negated
            if value in ("bookmarked", "bookmark", "saved"):
                if bookmarked is not None and bookmarked != flag:
                    raise QueryError("is:bookmarked contradicts itself")
                bookmarked = flag
            elif value in ("unread", "read"):
                want = flag if value == "read" else not flag
                if read is not None and read != want:
                    raise QueryError("is:read and is:unread cannot both hold")
                read = want
            elif value == "new":
                if new is not None and new != flag:
                    raise QueryError("is:new contradicts itself")
                new = flag
            else:
                raise QueryError("is: takes bookmarked, unread, read or new")
        elif atom.negated:
            raise QueryError(f"-{name}: is not supported" + ("; use before:" if name == "after" else
                                                             "; use after:" if name == "before" else ""))
        elif name == "after":
            day = _date(name, value)
            after = day if after is None else max(after, day)
        elif name == "before":
            day = _date(name, value)
            before = day if before is None else min(before, day)
        elif value in ("date", "newest"):
            sort = "date"
        elif value == "relevance":
            sort = "relevance"
        else:
            raise QueryError("sort: takes date or relevance")
    if sum(len(g) for g in groups) > MAX_TERMS:
        raise QueryError(f"Too many words: at most {MAX_TERMS}")
    return Query(groups, bookmarked, read, after, before, sort, _highlighted(groups), last_word, new=new)

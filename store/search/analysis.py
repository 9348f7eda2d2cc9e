"""The index's text analysis and dates in plain Python, so a query can be answered without tantivy.

The reader's fallback filter (:mod:`broadsheet.store.reader.filter`) serves searches while the
index opens, and must find what the index would. The index's analyser (:mod:`.schema`) splits
on non-alphanumerics, each Chinese, Japanese or Korean character a word of its own, Turkish
``İ`` read as ``I`` (see :func:`spaced`), drops tokens of 100 UTF-8 bytes or more (their positions stay counted),
lowercases, folds accents to ASCII and applies the English Snowball stemmer; this module does
the same with PyStemmer (Snowball's own C stemmers; tantivy's rust-stemmers port the same
algorithm).
tests/test_search_fallback.py checks both give the same tokens. Importing this never imports
tantivy (the reader loads tantivy only after its first paint).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from functools import lru_cache
from typing import Any

from broadsheet.store.model import local_day
from broadsheet.store.search.folding import FOLD_TABLE, GREEK, GREEK_TABLE
from broadsheet.store.search.wordmarks import WORD_MARKS

#: The index's text fields, in the order the engine lists them.
TEXT_FIELDS = ("headline", "standfirst", "body", "caption", "photo_credit", "authors", "credits", "source",
               "agency", "dateline")
#: The field of each story's source as one term: ``feed:"Title"`` (see :func:`feed_key`).
FEED_FIELD = "feed"
#: What each query field filter searches; ``None`` is a bare word.
FIELD_GROUPS: dict[str | None, tuple[str, ...]] = {
    None: TEXT_FIELDS,
    "headline": ("headline",),
    "standfirst": ("standfirst",),
    "body": ("body",),
    "caption": ("caption",),
    "by": ("authors", "credits", "photo_credit"),
    "credit": ("credits", "photo_credit"),  # reporting and photo credits, not the authors
    "source": ("source",),
    "agency": ("agency",),
    "dateline": ("dateline",),
    FEED_FIELD: (FEED_FIELD,),  # feed:"Title": the whole title (see feed_key), not its words
}
#: The longest key of a title ``feed:"Title"`` compares (tantivy refuses a term of 64 KB; see feed_key).
MAX_FEED_KEY = 300
NO_DATE = -(2**62)
#: tantivy's remove_long: a token of this many UTF-8 bytes or more is dropped. A byte count, not
#: letters: at 40 a Russian word of 20 letters ("достопримечательность") could not be searched.
MAX_TOKEN_BYTES = 100
#: Han ideographs, kana and Hangul: scripts written without spaces between words (Korean puts
#: them between phrases), so a story's words cannot be told apart without a dictionary. Each
#: character is indexed as a word and a query's run of them is looked for as a phrase: a
#: substring search, the way search engines without a CJK dictionary find them.
CJK = ("\u1100-\u11ff\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3131-\u318e\u31f0-\u31ff"
       "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f")
CJK_CHAR = re.compile(f"[{CJK}]")
_GREEK_CHAR = re.compile(f"[{GREEK}]")
#: A CJK or Greek letter: one scan tells whether a text needs either step of :func:`spaced`.
_CJK_OR_GREEK = re.compile(f"[{CJK}{GREEK}]")
#: Runs of letters, digits and the marks inside words (:mod:`.wordmarks`), as tantivy's simple
#: tokenizer splits (see :func:`spaced`), and each CJK letter alone.
TOKEN = re.compile(f"(?=[{CJK}])[^\\W_]|(?:[^\\W_{CJK}]|[{WORD_MARKS}])+")
_PLAIN_TOKEN = re.compile(f"(?=[{CJK}])[^\\W_]|[^\\W_{CJK}]+")  # the same for text without those marks: 3x faster
_WORD_MARK = re.compile(f"[{WORD_MARKS}]")
#: Turkish capital dotted I. Lowercased it is "i" and a combining dot above (U+0307), which
#: the index's folding keeps and its stemmer's tokenizer splits at, so "İstanbul" would not be
#: found by "istanbul". Index and query text give it as "I" (see :func:`spaced`), as Turkish
#: lowercases it to a plain "i".
DOTTED_I = "\u0130"
_local = threading.local()  # a stemmer keeps state while it works: one per thread
#: raw token -> what the index holds for it ("": dropped as too long). Stories repeat their
#: words, so this saves most of the work of analysing a story list; replaced by an empty one
#: when it grows past _CACHE_MAX tokens.
_ANALYSED: dict[str, str] = {}
_CACHE_MAX = 500_000


def _stemmer() -> Any:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer  # on first use: the reader's start need not load it

        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def spaced(text: str) -> str:
    """``text`` as the index is given it: each Turkish ``İ`` as ``I`` (:data:`DOTTED_I`), Greek
    without its accents and final sigma as σ (:data:`GREEK_TABLE`), and a space each side of
    every CJK character, for tantivy's simple tokenizer to split them as :data:`TOKEN` does
    (cheaper than tantivy's regex tokenizer, which took 0.2 ms more a page on every story; text
    with neither costs a scan).
    """
    if text.isascii():
        return text
    text = text.replace(DOTTED_I, "I")
    if not _CJK_OR_GREEK.search(text):
        return text
    text = _ungreek(text)
    if not CJK_CHAR.search(text):
        return text
    return CJK_CHAR.sub(r" \g<0> ", text)


def _undotted(text: str) -> str:
    """``text`` with each ``İ`` as ``I`` and Greek as :func:`spaced` gives it the index (one char
    for one: spans found in it are spans of ``text``)."""
    return _ungreek(text.replace(DOTTED_I, "I"))


def _ungreek(text: str) -> str:
    """``text`` with Greek letters unaccented and final sigma as σ (:data:`GREEK_TABLE`), when it holds any."""
    return text.translate(GREEK_TABLE) if _GREEK_CHAR.search(text) else text


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """Lowercase and fold to ASCII as the index does (``Séoul`` -> ``seoul``, ``ß`` -> ``ss``,
    ``İstanbul`` -> ``istanbul``, see :data:`DOTTED_I`).

    Character by character, as tantivy lowercases: ``str.lower`` on a whole word would give
    a Greek word its final ``ς`` where the index keeps ``σ``.
    """
    if token.isascii():
        return token.lower()
    return "".join(map(str.lower, _undotted(token))).translate(FOLD_TABLE)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English Snowball stem of a folded word (``ferries`` -> ``ferri``)."""
    return _stemmer().stemWord(word)


#: Endings of English words: a prefix typed may stop inside one ("crossin*" of "crossing").
_ENDINGS = ("s", "es", "ed", "ing", "ings", "ion", "ions", "ation", "ations", "ate", "ates", "ated", "ating", "ly",
            "ably", "ibly", "able", "ible", "ment", "ments", "ness", "al", "ally", "ance", "ence", "er", "ers", "est",
            "ic", "ical", "ism", "ist", "ists", "ity", "ities", "ive", "ize", "ized", "ise", "ised", "ous", "ful",
            "less", "y", "ies", "ied")


@lru_cache(maxsize=4096)
def stems_begun_by(prefix: str) -> frozenset[str]:
    """Stems the index holds for words that begin with the folded ``prefix`` but that do not
    themselves begin with it: the index keeps stems, so a prefix running past a word's stem found
    nothing ("celebrat*": "celebrates" is held as "celebr", "crossin*": "crossing" as "cross").
    Found by completing the prefix with each English ending it may stop inside and stemming the
    word (another word of that stem matches too: "celebrat*" finds "celebrity")."""
    found = set()
    for ending in _ENDINGS:
        for cut in range(len(ending)):
            if prefix.endswith(ending[:cut]):
                word = stem(prefix + ending[cut:])
                if len(word) > 1 and not word.startswith(prefix) and _run_past(prefix, word):
                    found.add(word)
    return frozenset(found)


def prefix_forms(prefix: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """What the folded ``prefix`` finds among the stems the index holds: those that begin with it
    or with its own stem ("ferries*": "ferri"), and the stems it runs past (:func:`stems_begun_by`)."""
    return tuple(dict.fromkeys([prefix, stem(prefix)])), stems_begun_by(prefix)


def _run_past(prefix: str, word_stem: str) -> bool:
    """Whether ``prefix`` runs past ``word_stem``: it begins with the stem ("celebrat", "celebr"),
    or with all but the stem's last letter, which the stemmer gave back ("hopin", "hope" of
    "hoping"; "studyin", "studi"), two letters on at least. "agi*" is not "age" (of "aging"), nor
    "dy*" "die" (of "dying"): those found "aged" and "died", which do not begin so."""
    return prefix.startswith(word_stem) or (
        word_stem[-1] in "ei" and prefix.startswith(word_stem[:-1]) and len(prefix) > len(word_stem))


def tokens(text: str) -> list[str]:
    """The words of ``text`` as :data:`TOKEN` finds them, the common text without marks faster."""
    if text.isascii() or _WORD_MARK.search(text) is None:
        return _PLAIN_TOKEN.findall(text)
    return TOKEN.findall(text)


def folded(text: str) -> list[tuple[int, str]]:
    """(position, token) of ``text``: split, long tokens dropped (positions kept), lowercased, folded."""
    return [(pos, fold(m)) for pos, m in enumerate(tokens(_undotted(text)))
            if len(m.encode()) < MAX_TOKEN_BYTES]


def stemmed(text: str) -> list[tuple[int, str]]:
    """As :func:`folded`, then stemmed: what the index holds for ``text`` (and looks up for a word)."""
    return [(pos, token) for pos, token in enumerate(stems(text)) if token]


def stems(text: str) -> tuple[str, ...]:
    """What the index holds for ``text``, position by position ("" where a long token was dropped)."""
    raw = tokens(_undotted(text))
    return tuple(map(_learn(set(raw)).__getitem__, raw))


def stem_set(text: str) -> set[str]:
    """Every stem the index holds for ``text``, without positions (cheaper than :func:`stems`)."""
    raw = set(tokens(_undotted(text)))
    found = set(map(_learn(raw).__getitem__, raw))
    found.discard("")
    return found


def _learn(tokens: set[str]) -> dict[str, str]:
    """The token cache, holding ``tokens``. A full cache is replaced, not cleared, so a search
    in another thread keeps the one it is reading."""
    global _ANALYSED
    cache = _ANALYSED
    if len(cache) > _CACHE_MAX:
        cache = _ANALYSED = {}
    for token in tokens.difference(cache):  # set operations and map: no Python loop per known token
        cache[token] = stem(fold(token)) if len(token.encode()) < MAX_TOKEN_BYTES else ""
    return cache


@lru_cache(maxsize=4096)  # per story in the index and the filter; a store has few feeds
def feed_key(title: str) -> str:
    """A feed's title as ``feed:"Title"`` compares it, whole (its stories carry it as their
    source): a quote as a space (a quoted query cannot hold one), spaces collapsed, lowercased
    and folded as the index folds words. "Top Stories" is then not "Top Stories (b.example)",
    as the phrase of its words was. A longer title than :data:`MAX_FEED_KEY` is its start and
    a digest of the rest, so two long titles stay two."""
    key = fold(" ".join(title.replace('"', " ").split()))
    if len(key) <= MAX_FEED_KEY:
        return key
    return key[:MAX_FEED_KEY - 17] + "#" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def published_values(published: str | None) -> tuple[int, int]:
    """(seconds since epoch for sorting, YYYYMMDD for date filters) of a published string: the
    day is the one the list shows, in this machine's time zone where the story gives its offset
    (:func:`~broadsheet.store.model.local_day`; the index is built in the zone of its day)."""
    if not published:
        return NO_DATE, 0
    try:
        # The day the list shows (after:/before: said another, in another zone): this machine's.
        day = dt.date.fromisoformat(local_day(published))
    except ValueError:
        return NO_DATE, 0
    try:
        when = dt.datetime.fromisoformat(published)
    except ValueError:
        when = dt.datetime(day.year, day.month, day.day)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return int(when.timestamp()), day.year * 10000 + day.month * 100 + day.day


def day_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day

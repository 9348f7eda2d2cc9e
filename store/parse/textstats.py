"""Cheap text measurements used to tell prose from page furniture."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import countOf

from broadsheet.store.search.analysis import CJK, CJK_CHAR

# How many distinct lines the pure per-line tests remember (``functools.lru_cache``). Menus,
# share bars and footers repeat on every page of a site, so an import meets the same short
# lines again and again; a few thousand entries cover several pages' worth of furniture.
LINE_CACHE = 8192

WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
TOKEN = re.compile(r"\w+", re.UNICODE)
_CJK_RUN = re.compile(rf"[{CJK}]+|(?:(?![{CJK}])\w)+")

# Common English function words; prose has many, menus and link lists have few.
STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        """
        a about above after again against all also am an and any are as at be because been before being
        below between both but by can could did do does doing down during each few for from further had
        has have having he her here hers herself him himself his how i if in into is it its itself just
        me more most my myself no nor not now of off on once only or other our ours ourselves out over
        own same she should so some such than that the their theirs them themselves then there these
        they this those through to too under until up very was we were what when where which while who
        whom why will with would you your yours yourself yourselves said says say told according since
        who's it's that's there's he's she's they're we're i'm don't didn't won't can't isn't wasn't
        aren't weren't hasn't haven't one two three new last first may might must shall another even
        still yet already though although however whether around across among within without upon via
        per like
        """,
    )
)

# The commonest function words of other languages news pages are written in, so prose in
# German, French, Spanish, Italian, Portuguese or Dutch is not mistaken for a menu.
FOREIGN_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        """
    der die das und ist nicht ein eine einen dem den des mit von zu auf für sich auch als bei nach aus
    wie wird werden hat haben sind war noch nur oder aber vor zur zum über unter wenn dass sie er es wir
    le la les un une des du et est dans pour pas que qui sur avec par plus au aux ce cette son sa ses
    il elle ils sont été être mais ou où comme leur
    el los las del y en por con para una es lo se su sus al como más pero fue ha han muy sin sobre
    il lo gli di da non che è per sono della delle degli nel nella con anche ma
    o os as um uma do da dos das em no na nos não com por para foi são mais
    de het een en van is dat op te voor met zijn niet aan ook als bij maar om dan
    """,
    )
)

def word_count(text: str) -> int:
    """The words of ``text``, two Chinese, Japanese or Korean characters counting as one.

    Those scripts put no spaces between words, so ``split()`` sees a whole paragraph as one
    word; two characters is about the length of a word of Chinese or Japanese.
    """
    if text.isascii():
        return len(text.split())
    spaced, cjk = CJK_CHAR.subn(" ", text)
    return len(spaced.split()) + (cjk + 1) // 2


def cjk_count(text: str) -> int:
    """How many of the line's letters are Chinese, Japanese or Korean, when they are at least
    half of them (the line is written in those scripts); else 0."""
    if text.isascii():
        return 0
    cjk = len(CJK_CHAR.findall(text))
    return cjk if cjk and 2 * cjk >= sum(map(str.isalpha, text)) else 0


# One CJK character holds about as much as three Latin ones (a two-character word and its space).
CJK_WIDTH = 3


def reading_length(text: str) -> int:
    """``len(text)``, with each character of a line in CJK scripts counted :data:`CJK_WIDTH` times,
    so the length rules made for English measure as much text in Chinese or Japanese."""
    if text.isascii():  # most lines: no second call
        return len(text)
    return len(text) + (CJK_WIDTH - 1) * cjk_count(text)


# Commas, stops and quotation marks of Chinese and Japanese prose (and the Latin ones Korean
# prose uses). Their sentences have no function words to count, but a clause of prose runs 10 to
# 20 characters between these marks, where menus, headlines and link lists have none.
_CJK_MARKS = re.compile(r"[，、。！？；：「」『』]|[,.!?;](?=\s|$)")
# Characters of CJK prose per mark at which a line reads as prose as much as an English line of
# which a third of the words are function words (the share the prose tests look for).
CJK_CLAUSE = 30
_PROSE_SHARE = 1 / 3


def cjk_density(text: str, cjk: int) -> float:
    """:func:`stopword_density` for a line of ``cjk`` CJK characters: its marks per character,
    scaled so that one mark every :data:`CJK_CLAUSE` characters gives a third."""
    return min(1.0, len(_CJK_MARKS.findall(text)) * CJK_CLAUSE * _PROSE_SHARE / cjk)


# Sentence and clause marks of alphabetic scripts, the Arabic, Devanagari, Greek, Armenian and
# Ethiopic ones included, where a word ends (a decimal point or a URL's dots are none).
_CLAUSE_MARKS = re.compile(r"[,;:.!?\u060c\u061b\u061f\u0964\u0965\u037e\u0589\u1362](?=[\s\"'»”’)]|$)")
# Words of prose per clause mark at which a line reads as prose as much as an English line of
# which a third of the words are function words (English news prose: a mark every 8 to 12 words).
CLAUSE_WORDS = 10


# Runs of letters, and of letters in neither Latin nor CJK scripts: counted by what removing them
# takes away (in C: a loop over the characters in Python took 4 us for a line of German prose).
_LETTERS = re.compile(r"[^\W\d_]+")
_UNLISTED_LETTERS = re.compile(rf"[^\W\d_\x00-\u024f\u1e00-\u1eff{CJK}]+")


def unlisted_count(text: str) -> int:
    """How many of the line's letters are of scripts whose function words no list here holds
    (Hebrew, Arabic, Cyrillic, Greek, Indic, ...: neither Latin nor CJK), when they are at
    least half of them; else 0."""
    if text.isascii():
        return 0
    other = len(text) - len(_UNLISTED_LETTERS.sub("", text))
    return other if other and 2 * other >= len(text) - len(_LETTERS.sub("", text)) else 0


def clause_density(text: str) -> float:
    """:func:`stopword_density` for a line in a script without a list of function words: its
    clause marks per word, scaled so that one mark every :data:`CLAUSE_WORDS` words gives a
    third. Prose in any alphabet has commas and full stops; menus, headlines and link lists
    have none. (Hebrew and Arabic join most function words to the next word as prefixes, so
    a list would find few of them anyway.)"""
    n_words = len(text.split())
    return min(1.0, len(_CLAUSE_MARKS.findall(text)) * CLAUSE_WORDS * _PROSE_SHARE / n_words) if n_words else 0.0


def words(text: str) -> list[str]:
    """The alphabetic words of ``text`` (numbers and punctuation dropped)."""
    return WORD.findall(text)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, numbers included (used for similarity)."""
    return list(_tokens(text))


@lru_cache(maxsize=LINE_CACHE)
def _tokens(text: str) -> tuple[str, ...]:
    """:func:`tokens`, remembered: the headline steps compare every line with the title and key."""
    if text.isascii():  # (casefold is lower there, and keeps every character a word character or not)
        return tuple(TOKEN.findall(text.lower()))
    if CJK_CHAR.search(text):
        return tuple(_cjk_tokens(text))
    return tuple(map(str.casefold, TOKEN.findall(text)))


def _cjk_tokens(text: str) -> list[str]:
    """Tokens of a text with CJK characters: each run of those gives its overlapping character
    pairs (two characters are about a word; single characters would make unrelated lines alike),
    the rest its casefolded words."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        if CJK_CHAR.match(run):
            out.extend([run] if len(run) == 1 else [run[k : k + 2] for k in range(len(run) - 1)])
        else:
            out.append(run.casefold())
    return out


def _is_stopword(word: str) -> bool:
    """True for a function word in any of the languages (``Said.`` and ``der`` included)."""
    folded = word.casefold().strip(".")
    return folded in STOPWORDS or folded in FOREIGN_STOPWORDS


# The stop words as casefolded words print them: plain or followed by one or two full stops.
_STOP_FORMS = frozenset(word + dots for word in STOPWORDS | FOREIGN_STOPWORDS for dots in ("", ".", ".."))
_ASCII_WORD = re.compile(r"[a-z][a-z0-9_'.-]*")  # WORD on lower-cased ASCII text
# Lower-cased ASCII text as bytes with every character _ASCII_WORD cannot hold made a space.
_RUN_BYTES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789_'.-" else 32 for c in range(256))
# The same bytes with every kept character but a letter made "0": a run that starts with
# something other than a letter (its word starts later) is found as " 0" (a find in C).
_ODD_BYTES = bytes(48 if chr(c) in "0123456789_'.-" else c for c in range(256))
_STOP_BYTES = frozenset(form.encode() for form in _STOP_FORMS if form.isascii())


def stopword_density(text: str) -> float:
    """Share of the words that are common function words; for a line in CJK scripts, which
    has none to count, :func:`cjk_density` instead, and :func:`clause_density` for one in a
    script no list here holds.

    Words are found in the casefolded line, which gives each word casefolded at once, when
    casefolding maps character to character (so words split where they did) and keeps
    every character's class (all do but U+0345). Then a word is a stop word exactly when
    it is in :data:`_STOP_FORMS`, unless it ends in three or more full stops.
    """
    plain = text if text.isascii() else _plain_punctuation(text)
    if plain.isascii() and "..." not in plain:
        density = ascii_stopword_density(b" " + plain.lower().encode("ascii"))
        if density is not None:
            return density
    elif cjk := cjk_count(text):
        return cjk_density(text, cjk)
    elif unlisted_count(text):
        return clause_density(text)
    return words_stopword_density(text)


def words_stopword_density(text: str) -> float:
    """:func:`stopword_density` by finding the words, for a line :func:`ascii_stopword_density`
    cannot decide (a caller that already tried it goes straight here)."""
    if text.isascii():
        ws = _ASCII_WORD.findall(text.lower())  # casefold is lower for ASCII
    else:
        low = text.casefold()
        if len(low) != len(text) or "\u0345" in text:
            return _slow_stopword_density(text)
        ws = WORD.findall(low)
    if not ws:
        return 0.0
    if "..." in text:
        return _slow_stopword_density(text)
    return countOf(map(_STOP_FORMS.__contains__, ws), True) / len(ws)


def ascii_stopword_density(spaced: bytes) -> float | None:
    """:func:`stopword_density` of an ASCII line without "...", given as ``b" "`` and the
    lower-cased line (a caller that has it spares the encoding); None when a run of word
    characters starts with something other than a letter (then the slow forms decide)."""
    # Each run of word characters is one word when it starts with a letter: split the
    # runs apart in C instead of matching them one by one.
    runs = spaced.translate(_RUN_BYTES)
    if b" 0" in runs.translate(_ODD_BYTES):
        return None
    found = runs.split()
    return sum(map(_STOP_BYTES.__contains__, found)) / len(found) if found else 0.0


# ASCII bytes with the characters ``str.split()`` splits at made a space and all others "a".
_SPLIT_BYTES = bytes(32 if chr(c).isspace() else 97 for c in range(128)) + b"a" * 128


def ascii_word_count(spaced: bytes) -> int:
    """``len(text.split())`` of an ASCII line, given as ``b" "`` and the line (lower-cased or
    not): each word starts where a space is followed by something else (counted in C)."""
    return spaced.translate(_SPLIT_BYTES).count(b" a")


# Typographic punctuation of otherwise ASCII prose. None is a word character, so each
# separates words as a space does; "’" is one (as in "don’t") but, like "_", is in no stop
# word, so a word holding it is no stop word either way.
_PUNCTUATION_SPACES = ("“", "”", "‘", "—", "–", "…")


def _plain_punctuation(text: str) -> str:
    """``text`` with its typographic punctuation made ASCII, classes and stop words kept."""
    text = text.replace("’", "_")
    for mark in _PUNCTUATION_SPACES:
        text = text.replace(mark, " ")
    return text


def _slow_stopword_density(text: str) -> float:
    """:func:`stopword_density` word by word, for text casefolding would reshape."""
    ws = words(text)
    if not ws:
        return 0.0
    return sum(map(_is_stopword, ws)) / len(ws)


_STOPS = (".", "!", "?", "…", "。", "！", "？")
_CLOSERS = "\"'”’)]」』）"


# Titles and abbreviations whose full stop comes before a name or a place ("Dr. Lee", "St. Paul",
# "Mt. Hood"): no sentence ends there.
_TITLES = frozenset(re.findall(r"\w+", "mr mrs ms mx dr st prof sen rep gov gen col lt sgt capt cmdr adm rev "
                                       "fr jr sr mt ft"))


def closes_abbreviation(word: str) -> bool:
    """Whether a full stop after ``word`` closes a title or an initial ("Dr", "St", "F"), not a sentence."""
    return word.casefold() in _TITLES or (len(word) == 1 and word.isupper())


def ends_sentence(text: str) -> bool:
    r"""True when the text ends like a sentence (full stop, question or exclamation mark).

    The same as searching for ``[.!?…。！？]["'”’)\]」』）]*$`` (whose ``$`` may also sit before a final
    newline), without the scan from every position of the line that a regex search does.
    """
    body = text[:-1] if text.endswith("\n") else text
    return body.rstrip(_CLOSERS).endswith(_STOPS)


@lru_cache(maxsize=LINE_CACHE)
def _token_set(text: str) -> frozenset[str]:
    """The distinct :func:`tokens` of ``text``, remembered: pages compare many lines with one title."""
    return frozenset(_tokens(text))


def similarity(a: str, b: str) -> float:
    """Token overlap of two short texts relative to the smaller (1.0 = one contains the other)."""
    ta, tb = _token_set(a), _token_set(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def jaccard(a: str, b: str) -> float:
    """Token-set Jaccard similarity of two texts."""
    ta, tb = _token_set(a), _token_set(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)

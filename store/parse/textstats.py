"""Cheap text measurements used to tell prose from page furniture."""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
TOKEN = re.compile(r"\w+", re.UNICODE)

# Common English function words; prose has many, menus and link lists have few.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "says",
        "told",
        "according",
        "since",
        "who's",
        "it's",
        "that's",
        "there's",
        "he's",
        "she's",
        "they're",
        "we're",
        "i'm",
        "don't",
        "didn't",
        "won't",
        "can't",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "would",
        "one",
        "two",
        "three",
        "new",
        "last",
        "first",
        "may",
        "might",
        "must",
        "shall",
        "another",
        "even",
        "still",
        "yet",
        "already",
        "though",
        "although",
        "however",
        "whether",
        "around",
        "across",
        "among",
        "within",
        "without",
        "upon",
        "via",
        "per",
        "like",
        "than",
    ]
)

SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def words(text: str) -> list[str]:
    """The alphabetic words of ``text`` (numbers and punctuation dropped)."""
    return WORD.findall(text)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, numbers included (used for similarity)."""
    return [t.casefold() for t in TOKEN.findall(text)]


def stopword_density(text: str) -> float:
    """Share of the words that are common function words."""
    ws = words(text)
    if not ws:
        return 0.0
    return sum(1 for w in ws if w.casefold().strip(".") in STOPWORDS) / len(ws)


def ends_sentence(text: str) -> bool:
    """True when the text ends like a sentence (full stop, question or exclamation mark)."""
    return bool(SENTENCE_END.search(text))


def similarity(a: str, b: str) -> float:
    """Token overlap of two short texts relative to the smaller (1.0 = one contains the other)."""
    ta, tb = set(tokens(a)), set(tokens(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def jaccard(a: str, b: str) -> float:
    """Token-set Jaccard similarity of two texts."""
    ta, tb = set(tokens(a)), set(tokens(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)

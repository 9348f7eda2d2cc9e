"""Where a search's terms are in a story's text, as the index matched them: the reader marks
those places (``tui/highlight.py``) and steps through them, and finds the photos a search found
a story by."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from broadsheet.store.model import Article
from broadsheet.store.search.analysis import (
    CJK,
    CJK_CHAR,
    FIELD_GROUPS,
    TOKEN,
    fold,
    prefix_forms,
    stem_set,
    stems,
)
from broadsheet.store.search.wordmarks import WORD_MARKS

#: The rest of a word a prefix begins: its letters, digits and marks, up to a CJK character (a word of its own).
_REST_OF_WORD = f"(?:[^\\W_{CJK}]|[{WORD_MARKS}])*"


class TermMatcher:
    """Where a search's terms are in a text, as the search found them: a word marks every word the
    index holds under its stem (``ferry`` finds "Ferries", not "ferryman"); a prefix (given with
    its ``*``) the words it begins; a phrase its words in a row, each by its stem, across the
    punctuation the index skips ("three-day storm" for ``"three day storm"``, "Ferries return"
    for ``"ferry returns"``). So the highlights and the article's match count agree with the search."""

    __slots__ = ("_heads", "_phrases", "_prefixes", "_starts", "_stems")

    def __init__(self, words: Sequence[str]) -> None:
        patterns = []
        for word in words:
            prefix = word.endswith("*")
            text = word.rstrip("*")
            # A CJK character starts and ends a word wherever it is (a boundary falls only around a run of them).
            # A prefix marks the whole word it begins, as it does a word it found by its stem ("Celebrity"
            # for "celebrat*"): it marked only the "celebrat" of "celebrates".
            lead = "" if CJK_CHAR.match(text) else r"\b"
            tail = "" if CJK_CHAR.match(text[-1:]) else _REST_OF_WORD if prefix else r"(?!\w)"
            patterns.append(lead + re.escape(text) + tail)
        self._starts = re.compile("|".join(patterns), re.IGNORECASE)
        single = [w for w in words if TOKEN.fullmatch(w)]
        self._stems = set().union(*map(stem_set, single)) if single else set()
        # Only words that begin, folded, as a stem does are stemmed to be compared ("École" for
        # "ecole", as the index folds it): stemming a story's every word would cost milliseconds.
        # A word's first two letters are cut to two once folded: "Æsop" begins "aes", and "ae" is the stem's.
        self._heads = {s[:2] for s in self._stems}
        self._phrases = [found for w in words if not w.endswith("*") and len(found := tuple(stems(w))) > 1
                         and all(found)]
        # A prefix as the search takes it: stems that begin with it, or with its own stem ("ferry*"
        # finds "Ferries", held as "ferri"), or that it runs past ("celebrat*", "celebr").
        self._prefixes: list[tuple[tuple[str, ...], frozenset[str]]] = []
        for word in words:
            if word.endswith("*") and TOKEN.fullmatch(head := fold(word.rstrip("*"))):
                starts, whole = prefix_forms(head)
                self._prefixes.append((starts, whole))
                self._heads |= {head[:2], *(s[:2] for s in whole)}

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each match in ``text``, in order, none empty or overlapping."""
        found = [m.span() for m in self._starts.finditer(text) if m.end() > m.start()]
        if not self._heads and not self._phrases:
            return found
        words = list(TOKEN.finditer(text))
        heads, wanted, prefixes = self._heads, self._stems, self._prefixes
        extra = [m.span() for m in words
                 if fold(m.group()[:2])[:2] in heads and (s := stems(m.group())) and (s[0] in wanted or any(
                     (s[0].startswith(starts) or s[0] in whole) and not m.group().lower().startswith(starts[0])
                     for starts, whole in prefixes))]  # (what a prefix begins as typed, _starts marked)
        for phrase in self._phrases:
            head, size = phrase[0][:2], len(phrase)
            for at, first in enumerate(words[:len(words) - size + 1]):
                if fold(first.group()[:2])[:2] == head and all(
                        stems(words[at + k].group())[:1] == (phrase[k],) for k in range(size)):
                    extra.append((first.start(), words[at + size - 1].end()))
        if not extra:
            return found
        spans: list[tuple[int, int]] = []
        end = -1
        for span in sorted(found + extra, key=lambda span: (span[0], -span[1])):  # the longer of two at a place
            if span[0] >= end:
                spans.append(span)
                end = span[1]
        return spans


def _field_and_text(term: str) -> tuple[tuple[str, ...] | None, str]:
    """The index fields a search's term reaches (None: every one) and its text without its field
    or quotes, from the term as the query writes it (see ``highlight_term``)."""
    name, colon, rest = term.partition(":")
    fields = FIELD_GROUPS.get(name) if colon and rest else None
    text = rest if fields else term
    if len(text) > 1 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return fields, text.strip()


def term_matcher(terms: Sequence[str], parts: Collection[str] | None = None) -> TermMatcher | None:
    """The matcher of a search's terms that reach ``parts`` of a story (index fields: "headline",
    "body", "caption", "photo_credit", ...; None: any part), so ``headline:ferry`` marks headlines
    and not the text, as it found; None: nothing to highlight there."""
    words = set()
    for term in terms:
        fields, text = _field_and_text(term.strip())
        if text.rstrip("*") and (parts is None or fields is None or not set(fields).isdisjoint(parts)):
            words.add(text)
    return TermMatcher(sorted(words, key=len, reverse=True)) if words else None


def matched_figures(article: Article | None, terms: Sequence[str]) -> list[int]:
    """The figures (indices of ``article.images``) whose caption or credit holds a match of the
    search's ``terms``: the search found the story there, and ``n`` goes on to each after the
    text's matches."""
    if article is None or not article.images:
        return []
    caption, credit = term_matcher(terms, ("caption",)), term_matcher(terms, ("photo_credit",))
    return [index for index, image in enumerate(article.images)
            if (caption and image.caption and caption.spans(image.caption))
            or (credit and image.credit and credit.spans(image.credit))]

"""Highlight search terms inside plain Text (never by building markup)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text

from broadsheet.store.model import Article
from broadsheet.store.search.analysis import CJK_CHAR, TOKEN, fold, stem_set, stems


class TermMatcher:
    """Where a search's terms are in a text: at word starts as typed (a prefix, a phrase), and
    every word the index holds under a word's stem (``ferry`` finds "Ferries", as the search did),
    so the highlights and the article's match count agree with what was searched."""

    __slots__ = ("_heads", "_starts", "_stems")

    def __init__(self, words: Sequence[str]) -> None:
        # A CJK character starts a word wherever it is (a word boundary falls only around a run of them).
        self._starts = re.compile("|".join(("" if CJK_CHAR.match(w) else r"\b") + re.escape(w) for w in words),
                                  re.IGNORECASE)
        single = [w for w in words if TOKEN.fullmatch(w)]
        self._stems = set().union(*map(stem_set, single)) if single else set()
        # Only words that begin, folded, as a stem does are stemmed to be compared ("École" for
        # "ecole", as the index folds it): stemming a story's every word would cost milliseconds.
        self._heads = {s[:2] for s in self._stems}

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each match in ``text``, in order, none empty or overlapping."""
        found = [m.span() for m in self._starts.finditer(text) if m.end() > m.start()]
        if not self._heads:
            return found
        heads, wanted = self._heads, self._stems
        extra = [m.span() for m in TOKEN.finditer(text)
                 if fold(m.group()[:2]) in heads and (s := stems(m.group())) and s[0] in wanted]
        if not extra:
            return found
        spans: list[tuple[int, int]] = []
        end = -1
        for span in sorted(found + extra, key=lambda span: (span[0], -span[1])):  # the longer of two at a place
            if span[0] >= end:
                spans.append(span)
                end = span[1]
        return spans


def term_matcher(terms: Sequence[str]) -> TermMatcher | None:
    """The matcher of a search's terms (None: nothing to highlight)."""
    words = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    return TermMatcher(words) if words else None


def highlight(text: Text, matcher: TermMatcher | None, style: str = "reverse") -> int:
    """Style every match in ``text``; returns how many there were."""
    if matcher is None:
        return 0
    spans = matcher.spans(text.plain)
    for start, end in spans:
        text.stylize(style, start, end)
    return len(spans)


def matched_figures(article: Article | None, matcher: TermMatcher | None) -> list[int]:
    """The figures (indices of ``article.images``) whose caption or credit holds a match: the
    search found the story there, and ``n`` goes on to each after the text's matches."""
    if article is None or matcher is None:
        return []
    return [index for index, image in enumerate(article.images)
            if any(matcher.spans(part) for part in (image.caption, image.credit) if part)]

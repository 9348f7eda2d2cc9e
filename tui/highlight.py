"""Highlight search terms inside plain Text (never by building markup)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text

from broadsheet.store.model import Article
from broadsheet.store.search.analysis import CJK_CHAR, TOKEN, fold, stem_set, stems


class TermMatcher:
    """Where a search's terms are in a text, as the search found them: a word marks every word the
    index holds under its stem (``ferry`` finds "Ferries", not "ferryman"); a prefix (given with
    its ``*``) the words it begins; a phrase its words in a row, each by its stem, across the
    punctuation the index skips ("three-day storm" for ``"three day storm"``, "Ferries return"
    for ``"ferry returns"``). So the highlights and the article's match count agree with the search."""

    __slots__ = ("_heads", "_phrases", "_starts", "_stems")

    def __init__(self, words: Sequence[str]) -> None:
        patterns = []
        for word in words:
            prefix = word.endswith("*")
            text = word.rstrip("*")
            # A CJK character starts and ends a word wherever it is (a boundary falls only around a run of them).
            lead = "" if CJK_CHAR.match(text) else r"\b"
            tail = "" if prefix or CJK_CHAR.match(text[-1:]) else r"(?!\w)"
            patterns.append(lead + re.escape(text) + tail)
        self._starts = re.compile("|".join(patterns), re.IGNORECASE)
        single = [w for w in words if TOKEN.fullmatch(w)]
        self._stems = set().union(*map(stem_set, single)) if single else set()
        # Only words that begin, folded, as a stem does are stemmed to be compared ("École" for
        # "ecole", as the index folds it): stemming a story's every word would cost milliseconds.
        self._heads = {s[:2] for s in self._stems}
        self._phrases = [found for w in words if not w.endswith("*") and len(found := tuple(stems(w))) > 1
                         and all(found)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each match in ``text``, in order, none empty or overlapping."""
        found = [m.span() for m in self._starts.finditer(text) if m.end() > m.start()]
        if not self._heads and not self._phrases:
            return found
        words = list(TOKEN.finditer(text))
        heads, wanted = self._heads, self._stems
        extra = [m.span() for m in words
                 if fold(m.group()[:2]) in heads and (s := stems(m.group())) and s[0] in wanted]
        for phrase in self._phrases:
            head, size = phrase[0][:2], len(phrase)
            for at, first in enumerate(words[:len(words) - size + 1]):
                if fold(first.group()[:2]) == head and all(
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


def term_matcher(terms: Sequence[str]) -> TermMatcher | None:
    """The matcher of a search's terms (a prefix with its ``*``); None: nothing to highlight."""
    words = sorted({t.strip() for t in terms if t.strip().rstrip("*")}, key=len, reverse=True)
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

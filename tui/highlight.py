"""Highlight search terms inside plain Text (never by building markup)."""

from __future__ import annotations

from rich.text import Text

from broadsheet.store.search.spans import TermMatcher


def highlight(text: Text, matcher: TermMatcher | None, style: str = "reverse") -> int:
    """Style every match in ``text``; returns how many there were."""
    if matcher is None:
        return 0
    spans = matcher.spans(text.plain)
    for start, end in spans:
        text.stylize(style, start, end)
    return len(spans)

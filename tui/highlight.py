"""Highlight search terms inside plain Text (never by building markup)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text


def terms_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for all terms; words match at word starts (stems too)."""
    words = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(r"\b" + re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: Text, pattern: re.Pattern[str] | None, style: str = "reverse") -> int:
    """Style every match in ``text``; returns how many there were."""
    if pattern is None:
        return 0
    count = 0
    for match in pattern.finditer(text.plain):
        if match.end() > match.start():
            text.stylize(style, match.start(), match.end())
            count += 1
    return count

"""The simple word filter behind the search bar: every word must appear somewhere.

Matches headline, standfirst, source, agency, dateline, authors, captions, photo credits
and the credit line, case- and accent-insensitively. Bodies are not read, so filtering
50,000 stories stays in memory.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from store.db import StoryMeta


def fold(text: str) -> str:
    """Casefold and strip accents, so ``Séoul`` matches ``seoul``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def haystack(meta: StoryMeta) -> str:
    parts = [meta.headline, meta.standfirst, meta.source, meta.agency, meta.dateline, *meta.authors]
    for image in meta.images:
        parts += [image.caption, image.credit]
    if meta.credits:
        parts.append(meta.credits.text)
    return fold(" ".join(p for p in parts if p))


class WordFilter:
    """Filters stories by words; remembers each story's folded text between keystrokes."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def _text(self, meta: StoryMeta) -> str:
        text = self._texts.get(meta.id)
        if text is None:
            text = self._texts[meta.id] = haystack(meta)
        return text

    def __call__(self, stories: Iterable[StoryMeta], query: str) -> list[StoryMeta]:
        words = fold(query).split()
        if not words:
            return list(stories)
        return [m for m in stories if all(w in self._text(m) for w in words)]

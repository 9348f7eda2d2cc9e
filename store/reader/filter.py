"""The simple word filter: every word must appear in a story's metadata.

Kept as the fallback the reader uses while the full-text index is being (re)built.
Understands ``tag:x``, ``is:bookmarked`` and ``is:unread`` so sidebar choices work.
"""

from __future__ import annotations

import shlex
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from broadsheet.store.storage.db import StoryMeta
from broadsheet.store.storage.userstate import EMPTY, StoryState


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


@dataclass(frozen=True, slots=True)
class Found:
    ids: list[str]
    terms: list[str]
    total: int  # matches in all; ``ids`` may hold only the best of them


class WordFilter:
    """Filters stories by words; remembers each story's folded text between keystrokes."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def _text(self, meta: StoryMeta) -> str:
        text = self._texts.get(meta.id)
        if text is None:
            text = self._texts[meta.id] = haystack(meta)
        return text

    def search(self, query: str, stories: Iterable[StoryMeta], states: Mapping[str, StoryState]) -> Found:
        try:
            tokens = shlex.split(query)
        except ValueError:
            raise ValueError("unclosed quote") from None
        words, tags, flags = [], [], []
        for token in tokens:
            if token.startswith("tag:"):
                tags.append(token[4:].lower())
            elif token in ("is:bookmarked", "is:unread", "is:read"):
                flags.append(token[3:])
            else:
                words.append(fold(token))

        def keep(meta: StoryMeta) -> bool:
            state = states.get(meta.id, EMPTY)
            if any(t not in state.tags for t in tags):
                return False
            if "bookmarked" in flags and not state.bookmarked:
                return False
            if "unread" in flags and state.read:
                return False
            if "read" in flags and not state.read:
                return False
            return all(w in self._text(meta) for w in words)

        ids = [m.id for m in stories if keep(m)]
        return Found(ids, words, len(ids))

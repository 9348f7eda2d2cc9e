"""Stories and unread stories per feed, grouped as ``feed:"Title"`` finds a feed's stories.

A feed's stories carry its title as their source, and ``feed:"Title"`` compares titles
case- and accent-blind (:func:`~broadsheet.store.search.analysis.feed_key`): stories of
"Top Stories" and "top stories", or "Café" and "Cafe", are one feed's, counted once, so the
sidebar's count is what choosing the feed lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from broadsheet.store.search.analysis import feed_key


@dataclass(frozen=True, slots=True)
class FeedCounts:
    """Stories and unread stories per feed title, by its :func:`feed_key` (no key: no feed)."""

    totals: Counter[str] = field(default_factory=Counter)
    unread: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of_sources(cls, totals: Mapping[str, int], read: Mapping[str, int]) -> FeedCounts:
        """From stories and read stories per source, as the store counts them (exact spellings)."""
        stories: Counter[str] = Counter()
        unread: Counter[str] = Counter()
        for source, n in totals.items():
            if n > 0 and (key := feed_key(source)):  # (a store has few sources: one key each, cached)
                stories[key] += n
                unread[key] += n - read.get(source, 0)
        return cls(stories, unread)

    def of(self, title: str) -> tuple[int, int]:
        """(stories, unread stories) of the feed ``title``: what ``feed:"title"`` lists."""
        key = feed_key(title)
        return (self.totals[key], self.unread[key]) if key else (0, 0)


def next_with_unread(unread: Sequence[int], at: int | None) -> int | None:
    """Where the next feed with unread stories is among feeds with ``unread`` stories (in the
    sidebar's order) after the one at ``at`` (None: from the first), going round, as newsboat's
    ``n`` goes on to the next feed; None when no other feed has any."""
    count = len(unread)
    start = -1 if at is None else at
    return next((i for n in range(1, count + 1) if (i := (start + n) % count) != at and unread[i] > 0), None)

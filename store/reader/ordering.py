"""Orders of the headline list: newest first, oldest first, by source."""

from __future__ import annotations

from collections.abc import Sequence

from broadsheet.store.storage.db import StoryMeta

ORDERS = ("newest", "oldest", "source")


def order_stories(stories: Sequence[StoryMeta], order: str) -> list[StoryMeta]:
    """Stories in ``order``; ``stories`` must be newest first, as ``Store.stories()`` gives them."""
    if order == "oldest":
        return sorted(stories, key=lambda m: m.sort_key)
    if order == "source":
        return sorted(stories, key=lambda m: (m.source or "\uffff").casefold())  # stable: newest first within a source
    return list(stories)  # already newest first: sorting 50,000 again cost 0.08 s


def next_order(order: str) -> str:
    return ORDERS[(ORDERS.index(order) + 1) % len(ORDERS)] if order in ORDERS else ORDERS[0]

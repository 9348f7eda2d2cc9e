"""newsboat's ``cache.db``: its items as stories, with their read and flagged marks."""

from __future__ import annotations

from collections.abc import Iterator

from broadsheet.store.feeds.newsboat import CacheError, cached_items, is_cache
from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.source import Source


class NewsboatCache:
    name = "newsboat cache"

    def sniff(self, source: Source) -> bool:
        return is_cache(source.head)

    def read(self, source: Source) -> Iterator[Item]:
        try:
            for entry, state in cached_items(source.path):
                part = f"item {entry.number}"
                if entry.article is None:
                    yield Item(None, part=part, reason=entry.reason)
                else:
                    yield Item(entry.article, part=part, state=state if state.to_doc() else None)
        except CacheError as exc:
            yield Item(None, reason=str(exc))

"""newsboat's ``cache.db``: its items as stories, with their read and flagged marks."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from broadsheet.store.feeds.newsboat import CacheError, cached_items, is_cache
from broadsheet.store.ingest import ENTRIES
from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.source import Source
from broadsheet.store.model import Article

#: Why an item's photo has no file: newsboat keeps none. The reader shows it in the photo's place;
#: fetching the feed downloads it (this reason is not one that stops a download).
NOT_IN_CACHE = "not downloaded: newsboat's cache holds no photos (`broadsheet fetch` downloads them)"


def _unkept(article: Article) -> Article:
    """The item with each photo it names saying why it has no file."""
    if all(image.photo or image.problem or not image.src for image in article.images):
        return article
    images = [image if image.photo or image.problem or not image.src
              else dataclasses.replace(image, problem=NOT_IN_CACHE) for image in article.images]
    return dataclasses.replace(article, images=images)


class NewsboatCache:
    name = "newsboat cache"
    kind = ENTRIES

    def sniff(self, source: Source) -> bool:
        return is_cache(source.head)

    def read(self, source: Source) -> Iterator[Item]:
        try:
            for entry, state, feed in cached_items(source.path):
                part = f"item {entry.number}"
                if entry.article is None:
                    yield Item(None, part=part, reason=entry.reason)
                else:
                    yield Item(_unkept(entry.article), part=part, state=state if state.to_doc() else None,
                               subscribed=feed)
        except CacheError as exc:
            yield Item(None, reason=str(exc))

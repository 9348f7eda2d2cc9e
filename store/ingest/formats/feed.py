"""RSS, Atom and JSON Feed files, also gzip-compressed: one story per entry (``broadsheet import feed.xml``)."""

from __future__ import annotations

from collections.abc import Iterator

from broadsheet.store.feeds.parse import (
    FeedError,
    FeedTooLarge,
    gunzipped,
    looks_like_feed,
    looks_like_gzipped_feed,
    malformed_note,
    parse_feed,
)
from broadsheet.store.ingest import ENTRIES
from broadsheet.store.ingest.decode import read_capped
from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.source import Source

# A feed file holds many stories, so it may be larger than a page: 10,000 entries of a few
# KB each is tens of MB. The cap for one page (``--max-size``) is raised to this for feeds.
FEED_FILE_MAX = 128 * 1024 * 1024


class FeedFormat:
    name = "feed"
    kind = ENTRIES

    def sniff(self, source: Source) -> bool:
        return looks_like_feed(source.head) or looks_like_gzipped_feed(source.head)

    def read(self, source: Source) -> Iterator[Item]:
        cap = max(source.max_bytes, FEED_FILE_MAX)
        data = source.head if len(source.head) == source.size else read_capped(source.path, cap)
        try:
            feed = parse_feed(gunzipped(data, cap))  # (a gzip bomb stops at the cap, as a file past it is refused)
        except FeedTooLarge as exc:
            yield Item(None, reason=f"{exc} (see --max-size)")
            return
        except FeedError as exc:
            yield Item(None, reason=str(exc))
            return
        if not feed.entries:
            yield Item(None, reason=f"the {feed.kind} feed {feed.title!r} has no entries")
        note = malformed_note(feed.malformed)  # said once, on the first story
        for entry in feed.entries:
            part = f"entry {entry.number}"
            if entry.article is None:
                yield Item(None, part=part, reason=entry.reason)
                continue
            yield Item(entry.article, part=part, feed=feed.self_link or "", note=note)
            note = ""

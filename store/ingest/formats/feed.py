"""RSS, Atom and JSON Feed files, also gzip-compressed: one story per entry (``broadsheet import feed.xml``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from broadsheet.store.feeds.parse import (
    Feed,
    FeedError,
    FeedTooLarge,
    gunzipped,
    item_spans,
    looks_like_feed,
    looks_like_gzipped_feed,
    malformed_note,
    parse_feed,
)
from broadsheet.store.ingest import ENTRIES
from broadsheet.store.ingest.decode import read_capped
from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.source import Source
from broadsheet.store.sanitize import clean_line
from broadsheet.store.storage.export_schema import quoted_start

# A feed file holds many stories, so it may be larger than a page: 10,000 entries of a few
# KB each is tens of MB. The cap for one page (``--max-size``) is raised to this for feeds.
FEED_FILE_MAX = 128 * 1024 * 1024
#: The text of an entry's date element (those the feed parsers read a date from).
_DATE_TEXT = re.compile(rb"<((?:[a-z0-9]+:)?(?:pubDate|published|issued|date|created|updated|modified))\b[^>]*>"
                        rb"\s*([^<]{1,200}?)\s*</\1\s*>", re.IGNORECASE)


def dates_left_out(data: bytes, feed: Feed) -> dict[int, str]:
    """The note of each entry kept without a date though its XML gives one no date can be read
    from ("45 Foo 2024", year 9999 west of Greenwich, past the last moment there is): the story
    was stored undated without a word. Said as an export's bad date is (export_schema.to_article)."""
    undated = [entry.number for entry in feed.entries if entry.article is not None and not entry.article.published]
    parsed = feed.entries[-1].number if feed.entries else 0  # (the last is kept of entries repeating an id)
    spans = (item_spans(data, parsed) if undated and feed.kind == "RSS/Atom" else None) or []
    notes = {}
    for number in undated if spans else ():
        found = _DATE_TEXT.search(data, *spans[number - 1])
        if found and (text := clean_line(found[2].decode("utf-8", "replace"))):
            notes[number] = (f"its date {quoted_start(text)} cannot be read as a date (a real day, years 1 to 9999): "
                             "left out")
    return notes


class FeedFormat:
    name = "feed"
    kind = ENTRIES

    def sniff(self, source: Source) -> bool:
        return looks_like_feed(source.head) or looks_like_gzipped_feed(source.head)

    def read(self, source: Source) -> Iterator[Item]:
        cap = max(source.max_bytes, FEED_FILE_MAX)
        data = source.head if len(source.head) == source.size else read_capped(source.path, cap)
        try:
            data = gunzipped(data, cap)  # (a gzip bomb stops at the cap, as a file past it is refused)
            feed = parse_feed(data)
        except FeedTooLarge as exc:
            yield Item(None, reason=f"{exc} (see --max-size)")
            return
        except FeedError as exc:
            yield Item(None, reason=str(exc))
            return
        if not feed.entries:
            yield Item(None, reason=f"the {feed.kind} feed {feed.title!r} has no entries")
        note = "; ".join(filter(None, (malformed_note(feed.malformed), *feed.notes)))  # said once, on the first story
        undated = dates_left_out(data, feed)
        for entry in feed.entries:
            part = f"entry {entry.number}"
            if entry.article is None:
                yield Item(None, part=part, reason=entry.reason)
                continue
            yield Item(entry.article, part=part, feed=feed.self_link or "",
                       note="; ".join(filter(None, (note, undated.get(entry.number)))))
            note = ""

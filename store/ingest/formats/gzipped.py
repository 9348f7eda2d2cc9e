"""A gzip-compressed file of a format read whole: ``page.html.gz``, ``story.txt.gz``, ``export.json.gz``.

Unpacked up to the size limit and read as the file it holds. A WARC.gz and a ``feed.xml.gz``
come to their own formats first (a web archive is read a record at a time, a feed has its
own cap).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import replace

from broadsheet.store.ingest.formats import READ_UP_TO_LIMIT, Format, Item
from broadsheet.store.ingest.formats.html import HtmlPage, read_head_capped
from broadsheet.store.ingest.gunzip import GZIP_MAGIC, inflate, unpacked_head
from broadsheet.store.ingest.source import Source
from broadsheet.store.model import human_size
from broadsheet.store.storage.exchange import is_export


def _inner() -> list[Format]:
    """The formats a gzip file's content is tried with: those that read a file whole, in their order."""
    from broadsheet.store.ingest.formats import FORMATS
    from broadsheet.store.ingest.formats.export import ExportFormat
    from broadsheet.store.ingest.formats.mhtml import Mhtml
    from broadsheet.store.ingest.formats.refused import Refused
    from broadsheet.store.ingest.formats.text import TextDump

    return [fmt for fmt in FORMATS if isinstance(fmt, ExportFormat | Mhtml | HtmlPage | Refused | TextDump)]


class Gzipped:
    """Any gzip file not taken by a format before it: its content is read as that file would be."""

    name = "gzip-compressed file"
    kind = 0  # each item carries the kind of the format inside

    def sniff(self, source: Source) -> bool:
        return unpacked_head(source.head) is not None

    def read(self, source: Source) -> Iterator[Item]:
        from broadsheet.store.ingest.formats.export import export_cap

        if is_export(unpacked_head(source.head) or b""):  # export.json.gz: an export's own limit
            source = replace(source, max_bytes=export_cap(source.max_bytes))
        compressed, size = read_head_capped(source)
        try:
            got = inflate(compressed, source.max_bytes)
        except zlib.error as exc:
            yield Item(None, reason=f"the gzip data is damaged ({exc})")
            return
        # Past the limit: what it unpacks to is over it, or the compressed file is (and was read to the limit).
        over = got.over or (got.cut_short and size > len(compressed))
        data = got.data
        if data.startswith(GZIP_MAGIC):
            yield Item(None, reason="a gzip file holding another gzip file: unpack it once (gunzip) and import that")
            return
        if data.startswith(b"SQLite format 3\x00"):
            yield Item(None, reason="a gzip file holding an SQLite database: newsboat's cache.db is read unpacked "
                                    "(gunzip it first)")
            return
        inner = Source.held(source.path, data)
        fmt = next((fmt for fmt in _inner() if fmt.sniff(inner)), None)
        if fmt is None:
            yield Item(None, reason="the gzip file holds an empty file")
            return
        limit = human_size(source.max_bytes)
        if over and fmt.kind and fmt.name not in READ_UP_TO_LIMIT:  # (a refused file is said what it is)
            yield Item(None, reason=f"the gzip file unpacks to more than the {limit} limit (see --max-size)")
            return
        cut = "the gzip file is cut short: it was read as far as it goes"
        note = (f"only the first {limit} of what the gzip file holds was read (see --max-size)" if over
                else cut if got.cut_short else "")
        said = False  # the note said with an item of the file as a whole (a page, an export's end)
        for item in fmt.read(inner):
            whole = not item.part  # not one story of many (an export's): each said its own reason after the cut
            if item.article is not None:
                item = replace(item, kind=fmt.kind, note="; ".join(filter(None, (note if whole else "", item.note))))
            elif fmt.kind == 0:  # refused: a binary file, a list of feeds
                item = replace(item, reason=f"a gzip file holding {item.reason}")
            elif over:
                item = replace(item, reason=f"{item.reason} in the first {limit} of what the gzip file holds "
                                            "(see --max-size)")
            elif got.cut_short and whole:  # the cut, not the page, is the likelier cause: said first
                item = replace(item, reason=f"{cut}; in what was read, {item.reason}")
            said |= whole
            yield item
        if note and not said:  # a file of stories: its note said once, not with each story
            yield Item(None, note=note, input_note=True)

"""Plain-text page dumps (select-all-and-copy, html2text, one text node per line): one article a file."""

from __future__ import annotations

from collections.abc import Iterator

from broadsheet.store.ingest import TEXT_DUMP
from broadsheet.store.ingest.decode import decode_bytes
from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.source import Source
from broadsheet.store.parse import parse_text
from broadsheet.store.sanitize import clean_text


class TextDump:
    """The last format tried: any text that is not another format is a page dump."""

    name = "text dump"
    kind = TEXT_DUMP

    def sniff(self, source: Source) -> bool:
        return bool(source.head)  # decode_bytes refuses binary files with the reason

    def read(self, source: Source) -> Iterator[Item]:
        decoded = decode_bytes(source.read_bytes())
        yield Item(parse_text(clean_text(decoded.text)), note=decoded.note)

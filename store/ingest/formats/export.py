"""Broadsheet's own JSON export, read back with the user's tags, bookmarks and read marks."""

from __future__ import annotations

from collections.abc import Iterator

from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.source import Source
from broadsheet.store.storage.exchange import Refused, is_export, read_export


class ExportFormat:
    name = "Broadsheet export"

    def sniff(self, source: Source) -> bool:
        return is_export(source.head)

    def read(self, source: Source) -> Iterator[Item]:
        try:
            exported = read_export(source.read_bytes())
        except ValueError as exc:
            yield Item(None, reason=f"Broadsheet export: {exc}")
            return
        for number, item in enumerate(exported, 1):
            if isinstance(item, Refused):
                yield Item(None, part=f"story {item.number}", reason=f"refused: {item.reason}")
            else:
                yield Item(item.article, part=f"story {number}", state=item.state if item.state.to_doc() else None,
                           story_id=item.story_id)

"""WARC and WARC.gz web archives (wget --warc-file, ArchiveBox, Webrecorder), read with warcio.

Every HTML response record is a page; photo records give the pages their photos; other
records are skipped and counted. A damaged or cut-short archive keeps the pages read
before the damage, and the summary says where reading stopped.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.formats.html import GZIP_MAGIC, read_page, with_photos
from broadsheet.store.ingest.formats.photos import resources_lookup
from broadsheet.store.ingest.source import Source
from broadsheet.store.model import Article
from broadsheet.store.parse.types import ParseError
from broadsheet.store.sanitize import clean_line
from broadsheet.store.storage.photos import max_photo_bytes

_HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_PHOTOS_HELD = 256 * 1024 * 1024  # photo bytes held while reading an archive (pages get theirs at the end)


def _is_warc(head: bytes) -> bool:
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


class Warc:
    name = "web archive (WARC)"

    def sniff(self, source: Source) -> bool:
        return _is_warc(source.head)

    def read(self, source: Source) -> Iterator[Item]:
        from warcio.archiveiterator import ArchiveIterator

        pages: list[tuple[int, Article, list[str]]] = []
        failed: list[Item] = []
        resources: dict[str, bytes] = {}
        skipped = number = held = 0
        damage = None
        class QuietIterator(ArchiveIterator):
            INC_RECORD = ""  # its warning went straight to the terminal, over the progress bar: counted instead

        with open(source.path, "rb") as handle:
            records = QuietIterator(handle)
            try:
                for record in records:
                    number += 1
                    if not record.rec_headers.get_header("WARC-Record-ID") or record.length is None:
                        damage = f"the archive is damaged or cut short in record {number} (its headers are incomplete)"
                        break
                    kind = self._content_type(record)
                    uri = clean_line(record.rec_headers.get_header("WARC-Target-URI") or "")
                    status = record.http_headers.get_statuscode() if record.http_headers else "200"
                    if record.rec_type not in ("response", "resource") or not str(status).startswith("2"):
                        skipped += 1
                        continue
                    if kind in _HTML_TYPES:
                        body = record.content_stream().read(source.max_bytes)
                        if len(body) < source.max_bytes and getattr(record.raw_stream, "limit", None):
                            damage = f"the archive is cut short in record {number}: its page was read as far as it goes"
                        try:
                            article, notes = read_page(body, uri if uri.startswith(("http://", "https://")) else None)
                        except ParseError as exc:
                            failed.append(Item(None, part=f"record {number} {uri}".strip(), reason=str(exc)))
                            continue
                        pages.append((number, article, notes))
                    elif kind.startswith("image/") and uri and held < MAX_PHOTOS_HELD:
                        body = record.content_stream().read(max_photo_bytes() + 1)
                        resources[uri] = body
                        held += len(body)
                    else:
                        skipped += 1
            except Exception as exc:  # warcio raises several kinds on a damaged or cut-short archive
                reason = f"{type(exc).__name__}: {exc}"
                damage = damage or f"the archive is damaged or cut short after record {number}: {reason}"
        lookup = resources_lookup(resources)
        for index, (record_number, article, notes) in enumerate(pages):
            if index == 0 and skipped:
                notes = [*notes, f"{skipped} records of the archive that are not HTML pages skipped"]
            if index == 0 and records.err_count:
                notes = [*notes, f"{records.err_count} records of the archive are followed by stray data "
                                 "(a record's length may be wrong)"]
            item = with_photos(article, notes, lookup)
            yield Item(item.article, part=f"record {record_number}", note=item.note, photos=item.photos)
        yield from failed
        if damage:
            yield Item(None, part=f"record {number}", reason=damage)
        elif not pages and not failed:
            yield Item(None, reason=f"the web archive holds no HTML page ({skipped} other records skipped)")

    @staticmethod
    def _content_type(record) -> str:  # type: ignore[no-untyped-def]
        headers = record.http_headers if record.http_headers else record.rec_headers
        value = headers.get_header("Content-Type") or ""
        return value.split(";")[0].strip().lower()

"""MHTML pages ("Save as: single file" in Chromium browsers): a MIME ``multipart/related``
message whose HTML part is the page and whose other parts are its photos and styles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser

from broadsheet.store.ingest import SAVED_PAGE
from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.formats.html import read_head_capped, with_photos
from broadsheet.store.ingest.formats.photos import resources_lookup
from broadsheet.store.ingest.formats.served import read_served_page
from broadsheet.store.ingest.source import Source
from broadsheet.store.model import human_size
from broadsheet.store.parse.types import ParseError
from broadsheet.store.sanitize import clean_line
from broadsheet.store.storage.photos import max_photo_bytes

_HEADERS = re.compile(rb"^(?:[A-Za-z0-9-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)+\r?\n", re.DOTALL)


def _cid(content_id: object) -> str:
    """The ``cid:`` address a ``Content-ID: <id>`` header gives its part ("" for none)."""
    bare = str(content_id or "").strip().removeprefix("<").removesuffix(">").strip()
    return f"cid:{bare}" if bare else ""


class Mhtml:
    name = "MHTML page"
    kind = SAVED_PAGE

    def sniff(self, source: Source) -> bool:
        headers = _HEADERS.match(source.head[:16384])
        return headers is not None and b"multipart/related" in headers.group(0).lower()

    def read(self, source: Source) -> Iterator[Item]:
        data, size = read_head_capped(source)
        notes = []
        if size > len(data):
            notes.append(f"MHTML file of {human_size(size)} is over the {human_size(source.max_bytes)} limit: "
                         "only its first part was read (see --max-size)")
        message = BytesParser(policy=policy.compat32).parsebytes(data)
        page: bytes | None = None
        location = page_type = None
        resources: dict[str, bytes | int] = {}
        for part in message.walk():
            if part.is_multipart():
                continue
            kind = part.get_content_type()
            where = part.get("Content-Location")
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            if kind == "text/html" and page is None:
                page, location, page_type = payload, where, part.get("Content-Type")
            elif kind.startswith("image/"):  # one over the cap: its size, to say so
                kept: bytes | int = payload if len(payload) <= max_photo_bytes() else len(payload)
                # By address, and by Content-ID for a page that names it "cid:..." (mail programs, Word).
                for name in (str(where or "").strip(), _cid(part.get("Content-ID"))):
                    if name:
                        resources[name] = kept
        if any(type(d).__name__ in ("CloseBoundaryNotFoundDefect", "StartBoundaryNotFoundDefect")
               for part in message.walk() for d in part.defects):
            notes.append("the MHTML file is cut short: its remaining parts are missing")
        if page is None:
            yield Item(None, reason="MHTML file holds no HTML part (it may be cut short)")
            return
        url = clean_line(str(message.get("Snapshot-Content-Location") or location or "")) or None
        try:
            article, page_notes = read_served_page(page, url if url and url.startswith(("http://", "https://"))
                                                   else None, str(page_type or ""))
        except ParseError as exc:
            yield Item(None, reason=str(exc))
            return
        yield with_photos(article, notes + page_notes, resources_lookup(resources))

"""WARC and WARC.gz web archives (wget --warc-file, ArchiveBox, Webrecorder), read with warcio.

Every HTML response record is a page; photo records give the pages their photos; other
records are skipped and counted. A damaged or cut-short archive keeps the records read
whole before the damage; a record the cut went through is left out (half a page stored as
the story would pass for all of it), and one failure names where reading stopped.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from broadsheet.store.ingest import SAVED_PAGE
from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.formats.html import with_photos
from broadsheet.store.ingest.formats.photos import resources_lookup
from broadsheet.store.ingest.formats.served import read_served_page
from broadsheet.store.ingest.gunzip import GZIP_MAGIC
from broadsheet.store.ingest.source import Source
from broadsheet.store.model import Article, human_size
from broadsheet.store.parse.types import ParseError
from broadsheet.store.sanitize import clean_line
from broadsheet.store.storage.photos import max_photo_bytes
from broadsheet.store.wording import counted

_HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_PHOTOS_HELD = 256 * 1024 * 1024  # photo bytes held while reading an archive (pages get theirs at the end)
_CHUNK = 64 * 1024


def _is_warc(head: bytes) -> bool:
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def _drained(record) -> bool:  # type: ignore[no-untyped-def]
    """Read the rest of ``record``; True when it was all there (its WARC length was reached).

    warcio ends a record quietly where the file ends: a cut record looks whole unless its
    length is checked.
    """
    stream = record.raw_stream
    while stream.read(_CHUNK):
        pass
    return getattr(stream, "limit", 0) <= 0


def _gzip_rest(handle, offset: int, read: bool) -> bool | None:  # type: ignore[no-untyped-def]
    """What the gzip members from ``offset`` to the end hold: None blank lines only (a clean
    end), True a member the file ends inside (cut short), False anything else (damage).

    ``read``: the first member is a record already read (its end is checked, not its content:
    a cut in a member's last bytes leaves its record whole, and warcio quiet).
    """
    handle.seek(offset)
    pending = b""
    while True:
        pending = pending or handle.read(_CHUNK)
        if not pending:
            return None
        if not pending.startswith(GZIP_MAGIC[: len(pending)]):
            return False
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        content = False
        data = pending
        try:
            while True:
                while data:  # at most a chunk out at a time: a member may inflate a thousandfold
                    content = bool(inflater.decompress(data, _CHUNK).strip()) or content
                    data = inflater.unconsumed_tail
                if inflater.eof:
                    break
                data = handle.read(_CHUNK)
                if not data:
                    return True  # the file ends inside this member
        except zlib.error:
            return False
        if content and not read:
            return False  # a whole record warcio could not read
        pending, read = inflater.unused_data, False


def _plain_rest(handle, offset: int, size: int) -> bool | None:  # type: ignore[no-untyped-def]
    """As :func:`_gzip_rest` for an uncompressed archive: cut short when a record's headers
    end with the file, or its Content-Length runs past the end."""
    handle.seek(offset)
    rest = handle.read(_CHUNK)
    if not rest.strip():
        return None
    end = rest.find(b"\r\n\r\n")
    if not rest.lstrip().startswith(b"WARC/"[: len(rest.lstrip())]):
        return False
    if end < 0:
        return len(rest) < _CHUNK
    for line in rest[:end].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return offset + end + 4 + int(value) > size
    return False


def _stopped(path: Path, gz: bool, offsets: tuple[int, int], size: int, whole: int, cut_record: bool,
             why: str) -> str:
    """Why reading stopped after record ``whole``, for the summary; "" when the archive ended cleanly.

    ``offsets``: where record ``whole`` starts and where the next one does.
    """
    if cut_record:
        cut: bool | None = True
    else:
        try:
            with open(path, "rb") as handle:
                if gz:
                    cut = _gzip_rest(handle, offsets[0], True) if whole else _gzip_rest(handle, 0, False)
                else:
                    cut = _plain_rest(handle, offsets[1], size)
        except OSError as exc:
            cut, why = False, f"cannot read the file ({exc.strerror or exc})"
        if cut is None and not why:
            return ""
    where = f"after record {whole}" if whole else "in its first record"
    if cut:
        left = f" (record {whole + 1} is incomplete and was left out)" if cut_record else ""
        return f"the archive is cut short {where}: the rest is lost{left}"
    return f"the archive is damaged {where}{f' ({why})' if why else ''}: the rest could not be read"


class Warc:
    name = "web archive (WARC)"
    kind = SAVED_PAGE

    def sniff(self, source: Source) -> bool:
        return _is_warc(source.head)

    def read(self, source: Source) -> Iterator[Item]:
        from warcio.archiveiterator import ArchiveIterator

        pages: list[tuple[str, Article, list[str]]] = []
        failed: list[Item] = []
        resources: dict[str, bytes | int] = {}
        skipped = number = held = whole = whole_start = start = 0
        unserved: Counter[str] = Counter()  # the HTTP statuses of responses with no page (404, a redirect)
        cut_record = False
        why = ""

        class QuietIterator(ArchiveIterator):
            INC_RECORD = ""  # its warning went straight to the terminal, over the progress bar: counted instead

        with open(source.path, "rb") as handle:
            records = QuietIterator(handle)
            try:
                for record in records:
                    number += 1
                    start = records.offset  # where this record starts (warcio moves it past a record read)
                    if not record.rec_headers.get_header("WARC-Record-ID") or record.length is None:
                        why = "a record's headers are incomplete"
                        break
                    kind = self._content_type(record)
                    uri = clean_line(record.rec_headers.get_header("WARC-Target-URI") or "")
                    status = record.http_headers.get_statuscode() if record.http_headers else "200"
                    body = b""
                    if record.rec_type not in ("response", "resource") or not str(status).startswith("2"):
                        skipped += 1
                        if record.rec_type == "response":
                            unserved[str(status)] += 1
                    elif kind in _HTML_TYPES:
                        body = record.content_stream().read(source.max_bytes + 1)
                    elif kind.startswith("image/") and uri and held < MAX_PHOTOS_HELD:
                        stream = record.content_stream()
                        body = stream.read(max_photo_bytes() + 1)
                        if len(body) > max_photo_bytes():  # over the cap: its size is what is kept
                            size = len(body)
                            while chunk := stream.read(_CHUNK):
                                size += len(chunk)
                            resources[uri], body = size, b""
                    else:
                        skipped += 1
                    if not _drained(record):
                        cut_record = True
                        break
                    whole, whole_start = number, start
                    if not body:
                        continue
                    if kind in _HTML_TYPES:
                        over = ""
                        if len(body) > source.max_bytes:  # read up to the limit, as a saved page is
                            body = body[: source.max_bytes]
                            over = (f"the page is over the {human_size(source.max_bytes)} limit: only its first "
                                    "part was read (see --max-size)")
                        try:
                            article, notes = read_served_page(body, uri if uri.startswith(("http://", "https://"))
                                                              else None, self._content_type(record, full=True))
                        except (ParseError, UnicodeError, LookupError) as exc:  # this page only: read on
                            reason = str(exc) if isinstance(exc, ParseError) else f"cannot be read ({exc})"
                            failed.append(Item(None, part=", ".join(filter(None, (_record(number, start), uri))),
                                               reason="; ".join(filter(None, (reason, over)))))
                            continue
                        pages.append((_record(number, start), article, [*notes, over] if over else notes))
                    else:
                        resources[uri] = body
                        held += len(body)
            except Exception as exc:  # warcio raises several kinds on a damaged or cut-short archive
                why = " ".join(str(exc).split()) if type(exc).__name__ == "ArchiveLoadFailed" else ""
                if "non-chunked gzip" in why:  # warcio's advice, a dozen lines long
                    why = "it is one gzip stream, not a gzip member per record: 'warcio recompress' mends that"
            # warcio stops quietly at a gzip member cut short: what follows the last whole record is looked at.
            offsets = (whole_start, records.offset)
        gz = source.head.startswith(GZIP_MAGIC)
        damage = _stopped(source.path, gz, offsets, source.size, whole, cut_record, why)
        lookup = resources_lookup(resources)
        for record, article, notes in pages:
            item = with_photos(article, notes, lookup)
            yield Item(item.article, part=record, note=item.note, photos=item.photos)
        yield from failed
        # Of the archive as a whole, said once whatever its pages became (on its first page, it went
        # unsaid when that page was already present or failed).
        said = [_skipped_note(skipped, unserved)] if skipped else []
        if damage:
            yield Item(None, reason=damage)
        elif not pages and not failed:
            yield Item(None, reason=f"the web archive holds no HTML page ({_skipped_note(skipped, unserved)})")
            said = []
        if records.err_count:
            said.append(counted(records.err_count, "record of the archive is", "records of the archive are")
                        + " followed by stray data (a record's length may be wrong)")
        if said:
            yield Item(None, note="; ".join(said), input_note=True)

    @staticmethod
    def _content_type(record, full: bool = False) -> str:  # type: ignore[no-untyped-def]
        """The record's media type (``full``: with its parameters, the charset among them)."""
        headers = record.http_headers if record.http_headers else record.rec_headers
        value = headers.get_header("Content-Type") or ""
        return value if full else value.split(";")[0].strip().lower()


def _record(number: int, offset: int) -> str:
    """Where a record is, as ``warcio index FILE`` lists them: its line (every record counted, from 1)
    and its offset, which ``warcio extract FILE OFFSET`` takes ("record 5" alone said neither)."""
    return f"record {number} at byte {offset}"


def _skipped_note(skipped: int, unserved: Counter[str]) -> str:
    """``3 records of the archive that are not HTML pages and 2 responses with no page (HTTP 404: 2)
    skipped``: a crawl's missing pages told apart from its images and styles."""
    failed = sum(unserved.values())
    parts = []
    if skipped > failed:
        parts.append(counted(skipped - failed, "record of the archive that is not an HTML page",
                             "records of the archive that are not HTML pages"))
    if failed:
        statuses = ", ".join(f"{status}: {count:,}" for status, count in sorted(unserved.items()))
        parts.append(f"{counted(failed, 'response')} with no page (HTTP {statuses})")
    return " and ".join(parts) + " skipped"

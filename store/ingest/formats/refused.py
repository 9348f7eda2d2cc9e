"""Files Broadsheet does not read, recognised by their first bytes and refused with what they are."""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from broadsheet.store.feeds.newsboat import sqlite_companion
from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.source import Source
from broadsheet.store.storage.exchange import is_markdown_export

# (magic bytes at the start, what the file is)
_KINDS = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", None),  # only with the RIFF-like checks below
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (or an office document or e-book)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"\xca\xfe\xba\xbe", "a program (Mach-O or Java class)"),
    (b"\xcf\xfa\xed\xfe", "a program (Mach-O)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x1f\x8b", "a gzip file that does not unpack (damaged from its start)"),
    (b"BZh", "a bzip2 file"),
    (b"\xfd7zXZ\x00", "an xz file"),
    (b"OggS", "an Ogg audio or video file"),
    (b"fLaC", "a FLAC audio file"),
    (b"ID3", "an MP3 audio file"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM video"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
)


#: Safari's saved page (File > Save As, "Web Archive"): a binary property list whose first keys name its page.
SAFARI_ARCHIVE = "a Safari web archive (.webarchive)"


def what_it_is(head: bytes) -> str | None:
    """What a binary file is, from its first bytes; None for anything else."""
    if head.startswith(b"bplist00"):  # (its NUL bytes made it "looks binary", no word of what it is)
        return SAFARI_ARCHIVE if b"WebMainResource" in head else "an Apple property list (binary plist)"
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}[head[8:12]]
    if head[4:8] == b"ftyp":
        return "an image or video (ISO media: MP4, HEIC, AVIF)"
    if head[257:262] == b"ustar":  # (a .tar.gz's content: read as a text dump, it was "not text")
        return "a tar archive (unpack it and import its files)"
    if companion := sqlite_companion(head):  # (newsboat's cache.db-journal: "looks binary")
        return companion
    for magic, kind in _KINDS:
        if kind and head.startswith(magic):
            return kind
    return None


def _other_json(source: Source) -> bool:
    """Whether the file is JSON, but no Broadsheet export or JSON Feed (those formats come first):
    read as a text dump it failed with "no headline found"."""
    if source.head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] not in (b"{", b"["):
        return False
    try:
        orjson.loads(source.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except (orjson.JSONDecodeError, OSError, ValueError):
        return False
    return True


def _feed_list(head: bytes) -> bool:
    """Whether the file is a list of feeds: OPML, or newsboat's ``urls`` (every line an address,
    a comment or blank). Read as a text dump, it failed with "no story text found below the headline"."""
    from broadsheet.store.feeds.opml import is_opml

    text = head.decode("utf-8", "replace")
    if text.lstrip("\ufeff \t\r\n").startswith("<"):  # markup: a list of feeds only as OPML
        return is_opml(text)
    lines = text.splitlines()
    found = False
    for line in lines[:-1] if len(lines) > 1 else lines:  # (the last may be cut)
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not line.lstrip("\"'").startswith(_LISTED):
            return False  # at the first line of another kind: every file imported asks
        found = True
    return found


_LISTED = ("http://", "https://", "query:", "exec:", "filter:")  # how a line of newsboat's urls starts (quoted or not)


class Refused:
    """Tried before the text dump: a PDF, an image or a program is named and refused, not misread;
    so is JSON that is no export or feed, and a Broadsheet export in Markdown."""

    name = "refused"
    kind = 0  # it reads no story

    def sniff(self, source: Source) -> bool:
        return (what_it_is(source.head) is not None or _feed_list(source.head) or _other_json(source)
                or is_markdown_export(source.head))

    def read(self, source: Source) -> Iterator[Item]:
        if is_markdown_export(source.head):
            yield Item(None, reason="a Broadsheet export in Markdown, which is for reading: `broadsheet export "
                                    "--format json` writes the stories as a file `broadsheet import` reads back")
            return
        kind = what_it_is(source.head)
        if _feed_list(source.head):
            yield Item(None, reason="a list of feeds (OPML or a newsboat urls file), not stories: subscribe to them "
                                    "with `broadsheet feeds import FILE`")
            return
        if kind is None:
            yield Item(None, reason="a JSON file, but neither a Broadsheet export nor a JSON Feed: Broadsheet reads "
                                    "those, saved web pages, web archives, feeds and text dumps")
            return
        if kind == SAFARI_ARCHIVE:
            yield Item(None, reason=f"{kind}, which Broadsheet does not read: in Safari, save the page with File > "
                                    "Save As, format \"Page Source\", and import that HTML file")
            return
        yield Item(None, reason=f"{kind}, a binary file: Broadsheet reads saved web pages, web archives, "
                                "feeds, newsboat's cache.db, its own JSON exports and text dumps")

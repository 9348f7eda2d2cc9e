"""One input file as the formats see it: its first bytes for sniffing, the rest on demand.

Opening a source checks what every format needs checked (it is a regular file that can
be read) and reads only its head; a format that wants the whole file asks for it and
gets the size cap applied, while a format that streams (a web archive) reads ``path``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from broadsheet.store.ingest.decode import (
    DEFAULT_MAX_BYTES,
    WIDE_BOMS,
    DecodeError,
    decode_bytes,
    read_capped,
    regular_file_size,
)

HEAD = 64 * 1024
# An XML declaration naming the file's wide encoding, which is no longer its encoding once it is UTF-8.
_WIDE_DECLARED = re.compile(r"""(<\?xml[^>]{0,200}?\bencoding\s*=\s*["'])(?:utf|ucs)-?(?:16|32|2|4)[a-z-]*(["'])""",
                            re.IGNORECASE)


def as_utf8(data: bytes) -> bytes:
    """A UTF-16 or UTF-32 file (one with a byte-order mark) as UTF-8, with UTF-8's mark.

    Saved pages and feeds in UTF-16 were refused ("no headline found"): every format sniffs
    and parses bytes as UTF-8 or as their own declaration says. HTML reads a UTF-16 ``meta
    charset`` as UTF-8 anyway, and an XML declaration's is made to say so.
    """
    text = decode_bytes(data).text  # by its mark; DecodeError when it is not what the mark says
    head, rest = text[:1024], text[1024:]
    return codecs.BOM_UTF8 + (_WIDE_DECLARED.sub(r"\1UTF-8\2", head, count=1) + rest).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Source:
    path: Path
    head: bytes  # the first HEAD bytes (all of a small file)
    size: int
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def open(cls, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
        """Raises DecodeError with the reason when the file cannot be read at all."""
        size = regular_file_size(path)
        try:
            with open(path, "rb") as handle:
                head = handle.read(HEAD)
        except OSError as exc:
            raise DecodeError(f"cannot read the file ({exc.strerror or exc})") from None
        if head.startswith(WIDE_BOMS):  # every format below reads bytes as UTF-8 or says its own encoding
            # The cap is the file's on disk: the UTF-8 can be longer (CJK: 1.5 times), and is whole.
            head = as_utf8(read_capped(path, max_bytes))
            return cls(path, head, len(head), max(max_bytes, len(head)))
        return cls(path, head, size, max_bytes)

    @classmethod
    def held(cls, path: Path, data: bytes) -> Source:
        """The file ``data`` that ``path`` holds (a gzip file's content), whole in memory: read
        by the formats as that file would be, with ``path`` for what they report and look beside."""
        if data.startswith(WIDE_BOMS):
            data = as_utf8(data)
        return cls(path, data, len(data), len(data))

    def read_bytes(self) -> bytes:
        """The whole file, refused (DecodeError) when it is larger than ``max_bytes``."""
        if len(self.head) == self.size and self.size <= self.max_bytes:
            return self.head
        return read_capped(self.path, self.max_bytes)

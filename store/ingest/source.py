"""One input file as the formats see it: its first bytes for sniffing, the rest on demand.

Opening a source checks what every format needs checked (it is a regular file that can
be read) and reads only its head; a format that wants the whole file asks for it and
gets the size cap applied, while a format that streams (a web archive) reads ``path``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from broadsheet.store.ingest.decode import DEFAULT_MAX_BYTES, DecodeError, read_capped, regular_file_size

HEAD = 64 * 1024


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
        return cls(path, head, size, max_bytes)

    def read_bytes(self) -> bytes:
        """The whole file, refused (DecodeError) when it is larger than ``max_bytes``."""
        if len(self.head) == self.size and self.size <= self.max_bytes:
            return self.head
        return read_capped(self.path, self.max_bytes)

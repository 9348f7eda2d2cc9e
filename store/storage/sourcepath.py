"""Source file paths as stored in a story record and printed: absolute, and always valid text.

A story remembers the file it came from so ``repair`` can read a lost body again. The
path is made absolute at import, so ``repair`` works from any folder. A file name need
not be UTF-8 (``z\\xff.txt``): Python hands it over with surrogate escapes, which JSON
cannot hold, so such bytes are written as ``\\xff`` (shown, not reversible).
"""

from __future__ import annotations

import os
from pathlib import Path


def safe_text(path: Path | str) -> str:
    """``path`` as text that can be stored in JSON: bytes that are not UTF-8 written as ``\\xNN``."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def path_text(path: Path) -> str:
    """The absolute path of ``path`` (not following links) as storable text."""
    return safe_text(os.path.abspath(path))

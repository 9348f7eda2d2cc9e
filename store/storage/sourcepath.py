"""Source file paths as stored in a story record and printed: absolute, and always safe text.

A story remembers the file it came from so ``reparse`` and ``repair`` can read it again. The
path is made absolute at import, so they work from any folder. A file name is anyone's bytes:
it need not be UTF-8 (``z\\xff.txt``: Python hands such bytes over as surrogate escapes, which
JSON cannot hold) and may hold control characters (``story\\x1b[31m.html``, a newline), which
must never reach the terminal. So a record keeps two things:

- ``"file"``, the path as shown: such bytes and characters written as ``\\xNN``/``\\uNNNN``
  (printed by every command, never read back as a path);
- ``"path"``, only when the shown text is not the path itself: its exact bytes, percent-encoded
  (plain ASCII, so nothing in it is cleaned), which :func:`source_path` turns back into the file.

Before ``"path"`` such a name was stored as given and its control characters were cleaned
away on reading: those stories name a file that is not there (``reparse`` says so).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes, unquote_to_bytes

from broadsheet.store.sanitize import clean_text

# What the sanitiser would drop or change (store.sanitize), and newlines and tabs (one line).
UNSHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060"
                      r"\u2066-\u2069\ufeff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(path: Path | str) -> str:
    """``path`` as text to store and show: bytes that are not UTF-8 and characters the terminal
    must not be given (controls, escapes, bidi marks, line breaks) written as ``\\xNN``."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = os.fsencode(text).decode("utf-8", "backslashreplace")
    return UNSHOWN.sub(_escaped, text)


def absolute(path: Path | str) -> str:
    """The absolute path of ``path`` (not following links), exactly: what the store is given."""
    return os.path.abspath(path)


def path_text(path: Path) -> str:
    """The absolute path of ``path`` as shown (see :func:`safe_text`)."""
    return safe_text(absolute(path))


def stored(file: str | None) -> dict[str, Any]:
    """The ``"file"`` (and, when it is not the path itself, ``"path"``) of a record whose
    source is ``file`` (a path, exactly as given, or a feed's address)."""
    if not file:
        return {"file": file}
    shown = safe_text(file)
    if shown == file:
        return {"file": file}
    return {"file": shown, "path": quote_from_bytes(os.fsencode(file), safe="/")}


def source_path(file: str, exact: str | None) -> str:
    """The path a record's source file was imported from: its ``"path"`` decoded, else its ``"file"``."""
    if exact:
        return os.fsdecode(unquote_to_bytes(exact))
    return file


def is_file(path: Path) -> bool:
    """Whether ``path`` is a regular file; False (not an error) when it cannot be looked at
    (a folder on the way that may not be read, a name too long)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


Cleaned = dict[Path, dict[str, list[str]]]


def found_again(path: Path, folders: Cleaned | None = None) -> Path | None:
    """The file ``path`` names in a record written before ``"path"`` was kept: the one file of
    its folder whose name, with its control characters cleaned away as they were then, is
    ``path``'s name (None when there is not exactly one). ``folders``: the names of each folder
    looked at so far, so a folder of many missing files is read once."""
    folders = {} if folders is None else folders
    if (names := folders.get(path.parent)) is None:
        names = folders[path.parent] = {}
        try:
            with os.scandir(path.parent) as entries:
                for entry in entries:
                    if (cleaned := clean_text(entry.name)) != entry.name:  # only such a name was changed
                        names.setdefault(cleaned, []).append(entry.path)
        except (OSError, ValueError):
            pass
    named = names.get(path.name, [])
    return Path(named[0]) if len(named) == 1 and is_file(Path(named[0])) else None


def source_files(file: str, shown: str | None, roots: Iterable[Path] = (),
                 folders: Cleaned | None = None) -> Iterator[Path]:
    """The files a record's source may be now, most likely first, for ``reparse`` and ``repair``
    to read: its path exactly as stored (``file``); a relative path (an older store's, relative
    to where its import ran) under each of ``roots`` in turn; and, when the record has no exact
    ``"path"`` (``file`` is the ``shown`` one), the file whose name was cleaned to it (see
    :func:`found_again`; ``folders`` as there). Each is looked at only when the one before
    is not the story's."""
    path = Path(file)
    there = is_file(path)
    if there:
        yield path
    if not path.is_absolute():
        yield from (under for root in roots if is_file(under := root / file))
    if file == shown and not there and (again := found_again(path, folders)) is not None:
        yield again  # stored before names were kept exactly: the file whose name was cleaned so

"""Step 1: split a page dump into numbered, whitespace-normalised lines."""

from __future__ import annotations

import re

from store.parse.types import Line

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def normalise(text: str) -> str:
    """Collapse runs of spaces (including no-break and thin spaces) and trim the ends."""
    return _SPACES.sub(" ", text).strip()


def split_lines(text: str) -> list[Line]:
    """Split ``text`` into :class:`Line` objects numbered from 1; blank lines get role ``blank``."""
    out: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = Line(number, normalise(raw))
        if line.blank:
            line.mark("blank", "empty line")
        out.append(line)
    return out


def page_title(lines: list[Line]) -> str:
    """The first non-blank line: in a saved page dump it is the page's <title>."""
    for line in lines:
        if not line.blank:
            return line.text
    return ""

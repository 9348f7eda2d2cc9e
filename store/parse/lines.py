"""Step 1: split a page dump into numbered, whitespace-normalised lines."""

from __future__ import annotations

import re

from broadsheet.store.parse.boilerplate import end_marker
from broadsheet.store.parse.types import Line
from broadsheet.store.storage.limits import PARAGRAPH, split_paragraph

#: The most lines a page dump is parsed in: a story's page has a few hundred (the corpus's longest
#: 986), one with hundreds of readers' comments a few thousand. Each line costs the parse about
#: 200 bytes and 2 µs (1.6 M one-letter paragraphs within the 5 MB limit took 700 MB and 6 s),
#: so a dump of more is refused before it is split (see :func:`too_long`).
MAX_LINES = 100_000
#: The longest line the steps are given: a longer one is parsed in pieces (see :func:`within_line`).
#: Five stored paragraphs (store.storage.limits): a paragraph over one is parsed whole, and split
#: as it is stored, which the import says.
MAX_LINE = 5 * PARAGRAPH

# split_lines collapses runs of spaces (no-break and thin ones too) and trims each line. It
# changes only the runs that need it: two or more characters, or one that is
# not a plain space. Prose is mostly single spaces, which it skips instead of replacing each
# with itself: the odd characters first become plain spaces (most pages have none; searching
# for them is a fast scan for one character class), then runs of two or more plain spaces
# become one (a pattern starting with two spaces is searched for as a literal, where one that
# starts with a character set tries a match at every single space of the prose).
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")
_PLAIN_RUNS = re.compile("  +")


def too_long(text: str) -> str | None:
    """Why ``text`` is refused unread: more lines than :data:`MAX_LINES` (counted without splitting it)."""
    count = text.count("\n") + 1
    if count <= MAX_LINES:
        return None
    return f"too many lines for a story's page: {count:,} (a page dump may have {MAX_LINES:,})"


def split_lines(text: str) -> list[Line]:
    """Split ``text`` into :class:`Line` objects numbered from 1; blank lines get role ``blank``."""
    # One substitution over the whole text (runs of spaces never include a newline), then a
    # strip per line: the same as a substitution per line without a regex call per line.
    # Saved pages are mostly blank lines (thousands per page): those are made in one call.
    rows = text.split("\n")
    # (_ODD_SPACE finds a tab or a character only a row that is not ASCII can hold: searched
    # in those rows alone, most of a page is not scanned character by character.)
    if "\t" in text or any(_ODD_SPACE.search(row) for row in rows if not row.isascii()):
        text = _ODD_SPACE.sub(" ", text)
    elif "  " not in text:
        return _lines(rows)
    return _lines(_PLAIN_RUNS.sub(" ", text).split("\n"))


def _lines(rows: list[str]) -> list[Line]:
    """:class:`Line` objects of normalised rows, stripped here; a row longer than :data:`MAX_LINE`
    is as many lines of its number (see :func:`within_line`)."""
    return [
        Line(number, text) if text else Line(number, "", "blank", "empty line")
        for number, stripped in enumerate(map(str.strip, rows), start=1)
        for text in within_line(stripped)
    ]


def within_line(text: str) -> list[str]:
    """``text`` in pieces of at most :data:`MAX_LINE` characters, cut after a sentence, every word kept.

    The steps take a line apart in words, some several times over: a page of one 50 MB line (a
    saved page with no line breaks) took 1 GB that way, where each piece takes a few MB.
    """
    return split_paragraph(text, MAX_LINE) if len(text) > MAX_LINE else [text]


def page_title(lines: list[Line]) -> str:
    """The first non-blank line: in a saved page dump it is the page's <title>."""
    for line in lines:
        if not line.blank:
            return line.text
    return ""


_BYLINE_START = re.compile(r"^by\b", re.IGNORECASE)
_OPEN_END = re.compile(r"(?:[,/]|\b(?:and|or|of|the|to|a|an|in|by|with|for|at|from))$")
_FINAL = re.compile(r"[.!?:…][\"'”’)\]]*$")


# Cheap tests of a line's end that _FINAL and _OPEN_END need (their "$" is only found by
# scanning the whole line); split lines never hold a newline, so "$" is the end of the text.
_FINAL_CHARS = tuple(".!?:…")
_CLOSERS = "\"'”’)]"
_OPEN_ENDS = (",", "/", "and", "or", "of", "the", "to", "a", "an", "in", "by", "with", "for", "at", "from")


_PUNCT_FIRST = ",.;:!?)]’”%/"  # a line starting with one of these goes on from the line above


def _continues(prev: str, nxt: str, inside: bool = False) -> bool:
    """True when ``nxt`` reads as the rest of ``prev`` (a hard-wrapped or split sentence).

    The line must look like it goes on (punctuation or a small letter first, or an open end
    above) and nothing may stop it (a full stop, a byline, a comments heading). The tests
    have no side effects, so the cheap first-character ones run first: most lines start
    with a capital under a line that does not end open, and need nothing else. ``inside``
    says ``prev`` is itself a piece folded into a longer line (so no menu label).
    """
    if not prev or not nxt:
        return False
    first = nxt[0]
    # (A match of _OPEN_END is one of its last five characters: the search starts there.)
    if first in _PUNCT_FIRST or (prev.endswith(_OPEN_ENDS) and _OPEN_END.search(prev, max(0, len(prev) - 5))):
        pass
    elif "a" <= first <= "z":
        # A lower-case start continues a sentence, but two short labels in a row are a menu
        # (a lone "and" between two names is the middle of a byline, not a label).
        if (
            not inside
            and nxt != "and"
            and len(prev.split()) < 4
            and len(nxt.split()) < 4
            and not (nxt.startswith("and ") and _BYLINE_START.match(prev))  # "By Ann Lee" / "and Bo Chen"
        ):
            return False
    else:
        return False
    return not (_ends_sentence(prev) or _BYLINE_START.match(nxt) or end_marker(prev) or end_marker(nxt))


def _ends_sentence(text: str) -> bool:
    """``_FINAL.search(text)``, looked up only when the text ends in a stop (after quotes)."""
    return text.rstrip(_CLOSERS).endswith(_FINAL_CHARS) and bool(_FINAL.search(text))


_GOES_ON = frozenset("abcdefghijklmnopqrstuvwxyz,.;:)’”")  # first characters of a line that goes on


_OPEN_QUOTES = "“‘\"'"
_CLOSE_QUOTES = "”’\"'"


def _inline_name(prev: str, nxt: str, after: str) -> bool:
    """True for a short capitalised fragment inside a sentence split at its markup: a title in
    italics or a link (``... in the rebooted`` / ``Star Trek`` / ``film series: ...``). The
    sentence above is open and the line below goes on in small letters or punctuation."""
    if not prev or not after or len(nxt) > 40:
        return False
    if not nxt[0].isupper() and not (nxt[0] in _OPEN_QUOTES and len(nxt) > 2 and nxt[-1] in _CLOSE_QUOTES):
        return False  # a name or title, or a phrase in quotes ("... of labelling" / "“fake news”" / "alongside")
    first = after[0]
    if not ("a" <= first <= "z" or first in ",.;:)’”"):
        return False
    # The sentence above stops mid-way on a word ("... in the rebooted"), not on a quote or a name.
    last = prev[-1]
    if not ("a" <= last <= "z" or last == ",") or len(prev.split()) < 3 or len(nxt.split()) > 5:
        return False
    if _ends_sentence(nxt) or _BYLINE_START.match(prev):
        return False  # a sentence of its own; a byline ("by Ann Lee") above
    return not (_BYLINE_START.match(nxt) or end_marker(prev) or end_marker(nxt))


def join_wrapped(lines: list[Line]) -> list[Line]:
    """Fold lines that continue the previous line's sentence into it.

    Crude dumps put one text node per line, so a paragraph with a link in it arrives as
    ``...as he signed a`` / ``proclamation`` / ``restoring section 232 ...``. The folded-in
    lines are remembered in :attr:`Line.continued` so ``--explain`` can still list them.
    """
    out: list[Line] = []
    parts: list[str] = []  # pieces of the last line in ``out`` (joined once, at the end)
    size = 0  # their length: a line grows to MAX_LINE at most (see within_line)
    prev: Line | None = None  # the last line in ``out``
    for k, line in enumerate(lines):
        text = line.text
        # Only the last piece matters for the "sentence goes on" test, so no quadratic re-joining.
        # _continues is False unless the line starts with punctuation or a small letter or the
        # piece above ends open; _inline_name needs a short line with one below that goes on.
        if prev is not None and text and size + len(text) < MAX_LINE:
            last = parts[-1]
            first = text[0]
            joins = (first in _PUNCT_FIRST or "a" <= first <= "z" or last.endswith(_OPEN_ENDS)) and _continues(
                last, text, len(parts) > 1
            )
            if not joins and len(text) <= 40 and k + 1 < len(lines):
                below = lines[k + 1].text
                joins = bool(below) and below[0] in _GOES_ON and _inline_name(last, text, below)
            if joins:
                if not prev.continued:
                    prev.head = prev.text
                    prev.continued = []
                parts.append(("" if first in ",.;:!?)]’”%" else " ") + text)
                size += len(parts[-1])
                prev.continued.append((line.number, text))
                continue
        if prev is not None and prev.continued:
            prev.text = "".join(parts)
        out.append(line)
        prev = line
        parts, size = [text], len(text)
    if out and out[-1].continued:
        out[-1].text = "".join(parts)
    return out

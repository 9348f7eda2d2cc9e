"""Make untrusted imported text safe to store and show.

Removes terminal escape sequences (CSI, OSC, DCS, SOS/PM/APC, and single-character
escapes), C0 controls except newline and tab, DEL, C1 controls and Unicode bidi
overrides/isolates and lone surrogates, so no byte of an imported page can move the cursor, set the
window title, write the clipboard or reorder what the user sees. Invisible word-internal
marks (soft hyphens, zero-width spaces, word joiners) are dropped and text is composed
(NFC), so a word reads, searches and parses as the one it shows. Tag characters, which
spell text no one sees, are dropped but in a subdivision flag (🏴 and its tags: Scotland's).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

# ESC-introduced sequences. String sequences (OSC, DCS, SOS, PM, APC) run to BEL or ST;
# an unterminated one runs to the end of the line so its payload is dropped too.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?            # CSI ... final byte
    | \x1b[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?   # OSC/DCS/SOS/PM/APC ... BEL or ST
    | \x1b[ -/]*[0-~]?                  # other ESC sequences (charset, keypad, RIS)
    | \x9b[0-?]*[ -/]*[@-~]?            # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f][^\x07\x9c\n]*[\x07\x9c]?  # 8-bit string sequences
    """,
    re.VERBOSE,
)
# C0 except \t and \n, DEL, C1, bidi embeddings/overrides/isolates, BOM/ZWNBSP, soft hyphen,
# zero-width space and word joiner (inside a word they split it for the index and the parser:
# "inter\u00adnational" was not found by "international"; a terminal may draw a soft hyphen),
# the other invisible format characters that join nothing (the Mongolian vowel separator, the
# invisible maths operators, the deprecated shaping controls, interlinear annotation marks),
# line/paragraph separators (turned into plain newlines below), and lone surrogates (a JSON
# "\ud800" escape or a surrogate-escaped byte: not Unicode, they cannot be stored or drawn).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff\ud800-\udfff"
                       r"\u00ad\u200b\u2060\u180e\u2061-\u2064\u206a-\u206f\ufff9-\ufffb]")
# Tag characters (U+E0000-E007F) draw nothing: a run of them spells text no reader sees (a
# headline carried "hidden instruction" in them). Their one use is a subdivision flag: the black
# flag, a region and subdivision code in tag letters and digits (2 and 1-4: "gbsct"), the cancel
# tag, which is kept whole; every other tag character, and a longer or malformed run, is dropped.
_TAG_CHAR = re.compile("[\U000e0000-\U000e007f]")
_TAGS = re.compile("(\U0001f3f4[\U000e0061-\U000e007a]{2}[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,4}"
                   "\U000e007f)|[\U000e0000-\U000e007f]")


def clean_text(text: str) -> str:
    """Return ``text`` with escape sequences and control characters removed.

    Carriage returns become newlines (``\\r\\n`` becomes one newline) so old Mac and
    Windows line endings survive as line breaks rather than vanishing. Decomposed accents are
    composed: an "e" and a combining acute (as macOS writes them) are one "é", so "José" in
    a byline is read as a name, not as a date.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    # Every escape sequence starts with a character of _CONTROLS (ESC or a C1 control), so
    # one scan finds the usual clean page, which then skips both substitutions.
    if _CONTROLS.search(text) is not None:
        text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    if not text.isascii() and _TAG_CHAR.search(text) is not None:
        text = _TAGS.sub(_flag_or_nothing, text)
    # Composed last: an accent after an escape's final letter ("ESC[0m" and U+0301) became one
    # letter with it, and the escape was no longer found; one parted from its letter by a control
    # was left uncomposed.
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _flag_or_nothing(match: re.Match[str]) -> str:
    return match.group(1) or ""


def typed_text(text: str) -> str:
    """Text typed or pasted into a one-line field of the reader (a search, a tag, a name), cleaned
    as imported text is, a line break or tab a space (spaces are not folded: one typed is kept)."""
    return clean_text(text).replace("\n", " ").replace("\t", " ")


def clean_line(text: str) -> str:
    """Like :func:`clean_text` but for one-line fields: newlines and tabs become spaces."""
    return single_spaced(clean_text(text))


_WHITESPACE = re.compile(r"\s+")
_WORD_START = re.compile(r"(?<=\s)\S")
_UNEVEN = re.compile(r"[^\S ]|  ")  # white space that is not one plain space
_PART = 100_000  # characters: ``split()`` (and a substitution of many runs) makes an object of each word


def collapsed(text: str) -> str:
    """``text`` with each run of white space one space (``re.sub(r"\\s+", " ", text)``), taken in parts.

    A substitution makes an object of each piece between its matches, as ``split()`` makes one of
    each word: in one go over a saved page's 50 MB paragraph, some 600 MB. A part ends before a
    word, so no run of white space is parted and the result is the same.
    """
    if len(text) <= _PART:
        return _WHITESPACE.sub(" ", text)
    if _UNEVEN.search(text) is None:  # one space between words already (searched without copying)
        return text
    parts, start = [], 0
    while start < len(text):
        cut = _WORD_START.search(text, start + _PART)
        end = cut.start() if cut is not None else len(text)
        parts.append(_WHITESPACE.sub(" ", text[start:end]))
        start = end
    return "".join(parts)


def single_spaced(text: str) -> str:
    """``text`` with each run of white space one space and none at either end: ``" ".join(text.split())``,
    which is the quicker on the short texts nearly every call gets, and :func:`collapsed` on a long one."""
    return " ".join(text.split()) if len(text) <= _PART else collapsed(text).strip()


_SURROGATES = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")  # how Python decodes a command line's bytes that are not UTF-8


def not_text(text: str) -> str | None:
    """``text`` shown with its bytes that are not UTF-8 as ``\\xNN`` (``$'\\xff'`` typed in a shell),
    when it holds any (lone surrogates, which cleaning drops); None when it is all text."""
    if _SURROGATES.search(text) is None:
        return None
    return _ESCAPED_BYTES.sub(lambda found: f"\\x{ord(found[0]) - 0xdc00:02x}", text)


def without_surrogates(value: Any) -> Any:
    """``value`` (decoded JSON) with lone surrogates removed from every string and key.

    JSON allows a ``"\\ud800"`` escape that is no Unicode text: the standard library decodes
    it, but nothing can encode it again (orjson, msgspec and the terminal all refuse it).
    """
    if isinstance(value, str):
        return _SURROGATES.sub("", value)
    if isinstance(value, list):
        return [without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}
    return value


def is_web_address(url: str) -> bool:
    """An http:// or https:// address with a host: the only kind a feed, a story or the browser is given.

    A feed is anyone's text: its ``file:``, ``data:`` or ``javascript:`` link handed to the
    browser would open the user's files or run the feed's script.
    """
    if _PLAIN_WEB.match(url):  # most addresses: no urlsplit (a fifth of a 10,000-entry feed's parse)
        return True
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


_PLAIN_WEB = re.compile(r"https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?(?:[/?#]|$)", re.IGNORECASE)

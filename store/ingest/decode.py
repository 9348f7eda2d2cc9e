"""Turn the bytes of a saved page into text, or refuse the file with a clear reason.

Order matters: byte-order marks first (UTF-16 text is full of NUL bytes), then the
binary check, then strict UTF-8 (charset-normalizer guesses wrong on short, mostly
ASCII text), and only then a guess, which the import summary reports as such.
"""

from __future__ import annotations

import codecs
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from broadsheet.store.model import human_size

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
BINARY_SNIFF = 8192

#: Byte-order marks and their codecs; UTF-32 LE's mark begins with UTF-16 LE's, so it comes first.
BOM_CODECS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: The marks of UTF-16 and UTF-32, whose files are full of NUL bytes.
WIDE_BOMS = tuple(bom for bom, encoding in BOM_CODECS if encoding != "utf-8-sig")
BOMS = tuple(bom for bom, _encoding in BOM_CODECS)
#: An XML declaration's encoding (in a document's first 200 bytes).
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)


# Encodings charset-normalizer may name for Western text that is really cp1252.
# Their DOS and Mac siblings too: short Latin-1 English ("Café society") was named cp775.
_LATIN_FAMILY = {"utf_8", "ascii", "cp1252", "cp1250", "latin_1", "iso8859_15", "iso8859_2", "iso8859_9",
                 "cp1254", "cp1257", "mac_roman", "mac_latin2", "cp850", "cp437", "iso8859_16", "iso8859_3",
                 "iso8859_4", "iso8859_10", "iso8859_13", "iso8859_14", "cp775", "cp852", "cp857", "cp858",
                 "cp860", "cp861", "cp863", "cp865", "mac_iceland", "mac_turkish"}


#: The wider Windows forms browsers read these labels as (WHATWG's Encoding standard): a GB2312 feed
#: holding GBK's 镕 was Windows-1252 mojibake, one in Shift_JIS with ① or EUC-KR with 똠 too.
_BROWSER_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949",
                   "big5": "big5hkscs"}


#: Python's codec names people do not know their encodings by, as the encodings are known (WHATWG's
#: names, which browsers show): "encoding guessed as cp932" of a page in Shift_JIS. See encoding_name.
_KNOWN_AS = {"cp932": "Shift_JIS", "shift_jis": "Shift_JIS", "cp949": "EUC-KR", "big5": "Big5",
             "big5hkscs": "Big5-HKSCS", "cp950": "Big5", "utf-8-sig": "UTF-8"}


def encoding_name(codec: str) -> str:
    """The name people know the encoding ``codec`` (a Python codec name) by, for what the user is
    told: Windows-1252, ISO-8859-5, KOI8-R, Mac Cyrillic, not cp1252, iso8859-5, koi8-r, mac-cyrillic."""
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec
    if name in _KNOWN_AS:
        return _KNOWN_AS[name]
    if re.fullmatch(r"cp125\d|cp874", name):
        return f"Windows-{name[2:]}"
    if name.startswith("iso8859-"):
        return f"ISO-8859-{name.removeprefix('iso8859-')}"
    if name.startswith("mac-"):
        return f"Mac {name.removeprefix('mac-').title()}"
    return name.upper().replace("_", "-")  # EUC-KR, GBK, GB18030, KOI8-R, UTF-16, CP866


def decode_labelled(data: bytes, label: str, errors: str = "strict") -> str:
    """``data`` in the charset ``label`` names, as browsers read labels: a Latin-1 or ASCII label
    is Windows-1252 (its quotes and dashes, not C1 controls the sanitiser then drops: "dont"),
    Latin-1 only for the five bytes Windows-1252 leaves undefined; GB2312, Shift_JIS, EUC-KR and
    Big5 their wider forms (see ``_BROWSER_CODECS``). Raises LookupError for a label
    that names no codec of text (``undefined``, ``rot13``, ``base64`` name Python's others: one
    in a WARC header stopped the whole archive), UnicodeDecodeError for bytes that are not in it
    (``errors`` as ``bytes.decode`` takes it)."""
    info = codecs.lookup(label)
    codec = info.name
    if not getattr(info, "_is_text_encoding", True) or codec == "undefined":
        raise LookupError(f"{label!r} names no text encoding")
    if codec in ("iso8859-1", "ascii"):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    return data.decode(_BROWSER_CODECS.get(codec, codec), errors)


#: A ``<meta charset>`` or ``http-equiv`` content type; a bounded gap, so a page of unclosed ``<meta`` stays linear.
_META_CHARSET = re.compile(rb"""<meta\b[^>]{0,1024}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.IGNORECASE)
#: How far into a page its ``<meta>`` charset is looked for (when ``</head>`` does not end the head sooner).
#: Browsers prescan 1 KB, then re-read the page when the parser meets a later one: after a 6 KB
#: ``<style>`` the page is still in the charset it names.
META_REACH = 64 * 1024
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)


def meta_charset(data: bytes) -> str | None:
    """The charset a page's ``<meta>`` names, looked for in its head (at most ``META_REACH`` bytes)."""
    head = data[:META_REACH]
    end = _HEAD_END.search(head)
    found = _META_CHARSET.search(head, 0, end.start() if end else len(head))
    return found.group(1).decode("ascii").lower() if found else None


def header_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value (HTTP, a MIME part), lower case."""
    found = _HEADER_CHARSET.search(content_type or "")
    return found.group(1).lower() if found else None


def in_labelled_charset(data: bytes, label: str | None) -> str | None:
    """``data`` read as the charset ``label`` names (a Latin-1 label as Windows-1252, as browsers
    do), when that is how it should be read: None when there is no label, the page has a
    byte-order mark, an XML declaration of an encoding it is in, is valid UTF-8 (what a server
    that says Latin-1 mostly sends), or is not in that charset; the page's own reading then applies.
    A declaration the bytes are not in (``encoding="utf-8"`` on Latin-1) gives way to the label, as
    feedparser has it, and the text's declaration no longer names it; so does one of another charset
    on UTF-8 served as UTF-8 (``encoding="iso-8859-1"`` on "Café" made "CafÃ©"), as RFC 7303 has it.

    Used for the charset a feed or a page was served with (``store.feeds.fetch``,
    ``formats.served``).
    """
    if not label or data.startswith(BOMS):
        return None
    declared = xml_declared(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        utf8_over_declared = declared is not None and not names_utf8(declared) and names_utf8(label)
        return undeclared(text) if utf8_over_declared and not data.isascii() else None
    if declared is not None and _reads_as(data, declared):
        return None
    try:
        return undeclared(decode_labelled(data, label))
    except (LookupError, UnicodeDecodeError):
        return None


#: An XML declaration's encoding, in text: see undeclared.
_ENCODING_SAID = re.compile(r"""^(\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*["']?[a-zA-Z0-9_.:-]+["']?""")


def xml_declared(data: bytes) -> str | None:
    """The encoding an XML document's declaration names (after a UTF-8 byte-order mark), lower case."""
    found = XML_ENCODING.search(data[3:203] if data.startswith(codecs.BOM_UTF8) else data[:200])
    return found.group(1).decode("ascii").lower() if found else None


def undeclared(text: str) -> str:
    """``text`` with its XML declaration's encoding taken away: read as another, it is no longer in
    that one, and its parser, given it as UTF-8, would take the declaration at its word."""
    return _ENCODING_SAID.sub(r"\1", text, count=1)


def names_utf8(label: str) -> bool:
    """Whether ``label`` names UTF-8 (False for a label that names no codec)."""
    try:
        return codecs.lookup(label).name == "utf-8"
    except LookupError:
        return False


def _reads_as(data: bytes, label: str) -> bool:
    """Whether ``data`` is text in the encoding ``label`` names (True for one Python does not
    know: the document's parser decides)."""
    try:
        decode_labelled(data, label)
    except LookupError:
        return True
    except UnicodeDecodeError:
        return False
    return True


def misdeclared_xml(data: bytes) -> tuple[str, str] | None:
    """The text of an XML document (a feed) whose bytes are not in the encoding it declares
    (UTF-8, declaring none), or whose UTF-8 byte-order mark says another, and a note on how it
    was read; None when it is what it says (or in UTF-16/32, which its parser reads by itself).
    A document in the multi-byte charset it declares (GB2312, Shift_JIS...) is read here, with no
    note: its parser cannot read it.

    Its parser took the declaration at its word: "cafÃ©" after the mark, "Caf\ufffd" for Latin-1
    said to be UTF-8. As feedparser has it, the mark wins (nothing said: it is the surer sign),
    then UTF-8 (with a few bad bytes too, see :func:`mended_utf8`), then Windows-1252: no guess,
    which on a short feed named an encoding no feed is in. Said as a page's wrong declaration is.
    The text's declaration names no encoding (see :func:`undeclared`).
    """
    declared = xml_declared(data)
    if data.startswith(WIDE_BOMS) or b"\x00" in data[:4] or (declared is not None and is_wide(declared)):
        return None
    bom = data.startswith(codecs.BOM_UTF8)
    if bom and (declared is None or names_utf8(declared)):
        return None
    multibyte = not bom and declared is not None and is_multibyte(declared)
    if multibyte and data.isascii():  # (in every such charset the same text, and expat reads none of them)
        return undeclared(data.decode("ascii")), ""
    if multibyte and not _reads_as(data, "utf-8"):
        try:  # expat reads no multi-byte charset but UTF-8/16 ("multi-byte encodings are not supported");
            # valid UTF-8 is UTF-8 (below): gb18030 takes most UTF-8 bytes too, as other characters
            return undeclared(decode_labelled(data, declared or "")), ""
        except UnicodeDecodeError:
            pass
    elif not multibyte and not bom and _reads_as(data, declared or "utf-8"):
        return None
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        text, how = body.decode("utf-8"), "read as UTF-8"
    except UnicodeDecodeError:
        if (mended := mended_utf8(body)) is not None:
            text, how = mended[0], damaged_note(mended[1])
        elif multibyte and declared is not None:  # no Western text: its own, mended
            text = decode_labelled(body, declared, "replace")
            return undeclared(text), damaged_note(text.count("\ufffd") - body.count("\ufffd".encode()), declared)
        else:  # Windows-1252 as a Latin-1 label is read: the five bytes it lacks as Latin-1
            text, how = decode_labelled(body, "latin-1"), "read as Windows-1252"
    if bom:
        note = ""
    elif how == "read as Windows-1252":
        note = f"{f'declared {declared} but is not' if declared else 'not UTF-8'}; {how}"
    elif declared is not None and not names_utf8(declared):
        note = f"declared {declared} but is UTF-8; {how}"
    else:
        note = how  # UTF-8 as it says, but for a few bad bytes
    return undeclared(text), note


def is_multibyte(label: str) -> bool:
    """Whether ``label`` names a charset expat cannot read: one other than Unicode's whose bytes are
    not each a character (GB2312, Shift_JIS, EUC-KR, Big5), told as expat tells them (False for a label
    that names no codec of text)."""
    try:
        info = codecs.lookup(label)
    except LookupError:
        return False
    return (getattr(info, "_is_text_encoding", True) and not info.name.startswith("utf") and info.name != "undefined"
            and len(bytes(range(256)).decode(info.name, "replace")) != 256)


def is_wide(label: str) -> bool:
    """Whether ``label`` names UTF-16 or UTF-32 (False for a label that names no codec)."""
    try:
        return codecs.lookup(label).name.startswith(("utf-16", "utf-32"))
    except LookupError:
        return False


class DecodeError(ValueError):
    """The file is not a text document we can read; ``reason`` says why, for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    guessed: bool = False
    damaged: int = 0  # UTF-8 with this many runs of bad bytes, each read as U+FFFD (see mended_utf8)

    @property
    def note(self) -> str:
        """What the import says of how the file was read ("" when plainly)."""
        if self.damaged:
            return damaged_note(self.damaged)
        return f"encoding guessed as {encoding_name(self.encoding)}" if self.guessed else ""


#: UTF-8 with a few bad bytes is read as UTF-8 when its valid non-ASCII characters are at least
#: this many times its runs of bad bytes (and ``MENDED_MIN`` at least): a page in cp1252 has no valid
#: ones, and one bad byte made every accent and CJK letter of a UTF-8 page cp1252 mojibake.
MENDED_SHARE = 4
MENDED_MIN = 8


def mended_utf8(data: bytes) -> tuple[str, int] | None:
    """``data`` as UTF-8, each run of bad bytes a U+FFFD, and how many runs, when it is UTF-8
    damaged in places (see ``MENDED_SHARE``); None when it reads as another charset."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    return (text, bad) if good >= max(MENDED_MIN, MENDED_SHARE * bad) else None


def damaged_note(bad: int, charset: str = "UTF-8") -> str:
    return f"not valid {encoding_name(charset)} in {bad:,} {'place' if bad == 1 else 'places'} (each shown as \ufffd)"


def sizes_apart(size: int, limit: int) -> tuple[str, str]:
    """``size`` and ``limit`` in words, precise enough to differ: a file just over a limit
    never reads "10.0 MB; the limit is 10.0 MB"."""
    for digits in (1, 2, 3):
        shown, cap = human_size(size, digits), human_size(limit, digits)
        if shown != cap or size == limit:
            return shown, cap
    return f"{size:,} bytes", f"{limit:,} bytes"


def bomless_utf16(head: bytes) -> str | None:
    """"UTF-16 LE" or "UTF-16 BE" when ``head`` is text in it without a byte-order mark: a NUL in
    every other byte, at least half of them (markup and spaces), and none between. Such a page was
    refused as "looks binary"; it is not read as UTF-16 (browsers do not guess it either)."""
    head = head[: len(head) - len(head) % 2]
    for zeros, text, name in ((head[1::2], head[0::2], "UTF-16 LE"), (head[0::2], head[1::2], "UTF-16 BE")):
        if len(text) >= 2 and b"\x00" not in text and 2 * zeros.count(0) >= len(zeros):
            return name
    return None


def decode_bytes(data: bytes) -> Decoded:
    """Decode a whole document held in memory."""
    if not data:
        raise DecodeError("the file is empty")
    for bom, encoding in BOM_CODECS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                name = encoding_name(encoding)
                raise DecodeError(f"starts with a {name} byte-order mark but is not valid {name}: "
                                  f"{exc.reason}") from None
    if b"\x00" in data[:BINARY_SNIFF]:
        if (wide := bomless_utf16(data[:BINARY_SNIFF])) is not None:
            raise DecodeError(f"looks like {wide} text without the byte-order mark that says so: save it as UTF-8 "
                              "(or as UTF-16 with its mark) and import it again")
        raise DecodeError("looks binary (NUL bytes in the first 8 KB), not a text page")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if (mended := mended_utf8(data)) is not None:
        return Decoded(mended[0], "utf-8", damaged=mended[1])
    from charset_normalizer import from_bytes  # only for the rare undeclared legacy file: 30 ms to import

    best = from_bytes(data[: 256 * 1024]).best()
    # Without a BOM and without NUL bytes the file cannot really be UTF-16/32.
    if best is not None and best.encoding not in _LATIN_FAMILY and not best.encoding.startswith(("utf_16", "utf_32")):
        try:
            return Decoded(data.decode(best.encoding), best.encoding, guessed=True)
        except (UnicodeDecodeError, LookupError):
            pass
    # Within the Latin single-byte family the detector cannot tell cp1252 from its siblings
    # on short text (French reads as cp1250); saved Western news pages are cp1252 by far the
    # most often. Its five undefined bytes carry no text and become U+FFFD.
    return Decoded(data.decode("cp1252", errors="replace"), "cp1252", guessed=True)


def _read_upto(handle: BinaryIO, size: int, limit: int) -> bytes:
    """``handle.read(limit)``, without making a ``limit``-sized buffer for a small file.

    ``read(n)`` allocates ``n`` bytes before reading, and shrinking a 5 MB buffer costs more
    than reading a news page. Sized from ``stat``, then topped up in case the file grew since.
    """
    data = handle.read(min(size + 1, limit))
    if len(data) == size + 1 and len(data) < limit:
        data += handle.read(limit - len(data))
    return data


def _not_there(path: Path) -> str:
    """Why a file named, or found in a folder, could not be opened: gone, or never there."""
    if path.is_symlink():
        return "a link to a file that is not there"
    return "the file is not there (no such file, or removed before it could be read)"


def regular_file_size(path: Path) -> int:
    """The size of ``path``; DecodeError with the reason when it is gone, unreadable or not a file."""
    try:
        found = path.stat()  # one stat answers both (``is_file`` would stat again)
    except FileNotFoundError:
        raise DecodeError(_not_there(path)) from None
    except OSError as exc:
        raise DecodeError(f"cannot read the file ({exc.strerror})") from None
    if not stat.S_ISREG(found.st_mode):
        raise DecodeError("not a regular file")
    return found.st_size


def read_capped(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of one regular file, refusing non-files and files over ``max_bytes``."""
    size = regular_file_size(path)
    if size > max_bytes:
        raise DecodeError(f"too large ({human_size(size)}; the limit is {human_size(max_bytes)}, see --max-size)")
    try:
        with open(path, "rb") as handle:
            data = _read_upto(handle, size, max_bytes + 1)
    except FileNotFoundError:
        raise DecodeError(_not_there(path)) from None
    except OSError as exc:
        raise DecodeError(f"cannot read the file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise DecodeError(f"too large (over {human_size(max_bytes)}; see --max-size)")
    return data


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Read and decode one file, refusing non-files, empty, oversized and binary ones."""
    return decode_bytes(read_capped(path, max_bytes))

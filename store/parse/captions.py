"""Recognise photo captions and photo credits, and split a caption from a credit glued to it.

Credit shapes are generic: ``(AP Photo/Name)``, ``(Picture: X)``, ``(Image: X)``,
``Photo by X /AGENCY``, ``Photograph by X``, ``Credit: X``, ``NAME/AGENCY``, ``X via Getty
Images``, a trailing ``(Agency)`` after a sentence, or a short credit-only line such as
``Getty Images``, ``REUTERS`` or ``Image: X`` under a caption.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from broadsheet.store.parse.boilerplate import _alternatives, folded, photo_copyright, without_link_note
from broadsheet.store.parse.byline import parse_byline
from broadsheet.store.parse.dates import MONTH
from broadsheet.store.parse.textstats import LINE_CACHE, STOPWORDS

# (With "Foto" of German, Spanish and other languages, and the Russian "Фото"; French writes "Photo".)
_LABEL = r"(?:Photo(?:graph)?s?|Image|Picture|Pic|Credit|Illustration|Video|Photo credit|Image credit|Fotos?|Фото)"
_STOCK = (
    r"(?:Getty(?: Images)?(?: [A-Z][a-z]+)?|Shutterstock|iStock(?:photo)?|Alamy|Unsplash|Pexels|"
    r"EPA(?:-EFE)?|AFP|Reuters|REUTERS|AP|PA(?: Wire| Media)?|Bloomberg|Pool|Handout|Supplied|File)"
)
# The small word inside an outlet's or agency's name before "/" ("Courrier du Val/Ann Lee",
# "Diario de Sur/Ann Lee"): without it, the credit was cut to its last word.
_ORG_PARTICLE = r"(?:du|de|des|del|della|la|le|von|van|der|den|di|da|dos|das)"
# Credit glued to the end of a caption line; group "credit" is the credit text. Each pattern
# starts with a lookahead for the characters its matches can start with (a space, a bracket, a
# label's capital): a search then fails most positions at one test, finding the same matches.
_TAIL_PATTERNS = [
    re.compile(r"(?=[\s(])\s*\((?P<credit>(?:[A-Z][\w.]* )?Photo\s*/\s*[^()]{2,80})\)\s*$"),
    re.compile(rf"(?=[\s(])\s*\((?:{_LABEL})\s*:\s*(?P<credit>[^()]{{2,80}})\)\s*$", re.IGNORECASE),
    re.compile(
        rf"(?=[\sPICVFФ])(?:(?<=\W)|(?<=[a-z]))\s*(?:{_LABEL}|{_LABEL.upper()})\s*(?:by|BY|:)\s*(?P<credit>[^;:()]{{2,120}}?)\s*$"
    ),
    re.compile(r"(?=[\s(])\s*\((?P<credit>[^()]{0,60}(?:/|\bvia\b|" + _STOCK + r")[^()]{0,60})\)\s*$"),
    re.compile(rf"(?=\s)(?<=[.!?’'\"”)])\s+(?P<credit>(?:[\w.’' -]{{1,40}}\s+)?via\s+{_STOCK}[\w ]*)\s*$"),
    re.compile(  # (up to two more "/..." after: "REUTERS/Ann Lee/File Photo"; see _slash_credit)
        r"(?=\s)(?<=[\w.,)’'\"”])\s+(?P<credit>(?:[A-Z][\w’'.-]*(?<![a-z]{3}\.)\s+(?:(?:[A-Z]\.?|" + _ORG_PARTICLE
        + r")\s+)?)?"
        r"[A-Z][\w’'.-]*\s*/\s*"
        r"(?:via\s+)?[A-Z][\w.&’' -]{1,60}(?:\s*/\s*[A-Z][\w.&’' -]{1,40}){0,2})\s*$"
    ),
]
# After a full sentence, a short run of capitalised words: ``... south of Duqm. Ann Lee for Example``.
_CAP_WORD = r"(?:[A-Z][\w’'.&-]*|of|the|and|de|da|la|van|von)"
_NAME_TAIL = re.compile(
    rf"(?=\s)(?<=[a-z0-9][.])\s+(?P<credit>[A-Z][\w’'.&-]*(?:\s+{_CAP_WORD}){{0,3}}"
    rf"(?:\s+(?:for|via|/)\s+[A-Z][\w’'.&-]*(?:\s+{_CAP_WORD}){{0,3}})?)\s*$"
)
# After a sentence, a short parenthesised source: ``... in November. (NPA)``.
_PAREN_TAIL = re.compile(r"(?=[\s(])(?<=[.!?”\"’])\s*\((?P<credit>[A-Z][\w.&’' ,-]{1,60})\)\s*$")
_CREDIT_LINE = [
    re.compile(r"^\(?(?P<credit>[A-Z]{2,8} Photo\s*/[^()]{2,60})\)?$"),
    re.compile(rf"^(?:{_LABEL})\s*(?:by|:)\s*(?P<credit>.{{2,120}})$", re.IGNORECASE),
    re.compile(
        rf"^(?P<credit>(?:[\w.’' |-]{{1,60}}[/|]\s*)?(?:via\s+)?{_STOCK}(?:\s*[/|]\s*[\w.’' -]{{1,40}})?)$"
    ),
    re.compile(r"^(?P<credit>[A-Z][A-Z.’'-]{1,15}(?:/[A-Za-z.’' -]{1,40})?)$"),
    re.compile(r"^\((?P<credit>[^()]{2,60})\)$"),
    re.compile(r"^(?P<credit>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3}\s+for\s+[A-Z][\w’'.& -]{1,40})$"),
    re.compile(
        r"^(?P<credit>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}\s*/\s*(?:via\s+)?[A-Z][\w .&’'-]{1,40})$"
    ),
]
_COURTESY = re.compile(
    r"^(?:(?:Photo|Image|Picture)\s+)?[Cc]ourtesy(?:\s+of)?\s*:?\s+(?P<credit>(?:the\s+)?[A-Z][^.!?]{1,80})$"
)
_CREDIT_LINE.append(_COURTESY)
# The kind of picture, then who made or gave it: "Staff photo by X", "Drone image courtesy of X".
_KIND_CREDIT = re.compile(
    r"^(?!(?:The|A|An|This|That|His|Her|Its|Their|Our|My|Your)\s)(?:[A-Z][\w’'-]*\s+){1,2}?(?:[Pp]hoto(?:graph)?|[Ii]mage|[Pp]icture)s?\s+(?:by|courtesy(?:\s+of)?)\s+"
    r"(?P<credit>(?:the\s+)?[A-Z][^.!?]{1,80})$"
)
_CREDIT_LINE.append(_KIND_CREDIT)
_FOR_OUTLET = re.compile(r"^[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3}\s+for\s+[A-Z]")
_LABEL_ONLY = re.compile(rf"^(?:{_LABEL})\s*(?:by|:)?$", re.IGNORECASE)


_LABEL_WORD = re.compile(r"Photo|Image|Pic|Credit|Illustration|Video|Foto|Фото"
                         r"|PHOTO|IMAGE|PIC|CREDIT|ILLUSTRATION|VIDEO|FOTO|ФОТО")
_LABEL_START = re.compile(rf"^(?:{_LABEL})", re.IGNORECASE)  # how every labelled line starts
# The characters a _LABEL_START match can start with: P, I, C, V, F or Ф in either case, and the two
# dotted and dotless i that IGNORECASE also takes for an i.
_LABEL_FIRST = frozenset("pPiIcCvVfFфФıİ")


# "Photo by X", "Picture: X", "Credit: X", "© X": the label goes, the name stays. So does a Chinese,
# Japanese or Korean one with its colon, full-width or not ("摄影：张三", "撮影:山田", "사진=김철수").
CREDIT_LABEL = re.compile(
    r"^\s*(?:\(?\s*)(?:(?:(?:file\s+)?(?:photo(?:graph)?s?|pictures?|pics?|images?)|foto|credits?|photo credit|"
    r"image credit|graphics?|illustrations?|source|copyright)\s*(?:by\s*|:\s*|-\s+)|©\s*|\(c\)\s*|copyright\s+|"
    r"(?:摄影|攝影|图片|圖片|图|圖|撮影|写真)\s*[:：]\s*|사진\s*[:：=]\s*|"
    r"(?:photo\s+|image\s+)?courtesy(?:\s+of)?\s+"
    # "Staff photo by X", "Sentinel photo by X", "Drone image courtesy of X": the kind of picture first.
    r"|(?:[\w'’-]+\s+){1,2}?(?:photo(?:graph)?|image|picture)s?\s+(?:by|courtesy(?:\s+of)?)\s+)",
    re.IGNORECASE,
)


def without_credit_label(text: str) -> str:
    """A credit without its label ("Photo by", "Picture:", "©", "Staff photo by", "Courtesy of")."""
    for _ in range(2):
        text = CREDIT_LABEL.sub("", text).strip()
    return text


def _label_start(text: str) -> bool:
    """``_LABEL_START.match(text) is not None``, most lines answered by their first character."""
    return text[:1] in _LABEL_FIRST and _LABEL_START.match(text) is not None


# How every _STOCK name starts (its literal letters), and "via".
_STOCK_STARTS = ("via", *(re.split(r"[^\w-]", alt, maxsplit=1)[0] for alt in _alternatives(_STOCK[3:-1])))
_WORD_END = "_.&’'-"  # with letters and digits, what the last credit patterns can end with


_MENU_SEPARATOR = re.compile(r" [/|•·] ")


def menu_like(text: str) -> bool:
    """True for a run of links split by `` / `` or `` | `` (``About / Advertise / Tip Us``), no caption."""
    return len(_MENU_SEPARATOR.findall(text)) >= 2 or (len(text.split()) <= 6 and " / " in text)


_PERSON_SLASH = re.compile(r"^[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]*){1,3}\s*/")


def lone_credit(text: str) -> bool:
    """A credit line that names a photo on its own (no caption above it): a label
    (``Photo: X``), or a person then an outlet (``Ann Lee/Example``), not a breadcrumb
    (``Health / Nutrition``)."""
    return has_label(text) or photo_copyright(text) or bool(_PERSON_SLASH.match(text)) or (
        "/" in text and re.search(_STOCK, text) is not None
    )


# A credit in square brackets after the caption: "... to the Moon [Example via Agency]", "[File: AP]".
_BRACKET_TAIL = re.compile(r"(?=[\s\[])\s*\[(?P<credit>[A-Z][^\[\]]{1,60})\]\s*$")
_BRACKET_CREDIT = re.compile(rf"\bvia\b|/|^(?:File|{_LABEL})\s*:|^{_STOCK}$")


def split_bracket_credit(text: str) -> tuple[str, str] | None:
    """(caption, credit) for a caption ending in a bracketed credit; None for ``[VIDEO]`` and the like."""
    if not text.endswith("]"):
        return None
    m = _BRACKET_TAIL.search(text)
    if not m or m.start() == 0:
        return None
    credit = m.group("credit").strip()
    if not _BRACKET_CREDIT.search(credit):
        return None
    credit = _HAS_LABEL.sub("", credit).strip() or credit  # "[Photo: Ann Lee]" credits Ann Lee
    caption = text[: m.start()].rstrip(" |-–—:")
    return (caption, credit) if len(caption.split()) >= 2 else None


def split_copyright_credit(text: str) -> tuple[str, str] | None:
    """(caption, credit) for a caption ending in a photo copyright (``... bridge. © Ann Lee``)."""
    if "©" not in text or not photo_copyright(text):
        return None
    at = text.rindex("©")
    caption, credit = text[:at].rstrip(" |-–—:"), text[at + 1 :].strip()
    for label in ("Photo", "Image", "Picture"):
        caption = caption.removesuffix(label).rstrip(" |-–—:")
    return (caption, credit) if len(caption.split()) >= 2 else None


def copyright_credit(text: str) -> str | None:
    """The credit of a line that is only a photo copyright (``© Ann Lee``, ``Photo © Ann Lee``)."""
    if "©" not in text or not photo_copyright(text):
        return None
    head, _, credit = text.partition("©")
    return credit.strip() if head.strip() in ("", "Photo", "Image", "Picture", "Photos", "Images") else None


def split_credit(text: str) -> tuple[str, str] | None:
    """Split ``caption CREDIT`` into (caption, credit); None when no credit is glued on.

    Only the patterns the line can match are tried, in their order, each after a cheap
    test every match passes (a literal it needs, or how the line ends): these searches try
    every position of every paragraph, and most fail. The first four end at ")" (the
    third cannot: its credit holds no brackets), the last two at a letter or digit.
    """
    return _split_credit(text, text.rstrip()[-1:])


def _split_credit(text: str, end: str) -> tuple[str, str] | None:
    """:func:`split_credit`, given ``text.rstrip()[-1:]``."""
    if end == ")":
        if "Photo" in text and (found := _tail_credit(_TAIL_PATTERNS[0], text)):
            return found
        if ":" in text and (found := _tail_credit(_TAIL_PATTERNS[1], text)):
            return found
        return _tail_credit(_TAIL_PATTERNS[3], text)
    word_end = end.isalnum() or end == "_"  # what \w matches
    # (A match holds "by", "BY" or ":" after its label: most lines have neither, so no scan.)
    if (
        (":" in text or "by" in text or "BY" in text)
        and _LABEL_WORD.search(text) is not None
        and (found := _tail_credit(_TAIL_PATTERNS[2], text))
    ):
        return found
    if word_end and "via" in text and (found := _tail_credit(_TAIL_PATTERNS[4], text)):
        return found
    if (word_end or (end != "" and end in _WORD_END)) and "/" in text:
        return _slash_credit(text)
    return None


#: A word that ends a sentence ("Saturday.", "2026.", "now!"), a closing quote or bracket after it.
_SENTENCE_END = re.compile(r"(?:[a-z]{3}|\d)\.[”\"’')]*$|[!?][”\"’')]*$")
#: Small words no credited name holds capitalised before its "/": "No To War/Stop The Bombing" is a sign.
_NOT_IN_NAME = frozenset({"to", "the", "of", "in", "on", "at", "for", "and", "or", "no", "not", "is", "are", "with",
                          "from", "by", "as"})


def _slash_credit(text: str) -> tuple[str, str] | None:
    """(caption, credit) for a caption ending in a wire credit "NAME/AGENCY".

    After a sentence, the whole run of capitalised words before the "/" is the credit ("...
    picture. Ministry of Defence/Handout via REUTERS", not "Defence/..."). With no sentence
    before it, a run holding a capitalised small word ("... reading No To War/Stop The Bombing")
    is a sign's or a title's words, and no credit.
    """
    found = _tail_credit(_TAIL_PATTERNS[5], text)
    if found is None:
        return None
    caption, credit = found
    words = caption.rsplit(None, 5)  # the last five words whole, after what comes before them
    run = 0  # capitalised words (and small name words) ending the caption
    while run < min(4, len(words) - 2) and not _SENTENCE_END.search(words[-1 - run]) and (
        words[-1 - run][0].isupper() or words[-1 - run] in _SMALL_NAME_WORDS
    ):
        run += 1
    if _SENTENCE_END.search(words[-1 - run]):
        if run and words[-run][0].isupper():
            return caption.rsplit(None, run)[0], " ".join([*words[-run:], credit])
        return found
    if any(word[0].isupper() and word.casefold() in _NOT_IN_NAME for word in credit.partition("/")[0].split()):
        return None
    return found


#: A credit's label left at the end of the caption, after its last sentence ("... day. Photo").
_TRAILING_LABELS = ("Photo", "Photos", "Foto", "Fotos", "Image", "Picture", "Photograph")
_TRAILING_LABEL = re.compile(r"(?<=[.!?»”\"’)])\s+(?:Photo(?:graph)?s?|Fotos?|Image|Picture)$")


def _tail_credit(pattern: re.Pattern[str], text: str) -> tuple[str, str] | None:
    """(caption, credit) when ``pattern`` finds a credit after a caption of two or more words."""
    m = pattern.search(text)
    if m and m.start() > 0:
        caption = text[: m.start()].rstrip(" |-–—:")
        if caption.endswith(_TRAILING_LABELS):
            caption = _TRAILING_LABEL.sub("", caption)  # "... par jour. Photo Courrier du Val/Ann Lee"
        credit = m.group("credit").strip()
        if len(caption.split()) >= 2 and credit and not is_file_note(credit):
            return caption, _FILE_LABEL.sub("", credit) or credit  # "(File photo: Nordwire)" credits Nordwire
    return None


#: "(File photo)", "Archive image": what the photo is, part of its caption; it names no one to credit.
_FILE_NOTE = re.compile(r"^[(\[]?\s*(?:file|archive|stock)\s+(?:photo(?:graph)?|image|picture|pic)s?\s*[)\]]?\.?$",
                        re.IGNORECASE)


def is_file_note(text: str) -> bool:
    """Whether ``text``, taken for a credit, only says the photo is an old one ("File photo")."""
    return _FILE_NOTE.match(text.strip()) is not None


#: "File photo:" before the one credited ("(File photo: Nordwire)").
_FILE_LABEL = re.compile(r"^(?:file|archive|stock)\s+(?:photo(?:graph)?|image|picture|pic)s?\s*[:/–—-]\s*",
                         re.IGNORECASE)


_NOT_CREDIT_START = frozenset(["and", "but", "or", "so", "yet", "are", "is", "was", "were", "it", "this", "that"])


def split_name_credit(text: str) -> tuple[str, str] | None:
    """Split ``A sentence. Ann Lee for Example`` into caption and credit (short captions only)."""
    if (
        not _may_end_with_name(text.rsplit(None, 1)[-1:])
        or not _sentence_before_name(text.rsplit(None, 10))  # the last ten words, whole
        or len(text.split()) > 60
    ):
        return None
    m = _NAME_TAIL.search(text)
    if not m:
        return None
    caption = text[: m.start()].rstrip()
    if len(caption.split()) < 3:
        return None
    credit = m.group("credit").strip()
    first = credit.split()[0].casefold()
    if first in _NOT_CREDIT_START or (first != "the" and first in STOPWORDS):
        return None  # "... Skulls. And Archaeologists Are Puzzled.", "... a console. Some": a sentence, not a name
    return (text, "") if is_file_note(credit) else (caption, credit)  # "... storm. File Photo": no one credited


_SMALL_NAME_WORDS = frozenset({"of", "the", "and", "de", "da", "la", "van", "von"})


def _may_end_with_name(words: list[str]) -> bool:
    """A cheap test ``_NAME_TAIL`` needs: the last word is capitalised (``Lee``) or a name particle.

    The pattern ends in ``[A-Z][\\w’'.&-]*`` or one of the particles, then only spaces, so
    a paragraph ending in ``... said.`` is ruled out without scanning it.
    """
    if not words:
        return False
    last = words[-1]
    return ("A" <= last[0] <= "Z") or last in _SMALL_NAME_WORDS


_LOWER_OR_DIGIT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _sentence_before_name(tail: list[str]) -> bool:
    """A cheap test ``_NAME_TAIL`` needs: a word ending in a small letter or digit and a full
    stop comes right before the name, which is one to nine words long (``tail`` ends with the
    line's last ten words)."""
    return any(len(word) > 1 and word[-1] == "." and word[-2] in _LOWER_OR_DIGIT for word in tail[-10:-1])


def split_paren_credit(text: str) -> tuple[str, str] | None:
    """Split a caption ending with a short parenthesised source after a sentence."""
    m = _PAREN_TAIL.search(text) if text.rstrip().endswith(")") else None
    if not m:
        return None
    credit = m.group("credit").strip()
    if len(credit.split()) > 8 or len(text.split()) > 60 or (credit.endswith(".") and credit[-2:-1].islower()):
        return None  # a paragraph, or a sentence in brackets ("(The union disagrees.)"), is no caption
    if is_file_note(credit):
        return text.rstrip(), ""  # "(File photo)": a caption, of a photo that names no one
    return text[: m.start()].rstrip(), _FILE_LABEL.sub("", credit)  # "(File photo: Nordwire)" credits Nordwire


@lru_cache(maxsize=LINE_CACHE)
def credit_only(text: str) -> str | None:
    """The credit when the whole line is a photo credit (``Getty Images``, ``Image: X``)."""
    if not text or len(text) > 130:
        return None
    if text.startswith("(") and text.endswith(")") and has_label(text[1:-1]):
        return credit_only(text[1:-1])
    for pattern in _credit_line_patterns(text):
        m = pattern.match(text)
        if m:
            credit = m.group("credit").strip()
            if credit:
                return credit
    return None


_CAPS_SECOND = "ABCDEFGHIJKLMNOPQRSTUVWXYZ.’'-"  # what the fourth pattern's second character is


def _credit_line_patterns(text: str) -> list[re.Pattern[str]]:
    """The ``_CREDIT_LINE`` patterns ``text`` could match, in order, each kept after a cheap
    test every match passes: a literal it needs, or how the line must start (the third holds an
    agency's name, and needs "/" or "|" for its optional lead-in or else starts with it; the
    fourth starts with a capital and another or a mark, the fifth with "(")."""
    slash = "/" in text
    patterns = []
    if " Photo" in text:
        patterns.append(_CREDIT_LINE[0])
    if _label_start(text):
        patterns.append(_CREDIT_LINE[1])
    if text.startswith(_STOCK_STARTS) or ((slash or "|" in text) and any(map(text.__contains__, _STOCK_STARTS))):
        patterns.append(_CREDIT_LINE[2])
    if "A" <= text[:1] <= "Z" and text[1:2] in _CAPS_SECOND:
        patterns.append(_CREDIT_LINE[3])
    if text[:1] == "(":
        patterns.append(_CREDIT_LINE[4])
    if "for" in text:
        patterns.append(_CREDIT_LINE[5])
    if slash:
        patterns.append(_CREDIT_LINE[6])
    if "ourtesy" in text:
        patterns.append(_COURTESY)
    if (" by " in text or "ourtesy" in text) and ("hoto" in text or "mage" in text or "icture" in text):
        patterns.append(_KIND_CREDIT)
    return patterns


@lru_cache(maxsize=LINE_CACHE)
def label_only(text: str) -> bool:
    """True for a bare ``Image:``/``Photo by`` line whose credit is on the next line."""
    return bool(_LABEL_ONLY.match(text))


def strong_credit(text: str) -> bool:
    """A credit-only line distinctive enough to pair with a caption across a blank line."""
    if has_label(text) or "/" in text or _FOR_OUTLET.match(text) or photo_copyright(text) or _COURTESY.match(text) \
            or _KIND_CREDIT.match(text):
        return True
    if text.startswith("(") and text.endswith(")") and text[1:2].isupper() and len(text.split()) > 1:
        return True  # "(U.S. District Court)": a source in brackets on its own line
    return bool(re.search(_STOCK, text)) and len(text.split()) > 1


_HAS_LABEL = re.compile(rf"^(?:{_LABEL})\s*(?:by|:)", re.IGNORECASE)


@lru_cache(maxsize=LINE_CACHE)
def has_label(text: str) -> bool:
    """True when a credit-only line carries an explicit ``Photo:``/``Image:`` style label."""
    return bool(_HAS_LABEL.match(text))


# (Every match starts with "(", "p" or "f": the lookahead spares the other positions the alternatives.)
_POSITION_CUE = re.compile(
    r"(?=[(pf])(?:\((?:left|right|centre|center|top|bottom|above|below|inset|second left|second right|front)\)"
    r"|^pictured\b|\bfrom left\b|\bpictured (?:left|right|above|below|here)\b)",
    re.IGNORECASE,
)
# Where a person stands in the photo, between commas as wire captions print it:
# ``Ann Lee, left, and Bo Chen, second from right, ...`` (case-sensitive: prose seldom has it).
_COMMA_CUE = re.compile(
    r", (?:left|right|center|centre|second (?:from )?(?:left|right)|top|bottom|front|back|rear"
    r"|foreground|background)[,.]"
)


# A wire photo's caption: what is shown, where, and the day it was taken, as its last words
# (``... speaks in Detroit, Monday, Sept. 2, 2024.``, ``... in Tokyo on May 7, 2025.``), or the
# ``FILE -`` / ``FILE PHOTO:`` mark of an archive photo. Story prose rarely ends on a full date.
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)"
_DATED_CAPTION = re.compile(
    r"^FILE(?: PHOTO)?\s*[-–—:]\s+\S"
    rf"|(?:,|\bon|\bin)\s+{_WEEKDAY}?{MONTH}\.?\s+\d{{1,2}},\s+\d{{4}}"
    r"(?:,\s+(?:in\s+)?[A-Z][\w.]*(?:[ ,]+[A-Z][\w.]*){0,3})?\.$"
    rf"|\s{MONTH}\.?\s+\d{{1,2}},\s+\d{{4}},\s+in\s+[A-Z][\w.]*(?:[ ,]+[A-Z][\w.]*){{0,3}}\.$"
)


def dated_caption(text: str, n_words: int) -> bool:
    """True for a one-sentence photo description dated as wire captions are (see ``_DATED_CAPTION``)."""
    if not 5 <= n_words <= 60:
        return False
    if text.startswith("FILE"):
        return _DATED_CAPTION.match(text) is not None
    # The year follows ", " and only "." or a short ", in Place." comes after it: found with
    # str.rfind (a C-speed scan), so most sentences stop here before the pattern runs; a line
    # with no ", 19" or ", 20" at all stops sooner.
    if not text.endswith(".") or (", 20" not in text and ", 19" not in text):
        return False
    tail = max(0, len(text) - 80)
    at = max(text.rfind(", 20", tail), text.rfind(", 19", tail))
    if at < 0 or not text[at + 2 : at + 6].isdigit():
        return False
    rest = text[at + 6 :]
    if rest != "." and not (rest.startswith(",") and len(rest) <= 45):
        return False
    return _DATED_CAPTION.search(text, max(0, at - 40)) is not None


def position_cue(text: str) -> bool:
    """True when the line describes a picture (``(left)``, ``Pictured ...``, ``from left``)."""
    return _position_cue(text, len(text.split()), folded(text))


def _position_cue(text: str, n_words: int, low: str | None) -> bool:
    """:func:`position_cue`, given ``len(text.split())`` and ``folded(text)``."""
    if n_words > 45:
        return False
    if ", " in text and _COMMA_CUE.search(text):
        return True
    if low is not None and "(" not in low and "pictured" not in low and "from left" not in low:
        return False  # every alternative of the pattern needs one of these
    return bool(_POSITION_CUE.search(text))


#: How a byline opens in English, German, French and Spanish (byline.py's labels).
_BYLINE_STARTS = ("by ", "von ", "par ", "por ")


class CaptionFacts(NamedTuple):
    """What the caption step asks of one line's text, worked out once per distinct text."""

    split: tuple[str, str] | None  # (caption, credit) when a credit is glued to the caption ("": "(File photo)")
    label_only: bool  # a bare "Photo:" label, its credit on the next line
    credit: str | None  # the whole line is a photo credit (:func:`credit_only`)
    position_cue: bool  # describes a picture ("(left)", "pictured")
    may_repeat: bool  # a 4-60 word sentence, which may be a caption printed twice
    dated: bool  # a wire-style photo description ending on the day it was taken


@lru_cache(maxsize=LINE_CACHE)
def caption_facts(text: str) -> CaptionFacts:
    """:class:`CaptionFacts` of ``text``: one cached call instead of eight per line."""
    return caption_facts_of(text, len(text.split()), folded(text))


def caption_facts_of(text: str, n_words: int, low: str | None) -> CaptionFacts:
    """:func:`caption_facts`, given ``len(text.split())`` and ``folded(text)``."""
    if (bare := without_link_note(text)) != text:  # "... REUTERS/Jo Roe Purchase Licensing Rights, opens new tab"
        return caption_facts_of(bare, len(bare.split()), folded(bare))
    # The uncached forms: the caller's cache keeps the answers, and a cache miss costs.
    starts_labelled = _label_start(text)  # what label_only and has_label need
    label = starts_labelled and label_only.__wrapped__(text)
    split = None
    if not (label or (starts_labelled and has_label.__wrapped__(text))):
        end = text.rstrip()[-1:]
        # (A name credit needs at most 60 words and a full stop before the name, a parenthesised
        # one a line ending in ")".)
        split = (
            ("©" in text and split_copyright_credit(text))
            or (text.endswith("]") and split_bracket_credit(text))
            or _split_credit(text, end)
            or (n_words <= 60 and "." in text and split_name_credit(text))
            or (end == ")" and split_paren_credit(text))
        ) or None
        if split is not None and (
            menu_like(split[0])
            or (low is not None and low.startswith(_BYLINE_STARTS) and parse_byline(text) is not None)
        ):
            # "About / Advertise / Tip Us / Contact" is a menu, "By A and B / Staff" a byline, and so is
            # "Von A 28.09.2024, 17:45 Uhr 2 Min. Lesezeit" (no caption credited to "Lesezeit")
            split = None
    may_repeat = text.endswith(".") and 4 <= n_words <= 60
    return CaptionFacts(
        split,
        label,
        (len(text) <= 130 and credit_only.__wrapped__(text)) or (copyright_credit(text) if "©" in text else None),
        _position_cue(text, n_words, low),
        may_repeat,
        dated_caption(text, n_words),
    )

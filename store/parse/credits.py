"""Parse the wire credit line ``(Reporting by A; additional reporting by B; Editing by C)``."""

from __future__ import annotations

import re
from functools import lru_cache

from broadsheet.store.model import CREDIT_GROUPS, Credits
from broadsheet.store.parse import cjk
from broadsheet.store.parse.boilerplate import folded, without_control_labels
from broadsheet.store.parse.textstats import LINE_CACHE, closes_abbreviation

# The story's photographers ("Photos by A and B", "Photography by A", "Photo editing by B"): "Photo by
# A", one photo's credit, is a caption's (captions.py).
_PHOTO_ROLES = r"photo\s+editing|photography|photographs|photos"
# Who made the story's graphics: "Graphics by A", "Graphic by A", "Graphics: A" ("Graphic: ..." heads
# one graphic's caption).
_GRAPHICS = r"graphics?"
_START = re.compile(
    r"^[(—–-]*\s*(?:(?:with\s+)?(?:additional\s+)?(?:reporting|writing|written|editing|edited|compiled|"
    + _GRAPHICS + "|" + _PHOTO_ROLES + r")\s+by\b|graphics\s*:)",
    re.IGNORECASE,
)
# How the rest of a line _START matches starts, lower-cased, after its dashes, brackets and spaces.
_START_WORDS = ("with", "additional", "reporting", "writ", "edit", "compiled", "graphic", "photo")
# Wire-style closing note: "Associated Press writers Ann Lee in Paris and Bo Chen contributed to this report."
_CONTRIBUTED = re.compile(
    r"^[—–-]*\s*(?:[\w.’' ]{0,60}?\b(?:writers?|reporters?|correspondents?)\s+)?(?P<names>.{3,200}?)\s+"
    r"contributed(?:\s+reporting)?\s+to\s+this\s+(?:report|story|article)\.?$",
    re.IGNORECASE,
)
# Canadian style: "With files from The Canadian Press and Reuters" (the sources a story drew on).
_FILES = re.compile(r"^[(—–-]*\s*with\s+files\s+from\s+(?P<names>[^;()]{2,200}?)[.)]*$", re.IGNORECASE)
# (Inside the names, the lookahead for how the next role starts spares most characters the try of each form.)
_PART = re.compile(
    rf"(?P<role>additional\s+reporting|reporting|writing|written|editing|edited|compiled|{_PHOTO_ROLES}|photo|"
    rf"{_GRAPHICS})(?:\s+by\s+|(?<=graphics)\s*:\s*)"
    r"(?P<names>(?:(?!(?=[,\sarwepg]),?\s*(?:and\s+)?(?:additional\s+)?(?:reporting|writing|written|editing|edited|"
    rf"{_PHOTO_ROLES}|photo|{_GRAPHICS})\s+by)"
    r"[^;])+)",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_ROLE_PREFIX = re.compile(
    r"^.*\b(?:writers?|reporters?|correspondents?)\s+|^[^’']{2,40}[’']s?\s+(?=[A-Z])", re.IGNORECASE
)
_PLACE = re.compile(r"\s+in\s+[A-Z][\w .'-]*$")


@lru_cache(maxsize=LINE_CACHE)
def is_credits_line(text: str) -> bool:
    """True when the line is a reporting/editing credit line (or a wire "contributed" note)."""
    return is_credits_line_of(text, folded(text))


def is_credits_line_of(text: str, low: str | None) -> bool:
    """:func:`is_credits_line`, given ``folded(text)``."""
    if len(text) > 400:
        return False
    if low is None or "more" in low or "less" in low:
        bare = without_control_labels(text)  # "... contributed to this report. Read More": a link after it
        if bare != text:
            return is_credits_line(bare)
    if (low is None or low.lstrip("(—–-").lstrip().startswith(_START_WORDS)) and _START.match(text):
        return True
    if (low is None or "files from" in low) and _files_from(text):
        return True
    if cjk.credit_roles(text):
        return True  # "责任编辑：林佳", "（摄影：王五）", "文/李四"
    if low is not None and "contributed" not in low:
        return False  # what _CONTRIBUTED needs; a cheap test before its slow scan
    contributed = _CONTRIBUTED.match(text)
    return contributed is not None and bool(_contributors(contributed.group("names")))


def _files_from(text: str) -> list[str]:
    """The sources a "With files from ..." line names, each capitalised (none: no such line)."""
    found = _FILES.match(text)
    names = _names(found.group("names")) if found else []
    return names if names and all(name[:1].isupper() for name in names) else []


def _may_have_role(low: str | None) -> bool:
    """False only when the folded text has none of the job words _ROLE_PREFIX's first form needs."""
    return low is None or "writer" in low or "reporter" in low or "correspondent" in low


def _names(text: str) -> list[str]:
    out = []
    for part in _NAME_SPLIT.split(text.strip(" .)(")):
        part = _PLACE.sub("", part).strip(" .)(")
        if "’" in part or "'" in part or _may_have_role(folded(part)):  # what a _ROLE_PREFIX match holds
            part = _ROLE_PREFIX.sub("", part)
        if part:
            out.append(part)
    return out


def _contributors(text: str) -> list[str]:
    """People named in a "... contributed to this report" note (two to five capitalised words each)."""
    out = []
    for name in _names(text):
        words = name.split()
        if 2 <= len(words) <= 5 and all(w[0].isupper() for w in words if len(w) > 3):
            out.append(name)
    return out


def _bracketed(text: str) -> str:
    """A credit line in brackets without what a dump ran on after its closing one ("(Reporting by A;
    Editing by B)Our Standards: ..."): the brackets hold the whole credit."""
    if not text.lstrip().startswith("("):
        return text
    depth = 0
    for at, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and char == ")":
            return text[: at + 1]
    return text


def parse_credits(text: str) -> Credits | None:
    """Structured credits from a credit line (``text`` keeps the line as printed, without the
    label of a link after it: "Read More" is no one's name, nor what follows its closing bracket)."""
    if not is_credits_line(text):
        return None
    text = _bracketed(without_control_labels(text))
    roles = cjk.credit_roles(text)
    if roles:
        return Credits(**roles, text=text)
    groups: dict[str, list[str]] = {role: [] for role in CREDIT_GROUPS}
    # (_START first: a "Reporting by" line needs no try of the slow _CONTRIBUTED pattern.)
    contributed = None if _START.match(text) else _CONTRIBUTED.match(text)
    if contributed:
        groups["additional_reporting"] = _contributors(contributed.group("names"))
        return Credits(**groups, text=text)
    if files := _files_from(text):
        groups["additional_reporting"] = files
        return Credits(**groups, text=text)
    for segment in re.split(r";", text.strip().strip("()")):
        for m in _PART.finditer(segment):
            role = m.group("role").casefold().split()
            key = "photography" if role[0].startswith("photo") else "graphics" if role[0].startswith("graphic") else {
                "additional": "additional_reporting",
                "reporting": "reporting",
                "writing": "writing",
                "written": "writing",
                "compiled": "writing",
                "editing": "editing",
                "edited": "editing",
            }[role[0]]
            groups[key].extend(_names(m.group("names")))
    return Credits(**groups, text=text)


# Credit lines one story may end with, each on a line of its own: reporting, additional
# reporting, writing, editing, photography.
MAX_CREDIT_LINES = 5
# How far from the end a credit line is looked for: past the last three paragraphs (an author's
# bio often follows it: name, outlet, a sentence) only one that names people and nothing else.
CREDITS_REACH = 7


def names_only(text: str) -> bool:
    """A credit line that names people and nothing else, as a line before the last credit must:
    "Reporting by the Gazette last year found the ferry lost money" is story text."""
    credits = parse_credits(text)
    return credits is not None and bool(credits.people()) and all(
        len(name.split()) <= 4 and (name[:1].isupper() or not name.isascii()) for name in credits.people())


# A closing note in sentences, as pages print it after the story: "Ann Lee reported from Oslo.",
# "Bo Chen contributed reporting from Bergen.", beside "Ann Lee is the paper's science correspondent."
_REPORTED = re.compile(
    r"^(?P<names>[A-Z][^.;:!?]{2,150}?)\s+(?P<role>reported|contributed\s+reporting|contributed)"
    r"(?:\s+(?:from|in)\s+[^;!?]{2,80})?\.?$"
)
_ABOUT_AUTHOR = re.compile(
    r"^[A-Z][\w.’' -]{2,60}\s+(?:is|was)\s+(?:the|a|an|our)\s+[^;!?]{0,80}?\b(?:correspondent|reporter|editor|"
    r"writer|columnist|photographer|critic)\b[^;!?]{0,60}\.?$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)’'])\.\s+(?=[A-Z])")
_LAST_WORD = re.compile(r"\w+$")


def _sentences(text: str) -> list[str]:
    """The sentences of a closing note, a title's full stop ending none ("... reported from St. Paul.")."""
    out, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        word = _LAST_WORD.search(text, max(start, end.start() - 12), end.start())
        if word is None or not closes_abbreviation(word.group()):
            out.append(text[start:end.start()])
            start = end.end()
    return [*out, text[start:]]


def sentence_credits(text: str) -> Credits | None:
    """Credits written in sentences closing a story (a saved page's, a feed entry's): each
    sentence a credit line, "X reported from Y", "X contributed reporting" or a note on an
    author ("X is the science correspondent"), one of them at least naming who reported."""
    if len(text) > 400 or not ("report" in text or "contribut" in text or "by" in text.casefold()):
        return None
    text = without_control_labels(text)
    groups: dict[str, list[str]] = {role: [] for role in CREDIT_GROUPS}
    named = False
    for sentence in _sentences(text.strip()):
        sentence = sentence.strip()
        if (credits := parse_credits(sentence)) is not None:
            for role, names in groups.items():
                names.extend(getattr(credits, role))
            named = named or bool(credits.people())
        elif (reported := _REPORTED.match(sentence)) is not None:
            names = _contributors(reported.group("names"))
            if not names or len(names) != len(_names(reported.group("names"))):
                return None  # "The council reported from its own survey ..." names nobody
            groups["reporting" if reported.group("role") == "reported" else "additional_reporting"].extend(names)
            named = True
        elif _ABOUT_AUTHOR.match(sentence) is None:
            return None
    return Credits(**groups, text=text) if named else None


def parse_credit_block(texts: list[str]) -> Credits | None:
    """Structured credits from the credit lines a story ends with, in page order, read line by
    line (``Reporting by A`` / ``Editing by B``) and merged; ``text`` keeps the lines as printed."""
    found = [credits for credits in (parse_credits(text) or sentence_credits(text) for text in texts)
             if credits is not None]
    if len(found) <= 1:
        return found[0] if found else None
    groups: dict[str, list[str]] = {role: [] for role in CREDIT_GROUPS}
    for credits in found:
        for role, names in groups.items():
            names.extend(name for name in getattr(credits, role) if name not in names)
    return Credits(**groups, text=" ".join(credits.text for credits in found))


# A wire credit in brackets glued to the end of a paragraph, after its last sentence ('... plan
# again." (Reporting by A; Editing by B)'), which pages print on a line of its own as often.
_GLUED = re.compile(r"(?<=[.!?\"'”’])\s*(?P<credit>\([^()]{8,300}\))$")


def glued_credit(text: str) -> tuple[str, str] | None:
    """(the paragraph, its credit) for a paragraph ending with a credit line in brackets after its
    last sentence (a CJK one too: :func:`cjk.glued_credit`); else None."""
    if (found := cjk.glued_credit(text)) is not None or not text.endswith(")"):
        return found
    m = _GLUED.search(text[-320:])
    if m is None or not _START.match(m.group("credit")):
        return None
    return text[: len(text) - len(m.group(0))], m.group("credit")


def closing_credits(paragraphs: list[str]) -> Credits | None:
    """The credit lines near the story's end, taken out of it: one line or several in a row
    (a saved page's, a feed entry's).

    Pages print each credit in a paragraph of its own ("Additional reporting by ...",
    then "Editing by ..."): every one of them is a credit, none is story text. The last may be
    sentences (:func:`sentence_credits`). A credit in brackets glued to the end of the last paragraph
    is such a line too (:func:`glued_credit`), but at the end of the only one: that is the first
    paragraph, whose bracketed reporters stay as printed (:func:`cjk.inline_reporters`).
    """
    if len(paragraphs) > 1 and (glued := glued_credit(paragraphs[-1])):
        paragraphs[-1:] = glued
    end = len(paragraphs) - 1
    last = max(len(paragraphs) - CREDITS_REACH, 0)
    while end >= last and not ((is_credits_line(paragraphs[end]) or sentence_credits(paragraphs[end]) is not None)
                               and (end >= len(paragraphs) - 3 or names_only(paragraphs[end]))):
        end -= 1
    if end < last:
        return None
    start = end
    while start > 0 and end - start < MAX_CREDIT_LINES - 1 and names_only(paragraphs[start - 1]):
        start -= 1
    lines = paragraphs[start:end + 1]
    del paragraphs[start:end + 1]
    return parse_credit_block(lines)

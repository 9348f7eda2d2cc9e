"""Recognise byline lines and pull the authors (and any glued date or outlet) out of them.

Handles ``By A and B``, ``by Org22 December 2023`` (date glued on), ``Name | Outlet``,
``Name / SITE / date``, ``NamePublished ...``, ``Name Political Correspondent`` and bare
name lines just under a headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from broadsheet.store.parse import cjk
from broadsheet.store.parse.boilerplate import without_control_labels
from broadsheet.store.parse.dates import MONTH, find_dates, parse_date
from broadsheet.store.parse.textstats import LINE_CACHE, STOPWORDS

_BY = re.compile(
    r"^(?:(?:written|words|story|text|reported|reporting|posted)\s+)?(?:by|von|par|por)\b[\s:]*", re.IGNORECASE
)
_BY_INSIDE = re.compile(r"\b(?:written|reported|story|interview|analysis)\s+by\b[\s:]*", re.IGNORECASE)
_EMAIL = re.compile(r"\s*\S+@[\w-]+(?:\.[\w-]+)+")  # "By Ann Lee alee@gazette.example": her address, no name
#: "Author" in the labels of Russian, German, Spanish and French bylines ("Автор:", "Autorin:", "Auteur :");
#: their "By" is in _BY.
FOREIGN_AUTHOR = r"авторы?|autor(?:in|en|es|a)?|auteurs?"
#: What a FOREIGN_AUTHOR label starts with, in either case (the Russian "а" is Cyrillic).
FOREIGN_AUTHOR_FIRST = "aAаА"
_LABEL = re.compile(rf"^(?:authors?|reporters?|writers?|words|text|{FOREIGN_AUTHOR})\s*:\s*", re.IGNORECASE)
# A date, with the day of the week it may start with ("By Ann Lee Monday, November 18, 2019":
# the weekday is no part of her name). Only whole weekday names: "Sun" is a surname.
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+"
_DATED = rf"(?:{_WEEKDAY})?{MONTH}\s*\d|{_WEEKDAY}(?=\d)"
# Where the name part of a byline ends: separators, digits, date or "Published" glued on, or the
# label of a button showing more of the byline ("Read More", "Show less", "READ MORE").
_CUT = re.compile(
    r"\s*[|/•·@(]|\s+[-–—]\s+|\s*[-–—]\s*$|\d|(?:Published|Updated|Posted|Last [Uu]pdated|Modified|Created"
    r"|(?:View|See|Read) (?:[Aa]ll|[Mm]ore)(?: [Aa]rticles| [Pp]osts| [Ss]tories)?|More (?:[Aa]rticles|[Ss]tories) by"
    r"|Read [Ll]ess|Show (?:[Mm]ore|[Ll]ess)|(?:READ|SHOW|SEE|VIEW) (?:MORE|LESS))"
    r"|(?<=[a-z])(?=[A-Z]{2})"
    r"|" + _DATED
)
# _CUT's alternatives one by one, each a search ``re`` runs fast (a character set or a word
# to look for first); the whole alternation tries every alternative at every position.
_CUT_DELIMITER = re.compile(r"[|/•·@(]")
_CUT_DASH = re.compile(r"[-–—]")
_CUT_DIGIT = re.compile(r"\d")
_CUT_STAMP = re.compile(
    r"(?:Published|Updated|Posted|Last [Uu]pdated|Modified|Created"
    r"|(?:View|See|Read) (?:[Aa]ll|[Mm]ore)(?: [Aa]rticles| [Pp]osts| [Ss]tories)?|More (?:[Aa]rticles|[Ss]tories) by"
    r"|Read [Ll]ess|Show (?:[Mm]ore|[Ll]ess)|(?:READ|SHOW|SEE|VIEW) (?:MORE|LESS))"
)
_CUT_CAPITALS = re.compile(r"[A-Z](?<=[a-z][A-Z])(?=[A-Z])")  # where (?<=[a-z])(?=[A-Z]{2}) matches
_CUT_MONTH = re.compile(_DATED)


def _space_before(text: str, i: int) -> int:
    """Where the run of whitespace ending at ``i`` starts (``i`` when there is none)."""
    while i > 0 and text[i - 1].isspace():  # isspace() is what \s matches
        i -= 1
    return i


def _space_after(text: str, i: int) -> int:
    """Where the run of whitespace starting at ``i`` ends."""
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _cut(rest: str) -> tuple[int, str] | None:
    r"""``_CUT.search(rest)`` as (start, matched text), or None.

    A search returns the leftmost match, and of the alternatives matching there the first.
    So each alternative's own leftmost match is found with a fast search, in order, and
    replaces the best so far only when it starts earlier; a search stops where a match
    could no longer start earlier. A "\s*" before a delimiter starts its match at the
    whitespace run before the first delimiter; a dash between spaces is the first dash with
    whitespace on both sides; a dash before the end is the last visible character. (A
    whitespace run holds no delimiter and no dash, so a dash at or after the best start
    cannot start a match before it.)
    """
    best, matched = len(rest) + 1, ""
    m = _CUT_DELIMITER.search(rest)
    if m:
        best = _space_before(rest, m.start())
        matched = rest[best : m.end()]
    first_dash = _CUT_DASH.search(rest, 0, best)
    if first_dash:
        for dash in _CUT_DASH.finditer(rest, first_dash.start()):
            at, after = dash.start(), dash.end()
            if at > 0 and rest[at - 1].isspace() and after < len(rest) and rest[after].isspace():
                start = _space_before(rest, at)
                if start < best:
                    best, matched = start, rest[start : _space_after(rest, after)]
                break
        visible = rest.rstrip()
        if visible[-1:] in ("-", "–", "—"):
            start = _space_before(rest, len(visible) - 1)
            if start < best:
                best, matched = start, rest[start:]
    m = _CUT_DIGIT.search(rest, 0, best)
    if m:
        best, matched = m.start(), m.group(0)
    m = _CUT_STAMP.search(rest, 0, best + 25)  # its longest match has 26 characters
    if m and m.start() < best:
        best, matched = m.start(), m.group(0)
    m = _CUT_CAPITALS.search(rest, 0, best + 1)
    if m and m.start() < best:
        best, matched = m.start(), ""
    m = _CUT_MONTH.search(rest)
    if m and m.start() < best:
        best, matched = m.start(), m.group(0)
    return (best, matched) if best <= len(rest) else None


ROLE_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
        reporter reporters editor editors correspondent correspondents writer writers columnist
        columnists contributor contributors journalist journalists producer producers critic analyst
        photographer photographers presenter host chief senior deputy assistant
        """,
    )
)
# Words naming a desk or beat before a job title ("Political Correspondent", "Staff Writer").
DESK_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
        political politics business sports sport foreign health science technology tech economics economic
        education environment environmental legal crime royal entertainment culture arts staff contributing
        managing executive associate investigative special national international local news digital social
        media data world diplomatic defence defense security energy climate property travel food fashion music
        film television transport motoring affairs markets finance financial money consumer lifestyle features
        photo video weather breaking general regional metro city state feature opinion books theatre games gaming
        guest freelance visiting community
        """,
    )
)
_ADJECTIVE_ENDS = ("al", "ic", "ary", "ian", "ive", "ing")


def _desk_word(word: str) -> bool:
    """A desk or beat word before a job title: a known one, or an adjective ("Parliamentary")."""
    low = word.casefold()
    return low in DESK_WORDS or (len(low) > 6 and low.endswith(_ADJECTIVE_ENDS))


_NOT_FIRST_NAMES = frozenset(["Courtesy", "Photo", "Image", "Credit", "Source", "Via"])
PARTICLES = frozenset(
    re.findall(r"\S+", "van von der den de da di del della la le du dos das bin ibn al el y e")
)
_IN_PLACE = re.compile(r"\s+in\s+[A-Z][\w.'’ -]*$")  # "Li Wei in Beijing": where the reporter filed from
# The separators between names, kept: after a job title, commas go on describing the post, while
# a plain "and", "&" or ";" starts the next author (``By A, Reporter and B, Editor``).
_SPLIT_KEEP = re.compile(r"(\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*;\s*)", re.IGNORECASE)
_NEXT_AUTHOR = re.compile(r"^\s*(?:and|&|;)\s*$", re.IGNORECASE)
_ORG_TAIL = re.compile(r"\s+(?=The\s+[A-Z])")
_DOMAIN_END = re.compile(r"\.(?:com|org|net|co|uk|ca|in|au)$", re.IGNORECASE)
_OUTLET = re.compile(r"\s*[|/]\s*([^|/\d]{2,40}?)\s*(?:[|/]|$)")
_GLUED_PARTICLE = re.compile(r"^(?:al|el|ad|ben|bin|d|de|del|di|da|du|dos|le|la|l|van|von|o|mc)[-'’](?=[A-Z])")
_POSSESSIVE = ("'s", "’s")  # "Geingob’s Funeral" is a subject, not a person
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w.'’-]*$", re.UNICODE)


@dataclass(slots=True)
class Byline:
    """What a byline line says."""

    authors: list[str] = field(default_factory=list)
    outlet: str | None = None
    date: str | None = None
    explicit: bool = False
    evidence: str = ""  # what made the line a byline (for --explain)


def looks_like_name(text: str) -> bool:
    """Capitalised words, up to five of them besides particles (``José María Álvarez de la
    Cruz``), a particle glued on allowed (``al-Hakim``, ``d’Ormesson``)."""
    toks = text.split()
    # (Five words or fewer cannot hold more than five that are no particle: no count needed.)
    if not toks or len(text) > 60 or (len(toks) > 5 and sum(tok.casefold() not in PARTICLES for tok in toks) > 5):
        return False
    for tok in toks:
        if _DOMAIN_END.search(tok):
            return False
        if tok.casefold() in PARTICLES:
            continue
        if "-" in tok or "'" in tok or "’" in tok:  # (what joins a glued particle: most names have none)
            tok = _GLUED_PARTICLE.sub("", tok)
        if not _NAME_TOKEN.match(tok) or tok[0].islower() or tok.endswith(_POSSESSIVE):
            return False
        if tok.casefold() in STOPWORDS and tok.casefold() != "the" and (tok is toks[0] or not tok[0].isupper()):
            return False  # (later in a name a capitalised short word is a name: "Nguyen Van An")
    return True


def _strip_role(name: str, after_name: bool = False) -> tuple[str, bool]:
    """(the name without a job title after it, whether a job title was found); ``after_name``: a
    part of the list after the first, where desk words before a title are a post ("Ann Lee, Local
    Democracy Reporter"), where in the first they may begin a name ("Royal Brown, Senior Writer")."""
    toks = name.split()
    for k, tok in enumerate(toks):
        if tok.casefold().strip(".,") in ROLE_WORDS:
            head = toks[:k]
            if after_name and head and head[0].casefold() in DESK_WORDS:
                return "", True  # "Local Democracy Reporter", "Staff Photo Editor": a post, no name before it
            if len(head) > 2 and _desk_word(head[-1]) and not head[-2].endswith("."):
                head = head[:-1]  # "Ann Lee Political Correspondent"; "Bruce Y. Lee Senior Contributor" keeps Lee
            return (" ".join(head) if len(head) >= 2 else ""), True
    return name, False


def split_names(text: str) -> list[str]:
    """Split a name list (``A, B and C``) into names, dropping job titles and outlets, and the
    label of a button after the list ("A and B Read More": B is no "B Read More")."""
    return _split_names(without_control_labels(text))[0]


def _split_names(text: str) -> tuple[list[str], int]:
    """:func:`split_names`, and how many parts of the list were not names (tags, titles, places).

    After a job title (``By Ann Lee, Senior Staff Writer, Example Project``) the rest of the
    list describes the author's post, not more authors, so it is not read as names.
    """
    toks = text.split()
    half = len(toks) // 2
    if half and len(toks) % 2 == 0 and toks[:half] == toks[half:]:
        text = " ".join(toks[:half])  # the same name printed twice, glued
    text = _ORG_TAIL.split(text, maxsplit=1)[0] if not text.startswith("The ") else text
    names: list[str] = []
    rejected = 0
    # (Every separator holds ",", "&", ";" or "and" in any case: a line with none is one piece.)
    separated = "," in text or "&" in text or ";" in text or "and" in text.lower()
    pieces = _SPLIT_KEEP.split(text) if separated else [text]
    skipping = False  # inside the description of a job title
    for k in range(0, len(pieces), 2):
        if skipping and not _NEXT_AUTHOR.match(pieces[k - 1]):
            continue
        piece = _IN_PLACE.sub("", pieces[k]) if "in" in pieces[k] else pieces[k]  # (a place follows " in ")
        part, titled = _strip_role(piece.strip(" .,:;-–—"), after_name=k > 0)
        if part and part[:2].isupper() and not part.isupper():
            part = _CAPS_NAME.sub(r"\1", part)  # "BO CHEN Associated Press": the name, then the outlet
        skipping = titled and bool(names or part)
        if part and looks_like_name(part):
            names.append(part)
        elif part:
            rejected += 1
    people = [n for n in names if len(n.split()) >= 2 and not _ORG_NAME.search(n)]
    if people and len(people) < len(names):
        names = people  # "Ann Lee and Bo Chen, CNN": the outlet is not an author
    return names, rejected


def parse_byline(text: str, *, bare_ok: bool = False, labelled: bool = False) -> Byline | None:
    """Parse one line as a byline; None when it is not one.

    ``bare_ok`` allows a line without ``By`` (a bare name under the headline); ``labelled``
    says a ``By``/``Author:`` label stands on the line above, so the line is read as explicit.
    """
    if len(text) > 160:
        return None
    if people := cjk.byline_people(text):
        return Byline(authors=people, explicit=True)  # "记者 李明", "文/李四": the role word says byline
    # A line with an explicit "By" reads the same whatever the flags (they only let a line
    # without one be read as bare names): asked without them first, such a line is parsed once.
    found = _parse_byline(text, False, False)
    if found is None and (bare_ok or labelled):
        found = _parse_byline(text, True, labelled)
    if found is None:
        return None
    authors, outlet, date, explicit = found
    # "记者 李明", "홍길동 기자": the name without "reporter" (the word still tells a byline)
    names = [_CJK_ROLE.sub("", name) or name if not name.isascii() else name for name in authors]
    return Byline(authors=names, outlet=outlet, date=date, explicit=explicit)


#: "Reporter" (and "staff reporter", "correspondent") written before a Chinese name, or after a
#: Korean or Japanese one, with or without a space.
_CJK_ROLE = re.compile(r"^\s*(?:本[报報])?(?:记者|記者|通讯员|通訊員|特约记者|特約記者)\s*"
                       r"|\s*(?:기자|특파원|記者|特派員|特派员)\s*$")


def _dated_by(text: str, low: str) -> str | None:
    """The names of ``DATE by NAME`` (``11/19/2019 by Ann Lee``), or None: a date first, then "by"."""
    at = low.find(" by ")
    head = text[:at].strip(" |,•·-–—")
    if not head or len(head) > 60:  # ("Posted on May 17, 2024May 18, 2024": published and updated, glued)
        return None
    found = find_dates(head)
    if not found or sum(f.end - f.start for f in found) < 0.6 * len(head):
        return None
    return text[at + 4 :]


@lru_cache(maxsize=LINE_CACHE)
def _parse_byline(
    text: str, bare_ok: bool, labelled: bool = False
) -> tuple[tuple[str, ...], str | None, str | None, bool] | None:
    """:func:`parse_byline` as an immutable tuple, remembered: the headline and byline steps
    ask it of the same lines several times per page, and menus repeat across pages."""
    if "(" in text:
        text = _PAREN_INITIALS.sub("", text)  # "Richard (R.J.) Eskow": initials in brackets are part of the name
    rest = None
    explicit = True
    m = _BY.match(text) or _LABEL.match(text)
    if m:
        rest = text[m.end() :]
        if (joined := _AND_OF.get(m.group().split()[-1].rstrip(":").lower())) is not None:
            rest = joined.sub(" and ", rest)  # "Por Ana Ruiz y Luis Mena": the "and" of the byline's language
    else:
        # (Its "by" matches only b/B then y/Y, so a line without "by" in lower case has none.)
        low = text.lower()
        inner = _BY_INSIDE.search(text) if "by" in low else None
        dated = _dated_by(text, low) if inner is None and " by " in low else None
        if inner:
            rest = text[inner.end() :]
        elif dated is not None:
            rest = dated
        elif bare_ok:
            rest, explicit = text, labelled
    if not rest:
        return None
    if "@" in rest:
        rest = _EMAIL.sub("", rest)
    cut = _cut(rest)
    names_part = rest[: cut[0]] if cut else rest
    tail = rest[cut[0] :] if cut else ""
    if explicit:
        # "By Ann Lee on May 2", "By Ann Lee at 9:30": the word before the date is no name;
        # "By Ann Lee for Example Gazette": the outlet she wrote for is not an author.
        names_part = _ON_AT.sub("", names_part)
        m = _FOR_OUTLET.search(names_part)
        if m:
            names_part, tail = names_part[: m.start()], names_part[m.end() :] + tail
    if not explicit and cut is not None and cut[1].strip() in {"("}:
        return None
    authors, rejected = _split_names(names_part)
    if not authors:
        return None
    if not explicit and (
        rejected  # a bare line of names holds nothing else ("Topics: a, b", "Section, News, Top Story")
        or len(authors) > 3
        or any(len(a.split()) < 2 for a in authors)
        or any(a.split()[0] in _NOT_FIRST_NAMES for a in authors)
        or any(a.startswith("The ") and not org_like(a) for a in authors)
        # Capitals tell a bare name from a headline; Hebrew, Arabic and the like have none
        # (a Hebrew headline under a menu was taken for its authors, and the masthead for the headline).
        or not all(a[0].isupper() for a in authors)
    ):
        return None
    outlet = None
    sep = _OUTLET.match(tail)
    if sep and not parse_date(sep.group(1)):
        outlet = sep.group(1).strip()
    return tuple(authors), outlet, parse_date(text), explicit


#: The "and" between names in a byline that starts in Spanish, French or German.
_AND_OF = {"por": re.compile(r"\s+y\s+(?=[A-ZÀ-Þ])"), "par": re.compile(r"\s+et\s+(?=[A-ZÀ-Þ])"),
           "von": re.compile(r"\s+und\s+(?=[A-ZÀ-Þ])")}
_PAREN_INITIALS = re.compile(r"\s*\((?:[A-Z]\.\s?){1,3}\)(?=\s)")
_CAPS_NAME = re.compile(r"^((?:[A-Z][A-Z.'’-]+\s+){1,3}[A-Z][A-Z.'’-]+)\s+[A-Z][a-z].*$")
_ON_AT = re.compile(r"\s+(?:on|at)\s*$", re.IGNORECASE)
_FOR_OUTLET = re.compile(r"\s+[Ff]or\s+(?:the\s+|The\s+)?(?=[A-Z])")

_ORG_NAME = re.compile(
    r"\b(?:News|Press|Times|Post|Media|Network|TV|Radio|Daily|Herald|Tribune|Journal|Agency|Staff|Wire|"
    r"Online|Group|Gazette|Telegraph|Chronicle|Channel|Broadcasting|Desk|Bureau|Service)\b"
)
_ORG_WORD = re.compile(
    r"\b(?:News|Press|Times|Post|Media|Network|TV|Radio|Daily|Herald|Tribune|Journal|Agency|Staff|Wire|"
    r"Online|Group|Gazette|Telegraph|Chronicle|Channel|Broadcasting|Desk|Bureau|Service|Reuters|AFP|"
    r"Newsdesk|Newsroom|Redacci[oó]n|Redaktion|R[ée]daction|Redazione|Reda[çc][ãa]o|Redactie)\b"
    r"|\b[A-Z]{3,}\b"
)


def org_like(name: str) -> bool:
    """True when a byline name is an organisation (``DZRH News``, ``AFP``) rather than a person.

    Capitals alone mark an acronym (``AFP``, ``MND Staff``), not a name printed in capitals
    (``ANN LEE``): a name of two or more words all in capitals needs an organisation word.
    """
    m = _ORG_WORD.search(name)
    if m is None:
        return False
    capitals_only = len(name.split()) >= 2 and name.isupper()
    return not capitals_only or bool(_ORG_NAME.search(name.title()))

"""Find and normalise publication dates printed in page dumps.

Dates in dumps are often glued to neighbouring text (``by DZRH News22 December 2023``,
``2 minute readApril 25, 20232:26 PM GMT+2``), so the patterns do not rely on word
boundaries. A printed time zone is kept; ``GMT+2`` means two hours *ahead* of UTC (the
newspaper sense, not the POSIX one that ``dateutil.parser`` would apply).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from dateutil import parser as du_parser
from dateutil.tz import tzoffset, tzutc

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Month names of other languages (lower-cased), for pages that are not in English.
_FOREIGN_MONTHS = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
    "janvier": 1,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    # Russian, as a date gives them ("5 декабря 2026": of December)
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
}
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ANY_MONTH = (
    r"(?:" + MONTH + r"|(?i:" + "|".join(sorted(_FOREIGN_MONTHS, key=len, reverse=True)) + r")(?![a-zà-ÿа-яё]))"
)
_DAY_SUFFIX = r"(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:(?<!\d)(?P<d1>\d{{1,2}})(?:{_DAY_SUFFIX}|\.)\s*(?:of\s+|de\s+)?(?P<m1>{_ANY_MONTH}),?\s*(?:de\s+)?"
    r"(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<m2>{MONTH})\s*(?P<d2>\d{{1,2}}){_DAY_SUFFIX},?\s*(?P<y2>(?:19|20)\d\d)"
    r"|(?<!\d)(?P<y3>(?:19|20)\d\d)[-/](?P<m3>[01]?\d)[-/](?P<d3>[0-3]?\d)(?!\d)"
    r"|(?<![\d/.])(?P<d4>[0-3]?\d)[/.](?P<m4>[0-3]?\d)[/.](?P<y4>(?:19|20)\d\d)(?![\d/.])"
    # Chinese, Japanese and Korean: 2024年3月15日, 2024년 3월 15일
    r"|(?<!\d)(?P<y5>(?:19|20)\d\d)\s*[年년]\s*(?P<m5>[01]?\d)\s*[月월]\s*(?P<d5>[0-3]?\d)\s*[日일])"
)
_TIME = (
    r"(?:(?:\s*(?:,|at|-|–|•|·|\||T)?\s*)(?P<h>[0-2]?\d)[:.](?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?"
    r"(?:\.\d+)?\s*(?P<ampm>[aApP]\.?[mM]\.?)?)?"
)
_ZONE_NAMES = {
    "Z": 0,
    "UTC": 0,
    "GMT": 0,
    "WET": 0,
    "BST": 60,
    "IST": 330,
    "CET": 60,
    "CEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "SAST": 120,
    "CAT": 120,
    "EAT": 180,
    "WAT": 60,
    "PKT": 300,
    "HKT": 480,
    "SGT": 480,
    "JST": 540,
    "KST": 540,
    "AEST": 600,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
}
_TZ = (
    r"(?:\s*(?P<tz>(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d\d)?|[+-]\d\d:?\d\d(?!\d)|"
    + "|".join(sorted(_ZONE_NAMES, key=len, reverse=True))
    + r")(?![A-Za-z]))?"
)
# Every match starts with a digit or with an English month's capital (the foreign names only
# follow a day): the lookahead fails most positions at one test, where the alternatives would
# each be tried (the matches are the same).
DATE_RE = re.compile(r"(?=[\dJFMASOND])" + _DATE + _TIME + _TZ)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found in a text: where it is and its ISO 8601 form."""

    start: int
    end: int
    iso: str
    has_time: bool


def _month(name: str) -> int:
    key = name.casefold().rstrip(".")
    return _FOREIGN_MONTHS[key] if key in _FOREIGN_MONTHS else _MONTHS[key[:3]]


def _zone(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    text = text.replace(" ", "")
    if text in _ZONE_NAMES:
        minutes = _ZONE_NAMES[text]
        return tzutc() if minutes == 0 else tzoffset(text, minutes * 60)
    m = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d\d)?", text)
    if not m:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    if minutes > 14 * 60:
        return None
    return tzoffset(None, (-1 if m.group(1) == "-" else 1) * minutes * 60)


def _ymd(m: re.Match[str]) -> tuple[int, int, int]:
    if m.group("y1"):
        return int(m.group("y1")), _month(m.group("m1")), int(m.group("d1"))
    if m.group("y2"):
        return int(m.group("y2")), _month(m.group("m2")), int(m.group("d2"))
    if m.group("y3"):
        return int(m.group("y3")), int(m.group("m3")), int(m.group("d3"))
    if m.group("y5"):
        return int(m.group("y5")), int(m.group("m5")), int(m.group("d5"))
    day, month = int(m.group("d4")), int(m.group("m4"))
    if month > 12 >= day:
        day, month = month, day
    return int(m.group("y4")), month, day


def _build(m: re.Match[str]) -> FoundDate | None:
    try:
        year, month, day = _ymd(m)
        date = dt.date(year, month, day)
    except (ValueError, KeyError):
        return None
    if m.group("h") is None:
        return FoundDate(m.start(), m.end(), date.isoformat(), False)
    hour, minute = int(m.group("h")), int(m.group("mi"))
    ampm = (m.group("ampm") or "").casefold().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        moment = dt.datetime(
            year, month, day, hour, minute, int(m.group("s") or 0), tzinfo=_zone(m.group("tz"))
        )
    except ValueError:
        return FoundDate(m.start(), m.end(), date.isoformat(), False)
    return FoundDate(m.start(), m.end(), moment.isoformat(), True)


def find_dates(text: str) -> list[FoundDate]:
    """Every date in ``text``, in order, with its ISO form (time and zone kept when printed)."""
    if "19" not in text and "20" not in text:
        return []  # every shape needs a year 19xx/20xx; the full pattern is slow to fail on long lines
    return list(_find_dates(text))


@lru_cache(maxsize=8192)
def _find_dates(text: str) -> tuple[FoundDate, ...]:
    """:func:`find_dates`, remembered: the parse steps ask it of the same lines up to five times."""
    found = []
    for m in DATE_RE.finditer(text):
        item = _build(m)
        if item is not None:
            found.append(item)
    return tuple(found)


def parse_date(text: str) -> str | None:
    """The ISO form of the first date in ``text``, or None.

    Falls back to ``dateutil`` for a whole-string ISO-like stamp the patterns missed.
    """
    found = find_dates(text)
    if found:
        return found[0].iso
    stripped = text.strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?", stripped):
        try:
            return du_parser.isoparse(stripped).isoformat()
        except (ValueError, OverflowError):
            return None
    return None

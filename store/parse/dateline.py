"""Split a wire-style dateline (``SEOUL (Reuters) -``) off the first paragraph."""

from __future__ import annotations

import re

from broadsheet.store.parse.dates import MONTH

_DATELINE = re.compile(
    r"^(?P<dateline>(?P<place>[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Za-z.'’-]+){0,4}?)"
    r"(?:,\s*(?P<date>" + MONTH + r"\s*\d{1,2}))?"
    r"(?:\s*\((?P<agency>[A-Za-z][\w .&/-]{0,40})\))?)"
    r"\s*(?:[-–—]+|:)\s*(?=\S)"
)

_NOT_PLACES = frozenset(
    [
        "exclusive",
        "breaking",
        "update",
        "updated",
        "watch",
        "live",
        "analysis",
        "opinion",
        "editorial",
        "review",
        "comment",
        "correction",
        "clarification",
        "warning",
        "note",
        "photos",
        "video",
        "listen",
        "read",
    ]
)

WIRES = (
    "Reuters",
    "Associated Press",
    "AP",
    "AFP",
    "Agence France-Presse",
    "Bloomberg",
    "PA",
    "PA Media",
    "UPI",
    "dpa",
    "DPA",
    "Xinhua",
    "Kyodo",
    "Yonhap",
    "ANI",
    "PTI",
    "IANS",
    "EFE",
    "ANSA",
    "Anadolu",
    "TASS",
    "Canadian Press",
    "The Canadian Press",
    "CNA",
    "Bernama",
    "AAP",
)
_WIRE_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(WIRES, key=len, reverse=True)) + r")\b")


def split_dateline(paragraph: str) -> tuple[str | None, str | None, str]:
    """Return (dateline, agency, rest of paragraph); (None, None, paragraph) when there is none.

    The place must be in capitals (``NEW DELHI``; a state or country after its comma as written)
    and be followed by an agency in brackets or a dash, as wire copy prints it.
    """
    m = _DATELINE.match(paragraph)
    if not m:
        return None, None, paragraph
    place = m.group("place")
    if place.split()[0].strip(".,").casefold() in _NOT_PLACES:
        return None, None, paragraph
    # The city in capitals; a state or country after it as written ("AUSTIN, Texas (AP) —",
    # "OLDHAVEN, Minn. —", "NAIROBI, Kenya, May 3 (Reuters) -").
    letters = [c for c in place.split(",")[0] if c.isalpha()]
    upper_share = sum(c.isupper() for c in letters) / max(1, len(letters))
    if len(letters) < 3 or upper_share < 0.8:
        return None, None, paragraph
    if "," in place and not (m.group("agency") or m.group("date")) and not _region(place.split(",", 1)[1]):
        return None, None, paragraph  # "NASA, Boeing — the two names...": no place after the comma
    if not m.group("agency") and m.group(0).rstrip().endswith(":"):
        return None, None, paragraph
    rest = paragraph[m.end() :].strip()
    if not rest:
        return None, None, paragraph
    agency = m.group("agency").strip() if m.group("agency") else None
    return m.group("dateline").strip(), agency, rest


#: What follows a dateline's city without an agency or a date, as AP and papers print it: a US state
#: (spelled out, AP style since 2014), a Canadian province, an Australian state, a UK nation.
_REGIONS = frozenset(re.findall(r"[^,]+", (
    "alabama,alaska,arizona,arkansas,california,colorado,connecticut,delaware,florida,georgia,hawaii,idaho,"
    "illinois,indiana,iowa,kansas,kentucky,louisiana,maine,maryland,massachusetts,michigan,minnesota,"
    "mississippi,missouri,montana,nebraska,nevada,new hampshire,new jersey,new mexico,new york,"
    "north carolina,north dakota,ohio,oklahoma,oregon,pennsylvania,rhode island,south carolina,"
    "south dakota,tennessee,texas,utah,vermont,virginia,washington,west virginia,wisconsin,wyoming,"
    "ontario,quebec,alberta,manitoba,saskatchewan,nova scotia,new brunswick,british columbia,"
    "newfoundland,queensland,victoria,tasmania,new south wales,western australia,south australia,"
    "england,scotland,wales,northern ireland,ireland")))


def _region(tail: str) -> bool:
    """Whether ``tail`` (after a dateline's city and comma) names a region: one of :data:`_REGIONS`,
    or an abbreviation as AP writes one ("Minn.", "N.Y.", "D.C.")."""
    words = tail.strip()
    return words.casefold() in _REGIONS or (words.endswith(".") and len(words) <= 6 and " " not in words)


def wire_in(text: str) -> str | None:
    """The first wire-service name mentioned in ``text``, or None."""
    m = _WIRE_RE.search(text)
    return m.group(1) if m else None

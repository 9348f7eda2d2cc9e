"""Parse the wire credit line ``(Reporting by A; additional reporting by B; Editing by C)``."""

from __future__ import annotations

import re

from store.model import Credits

_START = re.compile(
    r"^\(?\s*(?:additional\s+)?(?:reporting|writing|written|editing|edited|compiled|graphics?)\s+by\b",
    re.IGNORECASE,
)
_PART = re.compile(
    r"(?P<role>additional\s+reporting|reporting|writing|written|editing|edited|compiled)\s+by\s+"
    r"(?P<names>(?:(?!,?\s*(?:and\s+)?(?:additional\s+)?(?:reporting|writing|written|editing|edited)\s+by)[^;])+)",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_PLACE = re.compile(r"\s+in\s+[A-Z][\w .'-]*$")


def is_credits_line(text: str) -> bool:
    """True when the line is a reporting/editing credit line."""
    return bool(_START.match(text)) and len(text) <= 400


def _names(text: str) -> list[str]:
    out = []
    for part in _NAME_SPLIT.split(text.strip(" .)(")):
        part = _PLACE.sub("", part).strip(" .)(")
        if part:
            out.append(part)
    return out


def parse_credits(text: str) -> Credits | None:
    """Structured credits from a credit line (``text`` keeps the line as printed)."""
    if not is_credits_line(text):
        return None
    groups: dict[str, list[str]] = {"reporting": [], "additional_reporting": [], "writing": [], "editing": []}
    for segment in re.split(r";", text.strip().strip("()")):
        for m in _PART.finditer(segment):
            role = m.group("role").casefold().split()
            key = {
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

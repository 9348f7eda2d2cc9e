"""News agencies named one way: "AP", "The Associated Press" and "ASSOCIATED PRESS" are one agency.

The parser takes an agency from a dateline (``WASHINGTON (Reuters)``), a credit line or a
byline, printed as each publisher prints it; the store, the reader and the search use the
one name given here, and the search also finds a story by the other names of its agency.
"""

from __future__ import annotations

#: Each agency's name as Broadsheet shows it, with the other names it is printed under.
AGENCIES: dict[str, tuple[str, ...]] = {
    "Associated Press": ("AP", "The Associated Press"),
    "Reuters": ("Thomson Reuters",),
    "Agence France-Presse": ("AFP", "Agence France Presse"),
    "PA Media": ("PA", "Press Association"),
    "dpa": ("Deutsche Presse-Agentur",),
    "United Press International": ("UPI",),
    "Canadian Press": ("The Canadian Press", "CP"),
    "Australian Associated Press": ("AAP",),
    "Press Trust of India": ("PTI",),
    "Asian News International": ("ANI",),
    "Indo-Asian News Service": ("IANS",),
    "Bloomberg": ("Bloomberg News",),
    "Xinhua": ("Xinhua News Agency", "新华社", "新華社"),
    "China News Service": ("中国新闻社", "中國新聞社", "中新社"),
    "Kyodo": ("Kyodo News", "共同通信", "共同通信社"),
    "Jiji Press": ("Jiji", "時事通信", "時事通信社"),
    "Yonhap": ("Yonhap News Agency", "연합뉴스", "聯合ニュース"),
    "Newsis": ("뉴시스",),
    "News1": ("뉴스1",),
}
_CANONICAL = {name.casefold(): canonical for canonical, others in AGENCIES.items() for name in (canonical, *others)}


def canonical_agency(name: str | None) -> str | None:
    """The one name of a known agency (any case, any of its names); other names unchanged."""
    if not name:
        return name
    return _CANONICAL.get(" ".join(name.split()).casefold(), name)


def agency_names(name: str | None) -> list[str]:
    """Every name ``name``'s agency goes by, its own first (for the search index)."""
    canonical = canonical_agency(name)
    if not canonical:
        return []
    return [canonical, *AGENCIES.get(canonical, ())]

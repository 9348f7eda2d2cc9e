"""Small display helpers shared by the reader's widgets."""

from __future__ import annotations

from collections.abc import Sequence

from broadsheet.store.model import display_date

__all__ = ["byline", "display_date"]


def byline(authors: Sequence[str], source: str | None, published: str | None) -> str:
    """``By A and B · Source · 22 Dec 2023`` with the empty parts left out."""
    parts = []
    names = [a for a in authors if a]
    if names:
        people = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"By {people}")
    if source and source not in names:
        parts.append(source)
    if published:
        parts.append(display_date(published, local=True))
    return " \u00b7 ".join(parts)

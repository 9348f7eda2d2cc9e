"""Small display helpers shared by the reader's widgets."""

from __future__ import annotations

from collections.abc import Sequence

from broadsheet.store.model import byline as _byline
from broadsheet.store.model import display_date

__all__ = ["byline", "display_date"]


def byline(authors: Sequence[str], source: str | None, published: str | None) -> str:
    """The story's byline as the reader shows it: its time in this machine's time zone."""
    return _byline(authors, source, published, local=True)

"""Counts in words the user reads: "1 feed", "2 feeds" (a message said "1 feeds added")."""

from __future__ import annotations


def counted(count: int, one: str, many: str | None = None) -> str:
    """``count`` with its noun: ``one`` when it is 1, else ``many`` (default ``one`` + "s")."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def n_stories(count: int) -> str:
    """``1 story``, ``2,000 stories``."""
    return counted(count, "story", "stories")

"""Shared types of the parse pipeline: lines with their roles, the explain record, the error."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = (
    "headline",
    "standfirst",
    "byline",
    "date",
    "dateline",
    "caption",
    "credit",
    "body",
    "credits_line",
    "boilerplate",
    "blank",
)


class ParseError(ValueError):
    """Raised when no story (headline and body) can be found in a page dump."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ExplainedLine:
    """One input line with the role the pipeline gave it and why."""

    number: int
    text: str
    role: str
    reason: str


@dataclass(slots=True)
class Line:
    """A working line: its 1-based number, normalised text and current role/reason."""

    number: int
    text: str
    role: str = "boilerplate"
    reason: str = "not part of the story"
    # Input lines folded into this one (hard-wrapped text): (number, original text). Empty (a
    # shared tuple, not a list made for each of a page's many lines) until a line is folded in.
    continued: list[tuple[int, str]] | tuple[()] = ()
    head: str = ""  # the line's own text before anything was folded in

    def mark(self, role: str, reason: str) -> None:
        """Give the line a role, with a human-readable reason."""
        self.role = role
        self.reason = reason

    @property
    def blank(self) -> bool:
        """True when the line has no visible text."""
        return not self.text

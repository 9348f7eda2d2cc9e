"""Turn a saved news-page text dump into an :class:`~store.model.Article`.

The work is a pipeline of small steps (see :mod:`store.parse.pipeline`): split lines,
mark page furniture, captions and credits, classify prose in context, find the headline,
byline and date, then assemble (dateline split, credit line, standfirst).
"""

from __future__ import annotations

from store.model import Article
from store.parse.pipeline import run
from store.parse.types import ROLES, ExplainedLine, ParseError

__all__ = ["ROLES", "ExplainedLine", "ParseError", "explain_text", "parse_text"]


def parse_text(text: str) -> Article:
    """Parse a page dump; raise :class:`ParseError` when no story can be found."""
    _, article, error = run(text)
    if article is None:
        raise ParseError(error or "no story found")
    return article


def explain_text(text: str) -> list[ExplainedLine]:
    """Every input line with the role the parse pipeline gave it and the reason."""
    lines, _, _ = run(text)
    out = []
    for line in lines:
        own_text = line.head if line.continued else line.text
        out.append(ExplainedLine(line.number, own_text, line.role, line.reason))
        for number, text in line.continued:
            out.append(ExplainedLine(number, text, line.role, f"continues line {line.number}"))
    return out

"""Turn a saved news-page text dump into an :class:`~store.model.Article`.

The work is a pipeline of small steps (see :mod:`store.parse.pipeline`): split lines,
mark page furniture, captions and credits, classify prose in context, find the headline,
byline and date, then assemble (dateline split, credit line, standfirst).
"""

from __future__ import annotations

from broadsheet.store.model import Article
from broadsheet.store.parse.lines import split_lines
from broadsheet.store.parse.pipeline import run
from broadsheet.store.parse.types import ROLES, ExplainedLine, Line, ParseError

__all__ = ["ROLES", "ExplainedLine", "ParseError", "explain_text", "parse_text"]


def _run(text: str) -> tuple[list[Line], Article | None, str | None]:
    """:func:`run`, but a bug in a step on some odd page becomes a parse failure, not a crash.

    An importer feeds arbitrary pages; one page must not abort a batch. The property tests
    call :func:`store.parse.pipeline.run` directly, so such bugs are still caught there.
    """
    try:
        return run(text)
    except Exception as err:  # contract: only ParseError ever leaves the parser
        return split_lines(text), None, f"parser failed on this page ({type(err).__name__})"


def parse_text(text: str) -> Article:
    """Parse a page dump; raise :class:`ParseError` when no story can be found."""
    _, article, error = _run(text)
    if article is None:
        raise ParseError(error or "no story found")
    return article


def explain_text(text: str) -> list[ExplainedLine]:
    """Every input line with the role the parse pipeline gave it and the reason."""
    lines, _, _ = _run(text)
    out = []
    for line in lines:
        own_text = line.head if line.continued else line.text
        out.append(ExplainedLine(line.number, own_text, line.role, line.reason))
        for number, text in line.continued:
            out.append(ExplainedLine(number, text, line.role, f"continues line {line.number}"))
    return out

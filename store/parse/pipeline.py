"""The parse pipeline: small steps that each give lines roles, then assembly into an Article.

Order: split and fold lines (:mod:`.lines`), mark furniture, captions and prose
(:mod:`.marking`), find headline, byline and date (:mod:`.meta`), find the end of the
story (:mod:`.story_end`), mark captions known by their place (:mod:`.figures`), assemble
(:mod:`.assemble`). ``run`` is shared by :func:`store.parse.parse_text` and
:func:`store.parse.explain_text`, so ``--explain`` shows exactly the decisions that produced
the parsed article.
"""

from __future__ import annotations

from broadsheet.store.model import Article
from broadsheet.store.parse import boilerplate
from broadsheet.store.parse.assemble import assemble
from broadsheet.store.parse.figures import step_unlabelled_captions
from broadsheet.store.parse.headline import split_title
from broadsheet.store.parse.lines import join_wrapped, page_title, split_lines, too_long
from broadsheet.store.parse.marking import (
    step_body_start,
    step_captions,
    step_furniture,
    step_layout_captions,
    step_quality,
)
from broadsheet.store.parse.meta import step_byline, step_date, step_headline
from broadsheet.store.parse.page import Page
from broadsheet.store.parse.story_end import step_story_end
from broadsheet.store.parse.types import Line, ParseError

STEPS = (
    step_furniture,
    step_captions,
    step_quality,
    step_body_start,
    step_headline,
    step_byline,
    step_date,
    step_story_end,
    step_layout_captions,
    step_unlabelled_captions,
)


def run(text: str) -> tuple[list[Line], Article | None, str | None]:
    """Run every step on ``text``; return (lines with roles, article or None, error or None)."""
    if refused := too_long(text):
        return [], None, refused
    page = Page(join_wrapped(split_lines(text)))
    page.title = page_title(page.lines)
    if boilerplate.bar_menu(page.title, least=3) and not _told_again(page):
        page.title = ""  # a site's menu first (the copy began below the page's <title>): no site name in it
    page.title_core, page.site = split_title(page.title)
    try:
        for step in STEPS:
            step(page)
        article = assemble(page)
    except ParseError as err:
        return page.lines, None, err.reason
    return page.lines, article, None


def _told_again(page: Page) -> bool:
    """Whether the first part of the page's first line is a line of its own further down: a
    title ("Strike ends | Politics | UK | News | Sky News") whose headline the page repeats, not a menu."""
    first = page.title.split("|")[0].split("•")[0].strip().casefold()
    return any(line.text.strip().casefold() == first for line in page.lines[1:])

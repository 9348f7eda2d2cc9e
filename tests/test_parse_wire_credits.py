"""A wire credit line, "(Reporting by A; Editing by B)", is the story's credit in whatever layout a
page or its dump prints it: glued to the last paragraph, or with a link's text run on after it.

The story is made up.
"""

from __future__ import annotations

import pytest

from broadsheet.store.html import page_article
from broadsheet.store.model import Article
from broadsheet.store.parse import parse_text

HEADLINE = "Gull Point to rebuild storm-hit north pier"
STORY = [
    "The harbour board of Gull Point voted on Tuesday to rebuild the north pier, which was closed after a "
    "storm last winter.",
    "The board said the work would cost about 4 million crowns and take two years, with the first piles "
    "driven in the spring.",
    "Fishermen who use the pier said they were glad the decision had finally been made after months of "
    "delay and argument.",
    '"We have waited long enough for this," said Ann Berg, who has fished from the pier for thirty years. '
    '"Now we can plan again."',
]
CREDIT = "(Reporting by Ann Lee in Oslo; Editing by Bo Chen)"


def dump(paragraphs: list[str]) -> str:
    return "\n".join([f"{HEADLINE} | Gull Point Gazette", "Home", "News", HEADLINE, "By Ann Lee",
                      "March 3, 2025 10:15 AM GMT", "", "\n\n".join(paragraphs), "", "Related Topics",
                      "© 2025 Gull Point Gazette"])


def saved(paragraphs: list[str]) -> str:
    return (f"<html><head><title>{HEADLINE}</title></head><body><article><h1>{HEADLINE}</h1><p>By Ann Lee</p>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")


def assert_credited(article: Article) -> None:
    assert article.body == STORY
    assert article.credits is not None
    assert (article.credits.reporting, article.credits.editing, article.credits.text) == (["Ann Lee"], ["Bo Chen"],
                                                                                             CREDIT)


@pytest.mark.parametrize("glue", ["", " "])
def test_a_wire_credit_glued_to_the_last_paragraph_is_the_storys_credit(glue: str) -> None:
    # The credit in the last paragraph's element, after its last sentence: a line of its own as often.
    paragraphs = [*STORY[:-1], STORY[-1] + glue + CREDIT]
    assert_credited(parse_text(dump(paragraphs)))
    assert_credited(page_article(saved(paragraphs)))


def test_what_a_dump_ran_on_after_a_credits_closing_bracket_is_no_name() -> None:
    # A link after the credit ("Our Standards: ..."), its text run on in the dump: the brackets hold the credit.
    paragraphs = [*STORY, CREDIT + "Our Standards: The Gazette Trust Principles."]
    assert_credited(parse_text(dump(paragraphs)))
    page = saved(STORY).replace("</article>", f'<p>{CREDIT}<a href="/standards">Our Standards: The Gazette '
                                              "Trust Principles.</a></p></article>")
    assert_credited(page_article(page))


def test_brackets_glued_to_the_last_paragraph_that_credit_no_one_stay_in_it() -> None:
    # Guards: an aside in brackets, or a credit word not after the paragraph's last sentence, is story text.
    for last in (STORY[-1] + " (The board meets again in May.)", STORY[-1][:-1] + ' (edited by the board)."'):
        assert parse_text(dump([*STORY[:-1], last])).body == [*STORY[:-1], last]
        assert page_article(saved([*STORY[:-1], last])).body == [*STORY[:-1], last]

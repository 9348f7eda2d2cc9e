"""parse_text raises ParseError for pages without a story, and nothing else for any text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.store.parse import ExplainedLine, ParseError, explain_text, parse_text
from broadsheet.store.parse.pipeline import run

WORDS = st.sampled_from(
    [
        "the",
        "a",
        "council",
        "said",
        "on",
        "Tuesday",
        "bridge",
        "By",
        "Ann",
        "Lee",
        "|",
        "-",
        "(",
        ")",
        "Photo:",
        "Getty",
        "Images",
        "REUTERS/",
        "12",
        "May",
        "2024",
        "Advertisement",
        "Share",
        "Read",
        "More",
        "LONDON",
        "(Reuters)",
        "Reporting",
        "by",
        "Editing",
        ";",
        "and",
        ".",
        ",",
        ":",
        "\xa0",
        "\t",
    ]
)
LINE = st.lists(WORDS, max_size=40).map(" ".join)
DUMP = st.one_of(st.text(max_size=400), st.lists(LINE, max_size=30).map("\n".join))


@pytest.mark.parametrize("text", ["", "\n\n", "Just a title", "Menu\nHome\nSport", "\x00\x1b[31m"])
def test_no_story_is_parse_error(text: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_text(text)
    assert isinstance(err.value, ValueError)
    assert err.value.reason


def test_explain_on_unparseable_text_still_lists_lines() -> None:
    out = explain_text("Menu\nHome")
    assert out == [
        ExplainedLine(1, "Menu", "boilerplate", out[0].reason),
        ExplainedLine(2, "Home", "boilerplate", out[1].reason),
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DUMP)
def test_any_text_gives_article_or_parse_error(text: str) -> None:
    try:
        art = parse_text(text)
    except ParseError:
        return
    assert art.headline
    assert art.body
    source_words = set(re.findall(r"\w+", text))
    for paragraph in art.body:
        assert set(re.findall(r"\w+", paragraph)) <= source_words


@settings(max_examples=150, deadline=None)
@given(DUMP)
def test_explain_never_raises(text: str) -> None:
    lines = explain_text(text)
    assert len(lines) == len(text.split("\n"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DUMP)
def test_pipeline_itself_never_raises_other_errors(text: str) -> None:
    # parse_text turns an unexpected step failure into ParseError; the steps must not have any.
    lines, article, error = run(text)
    assert (article is None) == (error is not None)
    assert len(lines) <= len(text.split("\n"))


def test_long_runs_of_short_lines_stay_fast() -> None:
    import time

    text = "Title | Site\n" + "\n".join(f"Menu item {i}" for i in range(20000))
    start = time.perf_counter()
    with pytest.raises(ParseError):
        parse_text(text)
    assert time.perf_counter() - start < 10

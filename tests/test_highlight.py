"""Search terms found in a story as the search found it: "ferry" and "ferries" mark the same words."""

from __future__ import annotations

from rich.text import Text

from broadsheet.tui.highlight import highlight, term_matcher

STORY = "Ferries leave the ferry port at dawn; the ferryman waits. Ferry-boats. The ferrier shoes horses."


def marked(terms: list[str], text: str = STORY) -> list[str]:
    matcher = term_matcher(terms)
    assert matcher is not None
    return [text[start:end] for start, end in matcher.spans(text)]


def test_a_word_marks_every_word_with_its_stem_and_the_words_it_begins() -> None:
    assert marked(["ferry"]) == ["Ferries", "ferry", "ferry", "Ferry"]  # the third: where "ferryman" begins
    assert marked(["ferries"]) == ["Ferries", "ferry", "Ferry"]  # the same words the index matched
    assert "ferrier" not in marked(["ferry"])  # another stem


def test_phrases_and_prefixes_mark_what_they_begin() -> None:
    assert marked(["ferry port", "daw"]) == ["ferry port", "daw"]


def test_highlight_styles_each_match_once_and_counts_them() -> None:
    text = Text("Ferries and a ferry")
    assert highlight(text, term_matcher(["ferry", "ferr"])) == 2
    assert [(span.start, span.end) for span in text.spans] == [(0, 7), (14, 19)]
    assert highlight(Text("nothing"), term_matcher(["  "])) == 0


def test_words_are_found_folded_as_the_index_folds_them() -> None:
    text = "École et écoles; the ECOLE. x_cafe and cafés"
    assert marked(["ecole"], text) == ["École", "écoles", "ECOLE"]  # the search found them all
    assert marked(["cafe"], text) == ["cafe", "cafés"]  # "_" splits words, as in the index

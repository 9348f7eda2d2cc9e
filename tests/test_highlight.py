"""Search terms found in a story as the search found it: "ferry" and "ferries" mark the same words."""

from __future__ import annotations

from rich.text import Text

from broadsheet.store.search.spans import term_matcher
from broadsheet.tui.highlight import highlight

STORY = "Ferries leave the ferry port at dawn; the ferryman waits. Ferry-boats. The ferrier shoes horses."


def marked(terms: list[str], text: str = STORY) -> list[str]:
    matcher = term_matcher(terms)
    assert matcher is not None
    return [text[start:end] for start, end in matcher.spans(text)]


def test_a_word_marks_every_word_with_its_stem_and_no_word_it_only_begins() -> None:
    """The search for "ferry" finds "Ferries", not "ferryman": "ferryman" was marked, and counted
    as a match that n stepped to; "art" marked "Art" in "Artist"."""
    assert marked(["ferry"]) == ["Ferries", "ferry", "Ferry"]
    assert marked(["ferries"]) == ["Ferries", "ferry", "Ferry"]  # the same words the index matched
    assert marked(["art"], "The Artist showed her art in the arts centre.") == ["art", "arts"]


def test_prefixes_mark_what_they_begin_and_the_words_the_search_found_by_stem() -> None:
    """A prefix finds the words the index holds by stems that begin with it or with its stem:
    "ferry*" found "Ferries" (held as "ferri"), "cafe*" "Café", but marked nothing there."""
    assert marked(["ferry*", "daw*"]) == ["Ferries", "ferry", "dawn", "ferryman", "Ferry", "ferrier"]
    # "Ferries", "ferry", "ferryman" (what it begins), "Ferry-boats", "ferrier" (held as "ferrier")
    assert marked(["ferry*"]) == ["Ferries", "ferry", "ferryman", "Ferry", "ferrier"]
    assert marked(["daw*"]) == ["dawn"]
    text = "The Café and the École; the town celebrates."
    assert marked(["cafe*", "ecole*", "celebrat*"], text) == ["Café", "École", "celebrates"]


def test_a_prefix_marks_the_whole_of_every_word_it_found() -> None:
    """"celebrat*" marked the "celebrat" of "celebrates" (what it begins as typed) but the whole of
    "Celebrity" (found by its stem): every word is marked whole now."""
    text = "The town celebrates; a Celebrity came. Gulls (gull's) over 東京駅."
    assert marked(["celebrat*"], text) == ["celebrates", "Celebrity"]
    assert marked(["gull*", "東京*"], text) == ["Gulls", "gull", "東京"]  # as the index splits words


def test_a_phrase_marks_its_words_as_the_search_found_them() -> None:
    """A phrase found through stems, folding or the punctuation between its words was listed, but
    nothing in the story was marked, and n went on to another story."""
    text = "Ferries return at noon. A three-day storm hit the old Café. O’Brien said so."
    assert marked(["ferry returns"], text) == ["Ferries return"]
    assert marked(["three day storm"], text) == ["three-day storm"]
    assert marked(["old cafe"], text) == ["old Café"]
    assert marked(["O'Brien"], text) == ["O’Brien"]
    assert marked(["harbour wall"], text) == []


def test_highlight_styles_each_match_once_and_counts_them() -> None:
    text = Text("Ferries and a ferry")
    assert highlight(text, term_matcher(["ferry", "ferr"])) == 2
    assert [(span.start, span.end) for span in text.spans] == [(0, 7), (14, 19)]
    assert highlight(Text("nothing"), term_matcher(["  "])) == 0


def test_words_are_found_folded_as_the_index_folds_them() -> None:
    text = "École et écoles; the ECOLE. x_cafe and cafés"
    assert marked(["ecole"], text) == ["École", "écoles", "ECOLE"]  # the search found them all
    assert marked(["cafe"], text) == ["cafe", "cafés"]  # "_" splits words, as in the index


def test_a_term_on_a_field_marks_that_field_alone() -> None:
    """``headline:ferry`` found the story by its headline: "ferry" in its text was marked too, and
    n stepped to those matches as if the search had found them."""
    terms = ["headline:ferry", "dawn", 'by:"Ada Quill"', "caption:gull*"]
    assert term_matcher(terms, ("body",)) is not None
    assert marked_in(terms, ("body",)) == ["dawn"]
    assert marked_in(terms, ("headline",)) == ["Ferries", "ferry", "dawn", "Ferry"]
    assert marked_in(terms, ("credits",), "Reporting by Ada Quill at dawn") == ["Ada Quill", "dawn"]
    assert marked_in(terms, ("caption",), "Gulls over the ferry at dawn") == ["Gulls", "dawn"]
    assert term_matcher(["headline:ferry"], ("body", "caption")) is None
    assert marked_in(['"headline:ferry"', "10:30"], ("body",), "headline: ferry at 10:30") == [
        "headline: ferry", "10:30"]  # a quoted phrase or a word with a colon is no field


def marked_in(terms: list[str], parts: tuple[str, ...], text: str = STORY) -> list[str]:
    matcher = term_matcher(terms, parts)
    return [text[start:end] for start, end in matcher.spans(text)] if matcher else []


def test_greek_is_marked_case_and_accent_folded() -> None:
    """The search for "ιθακη" or "σεισμος" finds "Ιθάκη" and "ΣΕΙΣΜΟΣ": so they are marked."""
    text = "Ο Οδυσσέας στην Ιθάκη. ΣΕΙΣΜΟΣ ΣΤΗΝ ΑΘΗΝΑ, σεισμός."
    assert marked(["ιθακη"], text) == ["Ιθάκη"]
    assert marked(["σεισμος"], text) == ["ΣΕΙΣΜΟΣ", "σεισμός"]
    assert marked(["οδυσσε*"], text) == ["Οδυσσέας"]


def test_a_word_whose_first_letter_folds_to_two_is_marked() -> None:
    """"aesop" found "Æsop fables return", but the story showed no mark and no match count: its
    first two letters, folded ("aes"), were compared with a stem's first two ("ae")."""
    text = "Æsop fables return. The Œuvre of Æsop was reprinted; the ﬁnance team left."
    assert marked(["aesop"], text) == ["Æsop", "Æsop"]
    assert marked(["oeuvre"], text) == ["Œuvre"]
    assert marked(["finance"], text) == ["ﬁnance"]
    assert marked(["aeso*", '"oeuvre of aesop"'], text) == ["Æsop", "Œuvre of Æsop"]
    assert highlight(Text(text), term_matcher(["aesop"])) == 2

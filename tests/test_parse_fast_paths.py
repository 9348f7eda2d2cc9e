"""The parser's fast paths are cheap necessary tests or exact shortcuts: they must never change a result.

Each test checks a fast path against the slow form it stands in for, on made-up text built from
the words the patterns look for, mixed with punctuation, capitals and non-ASCII characters.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.store.parse import boilerplate, byline, captions, lines, meta, textstats

FURNITURE_WORDS = [
    "share", "sign in", "signin", "read more", "more from", "most read", "editor's picks", "editors picks",
    "newsletter", "follow us on", "follow ann.lee on twitter", "follow josé on x", "get the daily app",
    "privacy policy", "all rights reserved", "video 2", "video player", "min read", "back to top", "live stream",
    "listen live", "bookmark this.page", "bookmark é", "support our local journalism", "sign up for our",
]
PIECES = [" ", "  ", ",", ".", "'", "’", "(", ")", "-", "/", "|", "“", "é", "ß", "İ", "ſ", "_", "2", "Ä", "\u00a0"]
piece = st.one_of(
    st.sampled_from(FURNITURE_WORDS),
    st.sampled_from(FURNITURE_WORDS).map(str.upper),
    st.sampled_from(PIECES),
    st.text(max_size=4),
)
line = st.lists(piece, max_size=16).map("".join)


@settings(max_examples=2000, deadline=None)
@given(line)
def test_plain_twins_never_miss_a_match(text: str) -> None:
    low = boilerplate.folded(text)
    if low is None:
        return
    plain = boilerplate._plain(low)
    assert boilerplate._furniture_candidates(low) >= len(boilerplate._FURNITURE_LOW.findall(low))
    if boilerplate._NOTICE_LOW.search(low):
        assert boilerplate._NOTICE_PLAIN.search(plain)
    if boilerplate._ANY_PLAIN.search(plain) is None:
        assert not boilerplate._NOTICE_PLAIN.search(plain)
        assert not boilerplate._FURNITURE_PLAIN.search(plain)


@settings(max_examples=1000, deadline=None)
@given(line)
def test_glue_test_finds_the_same_lines(text: str) -> None:
    assert bool(boilerplate._GLUED.search(text)) == bool(re.search(r"[a-z][A-Z]", text))


STOP_PIECES = ["the", "The", "THE", "said.", "Said..", "and...", "über", "ÜBER", "daß", "dass", "İn", "ſo", "a", "3a"]
STOP_PIECES += ["\u0345", "ß", "don’t", "’", "“", "”", "‘", "—", "–", "…", "_the", "the_", "it's"]
prose = st.lists(st.one_of(st.sampled_from(STOP_PIECES), st.sampled_from(PIECES), st.text(max_size=5)), max_size=20)


@settings(max_examples=2000, deadline=None)
@given(prose.map("".join))
def test_stopword_density_is_the_word_by_word_share(text: str) -> None:
    # A line in CJK scripts, or in one no list of function words holds, is measured by its clause marks instead.
    cjk = textstats.cjk_count(text)
    if cjk:
        expected = textstats.cjk_density(text, cjk)
    elif textstats.unlisted_count(text):
        expected = textstats.clause_density(text)
    else:
        expected = textstats._slow_stopword_density(text)
    assert textstats.stopword_density(text) == expected


def _split_credit_every_pattern(text: str) -> tuple[str, str] | None:
    """``split_credit`` trying every tail pattern in order (what its cheap tests stand in for)."""
    for pattern in captions._TAIL_PATTERNS[:-1]:
        if found := captions._tail_credit(pattern, text):
            return found
    return captions._slash_credit(text)  # the last pattern's credit, shaped


def _split_name_credit_full_scan(text: str) -> tuple[str, str] | None:
    """``split_name_credit`` with only the last-word test before the search."""
    words = text.split()
    if len(words) > 60 or not captions._may_end_with_name(words):
        return None
    m = captions._NAME_TAIL.search(text)
    if not m:
        return None
    caption = text[: m.start()].rstrip()
    if len(caption.split()) < 3:
        return None
    credit = m.group("credit").strip()
    first = credit.split()[0].casefold()
    if first in captions._NOT_CREDIT_START or (first != "the" and first in captions.STOPWORDS):
        return None
    return caption, credit


def _credit_only_every_pattern(text: str) -> str | None:
    """``credit_only`` trying every credit-line pattern in order."""
    if not text or len(text) > 130:
        return None
    if text.startswith("(") and text.endswith(")") and captions.has_label(text[1:-1]):
        return _credit_only_every_pattern(text[1:-1])
    for pattern in captions._CREDIT_LINE:
        m = pattern.match(text)
        if m and m.group("credit").strip():
            return m.group("credit").strip()
    return None


CREDIT_PIECES = [
    "Photo", "photo", "PHOTO", "Image", "Pic", "Credit", "Video", "by", ":", "/", "|", "(", ")", " ", "  ", ".",
    "via", "Getty Images", "Getty", "Reuters", "REUTERS", "AP", "AFP", "EPA-EFE", "PA Wire", "iStock", "File",
    "Ann Lee", "ANN LEE", "for", "Gazette", "_", "-", "’", "'", "&", "\n", "\u00a0", "ı", "İ", "Foto", "Фото",
]
CREDIT_SHAPES = [
    ". Ann Lee", ". Ann Lee for Gazette", ". Ann Lee / Pool", ". Ann of Lee via Getty Images", "2. Ann Lee van Dee",
    ". A B C D / E F G H", ". A B C D for E F G H I",
    "(AP Photo/Ann Lee)", "(Photo: Ann Lee)", "Photo by Ann Lee", "(Ann Lee/Reuters)", "(File)", "Image: Ann",
    "via Getty Images", "Ann Lee via Getty Images", "ANN LEE/Pool via REUTERS", "Ann Lee/Reuters", "REUTERS",
    "Getty Images", "iStock", "Ann Lee for Gazette", "(Supplied)", "(Image: Ann Lee)", "Credit: Ann", "AFP/File",
]
CAPTIONS = ["", "The mayor opens the bridge.", "The mayor opens the bridge", "Crowds wait, "]
credit_text = st.tuples(
    st.sampled_from(CAPTIONS),
    st.sampled_from(["", " ", "  ", "\n"]),
    st.sampled_from(CREDIT_SHAPES),
    st.lists(st.one_of(st.sampled_from(CREDIT_PIECES), st.text(max_size=3)), max_size=3).map("".join),
    st.sampled_from(["", "_", ".", " ", ")", "x", "-", "’", "\n", ":"]),
).map("".join)


@settings(max_examples=3000, deadline=None)
@given(credit_text)
def test_credit_tests_try_every_pattern_that_can_match(text: str) -> None:
    assert captions.split_credit(text) == _split_credit_every_pattern(text)
    assert captions.split_name_credit(text) == _split_name_credit_full_scan(text)
    assert captions.credit_only.__wrapped__(text) == _credit_only_every_pattern(text)
    label = captions._LABEL_START.match(text) is not None
    assert (label and captions.label_only.__wrapped__(text)) == captions.label_only.__wrapped__(text)
    assert (label and captions.has_label.__wrapped__(text)) == captions.has_label.__wrapped__(text)
    assert len(text) <= 130 or captions.credit_only.__wrapped__(text) is None  # caption_facts_of skips long lines


@settings(max_examples=2000, deadline=None)
@given(st.text(min_size=1, max_size=3), line)
def test_a_line_starting_with_a_letter_is_never_only_symbols(head: str, text: str) -> None:
    text = head + text
    if text[:1].isalpha():  # furniture_reason_of tests _SYMBOLS only on lines that do not start with a letter
        assert boilerplate._SYMBOLS.match(text) is None


CUT_PIECES = [
    " ", "  ", "\n", "\t", "|", "/", "•", "@", "(", "-", "–", "—", " - ", "2", "٣", "Published", "Last updated",
    "Created", "March", "Sept.", "Dec 3", "Monday", "Sunday, ", "day", "aBC", "AB", "Ann", "Lee", "x", "\u2003",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(CUT_PIECES), st.text(max_size=3)), max_size=12).map("".join))
def test_byline_cut_is_the_leftmost_match(rest: str) -> None:
    m = byline._CUT.search(rest)
    assert byline._cut(rest) == ((m.start(), m.group(0)) if m else None)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["written", "WRITTEN", "Story", " ", "  ", "by", "BY", "bY", "By", ":"]), max_size=6))
def test_inner_byline_needs_by_in_lower_case(pieces: list[str]) -> None:
    text = "".join(pieces)
    if byline._BY_INSIDE.search(text):
        assert "by" in text.lower()


CUE_PIECES = ["Published", "PUBLIſHED", "publıshed", "Posted", "poſted", "UPDATED", "upDated", "date", "DATE", "İ", " "]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(CUE_PIECES), st.text(max_size=3)), max_size=8).map("".join))
def test_date_cue_test_agrees_with_the_pattern(text: str) -> None:
    assert meta.has_date_cue(text) == (meta.DATE_CUE.search(text) is not None)


SPACE_RUNS_AS_WRITTEN = re.compile(
    r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]"
)
SPACE_PIECES = [" ", "  ", "\t", "\u00a0", "\u2003", "\u200b", "\u3000", "a", "\n", "b c"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(SPACE_PIECES), max_size=12))
def test_space_runs_match_as_written(pieces: list[str]) -> None:
    # split_lines makes every odd space a plain one, then each run of plain spaces one space
    text = "".join(pieces)
    runs = lines._PLAIN_RUNS.sub(" ", lines._ODD_SPACE.sub(" ", text))
    assert runs == SPACE_RUNS_AS_WRITTEN.sub(" ", text)
    assert [line.text for line in lines.split_lines(text)] == [row.strip() for row in runs.split("\n")]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["1", "12", "٣", ":", "30", " ", "*", "AB", "Ann", "é"]),
                          st.text(max_size=3)), max_size=8).map("".join))
def test_furniture_start_tests_never_miss_a_match(text: str) -> None:
    # furniture_reason_of runs these patterns only on lines passing the cheap test before them
    assert boilerplate._VIDEO_TEASER.match(text) is None or ":" in text[1:3]
    assert boilerplate._FORM_FIELD.match(text) is None or text[:1] == "*"

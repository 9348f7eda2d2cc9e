"""Lookaheads and cheap tests put before the parser's scans: each must give exactly what the scan gives.

A lookahead for how every match starts, or a test of something every match holds, only lets
``re`` give up sooner: the same text must give the same matches with and without it.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.store.parse import boilerplate, byline, captions, credits, dates, lines, textstats

PIECES = [
    " ", "  ", "\t", "\n", "\u00a0", "(", ")", "[", "]", "/", " / ", ".", ",", ":", ";", "’", "'", '"', "”", "-", "—",
    "Photo", "PHOTO", "Image", "Picture", "Credit", "Video", "by", "BY", " via ", "Getty Images", "AFP", "Reuters",
    "Ann Lee", "Bo", "for", "the", "of", "and", "AND", "x", "9", "2024", "1999", "20", "3", "14th", "12:34", "GMT",
    "(left)", "(Right)", "pictured", "PICTURED", "from left", "Jan", "May", "Sept.", "December", "mai", "März",
    "ß", "İ", "ı", "ſ", "K", "é", "٣", "_", "&", "reporting", "Edited", "with", "said.", "(NPA)", "[File: AP]",
    " Reporting by ", "additional reporting by", ", and writing by", "EDITING BY", "; ", "written  by", "Ann,",
    "al-", "d’", "Mc-", " in ", "in", " in Paris", "Writer ", "wrıter", "REPORTERS ", "correspondent ", "Ann’s ",
    "graphics by", "Graphics: ", "Foto", "FOTO", "Фото", "ФОТО",
]
text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=24).map("".join)

# (pattern, the lookahead put before it, what closes it)
LOOKAHEADS = [
    (dates.DATE_RE, "(?=[\\dJFMASOND])", ""),
    (captions._POSITION_CUE, "(?=[(pf])(?:", ")"),
    (captions._NAME_TAIL, "(?=\\s)", ""),
    (captions._PAREN_TAIL, "(?=[\\s(])", ""),
    (captions._BRACKET_TAIL, "(?=[\\s\\[])", ""),
    *((p, p.pattern[: p.pattern.index(")") + 1], "") for p in captions._TAIL_PATTERNS),
]


def _matches(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def _part_without_lookahead() -> re.Pattern[str]:
    """``credits._PART`` without the lookahead inside its negative lookahead."""
    return re.compile(credits._PART.pattern.replace("(?!(?=[,\\sarwepg])", "(?!"), credits._PART.flags)


def test_the_lookaheads_are_where_the_tests_expect_them() -> None:
    assert _part_without_lookahead().pattern != credits._PART.pattern
    for pattern, head, tail in LOOKAHEADS:
        assert head.startswith("(?=") and pattern.pattern.startswith(head) and pattern.pattern.endswith(tail)


@settings(max_examples=3000, deadline=None)
@given(text)
def test_a_lookahead_before_a_pattern_changes_no_match(text: str) -> None:
    for pattern, head, tail in LOOKAHEADS:
        bare = re.compile(pattern.pattern[len(head) : len(pattern.pattern) - len(tail)], pattern.flags)
        assert _matches(pattern, text) == _matches(bare, text), pattern.pattern[:40]
    assert _matches(credits._PART, text) == _matches(_part_without_lookahead(), text)


@settings(max_examples=3000, deadline=None)
@given(text)
def test_cheap_tests_let_every_match_through(text: str) -> None:
    low = boilerplate.folded(text)
    if credits._START.match(text):
        assert low is None or low.lstrip("(—–-").lstrip().startswith(credits._START_WORDS)
    assert bool(lines._OPEN_END.search(text, max(0, len(text) - 5))) == bool(lines._OPEN_END.search(text))
    if not ("," in text or "&" in text or ";" in text or "and" in text.lower()):
        assert byline._SPLIT_KEEP.split(text) == [text]
    if "." not in text:
        assert captions.split_name_credit(text) is None
    if not ("-" in text or "'" in text or "’" in text):
        assert byline._GLUED_PARTICLE.sub("", text) == text
    if "in" not in text:
        assert byline._IN_PLACE.sub("", text) == text
    if not ("’" in text or "'" in text or credits._may_have_role(low)):
        assert credits._ROLE_PREFIX.sub("", text) == text
    if not text[1:2] or text[1:2] not in captions._CAPS_SECOND:
        assert captions._CREDIT_LINE[3].match(text) is None


ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=40)
ASCII_WORDS = [piece for piece in PIECES if piece.isascii()] + ["The", "said", "a", "it's", "..", "3a", "\x1c", "\x0b"]
ascii_prose = st.lists(st.sampled_from(ASCII_WORDS), max_size=30).map("".join)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(ascii_text, ascii_prose))
def test_ascii_counts_are_the_split_and_the_word_by_word_share(text: str) -> None:
    spaced = b" " + text.lower().encode("ascii")
    assert textstats.ascii_word_count(spaced) == len(text.split())
    density = textstats.ascii_stopword_density(spaced)
    assert density is None or "..." in text or density == textstats._slow_stopword_density(text)
    assert textstats._tokens.__wrapped__(text) == tuple(map(str.casefold, textstats.TOKEN.findall(text)))

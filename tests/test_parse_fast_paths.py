"""The parser's fast paths are cheap necessary tests or exact shortcuts: they must never change a result.

Each test checks a fast path against the slow form it stands in for, on made-up text built from
the words the patterns look for, mixed with punctuation, capitals and non-ASCII characters.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from store.parse import boilerplate, textstats

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
STOP_PIECES += ["\u0345", "ß"]
prose = st.lists(st.one_of(st.sampled_from(STOP_PIECES), st.sampled_from(PIECES), st.text(max_size=5)), max_size=20)


@settings(max_examples=2000, deadline=None)
@given(prose.map("".join))
def test_stopword_density_is_the_word_by_word_share(text: str) -> None:
    assert textstats.stopword_density(text) == textstats._slow_stopword_density(text)

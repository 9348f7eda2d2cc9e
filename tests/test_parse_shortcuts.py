"""More of the parser's shortcuts, each checked against the slow form it stands in for.

Like ``test_parse_fast_paths``: made-up text built from what the patterns look for, mixed
with punctuation, capitals and characters that case-fold or lower-case oddly; a shortcut
must never change a result.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.store.parse import boilerplate, byline, captions, headline, lines, marking, meta, quality, textstats
from broadsheet.store.search.analysis import CJK

ODD = [" ", "  ", ",", ".", ":", "|", ">", "»", "-", "1", "23", "é", "ß", "İ", "ı", "ſ", "K", "“", "\u00a0", "\t"]
WORDINGS = [
    "advertisement", "Advertising", "AD", "sponsored", "article content", "Story continues below",
    "continue reading", "News continues below advertisement", "read more", "Related", "see also", "Also Read",
    "more", "watch", "listen", "recommended", "trending", "video 2", "Video", "share", "sign in", "menu",
    "all rights reserved", "follow us on", "newsletter", "subscribe now", "to continue reading", "by subscribing",
]
piece = st.one_of(st.sampled_from(WORDINGS), st.sampled_from(WORDINGS).map(str.upper), st.sampled_from(ODD),
                  st.text(max_size=3))
line = st.lists(piece, max_size=10).map("".join)


@settings(max_examples=2000, deadline=None)
@given(line)
def test_glue_shortcut_agrees_with_the_pattern(text: str) -> None:
    assert boilerplate._glued(text) == (boilerplate._GLUED.search(text) is not None)


@settings(max_examples=2000, deadline=None)
@given(line)
def test_line_start_tests_never_miss_a_match(text: str) -> None:
    low = boilerplate.folded(text)
    assert boilerplate.inline_furniture_of(text, low) == (boilerplate._INLINE.match(text) is not None)
    if low is not None and boilerplate._LEAD_IN.match(text):
        assert low.startswith(boilerplate._LEAD_IN_STARTS)


@settings(max_examples=2000, deadline=None)
@given(line)
def test_no_plain_wording_means_no_furniture_word_but_a_leading_video(text: str) -> None:
    # furniture_reason_of skips the short-line wording search when the plain scan finds nothing
    low = boilerplate.folded(text)
    if low is not None and boilerplate._FURNITURE_LOW.search(low):
        assert boilerplate._ANY_PLAIN.search(boilerplate._plain(low)) or low.startswith("video")


def _grouped(alternatives: list[str]) -> re.Pattern[bytes]:
    return re.compile((" (?:" + boilerplate._by_first_letter(alternatives) + ")").encode())


ANY_GROUPED = _grouped(boilerplate._FURNITURE_PLAIN_ALTERNATIVES + boilerplate._NOTICE_PLAIN_ALTERNATIVES)
NOTICE_GROUPED = _grouped(boilerplate._NOTICE_PLAIN_ALTERNATIVES)


@settings(max_examples=3000, deadline=None)
@given(line)
def test_wording_trees_find_what_the_plain_alternations_find(text: str) -> None:
    low = boilerplate.folded(text)
    if low is None:
        return
    plain = boilerplate._plain(low)
    assert (boilerplate._ANY_PLAIN.search(plain) is None) == (ANY_GROUPED.search(plain) is None)
    assert (boilerplate._NOTICE_PLAIN.search(plain) is None) == (NOTICE_GROUPED.search(plain) is None)


def _in_context_by_lists(classes: list[str]) -> list[str]:
    """:func:`quality.in_context` as first written: the nearest classes on each side as lists."""

    def nearest(skip: set[str]) -> tuple[list[str], list[str]]:
        before, after, last = [], [], "bad"
        for c in classes:
            before.append(last)
            last = last if c in skip else c
        last = "bad"
        for c in reversed(classes):
            after.append(last)
            last = last if c in skip else c
        return before, after[::-1]

    if "good" not in classes:
        classes = ["good" if c == "neargood" else c for c in classes]
    prev_far, next_far = nearest({"short", "neargood"})
    prev_near, next_near = nearest({"short"})
    out = list(classes)
    for i, c in enumerate(classes):
        prev, nxt = prev_far[i], next_far[i]
        if c == "short":
            if prev == nxt == "good":
                out[i] = "good"
            elif prev == nxt == "bad":
                out[i] = "bad"
            elif (prev == "bad" and prev_near[i] == "neargood") or (nxt == "bad" and next_near[i] == "neargood"):
                out[i] = "good"
            else:
                out[i] = "bad"
        elif c == "neargood":
            out[i] = "bad" if prev == nxt == "bad" else "good"
    return out


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["good", "neargood", "short", "bad"]), max_size=30))
def test_in_context_agrees_with_the_nearest_class_lists(classes: list[str]) -> None:
    assert quality.in_context(classes) == _in_context_by_lists(classes)


BYLINE_PIECES = ["By ", "by ", "BY", "Ann Lee", "Bo Chen", " and ", ", ", "Written by ", "Gazette", "12 May 2024",
                 "|", " ", "(R.J.)", "Staff", "the", "Reuters", "on", "Ann"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(BYLINE_PIECES), max_size=8).map("".join), st.booleans(), st.booleans())
def test_byline_flags_only_change_a_line_without_an_explicit_by(text: str, bare_ok: bool, labelled: bool) -> None:
    found = byline._parse_byline.__wrapped__(text, bare_ok or labelled, labelled)
    parsed = byline.parse_byline(text, bare_ok=bare_ok, labelled=labelled)
    if len(text) > 160 or found is None:
        assert parsed is None
    else:
        assert parsed is not None
        assert (tuple(parsed.authors), parsed.outlet, parsed.date, parsed.explicit) == found


#: The separators as written, "_" between CJK characters among them (a "新闻标题_某某网" title).
SEPARATOR_AS_WRITTEN = re.compile(rf"\s+[|–—-]\s+|\s*\|\s*|\s+::\s+|\s+[•·»]\s+|(?<=[{CJK}])_(?=[{CJK}])")
TITLE_PIECES = [" ", "  ", "|", " | ", "-", " - ", "–", " — ", "::", " :: ", "•", " · ", "»", "\u00a0", "\t", "Ann",
                "_", "新闻", "ᄀ"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TITLE_PIECES), st.text(max_size=3)), max_size=10).map("".join))
def test_title_separator_matches_as_written(title: str) -> None:
    assert headline._SEPARATOR.split(title) == SEPARATOR_AS_WRITTEN.split(title)
    assert headline._SEPARATOR.sub(" | ", title) == SEPARATOR_AS_WRITTEN.sub(" | ", title)


SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
SPACE_PIECES = [" ", "  ", "\t", "\u00a0", "\u2003", "\u200b", "\u3000", "\n", "a", "b c", "é", "“", "\n\n"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(SPACE_PIECES), max_size=14).map("".join))
def test_split_lines_normalises_every_line(text: str) -> None:
    assert [line.text for line in lines.split_lines(text)] == [SPACES.sub(" ", row).strip() for row in text.split("\n")]


SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’)\]」』）]*$")


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from([*SPACE_PIECES, ".", "!", "?", "…", '"', "'", "”", "’", ")", "]", ".\n", "。", "？",
                                  "」", "）"]),
                max_size=8).map("".join))
def test_ends_sentence_as_the_regex(text: str) -> None:
    assert textstats.ends_sentence(text) == bool(SENTENCE_END.search(text))


@settings(max_examples=2000, deadline=None)
@given(line)
def test_label_start_shortcut_agrees_with_the_pattern(text: str) -> None:
    assert captions._label_start(text) == (captions._LABEL_START.match(text) is not None)


def test_first_character_sets_hold_every_character_a_label_can_start_with() -> None:
    # IGNORECASE also takes a few characters outside ASCII for a letter (a dotless i for "i")
    for ch in map(chr, range(0x10000)):
        if 0xD800 <= ord(ch) <= 0xDFFF:
            continue
        for rest in ("hoto", "mage", "redit", "ideo", "oto", "ото"):
            assert captions._LABEL_START.match(ch + rest) is None or ch in captions._LABEL_FIRST
        for rest in ("y", "uthor", "ords", "eporter", "ritten by", "utor", "uteur", "втор"):
            assert meta._BY_LABEL.match(ch + rest) is None or ch in meta._BY_LABEL_FIRST


# Paragraphs of 20-70 words, most of them function words, with furniture and notice wording,
# glued words, a copyright sign, a form-field star and a video time mixed in: lines on both
# sides of the prose test (25 words, a third of them function words) and of 60 words.
PARAGRAPH_WORDS = [
    "the", "of", "and", "to", "said", "it", "was", "Bramsim", "gox", "ann", "Lee", "3", "share", "Facebook",
    "Twitter", "print", "sign in", "newsletter", "subscribe now", "follow us on", "all rights reserved",
    "privacy policy", "click here", "© Ann Lee", "SignIn", "InRegister", "*", "1:23", "read more", "video",
    "delivered to your inbox", "cookies", "İn", "ſo", "é", "“quoted”", "end.", "menu", "home",
]
paragraph = st.lists(st.sampled_from(PARAGRAPH_WORDS), min_size=20, max_size=70).map(" ".join)


@settings(max_examples=3000, deadline=None)
@given(paragraph)
def test_prose_skips_only_furniture_tests_it_cannot_meet(text: str) -> None:
    # furniture_reason_of given the density returns early for prose; without it, every test runs
    n_words, low = len(text.split()), boilerplate.folded(text)
    density = textstats.stopword_density(text)
    assert boilerplate.furniture_reason_of(text, n_words, low, density) == boilerplate.furniture_reason_of(
        text, n_words, low
    )
    assert quality.initial_class_of(text, n_words, density) == quality.initial_class_of(text, n_words)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(paragraph, line))
def test_line_facts_are_what_each_test_gives_on_its_own(text: str) -> None:
    facts = marking.line_facts.__wrapped__(text)
    reason = boilerplate.furniture_reason(text)
    credits_line = marking.is_credits_line_of(text, boilerplate.folded(text))
    assert facts.furniture == (marking._CREDITS_LINE if credits_line else ("boilerplate", reason) if reason else None)
    assert facts.quality == (None if boilerplate.inline_furniture(text) else quality.initial_class(text))

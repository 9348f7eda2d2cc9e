"""The fallback search splits words where the index does, in scripts with marks inside words."""

from __future__ import annotations

import re
import unicodedata

import pytest

from broadsheet.store.search.analysis import TOKEN, tokens
from broadsheet.store.search.wordmarks import WORD_MARKS

tantivy = pytest.importorskip("tantivy")


def _escaped(code: int) -> str:
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def test_the_word_marks_are_those_tantivy_keeps_inside_a_word() -> None:
    analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).build()
    letter = re.compile(r"[^\W_]")
    codes = [c for c in range(0x80, 0x110000)
             if unicodedata.category(chr(c)) not in ("Cn", "Co", "Cs") and not letter.match(chr(c))]
    kept: list[int] = []
    for start in range(0, len(codes), 5000):
        chunk = codes[start:start + 5000]
        words = set(analyzer.analyze(" ".join(f"a{chr(c)}b" for c in chunk)))
        kept += [c for c in chunk if f"a{chr(c)}b" in words]
    ranges: list[list[int]] = []
    for code in kept:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    wanted = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)
    listing = "".join(_escaped(a) if a == b else f"{_escaped(a)}-{_escaped(b)}" for a, b in ranges)
    assert wanted == WORD_MARKS, f"store/search/wordmarks.py is out of date; WORD_MARKS should be:\n{listing}"


@pytest.mark.parametrize(("text", "words"), [
    ("नगर परिषद ने नई बस सेवा", ["नगर", "परिषद", "ने", "नई", "बस", "सेवा"]),  # Devanagari vowel signs
    ("שָׁלוֹם עולם", ["שָׁלוֹם", "עולם"]),  # Hebrew points
    ("ferry, café and naïve", ["ferry", "café", "and", "naïve"]),
    ("e\u0301cole", ["e", "cole"]),  # a combining acute is no letter, to tantivy either
])
def test_words_with_marks_inside_stay_whole(text: str, words: list[str]) -> None:
    analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).build()
    assert tokens(text) == TOKEN.findall(text) == words == analyzer.analyze(text)

"""Chinese, Japanese and Korean stories are searchable by any word in them.

These scripts put no spaces between words, so the index takes each character as a word and
a query's run of characters as a phrase. Before, a sentence was one token, dropped from the
index when it passed 40 bytes: a Japanese story was found by nothing in its text.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from broadsheet.store.model import Article, Image
from broadsheet.store.reader.filter import WordFilter
from broadsheet.store.search import SearchIndex, parse_query
from broadsheet.store.search.analysis import folded, spaced, stemmed
from broadsheet.store.search.schema import FOLDED, STEMMED
from broadsheet.store.search.spans import term_matcher
from broadsheet.store.storage.db import Store

# Made-up stories. The Japanese body's first clause is 20 characters, 60 bytes: once a single
# token, and dropped as too long.
STORIES = {
    "tower": Article(headline="港区に新しい展望台が開業",
                     body=["週末には多くの家族連れが新しい展望台を訪れ、長い行列ができた。"],
                     published="2025-04-02", source="湾岸新聞",
                     images=[Image(src="a.jpg", caption="展望台から見た夜景", credit="山田写真事務所")]),
    "ferry": Article(headline="渡轮恢复夜间航班", body=["市政府宣布，渡轮将从下周起恢复夜间航班。"],
                     published="2025-04-03", source="海港日报"),
    "market": Article(headline="수산시장 새벽 경매 재개", body=["새벽 경매가 석 달 만에 다시 열렸다."],
                      published="2025-04-04", source="항구일보"),
    "english": Article(headline="Harbour ferry timetable changes", body=["The night ferry runs again from Monday."],
                       published="2025-04-05", source="Coast Post"),
}
NAME = {a.story_id: name for name, a in STORIES.items()}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, SearchIndex]]:
    store = Store(tmp_path_factory.mktemp("cjk") / "store")
    store.add([(a, f"{name}.txt") for name, a in STORIES.items()])
    yield store, SearchIndex.open(store)


def found(indexed: tuple[Store, SearchIndex], text: str) -> set[str]:
    return {NAME[i] for i in indexed[1].search(text, states={}).ids}


@pytest.mark.parametrize(("text", "expected"), [
    ("展望台", {"tower"}),  # a word in the headline, the body and the caption
    ("行列", {"tower"}),  # from the middle of a clause
    ("家族連れ", {"tower"}),  # from the middle of the long one
    ("caption:夜景", {"tower"}),
    ("by:山田", {"tower"}),  # the photo credit
    ("source:湾岸", {"tower"}),
    ("headline:行列", set()),  # only in the body
    ("夜间航班", {"ferry"}),
    ("渡轮 下周", {"ferry"}),  # two words, both in the story, not next to each other
    ('"渡轮下周"', set()),  # as one phrase they are not there
    ("경매", {"market"}),
    ("시장", {"market"}),  # inside 수산시장: Korean spaces phrases, not words
    ("展望台 OR 경매", {"tower", "market"}),
    ("ferry", {"english"}),  # the English story is searched as before
    ("-展望台", {"ferry", "market", "english"}),
    ("展望塔", set()),  # two of its three characters are in a story, not the word
])
def test_a_word_from_anywhere_in_the_text_finds_the_story(indexed: tuple[Store, SearchIndex], text: str,
                                                         expected: set[str]) -> None:
    assert found(indexed, text) == expected


def test_typing_finds_as_the_word_grows(indexed: tuple[Store, SearchIndex]) -> None:
    """As you type, the last word is a prefix: each character typed narrows as it should."""
    assert found(indexed, "展*") == {"tower"}
    assert found(indexed, "展望*") == {"tower"}
    assert found(indexed, "夜*") == {"tower", "ferry"}  # 夜景 and 夜间
    assert found(indexed, "夜间*") == {"ferry"}


def test_the_fallback_finds_what_the_index_finds_in_headlines(indexed: tuple[Store, SearchIndex]) -> None:
    store, index = indexed
    for text in ("headline:展望台", "headline:夜间", "headline:경매", "headline:港区", "source:湾岸*"):
        query = parse_query(text)
        by_index = {NAME[i] for i in index.run(query, states={}).ids}
        assert {NAME[i] for i in WordFilter().run(query, store.stories(), {}).ids} == by_index
        assert by_index  # each finds its story


@pytest.mark.parametrize("text", [
    "港区に新しい展望台が開業、ｶﾀｶﾅも。Tokyo東京 2025年4月",
    "수산시장 새벽 경매 재개 (Busan)",
    "𠮷野家の牛丼、ーーー",
])
def test_the_python_analyser_splits_as_the_index_does(text: str) -> None:
    assert stemmed(text) == [(t.position, t.text) for t in STEMMED.pre_tokenize(spaced(text)).tokens]
    assert [t for _, t in folded(text)] == FOLDED.analyze(spaced(text))
    assert spaced("Plain English, café") == "Plain English, café"  # untouched without CJK


def test_highlights_find_a_word_inside_a_run() -> None:
    text = "週末には多くの家族連れが新しい展望台を訪れた"
    matcher = term_matcher(["展望台", "家族"])
    assert matcher is not None
    assert [text[s:e] for s, e in matcher.spans(text)] == ["家族", "展望台"]

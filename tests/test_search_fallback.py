"""One query language: the reader's fallback filter answers a parsed query as the index does.

The same queries run through tantivy and through ``WordFilter`` on one made-up store whose
story text holds no word the queries look for (the fallback cannot see story text and says
so: see test_what_the_fallback_cannot_do_it_says), and the result sets must be equal.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings

from broadsheet.store.model import Article
from broadsheet.store.reader import filter as filter_module
from broadsheet.store.reader.filter import NOT_RANKED, NOT_TEXT, WordFilter
from broadsheet.store.search import QueryError, SearchCancelled, SearchIndex, parse_query
from broadsheet.store.search.analysis import folded, spaced, stemmed
from broadsheet.store.search.folding import FOLD_TABLE
from broadsheet.store.search.query import begun
from broadsheet.store.search.schema import FOLDED, STEMMED
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import StoryState
from tests.test_search_engine import ARTICLES
from tests.test_search_query import QUERY_TEXT

FILLER = ["Nothing of note here."]
STORIES = {name: dataclasses.replace(a, body=FILLER) for name, a in ARTICLES.items()}
STORIES["quiet"] = Article(headline="Quiet week in Ærøskøbing", body=["The lighthouse keeper rang the bell."],
                           published="2024-03-03", source="Island Notes")
STORIES["drill"] = Article(headline="Earthquake drill held across İSTANBUL", body=FILLER, published="2024-03-04",
                           authors=["Ayşe Demir"], source="İzmir Postası")
STORIES["bus"] = Article(headline="नगर परिषद ने नई बस सेवा शुरू की", body=FILLER, published="2024-03-05",
                         source="Nagar Samachar")  # vowel signs inside its words (see store/search/wordmarks.py)
ID = {name: a.story_id for name, a in STORIES.items()}
NAME = {sid: name for name, sid in ID.items()}
STATES = {
    ID["harbour0"]: StoryState(bookmarked=True, read=True, tags=("work", "boats")),
    ID["harbour1"]: StoryState(read=True, tags=("boats",)),
    ID["summit"]: StoryState(bookmarked=True, tags=("work",)),
    ID["storm"]: StoryState(read=True),
}

QUERIES = [
    "-ferry", "ferry OR rail", "after:2024-03-02", "headline:rail",  # the issue's four
    "ferry", "ferries", "FERRY Timetable", "ferry -timetable", "-ferry -ferries", "library OR summit",
    "storm OR tariffs OR nothinglikethis", "-storm OR library", "seoul", "SÉOUL", "aeroskobing", "ærøskøbing",
    '"harbour wall"', '"wall harbour"', '"night ferry service"', '"harbour town votes"', '"mountain rail"',
    "libr*", "Sum*", "ferries*", "fe*", "warnin*", "headline:warnin*", '"harbour to*"', '"night fer*"', "mountain ra*",
    "headline:ferry", "headline:library", "headline:tariffs", "caption:reading", "caption:ferry", "by:quill",
    'by:"Tom Reeve"', 'by:"soto min"',
    'by:"min park"', "by:park", "author:hana", "source:fernby", 'source:"coast radio"', "agency:northwire",
    "agency:south*", "altberg", "after:2024-04-01", "after:2024-05-10", "before:2024-03-02",
    "after:2024-03-02 before:2024-03-04", "after:2024-03-04 before:2024-03-04", "e-mail", "!!!", "-", "",
    "tag:work", "tag:WORK ferry", "tag:boats OR tag:work", "-tag:boats ferry", "-tag:boats OR tag:work",
    "tag:nothing", "is:bookmarked", "-is:bookmarked tag:work", "is:unread ferry", "is:read", "is:bookmarked is:unread",
    "-is:bookmarked is:read", "ferry sort:date", "x" * 105, "rail " + "y" * 105, f'"mountain {"z" * 101} line"',
    "istanbul", "İstanbul", "ISTANBUL", "headline:istanbul", "ist*", "İst*", "İs*", '"across istanbul"', "izmir",
    "source:İZMİR", "by:ayse", "i̇stanbul", "a" * 98 + "İ", "a" * 99 + "İ", "д" * 49, "д" * 50,
    "ferry AND timetable", "ferry NOT timetable", "NOT ferry", "library OR NOT storm", "NOT tag:boats AND is:read",
    "-(ferry OR rail)", "headline:(rail OR library)", "-headline:(ferry OR rail)", "NOT (storm OR library)",
    "-(harbour timetable)", "headline:(harbour wall) OR library", 'by:("Tom Reeve" OR quill) -(libr* OR storm)',
    "Mayor (72) resigns", "(ferry OR rail)", "(ferry", "10:30 ferry",
    'feed:"coast radio"', 'feed:"Coast"', "feed:coast", '-feed:"Fernby Post" ferry', 'feed:"izmir postasi"',
    'feed:"ISLAND  notes"', 'feed:"Island Notes" OR feed:"Coast Radio"', 'feed:"!!!"',
    "परिषद", "सेवा", '"नई बस"', "शुरू", "headline:परि*", "\u093f", "\u07a6", "x\u07a6",  # lone vowel signs
    "0⑴*", "01*", '"⑴ harb*"',  # ⑴ folds to "(1)": one word, not the words 0 and 1
    "FERRY|0:BY",  # the last word of pieces beside an OR: begun as the fallback begins it (hypothesis found it)
]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, SearchIndex]]:
    store = Store(tmp_path_factory.mktemp("fallback") / "store")
    store.add([(a, f"{name}.txt") for name, a in STORIES.items()])
    yield store, SearchIndex.open(store)


_FILLER_WORDS = {w for text in [*FILLER, *STORIES["quiet"].body] for _, w in folded(text)}
_FILLER_STEMS = {w for text in [*FILLER, *STORIES["quiet"].body] for _, w in stemmed(text)}


def _in_story_text(term: object) -> bool:
    """Whether a query term can match words of the story text, which the fallback cannot see."""
    kind, text = getattr(term, "kind", ""), getattr(term, "text", "")
    if kind == "prefix":
        last = [w for _, w in folded(text)][-1:]
        options = {*last, *(w for word in last for _, w in stemmed(word))}
        return any(w.startswith(o) for w in _FILLER_WORDS | _FILLER_STEMS for o in options)
    return any(w in _FILLER_STEMS for _, w in stemmed(text))


def through_both(both: tuple[Store, SearchIndex], text: str) -> tuple[set[str], set[str]]:
    """The stories each engine finds, or for both the refusal each gives (e.g. nothing to search for)."""
    store, index = both
    query = parse_query(text)  # parsed once, run twice
    try:
        by_index = index.run(query, states=STATES)
    except QueryError as exc:
        with pytest.raises(QueryError) as refused:
            WordFilter().run(query, store.stories(), STATES)
        return {f"refused: {exc}"}, {f"refused: {refused.value}"}
    by_filter = WordFilter().run(query, store.stories(), STATES)
    assert by_filter.terms == by_index.terms
    assert by_filter.total == len(by_filter.ids)
    return {NAME[i] for i in by_index.ids}, {NAME[i] for i in by_filter.ids}


@pytest.mark.parametrize("text", QUERIES)
def test_the_fallback_finds_what_the_index_finds(both: tuple[Store, SearchIndex], text: str) -> None:
    by_index, by_filter = through_both(both, text)
    assert by_filter == by_index


def test_parentheses_after_minus_or_a_field_group_the_words(both: tuple[Store, SearchIndex]) -> None:
    """"-(ferry OR rail)" was read as "(-ferry) OR rail" and listed the rail story, and
    "headline:(rail OR library)" limited only "rail" to headlines."""
    everything = set(STORIES)
    ferry_or_rail = {"harbour0", "harbour1", "harbour2", "harbour3", "night", "wire"}
    assert through_both(both, "-(ferry OR rail)") == (everything - ferry_or_rail,) * 2
    assert through_both(both, "NOT (ferry OR rail)") == (everything - ferry_or_rail,) * 2
    assert through_both(both, "headline:(rail OR library)") == ({"wire", "library"},) * 2
    assert through_both(both, "-headline:(ferry OR rail)") == through_both(both, "-headline:ferry -headline:rail")


@pytest.mark.parametrize("text", ["istanbul", "ISTANBUL", "İstanbul", "headline:istanbul", "ist*", "İst*",
                                  '"across istanbul"', "source:izmir", "by:ayse"])
def test_turkish_dotted_capital_i_is_found_by_i(both: tuple[Store, SearchIndex], text: str) -> None:
    """"İSTANBUL" was found only by "İstanbul" (İ lowercases to i and a combining dot), and
    "İst*" found nearly every story: now İ is I to both engines, as other accents fold."""
    assert through_both(both, text) == ({"drill"}, {"drill"})


def test_the_issues_four_queries_are_answered(both: tuple[Store, SearchIndex]) -> None:
    """On the issue's store these gave 0 results in the fallback: now they give the index's."""
    found = {text: through_both(both, text)[1] for text in ("-ferry", "ferry OR rail", "headline:rail")}
    assert found["ferry OR rail"] == {"harbour0", "harbour1", "harbour2", "harbour3", "night", "wire"}
    assert found["headline:rail"] == {"wire"}
    assert "wire" in found["-ferry"] and "harbour0" not in found["-ferry"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERY_TEXT)
def test_any_query_gives_the_same_set_or_a_query_error(both: tuple[Store, SearchIndex], text: str) -> None:
    # Letters newer than this Python's Unicode tables (tantivy's Rust may know them) split differently.
    assume(all(unicodedata.category(c) != "Cn" for c in text))
    try:
        query = parse_query(text)
    except QueryError:
        return
    if any(t.field == "body" for group in query.groups for t in group):
        return  # refused by the fallback: see below
    if any(_in_story_text(t) for q in (query, begun(query)) for group in q.groups for t in group):
        return  # the story text (FILLER) holds it, or a word it begins (":NOT", "not*": "note"): only the index sees
    by_index, by_filter = through_both(both, text)
    assert by_filter == by_index


def test_what_the_fallback_cannot_do_it_says(both: tuple[Store, SearchIndex]) -> None:
    store, index = both
    query = parse_query("lighthouse OR library")  # in "quiet"'s story text only; in "library"'s headline
    result = WordFilter().run(query, store.stories(), STATES)
    assert {NAME[i] for i in index.run(query, states=STATES).ids} == {"library", "quiet"}
    assert {NAME[i] for i in result.ids} == {"library"}
    assert NOT_TEXT in result.note and NOT_RANKED in result.note
    assert WordFilter().run(parse_query("headline:library sort:date"), store.stories(), STATES).note == ""
    with pytest.raises(QueryError, match="body: needs the search index"):
        WordFilter().run(parse_query("body:ferry"), store.stories(), STATES)


def test_limit_keeps_the_total(both: tuple[Store, SearchIndex]) -> None:
    whole = WordFilter().run(parse_query("ferry"), both[0].stories(), {})
    result = WordFilter().run(parse_query("ferry"), both[0].stories(), {}, limit=2)
    assert (result.ids, result.total) == (whole.ids[:2], 5)


@pytest.mark.parametrize("text", [
    "Ferries, running-Séoul Œuvre straße Łódź Ærø café naïve",
    "a " + "x" * 99 + " b " + "y" * 100 + " c " + "é" * 50 + " d " + "é" * 49 + "x",
    "Harbour town votes on new ferry timetable 3; (Reporting by Mia Berg)\nTom Reeve",
    "generously organised happiness, dying skies and agreed feeds in 2024-03-05 10:30",
    "ª º µ ĸ Ŀŀ ŉ ſ ƀ Ə ǅ ﬁ ² ① ⑴ Ⅻ İstanbul ΣΟΦΟΣ Ёлка Ωμέγα",
    "İSTANBUL TÜRKİYE İzmir Iğdır Işıl yılmaz İ i̇stanbul İ̇x",
    "a" * 98 + "İ " + "b" * 99 + "İ " + "c" * 97 + "İİ",  # İ counts one byte, as the index is given I
    "Ο Οδυσσέας στην Ιθάκη· ΣΕΙΣΜΟΣ ΣΤΗΝ ΑΘΗΝΑ, ΐ ΰ Ϊ ᾄδω ὁ ἀγών " + "ἀ" * 40 + " " + "ά" * 49,  # Greek unaccented
])
def test_the_python_analyser_gives_the_index_tokens(text: str) -> None:
    # The index is given spaced(text) (schema.story_document), a query's words too (execute).
    assert stemmed(text) == [(t.position, t.text) for t in STEMMED.pre_tokenize(spaced(text)).tokens]
    assert [t for _, t in folded(text)] == FOLDED.analyze(spaced(text))


def folding_table() -> dict[str, str]:
    """What tantivy folds each lowercase or uncased letter or digit to, where that is not
    itself (the source of store/search/folding.py)."""
    table = {}
    for code in range(0x80, 0x110000):
        char = chr(code)
        if char.isalnum() and char.lower() == char and (folded := FOLDED.analyze(char)) != [char]:
            assert len(folded) == 1, (char, folded)
            table[char] = folded[0]
    return table


def test_the_folding_table_is_tantivys() -> None:
    assert {chr(k): v for k, v in FOLD_TABLE.items()} == folding_table()
    wrong = {}
    for code in range(0x80, 0x110000):  # every letter and digit, upper case too, through the fallback
        char = chr(code)
        if char.isalnum() and [t for _, t in folded(char)] != FOLDED.analyze(spaced(char)):
            wrong[char] = ([t for _, t in folded(char)], FOLDED.analyze(spaced(char)))
    assert wrong == {}


def test_the_query_language_imports_no_tantivy() -> None:
    code = ("import sys\n"
            "import broadsheet.store.search.query, broadsheet.store.search.analysis, broadsheet.store.reader.filter\n"
            "from broadsheet.store.search import parse_query, QueryError, SearchResult\n"
            "parse_query('ferry OR rail -tag:x after:2024-01-01')\n"
            "assert 'tantivy' not in sys.modules, sorted(m for m in sys.modules if 'tantivy' in m)\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_full_token_cache_is_replaced_and_answers_stay_right(monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.search import analysis

    monkeypatch.setattr(analysis, "_CACHE_MAX", 3)
    monkeypatch.setattr(analysis, "_ANALYSED", {})
    first = analysis._ANALYSED
    assert analysis.stems("Ferries run late, ferries") == ("ferri", "run", "late", "ferri")
    assert analysis.stem_set("Harbour walls and harbours") == {"harbour", "wall", "and"}
    assert analysis._ANALYSED is not first and first == {"Ferries": "ferri", "run": "run", "late": "late",
                                                         "ferries": "ferri"}


@pytest.mark.parametrize("asked", [0, 2])
def test_a_pass_of_the_fallback_stops_once_told(both: tuple[Store, SearchIndex], asked: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``STOP_EVERY`` stories it asks whether it is still wanted; told no, it gives up."""
    store, _ = both
    monkeypatch.setattr(filter_module, "STOP_EVERY", 2)
    calls: list[bool] = []

    def stop() -> bool:
        calls.append(len(calls) >= asked)
        return calls[-1]

    with pytest.raises(SearchCancelled):
        WordFilter().run(parse_query("ferry"), store.stories(), {}, stop=stop)
    assert len(calls) == asked + 1
    assert WordFilter().run(parse_query("ferry"), store.stories(), {}, stop=lambda: False).total > 0


def test_a_feeds_title_finds_its_stories_not_a_longer_titles(tmp_path: Path) -> None:
    titles = {"a": "Top Stories", "b": "Top Stories (b.example)", "c": "TOP  stories", "d": "World Top Stories",
              "e": 'Top "Stories"', "f": "Café Notes"}
    stories = {name: Article(headline=f"Quay lights {name}", body=FILLER, published="2024-03-03", source=title)
               for name, title in titles.items()}
    store = Store(tmp_path / "store")
    store.add([(a, f"{name}.txt") for name, a in stories.items()])
    names = {a.story_id: name for name, a in stories.items()}
    index = SearchIndex.open(store)
    for text, wanted in (('feed:"Top Stories"', {"a", "c", "e"}), ('feed:"top stories (B.EXAMPLE)"', {"b"}),
                         ('feed:"cafe notes"', {"f"}), ('-feed:"Top Stories" quay', {"b", "d", "f"}),
                         ('feed:"Stories"', set()), ("feed:stories", {"a", "b", "c", "d", "e"}),
                         # in parentheses too: they were the phrase of the title's words, as source:"..."
                         ('feed:("Top Stories")', {"a", "c", "e"}), ('-feed:("Top Stories") quay', {"b", "d", "f"}),
                         ('feed:("Top Stories" OR "Cafe Notes")', {"a", "c", "e", "f"}),
                         ("feed:(top stories)", {"a", "b", "c", "d", "e"})):
        query = parse_query(text)
        assert {names[i] for i in index.run(query, states={}).ids} == wanted, text
        assert {names[i] for i in WordFilter().run(query, store.stories(), {}).ids} == wanted, text


def test_two_long_feed_titles_alike_at_the_start_are_two_feeds(tmp_path: Path) -> None:
    start = "Harbour bulletin " * 30  # 510 characters: longer than the index keeps of a title whole
    stories = {name: Article(headline=f"Quay lights {name}", body=FILLER, published="2024-03-03",
                             source=f"{start}{name}") for name in ("north", "south")}
    store = Store(tmp_path / "store")
    store.add([(a, f"{name}.txt") for name, a in stories.items()])
    query = parse_query(f'feed:"{start}north"')
    wanted = [stories["north"].story_id]
    assert SearchIndex.open(store).run(query, states={}).ids == wanted
    assert WordFilter().run(query, store.stories(), {}).ids == wanted

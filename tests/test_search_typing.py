"""Search as you type: a last word no story holds is searched as the start of words (``ferr`` as ``ferr*``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Label

from broadsheet.cli.main import main
from broadsheet.store.model import Article
from broadsheet.store.reader.filter import WordFilter
from broadsheet.store.search import SearchIndex
from broadsheet.store.search.query import QueryError, parse_query
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.pilot import KEY_NAMES, settle

STORIES = {
    "ferry": Article(headline="Night ferry service cut", body=["The ferry to Skarn stops in May."],
                     published="2024-01-15"),
    "ferries": Article(headline="Ferries return to the bay", body=["Two boats sailed at dawn."],
                       published="2024-02-01"),
    "harbour": Article(headline="Harbour wall repaired", body=["Ferrymen helped to carry stones."],
                       published="2024-02-10"),
    "timetable": Article(headline="Council meets on Tuesday", body=["A new timetable for the ferry was agreed."],
                         published="2024-03-20"),
    "lighthouse": Article(headline="Lighthouse keeper retires", body=["He kept the lamp for forty years."],
                          published="2024-03-01"),
    "fern": Article(headline="Fern garden opens", body=["Visitors walked among the trees."], published="2024-03-05"),
    "cat": Article(headline="Cat rescued from a tree", body=["Neighbours cheered."], published="2024-03-07"),
    "category": Article(headline="A new category of prizes", body=["Judges were named."], published="2024-03-09"),
}
NAME = {story.story_id: name for name, story in STORIES.items()}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, SearchIndex]]:
    store = Store(tmp_path_factory.mktemp("typing") / "store")
    store.add([(story, f"{name}.txt") for name, story in STORIES.items()])
    yield store, SearchIndex.open(store)


def found(indexed: tuple[Store, SearchIndex], text: str) -> list[str]:
    return [NAME[sid] for sid in indexed[1].search(text, states={}).ids]


@pytest.mark.parametrize(("text", "expected", "marked"), [
    ("ferr", {"ferry", "ferries", "harbour", "timetable"}, ["ferr*"]),
    ("fer", {"ferry", "ferries", "harbour", "timetable", "fern"}, ["fer*"]),
    ("lighth", {"lighthouse"}, ["lighth*"]),
    ("categ", {"category"}, ["categ*"]),
    ("headline:ferr", {"ferry", "ferries"}, ["headline:ferr*"]),  # in its field only
    ("body:ferr", {"ferry", "harbour", "timetable"}, ["body:ferr*"]),
    ("-ferr", {"lighthouse", "fern", "cat", "category"}, []),
    ("NOT lighth", set(STORIES) - {"lighthouse"}, []),
    ("bay ferr", {"ferries"}, ["bay", "ferr*"]),
    ("tree OR lighth", {"cat", "fern", "lighthouse"}, ["tree", "lighth*"]),
    ("ferr sort:date", {"ferry", "ferries", "harbour", "timetable"}, ["ferr*"]),
    ("ferr -tag:work is:unread", {"ferry", "ferries", "harbour", "timetable"}, ["ferr*"]),  # filters after it
    ("lighth -(bay OR tree)", set(), ["lighth"]),  # a word before parentheses is whole
])
def test_a_last_word_no_story_holds_finds_the_words_it_begins(indexed: tuple[Store, SearchIndex], text: str,
                                                              expected: set[str], marked: list[str]) -> None:
    result = indexed[1].search(text, states={})
    assert {NAME[sid] for sid in result.ids} == expected
    assert result.total == len(expected)
    assert result.terms == marked  # highlighted as a prefix: "ferr" marks "ferry"


def test_a_half_typed_word_lists_its_matches_newest_first(indexed: tuple[Store, SearchIndex]) -> None:
    assert found(indexed, "ferr") == ["timetable", "harbour", "ferries", "ferry"]


def test_a_whole_word_keeps_its_exact_ranked_meaning(indexed: tuple[Store, SearchIndex]) -> None:
    # "cat" is held: it finds "cat" alone, not "category", and ranks by relevance as before
    result = indexed[1].search("cat", states={})
    assert [NAME[sid] for sid in result.ids] == ["cat"] and result.terms == ["cat"] and result.query.begun is None
    assert found(indexed, "categ") == ["category"]
    # "ferry" (and "ferries", the same stem) in a headline ranks first, the newest story last: not
    # newest first, and not "ferrymen", which "ferry" does not find
    assert found(indexed, "ferry") == ["ferry", "ferries", "timetable"]
    assert found(indexed, "ferry") == found(indexed, "ferry sort:relevance")
    # a word earlier in the query is whole: only the last one may be half typed
    assert found(indexed, "ferr bay") == []
    assert found(indexed, '"ferr"') == []  # a phrase is exact


def test_a_half_typed_word_beside_a_whole_one_ranks_nothing(tmp_path: Path) -> None:
    """The whole word ranks; the half-typed one only narrows, however often a story holds it.

    "gull" is as strong in both stories' bodies (once each, bodies of one length); "lighthouse"
    fills one of them. Ranked by it, that story would come first; it must not: the stories tie
    on "gull" and the tie goes to the newest."""
    store = Store(tmp_path / "store")
    stories = {
        "older": Article(headline="Coast report", published="2024-01-01",
                         body=["A gull sat on the lighthouse lighthouse lighthouse lighthouse roof."]),
        "newer": Article(headline="Coast report", published="2024-02-01",
                         body=["A gull sat on the lighthouse by the stone roof."]),
    }
    store.add([(story, f"{name}.txt") for name, story in stories.items()])
    names = {story.story_id: name for name, story in stories.items()}
    index = SearchIndex.open(store)
    assert [names[sid] for sid in index.search("gull lighth", states={}).ids] == ["newer", "older"]
    assert [names[sid] for sid in index.search("gull lighthouse", states={}).ids] == ["older", "newer"]


def test_a_word_of_one_or_two_letters_stays_a_word(indexed: tuple[Store, SearchIndex]) -> None:
    """"f" or "fe" as a prefix matches most of a large store (at 100,000 stories "dr" 99,778 of
    them, 15-45 ms): it stays a word until a third letter, which "fer" shows does begin words."""
    assert found(indexed, "f") == [] and found(indexed, "fe") == []
    assert len(found(indexed, "fer")) == 5


def test_a_word_that_begins_no_word_still_finds_nothing(indexed: tuple[Store, SearchIndex],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    result = indexed[1].search("ferrz", states={})
    assert result.ids == [] and result.total == 0
    folder = str(indexed[0].folder)
    assert main(["--store", folder, "search", "ferrz"]) == 0
    assert capsys.readouterr().err.strip() == "0 stories"
    assert main(["--store", folder, "search", "lighth"]) == 0  # the command line agrees with the reader
    captured = capsys.readouterr()
    assert "Lighthouse keeper retires" in captured.out and captured.err.strip() == "1 story"


def test_the_fallback_searches_a_half_typed_word_as_the_index_does(indexed: tuple[Store, SearchIndex]) -> None:
    """Before the index opens the reader answers from the story list (headlines and such)."""
    store = indexed[0]
    result = WordFilter().run(parse_query("headline:ferr"), store.stories(), {})
    assert {NAME[sid] for sid in result.ids} == {"ferry", "ferries"}
    assert result.terms == ["headline:ferr*"]
    assert WordFilter().run(parse_query("headline:ferry"), store.stories(), {}).terms == ["headline:ferry"]


def test_a_half_typed_word_with_punctuation_inside_finds_the_words_it_begins(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"covid-1", on the way to "covid-19", is "covid" then words beginning "1": it found nothing
    because a story held "1" (only the last piece was looked up), where "covid-" and "covid-19" found the story."""
    store = Store(tmp_path / "store")
    covid = Article(headline="COVID-19 cases fall", body=["Covid-19 cases fell."], published="2024-03-16")
    store.add([(covid, None), (Article(headline="Budget vote", body=["Passed by 1 vote."], published="2024-03-17"),
                               None)])
    index = SearchIndex.open(store)
    for text in ("covid-", "covid-1", "covid-19", "headline:covid-1"):
        assert index.search(text, states={}).ids == [covid.story_id], text
    typed = index.search("covid-1", states={})
    assert typed.terms == ["covid-1*"] and typed.query.begun is not None
    assert index.search("covid-19", states={}).query.begun is None  # held: its exact meaning
    assert index.search("covid-12", states={}).ids == []  # begins no word
    fallback = WordFilter().run(parse_query("headline:covid-1"), store.stories(), {})
    assert fallback.ids == [covid.story_id] and fallback.terms == ["headline:covid-1*"]
    assert main(["--store", str(store.folder), "search", "covid-1"]) == 0
    captured = capsys.readouterr()
    assert "COVID-19 cases fall" in captured.out and captured.err.strip() == "1 story"


def test_a_half_typed_word_left_out_stays_left_out_as_it_is_typed(tmp_path: Path) -> None:
    """"ferry -covid-1" found the covid-19 story again (a story held "1", and a search that leaves
    a phrase out finds stories either way), between "ferry -covid-" and "ferry -covid-19"."""
    store = Store(tmp_path / "store")
    stories = [Article(headline="Ferry strike over covid-19 rules", body=["Crews stayed home."],
                       published="2024-03-16"),
               Article(headline="Ferry timetable", body=["Boats leave at 1 pm."], published="2024-03-17"),
               Article(headline="Ferry fares rise", body=["Fares rose."], published="2024-03-18")]
    store.add([(story, None) for story in stories])
    index = SearchIndex.open(store)
    for text in ("ferry -covi", "ferry -covid-", "ferry -covid-1", "ferry -covid-19"):
        assert len(index.search(text, states={}).ids) == 2, text


def test_a_half_typed_word_with_punctuation_inside_is_begun_beside_an_or(tmp_path: Path) -> None:
    """"budget OR covid-1" found only the budget story: the OR found stories either way, so the
    covid-1 phrase was never tried as the start of "covid-19" (the fallback began it: they differed)."""
    store = Store(tmp_path / "store")
    covid = Article(headline="COVID-19 cases fall", body=["Covid-19 cases fell."], published="2024-03-16")
    budget = Article(headline="Budget vote", body=["Passed by 1 vote."], published="2024-03-17")
    store.add([(covid, None), (budget, None)])
    index = SearchIndex.open(store)
    for text in ("budget OR covid-1", "budget|covid-1"):
        found = index.search(text, states={})
        assert set(found.ids) == {covid.story_id, budget.story_id}, text
        fallback = WordFilter().run(parse_query(text), store.stories(), {})
        assert set(fallback.ids) == set(found.ids) and fallback.terms == found.terms, text
    assert index.search("budget OR covid-19", states={}).query.begun is None  # held whole: its exact meaning


async def test_a_phrase_typed_in_the_bar_is_searched_as_it_is_typed_without_an_error(filled_store: Store) -> None:
    """'"harbour town vo' said 'Unclosed quote: add a closing "' under the bar at every key until
    the quote was closed, and listed nothing new: it is a phrase being typed, its last word begun
    as '"harbour town vo*"' is (the command line still says the quote is unclosed)."""
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        error = app.screen.query_one("#search-error", Label)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("slash")
        typed = '"harbour town votes"'
        for n, key in enumerate(typed, 1):
            await pilot.press(KEY_NAMES.get(key, key))
            await settle(pilot)
            assert not error.display, f"{typed[:n]}: {error.render()}"
            if typed[:n] == '"harbour town vo':  # the four stories whose headlines say "Harbour town votes"
                assert headlines.count == 4
                assert "words beginning harbour town vo" in str(app.screen.query_one("#match-count", Label).render())
        assert headlines.count == 4  # the phrase closed, whole
    with pytest.raises(QueryError, match="Unclosed quote"):
        parse_query('"harbour town vo')


def test_stories_tied_in_score_and_date_keep_their_places_as_a_word_is_typed(tmp_path: Path) -> None:
    """Stories of one day that score alike were listed by story key once "ferry" was whole,
    but in the index's own order while "ferr" was typed (newest first, by document), so they
    swapped places at the key that completed the word and back at Backspace. Every order
    breaks such ties as the main list does for stories imported together: newest first, then
    by story id, highest first."""
    store = Store(tmp_path / "store")
    names = ("amber", "birch", "cedar", "dune", "elm", "fjord", "gorse", "heath", "inlet", "juniper")
    tied = [Article(headline=f"Ferry notice for {name}", body=[f"The ferry timetable changes at {name}."],
                    published="2024-02-03") for name in names]
    others = [Article(headline=f"Ferry notice for {name}", body=[f"The ferry timetable changes at {name}."],
                      published=day) for name, day in (("kestrel", "2024-02-01"), ("larch", "2024-02-05"))]
    ids = store.add([(story, None) for story in tied[:4] + others])
    ids += store.add([(story, None) for story in tied[4:]])  # another segment of the index
    # newest first, then by id, highest first: the main list's order of stories imported together
    listed = sorted(ids, key=lambda sid: (store.article(sid).published, sid), reverse=True)
    index = SearchIndex.open(store)
    for text in ("ferr", "ferry", "ferry sort:date", "ferry timet", "notice", "fer*"):
        assert index.run(parse_query(text, typing=True), states={}).ids == listed, text
        for size in (1, 3, 5):  # pages cut inside the tie of ten
            pages = [index.run(parse_query(text, typing=True), states={}, limit=size, offset=start).ids
                     for start in range(0, len(listed), size)]
            assert [sid for page in pages for sid in page] == listed, (text, size)

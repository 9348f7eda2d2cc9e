"""A word with a mark when the mark's set is filtered in Python (issue 17): the count from
every hit, the page from a window of the best hits grown as needed, or from a search within
the few kept. Every way must give the ids, their order and the total of one pass over all
hits, with many stories tied in score and in date."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from broadsheet.store.search import SearchCancelled, SearchIndex, execute
from broadsheet.store.search.query import parse_query
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import StoryState
from tests.factories import make_article

STORIES = 150


def _article(n: int) -> object:
    """Made-up stories: most tie on "ferry" (same text, same length) and share a date with others."""
    extra = ["Ferry ferry ferry."] * (n % 4 == 0) + ["The ferry was late."] * (n % 7 == 0)
    base = make_article(n)
    return make_article(n, body=[*base.body, *extra], published=f"2024-03-{(n % 9) + 1:02d}")


@pytest.fixture(scope="module")
def tied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SearchIndex, list[str]]]:
    store = Store(tmp_path_factory.mktemp("tied") / "store")
    ids = store.add([(_article(n), f"{n}.txt") for n in range(STORIES)])  # type: ignore[misc]
    yield SearchIndex.open(store), ids


def _states(ids: list[str], seed: int) -> dict[str, StoryState]:
    rng = random.Random(seed)
    return {sid: StoryState(read=rng.random() < 0.6, bookmarked=rng.random() < 0.1,
                            tags=("boats",) if rng.random() < 0.3 else ()) for sid in ids}


#: (PUSH_DOWN, TERM_SET_COST, FEW_KEPT, KEPT_KEY_COST, TIE_WINDOW, CHUNK): the reference is one pass over all hits.
WAYS = {
    "every hit": (0, 10**9, 0, 0, 10**9, 10**9),
    "windows grown": (0, 10**9, 0, 0, 0, execute.CHUNK),
    "looked up 7 at a time": (0, 10**9, 0, 0, 0, 7),
    "within the kept": (0, 10**9, 10**9, 0, execute.TIE_WINDOW, 7),
    "few kept, a window of every hit": (0, 10**9, 10**9, 10**9, 0, 7),
    "term set": (0, 0, execute.FEW_KEPT, execute.KEPT_KEY_COST, execute.TIE_WINDOW, execute.CHUNK),
    "default": (execute.PUSH_DOWN, execute.TERM_SET_COST, execute.FEW_KEPT, execute.KEPT_KEY_COST,
                execute.TIE_WINDOW, execute.CHUNK),
}
QUERIES = ["ferry is:unread", "ferry is:read", "ferry -is:bookmarked", "ferry is:bookmarked", "ferry tag:boats",
           "ferry -tag:boats", "late is:unread", "ferry sort:date is:unread", "ferry sort:date -tag:boats",
           "ferry OR late is:read", "ferry -late -is:read"]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("text", QUERIES)
def test_every_way_gives_one_pass_over_all_hits(tied: tuple[SearchIndex, list[str]], text: str, seed: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    index, ids = tied
    states = _states(ids, seed)
    answers: dict[str, list[tuple[list[str], int]]] = {}
    for way, (push_down, cost, few, key_cost, tie, chunk) in WAYS.items():
        monkeypatch.setattr(execute, "PUSH_DOWN", push_down)
        monkeypatch.setattr(execute, "TERM_SET_COST", cost)
        monkeypatch.setattr(execute, "FEW_KEPT", few)
        monkeypatch.setattr(execute, "KEPT_KEY_COST", key_cost)
        monkeypatch.setattr(execute, "TIE_WINDOW", tie)
        monkeypatch.setattr(execute, "CHUNK", chunk)
        answers[way] = [(r.ids, r.total) for r in (index.search(text, states=states, limit=limit)
                                                     for limit in (None, 1, 3, 10, 40))]
    reference = answers.pop("every hit")
    assert reference[0][1] > 0
    for way, answer in answers.items():
        assert answer == reference, way


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("text", QUERIES)
def test_a_first_page_listed_before_its_count_is_the_page_of_one_pass(
        tied: tuple[SearchIndex, list[str]], text: str, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader's first page (``count_later``) comes from a window sized by an estimate: the
    same stories in the same order as the search that counts; the estimate is said to be one."""
    index, ids = tied
    states = _states(ids, seed)
    monkeypatch.setattr(execute, "PUSH_DOWN", 0)
    monkeypatch.setattr(execute, "FEW_KEPT", 0)
    for cost in (10**9, 0):  # the marks filtered in Python, or (counting at once) in tantivy
        monkeypatch.setattr(execute, "TERM_SET_COST", cost)
        estimated = []
        for limit in (1, 3, 10, 40, 100):
            whole = index.search(text, states=states, limit=limit)
            first = index.run(parse_query(text), states=states, limit=limit, count_later=True)
            assert first.ids == whole.ids, (cost, limit)
            assert first.total == whole.total if first.counted else first.total >= len(first.ids)
            estimated.append(not first.counted)
        assert estimated[0] and not estimated[-1]  # a page of one: estimated; of 100, over half of all: counted


def test_the_count_is_every_hit_kept(tied: tuple[SearchIndex, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The total against the marks themselves: "ferry" is in every story."""
    index, ids = tied
    states = _states(ids, 3)
    monkeypatch.setattr(execute, "PUSH_DOWN", 0)
    monkeypatch.setattr(execute, "TERM_SET_COST", 10**9)
    unread = {sid for sid in ids if not states[sid].read}
    result = index.search("ferry is:unread", states=states, limit=5)
    assert result.total == len(unread) and set(result.ids) <= unread and len(result.ids) == 5
    assert index.search("ferry -tag:boats", states=states, limit=0).total == sum(
        "boats" not in states[sid].tags for sid in ids)


@pytest.mark.parametrize("asked", [0, 1, 3, 6])
def test_a_filtered_search_stops_between_its_steps_once_told_and_the_next_runs_whole(
        tied: tuple[SearchIndex, list[str]], monkeypatch: pytest.MonkeyPatch, asked: int) -> None:
    """The reader's worker is replaced by the next key typed: the search it ran gives up at its
    next step (after ``asked`` steps went on) rather than finish a pass nobody will see."""
    index, ids = tied
    states = _states(ids, 4)
    monkeypatch.setattr(execute, "PUSH_DOWN", 0)
    monkeypatch.setattr(execute, "TERM_SET_COST", 10**9)
    monkeypatch.setattr(execute, "CHUNK", 16)  # 150 hits: ten steps of looking keys up
    whole = index.search("ferry is:unread", states=states, limit=10)
    calls: list[bool] = []

    def stop() -> bool:
        calls.append(len(calls) >= asked)
        return calls[-1]

    with pytest.raises(SearchCancelled):
        index.search("ferry is:unread", states=states, limit=10, stop=stop)
    assert len(calls) == asked + 1
    again = index.search("ferry is:unread", states=states, limit=10, stop=lambda: False)
    assert (again.ids, again.total) == (whole.ids, whole.total)

"""A bare word's page from the stories holding it outside its commonest field (issue 17): the
ids, their order and the total must be those of the whole query, ties and deleted stories
included, and the way must really be taken where it can be."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from broadsheet.store.model import Image
from broadsheet.store.search import SearchIndex, execute, wordtop
from broadsheet.store.search.query import parse_query
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import StoryState
from tests.factories import make_article

STORIES = 240
WORDS = ["ferry", "harbour", "gull", "tide", "pier", "storm", "lantern"]


def _article(n: int, rng: random.Random) -> object:
    """Made-up stories: each word in many bodies, in few headlines and captions, with repeats
    (and equal lengths) so that many stories tie in score."""
    words = rng.sample(WORDS, 4)
    body = [" ".join(rng.choice(words) for _ in range(rng.choice([3, 3, 5, 9]))) + " boats."]
    headline = f"Town news {n}" + (f" {words[0]}" if rng.random() < 0.08 else "")
    standfirst = f"About {words[1]}." if rng.random() < 0.03 else None
    images = [Image(f"A {words[2]} at dusk.", "Photo: Ben Wick")] if rng.random() < 0.04 else []
    return make_article(n, headline=headline, body=body, standfirst=standfirst, images=images,
                        published=f"2024-03-{(n % 9) + 1:02d}")


def _store(folder: Path, seed: int) -> tuple[Store, list[str]]:
    rng = random.Random(seed)
    store = Store(folder)
    ids = store.add([(_article(n, rng), f"{n}.txt") for n in range(STORIES)])  # type: ignore[misc]
    return store, ids


@pytest.fixture(scope="module")
def harbour(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, SearchIndex, list[str]]]:
    store, ids = _store(tmp_path_factory.mktemp("wordtop") / "store", 5)
    yield store, SearchIndex.open(store), ids


def _answers(index: SearchIndex, text: str, limits: tuple[int | None, ...]) -> list[tuple[list[str], int]]:
    return [(r.ids, r.total) for r in (index.search(text, states={}, limit=limit) for limit in limits)]


class _Answered:
    """A wordtop function that counts the calls it answered (not None): the way was taken."""

    def __init__(self, way: Callable[..., object]) -> None:
        self.way = way
        self.answered = 0

    def __call__(self, *args: object) -> object:
        found = self.way(*args)
        self.answered += found is not None
        return found


def _compare(index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every word alone, both ways, at several limits; returns how often the pruned way answered."""
    counting = _Answered(wordtop.best_of_word)
    limits = (None, 0, 1, 2, 3, 5, 8)
    for tie_window in (0, 1, 4):
        monkeypatch.setattr(execute, "TIE_WINDOW", tie_window)
        for word in [*WORDS, "boats", "town", "dusk"]:
            monkeypatch.setattr(execute, "best_of_word", counting)
            fast = _answers(index, word, limits)
            monkeypatch.setattr(execute, "best_of_word", lambda *_args: None)
            whole = _answers(index, word, limits)
            assert fast == whole, (word, tie_window)
    return counting.answered


def test_the_page_and_total_are_those_of_the_whole_query(harbour: tuple[Store, SearchIndex, list[str]],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _, index, _ = harbour
    assert _compare(index, monkeypatch) > 20  # the way was taken, so the comparison means something


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_stores_and_seeds(tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = _store(tmp_path / "store", seed)
    _compare(SearchIndex.open(store), monkeypatch)


@pytest.mark.parametrize("seed", [5, 8])
def test_a_word_with_a_mark_takes_its_window_from_the_stories_holding_it_elsewhere(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mark filtered in Python looks through a window of the word's best hits: from wordtop
    where it can tell, they are the whole query's, so the page and the total are the same, for
    a first page before its count and for one that counts."""
    store, ids = _store(tmp_path / "store", seed)
    index = SearchIndex.open(store)
    rng = random.Random(seed)
    states = {sid: StoryState(bookmarked=rng.random() < 0.3, read=rng.random() < 0.5) for sid in ids}
    monkeypatch.setattr(execute, "PUSH_DOWN", 0)  # every mark set filtered in Python, as at a million stories
    monkeypatch.setattr(execute, "TERM_SET_COST", 10**9)
    monkeypatch.setattr(execute, "FEW_KEPT", 0)
    counting = _Answered(wordtop.best_hits_of_word)
    for tie_window, word, mark in itertools.product((0, 2), WORDS, ("is:unread", "is:read", "-is:bookmarked")):
        monkeypatch.setattr(execute, "TIE_WINDOW", tie_window)  # the window: the page, the share kept, ties
        query = parse_query(f"{word} {mark}")
        for limit, later in itertools.product((1, 2, 3, 5), (True, False)):
            monkeypatch.setattr(execute, "best_hits_of_word", counting)
            fast = index.run(query, states=states, limit=limit, count_later=later)
            monkeypatch.setattr(execute, "best_hits_of_word", lambda *_args: None)
            whole = index.run(query, states=states, limit=limit, count_later=later)
            assert (fast.ids, fast.total, fast.counted) == (whole.ids, whole.total, whole.counted), \
                (word, mark, limit, later)
    assert counting.answered > 20  # the way was taken, so the comparison means something


def test_the_total_counts_every_story_holding_the_word(harbour: tuple[Store, SearchIndex, list[str]],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The total against the stories themselves, with the count made from doc_freq."""
    store, index, ids = harbour
    monkeypatch.setattr(execute, "TIE_WINDOW", 0)
    taken = 0
    for word in WORDS:
        holding = {sid for sid in ids if word in str(store.article(sid)).lower()}
        found = wordtop.best_of_word(index._searcher(), index._schema, _bm25(index), execute.FIELD_GROUPS[None],
                                     word, 2)
        taken += found is not None
        result = index.search(word, states={}, limit=2)
        assert result.total == len(holding) and set(result.ids) <= holding
        if found is not None:
            assert found[1] == len(holding)
    assert taken >= 3


def test_a_words_count_from_its_fields_is_the_whole_querys(harbour: tuple[Store, SearchIndex, list[str]]) -> None:
    """The count a word with a mark starts from (the marks' share of it sizes the page's window)."""
    store, index, ids = harbour
    searcher, bm25 = index._searcher(), _bm25(index)
    for word in [*WORDS, "boats", "town", "dusk", "wick", "absent"]:
        holding = sum(word in str(store.article(sid)).lower() for sid in ids)
        bare = execute._bare_word(parse_query(word))  # the fields and the indexed token ("ferry": "ferri")
        assert bare is not None
        everywhere = wordtop.count_of_word(searcher, index._schema, bm25, *bare)
        assert everywhere == holding == index.search(word, states={}, limit=0).total, word
        headlines = wordtop.count_of_word(searcher, index._schema, bm25, ("headline",), bare[1])
        assert headlines == index.search(f"headline:{word}", states={}, limit=0).total, word


def _bm25(index: SearchIndex) -> wordtop.Bm25:
    bm25 = wordtop.Bm25.of(index._searcher(), index._schema)
    assert bm25 is not None
    return bm25


def test_bm25_is_read_from_tantivy(harbour: tuple[Store, SearchIndex, list[str]]) -> None:
    _, index, _ = harbour
    bm25 = _bm25(index)
    assert bm25.docs == STORIES and bm25.weight == pytest.approx(2.2)


def test_deleted_stories_leave_the_whole_query_to_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """doc_freq counts deleted documents, so the way is not taken once a story is deleted, and
    the total still leaves the deleted stories out."""
    store, ids = _store(tmp_path / "store", 7)
    index = SearchIndex.open(store)
    before = index.search("ferry", states={}, limit=3).total
    gone = [sid for sid in ids if "ferry" in str(store.article(sid)).lower()][:5]
    index.remove(store, gone)
    searcher = index._searcher()
    assert _bm25(index).docs == STORIES and searcher.num_docs == STORIES - 5
    assert wordtop.best_of_word(searcher, index._schema, _bm25(index), execute.FIELD_GROUPS[None], "ferry", 1) is None
    assert wordtop.count_of_word(searcher, index._schema, _bm25(index), execute.FIELD_GROUPS[None], "ferri") is None
    assert index.search("ferry", states={}, limit=3).total == before - 5
    _compare(index, monkeypatch)


def _lantern_store(folder: Path, seed: int) -> Store:
    """Made-up stories where two words are in nearly every body and often in captions (so they
    weigh little there) and in headlines of every length now and then; "lantern" is also in a
    few standfirsts, some twice, which outscore the longer headlines."""
    rng = random.Random(seed)
    store = Store(folder)
    articles = []
    for n in range(300):
        words = ["lantern"] * rng.choice([1, 1, 2, 4]) + ["beacon"] * rng.choice([1, 2]) + ["quay"] * rng.randint(1, 9)
        body = [" ".join(words) + "." if rng.random() < 0.95 else "Quay."]
        filler = " ".join(rng.choice(["old", "new", "red", "quay", "night"]) for _ in range(rng.randint(0, 7)))
        headline = f"Town {n} {filler}" + rng.choice(["", "", "", "", "", "", "", "", " lantern", " beacon"])
        standfirst = rng.choice(["A lantern by the quay.", "Lantern, lantern!"]) if rng.random() < 0.05 else None
        images = [Image("A lantern and a beacon lit at dusk." if rng.random() < 0.4 else "Dusk.", "Photo: Ben Wick")]
        articles.append((make_article(n, headline=headline, body=body, standfirst=standfirst, images=images,
                                      published=f"2024-03-{(n % 9) + 1:02d}"), f"{n}.txt"))
    store.add(articles)  # type: ignore[arg-type]
    return store


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_first_try_with_fewer_fields_gives_the_whole_querys_page(tmp_path: Path, seed: int,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The stories holding the word in the fields that weigh most are tried first where that is
    likely to be enough: when the last of their best scores above all the fields left out could
    give, the page is the whole query's ("beacon": the headlines are enough); when not, the next
    set answers ("lantern": a standfirst may outscore a headline)."""
    index = SearchIndex.open(_lantern_store(tmp_path / "store", seed))
    tried: list[tuple[int, tuple[str, ...], list[Any]]] = []
    among = wordtop.best_among

    def recording(searcher: Any, schema: Any, present: Any, chosen: tuple[str, ...], *rest: Any) -> list[Any]:
        hits = among(searcher, schema, present, chosen, *rest)
        tried.append((len(present) - 1, chosen, hits))
        return hits

    monkeypatch.setattr(wordtop, "best_among", recording)
    monkeypatch.setattr(wordtop, "STAGED_LIKELY", 0.0)  # a smaller set is tried wherever SHARE allows
    monkeypatch.setattr(wordtop, "SHARE", 1)
    answered: Counter[str] = Counter()
    best = wordtop.best_hits_of_word

    def telling(*args: Any) -> list[Any] | None:
        tried.clear()
        hits = best(*args)
        if hits is not None:  # which try gave it: fewer fields than all but the body, or all of them
            others, chosen = next((others, chosen) for others, chosen, found in tried if found is hits)
            answered["fewer" if len(chosen) < others else "after a try" if len(tried) > 1 else "all"] += 1
        return hits

    monkeypatch.setattr(wordtop, "best_hits_of_word", telling)
    for word, tie_window, limit in itertools.product(("lantern", "beacon"), (0, 1, 4), (1, 2, 5, 8, 13, 20, 25, 40)):
        monkeypatch.setattr(execute, "TIE_WINDOW", tie_window)
        fast = index.search(word, states={}, limit=limit)
        monkeypatch.setattr(execute, "best_of_word", lambda *_args: None)
        whole = index.search(word, states={}, limit=limit)
        monkeypatch.setattr(execute, "best_of_word", wordtop.best_of_word)
        assert (fast.ids, fast.total) == (whole.ids, whole.total), (word, tie_window, limit)
    assert answered["fewer"] >= 3 and answered["after a try"] >= 3, answered

"""``tag:`` finds a tag whatever its case and accents, as a word is found (``tag:cafe`` finds
stories tagged "café"), in the index's search and in the word filter that answers while the
index opens; the tags themselves stay as they were typed."""

from __future__ import annotations

from pathlib import Path

from broadsheet.store.reader.filter import WordFilter
from broadsheet.store.reader.state import ReaderState
from broadsheet.store.search.engine import SearchIndex
from broadsheet.store.search.query import parse_query
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import StoryState
from tests.factories import make_article


def _tagged_store(tmp_path: Path) -> tuple[Store, list[str]]:
    """Six stories: 0 "café", 1 "cafe" (as an older version gave it), 2 "zürich" and the tag
    there of "café" ("cafe": as many stories spell it so, and it comes first), 3 "tea", 4 and 5
    none (tags as the tag editor and the command line keep them: lower-cased)."""
    store = Store(tmp_path / "store")
    ids = store.add([(make_article(i), None) for i in range(6)])
    store.user.edit_tags([ids[0]], add=["café"])
    store.user.change([ids[1]], lambda s: StoryState(tags=("cafe",)))
    store.user.edit_tags([ids[2]], add=["zürich", "café"])
    store.user.edit_tags([ids[3]], add=["tea"])
    return store, ids


SEARCHES = {  # query -> the stories it finds, by number
    "tag:cafe": {0, 1, 2}, "tag:CAFÉ": {0, 1, 2}, "tag:Cafe": {0, 1, 2}, "tag:zurich": {2}, "tag:ZÜRICH": {2},
    "-tag:cafe": {3, 4, 5}, "tag:zurich OR tag:tea": {2, 3}, "tag:cafe OR -tag:zurich": {0, 1, 2, 3, 4, 5},
    "-tag:café OR tag:zurich": {2, 3, 4, 5}, "tag:cafe -tag:zurich": {0, 1}, "tag:caf": set(),
}


def _found(ids: list[str], found: list[str]) -> set[int]:
    return {ids.index(sid) for sid in found}


def test_the_index_finds_a_tag_whatever_its_case_and_accents(tmp_path: Path) -> None:
    store, ids = _tagged_store(tmp_path)
    index = SearchIndex.open(store)
    reader = ReaderState(Store(store.folder))
    reader.load()  # the reader's marks, their keys read from marks.bin
    for states in (reader.states, store.user.all()):  # the marks' keys from marks.bin, or from the marks
        for text, wanted in SEARCHES.items():
            assert _found(ids, index.search(text, states=states).ids) == wanted, text
    # one tag of two spellings, named as most of its stories spell it, counted as choosing it lists
    assert reader.sidebar_counts()[1] == {"cafe": 3, "zürich": 1, "tea": 1}


def test_a_tag_given_after_the_marks_were_indexed_is_found_folded(tmp_path: Path) -> None:
    store, ids = _tagged_store(tmp_path)
    index = SearchIndex.open(store)
    reader = ReaderState(Store(store.folder))
    reader.load()
    assert _found(ids, index.search("tag:cafe", states=reader.states).ids) == {0, 1, 2}
    reader.edit_tags([ids[4]], ["café"], [])
    reader.edit_tags([ids[0]], [], ["café"])
    assert _found(ids, index.search("tag:cafe", states=reader.states).ids) == {1, 2, 4}
    assert _found(ids, index.search("-tag:Café", states=reader.states).ids) == {0, 3, 5}


def test_the_word_filter_finds_a_tag_whatever_its_case_and_accents(tmp_path: Path) -> None:
    store, ids = _tagged_store(tmp_path)
    states = store.user.all()
    for text, wanted in SEARCHES.items():
        assert _found(ids, WordFilter().run(parse_query(text), store.stories(), states).ids) == wanted, text

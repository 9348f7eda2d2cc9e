"""A story deleted leaves the index's term counts (``doc_freq``) until tantivy merges its
segment: a search must not take those counts for stories the index still has."""

from __future__ import annotations

from pathlib import Path

from broadsheet.store.search.engine import SearchIndex
from broadsheet.store.storage.db import Store
from tests.factories import make_article

SHOW = make_article(9, headline="Cat show opens at the harbour hall")


def _store_with_one_deleted(tmp_path: Path) -> tuple[Store, SearchIndex, list[str]]:
    """Three stories of a "Catalogue", the "Cat show" deleted, and five others; the index
    caught up with the delete as the reader's is (opened again), its segment not merged."""
    store = Store(tmp_path / "store")
    articles = [make_article(i) for i in range(5)] + [SHOW]
    articles += [make_article(10 + i, headline=f"Catalogue of old ferries printed {i}") for i in range(3)]
    ids = store.add([(a, None) for a in articles])
    assert SearchIndex.open(store).search("cat", states={}).total == 1
    store.delete([ids[5]])
    return store, SearchIndex.open(store), ids


def test_a_word_only_a_deleted_story_held_is_taken_as_the_start_of_words(tmp_path: Path) -> None:
    """"cat", held whole only by the story deleted, found nothing as a whole word ("0 matches")
    where it is the start of "Catalogue" as typed."""
    _, index, ids = _store_with_one_deleted(tmp_path)
    found = index.search("cat", states={})
    assert sorted(found.ids) == sorted(ids[6:]) and found.total == 3
    assert found.query.begun is not None and found.query.begun.text == "cat"  # the bar: "words beginning cat"
    assert index.search("harbour", states={}).total == 8  # a count over the stories left


def test_a_story_imported_again_after_its_delete_is_searched(tmp_path: Path) -> None:
    """The importer's adder skipped a story "the index has" by its key's count, which still
    counted the deleted one: imported again, it was listed but no search found it."""
    store, index, ids = _store_with_one_deleted(tmp_path)
    assert store.add([(SHOW, None)]) == [ids[5]]
    adder = index.adder(store)
    assert adder.add([(ids[5], SHOW)]) == 1
    adder.close()
    assert index.search('"cat show"', states={}).ids == [ids[5]]

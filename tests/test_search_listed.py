"""A search with marks and no words lists every story newest first from the store's listing,
not from a sort of the whole index (issue 17: 0.9 s and 175 MB at a million stories), and only
when the store and the index hold the same stories: otherwise it sorts the index, as before.
Each case that must fall back compares with an index told nothing of its store (today's path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.store.model import Article
from broadsheet.store.search import execute
from broadsheet.store.search.engine import SearchIndex
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import LazyStates
from tests.factories import make_article

QUERIES = ["is:bookmarked", "-is:bookmarked", "is:unread", "-is:read", "tag:boats", "-tag:boats is:bookmarked", ""]


@pytest.fixture
def sorts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Grows each time a search sorts the whole index on ``when``."""
    made: list[int] = []
    real = execute.Executor._newest
    monkeypatch.setattr(execute.Executor, "_newest", lambda self, view: made.append(1) or real(self, view))
    return made


def _stored(folder: Path, count: int = 12) -> tuple[Store, list[str]]:
    """A store whose stories share dates three by three (ties), some marked, its listing written."""
    store = Store(folder)
    ids = store.add([(make_article(i % 4 + 28 * (i // 4)), None) for i in range(count)])
    for sid in ids[::3]:
        store.user.toggle_bookmark(sid)
    for sid in ids[::2]:
        store.user.toggle_read(sid)
    store.user.edit_tags(ids[1::4], add=["boats"])
    store.write_listing()  # as an import does when it is done
    return store, ids


def _found(index: SearchIndex, store: Store, text: str, limit: int | None = None) -> tuple[list[str], int]:
    result = index.search(text, states=LazyStates(store.user), limit=limit)
    return result.ids, result.total


def _today(index: SearchIndex, store: Store, text: str, limit: int | None = None) -> tuple[list[str], int]:
    """What ``index`` finds as it searched before: told nothing of its store's listing (opening
    another index would catch it up with the store)."""
    told, index._store = index._store, None
    try:
        return _found(index, store, text, limit)
    finally:
        index._store = told


def _as_listed(store: Store, ids: list[str]) -> list[str]:
    """``ids`` in the order of the reader's main list."""
    wanted = set(ids)
    return [meta.id for meta in store.catalogue() if meta.id in wanted]


@pytest.mark.parametrize("text", QUERIES)
def test_marks_alone_list_the_stories_of_the_index_as_the_main_list_does(tmp_path: Path, text: str,
                                                                          sorts: list[int]) -> None:
    store, _ids = _stored(tmp_path / "store")
    index = SearchIndex.open(store)
    for limit in (None, 3, 100):
        ids, total = _found(index, store, text, limit)
        old_ids, old_total = _today(index, store, text, limit)
        assert total == old_total and len(ids) == len(old_ids)
        everything = _today(index, store, text)[0]
        assert ids == _as_listed(store, everything)[:limit]  # ties broken as the main list breaks them
    sorts.clear()
    _found(index, store, text, 3)
    assert not sorts  # the store's list: the index was not sorted


def test_dates_with_other_utc_offsets_are_listed_as_the_main_list_lists_them(tmp_path: Path,
                                                                            sorts: list[int]) -> None:
    """The main list and the index's ``when`` both order times as the instants they name: a
    search with marks alone lists as the main list (with no sort of its own), and ``sort:date``
    with words lists the same order."""
    store = Store(tmp_path / "store")
    east = make_article(1, published="2024-03-01T10:00:00+02:00")  # 08:00 UTC
    west = make_article(2, published="2024-03-01T09:00:00+00:00")
    ids = store.add([(east, None), (west, None)])[::-1]  # west is the newer
    store.write_listing()
    index = SearchIndex.open(store)
    assert _found(index, store, "is:unread")[0] == ids == [m.id for m in store.catalogue()]
    assert not sorts
    assert _found(index, store, "ferry sort:date")[0] == ids


def _swap_indexed(store: Store, gone: str, article: Article) -> str:
    """Another process adds ``article`` and deletes story ``gone``, keeping the index up (as an
    import does); the new story's id."""
    other = Store(store.folder)
    writer = SearchIndex.open(other)
    [new] = other.add([(article, None)])
    adder = writer.adder(other)
    adder.add([(new, article)])
    adder.close()
    other.delete([gone])
    writer.remove(other, [gone])
    return new


def test_changes_since_the_listing_was_written_are_merged_in(tmp_path: Path, sorts: list[int]) -> None:
    """Stories imported and deleted by another process, the index kept up by it (as an import
    does): the next search takes the new list, with the rows changed since the listing."""
    store, ids = _stored(tmp_path / "store")
    index = SearchIndex.open(store)
    assert _found(index, store, "is:unread")[1] == 6
    new = _swap_indexed(store, ids[1], make_article(3, headline="Night ferry added for the festival"))
    sorts.clear()
    found, total = _found(index, store, "is:unread")
    assert new in found and ids[1] not in found and total == 6
    assert found == _as_listed(store, found) and not sorts
    assert (found, total) == (_as_listed(store, _today(index, store, "is:unread")[0]), total)


def test_stories_swapped_by_a_process_that_left_the_index_behind_are_not_taken_from_the_list(
        tmp_path: Path, sorts: list[int]) -> None:
    """One story deleted and one added without the index (a writer killed before indexing): as
    many stories, other ones. The store changed since the index's stamp, so the index is sorted."""
    store, ids = _stored(tmp_path / "store")
    index = SearchIndex.open(store)
    _found(index, store, "is:unread")  # the list of the store as it was is kept
    other = Store(store.folder)
    other.delete([ids[1]])
    other.add([(make_article(5, headline="A story the index has not seen"), None)])
    other.write_listing()
    sorts.clear()
    for text in QUERIES:
        assert _found(index, store, text) == _today(index, store, text)
    assert sorts


def test_stories_the_index_has_not_caught_up_with_are_not_listed(tmp_path: Path, sorts: list[int]) -> None:
    store, _ids = _stored(tmp_path / "store")
    index = SearchIndex.open(store)
    [new] = Store(store.folder).add([(make_article(6), None)])  # imported, not yet indexed
    found, total = _found(index, store, "is:unread")
    assert new not in found and (found, total) == _today(index, store, "is:unread") and sorts


def test_a_searcher_that_could_not_reload_is_not_matched_with_the_new_list(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process swapped a story and indexed it, but this reader could not reload its
    index (mid-rewrite): its searcher still holds the old story, the stamp and store the new."""
    store, ids = _stored(tmp_path / "store")
    index = SearchIndex.open(store)
    new = _swap_indexed(store, ids[1], make_article(7))

    class Rewritten:
        """The index's tantivy index, whose reload fails as mid-rewrite."""

        def __init__(self, real: object) -> None:
            self._real = real

        def __getattr__(self, name: str) -> object:
            return getattr(self._real, name)

        def reload(self) -> None:
            raise ValueError("mid-rewrite")

    monkeypatch.setattr(index, "_index", Rewritten(index._index))
    found, _total = _found(index, store, "is:unread")
    assert ids[1] in found and new not in found  # what the searcher holds, sorted as before


def test_without_an_up_to_date_listing_the_index_is_sorted_and_nothing_is_written(tmp_path: Path,
                                                                                  sorts: list[int]) -> None:
    store, _ids = _stored(tmp_path / "store")
    (store.folder / "listing.bin").unlink()
    index = SearchIndex.open(store)
    assert store.listed_keys() is None
    assert _found(index, store, "is:bookmarked") == _today(index, store, "is:bookmarked") and sorts
    assert not (store.folder / "listing.bin").exists()  # a search never writes the listing
    store.write_listing()
    sorts.clear()
    assert _found(index, store, "-is:bookmarked")[1] == 8 and not sorts


def test_an_old_layout_store_has_no_listed_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import orjson

    from broadsheet.store.storage import db as store_db

    folder = tmp_path / "old"
    folder.mkdir()
    article = make_article(1)
    record = {**article.to_doc(), "shard": 0, "file": None, "imported": "2026-01-01T00:00:00+00:00"}
    record.pop("body")
    (folder / "articles.json").write_bytes(orjson.dumps({"articles": {article.story_id: record}}))
    monkeypatch.setattr(store_db.os, "access", lambda _path, _mode: False)  # a folder it may not write
    old = Store(folder)
    assert old.read_only and old.listed_keys() is None
    assert old.catalogue().keys().tolist() == [old.catalogue().key(0)]


def test_the_catalogue_keys_are_its_rows_keys_with_changes_merged(tmp_path: Path) -> None:
    store, ids = _stored(tmp_path / "store", 30)
    store.add([(make_article(40 + i), None) for i in range(3)])  # after the listing: merged rows
    store.delete([ids[0], ids[7], ids[-1]])
    catalogue = store.catalogue()
    keys = store.listed_keys()
    assert keys is not None and keys.typecode == "Q"
    assert keys.tolist() == [catalogue.key(i) for i in range(len(catalogue))] and len(keys) == 30


def test_an_index_holding_fewer_stories_than_its_stamp_says_is_sorted(tmp_path: Path, sorts: list[int]) -> None:
    """``broadsheet reindex`` in another process, part way: its commits empty the index and fill
    it again under a stamp that still names the store (it is rewritten at the end)."""
    import tantivy

    from broadsheet.store.storage.directory import story_key

    store, ids = _stored(tmp_path / "store")
    index = SearchIndex.open(store)
    rebuilding = tantivy.Index.open(str(store.folder / "index"))
    writer = rebuilding.writer(heap_size=15_000_000, num_threads=1)
    writer.delete_documents_by_query(tantivy.Query.term_query(rebuilding.schema, "key", story_key(ids[1])))
    writer.commit()
    writer.wait_merging_threads()
    sorts.clear()
    found, total = _found(index, store, "is:unread")
    assert ids[1] not in found and total == 5 and sorts  # what the index holds, sorted as before


def test_a_listing_that_fails_to_read_leaves_the_search_to_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     sorts: list[int]) -> None:
    store, _ids = _stored(tmp_path / "store")
    index = SearchIndex.open(store)

    def damaged(self: Store) -> None:
        raise ValueError("listing: block 0 is damaged")

    monkeypatch.setattr(Store, "listed_keys", damaged)
    assert _found(index, store, "is:unread") == _today(index, store, "is:unread") and sorts


def test_a_listing_of_version_03_gives_its_keys_with_changes_merged(tmp_path: Path) -> None:
    from broadsheet.store.storage import listing as listing_module
    from tests.test_store_listing import write_v03

    store, ids = _stored(tmp_path / "store")
    path = store.folder / "listing.bin"
    current = listing_module.Listing(path)
    rows, covered = list(current.stream()), current.covered
    current.close()
    write_v03(path, rows, covered)
    store.add([(make_article(40), None)])
    store.delete([ids[2]])
    catalogue = store.catalogue()
    keys = store.listed_keys()
    assert keys is not None and keys.tolist() == [catalogue.key(i) for i in range(len(catalogue))]
    assert path.read_bytes()[:8] == b"BSLIST03" and len(keys) == 12


def test_marks_combined_are_placed_from_a_kept_set_as_from_the_whole_list(tmp_path: Path) -> None:
    """A set made for one search (``tag:boats -is:read``, ``is:bookmarked tag:boats``) is placed
    from the places of a kept set holding it: the same ids, order and totals as a fresh index
    (which goes through the whole list), before and after marks change."""
    from broadsheet.store.reader.state import ReaderState

    store, ids = _stored(tmp_path / "store", 40)
    reader = ReaderState(store)
    reader.load()
    index = SearchIndex.open(store)
    typed = ["is:bookmarked", "tag:boats", "tag:boats -is:read", "is:bookmarked is:unread", "is:bookmarked tag:boats",
             "-tag:boats is:bookmarked", "is:read -is:bookmarked", "is:unread tag:boats is:bookmarked"]

    def compare() -> None:
        for text in typed:
            for limit in (None, 3):
                fresh = SearchIndex.open(store).search(text, states=reader.states, limit=limit)
                result = index.search(text, states=reader.states, limit=limit)
                assert (result.ids, result.total) == (fresh.ids, fresh.total), text

    compare()
    reader.toggle_bookmark(ids[1])
    reader.toggle_read(ids[3])
    reader.edit_tags([ids[0], ids[2]], ["boats"], [])
    compare()

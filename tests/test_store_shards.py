"""Metadata in shards and the directory: a write costs the same in a store of any size (issue 17)."""

from __future__ import annotations

import orjson
import pytest

from broadsheet.store.storage import db as store_db
from broadsheet.store.storage import directory as directory_module
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.directory import ENTRY
from tests.factories import forbid_sorting, make_article, meta_file


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 3)


def test_a_new_story_rewrites_only_the_newest_shard(store: Store, small_shards: None) -> None:
    store.add([(make_article(i), None) for i in range(8)])  # shards 0, 1, 2 (two in the last)
    before = {n: meta_file(store, n).stat().st_mtime_ns for n in range(3)}
    store.add([(make_article(100), None)])
    after = {n: meta_file(store, n).stat().st_mtime_ns for n in range(3)}
    assert after[0] == before[0] and after[1] == before[1] and after[2] != before[2]
    assert len(Store(store.folder)) == 9 == len(Store(store.folder).stories())


def test_a_batch_keeps_only_the_newest_shard_parsed(store: Store, small_shards: None) -> None:
    """Full shards are never written again by an import: their parses are let go, not cached
    (64 body shards of some 1.2 MB each stayed in the importing process); the newest is kept
    for the next batch to fill on, and a let-go shard reads again from its file."""
    articles = [make_article(i) for i in range(8)]  # shards 0, 1, 2 (two in the last)
    store.add([(a, None) for a in articles])
    assert set(store._shards) == {2} and set(store._metas) == {2}
    store.add([(make_article(100), None)])
    assert set(store._shards) == {2} and set(store._metas) == {2}
    assert store.article(articles[0].story_id) == Store(store.folder).article(articles[0].story_id)
    assert store.article(articles[0].story_id).body == articles[0].body


def test_the_same_stories_again_are_found_in_any_shard(store: Store, small_shards: None) -> None:
    articles = [make_article(i) for i in range(8)]
    store.add([(a, None) for a in articles])
    stored = Store(store.folder).add_identified([(a.story_id, a, None) for a in articles])
    assert {got for _sid, got in stored.results} == {"present"}
    assert len(Store(store.folder).stories()) == 8


def test_a_page_saved_again_is_found_by_its_address_in_an_old_shard(store: Store, small_shards: None) -> None:
    page = make_article(1, url="https://news.example/harbour-ferry", key=None)
    store.add([(page, None)] + [(make_article(i), None) for i in range(2, 9)])
    # a feed's copy with more text than the page (a summary would leave the page as it is)
    feed_copy = make_article(1, url="http://news.example/harbour-ferry/", key="feed-guid-1", headline="Ferry, updated",
                             body=[*page.body, "The new timetable starts next month."])
    stored = Store(store.folder).add_identified([(feed_copy.story_id, feed_copy, None)])
    assert stored.results == [(page.story_id, "updated")]
    assert Store(store.folder).article(page.story_id).headline == "Ferry, updated"


def test_stories_a_killed_writer_did_not_list_are_found_again(store: Store, small_shards: None) -> None:
    articles = [make_article(i) for i in range(7)]
    store.add([(a, None) for a in articles])
    path = store.folder / "directory.bin"
    path.write_bytes(path.read_bytes()[: 4 * ENTRY.size + 5])  # the last entries lost, one torn
    stored = Store(store.folder).add_identified([(a.story_id, a, None) for a in articles])
    assert {got for _sid, got in stored.results} == {"present"}
    assert path.stat().st_size % ENTRY.size == 0


def test_the_next_import_finds_stored_stories_without_sorting_the_directory(
        store: Store, small_shards: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # At a million stories the sort took 2.9 s of each import of one page: a writer keeps the
    # maps sorted beside the file, and the next store to write starts from them.
    monkeypatch.setattr(directory_module, "RECENT_LIMIT", 4)
    articles = [make_article(i) for i in range(9)]
    store.add([(a, None) for a in articles[:6]])
    Store(store.folder).add([(articles[6], None)])  # loads 6 entries: sorts them, keeps them sorted
    assert (store.folder / "directory-sorted.bin").exists()
    forbid_sorting(monkeypatch)
    stored = Store(store.folder).add_identified([(a.story_id, a, None) for a in articles])
    assert [got for _sid, got in stored.results] == ["present"] * 7 + ["new"] * 2
    assert len(Store(store.folder).stories()) == 9


def test_a_writer_that_added_nothing_does_not_load_the_directory_to_sort_it(
        store: Store, small_shards: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # The end of a fetch with nothing new: loading a million entries only to sort them is the
    # cost the sorted maps are there to spare.
    monkeypatch.setattr(directory_module, "KEEP_SORTED_AFTER", 4)
    store.add([(make_article(i), None) for i in range(6)])
    (store.folder / "directory-sorted.bin").unlink(missing_ok=True)
    idle = Store(store.folder)
    idle.keep_directory_sorted()
    assert not idle._directory.loaded and not (store.folder / "directory-sorted.bin").exists()
    store.keep_directory_sorted()  # the writer that added them sorts them
    assert (store.folder / "directory-sorted.bin").exists()


def test_a_lost_directory_is_rebuilt_from_the_shards(store: Store, small_shards: None) -> None:
    articles = [make_article(i) for i in range(7)]
    store.add([(a, None) for a in articles])
    (store.folder / "directory.bin").unlink()
    reader = Store(store.folder)
    assert reader.meta(articles[5].story_id).headline == articles[5].headline  # a read: rebuilt in memory
    assert not (store.folder / "directory.bin").exists()
    stored = reader.add_identified([(a.story_id, a, None) for a in articles])
    assert {got for _sid, got in stored.results} == {"present"}
    assert (store.folder / "directory.bin").stat().st_size == 7 * ENTRY.size


def test_a_deleted_story_imported_again_is_new(store: Store) -> None:
    article = make_article(1)
    store.add([(article, None)])
    store.delete([article.story_id])
    assert store.meta(article.story_id) is None and len(store) == 0
    assert store.add([(article, None)]) == [article.story_id]
    assert len(Store(store.folder)) == 1


def test_the_count_is_kept_without_reading_shards_and_recounted_after_a_crash(store: Store) -> None:
    store.add([(make_article(i), None) for i in range(5)])
    stamp = store.folder / "meta" / "stamp.json"
    assert orjson.loads(stamp.read_bytes())["stories"] == 5
    stamp.write_bytes(orjson.dumps({"stories": None, "at": 0}))  # killed between the two stamp writes
    assert len(Store(store.folder)) == 5


def test_a_store_in_the_old_layout_is_moved_to_shards(store: Store) -> None:
    page = make_article(1, url="https://news.example/a", key=None)
    old = {}
    for n, article in enumerate([page, make_article(2)]):
        record = {**article.to_doc(), "shard": 0, "file": None, "imported": f"2026-01-0{n + 1}T00:00:00+00:00"}
        record.pop("body")
        old[article.story_id] = record
    (store.folder / "bodies").mkdir()
    (store.folder / "bodies" / "000000.json").write_bytes(
        orjson.dumps({"bodies": {a.story_id: {"body": a.body} for a in (page, make_article(2))}}))
    (store.folder / "articles.json").write_bytes(orjson.dumps({"articles": old}))
    urls = {"urls": {"https://news.example/a": {"id": page.story_id}}}
    (store.folder / "identity.json").write_bytes(orjson.dumps(urls))
    moved = Store(store.folder)
    assert not (store.folder / "articles.json").exists() and not (store.folder / "identity.json").exists()
    assert {m.id for m in moved.stories()} == set(old) and len(moved) == 2
    assert moved.article(page.story_id) == page
    again = make_article(1, url="http://news.example/a/", key="guid", headline="Later", body=[*page.body, "More."])
    assert moved.add_identified([(again.story_id, again, None)]).results == [(page.story_id, "updated")]


def test_marks_in_the_16_files_of_an_older_store_are_moved_to_the_4096(store: Store) -> None:
    articles = [make_article(i) for i in range(6)]
    store.add([(a, None) for a in articles])
    first, second = articles[0].story_id, articles[1].story_id
    (store.folder / "state").mkdir(exist_ok=True)
    marks = {first: {"bookmarked": True, "tags": ["ferries"]}, second: {"read": True}}
    for sid, mark in marks.items():  # each in the old file of its first hex digit
        path = store.folder / "state" / f"{sid[0]}.json"
        table = orjson.loads(path.read_bytes())["stories"] if path.exists() else {}
        path.write_bytes(orjson.dumps({"stories": {**table, sid: mark}}))
    moved = Store(store.folder)
    assert not list((store.folder / "state").glob("?.json"))
    assert (store.folder / "state" / f"{first[:3]}.json").is_file()
    assert moved.user.get(first).tags == ("ferries",) and moved.user.get(first).bookmarked
    assert moved.user.get(second).read
    moved.user.toggle_bookmark(first)
    assert not Store(store.folder).user.all()[first].bookmarked


def test_mark_counts_are_kept_by_every_writer_and_read_without_any_state_file(store: Store,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.storage import userstate

    articles = [make_article(i) for i in range(6)]
    store.add([(a, None) for a in articles])
    ids = [a.story_id for a in articles]
    store.user.edit_tags(ids[:3], add=["ferries"])
    store.user.set_read(ids[0], True)
    store.user.set_bookmarked("feedfacefeedface", True)  # a mark on a story not stored: not counted

    def never(_sid: str) -> bool:
        raise AssertionError("a mark was counted again although every writer kept the counts")

    real = userstate.open_db
    monkeypatch.setattr(userstate, "open_db", lambda *a, **k: pytest.fail("a state file was read"))
    marks = Store(store.folder).user.counts(never)  # from counts.json alone
    assert (marks.read, marks.bookmarked, dict(marks.tags)) == (1, 0, {"ferries": 3})
    monkeypatch.setattr(userstate, "open_db", real)
    Store(store.folder).user.toggle_bookmark(ids[4])  # another process
    again = Store(store.folder).user.counts(never)
    assert (again.read, again.bookmarked, dict(again.tags)) == (1, 1, {"ferries": 3})
    (store.folder / "state" / userstate.COUNTS).unlink()  # counted again from every mark: the same
    assert Store(store.folder).user.counts(store.presence(ids)) == again


def test_a_store_without_kept_counts_is_counted_once_when_its_marks_are_old_enough(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.storage import userstate

    article = make_article(1)
    store.add([(article, None)])
    store.user.set_read(article.story_id, True)
    counts = store.folder / "state" / userstate.COUNTS
    counts.unlink()  # as a store written before the writers kept them
    store.user.counts({article.story_id}.__contains__)
    assert not counts.exists()  # the state folder changed just now: a change during the count could be missed
    monkeypatch.setattr(userstate, "RACY_SECONDS", 0.0)  # as if the folder were written long ago
    assert store.user.counts({article.story_id}.__contains__).read == 1
    assert counts.exists()
    assert Store(store.folder).user.counts(lambda _sid: pytest.fail("counted again")).read == 1


def test_an_old_store_that_cannot_be_moved_is_read_and_exported_as_it_is(store: Store,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.storage.exchange import export_json

    articles = [make_article(1), make_article(2)]
    old = {}
    for article in articles:
        record = {**article.to_doc(), "shard": 0, "file": None, "imported": "2026-01-01T00:00:00+00:00"}
        record.pop("body")
        old[article.story_id] = record
    (store.folder / "bodies").mkdir()
    (store.folder / "bodies" / "000000.json").write_bytes(
        orjson.dumps({"bodies": {a.story_id: {"body": a.body} for a in articles}}))
    (store.folder / "articles.json").write_bytes(orjson.dumps({"articles": old}))
    monkeypatch.setattr(store_db.os, "access", lambda _path, _mode: False)  # a folder it may not write
    reader = Store(store.folder)
    assert (store.folder / "articles.json").exists() and reader.read_only
    assert reader.article(articles[0].story_id) == articles[0]
    exported = orjson.loads(export_json(reader, [a.story_id for a in articles]))
    assert [s["id"] for s in exported["stories"]] == [a.story_id for a in articles]

"""Fixing what went wrong (issue 19): delete stories (and undo), re-parse with today's parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.errors import StoreFileError, StoryGone
from broadsheet.store.ingest import TEXT_DUMP, importer, stamp
from broadsheet.store.ingest import reparse as reparse_module
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.ingest.reparse import reparse, stale
from broadsheet.store.model import Article
from broadsheet.store.search import SearchIndex
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.directory import Directory
from broadsheet.store.storage.tinydb import read_json_file
from tests.dumps import BRIDGE_DUMP, FERRY_DUMP
from tests.factories import make_article


def test_delete_removes_everything_of_a_story_and_restore_puts_it_back(filled_store: Store) -> None:
    story = filled_store.stories()[1]
    article = filled_store.article(story.id)
    filled_store.user.edit_tags([story.id], add=["harbour"])
    filled_store.user.set_bookmarked(story.id, True)
    index = SearchIndex.open(filled_store)
    deleted = filled_store.delete([story.id, "not-a-story"])
    assert deleted.ids == [story.id]
    reopened = Store(filled_store.folder)
    assert len(reopened) == 4 and reopened.meta(story.id) is None
    assert story.id not in reopened.user.all()
    assert not any(story.id in (read_json_file(p) or {}).get("bodies", {})
                   for p in (reopened.folder / "bodies").glob("*.json"))
    index = SearchIndex.open(reopened)  # the index drops what the store no longer holds
    assert len(index) == 4
    assert story.id not in index.search(article.headline, states={}).ids
    assert reopened.restore(deleted) == [story.id]
    again = Store(filled_store.folder)
    assert again.article(story.id) == article
    state = again.user.get(story.id)
    assert state.bookmarked and state.tags == ("harbour",)
    assert len(SearchIndex.open(again)) == 5


def test_an_undo_killed_part_way_is_finished_by_the_next_writer(filled_store: Store,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, an undo killed after writing records but before listing them in the directory
    left stories that read as deleted but were counted, indexed and listed by a relist, and
    their marks (held only in memory) were lost."""
    stories = filled_store.stories()[:3]
    ids = [story.id for story in stories]
    filled_store.user.edit_tags(ids, add=["harbour"])
    deleted = filled_store.delete(ids)

    def killed(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # the session dropped between the records and the directory

    with monkeypatch.context() as patched:
        patched.setattr(Directory, "append", killed)
        with pytest.raises(KeyboardInterrupt):
            filled_store.restore(deleted)
    assert (filled_store.folder / "restoring.json").exists()
    later = Store(filled_store.folder)
    later.add([(make_article(40, headline="Pier lights repaired"), None)])  # the next writer, say an import
    assert not (filled_store.folder / "restoring.json").exists()
    again = Store(filled_store.folder)
    assert len(again) == 6 and all(again.meta(sid) is not None for sid in ids)
    assert all(again.user.get(sid).tags == ("harbour",) for sid in ids)
    assert again.restore(deleted) == []  # back already: a second undo puts back nothing


def test_delete_of_a_page_forgets_its_address(store: Store) -> None:
    page = make_article(1, url="https://example.org/news/ferry")
    [sid] = store.add([(page, "a.html")])
    store.delete([sid])
    assert store.add([(make_article(2, url="https://example.org/news/ferry"), "b.html")])  # stored anew


def test_cli_rm_deletes_by_prefix_and_updates_search(filled_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    story = filled_store.stories()[0]
    SearchIndex.open(filled_store)
    assert main(["--store", str(filled_store.folder), "rm", story.id[:8]]) == 0
    assert "deleted" in capsys.readouterr().out
    assert Store(filled_store.folder).meta(story.id) is None
    assert main(["--store", str(filled_store.folder), "search", "--json", "Mountain rail"]) == 0
    assert story.id not in capsys.readouterr().out
    assert main(["--store", str(filled_store.folder), "rm", "zzzzzz"]) == 2


def test_cli_rm_names_each_story_deleted_already_and_deletes_the_rest(filled_store: Store,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """``rm`` of several stories, some deleted already, said "no story with this id" of the first of
    those alone, and deleted none of the others."""
    a, b, c, d, e = (story.id for story in filled_store.stories())
    folder = str(filled_store.folder)
    assert main(["--store", folder, "rm", a, b]) == 0
    capsys.readouterr()
    assert main(["--store", folder, "rm", a, c, b[:8], d]) == 1
    said = capsys.readouterr()
    assert said.out.count("deleted ") == 2 and c[:10] in said.out and d[:10] in said.out
    assert f"2 stories were deleted already, before this command: {a[:10]}, {b[:10]}" in said.err
    store = Store(filled_store.folder)
    assert [story.id for story in store.stories()] == [e]
    # A story never stored is an id mistyped: each such one is named, and nothing is deleted.
    assert main(["--store", folder, "rm", "zzzzzz", e, "yyyyyy", a]) == 2
    said = capsys.readouterr()
    assert "'zzzzzz': no story with this id" in said.err and "'yyyyyy': no story with this id" in said.err
    assert a[:10] in said.err and not said.out
    assert Store(filled_store.folder).meta(e) is not None


def _older_parser(text: str) -> Article:
    """What a worse parser made of a page: the headline line twice, the body short."""
    lines = [line for line in text.splitlines() if line.strip()]
    return Article(headline=lines[0] + " " + lines[1], body=lines[2:4])


@pytest.mark.parametrize("batch", [1, 500])  # a batch a story: each stored and indexed before the next is read
def test_reparse_reads_source_files_again_and_keeps_the_marks(store: Store, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    monkeypatch.setattr(reparse_module, "BATCH", batch)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "ferry.txt").write_text(FERRY_DUMP)
    (pages / "bridge.txt").write_text(BRIDGE_DUMP)
    # Stories imported by an old parser (version 0, before versions were recorded).
    old = [(_older_parser(FERRY_DUMP), str(pages / "ferry.txt")),
           (_older_parser(BRIDGE_DUMP), str(pages / "bridge.txt"))]
    old_ids = store.add(old)
    store.user.edit_tags([old_ids[0]], add=["harbour"])
    store.user.set_read(old_ids[0], True)
    store.user.set_bookmarked(old_ids[1], True)
    SearchIndex.open(store)
    assert sorted(stale(store)) == sorted(old_ids)
    report = reparse(store, stale(store))
    assert report.count("updated") == 2 and report.count("failed") == 0
    fresh = Store(store.folder)
    assert len(fresh) == 2 and not stale(fresh)
    ferry = next(m for m in fresh.stories() if m.headline.startswith("Harbour council"))
    assert ferry.headline == "Harbour council approves new ferry timetable after long debate"
    assert ferry.parser == stamp(TEXT_DUMP) and ferry.id not in old_ids  # a content id: it moved
    assert fresh.user.get(ferry.id).tags == ("harbour",) and fresh.user.get(ferry.id).read
    bridge = next(m for m in fresh.stories() if m.headline.startswith("Old stone"))
    assert fresh.user.get(bridge.id).bookmarked
    assert set(fresh.user.all()) == {ferry.id, bridge.id}  # no marks left on the old ids
    index = SearchIndex.open(fresh)
    assert len(index) == 2 and index.search("timetable", states={}).ids == [ferry.id]
    # Again: nothing changes.
    assert reparse(fresh, [ferry.id]).count("unchanged") == 1


def test_a_mark_made_on_a_story_while_reparse_moves_it_is_kept(store: Store, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A tag another process puts on the old id once the new story is stored, before the marks
    move, moves with them; one after finds the old story deleted, and says so (it was said saved,
    then deleted with the old story at the end of the run)."""
    monkeypatch.setattr(reparse_module, "BATCH", 1)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "ferry.txt").write_text(FERRY_DUMP)
    (pages / "bridge.txt").write_text(BRIDGE_DUMP)
    old_ids = store.add([(_older_parser(FERRY_DUMP), str(pages / "ferry.txt")),
                         (_older_parser(BRIDGE_DUMP), str(pages / "bridge.txt"))])
    replace = Store._replace

    def tag_then_replace(self: Store, moved: list[tuple[str, str]]) -> dict[str, StoreFileError]:
        for old, _new in moved:  # as `broadsheet tag OLD-ID late` in another shell, now
            Store(store.folder).user.edit_tags([old], add=["late"])
        unmoved = replace(self, moved)
        for old, _new in moved:  # and once the batch is stored
            with pytest.raises(StoryGone):
                Store(store.folder).user.edit_tags([old], add=["later"])
        return unmoved

    monkeypatch.setattr(Store, "_replace", tag_then_replace)
    reparse(store, old_ids)
    fresh = Store(store.folder)
    assert {m.id for m in fresh.stories()}.isdisjoint(old_ids)
    assert sorted(fresh.user.get(m.id).tags for m in fresh.stories()) == [("late",), ("late",)]


def test_reparse_of_a_story_whose_file_is_gone_says_so(store: Store, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    [sid] = store.add([(make_article(1), str(tmp_path / "gone.txt"))])
    assert main(["--store", str(store.folder), "reparse", sid]) == 1
    assert "gone.txt is gone" in capsys.readouterr().err
    assert Store(store.folder).meta(sid) is not None


def test_reparse_all_skips_the_stories_fetched_from_feeds(store: Store, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A feed's story has an address, not a file: `fetch` reads it again, reparse leaves it
    (it listed each as failed, its address cut to "http:/127.0.0.1...", and exited 1)."""
    (tmp_path / "ferry.txt").write_text(FERRY_DUMP)
    import_paths(store, [tmp_path / "ferry.txt"])
    fetched = store.add([(make_article(n), "http://127.0.0.1:8765/rss.xml") for n in range(2)])
    assert main(["--store", str(store.folder), "reparse", "--all"]) == 0
    said = capsys.readouterr().err
    assert "2 skipped (fetched from feeds" in said and "0 failed" in said
    assert "http:/" not in said and "failed:" not in said
    assert main(["--store", str(store.folder), "reparse", fetched[0]]) == 0
    assert "1 skipped" in capsys.readouterr().err
    assert all(Store(store.folder).meta(sid) is not None for sid in fetched)


def test_import_records_the_parser_version(store: Store, tmp_path: Path) -> None:
    (tmp_path / "ferry.txt").write_text(FERRY_DUMP)
    import_paths(store, [tmp_path / "ferry.txt"])
    [meta] = store.stories()
    assert meta.parser == stamp(TEXT_DUMP) and not stale(store)


def _saved_another_way(dump: str) -> str:
    """The page as a cruder dump: its last paragraph missed, another one split in two lines."""
    paragraphs = dump.split("\n\n")
    last = max(i for i, p in enumerate(paragraphs) if p.startswith("Operators warned"))
    paragraphs[1] = paragraphs[1].replace(", ending months", ",\nending months")
    return "\n\n".join(paragraphs[:last] + paragraphs[last + 1:])


def test_a_page_saved_two_ways_is_one_story_in_either_order(store: Store, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    (pages / "raw").mkdir(parents=True)
    (pages / "gettext").mkdir()
    (pages / "raw" / "ferry.txt").write_text(FERRY_DUMP)
    (pages / "gettext" / "ferry.txt").write_text(_saved_another_way(FERRY_DUMP))
    (pages / "raw" / "bridge.txt").write_text(BRIDGE_DUMP)
    one = importer.read_article(pages / "raw" / "ferry.txt")[0]
    two = importer.read_article(pages / "gettext" / "ferry.txt")[0]
    assert one.story_id != two.story_id and one.headline == two.headline  # two readings of one page
    first = import_paths(store, [pages / "raw", pages / "gettext"])
    assert len(store) == 2 and first.count("present") == 1
    for order in ([pages / "gettext", pages / "raw"], [pages / "raw", pages / "gettext"]):
        again = import_paths(store, order)
        assert len(store) == 2 and again.count("present") == 3 and again.count("updated") == 0
    other = Store(tmp_path / "other")
    import_paths(other, [pages / "gettext", pages / "raw"])
    assert len(other) == 2
    kept = [m for m in other.stories() if m.headline == one.headline]
    assert len(kept) == 1


def test_two_stories_under_one_headline_stay_two(store: Store) -> None:
    a = make_article(1, headline="Live: council meeting")
    b = make_article(2, headline="Live: council meeting", body=["A different meeting about the school roof.",
                                                                  "Parents asked for repairs before winter."])
    store.add([(a, "a.txt"), (b, "b.txt")])
    assert len(store) == 2


def test_reparse_of_many_stories_goes_through_the_workers_a_batch_at_a_time(store: Store, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """More files than are read in-process: one pool of workers reads them all, each batch is
    stored and indexed before the next, and a story whose file is gone is reported in its place."""
    monkeypatch.setattr(reparse_module, "BATCH", 7)
    pages = tmp_path / "pages"
    pages.mkdir()
    old: list[tuple[Article, str]] = []
    for n in range(importer.POOL_MIN + 11):
        dump = FERRY_DUMP.replace("ferry timetable", f"ferry timetable number {n}")
        (pages / f"p{n}.txt").write_text(dump)
        old.append((_older_parser(dump), str(pages / f"p{n}.txt")))
    old_ids = store.add(old)
    store.user.set_bookmarked(old_ids[40], True)
    (pages / "p3.txt").unlink()
    SearchIndex.open(store)
    steps: list[int] = []
    report = reparse(store, old_ids, on_step=steps.append)
    assert report.count("updated") == len(old_ids) - 1 and report.count("failed") == 1
    assert sum(steps) == len(old_ids)
    fresh = Store(store.folder)
    assert len(fresh) == len(old_ids)
    assert {m.parser for m in fresh.stories() if m.id != old_ids[3]} == {stamp(TEXT_DUMP)}
    bookmarked = [m for m in fresh.stories() if fresh.user.get(m.id).bookmarked]
    assert [m.headline for m in bookmarked] == [
        "Harbour council approves new ferry timetable number 40 after long debate"]
    index = SearchIndex.open(fresh)
    assert len(index.search('"timetable number 57"', states={}).ids) == 1


def test_cli_rm_of_a_prefix_several_stored_stories_share_is_ambiguous_not_deleted_already(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"abcd" naming two stored stories and one deleted was said to be "deleted already" (exit 1, the
    other ids deleted); it is ambiguous: said so, and nothing deleted."""
    store = Store(tmp_path / "store")
    ids = [f"abcd{n:012x}" for n in (1, 2, 3)]
    store.add_identified([(sid, make_article(n), f"made-up-{n}.txt") for n, sid in enumerate(ids)])
    store.delete([ids[2]])
    assert main(["--store", str(store.folder), "rm", "abcd"]) == 2
    said = capsys.readouterr().err
    assert "2 stories start with this" in said and "deleted already" not in said
    assert len(Store(store.folder)) == 2


def test_deleted_entries_from_an_export_never_push_out_the_stores_own(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the most remembered, the highest ids were kept, not the newest: an export's (a large
    store's, or a hostile one's) could push out what the user deleted here, and a fetch brought it back."""
    from broadsheet.store.storage import db as db_module

    monkeypatch.setattr(db_module, "DELETED_KEPT", 4)
    store = Store(tmp_path / "store")
    (own,) = store.add_identified([("0000000000000001", make_article(1), "https://a.example/rss")]).new
    store.delete([own])
    assert store.remember_deleted_entries([f"f{n:015x}" for n in range(10)]) == 10
    assert own in store.deleted_entries() and len(store.deleted_entries()) == 4

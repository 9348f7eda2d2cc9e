"""The on-disk index: kept up to date by imports, repaired when missing, stale or damaged; the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import orjson
import pytest

from broadsheet.cli.main import main
from broadsheet.store.ingest import importer
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.model import Article
from broadsheet.store.search import SearchIndex
from broadsheet.store.search.engine import IndexAdder
from broadsheet.store.storage.db import Store
from tests.conftest import SEED
from tests.factories import make_article, wire_article
from tests.feeds import CODE_AND_TABLE


def opened(store: Store) -> tuple[SearchIndex, list[str]]:
    messages: list[str] = []
    index = SearchIndex.open(Store(store.folder), on_message=messages.append)
    return index, messages


def test_a_fresh_index_opens_silently(filled_store: Store) -> None:
    _index, messages = opened(filled_store)
    assert messages == ["Search index was missing; rebuilt 5 stories"]
    index, messages = opened(filled_store)
    assert messages == []
    assert len(index) == 5


def test_a_long_rebuild_is_said_before_it_starts_and_its_progress_told(filled_store: Store,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """At a million stories an index from an older version took minutes to rebuild, with a
    blank terminal (CLI search) or no word of how long (the reader)."""
    from broadsheet.store.search import engine

    monkeypatch.setattr(engine, "ANNOUNCED_REBUILD", 5)
    messages: list[str] = []
    told: list[tuple[int, int]] = []
    SearchIndex.open(Store(filled_store.folder), on_message=messages.append,
                     on_progress=lambda done, total: told.append((done, total)))
    assert messages == ["Search index was missing; rebuilding it from 5 stories",
                        "Search index was missing; rebuilt 5 stories"]
    assert told and told[-1] == (5, 5)


def test_deleted_index_is_rebuilt_with_a_message(filled_store: Store) -> None:
    opened(filled_store)
    for path in sorted((filled_store.folder / "index").iterdir(), reverse=True):
        path.unlink()
    (filled_store.folder / "index").rmdir()
    index, messages = opened(filled_store)
    assert messages == ["Search index was missing; rebuilt 5 stories"]
    assert index.search("altberg", states={}).ids == [wire_article().story_id]


@pytest.mark.parametrize("damage", ["meta", "segments", "stamp", "truncate", "schema", "file"])
def test_damaged_index_is_rebuilt_with_a_message(filled_store: Store, damage: str) -> None:
    opened(filled_store)
    folder = filled_store.folder / "index"
    segment_files = [p for p in folder.iterdir() if not p.name.startswith(".") and p.suffix not in (".json", ".lock")]
    assert segment_files
    if damage == "meta":
        (folder / "meta.json").write_text("{not json")
    elif damage == "segments":
        for path in segment_files:
            path.unlink()
    elif damage == "stamp":
        (folder / "broadsheet-stamp.json").write_bytes(b"\x00garbage")
    elif damage == "truncate":
        # A new inode, as a damaged file found on the next run: truncating the mapped file in
        # place would SIGBUS any live reader (tantivy mmaps segments), in any mmap-based program.
        for path in segment_files:
            data = path.read_bytes()
            path.with_name(path.name + ".tmp").write_bytes(data[: len(data) // 3])
            path.with_name(path.name + ".tmp").replace(path)
    elif damage == "schema":
        stamp = json.loads((folder / "broadsheet-stamp.json").read_text())
        (folder / "broadsheet-stamp.json").write_text(json.dumps({**stamp, "schema": -1}))
    else:
        for path in sorted(folder.iterdir(), reverse=True):
            path.unlink()
        folder.rmdir()
        folder.write_text("not a folder")
    index, messages = opened(filled_store)
    assert len(messages) == 1 and messages[0].startswith("Search index was ")
    assert messages[0].endswith("rebuilt 5 stories")
    assert len(index.search("ferry", states={}).ids) == 4
    assert opened(filled_store)[1] == []


def test_stories_added_behind_its_back_are_caught_up(filled_store: Store) -> None:
    opened(filled_store)
    new = filled_store.add([(make_article(40, headline="Lighthouse keeper retires"), None)])
    index, messages = opened(filled_store)
    assert messages == ["Search index was behind the store; added 1 story"]
    assert index.search("lighthouse", states={}).ids == new
    assert opened(filled_store)[1] == []


def _page(n: int, words: str) -> Article:
    return make_article(n, headline="Pier lights", url="https://gazette.example/pier",
                        body=[f"The pier lights {words} on Tuesday.", "The council paid for the work."])


def test_a_story_whose_text_changed_behind_its_back_is_indexed_again(store: Store) -> None:
    """Before, the catch-up compared ids alone: an import killed between its store write and
    its index commit (or a fetch that found the index busy) left the old text searchable."""
    [sid] = store.add([(_page(1, "went dark"), None)])
    opened(store)
    store.add([(_page(1, "were mended"), None)])  # stored, its index commit never made (killed)
    assert (store.folder / "reindex.bin").exists()
    index, _messages = opened(store)
    assert index.search("mended", states={}).ids == [sid] and index.search("dark", states={}).ids == []
    assert not (store.folder / "reindex.bin").exists()
    assert opened(store)[1] == []


def test_an_index_commit_takes_off_only_the_notes_of_the_text_it_indexed(store: Store, tmp_path: Path) -> None:
    [sid] = store.add([(_page(1, "went dark"), None)])
    index, _ = opened(store)
    busy = index.adder(store)  # an import holds the index's writer...
    other = make_article(2, headline="Quay bell rings again")
    busy.add([(other.story_id, other)])
    store.add([(_page(1, "were mended"), None)])  # ...while a fetch stores a new text, the index busy
    busy.close()
    index, _ = opened(store)
    assert index.search("mended", states={}).ids == [sid] and index.search("dark", states={}).ids == []
    # An import's own update is indexed by its commit, which takes its note off.
    page = tmp_path / "pier.html"
    page.write_text("<html><head><title>Pier lights</title><link rel=canonical href=https://gazette.example/pier>"
                    "</head><body><article><h1>Pier lights</h1><p>The pier lights were painted blue on Tuesday, "
                    "the harbour master said after the council paid for the work.</p><p>Work went on all week, "
                    "and the lights were lit again on Friday evening.</p></article></body></html>", encoding="utf-8")
    assert import_paths(store, [page]).count("updated") == 1
    assert not (store.folder / "reindex.bin").exists()
    assert opened(store)[0].search("painted", states={}).ids == [sid]


def test_a_catch_up_drops_stories_deleted_behind_its_back_and_keeps_one_indexed_twice(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.search import engine

    monkeypatch.setattr(engine, "KEY_RANGES", 4)  # the keys read a range at a time, several ranges
    ids = store.add([(make_article(n, headline=f"Quarry bulletin {n}"), None) for n in range(30)])
    index, _ = opened(store)
    twice = next(meta for meta in store.stories() if meta.id == ids[10])
    index._write(store, [(twice, store.article_of(twice))], None)  # a second copy of one story
    store.delete(ids[:4])  # another process, without the index
    added = store.add([(make_article(90, headline="Lighthouse keeper retires"), None)])
    index, messages = opened(store)
    assert messages == ["Search index was behind the store; added 1 story"]
    assert set(index.search("quarry", states={}).ids) == set(ids[4:])  # the story indexed twice is still found
    assert index.search("lighthouse", states={}).ids == added
    assert opened(store)[1] == []


def test_a_catch_up_whose_writer_dies_is_said_not_raised(filled_store: Store,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # tantivy says "An index writer was killed" when an indexing thread died of an I/O error
    # (a disk that filled during a catch-up), quoting no OS error: a failed write, not a traceback.
    from broadsheet.store.search import engine

    opened(filled_store)
    filled_store.add([(make_article(40, headline="Lighthouse keeper retires"), None)])
    real = engine._new_writer

    class Dying:
        def __init__(self, writer: object) -> None:
            self.writer = writer

        def add_document(self, _doc: object) -> None:
            raise ValueError("An index writer was killed. It can happen if an indexing worker encountered an Io "
                             "error for instance.")

        def __getattr__(self, name: str) -> object:
            return getattr(self.writer, name)

    monkeypatch.setattr(engine, "_new_writer", lambda index: Dying(real(index)))
    index, messages = opened(filled_store)
    assert messages == ["Search index is out of date and it cannot be written (the search index could not be "
                        "written (its writer stopped: a full disk?)); results may miss new stories"]
    assert index.search("ferry", states={}).total > 0  # the index there is still searched


def test_an_index_of_other_stories_is_rebuilt(filled_store: Store, tmp_path: Path) -> None:
    other = Store(tmp_path / "other")
    other.add([(make_article(50, headline="Unrelated orchard story"), None)])
    opened(other)
    opened(filled_store)
    stamp = orjson.loads((filled_store.folder / "index" / "broadsheet-stamp.json").read_bytes())
    for path in (filled_store.folder / "index").iterdir():
        path.unlink()
    for path in (other.folder / "index").iterdir():
        (filled_store.folder / "index" / path.name).write_bytes(path.read_bytes())
    (filled_store.folder / "index" / "broadsheet-stamp.json").write_bytes(orjson.dumps({**stamp, "articles": None,
                                                                                         "store": None}))
    index, messages = opened(filled_store)
    assert messages == ["Search index was out of date; rebuilt 5 stories"]
    assert index.search("orchard", states={}).ids == []


def test_a_copied_store_opens_its_index_without_catching_up(filled_store: Store, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy (a backup put back, ``cp -r``) has other inodes: the index is not checked story by
    story (at a million stories that held 280 MB on the reader's first start), but a change made
    to the copy after is still caught up."""
    opened(filled_store)
    copy = tmp_path / "copy"
    shutil.copytree(filled_store.folder, copy)

    def refuse(self: SearchIndex, store: Store, say: object) -> SearchIndex:
        raise AssertionError("caught up a copy that matches its index")

    with monkeypatch.context() as patch:
        patch.setattr(SearchIndex, "_catch_up", refuse)
        index, messages = opened(Store(copy))
    assert messages == [] and len(index) == 5
    Store(copy).add([(make_article(51, headline="A later orchard story"), None)])
    index, messages = opened(Store(copy))
    assert messages == ["Search index was behind the store; added 1 story"]
    assert len(index.search("orchard", states={}).ids) == 1


def test_rebuild_reports_progress(filled_store: Store) -> None:
    index, _ = opened(filled_store)
    steps: list[tuple[int, int]] = []
    assert index.rebuild(filled_store, on_progress=lambda done, total: steps.append((done, total))) == 5
    assert steps[-1] == (5, 5)
    assert len(index) == 5


def test_import_updates_the_index_for_a_fresh_process(store: Store) -> None:
    report = import_paths(store, [SEED])
    assert report.count("imported") == 1
    index, messages = opened(store)
    assert messages == []
    meta = store.stories()[0]
    word = max(meta.headline.split(), key=len)
    assert meta.id in index.search(word, states={}).ids
    # a second import of something new goes in too, without a rebuild
    new = make_article(7, headline="Beekeepers count winter losses")
    path = store.folder.parent / "bees.txt"
    path.write_text(f"{new.headline}\n\nBy Ada Quill\n\n" + "\n\n".join(new.body * 3) + "\n", encoding="utf-8")
    report = import_paths(store, [path])
    if report.count("imported"):
        index, messages = opened(store)
        assert messages == []
        assert len(index.search("beekeepers", states={}).ids) == 1


def test_cli_search_json_and_table(filled_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(filled_store.folder)
    assert main(["--store", folder, "search", "--json", "ferry", "sort:date"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [make_article(i).story_id for i in (3, 2, 1, 0)]
    assert rows[0]["headline"] == make_article(3).headline
    assert main(["--store", folder, "search", "--limit", "1", "--", "-ferry"]) == 0
    captured = capsys.readouterr()
    assert "Mountain rail line reopens" in captured.out
    assert "1 story" in captured.err
    assert main(["--store", folder, "search", '"ferry']) == 2
    assert "Unclosed quote" in capsys.readouterr().err


def test_cli_prints_story_text_as_plain_text(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    store.add([(make_article(1, headline="[bold red]Markup[/] in a [link=x]headline[/link]"), None)])
    assert main(["--store", str(store.folder), "search", "markup"]) == 0
    assert "[bold red]Markup[/] in a [link=x]headline[/link]" in " ".join(capsys.readouterr().out.split())


def test_cli_reindex(filled_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    (filled_store.folder / "index").mkdir()
    (filled_store.folder / "index" / "meta.json").write_text("garbage")
    assert main(["--store", str(filled_store.folder), "reindex"]) == 0
    assert "Indexed 5 stories" in capsys.readouterr().err
    assert opened(filled_store)[1] == []


def test_a_busy_store_gets_a_temporary_index(filled_store: Store) -> None:
    from filelock import FileLock

    store = Store(filled_store.folder)
    store.lock.timeout = 0.05
    with FileLock(str(store.folder / ".lock")):
        messages: list[str] = []
        index = SearchIndex.open(store, on_message=messages.append)
    assert messages == ["Search index was missing and the store is busy; using a temporary index of 5 stories"]
    assert len(index.search("ferry", states={}).ids) == 4
    assert not (store.folder / "index").exists()


def test_an_unwritable_store_gets_a_temporary_index(filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(store: Store, folder: Path, on_progress: object) -> SearchIndex:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(SearchIndex, "_build_fresh", staticmethod(refuse))
    index, messages = opened(filled_store)
    assert messages == ["Search index was missing and it cannot be written (Permission denied); using a temporary "
                        "index of 5 stories"]
    assert len(index.search("ferry", states={}).ids) == 4


def test_a_reader_keeps_searching_while_another_process_rewrites(filled_store: Store) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO

    index, _ = opened(filled_store)
    (filled_store.folder / "index" / "meta.json").write_text("half-written")  # another writer, mid-rewrite
    assert len(index.search("ferry", states={}).ids) == 4  # the last good generation is still served
    rebuild = subprocess.Popen([sys.executable, "-m", "broadsheet", "--store", str(filled_store.folder), "reindex"],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    searches = 0
    while rebuild.poll() is None or searches == 0:
        assert len(index.search("ferry", states={}).ids) == 4
        searches += 1
    assert rebuild.returncode == 0
    writer = Store(filled_store.folder)
    new = writer.add([(make_article(60, headline="Ferry museum opens"), None)])
    SearchIndex.open(writer)  # the other process's open catches its index up with the new story
    assert new[0] in index.search("museum", states={}).ids


def test_cli_reindex_on_a_busy_store(filled_store: Store, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from filelock import FileLock

    from broadsheet.store.storage import db as store_db

    monkeypatch.setattr(store_db, "LOCK_TIMEOUT", 0.05)
    with FileLock(str(filled_store.folder / ".lock")):
        assert main(["--store", str(filled_store.folder), "reindex"]) == 1
    assert "the store is busy" in capsys.readouterr().err


def _pages(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        article = make_article(100 + n, headline=f"Harbour story number {n} of the week")
        text = f"{article.headline}\n\nBy Ada Quill\n\n" + "\n\n".join(article.body) + "\n"
        (folder / f"{n:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def test_an_import_of_many_batches_indexes_every_story(store: Store, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH", 3)  # seven batches: open, then six through one writer
    monkeypatch.setattr(importer.Indexer, "COMMIT_EVERY", 4)  # with commits part way
    report = import_paths(store, [_pages(tmp_path / "in", 20)])
    assert report.count("imported") == 20
    index, messages = opened(store)
    assert messages == []  # the stamp matches: nothing to catch up
    assert len(index) == 20
    assert len(index.search("harbour", states={}).ids) == 20


def test_an_import_into_an_indexed_store_does_not_list_the_store(filled_store: Store, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is opened before the first batch changes the store, while its stamp matches:
    opened after, it listed every story and key to catch up (at a million, the import's peak memory)."""
    opened(filled_store)  # indexed and stamped, as the last import left it
    monkeypatch.setattr(importer, "BATCH", 3)
    caught_up: list[int] = []
    real = SearchIndex._catch_up

    def catch_up(self: SearchIndex, store: Store, say: object) -> SearchIndex:
        caught_up.append(1)
        return real(self, store, say)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "_catch_up", catch_up)
    report = import_paths(filled_store, [_pages(tmp_path / "in", 7)])
    assert report.count("imported") == 7
    assert caught_up == []
    index, messages = opened(filled_store)
    assert messages == [] and len(index) == 5 + 7
    assert {o.story_id for o in report.outcomes} <= set(index.search("harbour", states={}).ids)


def test_a_failed_batch_is_caught_up_by_the_next(store: Store, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH", 3)
    real_add, calls = IndexAdder.add, []

    def failing_once(self: IndexAdder, stored: list[tuple[str, Article]],
                     replaced: list[tuple[str, Article]] = ()) -> int:  # type: ignore[assignment]
        calls.append(stored)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_add(self, stored, replaced)

    monkeypatch.setattr(IndexAdder, "add", failing_once)
    assert import_paths(store, [_pages(tmp_path / "in", 14)]).count("imported") == 14
    assert len(calls) == 5  # every batch reached the adder, and only the second failed
    index, messages = opened(store)
    assert messages == [] and len(index) == 14


def test_another_process_sees_a_busy_index_while_an_import_writes_it(filled_store: Store) -> None:
    SearchIndex.open(filled_store)
    adder = SearchIndex.open(filled_store).adder(filled_store)  # an import in progress holds the writer
    try:
        other = Store(filled_store.folder)
        other.add([(make_article(42, headline="Lighthouse keepers return"), None)])
        messages: list[str] = []
        index = SearchIndex.open(other, on_message=messages.append)
        assert messages == ["Search index is out of date and the store is busy; results may miss new stories"]
        assert len(index) == 5
    finally:
        adder.close()
    index, messages = opened(filled_store)
    assert messages == ["Search index was behind the store; added 1 story"]
    assert len(index) == 6


def test_a_note_cut_short_loses_no_note_after_it(tmp_path: Path) -> None:
    """A note torn by a full disk had the next one glued to it, and both were lost."""
    from broadsheet.store.storage import reindexing

    (tmp_path / reindexing.REINDEX).write_bytes(b'"aaaa')  # cut short
    reindexing.note(tmp_path, ["bbbb"])
    assert reindexing.noted(tmp_path) == ["bbbb"]


def test_words_in_a_code_block_and_a_tables_cells_are_found(store: Store, tmp_path: Path) -> None:
    (tmp_path / "tides.xml").write_bytes(CODE_AND_TABLE)
    assert import_paths(store, [tmp_path / "tides.xml"]).count("imported") == 1
    index, _messages = opened(store)
    (story,) = store.stories()
    for query in ("echo", "done", "alpha", "Value", '"beta 2"'):
        assert index.search(query, states={}).ids == [story.id], query


def test_a_rebuilt_index_is_synced_in_the_store_folder_once_it_is_in_place(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rebuilt index is renamed into place: a rename not synced was undone by a power cut, and
    the old index (or none) was back, minutes of rebuilding at a million stories lost."""
    from broadsheet.store.storage import atomic

    folder, real = filled_store.folder, atomic.fsync_dir
    in_place: list[bool] = []

    def recorded(path: Path) -> None:
        if Path(path) == folder:
            in_place.append((folder / "index" / "meta.json").exists() and not (folder / ".index-building").exists())
        real(path)

    monkeypatch.setattr(atomic, "fsync_dir", recorded)
    SearchIndex.open(filled_store)
    assert any(in_place), in_place


def test_a_rebuild_cut_short_before_its_swap_keeps_the_notes_of_texts_to_index_again(
        filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes of stories whose text was replaced were cleared before the new index was in place:
    a crash then left the old index, and those stories' old texts found for good."""
    import os

    from broadsheet.store.storage import reindexing

    sid = filled_store.stories()[0].id
    reindexing.note(filled_store.folder, [sid])
    real = os.rename

    def killed(source: str | Path, target: str | Path) -> None:
        if Path(source).name == ".index-building":
            raise OSError(5, "simulated crash before the swap")
        real(source, target)

    monkeypatch.setattr(os, "rename", killed)
    with pytest.raises(OSError, match="simulated"):
        SearchIndex.reindex(filled_store)
    assert reindexing.noted(filled_store.folder) == [sid]
    monkeypatch.undo()
    index, _messages = opened(filled_store)
    assert len(index) == 5 and not reindexing.pending(filled_store.folder)

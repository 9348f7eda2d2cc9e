"""Import: files and folders, duplicates, bad files reported while the rest goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import orjson
import pytest

from broadsheet.store.ingest import importer
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from tests.dumps import BRIDGE_DUMP, FERRY_DUMP
from tests.factories import make_article


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    (folder / "ferry.txt").write_text(FERRY_DUMP, encoding="utf-8")
    (folder / "sub" / "bridge.txt").write_text(BRIDGE_DUMP, encoding="utf-8")
    return folder


def test_folder_import_is_recursive_and_parses_each_page(store: Store, pages: Path) -> None:
    report = import_paths(store, [pages])
    assert (report.count("imported"), report.count("present"), len(report.failed)) == (2, 0, 0)
    headlines = {m.headline for m in store.stories()}
    assert headlines == {"Harbour council approves new ferry timetable after long debate",
                         "Old stone bridge reopens to walkers after two years of repairs"}
    ferry = next(m for m in store.stories() if m.headline.startswith("Harbour"))
    assert ferry.dateline == "LOWMOOR (Northwire)"
    assert ferry.credits is not None and ferry.credits.editing == ["Tom Reeve"]


def test_importing_twice_stores_one_story(store: Store, pages: Path) -> None:
    import_paths(store, [pages])
    again = import_paths(store, [pages / "ferry.txt", pages / "ferry.txt"])
    assert (again.count("imported"), again.count("present")) == (0, 2)
    assert len(store) == 2


def test_bad_files_are_reported_and_the_rest_imports(store: Store, pages: Path) -> None:
    (pages / "empty.txt").write_bytes(b"")
    (pages / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (pages / "menu.txt").write_text("Home\nNews\nSport\n", encoding="utf-8")
    os.symlink(pages, pages / "sub" / "loop")
    report = import_paths(store, [pages, pages / "missing.txt"])
    assert report.count("imported") == 2
    reasons = {Path(o.path).name: o.reason for o in report.failed}
    assert set(reasons) == {"empty.txt", "image.png", "menu.txt", "missing.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["image.png"]
    assert "no such file" in reasons["missing.txt"]
    assert reasons["menu.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_among_the_pages_is_refused_without_waiting_on_it(store: Store, pages: Path) -> None:
    """Opening a pipe to read blocks until something writes to it: an import would hang."""
    os.mkfifo(pages / "pipe.txt")
    report = import_paths(store, [pages])
    assert report.count("imported") == 2
    assert {Path(o.path).name: o.reason for o in report.failed} == {"pipe.txt": "not a regular file"}


def test_escape_sequences_are_stripped_at_import(store: Store, tmp_path: Path) -> None:
    hostile = FERRY_DUMP.replace("approves new", "approves \x1b]52;c;ZXZpbA==\x07new\x1b[2J")
    (tmp_path / "hostile.txt").write_text(hostile, encoding="utf-8")
    import_paths(store, [tmp_path / "hostile.txt"])
    [meta] = store.stories()
    assert meta.headline == "Harbour council approves new ferry timetable after long debate"


def test_legacy_encoding_is_noted(store: Store, tmp_path: Path) -> None:
    text = FERRY_DUMP.replace("Lowmoor", "Lówmöor")
    (tmp_path / "legacy.txt").write_bytes(text.encode("cp1252"))
    report = import_paths(store, [tmp_path / "legacy.txt"])
    [outcome] = report.outcomes
    assert outcome.status == "imported"
    assert "guessed" in outcome.note
    assert "Lówmöor" in store.stories()[0].images[0].caption


def _many_pages(folder: Path, count: int) -> set[str]:
    """``count`` distinct pages (enough to use the worker pool), every ninth one unparseable."""
    from tests.test_hostile_inputs import good

    folder.mkdir(parents=True, exist_ok=True)
    bad = set()
    for n in range(count):
        path = folder / f"{n:03d}.txt"
        if n % 9 == 4:
            path.write_bytes(b"" if n % 2 else b"Home\nNews\nSport\n")
            bad.add(path.name)
        else:
            path.write_text(good(n), encoding="utf-8")
    return bad


def test_a_large_import_reads_in_worker_processes_with_the_same_outcomes(tmp_path: Path) -> None:
    bad = _many_pages(tmp_path / "in", importer.POOL_MIN + 30)
    steps: list[Path] = []
    pooled = import_paths(Store(tmp_path / "a"), [tmp_path / "in"], on_step=steps.append)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer, "POOL_MIN", 10**9)  # the same import, read in this process
        serial = import_paths(Store(tmp_path / "b"), [tmp_path / "in"])
    assert pooled.outcomes == serial.outcomes  # same order, statuses, reasons and story ids
    assert {Path(o.path).name for o in pooled.failed} == bad
    assert all(o.reason for o in pooled.failed)
    assert [p.name for p in steps] == sorted(p.name for p in (tmp_path / "in").iterdir())


def test_big_files_go_to_the_workers_in_small_tasks_few_bytes_ahead_with_the_same_outcomes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A task's stories come back to the importer whole and wait there to be stored: tasks and the
    work handed out ahead are bounded in bytes (16 pages of 64 MB were 1 GB in one task)."""
    _many_pages(tmp_path / "in", importer.POOL_MIN + 30)
    monkeypatch.setattr(importer, "CHUNK_BYTES", 3_000)
    monkeypatch.setattr(importer, "READ_AHEAD_BYTES", 10_000)
    monkeypatch.setattr(importer, "_pool_context", lambda: importer.multiprocessing.get_context("fork"))
    events: list[tuple[str, list[Path]]] = []
    submit, take = importer._submit, importer._take
    monkeypatch.setattr(importer, "_submit", lambda pool, chunk, most: events.append(("in", chunk)) or
                        submit(pool, chunk, most))
    monkeypatch.setattr(importer, "_take", lambda item, most, broken: events.append(("out", item[0])) or
                        take(item, most, broken))
    pooled = import_paths(Store(tmp_path / "b"), [tmp_path / "in"])

    def size(chunk: list[Path]) -> int:
        return sum(path.stat().st_size for path in chunk)

    handed = [chunk for kind, chunk in events if kind == "in"]
    assert len(handed) > 10 and all(size(chunk[:-1]) < 3_000 for chunk in handed)
    ahead: list[list[Path]] = []
    for kind, chunk in events:
        if kind == "in":
            assert len(ahead) <= 1 or sum(map(size, ahead)) < 10_000  # (what was out before this one)
            ahead.append(chunk)
        else:
            assert ahead.pop(0) == chunk
    monkeypatch.setattr(importer, "POOL_MIN", 10**9)  # the same import, read in this process
    serial = import_paths(Store(tmp_path / "a"), [tmp_path / "in"])
    assert pooled.outcomes == serial.outcomes


def test_a_batch_of_long_stories_is_stored_before_it_holds_more_text_than_a_batch_may(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stories wait in the importing process to be stored in batches: a batch is bounded in text
    as well as in stories (60 pages of 8 MB held 480 MB), and the outcomes are the same."""
    _many_pages(tmp_path / "in", 60)
    monkeypatch.setattr(importer, "POOL_MIN", 10**9)
    whole = import_paths(Store(tmp_path / "a"), [tmp_path / "in"])
    monkeypatch.setattr(importer, "BATCH_TEXT", 5_000)
    batches: list[int] = []
    add = Store.add_identified

    def recording(self: Store, stories: list[tuple[str, Any, str]], **kwargs: Any) -> Any:
        batches.append(sum(len(p) for _, article, _ in stories for p in article.body))
        return add(self, stories, **kwargs)

    monkeypatch.setattr(Store, "add_identified", recording)
    bounded = import_paths(Store(tmp_path / "b"), [tmp_path / "in"])
    assert len(batches) > 3 and all(text < 5_000 + 3_000 for text in batches)  # (a story of a page is < 3,000)
    assert sorted(bounded.outcomes, key=repr) == sorted(whole.outcomes, key=repr)  # (failures said as read)


def test_an_unexpected_error_in_a_worker_fails_that_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _many_pages(tmp_path / "in", importer.POOL_MIN + 5)
    from broadsheet.store.ingest.formats import text

    real = text.TextDump.read

    def flaky(self: text.TextDump, source: text.Source) -> object:
        if source.path.name == "010.txt":
            raise RuntimeError("parser bug")
        return real(self, source)

    monkeypatch.setattr(text.TextDump, "read", flaky)  # workers are forked, so they see it
    monkeypatch.setattr(importer, "_pool_context", lambda: importer.multiprocessing.get_context("fork"))
    report = import_paths(Store(tmp_path / "store"), [tmp_path / "in"])
    outcome = next(o for o in report.outcomes if o.path.endswith("010.txt"))
    assert outcome.status == "failed" and "RuntimeError" in outcome.reason
    assert report.count("imported") == len(report.outcomes) - len(report.failed) > importer.POOL_MIN - 10


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; the parent-death signal is Linux's")
def test_workers_end_when_the_importer_is_killed(tmp_path: Path) -> None:
    _many_pages(tmp_path / "in", 3000)
    command = [sys.executable, "-m", "broadsheet", "--store", str(tmp_path / "store"), "import", str(tmp_path / "in")]
    importer_process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = _children(importer_process.pid)  # forked parse workers (the CLI's import forks them)
            time.sleep(0.05)
        assert len(workers) >= 2, "the import never started its workers"
    finally:
        importer_process.kill()
        importer_process.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_alive, workers))


def test_a_story_imported_from_an_export_keeps_its_feed_but_not_a_local_file_it_names(tmp_path: Path,
                                                                                    pages: Path) -> None:
    """An export records the file each story came from. A feed's address is kept, so the story stays
    its feed's (a deleted entry is remembered, and a second export says it); a local path is not: an
    export from elsewhere naming a private file made ``reparse`` read that file into the store."""
    from broadsheet.cli.main import main

    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["--store", str(first), "import", str(pages / "ferry.txt")]) == 0
    assert main(["--store", str(first), "export", "-o", str(tmp_path / "all.json")]) == 0
    doc = orjson.loads((tmp_path / "all.json").read_bytes())
    secret = tmp_path / "diary.txt"
    secret.write_text(FERRY_DUMP.replace("Ferry", "Diary"), encoding="utf-8")
    [story] = doc["stories"]
    article = {**story["article"], "headline": "Lighthouse reopens to visitors",
               "body": ["The lighthouse on the north point reopened to visitors on Saturday after repairs."]}
    feed_story = {**story, "id": "00000000000000ab", "file": "https://gazette.example/rss", "article": article}
    doc["stories"] = [{**story, "file": str(secret)}, feed_story]
    (tmp_path / "all.json").write_bytes(orjson.dumps(doc))
    assert main(["--store", str(second), "import", str(tmp_path / "all.json")]) == 0
    assert main(["--store", str(second), "export", "-o", str(tmp_path / "again.json")]) == 0
    files = {s["id"]: s["file"] for s in orjson.loads((tmp_path / "again.json").read_bytes())["stories"]}
    assert files == {story["id"]: str(tmp_path / "all.json"), "00000000000000ab": "https://gazette.example/rss"}
    main(["--store", str(second), "reparse", story["id"]])
    assert not any("Diary" in Store(second).body(meta)[0] for meta in Store(second).stories())


def test_a_second_copy_of_a_page_updates_the_story_and_its_search_entry(tmp_path: Path) -> None:
    from broadsheet.store.search import SearchIndex
    from broadsheet.store.storage.exchange import export_json
    from tests.factories import make_article

    source = Store(tmp_path / "source")
    old = make_article(1, headline="Lighthouse keeper retires")
    old.url = "https://example.test/lighthouse"
    source.add([(old, None)])
    (tmp_path / "old.json").write_bytes(export_json(source, [old.story_id]))
    newer = Store(tmp_path / "newer")
    new = make_article(2, headline="Lighthouse keeper retires after forty winters")
    new.url = "https://example.test/lighthouse/"
    newer.add([(new, None)])
    (tmp_path / "new.json").write_bytes(export_json(newer, [new.story_id]))

    store = Store(tmp_path / "store")
    assert import_paths(store, [tmp_path / "old.json"]).count("imported") == 1
    report = import_paths(store, [tmp_path / "new.json"])
    assert report.count("updated") == 1 and len(store) == 1
    index = SearchIndex.open(store)
    assert index.search("winters", states={}).ids == [old.story_id]
    assert index.search("story", states={}).total == 1


def test_the_cli_import_forks_its_workers_under_its_progress_bar(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A running thread (Rich's refresh thread) makes the importer spawn its workers, each a fresh
    interpreter importing everything again; the CLI's bar is redrawn from the import's steps instead."""
    import io

    from rich.console import Console

    from broadsheet.cli import commands
    from broadsheet.cli.commands import run_import

    terminal = Console(file=io.StringIO(), force_terminal=True)
    monkeypatch.setattr(commands, "err", terminal)  # the bar is drawn (it is not on a pipe)
    _many_pages(tmp_path / "in", importer.POOL_MIN + 5)
    real, chosen = importer._pool_context, []

    def recording() -> object:
        context = real()
        chosen.append(context.get_start_method())
        return context

    monkeypatch.setattr(importer, "_pool_context", recording)
    report = run_import(Store(tmp_path / "store"), [tmp_path / "in"], 5 * 1024 * 1024)
    assert chosen == ["fork"]
    assert report.count("imported") > importer.POOL_MIN - 10
    assert "Importing" in terminal.file.getvalue()  # type: ignore[attr-defined]  # the bar was drawn


def test_past_the_kept_outcomes_only_failures_and_notes_are_kept_and_the_counts_stay_exact(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A million files would hold a million outcomes for a summary that prints only the failed
    # and noted ones: past KEEP_ALL the others are counted, not kept.
    monkeypatch.setattr(importer, "KEEP_ALL", 1)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a-ferry.txt").write_text(FERRY_DUMP, encoding="utf-8")
    (pages / "b-bridge.txt").write_text(BRIDGE_DUMP, encoding="utf-8")
    (pages / "c-empty.txt").write_text("", encoding="utf-8")
    (pages / "d-ferry-again.txt").write_text(FERRY_DUMP, encoding="utf-8")
    report = import_paths(store, [pages, tmp_path / "missing"])
    assert (report.count("imported"), report.count("present"), report.count("failed"), report.total) == (2, 1, 2, 5)
    assert {Path(o.path).name for o in report.failed} == {"c-empty.txt", "missing"}
    assert len([o for o in report.outcomes if o.status != "failed"]) <= 1  # the one kept whole, if any


def test_an_import_collects_garbage_per_batches_and_gives_the_collector_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No automatic collection while storing (its passes walked every article in flight); a
    full one every FULL_EVERY batches, and the collector on again after the import."""
    import gc

    from broadsheet.store import collector
    from soak.stories import write_pool

    write_pool(tmp_path / "src", 30, 5, bad_every=0)
    monkeypatch.setattr(importer, "BATCH", 5)
    monkeypatch.setattr(collector, "FULL_EVERY", 2)
    seen: list[tuple[bool, int]] = []
    real_collect = gc.collect

    def collect(generation: int = 2) -> int:
        seen.append((gc.isenabled(), generation))
        return real_collect(generation)

    monkeypatch.setattr(gc, "collect", collect)
    assert gc.isenabled()
    report = import_paths(Store(tmp_path / "store"), [tmp_path / "src"])
    assert report.count("imported") == 30
    assert seen == [(False, 2)] * 3  # 6 batches of 5, a full collection after every second
    assert gc.isenabled()


def test_an_import_leaves_the_directory_sorted_for_the_next_writer(store: Store, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # At a million stories the next writer (an import of one page, a fetch) sorted the
    # directory first: 2.9 s. The import that grew it sorts it once at its end instead.
    from broadsheet.store.storage import directory as directory_module

    monkeypatch.setattr(directory_module, "KEEP_SORTED_AFTER", 8)  # (no load sorts fewer than RECENT_LIMIT)
    monkeypatch.setattr(importer, "POOL_MIN", 10**9)  # read in this process
    bad = _many_pages(tmp_path / "in", 30)
    report = import_paths(store, [tmp_path / "in"])
    assert len(report.failed) == len(bad)
    sorted_maps = store.folder / "directory-sorted.bin"
    assert sorted_maps.exists()
    made = sorted_maps.stat().st_mtime_ns
    again = import_paths(Store(store.folder), [tmp_path / "in" / "000.txt"])  # 1 entry since: kept as it is
    assert [o.status for o in again.outcomes] == ["present"]
    assert sorted_maps.stat().st_mtime_ns == made


def test_the_index_holds_the_copy_stored_when_a_twin_in_the_same_import_is_left_out(tmp_path: Path) -> None:
    """Two dumps of one story in one import: the first is stored, the second is "present". The
    index was given the second's text, so a word only the stored story held found nothing and
    a word of the copy left out found the story."""
    from broadsheet.store.search import SearchIndex

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(FERRY_DUMP, encoding="utf-8")
    (folder / "b.txt").write_text(FERRY_DUMP.replace("studied passenger", "counted passenger"), encoding="utf-8")
    store = Store(tmp_path / "store")
    report = import_paths(store, [folder / "a.txt", folder / "b.txt"])
    assert (report.count("imported"), report.count("present")) == (1, 1)
    (story,) = store.stories()
    assert "studied passenger" in " ".join(store.article(story.id).body)
    index = SearchIndex.open(store)
    assert index.search('"studied passenger"', states={}).ids == [story.id]
    assert index.search('"counted passenger"', states={}).ids == []


def test_an_export_of_only_deleted_feed_entries_takes_them_in_and_is_no_failure(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The export of a store whose stories were all deleted holds its deleted feed entries and no
    story. Importing it took them in and counted the file "1 failed" (exit 1); imported again, when
    there was nothing new to take, it said the same."""
    from broadsheet.cli.main import main

    old, new, export = tmp_path / "old", tmp_path / "new", tmp_path / "all.json"
    deleted = ["00000000000000a1", "00000000000000a2"]
    origin = Store(old)
    origin.delete(origin.add([(make_article(1), None)]))  # every story deleted
    origin.remember_deleted_entries(deleted)  # (as a fetched story's delete remembers it)
    assert main(["--store", str(old), "export", "-o", str(export)]) == 0
    assert orjson.loads(export.read_bytes())["stories"] == []
    capsys.readouterr()
    assert main(["--store", str(new), "import", str(export)]) == 0
    err = capsys.readouterr().err
    assert "0 imported, 0 already present, 0 failed" in err and "failed:" not in err, err
    assert f"note: {export}: it holds no stories, only the 2 feed entries deleted in the store it was exported " \
           "from" in err
    assert "2 feed entries deleted before stay deleted: fetch will not bring them back" in err
    assert Store(new).deleted_entries() == set(deleted)

    assert main(["--store", str(new), "import", str(export)]) == 0  # nothing new: said, not failed
    err = capsys.readouterr().err
    assert "0 failed" in err and "failed:" not in err and "stay deleted" not in err, err
    assert "Nothing new to take in: the 2 deleted feed entries named were known to this store already" in err


def test_an_export_of_nothing_says_so_and_not_that_no_files_were_found(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The export of an empty store: "No files found in all.json" was said of the file just read."""
    from broadsheet.cli.main import main

    export, origin = tmp_path / "all.json", Store(tmp_path / "old")
    origin.delete(origin.add([(make_article(1), None)]))  # a saved page's delete is not remembered
    assert main(["--store", str(origin.folder), "export", "-o", str(export)]) == 0
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "new"), "import", str(export)]) == 0
    err = capsys.readouterr().err
    assert f"note: {export}: it holds no stories: nothing to import" in err and "No files found" not in err, err


def _sigint_at_line(n: int, names: set[str]) -> Callable[..., Any]:
    """A tracer sending a real SIGINT at the ``n``-th line run in a function of ``names``: the
    Ctrl-C lands between two lines, as the user's does (inside a deferred block it is held)."""
    seen = [0]

    def local(frame: FrameType, event: str, _arg: object) -> Callable[..., Any] | None:
        if event == "line":
            seen[0] += 1
            if seen[0] == n:
                signal.raise_signal(signal.SIGINT)
        return local

    def tracer(frame: FrameType, event: str, _arg: object) -> Callable[..., Any] | None:
        return local if event == "call" and frame.f_code.co_name in names else None

    return tracer


def _sigint_handled_by(handler: Any) -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def python_sigint() -> Iterator[None]:
    """Python's own Ctrl-C handler, as the CLI runs its commands under (not the loading one)."""
    yield from _sigint_handled_by(signal.default_int_handler)


@pytest.mark.usefixtures("python_sigint")
def test_ctrl_c_at_any_line_of_an_import_keeps_every_story_read_with_its_marks(tmp_path: Path) -> None:
    """A Ctrl-C between queueing a story and noting its marks stored the story without its bookmark
    and tags; one between taking a batch and storing it dropped the batch, though its file was
    counted as read. A Ctrl-C at each line of the import in turn: the stories of a file read are
    stored, each stored story has its marks, and a story left out has none."""
    export = tmp_path / "marked.json"
    stories = [{"id": f"00000000000000c{n}", "file": str(tmp_path / f"harbour{n}.txt"),
                "article": {"headline": f"Harbour lanterns relit for winter fair number {n}", "authors": ["Ann Quay"],
                            "body": [f"The harbour lanterns were relit on Friday for the fair, the {n} of them.",
                                     "Volunteers cleaned each of the lanterns during the autumn."]},
                "state": {"bookmarked": True, "read": False, "tags": ["keep"]}} for n in (1, 2)]
    export.write_bytes(orjson.dumps({"format": "broadsheet-export", "version": 1, "stories": stories}))
    n = 0
    while True:
        n += 1
        store, read = Store(tmp_path / f"store{n}"), []
        sys.settrace(_sigint_at_line(n, {"import_paths", "flush"}))
        try:
            report = import_paths(store, [export], on_step=read.append)
        except KeyboardInterrupt:  # after the stories were stored (or before any was read)
            report = None
        finally:
            sys.settrace(None)
        stored = {meta.id for meta in store.stories()}
        if read:
            assert len(stored) == 2, f"a story read was not stored (Ctrl-C at line {n})"
        for story in stories:
            state = store.user.get(story["id"])
            if story["id"] in stored:
                assert state.bookmarked and state.tags == ("keep",), f"stored without its marks (Ctrl-C at line {n})"
            else:
                assert not state.bookmarked and not state.tags, f"a story not stored has marks (Ctrl-C at line {n})"
        if report is not None and not report.interrupted:  # the Ctrl-C came past the last line
            break


@pytest.fixture
def sigint_ignored() -> Iterator[None]:
    """Ctrl-C ignored, as a script's background job (``broadsheet import ... &``) or ``trap '' INT`` runs."""
    yield from _sigint_handled_by(signal.SIG_IGN)


@pytest.mark.usefixtures("sigint_ignored")
def test_an_import_run_with_ctrl_c_ignored_goes_on_through_a_ctrl_c(tmp_path: Path, pages: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A Ctrl-C meant for the foreground job leaves a background import be; but the store's writes
    put their own handler over the ignoring one, and one typed while a batch was stored stopped it."""
    from broadsheet.cli.main import main

    real = Store.add_identified

    def add_identified(self: Store, *args: Any, **kwargs: Any) -> Any:
        signal.raise_signal(signal.SIGINT)  # the Ctrl-C typed for the foreground job, as the batch is stored
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "add_identified", add_identified)
    assert main(["--store", str(tmp_path / "store"), "import", str(pages)]) == 0
    err = capsys.readouterr().err
    assert "2 imported" in err and "Interrupted" not in err, err
    assert len(Store(tmp_path / "store")) == 2 and signal.getsignal(signal.SIGINT) is signal.SIG_IGN

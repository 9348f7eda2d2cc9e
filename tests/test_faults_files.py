"""Damaged store files, disk full and read-only folders: clear errors, old data intact."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

import broadsheet.store.storage.atomic as atomic
from broadsheet.store.errors import StoreFileError, StoreWriteError
from broadsheet.store.storage.db import Store
from tests.factories import make_article, meta_file

DAMAGE = {
    "truncated": (lambda raw: raw[: len(raw) // 2], "truncated"),
    "empty": (lambda raw: b"", "empty"),
    "trailing data": (lambda raw: raw + b'{"x": 1}garbage', "trailing data"),
    "not JSON": (lambda raw: b"\x89PNG\r\n\x1a\n binary junk", "not JSON at all"),
    "wrong shape": (lambda raw: b'{"stories": [1, 2, 3]}', "not a TinyDB document"),
}


def filled(folder: Path) -> Store:
    store = Store(folder)
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(6)])
    for sid in list(store.user.all()) or [m.id for m in store.stories()]:
        store.user.edit_tags([sid], add=["kept"])
    store.user.set_setting("order", "oldest")
    return store


def state_file(store: Store) -> Path:
    sid = store.stories()[0].id
    return store.folder / "state" / f"{sid[:3]}.json"


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_metadata_fails_at_open_naming_it_and_is_kept(tmp_path: Path, kind: str) -> None:
    store = filled(tmp_path / "store")
    path = meta_file(store)
    damage, reason = DAMAGE[kind]
    damaged = damage(path.read_bytes())
    path.write_bytes(damaged)
    with pytest.raises(StoreFileError) as info:
        Store(store.folder)
    assert info.value.path == path
    assert reason in str(info.value)
    assert str(path) in str(info.value)
    assert info.value.backup is not None and info.value.backup.read_bytes() == damaged
    assert path.read_bytes() == damaged  # nothing overwritten
    # A store object opened before the damage refuses to write over it.
    with pytest.raises(StoreFileError):
        store.add([(make_article(99), "new.txt")])
    assert path.read_bytes() == damaged
    assert len(list(path.parent.glob(f"{path.name}.damaged-*"))) == 1  # one copy, however often it is read


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_state_file_opens_without_its_marks_names_it_and_refuses_marks_on_it(tmp_path: Path,
                                                                                     kind: str) -> None:
    store = filled(tmp_path / "store")
    path = state_file(store)
    damage, reason = DAMAGE[kind]
    damaged = damage(path.read_bytes())
    path.write_bytes(damaged)
    reopened = Store(store.folder)  # the store opens: only the marks of that file's stories are unknown
    found = reopened.damaged_files()[f"state/{path.name}"]
    assert found.path == path and reason in str(found) and str(path) in str(found)
    assert found.backup is not None and found.backup.read_bytes() == damaged
    sid = path.stem + "0" * 13
    assert sid not in reopened.user.all(skip_damaged=True)
    with pytest.raises(StoreFileError):  # neither this store nor one opened before writes over it
        reopened.user.toggle_bookmark(sid)
    with pytest.raises(StoreFileError):
        store.user.toggle_bookmark(sid)
    assert path.read_bytes() == damaged
    assert len(list(path.parent.glob(f"{path.name}.damaged-*"))) == 1  # one copy, however often it is read


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_settings_read_as_the_defaults_are_named_and_refuse_changes(tmp_path: Path, kind: str) -> None:
    store = filled(tmp_path / "store")
    store.user.save_search("ferries", "ferry")
    path = store.folder / "state" / "settings.json"
    damage, reason = DAMAGE[kind]
    damaged = damage(path.read_bytes())
    path.write_bytes(damaged)
    reopened = Store(store.folder)  # opens: the marks are sound
    found = reopened.damaged_files()["state/settings.json"]
    assert found.path == path and reason in str(found)
    assert reopened.user.get_setting("order", "newest") == "newest" and reopened.user.saved_searches() == {}
    assert reopened.user.get(store.stories()[0].id).tags == ("kept",)  # the marks are read as ever
    for change in (lambda: reopened.user.set_setting("order", "oldest"),
                   lambda: reopened.user.save_search("harbour", "harbour"),
                   lambda: store.user.set_setting("order", "newest")):  # a store opened before the damage too
        with pytest.raises(StoreFileError):
            change()
    assert path.read_bytes() == damaged
    assert len(list(path.parent.glob(f"{path.name}.damaged-*"))) == 1


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_body_shard_is_named_when_found(tmp_path: Path, kind: str) -> None:
    store = filled(tmp_path / "store")
    path = store.folder / "bodies" / "000000.json"
    damage, reason = DAMAGE[kind]
    damaged = damage(path.read_bytes())
    path.write_bytes(damaged)
    reopened = Store(store.folder)  # opens; a cheap look at its ends finds most damage, and names it
    found = reopened.damaged_files().get("bodies/000000.json")
    assert found is not None or kind == "wrong shape"  # found on first read of the shard
    assert found is None or (found.path == path and reason in str(found))
    with pytest.raises(StoreFileError, match=reason) as info:
        reopened.body(reopened.stories()[0])
    assert info.value.path == path
    with pytest.raises(StoreFileError):
        reopened.add([(make_article(99), "new.txt")])
    assert path.read_bytes() == damaged
    assert [p.read_bytes() for p in path.parent.glob("000000.json.damaged-*")] == [damaged]


def test_a_body_shard_gone_is_named_and_no_pass_writes_its_stories_without_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A deleted bodies/000000.json read as a shard of stories with no text: export and reindex
    wrote every story of it without its text and exited 0."""
    from broadsheet.cli.main import main

    store = filled(tmp_path / "store")
    path = store.folder / "bodies" / "000000.json"
    path.unlink()
    reopened = Store(store.folder)
    assert "the file is missing" in str(reopened.damaged_files()["bodies/000000.json"])
    with pytest.raises(StoreFileError, match="the file is missing"):
        reopened.body(reopened.stories()[0])
    # A store opened without the check at open (a reader's worker) writes no empty shard in its place.
    with pytest.raises(StoreFileError, match="the file is missing"):
        Store(store.folder, check=False).delete([reopened.stories()[1].id])
    assert not path.exists()
    for command in (["export", "-o", str(tmp_path / "out.json")], ["reindex"]):
        assert main(["--store", str(store.folder), *command]) == 2
        assert "000000.json: the file is missing" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()
    assert main(["--store", str(store.folder), "repair"]) == 1  # the stories' text lost: said
    assert main(["--store", str(store.folder), "export", "-o", str(tmp_path / "out.json")]) == 0


def test_repair_of_a_metadata_shard_gone_lists_no_story_it_cannot_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The list kept every story of a deleted meta shard after repair: rows that rm, tag and
    export could not read, rm of one exiting 0 without a word."""
    from broadsheet.cli.main import main

    store = filled(tmp_path / "store")
    count = len(store.stories())
    ghost = store.stories()[0].id  # still listed once its record is gone
    assert main(["--store", str(store.folder), "list"]) == 0  # (the list written, as any reader leaves it)
    (store.folder / "meta" / "000000.json").unlink()
    assert ghost[:10] in capsys.readouterr().out
    assert main(["--store", str(store.folder), "rm", ghost]) == 1
    assert "not deleted, no record of" in capsys.readouterr().err
    assert main(["--store", str(store.folder), "repair"]) == 1
    said = capsys.readouterr().err
    assert "meta/000000.json: the file is missing" in said
    assert f"{count} stories have a body but lost their story record" in said
    assert main(["--store", str(store.folder), "list"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--store", str(store.folder), "repair"]) == 0  # said once: the next repair finds all well


def test_cli_names_the_damaged_file_and_suggests_repair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from broadsheet.cli.main import main

    store = filled(tmp_path / "store")
    meta_file(store).write_bytes(b'{"articles": {"x": ')
    assert main(["--store", str(store.folder), "import", str(tmp_path / "nothing.txt")]) == 2
    message = capsys.readouterr().err
    assert "000000.json" in message and "truncated" in message and "broadsheet repair" in message


# -- disk full, read-only ------------------------------------------------------------------


def fail_with(monkeypatch: pytest.MonkeyPatch, code: int, where: str) -> None:
    """Make the next store writes fail with ``code`` at temp creation or at fsync."""
    def boom(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    if where == "mkstemp":
        monkeypatch.setattr(atomic.tempfile, "mkstemp", boom)
    else:
        monkeypatch.setattr(atomic.os, "fsync", boom)


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "the disk is full"),
                                             (errno.EROFS, "read-only file system"),
                                             (errno.EDQUOT, "quota")])
@pytest.mark.parametrize("where", ["mkstemp", "fsync"])
def test_write_failure_is_clear_keeps_old_data_and_store_goes_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str, where: str
) -> None:
    store = filled(tmp_path / "store")
    sid = store.stories()[0].id
    counts = store.folder / "state" / ".counts.json"
    before = {p: p.read_bytes() for p in store.folder.rglob("*.json")}
    counted = store.user.counts(store.presence([sid]))
    assert not store.read_only
    with monkeypatch.context() as patch:
        fail_with(patch, code, where)
        with pytest.raises(StoreWriteError) as info:
            store.user.toggle_bookmark(sid)
        assert isinstance(info.value, OSError) and info.value.errno == code
        # the first file a mark writes is the counts, announcing the state file's change; the
        # first it syncs, the state file (the counts are not synced: see UserState._write_counts)
        failed = counts if where == "mkstemp" else store.folder / "state" / f"{sid[:3]}.json"
        assert words in str(info.value) and str(failed) in str(info.value)
        assert "previous version is unchanged" in str(info.value)
        with pytest.raises(StoreWriteError):
            store.add([(make_article(50), "new.txt")])
        assert store.read_only and store.write_error is not None
        # Reading goes on.
        assert len(store.stories()) == 6 and store.body(store.stories()[0])
        assert store.user.get(sid).tags == ("kept",)
    if where == "fsync":  # the change announced, never written: the counts take it back
        assert counts.read_bytes() != before.pop(counts)
        assert Store(store.folder).user.counts(store.presence([sid])) == counted
        before[counts] = counts.read_bytes()
    assert {p: p.read_bytes() for p in store.folder.rglob("*.json")} == before
    assert not list(store.folder.rglob(".*.tmp"))
    store.user.toggle_bookmark(sid)  # space again: writes work and the flag clears
    assert not store.read_only and store.user.get(sid).bookmarked


def in_child(body: Callable[[], object]) -> object:
    """Run ``body`` in a forked child and return what it returned (or the exception text)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            try:
                result: object = body()
            except Exception as exc:
                result = f"{type(exc).__name__}: {exc}"
            os.write(write_fd, orjson.dumps(result, default=str))
        finally:
            os._exit(0)
    os.close(write_fd)
    data = b""
    while chunk := os.read(read_fd, 65536):
        data += chunk
    os.close(read_fd)
    os.waitpid(pid, 0)
    return orjson.loads(data)


@pytest.fixture
def world_readable() -> Iterator[Path]:
    """A folder other users can traverse (pytest's tmp_path lives in a private one)."""
    folder = Path(tempfile.mkdtemp(prefix="broadsheet-ro-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_read_only_folder_opens_read_only_and_refuses_writes(world_readable: Path) -> None:
    """Really read-only: the child drops to an unprivileged user on a folder it cannot write."""
    store = filled(world_readable / "store")
    sid = store.stories()[0].id
    for path in [store.folder, *store.folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    before = {p: p.read_bytes() for p in store.folder.rglob("*.json")}

    def body() -> object:
        if os.getuid() == 0:
            os.setgid(65534)
            os.setuid(65534)
        opened = Store(store.folder)
        result: dict[str, object] = {"read_only": opened.read_only, "stories": len(opened.stories())}
        try:
            opened.user.toggle_bookmark(sid)
        except StoreWriteError as exc:
            result["error"] = str(exc)
        result["after"] = opened.read_only
        return result

    result = in_child(body)
    assert isinstance(result, dict), result
    assert result["read_only"] is True and result["stories"] == 6 and result["after"] is True
    assert "cannot save" in str(result["error"]) and str(store.folder) in str(result["error"])
    assert {p: p.read_bytes() for p in store.folder.rglob("*.json")} == before


def test_file_size_limit_mid_write_is_a_clear_error(tmp_path: Path) -> None:
    """A real failing write (RLIMIT_FSIZE gives EFBIG, as a full disk gives ENOSPC)."""
    store = filled(tmp_path / "store")
    before = meta_file(store).read_bytes()

    def body() -> object:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        opened = Store(store.folder)
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) // 2, len(before) // 2))
        try:
            opened.add([(make_article(i), f"more-{i}.txt") for i in range(50, 60)])
        except StoreWriteError as exc:
            return {"error": str(exc), "read_only": opened.read_only, "stories": len(opened.stories())}
        return "no error"

    result = in_child(body)
    assert isinstance(result, dict), result
    assert "cannot save" in str(result["error"]) and result["read_only"] is True and result["stories"] == 6
    assert meta_file(store).read_bytes() == before
    assert not list(store.folder.rglob(".*.tmp"))
    assert len(Store(store.folder).stories()) == 6

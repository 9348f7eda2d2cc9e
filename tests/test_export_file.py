"""One way an export is written where the user named it, by ``broadsheet export -o`` and the reader alike."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from broadsheet.store.storage.db import Store
from broadsheet.store.storage.export_file import PhotosNotWritten, write_export
from tests.factories import make_article
from tests.photos import photo_article


def _store(tmp_path: Path) -> tuple[Store, list[str]]:
    store = Store(tmp_path / "store")
    stories = [photo_article(store, 0, count=2), make_article(1), photo_article(store, 3, count=1)]
    store.add([(story, None) for story in stories])
    return store, [story.story_id for story in stories]


def test_the_readers_ids_and_the_commands_choice_write_the_same_export(tmp_path: Path) -> None:
    store, ids = _store(tmp_path)
    chosen = [ids[2], ids[0]]  # newest first, as the export of the stories kept lists them
    steps: list[tuple[int, int]] = []
    by_ids = write_export(store, "md", tmp_path / "a.md", chosen, on_progress=lambda d, t: steps.append((d, t)))
    by_keep = write_export(store, "md", tmp_path / "b.md", keep=set(chosen))
    assert (by_ids.stories, by_ids.photos, by_ids.folder) == (2, 3, tmp_path / "a_photos")
    assert (by_keep.stories, by_keep.photos, by_keep.folder) == (2, 3, tmp_path / "b_photos")
    assert steps[0] == (0, 2) and steps[-1] == (2, 2)  # from nothing done to every story
    assert sorted(p.name for p in (tmp_path / "a_photos").iterdir()) == sorted(
        p.name for p in (tmp_path / "b_photos").iterdir())
    assert (tmp_path / "a.md").read_text().replace("a_photos/", "b_photos/") == (tmp_path / "b.md").read_text()


def test_a_pipe_gets_the_stories_and_no_photos_beside_it(tmp_path: Path) -> None:
    store, ids = _store(tmp_path)
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()))
    reader.start()
    written = write_export(store, "json", pipe, ids)
    reader.join(10)
    assert (written.stories, written.photos, written.folder) == (3, 0, None)
    assert got[0].count(b'"headline"') == 3 and not (tmp_path / "pipe_photos").exists()


def test_photos_that_cannot_be_written_leave_no_export(tmp_path: Path) -> None:
    store, ids = _store(tmp_path)
    (tmp_path / "out_photos").write_text("a file where the folder would go")
    with pytest.raises(PhotosNotWritten) as raised:
        write_export(store, "json", tmp_path / "out.json", ids)
    assert raised.value.folder == tmp_path / "out_photos"
    assert not (tmp_path / "out.json").exists()


def test_an_export_to_a_folder_that_does_not_exist_is_refused_and_makes_none(tmp_path: Path) -> None:
    """A typo in the path made every folder it named, and the export went there."""
    from broadsheet.store.errors import OutputError

    store, ids = _store(tmp_path)
    with pytest.raises(OutputError) as refused:
        write_export(store, "md", tmp_path / "nosuch" / "dir" / "x.md", ids)
    assert "its folder does not exist" in str(refused.value) and not (tmp_path / "nosuch").exists()


#: ``broadsheet export``, held after its first shard is written to its temporary file (the
#: file ``argv[1]`` made then), to be stopped there as a user or a dropped session would (or
#: let go on by a file ``argv[1]`` + ``.go``; it waits a minute at most).
_HELD_EXPORT = """
import sys, time
from pathlib import Path
from broadsheet.cli.main import main
from broadsheet.store.storage import export_file
made = export_file.export_chunks
def held(*args, **kwargs):
    for chunk in made(*args, **kwargs):
        yield chunk
        Path(sys.argv[1]).touch()
        deadline = time.monotonic() + 60
        while not Path(sys.argv[1] + ".go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
export_file.export_chunks = held
sys.exit(main(sys.argv[2:]))
"""


def _held_export(tmp_path: Path, target: Path, ignored: tuple[int, ...] = ()) -> subprocess.Popen[str]:
    """The command exporting to ``target``, held with its temporary file beside it; started with
    the ``ignored`` signals ignored, as ``nohup`` starts it."""
    _store(tmp_path)
    ready = tmp_path / "ready"

    def ignore() -> None:
        for signum in ignored:
            signal.signal(signum, signal.SIG_IGN)

    held = subprocess.Popen([sys.executable, "-c", _HELD_EXPORT, str(ready), "--store", str(tmp_path / "store"),
                             "export", "-o", str(target)], stderr=subprocess.PIPE, text=True, preexec_fn=ignore)
    deadline = time.monotonic() + 60
    while not ready.exists() and held.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), held.communicate(timeout=10)[1]
    assert [p.name for p in tmp_path.glob(f".{target.name}.*.tmp")]  # being written
    return held


def _temporaries(tmp_path: Path) -> list[str]:
    return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.tmp")
                  if p.relative_to(tmp_path).parts[0] != "store")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_an_export_stopped_by_a_signal_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    """`kill`, a dropped SSH session (SIGHUP) and Ctrl-C alike: a stopped export leaves the
    folder as it was, with no half-written temporary file beside the user's files."""
    target = tmp_path / "out.json"
    held = _held_export(tmp_path, target)
    held.send_signal(signum)
    _, said = held.communicate(timeout=30)
    assert held.returncode == (130 if signum == signal.SIGINT else -signum), said  # ended by it, as without it
    assert "Traceback" not in said
    assert _temporaries(tmp_path) == [] and not target.exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_an_export_started_with_a_signal_ignored_goes_on_when_it_comes(tmp_path: Path, signum: int) -> None:
    """``nohup broadsheet export ...`` before logging out: the hang-up killed it all the same."""
    target = tmp_path / "out.json"
    held = _held_export(tmp_path, target, ignored=(signum,))
    held.send_signal(signum)
    time.sleep(0.5)  # (it would have been stopped by now)
    (tmp_path / "ready.go").touch()
    _, said = held.communicate(timeout=60)
    assert held.returncode == 0, said
    assert target.read_text().count('"headline"') == 3 and _temporaries(tmp_path) == []


def test_an_export_removes_the_temporary_files_a_killed_export_to_it_left(tmp_path: Path) -> None:
    """kill -9 leaves the temporary file (up to a whole export) beside the target: the next
    export to it removes it, and in its photos folder, and nothing else: neither a file of
    the user's named like one, nor another export's, nor one a running export is writing."""
    target = tmp_path / "out.json"
    held = _held_export(tmp_path, target)
    held.kill()
    held.communicate(timeout=30)
    left = _temporaries(tmp_path)
    assert len(left) == 1  # the killed export's
    (tmp_path / "out_photos" / ".0a1b.png.broadsheet-zq3x9w_1.tmp").write_bytes(b"half a photo")  # killed there
    users = [".out.json.a1b2c3d4.tmp", ".out.json.broadsheet-notes.tmp", "out.json.broadsheet-abcdefgh.tmp",
             ".other.json.broadsheet-abcdefgh.tmp"]
    for name in users:
        (tmp_path / name).write_text("the user's")
    running = tmp_path / ".out.json.broadsheet-running.tmp"
    running.write_text("being written")
    with running.open("rb") as writing:
        fcntl.flock(writing, fcntl.LOCK_EX)
        write_export(Store(tmp_path / "store"), "json", target, keep=None)
    assert target.exists()
    assert _temporaries(tmp_path) == sorted([*users, running.name])


# 250 bytes: the photos folder's name would be 257
@pytest.mark.parametrize("stem", ["L" * 250, "é" * 125], ids=["one-byte", "two-byte"])
def test_an_export_named_too_long_for_its_photos_folder_puts_them_in_one_cut_short_and_says_so(
        tmp_path: Path, stem: str, capsys: pytest.CaptureFixture[str]) -> None:
    """"File name too long" at ``NAME_photos``, and nothing exported; its import finds them again."""
    from broadsheet.cli.main import main

    _store(tmp_path)
    target = tmp_path / f"{stem}.json"
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "store"), "export", "-o", str(target)]) == 0
    said = capsys.readouterr().err
    folder = tmp_path / (stem.encode()[:248].decode() + "_photos")  # 255 bytes, whole characters
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([folder.name, target.name, "store"])
    assert said == (f"Exported 3 stories to {target}, 3 photos in {folder} (the file's name cut short: with _photos "
                    "added it was too long for the file system)\n")
    assert len(list(folder.iterdir())) == 3
    assert main(["--store", str(tmp_path / "copy"), "import", str(target)]) == 0
    assert len(list((tmp_path / "copy" / "photos").glob("*.png"))) == 3


def test_an_export_to_a_name_too_long_for_the_file_system_is_refused_before_anything_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from broadsheet.cli.main import main

    _store(tmp_path)
    target = tmp_path / ("L" * 253 + ".md")
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "store"), "export", "-o", str(target)]) == 1
    assert capsys.readouterr().err == (f"broadsheet: the name is too long for the file system (256 bytes, at most "
                                       f"255): {target}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no photos folder, no temporary file


def _limited(limit: int) -> None:
    """In the child: files may grow to ``limit`` bytes (``ulimit -f``; Python ignores SIGXFSZ, so a
    write past it fails with EFBIG, as one past a FAT disk's 4 GB does)."""
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_an_export_larger_than_the_file_system_allows_says_so_in_words(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(20)])
    command = [sys.executable, "-m", "broadsheet", "--store", str(store.folder), "export", "--format", "json"]
    named = tmp_path / "export.json"
    done = subprocess.run([*command, "-o", str(named)], capture_output=True, timeout=120,
                          preexec_fn=lambda: _limited(2048))
    assert done.returncode == 1 and not named.exists()
    assert done.stderr.decode() == f"broadsheet: the file is larger than the file system allows: {named}\n"
    with open(tmp_path / "export.md", "wb") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, timeout=120,
                              preexec_fn=lambda: _limited(2048))
    assert done.returncode == 1
    said = done.stderr.decode()
    assert said.startswith("broadsheet: cannot write the export to standard output: the file is larger than the "
                           "file system allows; what was written there is incomplete"), said
    assert "Traceback" not in said and "Errno" not in said

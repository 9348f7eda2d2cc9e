"""Files the user names for an export (``export -o``, ``feeds export -o``, the reader's e / E):
replaced whole when they are files, written through when they are links, pipes or devices."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.errors import OutputError
from broadsheet.store.storage import atomic
from broadsheet.store.storage.atomic import write_output
from tests.dumps import FERRY_DUMP


@pytest.fixture
def cli_store(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(FERRY_DUMP)
    assert main(["--store", str(tmp_path / "store"), "import", str(tmp_path / "a.txt")]) == 0
    return tmp_path / "store"


def test_a_link_stays_a_link_and_its_target_gets_the_export(tmp_path: Path) -> None:
    target = tmp_path / "kept" / "target.md"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_output(link, lambda handle: handle.write(b"new"))
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_a_file_keeps_its_permissions_and_a_new_one_gets_the_umask(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared.json"
    shared.write_text("old")
    shared.chmod(0o644)
    write_output(shared, lambda handle: handle.write(b"[]"))
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644 and shared.read_bytes() == b"[]"
    monkeypatch.setattr(atomic, "_UMASK", 0o027)
    fresh = tmp_path / "fresh.json"
    write_output(fresh, lambda handle: handle.write(b"[]"))
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640  # not the temporary file's 0600


def test_the_readers_own_output_is_written_through_not_replaced(tmp_path: Path) -> None:
    # -o /dev/stdout with `>> log` in the shell: the file behind it was replaced, its lines lost.
    log = tmp_path / "log.txt"
    log.write_text("an earlier line\n")
    script = ("import sys; from pathlib import Path; from broadsheet.store.storage.atomic import write_output; "
              "write_output(Path('/dev/stdout'), lambda handle: handle.write(b'the export\\n'))")
    with log.open("a") as out:
        subprocess.run([sys.executable, "-c", script], stdout=out, check=True)
    assert log.read_text() == "an earlier line\nthe export\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs a second user to own the link")
def test_a_link_another_user_made_in_a_shared_folder_is_not_followed(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # as /tmp
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    planted = shared / "export.md"
    planted.symlink_to(precious)
    os.lchown(planted, 65534, 65534)  # another user's link
    with pytest.raises(OutputError, match="another user made"):
        write_output(planted, lambda handle: handle.write(b"the export"))
    assert precious.read_text() == "keep me"


def test_a_named_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()))
    reader.start()
    write_output(pipe, lambda handle: handle.write(b"through the pipe"))
    reader.join(timeout=10)
    assert got == [b"through the pipe"] and stat.S_ISFIFO(pipe.stat().st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_device_is_an_error_not_an_export(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", str(cli_store), "export", "-o", "/dev/full"]) != 0
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # still the device
    assert not Path("/dev/full_photos").exists()
    said = capsys.readouterr().err
    assert "/dev/full" in said and "Exported" not in said


def test_an_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    with pytest.raises(OutputError, match=r"cannot write .*nowhere\.md: a part of the path is a file"):
        write_output(tmp_path / "file" / "nowhere.md", lambda handle: handle.write(b"x"))


def test_an_export_into_a_folder_that_does_not_exist_says_so_and_makes_none(tmp_path: Path) -> None:
    """``-o /nonexistent/dir/x.json`` made both folders and said the export went well."""
    with pytest.raises(OutputError, match=r"cannot write .*x\.md: its folder does not exist"):
        write_output(tmp_path / "typo" / "dir" / "x.md", lambda handle: handle.write(b"x"))
    assert not (tmp_path / "typo").exists()


def test_a_folder_named_for_the_export_is_said_to_be_one(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_output(tmp_path, lambda handle: handle.write(b"x"))
    assert str(caught.value) == f"cannot write {tmp_path}: it is a folder"  # no "previous version" of nothing


def test_the_readers_own_output_is_a_stream_so_no_photos_folder_goes_beside_it(tmp_path: Path) -> None:
    log = tmp_path / "out.md"
    script = ("import sys; from pathlib import Path; from broadsheet.store.storage.atomic import is_stream; "
              "print(is_stream(Path('/dev/stdout')), file=sys.stderr)")
    with log.open("w") as out:
        done = subprocess.run([sys.executable, "-c", script], stdout=out, stderr=subprocess.PIPE, check=True,
                              text=True)
    assert done.stderr.strip() == "True"  # (the CLI puts photos beside a file only: not in /dev/stdout_photos)

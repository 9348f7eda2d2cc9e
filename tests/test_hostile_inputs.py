"""Hostile and broken input files: each bad file gets a clear reason, the others import."""

from __future__ import annotations

import ast
import codecs
import os
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.sanitize import clean_line
from broadsheet.store.storage.db import Store
from soak.stories import PNG, story_text

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(range(256)) * 4
REPO = Path(__file__).resolve().parents[1]


def good(n: int) -> str:
    import random

    return story_text(n, random.Random(n))


def hostile_folder(root: Path) -> dict[str, str]:
    """Write the hostile set; returns file name -> expected outcome ("imported" or a reason)."""
    root.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[bytes, str]] = {
        "utf8.txt": (good(1).encode(), "imported"),
        "invalid-utf8.txt": (good(2).encode().replace(b"council", b"c\xffouncil", 1), "imported"),
        "cp1252.txt": (good(3).replace("Residents said", "Résidents said “quoted”").encode("cp1252"), "imported"),
        "utf16-bom.txt": (codecs.BOM_UTF16_LE + good(4).encode("utf-16-le"), "imported"),
        "nul-bytes.txt": (good(5).encode().replace(b"\n\n", b"\n\x00\n", 1), "binary"),
        "picture.png": (PNG + os.urandom(64), "binary"),
        "program.elf": (ELF, "binary"),
        "empty.txt": (b"", "empty"),
        "long-line.txt": (b"word " * 100_000, "no headline"),
    }
    for name, (data, _) in files.items():
        (root / name).write_bytes(data)
    with open(root / "huge.txt", "wb") as handle:  # 100 MB, sparse: refused on its size alone
        handle.truncate(100 * 1024 * 1024)
    (root / "loop").symlink_to(".", target_is_directory=True)
    (root / "a-link").symlink_to(root / "b-link")
    (root / "b-link").symlink_to(root / "a-link")
    expected = {name: outcome for name, (_d, outcome) in files.items()}
    expected |= {"huge.txt": "too large", "a-link": "symbolic links", "b-link": "symbolic links"}
    return expected


def test_every_hostile_file_gets_a_clear_outcome(tmp_path: Path) -> None:
    expected = hostile_folder(tmp_path / "in")
    store = Store(tmp_path / "store")
    report = import_paths(store, [tmp_path / "in"])
    by_name = {Path(o.path).name: o for o in report.outcomes}
    assert set(by_name) == set(expected)  # one outcome per file; the symlink loop is not walked
    for name, want in expected.items():
        outcome = by_name[name]
        if want == "imported":
            assert outcome.status == "imported", (name, outcome.reason)
        else:
            assert outcome.status == "failed" and want in outcome.reason, (name, outcome.reason)
    assert by_name["cp1252.txt"].note.startswith("encoding guessed")
    assert "Résidents said “quoted”" in store.body(store.meta(by_name["cp1252.txt"].story_id))[1]
    assert len(store) == 4


def test_a_file_that_disappears_mid_import_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"{n}.txt").write_text(good(n))
    doomed = folder / "3.txt"

    def step(path: Path) -> None:
        if path.name == "1.txt":
            doomed.unlink()

    report = import_paths(Store(tmp_path / "store"), [folder], on_step=step)
    outcome = next(o for o in report.outcomes if o.path == str(doomed))
    assert outcome.status == "failed" and "not there" in outcome.reason
    assert report.count("imported") == 4


def test_one_bad_file_in_ten_the_rest_import_and_the_summary_names_each_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = set()
    for n in range(30):
        path = folder / f"{n:02d}.txt"
        if n % 10 == 7:
            path.write_bytes(b"\x00\x01binary" if n != 17 else b"")
            bad.add(path)
        else:
            path.write_text(good(n))
    assert main(["--store", str(tmp_path / "store"), "import", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "27 imported, 0 already present, 3 failed" in " ".join(err.split())
    for path in bad:
        assert f"failed: {path}" in err
    assert len(Store(tmp_path / "store")) == 27


def test_hostile_text_in_a_file_name_is_not_markup_or_escapes_in_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "[bold]x[-]\x1b]0;owned\x07.txt").write_bytes(b"")
    main(["--store", str(tmp_path / "store"), "import", str(folder)])
    err = capsys.readouterr().err
    assert "[bold]x[-]" in err  # shown as written, not taken as markup
    assert "\x1b" not in err and "\x07" not in err  # a file name must not retitle the window
    assert "[-]\\x1b]0;owned\\x07.txt: the file is empty" in err
    assert clean_line("a\x1b]0;owned\x07b") == "ab"


SHELL_CALLS = {("os", "system"), ("os", "popen"), ("os", "execl"), ("os", "execlp"), ("os", "spawnl")}


def test_no_shell_is_ever_run() -> None:
    """No ``shell=True``, ``os.system`` or ``os.popen`` anywhere in the app's code."""
    offenders = []
    for package in ("store", "broadsheet", "tui"):
        for path in (REPO / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.keyword) and node.arg == "shell" and not (
                    isinstance(node.value, ast.Constant) and node.value.value is False
                ):
                    offenders.append(f"{path.name}:{node.value.lineno} shell=")
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and (node.value.id, node.attr) in SHELL_CALLS):
                    offenders.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    assert offenders == []

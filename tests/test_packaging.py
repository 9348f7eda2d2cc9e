"""The wheel carries everything an installed ``broadsheet`` needs outside a checkout, in one namespace."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_ships_one_namespace_with_styles_seeds_and_every_module(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True)
    [wheel] = tmp_path.glob("broadsheet-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for style in (REPO / "styles").glob("*.tcss"):
        assert f"broadsheet/styles/{style.name}" in names
    for seed in (REPO / "seeds").iterdir():
        assert f"broadsheet/seeds/{seed.name}" in names
    for folder, package in (("store", "broadsheet/store"), ("tui", "broadsheet/tui"), ("broadsheet", "broadsheet")):
        for module in (REPO / folder).rglob("*.py"):
            assert f"{package}/{module.relative_to(REPO / folder).as_posix()}" in names, module
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"broadsheet"}, tops  # nothing generic like store/ or tui/ at the top of site-packages
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "broadsheet = broadsheet.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

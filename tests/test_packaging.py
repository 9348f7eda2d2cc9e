"""The wheel carries everything an installed ``broadsheet`` needs outside a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_ships_styles_seeds_and_packages(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True)
    [wheel] = tmp_path.glob("broadsheet-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for style in (REPO / "styles").glob("*.tcss"):
        assert f"broadsheet/_data/styles/{style.name}" in names
    for seed in (REPO / "seeds").iterdir():
        assert f"broadsheet/_data/seeds/{seed.name}" in names
    for package in ("broadsheet/cli.py", "store/db.py", "store/parse/__init__.py", "store/search/__init__.py",
                    "tui/app.py"):
        assert package in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "broadsheet = broadsheet.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

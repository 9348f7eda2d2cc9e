"""Find the bundled ``styles/`` and ``seeds/`` folders, installed or in a checkout.

A wheel installs them as the data packages ``broadsheet/styles`` and ``broadsheet/seeds``;
an editable install or a source checkout has them at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder ``name`` (``"styles"`` or ``"seeds"``) that ships with Broadsheet."""
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Broadsheet's bundled {name!r} folder is missing from this installation")


def stylesheets() -> list[Path]:
    return sorted(data_dir("styles").glob("*.tcss"))


def seed_files() -> list[Path]:
    return sorted(p for p in data_dir("seeds").iterdir()
                  if p.is_file() and not p.name.startswith((".", "__")) and p.suffix != ".py")

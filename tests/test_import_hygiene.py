"""The data layer stays free of UI and CLI code: every module under ``store/`` is imported in a
fresh interpreter and must not pull in textual, rich or the command line (harlequin's check)."""

import subprocess
import sys

import pytest

from tests.conftest import REPO

MODULES = sorted(
    "broadsheet.store." + ".".join(path.relative_to(REPO / "store").with_suffix("").parts).removesuffix(".__init__")
    for path in (REPO / "store").rglob("*.py")
)


def test_every_store_module_is_listed() -> None:
    assert "broadsheet.store.storage.db" in MODULES and "broadsheet.store.parse" in MODULES
    assert len(MODULES) > 30


@pytest.mark.parametrize("module", MODULES)
def test_store_imports_no_ui(module: str) -> None:
    code = (f"import sys, {module}; bad = [m for m in ('textual', 'rich', 'broadsheet.cli', 'broadsheet.tui') "
            "if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

"""store/ must stay free of UI code: importing it must not pull in textual or rich."""

import subprocess
import sys

import pytest

from tests.conftest import REPO

MODULES = ["store.model", "store.sanitize", "store.decode", "store.storage", "store.db", "store.filter",
           "store.importer", "store.parse", "store.paths"]


@pytest.mark.parametrize("module", MODULES)
def test_store_imports_no_ui(module: str) -> None:
    code = (f"import sys, {module}; bad = [m for m in ('textual', 'rich') if m in sys.modules]; "
            "print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

"""The reader's start loads only what its first screen needs (issue 17: first paint <= 0.5 s).

``broadsheet`` parses every command's arguments before it opens the reader, so a command
module that imports the importer (the parser, dateutil, selectolax, sqlite3), tantivy or
msgspec at its top costs every start of the reader about 0.1 s. The commands themselves
import those when they run (tests/test_cli.py runs them).
"""

import subprocess
import sys

from tests.conftest import REPO

#: Loaded only by the commands that need them, or by the reader after its first paint.
NOT_AT_START = ("tantivy", "msgspec", "broadsheet.store.ingest.importer", "broadsheet.store.parse",
                "broadsheet.store.search.engine", "broadsheet.store.storage.exchange", "dateutil", "selectolax",
                "sqlite3")


def test_starting_the_reader_imports_no_command_machinery() -> None:
    code = ("import sys\n"
            "from broadsheet.cli.main import build_parser\n"
            "args = build_parser().parse_args(['--store', 'x', 'run', '--no-seed'])\n"
            "import broadsheet.cli.reader, broadsheet.tui.app\n"
            f"print([m for m in {NOT_AT_START!r} if m in sys.modules])\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr

"""A saved page whose name is too long for its ``_files`` folder imports (review 8, defect 2).

``'L' * 250 + '.html'`` failed "could not be read (OSError: [Errno 36] File name too long:
'...LLLL_files')": probing for the folder of its photos raised. Such a folder cannot exist: none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.storage.db import Store

PAGE = ("<html><head><title>Ferry late again</title></head><body><article><h1>Ferry late again</h1>"
        "<p>The ferry from Lowmoor ran late on Tuesday, the third time this week, the operator said.</p>"
        '<figure><img src="ferry_files/wall.jpg"><figcaption>The ferry at the harbour wall.</figcaption></figure>'
        "<p>Passengers waited on the harbour wall for an hour before it sailed.</p></article></body></html>")


def test_a_page_named_too_long_for_its_photos_folder_is_imported(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / ("L" * 250 + ".html")).write_text(PAGE)
    code = main(["--store", str(tmp_path / "store"), "import", str(pages)])
    said = capsys.readouterr().err
    assert code == 0, said
    assert "1 imported, 0 already present, 0 failed" in said
    assert "File name too long" not in said
    [(_, article)] = list(Store(tmp_path / "store").each_article())
    assert article.headline == "Ferry late again"


def test_a_photos_folder_whose_page_name_would_be_too_long_is_imported_as_a_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / ("M" * 249 + "_files")  # its page would be MMM….xhtml.gz: 258 bytes, no such name
    folder.mkdir()
    (folder / "note.txt").write_text("Harbour notes\n\nThe ferry from Lowmoor sailed at dawn on Tuesday.\n")
    code = main(["--store", str(tmp_path / "store"), "import", str(folder)])
    said = capsys.readouterr().err
    assert code == 0, said
    assert "1 imported" in said and "File name too long" not in said

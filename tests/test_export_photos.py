"""``broadsheet export --format md -o FILE`` writes the stories' photos beside the Markdown and links them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.model import Image
from broadsheet.store.storage.db import Store
from tests.factories import make_article
from tests.photos import keep_photo, photo_article, picture_bytes


def test_markdown_export_writes_and_links_the_photos(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    story = photo_article(store, 0, count=2)
    digest = keep_photo(store, picture_bytes(seed=9))
    bracket = make_article(3, images=[Image("Boats [left] at the wall", "Ann Lee", photo=digest),
                                      Image("A photo the store never kept", None, photo="ef" * 32)])
    store.add([(story, None), (bracket, None)])
    out = tmp_path / "out" / "my stories.md"
    out.parent.mkdir()
    assert main(["--store", str(store.folder), "export", "--format", "md", "-o", str(out)]) == 0
    markdown = out.read_text("utf-8")
    folder = out.parent / "my stories_photos"
    links = re.findall(r"!\[([^\n]*?)\]\(([^)\s]+)\)", markdown)
    assert len(links) == 3  # two photos of one story, one of the other; the photo never kept is not linked
    assert ("Boats \\[left\\] at the wall", "my%20stories_photos/" + digest + ".png") in links
    for _alt, link in links:
        target = out.parent / link.replace("%20", " ")
        assert target.parent == folder and target.is_file()
        assert target.read_bytes() == (store.folder / "photos" / target.name).read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == sorted({Path(link).name for _a, link in links})
    assert "> Photo: A photo the store never kept" in markdown  # its caption is still exported


def test_markdown_to_standard_output_says_the_photos_need_a_file(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    store.add([(photo_article(store, 1, count=1), None)])
    assert main(["--store", str(store.folder), "export"]) == 0
    captured = capsys.readouterr()
    assert "![" not in captured.out and "> Photo: Photo caption 1.0" in captured.out
    assert "1 photo was not written" in captured.err

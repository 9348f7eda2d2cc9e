"""What the Markdown export and a newsboat import show (review 8, defect 4): no doubled wording
("Photo not kept: not kept: refused..."), no Python bytes repr (``b'\\x00\\xff'``) as a headline."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.model import Image
from broadsheet.store.storage.db import Store
from tests.factories import make_article
from tests.test_feeds_movein import NEWSBOAT_SCHEMA


def test_markdown_export_says_why_a_photo_was_not_kept_once(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    problem = "not kept: refused as a decompression bomb (40000 x 40000 pixels)"
    store.add([(make_article(1, images=[Image("Nets on the quay", src="https://quay.example/nets.png",
                                              problem=problem)]), "a.txt")])
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "store"), "export", "--format", "md", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert "> Photo not kept: refused as a decompression bomb (40000 x 40000 pixels)" in out
    assert "not kept: not kept" not in out


def test_a_newsboat_item_whose_title_is_a_blob_gets_its_text_not_a_bytes_repr(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache.db"
    db = sqlite3.connect(cache)
    db.executescript(NEWSBOAT_SCHEMA)
    db.execute("INSERT INTO rss_feed (rssurl, url, title) VALUES (?, ?, ?)",
               ("https://gazette.example/feed.xml", "https://gazette.example/", b"Harbour \xffGazette"))
    db.execute("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, flags, deleted)"
               " VALUES (?, ?, ?, ?, ?, 1772532000, ?, 1, NULL, 0)",
               (b"item-1", b"Ferry \x00timetable \xffchanged", b"Ann Quill", b"https://gazette.example/story/1",
                "https://gazette.example/feed.xml", b"<p>The ferry timetable changed on Monday.</p>"))
    db.commit()
    db.close()
    code = main(["--store", str(tmp_path / "store"), "import", str(cache)])
    said = capsys.readouterr().err
    assert code == 0, said
    assert "1 imported" in said
    [(_, article)] = list(Store(tmp_path / "store").each_article())
    assert article.headline == "Ferry timetable \ufffdchanged"
    assert article.url == "https://gazette.example/story/1"
    assert article.authors == ["Ann Quill"]
    assert article.body == ["The ferry timetable changed on Monday."]
    assert "b'" not in (article.source or "") and "Gazette" in (article.source or "")

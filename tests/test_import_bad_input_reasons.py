"""Bad inputs refused with what is really wrong with them (review 9): a UTF-16 page without its mark was
"binary", a ``.gz`` that is none "binary" too, a newsboat cache with a damaged header "not a database",
and a web archive's records were named by a number the user could not tell how to count."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from broadsheet.cli.main import main
from broadsheet.store.storage import db
from broadsheet.store.storage.db import Store
from tests.factories import make_article
from tests.html_pages import HEADLINE, URL, article_html


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # files named as the user names them: by their names


def _import(tmp_path: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    main(["--store", str(tmp_path / "store"), "import", path.name])
    return capsys.readouterr().err


@pytest.mark.parametrize("codec, named", [("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE")])
def test_a_utf16_page_without_its_mark_is_said_to_be_so_not_binary(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], codec: str, named: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(article_html().encode(codec))
    said = _import(tmp_path, page, capsys)
    assert (f"failed: page.html: looks like {named} text without the byte-order mark that says so: save it as "
            "UTF-8 (or as UTF-16 with its mark) and import it again") in said
    assert "binary" not in said


def test_a_binary_file_is_still_said_binary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blob = tmp_path / "blob.dat"
    blob.write_bytes(bytes(range(256)) * 8)
    assert "failed: blob.dat: looks binary (NUL bytes in the first 8 KB), not a text page" in _import(
        tmp_path, blob, capsys)


def test_a_safari_web_archive_is_named_and_what_to_do_said(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """It was "looks binary (NUL bytes in the first 8 KB), not a text page", no word of what it is."""
    import plistlib

    page = {"WebResourceData": article_html().encode(), "WebResourceMIMEType": "text/html",
            "WebResourceURL": URL, "WebResourceTextEncodingName": "UTF-8", "WebResourceFrameName": ""}
    saved = tmp_path / "story.webarchive"
    saved.write_bytes(plistlib.dumps({"WebMainResource": page, "WebSubresources": []}, fmt=plistlib.FMT_BINARY))
    said = _import(tmp_path, saved, capsys)
    assert ('failed: story.webarchive: a Safari web archive (.webarchive), which Broadsheet does not read: in '
            'Safari, save the page with File > Save As, format "Page Source", and import that HTML file') in said


@pytest.mark.parametrize("content, reason", [
    (bytes(range(256)) * 8, "looks binary (NUL bytes in the first 8 KB), not a text page"),
    (b"Just a note\nwith two lines\n", "no story text found below the headline"),
], ids=["binary", "text"])
def test_a_gz_file_that_is_not_gzip_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes,
                                             reason: str) -> None:
    named = tmp_path / "page.html.gz"
    named.write_bytes(content)
    said = _import(tmp_path, named, capsys)
    assert f"failed: page.html.gz: not gzip-compressed, though named .gz; read as it is: {reason}" in said


def test_a_page_named_gz_that_is_not_gzip_is_still_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    named = tmp_path / "page.html.gz"
    named.write_text(article_html())
    assert "1 imported, 0 already present, 0 failed" in _import(tmp_path, named, capsys)


def test_an_export_of_no_story_named_gz_is_no_failure_to_blame_on_its_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "page.html").write_text(article_html())
    store = str(tmp_path / "store")
    assert main(["--store", store, "import", "page.html"]) == 0
    for story in Store(tmp_path / "store").stories():
        main(["--store", store, "rm", story.id])
    assert main(["--store", store, "export", "--format", "json", "-o", "none.json"]) == 0
    Path("none.json").rename("none.json.gz")  # named .gz, not gzip
    capsys.readouterr()
    main(["parse", "--json", "none.json.gz"])
    assert '"error":"Broadsheet export: it holds no stories"' in capsys.readouterr().out


def _cache(path: Path) -> bytes:
    """A small newsboat cache's bytes (its two tables, one item)."""
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE rss_feed (rssurl TEXT, url TEXT, title TEXT);"
                     "CREATE TABLE rss_item (id INTEGER PRIMARY KEY, guid TEXT, title TEXT, author TEXT, url TEXT, "
                     "feedurl TEXT, pubDate INTEGER, content TEXT, unread INTEGER, enclosure_url TEXT, "
                     "enclosure_type TEXT, flags TEXT, deleted INTEGER DEFAULT 0);")
    db.execute("INSERT INTO rss_feed VALUES ('https://g.example/feed.xml', 'https://g.example/', 'Gazette')")
    db.execute("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread) VALUES "
               "('a', 'Quay reopens', 'Ann', 'https://g.example/a', 'https://g.example/feed.xml', 1772532000, "
               "'<p>The quay reopened.</p>', 1)")
    db.commit()
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize("damage", [
    lambda data: b"SQLite format 2\x00" + data[16:],  # its mark
    lambda data: data[:16] + b"\x00\x07" + data[18:],  # its page size
    lambda data: bytes(100) + data[100:],  # the whole header
], ids=["mark", "page size", "header"])
def test_a_newsboat_cache_with_a_damaged_header_is_said_damaged(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                damage) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache.db"
    cache.write_bytes(damage(_cache(cache)))
    said = _import(tmp_path, cache, capsys)
    assert ("failed: cache.db: a newsboat cache whose SQLite header (its first 100 bytes) is damaged: it cannot be "
            "opened") in said


def test_a_newsboat_caches_journal_log_or_tar_is_said_what_it_is_not_a_damaged_cache(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``cache.db-journal`` (newsboat killed while writing leaves it beside the cache) and a tar of
    the cache hold its schema: each was "a newsboat cache whose SQLite header ... is damaged"."""
    import subprocess
    import sys
    import tarfile

    cache = tmp_path / "cache.db"
    _cache(cache)
    killed = ("import os, sqlite3\ndb = sqlite3.connect('cache.db', isolation_level=None)\ndb.execute('BEGIN')\n"
              "db.execute(\"UPDATE rss_item SET content = zeroblob(20000)\")\nos._exit(9)")  # (it grows: page 1 kept)
    subprocess.run([sys.executable, "-c", killed], cwd=tmp_path, check=False)
    journal = (tmp_path / "cache.db-journal").read_bytes()
    (tmp_path / "cut.db-journal").write_bytes(journal)
    (tmp_path / "sealed.db-journal").write_bytes(bytes.fromhex("d9d505f920a163d7") + journal[8:])  # killed later
    (tmp_path / "done.db-journal").write_bytes(bytes(28) + journal[28:])  # as journal_mode PERSIST keeps one
    (tmp_path / "cache.db-journal").unlink()
    db = sqlite3.connect(cache)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("UPDATE rss_item SET unread = 0")
    db.commit()
    (tmp_path / "log.db-wal").write_bytes((tmp_path / "cache.db-wal").read_bytes())
    db.close()
    with tarfile.open(tmp_path / "backup.tar", "w") as tar:
        tar.add(cache, "cache.db")
    journal_said = "a SQLite database's rollback journal, not the database, a binary file: Broadsheet reads"
    for name, what in [("cut.db-journal", journal_said), ("sealed.db-journal", journal_said),
                       ("done.db-journal", "looks binary"),
                       ("log.db-wal", "a SQLite database's write-ahead log, not the database, a binary file"),
                       ("backup.tar", "a tar archive (unpack it and import its files), a binary file")]:
        said = _import(tmp_path, tmp_path / name, capsys)
        assert f"failed: {name}: {what}" in said, said
        assert "damaged" not in said


def test_a_newsboat_cache_damaged_past_its_header_is_said_damaged(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache.db"
    data = _cache(cache)
    cache.write_bytes(data[:4096] + b"\xab" * (len(data) - 4096))
    said = _import(tmp_path, cache, capsys)
    assert ("failed: cache.db: a damaged newsboat cache: SQLite cannot read it (database disk image is malformed)"
            in said)


def test_a_web_archives_records_are_named_as_warcio_index_lists_them(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Counted from 1 with the archive's first record (its warcinfo), and at the offset ``warcio extract`` takes."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "made up"}))
    for url, page in ((URL, article_html()), (URL + "-empty", "<html><body><p>No story.</p></body></html>")):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", http_headers=headers,
                                                      payload=io.BytesIO(page.encode())))
    crawl = tmp_path / "crawl.warc.gz"
    crawl.write_bytes(out.getvalue())
    with crawl.open("rb") as handle:
        records = ArchiveIterator(handle)
        offsets = [records.offset for _ in records]  # what `warcio index` prints, a line a record
    said = _import(tmp_path, crawl, capsys)
    assert f"failed: crawl.warc.gz (record 3 at byte {offsets[2]}, {URL}-empty): no article text found" in said
    assert f"note: crawl.warc.gz (record 2 at byte {offsets[1]}): photo 1 not saved" in said
    assert "note: crawl.warc.gz: 1 record of the archive that is not an HTML page skipped" in said  # (its warcinfo)


def _feed(dates: list[str]) -> str:
    items = "".join(f"<item><title>Quay notice {n}</title><link>https://q.example/{n}</link><guid>q{n}</guid>"
                    f"<pubDate>{date}</pubDate><description>The quay notice number {n}.</description></item>"
                    for n, date in enumerate(dates, 1))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Quay Gazette</title>'
            f"<link>https://q.example/</link><description>Notices</description>{items}</channel></rss>")


def test_a_feed_entry_whose_date_is_out_of_range_is_kept_without_it_and_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(_feed(["Fri, 31 Dec 9999 23:59:59 -0500", "Mon, 45 Foo 2024 99:00:00 GMT",
                           "Mon, 02 Mar 2026 10:00:00 +0000"]))
    said = _import(tmp_path, feed, capsys)
    assert "3 imported, 0 already present, 0 failed" in said
    assert ('note: feed.xml (entry 1): its date "Fri, 31 Dec 9999 23:59:59 -0500" cannot be read as a date '
            "(a real day, years 1 to 9999): left out") in said
    assert 'note: feed.xml (entry 2): its date "Mon, 45 Foo 2024 99:00:00 GMT" cannot be read' in said
    assert "entry 3" not in said
    dates = {a.headline: a.published for _, a in Store(tmp_path / "store").each_article()}
    assert dates["Quay notice 1"] is None and dates["Quay notice 3"] == "2026-03-02T10:00:00+00:00"


def test_an_empty_row_of_a_newsboat_cache_is_said_not_dropped(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache.db"
    _cache(cache)
    db = sqlite3.connect(cache)
    db.execute("INSERT INTO rss_item (id, deleted) VALUES (NULL, NULL)")  # every column NULL
    db.commit()
    db.close()
    said = _import(tmp_path, cache, capsys)
    assert "1 imported, 0 already present, 1 failed" in said
    assert "failed: cache.db (item 2): the entry has no title, text or link" in said


def test_repair_says_a_source_path_that_is_not_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text(article_html())
    _import(tmp_path, page, capsys)
    code = main(["--store", str(tmp_path / "store"), "repair", "gone.html", "page.html"])
    said = capsys.readouterr().err
    assert "broadsheet repair: gone.html: no such file or folder; no stories are read from it" in said
    assert "no damaged files" in said and code == 1


@pytest.mark.parametrize("name", [b"a\x1b[31mred.html", b"b\xffx.html", "c\u202elmth.html".encode()],
                         ids=["escape", "not utf-8", "bidi"])
def test_parse_json_gives_the_path_as_given_escaped_by_json(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                                             name: bytes) -> None:
    """The contract's ``file`` is the path as given: a JSON reader gets the file back from it, and the
    line holds no character a terminal acts on (it held the name as shown, ``a\\x1b[31mred.html``)."""
    import json
    import os

    path = os.fsdecode(name)
    Path(path).write_text(article_html())
    assert main(["parse", "--json", path]) == 0
    line = capfd.readouterr().out
    assert line.rstrip("\n").isprintable()  # (a JSON line holds no control character raw)
    assert json.loads(line)["file"] == path
    assert Path(json.loads(line)["file"]).read_text() == article_html()


@pytest.mark.parametrize("given, limit", [("1e6", 1_000_000), ("1000000", 1_000_000), ("5M", 5 * 1024**2),
                                          ("200K", 200 * 1024), ("1G", 1024**3), ("1.5 MB", 1572864)])
def test_max_size_takes_a_size_as_people_type_it(tmp_path: Path, given: str, limit: int) -> None:
    from broadsheet.cli.main import build_parser

    assert build_parser().parse_args(["import", "--max-size", given, "x"]).max_size == limit


def test_a_max_size_that_is_no_size_says_what_one_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--max-size", "lots", "x"])
    assert ('argument --max-size: "lots" is not a size: give a number of bytes (1000000 or 1e6) or one with a '
            "unit, K, M or G (800K, 5M, 1.5G)") in capsys.readouterr().err


def test_import_into_a_folder_of_pages_given_as_the_store_writes_nothing_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text(article_html())
    (pages / "notes.txt").write_text("my notes")
    (tmp_path / "page.html").write_text(article_html())
    assert main(["--store", "pages", "import", "page.html"]) == 1
    said = capsys.readouterr().err
    assert ("broadsheet: pages is a folder of other files (a.html, notes.txt), not a store: nothing was written "
            "there; give a new or empty folder, or a store's, with --store DIR (to import the files in it: "
            "`broadsheet import pages`)") in said
    assert sorted(p.name for p in pages.iterdir()) == ["a.html", "notes.txt"]
    (tmp_path / "new").mkdir()  # an empty folder, a new one and a store are still stores to be
    for store in ("new", "other"):
        assert main(["--store", store, "import", "page.html"]) == 0
    assert main(["--store", "other", "import", "pages"]) == 0


def test_the_import_suggested_for_a_folder_of_pages_quotes_its_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`broadsheet import my pages;rm x` was suggested for a folder so named: pasted, it ran ``rm``."""
    pages = tmp_path / "my pages;rm x"
    pages.mkdir()
    (pages / "a.html").write_text(article_html())
    (tmp_path / "page.html").write_text(article_html())
    assert main(["--store", "my pages;rm x", "import", "page.html"]) == 1
    assert "`broadsheet import 'my pages;rm x'`" in capsys.readouterr().err
    assert main(["--store", "new", "import", "page.html"]) == 0  # (the command after it, as before)


class _Killed(BaseException):
    """The process killed where it stands (power lost, ``kill -9``): nothing of the import's own runs."""


@pytest.mark.parametrize("journal", [db.STORING, db.TAGGING])
def test_a_first_import_killed_after_writing_its_journal_is_finished_by_the_next(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, journal: str) -> None:
    """Every command refused the folder: "a folder of other files (storing.json), not a store"."""
    real = db.atomic_write_bytes

    def dying(path: Path, *args: Any, **kwargs: Any) -> None:
        real(path, *args, **kwargs)
        if path.name == journal:
            raise _Killed

    monkeypatch.setattr(db, "atomic_write_bytes", dying)
    with pytest.raises(_Killed):
        Store(tmp_path / "store").add_identified([("s1", make_article(1), None)], tags=[["news"]])
    monkeypatch.setattr(db, "atomic_write_bytes", real)
    assert (tmp_path / "store" / journal).exists()
    (tmp_path / "page.html").write_text(article_html())
    assert main(["--store", "store", "import", "page.html"]) == 0
    assert "other files" not in capsys.readouterr().err
    assert not (tmp_path / "store" / journal).exists()
    assert [meta.headline for meta in Store(tmp_path / "store").stories()] == [HEADLINE]


def test_a_fresh_partition_mounted_as_the_store_is_an_empty_folder(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mounted" / "lost+found").mkdir(parents=True)
    (tmp_path / "page.html").write_text(article_html())
    assert main(["--store", "mounted", "import", "page.html"]) == 0
    assert "other files" not in capsys.readouterr().err


def test_a_gzip_bomb_of_a_feed_is_refused_without_holding_its_cap(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """It held the feed's first 128 MB twice over (some 300 MB) only to refuse it."""
    import tracemalloc
    import zlib

    from broadsheet.store.ingest.formats.feed import FEED_FILE_MAX

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bomb</title><item>'
                             b"<title>Bomb</title><description>")]
    block = b"A" * (8 * 1024 * 1024)
    parts += [packer.compress(block) for _ in range(FEED_FILE_MAX // len(block) + 1)]
    parts.append(packer.compress(b"</description></item></channel></rss>") + packer.flush())
    bomb = tmp_path / "bomb.xml.gz"
    bomb.write_bytes(b"".join(parts))
    del parts
    tracemalloc.start()
    try:
        said = _import(tmp_path, bomb, capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "failed: bomb.xml.gz: the gzip-compressed feed unpacks to more than 128 MB: refused" in said
    assert peak < 32 * 1024 * 1024, peak

"""A web archive of many pages each naming a photo it does not hold (review 8, defect 6): the summary
says the note once, with how many stories, not once a story; and says nothing of it for stories
already present when the archive is imported again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from tests.html_pages import HEADLINE, URL, article_html

PAGES = 30


def _archive(path: Path) -> None:
    """A crawl of PAGES pages, each naming its photo, and no photo record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        for n in range(PAGES):
            page = article_html().replace(HEADLINE, f"Harbour notice number {n}").replace(URL, f"{URL}-{n}")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"{URL}-{n}", "response", http_headers=headers,
                                                          payload=io.BytesIO(page.encode())))


def test_a_note_every_page_shares_is_said_once_with_its_count(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    crawl = tmp_path / "crawl.warc"
    _archive(crawl)
    store = str(tmp_path / "store")
    assert main(["--store", store, "import", str(crawl)]) == 0
    said = capsys.readouterr().err
    assert f"{PAGES} imported, 0 already present, 0 failed" in said
    notes = [line for line in said.splitlines() if line.startswith("  note:")]
    assert len(notes) == 1, said
    assert "photo 1 not" in notes[0] and f": {PAGES} stories (the first " in notes[0] and "(record " in notes[0]

    assert main(["--store", store, "import", str(crawl)]) == 0
    said = capsys.readouterr().err
    assert f"0 imported, {PAGES} already present, 0 failed" in said
    assert "note:" not in said  # said when they were stored, not at every import


def test_the_records_skipped_are_said_once_of_the_archive_whatever_its_pages_became(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The count of records skipped rode on the archive's first page, pinned to "(record 1 at byte 0)":
    unsaid when that page was already present, and when every page failed."""
    from tests.html_pages import warc_bytes

    first = article_html().replace(HEADLINE, "Harbour notice number one").replace(URL, f"{URL}-1").encode()
    second = article_html().replace(HEADLINE, "Harbour notice number two").replace(URL, f"{URL}-2").encode()
    assets = [("https://coast-herald.example/site.css", "text/css", b"body { color: navy }"),
              ("https://coast-herald.example/gone", "text/html", b"<html><body>Not found</body></html>")]
    skipped = "1 record of the archive that is not an HTML page and 1 response with no page (HTTP 404: 1) skipped"
    crawl = tmp_path / "crawl.warc.gz"
    crawl.write_bytes(warc_bytes([(f"{URL}-1", "text/html", first), *assets, (f"{URL}-2", "text/html", second)],
                                 statuses={"https://coast-herald.example/gone": "404 Not Found"}))
    store = str(tmp_path / "store")
    assert main(["--store", store, "import", str(crawl)]) == 0
    said = capsys.readouterr().err
    assert f"  note: {crawl}: {skipped}\n" in said, said
    assert said.count(skipped) == 1 and f"(record 1 at byte 0): {skipped}" not in said

    assert main(["--store", store, "import", str(crawl)]) == 0  # every page already present
    said = capsys.readouterr().err
    assert "0 imported, 2 already present, 0 failed" in said and f"  note: {crawl}: {skipped}\n" in said, said

    failing = tmp_path / "assets.warc.gz"  # its one page gives no story
    failing.write_bytes(warc_bytes([*assets, (f"{URL}-3", "text/html", b"<html><body><p>Menu</p></body></html>")],
                                   statuses={"https://coast-herald.example/gone": "404 Not Found"}))
    assert main(["--store", store, "import", str(failing)]) == 1
    said = capsys.readouterr().err
    assert "0 imported, 0 already present, 1 failed" in said and f"  note: {failing}: {skipped}\n" in said, said

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

"""Web archives cut short (a download or a crawl stopped part way): every record read whole is
imported, a record the cut went through is left out, and one failure says where reading stopped."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from broadsheet.store.ingest.formats import Item, read_source
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from tests.html_pages import HEADLINE, URL, article_html, png_bytes


def archive(*, gzip: bool) -> tuple[bytes, list[int]]:
    """A crawl of three pages, a photo, a stylesheet and a redirect; and where each record ends."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    ends = []

    def response(url: str, kind: str, body: bytes, status: str = "200 OK") -> None:
        headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
        ends.append(out.tell())

    response(URL.replace("https", "http"), "text/html", b"", "301 Moved Permanently")
    response(URL, "text/html; charset=utf-8", article_html().encode())
    response("https://coast-herald.example/img/ferry.jpg", "image/png", png_bytes())
    response("https://coast-herald.example/site.css", "text/css", b"body { margin: 0 }")
    for n, title in ((2, "Lifeboat crew marks fifty years"), (3, "Bridge reopens to walkers")):
        response(f"{URL}-{n}", "text/html", article_html().replace(HEADLINE, title).replace(URL, f"{URL}-{n}").encode())
    return out.getvalue(), ends


def read(path: Path) -> tuple[dict[str, str], list[str]]:
    got: list[Item] = list(read_source(path))
    failed = [i.reason for i in got if i.article is None and not i.input_note]  # (not its note of records skipped)
    return {i.part: i.article.body for i in got if i.article}, failed


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_an_archive_cut_anywhere_keeps_the_whole_records_and_says_it_is_cut_once(tmp_path: Path, gzip: bool) -> None:
    data, ends = archive(gzip=gzip)
    whole = tmp_path / "whole.warc"
    whole.write_bytes(data)
    pages, failed = read(whole)
    assert len(pages) == 3 and failed == []
    record_of = {part: int(part.split()[1]) for part in pages}
    cut_file = tmp_path / "cut.warc"
    for cut in range(200, len(data) - 1, 37):  # past the first record's start, so it is known for an archive
        cut_file.write_bytes(data[:cut])
        got, failed = read(cut_file)
        # Nothing tells a cut between records from an end (nor one in the blank lines closing a record).
        at_boundary = cut in ends if gzip else any(end - 4 <= cut <= end for end in ends)
        assert len(failed) == (0 if at_boundary else 1), (cut, failed)
        assert all("could not be read" not in reason for reason in failed), (cut, failed)
        assert not failed or failed[0].startswith("the archive is cut short"), (cut, failed)
        for part, body in got.items():
            assert body == pages[part], (cut, part)  # never half a page stored as the story
        # Every record before the cut; one cut in its gzip trailer is whole, and may be kept too.
        assert set(got) >= {part for part in pages if ends[record_of[part] - 1] <= cut}, cut


def test_a_page_cut_part_way_is_left_out_and_the_cut_reported_once_naming_the_file(tmp_path: Path) -> None:
    data, ends = archive(gzip=True)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data[: (ends[4] + ends[5]) // 2])  # inside the third page (record 6)
    report = import_paths(Store(tmp_path / "store"), [path])
    assert report.count("imported") == 2
    (failure,) = report.failed
    assert failure.path == str(path)
    assert failure.reason == ("the archive is cut short after record 5: the rest is lost "
                              "(record 6 is incomplete and was left out)")


def test_a_cut_inside_a_records_headers_is_reported_not_silent(tmp_path: Path) -> None:
    data, ends = archive(gzip=True)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data[: ends[3] + 40])  # the fifth record's gzip member has begun, no header is whole
    pages, failed = read(path)
    assert len(pages) == 1
    assert failed == ["the archive is cut short after record 4: the rest is lost"]

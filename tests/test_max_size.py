"""A page over ``--max-size`` is read up to the limit; when its story lies past the limit the
failure says the file is over the limit (see --max-size), not only "no article text found"."""

from __future__ import annotations

import io
from pathlib import Path

from broadsheet.store.ingest.formats import read_source
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from tests.html_pages import HEADLINE, URL, article_html, mhtml_bytes

LIMIT = 64 * 1024


def heavy_page() -> str:
    """A page whose head carries 100 KB of inline style before the story (a theme's CSS, inlined)."""
    style = "<style>" + "".join(f".rule{n} {{ margin: {n}px; padding: {n}px }}\n" for n in range(2500)) + "</style>"
    assert len(style) > LIMIT
    return article_html().replace("</head>", style + "</head>", 1)


def test_a_page_whose_story_is_past_the_limit_says_it_is_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "heavy.html"
    path.write_text(heavy_page(), encoding="utf-8")
    report = import_paths(Store(tmp_path / "store"), [path], max_bytes=LIMIT)
    (failure,) = report.failed
    assert failure.path == str(path)
    assert failure.reason.startswith("no article text found in its first 64.0 KB: the file of ")
    assert failure.reason.endswith("is over the 64.0 KB limit (see --max-size)")
    assert import_paths(Store(tmp_path / "store"), [path], max_bytes=4 * LIMIT).count("imported") == 1


def test_an_mhtml_file_over_the_limit_says_so(tmp_path: Path) -> None:
    path = tmp_path / "heavy.mhtml"
    path.write_bytes(mhtml_bytes(heavy_page(), None))
    (item,) = read_source(path, LIMIT)
    assert item.article is None and "over the 64.0 KB limit (see --max-size)" in item.reason
    (item,) = read_source(path, 4 * LIMIT)
    assert item.article is not None and item.article.headline == HEADLINE


def test_a_warc_page_over_the_limit_is_read_up_to_it_and_says_so(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    long_tail = "<p>" + "The harbour log lists every sailing of the week. " * 2000 + "</p>"
    for url, html in ((URL, heavy_page()), (URL + "-long", article_html(extra_body=long_tail))):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                                      http_headers=headers))
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(out.getvalue())
    long_page, heavy = read_source(path, LIMIT)
    assert long_page.article is not None and "the page is over the 64.0 KB limit" in long_page.note
    assert heavy.article is None and heavy.part.startswith("record 1")
    assert heavy.reason == ("no article text found; the page is over the 64.0 KB limit: only its first part "
                            "was read (see --max-size)")

"""Pages of one huge line (a saved page with no line breaks, a 3 MB paragraph): imported with
every word, each line parsed in pieces of at most a million characters (a 49 MB page of one
line took 1 GB as one piece), and white space single-spaced alike however long the text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.html import page_article
from broadsheet.store.html.tree import parse, squash
from broadsheet.store.parse.lines import split_lines
from broadsheet.store.sanitize import clean_line, clean_text
from broadsheet.store.storage import limits
from broadsheet.store.storage.db import Store

SENTENCES = ["The ferry left Lowmoor at dawn.", "Harbour workers said the pay talks would go on.",
             "A storm kept the boats in port until Friday!", "Would the council pay for the new pier?"]


def _prose(words: int) -> str:
    """Made-up prose of about ``words`` words, with no line break."""
    return " ".join(SENTENCES[n % 4] for n in range(words // 8))


def _words(paragraphs: list[str]) -> list[str]:
    return [w for p in paragraphs for w in p.split()]


def test_a_line_of_3_mb_is_parsed_in_pieces_that_keep_every_word() -> None:
    text = _prose(500_000)
    lines = split_lines("Harbour Strike | The Coastal Times\n\n" + text)
    body = [line for line in lines if line.number == 3]
    assert len(body) > 1 and all(len(line.text) <= 1_000_000 for line in body)
    assert _words([line.text for line in body]) == text.split()
    assert all(line.text.endswith((".", "!", "?")) for line in body)  # cut after a sentence


def test_a_saved_page_of_one_line_and_a_3_mb_paragraph_is_imported_with_its_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _prose(500_000)
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html><head><title>Harbour Strike | The Coastal Times</title></head><body>"
                    "<article><h1>Harbour Strike</h1><p>" + text + "</p></article></body></html>")
    parsed = page_article(page.read_text())
    assert all(len(p) <= 1_000_000 for p in parsed.body)  # parsed in pieces
    assert main(["--store", str(tmp_path / "store"), "import", str(page)]) == 0
    said = capsys.readouterr().err
    assert "1 imported" in said and "split into paragraphs of at most 200,000" in said, said
    (story,) = [article for _, article in Store(tmp_path / "store").each_article()]
    assert story.headline.startswith("Harbour Strike")
    assert all(len(p) <= limits.PARAGRAPH for p in story.body)
    assert _words(story.body) == text.split()  # no word lost


def test_a_text_dump_with_a_3_mb_paragraph_is_imported_with_its_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _prose(500_000)
    dump = tmp_path / "dump.txt"
    dump.write_text("Harbour Strike | The Coastal Times\n\nHarbour Strike\n\nBy Ann Writer\n\n" + text + "\n")
    assert main(["--store", str(tmp_path / "store"), "import", "--max-size", "8M", str(dump)]) == 0
    assert "1 imported" in capsys.readouterr().err
    (story,) = [article for _, article in Store(tmp_path / "store").each_article()]
    assert story.headline == "Harbour Strike"
    assert _words(story.body) == text.split()


def test_a_long_text_is_single_spaced_as_a_short_one() -> None:
    """A text over the length single-spaced by ``split()`` gets the same result from the substitution
    taken in parts: every kind of white space, runs of it, across the parts' ends."""
    text = "".join(f"word{n}{[' ', '  ', chr(9), chr(10), chr(160), chr(0x2003) + ' ', chr(0x85)][n % 7]}"
                   for n in range(120_000))
    padded = " \n" + text + "\t "
    assert clean_line(padded) == " ".join(clean_text(padded).split())
    assert squash(padded) == " ".join(clean_text(re.sub(r"\s+", " ", padded)).split())


def test_a_page_s_tree_keeps_no_copy_of_the_page() -> None:
    """The tree holds the page's text; the parser's UTF-8 copy of the page (as large again) is let go."""
    tree = parse("<html><body><p>" + _prose(2_000) + "</p></body></html>")
    paragraph = tree.css_first("p")
    assert tree.raw_html == b""
    assert paragraph is not None and paragraph.text().startswith("The ferry left Lowmoor")


def test_a_page_served_with_a_charset_is_read_by_it_with_its_address() -> None:
    """A WARC record's or an MHTML part's page, its charset in the header: the tree path keeps the
    address and the notes in their places."""
    from broadsheet.store.ingest.formats.served import read_served_page

    page = ("<html><head><title>Lówmöor ferry</title></head><body><h1>Lówmöor ferry</h1><p>"
            + _prose(80) + "</p></body></html>").encode("latin-1")
    article, notes = read_served_page(page, "https://lowmoor.example/ferry", "text/html; charset=ISO-8859-1")
    assert article.url == "https://lowmoor.example/ferry" and notes == []
    assert article.headline == "Lówmöor ferry" and article.body[0].startswith("The ferry left Lowmoor")

"""Pages far past any story's length cost in proportion to the bounds, not to their length: a text
dump of more lines than any is refused before it is split, a saved page is read up to its
200,000th tag and a story keeps its first 10,000 paragraphs, each saying so. A 5 MB dump of
one-letter paragraphs took 700 MB and 6 s only to fail, and a saved page of 600,000 paragraphs
imported whole, then took the reader half a minute and 1.2 GB to open."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.parse import ParseError, parse_text, pipeline
from broadsheet.store.storage.db import Store

SENTENCE = "The harbour ferry number {n} left the quay at dawn, carrying commuters across the grey bay."


def run(folder: Path, *args: str) -> int:
    return main(["--store", str(folder), *args])


def imported(tmp_path: Path, name: str, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Import one file of ``text``: the exit code and the summary."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    status = run(tmp_path / "store", "import", str(path))
    return status, capsys.readouterr().err


def page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return f"<html><head><title>Ferries run late all week</title></head><body><article>{body}</article></body></html>"


def test_a_text_dump_of_hundreds_of_thousands_of_one_letter_paragraphs_is_refused_saying_why(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = imported(tmp_path, "tiny.txt", "Ferries run late all week\n\n" + "a\n\n" * 100_000, capsys)
    assert status == 1
    assert (f"failed: {tmp_path / 'tiny.txt'}: too many lines for a story's page: 200,003 "
            "(a page dump may have 100,000)") in err
    assert not Store(tmp_path / "store").stories()


def test_a_dump_of_too_many_lines_is_refused_before_it_is_split(monkeypatch: pytest.MonkeyPatch) -> None:
    def split(_text: str) -> None:
        raise AssertionError("split")

    monkeypatch.setattr(pipeline, "split_lines", split)
    with pytest.raises(ParseError, match="too many lines for a story's page: 100,001"):
        parse_text("Ferries run late all week\n" + "Ab cd.\n" * 99_999)


def test_a_saved_page_of_hundreds_of_thousands_of_tags_is_read_up_to_its_200_000th_saying_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As a page over the size limit is read up to the limit: its story is near the top."""
    story = [SENTENCE.format(n=n) for n in range(40)]
    status, err = imported(tmp_path, "tiny.html", page(story + ["a"] * 300_000), capsys)
    assert status == 0, err
    assert "page of 600,090 tags: only its first 200,000 were read (no story's page has more)" in err
    assert "only its first 10,000 paragraphs of 99,9" in err  # (the tags read hold 99,9xx paragraphs)
    store = Store(tmp_path / "store")
    [meta] = store.stories()
    body = store.article(meta.id).body
    assert body[:40] == story and len(body) == 10_000


def test_a_page_whose_story_is_past_its_200_000th_tag_says_it_was_cut_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = page(["<a href='/more'>More</a>"] * 100_000 + [SENTENCE.format(n=n) for n in range(40)])
    status, err = imported(tmp_path, "late.html", html, capsys)
    assert status == 1
    assert ("no article text found: page of 400,090 tags: only its first 200,000 were read "
            "(no story's page has more)") in err


def test_a_story_of_more_paragraphs_than_any_keeps_its_first_10_000_saying_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paragraphs = [SENTENCE.format(n=n) for n in range(12_000)]
    status, err = imported(tmp_path, "long.html", page(paragraphs), capsys)
    assert status == 0, err
    assert "only its first 10,000 paragraphs of 12,000 were kept (no story has more)" in err
    store = Store(tmp_path / "store")
    [meta] = store.stories()
    assert store.article(meta.id).body == paragraphs[:10_000]


@pytest.mark.parametrize("kind", ["txt", "html"])
def test_the_longest_real_stories_import_whole(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A story of 3,000 paragraphs (ten times the longest news story's) is far inside the bounds."""
    paragraphs = [SENTENCE.format(n=n) for n in range(3_000)]
    text = "Ferries run late all week\n\n" + "\n\n".join(paragraphs) + "\n" if kind == "txt" else page(paragraphs)
    status, err = imported(tmp_path, f"long.{kind}", text, capsys)
    assert status == 0, err
    [story] = Store(tmp_path / "store").stories()
    body = Store(tmp_path / "store").article(story.id).body
    assert len(body) == 3_000 and body[-1] == SENTENCE.format(n=2_999)

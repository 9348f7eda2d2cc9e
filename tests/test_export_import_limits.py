"""Every story the store accepts survives its own export and import (review 8, defect 1).

A feed's 100 KB title and a page of one 500 KB paragraph were stored, but the import of their
export refused them (the export schema's limits); now they are fitted to those limits when stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.model import Article, Credits, Image, Media
from broadsheet.store.storage import db, limits
from broadsheet.store.storage.db import Store
from tests.factories import make_article


def _words(paragraphs: list[str]) -> list[str]:
    return [w for p in paragraphs for w in p.split()]


def _round_trip(origin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Store, str]:
    """Export the whole ``origin`` store as JSON and import it into a new store: (that store, what import said)."""
    exported = tmp_path / "exp.json"
    assert main(["--store", str(origin), "export", "--format", "json", "-o", str(exported)]) == 0
    capsys.readouterr()
    code = main(["--store", str(tmp_path / "copy"), "import", str(exported)])
    said = capsys.readouterr().err
    assert code == 0, said
    return Store(tmp_path / "copy"), said


def test_a_long_feed_title_and_a_page_of_one_huge_paragraph_survive_their_export(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    title = " ".join(f"harbour{i}" for i in range(12_000))  # some 120,000 characters
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Lowmoor Gazette</title>'
        "<link>https://lowmoor.example/</link><item><title>" + title + "</title>"
        "<link>https://lowmoor.example/ferry</link><guid>f1</guid>"
        "<description>The ferry ran late on Tuesday.</description></item></channel></rss>")
    paragraph = " ".join(f"Ferry {i} left the harbour wall at dawn." for i in range(12_000))  # ~480,000
    (tmp_path / "dump.txt").write_text("The Long Harbour Report\n\n" + paragraph + "\n")
    origin = tmp_path / "origin"
    assert main(["--store", str(origin), "import", str(tmp_path / "feed.xml"), str(tmp_path / "dump.txt")]) == 0
    said = capsys.readouterr().err
    assert "2 imported" in said
    assert "its headline of " in said and "cut to 2,000" in said  # the import says what it changed
    assert "split into paragraphs" in said

    copy, said = _round_trip(origin, tmp_path, capsys)
    assert "2 imported, 0 already present, 0 failed" in said
    stories = {a.headline[:8]: a for _, a in copy.each_article()}
    feed_story, dump_story = stories["harbour0"], stories["The Long"]
    assert len(feed_story.headline) <= limits.LINE and feed_story.headline.endswith("…")
    assert title.startswith(feed_story.headline[:-1])  # cut at a word
    assert all(len(p) <= limits.PARAGRAPH for p in dump_story.body)
    assert len(dump_story.body) > 1
    assert _words(dump_story.body) == paragraph.split()  # no word lost


def test_every_field_over_an_export_limit_is_fitted_when_stored(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever stores a story (here the store's own add), each schema limit holds: the export imports."""
    long_line = "quay " * 1_000  # 5,000 characters
    article = make_article(
        1, headline="Tide tables " + long_line, standfirst=long_line, dateline=long_line, source=long_line,
        authors=["Ada " + "Quill" * 100] * 250, published="2024-03-01T10:00:00" + "0" * 100,
        images=[Image(long_line, long_line, "https://lowmoor.example/" + "p" * 5_000)] + [Image("Quay.")] * 600,
        credits=Credits(reporting=["Ben " + "Wick" * 100], text=long_line),
        media=[Media("https://lowmoor.example/a.mp3", "audio/" + "x" * 300)] * 150,
        url="https://lowmoor.example/" + "u" * 5_000, body=["Short.", "x" * 450_000])
    origin = Store(tmp_path / "origin")
    origin.add([(article, "tide.txt")])

    copy, said = _round_trip(tmp_path / "origin", tmp_path, capsys)
    assert "1 imported, 0 already present, 0 failed" in said
    [(_, stored)] = list(copy.each_article())
    assert stored.body[0] == " ".join(long_line.split())  # the long standfirst: the first paragraph, whole
    assert "".join(stored.body[2:]) == "x" * 450_000  # one long word: split, nothing lost
    assert len(stored.images) == limits.IMAGES and len(stored.authors) == limits.NAMES


def test_split_paragraph_splits_after_a_sentence() -> None:
    text = "A ferry sailed. " * 50
    parts = limits.split_paragraph(text.strip(), 100)
    assert all(len(p) <= 100 and p.endswith(".") for p in parts)
    assert " ".join(parts) == text.strip()


@pytest.mark.parametrize("space", ["\t", "\u00a0", "\u3000", "\n"])
def test_a_long_paragraph_is_split_between_words_whatever_parts_them(space: str) -> None:
    parts = limits.split_paragraph(space.join(["harbor"] * 400), 997)
    assert len(parts) > 1 and all(len(p) <= 997 for p in parts)
    assert all(word == "harbor" for p in parts for word in p.split(space))  # no word cut in two


def test_a_long_line_is_cut_between_words_whatever_parts_them() -> None:
    cut = limits.cut_line("\u00a0".join(["harbor"] * 100), 100)
    assert cut.endswith("harbor…") and len(cut) <= 100


def test_a_fitted_article_is_left_as_it_is() -> None:
    article = make_article(2)
    assert limits.fit_article(article) == (article, [])
    long = Article("x " * 3_000, ["y"])
    fitted, _ = limits.fit_article(long)
    assert limits.fit_article(fitted) == (fitted, [])


def test_a_story_tagged_600_times_survives_its_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    origin = Store(tmp_path / "origin")
    [sid] = origin.add([(make_article(3), "a.txt")])
    tags = [f"quay{n}" for n in range(600)]
    assert main(["--store", str(tmp_path / "origin"), "tag", sid, *tags]) == 0
    copy, said = _round_trip(tmp_path / "origin", tmp_path, capsys)
    assert "1 imported, 0 already present, 0 failed" in said
    assert sorted(dict(copy.user.each())[sid].tags) == sorted(tags)


def test_stories_with_a_long_source_or_stored_before_fitting_survive_their_export(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A fetched story's source is its feed's address, of any length, and a saved page's its path
    (deep folders with long names): over 4,096 characters, the import of their export refused them.
    So it did a story stored before stories were fitted (its feed entry key of 5,000 characters)."""
    feed = "https://lowmoor.example/feed?" + "q" * 5_000
    deep = "/" + "/".join(["harbour-records-" + "w" * 200] * 24) + "/ferry.txt"  # some 5,000 characters
    origin = Store(tmp_path / "origin")
    entry = make_article(1, key=f"{feed}#ferry-late", url="https://lowmoor.example/ferry-late")
    origin.add_identified([(entry.story_id, entry, feed), (make_article(2).story_id, make_article(2), deep)])
    monkeypatch.setattr(db, "fit_article", lambda article, *_: (article, []))  # as a store before fitting stored it
    old = make_article(3, key="https://lowmoor.example/rss#" + "g" * 5_000)
    origin.add_identified([(old.story_id, old, "https://lowmoor.example/rss")])
    monkeypatch.undo()

    exported = tmp_path / "exp.json"
    assert main(["--store", str(origin.folder), "export", "--format", "json", "-o", str(exported)]) == 0
    export_said = capsys.readouterr().err
    assert main(["--store", str(tmp_path / "copy"), "import", str(exported)]) == 0
    said = capsys.readouterr().err
    assert "3 imported, 0 already present, 0 failed" in said, said
    copy = Store(tmp_path / "copy")
    assert {meta.id for meta in copy.stories()} == {meta.id for meta in origin.stories()}
    assert {len(meta.key or "") <= limits.ADDRESS for meta in copy.stories()} == {True}
    # The export says what it changed so that its import takes every story.
    assert "Exported 3 stories" in export_said
    assert "2 stories exported without their source (a file path or feed address over 4,096 characters)" \
           in export_said
    assert "1 story stored before the export's limits fitted to them" in export_said

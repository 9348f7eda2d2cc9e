"""The ``broadsheet`` command line: parse contract, import summary, marks, export round trip."""

from __future__ import annotations

import html
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.model import Article
from broadsheet.store.storage import db
from broadsheet.store.storage.db import Store
from tests.conftest import SEED
from tests.dumps import FERRY_DUMP
from tests.factories import make_article

CONTRACT_KEYS = {"file", "headline", "standfirst", "source", "agency", "published", "authors", "dateline", "body",
                 "images", "credits"}


def test_parse_json_follows_the_contract(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    assert main(["parse", "--json", str(SEED), str(bad)]) == 1
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert set(first) >= CONTRACT_KEYS
    assert first["file"] == str(SEED)
    assert first["headline"] == "South Korea, Japan resume high-level economic talks amid improved ties"
    assert second == {"file": str(bad), "error": "the file is empty"}


def test_parse_json_of_a_file_of_many_stories_gives_its_first_and_says_so(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.feeds import rss_feed

    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss_feed(3))
    assert main(["parse", "--json", str(feed), str(SEED)]) == 0
    said = capsys.readouterr()
    rows = [json.loads(line) for line in said.out.splitlines()]
    assert len(rows) == 2 and rows[0]["headline"] == "Ferry timetable change number 0"  # a line a file
    assert f"{feed} holds 3 stories or parts: its line is the first" in " ".join(said.err.split())


def test_parse_explain_never_prints_a_file_names_escapes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    evil = tmp_path / "evil\x1b]0;PWN\x07.txt"
    evil.write_text(FERRY_DUMP)
    assert main(["parse", "--explain", str(evil)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b]0;PWN\\x07.txt" in out.replace("\n", "")  # (wrapped at the width)


def test_export_to_a_json_file_is_json_without_being_told(tmp_path: Path) -> None:
    """`export -o stories.json` wrote Markdown, which then imported as one garbled story."""
    folder = tmp_path / "store"
    Store(folder).add([(make_article(n), None) for n in range(3)])
    assert main(["--store", str(folder), "export", "-o", str(tmp_path / "stories.json")]) == 0
    assert main(["--store", str(folder), "export", "-o", str(tmp_path / "stories.md")]) == 0
    assert json.loads((tmp_path / "stories.json").read_text())["stories"]
    assert (tmp_path / "stories.md").read_text().startswith("<!-- Broadsheet export (Markdown")
    assert main(["--store", str(tmp_path / "other"), "import", str(tmp_path / "stories.md")]) == 1  # refused
    assert main(["--store", str(tmp_path / "other"), "import", str(tmp_path / "stories.json")]) == 0
    assert len(Store(tmp_path / "other")) == 3


def test_export_to_dash_is_standard_output(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`-o -` wrote a file named "-" (and a folder "-_photos")."""
    folder = tmp_path / "store"
    Store(folder).add([(make_article(n), None) for n in range(2)])
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["--store", str(folder), "export", "--format", "json", "-o", "-"]) == 0
    assert len(json.loads(capsys.readouterr().out)["stories"]) == 2
    Subscriptions(Store(folder)).add(["https://gazette.example/feed.xml"], [])
    assert main(["--store", str(folder), "feeds", "export", "-o", "-"]) == 0
    assert "https://gazette.example/feed.xml" in capsys.readouterr().out
    assert not (tmp_path / "-").exists() and not (tmp_path / "-_photos").exists()


def test_parse_explain_shows_roles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--explain", str(SEED)]) == 0
    shown = capsys.readouterr().out
    for role in ("headline", "byline", "caption", "body", "credits_line", "boilerplate"):
        assert role in shown
    # Piped, a line is whole, its reason too (cut at a made-up 80 columns, "…" hid why).
    assert "…" not in shown and any(len(line) > 120 and line.endswith(")") for line in shown.splitlines())


def test_import_prints_summary_with_reasons(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "ferry.txt").write_text(FERRY_DUMP)
    (tmp_path / "empty.txt").write_text("")
    store = tmp_path / "store"
    assert main(["--store", str(store), "import", str(tmp_path / "ferry.txt"), str(tmp_path / "empty.txt")]) == 0
    summary = capsys.readouterr().err
    assert "1 imported, 0 already present, 1 failed" in summary
    assert "empty.txt: the file is empty" in summary


def test_store_location_from_environment(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_STORE", str(tmp_path / "env-store"))
    assert main(["where"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "env-store")


def test_tag_bookmark_and_list_by_id_prefix(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(cli_store)
    ferry = next(m for m in store.stories() if m.headline.startswith("Harbour"))
    base = ["--store", str(cli_store)]
    assert main([*base, "tag", ferry.id[:6], "Transport", "[bold]x[/]", "$(rm -rf ~)"]) == 0
    assert main([*base, "bookmark", ferry.id[:6]]) == 0
    assert main([*base, "untag", ferry.id, "transport"]) == 0
    capsys.readouterr()
    assert main([*base, "tags"]) == 0
    tags = capsys.readouterr().out
    assert "[bold]x[/]" in tags and "$(rm -rf ~)" in tags and "transport" not in tags
    assert main([*base, "bookmarks"]) == 0
    assert "Harbour council" in capsys.readouterr().out
    assert main([*base, "tag", "zz", "x"]) == 2
    assert "at least 4 characters" in capsys.readouterr().err


def test_bookmark_of_an_unknown_story_changes_none_and_unbookmark_says_what_had_none(
        cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`bookmark GOOD BAD` bookmarked GOOD, then failed on BAD; `unbookmark` of a story with no
    bookmark said "bookmark removed" (untag of a tag a story lacks says so, and exits 1)."""
    store = Store(cli_store)
    ferry, bridge = sorted(store.stories(), key=lambda m: m.headline)
    base = ["--store", str(cli_store)]
    assert main([*base, "bookmark", ferry.id[:6], "zzzzzz"]) == 2
    assert not Store(cli_store).user.get(ferry.id).bookmarked
    assert main([*base, "bookmark", ferry.id[:6]]) == 0
    capsys.readouterr()
    assert main([*base, "unbookmark", ferry.id[:6], bridge.id[:6]]) == 1
    said = capsys.readouterr()
    assert f"{ferry.id[:10]}: bookmark removed" in said.out and f"{bridge.id[:10]}: not bookmarked" in said.err
    assert not Store(cli_store).user.get(ferry.id).bookmarked


def test_export_json_imports_back_into_an_equal_store(cli_store: Path, tmp_path: Path) -> None:
    store = Store(cli_store)
    ferry, bridge = sorted(store.stories(), key=lambda m: m.headline)[::-1]
    store.user.edit_tags([ferry.id], add=["harbour", "transport"])
    store.user.set_bookmarked(bridge.id, True)
    store.user.set_read(bridge.id, True)
    export = tmp_path / "export.json"
    assert main(["--store", str(cli_store), "export", "--format", "json", "-o", str(export)]) == 0
    copy = tmp_path / "copy"
    assert main(["--store", str(copy), "import", str(export)]) == 0
    restored = Store(copy)
    assert {m.id for m in restored.stories()} == {m.id for m in store.stories()}
    for meta in store.stories():
        assert restored.article(meta.id) == store.article(meta.id)
    assert restored.user.all() == store.user.all()


def test_export_markdown_filters(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(cli_store)
    ferry = next(m for m in store.stories() if m.headline.startswith("Harbour"))
    store.user.edit_tags([ferry.id], add=["harbour"])
    capsys.readouterr()
    assert main(["--store", str(cli_store), "export", "--tag", "harbour"]) == 0
    markdown = capsys.readouterr().out
    mark, headline = markdown.split("\n\n", 2)[:2]
    assert mark.startswith("<!-- ") and headline.startswith("# Harbour council approves new ferry timetable")
    assert "> Photo: Ferries wait at the harbour wall" in markdown
    assert "BEN WICK/Pool via NORTHWIRE" in markdown
    assert "Old stone bridge" not in markdown


def test_export_markdown_words_the_byline_as_the_reader_does(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A feed's story by its own publication read "By The Gazette · The Gazette · 3 Mar 2026"."""
    store = Store(tmp_path / "store")
    store.add([(make_article(1, authors=["The Gazette"], source="The Gazette", published="2026-03-03"), None),
               (make_article(2, authors=["Ada Quill", "Ben Wick", "Cy Rowe"], source="The Gazette",
                             published="2026-03-04"), None)])
    capsys.readouterr()
    assert main(["--store", str(store.folder), "export"]) == 0
    markdown = capsys.readouterr().out
    assert "By The Gazette · 3 Mar 2026" in markdown and "The Gazette · The Gazette" not in markdown
    assert "By Ada Quill, Ben Wick and Cy Rowe · The Gazette · 4 Mar 2026" in markdown


def test_export_of_a_tag_no_story_has_says_so_and_writes_nothing(cli_store: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in --tag wrote an empty export and said "Exported 0 stories", exit 0."""
    store = Store(cli_store)
    store.user.edit_tags([store.stories()[0].id], add=["harbour"])
    out = tmp_path / "out.md"
    assert main(["--store", str(cli_store), "export", "--tag", "harbor", "-o", str(out)]) == 1
    assert "no story has the tag 'harbor' (did you mean 'harbour'?)" in capsys.readouterr().err
    assert not out.exists()


def test_export_by_tag_finds_a_tag_as_the_tag_search_does(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`search tag:cafe` listed the stories tagged "café" and "cafe", `export --tag cafe` the one
    tagged "cafe"; with only "café", it said no story had the tag."""
    store = Store(cli_store)
    ferry = next(meta for meta in store.stories() if meta.headline.startswith("Harbour"))
    bridge = next(meta for meta in store.stories() if meta.id != ferry.id)
    store.user.edit_tags([ferry.id], add=["café"])
    capsys.readouterr()
    assert main(["--store", str(cli_store), "export", "--tag", "CAFE"]) == 0
    markdown = capsys.readouterr().out
    assert ferry.headline in markdown and bridge.headline not in markdown
    store.user.edit_tags([bridge.id], add=["cafe"])
    assert main(["--store", str(cli_store), "export", "--tag", "cafe"]) == 0
    markdown = capsys.readouterr().out
    assert ferry.headline in markdown and bridge.headline in markdown
    assert main(["--store", str(cli_store), "search", "tag:cafe"]) == 0
    listed = capsys.readouterr().out
    assert ferry.headline in listed and bridge.headline in listed


def test_export_of_marked_stories_reads_only_their_shards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Exporting a few bookmarks from a big store reads the shards that hold them, not every shard."""
    monkeypatch.setattr(db, "SHARD_SIZE", 4)
    store = Store(tmp_path / "store")
    articles = [make_article(i) for i in range(12)]
    store.add([(a, f"made-up-{i}.txt") for i, a in enumerate(articles)])  # three metadata shards of four
    assert len(list((tmp_path / "store" / "meta").glob("0*.json"))) == 3
    marked = articles[5].story_id  # in the second shard
    store.user.set_bookmarked(marked, True)
    store.user.edit_tags([articles[5].story_id, articles[6].story_id], add=["harbour"])
    store.catalogue()  # the reader's list, as an import leaves it
    read: list[str] = []
    reader = db.read_json_file
    monkeypatch.setattr(db, "read_json_file",
                        lambda path: read.append(path.parent.name + "/" + path.name) or reader(path))
    out = tmp_path / "bookmarks.json"
    assert main(["--store", str(tmp_path / "store"), "export", "--bookmarked", "--format", "json", "-o", str(out)]) == 0
    assert [story["id"] for story in json.loads(out.read_bytes())["stories"]] == [marked]
    assert {name for name in read if name.startswith("meta/0")} == {"meta/000001.json"}
    read.clear()
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "store"), "export", "--tag", "harbour"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.count("\n---\n") == 1 and articles[5].headline in markdown and articles[6].headline in markdown
    assert {name for name in read if name.startswith("meta/0")} == {"meta/000001.json"}


def _rich_rows(metas: list[db.StoryMeta], width: int) -> str:
    """The rows as Rich prints them without colours (what ``list`` printed to a pipe before)."""
    from rich.console import Console
    from rich.text import Text

    from broadsheet.cli import marks

    printed = io.StringIO()
    console = Console(file=printed, width=width, color_system=None, highlight=False, soft_wrap=False)
    whole = width >= WHOLE  # to a pipe: the source whole too
    console.print(Text("\n").join(marks._row(m, whole) for m in metas), overflow="ellipsis", no_wrap=True)
    return printed.getvalue()


@pytest.mark.parametrize("width", [40, 80, 81, 200])
def test_rows_to_a_pipe_are_cut_as_rich_cuts_them(width: int) -> None:
    """``list`` and ``bookmarks`` print rows without colours without Rich (52 of the 61 s a million rows
    took to a pipe): the same text, cut to a terminal's width in cells with an ellipsis, control codes dropped."""
    from broadsheet.cli import marks

    headlines = ["Harbour council agrees ferry timetable", "港の新しいフェリー時刻表が決まる 港の新しいフェリー時刻表",
                 "Café naïve — e\u0301te\u0301 " * 4, "Party 🎉🎉 on the quay " * 5, "x" * 300, "", "a\x07b\x1b[31mc",
                 "tab\there", "ends in spaces   ", "y" * (width - 46)]
    metas = [db.StoryMeta(f"{n:016x}", {"headline": h, "source": source, "published": "2024-05-01T09:00:00"})
             for n, h in enumerate(headlines) for source in ("", "Süddeutsche Zeitung Magazin", "港湾新聞社の記者たち")]
    assert "".join(marks._plain_row(m, width) + "\n" for m in metas) == _rich_rows(metas, width)


def test_the_source_column_is_twenty_cells_whatever_its_letters() -> None:
    """Cut to 20 characters, a source of accents and combining marks was one cell wide and one
    of CJK 40: the headlines after them started anywhere."""
    from rich.cells import cell_len

    from broadsheet.cli import marks

    sources = ["Harbour Gazette", "Z" + "\u0301\u0302\u0303" * 30 + "algo", "港湾新聞社の記者たちの新聞社",
               "e\u0301" * 30, ""]
    for source in sources:
        meta = db.StoryMeta("0" * 16, {"headline": "Ferry", "source": source, "published": "2024-05-01T09:00:00"})
        ident, date, column, _ = marks._columns(meta)
        assert cell_len(column) == 22, source
        row = marks._plain_row(meta, 200)
        assert cell_len(row[: row.rindex("Ferry")]) == len(ident) + len(date) + 22


WHOLE = 10**6  # cells: Rich's rows uncut


def test_list_and_bookmarks_print_the_lists_rows(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """To a pipe each row is whole (a headline cut at 80 columns was lost to `list | grep`)."""
    store = Store(cli_store)
    listed = list(store.catalogue())
    base = ["--store", str(cli_store)]
    assert main([*base, "list"]) == 0
    assert capsys.readouterr().out == _rich_rows(listed, WHOLE)
    assert main([*base, "bookmarks"]) == 0
    assert capsys.readouterr().out == ""
    for meta in listed:  # every story, then one taken back after the marks' index was written
        store.user.set_bookmarked(meta.id, True)
    assert main([*base, "bookmarks"]) == 0
    assert capsys.readouterr().out == _rich_rows(listed, WHOLE)
    store.user.set_bookmarked(listed[0].id, False)
    assert main([*base, "bookmarks"]) == 0
    assert capsys.readouterr().out == _rich_rows(listed[1:], WHOLE)


def test_a_round_trip_keeps_the_id_of_a_story_stored_under_an_earlier_identity(tmp_path: Path) -> None:
    # The same page reached through a second feed keeps the id it was first stored under, while
    # its key is the later feed's: imported back, the id must not be made again from that key.
    store = Store(tmp_path / "store")
    article = make_article(1, key="https://b.example/feed#item-1")
    store.add_identified([("0123456789abcdef", article, None)])
    store.user.set_bookmarked("0123456789abcdef", True)
    export = tmp_path / "export.json"
    assert main(["--store", str(tmp_path / "store"), "export", "--format", "json", "-o", str(export)]) == 0
    assert main(["--store", str(tmp_path / "copy"), "import", str(export)]) == 0
    copy = Store(tmp_path / "copy")
    assert [m.id for m in copy.stories()] == ["0123456789abcdef"]
    assert copy.user.get("0123456789abcdef").bookmarked


@pytest.mark.parametrize(("given", "said"), [("0", "at least one byte"), ("-1", "at least one byte"),
                                             ("abc", "is not a size"), ("5XB", "is not a size")])
def test_a_max_size_that_is_no_size_is_refused(given: str, said: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(FERRY_DUMP)
    with pytest.raises(SystemExit):
        main(["parse", "--json", "--max-size", given, str(tmp_path / "a.txt")])
    assert said in capsys.readouterr().err


@pytest.mark.parametrize("command", [["list"], ["reindex"], ["feeds", "list"], ["feeds", "export"], ["fetch"],
                                     ["rm", "abcd1234"], ["tags"]])
def test_a_command_given_a_folder_that_is_no_store_makes_none(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    """`--store in/docs list` wrote a listing into a folder of documents; a mistyped --store
    became a new empty store for reindex, fetch, rm and feeds list."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("my notes")
    for folder in (docs, tmp_path / "typo"):
        assert main(["--store", str(folder), *command]) == 1
        assert f"no store at {folder}" in capsys.readouterr().err
    assert [p.name for p in docs.iterdir()] == ["notes.txt"] and not (tmp_path / "typo").exists()
    assert main(["--store", str(tmp_path / "new"), "feeds", "add", "https://gazette.example/rss"]) == 0  # makes one
    assert main(["--store", str(tmp_path / "new"), "feeds", "list"]) == 0


@pytest.mark.parametrize("command", [["feeds", "list"], ["fetch"], ["list"]])
def test_a_fresh_install_says_both_ways_to_make_a_store(command: list[str], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """On a new HOME, `feeds list` and `fetch` sent the user to `import FILE...` only, never
    to `feeds add URL`: a newsboat user starting with a feed's address was pointed the wrong way."""
    assert main(command) == 1  # (the default store: BROADSHEET_STORE, a folder not made yet)
    said = capsys.readouterr().err
    assert "`broadsheet feeds add URL`" in said and "`broadsheet import FILE...`" in said
    ways = ["feeds add URL", "import FILE"] if command[0] in ("feeds", "fetch") else ["import FILE", "feeds add URL"]
    assert said.index(ways[0]) < said.index(ways[1])  # the command's own way first


def test_a_store_that_is_a_file_is_said_to_be_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("not a store")
    assert main(["--store", str(tmp_path / "notes.txt"), "list"]) != 0
    assert "it is a file, not a folder" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["list"], ["search", "ferry"], ["tags"], ["export"]])
def test_a_command_that_reads_makes_no_store_where_there_is_none(command: list[str], tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / "stroe"
    assert main(["--store", str(typo), *command]) == 1
    assert not typo.exists() and "no store at" in capsys.readouterr().err


def test_markdown_export_shows_story_text_literally(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A page's text is not Markdown: '*new*', '<b>', a javascript: link or a paragraph starting
    '# ' came out as emphasis, HTML, a live link and a heading as the export was rendered."""
    import html as htmllib
    import re

    from markdown_it import MarkdownIt

    from broadsheet.store.model import Image

    headline = "Council approves *new* budget with <b>record</b> spending and [free parking](javascript:alert(1))"
    body = ["# This line in the story is not a heading.", "1. Nor is this a list, AT&T &amp; co said.",
            "> Nor a quote; <img src=x onerror=alert(1)> stays text."]
    caption = "Crowds at the hall (Ann <i>Lee</i>/Reuters)"
    store = Store(tmp_path / "store")
    store.add([(make_article(1, headline=headline, body=body, images=[Image(src="", caption=caption)]), None)])
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "store"), "export", "--format", "md"]) == 0
    rendered = MarkdownIt("commonmark").render(capsys.readouterr().out)
    assert rendered.count("<h1>") == 1 and "<ol" not in rendered and rendered.count("<blockquote>") == 1
    assert "<b>" not in rendered and "<img" not in rendered and "<a " not in rendered and "<em>" not in rendered
    shown = htmllib.unescape(re.sub(r"<[^>]+>", "", rendered))
    for text in [headline, *body, caption]:
        assert text in shown


def test_parse_explain_of_a_web_archive_says_what_it_explains_and_shows_the_story(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.html_pages import HEADLINE, URL, article_html, warc_bytes

    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(warc_bytes([(URL, "text/html", article_html().encode())]))
    page = tmp_path / "page.html"
    page.write_text(article_html(), encoding="utf-8")
    assert main(["parse", "--explain", str(archive), str(page)]) == 0
    got = capsys.readouterr()
    assert f"{archive} is read as: web archive (WARC). --explain explains plain-text page dumps" in got.err
    assert f"{page} is read as: HTML page." in got.err
    assert got.out.count(f"headline   {HEADLINE}") == 2  # the importer's story, not a <source ...> line as headline
    assert "looks binary" not in got.err and "<" not in got.out


def test_parse_of_a_web_archive_says_its_records_skipped_as_a_note_not_a_story_or_failure(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.html_pages import URL, article_html, warc_bytes

    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(warc_bytes([(URL, "text/html", article_html().encode()),
                                    ("https://coast-herald.example/site.css", "text/css", b"body {}")]))
    assert main(["parse", "--explain", str(archive)]) == 0
    assert f"{archive}: 1 record of the archive that is not an HTML page skipped" in capsys.readouterr().err
    assert main(["parse", "--json", str(archive)]) == 0
    got = capsys.readouterr()
    assert '"headline"' in got.out and "holds" not in got.err  # one story, not "2 stories or parts"


def test_parse_explain_counts_one_paragraph_as_one(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Harbour gates shut for the winter</title></head><body><article>"
                    "<h1>Harbour gates shut for the winter</h1><p>A single made-up paragraph, long enough to be the "
                    "story's text, says the harbour master, and nothing else beside it on the page at all.</p>"
                    "</article></body></html>", encoding="utf-8")
    assert main(["parse", "--explain", str(page)]) == 0
    out = capsys.readouterr().out
    assert "body       1 paragraph: A single" in out, out


def _filled(folder: Path, count: int) -> tuple[Store, list[Article]]:
    """A store at ``folder`` holding ``count`` made-up stories, and the stories."""
    store = Store(folder)
    articles = [make_article(i) for i in range(count)]
    store.add([(a, f"made-up-{i}.txt") for i, a in enumerate(articles)])
    return store, articles


def _gone_after(shards: int) -> Callable[[int, int], None]:
    """A delete's progress that ends the process once ``shards`` steps are done."""
    def progress(done: int, _total: int) -> None:
        if done == shards:
            raise KeyboardInterrupt
    return progress


def test_a_delete_cut_short_is_finished_by_the_next_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The reader quit (or killed) in a delete of thousands of stories left them listed
    without their records, counted in tags, and `repair` calling them lost."""
    monkeypatch.setattr(db, "SHARD_SIZE", 4)
    folder = tmp_path / "store"
    store, articles = _filled(folder, 16)
    ids = [a.story_id for a in articles]
    store.user.edit_tags(ids, add=["harbour"])
    doomed, kept = set(ids[:10]), set(ids[10:])  # over three metadata shards
    with pytest.raises(KeyboardInterrupt):
        store.delete(doomed, on_progress=_gone_after(2))  # after one shard of three
    capsys.readouterr()
    assert main(["--store", str(folder), "list", "--json"]) == 0  # the next process: it finishes the delete
    assert {json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()} == kept
    again = Store(folder)
    assert len(again) == 6 and {m.id for m in again.stories()} == kept
    assert all(again.article(sid).headline for sid in kept)
    assert main(["--store", str(folder), "tags"]) == 0
    assert capsys.readouterr().out.split() == ["6", "harbour"]
    assert main(["--store", str(folder), "repair"]) == 0
    assert "lost" not in capsys.readouterr().out
    assert not (folder / "deleting.json").exists()


def test_a_search_with_many_results_prints_a_line_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """`search --limit 0` of 535,523 matches built one table of them all: 4.5 minutes and 3.2 GB,
    headlines wrapped over three lines. Past TABLE_ROWS a story is a line, as `list` prints."""
    from broadsheet.cli import searching

    monkeypatch.setattr(searching, "TABLE_ROWS", 3)
    store = Store(tmp_path / "store")
    store.add([(make_article(i), None) for i in range(6)])
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "store"), "search", "ferry", "--limit", "0"]) == 0
    got = capsys.readouterr()
    lines = got.out.splitlines()
    assert len(lines) == 6 and not any(line.startswith("id ") for line in lines)
    assert all("Harbour town votes" in line for line in lines)
    assert "6 stories" in got.err
    assert main(["--store", str(tmp_path / "store"), "search", "ferry", "--limit", "4", "--json"]) == 0
    assert len([json.loads(line) for line in capsys.readouterr().out.splitlines()]) == 4


@pytest.mark.parametrize("then", ["import", "delete"])
def test_a_delete_cut_short_is_finished_by_any_writer_before_it_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       then: str) -> None:
    """Another process, open before the delete died, wrote first: its import was undone by the
    delete finished after it (a story listed without its record, the count 4 off), or its own
    delete replaced the list of the one cut short, which was never finished."""
    monkeypatch.setattr(db, "SHARD_SIZE", 4)
    folder = tmp_path / "store"
    first, articles = _filled(folder, 12)
    ids = [a.story_id for a in articles]
    other = Store(folder)  # a second reader, or a fetch, open all along
    with pytest.raises(KeyboardInterrupt):
        first.delete(ids[:6], on_progress=_gone_after(1))
    new = [make_article(100 + i) for i in range(3)]
    if then == "import":  # the first story imported again, and three new ones
        other.add([(articles[0], "made-up-0.txt"), *((a, None) for a in new)])
        expected = {ids[0], *ids[6:], *(a.story_id for a in new)}
    else:
        other.delete([ids[11]])
        expected = set(ids[6:11])
    after = Store(folder)
    assert {m.id for m in after.stories()} == expected and len(after) == len(expected)
    assert all(after.article(sid).headline for sid in expected)


def test_untag_of_a_tag_the_story_lacks_says_so(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ferry = next(m for m in Store(cli_store).stories() if m.headline.startswith("Harbour"))
    base = ["--store", str(cli_store)]
    assert main([*base, "tag", ferry.id, "transport", "harbour"]) == 0
    capsys.readouterr()
    assert main([*base, "untag", ferry.id, "harbour", "trasport"]) == 1  # a typo is not done
    said = capsys.readouterr()
    assert "has no tag 'trasport'" in said.err and "harbour" not in said.err
    assert "tags now transport" in said.out  # the tag it had is taken off all the same
    assert main([*base, "untag", ferry.id, "transport"]) == 0
    assert capsys.readouterr().err == ""


def test_untag_takes_the_tag_off_in_any_spelling_tag_finds_it_by(cli_store: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`untag ID CAFE` said "has no tag 'cafe'" of a story tagged "café", which tag:cafe lists."""
    ferry = next(m for m in Store(cli_store).stories() if m.headline.startswith("Harbour"))
    base = ["--store", str(cli_store)]
    assert main([*base, "tag", ferry.id, "café", "harbour"]) == 0
    capsys.readouterr()
    assert main([*base, "untag", ferry.id, "CAFE"]) == 0
    said = capsys.readouterr()
    assert said.err == "" and "tags now harbour" in said.out
    assert Store(cli_store).user.get(ferry.id).tags == ("harbour",)


def test_search_takes_a_leading_minus_word_as_the_query_says(cli_store: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`search -ferry` is the README's "leave out ferry", not an unknown option."""
    base = ["--store", str(cli_store)]
    for argv in (["search", "-ferry"], ["search", "-ferry", "--json"], ["search", "--limit", "5", "-ferry"],
                 ["search", "--json", "--", "-ferry"], ["search", "-ferry", "--limit=5", "--json"]):
        capsys.readouterr()
        assert main([*base, *argv]) == 0, argv
        found = capsys.readouterr().out
        assert "bridge" in found.lower() and "ferry" not in found.lower(), argv
    capsys.readouterr()
    assert main([*base, "search", "--json", "harbour", "-bridge"]) == 0
    assert [json.loads(line)["headline"][:7] for line in capsys.readouterr().out.splitlines()] == ["Harbour"]
    with pytest.raises(SystemExit):  # a misspelt option is still one, and a query is still needed
        main([*base, "search", "-ferry", "--jsn"])
    with pytest.raises(SystemExit):
        main([*base, "search", "--json"])
    assert "required: QUERY" in capsys.readouterr().err


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return " ".join(capsys.readouterr().out.split())  # argparse's line breaks joined


def test_the_help_says_what_the_readme_says(capsys: pytest.CaptureFixture[str]) -> None:
    from broadsheet.store.search.query import FIELD_NAMES

    for command in ("import", "parse"):  # a page past --max-size is read up to it, not refused
        said = _help(capsys, command)
        assert "read up to it" in said and "refuse files" not in said
    query = _help(capsys, "search")
    assert all(f"{name}:" in query for name in FIELD_NAMES), query
    assert all(word in query for word in ("NOT word", "AND", "-(cafe OR bridge)", "OR", "prefix*"))
    assert "cache.db" in _help(capsys, "feeds")
    assert "--host" in _help(capsys, "serve")
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert "`broadsheet parse --json FILE... [--max-size 5MB]`" in readme
    assert "[--host localhost]" in readme


def test_serve_refuses_a_port_that_is_none_or_taken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--port 99999 listened on 34463 after saying 99999; a port in use was said after the banner."""
    import socket

    pytest.importorskip("textual_serve")
    with pytest.raises(SystemExit) as exited:
        main(["--store", str(tmp_path / "s"), "serve", "--port", "99999"])
    assert exited.value.code == 2 and "a port is a number from 1 to 65535" in capsys.readouterr().err
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["--store", str(tmp_path / "s"), "serve", "--host", "127.0.0.1", "--port", str(port)]) == 1
    said = capsys.readouterr()
    assert f"cannot listen on 127.0.0.1:{port} (Address already in use)" in said.err and "Serving" not in said.out


def test_importing_a_folder_that_holds_the_store_leaves_the_store_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`--store ./store import .` tried each of the store's files as a page: 22 failures."""
    (tmp_path / "ferry.txt").write_text(FERRY_DUMP)
    monkeypatch.chdir(tmp_path)
    assert main(["--store", "store", "import", "."]) == 0
    capsys.readouterr()
    assert main(["--store", "store", "import", "."]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "0 imported, 1 already present, 0 failed" in said  # the store's folder left alone, unsaid
    assert main(["--store", "store", "import", str(tmp_path / "store")]) == 1  # given itself: said
    assert "the store's own folder: its files are not imported" in capsys.readouterr().err


def test_the_reader_needs_a_terminal(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`broadsheet > file` drew the whole reader into the file and ran until it was killed."""
    assert main(["--store", str(cli_store)]) == 2  # (pytest's standard output is no terminal)
    captured = capsys.readouterr()
    assert captured.out == "" and "the reader needs a terminal" in captured.err


def test_store_may_follow_the_command(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`broadsheet list --store S` was an unrecognised argument."""
    capsys.readouterr()
    assert main(["list", "--store", str(cli_store)]) == 0
    assert "Harbour council" in capsys.readouterr().out
    assert main(["search", "harbour", "--store", str(cli_store)]) == 0
    assert "Harbour council" in capsys.readouterr().out
    assert main(["--store", str(cli_store.parent / "elsewhere"), "feeds", "list", "--store", str(cli_store)]) == 0


def test_tag_splits_tags_at_commas_as_the_tag_editor_does(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`tag S a,b` made the one tag "a b"."""
    sid = Store(cli_store).stories()[0].id
    assert main(["--store", str(cli_store), "tag", sid, "rail,winter", "Harbour"]) == 0
    assert Store(cli_store).user.get(sid).tags == ("rail", "winter", "harbour")
    assert main(["--store", str(cli_store), "untag", sid, "rail,winter"]) == 0
    assert Store(cli_store).user.get(sid).tags == ("harbour",)
    assert main(["--store", str(cli_store), "tag", sid, ""]) == 2  # an empty tag is still refused
    assert main(["--store", str(cli_store), "tag", sid, ","]) == 2  # and so is one of commas alone
    assert main(["--store", str(cli_store), "untag", sid, " , "]) == 2
    # "-tag" removes in the tag editor: given here it became the tag "-zzzz"
    capsys.readouterr()
    assert main(["--store", str(cli_store), "tag", sid, "keep,-zzzz"]) == 2
    assert "'-zzzz': a tag does not start with '-'" in capsys.readouterr().err
    assert Store(cli_store).user.get(sid).tags == ("harbour",)
    Store(cli_store).user.edit_tags([sid], add=["-old"])  # as an older version made it
    assert main(["--store", str(cli_store), "untag", sid, "--", "-old"]) == 0  # still taken off
    assert Store(cli_store).user.get(sid).tags == ("harbour",)


def test_tag_says_what_a_tag_became_when_it_is_lower_cased_or_cut(cli_store: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """`tag S Harbour` made the tag "harbour", and a long tag lost its end, without a word: a
    later `export --tag Harbour` or search by the whole name found nothing."""
    sid = Store(cli_store).stories()[0].id
    long = "the-harbour-wall-repairs-of-the-spring-sason"
    capsys.readouterr()
    assert main(["--store", str(cli_store), "tag", sid, "Harbour,winter", long]) == 0
    said = capsys.readouterr()
    assert said.out == f"{sid[:10]}: tags now harbour, winter, the-harbour-wall-repairs-of-the-spring-s\n"
    assert said.err == ("broadsheet: tags kept 'Harbour' as 'harbour', "
                        f"'{long}' as 'the-harbour-wall-repairs-of-the-spring-s' "
                        "(a tag is lower-case, at most 40 characters)\n")
    assert main(["--store", str(cli_store), "tag", sid, "rail"]) == 0
    assert capsys.readouterr().err == ""  # kept as given: nothing to say


def test_feeds_add_says_what_a_tag_became_as_tag_does(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`feeds add --tag Harbour` gave the feed's stories "harbour" without a word."""
    capsys.readouterr()
    assert main(["--store", str(cli_store), "feeds", "add", "--tag", "Harbour,news", "https://g.example/feed.xml"]) == 0
    said = capsys.readouterr().err
    assert ("broadsheet: tags kept 'Harbour' as 'harbour' (a tag is lower-case, at most 40 characters)\n") in said
    assert main(["--store", str(cli_store), "feeds", "add", "--tag", "rail", "https://h.example/feed.xml"]) == 0
    assert "tags kept" not in capsys.readouterr().err  # kept as given: nothing to say


@pytest.mark.parametrize("value", ["abc", "-3", "inf", "nan"])
def test_a_photo_cap_that_is_no_size_is_said_and_the_default_kept(
        value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """BROADSHEET_MAX_PHOTO_MB=abc was ignored without a word; =inf ended the import with an OverflowError."""
    from broadsheet.store.storage.photos import DEFAULT_MAX_PHOTO_BYTES, max_photo_bytes

    monkeypatch.setenv("BROADSHEET_MAX_PHOTO_MB", value)
    (tmp_path / "ferry.txt").write_text(FERRY_DUMP)
    assert main(["--store", str(tmp_path / "store"), "import", str(tmp_path / "ferry.txt")]) == 0
    assert f"BROADSHEET_MAX_PHOTO_MB='{value}' is not a number of megabytes" in capsys.readouterr().err
    assert max_photo_bytes() == DEFAULT_MAX_PHOTO_BYTES


def test_where_prints_the_whole_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--store", "rel", "where"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "rel")


def test_a_code_blocks_lines_are_exported_to_markdown_as_written(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A <pre>'s paragraph keeps its lines: in Markdown its "# comment" line was a heading, its lines one."""
    from markdown_it import MarkdownIt

    code = "#!/bin/sh\nfor f in *.txt; do\n    # ```keep``` *this*\n    echo \"$f\"\n````\ndone"
    store = Store(tmp_path / "store")
    store.add([(make_article(1, body=["The script:", code, "That is all."]), None)])
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "store"), "export", "--format", "md"]) == 0
    rendered = MarkdownIt("commonmark").render(capsys.readouterr().out)
    assert rendered.count("<h1>") == 1 and "<em>" not in rendered
    assert "<p>The script:</p>\n<pre><code>" + html.escape(code) + "\n</code></pre>\n<p>That is all.</p>" \
        in rendered


def test_importing_a_markdown_export_is_refused_with_what_to_do(cli_store: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Read as a text dump, a Markdown export of 96 stories became one garbled story headlined "# …"."""
    assert main(["--store", str(cli_store), "export", "-o", str(tmp_path / "read.md")]) == 0
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "other"), "import", str(tmp_path / "read.md")]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "a Broadsheet export in Markdown, which is for reading: `broadsheet export --format json`" in said


def test_repair_of_a_folder_that_holds_no_store_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It said "no damaged files" and exited 0 of a folder of documents."""
    (tmp_path / "docs").mkdir()
    assert main(["--store", str(tmp_path / "docs"), "repair"]) == 1
    assert "no store at" in capsys.readouterr().err


def test_an_empty_list_bookmarks_or_tags_says_so_on_stderr_only(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`list` and `bookmarks` printed nothing at all, where `tags` said "No tags yet." on stdout (into a pipe)."""
    folder = tmp_path / "store"
    Store(folder).add([(make_article(1), None)])
    capsys.readouterr()
    for command, said in (["bookmarks", "No bookmarks yet."], ["tags", "No tags yet."]):
        assert main(["--store", str(folder), command]) == 0
        out, err = capsys.readouterr()
        assert out == "" and said in err
    Store(folder).delete([Store(folder).stories()[0].id])
    assert main(["--store", str(folder), "list"]) == 0
    assert capsys.readouterr() == ("", "No stories yet.\n")


def test_serve_without_textual_serve_says_how_to_install_it_here(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """It exited 2 (a wrong command line) and named `pip install 'broadsheet[serve]'`: no such package."""
    import sys

    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # as if not installed
    assert main(["serve"]) == 1
    err = capsys.readouterr().err
    assert "-m pip install 'textual-serve>=1.1'" in err and "broadsheet[serve]" not in err


def test_a_binary_file_is_refused_naming_what_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40)
    assert main(["--store", str(tmp_path / "store"), "import", str(tmp_path / "scan.pdf")]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "feeds, newsboat's cache.db, its own JSON exports and text dumps" in err, err


def test_a_code_block_indented_on_its_first_line_imports_back_as_exported(tmp_path: Path) -> None:
    code = "        return total\n    return 0"  # a method's end: its first line the deeper
    store = Store(tmp_path / "store")
    [story] = store.add([(make_article(1, body=["The end of the method:", code]), None)])
    export = tmp_path / "export.json"
    assert main(["--store", str(tmp_path / "store"), "export", "--format", "json", "-o", str(export)]) == 0
    assert main(["--store", str(tmp_path / "copy"), "import", str(export)]) == 0
    assert Store(tmp_path / "copy").article(story) == store.article(story)  # (its text, so its id, the same)

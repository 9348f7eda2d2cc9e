"""Saved web pages in every form: recognised by content, read into one story each, photos kept."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from broadsheet.store.ingest.formats import Item, read_source
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.model import normal_url
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.photos import PhotoStore
from tests.html_pages import (
    HEADLINE,
    PARAGRAPHS,
    URL,
    article_html,
    mhtml_bytes,
    png_bytes,
    save_complete,
    singlefile_html,
    warc_bytes,
)


def items(path: Path, max_bytes: int = 5 * 1024 * 1024) -> list[Item]:
    return list(read_source(path, max_bytes))


def only(path: Path) -> Item:
    (item,) = items(path)
    assert item.article is not None, item.reason
    return item


def unnamed_site(title: str, *, canonical: bool = True) -> str:
    """The test page without its site's name in its metadata (og:site_name, JSON-LD publisher), titled ``title``."""
    html = article_html(canonical=canonical).replace('<meta property="og:site_name" content="Coast Herald">', "")
    html = html.replace(f"<title>{HEADLINE} | Coast Herald</title>", f"<title>{title}</title>")
    html = html.replace('"publisher": {"@type": "Organization", "name": "Coast Herald"}', '"x": 1')
    return html.replace(', "x": 1', "")


@pytest.mark.parametrize(("title", "canonical", "source"), [
    (HEADLINE, True, "coast-herald.example"), (HEADLINE, False, None),
    # With no address to agree with, the name after the headline may be a section's: no source.
    (f"{HEADLINE} | Coast Herald", False, None)])
def test_a_page_that_names_no_site_is_its_addresss(
        tmp_path: Path, title: str, canonical: bool, source: str | None) -> None:
    """A page with no site name (og:site_name, a publisher, its title's) had no source in the list,
    though its address says where it is from; a page with no address has none."""
    path = tmp_path / "page.html"
    path.write_text(unnamed_site(title, canonical=canonical), encoding="utf-8")
    article = only(path).article
    assert article is not None and article.source == source


@pytest.mark.parametrize(("title", "source"), [
    (f"{HEADLINE} | Coast Herald", "Coast Herald"),
    (f"{HEADLINE} - Local News - Coast Herald", "Coast Herald"),
    (f"{HEADLINE} | Coast Herald | Local News", "Coast Herald"),  # the part the address agrees with
    (f"{HEADLINE} | The Coast Herald", "The Coast Herald"),
    (f"{HEADLINE} | Coast Daily", "Coast Daily"),  # its first long word a part of the address
    (f"{HEADLINE} | Coast Herald Group", "Coast Herald Group"),
    # Not a site's name: a date, a sentence's end, words in lower case, the story's author, its section.
    (f"{HEADLINE} - March 10, 2026", "coast-herald.example"),
    (f"{HEADLINE} | Read Our Full Report.", "coast-herald.example"),
    (f"{HEADLINE} - and then some", "coast-herald.example"),
    (f"{HEADLINE} | Mara Quill", "coast-herald.example"),
    (f"{HEADLINE} - Local News", "coast-herald.example"),
])
def test_a_page_naming_its_site_only_after_the_headline_in_its_title_is_that_sites(
        tmp_path: Path, title: str, source: str) -> None:
    """The page's title naming the site after the headline it prints ("Headline | Coast Herald")
    names its source, where its metadata does not: not its address's host."""
    path = tmp_path / "page.html"
    path.write_text(unnamed_site(title), encoding="utf-8")
    article = only(path).article
    assert article is not None and article.source == source and article.headline == HEADLINE


@pytest.mark.parametrize("name", ["Coast Herald", "CH Online"])
def test_a_site_named_by_its_initials_in_its_address_is_that_sites(tmp_path: Path, name: str) -> None:
    """A site whose address is its initials (ch.example) is named by its title: its words' initials
    or its capitals are the address's."""
    path = tmp_path / "page.html"
    html = unnamed_site(f"{HEADLINE} | {name}").replace("coast-herald.example", "ch.example")
    path.write_text(html, encoding="utf-8")
    article = only(path).article
    assert article is not None and article.source == name


@pytest.mark.parametrize("label", [
    "Gazette of the Isles", "Photos", "Updated", "Obituaries", "Letters", "Exclusive", "Watch", "Podcast",
    "Gallery", "Q&A", "Page 2", "Part 2", "PHOTOS", "LIVE UPDATES", "Meinung", "Nachrichten", "Opinión"])
def test_a_name_after_the_headline_that_the_address_does_not_agree_with_is_no_source(
        tmp_path: Path, label: str) -> None:
    """A section's label after the headline ("Headline - Photos") read as a site's name and was
    listed as the story's source: only a name the page's address agrees with is taken."""
    path = tmp_path / "page.html"
    path.write_text(unnamed_site(f"{HEADLINE} - {label}"), encoding="utf-8")
    article = only(path).article
    assert article is not None and article.source == "coast-herald.example" and article.headline == HEADLINE


def test_a_title_whose_last_part_is_the_headlines_own_names_no_site(tmp_path: Path) -> None:
    headline = "Ferry crews vote to strike - Union Leader"  # the title is the headline, all of it
    path = tmp_path / "page.html"
    path.write_text(unnamed_site(headline).replace(HEADLINE, headline), encoding="utf-8")
    article = only(path).article
    assert article is not None and article.headline == headline and article.source == "coast-herald.example"


def test_html_page_reads_into_the_contract(tmp_path: Path) -> None:
    path = tmp_path / "saved-page"  # no extension: recognised by content
    path.write_text(article_html(), encoding="utf-8")
    article = only(path).article
    assert article is not None
    assert article.headline == HEADLINE
    assert article.url == URL
    assert article.authors == ["Mara Quill"]
    assert article.published is not None and article.published.startswith("2026-03-10")
    assert article.source == "Coast Herald"
    assert article.dateline == "LOWMOOR (Northwire)" and article.agency == "Northwire"
    assert article.body[0].startswith("The harbour council voted on Tuesday")
    assert article.body[1:] == PARAGRAPHS[1:]
    text = " ".join(article.body)
    for furniture in ("Share on Facebook", "Related stories", "Copyright", "do not read me", "Home"):
        assert furniture not in text
    assert [(i.caption, i.credit) for i in article.images] == [
        ("The morning ferry leaves Lowmoor slipway.", "Ian Reed/Coast Herald")]
    assert article.images[0].src == "https://coast-herald.example/img/ferry.jpg"


def test_gzip_page_and_a_truncated_one(tmp_path: Path) -> None:
    packed = gzip.compress(article_html().encode())
    (tmp_path / "page.html.gz").write_bytes(packed)
    assert only(tmp_path / "page.html.gz").article.headline == HEADLINE  # type: ignore[union-attr]
    (tmp_path / "cut.gz").write_bytes(packed[: len(packed) * 3 // 4])
    item = only(tmp_path / "cut.gz")
    assert "cut short" in item.note
    assert item.article is not None and item.article.body[0].startswith("The harbour council")


def test_singlefile_page_keeps_its_inlined_photo(tmp_path: Path) -> None:
    photo = png_bytes()
    (tmp_path / "single.html").write_text(singlefile_html(photo), encoding="utf-8")
    item = only(tmp_path / "single.html")
    (image,) = item.article.images  # type: ignore[union-attr]
    assert image.src is None and image.photo is not None  # the data: URI is not kept as an address
    assert [p.digest for p in item.photos] == [image.photo]
    assert item.photos[0].data == photo


def test_mhtml_page_with_its_photo_part(tmp_path: Path) -> None:
    photo = png_bytes()
    (tmp_path / "page.mhtml").write_bytes(mhtml_bytes(article_html(), photo))
    item = only(tmp_path / "page.mhtml")
    assert item.article is not None and item.article.headline == HEADLINE and item.article.url == URL
    assert item.article.images[0].photo == item.photos[0].digest
    assert item.photos[0].data == photo


def test_mhtml_photo_named_by_content_id(tmp_path: Path) -> None:
    """A page that names its photo ``cid:...`` finds the part with that ``Content-ID``."""
    photo = png_bytes()
    (tmp_path / "page.mhtml").write_bytes(mhtml_bytes(article_html("cid:ferry.1@saved"), photo,
                                                      content_id="ferry.1@saved"))
    item = only(tmp_path / "page.mhtml")
    assert item.article is not None and item.article.images[0].photo == item.photos[0].digest
    assert item.photos[0].data == photo and "not saved" not in item.note


def test_mhtml_with_a_missing_part_keeps_the_story(tmp_path: Path) -> None:
    data = mhtml_bytes(article_html(), png_bytes())
    cut = data[: data.rindex(b"Content-Type: image/png")]  # the photo part and the closing boundary are gone
    (tmp_path / "cut.mhtml").write_bytes(cut)
    item = only(tmp_path / "cut.mhtml")
    assert item.article is not None and item.article.headline == HEADLINE
    assert item.article.images[0].photo is None and "cut short" in item.note
    (tmp_path / "nopage.mhtml").write_bytes(data[: data.index(b"Content-Type: text/html")])
    (failed,) = items(tmp_path / "nopage.mhtml")
    assert failed.article is None and "no HTML part" in failed.reason


def test_save_page_complete_keeps_the_photo_and_reports_a_fake_one(tmp_path: Path) -> None:
    page = save_complete(tmp_path, png_bytes())
    item = only(page)
    assert item.article is not None and item.article.images[0].photo == item.photos[0].digest
    (tmp_path / "page_files" / "ferry.png").write_bytes(b"<html>not a picture</html>")
    item = only(page)
    assert item.photos == () and item.article is not None and item.article.images[0].photo is None
    assert "photo 1 not kept: not an image" in item.note
    assert item.article.images[0].problem == "not kept: not an image"  # the reader's placeholder says why


def test_a_gzipped_page_saved_complete_keeps_its_photo(tmp_path: Path) -> None:
    # page.html gzipped beside page_files/: the folder is the one the browser named for page.html.
    page = save_complete(tmp_path, png_bytes())
    packed = page.with_name("page.html.gz")
    packed.write_bytes(gzip.compress(page.read_bytes()))
    page.unlink()
    item = only(packed)
    assert item.article is not None and item.photos and item.article.images[0].photo == item.photos[0].digest
    assert "not saved with the page" not in item.note


def test_a_pages_files_folder_given_alone_is_said_to_go_with_its_page(tmp_path: Path) -> None:
    """Its photo was "failed: a PNG image, a binary file"; a gzipped page's folder was walked too."""
    from broadsheet.store.ingest.importer import find_files

    page = save_complete(tmp_path, png_bytes())
    [(_, reason)] = list(find_files([tmp_path / "page_files"]))
    assert reason == "the photos folder of page.html, saved with it: import the page, which brings its photos"
    page.with_name("page.html.gz").write_bytes(gzip.compress(page.read_bytes()))
    page.unlink()
    assert [p.name for p, _ in find_files([tmp_path])] == ["page.html.gz"]
    [(_, reason)] = list(find_files([tmp_path / "page_files"]))
    assert "page.html.gz" in reason


def test_save_page_complete_gives_each_caption_its_own_saved_photo(tmp_path: Path) -> None:
    # The browser rewrites src to its saved copy (image.jpg, image(1).jpg, ...) and keeps data-src
    # naming the original, which on a CDN is often the same file name for every photo (or none).
    files = tmp_path / "page_files"
    files.mkdir()
    colours = {"photo.jpg": "navy", "photo(1).jpg": "olive", "photo(2).jpg": "maroon"}
    for name, colour in colours.items():
        (files / name).write_bytes(png_bytes(colour=colour))
    figures = "".join(
        f'<figure><img src="./page_files/{name}" data-src="https://cdn.example/{n}/1200/photo.jpg">'
        f"<figcaption>The {colour} boat crosses the harbour bar. <span class=credit>Ann Tey</span></figcaption>"
        "</figure>"
        for n, (name, colour) in enumerate(colours.items())
    )
    (tmp_path / "page.html").write_text(article_html(extra_body=figures), encoding="utf-8")
    item = only(tmp_path / "page.html")
    assert item.article is not None
    kept = {p.digest: p.data for p in item.photos}
    by_caption = {i.caption: kept[i.photo] for i in item.article.images if i.photo}
    for colour in colours.values():
        assert by_caption[f"The {colour} boat crosses the harbour bar."] == png_bytes(colour=colour)


def test_warc_pages_photos_and_skipped_records(tmp_path: Path) -> None:
    photo = png_bytes()
    other = article_html().replace(HEADLINE, "Lifeboat crew marks fifty years").replace(URL, URL + "-lifeboat")
    data = warc_bytes([
        (URL, "text/html; charset=utf-8", article_html().encode()),
        ("https://coast-herald.example/img/ferry.jpg", "image/png", photo),
        ("https://coast-herald.example/site.css", "text/css", b"body{}"),
        (URL + "-lifeboat", "text/html", other.encode()),
    ])
    (tmp_path / "crawl.warc.gz").write_bytes(data)
    got = items(tmp_path / "crawl.warc.gz")
    assert [i.article.headline for i in got if i.article] == [HEADLINE, "Lifeboat crew marks fifty years"]
    assert [i.part.split(" at byte ")[0] for i in got if not i.input_note] == ["record 1", "record 4"]
    assert got[0].part == "record 1 at byte 0"
    assert got[0].article is not None and got[0].article.images[0].photo == got[0].photos[0].digest
    assert got[-1].input_note and got[-1].part == ""  # of the archive, not of its first page
    assert got[-1].note == "1 record of the archive that is not an HTML page skipped"


def test_a_warcs_pages_the_server_did_not_serve_are_counted_by_status(tmp_path: Path) -> None:
    """A crawl's 404s were counted among its images and styles, "not HTML pages"."""
    gone = [f"{URL}-gone-{n}" for n in range(2)]
    data = warc_bytes([
        (URL, "text/html", article_html().encode()),
        ("https://coast-herald.example/site.css", "text/css", b"body{}"),
        *[(url, "text/html", b"<html><body><p>Not found</p></body></html>") for url in gone],
        (URL + "-old", "text/html", b""),
    ], statuses={gone[0]: "404 Not Found", gone[1]: "404 Not Found", URL + "-old": "301 Moved Permanently"})
    (tmp_path / "crawl.warc.gz").write_bytes(data)
    got = items(tmp_path / "crawl.warc.gz")
    assert [i.article.headline for i in got if i.article] == [HEADLINE]
    assert got[-1].input_note and got[-1].note == ("1 record of the archive that is not an HTML page and 3 "
                                                   "responses with no page (HTTP 301: 1, 404: 2) skipped")
    (tmp_path / "lost.warc.gz").write_bytes(warc_bytes([(gone[0], "text/html", b"<p>Not found</p>")],
                                                       statuses={gone[0]: "404 Not Found"}))
    [failed] = items(tmp_path / "lost.warc.gz")
    assert failed.reason == "the web archive holds no HTML page (1 response with no page (HTTP 404: 1) skipped)"


def test_truncated_warc_imports_the_readable_records_and_reports_the_rest(tmp_path: Path) -> None:
    second = article_html().replace(HEADLINE, "Second story").replace(URL, URL + "-2")
    data = warc_bytes([(URL, "text/html", article_html().encode()), (URL + "-2", "text/html", second.encode())])
    (tmp_path / "cut.warc.gz").write_bytes(data[: len(data) - 300])  # the second page's end is gone
    got = items(tmp_path / "cut.warc.gz")
    assert [i.article.headline for i in got if i.article] == [HEADLINE]  # not half of the second as all of it
    assert got[-1].article is None and "cut short after record 1" in got[-1].reason
    (tmp_path / "cut2.warc").write_bytes(warc_bytes([(URL, "text/html", article_html().encode())], gzip=False)
                                         + b"WARC/1.0\r\nWARC-Type: resp")  # a record cut in its headers
    got = items(tmp_path / "cut2.warc")
    assert got[0].article is not None and got[-1].article is None and "cut short after record 1" in got[-1].reason


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a JPEG image"),
    ("page.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40), "a PNG image"),
    ("tool", b"\x7fELF\x02\x01\x01" + bytes(60), "a program"),
    # JSON that is no export or feed (a parser's truth file) read as a text dump: "no headline found"
    ("truth.json", b'\xef\xbb\xbf {"headline": "Ferry times", "body": ["The ferry leaves at ten."]}',
     "a JSON file, but neither a Broadsheet export nor a JSON Feed"),
    ("list.json", b"[1, 2, 3]", "a JSON file"),
])
def test_binaries_are_refused_with_what_they_are(tmp_path: Path, name: str, data: bytes, kind: str) -> None:
    (tmp_path / name).write_bytes(data)
    (item,) = items(tmp_path / name)
    assert item.article is None and item.reason.startswith(kind)


def test_a_text_dump_that_opens_with_a_bracket_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("[Updated] Ferry times change on the islands\n\nThe ferry to the outer "
                                       "islands will leave later from next week, the harbour master said.\n"
                                       "Passengers were told on Monday.\n", encoding="utf-8")
    (item,) = items(tmp_path / "note.txt")
    assert item.article is not None


def test_import_keeps_one_story_per_page_and_the_marks(tmp_path: Path) -> None:
    """Two saves of one page, and its MHTML, are one story; the newer copy wins, marks stay."""
    store = Store(tmp_path / "store")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "first.html").write_text(article_html(), encoding="utf-8")
    report = import_paths(store, [pages / "first.html"])
    assert report.count("imported") == 1
    (sid,) = [m.id for m in store.stories()]
    store.user.toggle_bookmark(sid)
    (pages / "again.htm").write_text(article_html(extra_body="<p>Update: the council confirmed the dates.</p>"),
                                     encoding="utf-8")
    (pages / "page.mhtml").write_bytes(mhtml_bytes(article_html(), png_bytes()))
    report = import_paths(store, [pages / "again.htm", pages / "page.mhtml"])
    assert len(store) == 1
    assert [m.id for m in store.stories()] == [sid]
    assert store.user.get(sid).bookmarked
    stored = store.article(sid)
    assert stored.url == URL and normal_url(stored.url) == normal_url(URL.replace("https", "http"))
    assert PhotoStore(store.folder).path(stored.images[0].photo or "") is not None


def test_two_saves_of_one_page_imported_again_together_change_nothing(tmp_path: Path) -> None:
    """The first replaced the stored copy, the second put it back: "1 updated" at every import."""
    store = Store(tmp_path / "store")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text(article_html(), encoding="utf-8")
    (pages / "b.html").write_text(article_html(extra_body="<p>Update: the council confirmed the dates.</p>"),
                                  encoding="utf-8")
    report = import_paths(store, [pages])
    assert (report.count("imported"), report.count("updated"), report.count("present")) == (1, 0, 1)
    [meta] = store.stories()
    assert store.body(meta)[-1] == "Update: the council confirmed the dates."  # the last copy wins
    report = import_paths(store, [pages])
    assert (report.count("imported"), report.count("updated"), report.count("present")) == (0, 0, 2)
    assert store.body(meta)[-1] == "Update: the council confirmed the dates."
    (pages / "a.html").write_text(article_html(extra_body="<p>A third version.</p>"), encoding="utf-8")
    report = import_paths(store, [pages / "a.html", pages / "b.html", pages / "a.html"])
    assert (report.count("updated"), report.count("present")) == (1, 2)  # it did change: a's copy is last
    assert Store(store.folder).body(meta)[-1] == "A third version."


def test_pages_without_an_address_are_one_story_by_content(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text(article_html(canonical=False), encoding="utf-8")
    import_paths(store, [tmp_path / "a.html", tmp_path / "b.html"])
    assert len(store) == 1


def test_import_skips_the_files_folder_of_a_complete_save(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    save_complete(tmp_path / "pages", png_bytes())
    report = import_paths(store, [tmp_path / "pages"])
    assert (report.count("imported"), report.failed) == (1, [])
    (meta,) = store.stories()
    photo = store.article(meta.id).images[0].photo
    assert photo and PhotoStore(store.folder).path(photo).read_bytes() == png_bytes()  # type: ignore[union-attr]


def test_parse_json_prints_the_contract_with_the_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from broadsheet.cli.main import main

    (tmp_path / "page.html").write_text(article_html(), encoding="utf-8")
    (tmp_path / "app.html").write_text("<html><body><div id=app></div></body></html>", encoding="utf-8")
    main(["parse", "--json", str(tmp_path / "page.html"), str(tmp_path / "app.html")])
    page, app = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert page["url"] == URL and page["headline"] == HEADLINE
    assert page["images"] == [{"caption": "The morning ferry leaves Lowmoor slipway.",
                               "credit": "Ian Reed/Coast Herald", "src": "https://coast-herald.example/img/ferry.jpg",
                               "problem": "not saved with the page"}]  # an HTML-only save: its photo says why
    assert app == {"file": str(tmp_path / "app.html"), "error": "no article text found"}


def test_a_record_followed_by_stray_data_is_noted_not_printed(tmp_path: Path,
                                                              capfd: pytest.CaptureFixture[str]) -> None:
    # warcio wrote "WARNING: Record not followed by newline" straight to stderr, over the progress bar.
    second = article_html().replace(HEADLINE, "Second story").replace(URL, URL + "-2")
    data = warc_bytes([(URL, "text/html", article_html().encode()), (URL + "-2", "text/html", second.encode())],
                      gzip=False)
    length = re.search(rb"Content-Length: (\d+)", data)
    assert length is not None
    data = data.replace(length[0], b"Content-Length: %d" % (int(length[1]) - 7), 1)  # 7 stray bytes after it
    (tmp_path / "stray.warc").write_bytes(data)
    got = items(tmp_path / "stray.warc")
    assert "Second story" in [i.article.headline for i in got if i.article]
    assert "followed by stray data" in got[0].note or "followed by stray data" in got[-1].note
    assert "WARNING" not in capfd.readouterr().err


def test_photos_refused_for_one_reason_are_told_in_one_note(tmp_path: Path) -> None:
    from broadsheet.store.ingest.formats.photos import attach_photos
    from broadsheet.store.model import Image
    from tests.factories import make_article

    text = "data:image/png;base64,PGh0bWw+bm90IGEgcGljdHVyZTwvaHRtbD4="  # an HTML page, not a photo
    images = [Image(f"Ferry {n}", src=text) for n in range(8)]
    _article, kept, notes = attach_photos(make_article(images=images))
    assert kept == () and notes == ["photos 1, 2, 3, 4, 5 and 3 more not kept: not an image"]
    _article, kept, notes = attach_photos(make_article(images=images[:3]))
    assert notes == ["photos 1, 2 and 3 not kept: not an image"]


def test_a_photo_over_the_cap_is_told_its_own_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The note gave the cap twice ("too large (10.0 MB; the limit is 10.0 MB)"): the file's size was lost.
    monkeypatch.setenv("BROADSHEET_MAX_PHOTO_MB", "1")
    page = save_complete(tmp_path, png_bytes())
    (tmp_path / "page_files" / "ferry.png").write_bytes(b"\0" * 1_600_000)
    item = only(page)
    assert "photo 1 not kept: too large (1.5 MB; the limit is 1.0 MB)" in item.note
    assert item.article is not None
    assert item.article.images[0].problem == "not kept: too large (1.5 MB; the limit is 1.0 MB)"
    (tmp_path / "page_files" / "ferry.png").write_bytes(b"\0" * (1024 * 1024 + 20_000))  # just over: more digits
    assert "too large (1.02 MB; the limit is 1.00 MB)" in only(page).note


def test_an_mhtml_photo_over_the_cap_is_told_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_MAX_PHOTO_MB", "1")
    (tmp_path / "page.mhtml").write_bytes(mhtml_bytes(article_html(), png_bytes() + b"\0" * 2_200_000))
    item = only(tmp_path / "page.mhtml")
    assert "photo 1 not kept: too large (2.1 MB; the limit is 1.0 MB)" in item.note


def test_a_photo_not_saved_with_the_page_says_so_and_a_subfolder_is_found(tmp_path: Path) -> None:
    files = tmp_path / "page_files"
    (files / "img").mkdir(parents=True)
    (files / "img" / "pier.png").write_bytes(png_bytes(colour="olive"))
    (files / "ferry.png").write_bytes(png_bytes())
    figures = "".join(f'<figure><img src="./page_files/{name}"><figcaption>The {name} at dusk, seen from the '
                      "harbour wall.</figcaption></figure>" for name in ("ferry.png", "gone.jpg", "img/pier.png"))
    (tmp_path / "page.html").write_text(article_html(extra_body=figures), encoding="utf-8")
    item = only(tmp_path / "page.html")
    assert item.article is not None
    by_caption = {i.caption.split()[1]: i for i in item.article.images if i.caption.startswith("The ")}
    assert by_caption["ferry.png"].photo and by_caption["img/pier.png"].photo  # the subfolder's photo is found
    assert by_caption["gone.jpg"].photo is None and by_caption["gone.jpg"].problem == "not saved with the page"
    numbers = [n for n, i in enumerate(item.article.images, 1) if i.problem]  # the page's own photo is not saved
    assert numbers[-1] == item.article.images.index(by_caption["gone.jpg"]) + 1
    assert f"photos {numbers[0]} and {numbers[1]} not saved with the page" in item.note


def test_a_warc_photo_over_the_cap_is_told_its_own_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_MAX_PHOTO_MB", "1")
    data = warc_bytes([(URL, "text/html; charset=utf-8", article_html().encode()),
                       ("https://coast-herald.example/img/ferry.jpg", "image/png", png_bytes() + b"\0" * 3_200_000)])
    (tmp_path / "crawl.warc.gz").write_bytes(data)
    (page,) = items(tmp_path / "crawl.warc.gz")
    assert page.article is not None and page.photos == ()
    assert "photo 1 not kept: too large (3.1 MB; the limit is 1.0 MB)" in page.note

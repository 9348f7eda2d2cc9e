"""Moving in: OPML and newsboat's urls file and cache.db, and the feeds commands."""

from __future__ import annotations

import codecs
import sqlite3
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import orjson
import pytest
from pytest_httpserver import HTTPServer

from broadsheet.cli.main import main
from broadsheet.store.feeds.opml import FeedListError, read_feed_list, read_opml, read_urls, write_opml, write_urls
from broadsheet.store.feeds.subscriptions import Subscription, Subscriptions
from broadsheet.store.storage.db import Store
from tests.feeds import learned, rss, rss_feed, rss_item

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>From another reader</title></head><body>
  <outline text="News" title="News">
    <outline type="rss" text="Harbour Gazette" xmlUrl="https://gazette.example/rss" htmlUrl="https://gazette.example/"/>
    <outline text="Local"><outline type="rss" text="Valley Courier" xmlUrl="https://courier.example/atom.xml"/></outline>
  </outline>
  <outline type="rss" text="Dispatch" xmlUrl="https://dispatch.example/feed.json" category="weather,coast"/>
  <outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/>
</body></opml>"""


def test_opml_folders_and_categories_become_tags() -> None:
    listed = read_opml(OPML)
    assert [(f.url, f.title, f.tags) for f in listed.feeds] == [
        ("https://gazette.example/rss", "Harbour Gazette", ["news"]),
        ("https://courier.example/atom.xml", "Valley Courier", ["news", "local"]),
        ("https://dispatch.example/feed.json", "Dispatch", ["weather", "coast"]),
    ]
    assert len(listed.problems) == 1 and "javascript" in listed.problems[0]


def test_opml_round_trip() -> None:
    subs = [Subscription("https://a.example/rss", title="A & B <News>", tags=["x", "two words"]),
            Subscription("https://b.example/feed")]
    back = read_feed_list(write_opml(subs))
    assert [(f.url, f.title, f.tags) for f in back.feeds] == [
        ("https://a.example/rss", "A & B <News>", ["x", "two words"]),
        ("https://b.example/feed", "", []),  # not fetched yet: its address is no title to keep
    ]


FOLDERS = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>From another reader</title></head><body>
  <outline text="News" title="News">
    <outline type="rss" text="Harbour Gazette" xmlUrl="https://gazette.example/rss" htmlUrl="https://gazette.example/"/>
    <outline text="Local" title="Local">
      <outline type="rss" text="Valley Courier" xmlUrl="https://courier.example/atom.xml"
               htmlUrl="https://courier.example/valley"/>
    </outline>
  </outline>
  <outline type="rss" text="Dispatch" xmlUrl="https://dispatch.example/feed.json" category="weather"
           htmlUrl="javascript:alert(1)"/>
</body></opml>"""


def test_opml_folders_and_site_addresses_come_back_from_an_export(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A feed in the folder Local of the folder News was exported flat, with the categories
    "news,local", and every feed without its site's address (htmlUrl): imported back, the
    folders were gone."""
    first, second = tmp_path / "first", tmp_path / "second"
    other = tmp_path / "other.opml"
    other.write_text(FOLDERS)
    assert run(first, "feeds", "import", str(other)) == 0
    said = capsys.readouterr().err
    assert "3 feeds added, 0 already subscribed, 0 left out\n" in said
    assert ("note: outline 'Dispatch': its site's address (htmlUrl) is not kept: 'javascript:alert(1)' is not an "
            "http:// or https:// address") in " ".join(said.split())
    exported = tmp_path / "ours.opml"
    assert run(first, "feeds", "export", "-o", str(exported)) == 0
    body = ElementTree.parse(exported).getroot().find("body")
    assert body is not None

    def tree(node: ElementTree.Element) -> list[tuple[str, str, str, list[Any]]]:
        return [(o.get("text", ""), o.get("htmlUrl", ""), o.get("category", ""), tree(o)) for o in node]

    assert tree(body) == [
        ("News", "", "", [("Harbour Gazette", "https://gazette.example/", "", []),
                          ("Local", "", "", [("Valley Courier", "https://courier.example/valley", "", [])])]),
        ("Dispatch", "", "weather", []),
    ]
    assert run(second, "feeds", "import", str(exported)) == 0
    kept = [(s.url, s.title, s.tags, s.site, s.folder) for s in Subscriptions(Store(second)).all()]
    assert kept == [("https://gazette.example/rss", "Harbour Gazette", ["news"], "https://gazette.example/", ["News"]),
                    ("https://courier.example/atom.xml", "Valley Courier", ["news", "local"],
                     "https://courier.example/valley", ["News", "Local"]),
                    ("https://dispatch.example/feed.json", "Dispatch", ["weather"], "", [])]
    again = tmp_path / "again.opml"
    assert run(second, "feeds", "export", "-o", str(again)) == 0
    assert again.read_bytes() == exported.read_bytes()
    # A tag taken off since the import takes the feed out of that folder (imported again, it came back).
    Subscriptions(Store(second)).retag("local", None)
    assert run(second, "feeds", "export", "-o", str(again)) == 0
    assert [o.get("text") for o in ElementTree.parse(again).getroot().iter("outline")] == [
        "News", "Harbour Gazette", "Valley Courier", "Dispatch"]
    # A record of an older version, without these fields, reads as a feed in no folder.
    old = Subscription.from_doc({"url": "https://old.example/rss", "title": "Old", "tags": ["news"]})
    assert (old.site, old.folder, old.tags) == ("", [], ["news"])


def test_a_title_the_user_chose_stays_chosen_through_an_opml_export(tmp_path: Path) -> None:
    """OPML gave a title the user chose ("~My Valley") as any title: imported back, it was taken for
    the feed's own, and the next fetch renamed the feed and every story of it."""
    subs = [Subscription("https://a.example/rss", title="My Valley"),
            Subscription("https://b.example/rss", title="Valley Courier", learned=True)]
    back = read_feed_list(write_opml(subs))
    assert [(f.title, f.chosen) for f in back.feeds] == [("My Valley", True), ("Valley Courier", False)]
    first, second = tmp_path / "first", tmp_path / "second"
    urls = tmp_path / "urls"
    urls.write_text('https://a.example/rss "~My Valley"\n')
    assert run(first, "feeds", "import", str(urls)) == 0
    opml = tmp_path / "s.opml"
    assert run(first, "feeds", "export", "-o", str(opml)) == 0
    assert run(second, "feeds", "import", str(opml)) == 0
    (sub,) = Subscriptions(Store(second)).all()
    assert (sub.title, sub.learned) == ("My Valley", False)


def test_full_is_kept_through_an_opml_export_and_set_by_adding_a_feed_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """OPML dropped --full (exported and imported back, the feed fetched summaries only), and
    `feeds add --full` of a feed subscribed already left it off, with no word."""
    first, second = tmp_path / "first", tmp_path / "second"
    assert run(first, "feeds", "add", "--full", "https://a.example/rss") == 0
    assert run(first, "feeds", "add", "https://b.example/feed") == 0
    opml = tmp_path / "s.opml"
    assert run(first, "feeds", "export", "-o", str(opml)) == 0
    assert run(second, "feeds", "import", str(opml)) == 0
    assert {s.url: s.full for s in Subscriptions(Store(second)).all()} == {
        "https://a.example/rss": True, "https://b.example/feed": False}
    capsys.readouterr()
    assert run(second, "feeds", "add", "--full", "https://b.example/feed") == 0
    assert "already subscribed: https://b.example/feed (now fetched with each entry's article page)" in \
        capsys.readouterr().err
    assert all(s.full for s in Subscriptions(Store(second)).all())


def test_a_feed_exported_before_its_first_fetch_is_not_titled_by_its_address(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert run(first, "feeds", "add", "https://b.example/feed") == 0
    opml = tmp_path / "t.opml"
    assert run(first, "feeds", "export", "-o", str(opml)) == 0
    assert b'title="https://' not in opml.read_bytes()
    assert run(second, "feeds", "import", str(opml)) == 0
    [sub] = Subscriptions(Store(second)).all()
    assert (sub.url, sub.title) == ("https://b.example/feed", "")  # the first fetch names it
    other = b'<opml><body><outline text="https://c.example/rss" xmlUrl="https://c.example/rss"/></body></opml>'
    assert [f.title for f in read_opml(other).feeds] == [""]


def test_tags_with_a_slash_come_back_whole_from_our_opml() -> None:
    subs = [Subscription("https://a.example/rss", title="A", tags=["news/world", "ac/dc", "plain"])]
    data = write_opml(subs)
    assert [f.tags for f in read_feed_list(data).feeds] == [["news/world", "ac/dc", "plain"]]
    # Another reader's category paths still give a tag per step.
    other = (b'<opml><body><outline text="B" xmlUrl="https://b.example/rss" category="/Boston/Weather,Sport"/>'
             b'</body></opml>')
    assert [f.tags for f in read_opml(other).feeds] == [["boston", "weather", "sport"]]


def test_opml_category_paths_give_a_tag_per_step_and_come_back_from_an_export(tmp_path: Path) -> None:
    """OPML 2.0's ``category`` holds slash-delimited paths, as nested folders are: each step is a
    tag, as each folder is (``tag:world`` and ``tag:news`` find the feed), and its export, read
    back by Broadsheet or by a reader that keeps ``category`` alone, gives the same tags."""
    other = tmp_path / "other.opml"
    other.write_text('<?xml version="1.0"?><opml version="2.0"><body>'
                     '<outline type="rss" text="A" xmlUrl="https://a.example/rss" category="/News/World,/Tech"/>'
                     '<outline text="News"><outline text="World">'
                     '<outline type="rss" text="B" xmlUrl="https://b.example/rss" category="/Tech/Chips, Sport"/>'
                     '</outline></outline></body></opml>')
    expected = {"https://a.example/rss": ["news", "world", "tech"],
                "https://b.example/rss": ["news", "world", "tech", "chips", "sport"]}
    first, second, third = tmp_path / "first", tmp_path / "second", tmp_path / "third"
    assert run(first, "feeds", "import", str(other)) == 0
    assert {s.url: s.tags for s in Subscriptions(Store(first)).all()} == expected
    ours = tmp_path / "ours.opml"
    assert run(first, "feeds", "export", "-o", str(ours)) == 0
    assert run(second, "feeds", "import", str(ours)) == 0
    assert {s.url: s.tags for s in Subscriptions(Store(second)).all()} == expected
    kept = tmp_path / "kept.opml"  # as another reader writes it back: without our own attributes
    kept.write_bytes(ours.read_bytes().replace(b"broadsheet:tags=", b"broadsheet:dropped="))
    assert run(third, "feeds", "import", str(kept)) == 0
    assert {s.url: s.tags for s in Subscriptions(Store(third)).all()} == expected


def test_an_opml_outline_without_a_feed_address_is_said_not_dropped_silently() -> None:
    """A feed whose outline lost its xmlUrl, or a link to a page, was left out without a word: the
    summary said "2 feeds added, 0 left out" of four."""
    listed = read_opml(b'<opml version="2.0"><body>'
                       b'<outline type="rss" text="Harbour Gazette" xmlUrl="https://gazette.example/rss"/>'
                       b'<outline type="rss" text="Valley Courier" htmlUrl="https://courier.example/"/>'
                       b'<outline type="link" text="Tide tables" url="https://tides.example/today"/>'
                       b'<outline text="Empty folder"/>'
                       b'</body></opml>')
    assert [f.url for f in listed.feeds] == ["https://gazette.example/rss"]
    assert listed.problems == ["outline 'Valley Courier': no feed address (xmlUrl)",
                               "outline 'Tide tables': no feed address (xmlUrl)"]


def test_an_opml_files_attributes_are_read_in_any_case_and_feeds_it_repeats_are_counted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``xmlURL`` and ``XMLURL`` were left out without a word, and a feed listed twice was folded
    into one uncounted: four outlines gave "2 feeds added, 0 already subscribed, 0 left out"."""
    path = tmp_path / "hand.opml"
    path.write_bytes(b'<?xml version="1.0"?><opml version="2.0"><body><outline text="Coast">'
                     b'<outline text="Harbour Gazette" xmlUrl="https://gazette.example/rss"/>'
                     b'<outline TEXT="Valley Courier" xmlURL="https://courier.example/atom.xml" CATEGORY="Rivers"/>'
                     b'</outline><outline text="Again">'
                     b'<outline text="Gazette again" XMLURL="HTTPS://Gazette.example/rss"/>'
                     b'<outline text="Harbour Gazette" xmlUrl="https://gazette.example/rss"/>'
                     b'</outline></body></opml>')
    assert run(tmp_path / "store", "feeds", "import", str(path)) == 0
    assert "2 feeds added, 0 already subscribed, 0 left out, 2 repeated in the file\n" in capsys.readouterr().err
    subs = {sub.url: (sub.title, sub.tags) for sub in Subscriptions(Store(tmp_path / "store")).all()}
    assert subs == {"https://gazette.example/rss": ("Harbour Gazette", ["coast", "again"]),
                    "https://courier.example/atom.xml": ("Valley Courier", ["coast", "rivers"])}


def test_an_opml_outline_with_neither_name_nor_address_is_said_by_its_place(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It was said as "outline None": which one, the user could not tell."""
    path = tmp_path / "coast.opml"
    path.write_bytes(b'<?xml version="1.0"?><opml version="2.0"><body>'
                     b'<outline type="rss" text="Harbour Gazette" xmlUrl="https://gazette.example/rss"/>'
                     b'<outline text="Coast"><outline type="rss"/><outline type="atom" title="" text=" "/></outline>'
                     b'</body></opml>')
    assert run(tmp_path / "store", "feeds", "import", str(path)) == 0
    err = capsys.readouterr().err
    assert "left out: outline 3: no feed address (xmlUrl)" in err and "outline 4: no feed address" in err, err
    assert "None" not in err, err


def test_opml_with_entities_is_refused_not_expanded() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b'<opml version="2.0"><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>')
    with pytest.raises(FeedListError, match="entities"):
        read_opml(bomb)


@pytest.mark.parametrize(("content", "said"), [
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
     b'<opml version="2.0"><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>',
     "refused: the OPML declares entities (EntitiesForbidden)"),
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/hostname">]><opml version="2.0">'
     b'<body><outline text="&x;" xmlUrl="https://x.example/"/></body></opml>',
     "refused: the OPML declares entities (EntitiesForbidden)"),
    (b'<?xml version="1.0"?><opml version="2.0"><body><outline text="Gazette" xmlUrl="https://g.example/rss">'
     b'</body></opml>', "not readable OPML (mismatched tag: line 1"),
    (b'<?xml version="1.0"?><opml version="2.0"><head><title>Feeds</title></head></opml>', "not OPML (no <body>)"),
])
def test_feeds_import_of_an_opml_it_cannot_read_says_why_in_one_message_and_fails(
        content: bytes, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It said "0 feeds added, 0 already subscribed, 1 left out", as if one feed of it had been left out."""
    path = tmp_path / "feeds.opml"
    path.write_bytes(content)
    assert run(tmp_path / "store", "feeds", "import", str(path)) == 2
    err = capsys.readouterr().err
    assert f"feeds.opml: {said}" in err and "left out" not in err and "added" not in err, err
    assert not Subscriptions(Store(tmp_path / "store")).all()


def test_a_character_xml_forbids_in_an_opml_costs_that_character_not_the_files_feeds(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One ``&#x1b;`` in a folder's name made the whole file unreadable: no feed of it was added.
    (The escape sequence it begins goes whole, as a headline's: "local[1m news" was a tag.)"""
    opml = ('<?xml version="1.0"?><opml version="2.0"><head><title>Mine&#x1b;</title></head><body>'
            '<outline text="Local&#x1b;[1m news&#7;">'
            '<outline type="rss" text="Harbour\x07 Gazette" xmlUrl="https://gazette.example/rss" '
            'category="port&#x08;"/>'
            '<outline type="rss" text="Valley Courier" xmlUrl="https://courier.example/atom.xml"/>'
            '</outline></body></opml>')
    path = tmp_path / "feeds.opml"
    path.write_bytes(opml.encode())
    assert run(tmp_path / "store", "feeds", "import", str(path)) == 0
    assert "2 feeds added, 0 already subscribed, 0 left out" in capsys.readouterr().err
    subs = {sub.url: (sub.title, sub.tags) for sub in Subscriptions(Store(tmp_path / "store")).all()}
    assert subs == {"https://gazette.example/rss": ("Harbour Gazette", ["local news", "port"]),
                    "https://courier.example/atom.xml": ("Valley Courier", ["local news"])}
    # The same in UTF-16 with a byte-order mark (read as text, not bytes).
    listed = read_feed_list(codecs.BOM_UTF16_LE + opml.replace('"1.0"?>', '"1.0" encoding="UTF-16"?>', 1)
                            .encode("utf-16-le"))
    assert [(f.title, f.tags) for f in listed.feeds] == [("Harbour Gazette", ["local news", "port"]),
                                                         ("Valley Courier", ["local news"])]


def test_newsboat_urls_file_with_tags_titles_and_queries() -> None:
    text = ('# my feeds\nhttps://gazette.example/rss news "local news" "~Gazette"\n'
            'https://courier.example/atom.xml\n"query:Unread:unread = \\"yes\\""\nhttps://hidden.example/ "!" news\n'
            'exec:~/bin/feed\n')
    listed = read_urls(text)
    assert [(f.url, f.title, f.tags) for f in listed.feeds] == [
        ("https://gazette.example/rss", "Gazette", ["news", "local news"]),
        ("https://courier.example/atom.xml", "", []),
        ("https://hidden.example/", "", ["news"]),
    ]
    assert len(listed.problems) == 2
    again = read_urls(write_urls([Subscription(f.url, title=f.title, tags=f.tags, learned=not f.chosen)
                                  for f in listed.feeds]))
    assert [(f.url, f.title, f.tags) for f in again.feeds] == [(f.url, f.title, f.tags) for f in listed.feeds]
    # a title learned from the feed is left to newsboat, which keeps a "~Name" for good
    assert "~" not in write_urls([Subscription("https://courier.example/atom.xml", title="Valley Courier",
                                               learned=True)])


def test_a_urls_line_with_a_quote_not_closed_subscribes_its_address_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One unclosed quote left the feed out, said as "line 2: No closing quotation": the address
    before it is whole. A line whose address the quote cuts is left out, named by its text."""
    urls = tmp_path / "urls"
    urls.write_text('https://gazette.example/rss news\nhttps://ann:s3cret@quay.example/rss.xml "unterminated\n'
                    '"https://cut.example/feed.xml tag\n')
    assert run(tmp_path / "store", "feeds", "import", str(urls)) == 0
    said = capsys.readouterr().err
    assert said.splitlines() == [
        "2 feeds added, 0 already subscribed, 1 left out",
        '  left out: line 3: a quote is not closed: "https://cut.example/feed.xml tag',
        "  note: line 2: https://ann:***@quay.example/rss.xml: a quote is not closed in its tags and title, which are "
        'not read ("unterminated); the feed is subscribed without them'], said
    assert [(s.url, s.tags) for s in Subscriptions(Store(tmp_path / "store")).all()] == [
        ("https://gazette.example/rss", ["news"]), ("https://ann:s3cret@quay.example/rss.xml", [])]


def test_a_newsboat_tag_that_hides_a_feed_is_kept_as_a_tag_and_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """newsboat's "!later" (the feed hidden from its list, read through a query feed) was dropped
    without a word: the tag was lost, and nothing said why the feed now shows."""
    urls = tmp_path / "urls"
    urls.write_text('# moving over\nhttps://gazette.example/rss news "~Harbour Gazette"\n'
                    'https://quiet.example/feed.xml "!later" news\nhttps://muted.example/atom.xml "!"\n')
    assert run(tmp_path / "store", "feeds", "import", str(urls)) == 0
    said = capsys.readouterr().err
    assert said.splitlines() == [
        "3 feeds added, 0 already subscribed, 0 left out",
        "  note: line 3: '!later' hides the feed in newsboat; Broadsheet hides no feed: it is listed, its stories "
        "tagged 'later'",
        "  note: line 4: '!' hides the feed in newsboat; Broadsheet hides no feed: it is listed"]
    assert [(s.url, s.title, s.tags) for s in Subscriptions(Store(tmp_path / "store")).all()] == [
        ("https://gazette.example/rss", "Harbour Gazette", ["news"]),
        ("https://quiet.example/feed.xml", "", ["later", "news"]),
        ("https://muted.example/atom.xml", "", [])]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-32-be", "utf-8-sig"])
def test_a_feed_list_with_a_byte_order_mark_is_read_in_its_encoding(codec: str) -> None:
    mark = {"utf-16-be": "\ufeff", "utf-32-be": "\ufeff"}.get(codec, "")  # the -be codecs write none themselves
    text = OPML.decode().replace('encoding="UTF-8"', f'encoding="{codec.upper()}"')
    listed = read_feed_list((mark + text).encode(codec))
    assert [f.title for f in listed.feeds] == ["Harbour Gazette", "Valley Courier", "Dispatch"]
    urls = read_feed_list((mark + 'https://gazette.example/rss news "~Gazette"\n').encode(codec))
    assert [(f.url, f.title, f.tags) for f in urls.feeds] == [("https://gazette.example/rss", "Gazette", ["news"])]


def test_a_binary_file_is_refused_in_one_message_naming_it(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import random

    junk = tmp_path / "photo.opml"
    junk.write_bytes(random.Random(7).randbytes(4096))
    assert run(tmp_path / "store", "feeds", "import", str(junk)) == 2
    err = capsys.readouterr().err
    assert "photo.opml: not an OPML or urls file" in err and "left out" not in err


@pytest.mark.parametrize(("content", "said"), [
    (rss_feed(2), "but a feed: subscribe to its address with `broadsheet feeds add URL`"),
    (b"<!DOCTYPE html><html><head><title>Ferry news</title></head><body>" + b"<p>A line.</p>\n" * 500
     + b"</body></html>", "but a web page: import its story with `broadsheet import FILE`"),
    (b"The ferry leaves at ten.\nThe harbour is closed on Sunday.\nTickets at the quay.\n",
     "none of its lines is a feed address"),
])
def test_feeds_import_of_what_is_no_feed_list_says_what_it_is_in_one_message(
        content: bytes, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A saved page printed each of its 3,225 lines as "left out"; a feed file 15 of them."""
    path = tmp_path / "list.txt"
    path.write_bytes(content)
    assert run(tmp_path / "store", "feeds", "import", str(path)) == 2
    err = capsys.readouterr().err
    assert said in err and "left out" not in err and len(err.splitlines()) <= 3, err


URLS = b'# my feeds\nhttps://gazette.example/rss news\n"https://b.example/x" "~B"\n'


@pytest.mark.parametrize("content", [OPML, URLS])
def test_import_of_a_feed_list_points_to_feeds_import(content: bytes, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """`import subs.opml` failed with "no story text found below the headline"."""
    path = tmp_path / "subscriptions"
    path.write_bytes(content)
    assert run(tmp_path / "store", "import", str(path)) == 1
    assert "a list of feeds (OPML or a newsboat urls file), not stories: subscribe to them with " \
           "`broadsheet feeds import FILE`" in capsys.readouterr().err


def test_import_of_an_empty_folder_says_it_found_no_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert run(tmp_path / "store", "import", str(tmp_path / "empty")) == 0
    assert f"No files found in {tmp_path / 'empty'}." in capsys.readouterr().err


def test_urls_export_keeps_tags_that_begin_like_a_title_or_a_hide(tmp_path: Path) -> None:
    subs = [Subscription("https://a.example/f", title='Say "what" \\ now', tags=["~odd", "!bang", "x y"])]
    back = read_urls(write_urls(subs))
    assert [(f.url, f.title, f.tags) for f in back.feeds] == [
        ("https://a.example/f", 'Say "what" \\ now', ["~odd", "!bang", "x y"])]
    folder = tmp_path / "store"
    assert run(folder, "feeds", "add", "https://a.example/f", "--tag", "~odd", "--tag", 'say "what"') == 0
    urls = tmp_path / "urls"
    assert run(folder, "feeds", "export", "--format", "urls", "-o", str(urls)) == 0
    assert run(tmp_path / "other", "feeds", "import", str(urls)) == 0
    [sub] = Subscriptions(Store(tmp_path / "other")).all()
    assert (sub.title, sub.tags) == ("", ["~odd", "say what"])  # (a tag holds no double quote)


NEWSBOAT_SCHEMA = """
CREATE TABLE rss_feed (  rssurl VARCHAR(1024) PRIMARY KEY NOT NULL,  url VARCHAR(1024) NOT NULL,  title VARCHAR(1024)
  NOT NULL , lastmodified INTEGER(11) NOT NULL DEFAULT 0, is_rtl INTEGER(1) NOT NULL DEFAULT 0, etag VARCHAR(128)
  NOT NULL DEFAULT "");
CREATE TABLE rss_item (  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,  guid VARCHAR(64) NOT NULL,  title
  VARCHAR(1024) NOT NULL,  author VARCHAR(1024) NOT NULL,  url VARCHAR(1024) NOT NULL,  feedurl VARCHAR(1024) NOT NULL,
  pubDate INTEGER NOT NULL,  content VARCHAR(65535) NOT NULL, unread INTEGER(1) NOT NULL , enclosure_url
  VARCHAR(1024), enclosure_type VARCHAR(1024), enqueued INTEGER(1) NOT NULL DEFAULT 0, flags VARCHAR(52), deleted
  INTEGER(1) NOT NULL DEFAULT 0, base VARCHAR(128) NOT NULL DEFAULT "");
CREATE TABLE google_replay (  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,  guid VARCHAR(64) NOT NULL,  state
  INTEGER NOT NULL,  ts INTEGER NOT NULL );
CREATE INDEX idx_rssurl ON rss_feed(rssurl);
CREATE INDEX idx_guid ON rss_item(guid);
CREATE INDEX idx_feedurl ON rss_item(feedurl);
CREATE TABLE metadata (  db_schema_version_major INTEGER NOT NULL,  db_schema_version_minor INTEGER NOT NULL );
INSERT INTO metadata VALUES (2, 21);
"""


def newsboat_cache(path: Path, feed_url: str) -> Path:
    """A cache.db in newsboat 2.21's schema: three items (unread, read, read and flagged) and one deleted."""
    db = sqlite3.connect(path)
    db.executescript(NEWSBOAT_SCHEMA)
    db.execute("INSERT INTO rss_feed (rssurl, url, title) VALUES (?, ?, ?)", (feed_url, "https://g.example/",
                                                                             "Harbour Gazette"))
    rows = [("item-0", "Ferry timetable change number 0", 1, None, 0),
            ("item-1", "Ferry timetable change number 1", 0, None, 0),
            ("item-2", "Ferry timetable change number 2", 0, "s", 0),
            ("gone", "Deleted item", 0, None, 1)]
    for guid, title, unread, flags, deleted in rows:
        db.execute("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, flags, deleted)"
                   " VALUES (?, ?, 'Ann Quill', ?, ?, 1772532000, ?, ?, ?, ?)",
                   (guid, title, f"https://gazette.example/story/{guid[-1]}", feed_url,
                    f"<p>Text of {title}.</p><p>Second paragraph.</p>", unread, flags, deleted))
    db.commit()
    db.close()
    return path


def run(folder: Path, *args: str) -> int:
    return main(["--store", str(folder), *args])


def test_import_a_newsboat_cache_keeps_marks_and_subscribes(tmp_path: Path, server: HTTPServer) -> None:
    url = server.url_for("/rss")
    cache = newsboat_cache(tmp_path / "cache.db", url)
    folder = tmp_path / "store"
    assert run(folder, "import", str(cache)) == 0
    store = Store(folder)
    states = store.user.all()
    by_headline = {m.headline: states.get(m.id) for m in store.stories()}
    assert set(by_headline) == {f"Ferry timetable change number {n}" for n in range(3)}
    assert by_headline["Ferry timetable change number 0"] is None  # unread, unflagged: no marks
    assert by_headline["Ferry timetable change number 1"].read
    flagged = by_headline["Ferry timetable change number 2"]
    assert flagged.read and flagged.bookmarked
    story = store.article(next(m.id for m in store.stories() if m.headline.endswith("number 0")))
    assert story.body == ["Text of Ferry timetable change number 0.", "Second paragraph."]
    [sub] = Subscriptions(store).all()
    assert (sub.url, sub.title) == (url, "Harbour Gazette")
    # Fetching the same feed afterwards finds newsboat's items already there (same identity).
    server.expect_request("/rss").respond_with_data(rss_feed(4))
    assert run(folder, "fetch", "--quiet") == 0
    store = Store(folder)
    assert len(store) == 4


def test_an_item_deleted_in_newsboat_is_not_fetched_again(tmp_path: Path, server: HTTPServer,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    url = server.url_for("/rss")
    cache = newsboat_cache(tmp_path / "cache.db", url)
    folder = tmp_path / "store"
    assert run(folder, "import", str(cache)) == 0
    assert "1 item deleted in newsboat stays deleted" in capsys.readouterr().err
    # The feed still carries the item deleted in newsboat: it does not come back as a new story.
    items = [rss_item(n) for n in range(3)] + [rss_item(3, guid="gone", title="Deleted item")]
    server.expect_request("/rss").respond_with_data(rss("\n".join(items)))
    assert run(folder, "fetch", "--quiet") == 0
    assert sorted(m.headline for m in Store(folder).stories()) == [
        f"Ferry timetable change number {n}" for n in range(3)]


def test_an_older_cache_without_flags_or_deleted_imports_and_says_what_it_leaves_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache.db"
    db = sqlite3.connect(cache)  # newsbeuter's schema: no flags, no deleted
    db.executescript("""
CREATE TABLE rss_feed ( rssurl VARCHAR(1024) PRIMARY KEY NOT NULL, url VARCHAR(1024) NOT NULL,
  title VARCHAR(1024) NOT NULL );
CREATE TABLE rss_item ( id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, guid VARCHAR(64) NOT NULL, title VARCHAR(1024)
  NOT NULL, author VARCHAR(1024) NOT NULL, url VARCHAR(1024) NOT NULL, feedurl VARCHAR(1024) NOT NULL, pubDate INTEGER
  NOT NULL, content VARCHAR(65535) NOT NULL, unread INTEGER(1) NOT NULL , enclosure_url VARCHAR(1024), enclosure_type
  VARCHAR(1024), enqueued INTEGER(1) NOT NULL DEFAULT 0);
INSERT INTO rss_feed VALUES ('https://old.example/rss', 'https://old.example/', 'Valley Courier');
INSERT INTO rss_feed VALUES ('exec:~/bin/tides.sh', '', 'Tide Script');
INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread)
  VALUES ('r1', 'Mill reopens by the river', 'Ben Ortiz', 'https://old.example/mill', 'https://old.example/rss',
          1500000000, '<p>The mill opened again.</p>', 0);
""")
    db.commit()
    db.close()
    folder = tmp_path / "store"
    assert run(folder, "import", str(cache)) == 0
    err = capsys.readouterr().err
    assert "failed" not in err.replace("0 failed", "")
    assert "left out: 'Tide Script': exec:" in err
    store = Store(folder)
    [story] = store.stories()
    assert story.headline == "Mill reopens by the river" and store.user.all()[story.id].read
    assert [s.url for s in Subscriptions(store).all()] == ["https://old.example/rss"]


@pytest.mark.parametrize("urls_first", [False, True])
def test_tags_of_newsboat_urls_reach_the_stories_moved_in_from_its_cache(tmp_path: Path, urls_first: bool) -> None:
    cache = newsboat_cache(tmp_path / "cache.db", "https://gazette.example/rss")
    urls = tmp_path / "urls"
    urls.write_text('https://gazette.example/rss news "local news"\n')
    folder = tmp_path / "store"
    steps = [("feeds", "import", str(urls)), ("import", str(cache))]
    for step in steps[::-1] if not urls_first else steps:
        assert run(folder, *step) == 0
    store = Store(folder)
    [sub] = Subscriptions(store).all()
    assert sub.tags == ["news", "local news"]
    # As fetch gives a feed's tags to the stories it stores, so to those that moved in.
    states = store.user.all()
    assert sorted(states[m.id].tags for m in store.stories()) == [("news", "local news")] * 3
    # Importing the list again does not put back a tag the user took off a story.
    one = next(iter(store.stories())).id
    assert run(folder, "untag", one, "news") == 0
    assert run(folder, "feeds", "import", str(urls)) == 0
    assert Store(folder).user.all()[one].tags == ("local news",)
    time.sleep(1.1)  # (stories are stamped to the second: "first stored since this import began")
    assert run(folder, "import", str(cache)) == 0  # nor does importing the cache again
    assert Store(folder).user.all()[one].tags == ("local news",)


@pytest.mark.parametrize("urls_first", [False, True])
def test_a_title_chosen_in_newsboat_urls_names_the_feed_and_its_moved_in_stories(
        tmp_path: Path, urls_first: bool, capsys: pytest.CaptureFixture[str]) -> None:
    cache = newsboat_cache(tmp_path / "cache.db", "https://gazette.example/rss")
    db = sqlite3.connect(cache)
    db.execute("UPDATE rss_item SET unread = 1 WHERE guid = 'item-1'")
    db.commit()
    db.close()
    urls = tmp_path / "urls"
    urls.write_text('https://gazette.example/rss "~My Gazette"\n')
    folder = tmp_path / "store"
    steps = [("feeds", "import", str(urls)), ("import", str(cache))]
    for step in steps if urls_first else steps[::-1]:
        assert run(folder, *step) == 0
    store = Store(folder)
    [sub] = Subscriptions(store).all()
    assert sub.title == "My Gazette"
    assert {m.source for m in store.stories()} == {"My Gazette"}
    capsys.readouterr()
    assert run(folder, "feeds", "list", "--json") == 0
    [row] = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["title"], row["stories"], row["unread"]) == ("My Gazette", 3, 2)
    assert run(folder, "search", 'feed:"My Gazette"') == 0
    assert "3 stories" in capsys.readouterr().err


def test_feeds_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "store"
    assert run(folder, "feeds", "add", "https://a.example/rss", "ftp://nope", "--tag", "Work") == 1
    opml = tmp_path / "list.opml"
    opml.write_bytes(OPML)
    assert run(folder, "feeds", "import", str(opml)) == 0
    capsys.readouterr()
    assert run(folder, "feeds", "list", "--json") == 0
    rows = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["url"] for r in rows][:2] == ["https://a.example/rss", "https://gazette.example/rss"]
    assert rows[0]["tags"] == ["work"] and rows[0]["health"] == "not fetched yet"
    out = tmp_path / "out.opml"
    assert run(folder, "feeds", "export", "-o", str(out)) == 0
    assert [f.url for f in read_opml(out.read_bytes()).feeds] == [r["url"] for r in rows]
    urls = tmp_path / "urls"
    assert run(folder, "feeds", "export", "--format", "urls", "-o", str(urls)) == 0
    back = read_urls(urls.read_text())
    assert [(f.url, f.tags) for f in back.feeds] == [(r["url"], r["tags"]) for r in rows]
    assert run(folder, "feeds", "remove", "Harbour Gazette", "https://a.example/rss") == 0
    assert len(Subscriptions(Store(folder)).all()) == len(rows) - 2
    left = len(Subscriptions(Store(folder)).all())
    assert run(folder, "feeds", "remove", "nothing-like-this") == 2
    first = Subscriptions(Store(folder)).all()[0]
    assert run(folder, "feeds", "remove", first.url, "nothing-like-this") == 2  # looked up first: none removed
    assert len(Subscriptions(Store(folder)).all()) == left


def test_fetch_command_summary_and_exit_code(tmp_path: Path, server: HTTPServer,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "store"
    server.expect_request("/good").respond_with_data(rss_feed(3), headers={"ETag": '"e"'})
    server.expect_request("/gone").respond_with_data("", status=410)
    run(folder, "feeds", "add", server.url_for("/good"), server.url_for("/gone"))
    capsys.readouterr()
    assert run(folder, "fetch") == 1
    err = capsys.readouterr().err
    assert "3 new" in err and "gone (410)" in err and "broadsheet feeds remove" in err
    assert run(folder, "feeds", "list") == 0
    listed = capsys.readouterr().out
    assert "gone (410)" in listed and "Harbour Gazette" in listed
    store = Store(folder)
    store.user.toggle_read(next(iter(store.stories())).id)
    assert run(folder, "feeds", "list", "--json") == 0
    rows = {r["url"]: r for r in map(orjson.loads, capsys.readouterr().out.splitlines())}
    assert (rows[server.url_for("/good")]["stories"], rows[server.url_for("/good")]["unread"]) == (3, 2)
    assert (rows[server.url_for("/gone")]["stories"], rows[server.url_for("/gone")]["unread"]) == (0, 0)
    assert run(folder, "fetch", "--quiet", "Harbour Gazette") == 0
    assert capsys.readouterr().err == ""


def test_an_item_whose_date_no_calendar_holds_loses_its_date_not_the_items_after_it(tmp_path: Path) -> None:
    cache = newsboat_cache(tmp_path / "cache.db", "https://g.example/rss")
    db = sqlite3.connect(cache)
    db.execute("UPDATE rss_item SET pubDate = 99999999999999 WHERE guid = 'item-1'")  # the year 3170843
    db.commit()
    db.close()
    folder = tmp_path / "store"
    assert run(folder, "import", str(cache)) == 0
    dates = {m.headline: m.published for m in Store(folder).stories()}
    assert len(dates) == 3 and not dates["Ferry timetable change number 1"]
    assert dates["Ferry timetable change number 2"].startswith("2026-03-03")


def test_a_feed_listed_twice_keeps_its_first_title_and_both_tags() -> None:
    listed = read_urls('https://a.example/f.xml news "~First"\nhttps://b.example/g.xml\n'
                       'https://a.example/f.xml tech "~Second"\n')
    assert [(f.url, f.title, f.tags) for f in listed.feeds] == [
        ("https://a.example/f.xml", "First", ["news", "tech"]), ("https://b.example/g.xml", "", [])]


def test_a_gzip_compressed_feed_list_imports(tmp_path: Path) -> None:
    import gzip

    folder = tmp_path / "store"
    opml = tmp_path / "list.opml.gz"
    opml.write_bytes(gzip.compress(OPML))
    assert run(folder, "feeds", "import", str(opml)) == 0
    assert {sub.title for sub in Subscriptions(Store(folder)).all()} == {"Harbour Gazette", "Valley Courier",
                                                                         "Dispatch"}


def test_one_feed_is_counted_as_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "1 feeds added", "wrote 1 feeds": a count of one is said in the singular.
    folder = tmp_path / "store"
    urls = tmp_path / "urls"
    urls.write_text("https://gazette.example/rss news\n")
    assert run(folder, "feeds", "import", str(urls)) == 0
    assert run(folder, "feeds", "export", "-o", str(tmp_path / "out.opml")) == 0
    said = capsys.readouterr().err
    assert "1 feed added, 0 already subscribed, 0 left out" in said and "wrote 1 feed to" in said


def test_a_newsboat_cache_with_two_feeds_of_one_title_keeps_their_counts_apart(tmp_path: Path) -> None:
    from broadsheet.cli.feeds import feed_counts

    cache = newsboat_cache(tmp_path / "cache.db", "https://a.example/rss")
    db = sqlite3.connect(cache)
    db.execute("INSERT INTO rss_feed (rssurl, url, title) VALUES ('https://b.example/rss', 'https://b.example/', "
               "'Harbour Gazette')")
    db.execute("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, flags, deleted) "
               "VALUES ('b-1', 'Lighthouse keeper retires', 'Ben Ortiz', 'https://b.example/1', "
               "'https://b.example/rss', 1772532000, '<p>The keeper retired after forty years.</p>', 1, NULL, 0)")
    db.commit()
    db.close()
    folder = tmp_path / "store"
    assert run(folder, "import", str(cache)) == 0
    store = Store(folder)
    a, b = Subscriptions(store).all()
    assert (a.title, b.title) == ("Harbour Gazette", "Harbour Gazette (b.example)")
    assert feed_counts(store, [a, b]) == {a.id: (3, 1), b.id: (1, 1)}


def test_a_story_two_cached_feeds_carry_stays_the_first_feeds_through_the_next_fetch(tmp_path: Path,
                                                                                       server: HTTPServer) -> None:
    """newsboat holds one copy of a story for each feed that carries it: the story went to the feed
    whose item the cache listed last, and kept that feed's tag. As a fetch does, it stays the
    story of the feed that brought it first, with that feed's tag, and the fetch leaves it there;
    the later copy's marks still count (flagged there: bookmarked)."""
    first, second = server.url_for("/alpha"), server.url_for("/beta")
    urls = tmp_path / "urls"
    urls.write_text(f"{first} alpha\n{second} beta\n")
    db = sqlite3.connect(tmp_path / "cache.db")
    db.executescript(NEWSBOAT_SCHEMA)
    for feed, title in ((first, "Alpha News"), (second, "Beta News")):
        db.execute("INSERT INTO rss_feed (rssurl, url, title) VALUES (?, ?, ?)", (feed, feed, title))
    for feed, flags in ((first, None), (second, "s")):
        db.execute("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, flags, deleted)"
                   " VALUES ('item-1', 'Ferry timetable change number 1', 'Ann Quill', "
                   "'https://gazette.example/story/1', ?, 1772532000, '<p>Ferries leave later.</p>', 1, ?, 0)",
                   (feed, flags))
    db.commit()
    db.close()
    folder = tmp_path / "store"
    assert run(folder, "feeds", "import", str(urls)) == 0
    assert run(folder, "import", str(tmp_path / "cache.db")) == 0

    def the_story() -> tuple[str | None, tuple[str, ...], bool]:
        store = Store(folder)
        [meta] = store.stories()
        state = store.user.all()[meta.id]
        return meta.source, state.tags, state.bookmarked

    assert the_story() == ("Alpha News", ("alpha",), True)
    for path, title in (("/alpha", "Alpha News"), ("/beta", "Beta News")):
        server.expect_request(path).respond_with_data(rss(rss_item(1), title))
    assert run(folder, "fetch", "--quiet") == 0
    assert the_story() == ("Alpha News", ("alpha",), True)


def test_a_title_chosen_in_a_urls_file_is_told_apart_from_another_feeds(store: Store) -> None:
    from broadsheet.store.feeds.subscriptions import Subscriptions

    subs = Subscriptions(store)
    subs.add(["https://a.example/rss"], titles={"https://a.example/rss": "Top Stories"})
    subs.add(["https://b.example/rss"])
    subs.add(["https://b.example/rss"], renames={"https://b.example/rss": "Top Stories"})
    assert sorted(s.title for s in Subscriptions(store).all()) == ["Top Stories", "Top Stories (b.example)"]


def test_a_newsboat_items_photos_say_why_they_have_no_file(tmp_path: Path) -> None:
    # They were kept with neither a photo nor a reason: the reader skipped them and numbered the rest anew.
    cache = newsboat_cache(tmp_path / "cache.db", "https://gazette.example/rss")
    db = sqlite3.connect(cache)
    db.execute("UPDATE rss_item SET content = ? WHERE guid = 'item-0'",
               ('<p>Text of the ferry story.</p><img src="https://gazette.example/a.jpg">'
                '<figure><img src="https://gazette.example/b.jpg"><figcaption>The new ferry at the quay.</figcaption>'
                "</figure><p>Second paragraph.</p>",))
    db.commit()
    db.close()
    folder = tmp_path / "store"
    assert run(folder, "import", str(cache)) == 0
    store = Store(folder)
    story = store.article(next(m.id for m in store.stories() if m.headline.endswith("number 0")))
    assert [i.src for i in story.images] == ["https://gazette.example/a.jpg", "https://gazette.example/b.jpg"]
    assert all(i.photo is None and i.problem and "newsboat" in i.problem for i in story.images)


def test_a_newsboat_feed_titled_as_a_feed_subscribed_before_keeps_its_own_count(tmp_path: Path) -> None:
    # Its items were stored under the cache's title, which the other feed has: all three were
    # counted under the other feed, and none under its own.
    from broadsheet.cli.feeds import feed_counts

    folder = tmp_path / "store"
    urls = tmp_path / "urls"
    urls.write_text('https://other.example/rss "~Harbour Gazette"\n')
    assert run(folder, "feeds", "import", str(urls)) == 0
    assert run(folder, "import", str(newsboat_cache(tmp_path / "cache.db", "https://gazette.example/rss"))) == 0
    store = Store(folder)
    other, gazette = Subscriptions(store).all()
    assert gazette.title == "Harbour Gazette (gazette.example)"
    assert feed_counts(store, [other, gazette]) == {other.id: (0, 0), gazette.id: (3, 1)}


def test_a_feeds_import_cut_short_is_finished_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The subscriptions were saved first; cut short then, the stories never got the feed's tag
    # or title, and importing the list again did nothing (nothing had changed in them).
    from broadsheet.store.feeds import feedstories

    folder = tmp_path / "store"
    assert run(folder, "import", str(newsboat_cache(tmp_path / "cache.db", "https://gazette.example/rss"))) == 0
    urls = tmp_path / "urls"
    urls.write_text('https://gazette.example/rss news "~My Gazette"\n')
    real = feedstories.retitle_stories

    def dies(*_args: object) -> int:
        raise KeyboardInterrupt  # the user's Ctrl-C, or a kill, while the stories change

    monkeypatch.setattr(feedstories, "retitle_stories", dies)
    assert run(folder, "feeds", "import", str(urls)) == 130
    assert {m.source for m in Store(folder).stories()} == {"Harbour Gazette"}
    monkeypatch.setattr(feedstories, "retitle_stories", real)
    assert run(folder, "feeds", "import", str(urls)) == 0
    store = Store(folder)
    assert {m.source for m in store.stories()} == {"My Gazette"}
    assert {store.user.get(m.id).tags for m in store.stories()} == {("news",)}
    assert not (folder / feedstories.FOLLOWING).exists()


def test_a_feed_file_titled_as_a_subscription_is_not_counted_or_found_as_its_stories(store: Store,
                                                                                     tmp_path: Path) -> None:
    import gzip

    from broadsheet.cli.feeds import feed_counts
    from broadsheet.store.ingest.importer import import_paths
    from broadsheet.store.ingest.reparse import reparse
    from broadsheet.store.search import SearchIndex, parse_query
    from tests.feeds import ATOM

    subs = Subscriptions(store)
    subs.add(["https://a.example/top.xml"], titles={"https://a.example/top.xml": "Top Stories"})
    saved = tmp_path / "saved.xml"  # names no address of its own
    saved.write_bytes(rss_feed(1, title="Top Stories"))
    packed = tmp_path / "atom.xml.gz"  # names https://courier.example/atom.xml, which is not subscribed
    packed.write_bytes(gzip.compress(ATOM.replace(b"Valley Courier", b"TOP stories")))
    import_paths(store, [saved, packed])
    [sub] = subs.all()
    assert feed_counts(store, [sub]) == {sub.id: (0, 0)}  # was (1, 1): the saved file's story was the feed's
    assert sorted(m.source or "" for m in store.stories()) == ["TOP stories (courier.example)",
                                                               "Top Stories (saved.xml)"]
    assert SearchIndex.open(store).run(parse_query('feed:"Top Stories"'), states={}).ids == []
    reparse(store, [m.id for m in store.stories()])  # read again: the title chosen stays
    assert sorted(m.source or "" for m in store.stories()) == ["TOP stories (courier.example)",
                                                               "Top Stories (saved.xml)"]


def test_a_saved_copy_of_a_subscribed_feed_leaves_the_feeds_stories_to_it(tmp_path: Path, server: HTTPServer) -> None:
    """Importing a copy of a subscribed feed's file took the stories it shares with the feed: they
    became "Top Stories (feed.xml)", the feed counted 1 of its 3 and its unread count went to -1."""
    from broadsheet.cli.feeds import feed_counts

    feed = rss_feed(3, title="Top Stories")
    server.expect_request("/top.xml").respond_with_data(feed, content_type="application/rss+xml")
    folder = tmp_path / "store"
    assert run(folder, "feeds", "add", server.url_for("/top.xml")) == 0
    assert run(folder, "fetch", "--quiet") == 0
    store = Store(folder)
    read = [m.id for m in store.stories()][:2]
    for sid in read:
        store.user.set_read(sid)
    copy = tmp_path / "feed.xml"
    copy.write_bytes(feed)
    assert run(folder, "import", str(copy)) == 0
    store = Store(folder)
    [sub] = Subscriptions(store).all()
    assert feed_counts(store, [sub]) == {sub.id: (3, 1)}
    assert {m.source for m in store.stories()} == {"Top Stories"}


def test_a_feed_file_naming_a_subscribed_feeds_address_as_its_own_is_that_feeds(store: Store,
                                                                                tmp_path: Path) -> None:
    from broadsheet.cli.feeds import feed_counts
    from broadsheet.store.feeds.parse import parse_feed
    from broadsheet.store.ingest.importer import import_paths
    from tests.feeds import ATOM

    subs = Subscriptions(store)  # titled by its subscriber, not as the feed titles itself
    subs.add(["https://courier.example/atom.xml"], titles={"https://courier.example/atom.xml": "Courier"})
    (tmp_path / "atom.xml").write_bytes(ATOM)
    import_paths(store, [tmp_path / "atom.xml"])
    [sub] = subs.all()
    [story] = store.stories()
    assert story.source == "Courier" and feed_counts(store, [sub]) == {sub.id: (1, 1)}
    fetched = parse_feed(ATOM, sub.url).entries[0].article  # what fetching the feed gives: the same story
    assert fetched is not None and fetched.story_id == story.id


def test_a_feed_is_known_at_its_first_address_unless_another_is_there_now() -> None:
    from broadsheet.store.feeds.subscriptions import by_address

    moved = Subscription(url="https://courier.example/moved.xml", key="https://courier.example/atom.xml")
    there = Subscription(url="HTTPS://Courier.example/atom.xml#top")
    for subs in ([moved], [moved, there], [there, moved]):
        owner = by_address(subs)
        assert owner["https://courier.example/moved.xml"] is moved
        assert owner["https://courier.example/atom.xml"] is (there if there in subs else moved)


def test_subscribing_and_importing_a_file_know_a_moved_feed_at_its_first_address(store: Store,
                                                                                 tmp_path: Path) -> None:
    from broadsheet.store.ingest.importer import import_paths
    from tests.feeds import ATOM

    subs = Subscriptions(store)
    [sub], _ = subs.add(["https://courier.example/atom.xml"], titles={"https://courier.example/atom.xml": "Courier"})
    sub.url = "https://courier.example/moved.xml"  # as a permanent redirect moves it
    learned(subs, [sub])
    (tmp_path / "atom.xml").write_bytes(ATOM)  # names https://courier.example/atom.xml as its own
    import_paths(store, [tmp_path / "atom.xml"])
    assert [m.source for m in store.stories()] == ["Courier"]
    assert subs.add(["HTTPS://Courier.example/atom.xml", "https://courier.example/moved.xml#top"]) == ([], [sub, sub])


def test_a_cache_imported_again_changes_nothing_under_a_title_chosen_in_newsboat(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Its items were stored under the cache's title, then given the subscription's, at every
    import: "3 updated" and "3 stories ... now carry their feed's title" each time, nothing changed."""
    cache = newsboat_cache(tmp_path / "cache.db", "https://gazette.example/rss")
    urls = tmp_path / "urls"
    urls.write_text('https://gazette.example/rss "~My Gazette"\n')
    folder = tmp_path / "store"
    assert run(folder, "feeds", "import", str(urls)) == 0
    assert run(folder, "import", str(cache)) == 0
    capsys.readouterr()
    assert run(folder, "import", str(cache)) == 0
    said = capsys.readouterr().err
    assert "0 imported, 3 already present, 0 failed" in said
    assert "title" not in said
    assert "0 feeds of the newsboat cache added as subscriptions, 1 subscribed already" in said
    assert {m.source for m in Store(folder).stories()} == {"My Gazette"}


def test_one_feed_of_a_cache_is_said_added_as_a_subscription(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """"1 feed of the newsboat cache added as subscriptions": the plural said of one."""
    cache = newsboat_cache(tmp_path / "cache.db", "https://gazette.example/rss")
    assert run(tmp_path / "store", "import", str(cache)) == 0
    said = capsys.readouterr().err
    assert "1 feed of the newsboat cache added as a subscription (see `broadsheet feeds list`)" in said, said


def test_feeds_add_refuses_an_empty_tag_as_tag_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`feeds add URL --tag ""` dropped the tag without a word and subscribed."""
    folder = tmp_path / "store"
    assert run(folder, "feeds", "add", "https://a.example/rss", "--tag", "  ") == 2
    assert "is not a usable tag" in capsys.readouterr().err
    assert not (folder / "feeds.json").exists()
    assert run(folder, "feeds", "add", "https://a.example/rss", "--tag", "news,Tech") == 0  # two, as `tag` has them
    assert [sub.tags for sub in Subscriptions(Store(folder)).all()] == [["news", "tech"]]


@pytest.mark.parametrize("text", ["", "# my feeds\n\n", "<opml version='2.0'><body></body></opml>"])
def test_feeds_import_of_a_list_that_names_no_feed_says_so(
        text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty file said "0 feeds added" and exited 0, as if all had gone well."""
    listed = tmp_path / "feeds.txt"
    listed.write_text(text)
    assert run(tmp_path / "store", "feeds", "import", str(listed)) == 1
    assert "names no feed" in capsys.readouterr().err


ITEM_ROW = ("'g' || n AS guid, 'Ferry timetable change number ' || n AS title, '' AS author, "
            "'https://gazette.example/story/' || n AS url, 'https://gazette.example/rss' AS feedurl, "
            "1772532000 AS pubDate, '<p>Boats leave later.</p>' AS content, 1 AS unread, NULL AS enclosure_url, "
            "NULL AS enclosure_type, NULL AS flags, 0 AS deleted")
#: rss_item as what makes its rows as it is read, not a stored table.
MADE_AS_READ = {
    "endless view": "CREATE VIEW rss_item AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) "
                    f"SELECT n AS id, {ITEM_ROW} FROM c;",
    "view of three": "CREATE VIEW rss_item AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
                     f"WHERE n < 3) SELECT n AS id, {ITEM_ROW} FROM c;",
    "virtual table": "CREATE VIRTUAL TABLE rss_item USING fts5(id, guid, title, author, url, feedurl, pubDate, "
                     "content, unread, enclosure_url, enclosure_type, flags, deleted);",
    "computed column": "CREATE TABLE rss_item (id INTEGER PRIMARY KEY, guid TEXT, title TEXT, author TEXT, url TEXT, "
                       "feedurl TEXT, pubDate INTEGER, unread INTEGER, enclosure_url TEXT, enclosure_type TEXT, "
                       "flags TEXT, deleted INTEGER, content TEXT GENERATED ALWAYS AS ('<p>' || title || '</p>'));",
}


def made_as_read_cache(path: Path, kind: str) -> Path:
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE rss_feed (rssurl TEXT, url TEXT, title TEXT);"
                     "INSERT INTO rss_feed VALUES ('https://gazette.example/rss', 'https://g.example/', 'Gazette');"
                     + MADE_AS_READ[kind])
    if "view" not in kind:
        db.executemany("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, unread, deleted"
                       + (", content" if kind == "virtual table" else "") + ") VALUES (?, ?, '', ?, ?, 1772532000, 1, 0"
                       + (", '<p>Boats leave later.</p>'" if kind == "virtual table" else "") + ")",
                       [(f"g{n}", f"Ferry timetable change number {n}", f"https://gazette.example/story/{n}",
                         "https://gazette.example/rss") for n in range(3)])
    db.commit()
    db.close()
    return path


@pytest.mark.parametrize("kind", list(MADE_AS_READ))
def test_a_cache_whose_items_are_made_as_they_are_read_is_refused_naming_the_file_and_why(
        kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An rss_item made an endless view (WITH RECURSIVE) ran `import` and `feeds import` forever,
    filling /var/tmp with SQLite's sort of its rows."""
    cache = made_as_read_cache(tmp_path / "cache.db", kind)
    folder = tmp_path / "store"
    started = time.monotonic()
    assert run(folder, "import", str(cache)) == 1
    err = capsys.readouterr().err
    why = ("is a view, not a table" if "view" in kind else "is a virtual table, not a table" if "virtual" in kind
           else "has columns computed as they are read")
    assert f"failed: {cache}: not a newsboat cache: its rss_item {why}" in err
    assert "added as subscriptions" not in err
    assert run(folder, "feeds", "import", str(cache)) == 2
    assert f"{cache}: not a newsboat cache: its rss_item {why}" in capsys.readouterr().err
    assert time.monotonic() - started < 30
    store = Store(folder)
    assert not store.stories() and not Subscriptions(store).all()


#: A name made of terminal escapes: the window's title, a red background, the clipboard, a link.
ESCAPES = "\x1b]0;Retitled\x1b\\\x1b[41mRed\x1b[0m\x1b]52;c;c2VjcmV0\x07\x1b]8;;http://elsewhere.example/\x1b\\Link"


def test_a_cache_whose_schema_names_an_entry_in_escapes_is_refused_in_plain_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SQLite's "malformed database schema (NAME)" quotes the file's own text: ``feeds import``
    printed it raw, and the name retitled the window and wrote the clipboard."""
    cache = newsboat_cache(tmp_path / "cache.db", "https://g.example/rss")
    db = sqlite3.connect(cache)
    db.execute("PRAGMA writable_schema = ON")
    db.execute("INSERT INTO sqlite_master VALUES ('table', ?, ?, 0, 'CREATE TABLE broken(')", (ESCAPES, ESCAPES))
    db.commit()
    db.close()
    assert run(tmp_path / "store", "feeds", "import", str(cache)) == 2
    err = capsys.readouterr().err
    assert "malformed database schema (RedLink)" in err and "\x1b" not in err and "\x07" not in err, repr(err)
    run(tmp_path / "store", "import", str(cache))
    err = capsys.readouterr().err
    assert "malformed database schema (RedLink)" in err and "\x1b" not in err, repr(err)


@pytest.mark.parametrize("where", ["read_feed_list", "cached_feeds", "gunzipped"])
def test_feeds_import_shows_an_errors_control_characters_escaped(
        where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever a reader of the file says, its words are printed as text, never as the terminal's commands."""
    from broadsheet.store.feeds import newsboat, opml, parse

    def refuse(*args: Any, **kwargs: Any) -> Any:
        error = {"read_feed_list": opml.FeedListError, "gunzipped": parse.FeedError}.get(where, ValueError)
        raise error(f"cannot read {ESCAPES}")

    if where == "cached_feeds":  # (a CacheError's words are cleaned as it is made: one that was not)
        monkeypatch.setattr(newsboat.CacheError, "__init__", ValueError.__init__)
        monkeypatch.setattr(newsboat, "cached_feeds", lambda path: (_ for _ in ()).throw(newsboat.CacheError(
            f"cannot read {ESCAPES}")))
        path = newsboat_cache(tmp_path / "cache.db", "https://g.example/rss")
    else:
        monkeypatch.setattr(opml if where == "read_feed_list" else parse, where, refuse)
        path = tmp_path / "feeds.opml"
        path.write_bytes(OPML)
    assert run(tmp_path / "store", "feeds", "import", str(path)) == 2
    err = capsys.readouterr().err
    assert "cannot read \\x1b]0;Retitled" in err and "\x1b" not in err and "\x07" not in err, repr(err)


def with_items(cache: Path, count: int) -> Path:
    """``cache`` with ``count`` more items, as small as an item can be."""
    db = sqlite3.connect(cache)
    db.executemany("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread) "
                   "VALUES (?, 't', '', '', 'https://g.example/rss', 1, '', 1)", [(f"x{n}",) for n in range(count)])
    db.commit()
    db.close()
    return cache


def test_reading_a_cache_stops_past_its_budget_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """What the tables checked leave out (a schema SQLite may yet make costly) is still bounded:
    reading stops past a number of steps in proportion to the file's size (the items read by
    then are kept, as a feed file's are when it breaks off)."""
    from broadsheet.store.feeds import newsboat

    cache = with_items(newsboat_cache(tmp_path / "cache.db", "https://g.example/rss"), 1000)
    monkeypatch.setattr(newsboat, "STEPS_AT_LEAST", 0)
    monkeypatch.setattr(newsboat, "STEPS_PER_BYTE", 0)
    run(tmp_path / "store", "import", str(cache))
    assert f"failed: {cache}: not a newsboat cache: reading it took over 0 steps" in capsys.readouterr().err


def test_a_real_cache_is_read_well_within_its_budget(tmp_path: Path) -> None:
    """A thousand items of newsboat's schema cost a small part of the budget for their file."""
    from broadsheet.store.feeds import newsboat

    cache = with_items(newsboat_cache(tmp_path / "cache.db", "https://g.example/rss"), 1000)
    db, budget = newsboat._connect(cache)
    with db:
        db.execute("SELECT * FROM rss_item ORDER BY id").fetchall()
    db.close()
    assert budget.steps * 10 < budget.limit


@pytest.mark.parametrize("name", ["d[/]x.opml", "[bold]g.opml"])
def test_feeds_export_names_an_odd_file_name_as_it_is(tmp_path: Path, name: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The command line reads no markup in what it prints: ``-o 'd[/]x.opml'`` wrote the file, then
    failed with a markup error, and ``[bold]g.opml`` was said to be written as ``g.opml``."""
    folder = tmp_path / "store"
    assert run(folder, "feeds", "add", "https://a.example/f") == 0
    capsys.readouterr()
    out = tmp_path / name
    out.parent.mkdir(exist_ok=True)  # "d[" holds "]x.opml"
    assert run(folder, "feeds", "export", "-o", str(out)) == 0
    assert out.is_file() and f"to {out}" in capsys.readouterr().err


def test_an_entry_with_a_guid_over_the_limit_is_one_story_imported_from_a_file_then_fetched(
        tmp_path: Path, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """A guid of 5,000 characters makes a key past the export's limit, replaced by its digest when
    stored; the import took the story's id from the long key and the fetch from the digest, so the
    entry saved as a file and then fetched from its feed was stored twice ("1 new")."""
    url = server.url_for("/rss")
    feed = rss("<item><title>Lighthouse keepers return to the north point</title><guid isPermaLink=\"false\">"
               + "keeper-" * 715 + "</guid><description>The keepers returned to the lighthouse on the north "
               "point on Monday after twenty years.</description></item>",
               extra=f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="{url}"/>')
    server.expect_request("/rss").respond_with_data(feed, content_type="application/rss+xml")
    folder = tmp_path / "store"
    (tmp_path / "saved.xml").write_bytes(feed)
    assert run(folder, "import", str(tmp_path / "saved.xml")) == 0
    assert run(folder, "feeds", "add", url) == 0
    capsys.readouterr()
    assert run(folder, "fetch") == 0
    assert "0 new" in capsys.readouterr().err
    assert len(Store(folder)) == 1

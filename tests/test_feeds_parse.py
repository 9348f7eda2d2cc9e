"""Feeds into stories: every format, identity, photos, and hostile or broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.feeds.parse import FeedError, looks_like_feed, parse_feed
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.model import Media
from broadsheet.store.storage.db import Store
from tests.feeds import ATOM, ATOM03, JSON_FEED, JSON_FEED_10, RSS091, RSS1, rss, rss_feed, rss_item


def articles(data: bytes, url: str | None = "https://feeds.example/f"):
    return [e.article for e in parse_feed(data, url).entries if e.article is not None]


def test_rss2_entries_become_stories_with_identity_within_the_feed() -> None:
    feed = parse_feed(rss_feed(3), "https://gazette.example/rss")
    assert feed.title == "Harbour Gazette"
    first = feed.entries[0].article
    assert first is not None
    assert first.headline == "Ferry timetable change number 0"
    assert first.body == ["The ferry to the outer islands will leave later from week 0. Passengers were told."]
    assert first.url == "https://gazette.example/story/0"
    assert first.key == "https://gazette.example/rss#item-0"
    assert first.authors == ["Ann Quill"]
    assert first.source == "Harbour Gazette"
    assert first.published is not None and first.published.startswith("2026-03-03T10:00")
    assert len({e.article.story_id for e in feed.entries if e.article}) == 3


@pytest.mark.parametrize(("author", "name"), [("ann@gazette.example (Ann Quill)", "Ann Quill"),
                                            ("Ann Quill <ann@gazette.example>", "Ann Quill"),
                                            ("ann@gazette.example", "ann@gazette.example"),
                                            ("Ann Quill (Reuters)", "Ann Quill (Reuters)"),
                                            ("noreply@blogger.com (Unknown)", None)])
def test_an_rss_author_given_with_an_address_is_the_name(author: str, name: str | None) -> None:
    """RSS 2.0's <author> is "address (Name)": the byline showed the address."""
    item = rss_item(1).replace("<dc:creator>Ann Quill</dc:creator>", f"<author>{author}</author>")
    [entry] = parse_feed(rss(item), "https://gazette.example/rss").entries
    assert entry.article is not None and entry.article.authors == ([name] if name else [])


@pytest.mark.parametrize(("data", "headline", "body_start"), [
    (ATOM, "Bridge reopens after repairs", "The old bridge opened again on Tuesday."),
    (ATOM03, "Mill closes", "The last mill in the valley"),
    (RSS1, "Council meets", "The council met on Monday."),
    (RSS091, "Harvest in", "Farmers brought in the harvest early."),
    (JSON_FEED, "Storm warning lifted", "The storm warning was lifted at noon."),
    (JSON_FEED_10, "Tide tables", "High tide at six."),
])
def test_every_format_reads(data: bytes, headline: str, body_start: str) -> None:
    assert looks_like_feed(data)
    first = articles(data)[0]
    assert first.headline == headline
    assert first.body[0].startswith(body_start)


def test_atom_text_content_keeps_paragraphs_and_author() -> None:
    [story] = articles(ATOM, None)
    assert story.body == ["The old bridge opened again on Tuesday.", "Drivers queued from dawn."]
    assert story.authors == ["Ben Ortiz"]
    assert story.key == "https://courier.example/atom.xml#urn:courier:bridge"  # the feed's own self link


def test_json_feed_types_are_checked_and_bad_items_reported() -> None:
    feed = parse_feed(JSON_FEED, "https://dispatch.example/feed.json")
    first, second, third, fourth = feed.entries
    assert first.article is not None and first.article.authors == ["Cora Lind"]
    assert first.article.images[0].src == "https://dispatch.example/storm.jpg"
    assert second.article is not None and second.article.headline.startswith("A second item")  # no title
    assert second.article.key == "https://dispatch.example/feed.json#2"
    assert third.article is None and "not a JSON object" in third.reason
    assert fourth.article is None  # nothing usable of the right type


def test_media_rss_and_enclosures_give_photos_with_captions_and_credits() -> None:
    item = ("<item><title>Lanes</title><link>https://g.example/a</link><guid>a</guid>"
            "<description>Text of the story.</description>"
            '<media:content url="https://g.example/p.jpg" medium="image">'
            "<media:description>Cyclists on the new lane.</media:description>"
            "<media:credit>Photo: Bo Lund</media:credit></media:content>"
            '<enclosure url="https://g.example/e.jpg" type="image/jpeg" length="10"/>'
            '<enclosure url="https://g.example/a.mp3" type="audio/mpeg" length="10"/></item>')
    [story] = articles(rss(item))
    assert [(i.caption, i.credit, i.src) for i in story.images] == [
        ("Cyclists on the new lane.", "Bo Lund", "https://g.example/p.jpg"),
        ("", None, "https://g.example/e.jpg"),
    ]
    assert story.media == [Media("https://g.example/a.mp3", "audio/mpeg", 10)]  # the sound is no photo


def test_an_atom_entrys_enclosure_links_give_its_photo_and_its_sound() -> None:
    """``<link rel="enclosure">`` is how Atom attaches a file: fastfeedparser leaves it among the
    links, and an Atom entry's photo (or podcast episode) was dropped."""
    atom = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            b"<title>Valley Ledger</title><id>urn:vl</id><updated>2026-03-02T10:00:00Z</updated>"
            b"<entry><title>Market hall roof repaired</title><id>urn:vl:1</id><updated>2026-03-02T10:00:00Z</updated>"
            b'<link rel="alternate" href="https://ledger.example/market"/>'
            b'<link rel="enclosure" type="image/jpeg" length="1000" href="https://ledger.example/market.jpg"/>'
            b'<link rel="enclosure" type="audio/mpeg" length="2048" href="https://ledger.example/market.mp3"/>'
            b"<summary>The roof of the market hall was mended over the winter.</summary></entry></feed>")
    [story] = articles(atom)
    assert [i.src for i in story.images] == ["https://ledger.example/market.jpg"]
    assert story.media == [Media("https://ledger.example/market.mp3", "audio/mpeg", None)]  # (no length given)


def test_a_podcasts_sound_and_video_are_the_storys_media() -> None:
    item = ("<item><title>Episode 12</title><guid>ep12</guid><description>Show notes.</description>"
            '<enclosure url="/audio/ep12.mp3" type="audio/mpeg" length="4194304"/>'
            '<enclosure url="javascript:alert(1)" type="audio/mpeg" length="1"/>'
            '<enclosure url="https://pod.example/audio/ep12.mp3" type="audio/mpeg" length="4194304"/>'
            '<media:content url="https://pod.example/ep12.mp4" type="video/mp4"/>'
            '<media:content url="https://pod.example/cover.jpg"/></item>')
    [story] = articles(rss(item), "https://pod.example/feed.xml")
    # Resolved against the feed, each once; a script's address is no file to open.
    assert story.media == [Media("https://pod.example/audio/ep12.mp3", "audio/mpeg", 4194304),
                           Media("https://pod.example/ep12.mp4", "video/mp4", None)]
    assert [i.src for i in story.images] == ["https://pod.example/cover.jpg"]
    assert [m.describe() for m in story.media] == ["Audio, MP3, 4.0 MB", "Video, MP4"]
    assert story.url is None  # no page: the reader's y and w take the sound (StoryMeta.link)


def test_json_feed_attachments_that_are_no_photos_are_media() -> None:
    feed = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "Pod", "items": [{"id": "1", '
            b'"title": "Ep", "content_text": "Notes.", "attachments": ['
            b'{"url": "https://pod.example/1.m4a", "mime_type": "audio/x-m4a", "size_in_bytes": 123},'
            b'{"url": "https://pod.example/1.jpg", "mime_type": "image/jpeg"},'
            b'{"url": "https://pod.example/2.m4a", "mime_type": "audio/x-m4a", "size_in_bytes": "a lot"}]}]}')
    [story] = articles(feed)
    assert story.media == [Media("https://pod.example/1.m4a", "audio/x-m4a", 123),
                           Media("https://pod.example/2.m4a", "audio/x-m4a", None)]
    assert [i.src for i in story.images] == ["https://pod.example/1.jpg"]


def test_entries_without_dates_or_titles_and_html_in_titles() -> None:
    items = ("<item><description>Only text, no title, date or link in this entry.</description></item>"
             "<item><title>Council &lt;b&gt;approves&lt;/b&gt; lanes &amp;amp; paths</title><guid>t</guid>"
             "<description>x</description></item>"
             "<item><title><![CDATA[Mayor <i>resigns</i>]]></title><guid>c</guid><description>y</description></item>"
             "<item><guid>empty</guid></item>")
    entries = parse_feed(rss(items), "https://f.example/").entries
    assert entries[0].article is not None and entries[0].article.published is None
    assert entries[0].article.headline == "Only text, no title, date or link in this entry."
    assert entries[1].article is not None and entries[1].article.headline == "Council approves lanes & paths"
    assert entries[2].article is not None and entries[2].article.headline == "Mayor resigns"
    assert entries[3].article is None and "no title, text or link" in entries[3].reason


def test_an_entry_of_code_alone_is_headed_by_its_lines_on_one_line() -> None:
    item = "<item><guid>c</guid><description><![CDATA[<pre>make clean\n  make all</pre>]]></description></item>"
    (entry,) = parse_feed(rss(item), "https://f.example/").entries
    assert entry.article is not None and entry.article.body == ["make clean\n  make all"]
    assert entry.article.headline == "make clean make all"


def test_entity_bombs_and_external_entities_are_never_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    laughs = "".join(f"<!ENTITY l{n} \"{f'&l{n - 1};' * 10 if n else 'lol'}\">" for n in range(10))
    data = (f'<?xml version="1.0"?><!DOCTYPE rss [{laughs}<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
            '<!ENTITY net SYSTEM "http://127.0.0.1:9/evil">]>'
            "<rss version=\"2.0\"><channel><title>Bomb &l9;</title>"
            "<item><title>Entry &l9; &xxe; &net;</title><guid>b</guid><description>Body &l9; &xxe;</description>"
            "</item></channel></rss>").encode()
    feed = parse_feed(data, "https://bomb.example/")
    text = repr(feed)
    assert "TOP-SECRET" not in text
    assert "lollol" not in text
    assert len(text) < 5000


def test_hostile_markup_and_escape_sequences_in_every_field() -> None:
    evil = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m\u202e [bold]markup[/bold] \x00\x9b2J"
    item = (f"<item><title>{evil} title</title><link>https://g.example/x{evil}</link><guid>{evil}</guid>"
            f"<dc:creator>{evil}</dc:creator><description>&lt;script&gt;alert(1)&lt;/script&gt;{evil} body"
            f"</description><media:content url=\"https://g.example/p.jpg\" medium=\"image\">"
            f"<media:description>{evil}</media:description><media:credit>{evil}</media:credit>"
            "</media:content></item>")
    data = rss(item, title=f"{evil} feed").replace(b"\x00", b"")
    feed = parse_feed(data, "https://g.example/feed")
    [entry] = feed.entries
    story = entry.article
    assert story is not None
    for value in [feed.title, story.headline, *story.body, story.url or "", story.key or "", *story.authors,
                  story.source or "", *(i.caption for i in story.images), *(i.credit or "" for i in story.images)]:
        assert "\x1b" not in value and "\x07" not in value and "\x9b" not in value and "\u202e" not in value
    assert "alert(1)" not in " ".join(story.body) or "<script>" not in " ".join(story.body)
    assert "[bold]markup[/bold]" in story.headline  # kept as text: the reader shows it as plain text


def test_malformed_xml_falls_back_or_fails_with_a_reason() -> None:
    broken = rss(rss_item(1) + "<item><title>Unclosed <guid>x</item>").replace(b"</channel></rss>", b"")
    stories = articles(broken)
    assert stories and stories[0].headline == "Ferry timetable change number 1"
    with pytest.raises(FeedError) as caught:
        parse_feed(b"<html><body><p>A web page, not a feed</p></body></html>", "https://x.example/")
    assert str(caught.value).startswith("a web page, not a feed")
    assert parse_feed(b"<rss><channel><title>\x00\x01 cut short", "https://x.example/").entries == []
    with pytest.raises(FeedError):
        parse_feed(b"{\"items\": 3}", "https://x.example/")
    with pytest.raises(FeedError):
        parse_feed(b"  ", "https://x.example/")


def test_credit_lines_closing_an_entry_are_its_credits_as_on_its_saved_page() -> None:
    """"Additional reporting by Sam Patel" stayed a paragraph of a feed's story (by: did not find
    it), where the same line on a saved page is a credit."""
    text = ("&lt;p&gt;The flood barrier was tested on Monday.&lt;/p&gt;&lt;p&gt;It held, engineers said.&lt;/p&gt;"
            "&lt;p&gt;Additional reporting by Sam Patel&lt;/p&gt;")
    [entry] = parse_feed(rss(rss_item(1, text=text)), "https://x.example/f").entries
    assert entry.article is not None and entry.article.credits is not None
    assert entry.article.body == ["The flood barrier was tested on Monday.", "It held, engineers said."]
    assert "Sam Patel" in entry.article.credits.people()


def test_an_entry_cut_to_its_title_where_a_feed_breaks_off_is_not_a_story() -> None:
    """Stored, it stayed for good beside the whole entry of the next fetch, an empty copy."""
    whole = rss(rss_item(1) + rss_item(2))
    second = whole.index(b"<item>", whole.index(b"<item>") + 1)
    cut = whole[:whole.index(b"</title>", second) + len(b"</title><")]  # the file breaks off there
    feed = parse_feed(cut, "https://x.example/f")
    assert feed.malformed and [e.article.headline for e in feed.entries if e.article] == [
        "Ferry timetable change number 1"]
    assert [e.reason for e in feed.entries if e.article is None] == [
        "cut short where the feed's XML is damaged (a title alone)"]
    alone = rss("<item><title>Quay bell rings</title></item>")  # whole: a title alone is kept
    assert [e.article.headline for e in parse_feed(alone, "https://x.example/f").entries if e.article] == [
        "Quay bell rings"]


@pytest.mark.parametrize("stray", [b"\x01", b"\x1b[1;31m\x1b[0m", b"&#1;", b"&#27;[31m&#x1b;[0m", b"\x1b]0;pwned\x07"])
def test_a_stray_control_byte_in_one_entry_spoils_no_entry(store: Store, tmp_path: Path, stray: bytes) -> None:
    # lxml refuses a byte XML forbids: the feedparser fallback read the escaped HTML as "pSecond para./p".
    items = (rss_item(1, text="&lt;p&gt;Quay works begin. STRAY&lt;/p&gt;&lt;p&gt;Boats will moor outside.&lt;/p&gt;")
             + rss_item(2, text="&lt;p&gt;The &lt;b&gt;market&lt;/b&gt; moves indoors.&lt;/p&gt;"))
    data = rss(items).replace(b"STRAY", stray)
    first, second = articles(data)
    assert first.body == ["Quay works begin.", "Boats will moor outside."]
    assert second.body == ["The market moves indoors."]
    path = tmp_path / "stray.xml"
    path.write_bytes(data)
    assert import_paths(store, [path]).count("imported") == 2
    assert sorted(store.body(meta)[0] for meta in store.stories()) == ["Quay works begin.", "The market moves indoors."]


def test_a_stray_control_byte_in_a_json_feed_spoils_no_entry() -> None:
    # orjson refuses a raw control character in a string: the whole feed was "not a readable JSON Feed".
    data = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "Valley Courier", "items": ['
            b'{"id": "1", "title": "Bridge\x01 reopens \x1b[31mtoday", "content_text": "Drivers queued.\x1b]0;x\x07"},'
            b'{"id": "2", "title": "Mill closes", "content_text": "The last mill closed."}]}')
    first, second = articles(data)
    assert (first.headline, first.body) == ("Bridge reopens today", ["Drivers queued."])
    assert (second.headline, second.body) == ("Mill closes", ["The last mill closed."])
    with pytest.raises(FeedError, match="not a readable JSON Feed"):
        parse_feed(b'{"items": [' * 5000, "https://x.example/")


@pytest.mark.parametrize("sequence", ["&#x1b;]0;pwned&#x07;", "&#27;]2;pwned&#7;", "&#x1B;]0;pwned&#x1b;\\",
                                      "\x1b]0;pwned\x07"])
def test_an_escape_sequence_in_a_caption_is_stripped_and_the_text_after_it_kept(sequence: str) -> None:
    # Written as references, the title sequence ran on to the caption's end: "Before" alone was left.
    item = ("<item><title>Bridge opens</title><link>https://gazette.example/bridge</link>"
            "<description>The bridge opened.</description>"
            '<media:content url="https://gazette.example/b.jpg" medium="image">'
            f"<media:description>Before {sequence} after the title sequence</media:description></media:content></item>")
    [story] = articles(rss(item))
    assert [image.caption for image in story.images] == ["Before after the title sequence"]


def test_wrong_charset_is_read_as_declared_or_recovered() -> None:
    latin = rss(rss_item(1, title="Caf\u00e9 opens")).replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    latin = latin.replace("Caf\u00e9".encode(), "Caf\u00e9".encode("latin-1"))
    assert articles(latin)[0].headline == "Caf\u00e9 opens"
    lying = rss(rss_item(1, title="Caf\u00e9 opens")).replace(b'encoding="UTF-8"', b'encoding="US-ASCII"')
    assert "Caf" in articles(lying)[0].headline


def test_duplicate_guids_are_one_story_the_last_wins(store: Store, tmp_path: Path) -> None:
    items = rss_item(1, guid="same", title="First version") + rss_item(2, guid="same", title="Second version")
    path = tmp_path / "dupes.xml"
    path.write_bytes(rss(items, extra='<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" '
                                      'href="https://gazette.example/rss"/>'))
    import_paths(store, [path])
    assert [m.headline for m in store.stories()] == ["Second version"]


def test_a_feed_file_imports_one_story_per_entry_and_again_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(rss_feed(5))
    report = import_paths(store, [path])
    assert report.count("imported") == 5 and not report.failed
    again = import_paths(store, [path])
    assert again.count("present") == 5 and len(store) == 5
    path.write_bytes(rss_feed(5).replace(b"number 2</title>", b"number 2 (corrected)</title>"))
    third = import_paths(store, [path])
    assert third.count("updated") == 1 and len(store) == 5


def test_a_gzip_compressed_feed_file_imports_and_a_gzip_bomb_is_refused(store: Store, tmp_path: Path) -> None:
    import gzip

    for name in ("feed.xml.gz", "feed.xml"):  # known by its bytes, not its name
        (tmp_path / name).write_bytes(gzip.compress(rss_feed(4)))
        report = import_paths(store, [tmp_path / name])
        assert not report.failed and report.count("imported") + report.count("present") == 4
    assert len(store) == 4
    bomb = tmp_path / "bomb.xml.gz"
    bomb.write_bytes(gzip.compress(rss_feed(1) + b" " * (200 * 1024 * 1024), compresslevel=9))
    [failed] = import_paths(store, [bomb]).failed
    assert "unpacks to more than 128 MB" in failed.reason and len(store) == 4
    (tmp_path / "cut.xml.gz").write_bytes(gzip.compress(rss_feed(3))[:200])
    [cut] = import_paths(store, [tmp_path / "cut.xml.gz"]).failed
    assert "cut short" in cut.reason


def test_an_updated_entry_keeps_tags_bookmark_and_read_mark(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(rss_feed(2))
    import_paths(store, [path])
    sid = next(m.id for m in store.stories() if m.headline.endswith("number 1"))
    store.user.edit_tags([sid], add=["harbour"])
    store.user.set_bookmarked(sid, True)
    store.user.set_read(sid, True)
    path.write_bytes(rss_feed(2).replace(b"Passengers were told.", b"Passengers were told late."))
    import_paths(store, [path])
    state = store.user.get(sid)
    assert state.tags == ("harbour",) and state.bookmarked and state.read
    assert "late" in " ".join(store.article(sid).body)


def test_a_feed_entry_and_its_saved_page_are_one_story(store: Store, tmp_path: Path) -> None:
    from broadsheet.store.model import Article

    path = tmp_path / "feed.xml"
    path.write_bytes(rss_feed(1))
    import_paths(store, [path])
    page = Article(headline="Ferry timetable change number 0", body=["The full story, longer."],
                   url="https://gazette.example/story/0")
    store.add([(page, "page.html")])
    assert len(store) == 1


@pytest.mark.parametrize("description", [
    "",  # only content:encoded: the parser fills the summary from it, the paragraphs run into one
    "<description>Tide at nine. The ferry leaves at ten and returns at noon, the harbour master said on Monday "
    "in a note to the […]</description>",  # the feed's own summary, cut short
])
def test_a_summary_that_is_the_content_opening_is_no_standfirst(description: str) -> None:
    """With a first paragraph shorter than 80 characters the whole story was shown twice: as the
    standfirst under the headline, then as its paragraphs."""
    item = ("<item><title>Ferry times</title><link>https://gazette.example/tide</link>" + description +
            "<content:encoded><![CDATA[<p>Tide at nine.</p><p>The ferry leaves at ten and returns at noon, the "
            "harbour master said on Monday in a note to the islanders.</p>]]></content:encoded></item>")
    [story] = articles(rss(item))
    assert story.body[0] == "Tide at nine." and story.standfirst is None


@pytest.mark.parametrize(("script", "description"), [
    ('<script>var tide = 9; window.layer.push({a: 1});</script>', ""),  # between paragraphs (an embed)
    ('<script async src="https://embeds.example/w.js"></script><script>alert(1)</script>', ""),
    ("<script>alert(1)</script>",  # the feed's own summary made so, cut inside a word
     "<description>The harbour master posted the tides below. alert(1) The ferry lea…</description>"),
])
def test_content_with_a_script_gives_no_standfirst_holding_its_code(script: str, description: str) -> None:
    """An entry with only content:encoded whose content held a script got a standfirst of all
    its text, the script's code included ("Embedded tweet below. var x = 1; …")."""
    item = ("<item><title>Ferry times</title><link>https://gazette.example/tide</link>" + description +
            "<content:encoded><![CDATA[<p>The harbour master posted the tides below.</p>" + script +
            "<p>The ferry leaves at ten and returns at noon.</p>]]></content:encoded></item>")
    [story] = articles(rss(item))
    assert story.standfirst is None
    assert story.body == ["The harbour master posted the tides below.", "The ferry leaves at ten and returns at noon."]


def test_a_summary_of_its_own_stays_the_standfirst() -> None:
    item = ("<item><title>Ferry times</title><link>https://gazette.example/tide</link>"
            "<description>Islanders get a later boat.</description>"
            "<content:encoded><![CDATA[<p>Tide at nine.</p><p>The ferry leaves at ten.</p>]]></content:encoded></item>")
    [story] = articles(rss(item))
    assert story.standfirst == "Islanders get a later boat."


def test_a_photo_credit_keeps_brackets_that_pair_inside_it() -> None:
    """``[i]Credit[/i] / Agency`` lost its first bracket: brackets were stripped one by one."""
    item = ("<item><title>Ferry times</title><link>https://gazette.example/tide</link>"
            "<description>The ferry leaves at ten.</description>"
            '<media:content url="https://gazette.example/p.jpg" medium="image">'
            "<media:credit>[i]Ann Lee[/i] / Wire</media:credit></media:content>"
            '<media:content url="https://gazette.example/q.jpg" medium="image">'
            "<media:credit>(Photo: Ben Wick/Wire)</media:credit></media:content></item>")
    [story] = articles(rss(item))
    assert [image.credit for image in story.images] == ["[i]Ann Lee[/i] / Wire", "Ben Wick/Wire"]


def test_every_credit_of_a_media_rss_photo_is_kept() -> None:
    """fastfeedparser keeps a photo's first ``<media:credit>``: the second photographer was lost
    from the panel, the export and search."""
    item = ("<item><title>Keeper retires</title><link>https://gazette.example/keeper</link>"
            "<description>The keeper of the light retired.</description>"
            '<media:content url="https://gazette.example/t.jpg" medium="image"/>'
            '<media:content url="https://gazette.example/p.jpg?a=1&amp;b=2" medium="image">'
            "<media:description>The keeper climbs the stairs.</media:description>"
            '<media:credit role="photographer">Photo: Erik Sand</media:credit>'
            '<media:credit role="photographer">Mia Holm</media:credit></media:content>'
            '<media:content url="https://gazette.example/q.jpg" medium="image">'
            "<media:credit>Bo Lund/Wire</media:credit></media:content></item>")
    [story] = articles(rss(item))
    assert [(image.src, image.credit) for image in story.images] == [
        ("https://gazette.example/t.jpg", None),
        ("https://gazette.example/p.jpg?a=1&b=2", "Erik Sand, Mia Holm"),
        ("https://gazette.example/q.jpg", "Bo Lund/Wire")]


def test_a_web_page_given_as_a_feed_names_the_feed_it_links_to() -> None:
    """A site's home page subscribed to failed with "Content appears to be HTML", though the page
    names its feed in a <link rel="alternate">."""
    page = (b'<!DOCTYPE html>\n<html><head><title>Harbour Gazette</title>'
            b'<link rel="stylesheet" href="/s.css"><link rel="alternate" type="application/rss+xml" '
            b'title="Gazette news" href="/news/rss.xml"></head><body><h1>Gazette</h1></body></html>')
    with pytest.raises(FeedError) as caught:
        parse_feed(page, "https://gazette.example/home", "https://gazette.example/home")
    assert str(caught.value) == ("a web page, not a feed; it names its feed, https://gazette.example/news/rss.xml: "
                                 "subscribe to that with `broadsheet feeds add https://gazette.example/news/rss.xml`")
    with pytest.raises(FeedError, match=r"^a web page, not a feed \(it names no feed of its own\)$"):
        parse_feed(b"<html><body><p>Ferries</p></body></html>", "https://gazette.example/")


def test_a_feed_whose_first_entry_holds_a_whole_html_page_is_still_a_feed() -> None:
    item = ("<item><title>Ferry</title><description><![CDATA[<html><body><p>Tide.</p></body></html>]]>"
            "</description></item>")
    assert [entry.article.headline for entry in parse_feed(rss(item)).entries if entry.article] == ["Ferry"]


def test_a_feed_read_leniently_past_broken_xml_says_so_once(tmp_path: Path) -> None:
    """A feed with a bare "&" and an entry cut off imported in silence, the "&" dropped."""
    broken = rss(rss_item(1) + "<item><title>Ferry & bus</title><description>Cut short")
    broken = broken.replace(b"</channel></rss>", b"")
    path = tmp_path / "broken.xml"
    path.write_bytes(broken)
    report = import_paths(Store(tmp_path / "store"), [path])
    notes = [o.note for o in report.outcomes if o.note]
    assert len(notes) == 1 and notes[0].startswith("the feed's XML is damaged (not well-formed (invalid token): line ")
    entity = rss(rss_item(1).replace("</title>", "&nbsp;</title>"))
    assert parse_feed(entity).malformed == ""  # an HTML entity is no damage
    assert parse_feed(rss_feed(3)).malformed == ""


def test_a_damaged_feed_gives_the_text_a_whole_one_gives(tmp_path: Path) -> None:
    """libxml2, reading leniently past an error, drops the entity references after it: escaped
    HTML was stored as "pThe quay was shut./p", and "Quay&nbsp;closed" headlined "Quay"."""
    items = (rss_item(1, title="Quay&nbsp;closed", text="&lt;p&gt;The quay was shut.&lt;/p&gt;")
             + rss_item(2, title="Nets &amp; floats",
                        text="&lt;p&gt;Cod &amp;amp; hake.&lt;/p&gt;&lt;p&gt;Then rain.&lt;/p&gt;"))
    whole = rss(items.replace("&nbsp;", "&#160;"), title="Harbour Gazette")
    for name, data in [("entity.xml", rss(items)), ("bare.xml", rss(items, title="Harbour & Gazette")),
                       ("unclosed.xml", rss(items, extra="<ttl>5</tl>"))]:
        store = Store(tmp_path / f"store-{name}")
        path = tmp_path / name
        path.write_bytes(data)
        import_paths(store, [path])
        assert {(m.headline, tuple(store.body(m))) for m in store.stories()} == {
            ("Quay closed", ("The quay was shut.",)), ("Nets & floats", ("Cod & hake.", "Then rain."))}, name
    assert [(a.headline, a.body) for a in articles(whole)] == [
        ("Quay closed", ["The quay was shut."]), ("Nets & floats", ["Cod & hake.", "Then rain."])]


@pytest.mark.parametrize(("credit", "name"), [
    ("摄影：张三", "张三"), ("图片: 李四", "李四"), ("圖：王五", "王五"),
    ("撮影：山田太郎", "山田太郎"), ("写真:佐藤花子", "佐藤花子"),
    ("사진=김철수", "김철수"), ("사진 : 박영희", "박영희"),
])
def test_a_chinese_japanese_or_korean_photo_credit_is_shown_without_its_label(credit: str, name: str) -> None:
    """"Photo: Bo Lund" was credited to Bo Lund, but "摄影：张三" to "摄影：张三": the label stayed."""
    item = ("<item><title>Ferry times</title><link>https://gazette.example/tide</link>"
            "<description>The ferry leaves at ten.</description>"
            '<media:content url="https://gazette.example/p.jpg" medium="image">'
            f"<media:credit>{credit}</media:credit></media:content></item>")
    [story] = articles(rss(item))
    assert [image.credit for image in story.images] == [name]


def test_a_json_feed_items_banner_image_is_its_photo_only_when_it_has_no_other() -> None:
    """JSON Feed 1.1's ``banner_image`` is a picture to head the item with, not a news photo: it was
    listed among the story's photos beside its ``image`` and the photos of its content."""
    items = [{"image": "https://dispatch.example/quay.jpg", "content_text": "The quay shut."},
             {"content_html": '<p>The quay shut.</p><figure><img src="/crane.jpg">'
                              "<figcaption>A crane on the quay.</figcaption></figure>"},
             {"content_text": "The quay shut."}]
    feed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Coast Dispatch", "items": [
        {"id": str(n), "url": f"https://dispatch.example/{n}", "title": f"Quay works {n}",
         "banner_image": f"/banners/{n}.jpg", **item} for n, item in enumerate(items, 1)]}).encode()
    first, second, third = articles(feed, "https://dispatch.example/feed.json")
    assert [(i.caption, i.src) for i in first.images] == [("", "https://dispatch.example/quay.jpg")]
    assert [(i.caption, i.src) for i in second.images] == [("A crane on the quay.", "https://dispatch.example/crane.jpg")]
    # The only picture the item has: the reader shows it at the story's top, as the spec has a reader do.
    assert [(i.caption, i.src) for i in third.images] == [("", "https://dispatch.example/banners/3.jpg")]


def test_a_media_rss_photos_title_and_copyright_are_its_caption_and_credit() -> None:
    """``<media:title>`` (the caption when there is no ``<media:description>``) and ``<media:copyright>``
    (the credit when there is no ``<media:credit>``) were lost where a feed gives them for the whole entry,
    and a copyright everywhere: the photo had no caption or credit. Read as plain text, as captions are."""
    item = ("<item><title>Quay works</title><link>https://gazette.example/{n}</link>"
            "<description>The north quay shut for repairs.</description>{media}</item>")
    own = ('<media:content url="https://gazette.example/a.jpg" medium="image">'
           '<media:title type="html">The &lt;b&gt;north&lt;/b&gt; quay at dawn</media:title>'
           "<media:copyright>&#169; Ann Lee</media:copyright></media:content>")
    entrys = ('<media:thumbnail url="https://gazette.example/b.jpg"/>'
              "<media:title><![CDATA[Gulls over the <i>harbour</i> &amp; nets]]></media:title>"
              '<media:copyright url="https://gazette.example/terms">Copyright Harbour Gazette</media:copyright>')
    both = ('<media:content url="https://gazette.example/c.jpg" medium="image">'
            "<media:title>Crane</media:title><media:description>A crane lifts the old pier.</media:description>"
            "<media:credit>Photo: Bo Lund</media:credit><media:copyright>Gazette</media:copyright></media:content>")
    stories = articles(rss("".join(item.format(n=n, media=media) for n, media in enumerate((own, entrys, both)))))
    assert [[(i.caption, i.credit) for i in story.images] for story in stories] == [
        [("The north quay at dawn", "Ann Lee")],
        [("Gulls over the harbour & nets", "Harbour Gazette")],
        [("A crane lifts the old pier.", "Bo Lund")],  # a description and a credit come first
    ]


@pytest.mark.parametrize("line", ["Graphics by Mia Holm", "Graphic by Mia Holm", "Graphics: Mia Holm"])
def test_a_graphics_credit_closing_an_entry_is_one_of_its_credits(line: str) -> None:
    """"Graphics by Mia Holm" stayed a paragraph of the story, where "Editing by" after it is a credit."""
    text = ("&lt;p&gt;The flood barrier was tested on Monday.&lt;/p&gt;&lt;p&gt;It held, engineers said.&lt;/p&gt;"
            f"&lt;p&gt;Reporting by Sam Patel&lt;/p&gt;&lt;p&gt;{line}&lt;/p&gt;&lt;p&gt;Editing by Bo Chen&lt;/p&gt;")
    [story] = articles(rss(rss_item(1, text=text)))
    assert story.body == ["The flood barrier was tested on Monday.", "It held, engineers said."]
    assert story.credits is not None and story.credits.graphics == ["Mia Holm"]
    assert story.credits.people() == ["Sam Patel", "Bo Chen", "Mia Holm"]


def atom_entry(inner: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Courier'
            '</title><entry><title>Tolls</title><link href="https://courier.example/tolls"/><id>urn:tolls</id>'
            f'<updated>2026-03-04T08:00:00Z</updated>{inner}</entry></feed>').encode()


@pytest.mark.parametrize(("inner", "standfirst", "body"), [
    # Only the text: under the headline the parser's summary of it, with "<not a tag>" taken for markup.
    ('<content type="text">Line one &lt;not a tag&gt;\nLine two.</content>', None,
     ["Line one <not a tag>\nLine two."]),
    ('<summary type="text">Tolls &lt;b&gt; rise &amp;amp; fall</summary>', None, ["Tolls <b> rise &amp; fall"]),
    ('<summary type="text">Tolls for x&lt;y and &lt;p&gt;</summary><content type="html">&lt;p&gt;The bridge '
     'tolls rise.&lt;/p&gt;</content>', "Tolls for x<y and <p>", ["The bridge tolls rise."]),
    ('<summary type="text">Tolls &lt;em&gt;rise&lt;/em&gt;</summary><content type="text">Drivers pay more.</content>',
     "Tolls <em>rise</em>", ["Drivers pay more."]),
    ('<summary type="html">Tolls &lt;em&gt;rise&lt;/em&gt;</summary><content type="text">Drivers pay.</content>',
     "Tolls rise", ["Drivers pay."]),  # HTML stays HTML
])
def test_atom_text_content_and_summary_are_plain_text(inner: str, standfirst: str | None, body: list[str]) -> None:
    """Atom's type="text" is plain text: what looks like a tag in it was taken for markup under
    the headline ("Line one Line two."), or in the body of an entry with only a summary."""
    [story] = articles(atom_entry(inner))
    assert (story.standfirst, story.body) == (standfirst, body)


def test_atom_text_content_keeps_its_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A single line break in plain text is content: a haiku's three lines were stored as one run-on
    line, an indented line run into the next. Blank lines part paragraphs, each line's trailing
    spaces and control characters go; a search finds words across its lines, and the Markdown
    export keeps them, as a code block's."""
    poem = ("Gulls over grey waves   \nthe ferry horn\u0080 sounds twice\nwinter on the quay\n \n"
            "    Indented line\nLast &lt;line&gt;.  \n")
    feed = tmp_path / "haiku.xml"
    feed.write_bytes(atom_entry(f'<content type="text">{poem}</content>'))
    [story] = articles(feed.read_bytes())
    assert story.body == ["Gulls over grey waves\nthe ferry horn sounds twice\nwinter on the quay",
                          "    Indented line\nLast <line>."]
    folder = str(tmp_path / "store")
    assert main(["--store", folder, "import", str(feed)]) == 0
    capsys.readouterr()
    assert main(["--store", folder, "search", '"grey waves the ferry"']) == 0
    assert "Tolls" in capsys.readouterr().out
    assert main(["--store", folder, "export", "--format", "md"]) == 0
    assert "```\nGulls over grey waves\nthe ferry horn sounds twice\nwinter on the quay\n```" \
        in capsys.readouterr().out


def test_a_tag_written_about_in_a_title_or_summary_keeps_its_words_and_formatting_goes() -> None:
    # An HTML parser dropped <video>, <script> and all after them: "Using the", "AT&T buys", "The".
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Markup &lt;video&gt; weekly</title><id>urn:m</id>
<updated>2026-03-01T00:00:00Z</updated>
<entry><id>urn:m:1</id><updated>2026-03-01T00:00:00Z</updated>
<title type="text">Using the &lt;b&gt; and &lt;video&gt; element</title>
<summary type="text">Why &lt;video&gt; beats plugins</summary>
<content type="html">&lt;p&gt;The element plays a film without a plugin, the tutorial shows.&lt;/p&gt;</content></entry>
<entry><id>urn:m:2</id><updated>2026-03-01T00:00:00Z</updated>
<title type="html">An &lt;em&gt;html&lt;/em&gt; &amp;lt;video&amp;gt; title</title>
<content type="html">&lt;p&gt;Second body of the tutorial, about titles.&lt;/p&gt;</content></entry></feed>"""
    feed = parse_feed(atom, "https://m.example/atom")
    assert feed.title == "Markup <video> weekly"
    first, second = (e.article for e in feed.entries)
    assert first is not None and first.headline == "Using the <b> and <video> element"  # type="text": as written
    assert first.standfirst == "Why <video> beats plugins"
    assert second is not None and second.headline == "An html <video> title"
    items = (rss_item(1, title="Why 3 &lt; 5 in &lt;video&gt; tags")
             + rss_item(2, title="AT&amp;T buys &lt;script&gt;")
             + rss_item(3, title="A &lt;b&gt;bold&lt;/b&gt; move &lt;br/&gt;for&lt;!-- c --&gt; "
                          "&lt;i&gt;the&lt;/i&gt; quay")
             + rss_item(4, title='Watch &lt;iframe src="https://v.example/e"&gt;embed&lt;/iframe&gt;the launch')
             + "<item><title>Summary</title><guid>s</guid><description>&lt;figure&gt;&lt;img src='p.jpg'&gt;"
               "&lt;figcaption&gt;Photo: Ann&lt;/figcaption&gt;&lt;/figure&gt;The &lt;video&gt; tag, "
               "&lt;b&gt;bold&lt;/b&gt;&lt;script&gt;track();&lt;/script&gt;</description>"
               "<content:encoded><![CDATA[<p>Its body, longer than its summary is.</p>]]>"
               "</content:encoded></item>")
    feed = parse_feed(rss(items, title="RSS &lt;script&gt; news"), "https://f.example/")
    assert feed.title == "RSS <script> news"
    assert [e.article.headline for e in feed.entries if e.article] == [
        "Why 3 < 5 in <video> tags", "AT&T buys <script>", "A bold move for the quay", "Watch the launch", "Summary"]
    assert feed.entries[4].article is not None and feed.entries[4].article.standfirst == "The <video> tag, bold"
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "JSON <video> feed", "items": [
        {"id": "j1", "title": "The <video> tag explained", "summary": "About the <b> tag",
         "content_html": "<p>The tag is explained at length here.</p>"},
        {"id": "j2", "title": "Only a summary", "summary": "The <video> tag, as written"}]}
    feed = parse_feed(json.dumps(doc).encode(), "https://j.example/feed.json")
    one, two = (e.article for e in feed.entries)
    assert feed.title == "JSON <video> feed"
    assert one is not None and (one.headline, one.standfirst) == ("The <video> tag explained", "About the <b> tag")
    assert two is not None and two.body == ["The <video> tag, as written"]


def test_a_headline_keeping_a_tag_written_about_is_found_by_search(tmp_path: Path, capsys) -> None:
    (tmp_path / "t.xml").write_bytes(rss(rss_item(1, title="Why 3 &lt; 5 in &lt;video&gt; tags")))
    assert main(["--store", str(tmp_path / "s"), "import", str(tmp_path / "t.xml")]) == 0
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "s"), "search", "video"]) == 0
    assert "Why 3 < 5 in <video> tags" in capsys.readouterr().out

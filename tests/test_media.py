"""A podcast's sound and a feed's video: kept with the story, shown, copied, exported and read back."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import orjson
import pytest

from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.model import Media
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.exchange import export_json, export_markdown
from broadsheet.store.storage.fields import record_problems
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.article_view import ArticleView, article_text
from tests.factories import make_article
from tests.pilot import settle
from tests.test_feeds_movein import NEWSBOAT_SCHEMA

SOUND = Media("https://pod.example/audio/ep12.mp3", "audio/mpeg", 4194304)
VIDEO = Media("https://pod.example/ep12.mp4", "video/mp4")


@pytest.fixture
def episode(store: Store) -> str:
    """An episode with no page of its own: its sound and video are where it leads."""
    [sid] = store.add([(make_article(1, url=None, media=[SOUND, VIDEO]), None)])
    return sid


def test_media_are_stored_with_the_story_and_read_back(store: Store, episode: str) -> None:
    [meta] = store.stories()
    assert meta.media == (SOUND, VIDEO)
    assert meta.link == SOUND.url  # no address: y and w take the sound
    assert store.article_of(meta, alone=True).media == [SOUND, VIDEO]
    [plain] = Store(store.folder).add([(make_article(2), None)])
    assert Store(store.folder).article(plain).media == []  # no media: nothing stored for them


def test_the_article_view_says_what_each_file_is_and_where() -> None:
    text = article_text(make_article(1, url="https://pod.example/ep12", media=[SOUND, VIDEO])).plain
    assert "Audio, MP3, 4.0 MB: https://pod.example/audio/ep12.mp3" in text
    assert "Video, MP4: https://pod.example/ep12.mp4" in text
    assert text.index("https://pod.example/ep12\n") < text.index("Audio, MP3")  # under the address


def test_json_export_keeps_media_and_reads_them_back(store: Store, episode: str, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_bytes(export_json(store, [episode]))
    other = Store(tmp_path / "other")
    import_paths(other, [export])
    [meta] = other.stories()
    assert meta.media == (SOUND, VIDEO)


def test_an_exports_media_are_checked_and_only_web_addresses_kept(store: Store, episode: str,
                                                                   tmp_path: Path) -> None:
    doc = orjson.loads(export_json(store, [episode]))
    doc["stories"][0]["article"]["media"] = [{"url": "file:///etc/passwd", "type": "audio/mpeg"},
                                             {"url": "https://pod.example/a.mp3\x1b[2J", "type": "audio/mpeg"}]
    export = tmp_path / "edited.json"
    export.write_bytes(orjson.dumps(doc))
    other = Store(tmp_path / "other")
    import_paths(other, [export])
    assert other.stories()[0].media == (Media("https://pod.example/a.mp3", "audio/mpeg"),)  # the escape taken away
    doc["stories"][0]["article"]["media"] = [{"url": "https://pod.example/a.mp3", "length": -1}]
    export.write_bytes(orjson.dumps(doc))
    report = import_paths(Store(tmp_path / "third"), [export])
    assert "length" in " ".join(str(f) for f in report.failed)


def test_markdown_export_links_the_address_and_the_media(store: Store, tmp_path: Path) -> None:
    [sid] = store.add([(make_article(1, url="https://pod.example/ep 12<b>", media=[SOUND]), None)])
    text = export_markdown(store, [sid])
    assert "<https://pod.example/ep%2012%3Cb%3E>" in text
    assert "Audio, MP3, 4.0 MB: <https://pod.example/audio/ep12.mp3>" in text


def test_repair_names_media_of_the_wrong_shape() -> None:
    assert record_problems({"headline": "h", "media": [{"url": "https://a.example/x.mp3", "length": "big"}]}) == [
        "media are not a list of {url, type, length}"]
    assert record_problems({"headline": "h", "media": [{"url": "https://a.example/x.mp3", "type": "audio/mpeg"}]}) == []


def test_a_newsboat_items_sound_is_its_media(store: Store, tmp_path: Path) -> None:
    cache = tmp_path / "cache.db"
    db = sqlite3.connect(cache)
    db.executescript(NEWSBOAT_SCHEMA)
    db.execute("INSERT INTO rss_feed (rssurl, url, title) VALUES ('https://pod.example/feed', "
               "'https://pod.example/', 'Pod')")
    db.execute("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, enclosure_url,"
               " enclosure_type) VALUES ('ep1', 'Episode 1', '', '', 'https://pod.example/feed', 1772532000,"
               " '<p>Notes.</p>', 1, 'https://pod.example/ep1.mp3', 'audio/mpeg')")
    db.commit()
    db.close()
    import_paths(store, [cache])
    [meta] = store.stories()
    assert meta.media == (Media("https://pod.example/ep1.mp3", "audio/mpeg"),)


async def test_y_copies_the_sound_of_an_episode_without_a_page(store: Store, episode: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        written: list[str] = []
        monkeypatch.setattr(app._driver, "write", written.append)
        assert SOUND.url in app.screen.query_one(ArticleView).text
        await pilot.press("y")
        await settle(pilot)
        assert written == [f"\x1b]52;c;{base64.b64encode(SOUND.url.encode()).decode()}\a"]


@pytest.mark.parametrize("length", ["1" + "0" * 30, "\u00b2", "9" * 5000, "-1", "true"],
                         ids=["31 digits", "superscript", "5000 digits", "negative", "word"])
def test_a_size_that_is_no_byte_count_is_dropped_and_the_feed_still_imports(
        length: str, store: Store, tmp_path: Path) -> None:
    """A 31-digit enclosure length passed parsing and then stopped the import (orjson: "Integer exceeds
    64-bit range"); a JSON Feed's "\u00b2" (a digit to isdigit) lost every story of its feed."""
    from tests.feeds import rss

    rss_file = tmp_path / "pod.xml"
    enclosure = f'<enclosure url="https://pod.example/1.mp3" type="audio/mpeg" length="{length}"/>'
    rss_file.write_bytes(rss(f"<item><title>Ep</title><guid>1</guid><description>Notes.</description>{enclosure}</item>"))
    json_file = tmp_path / "pod.json"
    json_file.write_bytes(orjson.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Pod", "items": [
        {"id": "2", "title": "Ep 2", "content_text": "Notes.",
         "attachments": [{"url": "https://pod.example/2.mp3", "mime_type": "audio/mpeg", "size_in_bytes": length}]}]}))
    report = import_paths(store, [rss_file, json_file])
    assert report.count("imported") == 2 and not report.failed
    assert sorted(m.media[0].url for m in store.stories() if m.media == (Media(m.media[0].url, "audio/mpeg"),)) == [
        "https://pod.example/1.mp3", "https://pod.example/2.mp3"]  # each kept, its size not

"""A new copy of a stored story: the newer text wins, but what the user already had stays.

A feed's summary never replaces the page the user saved by hand, and a photo, date or byline
the new copy could not bring is kept (a review found a fetch cut a saved page to its feed
summary, dropping its photos, credits and authors; and a re-import without the page's
``_files`` folder unlinking every photo).
"""

from __future__ import annotations

from broadsheet.store.model import Image
from broadsheet.store.storage.db import Store
from tests.factories import make_article

URL = "https://coast.example/news/ferries"
PHOTO = "ab" * 32  # a kept photo's digest
FEED = "https://coast.example/feed.xml"


def saved_page(**overrides: object):  # type: ignore[no-untyped-def]
    page = dict(url=URL, authors=["Ada Quill"], published="2026-12-01T09:00:00+00:00",
                images=[Image("Ferries wait at the harbour wall.", "Ben Wick", src="./page_files/ferry.jpg",
                              photo=PHOTO)])
    return make_article(1, **{**page, **overrides})


def feed_entry(body: list[str]):  # type: ignore[no-untyped-def]
    return make_article(1, url=URL, key=f"{FEED}#ferries", body=body, authors=[], published=None, images=[])


def test_a_feeds_summary_does_not_replace_the_page_saved_by_hand(store: Store) -> None:
    (sid,) = store.add([(saved_page(), "page.html")])
    stored = store.add_identified([(feed_entry(["Ferries change their times."]).story_id,
                                    feed_entry(["Ferries change their times."]), FEED)])
    assert stored.results == [(sid, "present")]
    article = Store(store.folder).article(sid)
    assert article is not None and len(article.body) == 3 and article.authors == ["Ada Quill"]
    assert article.images[0].photo == PHOTO


def test_a_feed_entry_with_more_text_replaces_the_page_but_keeps_its_photo_and_byline(store: Store) -> None:
    (sid,) = store.add([(saved_page(), "page.html")])
    longer = [*saved_page().body, "The harbour master said the change would help fishing boats."]
    entry = feed_entry(longer)
    entry.images.append(Image("Ferries wait at the harbour wall."))  # the feed could not send the photo
    assert store.add_identified([(entry.story_id, entry, FEED)]).results == [(sid, "updated")]
    article = Store(store.folder).article(sid)
    assert article is not None and article.body == longer
    assert article.authors == ["Ada Quill"] and article.published == "2026-12-01T09:00:00+00:00"
    assert [image.photo for image in article.images] == [PHOTO]


def test_a_copy_read_again_without_its_files_folder_keeps_the_photos(store: Store) -> None:
    (sid,) = store.add([(saved_page(), "page.html")])
    again = saved_page(body=[*saved_page().body, "A fourth paragraph was added."],
                       images=[Image("Ferries wait at the harbour wall.", "Ben Wick", src="./page_files/ferry.jpg")])
    assert store.add_identified([(sid, again, "page.html")]).results == [(sid, "updated")]
    article = Store(store.folder).article(sid)
    assert article is not None and len(article.body) == 4 and article.images[0].photo == PHOTO


def test_a_reparse_may_drop_a_date_and_a_photo_the_page_no_longer_has(store: Store) -> None:
    # A reparse with a better parser is believed: only a photo the new copy could not keep stays.
    (sid,) = store.add([(saved_page(), "page.html")])
    again = saved_page(published=None, images=[])
    assert store.add_identified([(sid, again, "page.html")], reread=True).results == [(sid, "updated")]
    article = Store(store.folder).article(sid)
    assert article is not None and article.published is None and article.images == []


def test_a_feeds_later_fetch_keeps_what_its_first_kept(store: Store) -> None:
    # The first fetch of a longer entry kept the page's byline and date; the next fetch of the
    # same entry (now from the same feed as the stored copy) wiped them.
    (sid,) = store.add([(saved_page(), "page.html")])
    entry = feed_entry([*saved_page().body, "The harbour master said the change would help fishing boats."])
    assert store.add_identified([(entry.story_id, entry, FEED)]).results == [(sid, "updated")]
    assert store.add_identified([(entry.story_id, entry, FEED)]).results == [(sid, "present")]
    article = Store(store.folder).article(sid)
    assert article is not None and article.authors == ["Ada Quill"] and article.published is not None
    assert [image.photo for image in article.images] == [PHOTO]


def test_a_photo_at_another_address_is_not_given_the_old_one_for_its_caption(store: Store) -> None:
    (sid,) = store.add([(saved_page(images=[Image("File photo", src="https://coast.example/ferry.jpg",
                                                   photo=PHOTO)]), "page.html")])
    again = saved_page(body=[*saved_page().body, "More."],
                       images=[Image("File photo", src="https://coast.example/map.png")])
    store.add_identified([(sid, again, "other.html")])
    article = Store(store.folder).article(sid)
    assert article is not None and article.images[0].photo is None


def test_the_page_of_a_feeds_entry_saved_by_hand_stays_the_feeds_story(store: Store) -> None:
    """The page took its host as the story's source: the feed counted 0 stories and
    feed:"Coast Herald" found nothing."""
    entry = make_article(1, url=URL, key=f"{FEED}#ferries", source="Coast Herald", body=["Ferries change times."])
    (sid,) = store.add_identified([(entry.story_id, entry, FEED)]).new
    page = saved_page(source="coast.example", body=[*entry.body, "The harbour master explained why."])
    assert store.add([(page, "page.html")]) == []  # one story: the entry's, now with the page's text
    article = Store(store.folder).article(sid)
    assert article is not None and article.source == "Coast Herald" and len(article.body) == 2


def test_the_feeds_story_saved_by_hand_twice_stays_the_feeds_and_is_found_so(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Saved a second time, the page took its host as source again (the key was not kept); and
    the search index took the page's own source, not the stored one: feed:"Title" missed it."""
    from broadsheet.store.ingest.importer import import_paths
    from broadsheet.store.search import SearchIndex

    entry = make_article(1, url=URL, key=f"{FEED}#ferries", source="Coast Herald", body=["Ferries change times."])
    (sid,) = store.add_identified([(entry.story_id, entry, FEED)]).new
    page = tmp_path / "ferries.html"
    for said in ("The harbour master explained why.", "The harbour master explained why, and when."):
        page.write_text(f"<html><head><title>Ferries change times</title><link rel=canonical href={URL}></head>"
                        f"<body><article><h1>Ferries change times</h1><p>Ferries change their times from "
                        f"Monday, the operator said.</p><p>{said} Passengers were told on Friday.</p></article>"
                        "</body></html>", encoding="utf-8")
        assert import_paths(store, [page]).count("updated") == 1
        assert Store(store.folder).article(sid).source == "Coast Herald"  # type: ignore[union-attr]
        index = SearchIndex.open(Store(store.folder))
        assert index.search('feed:"Coast Herald"', states={}).ids == [sid]
    # The feed's summary sent again does not replace the page saved by hand.
    assert store.add_identified([(entry.story_id, entry, FEED)]).results == [(sid, "present")]

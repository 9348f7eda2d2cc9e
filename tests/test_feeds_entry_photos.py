"""Which of a feed entry's pictures are its photos, and where they are: relative addresses
resolved as its links are, and a page's furniture (tracking pixels, share icons) left out."""

from __future__ import annotations

import hashlib

from pytest_httpserver import HTTPServer

from broadsheet.store.feeds.fetch import Settings, fetch
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from tests.feeds import rss
from tests.photos import picture_bytes

FAST = Settings(timeout=0.5, total=2.0, retries=0, backoff=0.05, max_wait=1.0, max_bytes=1024 * 1024)


def test_relative_media_rss_and_enclosure_photos_are_resolved_and_downloaded(store: Store,
                                                                             server: HTTPServer) -> None:
    # Stored as "/img/c.jpg": never downloaded, and the fetch said nothing ("[photo: not kept with the story]").
    pictures = {path: picture_bytes(seed=n) for n, path in enumerate(("/img/c.png", "/img/t.png", "/feeds/img/e.png"))}
    for path, data in pictures.items():
        server.expect_request(path).respond_with_data(data, content_type="image/png")
    items = ("<item><title>Quay repaired</title><link>https://gazette.example/quay</link><guid>q1</guid>"
             "<description>The quay was repaired.</description>"
             '<media:content url="/img/c.png?rel=3" medium="image"><media:credit>Bo Lund</media:credit>'
             '</media:content><enclosure url="img/e.png" type="image/png" length="1"/></item>'
             "<item><title>Mill reopens</title><link>https://gazette.example/mill</link><guid>m1</guid>"
             '<description>The mill reopened.</description><media:thumbnail url="../img/t.png"/></item>')
    server.expect_request("/feeds/quay.xml").respond_with_data(rss(items), content_type="application/rss+xml")
    Subscriptions(store).add([server.url_for("/feeds/quay.xml")], ())
    [result] = fetch(store, settings=FAST).results
    assert (result.outcome, result.photo_problems) == ("new", [])
    images = [image for meta in sorted(store.stories(), key=lambda m: m.headline, reverse=True)
              for image in meta.images]
    assert [(image.src, image.credit) for image in images] == [
        (server.url_for("/img/c.png") + "?rel=3", "Bo Lund"), (server.url_for("/feeds/img/e.png"), None),
        (server.url_for("/img/t.png"), None)]
    assert [image.photo for image in images] == [hashlib.sha256(pictures[path]).hexdigest()
                                                 for path in ("/img/c.png", "/feeds/img/e.png", "/img/t.png")]

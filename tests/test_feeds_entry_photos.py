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


def test_a_tracking_pixel_and_a_share_icon_in_an_entry_are_no_photos(store: Store, server: HTTPServer) -> None:
    # Both were downloaded and shown as the story's "Photo 1", as a saved page's never are.
    for path in ("/img/quay.png", "/img/fb.png", "/img/pixel.gif"):
        server.expect_request(path).respond_with_data(picture_bytes(), content_type="image/png")
    html = ("<p>The quay was repaired over the winter.</p>"
            f'<figure><img src="{server.url_for("/img/quay.png")}"><figcaption>The new quay.</figcaption></figure>'
            f'<p><a href="https://social.example/share"><img src="{server.url_for("/img/fb.png")}" width="16" '
            'height="16" alt="Share on Facebook"></a></p>'
            f'<img src="{server.url_for("/img/pixel.gif")}" width="1" height="1" alt="">')
    item = ("<item><title>Quay repaired</title><link>https://gazette.example/quay</link><guid>q1</guid>"
            f"<description><![CDATA[{html}]]></description></item>")
    server.expect_request("/feed.xml").respond_with_data(rss(item), content_type="application/rss+xml")
    Subscriptions(store).add([server.url_for("/feed.xml")], ())
    fetch(store, settings=FAST)
    [meta] = store.stories()
    assert [(image.caption, image.src) for image in meta.images] == [("The new quay.", server.url_for("/img/quay.png"))]
    assert [r.path for r, _ in server.log if r.path.startswith("/img/")] == ["/img/quay.png"]


def test_an_entrys_relative_img_is_resolved_against_the_xml_base_else_its_link(store: Store,
                                                                              server: HTTPServer) -> None:
    # The HTML of an entry is a copy of its page's: `p1.png` is beside the post, not beside the feed.
    # An xml:base the feed declares for the content says otherwise, and wins (it lost to the link).
    for path in ("/posts/quay/p1.png", "/media/p2.png"):
        server.expect_request(path).respond_with_data(picture_bytes(), content_type="image/png")
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Quay Notes</title><id>urn:q</id>
<updated>2026-03-01T00:00:00Z</updated>
<entry><title>Quay repaired</title><id>urn:q:1</id><updated>2026-03-01T00:00:00Z</updated>
<link href="{server.url_for('/posts/quay/')}"/>
<content type="html">&lt;p&gt;The quay was repaired.&lt;/p&gt;&lt;img src="p1.png"&gt;</content></entry>
<entry><title>Mill reopens</title><id>urn:q:2</id><updated>2026-03-02T00:00:00Z</updated>
<link href="{server.url_for('/posts/mill/')}"/>
<content type="html" xml:base="{server.url_for('/media/')}">
&lt;p&gt;The mill reopened.&lt;/p&gt;&lt;img src="p2.png"&gt;</content>
</entry></feed>"""
    server.expect_request("/feeds/atom.xml").respond_with_data(atom, content_type="application/atom+xml")
    Subscriptions(store).add([server.url_for("/feeds/atom.xml")], ())
    [result] = fetch(store, settings=FAST).results
    assert (result.outcome, result.photo_problems) == ("new", [])
    assert {meta.headline: [image.src for image in meta.images] for meta in store.stories()} == {
        "Quay repaired": [server.url_for("/posts/quay/p1.png")], "Mill reopens": [server.url_for("/media/p2.png")]}

"""A saved page's photos are the story's own: no newsletter art, video posters, avatars, icons or teasers.

Each page is made up, marked the way publishers commonly mark the thing tested; the story's
real photo must stay in every one.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from broadsheet.store.html import page_article
from broadsheet.store.ingest.reparse import reparse, stale
from broadsheet.store.model import Image
from broadsheet.store.storage.db import Store

STORY = (
    "<p>LOWMOOR, March 11 - The harbour council voted on Tuesday to add two early crossings to the weekday "
    "ferry timetable.</p>"
    "<p>Commuters had asked for the change since the winter, when queues at the slipway grew every morning.</p>"
    "<p>The operators said the new sailings would start at the beginning of next month.</p>"
)
PHOTO = ('<figure><img src="https://coast.example/photos/ferry.jpg" width="1200" height="800">'
         "<figcaption>The first early ferry leaves the slipway at dawn. (Ann Tey/Coast Herald)</figcaption></figure>")


def page(furniture: str, photo: str = PHOTO) -> str:
    return ("<!DOCTYPE html><html><head><meta charset=utf-8>"
            '<link rel="canonical" href="https://coast.example/news/early-ferries"></head><body><article>'
            f"<h1>Early ferries for Lowmoor</h1>{photo}{STORY[:200]}{furniture}{STORY[200:]}"
            "</article></body></html>")


def captions(html: str) -> list[str]:
    return [image.caption for image in page_article(html).images]


FURNITURE = {
    "newsletter box": (
        '<div class="inline-signup"><img src="https://coast.example/art/daily.jpg">'
        "<div>Get the Coast Herald daily briefing delivered to your inbox every morning.</div></div>"),
    "newsletter icon in a box also named for the story": (
        '<section class="newsletter-widget story-page"><div class="newsletter-widget__header">'
        '<img src="https://coast.example/icons/briefing.svg"><p>Get a dash of harbour news every weekday.</p>'
        "<p>Coast Briefing</p></div></section>"),
    "video player poster": (
        '<div class="c-video"><span class="c-video__poster"><img src="https://coast.example/v/tide.jpg">'
        "<span>1:47</span> <span>Storm tide floods the harbour road</span></span></div>"),
    "video teaser told by its running time": (
        '<div class="embed"><img src="https://coast.example/v/pier.jpg">'
        "<div class='caption'>12:05 Pier repairs finish ahead of summer</div></div>"),
    "author avatar": (
        '<div class="article-meta"><div class="published-by"><img alt="Coast Wire" '
        'src="https://secure.gravatar.com/avatar/0f3a?s=70" width="70" height="70">'
        "<div>Coast Wire</div></div></div>"),
    "byline photo": (
        '<div class="byline-block"><img src="https://coast.example/staff/tam-orrin.jpg">'
        "<span>Tam Orrin</span> <span>Transport Correspondent</span></div>"),
    "share bar icon": (
        '<div class="story__share"><a href="https://news.example/follow"><img src="https://coast.example/gn.svg"></a>'
        "<span>Follow the Herald on</span></div>"),
    "site logo": (
        '<div class="print-only-header"><img src="https://coast.example/img/header-logo.png">'
        "<div>https://coast.example/news/early-ferries</div></div>"),
    "related stories": (
        '<div class="related-stories story-list">' + "".join(
            f'<figure><a href="https://coast.example/news/story-{n}"><img src="https://coast.example/t/{n}.jpg"></a>'
            f"<figcaption>Harbour story number {n} of the week</figcaption></figure>" for n in range(3)) + "</div>"),
    "row of teasers in an unnamed slider": (
        '<div class="slides">' + "".join(
            f'<div class="slide"><figure><a href="https://coast.example/news/story-{n}"><div>'
            f'<img src="https://coast.example/t/{n}.jpg"></div></a><figcaption>Harbour story {n} of the week'
            "</figcaption></figure></div>" for n in range(4)) + "</div>"),
    "teaser whose headline links where its picture does": (
        '<div class="block"><h4><a href="/news/opinion/ferry-fares">Fares must fall</a></h4>'
        '<a href="/news/opinion/ferry-fares"><img src="https://coast.example/t/fares.jpg"></a>'
        "<p>THE new timetable is welcome, but the fares are too high for the commuters it serves.</p></div>"),
    "headshot printed small in an uncaptioned figure": (
        '<figure><img src="https://coast.example/people/tam-orrin.jpg" width="150" height="150"></figure>'),
    "headshot in an uncaptioned figure beside the byline": (
        '<div class="top"><figure><img src="https://coast.example/people/t.jpg" alt="Tam Orrin"></figure>'
        "<p>By Tam Orrin, Transport Correspondent</p></div>"),
    "headshot named as a profile picture": (
        '<figure class="profile-pic"><img src="https://coast.example/people/t.jpg"></figure>'),
    "captioned photo in a box named sponsored content": (
        '<div class="sponsored-content"><figure><img src="https://brand.example/lantern.jpg" width="600" height="400">'
        "<figcaption>Try the new storm lantern this winter.</figcaption></figure></div>"),
    "captioned photo in a box labelled Sponsored": (
        '<div class="card"><p>Sponsored</p><figure><img src="https://brand.example/lantern.jpg">'
        '<figcaption>Try the new storm lantern this winter.</figcaption></figure><a href="https://brand.example">'
        "Find out more</a></div>"),
    "linked magazine advertisement": (
        '<figure><a href="https://shop.example/magazine"><img src="https://coast.example/ads/mag.png"></a>'
        "<figcaption>Love the coast? Subscribe to our sister magazine Coast Living.</figcaption></figure>"),
}


@pytest.mark.parametrize("furniture", FURNITURE.values(), ids=list(FURNITURE))
def test_page_furniture_is_not_kept_as_a_story_photo(furniture: str) -> None:
    assert captions(page(furniture)) == ["The first early ferry leaves the slipway at dawn."]


PHOTOS = {
    "photo linking to its attachment page": (
        '<figure><a class="zoom" href="https://coast.example/attachment/4411/"><img src="https://coast.example/p.jpg">'
        "</a><figcaption>Queues at the slipway before the change.</figcaption></figure>"),
    "photo linking to a larger copy": (
        '<figure><a href="https://cdn.example/full/p.jpg"><img src="https://cdn.example/small/p.jpg"></a>'
        "<figcaption>Queues at the slipway before the change.</figcaption></figure>"),
    "AMP photo whose size is a shape": (
        '<figure><amp-img src="https://coast.example/p.jpg" width="4" height="3" layout="responsive"></amp-img>'
        "<figcaption>Queues at the slipway before the change.</figcaption></figure>"),
    "photo whose placeholder address asks for a small copy": (
        '<figure><img src="https://coast.example/p.jpg?w=60" data-src="https://coast.example/p.jpg?w=900" '
        'width="900" height="600"><figcaption>Queues at the slipway before the change.</figcaption></figure>'),
    "photo in a box for paying readers": (
        '<div class="subscriber-content"><figure><img src="https://coast.example/p.jpg">'
        "<figcaption>Queues at the slipway before the change.</figcaption></figure></div>"),
    "photo linked to an address no browser could follow": (
        '<figure><a href="http://[oops/other-story"><img src="http://[oops/p.jpg" width="800" height="600"></a>'
        "<figcaption>Queues at the slipway before the change.</figcaption></figure>"),
    "live-blog photo captioned with a time and credited": (
        '<figure><img src="https://coast.example/p.jpg"><figcaption>10:45 Queues at the slipway before the change. '
        "(Ann Tey/Coast Herald)</figcaption></figure>"),
}


@pytest.mark.parametrize("photo", PHOTOS.values(), ids=list(PHOTOS))
def test_story_photos_that_look_a_little_like_furniture_stay(photo: str) -> None:
    got = captions(page("", photo=PHOTO + photo))
    assert len(got) == 2 and got[1].endswith("Queues at the slipway before the change.")


def test_uncaptioned_photos_printed_large_over_the_byline_or_in_a_sponsored_storys_text_stay() -> None:
    # An uncaptioned photo printed large, away from the byline, is the story's ("no caption").
    large = '<figure><img src="https://coast.example/p.jpg" width="900" height="600"></figure>'
    assert captions(page("", photo=PHOTO + large)) == ["The first early ferry leaves the slipway at dawn.", ""]
    # An uncaptioned lead photo over the byline, among the story's text, is the story's.
    lead = page("", photo='<figure><img src="https://coast.example/lead.jpg"></figure><p>By Tam Orrin</p>' + PHOTO)
    assert captions(lead) == ["", "The first early ferry leaves the slipway at dawn."]
    # A sponsored story's own photos, in its text's box named so, are its photos.
    html = page("").replace("<article>", '<article><div class="sponsored-story-body">').replace(
        "</article>", "</div></article>")
    assert captions(html) == ["The first early ferry leaves the slipway at dawn."]


def test_a_page_read_by_the_parser_that_kept_furniture_is_read_again_without_it(tmp_path: Path) -> None:
    # Pages imported before furniture pictures were told apart hold a newsletter "photo":
    # `broadsheet reparse --stale` (which the reader offers) must take them, and drop it.
    html = page(FURNITURE["newsletter box"])
    (tmp_path / "ferry.html").write_text(html)
    store = Store(tmp_path / "store")
    kept_then = replace(page_article(html), images=[
        Image("The first early ferry leaves the slipway at dawn.", "Ann Tey/Coast Herald",
              "https://coast.example/photos/ferry.jpg"),
        Image("Get the Coast Herald daily briefing delivered to your inbox every morning.", None,
              "https://coast.example/art/daily.jpg")])
    store.add_identified([(kept_then.story_id, kept_then, str(tmp_path / "ferry.html"))], parser=4)
    assert stale(store)
    reparse(store, stale(store))
    fresh = Store(store.folder)
    [meta] = fresh.stories()
    assert [i.caption for i in fresh.article(meta.id).images] == ["The first early ferry leaves the slipway at dawn."]


def test_a_page_of_thousands_of_linked_pictures_is_read_in_seconds() -> None:
    # Each picture's neighbourhood is searched for other teasers; a hostile page of 3,000 took
    # minutes when every picture counted the same links again.
    teasers = "".join(f'<figure><a href="/news/s{n}"><img src="/t/{n}.jpg"></a><figcaption>Harbour picture {n}'
                      "</figcaption></figure>" for n in range(3000))
    start = time.monotonic()
    assert captions(page(f"<div>{teasers}</div>")) == ["The first early ferry leaves the slipway at dawn."]
    assert time.monotonic() - start < 10


def test_a_story_photo_beside_an_emptied_ad_slots_label_stays() -> None:
    # The ad's script is gone from the saved page; its "Advertisement" label is no box of paid content.
    photo = '<div class="media"><div><span>Advertisement</span></div>' + PHOTO + "</div>"
    assert captions(page("", photo=photo)) == ["The first early ferry leaves the slipway at dawn."]

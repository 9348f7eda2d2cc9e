"""Photos a review of made-up pages and feed entries found dropped or wrongly listed (round 7).

Each test is a made-up story (invented places, people and text) in the shape a kind of page or
feed entry takes. They check the photos, captions and credits the reader gets.
"""

from __future__ import annotations

from html import escape

import pytest

from broadsheet.store.feeds.parse import parse_feed
from broadsheet.store.html import page_article
from tests.feeds import rss, rss_item
from tests.test_parse_photos_round6 import PARAS, _page


def _entry_images(html: str) -> list[tuple[str, str | None, str | None]]:
    """The photos a feed entry whose description is ``html`` (between two paragraphs) shows."""
    text = escape(f"<p>{PARAS[0]}</p>{html}<p>{PARAS[1]}</p>")
    feed = parse_feed(rss(rss_item(1, text=text)), "https://gazette.example/feed")
    article = feed.entries[0].article
    assert article is not None
    return [(i.caption, i.credit, i.src) for i in article.images]


def _page_images(html: str) -> list[tuple[str, str | None, str | None]]:
    return [(i.caption, i.credit, i.src) for i in page_article(_page(html)).images]


@pytest.mark.parametrize("name", ["transparent-glass-bridge.jpg", "a-blank-cheque.jpg", "ship_spacer_crew.jpg",
                                  "lazyload-test-rig.jpg", "placeholder_stone_quarry.jpg"])
def test_a_photo_whose_file_name_has_a_stand_in_word_keeps_its_address(name: str) -> None:
    """A photo file named "transparent-glass-bridge.jpg" was taken for a lazy page's stand-in
    ("transparent.png"): its caption and credit were kept, the photo itself lost."""
    src = f"https://gazette.example/img/{name}"
    figure = f"<figure><img src={src}><figcaption>The glass walkway over the arch. Photo: Ann One</figcaption></figure>"
    expected = [("The glass walkway over the arch.", "Ann One", src)]
    assert _page_images(figure) == expected
    assert _entry_images(figure) == expected


@pytest.mark.parametrize("stand_in", ["placeholder.png", "blank.gif", "spacer.gif", "transparent.png",
                                      "grey-placeholder.png", "spacer_1x1.gif"])
def test_a_stand_in_file_is_still_no_photo(stand_in: str) -> None:
    """A whole stand-in file name is no photo: the figure keeps its caption, with no address."""
    figure = (f"<figure><img src=https://gazette.example/static/{stand_in}>"
              "<figcaption>The glass walkway over the arch. Photo: Ann One</figcaption></figure>")
    assert _page_images(figure) == [("The glass walkway over the arch.", "Ann One", None)]


def test_a_lazy_photos_stand_in_with_a_longer_name_gives_way_to_the_lazy_address() -> None:
    """With a lazy attribute naming the photo, a src such as "lazyload-fallback-bridge.jpg" is its stand-in."""
    figure = ("<figure><img src=https://gazette.example/static/lazyload-fallback-bridge.jpg "
              "data-src=https://gazette.example/img/walkway.jpg>"
              "<figcaption>The glass walkway over the arch. Photo: Ann One</figcaption></figure>")
    assert _page_images(figure) == [("The glass walkway over the arch.", "Ann One",
                                     "https://gazette.example/img/walkway.jpg")]


LAZY_PIXEL = ("<img src=https://gazette.example/img/walkway-small.jpg width=1 height=1 class=lazyload "
              "data-src=https://gazette.example/img/walkway.jpg alt=''>")
CSS_PIXEL = "<img src=https://gazette.example/img/walkway.jpg width=1 height=1 style='width:100%;height:auto' alt=''>"
CAPTION = "<figcaption>The glass walkway over the arch. Photo: Ann One</figcaption>"


def test_a_photo_declared_one_pixel_by_a_lazy_or_css_sized_page_is_kept() -> None:
    """``width=1 height=1`` on a lazy page's photo (its address in data-src) or on one sized by CSS
    (``width:100%``) or in a captioned figure was taken for a tracking pixel: the photo was dropped
    from a saved page with its caption, and from a feed entry."""
    walkway = "https://gazette.example/img/walkway.jpg"
    for img in (LAZY_PIXEL, CSS_PIXEL):
        assert _page_images(f"<figure>{img}{CAPTION}</figure>") == [
            ("The glass walkway over the arch.", "Ann One", walkway)]
        assert _entry_images(img) == [("", None, walkway)]
    plain = f"<figure><img src={walkway} width=1 height=1>{CAPTION}</figure>"  # a caption: no tracking pixel
    assert _page_images(plain) == _entry_images(plain) == [("The glass walkway over the arch.", "Ann One", walkway)]


@pytest.mark.parametrize("pixel", [
    "<img src=https://count.example/p.gif?id=7 width=1 height=1>",
    "<img src=https://count.example/p.gif?id=7 width=1 height=1 style='width:1px;height:1px;border:0'>",
])
def test_a_tracking_pixel_is_still_no_photo(pixel: str) -> None:
    """A 1 by 1 image showing its own src, with no CSS size and no caption: a tracking pixel."""
    assert _entry_images(pixel) == []
    assert _page_images(f"<figure>{pixel}</figure>") == []


@pytest.mark.parametrize("furniture", [
    "<img src=/static/gazette-masthead.png width=300 height=150 alt='The Lowmoor Gazette'>",
    "<p>By Dana Whitfield</p><img src=/people/dana-whitfield.jpg width=300 height=300 alt='Dana Whitfield'>",
    "<div id=div-gpt-7><img src=https://adserver.example/creative/5521.jpg width=300 height=250></div>",
    "<img src=https://cdn.example/promo/subscribe.png width=600 height=300 alt='Subscribe now'>",
    # in a figure, with no caption or credit of its own: its names tell it
    "<figure><img src=/static/gazette-masthead.png width=300 height=150></figure>",
    "<div class=ad-slot><figure><img src=https://cdn.example/x/5521.jpg width=300 height=250></figure></div>",
    "<figure><img src=https://adserver.example/creative/5521.jpg width=300 height=250></figure>",
    "<figure><img src=https://cdn.example/img/join-us.jpg alt='Subscribe to the Gazette today'></figure>",
    "<figure><img src=https://cdn.example/img/newsletter-signup.jpg width=600 height=300></figure>",
])
def test_a_logo_headshot_or_ad_without_caption_is_no_story_photo(furniture: str) -> None:
    """A saved page listed its masthead, its author's headshot, an ad or a "Subscribe now" banner
    as the story's photo: an uncaptioned <img> of 300 by 150 pixels or more was taken for one."""
    assert _page_images(furniture) == []


def test_an_uncaptioned_story_photo_in_a_figure_is_still_kept() -> None:
    figure = "<figure><img src=https://gazette.example/img/walkway.jpg width=600 height=400></figure>"
    assert _page_images(figure) == [("", None, "https://gazette.example/img/walkway.jpg")]

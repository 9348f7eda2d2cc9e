"""Photo captions and credits a review of made-up pages found wrong (round 6).

Each test is a made-up story (invented places, people and text) in the shape a kind of page
takes: a wire credit written into its caption, a caption beside its image box, a lazy-loaded
photo, and so on. They check the captions, credits and photos the reader gets.
"""

from __future__ import annotations

from pathlib import Path

from broadsheet.store.html import page_article
from broadsheet.store.ingest.importer import read_one
from broadsheet.store.parse import parse_text
from tests.html_pages import png_bytes

PARAS = [
    "The old stone bridge over the River Vell was closed to traffic on Saturday afternoon after engineers "
    "found a crack in its central arch, the council of Lowmoor said in a short statement.",
    "Engineers from the regional heritage agency will inspect the bridge later in the week, and the council "
    "said it would stay closed until then, with a diversion through the town centre.",
    "Local traders said the closure would cost them business during the busiest weekend before the holidays, "
    "when visitors usually cross the bridge to reach the Christmas market.",
    "The bridge was built in 1743 and has survived eleven floods, according to the town's historical society, "
    "which has asked for it to be repaired rather than replaced.",
]


def _dump(*middle: str, after: tuple[str, ...] = ()) -> str:
    """A text dump of a story: menus, headline, byline, date, two paragraphs, ``middle``, the rest."""
    lines = ["Bridge closed after crack found | Lowmoor Gazette", "Home", "News", "Sport",
             "Bridge closed after crack found", "By Dana Whitfield", "5 December 2026",
             *PARAS[:2], *middle, *PARAS[2:], *after, "Related stories", "Ferry services resume after storm"]
    return "\n\n".join(lines) + "\n"


def _page(*figures: str, after: str = "") -> str:
    """A saved page of the story with ``figures`` between its paragraphs."""
    paras = [f"<p>{p}</p>" for p in PARAS]
    return ("<html><head><meta charset=utf-8><title>Bridge closed after crack found</title></head><body>"
            "<nav><a href=/>Home</a> <a href=/news>News</a></nav><article><h1>Bridge closed after crack found</h1>"
            "<p class=byline>By Dana Whitfield</p>" + "".join(paras[:2]) + "".join(figures) + "".join(paras[2:])
            + after + "</article><footer>Lowmoor Gazette</footer></body></html>")


def _shown(images: list) -> list[tuple[str, str | None]]:
    return [(i.caption, i.credit) for i in images]


WIRE_CAPTIONS = [
    ("Traffic queues on the diversion route on Saturday. REUTERS/Jo Roe",
     ("Traffic queues on the diversion route on Saturday.", "REUTERS/Jo Roe")),
    ("Smoke rises over the quay in this handout picture. Ministry of Harbours/Handout via REUTERS",
     ("Smoke rises over the quay in this handout picture.", "Ministry of Harbours/Handout via REUTERS")),
    ("Walkers cross the old bridge in Lowmoor Ada Quill/Reuters",
     ("Walkers cross the old bridge in Lowmoor", "Ada Quill/Reuters")),
]


def test_a_wire_credit_after_a_sentence_takes_no_word_of_the_sentence() -> None:
    """"... on Saturday. REUTERS/Jo Roe" gave the credit "Saturday. REUTERS/Jo Roe", and "Ministry of
    Harbours/Handout" lost "Ministry of" to the caption."""
    for line, expected in WIRE_CAPTIONS:
        assert _shown(parse_text(_dump(line)).images) == [expected], line
        figure = f"<figure><img src=https://gazette.example/a.jpg><figcaption>{line}</figcaption></figure>"
        assert _shown(page_article(_page(figure)).images) == [expected], line


def test_a_sign_read_out_in_a_caption_is_no_credit() -> None:
    """A slash in a sign's words ("No To War/Stop The Bombing") made its last words a credit."""
    caption = "Protesters hold placards reading No To War/Stop The Bombing"
    figure = f"<figure><img src=https://gazette.example/a.jpg><figcaption>{caption}</figcaption></figure>"
    assert _shown(page_article(_page(figure)).images) == [(caption, None)]


def test_a_labelled_photo_source_with_a_slash_credits_the_caption_beside_it() -> None:
    """A page copied whole prints a screen reader's labels: "Image source, Jo Roe/Nordwire" over
    "Image caption, ...". The source line ends in a wire credit, so it was taken for a caption of
    its own ("Image source," credited to Jo Roe/Nordwire), and the real caption got no credit."""
    caption = "Passengers waited overnight in the ferry terminal as the storm raged outside"
    dump = _dump("Image source, Jo Roe/Nordwire", f"Image caption, {caption}")
    article = parse_text(dump)
    assert _shown(article.images) == [(caption, "Jo Roe/Nordwire")]
    assert article.body == PARAS


def test_a_closing_photos_by_line_credits_the_storys_photographers() -> None:
    """"Photos by A and B" after the last paragraph made that paragraph a caption credited to them,
    "Photography by A and B" was thrown away, and "Photo editing by C" was filed as editing."""
    for line, reporting, photography in (
        ("Photos by Ann One and Bob Two", [], ["Ann One", "Bob Two"]),
        ("Photography by Ann One and Bob Two", [], ["Ann One", "Bob Two"]),
        ("Reporting by Jo Roe; Photo editing by Sam Lee", ["Jo Roe"], ["Sam Lee"]),
    ):
        for article in (parse_text(_dump(after=(line,))), page_article(_page(after=f"<p>{line}</p>"))):
            assert article.body == PARAS, line
            assert article.images == [], line
            assert article.credits is not None, line
            assert (article.credits.reporting, article.credits.photography) == (reporting, photography), line
            assert article.credits.editing == [], line


def test_photos_in_a_saved_pages_credit_line_are_its_photography() -> None:
    """"Additional reporting by A; Photos by B" filled additional reporting only."""
    article = page_article(_page(after="<p>Additional reporting by Kim Park; Photos by Ann One</p>"))
    assert article.credits is not None
    assert (article.credits.additional_reporting, article.credits.photography) == (["Kim Park"], ["Ann One"])


def test_a_photo_by_line_under_a_caption_still_credits_that_photo() -> None:
    """"Photo by X" (and "Photos by X" with the story going on below it) under a caption credits that
    caption's photo, not the story's photography."""
    caption = "Engineers examine the crack in the central arch on Sunday."
    for line in ("Photo by Sam Lee", "Photos by Sam Lee"):
        article = parse_text(_dump(caption, line))
        assert _shown(article.images) == [(caption, "Sam Lee")], line
        assert article.credits is None, line
        assert article.body == PARAS, line


def test_a_link_note_after_a_caption_is_no_part_of_it() -> None:
    """A copied page glues a link's label and its screen-reader note to the caption ("... REUTERS/Jo
    Roe Purchase Licensing Rights, opens new tab"): the line was no caption, and the photo was lost."""
    caption = "A ferry leaves port in Lowmoor, December 5, 2026."
    for note in ("Purchase Licensing Rights, opens new tab", "Buy this photo (opens in a new window)"):
        article = parse_text(_dump(f"{caption} REUTERS/Jo Roe {note}"))
        assert _shown(article.images) == [(caption, "REUTERS/Jo Roe")], note
        assert article.body == PARAS, note
    figure = (f"<figure><img src=https://gazette.example/a.jpg><figcaption>{caption} REUTERS/Jo Roe "
              "<a href=https://licensing.example/1>Purchase Licensing Rights<span>, opens new tab</span></a>"
              "</figcaption></figure>")
    assert _shown(page_article(_page(figure)).images) == [(caption, "REUTERS/Jo Roe")]


def test_a_saved_pages_photo_without_caption_is_kept() -> None:
    """A story photo with no caption or credit (a bare <figure><img>, or a <picture> in a figure) was
    dropped from a saved page, though a feed entry keeps one as "no caption"; a linked picture of
    another story, a small icon and a lazy page's stand-in file are still no photos, nor is an
    uncaptioned <img> outside a figure, however large (a logo, an author's picture, an ad)."""
    figures = ("<figure><img src=https://gazette.example/img/bridge.jpg alt=''></figure>"
               "<figure><picture><source srcset=https://gazette.example/img/arch.webp type=image/webp>"
               "<img src=https://gazette.example/img/arch.jpg width=600 height=400></picture></figure>"
               "<img src=https://gazette.example/img/quay.jpg width=600 height=400>"
               "<a href=https://gazette.example/news/other-story><img src=https://gazette.example/img/t.jpg "
               "width=600 height=400></a>"
               "<img src=https://gazette.example/img/share.png width=24 height=24>"
               "<figure><img src=https://gazette.example/static/grey-placeholder.png>"
               "<img src=https://gazette.example/img/crack.jpg></figure>")
    article = page_article(_page(figures))
    assert [(i.caption, i.credit, i.src) for i in article.images] == [
        ("", None, "https://gazette.example/img/bridge.jpg"),
        ("", None, "https://gazette.example/img/arch.jpg"),
        ("", None, "https://gazette.example/img/crack.jpg"),
    ]
    assert article.body == PARAS


def test_a_caption_printed_after_its_image_box_is_that_photos() -> None:
    """``<div class=article-image><img></div><div class=image-caption>... <span class=image-credit>``:
    the caption outside the photo's box was dropped as a stray caption, and the photo with it."""
    figures = ("<div class=article-image><img src=https://gazette.example/img/arch.jpg alt=''></div>\n"
               "<div class=image-caption>Engineers examine the crack in the arch. "
               "<span class=image-credit>Ann One/Coast Wire</span></div>"
               "<img src=https://gazette.example/img/quay.jpg>"
               "<p class=photo-caption>Traders set up their stalls on the quay.</p>")
    article = page_article(_page(figures))
    assert [(i.caption, i.credit, i.src) for i in article.images] == [
        ("Engineers examine the crack in the arch.", "Ann One/Coast Wire", "https://gazette.example/img/arch.jpg"),
        ("Traders set up their stalls on the quay.", None, "https://gazette.example/img/quay.jpg"),
    ]
    assert article.body == PARAS


def test_a_lazy_loading_pages_real_photo_address_is_read(tmp_path: Path) -> None:
    """A lazy page's photo is named by a <noscript> fallback or a data- attribute, its src a stand-in:
    the stand-in was taken ("not saved with the page" though the photo was), and of a srcset the
    first, smallest candidate."""
    files = tmp_path / "page_files"
    files.mkdir()
    for name in ("quay.jpg", "arch.jpg", "stalls-400.jpg", "stalls-800.jpg", "nets-400.jpg", "nets-800.jpg"):
        (files / name).write_bytes(png_bytes((40, 30)))
    figures = (
        "<figure><noscript><img src=page_files/quay.jpg></noscript><img class=lazy src=page_files/grey.gif>"
        "<figcaption>The quay at dawn. <span class=credit>Ann One</span></figcaption></figure>"
        "<figure><img data-original=page_files/arch.jpg src=page_files/grey.gif>"
        "<figcaption>The arch. <span class=credit>Bob Two</span></figcaption></figure>"
        "<figure><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' "
        "data-srcset='page_files/stalls-400.jpg 400w, page_files/stalls-800.jpg 800w'>"
        "<figcaption>The stalls. <span class=credit>Cy Three</span></figcaption></figure>"
        "<figure><img src=page_files/nets-400.jpg srcset='page_files/nets-400.jpg 400w, page_files/nets-800.jpg 800w'>"
        "<figcaption>The nets. <span class=credit>Di Four</span></figcaption></figure>")
    page = tmp_path / "page.html"
    page.write_text(_page(figures), encoding="utf-8")
    article = read_one(page)[0].article
    assert article is not None
    assert [(i.src, i.problem) for i in article.images] == [
        ("page_files/quay.jpg", None), ("page_files/arch.jpg", None), ("page_files/stalls-800.jpg", None),
        ("page_files/nets-800.jpg", None)]
    assert all(i.photo for i in article.images)


def test_two_credit_elements_of_one_photo_stay_two_credits() -> None:
    """Two ``<span class=credit>`` in a caption ran together: "Lars Ek Pia Lund" reads as one person."""
    figures = ("<figure><img src=https://gazette.example/img/nets.jpg><figcaption>Fishermen mend nets on the quay. "
               "<span class=credit>Lars Ek</span><span class=credit>Pia Lund</span></figcaption></figure>"
               "<figure><img src=https://gazette.example/img/quay.jpg><figcaption>The quay at dawn. "
               "<span class=credit>Ann One</span> / <span class=credit>Coast Wire</span></figcaption></figure>")
    assert _shown(page_article(_page(figures)).images) == [
        ("Fishermen mend nets on the quay.", "Lars Ek / Pia Lund"), ("The quay at dawn.", "Ann One / Coast Wire")]

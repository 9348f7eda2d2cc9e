"""What a reader gets from a saved page's story: its text, byline, dates, credits and photos.

Each test is a made-up page written the way real pages mark the thing tested.
"""

from __future__ import annotations

import json

import pytest

from broadsheet.store.html import page_article
from tests.html_pages import GALLERY


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><meta charset=utf-8>{head}</head><body><article>{body}</article></body></html>"


def test_chinese_and_japanese_stories_are_read_though_they_have_no_spaces() -> None:
    chinese = page("<h1>东港迎来新渡轮</h1><p>周二，一艘新渡轮抵达东港，港口工作人员在码头上迎接了它。</p>"
                   "<p>港务局说，新渡轮每天往返海湾六次。</p>")
    article = page_article(chinese)
    assert article.headline == "东港迎来新渡轮" and len(article.body) == 2
    japanese = page("<h1>港に新しい渡し船</h1><p>火曜日、新しい渡し船が東港に到着し、関係者が岸壁で出迎えた。</p>")
    assert page_article(japanese).body == ["火曜日、新しい渡し船が東港に到着し、関係者が岸壁で出迎えた。"]

CJK_STORY = ["周二，一艘新渡轮抵达东港，港口工作人员在码头上迎接了它。", "港务局说，新渡轮每天往返海湾六次。"]


def test_a_chinese_storys_closing_credit_lines_are_read_by_role_and_leave_the_story() -> None:
    html = page("<h1>东港迎来新渡轮</h1>" + "".join(f"<p>{p}</p>" for p in CJK_STORY)
                + "<p>（摄影：王五）</p><p>文/李四</p><p>校对：孙八</p><p>责任编辑：林佳</p>")
    article = page_article(html)
    assert article.body == CJK_STORY
    credits = article.credits
    assert credits is not None and credits.photography == ["王五"] and credits.writing == ["李四"]
    assert credits.editing == ["孙八", "林佳"]


def test_reporters_named_inside_a_chinese_storys_first_paragraph_are_its_authors() -> None:
    # The site, named as the page's author, was the byline; the paragraph keeps its brackets.
    first = "本报东港12月3日电（记者 周小文）" + CJK_STORY[0]
    head = '<meta property="og:site_name" content="东港日报"><meta name="author" content="东港日报">'
    article = page_article(page(f"<h1>东港迎来新渡轮</h1><p>{first}</p><p>{CJK_STORY[1]}</p>", head))
    assert article.authors == ["周小文"]
    assert article.body == [first, CJK_STORY[1]]


STORY = (
    "<p>LOWMOOR, March 11 - The harbour council voted on Tuesday to add two early crossings to the weekday "
    "ferry timetable.</p>"
    "<p>Commuters had asked for the change since the winter, when queues at the slipway grew every morning.</p>"
    "<p>The operators said the new sailings would start at the beginning of next month.</p>"
)


def test_every_credit_line_at_the_end_is_read_and_none_stays_in_the_story() -> None:
    html = page("<h1>Early ferries for Lowmoor</h1>" + STORY
                + "<p><em>Additional reporting by Tam Orrin in Fenby.</em></p><p><em>Editing by Lise Carr.</em></p>")
    article = page_article(html)
    assert article.body[-1].startswith("The operators said")
    assert article.credits is not None
    assert article.credits.additional_reporting == ["Tam Orrin"] and article.credits.editing == ["Lise Carr"]


def test_a_story_paragraph_that_starts_like_a_credit_stays_in_the_story() -> None:
    line = "Reporting by the Gazette last year found the ferry lost money on every crossing in winter."
    html = page("<h1>Early ferries for Lowmoor</h1>" + STORY
                + f"<p>{line}</p><p>Reporting by Jo Roe; Editing by Sam Lee</p>")
    article = page_article(html)
    assert article.body[-1] == line
    assert article.credits is not None and article.credits.reporting == ["Jo Roe"]


def test_lines_that_only_date_the_story_are_not_its_text() -> None:
    html = page("<h1>Early ferries for Lowmoor</h1><time>11 March 2024</time>" + STORY)
    article = page_article(html)
    assert article.dateline == "LOWMOOR, March 11"  # no longer hidden behind the date line
    assert article.body[0].startswith("The harbour council")
    html = page("<h1>Early ferries for Lowmoor</h1><div class=article-dates><span>Updated 30 September 2024</span> "
                "<span>Published 1 August 2024, 09:30 BST</span></div>" + STORY)
    assert page_article(html).body[0].startswith("The harbour council")


def test_a_byline_marked_as_an_address_or_an_author_box_is_not_the_first_paragraph() -> None:
    for byline in ('<address class="author">By Tam Orrin</address>',
                   '<p class="article-author">By Tam Orrin</p>',
                   '<div class="story-author"><span>Tam Orrin</span>, Transport Correspondent</div>'):
        article = page("<h1>Early ferries for Lowmoor</h1>" + byline + STORY)
        got = page_article(article)
        assert got.authors == ["Tam Orrin"]
        assert got.dateline == "LOWMOOR, March 11" and got.body[0].startswith("The harbour council"), byline


def test_an_amp_page_photo_keeps_its_address() -> None:
    html = page('<h1>Early ferries for Lowmoor</h1><figure><amp-img src="https://coast.example/ferry.jpg" width="4" '
                'height="3"></amp-img><figcaption>The first early ferry leaves.</figcaption></figure>' + STORY)
    (image,) = page_article(html).images
    assert image.caption == "The first early ferry leaves." and image.src == "https://coast.example/ferry.jpg"


def test_a_lazy_loading_pages_photos_keep_their_addresses_not_the_placeholder() -> None:
    # An empty SVG box or a 1x1 GIF stands in for each photo until a script loads it from an
    # attribute of its own; importing the page refused every placeholder as "not an image".
    box = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="
    html = page('<h1>Early ferries for Lowmoor</h1>'
                f'<figure><img src="{box}" data-gallery-lazyload-srcset="https://coast.example/ferry-600.jpg 1x, '
                'https://coast.example/ferry-1200.jpg 2x">'
                '<figcaption>The first early ferry leaves.</figcaption></figure>'
                '<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-hi-res-src="/pier.jpg">'
                '<figcaption>The pier at dawn.</figcaption></figure>' + STORY,
                head='<link rel="canonical" href="https://coast.example/news/ferries">')
    assert [image.src for image in page_article(html).images] == [
        "https://coast.example/ferry-600.jpg", "https://coast.example/pier.jpg"]


def test_a_byline_written_as_the_first_paragraph_names_the_authors() -> None:
    # A page that marks no byline: the site's name was taken as the author, and "By ..." stayed
    # in the story as its first paragraph.
    html = page('<h1>Early ferries for Lowmoor</h1><p>By Ada Quill and Ben Wick</p>' + STORY,
                head='<meta property="og:site_name" content="Lowmoor Gazette">')
    article = page_article(html)
    assert article.authors == ["Ada Quill", "Ben Wick"] and not article.body[0].startswith("By ")
    unsigned = page_article(page('<h1>Early ferries for Lowmoor</h1>' + STORY,
                                 head='<meta property="og:site_name" content="Lowmoor Gazette">'))
    assert unsigned.authors == ["Lowmoor Gazette"]  # an unsigned story is the publisher's


def test_the_lead_photo_described_in_metadata_too_is_one_photo() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Early ferries for Lowmoor", '
          '"image": {"@type": "ImageObject", "url": "https://coast.example/ferry.jpg", "caption": "%s"}}</script>')
    figure = ('<h1>Early ferries for Lowmoor</h1><figure><img src="%s"><figcaption>The first early ferry leaves '
              'Lowmoor. <span class=credit>Ann Tey</span></figcaption></figure>')
    # the metadata's caption without the printed full stop; the photo saved next to the page
    html = page(figure % "./page_files/ferry.jpg" + STORY, ld % "The first early ferry leaves Lowmoor")
    assert [i.caption for i in page_article(html).images] == ["The first early ferry leaves Lowmoor."]
    # the same photo, described in other words
    html = page(figure % "https://coast.example/ferry.jpg" + STORY, ld % "A ferry at Lowmoor slipway")
    assert [i.caption for i in page_article(html).images] == ["The first early ferry leaves Lowmoor."]


def test_authors_of_the_related_stories_listed_in_json_ld_are_not_the_storys() -> None:
    related = {"@type": "NewsArticle", "headline": "Slipway to be rebuilt", "author": {"@type": "Person",
                                                                                   "name": "Bo Hale"}}
    story = {"@type": "NewsArticle", "headline": "Early ferries for Lowmoor", "author": {"@type": "Person",
                                                                                     "name": "Tam Orrin"}}
    ld = {"@context": "https://schema.org", "@graph": [story, {"@type": "ItemList", "itemListElement": [related]}]}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    article = page_article(page("<h1>Early ferries for Lowmoor</h1>" + STORY, head))
    assert article.authors == ["Tam Orrin"]


def test_the_published_date_is_preferred_to_the_last_change_wherever_each_is_stated() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Early ferries for Lowmoor", '
          '"dateModified": "2024-09-30T16:00:00Z"}</script>')
    head = '<meta property="article:published_time" content="2024-08-01T07:00:00Z">' + ld
    title = "<h1>Early ferries for Lowmoor</h1>"
    assert page_article(page(title + STORY, head)).published == "2024-08-01T07:00:00+00:00"
    printed = ('<h1>Early ferries for Lowmoor</h1><div class=dates><span>Updated 30 September 2024</span> '
               "<span>Published 1 August 2024</span></div>")
    assert page_article(page(printed + STORY)).published == "2024-08-01"
    # a modified date is still better than none
    assert page_article(page(title + STORY, ld)).published == "2024-09-30T16:00:00+00:00"


def test_paragraphs_a_page_separates_with_two_line_breaks_stay_apart() -> None:
    text = STORY.replace("<p>", "").replace("</p>", "<br><br>\n")
    html = page(f"<h1>Early ferries for Lowmoor</h1><div class=story-text>{text}</div>")
    body = page_article(html).body
    assert len(body) == 3 and body[1].startswith("Commuters had asked")
    one_break = page("<h1>Early ferries for Lowmoor</h1><p>" + STORY[3:].replace("</p><p>", "<br>", 1))
    assert len(page_article(one_break).body) == 2  # one break is a line break inside the paragraph


def test_caption_and_credit_are_told_apart_however_the_page_orders_and_labels_them() -> None:
    from broadsheet.store.html.fragment import fragment

    figures = {
        # the credit printed over the photo, before its figcaption
        '<figure><img src="a.jpg"><span class="image-credit">Ann Tey / Coast Herald</span>'
        "<figcaption>Commuters board the first early ferry.</figcaption></figure>":
            ("Commuters board the first early ferry.", "Ann Tey / Coast Herald"),
        # a copyright sign at the caption's end
        "<figure><img src='b.jpg'><figcaption>The slipway at low tide. © Lowmoor Harbour Trust</figcaption></figure>":
            ("The slipway at low tide.", "Lowmoor Harbour Trust"),
        # the credit labelled for screen readers only
        '<figure><div><img src="c.jpg"><span><span class="visually-hidden">Image source, </span>Coast Herald'
        '</span></div><figcaption><span class="visually-hidden">Image caption, </span>The ferry at dawn.'
        "</figcaption></figure>":
            ("The ferry at dawn.", "Coast Herald"),
    }
    for html, expected in figures.items():
        (image,) = fragment(html).images
        assert (image.caption, image.credit) == expected


def test_a_saved_pages_agency_has_its_one_name() -> None:
    html = page("<h1>Early ferries for Lowmoor</h1>" + STORY.replace("LOWMOOR, March 11 -", "LOWMOOR (AP) —"))
    article = page_article(html)
    assert article.dateline == "LOWMOOR (AP)" and article.agency == "Associated Press"


def test_a_byline_naming_more_people_than_the_metadata_gives_them_all() -> None:
    """Metadata often names the first author alone: "By Ines Calloway and Rupert Ashdown" was
    stored as Ines Calloway's story; a byline naming others than the metadata does not win."""
    story = ("<h1>Harbour crane collapses in storm</h1><p class='byline'>By Ines Calloway and Rupert Ashdown</p>"
             "<p>A crane at the container terminal collapsed in the storm on Tuesday night, the port said.</p>"
             "<p>No one was hurt, but berth seven will stay closed while engineers inspect the quay.</p>")
    assert page_article(page(story, "<meta name='author' content='Ines Calloway'>")).authors == [
        "Ines Calloway", "Rupert Ashdown"]
    other = story.replace("Rupert Ashdown", "Port Desk").replace("Ines Calloway and ", "")
    assert page_article(page(other, "<meta name='author' content='Ines Calloway'>")).authors == ["Ines Calloway"]


def test_credits_written_in_sentences_at_the_end_leave_the_story() -> None:
    """"Leif Ander reported from Skarsholm. Additional reporting by ..." stayed the story's last
    paragraph, its people in no credit; a story sentence that reports something stays."""
    story = ("<h1>Northern lights over the fjord</h1><p>By Leif Ander</p>"
             "<p>The northern lights filled the sky over the fjord on Sunday night, drawing crowds to the shore.</p>"
             "<p>The council reported from its own survey that more visitors came than last winter.</p>")
    endings = {
        "Leif Ander reported from Skarsholm. Additional reporting by Camille Rau and Tomas Wren.":
            (["Leif Ander"], ["Camille Rau", "Tomas Wren"]),
        "Elna Vass is the science correspondent. Additional reporting by Marit Olde.": ([], ["Marit Olde"]),
        "Cecily Thorn reported from Marrowdale. Ruben Alcot contributed reporting from Kettlebridge.":
            (["Cecily Thorn"], ["Ruben Alcot"]),
    }
    for ending, (reporting, additional) in endings.items():
        article = page_article(page(story + f"<p><em>{ending}</em></p>"))
        assert article.credits is not None and article.credits.text == ending
        assert (article.credits.reporting, article.credits.additional_reporting) == (reporting, additional)
        assert article.body[-1].startswith("The council reported from its own survey")


def test_a_marked_standfirst_is_the_standfirst_and_the_dateline_after_it_is_read() -> None:
    """The summary under the headline, marked as the page's standfirst (its deck, its subtitle), had
    been the story's first paragraph, and it hid the wire dateline of the paragraph after it."""
    for mark in ('class="standfirst"', 'class="article-subtitle"', 'class="c-dek"', 'id="article-lead"'):
        html = page('<h1>Pier closes after storm damage</h1>'
                    f'<p {mark}>Engineers found cracks in three of the pier\'s iron legs after the gale.</p>'
                    '<p class="byline">By Mara Quint</p>'
                    '<p><span class="dateline">PORT VELLMAR (Nordwire)</span> - The harbour board shut the old pier on '
                    'Tuesday after engineers found cracks in its legs.</p>'
                    '<p>Fishermen who tie up along the pier will move to the north quay, the board said.</p>')
        article = page_article(html)
        assert article.standfirst == "Engineers found cracks in three of the pier's iron legs after the gale.", mark
        assert (article.dateline, article.agency) == ("PORT VELLMAR (Nordwire)", "Nordwire"), mark
        assert article.body == ["The harbour board shut the old pier on Tuesday after engineers found cracks in its "
                                "legs.", "Fishermen who tie up along the pier will move to the north quay, the board "
                                "said."], mark


def test_a_summary_marked_as_one_is_not_the_standfirst_away_from_the_headline_or_as_a_box() -> None:
    """Another story's excerpt after the text began, a header holding the headline, and a
    newsletter box marked "intro" are not the story's standfirst, and the text keeps what it had."""
    text = ('<p>The harbour board shut the old pier on Tuesday after engineers found cracks in its legs.</p>'
            '<p>Fishermen who tie up along the pier will move to the north quay, the board said.</p>')
    cases = [
        '<h1>Pier closes after storm damage</h1>' + text
        + '<p class="dek">A new ferry for the island route arrives from the yard next spring.</p>',
        '<div class="lede"><h1>Pier closes after storm damage</h1><p>Harbour board acts after engineers look at '
        'the legs.</p></div>' + text,
        '<h1>Pier closes after storm damage</h1><p class="intro newsletter">Get the harbour news in your inbox '
        'every morning.</p>' + text,
    ]
    for html in cases:
        article = page_article(page(html))
        assert article.standfirst is None, html


def test_a_file_photo_note_is_part_of_the_caption_not_its_credit() -> None:
    """"(File photo)" says what the photo is and names no one: it was shown as the photo's credit."""
    from broadsheet.store.html.fragment import fragment
    from broadsheet.store.parse.captions import split_credit

    figures = {
        "<figure><img src='a.jpg'><figcaption>The old pier before the storm. (File photo)</figcaption></figure>":
            ("The old pier before the storm. (File photo)", None),
        "<figure><img src='b.jpg'><figcaption>The old pier before the storm. <span>(Archive image)</span>"
        "</figcaption></figure>":
            ("The old pier before the storm. (Archive image)", None),
        "<figure><img src='c.jpg'><figcaption>The old pier before the storm. (File photo: Nordwire)</figcaption>"
        "</figure>":
            ("The old pier before the storm.", "Nordwire"),
    }
    for html, expected in figures.items():
        (image,) = fragment(html).images
        assert (image.caption, image.credit) == expected, html
    assert split_credit("The old pier before the storm. (File photo)") is None  # a text dump's caption line too


def test_a_first_paragraph_marked_lead_is_the_texts_opening_not_its_standfirst() -> None:
    """Bootstrap's ``lead`` (and a CMS's ``intro``) marks a story's first paragraph: it was moved
    into the standfirst, and the wire dateline it opened with was lost."""
    rest = ("<p>Work will begin in the spring, once the fishing season ends, and the pier will stay open to walkers "
            "on its southern half.</p><p>Fishermen said they welcomed the decision but worried about the months "
            "without a landing place.</p>")
    opening = ("The harbour board voted on Tuesday to rebuild the north pier, which storms damaged last winter, at "
               "a cost of four million pounds.")
    for mark, text in (("lead", "LONDON (Nordwire) - " + opening), ("lead", opening), ("intro", opening),
                       ("standfirst", "PORT VELLMAR (Nordwire) - " + opening)):
        html = (f"<article><h1>Harbour board votes to rebuild pier</h1><p class='byline'>By Ann Example</p>"
                f"<p class='{mark}'>{text}</p>{rest}</article>")
        article = page_article(page(html))
        assert article.standfirst is None, (mark, text)
        assert len(article.body) == 3 and article.body[0].endswith("four million pounds."), (mark, text)
    html = ("<article><h1>Harbour board votes to rebuild pier</h1><p class='lead'>The board's vote ends a year of "
            f"argument over the pier.</p><div class='text'><p>{opening}</p>{rest}</div></article>")
    assert page_article(page(html)).standfirst == "The board's vote ends a year of argument over the pier."


STORY_PS = ("<p>The harbour board voted on Tuesday to rebuild the north quay wall before the winter storms.</p>"
            "<p>Work is expected to take four months and will close the ferry berth for two weeks in October.</p>")


def _ld_authored(*names: str, site: str = "Lowmoor Gazette") -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Quay wall to be rebuilt",
          "author": [{"@type": "Person", "name": name} for name in names],
          "publisher": {"@type": "Organization", "name": site}}
    return f'<script type="application/ld+json">{json.dumps(ld)}</script>'


def test_a_printed_byline_of_people_beats_a_desk_or_the_site_named_as_author() -> None:
    """A CMS with nobody set names its desk ("Newsdesk", "Redacción") or the site itself as the
    author; the page prints who wrote it. Metadata naming people still wins over a printed desk."""
    printed = '<h1>Quay wall to be rebuilt</h1><p class="byline">By Ada Quill</p>' + STORY_PS
    for placeholder in ("Lowmoor Gazette Newsdesk", "Redacción", "Lowmoor Gazette"):
        assert page_article(page(printed, _ld_authored(placeholder))).authors == ["Ada Quill"], placeholder
    desk = '<h1>Quay wall to be rebuilt</h1><p class="byline">By Gazette Staff</p>' + STORY_PS
    assert page_article(page(desk, _ld_authored("Ben Wick"))).authors == ["Ben Wick"]


def test_a_byline_in_spanish_french_or_german_names_each_author() -> None:
    for byline, names in (("Por Ana Ruiz y Luis Mena", ["Ana Ruiz", "Luis Mena"]),
                          ("Par Léa Martin et Paul Roux", ["Léa Martin", "Paul Roux"]),
                          ("Von Jana Wolf und Jörg Brandt", ["Jana Wolf", "Jörg Brandt"])):
        html = page(f'<h1>Quay wall to be rebuilt</h1><p class="byline">{byline}</p>' + STORY_PS)
        assert page_article(html).authors == names, byline


def test_the_printed_headline_wins_over_metadata_that_adds_the_sites_name() -> None:
    """JSON-LD's headline with " - Site" after it (what many CMSs write) was taken whole; the
    printed headline it starts with is the story's. A colon goes on a headline: kept."""
    for stated in ("Quay wall to be rebuilt - Lowmoor Gazette", "Quay wall to be rebuilt | Harbour Blog | Medium"):
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": stated})
        html = page("<h1>Quay wall to be rebuilt</h1>" + STORY_PS, f'<script type="application/ld+json">{ld}</script>')
        assert page_article(html).headline == "Quay wall to be rebuilt", stated
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": "Quay wall to be rebuilt: what it means for the ferry"})
    html = page("<h1>Quay wall to be rebuilt</h1>" + STORY_PS, f'<script type="application/ld+json">{ld}</script>')
    assert page_article(html).headline == "Quay wall to be rebuilt: what it means for the ferry"


def test_asks_of_the_reader_and_comment_boxes_are_not_story_text() -> None:
    """A donation box named for the story's template ("ArticlePage-donate": both story-like and
    furniture-like), a call to action, a German subscription box and a German comments box were
    kept at the story's end."""
    asks = ('<div class="ArticlePage-donate"><p>Local news is a public service that relies on listeners '
            'like you. Make your gift today to keep it strong.</p></div>'
            '<div class="kg-cta-card"><p>This weekly is funded by its readers: join them for the price of a '
            'coffee a month.</p></div>'
            '<div class="artikel-abo"><p>Sie möchten mehr lesen? Jetzt digital testen, vier Wochen gratis und '
            'danach jederzeit kündbar.</p></div>'
            '<div class="kommentare"><h3>Kommentare (3)</h3><p>Um Kommentare zu schreiben, melden Sie sich '
            'bitte mit Ihrem Konto an.</p></div>')
    html = page('<h1>Quay wall to be rebuilt</h1><div class="ArticlePage-body">' + STORY_PS + "</div>" + asks)
    assert page_article(html).body == [
        "The harbour board voted on Tuesday to rebuild the north quay wall before the winter storms.",
        "Work is expected to take four months and will close the ferry berth for two weeks in October."]


def test_a_lead_photo_beside_the_storys_own_article_element_is_the_storys() -> None:
    """Arc XP and others put the headline and lead photo above an ``<article>`` holding the text
    alone: the photo's search stopped at that element, and the lead photo and its credit were lost."""
    html = ("<!DOCTYPE html><html><head><meta charset=utf-8></head><body><main><div class='story'>"
            "<h1>Quay wall to be rebuilt</h1>"
            "<figure><img src='https://gazette.example/quay.jpg' alt=''><figcaption>The north quay wall after "
            "the January storm. <span class='credit'>Ada Quill / Gazette</span></figcaption></figure>"
            f"<article class='story-body'>{STORY_PS}</article></div></main></body></html>")
    (image,) = page_article(html).images
    assert image.caption == "The north quay wall after the January storm."
    assert image.credit == "Ada Quill / Gazette"


def test_a_credit_says_who_not_what_kind_of_picture() -> None:
    """"Staff photo by Ada Quill" and "Drone image courtesy of Harbour Rescue" kept their labels in
    the credit, where "Photo by" went."""
    for printed, credit in (("Staff photo by Ada Quill", "Ada Quill"),
                            ("Drone image courtesy of Harbour Rescue", "Harbour Rescue")):
        html = page(f"<h1>Quay wall to be rebuilt</h1><figure><img src='https://gazette.example/q.jpg' alt=''>"
                    f"<figcaption>The north quay wall after the storm. <span class='credit'>{printed}</span>"
                    f"</figcaption></figure>{STORY_PS}")
        assert [i.credit for i in page_article(html).images] == [credit], printed


def test_a_storys_paragraphs_in_boxes_for_subscribers_are_the_story() -> None:
    """TownNews BLOX (many US local papers) wraps each paragraph of the story in
    ``<div class="subscriber-only">``: named like a subscription box, every one was dropped."""
    paras = ["The harbour board voted on Tuesday to rebuild the north quay wall before the winter storms.",
             "Work is expected to take four months and will close the ferry berth for two weeks in October.",
             "The board said the cost would be shared with the county under an agreement signed last year."]
    html = page("<h1>Quay wall to be rebuilt</h1><div class='asset-content'>"
                + "".join(f"<div class='subscriber-only'><p>{p}</p></div>" for p in paras) + "</div>")
    assert page_article(html).body == paras


def test_a_credit_line_before_an_authors_bio_is_the_storys_credits() -> None:
    """A wire page ends with its credit line, then the author's name, outlet and bio: the credit line
    was looked for in the last three paragraphs only, and stayed in the text."""
    credit = "Reporting by Ada Quill; Additional reporting by Ben Wick in Portville; Editing by Cy Hale"
    html = page("<h1>Quay wall to be rebuilt</h1>" + STORY_PS + f"<p>{credit}</p><p>Ada Quill</p>"
                "<p>Gazette Wire</p><p>Ada covers harbours and shipping across the northern coast.</p>")
    article = page_article(html)
    assert article.credits is not None and article.credits.reporting == ["Ada Quill"]
    assert article.credits.editing == ["Cy Hale"] and credit not in article.body


def test_a_captions_hide_and_toggle_buttons_are_not_its_text_nor_the_storys() -> None:
    """A radio site's photo box prints "hide caption" inside the caption and "toggle caption" after
    it (buttons drawn as ``<b>``), in a box named for caption and credit both: the labels ended the
    caption, and the credit took the caption's text. A caption left outside its photo's box in the
    text kept its "hide caption" too."""
    wrapped = ("<div class='bucketwrap image'><div class='imagewrap'><img src='https://gazette.example/q.jpg' alt=''>"
               "</div><div class='credit-caption'><div class='caption-wrap'><div class='caption'><p>The north quay "
               "wall after the January storm. <b class='hide-caption'><b>hide caption</b></b></p></div>"
               "<b class='toggle-caption'><b>toggle caption</b></b></div>"
               "<span class='credit'>Ada Quill/Gazette</span></div></div>")
    glued = ("<figure><img src='https://gazette.example/q.jpg' alt=''><figcaption>The north quay wall after the "
             "January storm.hide caption Toggle caption Ada Quill/Gazette</figcaption></figure>")
    for photo in (wrapped, glued):
        article = page_article(page("<h1>Quay wall to be rebuilt</h1>" + photo + STORY_PS))
        assert [(i.caption, i.credit) for i in article.images] == [
            ("The north quay wall after the January storm.", "Ada Quill/Gazette")], photo
    loose = "<p>The north quay wall after the January storm, seen from the ferry. <b>hide caption</b></p>"
    article = page_article(page("<h1>Quay wall to be rebuilt</h1>" + STORY_PS + loose))
    assert article.body[-1] == "The north quay wall after the January storm, seen from the ferry."


def test_a_read_more_link_after_the_names_is_no_author_and_no_credit() -> None:
    """A wire site prints a "Read More" button or link after a byline's names, after a photo's
    credit and after its closing credit line: it became part of the last name ("BEN WICK READ MORE",
    "Ben Wick Read More"), a photo credit's words, and kept the closing credit in the story's text."""
    for byline in ("<div class='Page-authors'>By ADA QUILL and BEN WICK <span>READ MORE</span></div>",
                   "<p>By ADA QUILL and BEN WICK <a href='/staff'>Read More</a></p>"):
        html = page("<h1>Quay wall to be rebuilt</h1>" + byline + STORY_PS)
        assert page_article(html).authors == ["ADA QUILL", "BEN WICK"], byline
    photo = ("<figure><img src='https://gazette.example/q.jpg' alt=''><figcaption>The north quay wall after the "
             "storm, Monday, Jan. 12, 2026. (Wire Photo/Ada Quill) <a href='#'>Read More</a></figcaption></figure>")
    (image,) = page_article(page("<h1>Quay wall to be rebuilt</h1>" + photo + STORY_PS)).images
    assert (image.caption, image.credit) == ("The north quay wall after the storm, Monday, Jan. 12, 2026.",
                                             "Wire Photo/Ada Quill")
    photo = ("<figure><img src='https://gazette.example/q.jpg' alt=''><figcaption>The north quay wall after the "
             "storm. <span class='credit'>Ada Quill/Gazette</span> <a href='#'>Read More</a></figcaption></figure>")
    (image,) = page_article(page("<h1>Quay wall to be rebuilt</h1>" + photo + STORY_PS)).images
    assert image.credit == "Ada Quill/Gazette"
    for line, people in (("Additional reporting by Ben Wick and Cy Hale", ["Ben Wick", "Cy Hale"]),
                         ("Wire writers Ben Wick in Portville and Cy Hale in Fenby contributed to this report.",
                          ["Ben Wick", "Cy Hale"])):
        html = page("<h1>Quay wall to be rebuilt</h1>" + STORY_PS + f"<p>{line} <a href='/more'>Read More</a></p>")
        article = page_article(html)
        assert article.credits is not None and article.credits.additional_reporting == people, line
        assert article.credits.text == line and not any("Read More" in p for p in article.body), line


STORY_BY = '<h1>Quay wall to be rebuilt</h1><p class="byline">By Ada Quill</p>' + STORY_PS
LAST = "Work is expected to take four months and will close the ferry berth for two weeks in October."


def test_a_corrections_policy_notice_and_a_print_edition_note_are_not_story_text() -> None:
    """A newspaper closes its stories with its corrections policy and a note of the story's print
    edition: both were kept as the story's last paragraphs. A correction itself is the story's."""
    endings = [
        "<p>We are committed to accuracy. If you see an error, please contact us or read our corrections "
        "policy.</p>",
        "<div class='article-footer-note'><p>The Lowmoor Gazette is committed to accuracy in all of its reporting. "
        "If you believe a factual error has been made, read our corrections policy to learn how to request a "
        "correction.</p></div>",
        "<div class='print-info'><span>A version of this article appears in print on</span> <span>Jan. 14, 2026"
        "</span>, Section A, Page 12 of the Lowmoor edition with the headline: Quay Wall Rebuilt. "
        "<a href='/reprints'>Order Reprints</a> | <a href='/paper'>Today’s Paper</a></div>",
    ]
    for ending in endings:
        assert page_article(page(STORY_BY + ending)).body[-1] == LAST, ending
    for kept in ("A correction was made on Jan. 15, 2026: An earlier version of this article misstated how long "
                 "the ferry berth would close. It is two weeks, not three.",
                 "The paper said its corrections policy requires editors to fix errors within a day, which the "
                 "harbour board called too slow.",
                 "If you find a mistake on your ferry ticket, take it to the harbour office within 30 days.",
                 "The corrections policy of US newspapers varies widely from one paper to the next, the study "
                 "found."):
        assert page_article(page(STORY_BY + f"<p>{kept}</p>")).body[-1] == kept


def test_an_authors_biography_after_the_story_is_not_its_text() -> None:
    """A biography in a box named for it ("author-info", "byline-bio", "user-bio") was kept when the box
    was long or its name was not a furniture name, and one printed in no named box after the story was
    kept too. A story's last sentence about a reporter, and a book's author's line, stay."""
    bio = ("Ada Quill is a reporter covering transport and the harbour for the Gazette. She joined the paper in "
           "2019 after six years at the Fenby Courier, where she covered the county council and the courts, and "
           "before that she wrote for two weeklies along the northern coast.")
    endings = [f"<div class='author-info'><p>{bio}</p></div>",
               f"<div class='byline-bio'><p>{bio}</p><p>Contact Ada at aquill@gazette.example</p></div>",
               "<div class='user-bio'><div>Ada is the harbour correspondent.</div></div>",
               f"<p>{bio}</p>",
               "<p>Jane Roe is a reporter covering schools and the county council. She joined the paper in 2021."
               "</p>"]
    for ending in endings:
        assert page_article(page(STORY_BY + ending)).body[-1] == LAST, ending
    for kept in ("Tom Brack was a reporter for the Fenby Courier for thirty years before he ran the ferry.",
                 "Ada Quill is the author of The Harbour Book."):
        assert page_article(page(STORY_BY + f"<p>{kept}</p>")).body[-1] == kept
    assert page_article(page(STORY_BY + f"<p class='c-author__bio'>{kept}</p>")).body[-1] == kept


def test_a_saved_pages_code_block_keeps_its_lines_and_its_tables_rows_their_cells() -> None:
    # The <pre> was one line, the table six paragraphs of one cell each; a row of short headings is
    # no menu ("Home | News | Sport"), and a row of links is still a list of links.
    story = "Readers asked how the harbour office renames its tide logs each night, so here is the script."
    html = page("<h1>How the tide logs are kept</h1>"
                f"<p>{story}</p><pre><code>for f in *.txt; do\n    echo \"$f\"\ndone</code></pre>"
                "<table><tr><th>Name</th><th>Value</th><th>Unit</th></tr><tr><td>alpha</td><td>1</td><td>m</td></tr>"
                "<tr><td>beta</td><td>2</td><td>m</td></tr></table>"
                "<table><tr><td><a href='/a'>Tides</a></td><td><a href='/b'>Weather</a></td></tr></table>"
                f"<p>{story}</p>")
    assert page_article(html).body == [story, 'for f in *.txt; do\n    echo "$f"\ndone', "Name · Value · Unit",
                                       "alpha · 1 · m", "beta · 2 · m", story]


def test_a_gallerys_photos_on_a_saved_page_are_each_a_photo() -> None:
    # A <figure> holding two <figure>s (a gallery): each its own photo, caption and credit.
    paragraphs = "".join(f"<p>The harbour board met on Tuesday to talk about the pier, part {n} of the "
                         "long story of its repair after the storms of last winter.</p>" for n in range(3))
    html = (f"<html><head><title>Harbour in winter</title></head><body><article><h1>Harbour in winter</h1>"
            f"{paragraphs}{GALLERY}</article></body></html>")
    images = page_article(html, "https://news.example/world/story.html").images
    assert [(i.caption, i.credit) for i in images] == [
        ("The quay at low tide.", "Jo Roe"), ("The north pier after the storm.", "Bo Lund"),
        ("Two views of the harbour this winter.", None)]


@pytest.mark.parametrize("owner", ['<meta name="copyright" content="Copyright (c) Gull Media Group 2025">',
                                   '<meta property="og:site_name" content="Gull Media Group">'])
def test_a_meta_author_naming_the_sites_owner_is_no_author_beside_the_people(owner: str) -> None:
    # The people who wrote it in JSON-LD; the meta tag "author" names the company (its copyright holder or
    # the site), as a CMS fills in: the company wrote nothing.
    ld = json.dumps({"@type": "NewsArticle", "headline": "Harbour in winter",
                     "author": [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Person", "name": "Bo Chen"}]})
    paragraphs = "".join(f"<p>The harbour board met on Tuesday to talk about the pier, part {n} of the long "
                         "story of its repair after the storms of last winter.</p>" for n in range(3))
    html = (f'<html><head><title>Harbour in winter</title><meta name="author" content="Gull Media Group">{owner}'
            f'<script type="application/ld+json">{ld}</script></head><body><article><h1>Harbour in winter</h1>'
            f"{paragraphs}</article></body></html>")
    assert page_article(html).authors == ["Ann Lee", "Bo Chen"]
    # Guard: with no people named beside it, the meta tag's name is still the author.
    alone = html.replace(ld, json.dumps({"@type": "NewsArticle", "headline": "Harbour in winter"}))
    assert page_article(alone).authors == ["Gull Media Group"]


@pytest.mark.parametrize("place", ["St. Albans", "Mt. Pleasant", "Ft. Lauderdale"])
def test_a_closing_credit_naming_a_place_with_a_title_in_it_is_still_a_credit(place: str) -> None:
    # "St. Albans": the title's full stop ends no sentence, so the note is two sentences, both credits,
    # not a sentence "Albans." that credits no one (the note stayed the story's last paragraph).
    story = ("<h1>Northern lights over the fjord</h1><p>By Leif Ander</p>"
             "<p>The northern lights filled the sky over the fjord on Sunday night, drawing crowds to the shore.</p>"
             "<p>The council reported from its own survey that more visitors came than last winter.</p>")
    ending = f"Leif Ander reported from {place}. Camille Rau contributed reporting."
    article = page_article(page(story + f"<p><em>{ending}</em></p>"))
    assert article.credits is not None and article.credits.text == ending
    assert (article.credits.reporting, article.credits.additional_reporting) == (["Leif Ander"], ["Camille Rau"])
    assert article.body[-1].startswith("The council reported from its own survey")

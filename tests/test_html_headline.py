"""Which of a saved page's headlines is the story's: JSON-LD, the printed ``<h1>``, the social title, ``<title>``.

Publishers often state two headlines: one written for search engines (JSON-LD, ``<title>``)
and the one printed over the story. Each test is a made-up page stating them in one of the
ways real pages do.
"""

from __future__ import annotations

import json

from broadsheet.store.html import page_article

SEO = "Lowmoor ferry timetable 2026: new crossing times, fares and what changes"
PRINTED = "Early ferries win the day at Lowmoor"
STORY = "".join(
    f"<p>{line}</p>" for line in (
        "The harbour council voted on Tuesday to add two early crossings to the weekday ferry timetable.",
        "Commuters had asked for the change since the winter, when queues at the slipway grew every morning.",
        "The operators said the new sailings would start at the beginning of next month.",
    )
)


def saved_page(*, ld: str | None = None, h1: str = PRINTED, h1_marked: bool = False, og: str | None = None,
               twitter: str | None = None, title: str | None = None, meta_marked: str | None = None) -> str:
    head = []
    if title is not None:
        head.append(f"<title>{title}</title>")
    if og is not None:
        head.append(f'<meta property="og:title" content="{og}">')
    if twitter is not None:
        head.append(f'<meta name="twitter:title" content="{twitter}">')
    head.append('<meta property="og:site_name" content="Coast Herald">')
    if ld is not None:
        data = {"@type": "NewsArticle", "headline": ld, "publisher": {"@type": "Organization", "name": "Coast Herald"}}
        head.append(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    marked = ' itemprop="headline"' if h1_marked else ""
    meta = f'<meta itemprop="headline" content="{meta_marked}">' if meta_marked is not None else ""
    return (f"<html><head>{''.join(head)}</head><body><article itemscope itemtype='https://schema.org/NewsArticle'>"
            f"{meta}<h1{marked}>{h1}</h1><div class='article-body'>{STORY}</div></article></body></html>")


def test_json_ld_headline_is_the_headline_when_nothing_else_disagrees() -> None:
    page = saved_page(ld=PRINTED, og=PRINTED, title=f"{PRINTED} | Coast Herald")
    assert page_article(page).headline == PRINTED


def test_microdata_marked_h1_confirmed_by_the_social_title_beats_a_search_engine_headline() -> None:
    page = saved_page(ld=SEO, h1_marked=True, og=PRINTED, twitter=PRINTED, title=SEO)
    assert page_article(page).headline == PRINTED


def test_microdata_meta_headline_confirmed_by_twitter_title_counts_too() -> None:
    page = saved_page(ld=SEO, h1="Ferries", meta_marked=PRINTED, twitter=f"{PRINTED} | Coast Herald")
    assert page_article(page).headline == PRINTED


def test_h1_and_social_title_without_microdata_do_not_overrule_json_ld() -> None:
    # Many pages print a rewritten headline and repeat it in og:title while JSON-LD keeps the
    # one the publisher files the story under: with nothing marking the printed one, JSON-LD stays.
    page = saved_page(ld=SEO, og=PRINTED, twitter=PRINTED, title=f"{SEO} | Coast Herald")
    assert page_article(page).headline == SEO


def test_marked_headline_that_no_other_source_states_does_not_overrule_json_ld() -> None:
    page = saved_page(ld=SEO, h1_marked=True, og=SEO, title=SEO)
    assert page_article(page).headline == SEO


def test_social_title_edits_a_printed_json_ld_headline() -> None:
    page = saved_page(ld=SEO, h1=SEO, og=PRINTED, title=f"{SEO} | Coast Herald")
    assert page_article(page).headline == PRINTED


def test_social_title_that_extends_the_json_ld_headline_is_not_taken() -> None:
    page = saved_page(ld=PRINTED, og=f"{PRINTED} - News | coastherald.example", title=PRINTED)
    assert page_article(page).headline == PRINTED


def test_without_json_ld_the_h1_confirmed_by_the_title_else_the_title_without_the_site() -> None:
    assert page_article(saved_page(title=f"{PRINTED} | Coast Herald", og=PRINTED)).headline == PRINTED
    assert page_article(saved_page(h1="Menu", title=f"{PRINTED} | Coast Herald")).headline == PRINTED


def bare_page(title: str, h1: str, head: str = "") -> str:
    """A page with no headline metadata: only its ``<title>`` and the ``<h1>`` printed over the story."""
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{h1}</h1>{STORY}</article>"
            "</body></html>")


def test_without_metadata_the_printed_h1_beats_a_shorter_title_for_search_results() -> None:
    assert page_article(bare_page("Ferries added - Lowmoor Post", PRINTED)).headline == PRINTED
    page = saved_page(title="Ferries added | Coast Herald")
    assert page_article(page).headline == PRINTED


def test_a_japanese_h1_is_the_headline_whatever_the_title_adds_to_it() -> None:
    printed = "東港の渡し船が増便へ"  # ten characters: a whole headline in Japanese
    assert page_article(bare_page(f"{printed} | 架空日報", printed)).headline == printed
    assert page_article(bare_page("渡し船増便 - 架空日報", printed)).headline == printed
    ld = {"@type": "NewsArticle", "headline": f"{printed} | 架空日報"}
    head = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    assert page_article(bare_page(f"{printed} | 架空日報", printed, head)).headline == printed


def test_an_h1_naming_the_site_is_not_the_headline() -> None:
    head = '<meta property="og:site_name" content="Lowmoor Evening Post">'
    page = bare_page(f"{PRINTED} - Lowmoor Evening Post", "Lowmoor Evening Post", head)
    assert page_article(page).headline == PRINTED


def test_the_sites_logo_in_an_h1_over_the_page_is_not_the_headline() -> None:
    # Made-up pages: the site's name (sharing a word with the headline) in an <h1> of the page's
    # header or linking home, the story's headline an <h2> the <title> repeats.
    title = "Slipway closed after winter storm"
    story = f"<div><h2>{title}</h2>{STORY}</div>"
    for logo in ('<header><h1><a href="/blog">Slipway Coast Online</a></h1></header>',
                 '<h1><a href="https://lowmoor.example/">Slipway Coast Online</a></h1>'):
        page = f"<html><head><title>{title}</title></head><body><div>{logo}{story}</div></body></html>"
        assert page_article(page).headline == title


def test_an_h1_sharing_no_word_with_the_titles_headline_is_not_the_headline() -> None:
    # Not a header, not a link: the <h1> only opens on the site's name the <title> ends on.
    title = "Slipway closed after winter storm"
    page = (f"<html><head><title>{title} | Lowmoor Coast</title></head><body><main>"
            f"<h1>Lowmoor Coast Online Edition</h1><article><h2>{title}</h2>{STORY}</article></main></body></html>")
    assert page_article(page).headline == title

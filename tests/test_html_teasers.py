"""Teasers of other stories (a linked headline over a short summary) are no story's text, and a
page made of nothing else is a site's front page, refused as one.

Each page is made up; the teasers carry no class names, as many sites' do not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.html import page_article
from broadsheet.store.parse.types import ParseError

STORY = [
    "The lighthouse on Gull Point will be lit again next summer, the coastal trust said on Thursday.",
    "Volunteers have spent two winters scraping rust from the lantern room and rebuilding its stair.",
    "The trust hopes the light will draw walkers back to the headland, which has been quiet for years.",
]


def teaser_cards(count: int, *, link_outside: bool = False, heading: str = "h3") -> list[str]:
    """``count`` teasers of other stories, each a linked headline, a summary and a time."""
    cards = []
    for n in range(count):
        title = f"Town council story number {n} about the weekend market"
        head = (f'<a href="/town/story-{n}"><{heading}>{title}</{heading}></a>' if link_outside
                else f'<{heading}><a href="/town/story-{n}">{title}</a></{heading}>')
        cards.append(f"<div>{head}<p>A summary of story {n}: traders and shoppers had their say on the plans "
                     f"for the square this week.</p><span>{n + 1} hours ago</span></div>")
    return cards


def story_page(after: str, *, inside: bool = False) -> str:
    text = "".join(f"<p>{p}</p>" for p in STORY)
    article = f"<article><h1>Gull Point light to shine again</h1>{text}{after if inside else ''}</article>"
    return (f'<html><head><title>Gull Point light to shine again</title><meta property="og:type" content="website">'
            f"</head><body><main>{article}{'' if inside else after}</main></body></html>")


def test_teasers_of_other_stories_after_the_article_are_not_its_text() -> None:
    section = f"<section><h2>Elsewhere in the Gazette</h2>{''.join(teaser_cards(4, link_outside=True))}</section>"
    assert page_article(story_page(section)).body == STORY
    assert page_article(story_page(f"<div>{''.join(teaser_cards(2))}</div>", inside=True)).body == STORY
    listed = "".join(f"<li>{card}</li>" for card in teaser_cards(3, heading="h4"))
    assert page_article(story_page(f"<ul>{listed}</ul>", inside=True)).body == STORY


def test_a_storys_own_headed_parts_stay_its_text() -> None:
    # Subheadings linking to a place on the page (a contents list's targets) head no teasers.
    parts = "".join(f'<div><h3><a href="#part-{n}">Part {n} of the restoration</a></h3><p>{p}</p></div>'
                    for n, p in enumerate(STORY))
    page = f"<html><body><article><h1>Gull Point light to shine again</h1>{parts}</article></body></html>"
    assert page_article(page).body == STORY


def front_page(blurb: str = "") -> str:
    return ('<html><head><title>Gull Point Gazette | News from the headland</title>'
            '<meta property="og:type" content="website"><meta property="og:title" content="Gull Point Gazette">'
            '</head><body><header><nav><a href="/">Home</a><a href="/town">Town</a></nav></header>'
            f"<main>{''.join(teaser_cards(8))}</main>{blurb}<footer><p>Gull Point Gazette</p></footer></body></html>")


BLURB = ("<div><p>The Gull Point Gazette has told the news of the headland since 1921 and is read in every "
         "village along the coast.</p></div>")


def test_a_sites_front_page_is_refused_as_one(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "front.html").write_text(front_page(), encoding="utf-8")
    (tmp_path / "about.html").write_text(front_page(BLURB), encoding="utf-8")  # a word about the site besides
    (tmp_path / "story.html").write_text(story_page(f"<section>{''.join(teaser_cards(8))}</section>"), encoding="utf-8")
    main(["--store", str(tmp_path / "store"), "import", "front.html", "about.html", "story.html"])
    said = capsys.readouterr().err
    for name in ("front.html", "about.html"):
        assert f"failed: {name}: a site's front page (a list of links to stories), not an article" in said
    assert "1 imported" in said  # the story's page, its teasers after it, is a story


def test_a_page_without_text_that_says_it_is_an_article_is_not_called_a_front_page() -> None:
    page = front_page().replace('content="website"', 'content="article"')
    with pytest.raises(ParseError, match=r"^no article text found$"):
        page_article(page)


def guide_page(og_type: str = "") -> str:
    """A made-up buying guide: an intro, then items each an <h3> linking to a shop over a short review."""
    items = "".join(f'<section><h3><a href="https://shop{n}.example/lamp">Storm lantern number {n}</a></h3>'
                    f"<p>{STORY[n % 3]}</p></section>" for n in range(6))
    head = f'<meta property="og:type" content="{og_type}">' if og_type else ""
    return (f"<html><head><title>The best storm lanterns - Gull Point Gazette</title>{head}</head><body>"
            '<header><nav><a href="/">Home</a></nav></header><article><h1>The best storm lanterns</h1>'
            f"<p>We carried ten lanterns along the headland on the windiest nights of the year.</p>{items}"
            "</article></body></html>")


def test_a_buying_guides_items_linking_to_other_sites_stay_its_text() -> None:
    for og_type in ("", "article"):
        body = page_article(guide_page(og_type)).body
        assert len(body) == 7 and body[1:] == [STORY[n % 3] for n in range(6)]


def test_teasers_linking_to_the_pages_own_site_by_its_full_address_are_not_its_text() -> None:
    cards = "".join(teaser_cards(4)).replace('href="/', 'href="https://www.gullpoint.example/')
    page = story_page(f"<section>{cards}</section>").replace(
        "</head>", '<link rel="canonical" href="https://gullpoint.example/light"></head>')
    assert page_article(page).body == STORY


def test_a_brief_with_more_news_after_it_is_imported_with_its_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    brief = ["The ferry to Gull Point will sail an hour later on Sunday for the tide, its owners said."]
    more = f"<section><h2>More news</h2>{''.join(teaser_cards(5))}</section>"
    page = story_page(more).replace("".join(f"<p>{p}</p>" for p in STORY), f"<p>{brief[0]}</p>")
    page = page.replace("Gull Point light to shine again", "Sunday ferry sails later for the tide")
    assert page_article(page).body == brief
    monkeypatch.chdir(tmp_path)
    (tmp_path / "brief.html").write_text(page, encoding="utf-8")
    main(["--store", str(tmp_path / "store"), "import", "brief.html"])
    assert "1 imported" in capsys.readouterr().err


SPOTS = [
    ("Gull Cove", "A sheltered bay of white sand below the lighthouse, reached by a steep path from the car park. "
                  "Bring a windbreak in spring."),
    ("Lantern Sands", "The longest beach on the headland runs for two miles of firm sand at low tide. "
                      "Lifeguards watch it every day of the summer."),
    ("Seal Rocks", "Grey seals haul out on the ledges here most afternoons, watched by walkers from the cliff. "
                   "Keep dogs on a lead near the colony."),
    ("Kelp Bay", "A pebble beach loved by rock-poolers for its crabs, anemones and the odd starfish. "
                 "The cafe by the slipway opens at nine."),
]
INTRO = "We walked every beach on the headland this summer to pick the best of them for a day out."


def listicle_page(sections: str) -> str:
    """A made-up listicle whose section headings link to the site's own guide pages."""
    return ("<html><head><title>Four beaches of Gull Point</title></head><body>"
            '<header><nav><a href="/">Home</a></nav></header><main><article>'
            f"<h1>Four beaches of Gull Point</h1><p>{INTRO}</p>{sections}</article></main></body></html>")


def link(name: str) -> str:
    return f'<a href="/guides/{name.lower().replace(" ", "-")}">{name}</a>'


def test_a_listicles_sections_headed_by_links_to_the_sites_own_pages_stay_its_text() -> None:
    # Each heading, all link, stays to name its section: the reader learns which beach is which.
    # Each section a box of its own: its linked heading over its prose.
    boxed = "".join(f'<div class="item"><h3>{link(name)}</h3><p>{text}</p></div>' for name, text in SPOTS)
    assert page_article(listicle_page(boxed)).body == [INTRO] + [line for spot in SPOTS for line in spot]
    # Each heading boxed alone, the section's paragraphs after it.
    headed = "".join(f'<div class="heading"><h3>{link(name)}</h3></div><p>{text}</p>' for name, text in SPOTS)
    assert page_article(listicle_page(headed)).body == [INTRO] + [line for spot in SPOTS for line in spot]
    # Headings and paragraphs side by side in the story's box, the link around the heading.
    flat = "".join(f'<a href="/guides/{n}"><h2>{n + 1}. {name}</h2></a><p>{text}</p>'
                   for n, (name, text) in enumerate(SPOTS))
    assert page_article(listicle_page(flat)).body == [INTRO] + [line for n, (name, text) in enumerate(SPOTS)
                                                                for line in (f"{n + 1}. {name}", text)]
    # No introduction beside them, but two paragraphs of its own under each heading.
    long = "".join(f'<section><h3>{link(name)}</h3><p>{text}</p><p>{text}</p></section>' for name, text in SPOTS)
    body = page_article(listicle_page(f"<div>{long}</div>")).body
    assert body == [INTRO] + [line for name, text in SPOTS for line in (name, text, text)]


def test_link_lines_that_head_no_section_of_the_storys_text_are_still_left_out() -> None:
    # Links to more guides after the story, each a heading over one sentence: related links, not sections.
    related = "".join(f"<h3>{link(name)}</h3><p>Our full guide to {name}, with its tides and where to park.</p>"
                      for name, _ in SPOTS)
    sections = "".join(f"<h3>{link(name)}</h3><p>{text}</p>" for name, text in SPOTS)
    body = page_article(listicle_page(sections + f"<div><h2>More guides</h2>{related}</div>")).body
    assert body == [INTRO] + [line for spot in SPOTS for line in spot] + ["More guides"] \
        + [f"Our full guide to {name}, with its tides and where to park." for name, _ in SPOTS]
    # A heading all link over nothing (a menu's) heads no section.
    menu = "".join(f"<h4>{link(name)}</h4>" for name, _ in SPOTS)
    assert page_article(listicle_page(f"<div>{menu}</div>{sections}")).body[0] == INTRO


def test_teasers_beside_a_storys_text_are_still_not_its_text() -> None:
    # Teasers after the story's paragraphs in the same box: a summary each, less than the story above.
    story = story_page("".join(teaser_cards(3)), inside=True)
    assert page_article(story).body == STORY
    # A front page of teasers under a word about the site in the same box is still refused.
    page = front_page().replace("<main>", "<main><p>All the news of the headland, told by the people who live "
                                          "here, every day of the week.</p>")
    with pytest.raises(ParseError, match="front page"):
        page_article(page)


@pytest.mark.parametrize("title", ["Dr.", "Mr.", "Mrs.", "St.", "Prof.", "Sen.", "Ann B."])
def test_a_title_before_a_name_ends_no_teasers_sentence(title: str) -> None:
    # One sentence a summary, naming "Dr. Hale" (or "Ann B. Hale"): no full stop of a title or an initial
    # ends a sentence, so the teasers after the story in its box, saying more than it, are still no
    # sections of it.
    cards = "".join(f'<div><h3><a href="/town/story-{n}">Town council story number {n}</a></h3>'
                    f"<p>{title} Hale of the harbour board said traders and shoppers had their say on the "
                    f"plans for the square and the new market stalls this week.</p></div>" for n in range(3))
    assert page_article(story_page(cards, inside=True)).body == STORY

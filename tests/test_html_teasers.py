"""Teasers of other stories (a linked headline over a short summary) are no story's text.

Each page is made up; the teasers carry no class names, as many sites' do not.
"""

from __future__ import annotations

from broadsheet.store.html import page_article

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

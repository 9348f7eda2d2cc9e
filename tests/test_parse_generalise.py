"""The parser's general rules for bylines, captions, credits and the story's edges (issue 14).

Each test is a made-up page in the shapes real dumps take (joined ``raw`` lines or one text
node per line as ``raw_gettext``); none copies a real page. They pin the structure a rule
reads (``By NAME, TITLE``, a credit under a caption, a list heading after the story), so a
rule that only matched one site's words would not pass them.
"""

from __future__ import annotations

import pytest

from broadsheet.store.parse import explain_text, parse_text
from broadsheet.store.parse.byline import org_like, parse_byline, split_names
from broadsheet.store.parse.captions import dated_caption, lone_credit, menu_like, split_name_credit

PARAS = [
    "The council said on Tuesday that it would open the new harbour bridge to traffic in the spring, "
    "after a long delay that had been caused by a shortage of steel and by a dispute with the builder "
    "about who should pay for the extra work on the foundations.",
    "Residents who had waited for years for the crossing said they were pleased, although some of them "
    "worried that the tolls would be too high for the families who would use it every single day to get "
    "to their jobs and to the schools on the other side.",
    "The mayor told reporters that the tolls would be reviewed after the first year, and that a discount "
    "for people who live on the island would be considered by the finance committee in the autumn, when "
    "the figures for the first months are known.",
    "Engineers from the port authority will inspect the deck again in March, when the last of the lamps "
    "and the railings on the footpath are due to be fitted by the contractor and tested at night with the "
    "traffic lights switched on.",
]
MORE = [
    "The ferry company, which has carried people across the harbour for more than a century, said that it "
    "would keep a smaller service running in the mornings and evenings for those who do not drive a car.",
    "Shop owners on the quay said they hoped that the bridge would bring more visitors to the old town, "
    "which has lost many of its customers since the market moved to the edge of the city ten years ago.",
    "A spokesman for the builder said that the company had done everything it could to finish the work on "
    "time and that it was now talking to the council about the cost of the delay and of the extra steel.",
]
TITLE = "Harbour bridge to open in spring after steel delay"


def page(*middle: str, title: str = TITLE, tail: tuple[str, ...] = ()) -> str:
    """A page dump: title, a menu, the given lines, the story, then ``tail``."""
    parts = [f"{title} | Gazette", "Home", "News", "Sport", *middle, *PARAS, *tail]
    return "\n\n".join(parts) + "\n"


def reason_of(text: str, line_text: str) -> str:
    return next(e.reason for e in explain_text(text) if e.text == line_text)


# --- bylines ------------------------------------------------------------------------------------


def test_job_title_ends_the_name_list() -> None:
    # After a job title, commas go on describing the post: the employer is no second author.
    line = "By Ann Example, Senior Staff Technologist, Example Speech, Privacy, and Technology Project"
    assert split_names(line[3:]) == ["Ann Example"]
    article = parse_text(page(TITLE, line))
    assert article.authors == ["Ann Example"]


def test_and_after_a_job_title_starts_the_next_author() -> None:
    assert split_names("Ann Example, Reporter and Bo Sample, Editor") == ["Ann Example", "Bo Sample"]


@pytest.mark.parametrize(
    "line",
    [
        "Topics: budget, harbour, Editor's Picks, City News",
        "Harbour’s Bridge, National, News, Top Story",
    ],
)
def test_a_list_of_tags_is_no_bare_byline(line: str) -> None:
    assert parse_byline(line, bare_ok=True) is None
    assert parse_text(page(TITLE, line)).authors == ["Gazette"]  # no person: the site (see below)


def test_possessive_is_no_name() -> None:
    assert parse_byline("Geingob’s Funeral", bare_ok=True) is None


def test_names_under_a_by_label_are_explicit_even_with_a_bio() -> None:
    # raw_gettext: the label, the name, a comma and the author's description on their own lines.
    text = page(
        TITLE,
        "By",
        "Ann Example\n,\na deputy editor and author of the Harbour Letter newsletter. She has covered the port.",
    )
    article = parse_text(text)
    assert article.authors == ["Ann Example"]
    assert "names under a 'By'/'Author' label" in reason_of(text, "Ann Example")


def test_names_split_over_nodes_with_a_lone_and() -> None:
    text = page(TITLE, "By", "ANN EXAMPLE\n,\nBO SAMPLE\nand\nCY TESTER")
    assert parse_text(text).authors == ["ANN EXAMPLE", "BO SAMPLE", "CY TESTER"]


@pytest.mark.parametrize("name", ["Ann Example", "Zoë Ámbar"])
def test_written_by_before_the_story_is_the_byline(name: str) -> None:
    # (an accented name was said to be a "reporter's credit line", the CJK label)
    text = page(TITLE, f"Written by {name}")
    article = parse_text(text)
    assert article.authors == [name]
    assert article.credits is None
    assert "'Written by' line before the story text" in reason_of(text, f"Written by {name}")


def test_byline_found_below_a_photo_gallery() -> None:
    gallery = []
    for n in range(1, 13):
        gallery += [f"{n} of 12", "|", f"Workers fit lamp {n} on the harbour bridge deck. (Example Photo/Ann Lens)"]
        gallery += ["Read More"]
    text = page(TITLE, *gallery, "By Bo Sample")
    assert parse_text(text).authors == ["Bo Sample"]


def test_author_box_link_glued_to_the_name_is_cut() -> None:
    assert parse_byline("Ann De ExampleView More Articles", bare_ok=True).authors == ["Ann De Example"]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Ana Q. Tester Senior Contributor", "Ana Q. Tester"),  # a surname after an initial stays
        ("Bo Sample Parliamentary editor", "Bo Sample"),  # a desk adjective before the title goes
        ("Cy Tester Political Correspondent", "Cy Tester"),
    ],
)
def test_job_title_after_a_bare_name(line: str, name: str) -> None:
    assert parse_byline(line, bare_ok=True).authors == [name]


def test_a_name_in_capitals_is_no_organisation() -> None:
    assert not org_like("ANN EXAMPLE")
    assert org_like("AFP")
    assert org_like("HARBOUR NEWS")
    article = parse_text(page(TITLE, "By ANN EXAMPLE", title=TITLE))
    assert article.authors == ["ANN EXAMPLE"]
    assert article.source != "ANN EXAMPLE"


def test_menu_word_in_the_title_does_not_hide_the_headline() -> None:
    title = "Facebook buys the harbour ferry company"
    text = page(title, "by Ann Example", title=title)
    article = parse_text(text)
    assert article.headline == title
    assert article.authors == ["Ann Example"]


def test_a_menu_between_bars_first_is_no_headline_nor_site() -> None:
    """A copy that starts at the site's menu (below the page's <title>): the menu took the
    headline, and its last link the source."""
    title = "Lighthouse keepers return to the point after forty years"
    text = "\n\n".join(["Home | World | Business | Sport | Weather", title, "By Ann Example", *PARAS]) + "\n"
    article = parse_text(text)
    assert article.headline == title and article.source is None
    assert article.authors == ["Ann Example"]


def test_a_menu_of_four_links_below_the_first_line_is_no_headline() -> None:
    """"Skip to content", then the site's menu of four links: the menu was the headline (the top of
    the headline-shaped lines above the story) and the real headline was taken for furniture."""
    title = "Lighthouse keepers return to the point"
    text = "\n".join(["Skip to content", "Home | World | Business | Sport", "Share on Facebook Share on Twitter",
                       title, "By Ann Example", "June 3, 2026", *PARAS]) + "\n"
    article = parse_text(text)
    assert article.headline == title
    assert article.authors == ["Ann Example"]


@pytest.mark.parametrize("menu", ["Home | News | Sport", "Главная | Новости | Спорт", "首页 | 新闻 | 体育"])
def test_a_menu_of_three_links_first_is_no_headline_nor_site(menu: str) -> None:
    """A copy that starts at a menu of three links: the menu was the headline, its last link the
    source, and the real headline under it was taken for furniture."""
    title = "Lighthouse keepers return to the point"
    text = "\n\n".join([menu, title, "Written by Ann Example\n5 December 2026, 10:15", *PARAS]) + "\n"
    article = parse_text(text)
    assert article.headline == title and article.source is None
    assert article.authors == ["Ann Example"]


@pytest.mark.parametrize("line", ["Ferry halted | Live updates | Harbour Gazette",
                                  "Budget 2026 | What it means for you", "Ferry halted | Live updates"])
def test_a_headline_between_bars_is_no_short_menu(line: str) -> None:
    """Three links of one or two capitalised words are a menu; a headline's parts are not."""
    from broadsheet.store.parse.boilerplate import bar_menu

    assert not bar_menu(line, least=3)
    text = "\n\n".join(["Skip to content", line, "By Ann Example", *PARAS]) + "\n"
    assert parse_text(text).headline == line


def test_a_barred_title_whose_headline_the_page_repeats_stays_the_title() -> None:
    title = "Strike ends | Politics | UK | News | Sky News"
    text = "\n\n".join([title, "Strike ends", "By Ann Example", *PARAS]) + "\n"
    article = parse_text(text)
    assert article.headline == "Strike ends" and article.source == "Sky News"


@pytest.mark.parametrize("line", ["Ferry fares rise | Harbour Gazette", "Ferry fares rise | News | Harbour Gazette",
                                  "By Ann Lee | Reuters | 3 March 2025 | 10:00 GMT",
                                  "By Ann Lee | Reuters | Politics | London | Desk",
                                  "Ann Lee | Political Editor | BBC News | London",
                                  "Strike ends | Politics | News | Sky News", "Ann Lee • Reuters • Politics • London",
                                  "Photo: Ann Lee | Reuters | Getty Images | AFP | Pool"])
def test_a_title_with_its_site_or_a_byline_between_bars_is_no_menu(line: str) -> None:
    from broadsheet.store.parse.boilerplate import bar_menu

    assert not bar_menu(line)


# --- captions and credits --------------------------------------------------------------------


def test_repeated_caption_pairs_with_its_credit() -> None:
    # raw_gettext of a figure: alt text, credit, caption (the same sentence twice).
    cap = "Workers fit the last lamp on the harbour bridge."
    text = page(TITLE, "By Ann Example", tail=(cap, "Ann Lens for The Harbour Gazette", cap, MORE[0]))
    article = parse_text(text)
    assert [(i.caption, i.credit) for i in article.images] == [(cap, "Ann Lens for The Harbour Gazette")]
    assert cap not in article.body


def test_bracketed_source_across_a_blank_line_is_a_credit() -> None:
    cap = "The harbour bridge seen from the ferry terminal on a winter morning."
    text = page(TITLE, "By Ann Example", tail=(cap, "(Harbour Port Authority)", MORE[1]))
    article = parse_text(text)
    assert [(i.caption, i.credit) for i in article.images] == [(cap, "Harbour Port Authority")]


@pytest.mark.parametrize(
    ("line", "dated"),
    [
        ("A worker fits a lamp on the harbour bridge in Portby, Monday, Sept. 2, 2024.", True),
        ("Engineers inspect the deck of the bridge in Portby on May 7, 2025.", True),
        ("FILE - A ferry crosses the harbour at dusk.", True),
        ("Ann Example helps her son with his studies April 14, 2024, in Portby, Ala.", True),
        ("The bridge will open on May 7, 2025, if the steel arrives.", False),
        ("The council met on Tuesday.", False),
    ],
)
def test_dated_wire_caption(line: str, dated: bool) -> None:
    assert dated_caption(line, len(line.split())) is dated


def test_dated_wire_caption_leaves_the_body() -> None:
    cap = "A worker fits a lamp on the harbour bridge in Portby, Monday, Sept. 2, 2024."
    article = parse_text(page(TITLE, "By Ann Example", tail=(cap, MORE[2])))
    assert cap not in article.body
    assert [i.caption for i in article.images] == [cap]
    assert "wire photo description" in reason_of(page(TITLE, "By Ann Example", tail=(cap, PARAS[2])), cap)


def test_credit_alone_is_the_printed_caption() -> None:
    text = page(TITLE, "By Ann Example", "Ann Lens/Example Agency")
    article = parse_text(text)
    assert [(i.caption, i.credit) for i in article.images] == [("Ann Lens/Example Agency", "Ann Lens/Example Agency")]


def test_navigation_is_no_caption() -> None:
    assert menu_like("About / Advertise / Tip Us / Contact")
    assert not lone_credit("Health / Nutrition")
    assert lone_credit("Ann Lens/Example Agency")
    text = page(TITLE, "By Ann Example", tail=("Site Information", "About / Advertise / Tip Us / Contact"))
    assert parse_text(text).images == []


def test_byline_above_a_lead_photo_credit_is_no_caption() -> None:
    article = parse_text(page(TITLE, "By Ann Example and Bo Sample", "Cy Lens/Example Agency"))
    assert article.authors == ["Ann Example", "Bo Sample"]
    assert all(not i.caption.startswith("By ") for i in article.images)


def test_headline_above_a_lead_photo_credit_is_no_caption() -> None:
    text = page(TITLE, "Getty Images", "By Ann Example")
    article = parse_text(text)
    assert article.headline == TITLE
    assert all(i.caption != TITLE for i in article.images)


# --- the story's edges ----------------------------------------------------------------------------


def test_date_and_wire_lines_opening_the_story() -> None:
    first = "PORTBY (Reuters) - " + PARAS[0]
    text = "\n\n".join([f"{TITLE} | Gazette", "Home", TITLE, "REUTERS", "19 NOV 2019", first, *PARAS[1:]])
    article = parse_text(text)
    assert article.body[0] == PARAS[0]
    assert article.dateline == "PORTBY (Reuters)"
    assert article.agency == "Reuters"
    assert article.published.startswith("2019-11-19")


TEASERS = (
    "Ferry timetable changes for the winter",
    "Lighthouse keeper retires after forty years",
    "Fish market moves to the old station",
)


def test_closing_list_heading_ends_the_story() -> None:
    summary = "A short summary of another story that a reader might also want to open next."
    text = page(TITLE, "By Ann Example", tail=("Related coverage", TEASERS[0], summary, TEASERS[1]))
    article = parse_text(text)
    assert summary not in article.body
    assert "heading of a list of other stories" in reason_of(text, "Related coverage")


def test_box_inside_the_story_does_not_end_it() -> None:
    text = page(TITLE, "By Ann Example", tail=("Related coverage", *TEASERS, *MORE))
    article = parse_text(text)
    assert MORE[2] in article.body


def test_two_list_headings_with_teasers_between_end_the_story_at_the_first() -> None:
    # "Related coverage" with teasers whose summaries read as prose, then "Latest news" and more
    # teasers: the text after the first heading is too much for a closing list, yet the text
    # between the two headings is little, so the story ends at the first.
    glued = [f"{t} A summary of that story, long enough to read as one short paragraph of prose." for t in TEASERS]
    summary = "is the subject of another story, which readers of this page often go on to open when they have read it."
    latest = [part for t in TEASERS for part in (f"{t}: the {t.split()[0].lower()} {summary}", "Opinion")]
    text = page(TITLE, "By Ann Example", tail=(*MORE, "Related coverage", *glued, "Latest news", *latest))
    article = parse_text(text)
    assert article.body[-1] == MORE[-1]
    assert "after the list headed by line" in reason_of(text, "Related coverage")


def test_credit_line_repeated_under_short_sentences_marks_captions() -> None:
    # raw_gettext of three photos credited to the same company, each "sentence" / "Credit".
    photos = [
        ("The new deck seen from the old ferry pier.", "Harbour Works"),
        ("Welders at work on the southern span.", "Harbour Works"),
        ("A crane lifts the last section into place.", "Harbour Works"),
    ]
    middle = [PARAS[0], *photos[0], PARAS[1], *photos[1], PARAS[2], *photos[2]]
    text = "\n\n".join([f"{TITLE} | Gazette", "Home", TITLE, "By Ann Example", *middle, PARAS[3], *MORE]) + "\n"
    article = parse_text(text)
    assert [(i.caption, i.credit) for i in article.images] == photos
    assert "Harbour Works" not in article.body
    assert "printed under 3" in reason_of(text, "Harbour Works")


def test_one_promotion_printed_twice_is_no_photo() -> None:
    promo = ["Stay up to date with the stories of the day.", "Email"]
    text = page(TITLE, "By Ann Example", *promo, tail=(*promo,))
    assert not parse_text(text).images


def test_name_alone_between_paragraphs_is_a_portrait_caption() -> None:
    quote = "Ann Fisher, who has run the ferry for twenty years, said she would keep two boats on the water."
    text = page(TITLE, "By Ann Example", tail=("Ann Fisher", quote, *MORE))
    article = parse_text(text)
    assert [(i.caption, i.credit) for i in article.images] == [("Ann Fisher", None)]
    assert "Ann Fisher" not in article.body and quote in article.body
    assert "portrait" in reason_of(text, "Ann Fisher")


def test_speaker_name_above_a_job_title_is_no_caption() -> None:
    # A pull quote's attribution: the name, then the speaker's job, then the story goes on.
    text = page(TITLE, "By Ann Example", tail=("Ann Fisher", "Ferry captain and union member", *MORE))
    assert not parse_text(text).images


@pytest.mark.parametrize("joined", [True, False])
def test_caption_labels_mark_photo_and_video_captions(joined: bool) -> None:
    # Accessible labels before captions, glued on (raw) or alone on the line above (raw_gettext).
    photo, video = "The new deck seen from the ferry pier", "The mayor explains the tolls"
    lines = ["Image caption " + photo, "Media caption " + video] if joined else [
        "Image caption", photo, "Media caption", video]
    text = page(TITLE, "By Ann Example", tail=(*lines, *MORE))
    article = parse_text(text)
    assert [i.caption for i in article.images] == [photo]
    assert not any(photo in p or video in p for p in article.body)
    assert MORE[-1] in article.body


@pytest.mark.parametrize("mark", [",", ":"])
def test_a_labelled_photo_source_is_the_captions_credit(mark: str) -> None:
    """A page copied whole reads its screen-reader labels: "Image source, Agency" above "Image
    caption, ...". The source line was taken for the headline, the byline lost with it, and the
    caption began with ", "."""
    caption = "The new deck seen from the ferry pier"
    lines = ["Menu", "Search", "", TITLE, "", "By Ann Example and Ben Sample", "2 hours ago", "",
             f"Image source{mark} Harbour Pictures", f"Image caption{mark} {caption}", *PARAS, *MORE]
    article = parse_text("\n".join(lines) + "\n")
    assert article.headline == TITLE and article.authors == ["Ann Example", "Ben Sample"]
    assert [(i.caption, i.credit) for i in article.images] == [(caption, "Harbour Pictures")]
    assert not any("Harbour Pictures" in p for p in article.body)


def test_author_bio_with_particle_in_another_case_ends_the_story() -> None:
    bio = "Ann di Fisher is a reporter for the Gazette based in the harbour town."
    article = parse_text(page(TITLE, "By Ann Di Fisher", tail=(bio,)))
    assert article.authors == ["Ann Di Fisher"]
    assert bio not in article.body and article.body[-1] == PARAS[-1]


def test_a_paragraph_above_a_photo_credit_is_no_caption() -> None:
    # A photo without caption: its credit stands under a paragraph of the story.
    long_para = " ".join([PARAS[0], PARAS[1]])
    text = page(TITLE, "By Ann Example", tail=(long_para, "Ann Lens/Gazette", *MORE))
    article = parse_text(text)
    assert long_para in article.body
    assert all(i.caption != long_para for i in article.images)


def test_a_hard_wrapped_sentence_start_is_no_credit() -> None:
    # "... on the other side. Some" / "Ferry Lines ...": a hard wrap, not "sentence. CREDIT".
    assert split_name_credit("The tolls will pay for the lamps on the other side. Some") is None
    assert split_name_credit("The new lamps on the harbour bridge. Ann Lens for Gazette") == (
        "The new lamps on the harbour bridge.", "Ann Lens for Gazette")


def test_date_and_byline_labels_before_the_story_are_not_story_text() -> None:
    # raw_gettext of a header block: "Published", the date, the date again with its cue, "By", the name.
    text = page(TITLE, "Published", "Thursday 4 April 2024", "Published Thu 4 Apr 2024", "By", "Ann Example")
    article = parse_text(text)
    assert article.authors == ["Ann Example"]
    assert article.published.startswith("2024-04-04")
    assert article.body[0] == PARAS[0]


@pytest.mark.parametrize(
    ("lines", "credit"),
    [
        (["The new deck at dusk, seen from the ferry pier. CREDIT: ANN LENS"], "ANN LENS"),
        (["The new deck at dusk, seen from the ferry pier. [Photo: Ann Lens]"], "Ann Lens"),
        (["The new deck at dusk, seen from the ferry pier.", "Courtesy of the Harbour Board"], "the Harbour Board"),
        (["The new deck at dusk, seen from the ferry pier.", "Photo courtesy Harbour Board"], "Harbour Board"),
    ],
)
def test_more_credit_forms(lines: list[str], credit: str) -> None:
    article = parse_text(page(TITLE, "By Ann Example", MORE[0], *lines))
    caption = "The new deck at dusk, seen from the ferry pier."
    assert [(i.caption, i.credit) for i in article.images] == [(caption, credit)]


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Ann Lee for The Example Gazette", ["Ann Lee"]),
        ("By Ann Lee on April 3, 2024", ["Ann Lee"]),
        ("Posted by Ann Lee on April 3, 2024", ["Ann Lee"]),
        ("Reporting by Ann Lee", ["Ann Lee"]),
        ("By Nguyen Van An and Tran Thi Mai", ["Nguyen Van An", "Tran Thi Mai"]),
        ("Richard (R.J.) Fisher", ["Richard Fisher"]),
        ("By ANN LEE and BO CHEN Associated Press", ["ANN LEE", "BO CHEN"]),
        ("By Ann Lee\nand Bo Chen", ["Ann Lee", "Bo Chen"]),
        ("By Ann Lee / Example Gazette", ["Ann Lee"]),
        ("Words: Ann Lee", ["Ann Lee"]),
    ],
)
def test_more_byline_forms(line: str, authors: list[str]) -> None:
    assert parse_text(page(TITLE, line)).authors == authors


def test_a_gallery_photo_count_between_paragraphs_does_not_cut_the_story() -> None:
    short = [
        "The bridge will carry two lanes of traffic and a path for bikes.",
        "It took the builders ten years and a great deal of steel to finish.",
    ]
    text = page(TITLE, "By Ann Example", *short, "2")
    article = parse_text(text)
    assert article.body[:2] == short and PARAS[-1] in article.body


def test_no_byline_the_organisation_is_the_author() -> None:
    # The contract: the bylined people, or the organisation when no person is named. A wire
    # dateline names the agency; without one the site in the page title is the organisation.
    text = page(TITLE)
    assert parse_text(text).authors == ["Gazette"]
    assert "no byline, so the site 'Gazette' is the author" in reason_of(text, f"{TITLE} | Gazette")
    wire = "\n\n".join([f"{TITLE} | Gazette", TITLE, f"PORTBY (Reuters) - {PARAS[0]}", *PARAS[1:]]) + "\n"
    article = parse_text(wire)
    assert article.authors == ["Reuters"] and article.source == "Gazette"
    assert parse_text(page(TITLE, "By Ann Example")).authors == ["Ann Example"]


def test_a_sentence_in_brackets_is_no_photo_credit() -> None:
    aside = (
        "The union said the drivers were paid too little for the hours they worked on the night routes. "
        "(The company disagrees.)"
    )
    article = parse_text(page(TITLE, "By Ann Example", MORE[0], aside))
    assert aside in article.body
    assert not article.images


def test_subscription_prompt_split_over_text_nodes_is_furniture() -> None:
    prompt = "If you are a print subscriber, online access is\nincluded\nin your subscription."
    article = parse_text(page(TITLE, "By Ann Example", tail=(prompt,)))
    assert not any("subscription" in p for p in article.body)


def test_prose_far_below_the_story_is_dropped() -> None:
    footer = [
        "Contact us", "About us", "Privacy", "Cookies", "Careers", "Site map", "Newsletters",
        "Subscribe", "Sign in", "Register", "RSS", "Accessibility", "Terms of use", "Search", "Menu",
    ]  # fmt: skip
    disclaimer = "Market data is provided by an example vendor and may be delayed by up to twenty minutes for users."
    article = parse_text(page(TITLE, "By Ann Example", tail=(*footer, disclaimer)))
    assert disclaimer not in article.body
    assert article.body[-1] == PARAS[-1]


def test_shares_counter_is_furniture() -> None:
    article = parse_text(page(TITLE, "By Ann Example", "Shares"))
    assert "Shares" not in article.body


def test_position_between_commas_marks_a_caption() -> None:
    # A wire caption says where each person stands: "Ann Lee, left, and ...".
    cap = "Ann Example, left, and Bo Sample, second from right, open the harbour bridge to walkers."
    text = page(TITLE, cap, "By Cy Tester")
    article = parse_text(text)
    assert [i.caption for i in article.images] == [cap]
    assert article.standfirst != cap


def test_byline_with_a_slash_is_no_caption_and_credit() -> None:
    text = page(TITLE, "By Ann Example and Bo Sample / Gazette Staff Writers")
    article = parse_text(text)
    assert article.authors == ["Ann Example", "Bo Sample"]
    assert article.images == []


def test_list_introduced_by_a_colon_stays_in_the_story() -> None:
    items = ["June 9 -- Harbour Hall, Portby", "June 10 -- Quay Stage, Eastport", "June 14 -- Old Market, Westby"]
    text = page(TITLE, "By Ann Example", tail=("The bridge opening events:\n" + "\n".join(items),))
    article = parse_text(text)
    assert article.body[-3:] == items
    assert "The bridge opening events:" in article.body


def test_date_then_by_name_is_a_byline() -> None:
    info = parse_byline("11/19/2019 by Ann Example")
    assert info is not None and info.authors == ["Ann Example"] and info.explicit
    assert parse_byline("The bridge was built by Ann Example") is None


@pytest.mark.parametrize(
    "closing",
    [
        "The Harbour Gazette is an independent local news organization founded in 1890 and owned by its readers.",
        "This document is subject to copyright. No part may be reproduced without the written permission.",
        "The Harbour Gazette values your comments but asks that all posts are on topic and respectful of others.",
    ],
)
def test_publisher_notes_close_the_story(closing: str) -> None:
    article = parse_text(page(TITLE, "By Ann Example", tail=(closing,)))
    assert closing not in article.body
    assert article.body[-1] == PARAS[-1]


def test_title_in_italics_split_over_nodes_is_joined() -> None:
    # raw_gettext puts an italic title or a link on a line of its own inside the sentence.
    sentence = "The plans for the toll were first printed in the weekly\nHarbour News\nedition on Monday, and the mayor"
    text = page(TITLE, "By Ann Example", sentence + " confirmed them a day later after a long meeting.")
    lines = [e for e in explain_text(text) if e.text == "Harbour News"]
    assert lines and lines[0].reason.startswith("continues line")
    # A headline (no open end) above a name and a source is not joined to them.
    text = page(TITLE + "'", "Ann Example\n/ GAZETTE.EXAMPLE /\nSep 2, 2024", title=TITLE + "'")
    assert parse_text(text).authors == ["Ann Example"]


def test_prose_naming_social_sites_is_no_share_bar() -> None:
    prose = (
        "The profiles that Facebook builds on people who never signed up include what they read on other "
        "sites, because the Share buttons and the Like buttons on those pages report each visit, and the "
        "same is true of the Twitter and LinkedIn buttons that many of the harbour's shops have added."
    )
    article = parse_text(page(TITLE, "By Ann Example", tail=(prose,)))
    assert prose in article.body


@pytest.mark.parametrize("line", ["Getty Images", "Ann Example"])
def test_bare_credit_or_subject_is_no_byline(line: str) -> None:
    title = "Actress Ann Example opens the harbour bridge"
    assert parse_text(page(title, line, title=title)).authors == ["Gazette"]


def test_published_date_before_updated() -> None:
    text = page(TITLE, "By Ann Example", "Updated: May 9, 2025", "Published:\nMay 7, 2025")
    assert parse_text(text).published.startswith("2025-05-07")
    text = page(TITLE, "By Ann Example", "Updated May 9, 2025 | Published May 7, 2025")
    assert parse_text(text).published.startswith("2025-05-07")


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("A drawing of the planned ferry terminal [Example Studio via Gazette]", "Example Studio via Gazette"),
        ("Workers on the harbour bridge deck in the winter [File: Reuters]", "File: Reuters"),
        ("Watch the mayor open the harbour bridge [VIDEO]", None),
    ],
)
def test_credit_in_square_brackets(line: str, credit: str | None) -> None:
    from broadsheet.store.parse.captions import caption_facts

    found = caption_facts(line).split
    assert (found[1] if found else None) == credit


def test_box_of_dated_teasers_inside_the_story() -> None:
    # "Recommended" box between paragraphs: teaser headline, author, date, three times over.
    box = ["Recommended"]
    for n, day in enumerate(("Jul 17, 2014", "Mar 9, 2018", "Aug 23, 2017")):
        box += [f"Another harbour story number {n + 1}", f"Writer Number{n + 1}", day]
    text = page(TITLE, "By Ann Example", tail=(*box, *MORE))
    article = parse_text(text)
    assert article.headline == TITLE
    assert article.authors == ["Ann Example"]
    assert article.body[-3:] == MORE
    assert article.body[:4] == PARAS


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Mohammed al-Hakim and Jean d’Ormesson", ["Mohammed al-Hakim", "Jean d’Ormesson"]),
        ("By José María Álvarez de la Cruz", ["José María Álvarez de la Cruz"]),
        ("By Nguyễn Văn Anh", ["Nguyễn Văn Anh"]),
        ("By Li Wei in Beijing and Ann Lee in London", ["Li Wei", "Ann Lee"]),
        ("Ann Lee | Example Wire", ["Ann Lee"]),
    ],
)
def test_name_shapes_of_many_languages(line: str, authors: list[str]) -> None:
    info = parse_byline(line, bare_ok=True)
    assert info is not None and info.authors == authors


@pytest.mark.parametrize(
    ("tail", "credit"),
    [
        (("Workers fit the last lamp on the bridge.", "© Ann Lens"), "Ann Lens"),
        (("Workers fit the last lamp on the bridge. © Ann Lens/Example Agency",), "Ann Lens/Example Agency"),
        (("Workers fit the last lamp on the bridge.", "Photo © Ann Lens"), "Ann Lens"),
        (("Workers fit the last lamp on the bridge.", "© 2024 Harbour Gazette. All rights reserved."), None),
        (("Workers fit the last lamp on the bridge.", "© Gazette"), None),  # the site's own (title "... | Gazette")
    ],
)
def test_copyright_photo_credit(tail: tuple[str, ...], credit: str | None) -> None:
    article = parse_text(page(TITLE, "By Ann Example", tail=(*tail, MORE[0])))
    assert [i.credit for i in article.images] == ([credit] if credit else [])


def test_subscription_promo_is_no_caption() -> None:
    promo = 'Need more harbour news? Subscribe to our sister title "Harbour Weekly" (Image: © Harbour Weekly)'
    article = parse_text(page(TITLE, "By Ann Example", tail=(promo, MORE[0])))
    assert article.images == []
    assert promo not in article.body


def test_sentence_after_a_sentence_is_no_name_credit() -> None:
    from broadsheet.store.parse.captions import split_name_credit

    assert split_name_credit("Two ferries were found in the old dock. And Divers Are Puzzled.") is None
    assert split_name_credit("A ferry in the old dock at dawn. Ann Lens for Example") is not None


def test_caption_printed_twice_with_its_credit_is_one_photo() -> None:
    cap = "The new lamps on the harbour bridge."
    credit = "Image: Ann Lens / Gazette"
    text = page(TITLE, "By Ann Example", tail=(f"{cap}\n{credit}", f"{cap}\n{credit}", MORE[0]))
    assert [(i.caption, i.credit) for i in parse_text(text).images] == [(cap, "Ann Lens / Gazette")]


def test_last_tag_of_a_list_is_no_byline() -> None:
    text = page(TITLE, "Topics:\nbridge\n,\nharbour\n,", "Technology News")
    assert parse_text(text).authors == ["Gazette"]


# --- captions known by where they stand (store/parse/figures.py) ---------------------------------


@pytest.mark.parametrize("joined", [True, False])
def test_bare_line_under_a_video_caption_is_the_next_photos_caption(joined: bool) -> None:
    # A run of figures: a video with a labelled caption, then a photo whose caption has no label.
    video, photo = "The mayor explains the tolls", "The mayor said the tolls would be reviewed after a year"
    lines = ["Media caption " + video] if joined else ["Media caption", video]
    text = page(TITLE, "By Ann Example", tail=(*lines, photo, *MORE))
    article = parse_text(text)
    assert [i.caption for i in article.images] == [photo]
    assert photo not in article.body and MORE[0] in article.body
    assert "right under the caption" in reason_of(text, photo)


def test_bare_line_over_a_section_heading_is_a_caption() -> None:
    # A sentence-shaped line with a heading straight under it: no section is empty, so it is a photo's caption.
    photo, heading = "Workers are getting ready to fit the lamps on the new deck", "The cost"
    text = page(TITLE, "By Ann Example", tail=(photo, heading, *MORE))
    article = parse_text(text)
    assert [i.caption for i in article.images] == [photo]
    assert heading in article.body and photo not in article.body
    assert "section heading" in reason_of(text, photo)


def test_sentence_shaped_subheading_over_a_paragraph_stays_in_the_story() -> None:
    # The same shape with a paragraph under it is a subheading: nothing marks it as a caption.
    subhead = "The council still has to decide what the tolls will pay for"
    article = parse_text(page(TITLE, "By Ann Example", tail=(subhead, *MORE)))
    assert not article.images
    assert subhead in article.body


@pytest.mark.parametrize(
    ("cut", "link"),
    [
        ("The ferry company has asked the people who cross every day, such as", "Harbour pilots"),
        ("The ferry company has asked the people who cross every day and their chairman", "Ann Fisher"),
    ],
)
def test_paragraph_cut_before_a_link_is_no_caption(cut: str, link: str) -> None:
    # raw_gettext: a paragraph split where a link starts; the cut line ends on a small word or
    # the link is a name, so the pair is no caption over a section heading.
    text = page(TITLE, "By Ann Example", tail=(cut, link, *MORE))
    assert not parse_text(text).images


def test_sentence_pointing_at_this_photo_is_a_caption() -> None:
    photo = "Cameras were not allowed on the deck, so this picture from the builder will have to do."
    text = page(TITLE, "By Ann Example", tail=(photo, *MORE))
    article = parse_text(text)
    assert [i.caption for i in article.images] == [photo]
    assert photo not in article.body
    assert "this photo" in reason_of(text, photo)


def test_question_about_this_photo_is_no_caption() -> None:
    teaser = "If a picture is worth a thousand words, what does this photo say about the bridge?"
    article = parse_text(page(TITLE, "By Ann Example", tail=(teaser, *MORE)))
    assert not article.images


@pytest.mark.parametrize("count", ["2", "2 of 5", "Image 2 of 5"])
def test_bare_line_under_a_gallery_photo_count_is_a_caption(count: str) -> None:
    # A gallery prints the photo's number, then its caption, then the story goes on under a question heading.
    photo, heading = "The new deck and the old ferry pier seen from the harbour wall", "Who will pay the tolls?"
    text = page(TITLE, "By Ann Example", tail=(count, photo, heading, *MORE))
    article = parse_text(text)
    assert [i.caption for i in article.images] == [photo]
    assert "photo count" in reason_of(text, photo)


def test_line_over_a_question_heading_without_a_photo_sign_stays() -> None:
    # Over a question heading, with prose above, the same line is as often a link to another story.
    line, heading = "The new deck and the old ferry pier seen from the harbour wall", "Who will pay the tolls?"
    assert not parse_text(page(TITLE, "By Ann Example", tail=(line, heading, *MORE))).images


def test_name_with_full_stop_between_share_buttons_is_the_lead_caption() -> None:
    lead = "The Harbour Bridge."
    text = page(TITLE, "By Ann Example", "Share", "Tweet", lead, "Share", "Email")
    article = parse_text(text)
    assert [i.caption for i in article.images] == [lead]
    assert article.authors == ["Ann Example"]
    assert "lead photo" in reason_of(text, lead)


@pytest.mark.parametrize("line", ["Ann Example", "The new bridge opens to traffic in the spring."])
def test_name_or_sentence_between_share_buttons_is_no_lead_caption(line: str) -> None:
    # A bare name there is the byline; a sentence is a standfirst or a teaser.
    text = page(TITLE, "Share", "Tweet", line, "Share", "Email")
    assert not parse_text(text).images


@pytest.mark.parametrize(("name", "caption"), [("Ann Fisher", True), ("Bo Chen", False), ("Ann Example", False)])
def test_name_under_share_buttons_above_the_byline(name: str, caption: bool) -> None:
    # A portrait's caption when the story names that person; a name the story does not mention,
    # or the byline's own, is no caption.
    quote = "Ann Fisher, who has run the ferry for twenty years, said she would keep two boats on the water."
    text = page(TITLE, "Share", "Tweet", name, "By Ann Example", quote)
    article = parse_text(text)
    assert article.authors == ["Ann Example"]
    assert [i.caption for i in article.images] == ([name] if caption else [])
    if caption:
        assert "portrait" in reason_of(text, name)


def test_a_headline_with_a_furniture_word_right_above_its_byline_is_the_headline() -> None:
    """"promoted" is page furniture on a short line ("Promoted"), and a headline the page title
    did not repeat was dropped for it: a sports story was headed by the masthead."""
    page = "\n".join(["Northgate Post", "Home | News | Sport | Opinion", "Halloway Rovers promoted after late goal",
                      "By Priya Natarajan", "04 March 2025", "", "\n\n".join(PARAS[:2])])
    article = parse_text(page)
    assert article.headline == "Halloway Rovers promoted after late goal"
    assert article.authors == ["Priya Natarajan"]


def test_a_paragraph_whose_link_names_a_newsletter_is_story_text() -> None:
    """A link's ``?ref=newsletter-march`` made its paragraph a promotion for the site."""
    link = ("The new portal lives at https://council.example/planning/2025/footbridge-consultation-documents.pdf"
            "?ref=newsletter-march-edition.")
    page = "\n".join(["Valley Ledger", "Council portal opens for the footbridge plans", "By Tom Ashdown",
                      "04 March 2025", "", PARAS[0], "", link, "", PARAS[1], "", "Sign up for our newsletter"])
    assert parse_text(page).body == [PARAS[0], link, PARAS[1]]


NARRATED = [
    "The school sent a newsletter home to parents on Friday confirming that the pool would close.",
    "It said the booking app had changed its privacy policy in March without telling the school.",
    "One parent said the app's terms and conditions ran to fourteen pages. “Nobody reads those,” she said.",
    "The regulator found that the company had rewritten its privacy policy four times in two years.",
    "Publishers say many people leave a page rather than read the privacy policy and its cookie settings.",
]
PROMOTED = [
    "Sign up for our newsletter to get the day's headlines delivered to your inbox.",
    "Support independent journalism: become a subscriber today.",
    "Copyright 2026 Gazette. All rights reserved.",
    "We use cookies to give you the best online experience on our site and to understand its use.",
    "This material may not be published, broadcast, rewritten or redistributed without the terms of use.",
]


def test_a_story_sentence_about_a_newsletter_or_a_privacy_policy_is_story_text() -> None:
    """Promotion and notice wording ("newsletter", "privacy policy", "terms and conditions") dropped a
    story's own sentences as page furniture; a sentence that reports, or that neither addresses the
    reader nor tells them what to do, is the story's. The site's own promotions still go."""
    body = parse_text(page(tail=(*NARRATED, *PROMOTED))).body
    assert body[-len(NARRATED):] == NARRATED
    assert not any(line in body for line in PROMOTED)


def test_a_newsletters_ask_for_paid_subscribers_and_gifts_is_no_story_text() -> None:
    asks = ("The Harbour Letter is a reader-supported publication. To receive new posts and support my work, "
            "consider becoming a free or paid subscriber.",
            "Local news is a public service. Make your gift today to keep it strong.")
    body = parse_text(page(tail=asks)).body
    assert body == PARAS


@pytest.mark.parametrize(("line", "authors"), [
    ("By Ada Quill, Local Democracy Reporter", ["Ada Quill"]),
    ("By Ada Quill, Guest Columnist", ["Ada Quill"]),
    ("Ada Quill Guest columnist", ["Ada Quill"]),
    ("By Ada Quill and Ben Wick, Freelance Writers", ["Ada Quill", "Ben Wick"]),
    ("By Christian Long, Reporter", ["Christian Long"]),
    ("By Royal Brown Senior Writer", ["Royal Brown"]),  # a desk word may begin a name
    # WordPress: published and updated glued, then the author and the comment count.
    ("Posted on March 17, 2026March 18, 2026 by Ada Quill2 Comments", ["Ada Quill"]),
    ("Interview by Ada Quill", ["Ada Quill"]),
    ("Analysis by Ada Quill", ["Ada Quill"]),
    ("By Ada Quill aquill@gazette.example", ["Ada Quill"]),
])
def test_a_post_after_the_name_is_no_author(line: str, authors: list[str]) -> None:
    """"Local Democracy Reporter" was read as an author "Local Democracy", "Guest columnist" as a
    surname "Guest": a post made of desk words and a job title names nobody."""
    found = parse_byline(line, bare_ok=True)
    assert found is not None and found.authors == authors


@pytest.mark.parametrize("label", ["Publicité", "ANZEIGE", "- Anzeige -", "Publicidad"])
def test_an_advertisements_label_in_another_language_is_no_story_text(label: str) -> None:
    body = parse_text(page(tail=(PARAS[0], label, PARAS[1]))).body
    assert label not in body and PARAS[1] in body


def test_a_credit_line_in_a_dump_says_who_not_what_kind_of_picture() -> None:
    dump = page("The harbour master inspects the damaged quay wall on Monday. (Staff photo by Ada Quill)")
    assert [(i.caption, i.credit) for i in parse_text(dump).images] == [
        ("The harbour master inspects the damaged quay wall on Monday.", "Ada Quill")]


def test_a_date_line_with_its_time_zone_is_the_date_not_a_caption() -> None:
    """"March 5, 2026 at 5:00 a.m. EST" was a photo caption credited to "EST", and the story had no date."""
    found = parse_text(page("By Ada Quill", "March 5, 2026 at 5:00 a.m. EST"))
    assert found.images == [] and (found.published or "").startswith("2026-03-05")


def test_a_wire_credit_with_a_file_photo_note_is_split_at_its_start() -> None:
    from broadsheet.store.parse.captions import split_credit

    assert split_credit("Crews inspect the quay wall in Lowmoor, March 3, 2026. REUTERS/Ada Quill/File Photo") == (
        "Crews inspect the quay wall in Lowmoor, March 3, 2026.", "REUTERS/Ada Quill/File Photo")


def test_a_label_before_the_title_is_not_put_on_the_printed_headline() -> None:
    """"Analysis | Why ... - Site" as the page title gave the headline "Analysis | Why ...", though
    the page printed "Why ..." alone."""
    dump = page("By Ada Quill", title=f"Analysis | {TITLE}").replace(f"Analysis | {TITLE} | Gazette",
                                                                       f"Analysis | {TITLE} | Gazette\n\n{TITLE}", 1)
    assert parse_text(dump).headline == TITLE


def test_with_files_from_names_the_sources_a_story_drew_on() -> None:
    """Canadian papers end a story "With files from The Canadian Press": it stayed in the text."""
    found = parse_text(page(tail=("With files from The Canadian Press and Reuters",)))
    assert found.credits is not None and found.credits.additional_reporting == ["The Canadian Press", "Reuters"]
    assert found.body == PARAS


def test_a_captions_hide_and_toggle_buttons_are_not_its_text() -> None:
    """A copy of a page glues a photo's "hide caption" button to its caption and prints its
    "toggle caption" on the line before the credit: the caption kept both labels."""
    dump = "\n".join([TITLE, TITLE, "By Ann Example",
                      "Workers fit the last railings on the bridge deck on Monday evening.hide caption",
                      "toggle caption", "Bo Chen/Harbour Times", *PARAS])
    article = parse_text(dump)
    assert [(i.caption, i.credit) for i in article.images] == [
        ("Workers fit the last railings on the bridge deck on Monday evening.", "Bo Chen/Harbour Times")]
    assert not any("caption" in p for p in article.body)


def test_a_show_more_label_after_a_bylines_names_is_no_name() -> None:
    """"Read More", "READ MORE" and "Show less" after the names (a button's label) ended the last name."""
    for text in ("By ANN EXAMPLE and BO CHEN READ MORE", "By Ann Example and Bo Chen Show less"):
        byline = parse_byline(text)
        assert byline is not None and [n.casefold() for n in byline.authors] == ["ann example", "bo chen"], text
    assert split_names("Ann Example, Bo Chen Read More") == ["Ann Example", "Bo Chen"]
    assert split_names("Ann Example and Bo Chen READ MORE") == ["Ann Example", "Bo Chen"]


def test_a_corrections_policy_and_a_print_edition_note_are_not_story_text() -> None:
    """The publisher's corrections notice and a print edition's note closed the story's text."""
    notes = ["We are committed to accuracy. If you spot an error, please read our corrections policy.",
             "A version of this article appears in print on Nov. 3, 2025, Section A, Page 9 of the Harbour "
             "edition with the headline: Bridge To Open In Spring."]
    article = parse_text("\n".join([TITLE, TITLE, "By Ann Example", *PARAS, *notes]))
    assert article.body[-1] == PARAS[-1]

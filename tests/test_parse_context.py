"""Unit tests for the context steps: wrapped lines, story end, teasers, credits across lines."""

from __future__ import annotations

from broadsheet.store.parse import explain_text, parse_text
from broadsheet.store.parse.assemble import canonical_headline
from broadsheet.store.parse.boilerplate import end_marker, furniture_reason, inline_furniture, repeated_lines
from broadsheet.store.parse.captions import credit_only, label_only, split_name_credit
from broadsheet.store.parse.lines import join_wrapped, split_lines

P1 = (
    "The council said on Tuesday that it would open the new harbour bridge to traffic in the spring, "
    "after a long delay that had been caused by a shortage of steel and by a dispute with the builder."
)
P2 = (
    "Residents who had waited for years for the crossing said they were pleased, although some of them "
    "worried that the tolls would be too high for the families who would use it every single day."
)
P3 = (
    "The builder said in a statement that it was proud of the work and that the bridge would last for "
    "at least a century if it was looked after, which the council has promised it will be."
)
HEAD = "Bridge opens | Gazette\nBridge opens\nBy Ann Lee\n"


def test_join_wrapped_folds_sentence_continuations() -> None:
    lines = join_wrapped(split_lines("He said the plan was\nreckless\n, and left.\nNew line"))
    assert [line.text for line in lines] == ["He said the plan was reckless, and left.", "New line"]
    assert [n for n, _ in lines[0].continued] == [2, 3]


def test_join_wrapped_folds_quoted_phrases_and_short_links_inside_a_sentence() -> None:
    # One text node per line: a phrase in quotes, then short link texts, inside one sentence.
    text = (
        "The board, which will soon be in charge of labelling\n“fake news”\nalongside the council, backed the"
        "\nplan\nof the\nmayor\nto close the road."
    )
    lines = join_wrapped(split_lines(text))
    assert [line.text for line in lines] == [
        "The board, which will soon be in charge of labelling “fake news” alongside the council, backed the plan"
        " of the mayor to close the road."
    ]


def test_join_wrapped_leaves_short_menu_labels_apart() -> None:
    lines = join_wrapped(split_lines("Related Topics\nlisten Live\nMost Read"))
    assert [line.text for line in lines] == ["Related Topics", "listen Live", "Most Read"]


def test_join_wrapped_keeps_byline_and_finished_sentences() -> None:
    lines = join_wrapped(split_lines("Bridge opens at last\nby Ann Lee\nIt opened.\nthen closed"))
    assert [line.text for line in lines] == [
        "Bridge opens at last",
        "by Ann Lee",
        "It opened.",
        "then closed",
    ]


def test_explain_lists_every_input_line_even_when_folded() -> None:
    cut = P1.index(" to traffic")
    dump = HEAD + P1[:cut] + "\n" + P1[cut:].lstrip() + "\n" + P2 + "\n" + P3
    explained = explain_text(dump)
    assert [e.number for e in explained] == list(range(1, 8))
    assert explained[4].reason == "continues line 4"
    assert parse_text(dump).body[0] == P1


def test_comments_end_the_story() -> None:
    dump = HEAD + "\n".join([P1, P2, P3, "3 Comments", "reader99 says:", P2.replace("Residents", "Readers")])
    assert parse_text(dump).body == [P1, P2, P3]
    assert end_marker("Leave a Reply")
    assert end_marker("jo_bloggs says:")
    assert end_marker("The council said so.") is None


def test_author_box_ends_the_story() -> None:
    tail = "Ann Lee is a reporter who covers transport. Follow her on social media for more news."
    dump = HEAD + "\n".join([P1, P2, P3, tail, P1.replace("council", "county")])
    assert parse_text(dump).body == [P1, P2, P3]


def test_teasers_and_ads_are_furniture() -> None:
    assert furniture_reason("READ MORE: Council bridge plan slammed by locals")
    assert furniture_reason("Mayor promises new ferry for the island after...")
    assert inline_furniture("Advertisement")
    assert inline_furniture("Story continues below advertisement")
    assert not inline_furniture(P1)
    assert repeated_lines(["Menu", "News", "Menu", P1, P1]) == {"Menu"}


def test_ad_marker_between_paragraphs_does_not_split_story() -> None:
    short = "The work took four years to finish, the council said."
    dump = HEAD + "\n".join([P1, "Advertisement", short, "Article content", P2, P3])
    assert parse_text(dump).body == [P1, short, P2, P3]


def test_credit_shapes_over_two_lines() -> None:
    assert label_only("Image:")
    assert credit_only("Image: Jo Bloggs") == "Jo Bloggs"
    assert credit_only("Jo Bloggs/via Wire Photos") == "Jo Bloggs/via Wire Photos"
    assert split_name_credit("The mayor cuts the ribbon on the quay. Jo Bloggs for Gazette") == (
        "The mayor cuts the ribbon on the quay.",
        "Jo Bloggs for Gazette",
    )
    assert split_name_credit(P1) is None
    dump = HEAD + "The mayor cuts the ribbon on the quay\n\nImage:\n\nJo Bloggs\n" + P1 + "\n" + P2
    art = parse_text(dump)
    assert [(i.caption, i.credit) for i in art.images] == [
        ("The mayor cuts the ribbon on the quay", "Jo Bloggs")
    ]
    assert art.body == [P1, P2]


def test_canonical_headline_prefers_title_for_light_edits() -> None:
    title = "Council opens the new harbour bridge at last"
    assert canonical_headline("Council opens the long-awaited new harbour bridge at last", title) == title
    assert canonical_headline("Bridge finally opens to traffic", title) == "Bridge finally opens to traffic"


def test_headline_block_above_byline() -> None:
    dump = (
        "Harbour life - Gazette\nFeatures\n\nThe bridge that took a decade to build\n\n"
        "Can a small town afford a crossing this grand?\n\nBy Ann Lee\n\n" + P1 + "\n\n" + P2
    )
    art = parse_text(dump)
    assert art.headline == "The bridge that took a decade to build"
    assert art.standfirst == "Can a small town afford a crossing this grand?"
    assert art.authors == ["Ann Lee"]


def test_title_copy_with_byline_below_wins_over_later_copy() -> None:
    dump = (
        "Bridge opens | Gazette\nMenu\nBridge opens\nAuthor of the article:\nAnn Lee\n"
        + P1
        + "\nShare\nBridge opens\nCopy link\n"
        + P2
        + "\n"
        + P3
    )
    art = parse_text(dump)
    assert art.authors == ["Ann Lee"]
    assert [e.number for e in explain_text(dump) if e.role == "headline"] == [3]


def test_site_promotions_and_widgets_are_furniture() -> None:
    assert furniture_reason("Sign up for our daily newsletter to get the best stories in your inbox.")
    assert furniture_reason("To view this video please enable JavaScript and upgrade your browser.")
    assert furniture_reason("2:05 Council unveils plans for a second harbour bridge")
    assert furniture_reason("* EMAIL")
    assert furniture_reason("Share on Facebook Share on X Share via email Copy link Print this page")
    assert furniture_reason(P1) is None
    assert (
        furniture_reason("Norway joined the alliance after becoming a member of the treaty in 1949.") is None
    )


def test_short_complete_sentence_between_paragraphs_is_body() -> None:
    short = "The mayor said she was delighted."
    dump = HEAD + "\n".join(["Advertisement", short, P1, P2, P3])
    assert parse_text(dump).body == [short, P1, P2, P3]


def test_captions_without_credit() -> None:
    cue = "The mayor (left) and the builder at the opening"
    twice = "The new bridge seen from the harbour wall at dawn."
    dump = HEAD + "\n".join([P1, cue, P2, twice, "", twice, P3])
    art = parse_text(dump)
    assert [(i.caption, i.credit) for i in art.images] == [(cue, None), (twice, None)]
    assert art.body == [P1, P2, P3]


def test_credit_split_over_lines_in_crude_dumps() -> None:
    dump = HEAD + "\n".join(
        [
            "The mayor cuts the ribbon on the quay.",
            "",
            "Photo by JO BLOGGS",
            "/",
            "Wire Agency via Getty Images",
            P1,
            "A view of the bridge at night",
            "(Image: Getty)",
            P2,
            "The toll booths on the north side.",
            "",
            "Ann Lee for Gazette",
            P3,
        ]
    )
    art = parse_text(dump)
    assert [i.credit for i in art.images] == [
        "JO BLOGGS / Wire Agency via Getty Images",
        "Getty",
        "Ann Lee for Gazette",
    ]
    assert art.body == [P1, P2, P3]


def test_headline_block_skips_page_top_date_and_bullets() -> None:
    dump = (
        "Harbour life - Gazette\nWednesday, 3 April 2024\nMenu\n\nThe bridge that took a decade to build\n\n"
        "By\n\nAnn Lee\n\n3 April 2024\n• Port Town\n\n" + P1 + "\n\n" + P2
    )
    art = parse_text(dump)
    assert art.headline == "The bridge that took a decade to build"
    assert art.authors == ["Ann Lee"]
    assert art.published == "2024-04-03"


def test_capitalised_subhead_inside_story_is_not_a_byline() -> None:
    dump = HEAD.replace("By Ann Lee\n", "") + "\n".join([P1, P2, "NEW TOLL SCHEME", P3])
    art = parse_text(dump)
    assert art.authors == ["Gazette"]  # no person bylined: the site

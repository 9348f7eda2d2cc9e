"""Unit tests for each parse step, on short made-up page dumps."""

from __future__ import annotations

import pytest

from broadsheet.store.model import Credits
from broadsheet.store.parse import explain_text, parse_text
from broadsheet.store.parse.boilerplate import furniture_reason
from broadsheet.store.parse.byline import parse_byline
from broadsheet.store.parse.captions import credit_only, split_credit
from broadsheet.store.parse.credits import parse_credits
from broadsheet.store.parse.dateline import split_dateline, wire_in
from broadsheet.store.parse.dates import find_dates, parse_date
from broadsheet.store.parse.headline import split_title
from broadsheet.store.parse.lines import split_lines
from broadsheet.store.parse.quality import in_context, initial_class

PARA = (
    "The council said on Tuesday that it would open the new harbour bridge to traffic in the spring, "
    "after a long delay that had been caused by a shortage of steel and by a dispute with the builder."
)
PARA2 = (
    "Residents who had waited for years for the crossing said they were pleased, although some of them "
    "worried that the tolls would be too high for the families who would use it every single day."
)


# --- lines -----------------------------------------------------------------------------------------


def test_split_lines_numbers_and_blanks() -> None:
    lines = split_lines("Title\n\n  two\u00a0 words  \n")
    assert [(line.number, line.text, line.role) for line in lines][:3] == [
        (1, "Title", "boilerplate"),
        (2, "", "blank"),
        (3, "two words", "boilerplate"),
    ]


# --- title / headline --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "core", "site"),
    [
        ("Bridge opens at last | The Harbour Gazette", "Bridge opens at last", "The Harbour Gazette"),
        ("Bridge opens at last - Local | Gazette.example", "Bridge opens at last", "Gazette.example"),
        ("Bridge opens at last", "Bridge opens at last", None),
        ("Bridge opens at last | by Ann Lee | Gazette", "Bridge opens at last", "Gazette"),
        (
            "BUDGET | Council finds money for the long-awaited harbour bridge",
            "BUDGET | Council finds money for the long-awaited harbour bridge",
            None,
        ),
    ],
)
def test_split_title(title: str, core: str, site: str | None) -> None:
    assert split_title(title) == (core, site)


def test_headline_repeated_from_title_is_one_headline() -> None:
    dump = (
        "Bridge opens at last\nBridge opens at last\nMenu\nBridge opens at last\nBy Ann Lee\n"
        + PARA
        + "\n"
        + PARA2
    )
    art = parse_text(dump)
    assert art.headline == "Bridge opens at last"
    roles = [e.role for e in explain_text(dump)]
    assert roles.count("headline") == 1
    assert art.body == [PARA, PARA2]


def test_a_headline_printed_twice_under_itself_is_no_standfirst() -> None:
    """A page printing the headline twice before the byline gave the story a standfirst that
    was its headline again, shown twice at the top of the story."""
    headline = "Harbour council approves the new ferry timetable for the outer islands"
    menu = "\n".join(["News", "Sport", "Politics", "Business", "Health", "Weather", "Travel", "Search", "Sign in"])
    dump = (f"{headline} | The Gazette\n{menu}\n\n{headline}\n{headline}\nBy Ann Lee 3 March 2026\n\n"
            f"{PARA}\n\n{PARA2}\n")
    art = parse_text(dump)
    assert art.headline == headline and art.standfirst is None and art.body == [PARA, PARA2]


def test_headline_differs_from_title_uses_line_above_story() -> None:
    dump = (
        "Harbour news | Gazette\nHome\nNews\nSport\n\nCouncil finally opens the harbour bridge\n\n"
        "By Ann Lee\n\n" + PARA + "\n\n" + PARA2
    )
    art = parse_text(dump)
    assert art.headline == "Council finally opens the harbour bridge"
    assert art.source == "Gazette"


# --- furniture and prose -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Advertisement",
        "Read Next",
        "Share this article",
        "Sign InRegister",
        "Most Read",
        "© 2024 Example Media. All rights reserved.",
    ],
)
def test_furniture(text: str) -> None:
    assert furniture_reason(text)


def test_prose_is_not_furniture() -> None:
    assert furniture_reason(PARA) is None
    assert initial_class(PARA) == "good"
    assert initial_class("Home") == "short"


def test_short_line_between_paragraphs_is_kept() -> None:
    assert in_context(["good", "short", "good"]) == ["good", "good", "good"]
    assert in_context(["bad", "short", "bad"]) == ["bad", "bad", "bad"]
    assert in_context(["good", "bad", "neargood", "bad"])[2] == "bad"
    assert in_context(["bad", "neargood", "bad"])[1] == "good"  # no good line at all: near-good anchors


def test_menu_lines_and_ads_are_not_body() -> None:
    dump = (
        "Bridge opens | Gazette\nWorld\nSport\nBridge opens\nBy Ann Lee\n"
        + PARA
        + "\nAdvertisement\n"
        + PARA2
        + "\nRead More\nMost Read\nCats learn to open fridges\nDogs unimpressed by weather\n"
    )
    art = parse_text(dump)
    assert art.body == [PARA, PARA2]


# --- byline and dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "authors", "date"),
    [
        ("By Ann Lee and Bo Chen", ["Ann Lee", "Bo Chen"], None),
        ("by Harbour News12 March 2024", ["Harbour News"], "2024-03-12"),
        ("Ann LeePublished Mar 12, 2024, 9:05am", ["Ann Lee"], "2024-03-12T09:05:00"),
        ("By Ann Lee, Senior Reporter", ["Ann Lee"], None),
        ("By Ann Lee | Gazette", ["Ann Lee"], None),
        ("By Ann Lee and Bo Chen, CNN", ["Ann Lee", "Bo Chen"], None),
        ("By ANN LEE, BO CHEN and CY DEE", ["ANN LEE", "BO CHEN", "CY DEE"], None),
        ("Written by Ann Lee Ann Lee", ["Ann Lee"], None),
        ("by Ann Lee Monday, November 18, 2019", ["Ann Lee"], "2019-11-18"),  # the weekday starts the date
        ("By Ann Lee Thursday 18/11/2019", ["Ann Lee"], "2019-11-18"),
        ("By Sunday Okafor, March 2, 2021", ["Sunday Okafor"], "2021-03-02"),  # a name, not a date's weekday
        ("By Bo Sun 18 May 2020", ["Bo Sun"], "2020-05-18"),
    ],
)
def test_parse_byline(text: str, authors: list[str], date: str | None) -> None:
    info = parse_byline(text, bare_ok=True)
    assert info is not None
    assert info.authors == authors
    assert info.date == date


def test_not_a_byline() -> None:
    assert parse_byline("By providing your email you agree to the terms") is None
    assert parse_byline("The Harbour", bare_ok=True) is None
    assert parse_byline("Courtesy Gazette", bare_ok=True) is None
    glued = parse_byline("Ann LeeGAZETTEBusiness", bare_ok=True)
    assert glued is not None and glued.authors == ["Ann Lee"]
    assert parse_byline("The council met today", bare_ok=True) is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2 minute readApril 25, 20232:26 PM GMT+2", "2023-04-25T14:26:00+02:00"),
        ("Updated 5 March 2024 at 14:05 BST", "2024-03-05T14:05:00+01:00"),
        ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05+00:00"),
        ("Posted Jan. 7, 2022", "2022-01-07"),
        ("on 31/12/2023", "2023-12-31"),
        ("2023/04/25", "2023-04-25"),
        ("no date here", None),
        ("31 February 2023", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_find_dates_positions() -> None:
    found = find_dates("x 1 May 2020 y")
    assert len(found) == 1 and found[0].start == 2 and not found[0].has_time


# --- captions and credits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        (
            "The mayor cuts the ribbon on Tuesday. (AP Photo/Jo Bloggs)",
            "The mayor cuts the ribbon on Tuesday.",
            "AP Photo/Jo Bloggs",
        ),
        ("The mayor cuts the ribbon (Picture: Getty Images)", "The mayor cuts the ribbon", "Getty Images"),
        (
            "The mayor cuts the ribbon. Photo by JO BLOGGS /AFP via Getty Images",
            "The mayor cuts the ribbon.",
            "JO BLOGGS /AFP via Getty Images",
        ),
        (
            "The mayor cuts the ribbon. 2 May 2024. JO BLOGGS/Pool via REUTERS",
            "The mayor cuts the ribbon. 2 May 2024.",
            "JO BLOGGS/Pool via REUTERS",
        ),
    ],
)
def test_split_credit(text: str, caption: str, credit: str) -> None:
    assert split_credit(text) == (caption, credit)


def test_credit_only_lines() -> None:
    assert credit_only("Getty Images") == "Getty Images"
    assert credit_only("Image: Jo Bloggs") == "Jo Bloggs"
    assert credit_only("The council met") is None
    assert split_credit(PARA) is None


def test_caption_then_credit_line_in_a_page() -> None:
    dump = (
        "Bridge opens | Gazette\nBridge opens\nBy Ann Lee\nThe mayor cuts the ribbon\nGetty Images\n"
        + PARA
        + "\n"
        + PARA2
    )
    art = parse_text(dump)
    assert [(i.caption, i.credit) for i in art.images] == [("The mayor cuts the ribbon", "Getty Images")]
    assert art.body == [PARA, PARA2]


# --- dateline and credit line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dateline", "agency", "rest"),
    [
        ("PORT TOWN (Reuters) -The bridge opened.", "PORT TOWN (Reuters)", "Reuters", "The bridge opened."),
        ("PORT TOWN, May 7 (AP) — The bridge opened.", "PORT TOWN, May 7 (AP)", "AP", "The bridge opened."),
        ("LONDON — The bridge opened.", "LONDON", None, "The bridge opened."),
        ("The bridge opened - at last.", None, None, "The bridge opened - at last."),
        ("Note: the bridge opened.", None, None, "Note: the bridge opened."),
        ("EXCLUSIVE - The bridge opened.", None, None, "EXCLUSIVE - The bridge opened."),
        # A state or country after the city as written (AP and Reuters style).
        ("PORTVILLE, Minn. — The bridge opened.", "PORTVILLE, Minn.", None, "The bridge opened."),
        ("PORTVILLE, Texas (AP) — The bridge opened.", "PORTVILLE, Texas (AP)", "AP", "The bridge opened."),
        ("PORTVILLE, Vossland, Aug 20 (Reuters) - The bridge opened.", "PORTVILLE, Vossland, Aug 20 (Reuters)",
         "Reuters", "The bridge opened."),
        ("Portville, Texas — The bridge opened.", None, None, "Portville, Texas — The bridge opened."),
        # Capitals before a comma and a dash need a place after them: here two names begin a sentence.
        ("NASA, Boeing — the two names are tied.", None, None, "NASA, Boeing — the two names are tied."),
    ],
)
def test_split_dateline(text: str, dateline: str | None, agency: str | None, rest: str) -> None:
    assert split_dateline(text) == (dateline, agency, rest)


def test_wire_in() -> None:
    assert wire_in("By Ann Lee The Associated Press") == "Associated Press"
    assert wire_in("By Ann Lee") is None


def test_parse_credits() -> None:
    line = (
        "(Reporting by Ann Lee in Port Town; additional reporting by Bo Chen; "
        "Writing by Cy Dee; Editing by Di Eve)"
    )
    assert parse_credits(line) == Credits(["Ann Lee"], ["Bo Chen"], ["Cy Dee"], ["Di Eve"], line)
    assert parse_credits(PARA) is None


def test_wire_story_assembly() -> None:
    dump = (
        "Bridge opens | Gazette\nBridge opens\nby Gazette Wire3 May 2024\n\nPORT TOWN (Reuters) - "
        + PARA
        + "\n\n"
        + PARA2
        + "\n\n(Reporting by Ann Lee; Editing by Di Eve)\n\nRelated Topics\n"
    )
    art = parse_text(dump)
    assert art.dateline == "PORT TOWN (Reuters)"
    assert art.agency == "Reuters"
    assert art.body == [PARA, PARA2]
    assert art.credits is not None and art.credits.editing == ["Di Eve"]
    assert art.published == "2024-05-03"
    assert art.authors == ["Gazette Wire"]


def _wire_dump(end_block: str) -> str:
    return (
        "Bridge opens | Gazette\nBridge opens\nBy Ann Lee\n\nPORT TOWN (Reuters) - "
        + PARA + "\n\n" + PARA2 + "\n\n" + end_block + "\n\nRelated Topics\n"
    )


def test_every_credit_line_of_the_end_block_is_read() -> None:
    block = (
        "Reporting by Ann Lee and Bo Chen; additional reporting by Cy Dee\n\n"
        "Photo: Fay Gill\nWriting by Di Eve\nEditing by Ed Fox"
    )
    art = parse_text(_wire_dump(block))
    assert art.credits is not None
    assert art.credits.reporting == ["Ann Lee", "Bo Chen"]
    assert art.credits.additional_reporting == ["Cy Dee"]
    assert art.credits.writing == ["Di Eve"] and art.credits.editing == ["Ed Fox"]
    assert "Writing by Di Eve" in art.credits.text and "Fay Gill" not in art.credits.text
    assert [img.credit for img in art.images] == ["Fay Gill"]
    assert art.body[-1] == PARA2


@pytest.mark.parametrize("line", ["Graphics by Mia Holm", "Graphic by Mia Holm", "Graphics: Mia Holm"])
def test_a_graphics_credit_line_is_read_as_the_reporting_and_editing_lines_are(line: str) -> None:
    """"Graphics by Mia Holm" between "Reporting by" and "Editing by" was dropped, and the
    reporting line with it: only the editing credit was shown."""
    art = parse_text(_wire_dump(f"Reporting by Gus Hale\n{line}\nEditing by Ida Jones"))
    assert art.credits is not None
    assert (art.credits.reporting, art.credits.graphics, art.credits.editing) == (["Gus Hale"], ["Mia Holm"],
                                                                                  ["Ida Jones"])
    assert art.credits.text == f"Reporting by Gus Hale {line} Editing by Ida Jones"
    assert art.body[-1] == PARA2


def test_separate_reporting_and_editing_lines_are_both_read() -> None:
    art = parse_text(_wire_dump("Reporting by Gus Hale\nEditing by Ida Jones"))
    assert art.credits is not None
    assert art.credits.reporting == ["Gus Hale"] and art.credits.editing == ["Ida Jones"]


def test_only_the_end_block_of_credit_lines_is_read() -> None:
    # A credit line with story text after it is not part of the block the story ends with.
    dump = _wire_dump("Editing by Ida Jones").replace(PARA2, "Reporting by Gus Hale\n\n" + PARA2)
    art = parse_text(dump)
    assert art.credits is not None
    assert art.credits.reporting == [] and art.credits.editing == ["Ida Jones"]


def test_standfirst_between_headline_and_byline() -> None:
    stand = "The long-awaited crossing will open in the spring, the council said, after years of delays."
    dump = "Bridge opens | Gazette\nBridge opens\n" + stand + "\nBy Ann Lee\n" + PARA + "\n" + PARA2
    art = parse_text(dump)
    assert art.standfirst == stand
    assert art.body == [PARA, PARA2]


def test_explain_roles_are_known() -> None:
    from broadsheet.store.parse import ROLES

    dump = "Bridge opens | Gazette\n\nBridge opens\nBy Ann Lee\n" + PARA
    explained = explain_text(dump)
    assert [e.number for e in explained] == list(range(1, 6))
    assert all(e.role in ROLES and e.reason for e in explained)


# --- other languages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Aktualisiert am 22. Dezember 2023", "2023-12-22"),
        ("Publicado el 3 de marzo de 2024, 10:15", "2024-03-03T10:15:00"),
        ("Publié le 12 juin 2022", "2022-06-12"),
    ],
)
def test_foreign_dates(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_foreign_byline_and_prose() -> None:
    assert parse_byline("Von Anna Schmidt").authors == ["Anna Schmidt"]
    german = (
        "Der Stadtrat hat am Dienstag beschlossen, dass die neue Brücke im Frühjahr für den Verkehr "
        "freigegeben wird, nachdem es wegen eines Mangels an Stahl zu einer langen Verzögerung gekommen war."
    )
    assert initial_class(german) == "good"


@pytest.mark.parametrize(
    ("line", "additional", "reporting"),
    [
        ("—Wire Service writer Ann Lee in Port Town contributed to this report.", ["Ann Lee"], []),
        (
            "Wire writers Ann Lee in Port Town, Eastshire, and Bo Chen contributed to this report.",
            ["Ann Lee", "Bo Chen"],
            [],
        ),
        ("– additional reporting by Bo Chen", ["Bo Chen"], []),
        ("With reporting by Wire Service writer Cy Dee", [], ["Cy Dee"]),
    ],
)
def test_contributor_notes_are_credits(line: str, additional: list[str], reporting: list[str]) -> None:
    credits = parse_credits(line)
    assert credits is not None
    assert credits.additional_reporting == additional
    assert credits.reporting == reporting
    assert credits.text == line


def test_ordinary_sentence_is_not_a_credit_line() -> None:
    assert parse_credits("The family said it contributed to this report.") is None


def test_a_file_photo_note_in_a_text_dump_stays_in_its_caption_and_credits_no_one() -> None:
    """The text parser's version took "(File photo)" and "... pier. File Photo" for credits, and
    "(File photo: Nordwire)" credited "File photo: Nordwire"."""
    para = ("The harbour board voted on Tuesday to rebuild the north pier, which storms damaged last winter, at a "
            "cost the board put at four million pounds over three years.")
    text = "\n\n".join([
        "Harbour board votes to rebuild the north pier | Lowmoor Gazette",
        "Harbour board votes to rebuild the north pier", "By Ada Quill", "3 March 2024",
        "The old north pier before the storm in a view from the sea wall. (File photo)", para,
        "The ferry office on the quay at dawn. (File photo: Nordwire)", para.replace("Tuesday", "Monday"),
        para.replace("Tuesday", "Friday"), "The gull colony at the end of the old pier. File Photo"])
    article = parse_text(text + "\n")
    assert [(image.caption, image.credit) for image in article.images] == [
        ("The old north pier before the storm in a view from the sea wall. (File photo)", None),
        ("The ferry office on the quay at dawn.", "Nordwire"),
        ("The gull colony at the end of the old pier. File Photo", None)]

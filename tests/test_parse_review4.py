"""Parser defects a review of made-up pages in many CMS templates found (round 4).

Each test is a made-up article (invented places, people and text) in the shape a kind of page
takes: a French dump with a "Publicité" label between paragraphs, a credit naming an outlet with
a small word in its name, a German meta box, and so on. They check what the reader gets.
"""

from __future__ import annotations

from broadsheet.store.html import page_article
from broadsheet.store.parse import parse_text

FR_PARAS = [
    "Le conseil communautaire de Vernois-sur-Lande a adopté jeudi soir le projet de nouvelle médiathèque, "
    "qui sera construite à la place de l'ancienne gare routière d'ici à la fin de l'année 2027.",
    "Selon l'adjoint chargé de la culture, le chantier coûtera environ 6,8 millions d'euros, dont près de la "
    "moitié sera financée par la région et par l'État dans le cadre du plan de relance.",
    "« Nous attendions ce lieu depuis longtemps, et les écoles du secteur pourront enfin y venir chaque "
    "semaine », a expliqué la directrice de l'école Jules-Ferry, Odile Marchetti-Brun.",
]
FR_AFTER_AD = "Les travaux de démolition de l'ancienne gare commenceront dès le mois de février prochain."


def _french_dump(caption: str) -> str:
    lines = [
        "Vernois-sur-Lande : la nouvelle médiathèque enfin votée - L'Écho de Lande",
        "L'Écho de Lande",
        "ActualitésSportsCultureS'abonnerSe connecter",
        "Vernois-sur-Lande : la nouvelle médiathèque enfin votée",
        "Par Armelle Quentin-Dubois",
        "Publié le 3 mars 2025 à 9h10",
        caption,
        *FR_PARAS,
        "Publicité",
        FR_AFTER_AD,
        "Cet article vous a plu ? Abonnez-vous pour 2 € par mois et lisez tous nos articles.",
        "© L'Écho de Lande 2025 — Tous droits réservés",
    ]
    return "\n\n".join(lines) + "\n"


def test_a_paragraph_after_an_ad_label_in_another_language_stays_in_the_story() -> None:
    """"Publicité" was taken for a line of furniture (not an ad marker between paragraphs), so the
    paragraph after it, with furniture below, looked like the page's footer and was dropped; the
    subscription pitch after it is no paragraph of the story."""
    article = parse_text(_french_dump("Le futur bâtiment vu depuis la place du Marché. Photo DR"))
    assert article.body[-1] == FR_AFTER_AD
    assert not any("Abonnez-vous" in p for p in article.body)


def test_a_photo_credit_naming_an_outlet_with_a_small_word_keeps_the_whole_name() -> None:
    """"Photo Écho de Lande/Ann Leroux" was cut to "Lande/Ann Leroux", the label left on the caption."""
    caption = "Le futur bâtiment vu depuis la place du Marché. Photo Gazette de Lande/Rémi Castagnet"
    article = parse_text(_french_dump(caption))
    assert [(i.caption, i.credit) for i in article.images] == [
        ("Le futur bâtiment vu depuis la place du Marché.", "Gazette de Lande/Rémi Castagnet")]


def test_a_french_pages_chapo_is_its_standfirst() -> None:
    """French newsrooms call the standfirst the chapô: a paragraph so marked is no story paragraph."""
    html = ("<!DOCTYPE html><html><head><meta charset=utf-8></head><body><article>"
            "<h1>Vernois-sur-Lande : la nouvelle médiathèque enfin votée</h1>"
            "<p class=\"article-chapo\">Le chantier doit commencer en février, sur le site de l'ancienne gare.</p>"
            + "".join(f"<p>{p}</p>" for p in FR_PARAS)
            + "</article></body></html>")
    article = page_article(html)
    assert article.standfirst == "Le chantier doit commencer en février, sur le site de l'ancienne gare."
    assert article.body == FR_PARAS


DE_PARAS = [
    "Die Gemeinde Uferbach hat am Freitag ihre neue Fähre über den Kranichsee in Betrieb genommen. Das Schiff "
    "bietet Platz für vierzig Fahrgäste und zwölf Fahrräder.",
    "Die alte Fähre aus dem Jahr 1964 hatte im vergangenen Winter einen Motorschaden erlitten und musste danach "
    "mehrere Monate in der Werft bleiben.",
    "„Wir sind froh, dass die Verbindung wieder steht“, sagte Bürgermeister Gerold Haslinger bei der Taufe des "
    "Schiffes am Steg.",
]
DE_META = "Von Dorothea Kessler-Aydin 12.05.2024, 08:30 Uhr 3 Min. Lesezeit"


def test_a_meta_box_of_byline_date_and_reading_time_under_a_kicker_is_not_the_story() -> None:
    """A German page's header: a place over the headline, then one box with the byline, the date
    and the reading time. The place stopped the look for the lines that only date and sign the
    story, so both stood as its first paragraphs."""
    html = ("<!DOCTYPE html><html><head><meta charset=utf-8></head><body><article>"
            "<div class=\"kopf\"><span class=\"ort\">Uferbach</span><h1>Neue Fähre für den Kranichsee</h1>"
            "<div class=\"meta\"><span>Von Dorothea Kessler-Aydin</span> <span>12.05.2024, 08:30 Uhr</span> "
            "<span>3 Min. Lesezeit</span></div></div>"
            + "".join(f"<p>{p}</p>" for p in DE_PARAS)
            + "</article></body></html>")
    article = page_article(html)
    assert article.body == DE_PARAS
    assert article.authors == ["Dorothea Kessler-Aydin"]


def test_a_german_byline_with_date_and_reading_time_in_a_dump_is_the_byline() -> None:
    """In a text dump the same line was a caption credited to "Lesezeit" (after "Min."), and the
    story lost its author and date."""
    dump = "\n\n".join(["Neue Fähre für den Kranichsee - Seeblatt", "Seeblatt", "LokalesSportAboAnmelden",
                        "Neue Fähre für den Kranichsee", DE_META, *DE_PARAS]) + "\n"
    article = parse_text(dump)
    assert article.authors == ["Dorothea Kessler-Aydin"]
    assert article.published == "2024-05-12T08:30:00"
    assert article.images == []
    assert article.body == DE_PARAS


EN_PARAS = [
    "Bus fares in Harrowgate Vale will rise by 25 cents from March, the regional transit board decided on "
    "Tuesday night after a long debate about the cost of running the new electric fleet.",
    "The board said the money would pay for drivers' wages and for the charging depot that opened on the "
    "edge of the industrial park last autumn, which has cost more to run than planned.",
    "Riders who spoke at the meeting said that the increase would hit students and older residents hardest, "
    "and several asked the board to keep the discount for monthly passes.",
    "The board agreed to review the discount in June, when the first figures from the new fleet are due.",
]


def test_names_of_a_byline_on_lines_of_their_own_after_a_joining_word_are_all_authors() -> None:
    """One text node per line, blank lines between: ``By`` / ``A`` / ``and`` / ``B``. Only the
    first name was read; the others stayed undecided lines."""
    head = ["Bus fares to rise in March | The Vale Courier", "News", "Sport", "Subscribe",
            "Bus fares to rise in March", "By"]
    for names, want in (
        (["Odalys Ferreira-Kent", "and", "Piotr Lindqvist"], ["Odalys Ferreira-Kent", "Piotr Lindqvist"]),
        (["Odalys Ferreira-Kent", ",", "Piotr Lindqvist", "and", "Mei Okonjo"],
         ["Odalys Ferreira-Kent", "Piotr Lindqvist", "Mei Okonjo"]),
    ):
        dump = "\n\n".join([*head, *names, "Published March 2, 2025 at 6:10 p.m.", *EN_PARAS]) + "\n"
        article = parse_text(dump)
        assert article.authors == want
        assert article.body == EN_PARAS


def test_a_subheadings_link_button_is_not_a_paragraph() -> None:
    """Newsletter platforms print a "Link" anchor beside each subheading: it stood as a paragraph."""
    dump = "\n\n".join(["Bus fares to rise in March", "The Vale Letter", "Subscribe", "Sign in",
                        "Bus fares to rise in March", "Odalys Ferreira-Kent", "Mar 02, 2025", "Share",
                        *EN_PARAS[:3], "What happens next", "Link", EN_PARAS[3], "Share", "Subscribe"]) + "\n"
    article = parse_text(dump)
    assert article.body == [*EN_PARAS[:3], "What happens next", EN_PARAS[3]]


def test_a_credit_naming_the_kind_of_picture_under_its_caption_credits_it() -> None:
    """"Drone image courtesy of X" and "Staff photo by X" on a line of their own under a caption
    were two story paragraphs: only "Photo by X" and "Courtesy of X" were known credit lines."""
    for line, credit in (("Aerial image courtesy of Vale Transit Authority", "Vale Transit Authority"),
                         ("Staff photo by Reuben Okafor-Lind", "Reuben Okafor-Lind")):
        caption = "The new depot seen from above on Monday."
        dump = "\n\n".join(["Bus fares to rise in March | The Vale Courier", "News", "Sport",
                            "Bus fares to rise in March", "By Odalys Ferreira-Kent", "March 2, 2025",
                            *EN_PARAS[:2], caption, line, *EN_PARAS[2:]]) + "\n"
        article = parse_text(dump)
        assert [(i.caption, i.credit) for i in article.images] == [(caption, credit)], line
        assert article.body == EN_PARAS, line


def test_an_old_table_layout_pages_header_lines_parted_by_line_breaks_are_read() -> None:
    """A page of the table-layout years: no <h1>, no <p>, no metadata; headline and deck, then
    "By NAME<br>Paper Staff Writer<br>Published: DATE", parted by <br>. The headline kept the
    title's site name, the post was read as part of the name, the date was not found, and the
    header lines were the story's first paragraphs."""
    story = "<br><br>".join(EN_PARAS)
    html = ("<html><head><meta charset=utf-8><title>The Vale Courier - Bus fares to rise in March</title></head>"
            "<body><table><tr><td><a href=/>Home</a> | <a href=/news>News</a></td></tr><tr><td>"
            "<font size=5><b>Bus fares to rise in March</b></font><br>"
            "<font size=3><i>Board backs a 25-cent increase to pay for the electric fleet</i></font><br><br>"
            "<font size=2>By Odalys Ferreira-Kent<br>Courier Staff Writer<br>Published: Sunday, March 2, 2025</font>"
            f"<br><br><font size=3>{story}</font></td></tr></table></body></html>")
    article = page_article(html)
    assert article.headline == "Bus fares to rise in March"
    assert article.authors == ["Odalys Ferreira-Kent"]
    assert article.published == "2025-03-02"
    assert article.body == ["Board backs a 25-cent increase to pay for the electric fleet", *EN_PARAS]

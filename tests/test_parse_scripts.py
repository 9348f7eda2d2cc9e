"""Text dumps in alphabets no list of function words here covers (Hebrew, Arabic, Cyrillic,
Greek) keep their story text: prose is told from furniture by its commas and full stops.
A Hebrew dump was refused ("no story text found"), its paragraphs taken for furniture. The
pages here are made up."""

from __future__ import annotations

import pytest

from broadsheet.store.parse import explain_text, parse_text

PAGES = {
    "hebrew": (
        "חדשות הנמל",
        "הרכבת הלילית חוזרת לקו החוף",
        ["הרכבת הלילית חזרה הלילה לפעול בקו החוף, לאחר הפסקה של שלוש שנים. עשרות נוסעים עלו לרכבת הראשונה.",
         "לדברי חברת הרכבת, הקו יפעל שלוש פעמים בשבוע בשלב הראשון, ובקיץ יתווספו נסיעות."],
        ["דף הבית", "ספורט", "מזג אוויר", "הירשמו לניוזלטר"],
    ),
    "arabic": (
        "الميناء اليوم",
        "افتتاح سوق السمك الجديد في الميناء",
        ["افتتح سوق السمك الجديد أبوابه صباح اليوم بعد أشهر من أعمال التجديد، وسط حضور كبير من الصيادين.",
         "وقال رئيس البلدية إن السوق سيعمل لساعات أطول خلال فصل الصيف، مع تحسين مرافق التبريد."],
        ["الرئيسية", "رياضة", "الطقس", "اشترك في النشرة"],
    ),
    "russian": (
        "Городской вестник",
        "Паром снова ходит к острову после ремонта причала",
        ["Паромное сообщение между городом и островом возобновилось в среду, после того как рабочие "
         "закончили ремонт причала.",
         "По словам оператора, первые рейсы были заполнены почти полностью, а расписание опубликуют позже."],
        ["Главная", "Спорт", "Погода", "Подписаться на рассылку"],
    ),
    "greek": (
        "Νέα του Λιμανιού",
        "Το πλοίο επιστρέφει στο νησί μετά την επισκευή",
        ["Η ακτοπλοϊκή σύνδεση με το νησί ξεκίνησε ξανά την Τετάρτη, αφού οι εργάτες ολοκλήρωσαν την επισκευή.",
         "Σύμφωνα με την εταιρεία, τα πρώτα δρομολόγια ήταν σχεδόν γεμάτα, ενώ το νέο πρόγραμμα θα ανακοινωθεί."],
        ["Αρχική", "Αθλητικά", "Καιρός", "Εγγραφή στο ενημερωτικό"],
    ),
}


@pytest.mark.parametrize("language", sorted(PAGES))
def test_a_dump_in_another_alphabet_keeps_its_story_and_drops_its_menus(language: str) -> None:
    masthead, headline, body, menus = PAGES[language]
    page = "\n".join([masthead, *menus[:3], "", headline, "By Dana Levi", "8 March 2025", "",
                      "\n\n".join(body), "", menus[3], "© 2025"])
    article = parse_text(page)
    assert article.headline == headline
    assert article.body == body


# A byline's "Author:" label and a photo credit's "Photo:" label in Russian, German, Spanish and French:
# (byline line, its author, credit line, its credit).
LABELLED = {
    "russian": ("Автор: Мария Орлова", "Мария Орлова", "Фото: Павел Зимин", "Павел Зимин"),
    "german": ("Autorin: Greta Hahn", "Greta Hahn", "Foto: Lukas Brandt", "Lukas Brandt"),
    "spanish": ("Autor: Inés Calvo", "Inés Calvo", "Foto: Tomás Vidal", "Tomás Vidal"),
    "french": ("Auteur : Claire Morel", "Claire Morel", "Photo : Hugo Perrin", "Hugo Perrin"),
}


@pytest.mark.parametrize("language", sorted(LABELLED))
def test_bylines_and_photo_credits_labelled_in_other_languages(language: str) -> None:
    """"Автор: NAME" was no byline and "Фото: NAME" no credit (only the English labels were read): the
    author was missing, and the photo's caption stayed in the story as a paragraph."""
    byline, author, credit_line, credit = LABELLED[language]
    _, headline, body, menus = PAGES["russian"]
    caption = "Первый паром у нового причала"
    page = "\n\n".join([" | ".join(menus[:3]), headline, byline, *body, caption, credit_line, "© 2025"]) + "\n"
    article = parse_text(page)
    assert article.headline == headline
    assert article.authors == [author]
    assert [(image.caption, image.credit) for image in article.images] == [(caption, credit)]
    assert article.body == body


def test_an_author_label_on_a_line_of_its_own_is_the_byline_s() -> None:
    """A lone "Автор:" over the name (one text node per line) is part of the byline, not left over."""
    _, headline, body, _ = PAGES["russian"]
    page = "\n".join(["Городской вестник", "", headline, "Автор:", "Мария Орлова", "", "\n\n".join(body)]) + "\n"
    assert parse_text(page).authors == ["Мария Орлова"]
    assert [(e.role, e.reason) for e in explain_text(page) if e.text == "Автор:"] == [
        ("byline", "label introducing the byline")]


@pytest.mark.parametrize(("printed", "iso"), [("5 декабря 2026, 10:15", "2026-12-05T10:15:00"),
                                              ("31 мая 2025", "2025-05-31")])
def test_a_date_in_russian_is_the_publication_date(printed: str, iso: str) -> None:
    """Month names were read in English, German, French and Spanish: "5 декабря 2026" was no date."""
    _, headline, body, menus = PAGES["russian"]
    page = "\n\n".join([" | ".join(menus[:3]), headline, "Автор: Мария Орлова", printed, *body]) + "\n"
    article = parse_text(page)
    assert article.published == iso
    assert article.body == body

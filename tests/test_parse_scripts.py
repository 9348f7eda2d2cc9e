"""Text dumps in alphabets no list of function words here covers (Hebrew, Arabic, Cyrillic,
Greek) keep their story text: prose is told from furniture by its commas and full stops.
A Hebrew dump was refused ("no story text found"), its paragraphs taken for furniture. The
pages here are made up."""

from __future__ import annotations

import pytest

from broadsheet.store.parse import parse_text

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

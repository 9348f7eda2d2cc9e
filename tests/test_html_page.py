"""What a reader gets from a saved page's story: its text, byline, dates, credits and photos.

Each test is a made-up page written the way real pages mark the thing tested.
"""

from __future__ import annotations

from broadsheet.store.html import page_article


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><meta charset=utf-8>{head}</head><body><article>{body}</article></body></html>"


def test_chinese_and_japanese_stories_are_read_though_they_have_no_spaces() -> None:
    chinese = page("<h1>东港迎来新渡轮</h1><p>周二，一艘新渡轮抵达东港，港口工作人员在码头上迎接了它。</p>"
                   "<p>港务局说，新渡轮每天往返海湾六次。</p>")
    article = page_article(chinese)
    assert article.headline == "东港迎来新渡轮" and len(article.body) == 2
    japanese = page("<h1>港に新しい渡し船</h1><p>火曜日、新しい渡し船が東港に到着し、関係者が岸壁で出迎えた。</p>")
    assert page_article(japanese).body == ["火曜日、新しい渡し船が東港に到着し、関係者が岸壁で出迎えた。"]

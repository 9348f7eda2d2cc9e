"""Text dumps of Chinese, Japanese and Korean news pages parse: headline, date and story text.

Those scripts put no spaces between words and have no English function words, so the rules that
count words and function words must count characters and clause marks instead. The pages here
are made up.
"""

from __future__ import annotations

import pytest

from broadsheet.store.agencies import agency_names
from broadsheet.store.html import page_article
from broadsheet.store.parse import parse_text
from broadsheet.store.parse.cjk import inline_reporters
from broadsheet.store.parse.credits import parse_credits
from broadsheet.store.parse.dates import find_dates
from broadsheet.store.parse.headline import split_title
from broadsheet.store.parse.quality import initial_class
from broadsheet.store.parse.textstats import ends_sentence, similarity, word_count

CHINESE_BODY = [
    "青石讯（记者 周小文）经过一年的改造，青石镇图书馆今天上午重新向公众开放。新馆面积比原来扩大了一倍，"
    "藏书增加到十二万册，还新设了儿童阅览区和自习室。",
    "图书馆负责人告诉记者，改造期间，工作人员把所有图书重新编目，读者现在可以通过自助机器借书还书，不用再排队等候。",
    "开馆第一天，不少家长带着孩子早早来到门口。“孩子最喜欢这里的绘本区，”一位家长说，“以后周末就有地方去了。”",
    "据了解，图书馆每天早上八点开放，晚上九点关闭，节假日照常开放。",
]
CHINESE = "\n".join(
    [
        "青石镇图书馆今日重新开放_青石晚报",
        "",
        "首页",
        "本地",
        "国内",
        "国际",
        "体育",
        "登录 | 注册",
        "搜索",
        "当前位置：首页 > 本地新闻 > 正文",
        "青石镇图书馆今日重新开放",
        "2023-11-08 09:15  来源：青石晚报",
        "【字号 大 中 小】 打印本页 分享到：",
        *CHINESE_BODY,
        "责任编辑：林佳",
        "相关阅读",
        "青石镇老街完成改造",
        "镇中心小学新建操场投入使用",
        "热门排行",
        "1 青石镇举办秋季运动会",
        "2 本周末青石湖将举行龙舟赛",
        "关于我们 | 联系方式 | 广告服务 | 网站地图",
        "青石晚报社 版权所有 未经许可不得转载",
    ]
)

JAPANESE_BODY = [
    "坂下町の秋祭りが十四日に始まり、三年ぶりに山車が町内を巡行した。沿道には大勢の見物客が集まり、"
    "太鼓や笛の音に合わせて声援を送った。",
    "祭りの実行委員会によると、今年は地元の高校生も初めて山車の引き手として参加した。"
    "委員長は「若い人たちが加わってくれて心強い。伝統を次の世代につなげたい」と話した。",
    "祭りは十五日まで続き、最終日には花火大会も予定されている。",
]
JAPANESE = "\n".join(
    [
        "坂下町で秋祭り、三年ぶりに山車が巡行 - 坂下日報",
        "メインメニュー",
        "トップ",
        "地域",
        "政治",
        "スポーツ",
        "会員登録",
        "ログイン",
        "坂下町で秋祭り、三年ぶりに山車が巡行",
        "2023年10月14日 18:40",
        *JAPANESE_BODY,
        "この記事をシェアする",
        "関連記事",
        "坂下町に新しい道の駅",
        "紅葉の見ごろ、来週から",
        "利用規約",
        "プライバシーポリシー",
        "© 坂下日報社",
    ]
)


def test_a_chinese_page_gives_its_headline_date_and_story() -> None:
    article = parse_text(CHINESE)
    assert article.headline == "青石镇图书馆今日重新开放"
    assert article.source == "青石晚报"  # the title's "_青石晚报"
    assert article.published == "2023-11-08T09:15:00"
    assert article.body == CHINESE_BODY  # no menu, editor's line, teaser list or footer


def test_a_chinese_story_ends_at_its_editor_line_disclaimer_and_comments() -> None:
    comments = [
        "免责声明：本文仅代表作者个人观点，与本网站无关。其原创性以及文中陈述文字和内容未经本站证实，请读者仅作参考。",
        "网友评论",
        "张三 2023-11-08 10:20",
        "这个图书馆真不错，周末一定带孩子去看看。",
        "李四 2023-11-08 11:02",
        "希望能多增加一些科技类的书籍，谢谢。",
        "支持，终于开放了！",
    ]
    article = parse_text(CHINESE.replace("责任编辑：林佳", "\n".join(["责任编辑：林佳", *comments])))
    assert article.body == CHINESE_BODY
    assert article.credits is not None and article.credits.editing == ["林佳"]


def test_a_japanese_story_ends_at_its_comments_heading() -> None:
    comments = ["コメント", "楽しそうですね。来年はぜひ見に行きたいと思います。", "子どもの頃を思い出しました。"]
    article = parse_text(JAPANESE.replace("この記事をシェアする", "\n".join(comments)))
    assert article.body == JAPANESE_BODY


def test_a_japanese_page_gives_its_headline_date_and_story() -> None:
    article = parse_text(JAPANESE)
    assert article.headline == "坂下町で秋祭り、三年ぶりに山車が巡行"
    assert article.source == "坂下日報"
    assert article.published == "2023-10-14T18:40:00"  # printed 2023年10月14日 18:40
    assert article.body == JAPANESE_BODY


def test_a_page_whose_title_names_only_the_site_still_finds_the_headline() -> None:
    menu = ["みなと新聞", "ホーム", "ニュース", "ログイン"]
    footer = ["関連記事", "港町の商店街に新しいカフェ", "お問い合わせ"]
    headline = "港町に新しい図書館が開館、子どもたちでにぎわう"
    dump = "\n".join([*menu, headline, "2024年4月2日 9:00", *JAPANESE_BODY, *footer])
    article = parse_text(dump)
    assert article.headline == "港町に新しい図書館が開館、子どもたちでにぎわう"
    assert article.published == "2024-04-02T09:00:00"
    assert article.body == JAPANESE_BODY


def test_a_korean_page_gives_its_story() -> None:
    body = [
        "해안 마을에 새로 지은 공공 도서관이 20일 문을 열었다. "
        "도서관에는 약 5만 권의 책이 있으며, 바다가 보이는 넓은 열람실도 마련됐다.",
        "도서관 관계자는 \"아이들부터 어르신까지 누구나 편하게 찾을 수 있는 공간이 되기를 바란다\"고 말했다.",
        "개관을 기념해 이달 말까지 주말마다 그림책 읽기와 만들기 교실이 열린다. 참가비는 무료다.",
    ]
    menu = ["바닷가 마을에 새 도서관 문 열어 - 해안일보", "홈", "뉴스", "스포츠", "로그인"]
    footer = ["관련 기사", "해안 마을 시장에 새 카페"]
    dump = "\n".join([*menu, "바닷가 마을에 새 도서관 문 열어", "2024년 5월 20일 10:00", *body, *footer])
    article = parse_text(dump)
    assert article.headline == "바닷가 마을에 새 도서관 문 열어"
    assert article.published == "2024-05-20T10:00:00"
    assert article.body == body


def test_cjk_prose_and_furniture_are_told_apart_by_characters_and_clause_marks() -> None:
    assert word_count("青石镇图书馆今日重新开放") == 6  # two characters to a word
    assert word_count("Plain English, café au lait") == 5  # as split() counts it
    assert initial_class(CHINESE_BODY[1]) == "good"
    assert initial_class(JAPANESE_BODY[0]) == "good"
    links = "关于我们 联系方式 广告服务 网站地图 青石晚报社 版权所有 未经许可不得转载 本地新闻 国内新闻"
    assert initial_class(links) == "bad"
    assert ends_sentence("据了解，图书馆节假日照常开放。") and ends_sentence("「伝統を守りたい。」")
    assert not ends_sentence("青石镇老街完成改造")


def test_cjk_headlines_match_their_title_by_character_pairs() -> None:
    assert similarity("青石镇图书馆今日重新开放", "青石镇图书馆今日重新开放_青石晚报") == 1.0
    assert similarity("江城新建跨江大桥今日正式通车", "江城日报") < 0.6  # shares characters, not words


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024年3月15日 10:30", "2024-03-15T10:30:00"),
        ("発行 2024年4月2日", "2024-04-02"),
        ("2024년 5월 20일", "2024-05-20"),
    ],
)
def test_cjk_dates(text: str, iso: str) -> None:
    assert [found.iso for found in find_dates(text)] == [iso]


@pytest.mark.parametrize(
    ("title", "split"),
    [
        ("青石镇图书馆今日重新开放_青石晚报", ("青石镇图书馆今日重新开放", "青石晚报")),
        ("file_name notes | Site", ("file_name notes", "Site")),  # "_" inside Latin words is no separator
    ],
)
def test_chinese_titles_join_the_site_with_an_underscore(title: str, split: tuple[str, str]) -> None:
    assert split_title(title) == split


@pytest.mark.parametrize(
    ("line", "name"), [("记者 李明", "李明"), ("本报记者 王芳", "王芳"), ("홍길동 기자", "홍길동"), ("文/李四", "李四")]
)
def test_a_cjk_byline_names_the_reporter_without_the_word_reporter(line: str, name: str) -> None:
    # "记者" ("reporter") stayed in the author's name: "记者 李明".
    page = CHINESE.replace("2023-11-08 09:15  来源：青石晚报", f"2023-11-08 09:15  来源：青石晚报\n{line}")
    assert parse_text(page).authors == [name]


END_CREDITS = ["（摄影：王五）", "文/李四", "记者：赵六", "校对：孙八", "责任编辑：林佳"]


def test_a_chinese_storys_closing_credit_lines_are_credits_by_role_not_story_text() -> None:
    # Only "责任编辑：…" was read; "（摄影：王五）", "文/李四"... stayed in the story as paragraphs.
    article = parse_text(CHINESE.replace("责任编辑：林佳", "\n".join(END_CREDITS)))
    assert article.body == CHINESE_BODY
    credits = article.credits
    assert credits is not None
    assert credits.photography == ["王五"] and credits.writing == ["李四"] and credits.reporting == ["赵六"]
    assert credits.editing == ["孙八", "林佳"]


def test_a_korean_storys_reporter_signature_is_its_credit_not_story_text() -> None:
    body = [
        "해안 마을에 새로 지은 공공 도서관이 20일 문을 열었다. 도서관에는 약 5만 권의 책이 있다.",
        "개관을 기념해 이달 말까지 주말마다 그림책 읽기 교실이 열린다. 참가비는 무료다.",
    ]
    menu = ["바닷가 마을에 새 도서관 문 열어 - 해안일보", "홈", "뉴스", "로그인"]
    dump = "\n".join([*menu, "바닷가 마을에 새 도서관 문 열어", "2024년 5월 20일 10:00", *body,
                      "김철수 기자 kim@example.com", "관련 기사", "해안 마을 시장에 새 카페"])
    article = parse_text(dump)
    assert article.body == body
    assert article.credits is not None and article.credits.reporting == ["김철수"]


@pytest.mark.parametrize(
    ("line", "role", "names"),
    [
        ("图/张三", "photography", ["张三"]),
        ("（撰稿：周九）", "writing", ["周九"]),
        ("记者 김철수 kim@example.com", "reporting", ["김철수"]),
        ("홍길동·김철수 기자", "reporting", ["홍길동", "김철수"]),
        ("编辑：钱七 校对：孙八", "editing", ["钱七", "孙八"]),
        ("（編集：山田）", "editing", ["山田"]),
        ("图：欧阳小明", "photography", ["欧阳小明"]),  # a two-character surname
        ("文：本报记者 李明", "writing", ["李明"]),  # "our reporter" is no person
    ],
)
def test_cjk_credit_lines_name_people_by_role(line: str, role: str, names: list[str]) -> None:
    credits = parse_credits(line)
    assert credits is not None and getattr(credits, role) == names and credits.text == line


@pytest.mark.parametrize(
    "line", ["记者：这次改造花了多长时间？", "图：市民在新馆内阅读。", "记者手记", "图 张三", "编辑 推荐",
             "图：新馆外景", "图：资料", "摄影：网络"]  # a short caption; a file photo; from the internet
)
def test_story_lines_that_start_with_a_role_word_are_no_credit(line: str) -> None:
    # An interview's "记者：" question, a photo caption, a column heading: none names people only.
    assert parse_credits(line) is None


@pytest.mark.parametrize(
    ("start", "end", "authors"),
    [
        ("", "", ["周小文"]),  # "青石讯（记者 周小文）经过一年的改造…"
        ("本报青石11月8日电（记者张三、李四）", "", ["张三", "李四"]),
        ("", "（记者 李明 通讯员 王芳）", ["李明", "王芳"]),
    ],
)
def test_reporters_named_inside_the_first_paragraph_are_the_authors_and_the_text_stays(
        start: str, end: str, authors: list[str]) -> None:
    # The site's name was the author: the reporters in brackets were not read.
    first = CHINESE_BODY[0].replace("青石讯（记者 周小文）", start) + end if start or end else CHINESE_BODY[0]
    article = parse_text(CHINESE.replace(CHINESE_BODY[0], first))
    assert article.authors == authors
    assert article.body == [first, *CHINESE_BODY[1:]]  # as the publisher wrote it


@pytest.mark.parametrize(
    ("opening", "authors"),
    [("【ワシントン＝山田太郎】", ["山田太郎"]), ("【ワシントン＝共同】", ["坂下日報"])],  # a wire service is no person
)
def test_a_japanese_correspondent_opening_the_story_is_its_author(opening: str, authors: list[str]) -> None:
    first = opening + JAPANESE_BODY[0]
    article = parse_text(JAPANESE.replace(JAPANESE_BODY[0], first))
    assert article.authors == authors
    assert article.body == [first, *JAPANESE_BODY[1:]]


def test_a_korean_wire_opening_names_its_reporters() -> None:
    body = [
        "(서울=연합뉴스) 홍길동 김철수 기자 = 해안 마을에 새로 지은 공공 도서관이 20일 문을 열었다. 책이 5만 권 있다.",
        "개관을 기념해 이달 말까지 주말마다 그림책 읽기 교실이 열린다. 참가비는 무료다.",
    ]
    headline = "바닷가 마을에 새 도서관 문 열어"
    menu = [f"{headline} - 해안일보", "홈", "뉴스", "로그인"]
    dump = "\n".join([*menu, headline, "2024년 5월 20일 10:00", *body, "관련 기사", "해안 마을 시장에 새 카페"])
    article = parse_text(dump)
    assert article.authors == ["홍길동", "김철수"]
    assert article.body == body


@pytest.mark.parametrize(
    "first",
    ["青石镇图书馆（记者站旁边）今天重新开放。", "图书馆今天开放，记者（张三）在现场采访。",
     "米政府は【重要】と発表した。"],
)
def test_brackets_in_a_first_paragraph_that_name_no_reporter_give_no_author(first: str) -> None:
    assert inline_reporters(first) == []


@pytest.mark.parametrize(
    ("opening", "agency"),
    [("【ワシントン＝共同】", "Kyodo"), ("【ソウル＝聯合】", "Yonhap"), ("【北京＝時事】", "Jiji Press"),
     ("【ワシントン＝山田太郎】", None)],  # a correspondent, no agency
)
def test_the_wire_service_of_a_japanese_opening_is_the_agency(opening: str, agency: str | None) -> None:
    assert parse_text(JAPANESE.replace(JAPANESE_BODY[0], opening + JAPANESE_BODY[0])).agency == agency


@pytest.mark.parametrize(
    ("start", "agency"),
    [("新华社青石11月8日电（记者张三）", "Xinhua"), ("中新社青石11月8日电", "China News Service"),
     ("本报青石11月8日电（记者张三）", None)],  # the paper's own reporter
)
def test_the_agency_of_a_chinese_dateline_is_the_agency(start: str, agency: str | None) -> None:
    first = CHINESE_BODY[0].replace("青石讯（记者 周小文）", start)
    dump = CHINESE.replace(CHINESE_BODY[0], first)
    assert parse_text(dump).agency == agency
    page = ("<html><head><meta charset=utf-8><title>青石镇图书馆今日重新开放</title></head><body><article>"
            "<h1>青石镇图书馆今日重新开放</h1>" + "".join(f"<p>{p}</p>" for p in [first, *CHINESE_BODY[1:]])
            + "</article></body></html>")
    assert page_article(page).agency == agency


def test_the_agency_of_a_korean_wire_opening_is_found_by_any_of_its_names() -> None:
    body = "(서울=연합뉴스) 홍길동 기자 = 해안 마을에 새로 지은 공공 도서관이 20일 문을 열었다. 책이 5만 권 있다."
    headline = "바닷가 마을에 새 도서관 문 열어"
    dump = "\n".join([f"{headline} - 해안일보", "홈", "뉴스", headline, "2024년 5월 20일 10:00", body,
                      "개관을 기념해 이달 말까지 주말마다 그림책 읽기 교실이 열린다. 참가비는 무료다."])
    article = parse_text(dump)
    assert article.agency == "Yonhap"
    assert {"Yonhap", "연합뉴스"} <= set(agency_names(article.agency))


def test_a_photo_credit_glued_to_the_last_paragraph_is_the_storys_credit() -> None:
    """"…予定されている。（撮影：中村花子）" kept the credit in the story's text, where the same on a
    line of its own is the story's photography credit: in a text dump and in a saved page."""
    credit = "（撮影：中村花子）"
    dump = JAPANESE.replace(JAPANESE_BODY[-1], JAPANESE_BODY[-1] + credit)
    article = parse_text(dump)
    assert article.body == JAPANESE_BODY
    assert article.credits is not None and article.credits.photography == ["中村花子"]
    page = ("<html><head><meta charset=utf-8><title>坂下町で秋祭り、三年ぶりに山車が巡行</title></head><body><article>"
            "<h1>坂下町で秋祭り、三年ぶりに山車が巡行</h1>" + "".join(f"<p>{p}</p>" for p in JAPANESE_BODY)
            + "</article></body></html>").replace("</p></article>", f"{credit}</p></article>")
    saved = page_article(page)
    assert saved.body == JAPANESE_BODY
    assert saved.credits is not None and saved.credits.photography == ["中村花子"]


def test_brackets_glued_to_a_paragraph_that_name_no_one_stay_in_it() -> None:
    last = JAPANESE_BODY[-1] + "（詳細は後日発表）"  # "(details to follow)": no credit
    assert parse_text(JAPANESE.replace(JAPANESE_BODY[-1], last)).body == [*JAPANESE_BODY[:-1], last]

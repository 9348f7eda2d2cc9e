"""Page wording of Chinese, Japanese and Korean news sites: where the story ends, what is furniture,
who is credited.

The English wording lists (:mod:`.boilerplate`, :mod:`.story_end`, :mod:`.credits`) cannot read
these scripts, so without this a CJK page's comments, "related" lists, credit lines and
copyright notice, whose short lines end in 。 like prose, would be read as story text. Only
lines holding CJK characters are tested here.
"""

from __future__ import annotations

import re

from broadsheet.store.search.analysis import CJK, CJK_CHAR

_COUNT = r"(?:\s*[(（]?\d+[)）]?)?"
# The heading of the comments under the story ("网友评论", "コメント", "댓글 12").
_COMMENTS = re.compile(
    rf"^(?:(?:网友|網友|读者|讀者|最新|热门|熱門)?(?:评论|評論|留言)|コメント|댓글){_COUNT}$"
    r"|^(?:发表|發表|我要)(?:评论|評論|留言)|^コメントを(?:書く|投稿)|^댓글\s*(?:쓰기|달기)"
)
# The heading of a list of other stories ("相关阅读", "関連記事", "관련 기사").
_LIST_HEADING = re.compile(
    r"^(?:(?:相关|相關)(?:阅读|閱讀|新闻|新聞|文章|报道|報導|推荐|推薦|链接|連結)?"
    r"|(?:延伸|推荐|推薦)(?:阅读|閱讀)|(?:热门|熱門)(?:排行|新闻|新聞|文章)?|猜你喜欢|更多(?:新闻|新聞|报道)"
    r"|関連(?:記事|ニュース)|あわせて読みたい|おすすめ(?:記事|ニュース)?|(?:人気|注目)(?:記事|ニュース)|アクセスランキング"
    r"|관련\s?기사|(?:많이\s?본|인기|주요)\s?(?:뉴스|기사))$"
)
# The site's copyright notice or disclaimer: wording only notices use ("版权所有", "不得转载",
# "無断転載を禁じます", "무단 전재 및 재배포 금지"), not words a story may use (著作権, 未经许可).
_NOTICE = re.compile(
    r"版权所有|版權所有|不得转载|不得轉載|^[(（【\[]?(?:免责声明|免責聲明)|無断(?:転載|複製)を禁|무단\s?(?:전재|복제)"
)
NOTICE_LENGTH = 200  # a notice is no longer; a longer paragraph that names copyright is story text


def comments_heading(text: str) -> bool:
    """True for the heading of the comments under the story."""
    return len(text) <= 20 and CJK_CHAR.search(text) is not None and _COMMENTS.match(text) is not None


def list_heading(text: str) -> bool:
    """True for the heading of a list of other stories."""
    return len(text) <= 20 and CJK_CHAR.search(text) is not None and _LIST_HEADING.match(text) is not None


def notice(text: str) -> bool:
    """True for the site's copyright notice or disclaimer."""
    return len(text) <= NOTICE_LENGTH and _NOTICE.search(text) is not None


# The credit lines a CJK story ends with: a role, then its people ("（摄影：王五）", "图/张三",
# "文/李四", "记者：赵六", "编辑：钱七 校对：孙八"). A one-character role needs its colon or
# slash; a reporter's, photographer's or chief editor's may be followed by a space alone
# ("记者 赵六"), others not ("编辑 推荐" is the heading "editor's picks").
_ROLE_WORDS = {
    "reporting": "本报记者 本報記者 特约记者 特約記者 见习记者 見習記者 记者 記者 通讯员 通訊員 采写 採寫 취재",
    "writing": "撰稿 撰文 执笔 執筆 作者 文字 文 글",
    "editing": "责任编辑 責任編輯 责编 責編 编辑 編輯 編集 校对 校對 审核 審核 审校 審校 编审 編審 终审 終審 편집",
    "photography": "摄影 攝影 摄像 攝像 撮影 写真 图片 圖片 摄 攝 图 圖 사진",
}
_TEXT_AND_PHOTOS = ["图文", "圖文", "文图", "文圖", "文/图", "文/圖", "图/文", "圖/文"]
_BOTH = {both: ("writing", "photography") for both in _TEXT_AND_PHOTOS}
ROLE_OF: dict[str, tuple[str, ...]] = {
    **{word: (role,) for role, words in _ROLE_WORDS.items() for word in words.split()}, **_BOTH}
_SPACED = frozenset([*_ROLE_WORDS["reporting"].split(), "摄影", "攝影", "撮影", "责任编辑", "責任編輯",
                     *(both for both in _TEXT_AND_PHOTOS if "/" in both)])
_LABELS = "|".join(sorted(ROLE_OF, key=len, reverse=True))
_SEP = r"\s*[:：/／=]\s*"
# A role with its separator, where a line or a segment starts (after a space or a list mark).
_LABEL = re.compile(
    rf"(?:^|(?<=[\s|｜,，;；、]))(?P<label>{_LABELS})(?:{_SEP}|(?P<space>\s+))"
)
_EMAIL = re.compile(r"\s*[(（<\[]?[\w.+-]+@[\w-]+(?:\.[\w-]+)+[)）>\]]?\s*$")
_BRACKETS = {"(": ")", "（": "）", "【": "】", "[": "]", "〔": "〕"}
_KOREAN_SIGN = re.compile(r"(?P<names>[가-힣]{2,4}(?:\s*[·,、]\s*[가-힣]{2,4}){0,3})\s*(?:기자|특파원)")
_LIST_SPLIT = re.compile(r"\s*[、，,;；]\s*")
_CJK_NAME = re.compile(rf"[{CJK}]{{2,4}}|[{CJK}]{{1,8}}(?:[·・][{CJK}]{{1,8}}){{1,3}}")
_LATIN_NAME = re.compile(r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}")
_HANGUL_PAIR = re.compile(r"[가-힣]{2,4}(?:·[가-힣]{2,4})+")
_TITLES = frozenset(["기자", "특파원", "摄", "攝", "报道", "報導", "报导"])  # "李明 摄": the name is 李明
# Words a photo's source line gives in a name's place: file, internet, screenshot, provided, video.
_NO_NAMES = frozenset([
    "资料", "資料", "网络", "網絡", "网图", "網圖", "截图", "截圖",
    "供图", "供圖", "来源", "來源", "视频", "視頻", "資料写真",
])
MAX_CREDIT_NAMES = 10
# "图：" (Chinese alone) also heads a caption ("图：新馆外景"), so the people it names are
# names by shape: two or three characters, four with a two-character surname.
_PHOTO_LABELS = frozenset(["图", "圖"])
_COMPOUND_SURNAMES = frozenset([
    "欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "东方", "東方", "皇甫",
    "令狐", "慕容", "尉迟", "尉遲", "长孙", "長孫", "宇文", "司徒", "夏侯", "端木",
    "公孙", "公孫", "申屠", "轩辕", "軒轅", "澹台", "澹臺",
])


def _chinese_name(name: str) -> bool:
    return not CJK_CHAR.search(name) or "·" in name or len(name) <= 3 or name[:2] in _COMPOUND_SURNAMES


def _people(names: str) -> list[str] | None:
    """The people of a credit's name list ("李明 王芳", "张三、李四", "Ann Lee"), or None when
    any part of it is no name: a credit names people, so a caption or a sentence is refused."""
    out: list[str] = []
    for piece in _LIST_SPLIT.split(names.strip()):
        if CJK_CHAR.search(piece) is None:
            if not _LATIN_NAME.fullmatch(piece):
                return None
            out.append(piece)
            continue
        for token in piece.split():
            if token in _TITLES or token in ROLE_OF:  # "文：本报记者 李明": the role said again
                continue
            if _HANGUL_PAIR.fullmatch(token):  # "홍길동·김철수": two Korean names
                out.extend(token.split("·"))
            elif token in _NO_NAMES:
                return None
            elif _CJK_NAME.fullmatch(token):
                out.append(token)
            else:
                return None
    return out if 0 < len(out) <= MAX_CREDIT_NAMES else None


def _unbracketed(text: str) -> str:
    """The line without an e-mail address at its end and without brackets around it all."""
    if "@" in text:
        text = _EMAIL.sub("", text)
    text = text.strip()
    if text[:1] in _BRACKETS and text.endswith(_BRACKETS[text[0]]):
        text = text[1:-1].strip()
    return text


def credit_roles(text: str) -> dict[str, list[str]] | None:
    """The people of a CJK credit line by role ({"photography": ["王五"]}), or None for any
    other line (only short lines holding CJK characters are tried)."""
    if len(text) > 80 or text.isascii() or CJK_CHAR.search(text) is None:
        return None
    rest = _unbracketed(text)
    korean = _KOREAN_SIGN.fullmatch(rest)
    if korean:  # "홍길동 기자 hong@example.com"
        names = _people(korean.group("names"))
        return {"reporting": names} if names else None
    labels = [m for m in _LABEL.finditer(rest) if not m.group("space") or m.group("label") in _SPACED]
    if not labels or labels[0].start() != 0:
        return None
    roles: dict[str, list[str]] = {}
    for k, label in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(rest)
        names = _people(rest[label.end():end])
        if names is None or (label.group("label") in _PHOTO_LABELS and not all(map(_chinese_name, names))):
            return None
        for role in ROLE_OF[label.group("label")]:
            roles.setdefault(role, []).extend(n for n in names if n not in roles.get(role, []))
    return roles


# A credit in brackets glued to the end of a paragraph, after its last sentence ("…求めた。（撮影：佐藤花子）").
_GLUED_CREDIT = re.compile(r"(?<=[。！？」』])\s*(?P<credit>[（(【\[〔][^（）()【】\[\]〔〕]{2,60}[）)】\]〕])$")
_CLOSERS = tuple(_BRACKETS.values())


def glued_credit(text: str) -> tuple[str, str] | None:
    """(the paragraph, its credit) for a CJK paragraph ending with a credit in brackets after its
    last sentence, which pages print on a line of its own as often ("（撮影：佐藤花子）"); else None."""
    if text.isascii() or not text.endswith(_CLOSERS):
        return None
    m = _GLUED_CREDIT.search(text[-80:])
    if m is None or not credit_roles(m.group("credit")):
        return None
    return text[: len(text) - len(m.group(0))], m.group("credit")


def byline_people(text: str) -> list[str]:
    """Who a CJK credit line names as reporters or writers ("记者 李明", "文/李四"): such a
    line under the headline is the byline."""
    roles = credit_roles(text)
    if not roles:
        return []
    return list(dict.fromkeys([*roles.get("reporting", []), *roles.get("writing", [])]))


# Reporters named in brackets inside a Chinese story's first paragraph, at its start after
# the dateline ("本报北京12月3日电（记者 周小文）", "新华社北京12月3日电（记者张三、李四）") or at
# its end ("（记者 李明 王芳）"); "通讯员" (correspondent) credits a reporter too.
_REPORTER = r"(?:本报记者|本報記者|特约记者|特約記者|见习记者|見習記者|记者|記者|通讯员|通訊員)"
_GROUP = rf"[（(]\s*(?P<group>{_REPORTER}[^（）()。！？]{{1,60}}?)\s*[）)]"
# (Before the start's group only a dateline: "…电", "…讯", "…消息", or nothing.)
_INLINE_START = re.compile(rf"(?:[^。！？!?，,（）()【】\[\]]{{0,30}}(?:电|電|讯|訊|消息))?\s*{_GROUP}")
_PHOTOGRAPHED = re.compile(r"\s*(?:摄|攝|报道|報導)$")  # "（记者 周小文摄）": he took the photos too
_INLINE_END = re.compile(rf"{_GROUP}[。.]?$")
_REPORTER_SPLIT = re.compile(_REPORTER)
# Korean wire opening "(서울=연합뉴스) 홍길동 기자 =": place and agency, the reporters, "=".
_KOREAN_OPENING = re.compile(
    r"[(\[][^()\[\]=]{1,20}=[^()\[\]]{1,20}[)\]]\s*"
    r"(?P<names>[가-힣]{2,4}(?:\s*[·,]?\s*[가-힣]{2,4}){0,3})\s*(?:기자|특파원)\s*="
)
# Japanese opening "【ワシントン＝山田太郎】": place, then the correspondent, or a wire service.
_JAPANESE_OPENING = re.compile(r"【[^【】＝=]{1,15}[＝=](?P<names>[^【】＝=]{2,30})】")
_WIRE_NAMES = frozenset(["共同", "共同通信", "時事", "時事通信", "新華社", "聯合", "本社", "本紙"])
# A wire service as a Japanese opening shortens it ("【ソウル＝聯合】"), by its name in full.
_JAPANESE_WIRES = {"共同": "共同通信", "共同通信": "共同通信", "時事": "時事通信", "時事通信": "時事通信",
                   "新華社": "新華社", "聯合": "聯合ニュース"}
# A Chinese agency's dateline: "新华社北京12月3日电", "中新社上海12月3日电".
_CHINESE_WIRE = re.compile(r"(新华社|新華社|中新社|中国新闻社|中國新聞社)[^。！？，,（）()]{0,20}?(?:电|電)")
# The agency of a Korean wire opening: "(서울=연합뉴스)".
_KOREAN_WIRE = re.compile(r"[(\[][^()\[\]=]{1,20}=\s*(연합뉴스|뉴시스|뉴스1)\s*[)\]]")
_KATAKANA_ONLY = re.compile(r"[\u30a0-\u30ffー・]+")


def inline_reporters(text: str) -> list[str]:
    """The reporters a CJK story's first paragraph names at its start or end (a byline printed
    inside the text), or none; the paragraph itself stays as printed."""
    if text.isascii() or CJK_CHAR.search(text[:60]) is None:
        return []
    found = _INLINE_START.match(text) or _INLINE_END.search(text[-70:])
    if found:
        names: list[str] = []
        for part in _REPORTER_SPLIT.split(_PHOTOGRAPHED.sub("", found.group("group"))):
            people = _people(part) if part.strip() else []
            if people is None:
                return []
            names += [name for name in people if name not in names]
        return names
    korean = _KOREAN_OPENING.match(text)
    if korean:
        return _people(korean.group("names").replace("·", " ")) or []
    japanese = _JAPANESE_OPENING.match(text)
    if japanese:
        people = _people(japanese.group("names").replace("・", "、")) or []
        if any(name in _WIRE_NAMES or _KATAKANA_ONLY.fullmatch(name) for name in people):
            return []  # "【ワシントン＝共同】": a wire service, no person
        return people
    return []


def opening_agency(text: str) -> str | None:
    """The wire service a CJK story's first paragraph opens with, as printed in full
    ("新华社北京12月3日电" gives 新华社, "【ワシントン＝共同】" 共同通信, "(서울=연합뉴스)" 연합뉴스),
    or None; :func:`broadsheet.store.agencies.canonical_agency` names it one way."""
    if text.isascii() or CJK_CHAR.search(text[:40]) is None:
        return None
    chinese = _CHINESE_WIRE.match(text)
    if chinese:
        return chinese.group(1)
    korean = _KOREAN_WIRE.match(text)
    if korean:
        return korean.group(1)
    japanese = _JAPANESE_OPENING.match(text)
    if japanese:
        return _JAPANESE_WIRES.get(japanese.group("names").strip())
    return None


def furniture_reason(text: str) -> str | None:
    """Why a line in CJK scripts is page furniture, or None."""
    if comments_heading(text):
        return "heading of the comments"
    if list_heading(text):
        return "heading of a list of other stories"
    if notice(text):
        return "copyright notice or disclaimer"
    return None

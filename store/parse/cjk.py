"""Page wording of Chinese, Japanese and Korean news sites: where the story ends, what is furniture.

The English wording lists (:mod:`.boilerplate`, :mod:`.story_end`, :mod:`.credits`) cannot read
these scripts, so without this a CJK page's comments, "related" lists, editor's line and
copyright notice, whose short lines end in 。 like prose, would be read as story text. Only
lines holding CJK characters are tested here.
"""

from __future__ import annotations

import re

from broadsheet.store.search.analysis import CJK_CHAR

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
# The editor's credit line under a Chinese or Japanese story ("责任编辑：林佳", "（編集：山田）").
EDITOR = re.compile(
    r"^[(（【\[]?\s*(?:责任编辑|責任編輯|编辑|編輯|編集)\s*[:：]\s*(?P<names>[^:：()（）【】\[\]]{1,60}?)\s*[)）】\]]?$"
)
# The site's copyright notice or disclaimer: wording only notices use ("版权所有", "不得转载",
# "無断転載を禁じます", "무단 전재 및 재배포 금지"), not words a story may use (著作権, 未经许可).
_NOTICE = re.compile(
    r"版权所有|版權所有|不得转载|不得轉載|^[(（【\[]?(?:免责声明|免責聲明)|無断(?:転載|複製)を禁|무단\s?(?:전재|복제)"
)
NOTICE_LENGTH = 200  # a notice is no longer; a longer paragraph that names copyright is story text
_NAME_SPLIT = re.compile(r"[\s、，,/;；]+")


def comments_heading(text: str) -> bool:
    """True for the heading of the comments under the story."""
    return len(text) <= 20 and CJK_CHAR.search(text) is not None and _COMMENTS.match(text) is not None


def list_heading(text: str) -> bool:
    """True for the heading of a list of other stories."""
    return len(text) <= 20 and CJK_CHAR.search(text) is not None and _LIST_HEADING.match(text) is not None


def notice(text: str) -> bool:
    """True for the site's copyright notice or disclaimer."""
    return len(text) <= NOTICE_LENGTH and _NOTICE.search(text) is not None


def editors(text: str) -> list[str] | None:
    """The names of an editor's credit line, or None for any other line."""
    m = EDITOR.match(text) if len(text) <= 80 else None
    if m is None:
        return None
    names = [name for name in _NAME_SPLIT.split(m.group("names")) if name]
    return names or None


def furniture_reason(text: str) -> str | None:
    """Why a line in CJK scripts is page furniture, or None."""
    if comments_heading(text):
        return "heading of the comments"
    if list_heading(text):
        return "heading of a list of other stories"
    if notice(text):
        return "copyright notice or disclaimer"
    return None

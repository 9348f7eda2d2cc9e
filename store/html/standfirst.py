"""A saved page's standfirst: the summary the page prints under its headline, marked as such.

Pages mark it by class (``standfirst``, ``dek``, ``article-subtitle``, ``sub-headline``,
``article__lead``); the text extractor took it for the story's first paragraph, where it hid a
wire dateline from its test, and the story showed no standfirst. Only an element between the
printed headline (the ``<h1>``) and the story's text counts: the same marks name the summaries
of other stories further down a page ("More from ...", a card's excerpt).
"""

from __future__ import annotations

import re
import unicodedata

from selectolax.lexbor import LexborNode

from broadsheet.store.html.tree import node_text
from broadsheet.store.parse.dateline import split_dateline
from broadsheet.store.parse.textstats import word_count
from broadsheet.store.sanitize import single_spaced

_MARK = re.compile(r"standfirst|(?<![a-z])(?:sub)?de(?:c)?k(?![a-z])|sub-?title|sub-?head(?:line)?(?![a-z])"
                   r"|(?<![a-z])(?:lead|lede|intro|summary|strapline)(?![a-z_-])"
                   # the newsroom's word in French, Spanish, Italian and German: chapô, entradilla, sommario
                   r"|(?<![a-z])(?:chapo|chapeau|entradilla|bajada|sumario|sommario|vorspann)(?![a-z])", re.IGNORECASE)
#: Marks that also name a story's opening paragraph (Bootstrap's ``lead``, a CMS's ``intro``).
_OPENING_TOO = re.compile(r"(?<![a-z])(?:lead|lede|intro|summary)(?![a-z_-])", re.IGNORECASE)
#: A standfirst is one block of text: an element holding blocks is a header or a card.
_BLOCKS = frozenset({"p", "div", "section", "article", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                     "figure", "table", "header", "footer", "nav", "aside"})
_NOT_SUMMARY = re.compile(r"\b(?:subscri(?:be|bing|ption|bers?)|sign (?:in|up)|log ?in|newsletter|register|cookies?"
                          r"|advertisement|paywall|promo)", re.IGNORECASE)
_TAGS = frozenset({"p", "h2", "h3", "div", "span"})
#: How far past the headline the standfirst may stand (elements, in document order).
_REACH = 80
_WORDS = (4, 80)


def _fold(text: str) -> str:
    return single_spaced(unicodedata.normalize("NFKC", text).casefold())


def _marks(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def _marked(node: LexborNode) -> bool:
    marks = _marks(node)
    return node.tag in _TAGS and bool(_MARK.search(marks)) and not _NOT_SUMMARY.search(marks)


def _opens_the_text(node: LexborNode, text: str, text_starts: set[str]) -> bool:
    """Whether the marked ``node`` is the story's first paragraph: it starts with a wire dateline
    ("LONDON (Nordwire) - ..."), or a mark that names openings too (``lead``) is on a paragraph
    followed by the text's next one."""
    if split_dateline(text)[0]:
        return True
    marks = _marks(node)
    if _OPENING_TOO.search(marks) and not _MARK.search(_OPENING_TOO.sub(" ", marks)):
        after = node.next
        while after is not None and after.tag in ("-text", "-comment"):
            after = after.next
        return after is not None and after.tag == "p" and _fold(node_text(after)) in text_starts
    return False


def _holds_blocks(node: LexborNode) -> bool:
    inside = node.traverse(include_text=False)
    next(inside)  # (the node itself)
    return any(child.tag in _BLOCKS for child in inside)


def standfirst(body: LexborNode | None, headline: str, paragraphs: list[str]) -> str | None:
    """The text of the first element marked as a standfirst after the ``<h1>`` printing
    ``headline`` and before the first of ``paragraphs`` (the story's text, which may hold it),
    if any."""
    if body is None or not headline:
        return None
    wanted = _fold(headline)
    text_starts = {_fold(p) for p in paragraphs[:6]}
    after: int | None = None
    for number, node in enumerate(body.traverse(include_text=False)):
        if after is None:
            if node.tag == "h1" and wanted in _fold(node_text(node)):
                after = number
            continue
        if number - after > _REACH:
            return None
        if _marked(node) and not _holds_blocks(node):
            text = node_text(node)
            if _WORDS[0] <= word_count(text) <= _WORDS[1] and not _NOT_SUMMARY.search(text) \
                    and _fold(text) != wanted:
                return None if _opens_the_text(node, text, text_starts) else text
        elif node.tag == "p" and _fold(node_text(node)) in text_starts:
            return None  # the story's text began
    return None


def without_standfirst(paragraphs: list[str], summary: str) -> list[str]:
    """``paragraphs`` without the standfirst ``summary`` where the text extractor took it for one
    of the first (unless it is all the text there is)."""
    folded = _fold(summary)
    for index, paragraph in enumerate(paragraphs[:3]):
        if _fold(paragraph) == folded:
            rest = paragraphs[:index] + paragraphs[index + 1:]
            return rest if rest else paragraphs
    return paragraphs

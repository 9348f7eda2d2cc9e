"""Parsing HTML and walking it: the one place that knows the parser (lexbor, via selectolax).

lexbor parses a news page in about half a millisecond and never fails on malformed markup,
but it slows down with the square of the nesting depth of block elements; a page nested
thousands deep (a hostile page, never a saved one) has those tags removed before parsing.
The walk is iterative, so no depth of nesting reaches Python's recursion limit.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from broadsheet.store.sanitize import clean_line, clean_text, collapsed

MAX_DEPTH = 1000  # block nesting beyond this is flattened (saved news pages stay under 100)
_DEPTH_CHECK_TAGS = 20_000  # pages with fewer block tags than this cannot be slow to parse
_NESTING = re.compile(
    r"<(/?)(?:div|section|article|aside|nav|header|footer|main|blockquote|figure|ul|ol|dl|table|form|fieldset"
    r"|details|center|address|menu|h[1-6]|pre|listing|search|hgroup|dir)\b[^>]*>",
    re.IGNORECASE,
)

# Subtrees that never hold the text of a story.
SKIP = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas", "button",
    "select", "textarea", "input", "video", "audio", "head", "title", "meta", "link", "map", "dialog", "-comment",
})
# Elements that break text into paragraphs.
BLOCKS = frozenset({
    "p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "blockquote", "pre", "ul", "ol",
    "li", "dl", "dt", "dd", "table", "tr", "td", "th", "thead", "tbody", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
    "figure", "figcaption", "form", "fieldset", "address", "details", "summary", "hr", "body", "html", "center",
    "hgroup", "picture",
})
_HIDDEN_CLASSES = frozenset({"hidden", "sr-only", "visually-hidden", "screen-reader-text", "screenreader-only",
                             "visuallyhidden", "hide", "d-none", "u-hidden", "is-hidden"})


def parse(html: str) -> LexborHTMLParser:
    """The document tree of ``html``; block nesting past :data:`MAX_DEPTH` is flattened first."""
    if html.count("<") > _DEPTH_CHECK_TAGS and nesting_depth(html) > MAX_DEPTH:
        html = _NESTING.sub(" ", html)
    tree = LexborHTMLParser(html)
    tree.raw_html = b""  # its UTF-8 copy of the page, kept for clone() alone: as much again as the page
    return tree


def nesting_depth(html: str) -> int:
    """The deepest nesting of block elements, counted from the tags as written."""
    depth = deepest = 0
    for match in _NESTING.finditer(html):
        if match.group(1):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def hidden(node: LexborNode) -> bool:
    """True for an element the page does not show (hidden attribute, aria-hidden, display:none, hiding classes)."""
    attrs = node.attributes
    if not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style and "display" in style and re.search(r"display\s*:\s*none", style):
        return True
    classes = attrs.get("class")
    return classes is not None and not _HIDDEN_CLASSES.isdisjoint(classes.split())


ENTER, LEAVE, TEXT, WHOLE = 0, 1, 2, 3


def walk(
    root: LexborNode, skip: frozenset[str] = SKIP, whole: Callable[[LexborNode], bool] | None = None
) -> Iterator[tuple[int, LexborNode]]:
    """(event, node) in document order: ENTER and LEAVE for elements, TEXT for text nodes.

    Subtrees of ``skip`` tags and hidden elements are left out; an element for which
    ``whole(node)`` is true comes once, as WHOLE, and the walk does not go into it.
    """
    top = root.mem_id
    node = root.child
    while node is not None:
        tag = node.tag
        descend = False
        if tag == "-text":
            yield TEXT, node
        elif tag is None or tag in skip or tag.startswith("-") or hidden(node):
            pass
        elif whole is not None and whole(node):
            yield WHOLE, node
        else:
            yield ENTER, node
            if node.child is not None:
                descend = True
            else:
                yield LEAVE, node
        if descend:
            node = node.child
            continue
        while node is not None:
            following = node.next
            if following is not None:
                node = following
                break
            node = node.parent
            if node is None or node.mem_id == top:
                return
            yield LEAVE, node


def sibling_element(node: LexborNode, step: str) -> LexborNode | None:
    """The element beside ``node`` on the side ``step`` names (``"prev"`` or ``"next"``), the spaces
    and comments between passed over; None when text or nothing is there."""
    other = getattr(node, step)
    while other is not None and (other.tag or "-").startswith("-") and not (other.text_content or "").strip():
        other = getattr(other, step)
    return other if other is not None and not (other.tag or "-").startswith("-") else None


def squash(text: str) -> str:
    """One line of clean text: whitespace runs become one space, controls and escapes removed."""
    return clean_line(collapsed(text))


def node_text(node: LexborNode) -> str:
    """The visible text of an element, as one clean line."""
    parts = []
    for event, item in walk(node):
        if event == TEXT:
            parts.append(item.text_content or "")
        elif item.tag in BLOCKS or item.tag == "br":
            parts.append(" ")
    return squash("".join(parts))


TAB_STOPS = 8  # columns between tab stops in a <pre>, as a browser and a terminal set them
_BLANK_RUNS = re.compile(r"\n{3,}")


def pre_text(node: LexborNode) -> str:
    """The text of a ``<pre>`` as its lines show, for code and verse, whose line breaks and indentation
    carry meaning: clean, tabs as spaces, the indentation all lines share and blank lines around it off."""
    parts = []
    for event, item in walk(node):
        if event == TEXT:
            parts.append(item.text_content or "")
        elif item.tag == "br" and event == ENTER:
            parts.append("\n")
    return kept_lines("".join(parts))


def kept_lines(text: str) -> str:
    """``text`` as its lines show (a ``<pre>``'s, plain text's paragraph): clean, tabs as spaces, each
    line's trailing spaces, the indentation all lines share and blank lines around them off."""
    lines = [line.rstrip() for line in clean_text(text).expandtabs(TAB_STOPS).split("\n")]
    return _BLANK_RUNS.sub("\n\n", textwrap.dedent("\n".join(lines)).strip("\n"))


def absolute(url: str | None, base: str | None) -> str | None:
    """``url`` resolved against ``base`` and sanitised; None for empty, script and over-long addresses."""
    if not url:
        return None
    url = url.strip()
    if not url or (len(url) > 4096 and not url.startswith("data:")):
        return None
    if url.lower().startswith(("javascript:", "vbscript:", "about:", "blob:")):
        return None
    if url.startswith("data:"):
        return url
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    return clean_line(url) or None

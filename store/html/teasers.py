"""Teasers: links to other stories, each a block headed by that story's linked headline.

A site's front page is made of them, and a story's page lists more of them after its text
("More from ...", "Related", "Most read") in boxes often named for nothing, so no class name
tells them. Their shape does: two or more blocks side by side, each opening on a heading that
links to another page of the site (``<h3><a href=...>`` or ``<a href=...><h3>``), with little
text besides it (a summary, a time). A story's own blocks are longer, or do not open on a link,
or link to other sites (a buying guide's items, to shops), or stand among the story's text with
prose of their own (:func:`_sections`: a listicle's items linking to the site's guide pages,
their headings kept as its text: :func:`section_heads`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice, takewhile
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from broadsheet.store.model import host_of
from broadsheet.store.parse.textstats import closes_abbreviation, ends_sentence, word_count

_HEADINGS = "h2, h3, h4, h5, h6"
_SUMMARY_MAX = 350  # characters a teaser holds besides its headline: a summary and a time, never a story
_LABEL_MAX = 40  # characters before its headline: a section's name over it, a picture's credit
_NOT_BLOCKS = frozenset({"body", "html", "main", "#document"})
_CHROME = frozenset({"nav", "header", "footer", "aside", "menu"})  # the site's, around any page
_PROSE_WORDS = 8  # words of a paragraph of prose (not a time, a byline, a "Read more")
# Where a sentence may end and another begin, the word before the stop caught: a title's full stop
# before a name ("Dr. Lee", "St. Paul") or an initial's ("John F. Kennedy") ends no sentence.
_SENTENCE_GAP = re.compile(r"(\w*)([.!?…])[\"'”’)]*\s+(?=[\"“‘'(]?[^\W\d_])")
FRONT_PAGE_TEASERS = 5  # teasers outside menus that make a front page (a story's page may list as many, with its text)


def _elements(node: LexborNode) -> Iterator[LexborNode]:
    return _siblings(node.child)


def _siblings(first: LexborNode | None) -> Iterator[LexborNode]:
    """The elements from ``first`` on, beside it."""
    while first is not None:
        if first.tag and first.tag[0] not in "-_#":  # not text nor a comment
            yield first
        first = first.next


def _links_away(link: LexborNode | None, heading_text: str, site: str | None) -> bool:
    """A link to another page of the site (not a place on this one, as a live blog's update links
    to itself; nor another site's page, as a buying guide's items link to shops) that makes the
    most of the heading. ``site`` is the page's host, when known: a link naming a host is the
    site's only when it names that one."""
    if link is None:
        return False
    href = (link.attributes.get("href") or "").strip()
    if not href or "#" in href or href.lower().startswith(("javascript:", "mailto:")):
        return False
    if urlsplit(href).netloc and host_of(href) != site:
        return False
    return 2 * len(link.text(deep=True, strip=True)) >= len(heading_text)


def _opens_on(block: LexborNode, top: LexborNode) -> bool:
    """Whether ``top`` opens ``block``: nothing before it but a picture or a label ("Politics")."""
    before = 0
    for element in _elements(block):
        if element.mem_id == top.mem_id:
            return True
        before += len(element.text(deep=True, strip=True))
        if before > _LABEL_MAX:
            return False
    return False


def _outer(block: LexborNode) -> LexborNode:
    """The block with the wrappers holding only it (``<li><div class="card">``): they are the teaser
    its neighbours stand beside."""
    parent = block.parent
    while parent is not None and parent.tag not in _NOT_BLOCKS and parent.parent is not None \
            and len(list(islice(_elements(parent), 2))) == 1:  # (not counting all of a long list's)
        block, parent = parent, parent.parent
    return block


def _prose(node: LexborNode) -> list[str]:
    """The paragraphs of prose in ``node``: sentences of some length, not a time or a label (an
    element without paragraphs nor headings is one)."""
    paragraphs = [node] if node.tag == "p" else node.css("p")
    if not paragraphs and node.css_first(_HEADINGS) is None:
        paragraphs = [node]
    texts = (paragraph.text(deep=True, separator=" ", strip=True) for paragraph in paragraphs)
    return [text for text in texts if word_count(text) >= _PROSE_WORDS and ends_sentence(text)]


def _sentences(paragraphs: list[str]) -> int:
    return sum(1 + sum(1 for gap in _SENTENCE_GAP.finditer(text) if not _abbreviation(gap)) for text in paragraphs)


def _abbreviation(gap: re.Match[str]) -> bool:
    """Whether a full stop closes an abbreviation before a name (a title or an initial), no sentence."""
    return gap.group(2) == "." and closes_abbreviation(gap.group(1))


def _sections(parent: LexborNode, row: dict[int, list[LexborNode]]) -> bool:
    """Whether a row of headed parts of ``parent`` is a story's own sections (a listicle's, a buying
    guide's items each headed by a link to the site's page on it), each part given by its first
    element's id as the elements it spans: each holds prose of two sentences or more under its
    heading, and they follow the story's opening in its box and say more than it, or each holds
    two paragraphs. A teaser's summary is one sentence, and teasers stand in a box of their own or
    after the story's text, which says more than they do."""
    opening: list[str] = []  # the prose before the first part
    own: list[list[str]] = []  # each part's prose
    for element in _elements(parent):
        if element.mem_id in row:
            own.append([text for spanned in row[element.mem_id] for text in _prose(spanned)])
        elif not own:
            opening.extend(_prose(element))
    if any(_sentences(prose) < 2 for prose in own):
        return False
    return all(len(prose) >= 2 for prose in own) or (
        bool(opening) and word_count(" ".join(opening)) < sum(word_count(" ".join(prose)) for prose in own))


def _top(heading: LexborNode) -> LexborNode:
    """The heading with the link around it (``<a href=...><h3>``), when one is."""
    return heading.parent if heading.parent is not None and heading.parent.tag == "a" else heading


def _under(head: LexborNode) -> list[LexborNode]:
    """The elements after ``head`` up to the next holding a heading: what it heads in its box."""
    return list(takewhile(lambda element: element.css_first(_HEADINGS) is None, _siblings(head.next)))


def section_heads(body: LexborNode) -> set[int]:
    """The headings all link (to the site's guide pages, to shops) that head a story's own sections
    (see :func:`_sections`), by ``mem_id``: they name each part ("1. The North Pier loop"), where a
    line all link elsewhere is a menu or a "Read more". A heading heads the box it opens, when that
    holds no other heading, or else itself, with the elements after it up to the next heading; its
    row is the parts beside it."""
    rows: dict[int, dict[int, list[LexborNode]]] = defaultdict(dict)  # by the parent the parts stand in
    parents: dict[int, LexborNode] = {}
    heads: dict[int, list[int]] = defaultdict(list)  # each row's headings
    for heading in body.css(_HEADINGS):
        top = _top(heading)
        text = heading.text(deep=True, strip=True)
        if not text or 2 * sum(len(link.text(deep=True, strip=True)) for link in top.css("a")) <= len(text):
            continue
        head = _outer(top)
        box = head.parent
        if box is None or box.parent is None:
            continue
        if box.tag not in _NOT_BLOCKS and _opens_on(box, head) and len(box.css(_HEADINGS)) == 1:
            head = _outer(box)  # the heading's box
        part, parent = [head, *_under(head)], head.parent
        if parent is not None and any(_prose(element) for element in part):  # (a menu's heads no prose)
            rows[parent.mem_id][head.mem_id] = part
            parents[parent.mem_id] = parent
            heads[parent.mem_id].append(heading.mem_id)
    return {key for parent, row in rows.items() if _sections(parents[parent], row) for key in heads[parent]}


def teasers(body: LexborNode, site: str | None = None) -> dict[int, LexborNode]:
    """The page's teaser blocks, by ``mem_id``; ``site`` is the page's host, when known."""
    rows: dict[int, dict[int, LexborNode]] = defaultdict(dict)  # by the parent they stand in
    parents: dict[int, LexborNode] = {}
    for heading in body.css(_HEADINGS):
        top = _top(heading)
        block = top.parent
        if block is None or block.parent is None or block.tag in _NOT_BLOCKS or not _opens_on(block, top):
            continue
        headline = heading.text(deep=True, strip=True)
        if not _links_away(top if top.tag == "a" else heading.css_first("a[href]"), headline, site):
            continue
        if len(block.text(deep=True, strip=True)) - len(top.text(deep=True, strip=True)) <= _SUMMARY_MAX:
            block = _outer(block)
            if block.parent is not None:
                rows[block.parent.mem_id][block.mem_id] = block
                parents[block.parent.mem_id] = block.parent
    return {key: block for parent, row in rows.items() if len(row) >= 2
            and not _sections(parents[parent], {first: [teaser, *_under(teaser)] for first, teaser in row.items()})
            for key, block in row.items()}


def front_page(blocks: dict[int, LexborNode], story_words: int) -> bool:
    """Whether a page is a site's front page (or a section's): a list of teasers
    (:data:`FRONT_PAGE_TEASERS` at least) besides its menus, header and footer, holding more
    words than the page has for a story besides them (``story_words``: none, or a blurb about
    the site)."""
    listed = words = 0
    for block in blocks.values():
        node: LexborNode | None = block
        while node is not None and node.tag not in _CHROME:
            node = node.parent
        if node is None:
            listed += 1
            words += word_count(block.text(deep=True, separator=" ", strip=True))
    return listed >= FRONT_PAGE_TEASERS and words > 2 * story_words

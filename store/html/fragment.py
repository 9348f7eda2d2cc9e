"""An HTML fragment (a feed entry's content, an article's body) as paragraphs and photos."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from broadsheet.store.html.figures import described, figure_images, image_src
from broadsheet.store.html.furniture import ENTRY_RULES, furniture_kind
from broadsheet.store.html.tree import (
    BLOCKS,
    ENTER,
    LEAVE,
    TEXT,
    WHOLE,
    hidden,
    node_text,
    parse,
    pre_text,
    sibling_element,
    squash,
    walk,
)
from broadsheet.store.model import Image

_BREAKS = re.compile(r"\n\s*\n")


@dataclass(slots=True)
class Fragment:
    """The text of a fragment in paragraphs, and its photos with caption, credit and address."""

    paragraphs: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)


_BOX_MAX_TEXT = 600  # characters of caption and credit a photo's box may hold


def _text_len(node: LexborNode) -> int:
    return len(node.text(deep=True, strip=True))


def _photo_box(node: LexborNode, extra: int) -> bool:
    """A box holding one photo and no more text than a caption (``extra`` characters over it)."""
    if node.tag in ("body", "html", "figure", "article", "main") or len(node.css("img")) != 1:
        return False
    length = _text_len(node)
    if not 0 < length <= extra:
        return False
    return sum(len(a.text(deep=True, strip=True)) for a in node.css("a")) < 0.2 * length


_CAPTIONS = '[class*="caption" i], [itemprop="caption"], [class*="description" i]'  # elements named as captions


def captions_beside(root: LexborNode) -> dict[int, LexborNode]:
    """Photos whose caption is the element right after their box, not inside it, by the box's id:
    ``<div class="article-image"><img></div><div class="image-caption">...</div>``.

    The box is an ``<img>``, or an element (a ``<figure>`` too) holding one and no text; the
    caption is named so and no longer than a caption with its credit.
    """
    found: dict[int, LexborNode] = {}
    for caption in root.css(_CAPTIONS):
        if caption.tag in ("figcaption", "img", "body", "html") or not 0 < _text_len(caption) <= _BOX_MAX_TEXT:
            continue
        box = sibling_element(caption, "prev")  # (the spaces and comments between them passed over)
        if box is not None and (box.tag == "img" or (len(box.css("img")) == 1 and not _text_len(box))):
            found[box.mem_id] = caption
    return found


def figure_like(root: LexborNode) -> set[int]:
    """Elements that hold a photo and its caption without being a ``<figure>``.

    ``<div class="wp-caption"><img><p class="wp-caption-text">``: the caption element is
    found by its class (caption, description), and the photo's box is the nearest ancestor
    holding the image, as long as it holds little more than the photo and its caption.
    Where nothing is named, the nearest element around an image that holds a little text
    and no links (a caption and a credit in unnamed ``<div>``s) is the photo's box.
    """
    boxes: set[int] = set()
    inside_figure = {n.mem_id for f in root.css("figure") for n in f.css("*")}
    for caption in root.css(_CAPTIONS):
        if caption.tag in ("figure", "figcaption", "img", "body", "html") or caption.mem_id in inside_figure:
            continue
        size = _text_len(caption)
        if not size:
            continue
        box = caption.parent
        for _ in range(4):
            if box is None or box.tag in ("body", "html", "figure"):
                break
            if box.css_first("img") is not None:
                if _photo_box(box, size + 300):
                    boxes.add(box.mem_id)
                break
            box = box.parent
    for img in root.css("img"):
        if img.mem_id in inside_figure:
            continue
        box = img.parent
        for _ in range(5):
            if box is None or box.mem_id in boxes or box.tag in ("body", "html", "figure", "p"):
                break
            if _text_len(box):
                if _photo_box(box, _BOX_MAX_TEXT) and box.css_first("p, div, span, figcaption") is not None:
                    boxes.add(box.mem_id)
                break
            box = box.parent
    return boxes


_CELL_MAX = 300  # characters of a table's cell that holds data: a longer one holds a page's text
#: Between a data table's cells on their row's line, as between the parts of the reader's byline: light
#: in a terminal, and no menu's bar ("Home | News | Sport" is furniture, and so was a row of headings).
CELL_SEPARATOR = " \u00b7 "


def data_rows(root: LexborNode) -> set[int]:
    """The rows of the tables under ``root`` that hold data, by id: each is read as one line of its cells.

    A table that lays out a page instead (one holding a table, a picture, a ``<pre>`` of code beside
    its line numbers, or a cell longer than a short paragraph) is read as any other blocks are.
    """
    rows: set[int] = set()
    for table in root.css("table"):
        if len(table.css("table")) == 1 and table.css_first("img, pre") is None \
                and all(_text_len(cell) <= _CELL_MAX for cell in table.css("td, th")):  # (css() holds the table too)
            rows.update(row.mem_id for row in table.css("tr"))
    return rows


def row_text(row: LexborNode) -> str:
    """A table's row as one line: its shown cells' text between :data:`CELL_SEPARATOR`s, an empty cell
    among them keeping its place, so in a plain grid each value stays in its column's place. A cell
    spanning columns (``colspan``) is written once, the values after it coming places early, and one
    spanning rows (``rowspan``) only in its first row, the rows under it lacking it: its text repeated
    in each place it spans would read as the same words said again ("Total · Total · Total")."""
    cells = [node_text(cell) for cell in row.iter() if cell.tag in ("td", "th") and not hidden(cell)]
    while cells and not cells[-1]:
        cells.pop()
    return CELL_SEPARATOR.join(cells)


class Collector:
    """Gathers paragraphs and photos in one walk of a tree."""

    def __init__(self, base: str | None, keep_data: bool) -> None:
        self.base = base
        self.keep_data = keep_data
        self.paragraphs: list[str] = []
        self.images: list[Image] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        if not self.buffer:
            return
        text = "".join(self.buffer)
        self.buffer.clear()
        for part in _BREAKS.split(text):
            line = squash(part)
            if line:
                self.paragraphs.append(line)

    def add_lines(self, node: LexborNode) -> None:
        """A ``<pre>`` as one paragraph of its lines, a data table's row as one of its cells (see :func:`data_rows`)."""
        if node.tag == "pre":
            if text := pre_text(node):
                self.paragraphs.append(text)
        else:
            self.buffer.append(row_text(node))
            self.flush()

    def add_image(self, image: Image | None) -> None:
        if image is None:
            return
        if image.src and image.src.startswith("data:") and not self.keep_data:
            image = Image(image.caption, image.credit, None)
            if not image.caption and not image.credit:
                return
        if image not in self.images:
            self.images.append(image)

    def collect(self, root: LexborNode, boxes: set[int]) -> None:
        rows = data_rows(root)
        marked = boxes | rows

        def whole(node: LexborNode) -> bool:
            return node.tag in ("figure", "img", "pre") or (bool(marked) and node.mem_id in marked)

        for event, node in walk(root, whole=whole):
            if event == TEXT:
                self.buffer.append(node.text_content or "")
            elif event == WHOLE:
                self.flush()
                if node.tag == "pre" or node.mem_id in rows:
                    self.add_lines(node)
                    continue
                if node.tag == "img":
                    src = image_src(node, self.base)
                    parts = [(node, Image(described(node), None, src) if src else None)]
                else:
                    parts = figure_images(node, self.base)
                for part, image in parts:
                    # A share icon, a tracking pixel: furniture, as on a saved page (they were the story's Photo 1)
                    if image is None or furniture_kind(part, root, image, self.base, rules=ENTRY_RULES) is None:
                        self.add_image(image)
            elif node.tag == "br":
                if event == ENTER:
                    self.buffer.append("\n")
            elif node.tag in BLOCKS and event in (ENTER, LEAVE):
                self.flush()
        self.flush()


def collect(root: LexborNode, base: str | None, keep_data: bool = False) -> Fragment:
    """The paragraphs and photos under ``root``."""
    collector = Collector(base, keep_data)
    collector.collect(root, figure_like(root))
    return Fragment(collector.paragraphs, collector.images)


def fragment(html: str, base_url: str | None = None) -> Fragment:
    """Paragraphs and photos of an HTML fragment such as a feed entry's content.

    Paragraphs come from block elements and from double line breaks; scripts, styles,
    forms and hidden elements are left out; every string is sanitised. A photo's caption
    and credit are told apart (see :mod:`broadsheet.store.html.figures`); its address is
    resolved against ``base_url``. Photos inlined as ``data:`` URIs keep no address here.
    """
    tree = parse(html)
    root = tree.body
    if root is None:
        return Fragment()
    return collect(root, base_url)

"""A feed's one-line field that may be HTML (an RSS or Atom ``type="html"`` title, a summary, a
caption) as plain text, never losing words written about markup.

Such a field is HTML escaped once more in the XML; feeds send two kinds of "tag" in it: formatting
("A &lt;b&gt;bold&lt;/b&gt; move") and words ("Why 3 &lt; 5 in &lt;video&gt; tags", "AT&amp;T buys
&lt;script&gt;"). An HTML parser drops a ``<video>`` or ``<script>`` and all that follows it (the
headline was "Why 3 < 5 in"), so a tag here is markup only when it is plainly that:

- a tag of an element that holds text (``b``, ``em``, ``a``, ``span``, ``p``, ``br``...) goes, its text
  stays: these are what feeds send to format a line, and no headline loses a word by them;
- an element that holds nothing of the line (``script``, ``iframe``, ``video``, a ``figcaption``...) goes
  whole, to its closing tag, only when plainly markup: its tag carries attributes (``<iframe src="…">``,
  ``<video controls>``), as every real embed does, or it is closed around something
  (``<script>var a = 1;</script>``); a bare ``<video>`` or ``<script>`` is a word of the line, kept as written;
- any other ``<...>`` (an unknown name, ``3 < 5``) is text.

Then entities are read (``&amp;`` is "&", ``&lt;video&gt;`` a literal "<video>"), and the line cleaned.
"""

from __future__ import annotations

import re
from html import unescape

from broadsheet.store.sanitize import clean_line

#: Elements whose text is the line's: their tags go, their words stay (a block's tag parts words).
_TEXT_ELEMENTS = frozenset(
    {"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
    "u", "var"})
_BLOCK_ELEMENTS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl", "dt", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main", "ol", "p", "section", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "wbr"})
#: Elements holding nothing of the line (a photo's caption is not the summary's): gone whole when plainly markup.
_EMBEDS = frozenset(
    {"audio", "canvas", "embed", "figcaption", "iframe", "math", "noscript", "object", "picture", "script", "source",
    "style", "svg", "template", "track", "video"})
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s[^<>]*)?)/?>|<!--.*?-->", re.S)


def markup_line(text: str) -> str:
    """``text``, a one-line field that may hold HTML, as plain text (see the module's rule)."""
    out: list[str] = []
    at = 0
    for found in _TAG.finditer(text):
        if found.start() < at:  # inside an embed dropped whole
            continue
        out.append(text[at:found.start()])
        at = found.end()
        closing, name, attributes = found[1], (found[2] or "").lower(), (found[3] or "").strip(" \t\r\n/")
        if not name:  # a comment
            continue
        if name in _TEXT_ELEMENTS:
            continue
        if name in _BLOCK_ELEMENTS:
            out.append(" ")
        elif name in _EMBEDS and not closing and (end := _embed_end(text, name, at, bool(attributes))) is not None:
            at = end
        else:  # a word: "<video>" in a headline about it, an unknown name, "</script>" of a bare "<script>"
            out.append(found[0])
    out.append(text[at:])
    return clean_line(unescape("".join(out)))


def _embed_end(text: str, name: str, at: int, attributes: bool) -> int | None:
    """Where an embed whose opening tag ends at ``at`` ends, when it is plainly markup: its tag carries
    attributes (to its closing tag, else the tag alone), or it is closed around something
    (``<script>var a = 1;</script>``); None for a word ("in <video> tags", "<video></video>")."""
    end = re.compile(rf"</{name}\s*>", re.I).search(text, at)
    if attributes:
        return end.end() if end else at
    return end.end() if end and text[at:end.start()].strip() else None

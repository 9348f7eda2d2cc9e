"""Find the headline: the line that repeats the page title, nearest above the story text."""

from __future__ import annotations

import re

from broadsheet.store.parse.boilerplate import bar_menu
from broadsheet.store.parse.byline import FOREIGN_AUTHOR, FOREIGN_AUTHOR_FIRST, parse_byline
from broadsheet.store.parse.dates import find_dates
from broadsheet.store.parse.textstats import cjk_count, jaccard, similarity, word_count
from broadsheet.store.parse.types import Line
from broadsheet.store.search.analysis import CJK

# (Every separator starts with a space, "|" or "_": the lookahead lets most positions fail at
# one test, instead of trying each of the forms.) Chinese titles also join the site with a bare
# "_" between CJK characters ("新闻标题_某某网"); no other writing puts one there.
_SEPARATOR = re.compile(
    rf"(?=[\s|_])(?:\s+[|–—-]\s+|\s*\|\s*|\s+::\s+|\s+[•·»]\s+|(?<=[{CJK}])_(?=[{CJK}]))"
)


def split_title(title: str) -> tuple[str, str | None]:
    """Split a page title into (headline part, site suffix or None).

    Trailing short segments after `` | ``, `` - ``, `` — `` are the site name and section.
    """
    parts = [p for p in _SEPARATOR.split(title) if p.strip()]
    if len(parts) < 2:
        return title.strip(), None
    suffix: list[str] = []
    while len(parts) > 1 and len(parts[-1].split()) <= 4 and len(parts[-1]) <= 40:
        suffix.insert(0, parts.pop())
    if not suffix:
        return title.strip(), None
    core = title[: title.find(suffix[0], len(" ".join(parts)) - 1)]
    core = _SEPARATOR.sub(" | ", core).rstrip(" |–—-:_")
    core = core if core and len(parts) == 1 else " | ".join(parts)
    sites = [part.strip() for part in suffix if not part.strip().lower().startswith("by ")]
    return core.strip(), (sites[-1] if sites else None)


def headline_shaped(text: str) -> bool:
    """A plausible headline: 2-30 words, not ending in a full stop or colon."""
    if len(text) > 220:
        return False  # before splitting: a long paragraph (or a 5 MB line) is never a headline
    if not 2 <= (len(text.split()) if text.isascii() else word_count(text)) <= 30:  # (the call is a cost per line)
        return False
    return not text.endswith((".", ":", ",", ";", "。", "：", "，", "；")) or text.endswith("...")


def _word_count(text: str) -> int:
    """Words with a letter in them (only asked of headline-shaped, so short, lines); in a line
    written in CJK scripts, two characters are a word."""
    if cjk_count(text):
        return word_count(text)
    return sum(1 for w in text.split() if any(c.isalpha() for c in w))


_BYLINE_LABEL = re.compile(rf"^(?:by|author(?:s)?(?: of the article)?|written by|{FOREIGN_AUTHOR})\s*:?$",
                           re.IGNORECASE)
_BYLINE_LABEL_FIRST = "bBaAwW" + FOREIGN_AUTHOR_FIRST  # what every _BYLINE_LABEL match starts with


def _byline_follows(lines: list[Line], idx: int, span: int = 8) -> bool:
    """True when an explicit byline (or a byline label) comes within ``span`` lines below."""
    seen = 0
    for line in lines[idx + 1 :]:
        if line.blank:
            continue
        seen += 1
        if seen > span:
            return False
        text = line.text
        if text[:1] in _BYLINE_LABEL_FIRST and _BYLINE_LABEL.match(text):  # (the cheap test first)
            return True
        info = parse_byline(text)
        if info is not None and info.explicit:
            return True
    return False


def find_headline(lines: list[Line], usable: list[int], body_start: int, title_core: str) -> tuple[int, str]:
    """Index of the headline line among ``lines`` and the reason it was chosen.

    ``usable`` are indices of non-blank, non-furniture lines; ``body_start`` is the index
    of the first line of the main run of prose. Returns (-1, reason) when nothing fits.
    """
    before = [i for i in usable if i < body_start]
    # The headline may open the run of prose (a long headline reads like a sentence).
    around = [i for i in usable if i < body_start + 4]
    first_nonblank = next((i for i, line in enumerate(lines) if not line.blank), -1)
    scored = []
    for i in around:
        if i == first_nonblank or not headline_shaped(lines[i].text):
            continue
        if similarity(lines[i].text, title_core) >= 0.6:
            scored.append((jaccard(lines[i].text, title_core), i))
    if scored:
        best = max(s for s, _ in scored)
        close = [i for s, i in scored if s >= best - 0.1]
        bylined = [i for i in close if _byline_follows(lines, i)]
        if bylined:
            return max(bylined), f"repeats the page title (overlap {best:.2f}), with a byline below it"
        return max(close), f"repeats the page title (overlap {best:.2f}), nearest above the story"
    # No title match: the top line of the block of headline-shaped lines just above the story
    # (headline, then standfirst, then byline is the usual order).
    found, meta_seen = -1, False
    for i in reversed(before[-12:]):
        text = lines[i].text
        if parse_byline(text, bare_ok=True) is not None or find_dates(text):
            if found >= 0 and meta_seen:
                break  # a date or name above the headline block (page-top date bar)
            # Byline and date sit right under the headline: a line found below them is not it.
            found, meta_seen = -1, True
            continue
        if (
            headline_shaped(text)
            and _word_count(text) >= 3
            and text[0] not in "•·*-–—|"
            and not bar_menu(text, least=3)  # a menu above the headline ("Home | News | Sport")
            and (found < 0 or found - i <= 3)
        ):
            found = i
            continue
        if found >= 0:
            break
    if found >= 0:
        return found, "top of the headline-shaped lines just above the story"
    if first_nonblank >= 0 and headline_shaped(lines[first_nonblank].text):
        return first_nonblank, "page title (no other headline found)"
    return -1, "no headline found"

"""The working state the parse steps share: the page's lines and what has been found so far."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from broadsheet.store.model import Image
from broadsheet.store.parse.byline import Byline
from broadsheet.store.parse.types import Line

REPEATED = "short line printed more than once on the page"
UNDECIDED = "not part of the story"


@dataclass(slots=True)
class Page:
    """Working state handed from step to step."""

    lines: list[Line]
    title: str = ""
    title_core: str = ""
    site: str | None = None
    klass: dict[int, str] = field(default_factory=dict)
    images: dict[int, Image] = field(default_factory=dict)
    body_start: int = -1
    headline: int = -1
    byline: int = -1
    byline_info: Byline | None = None
    published: str | None = None
    # nonblank() of these lines, worked out once: steps ask for it eight times per page, and
    # saved pages hold thousands of blank lines. Keyed by the list, in case a caller swaps it.
    nonblank_cache: tuple[int, list[Line], tuple[int, ...]] | None = field(default=None, repr=False, compare=False)


def nonblank(page: Page) -> list[int]:
    """Indices of the page's non-blank lines (a line's text is fixed once the page is made)."""
    cache = page.nonblank_cache
    if cache is None or cache[1] is not page.lines or cache[0] != len(page.lines):
        found = tuple(i for i, line in enumerate(page.lines) if line.text)  # not line.blank
        cache = page.nonblank_cache = (len(page.lines), page.lines, found)
    return list(cache[2])


def story_lines(page: Page, below: int) -> list[int]:
    """The non-blank lines from under the headline to ``below`` lines under the story's last
    paragraph (captions and credits sit among and just under it); empty when there is no story."""
    last = next((i for i in reversed(page.klass) if page.klass[i] == "good"), -1)  # (klass is in line order)
    if last <= page.headline:
        return []
    order = nonblank(page)
    return order[bisect_right(order, page.headline) : bisect_right(order, last + below)]


def free(line: Line) -> bool:
    """True while no step has claimed the line (it is still an undecided line)."""
    return line.role == "boilerplate" and line.reason == UNDECIDED

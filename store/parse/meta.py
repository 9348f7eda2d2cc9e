"""Steps that find the story's headline, byline and publication date."""

from __future__ import annotations

import re
from bisect import bisect_right

from broadsheet.store.parse.boilerplate import folded
from broadsheet.store.parse.byline import Byline, parse_byline
from broadsheet.store.parse.dates import find_dates
from broadsheet.store.parse.headline import find_headline
from broadsheet.store.parse.page import REPEATED, UNDECIDED, Page, nonblank
from broadsheet.store.parse.textstats import ends_sentence, tokens
from broadsheet.store.parse.types import ParseError

DATE_CUE = re.compile(r"\b(?:published|posted|updated|first published|date)\b", re.IGNORECASE)


def has_date_cue(text: str) -> bool:
    """``DATE_CUE.search(text)``, after a cheap test on the folded line: a match holds one of
    these words in lower case (``folded`` maps the characters IGNORECASE also takes for s and i)."""
    low = folded(text)
    if low is not None and "publish" not in low and "posted" not in low and "updated" not in low and "date" not in low:
        return False
    return DATE_CUE.search(text) is not None


def step_headline(page: Page) -> None:
    """Choose the headline and mark its repeats."""
    # Undecided lines, and lines only suspected for being printed twice (headlines often are).
    lines = page.lines
    usable = [
        i
        for i in nonblank(page)
        if (lines[i].role == "boilerplate" and lines[i].reason == UNDECIDED) or lines[i].reason == REPEATED  # free()
    ]
    start = page.body_start if page.body_start >= 0 else len(page.lines)
    idx, reason = find_headline(page.lines, usable, start, page.title_core)
    if idx < 0:
        raise ParseError("no headline found")
    key = tokens(page.lines[idx].text)
    probe = max(key, key=len, default="")
    # The same headline printed several times in a row (title bar, share box, story): take the first.
    for i in range(idx - 1, max(-1, idx - 16), -1):
        if i != 0 and _same_tokens(page.lines[i].text, key, probe):
            idx = i
    page.headline = idx
    head = page.lines[idx]
    head.mark("headline", reason)
    for i in nonblank(page):
        if i != idx and _same_tokens(lines[i].text, key, probe):
            lines[i].mark("boilerplate", "repeats the headline")
    page.klass.pop(idx, None)


def _same_tokens(text: str, key: list[str], probe: str) -> bool:
    """``tokens(text) == key``, answered without tokenising most lines.

    ``casefold`` works character by character, so each casefolded token of ``text`` is a
    substring of ``text.casefold()``: a line without ``probe`` (the key's longest token,
    the one least likely to turn up by chance) cannot match.
    """
    if probe not in text.casefold():
        return False
    return tokens(text) == key


_BY_LABEL = re.compile(
    r"^(?:by|author(?:s)?(?: of the article)?|written by|words|reporter)\s*:?$", re.IGNORECASE
)


def step_byline(page: Page) -> None:
    """Find the byline below the headline: an explicit ``By ...`` line first, else a bare name."""
    h = page.headline
    order = nonblank(page)  # ascending
    start = bisect_right(order, h)
    window = order[start : start + 40]
    found: list[tuple[int, Byline]] = []
    labelled = False
    chosen = False  # an explicit byline near the headline is found: later lines only get label marks
    prose_above = 0  # good lines in the window above this one (counted as we go, not re-counted)
    for seen, i in enumerate(window, start=1):
        if seen > 1 and page.klass.get(window[seen - 2]) == "good":
            prose_above += 1
        line = page.lines[i]
        if line.role != "boilerplate":
            labelled = False
            continue
        if _BY_LABEL.match(line.text):
            labelled = True
            line.mark("byline", "label introducing the byline")
            continue
        if chosen or len(line.text) > 160:  # (parse_byline would return None for a long line)
            labelled = False
            continue
        unclaimed = line.reason in (UNDECIDED, REPEATED)
        bare_ok = (
            unclaimed
            and seen <= 8
            and len(line.text) <= 100
            and not ends_sentence(line.text)
            and prose_above <= 1  # a bare name comes before the story text (a standfirst may precede it)
        )
        info = parse_byline(line.text, bare_ok=bare_ok or labelled)
        if info is not None and labelled:
            info.explicit = True
        labelled = False
        if info is None or (not unclaimed and not info.explicit):
            continue
        found.append((i, info))
        chosen = info.explicit and i - h <= 60  # the first such is the one taken below
    if not found:
        return
    explicit = [(i, info) for i, info in found if info.explicit and i - h <= 60]
    i, info = explicit[0] if explicit else found[0]
    page.byline, page.byline_info = i, info
    page.lines[i].mark("byline", "byline: " + ", ".join(info.authors))
    page.klass.pop(i, None)


def step_date(page: Page) -> None:
    """Publication date: from the byline, else the nearest dated line around the headline."""
    if page.byline_info and page.byline_info.date:
        page.published = page.byline_info.date
        return
    h = page.headline
    near = [i for i in nonblank(page) if h - 6 <= i][:30]
    cued = [i for i in near if has_date_cue(page.lines[i].text)]
    for group in (cued, near):
        for i in group:
            line = page.lines[i]
            if line.role in ("caption", "headline"):
                continue
            found = find_dates(line.text)
            if found and len(line.text) <= 120:
                page.published = found[0].iso
                if line.role != "byline":
                    line.mark("date", f"publication date {found[0].iso}")
                    page.klass.pop(i, None)
                return
    # Fallback: the date printed most often on the page (story date repeated in teasers, footers).
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for i in nonblank(page):
        for date in find_dates(page.lines[i].text):
            day = date.iso[:10]
            counts[day] = counts.get(day, 0) + 1
            first.setdefault(day, date.iso)
    if counts:
        best = max(counts.values())
        if best >= 2:
            page.published = next(first[d] for d in counts if counts[d] == best)

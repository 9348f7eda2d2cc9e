"""Steps that find the story's headline, byline and publication date."""

from __future__ import annotations

import re
from bisect import bisect_right

from broadsheet.store.parse import cjk
from broadsheet.store.parse.boilerplate import folded
from broadsheet.store.parse.byline import FOREIGN_AUTHOR, FOREIGN_AUTHOR_FIRST, Byline, parse_byline
from broadsheet.store.parse.dates import find_dates
from broadsheet.store.parse.headline import find_headline
from broadsheet.store.parse.page import REPEATED, UNDECIDED, Page, nonblank
from broadsheet.store.parse.textstats import ends_sentence, tokens
from broadsheet.store.parse.types import Line, ParseError

_FIRST_CUE = re.compile(r"\b(?:first published|published|posted)\b", re.IGNORECASE)


def _dates_of(text: str) -> list:
    """The dates printed in ``text`` (a line in capitals read as ``19 Nov 2019``)."""
    return find_dates(text.title() if text.isupper() else text)


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


_BY_LABEL_FIRST = "bBaAwWrR" + FOREIGN_AUTHOR_FIRST  # what every _BY_LABEL match starts with (a cheap test first)
_BY_LABEL = re.compile(
    rf"^(?:by|author(?:s)?(?: of the article)?|written by|words|reporter|{FOREIGN_AUTHOR})\s*:?$", re.IGNORECASE
)


_NEAR = 40  # story-ish lines below the headline searched for the byline
_EXPLICIT_NEAR = 30  # an explicit byline further down than this is a teaser's or a bio's


def step_byline(page: Page) -> None:
    """Find the byline below the headline: an explicit ``By ...`` line first, else a bare name.

    Distance is counted in lines that may belong to the story: a photo gallery's captions,
    credits and furniture ("Read More", "3 of 12") between headline and byline do not count.
    """
    h = page.headline
    headline_words = set(tokens(page.lines[h].text))
    order = nonblank(page)  # ascending
    start = bisect_right(order, h)
    found: list[tuple[int, Byline, int]] = []
    labelled = False
    chosen = False  # an explicit byline near the headline is found: later lines only get label marks
    prose_above = 0  # good lines in the window above this one (counted as we go, not re-counted)
    seen, prev = 0, -1
    for raw, i in enumerate(order[start : start + 2 * _NEAR]):
        if chosen and raw >= _NEAR:
            break  # found, and past the old window where later labels were still marked
        if prev >= 0 and page.klass.get(prev) == "good":
            prose_above += 1
        prev_text = page.lines[prev].text if prev >= 0 else ""
        prev = i
        line = page.lines[i]
        if line.role in ("caption", "credit") or (line.role == "boilerplate" and line.reason not in _OPEN):
            pass  # not counted: gallery and furniture lines
        else:
            seen += 1
        if seen > _NEAR:
            break
        # "Written by NAME" before the story text is its byline, not the closing credit line.
        written = line.role == "credits_line" and prose_above <= 1 and bool(_WRITTEN_BY.match(line.text))
        cjk_credit = line.role == "credits_line" and prose_above <= 1 and not written and bool(
            cjk.byline_people(line.text))
        early_credit = written or cjk_credit
        if line.role != "boilerplate" and not early_credit:
            labelled = False
            continue
        if line.text[:1] in _BY_LABEL_FIRST and _BY_LABEL.match(line.text):
            labelled = True
            line.mark("byline", "label introducing the byline")
            continue
        if chosen or len(line.text) > 160:  # (parse_byline would return None for a long line)
            labelled = False
            continue
        unclaimed = line.reason in _OPEN
        bare_ok = (
            unclaimed
            and seen <= 8
            and len(line.text) <= 100
            and not ends_sentence(line.text)
            and prose_above <= 1  # a bare name comes before the story text (a standfirst may precede it)
        )
        info = parse_byline(line.text, bare_ok=bare_ok, labelled=labelled)
        was_labelled, labelled = labelled, False
        if info is None or (not unclaimed and not info.explicit):
            continue
        if not info.explicit and (_not_an_author(info, headline_words) or prev_text.endswith((",", "/"))):
            continue  # (a name after a line ending in "," is the last item of a list of tags)
        found.append((i, info, seen))
        info.evidence = _evidence(info, was_labelled, written, cjk_credit)
        chosen = info.explicit and seen <= _EXPLICIT_NEAR  # the first such is the one taken below
    if not found:
        return
    explicit = [(i, info, n) for i, info, n in found if info.explicit and n <= _EXPLICIT_NEAR]
    i, info, _ = explicit[0] if explicit else found[0]
    page.byline, page.byline_info = i, info
    page.lines[i].mark("byline", f"byline ({info.evidence}): " + ", ".join(info.authors))
    page.klass.pop(i, None)
    if info.explicit:
        _more_names(page, i, info)


#: A line joining a byline's names, each name a text node of its own (``By`` / ``Ann Lee`` /
#: ``and`` / ``Bo Chen``), in the languages byline.py reads.
_NAME_JOINS = frozenset([",", "and", "&", "und", "et", "y", "e"])
_MORE_NAMES = 4  # names that may follow the first that way


def _more_names(page: Page, i: int, info: Byline) -> None:
    """Add the names a byline goes on with on lines of their own after a joining word: a dump
    of one text node per line with blank lines between them kept only the first author."""
    order = nonblank(page)
    at = bisect_right(order, i)
    for _ in range(_MORE_NAMES):
        if at + 1 >= len(order):
            return
        join, name = page.lines[order[at]], page.lines[order[at + 1]]
        # (a lone "," is taken for a line of symbols: still the joining word here)
        if join.text.casefold() not in _NAME_JOINS or join.role != "boilerplate" or not _free(name) \
                or len(name.text) > 60:
            return
        more = parse_byline(name.text, bare_ok=True, labelled=True)
        if more is None or not more.authors or more.date or more.outlet:
            return
        info.authors.extend(n for n in more.authors if n not in info.authors)
        join.mark("byline", "word joining the byline's names")
        name.mark("byline", "byline (a name after the byline's joining word): " + ", ".join(more.authors))
        page.klass.pop(order[at], None)
        page.klass.pop(order[at + 1], None)
        at += 2


def _free(line: Line) -> bool:
    """An undecided line, or one only suspected for being printed twice."""
    return line.role == "boilerplate" and line.reason in _OPEN


_OPEN = (UNDECIDED, REPEATED)
# Words of a photo agency's or library's name: a bare "Getty Images" under a headline is a credit.
_PICTURE_WORDS = frozenset(["images", "image", "photos", "photo", "photography", "pictures", "getty", "shutterstock"])


def _not_an_author(info: Byline, headline_words: set[str]) -> bool:
    """A bare name that is a photo credit, or the story's subject (all its words are in the
    headline: "Actress Ann Lee is ..." then "Ann Lee" under it), is not the byline."""
    for name in info.authors:
        words = tokens(name)
        if _PICTURE_WORDS.intersection(words) or (words and headline_words.issuperset(words)):
            return True
    return False
_WRITTEN_BY = re.compile(r"^(?:written|words|story|text|reported|reporting)\s+by\b", re.IGNORECASE)


def _evidence(info: Byline, labelled: bool, written: bool, cjk_credit: bool) -> str:
    """Which evidence made the line a byline, for ``--explain``."""
    if written:
        return "'Written by' line before the story text"
    if cjk_credit:
        return "reporter's credit line before the story"
    if labelled:
        return "names under a 'By'/'Author' label"
    if info.explicit:
        return "'By NAME' form"
    return "bare names under the headline, no 'By'"


def step_date(page: Page) -> None:
    """Publication date: from the byline, else the nearest dated line around the headline."""
    if page.byline_info and page.byline_info.date:
        page.published = page.byline_info.date
        return
    h = page.headline
    near = [i for i in nonblank(page) if h - 6 <= i][:30]
    cued = [i for i in near if has_date_cue(page.lines[i].text)]
    # "Published"/"Posted" before "Updated": the first publication is the story's date.
    cued.sort(key=lambda i: not _FIRST_CUE.search(page.lines[i].text))
    for group in (cued, near):
        for i in group:
            line = page.lines[i]
            if line.role in ("caption", "headline") or len(line.text) > 120:
                continue
            found = _dates_of(line.text)
            where, cue = i, None
            if found and group is cued:
                cue = _FIRST_CUE.search(line.text)
                after = [f for f in found if cue is not None and f.start >= cue.end()]
                found = after or found  # "Updated May 2 | Published May 1": the one after the cue
            if not found and group is cued:
                # A label whose date is the next text node ("Published:" / "May 7, 2025").
                nxt = next((j for j in near if j > i), -1)
                if nxt >= 0 and len(page.lines[nxt].text) <= 60 and page.lines[nxt].role not in ("caption", "headline"):
                    found, where = _dates_of(page.lines[nxt].text), nxt
            if found:
                page.published = found[0].iso
                line = page.lines[where]
                if line.role != "byline":
                    line.mark("date", f"publication date {found[0].iso}")
                    page.klass.pop(where, None)
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

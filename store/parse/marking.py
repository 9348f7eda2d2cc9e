"""Steps that mark lines by their own shape: furniture, captions and credits, prose quality.

They run before the headline is known, so they use only each line and its neighbours.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from broadsheet.store.model import Image
from broadsheet.store.parse import boilerplate, captions, quality
from broadsheet.store.parse.byline import parse_byline
from broadsheet.store.parse.credits import is_credits_line_of
from broadsheet.store.parse.dates import find_dates
from broadsheet.store.parse.page import REPEATED, UNDECIDED, Page, nonblank
from broadsheet.store.parse.story_end import closing_heading
from broadsheet.store.parse.textstats import LINE_CACHE, jaccard, similarity

GAP = 6  # furniture lines allowed inside one run of story text
BOX = 12  # more lines allowed after the heading of a box of other stories inside the story


_CREDITS_LINE = ("credits_line", "reporting/editing credit line")


class LineFacts(NamedTuple):
    """What the marking steps ask of one line's text, worked out once per distinct text."""

    furniture: tuple[str, str] | None  # (role, reason) for a credit line or page furniture
    caption: captions.CaptionFacts
    quality: str | None  # None for an ad or layout marker between paragraphs, else the initial class


@lru_cache(maxsize=LINE_CACHE)
def line_facts(text: str) -> LineFacts:
    """:class:`LineFacts` of ``text``, in one cached call that splits and lower-cases the line once.

    The tests are pure, so working them all out up front gives what each step would get
    by asking on its own (a step that does not need one simply does not read it).
    """
    n_words = len(text.split())
    low = boilerplate.folded(text)
    if is_credits_line_of(text, low):
        furniture: tuple[str, str] | None = _CREDITS_LINE
    else:
        reason = boilerplate.furniture_reason_of(text, n_words, low)
        furniture = ("boilerplate", reason) if reason else None
    inline = boilerplate.inline_furniture.__wrapped__(text)  # uncached: this cache keeps the answer
    return LineFacts(
        furniture,
        captions.caption_facts_of(text, n_words, low),
        None if inline else quality.initial_class_of(text, n_words),
    )


def step_furniture(page: Page) -> None:
    """Mark menus, share buttons, ads and the like; mark wire credit lines."""
    lines = page.lines
    repeated = boilerplate.repeated_lines([line.text for line in lines])
    for i in nonblank(page):
        line = lines[i]
        found = line_facts(line.text).furniture
        # (A headline has 4+ words, so 3+ spaces: most menu lines stop at that test.)
        if found is not None and not (line.text.count(" ") >= 3 and _titled_wording(line.text, found, page.title_core)):
            line.mark(*found)
        elif line.text in repeated and similarity(line.text, page.title_core) < 0.6:
            line.mark("boilerplate", REPEATED)


def _titled_wording(text: str, found: tuple[str, str], title_core: str) -> bool:
    """A short line flagged only for a furniture word that repeats the page title is the headline
    (``Zuckerberg offers peek at Facebook's plans``): a menu word in a story's title is no menu."""
    return (
        found[1].startswith(boilerplate.SHORT_WORDING)
        and len(text.split()) >= 4
        and jaccard(text, title_core) >= 0.6
    )


def step_captions(page: Page) -> None:
    """Mark photo captions and credits, splitting a credit glued to its caption."""
    lines = page.lines
    order = nonblank(page)
    for pos, i in enumerate(order):
        line = lines[i]
        if line.role != "boilerplate" or line.reason not in (UNDECIDED, REPEATED):
            continue
        facts = line_facts(line.text).caption
        split = facts.split
        if split:
            line.mark("caption", f"ends with a photo credit ({split[1]!r})")
            page.images[i] = Image(split[0], _credit(split[1]))
            continue
        # (Only a picture description or a sentence printed twice can be a caption without credit.)
        if (facts.position_cue or facts.may_repeat or facts.dated) and _caption_without_credit(page, order, pos, facts):
            continue
        text, label = line.text, None
        if facts.label_only and pos + 1 < len(order):
            label = order[pos + 1]
            text = f"{text} {lines[label].text}"
            credit = captions.credit_only(text)
        else:
            credit = facts.credit
        if credit is None:
            continue
        copyright_line = "©" in text
        if copyright_line and page.site and similarity(credit, page.site) >= 0.5:
            continue  # "© Example Gazette": the site's own copyright, not a photo's
        prev = i - 1
        if prev >= 0 and lines[prev].blank and captions.strong_credit(text):
            prev -= 1
        cap = lines[prev] if prev >= 0 else None
        if (
            cap is None
            or cap.blank
            or prev in page.images
            or not (cap.role == "boilerplate" and cap.reason in (UNDECIDED, REPEATED))  # a caption may repeat
            or len(cap.text.split()) < 3
            or (copyright_line and len(cap.text.split()) > 50)  # a paragraph above a copyright line
            or captions.menu_like(cap.text)
            or jaccard(cap.text, page.title_core) >= 0.8  # the headline above a lead photo's credit
            or (cap.text[:3].casefold() == "by " and parse_byline(cap.text) is not None)  # the byline above it
            or (find_dates(cap.text) and len(cap.text) < 40)
        ):
            if cap is not None and cap.role == "caption" and prev not in page.images:
                line.mark("credit", f"photo credit under the repeated caption on line {cap.number}")
                continue
            if captions.lone_credit(text):
                line.mark("credit", "photo credit (no caption found above it)")
                page.images[i] = Image(line.text, _credit(credit))  # the credit is all the photo has under it
            continue
        cap.mark("caption", "line above a photo-credit line")
        line.mark("credit", "photo credit under a caption")
        if label is not None:
            lines[label].mark("credit", "photo credit under a caption")
        page.images[prev] = Image(cap.text, _credit(credit))
        # Alt text, credit, caption: the same sentence again just under the credit is that photo's.
        after = (label if label is not None else i) + 1
        for j in order[pos + 1 : pos + 4]:
            if j >= after and lines[j].text == cap.text:
                lines[j].mark("caption", f"repeats the caption on line {cap.number}")
                break


def _credit(text: str) -> str:
    """A credit without the copyright sign it may carry (``© Ann Lee`` is credited to Ann Lee)."""
    return text.removeprefix("©").strip() or text


def _caption_without_credit(page: Page, order: list[int], pos: int, facts: captions.CaptionFacts) -> bool:
    """Mark a caption that has no credit: a picture description, or a sentence printed twice in a row
    (alt text and caption of the same photo). ``facts`` are the line's :class:`CaptionFacts`."""
    line = page.lines[order[pos]]
    if pos + 1 < len(order):
        below = line_facts(page.lines[order[pos + 1]].text).caption
        if below.credit or below.label_only:
            return False  # the credit line below will pair with it
    if facts.position_cue:
        line.mark("caption", "describes a picture ('(left)', 'pictured', 'from left')")
        page.images[order[pos]] = Image(line.text, None)
        return True
    if facts.dated:
        line.mark("caption", "wire photo description: ends on the day the photo was taken, or 'FILE -'")
        page.images[order[pos]] = Image(line.text, None)
        return True
    if not facts.may_repeat:
        return False
    for nxt in order[pos + 1 : pos + 3]:
        if page.lines[nxt].text == line.text:
            line.mark("caption", "sentence printed twice in a row (photo alt text and caption)")
            page.lines[nxt].mark("caption", f"repeats the caption on line {line.number}")
            page.images[order[pos]] = Image(line.text, None)
            return True
    return False


def step_quality(page: Page) -> None:
    """Classify the remaining lines as story text or not, in context."""
    # Furniture, captions and credit lines are transparent: an "Advertisement" between two
    # paragraphs must not make them look like the edge of the story.
    lines = page.lines
    order, initial = [], []
    for i in nonblank(page):
        line = lines[i]
        role = line.role
        if role in ("caption", "credit", "credits_line"):
            continue
        klass = line_facts(line.text).quality
        if klass is None:
            continue  # an ad or layout marker between paragraphs
        order.append(i)
        initial.append(klass if role == "boilerplate" and line.reason == UNDECIDED else "bad")  # free(line)
    final = quality.in_context(initial)
    page.klass = dict(zip(order, final, strict=True))


def step_body_start(page: Page) -> None:
    """Find the main run of prose: the run of good lines with the most text.

    A box of other stories inside the story ("Recommended", then teaser headlines, authors and
    dates) may be longer than the usual gap: after such a heading the run may go on further.
    """
    best, best_score, start, score, gap, allowed = -1, 0, -1, 0, 0, GAP
    for i in sorted(page.klass):
        if page.klass[i] == "good":
            if start < 0:
                start, score = i, 0
            score += len(page.lines[i].text)
            gap, allowed = 0, GAP
            if score > best_score:
                best, best_score = start, score
        elif start >= 0:
            gap += 1
            if gap == 1 and closing_heading(page.lines[i].text):
                allowed = GAP + BOX
            if gap > allowed:
                start, score, gap, allowed = -1, 0, 0, GAP
    page.body_start = best

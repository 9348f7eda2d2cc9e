"""Steps that mark lines by their own shape: furniture, captions and credits, prose quality.

They run before the headline is known, so they use only each line and its neighbours.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from broadsheet.store.model import Image
from broadsheet.store.parse import boilerplate, captions, quality
from broadsheet.store.parse.byline import looks_like_name, parse_byline
from broadsheet.store.parse.credits import is_credits_line_of
from broadsheet.store.parse.dates import find_dates
from broadsheet.store.parse.page import REPEATED, UNDECIDED, Page, nonblank, story_lines
from broadsheet.store.parse.story_end import closing_heading
from broadsheet.store.parse.textstats import (
    LINE_CACHE,
    ascii_stopword_density,
    ascii_word_count,
    ends_sentence,
    jaccard,
    similarity,
    stopword_density,
    tokens,
    word_count,
    words_stopword_density,
)
from broadsheet.store.parse.types import Line

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
    density = None
    low: str | None
    if text.isascii():
        # One encoding of the lower-cased line for the word count and the stop-word share.
        low = lowered = text.lower()  # (what folded() gives an ASCII line)
        spaced = b" " + lowered.encode("ascii")
        n_words = ascii_word_count(spaced)
        # Counted once for both tests that read it: the prose class of a long line, and whether
        # a line is prose, which spares it the furniture wording scans.
        if n_words >= boilerplate.PROSE_WORDS:
            if "..." not in text:
                density = ascii_stopword_density(spaced)
            if density is None:  # (the split of the runs could not decide: it is not tried again)
                density = words_stopword_density(text)
    else:
        n_words = word_count(text)
        low = boilerplate.folded(text)
        if n_words >= boilerplate.PROSE_WORDS:
            density = stopword_density(text)
    if is_credits_line_of(text, low):
        furniture: tuple[str, str] | None = _CREDITS_LINE
    else:
        reason = boilerplate.furniture_reason_of(text, n_words, low, density)
        furniture = ("boilerplate", reason) if reason else None
    inline = boilerplate.inline_furniture_of(text, low)  # uncached: this cache keeps the answer
    return LineFacts(
        furniture,
        captions.caption_facts_of(text, n_words, low),
        None if inline else quality.initial_class_of(text, n_words, density),
    )


def step_furniture(page: Page) -> None:
    """Mark menus, share buttons, ads and the like; mark wire credit lines."""
    lines = page.lines
    repeated = boilerplate.repeated_lines([line.text for line in lines])
    for i in nonblank(page):
        line = lines[i]
        found = line_facts(line.text).furniture
        # (A headline has 4+ words, so 3+ spaces: most menu lines stop at that test.)
        if found is not None and not (line.text.count(" ") >= 3 and (
                _titled_wording(line.text, found, page.title_core) or _headed_byline(lines, i, found))):
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


def _headed_byline(lines: list[Line], i: int, found: tuple[str, str]) -> bool:
    """A short line flagged only for a furniture word, right above a ``By NAME`` line, is the
    headline (``Halloway Rovers promoted after late goal``) where no page title repeats it."""
    if not found[1].startswith(boilerplate.SHORT_WORDING) or len(lines[i].text.split()) < 4:
        return False
    below = next((line for line in lines[i + 1 : i + 3] if not line.blank), None)
    byline = parse_byline(below.text) if below is not None else None
    return byline is not None and byline.explicit


def step_captions(page: Page) -> None:
    """Mark photo captions and credits, splitting a credit glued to its caption."""
    lines = page.lines
    order = nonblank(page)
    for pos, i in enumerate(order):
        line = lines[i]
        if (line.role != "boilerplate" or line.reason not in (UNDECIDED, REPEATED)) and not (
                line.role == "credits_line" and _photos_mid_story(page, order, pos)):
            continue
        if "caption" in line.text[:16] and _caption_label(page, order, pos):
            continue
        if line.text.startswith(_SOURCE_STARTS) and _SOURCE_LABEL.match(line.text):
            continue  # "Image source, Ann Lee/Gazette": its caption's credit (_caption_label), no caption
        facts = line_facts(line.text).caption
        split = facts.split
        if split and _date_line(split[0]):
            continue  # "March 5, 2025 at 5:00 a.m. EST": a time's zone is no photo credit
        if split:
            line.mark("caption", f"ends with a photo credit ({split[1]!r})" if split[1] else
                      "ends with a file photo note")
            page.images[i] = Image(split[0], _credit(split[1]) or None)
            continue
        # (Only a picture description or a sentence printed twice can be a caption without credit.)
        if (facts.position_cue or facts.may_repeat or facts.dated) and _caption_without_credit(page, order, pos, facts):
            continue
        if facts.credit is not None and line.text[:3].casefold() == "by " and parse_byline(line.text) is not None:
            continue  # "By Ann Lee / Gazette": a byline with its outlet, not a photo credit
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
            or len(cap.text.split()) > (50 if copyright_line else CAPTION_WORDS)  # a paragraph above a credit
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


_AGO = re.compile(r"^(?:an?|\d+)\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\s+ago\b", re.I)
CAPTION_WORDS = 65  # the longest caption on dev and dev_extra has 63 words
PROSE_WORDS = 12  # a line of story text around a photo, not a subheading or a label
_CREDIT_SMALL_WORDS = frozenset(["for", "of", "the", "and", "via", "de", "da", "van", "von", "/"])


def _photos_mid_story(page: Page, order: list[int], pos: int) -> bool:
    """A "Photos by X" line with story text after it: the credit of the photos over it, not of
    the story's (which closes it, or stands by the byline)."""
    text = page.lines[order[pos]].text
    if not text[:6].casefold().startswith("photo") or not _PHOTOS_BY.match(text) or pos + 1 >= len(order):
        return False
    return line_facts(page.lines[order[pos + 1]].text).quality == "good"


_PHOTOS_BY = re.compile(r"^(?:Photos|Photographs)\s+by\s", re.IGNORECASE)


def _open(line: Line) -> bool:
    return line.role == "boilerplate" and line.reason in (UNDECIDED, REPEATED)


def _name_shaped(text: str) -> bool:
    """A short run of capitalised words, as a photographer, agency or company credit is
    printed on its own line (``Ann Lee for Example``, ``Example Rockets``)."""
    words = text.split()
    if not 1 <= len(words) <= 5 or not text[0].isupper() or ends_sentence(text) or text[-1] in ",:;":
        return False
    return all(w[0].isupper() or w in _CREDIT_SMALL_WORDS for w in words)


def step_layout_captions(page: Page) -> None:
    """Captions known by where they stand, not by a credit's wording.

    - The same short capitalised line under two or more short sentences: a photo credit
      repeated under each caption (an agency or photographer credited once per photo).
    - A person's name alone between paragraphs of the story, named in the story just around
      it: the caption of a portrait (a subheading is no name; a quote's attribution is
      followed by the speaker's job, not by a paragraph naming them).
    """
    lines, klass = page.lines, page.klass
    order = story_lines(page, below=2)  # the story, and a credit just below
    if not order:
        return
    pairs: dict[str, list[tuple[int, int]]] = {}
    for pos in range(1, len(order)):
        line = lines[order[pos]]
        text = line.text
        if len(text) > 60 or (" " not in text and len(text) < 3) or not _open(line):
            continue
        if not (text[0].isupper() and _name_shaped(text)):
            continue
        above = lines[order[pos - 1]]
        n_above = len(above.text.split())
        if (
            _open(above)
            and order[pos - 1] not in page.images
            and 3 <= n_above <= 30
            and above.text.endswith(".")
            and not line_facts(above.text).furniture
        ):
            after = lines[order[pos + 1]].text if pos + 1 < len(order) else ""
            if not (len(after) < 40 and (find_dates(after) or _AGO.match(after))):  # a teaser: summary, section, time
                pairs.setdefault(text, []).append((order[pos - 1], order[pos]))
        if n_above >= PROSE_WORDS and ends_sentence(above.text) and _portrait_name(page, order, pos):
            line.mark("caption", "a person's name alone between paragraphs that name them (portrait photo)")
            page.images[order[pos]] = Image(text, None)
            klass.pop(order[pos], None)
    for text, found in pairs.items():
        if len({lines[cap].text for cap, _ in found}) < 2:
            continue  # one promotion printed twice is no pair of photos
        for cap, credit in found:
            if not (_open(lines[cap]) and _open(lines[credit])):
                continue
            klass.pop(cap, None)
            klass.pop(credit, None)
            lines[cap].mark("caption", f"short sentence above a credit line printed under {len(found)} photos")
            lines[credit].mark("credit", f"photo credit printed under {len(found)} short sentences ({text!r})")
            page.images[cap] = Image(lines[cap].text, text)


def _portrait_name(page: Page, order: list[int], pos: int) -> bool:
    """The line at ``pos`` is a person's name, and one of the two lines below is a paragraph naming them."""
    text = page.lines[order[pos]].text
    if text.isupper() or not 2 <= len(text.split()) <= 4 or not looks_like_name(text):
        return False
    surname = tokens(text)[-1:]
    for j in order[pos + 1 : pos + 3]:
        below = page.lines[j].text
        if len(below.split()) >= PROSE_WORDS:
            return bool(surname) and surname[0] in tokens(below)
    return False


# An accessible label printed before a caption: "Image caption ..." (a photo's), "Media caption ..." (a video's).
_CAPTION_LABEL = re.compile(r"^(?:(?P<photo>Image|Photo|Picture)|Media|Video) ?caption\b\s*[:,]?\s*")
# Its photo's credit, labelled the same way on a line of its own, above or below it: "Image source,
# Getty Images" (a screen reader's words, in a page copied whole).
_SOURCE_LABEL = re.compile(r"^(?:Image|Photo|Picture) ?(?:source|credit)\s*[:,]\s*(?P<credit>\S.{0,80})$")
_SOURCE_STARTS = ("Image", "Photo", "Picture")


def _caption_label(page: Page, order: list[int], pos: int) -> bool:
    """Mark a caption introduced by a label, on the same line or alone above it; True when marked.

    A photo's caption becomes an image (its credit split off when glued on); a video's caption
    is neither photo nor story text.
    """
    lines = page.lines
    line = lines[order[pos]]
    m = _CAPTION_LABEL.match(line.text)
    if m is None:
        return False
    at = order[pos]
    text = line.text[m.end() :]
    if not text:  # the label alone: the caption is the next line
        if pos + 1 >= len(order) or not _open(lines[order[pos + 1]]):
            return False
        line.mark("boilerplate", "label of the caption below")
        at = order[pos + 1]
        text = lines[at].text
    photo = m.group("photo") is not None
    if photo:
        split = line_facts(text).caption.split
        credit = (_credit(split[1]) or None) if split else None
        above = order[pos - 1] if pos else None
        below = next((k for k in order[pos + 1:] if k > at), None)  # (``at`` is the line below a lone label)
        for j in (j for j in (above, below) if j is not None):
            found = _SOURCE_LABEL.match(lines[j].text)
            if found and lines[j].role == "boilerplate" and lines[j].reason in (UNDECIDED, REPEATED):
                lines[j].mark("credit", "photo credit after a credit label, beside its caption")
                credit = credit or _credit(found.group("credit"))
        page.images[at] = Image(split[0] if split else text, credit)
    lines[at].mark("caption" if photo else "boilerplate", f"after a caption label ({m.group(0).strip()!r})")
    return True


def _date_line(text: str) -> bool:
    """A short line that starts with a date ("March 3, 2025Updated 6:45 p.m."), as pages print when
    a story was published or updated."""
    found = find_dates(text)
    return bool(found) and found[0].start == 0 and len(text.split()) <= 8


def _credit(text: str) -> str:
    """A credit without the label it may carry (``© Ann Lee``, ``Staff photo by Ann Lee`` are credited to Ann Lee)."""
    return captions.without_credit_label(text) or text


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
    _drop_photo_counts(lines, order, initial)
    final = quality.in_context(initial)
    page.klass = dict(zip(order, final, strict=True))


_PROSE = ("good", "neargood")


def _drop_photo_counts(lines: list[Line], order: list[int], initial: list[str]) -> None:
    """Leave out a gallery's photo count ("2") standing between two paragraphs, so it does not
    cut the story in two (a number elsewhere, in a menu or a score box, still counts as furniture)."""
    for k in range(len(order) - 2, 0, -1):
        text = lines[order[k]].text
        if len(text) <= 3 and text.isdigit() and initial[k - 1] in _PROSE and initial[k + 1] in _PROSE:
            del order[k], initial[k]


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

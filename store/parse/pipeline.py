"""The parse pipeline: small steps that each give lines roles, then assembly into an Article.

``run`` is shared by :func:`store.parse.parse_text` and :func:`store.parse.explain_text`, so
``--explain`` shows exactly the decisions that produced the parsed article.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from store.dates import find_dates
from store.model import Article, Credits, Image
from store.parse import boilerplate, captions, quality
from store.parse.byline import Byline, parse_byline
from store.parse.credits import is_credits_line, parse_credits
from store.parse.dateline import split_dateline, wire_in
from store.parse.headline import find_headline, split_title
from store.parse.lines import join_wrapped, page_title, split_lines
from store.parse.textstats import ends_sentence, similarity, tokens
from store.parse.types import Line, ParseError

REPEATED = "short line printed more than once on the page"
GAP = 6  # furniture lines allowed inside one run of story text
_ORG_WORD = re.compile(
    r"\b(?:News|Press|Times|Post|Media|Network|TV|Radio|Daily|Herald|Tribune|Journal|Agency|Staff|Wire|"
    r"Online|Group|Gazette|Telegraph|Chronicle|Channel|Broadcasting|Desk|Bureau|Service|Reuters|AFP)\b"
    r"|\b[A-Z]{3,}\b"
)
_DATE_CUE = re.compile(r"\b(?:published|posted|updated|first published|date)\b", re.IGNORECASE)


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


def _nonblank(page: Page) -> list[int]:
    return [i for i, line in enumerate(page.lines) if not line.blank]


def step_furniture(page: Page) -> None:
    """Mark menus, share buttons, ads and the like; mark wire credit lines."""
    repeated = boilerplate.repeated_lines([line.text for line in page.lines])
    for i in _nonblank(page):
        line = page.lines[i]
        if is_credits_line(line.text):
            line.mark("credits_line", "reporting/editing credit line")
            continue
        reason = boilerplate.furniture_reason(line.text)
        if reason:
            line.mark("boilerplate", reason)
        elif line.text in repeated and similarity(line.text, page.title_core) < 0.6:
            line.mark("boilerplate", REPEATED)


def step_captions(page: Page) -> None:
    """Mark photo captions and credits, splitting a credit glued to its caption."""
    lines = page.lines
    order = _nonblank(page)
    for pos, i in enumerate(order):
        line = lines[i]
        if line.role != "boilerplate" or line.reason not in ("not part of the story", REPEATED):
            continue
        split = None
        if not (captions.has_label(line.text) or captions.label_only(line.text)):
            split = (
                captions.split_credit(line.text)
                or captions.split_name_credit(line.text)
                or captions.split_paren_credit(line.text)
            )
        if split:
            line.mark("caption", f"ends with a photo credit ({split[1]!r})")
            page.images[i] = Image(split[0], split[1])
            continue
        if _caption_without_credit(page, order, pos):
            continue
        text, label = line.text, None
        if captions.label_only(text) and pos + 1 < len(order):
            label = order[pos + 1]
            text = f"{text} {lines[label].text}"
        credit = captions.credit_only(text)
        if credit is None:
            continue
        prev = i - 1
        if prev >= 0 and lines[prev].blank and captions.strong_credit(text):
            prev -= 1
        cap = lines[prev] if prev >= 0 else None
        if (
            cap is None
            or cap.blank
            or prev in page.images
            or not _free(cap)
            or len(cap.text.split()) < 3
            or (find_dates(cap.text) and len(cap.text) < 40)
        ):
            if captions.strong_credit(text) and ("/" in text or captions.has_label(text)):
                line.mark("credit", "photo credit (no caption found above it)")
                page.images[i] = Image("", credit)
            continue
        cap.mark("caption", "line above a photo-credit line")
        line.mark("credit", "photo credit under a caption")
        if label is not None:
            lines[label].mark("credit", "photo credit under a caption")
        page.images[prev] = Image(cap.text, credit)


def _caption_without_credit(page: Page, order: list[int], pos: int) -> bool:
    """Mark a caption that has no credit: a picture description, or a sentence printed twice in a row
    (alt text and caption of the same photo)."""
    line = page.lines[order[pos]]
    following = [page.lines[j].text for j in order[pos + 1 : pos + 3]]
    if any(captions.credit_only(t) or captions.label_only(t) for t in following[:1]):
        return False  # the credit line below will pair with it
    if captions.position_cue(line.text):
        line.mark("caption", "describes a picture ('(left)', 'pictured', 'from left')")
        page.images[order[pos]] = Image(line.text, None)
        return True
    n_words = len(line.text.split())
    if not 4 <= n_words <= 60 or not line.text.endswith("."):
        return False
    for nxt in order[pos + 1 : pos + 3]:
        if page.lines[nxt].text == line.text:
            line.mark("caption", "sentence printed twice in a row (photo alt text and caption)")
            page.lines[nxt].mark("caption", f"repeats the caption on line {line.number}")
            page.images[order[pos]] = Image(line.text, None)
            return True
    return False


def _free(line: Line) -> bool:
    return line.role == "boilerplate" and line.reason == "not part of the story"


def step_quality(page: Page) -> None:
    """Classify the remaining lines as story text or not, in context."""
    # Furniture, captions and credit lines are transparent: an "Advertisement" between two
    # paragraphs must not make them look like the edge of the story.
    order = [
        i
        for i in _nonblank(page)
        if page.lines[i].role not in ("caption", "credit", "credits_line")
        and not boilerplate.inline_furniture(page.lines[i].text)
    ]
    initial = [quality.initial_class(page.lines[i].text) if _free(page.lines[i]) else "bad" for i in order]
    final = quality.in_context(initial)
    page.klass = dict(zip(order, final, strict=True))


def step_body_start(page: Page) -> None:
    """Find the main run of prose: the run of good lines with the most text."""
    best, best_score, start, score, gap = -1, 0, -1, 0, 0
    for i in sorted(page.klass):
        if page.klass[i] == "good":
            if start < 0:
                start, score = i, 0
            score += len(page.lines[i].text)
            gap = 0
            if score > best_score:
                best, best_score = start, score
        elif start >= 0:
            gap += 1
            if gap > GAP:
                start, score, gap = -1, 0, 0
    page.body_start = best


def step_headline(page: Page) -> None:
    """Choose the headline and mark its repeats."""
    usable = [i for i in _nonblank(page) if _free(page.lines[i]) or page.lines[i].role == "caption"]
    usable = [i for i in usable if page.lines[i].role != "caption"]
    start = page.body_start if page.body_start >= 0 else len(page.lines)
    idx, reason = find_headline(page.lines, usable, start, page.title_core)
    if idx < 0:
        raise ParseError("no headline found")
    key = tokens(page.lines[idx].text)
    # The same headline printed several times in a row (title bar, share box, story): take the first.
    for i in range(idx - 1, max(-1, idx - 16), -1):
        if tokens(page.lines[i].text) == key and i != 0:
            idx = i
    page.headline = idx
    head = page.lines[idx]
    head.mark("headline", reason)
    for i in _nonblank(page):
        if i != idx and tokens(page.lines[i].text) == key:
            page.lines[i].mark("boilerplate", "repeats the headline")
    page.klass.pop(idx, None)


_BY_LABEL = re.compile(
    r"^(?:by|author(?:s)?(?: of the article)?|written by|words|reporter)\s*:?$", re.IGNORECASE
)


def step_byline(page: Page) -> None:
    """Find the byline below the headline: an explicit ``By ...`` line first, else a bare name."""
    h = page.headline
    window = [i for i in _nonblank(page) if h < i][:40]
    found: list[tuple[int, Byline]] = []
    labelled = False
    for seen, i in enumerate(window, start=1):
        line = page.lines[i]
        if line.role != "boilerplate":
            labelled = False
            continue
        if _BY_LABEL.match(line.text):
            labelled = True
            line.mark("byline", "label introducing the byline")
            continue
        free = line.reason in ("not part of the story", REPEATED)
        bare_ok = free and seen <= 8 and len(line.text) <= 100 and not ends_sentence(line.text)
        info = parse_byline(line.text, bare_ok=bare_ok or labelled)
        if info is not None and labelled:
            info.explicit = True
        labelled = False
        if info is None or (not free and not info.explicit):
            continue
        found.append((i, info))
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
    near = [i for i in _nonblank(page) if h - 6 <= i][:30]
    cued = [i for i in near if _DATE_CUE.search(page.lines[i].text)]
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
    for i in _nonblank(page):
        for found in find_dates(page.lines[i].text):
            day = found.iso[:10]
            counts[day] = counts.get(day, 0) + 1
            first.setdefault(day, found.iso)
    if counts:
        best = max(counts.values())
        if best >= 2:
            page.published = next(first[d] for d in counts if counts[d] == best)


def _date_only(text: str) -> bool:
    found = find_dates(text)
    return bool(found) and len(text) <= 60 and sum(f.end - f.start for f in found) >= 0.5 * len(text)


def _dated_run(page: Page, i: int) -> bool:
    """True when more date-only lines follow soon (a teaser list or comment thread)."""
    after = [j for j in range(i + 1, min(len(page.lines), i + 200)) if not page.lines[j].blank][:60]
    return sum(1 for j in after if _date_only(page.lines[j].text)) >= 2


_AUTHOR_BOX = re.compile(r"\b(?:e-?mail|follow|twitter|articles|contact)\b|@\w", re.IGNORECASE)


def _author_bio(page: Page, text: str) -> str | None:
    """A closing author biography (``Ann Lee is a reporter ...``) ends the story."""
    for name in page.byline_info.authors if page.byline_info else []:
        if re.match(re.escape(name) + r"\s+(?:is|was|has|covers|writes|reports)\b", text):
            return "author biography after the story"
        if len(name.split()) >= 2 and name in text and _AUTHOR_BOX.search(text) and not _org_like(name):
            return "author box after the story (names the byline author)"
    return None


def step_story_end(page: Page) -> None:
    """Cut the story where the comments or a list of dated teasers begins."""
    h, good, cut, last_reason = page.headline, 0, -1, ""
    for i in _nonblank(page):
        if i <= h:
            continue
        line = page.lines[i]
        before, last_reason = last_reason, line.reason
        if page.klass.get(i) == "good" and not _author_bio(page, line.text):
            good += 1
            continue
        if good < 3 or line.role not in ("boilerplate", "body"):
            continue
        if _date_only(line.text) and before == boilerplate.EMBED_REASON:
            line.mark("boilerplate", "date of an embedded social-media post")
            continue
        reason = boilerplate.end_marker(line.text) or _author_bio(page, line.text)
        if reason is None and _date_only(line.text) and _dated_run(page, i):
            reason = "a dated teaser list or comment thread starts"
        if reason:
            cut = i
            line.mark("boilerplate", reason)
            page.klass.pop(i, None)
            break
    if cut < 0:
        return
    for i in list(page.klass):
        if i > cut and page.klass[i] == "good":
            page.klass[i] = "bad"
            page.lines[i].mark("boilerplate", f"after the end of the story (line {page.lines[cut].number})")


def _canonical_headline(line: str, title_core: str) -> str:
    """The page title when the printed headline is only a light edit of it (a word or two)."""
    a, b = Counter(tokens(line)), Counter(tokens(title_core))
    if a == b or not b or len(b) < 4:
        return line
    diff = sum(((a - b) + (b - a)).values())
    return title_core if diff <= 3 else line


def _org_like(name: str) -> bool:
    return bool(_ORG_WORD.search(name))


def assemble(page: Page) -> Article:
    """Build the Article from the marked lines."""
    lines, h = page.lines, page.headline
    body_idx = [i for i in sorted(page.klass) if i > h and page.klass[i] == "good"]
    for i in body_idx:
        lines[i].mark("body", "story text (prose, in context)")
    for i, line in enumerate(lines):
        if line.role in ("caption", "credit") and i < h - 15:
            line.mark("boilerplate", "caption far above the headline")
            page.images.pop(i, None)
        if line.role == "credits_line" and i < h:
            line.mark("boilerplate", "credit line above the headline")
    standfirst = None
    if 0 < page.byline - h <= 12:
        for i in range(h + 1, page.byline):
            if lines[i].role in ("boilerplate", "body") and len(lines[i].text.split()) >= 8:
                if _DATE_CUE.search(lines[i].text) or find_dates(lines[i].text):
                    continue
                if lines[i].role == "boilerplate" and lines[i].reason != "not part of the story":
                    continue
                standfirst = lines[i].text
                lines[i].mark("standfirst", "text between headline and byline")
                if i in body_idx:
                    body_idx.remove(i)
                break
    if not body_idx:
        raise ParseError("no story text found below the headline")
    body = [lines[i].text for i in body_idx]
    dateline, agency, rest = split_dateline(body[0])
    if dateline:
        body[0] = rest
        lines[body_idx[0]].mark("dateline", f"starts with the dateline {dateline!r}; the rest is body")
    credit_lines = [line for i, line in enumerate(lines) if line.role == "credits_line" and i > h]
    credits: Credits | None = parse_credits(credit_lines[-1].text) if credit_lines else None
    info = page.byline_info
    authors = list(info.authors) if info else []
    if agency is None and credits is not None:
        agency = wire_in(credits.text)
    if agency is None and page.byline >= 0:
        agency = wire_in(lines[page.byline].text)
    source = page.site or (info.outlet if info else None)
    if source is None and authors and _org_like(authors[0]):
        source = authors[0]
    images = [img for i, img in sorted(page.images.items()) if i >= h - 15]
    return Article(
        headline=_canonical_headline(lines[h].text, page.title_core),
        body=body,
        standfirst=standfirst,
        source=source,
        agency=agency,
        published=page.published,
        authors=authors,
        dateline=dateline,
        images=images,
        credits=credits,
    )


STEPS = (
    step_furniture,
    step_captions,
    step_quality,
    step_body_start,
    step_headline,
    step_byline,
    step_date,
    step_story_end,
)


def run(text: str) -> tuple[list[Line], Article | None, str | None]:
    """Run every step on ``text``; return (lines with roles, article or None, error or None)."""
    page = Page(join_wrapped(split_lines(text)))
    page.title = page_title(page.lines)
    page.title_core, page.site = split_title(page.title)
    try:
        for step in STEPS:
            step(page)
        article = assemble(page)
    except ParseError as err:
        return page.lines, None, err.reason
    return page.lines, article, None

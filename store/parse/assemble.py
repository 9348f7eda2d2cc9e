"""Final step: build the Article from the marked lines (standfirst, dateline, credits, images)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from broadsheet.store.agencies import canonical_agency
from broadsheet.store.model import Article, Credits, Image
from broadsheet.store.parse import cjk
from broadsheet.store.parse.boilerplate import without_control_labels
from broadsheet.store.parse.byline import org_like
from broadsheet.store.parse.credits import MAX_CREDIT_LINES, glued_credit, names_only, parse_credit_block
from broadsheet.store.parse.dateline import split_dateline, wire_in
from broadsheet.store.parse.dates import find_dates
from broadsheet.store.parse.meta import has_date_cue
from broadsheet.store.parse.page import UNDECIDED, Page
from broadsheet.store.parse.textstats import tokens, word_count
from broadsheet.store.parse.types import Line, ParseError

TAIL = 30  # lines after the last paragraph where a photo may still belong to the story


def _without_toggle(image: Image) -> Image:
    """The photo without its caption's "hide caption" button, which the copy glued on."""
    caption = without_control_labels(image.caption, more=False)
    return image if caption == image.caption else replace(image, caption=caption)


def canonical_headline(line: str, title_core: str) -> str:
    """The page title when the printed headline is only a light edit of it (a word or two)."""
    line_tokens, title_tokens = tokens(line), tokens(title_core)
    if line_tokens == title_tokens:  # the usual case, without counting (equal lists count the same)
        return line
    a, b = Counter(line_tokens), Counter(title_tokens)
    if a == b or not b or len(b) < 4:
        return line
    if " | " in title_core and any(tokens(part) == line_tokens for part in title_core.split(" | ")):
        return line  # "Analysis | Why the deal fell apart": the printed headline without the title's label
    diff = sum(((a - b) + (b - a)).values())
    return title_core if diff <= 3 else line


def _meta_line(text: str) -> tuple[str, str] | None:
    """("date", iso) for a line that is only a date, ("agency", name) for one that is only a wire name."""
    if len(text) > 40:
        return None
    wire = wire_in(text)
    if wire and len(text.strip(" .:-–—()").split()) == len(wire.split()):
        return "agency", wire
    if wire is None and text.isupper():
        named = wire_in(text.title())  # "REUTERS", "ASSOCIATED PRESS"
        if named and len(text.strip(" .:-–—()").split()) == len(named.split()):
            return "agency", named
    cue = _META_LABEL.match(text)
    if cue and cue.end() == len(text):
        return "label", text  # "Published" / "By" alone: the date or names are on the next line
    if cue:
        text = text[cue.end() :]  # "Published Thu 27 Jul 2017"
    found = find_dates(text.title() if text.isupper() else text)  # "19 NOV 2019"
    if found and sum(f.end - f.start for f in found) >= 0.6 * len(text):
        return "date", found[0].iso
    return None


_META_LABEL = re.compile(
    r"^(?:(?:first |last )?published|updated|posted|by|date)(?:\s*(?:on|at))?\s*:?\s*", re.IGNORECASE
)


def _organisation_author(page: Page, agency: str | None, source: str | None, agency_at: int) -> list[str]:
    """No person is bylined: the wire service of the dateline or of a wire line above the story,
    else the site, is the author (the contract's "organisation when no person"); ``--explain``
    says so on the line it came from."""
    if agency and agency_at >= 0:
        line = page.lines[agency_at]
        line.mark(line.role, f"{line.reason}; no byline, so the agency {agency!r} is the author")
        return [agency]
    if source and source == page.site:
        title = next((line for line in page.lines if line.text), None)
        if title is not None and title.role == "boilerplate":
            title.mark("boilerplate", f"page title; no byline, so the site {source!r} is the author")
        return [source]
    return []


PASSED_LINES = 2  # photo credits or furniture passed in a row between two credit lines of the end block


def _end_credits(lines: list[Line], h: int, glued: tuple[int, str] | None = None) -> Credits | None:
    """Credits from the block of credit lines the story ends with (``Reporting by A`` /
    ``Writing by B`` / ``Editing by C``), read back from the last; photo credits and furniture
    may stand between them. As on saved pages, a line above the last must name people only.
    ``glued``: (the line, the credit) glued to the end of the story's last paragraph, one more of them."""
    last = next((i for i in range(len(lines) - 1, h, -1) if lines[i].role == "credits_line"), -1)
    if last < 0:
        return parse_credit_block([glued[1]]) if glued else None
    block, passed = [last], 0
    for i in range(last - 1, h, -1):
        line = lines[i]
        if line.blank:
            continue
        if line.role == "credits_line" and len(block) < MAX_CREDIT_LINES and names_only(line.text):
            block.append(i)
            passed = 0
        elif line.role in ("credit", "caption", "boilerplate") and passed < PASSED_LINES:
            passed += 1
        else:
            break
    found = [(i, lines[i].text) for i in block] + ([glued] if glued else [])
    return parse_credit_block([text for _, text in sorted(found)])


def _folded(text: str) -> str:
    """A line as compared for sameness: case and spacing aside."""
    return " ".join(text.split()).casefold()


def assemble(page: Page) -> Article:
    """Build the Article from the marked lines."""
    lines, h = page.lines, page.headline
    body_idx = [i for i in sorted(page.klass) if i > h and page.klass[i] == "good"]
    for i in body_idx:
        lines[i].mark("body", "story text (prose, in context)")
    for i, line in enumerate(lines[: max(h, 0)]):  # both tests below are for lines above the headline
        if line.role in ("caption", "credit") and i < h - 15:
            line.mark("boilerplate", "caption far above the headline")
            page.images.pop(i, None)
        if line.role == "credits_line" and i < h:
            line.mark("boilerplate", "credit line above the headline")
    standfirst = None
    headline = canonical_headline(lines[h].text, page.title_core)
    if 0 < page.byline - h <= 12:
        printed = {_folded(lines[h].text), _folded(headline)}
        for i in range(h + 1, page.byline):
            if lines[i].role in ("boilerplate", "body") and word_count(lines[i].text) >= 8:
                if has_date_cue(lines[i].text) or find_dates(lines[i].text):
                    continue
                if lines[i].role == "boilerplate" and lines[i].reason != UNDECIDED:
                    continue
                if _folded(lines[i].text) in printed:  # the page printed the headline twice
                    lines[i].mark("boilerplate", "the headline again")
                    if i in body_idx:
                        body_idx.remove(i)
                    continue
                standfirst = lines[i].text
                lines[i].mark("standfirst", "text between headline and byline")
                if i in body_idx:
                    body_idx.remove(i)
                break
    agency_line, agency_at = None, -1
    while body_idx and (meta := _meta_line(lines[body_idx[0]].text)) is not None:
        kind, value = meta  # a date or wire line the story text starts with is not story text
        i = body_idx.pop(0)
        if kind == "date":
            lines[i].mark("date", f"date line before the story text ({value})")
            page.published = page.published or value
        elif kind == "label":
            lines[i].mark("boilerplate", "label of a date or byline before the story text")
        else:
            lines[i].mark("boilerplate", f"wire-service line before the story text ({value})")
            if agency_line is None:
                agency_line, agency_at = value, i
    if not body_idx:
        raise ParseError("no story text found below the headline")
    body = [lines[i].text for i in body_idx]
    dateline, agency, rest = split_dateline(body[0])
    if dateline:
        body[0] = rest
        lines[body_idx[0]].mark("dateline", f"starts with the dateline {dateline!r}; the rest is body")
    # (At the end of the only paragraph, a bracketed credit names its reporters, kept as printed below.)
    glued = glued_credit(body[-1]) if len(body) > 1 else None
    if glued:
        body[-1] = glued[0]
        line = lines[body_idx[-1]]
        line.mark(line.role, f"{line.reason}; ends with the credit line {glued[1]!r}, taken off")
    credits = _end_credits(lines, h, (body_idx[-1], glued[1]) if glued else None)
    info = page.byline_info
    authors = list(info.authors) if info else []
    first = lines[body_idx[0]]
    if not authors and (authors := cjk.inline_reporters(first.text)):
        first.mark(first.role, f"{first.reason}; names its reporters {', '.join(authors)} (kept as printed)")
    agency = agency or agency_line or cjk.opening_agency(first.text)
    if agency is None and credits is not None:
        agency = wire_in(credits.text)
    if agency is None and page.byline >= 0:
        agency = wire_in(lines[page.byline].text)
    site = page.site if page.site and page.site.casefold() not in {a.casefold() for a in authors} else None
    source = site or (info.outlet if info else None)
    if source is None and authors and org_like(authors[0]):
        source = authors[0]
    if not authors:
        at = body_idx[0] if dateline else agency_at if agency == agency_line else -1
        authors = _organisation_author(page, canonical_agency(agency), source, at)
    last = body_idx[-1]
    for i in [i for i in page.images if i > last + TAIL]:
        lines[i].mark("boilerplate", "photo caption well after the end of the story")
        page.images.pop(i)
    images = [_without_toggle(img) for i, img in sorted(page.images.items()) if i >= h - 15]
    return Article(
        headline=headline,
        body=body,
        standfirst=standfirst,
        source=source,
        agency=canonical_agency(agency),
        published=page.published,
        authors=authors,
        dateline=dateline,
        images=images,
        credits=credits,
    )

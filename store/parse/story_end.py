"""Step that finds where the story ends: comments, dated teaser lists, the author's box."""

from __future__ import annotations

import re
from functools import lru_cache

from broadsheet.store.parse import boilerplate, cjk
from broadsheet.store.parse.byline import PARTICLES, org_like
from broadsheet.store.parse.dates import find_dates
from broadsheet.store.parse.page import UNDECIDED, Page, free, nonblank
from broadsheet.store.parse.textstats import ends_sentence


def _date_only(text: str) -> bool:
    if len(text) > 60:
        return False  # before find_dates: most lines are longer, and dates are costly to find
    found = find_dates(text)
    return bool(found) and sum(f.end - f.start for f in found) >= 0.5 * len(text)


def _dated_run(page: Page, i: int) -> bool:
    """True when more date-only lines follow soon (a teaser list or comment thread)."""
    after = [j for j in range(i + 1, min(len(page.lines), i + 200)) if not page.lines[j].blank][:60]
    return sum(1 for j in after if _date_only(page.lines[j].text)) >= 2


# The heading of a list of other stories: "Related coverage", "More from X", "You may also like".
_CLOSING_HEADING = re.compile(
    r"^(?:related(?: (?:coverage|stories|articles|content|news|links|reading))?"
    r"|recommended(?: (?:for you|reading|stories))?"
    r"|(?:read|up) next|more (?:stories|news|from [\w .&'’-]{2,30}|on this (?:story|topic))|you (?:may|might) also like"
    r"|most (?:read|popular|viewed|shared)|latest (?:news|stories)|top stories|trending(?: now)?|what to read next)$",
    re.IGNORECASE,
)


# A closing note about the publisher itself: "The Example Press is an independent global news
# organization ...", "Example Review is a nonprofit publication ...".
_ABOUT_PUBLISHER = re.compile(
    r"^(?:The\s+)?[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4},?\s+(?:is|has been)\s+(?:an?|the)\s+"
    r"(?:[\w-]+,?\s+){0,5}(?:news|media|journalism|publishing|nonprofit|non-profit)\b(?:[\w-]+,?\s+){0,3}?"
    r"\s*(?:organi[sz]ation|company|outlet|publication|service|agency|site|newsroom|source|publisher)\b"
)


def about_publisher(text: str) -> bool:
    """True for a paragraph describing the publisher itself (it ends the story)."""
    # The publisher's name (five words at most) comes first: " is " is found early in the line.
    if text.find(" is ", 0, 64) < 0 and text.find(" has been ", 0, 70) < 0:
        return False
    return _ABOUT_PUBLISHER.match(text) is not None


def closing_heading(text: str) -> str | None:
    """Why a standalone heading of a list of other stories ends the story, or None."""
    if len(text) > 40 or not (_CLOSING_HEADING.match(text) or (not text.isascii() and cjk.list_heading(text))):
        return None
    return f"heading of a list of other stories ({text!r})"


_AUTHOR_BOX = re.compile(r"\b(?:e-?mail|follow|twitter|articles|contact)\b|@\w", re.IGNORECASE)


def _author_bio(page: Page, text: str) -> str | None:
    """A closing author biography (``Ann Lee is a reporter ...``) ends the story."""
    return _names_author(page.byline_info.authors, text) if page.byline_info else None


@lru_cache(maxsize=256)
def _has_particle(name: str) -> bool:
    """True for a name with a particle ("Ann di Lee"), which pages print in either case."""
    return not PARTICLES.isdisjoint(name.casefold().split())


def _names_author(authors: list[str], text: str) -> str | None:
    """:func:`_author_bio` for the byline's ``authors``."""
    for name in authors:
        if name not in text:
            if not _has_particle(name) or name.casefold() not in text.casefold():
                continue  # both tests below need the name in the line
            # The same name with its particles printed in another case ("Ann di Lee" for "Ann Di Lee").
            at = text.casefold().index(name.casefold())
            name = text[at : at + len(name)]
        if text.startswith(name) and re.match(re.escape(name) + r"\s+(?:is|was|has|covers|writes|reports)\b", text):
            return "author biography after the story"
        if len(name.split()) >= 2 and name in text and _AUTHOR_BOX.search(text) and not org_like(name):
            return "author box after the story (names the byline author)"
    return None


# A journalist's post.
_POST = (r"\b(?:reporters?|correspondents?|journalists?|editors?|writers?|columnists?|photographers?"
         r"|photojournalists?|producers?|critics?|contributors?|freelancers?|anchors?|bureau chief)\b")
POST_WORD = re.compile(_POST, re.IGNORECASE)
# What a journalist's biography says of them: their post, their beat, when they joined.
_JOB = re.compile(
    _POST + r"|\bcover(?:s|ed|ing)\b|\bjoined (?:the|our)\b|\breports? (?:on|for)\b|\bwrites? (?:about|for)\b",
    re.IGNORECASE,
)
# What only a staff biography says besides: the newsroom joined, the beat, where they are based, how to reach them.
_STAFF = re.compile(
    r"\bjoined (?:the |our )?(?:paper|newspaper|newsroom|staff|team|desk|magazine|publication|site|station|bureau)\b"
    r"|\bcover(?:s|ing)\b|\bbased in\b|\bfollow (?:her|him|them)\b|\b(?:e-?mail|reach) (?:her|him|them)\b|@\w",
    re.IGNORECASE,
)
# A biography opens on the person's name (or part of it) and what they are or do.
_BIO_LEAD = re.compile(
    r"^(?P<name>[A-Z][\w.’'-]+(?:\s+(?:[A-Z][\w.’'-]+|de|da|di|del|der|van|von|la|le|al|bin)){0,3}),?\s+"
    r"(?:is|was|has been|covers|covered|writes|reports|joined)\b"
)
BIO_BOX_MAX = 1500  # characters of a box named as a biography that may be one (more: a story in a misnamed box)
BIO_WORDS = 90  # words of a closing paragraph that may be a biography


def bio_text(text: str) -> bool:
    """Text in a box named as an author's biography that reads as one: it names a journalist's
    post or beat ("... is a politics reporter", "covers the courts"). A book's author's line ("X is
    the author of ...") is left to the story, as pages print it as the story's last line."""
    return len(text) <= BIO_BOX_MAX and _JOB.search(text) is not None


def closing_bio(text: str, authors: list[str]) -> bool:
    """A paragraph closing a story that is its author's biography: it opens on a byline author's
    name, or a part of it ("Ada is the harbour correspondent"), and names their post or beat; or
    it opens on anyone's full name and reads as a staff biography (their post, and the newsroom
    they joined, their beat, their base or how to reach them: "The Harbour Board covers the cost"
    is a story's sentence)."""
    lead = _BIO_LEAD.match(text) if len(text) < 800 and text[:1].isupper() else None
    if lead is None or len(text.split()) > BIO_WORDS or _JOB.search(text) is None:
        return False
    name = lead.group("name").casefold().split()
    if any(set(name) <= set(author.casefold().split()) for author in authors):
        return True
    return len(name) >= 2 and name[0] != "the" and POST_WORD.search(text) is not None \
        and _STAFF.search(text) is not None


CLOSING_SHARE = 0.25  # a list heading ends the story when less prose than this share of the story follows
PARAGRAPH_SPACES = 8  # nine words or more: a paragraph of story text, not a teaser's question


def _little_prose_after(page: Page, i: int, stop: int | None = None) -> bool:
    """True when the prose after line ``i`` is small beside the story above it and is not a run
    of paragraphs (the rest of the story after a box), so it is the teasers of a closing list.

    A box of other stories inside the story ("Related", "Up next") is followed by the rest of
    the story; a closing list is followed only by teasers' summaries (measured on dev and
    dev_extra: closing lists 0.08-0.22, boxes inside the story 0.34 and up). With ``stop``,
    only the prose between ``i`` and ``stop`` is counted.
    """
    before = after = run = longest = 0
    lines, klass, h = page.lines, page.klass, page.headline
    for j in klass:  # (in line order: step_quality fills it so, and steps only remove)
        good = klass[j] == "good"
        if j < i:
            if good and j > h:
                before += len(lines[j].text)
        elif j > i:
            if stop is not None and j >= stop:
                break
            if good:
                text = lines[j].text
                after += len(text)
                # A paragraph: a sentence of some length (a teaser list's short questions are no run).
                run = run + 1 if ends_sentence(text) and text.count(" ") >= PARAGRAPH_SPACES else 0
                longest = max(longest, run)
            else:
                run = 0
    return after < CLOSING_SHARE * before and longest < 4


# Non-story lines in a row (menus, job boards, teaser headlines) after which prose is no longer the
# story's: a footer's disclaimer or another part of the page. On dev, the longest such stretch
# inside a story is under 6 lines (a limit of 6 changed no dev story for the worse); twice that is kept.
FAR = 12


def _drop_far_prose(page: Page) -> None:
    """Prose after a long stretch of non-story lines below the story is a footer or another page part."""
    klass, h = page.klass, page.headline
    keys = [j for j in klass if j > h]  # in line order
    goods = [n for n, j in enumerate(keys) if klass[j] == "good"]
    cut = -1
    for k in range(3, len(goods)):
        if goods[k] - goods[k - 1] - 1 > FAR:
            cut = keys[goods[k]]
            break
    if cut < 0:
        return
    for j in keys:
        if j >= cut and klass[j] == "good":
            klass[j] = "bad"
            page.lines[j].mark("boilerplate", f"prose far below the story, after {FAR} lines that are not story text")


LIST_ITEMS = 80  # most items a list introduced by a colon may have


def keep_introduced_lists(page: Page) -> None:
    """Keep the items of a list the story introduces with a colon (``Tour dates:`` then one line
    per date): short lines, so on their own they read as a menu. Items follow the intro line
    directly (no blank line between, as list items are dumped) and are no furniture, byline or date
    (so this runs once those are found)."""
    lines, klass, h = page.lines, page.klass, page.headline
    order = [i for i in klass if i > h]  # klass is in line order
    texts = [lines[i].text for i in order]
    if ":\n" not in "\n".join(texts) + "\n":  # one C-speed scan: most pages introduce no list
        return
    for pos, i in enumerate(order):
        if not texts[pos].endswith(":") or len(texts[pos].split()) < 3:
            continue
        # The intro is story text, or a short line right after story text ("Tour dates:").
        if klass[i] != "good" and not (pos and klass[order[pos - 1]] == "good" and free(lines[i])):
            continue
        prev, items = i, []
        for j in order[pos + 1 : pos + 1 + LIST_ITEMS]:
            line = lines[j]
            if j != prev + 1 or line.role != "boilerplate" or line.reason != UNDECIDED or len(line.text.split()) > 40:
                break
            items.append(j)
            prev = j
        if len(items) >= 2:
            klass[i] = "good"
            for j in items:
                klass[j] = "good"
                lines[j].mark("boilerplate", f"item of the list introduced on line {lines[i].number}")


BOX_LINES = 12  # lines of a box of other stories inside the story (heading, teasers, authors, dates)


def step_story_end(page: Page) -> None:
    """Cut the story where the comments or a list of dated teasers begins."""
    keep_introduced_lists(page)
    h, good, cut, last_reason, box_left, box_heading = page.headline, 0, -1, "", 0, -1

    authors = page.byline_info.authors if page.byline_info else []
    lines, klass = page.lines, page.klass
    for i in nonblank(page):
        if i <= h:
            continue
        line = lines[i]
        before, last_reason = last_reason, line.reason
        if klass.get(i) == "good" and not (authors and _names_author(authors, line.text)):
            if good >= 3 and about_publisher(line.text) and _little_prose_after(page, i):
                cut = i
                line.mark("boilerplate", "a note about the publisher after the story")
                page.klass.pop(i, None)
                break
            good += 1
            continue
        if good < 3 or line.role not in ("boilerplate", "body"):
            continue
        if _date_only(line.text) and before == boilerplate.EMBED_REASON:
            line.mark("boilerplate", "date of an embedded social-media post")
            continue
        reason = boilerplate.end_marker(line.text) or _author_bio(page, line.text)
        in_box, box_left = box_left > 0, box_left - 1
        heading = closing_heading(line.text) if reason is None and len(line.text) <= 40 else None
        if heading is not None:
            if _little_prose_after(page, i):
                reason = heading
                if box_heading >= 0 and _little_prose_after(page, box_heading, i):
                    # Two list headings with only teasers between them: the story ended at the first.
                    i, reason = box_heading, f"{heading}, after the list headed by line {lines[box_heading].number}"
                    line = lines[i]
            else:
                # A box of other stories inside the story: its dated teasers end nothing.
                box_left, box_heading = BOX_LINES, i
        if reason is None and not in_box and _date_only(line.text) and _dated_run(page, i):
            reason = "a dated teaser list or comment thread starts"
        if reason:
            cut = i
            line.mark("boilerplate", reason)
            page.klass.pop(i, None)
            break
    if cut < 0:
        _drop_far_prose(page)
        return
    for i in list(page.klass):
        if i > cut and page.klass[i] == "good":
            page.klass[i] = "bad"
            page.lines[i].mark("boilerplate", f"after the end of the story (line {page.lines[cut].number})")

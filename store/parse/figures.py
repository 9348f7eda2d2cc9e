"""Photo captions printed with no credit and no label, known by where they stand among the story's lines.

Some sites print a photo's caption as a bare line between paragraphs: no credit, no
``Image caption`` label, no full stop. On its own such a line reads like a subheading; what
tells them apart is its neighbours, and a few shapes only a caption takes:

- right under another photo's (or video's) caption or a gallery's photo count (``2 of 5``),
  above a paragraph: the next photo of a run of figures (a subheading does not follow a
  caption without text between them);
- above a short section heading: a subheading does not head a section with no text in it,
  so a sentence-shaped line just over one is the caption of a photo placed before the section;
- a one-sentence line that points at the picture (``... so this photo from the maker will
  have to do.``): story prose seldom speaks of "this photo";
- in the story's head (below the headline, above the first paragraph), a short name with a
  full stop (``The Example Phone.``) alone between page furniture (share buttons): the lead
  photo's caption (a byline has no full stop, a standfirst is a sentence); or there, a
  person's name that is not the byline's and that the story's opening names (a portrait).

A caption candidate is sentence-shaped (7 to 30 words, a capital first, one clause without a
full stop at its end) and does not end on a small word or a capitalised one: a line cut
before a link (``... interests such as`` / ``President ...``) is a piece of a paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from broadsheet.store.model import Image
from broadsheet.store.parse.byline import looks_like_name
from broadsheet.store.parse.page import REPEATED, UNDECIDED, Page, story_lines
from broadsheet.store.parse.textstats import STOPWORDS, ends_sentence, tokens
from broadsheet.store.parse.types import Line

PROSE_WORDS = 12  # a paragraph of story text, not a heading or a label
HEADING_WORDS = 6  # the longest section heading taken as one
_OPENING = 12  # the story's first paragraphs, where a portrait's subject is named
_DEICTIC = re.compile(r"\bthis (?:photo(?:graph)?|picture|image)\b", re.IGNORECASE)
_MAX_CHARS = 300  # longer than any line of 30 words or fewer that a caption could be
_ENDS = frozenset(".!?…\"”’')]")  # how a line ending a sentence ends: no caption-shaped line does
_CAPTION_LABEL_REASON = "after a caption label"  # the reason marking.py gives a labelled caption


def _story_line(page: Page, i: int, line: Line) -> bool:
    """A line the story holds now (prose) or no step has claimed."""
    return page.klass.get(i) == "good" or (line.role == "boilerplate" and line.reason in (UNDECIDED, REPEATED))


def _caption_shaped(text: str) -> bool:
    """One clause, 7-30 words, capital first, no full stop at the end, not cut before a link."""
    words = text.split()
    if not 7 <= len(words) <= 30 or not text[0].isupper() or text.isupper():
        return False
    if ends_sentence(text) or text[-1] in ",:;-–—(\"“‘'" or ":" in text or ". " in text or "|" in text:
        return False
    last = words[-1]
    return last[0].islower() and last.casefold() not in STOPWORDS


def _prose(text: str) -> bool:
    """A paragraph: 12+ words ending like a sentence, starting as a paragraph does (not mid-sentence)."""
    return len(text.split()) >= PROSE_WORDS and ends_sentence(text) and (text[0].isupper() or text[0] in "\"“‘'")


def _heading(text: str, question: bool = True) -> bool:
    """A short section heading: 1-6 words, a capital first, no full stop (a question if ``question``),
    no comma, not a name."""
    words = text.split()
    return (
        1 <= len(words) <= HEADING_WORDS
        and text[0].isupper()
        and ((question and text.endswith("?")) or not ends_sentence(text))
        and not any(c in text for c in ",:|/")
        and not (len(words) > 1 and looks_like_name(text))
    )


# A gallery's photo count: "2", "2/5", "2 of 5", "Image 2 of 5".
_PHOTO_COUNT = re.compile(r"^(?:(?:Image|Photo|Picture|Slide)\s+)?\d{1,3}(?:\s*(?:/|of)\s*\d{1,3})?$")


def _photo_count(line: Line) -> bool:
    return len(line.text) <= 18 and line.role == "boilerplate" and _PHOTO_COUNT.match(line.text) is not None


def _after_caption(line: Line) -> bool:
    """The line is a photo's caption or credit, a labelled (video) caption, or a gallery's photo count."""
    return line.role in ("caption", "credit") or line.reason.startswith(_CAPTION_LABEL_REASON) or _photo_count(line)


def _named_with_full_stop(text: str) -> bool:
    """2-6 capitalised words and a full stop: a name or a thing named (``Ann Lee's Example Phone.``)."""
    words = text[:-1].split()
    return text.endswith(".") and 2 <= len(words) <= 6 and all(w[0].isupper() for w in words) and not text.isupper()


def _furniture(line: Line) -> bool:
    """A line of page furniture some step recognised (a share button, a repeated link), not an undecided one."""
    return line.role == "boilerplate" and line.reason != UNDECIDED


_HEAD_ROLES = ("byline", "date")


def _lead_caption(page: Page, order: list[int], first: int) -> None:
    """The lead photo's caption in the story's head, alone under page furniture: a short name with a
    full stop, or a person's name that is not the byline's and that the story's opening names (a portrait)."""
    lines = page.lines
    for pos in range(1, len(order) - 1):
        line = lines[order[pos]]
        if line.role != "boilerplate" or line.reason != UNDECIDED or not _furniture(lines[order[pos - 1]]):
            continue
        below = lines[order[pos + 1]]
        if _named_with_full_stop(line.text) and _furniture(below):
            reason = "a name with a full stop between page furniture above the story (lead photo)"
        elif (_furniture(below) or below.role in _HEAD_ROLES) and _portrait_in_head(page, line.text, first):
            reason = "a person's name (not the byline's) under page furniture, named in the story (portrait)"
        else:
            continue
        line.mark("caption", reason)
        page.images[order[pos]] = Image(line.text, None)


def _portrait_in_head(page: Page, text: str, first: int) -> bool:
    """``text`` is a person's name, not a bylined author, and its surname is in the story's first paragraphs."""
    if text.isupper() or not 2 <= len(text.split()) <= 4 or not looks_like_name(text):
        return False
    authors = {a.casefold() for a in page.byline_info.authors} if page.byline_info else set()
    if page.byline < 0 or text.casefold() in authors:
        return False  # with no byline found, a bare name above the story is more likely the author
    surname = tokens(text)[-1]
    opening = [i for i in page.klass if i >= first and page.klass[i] == "good"][:_OPENING]
    return any(surname in tokens(page.lines[i].text) for i in opening)


def step_unlabelled_captions(page: Page) -> None:
    """Mark captions printed bare among the story's lines (see the module's docstring)."""
    lines, klass = page.lines, page.klass
    order = story_lines(page, below=1)  # the story, and one line below it
    if not order:
        return
    first = next(i for i in order if klass.get(i) == "good")
    _lead_caption(page, order[: bisect_right(order, first)], first)
    for pos in range(1, len(order) - 1):
        i = order[pos]
        line = lines[i]
        text = line.text
        if len(text) > _MAX_CHARS:
            continue
        # (What each rule needs, in cheap tests first: most lines of a story are sentences
        # that do not say "this", and stop here.)
        end = text[-1]
        deictic = end == "." and ("this " in text or "This " in text)
        if (end in _ENDS and not deictic) or not 5 <= text.count(" ") < 30:
            continue
        if i in page.images or not _story_line(page, i, line):
            continue
        above, below = lines[order[pos - 1]], lines[order[pos + 1]]
        reason = None
        if deictic:
            if ". " not in text and _DEICTIC.search(text) and (_prose(above.text) or _after_caption(above)):
                reason = "one sentence that points at the picture ('this photo')"
        elif _caption_shaped(text):
            before_section = pos + 2 < len(order) and _prose(lines[order[pos + 2]].text)
            if _after_caption(above) and (_prose(below.text) or (before_section and _heading(below.text))):
                what = "photo count" if _photo_count(above) else "caption"
                reason = f"caption-shaped line right under the {what} on line {above.number}, above the story text"
            elif before_section and _prose(above.text) and _heading(below.text, question=False):
                # (Not over a question: "The inside story of ..." / "Why was it set up?" is a link to
                # another story over a question heading, as often as a caption.)
                reason = f"caption-shaped line between a paragraph and the section heading on line {below.number}"
        if reason is None:
            continue
        line.mark("caption", reason)
        page.images[i] = Image(text, None)
        klass.pop(i, None)

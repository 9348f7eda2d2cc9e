"""The article view: headline, byline, date, dateline and paragraphs at a readable width.

The story is one Rich ``Text`` built from plain strings and never from markup, so a
headline like ``[@click=app.quit]x[/]`` is shown exactly as written. The view draws it
with the line API: opening a story wraps only the paragraphs that reach the bottom of the
view and renders only the lines on screen, so the first frame costs the same whatever the
story's length; the rest is wrapped right after that frame (for the scroll thumb and the
keys that go to the end). The layout never measures the text, and a story's length never
changes the layout: the view draws its own scroll thumb (see ``thumb``). Search terms are
highlighted; ``n``/``N`` scroll from one match to the next, then on to each photo whose caption
or credit matched (the caption & credits panel shows it).
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip

from broadsheet.store.model import Article, byline, dated
from broadsheet.store.search.spans import TermMatcher, matched_figures, term_matcher
from broadsheet.tui.widgets.thumb import THUMB_WIDTH, ThumbView, with_thumb

IMPORT_HINT = "Import saved pages with:  broadsheet import PATH"
EMPTY_HELP = f"No story selected.\n\n{IMPORT_HINT}"
BLOCK_STYLES = {"headline": "bold", "standfirst": "italic", "byline": "dim", "paragraph": "",
                "credit-line": "dim italic", "address": "dim underline", "media": "dim",
                "note": "italic"}
MATCH, CURRENT_MATCH = "reverse", "reverse bold underline"
#: Widest the text column gets (cells): longer lines are hard to read.
COLUMN_WIDTH = 78
#: Cells between the text and the scroll thumb.
GAP = 1


#: Holds the place of a space that must not end a line while a paragraph is wrapped (Rich breaks
#: lines at any whitespace, U+00A0 too): one cell wide, and in no story (a private-use character).
HELD_SPACE = "\ue000"


def wrap_whole(paragraph: Text, console: Console, width: int, phrases: Sequence[str]) -> list[Text]:
    """``paragraph`` wrapped at ``width``, each of ``phrases`` it holds (the byline's date, its tags'
    label and first tag, with the dot before each) on one line where it fits on one: broken at their
    spaces, a byline ended "· 16 Apr" and the next line began "2026 08:34", or ended "· Tags:"."""
    plain = paragraph.plain
    whole = [phrase for phrase in phrases if " " in phrase and phrase in plain and cell_len(phrase) <= width]
    if not whole:
        return list(paragraph.wrap(console, width))
    held = paragraph.copy()
    for phrase in whole:
        plain = plain.replace(phrase, phrase.replace(" ", HELD_SPACE))  # as long: the styles stay put
    held.plain = plain
    lines = list(held.wrap(console, width))
    for line in lines:
        line.plain = line.plain.replace(HELD_SPACE, " ")
    return lines


#: Starts a line that goes on from the one above in a paragraph whose lines are kept (a ``<pre>``'s
#: code, a poem), after that line's indentation: vim's ``showbreak`` with ``breakindent``.
CONTINUED = "\u21aa "


def wrap_kept(line: Text, width: int) -> tuple[list[Text], int]:
    """A line of code or verse (its breaks and indentation carry meaning) at ``width``: a line that
    does not fit is broken after its last space that fits (or, without one, at the edge), and goes
    on under its own indentation after ``CONTINUED``, not run into prose at the left edge. Also the
    cells the mark and the indentation before it take on the lines that go on (0: it fitted)."""
    plain = line.plain
    if cell_len(plain) <= width:
        return [line], 0
    indent = len(plain) - len(plain.lstrip(" "))
    prefix = " " * min(indent, width // 2) + CONTINUED
    lines: list[Text] = []
    start, room, least = 0, width, indent  # (the first line is not broken in its indentation)
    while start < len(plain):
        end, cells = start, 0
        while end < len(plain) and (end == start or cells + cell_len(plain[end]) <= room):
            cells += cell_len(plain[end])
            end += 1
        if end < len(plain) and (space := plain.rfind(" ", start + least + 1, end)) > start:
            end = space + 1  # the space ends this line: the lines joined are the line again
        piece = line[start:end]
        lines.append(Text.assemble((prefix, "dim"), piece, end="") if lines else piece)
        start, room, least = end, max(1, width - cell_len(prefix)), 0
    return lines, len(prefix)


def kept_lines(blocks: Sequence[tuple[str, Text]]) -> set[int]:
    """The lines (of the text :func:`joined_blocks` makes, split at its newlines) of a paragraph
    whose lines are kept: a ``<pre>``'s or a poem's, the only paragraphs holding line breaks."""
    kept: set[int] = set()
    line = 0
    for number, (kind, block) in enumerate(blocks):
        if number:
            line += 2  # the blank line between blocks, then this block's first
        count = block.plain.count("\n") + 1
        if kind == "paragraph" and count > 1:
            kept.update(range(line, line + count))
        line += count - 1
    return kept


def message_text(message: str, style: str) -> Text:
    """``message`` styled by a span: ``Text.render``, which draws the lines, ignores a base style."""
    return Text.assemble((message, style), end="")


def held_phrases(article: Article | None, tags: Sequence[str]) -> tuple[str, ...]:
    """What of ``article``'s byline :func:`wrap_whole` keeps on one line: its date, and its tags'
    label with the first tag, each with the dot before it where there is one (the first found wins)."""
    if article is None:
        return ()
    date = dated(article.published, article.first_seen, local=True) if article.published else ""
    held = (f"\u00b7 {date}", date) if date else ()
    tagged = (f"\u00b7 Tags: {tags[0]}", f"Tags: {tags[0]}") if tags else ()
    return (*held, *tagged)


def article_blocks(article: Article, tags: Sequence[str] = (), note: str = "") -> list[tuple[str, Text]]:
    """(kind, text) for each block of the story, in reading order (``tags``: the user's, in the header;
    ``note``: said where the text would be, e.g. why there is none)."""
    blocks: list[tuple[str, Text]] = [("headline", Text(article.headline))]
    if article.standfirst and article.standfirst.rstrip(". ").casefold() != article.headline.rstrip(". ").casefold():
        blocks.append(("standfirst", Text(article.standfirst)))
    line = byline(article.authors, article.source, article.published, local=True,  # this machine's zone
                  first_seen=article.first_seen)
    if tags:
        line = " \u00b7 ".join([part for part in (line, "Tags: " + ", ".join(tags)) if part])
    if line:
        blocks.append(("byline", Text(line)))
    if article.url:
        blocks.append(("address", Text(article.url)))
    for media in article.media:  # a podcast's episode: what it is, and where (y / w take it without an address)
        blocks.append(("media", Text.assemble(f"{media.describe()}: ", (media.url, "underline"))))
    if note:
        blocks.append(("note", Text(note)))
    for number, paragraph in enumerate(article.body):
        text = Text()
        if number == 0 and article.dateline:
            text.append(article.dateline, style="bold")
            text.append(" \u2014 ")
        text.append(paragraph)
        blocks.append(("paragraph", text))
    if article.credits and article.credits.text:
        blocks.append(("credit-line", Text(article.credits.text)))
    return blocks


#: The parts of a story (index fields) in each block: a search's term on a field is marked in
#: those blocks alone (``headline:ferry`` in the headline). Other blocks: words on no field only.
BLOCK_PARTS: dict[str, tuple[str, ...]] = {"headline": ("headline",), "standfirst": ("standfirst",),
                                           "byline": ("authors", "source"), "paragraph": ("body", "dateline")}


def article_text(article: Article, tags: Sequence[str] = (), note: str = "") -> Text:
    """The whole story as one Text, blocks separated by a blank line."""
    return joined_blocks(article_blocks(article, tags, note))


def joined_blocks(blocks: Sequence[tuple[str, Text]]) -> Text:
    """The blocks as one Text, styled, separated by a blank line."""
    text = Text(end="")
    for number, (kind, block) in enumerate(blocks):
        if number:
            text.append("\n\n")
        block.stylize(BLOCK_STYLES[kind])
        text.append_text(block)
    return text


def matches_in(blocks: Sequence[tuple[str, Text]], terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the search's ``terms`` are in the text of ``blocks`` (see :func:`joined_blocks`), each
    term in the blocks of the fields it searched; not in the credit line, which the panel shows."""
    matchers: dict[str, TermMatcher | None] = {}
    found: list[tuple[int, int]] = []
    start = 0
    for kind, block in blocks:
        if kind != "credit-line":
            if kind not in matchers:
                matchers[kind] = term_matcher(terms, BLOCK_PARTS.get(kind, ()))
            if (matcher := matchers[kind]) is not None:
                found += [(start + a, start + b) for a, b in matcher.spans(block.plain)]
        start += len(block.plain) + 2
    return found


class ArticleView(ThumbView, can_focus=True):
    """Scrollable story text in a column of readable width (centred when the CSS says so)."""

    BINDINGS = [
        # The way out first: the footer cuts what does not fit, and at 60 columns it was this.
        Binding("escape", "back", "Back to list", id="article.back"),
        Binding("j,down", "scroll_down", "Down", show=False, id="article.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="article.up"),
        Binding("space", "page_or_next", "Page down, at the end the next story", show=False, id="article.page"),
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False, id="article.half_page_down"),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False, id="article.half_page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="article.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="article.page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="article.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="article.bottom"),
        Binding("n", "match(1)", "Next match/unread", id="article.next_match"),
        Binding("N", "match(-1)", "Prev match/unread", id="article.previous_match"),
    ]
    COMPONENT_CLASSES = {"article-view--thumb"}

    @dataclass
    class Onward(Message):
        """The reader wants another story: the next (``step`` 1) or previous (-1) unread one;
        ``any_story``: failing an unread one, the next story (Space at the end of a story)."""

        step: int
        any_story: bool = False

    @dataclass
    class FigureMatch(Message):
        """``n`` / ``N`` came to a match in the caption or credit of figure ``index`` (of the
        story's images): the caption & credits panel should show it."""

        index: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        # The screen's way back to the list, called at once rather than by a message: a key typed
        # after Esc in the same read goes to the list.
        self.on_back: Callable[[], None] | None = None
        self._text = message_text(EMPTY_HELP, "dim")
        self._matches: list[tuple[int, int]] = []  # (start, end) offsets in the story text
        self._match = -1  # the match n / N last went to: a text match, then (past them) a figure
        self._figures: list[int] = []  # figures whose caption or credit matched (indices of article.images)
        self._caption_pattern: TermMatcher | None = None  # the search's terms on captions, as the story was shown
        self._held: tuple[str, ...] = ()  # what of the byline is kept whole on a line (see wrap_whole)
        self._paragraphs: list[Text] = []  # the styled text, split at newlines
        self._kept: set[int] = set()  # of those, the lines of code or verse (see wrap_kept)
        self._continued: dict[int, int] = {}  # wrapped line -> the cells of its CONTINUED mark and indentation
        self._next = 0  # the first paragraph not wrapped yet
        self._lines: list[Text] = []  # the paragraphs before self._next, wrapped at self._column
        self._starts: list[int] = []  # where each paragraph starts in the text (character offset)
        self._first_lines: list[int] = []  # the line each paragraph before self._next starts at
        self._column = 0  # 0: nothing wrapped (the view has no size before its first layout)
        self._strips: dict[int, Strip] = {}  # rendered lines, by line number
        self._top: int | None = None  # line to scroll to once the view has a size (a saved position)
        self._position = (Size(0, 0), 0.0)  # (size when recorded, fraction of the story scrolled)
        self._fitted = False  # the story fitted at the last resize: the next one goes back to the fraction
        self._frame: tuple[tuple[int, int], Style] | None = None  # (thumb rows, style) while a frame is drawn

    @property
    def text(self) -> str:
        """What the view shows, as plain text."""
        return self._text.plain

    def show(self, article: Article | None, terms: Sequence[str] = (), top: int = 0, tags: Sequence[str] = (),
             note: str = "") -> None:
        """Replace the story shown and scroll to line ``top`` (0: the headline); ``note`` is said
        where the text would be."""
        self.article = article
        self._matches, self._match, self._figures = [], -1, []
        self._held = held_phrases(article, tags)
        self._kept = set()
        if article is None:
            self._text = message_text(EMPTY_HELP, "dim")
        else:
            blocks = article_blocks(article, tags, note)
            self._text = joined_blocks(blocks)
            self._kept = kept_lines(blocks)
            self._caption_pattern = term_matcher(terms, ("caption",))
            if terms:
                self._matches = matches_in(blocks, terms)
                self._figures = matched_figures(article, terms)
        self._show_match_count()
        self._replace(top)

    def _show_match_count(self) -> None:
        """"3/12" on the view's border while n / N step through a search's matches; a match in a
        caption says whose."""
        count = self.match_count
        if not count:
            self.border_subtitle = ""
        elif self._match < 0:
            self.border_subtitle = f"{count} match{'es' if count > 1 else ''} · n next"
        elif (figure := self.current_figure) is not None:
            assert self.article is not None
            image = self.article.images[figure]
            whose = f"photo {figure + 1}'s" if len(self.article.images) > 1 else "the photo's"
            pattern = self._caption_pattern
            where = "caption" if image.caption and pattern and pattern.spans(image.caption) else "credit"
            self.border_subtitle = f"match {self._match + 1}/{count} · in {whose} {where}"
        else:
            self.border_subtitle = f"match {self._match + 1}/{count}"

    def show_note(self, message: str) -> None:
        """Say something in place of a story (an empty store, a search that matched nothing)."""
        self.article = None
        self._matches, self._match, self._figures = [], -1, []
        self.border_subtitle = ""
        self._kept = set()
        self._text = message_text(message, "dim")
        self._replace(0)

    def show_problem(self, message: str) -> None:
        """Say why the story cannot be shown, in place of the story."""
        self.article = None
        self._matches, self._match, self._figures = [], -1, []
        self.border_subtitle = ""
        self._kept = set()
        self._text = message_text(message, "bold red")
        self._replace(0)

    def _replace(self, top: int) -> None:
        """New text: wrap what shows from line ``top`` and scroll there (or wait for a size)."""
        self._rewrap(top)
        if self._column:
            self._top = None
            self.scroll_to(y=top, animate=False)
        else:
            self._top = top
        self._fitted = False
        self._position = (self.size, self._fraction())

    def _fraction(self) -> float:
        return self.scroll_y / self.max_scroll_y if self.max_scroll_y else 0.0

    @property
    def match_count(self) -> int:
        """The text's matches, and one for each figure whose caption or credit matched."""
        return len(self._matches) + len(self._figures)

    @property
    def current_figure(self) -> int | None:
        """The figure (index of the story's images) n / N last went to, if it went to one."""
        past = self._match - len(self._matches)
        return self._figures[past] if 0 <= past < len(self._figures) else None

    @property
    def current_match(self) -> int:
        """Index of the match ``n``/``N`` last moved to (-1 before the first jump)."""
        return self._match

    # -- wrapping ---------------------------------------------------------------------------

    def _styled_text(self) -> Text:
        if not self._matches:
            return self._text
        text = self._text.copy()
        for number, (start, end) in enumerate(self._matches):
            text.stylize(CURRENT_MATCH if number == self._match else MATCH, start, end)
        return text

    def _start(self, column: int) -> None:
        self._column, self._next, self._lines, self._first_lines = column, 0, [], []
        self._continued = {}
        self._strips.clear()

    def _wrap_until(self, count: int) -> None:
        """Wrap paragraphs until there are ``count`` lines, or none are left."""
        console = self.app.console
        while len(self._lines) < count and self._next < len(self._paragraphs):
            paragraph = self._paragraphs[self._next]
            first = len(self._lines)
            self._first_lines.append(first)
            lines, prefix = self._wrapped_paragraph(self._next, paragraph, console)
            self._lines.extend(lines)
            self._continued.update(dict.fromkeys(range(first + 1, len(self._lines)), prefix) if prefix else {})
            self._next += 1

    def _wrapped_paragraph(self, number: int, paragraph: Text, console: Console) -> tuple[list[Text], int]:
        """Paragraph ``number`` (``paragraph``: all or the start of it) as wrapped, and the cells of the
        mark before each line but its first (see :func:`wrap_kept`; 0: none)."""
        if number in self._kept:
            return wrap_kept(paragraph, self._column)
        return (wrap_whole(paragraph, console, self._column, self._held) if paragraph.plain else [paragraph]), 0

    @property
    def _wrapped(self) -> bool:
        return self._next >= len(self._paragraphs)

    @staticmethod
    def _column_at(width: int) -> int:
        """The column the text wraps at in a view ``width`` cells wide inside (0: no room yet):
        the same whether the story needs the thumb or not, so its length never wraps it again."""
        return min(COLUMN_WIDTH, max(1, width - GAP - THUMB_WIDTH)) if width > 0 else 0

    def _rewrap(self, top: int) -> None:
        """Wrap at the current width the lines from the top to the bottom of the view at line
        ``top``; the rest after the next frame."""
        width, height = self.container_size
        self._paragraphs = list(self._styled_text().split("\n", allow_blank=True)) if width > 0 else []
        self._starts = list(accumulate((len(paragraph) + 1 for paragraph in self._paragraphs[:-1]), initial=0))
        self._start(self._column_at(width))
        if not self._column:
            return
        self._wrap_until(top + height)
        self._set_height()
        self.refresh()
        if not self._wrapped:
            self.call_after_refresh(self._finish_wrap)

    def _finish_wrap(self) -> None:
        """Wrap the rest of the story, for the exact height."""
        if not self._wrapped:
            self._wrap_until(sys.maxsize)
            self._set_height()

    def _set_height(self) -> None:
        """The scrollable size: exact once all is wrapped, until then an estimate.

        Set without a layout (setting ``virtual_size`` lays out and redraws the whole screen):
        nothing moves but the thumb, redrawn if it changed.
        """
        lines = len(self._lines)
        if not self._wrapped:
            lines += sum(1 + len(paragraph) // self._column for paragraph in self._paragraphs[self._next:])
        thumb = self.thumb
        self.set_reactive(ArticleView.virtual_size, Size(self._column, lines))
        if self.thumb != thumb:
            self.refresh(Region(self.line_width, 0, THUMB_WIDTH, self.scrollable_content_region.height))

    @property
    def allow_vertical_scroll(self) -> bool:
        """Scrollable as soon as the text is wrapped taller than the view (a restored reading
        position is applied then)."""
        return self.max_scroll_y > 0

    # -- drawing ----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """Every line of a frame, with the thumb worked out once for them all."""
        self._frame = (self.thumb, self.get_component_rich_style("article-view--thumb"))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        base = self.visual_style.rich_style
        thumb, thumb_style = self._frame or (self.thumb, self.get_component_rich_style("article-view--thumb"))
        return with_thumb(self._text_line(y, base), y, thumb, base + thumb_style, base)

    def _text_line(self, y: int, base: Style) -> Strip:
        """View row ``y`` of the story, as wide as the view but for the thumb."""
        width = self.line_width
        index = y + self.scroll_offset.y
        if index >= len(self._lines):
            self._wrap_until(index + 1)  # scrolled further than wrapped, before the rest is
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, base)
        strip = self._strips.get(index)
        if strip is None:
            line = self._lines[index]
            selection = self.text_selection
            span = selection.get_span(index) if selection is not None else None
            if span is not None:
                line = line.copy()
                line.stylize(self.screen.get_component_rich_style("screen--selection"), span[0],
                             len(line) if span[1] == -1 else span[1])
            strip = Strip(list(line.render(self.app.console))).apply_offsets(0, index)
            self._strips[index] = strip
        left = (width - self._column) // 2 if self.styles.align_horizontal == "center" else 0
        if left > 0:
            strip = Strip.join([Strip.blank(left), strip])
        return strip.apply_style(base).crop_extend(0, width, base)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text, for copying (lines as wrapped on screen, but a line of code or verse
        whole, as written: without the marks and breaks of :func:`wrap_kept`)."""
        self._finish_wrap()
        copied = selection.extract("\n".join(line.plain for line in self._lines)).split("\n")
        first = selection.start.y if selection.start is not None else 0
        start_x = selection.start.x if selection.start is not None else 0
        joined: list[str] = []
        for row, text in enumerate(copied, first):
            prefix = self._continued.get(row, 0)
            if not prefix:
                joined.append(text)
            elif row == first:
                joined.append(text[max(0, prefix - start_x):])
            else:
                joined[-1] += text[prefix:]
        return "\n".join(joined), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips.clear()
        self.refresh()

    # -- moving -----------------------------------------------------------------------------

    def _paragraph_at(self, offset: int) -> int:
        """The paragraph that character ``offset`` of the text is in."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def _row_of(self, offset: int) -> int:
        """The line (within the wrapped text) where character ``offset`` is drawn."""
        number = self._paragraph_at(offset)
        self._wrap_until_paragraph(number)
        before = self._paragraphs[number][:offset - self._starts[number]]
        rows = len(self._wrapped_paragraph(number, before, self.app.console)[0]) if before.plain else 1
        return self._first_lines[number] + rows - 1

    def _wrap_until_paragraph(self, number: int) -> None:
        """Wrap paragraphs up to and including ``number``."""
        while self._next <= number:
            self._wrap_until(len(self._lines) + 1)

    def _restyle(self, match: int) -> None:
        """Draw the paragraph of match number ``match`` again, with the current match marked as
        such: the rest of the story is left as it is (n in a story of 40,000 paragraphs took 3 s
        when the whole story was styled and wrapped again)."""
        start, _end = self._matches[match]
        number = self._paragraph_at(start)
        first = self._starts[number]
        paragraph = self._text[first:first + len(self._paragraphs[number])]
        for index in range(bisect_left(self._matches, (first, -1)), len(self._matches)):
            begin, end = self._matches[index]
            if begin >= first + len(paragraph):
                break
            paragraph.stylize(CURRENT_MATCH if index == self._match else MATCH, begin - first, end - first)
        self._paragraphs[number] = paragraph
        if number >= self._next:
            return  # wrapped from the new paragraph when its turn comes
        top = self._first_lines[number]
        bottom = self._first_lines[number + 1] if number + 1 < self._next else len(self._lines)
        lines, _prefix = self._wrapped_paragraph(number, paragraph, self.app.console)
        if len(lines) != bottom - top:  # (styles do not change how text wraps)
            self._rewrap(round(self.scroll_y))
            return
        self._lines[top:bottom] = lines
        for index in range(top, bottom):
            self._strips.pop(index, None)
        self.refresh()

    def action_match(self, step: int) -> None:
        """n / N: the next or previous search match; with no matches, the next or previous unread
        story (newsboat's n), so the key reads as "on to the next thing to read"."""
        count = self.match_count
        if not count:
            self.post_message(self.Onward(step))
            return
        went = self._match + step
        if self._match >= 0 and not 0 <= went < count:  # round, as the list's n says it
            self.app.notify("Past the last match: back to the first" if step > 0
                            else "Past the first match: on to the last", timeout=2)
        before, self._match = self._match, went % count
        self._show_match_count()
        if (figure := self.current_figure) is not None:
            self.post_message(self.FigureMatch(figure))
        if not self._column:
            return
        for number in {before, self._match} - {-1}:
            if number < len(self._matches):
                self._restyle(number)
        if figure is not None:
            return
        row = self._row_of(self._matches[self._match][0])
        self._set_height()  # (the wrap may have gone further down for the match)
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        if not top <= row < top + height:  # only move when the match is off screen
            self.scroll_to(y=max(0, row - 2), animate=False)

    def on_click(self, event: events.Click) -> None:
        """A click in the thumb's column scrolls to that part of the story."""
        top = self.thumb_clicked(event, self.max_scroll_y)
        if top is not None:
            self.scroll_to(y=top, animate=False)

    # The jumps (and pages, below) are immediate, as in newsboat or less: Textual glides to the end
    # of a long story for about a second, and over SSH each frame of the glide is sent.

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        """To the last line: wrap the rest first (the height may still be an estimate)."""
        self._finish_wrap()
        self.scroll_end(animate=False)


    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Remember how far into the story the reader is, as a fraction (not while resizing)."""
        super().watch_scroll_y(old_value, new_value)
        size, _fraction = self._position
        if size == self.size and self.max_scroll_y > 0:
            self._position = (size, new_value / self.max_scroll_y)

    def on_resize(self) -> None:
        """Keep the reading position: the same line when only the height changes (as the
        credits panel below grows or shrinks), the same fraction of the story when the
        column changes and the text wraps again; or apply the position saved for later."""
        _size, fraction = self._position
        rewrap = not self._column or self._column != self._column_at(self.container_size.width)
        if rewrap:
            self._rewrap(0)
        if not self._column:
            return
        self._finish_wrap()  # the exact height, to find the same place
        if self._top is not None:
            self.scroll_to(y=self._top, animate=False)
            self._top = None
        elif rewrap or self._fitted:
            self.scroll_to(y=round(fraction * self.max_scroll_y), animate=False)
        # While the whole story fits there is nothing to scroll: the place read to is kept for
        # when it no longer fits (scroll_y is 0 meanwhile, which would say "the top").
        self._fitted = self.max_scroll_y <= 0
        self._position = (self.size, fraction if self._fitted else self._fraction())

    def action_page_or_next(self) -> None:
        """Space: a page down; at the end of the story, on to the next one (unread first)."""
        if self.article is not None and self.scroll_y >= self.max_scroll_y:
            self.post_message(self.Onward(1, any_story=True))
        else:
            self.action_page_down()

    def action_page_down(self) -> None:
        """A page on from where the scroll is going: from where it is, a press during the last
        one's animation went less than a page (space space in one read moved one page)."""
        self.scroll_to(y=self.scroll_target_y + self.scrollable_content_region.height, animate=False)

    def action_page_up(self) -> None:
        self.scroll_to(y=self.scroll_target_y - self.scrollable_content_region.height, animate=False)

    def action_half_page(self, direction: int) -> None:
        self.scroll_relative(y=direction * max(1, self.scrollable_content_region.height // 2), animate=False)

    def action_back(self) -> None:
        if self.on_back is not None:
            self.on_back()

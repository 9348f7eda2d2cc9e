"""The article view: headline, byline, date, dateline and paragraphs at a readable width.

The story is one Rich ``Text`` in one Static, built from plain strings and never from
markup, so a headline like ``[@click=app.quit]x[/]`` is shown exactly as written, and
opening a story re-renders one widget instead of mounting one per paragraph. Search terms
are highlighted; ``n``/``N`` scroll from one match to the next, finding the match's row by
wrapping the text at the view's width.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Static

from store.model import Article
from tui.format import byline
from tui.highlight import terms_pattern

EMPTY_HELP = "No story selected.\n\nImport saved pages with:  broadsheet import PATH"
BLOCK_STYLES = {"headline": "bold", "standfirst": "italic", "byline": "dim", "paragraph": "",
                "credit-line": "dim italic"}
MATCH, CURRENT_MATCH = "reverse", "reverse bold underline"


def article_blocks(article: Article) -> list[tuple[str, Text]]:
    """(kind, text) for each block of the story, in reading order."""
    blocks: list[tuple[str, Text]] = [("headline", Text(article.headline))]
    if article.standfirst:
        blocks.append(("standfirst", Text(article.standfirst)))
    line = byline(article.authors, article.source, article.published)
    if line:
        blocks.append(("byline", Text(line)))
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


def article_text(article: Article) -> Text:
    """The whole story as one Text, blocks separated by a blank line."""
    text = Text(end="")
    for number, (kind, block) in enumerate(article_blocks(article)):
        if number:
            text.append("\n\n")
        block.stylize(BLOCK_STYLES[kind])
        text.append_text(block)
    return text


class ArticleView(VerticalScroll, can_focus=True):
    """Scrollable story text; the body column keeps a readable width."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False),
        Binding("k,up", "scroll_up", "Up", show=False),
        Binding("space", "page_down", "Page down", show=False, id="article.page"),
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False),
        Binding("g,home", "scroll_home", "Top", show=False),
        Binding("G,end", "scroll_end", "Bottom", show=False),
        Binding("n", "match(1)", "Next match", id="article.next_match"),
        Binding("N", "match(-1)", "Previous match", id="article.previous_match"),
        Binding("escape", "back", "Back to list"),
    ]

    class Back(Message):
        """The reader wants the headline list again."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self._text = Text()
        self._matches: list[tuple[int, int]] = []  # (start, end) offsets in the story text
        self._match = -1
        self._position = (Size(0, 0), 0.0)  # (size when recorded, fraction of the story scrolled)

    def compose(self) -> ComposeResult:
        yield Static(Text(EMPTY_HELP, style="dim"), id="article-text")

    @property
    def _body(self) -> Static:
        return self.query_one("#article-text", Static)

    def show(self, article: Article | None, terms: Sequence[str] = ()) -> None:
        """Replace the story shown; scroll to the top."""
        self.article = article
        self._matches, self._match = [], -1
        if article is None:
            self._text = Text(EMPTY_HELP, style="dim")
        else:
            self._text = article_text(article)
            pattern = terms_pattern(terms)
            if pattern is not None:
                credit_start = len(self._text.plain) - len(article.credits.text) if (
                    article.credits and article.credits.text) else len(self._text.plain)
                self._matches = [m.span() for m in pattern.finditer(self._text.plain)
                                 if m.end() > m.start() and m.start() < credit_start]
        self._render_text()
        self._position = (self.size, 0.0)
        self.scroll_home(animate=False, immediate=True)

    def show_problem(self, message: str) -> None:
        """Say why the story cannot be shown, in place of the story."""
        self.article = None
        self._matches, self._match = [], -1
        self._text = Text(message, style="bold red")
        self._render_text()

    def _render_text(self) -> None:
        text = self._text.copy()
        for number, (start, end) in enumerate(self._matches):
            text.stylize(CURRENT_MATCH if number == self._match else MATCH, start, end)
        self._body.update(text)

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_match(self) -> int:
        """Index of the match ``n``/``N`` last moved to (-1 before the first jump)."""
        return self._match

    def _row_of(self, offset: int) -> int:
        """The screen row (within the text) where character ``offset`` is drawn."""
        width = max(1, self._body.content_region.width or self.scrollable_content_region.width)
        before = self._text[:offset]
        return max(0, len(before.wrap(self.app.console, width)) - 1)

    def action_match(self, step: int) -> None:
        if not self._matches:
            self.notify("No search matches in this story", timeout=2)
            return
        self._match = (self._match + step) % len(self._matches)
        self._render_text()
        row = self._row_of(self._matches[self._match][0])
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        if not top <= row < top + height:  # only move when the match is off screen
            self.scroll_to(y=max(0, row - 2), animate=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Remember how far into the story the reader is, as a fraction (not while resizing)."""
        super().watch_scroll_y(old_value, new_value)
        size, _fraction = self._position
        if size == self.size and self.max_scroll_y > 0:
            self._position = (size, new_value / self.max_scroll_y)

    def on_resize(self) -> None:
        """Keep the reading position when the terminal (or the layout) changes size."""
        self.call_after_refresh(self._restore_position)

    def _restore_position(self) -> None:
        _size, fraction = self._position
        self._position = (self.size, fraction)
        if self.max_scroll_y > 0:
            self.scroll_to(y=round(fraction * self.max_scroll_y), animate=False, immediate=True)

    def action_half_page(self, direction: int) -> None:
        self.scroll_relative(y=direction * max(1, self.scrollable_content_region.height // 2), animate=False)

    def action_back(self) -> None:
        self.post_message(self.Back())

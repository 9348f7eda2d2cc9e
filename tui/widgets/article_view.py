"""The article view: headline, byline, date, dateline and paragraphs at a readable width.

Each block is a Static holding a Rich ``Text`` built from plain strings, never from
markup, so a headline like ``[@click=app.quit]x[/]`` is shown exactly as written.
Search terms are highlighted, and ``n``/``N`` scroll from one match to the next.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from store.model import Article
from tui.format import byline
from tui.highlight import highlight, terms_pattern

EMPTY_HELP = "No story selected.\n\nImport saved pages with:  broadsheet import PATH"


def article_blocks(article: Article) -> list[tuple[str, Text]]:
    """(css class, text) for each block of the story, in reading order."""
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
        self._matches: list[Static] = []
        self._match = -1

    def compose(self) -> ComposeResult:
        yield Static(Text(EMPTY_HELP, style="dim"), classes="empty")

    def show(self, article: Article | None, terms: Sequence[str] = ()) -> None:
        """Replace the story shown; scroll to the top."""
        self.article = article
        self.remove_children()
        self._matches, self._match = [], -1
        if article is None:
            self.mount(Static(Text(EMPTY_HELP, style="dim"), classes="empty"))
            return
        pattern = terms_pattern(terms)
        widgets = []
        for css, text in article_blocks(article):
            found = highlight(text, pattern, "reverse") if css != "credit-line" else 0
            widget = Static(text, classes=css)
            if found:
                self._matches.append(widget)
            widgets.append(widget)
        self.mount_all(widgets)
        self.scroll_home(animate=False, immediate=True)

    def show_problem(self, message: str) -> None:
        """Say why the story cannot be shown, in place of the story."""
        self.article = None
        self.remove_children()
        self._matches, self._match = [], -1
        self.mount(Static(Text(message), classes="problem"))

    @property
    def match_count(self) -> int:
        return len(self._matches)

    def action_match(self, step: int) -> None:
        if not self._matches:
            self.notify("No search matches in this story", timeout=2)
            return
        if 0 <= self._match < len(self._matches):
            self._matches[self._match].remove_class("-current-match")
        self._match = (self._match + step) % len(self._matches)
        target = self._matches[self._match]
        target.add_class("-current-match")
        self.scroll_to_widget(target, animate=False, top=True)

    def action_half_page(self, direction: int) -> None:
        self.scroll_relative(y=direction * max(1, self.scrollable_content_region.height // 2), animate=False)

    def action_back(self) -> None:
        self.post_message(self.Back())

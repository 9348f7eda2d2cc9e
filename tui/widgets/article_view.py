"""The article view: headline, byline, date, dateline and paragraphs at a readable width.

Everything is assembled as a Rich ``Text`` from plain strings, never from markup, so a
headline like ``[@click=app.quit]x[/]`` is shown exactly as written.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.model import Article
from tui.format import byline


def render_article(article: Article | None) -> Text:
    """The whole story as one Text, ready for a Static."""
    if article is None:
        return Text("No story selected.\n\nImport saved pages with `broadsheet import PATH`.", style="dim")
    text = Text()
    text.append(article.headline, style="bold")
    text.append("\n")
    if article.standfirst:
        text.append("\n")
        text.append(article.standfirst, style="italic")
        text.append("\n")
    line = byline(article.authors, article.source, article.published)
    if line:
        text.append("\n")
        text.append(line, style="dim")
        text.append("\n")
    for number, paragraph in enumerate(article.body):
        text.append("\n")
        if number == 0 and article.dateline:
            text.append(article.dateline, style="bold")
            text.append(" \u2014 ")
        text.append(paragraph)
        text.append("\n")
    if article.credits and article.credits.text:
        text.append("\n")
        text.append(article.credits.text, style="dim italic")
        text.append("\n")
    return text


class ArticleView(VerticalScroll, can_focus=True):
    """Scrollable story text; the body column keeps a readable width."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False),
        Binding("k,up", "scroll_up", "Up", show=False),
        Binding("space", "page_down", "Page", show=False),
        Binding("g,home", "scroll_home", "Top", show=False),
        Binding("G,end", "scroll_end", "Bottom", show=False),
        Binding("escape", "back", "Back to list"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(render_article(None), id="article-text")

    def show(self, article: Article | None) -> None:
        self.query_one("#article-text", Static).update(render_article(article))
        self.scroll_home(animate=False)

    def action_back(self) -> None:
        self.screen.focus_list()  # type: ignore[attr-defined]

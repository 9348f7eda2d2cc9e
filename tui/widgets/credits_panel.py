"""The caption/credits panel: photo captions and credits, source, agency, people.

The Rich table is rendered once per story and width into lines that the line API draws
(a Static measured it for the layout and then rendered it again on every story).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from broadsheet.store.model import Article
from broadsheet.tui.highlight import highlight, terms_pattern


def credits_table(article: Article | None, terms: Sequence[str] = ()) -> Table | Text:
    """A two-column table of labelled credits; values are plain Text, never markup; search
    ``terms`` are highlighted in them (a word found in a caption shows where it was found)."""
    pattern = terms_pattern(terms)
    if article is None:
        return Text("")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)

    def row(label: str, value: str | None) -> None:
        if value:
            text = Text(value)
            highlight(text, pattern, "reverse")
            table.add_row(Text(label), text)

    for number, image in enumerate(article.images, start=1):
        suffix = f" {number}" if len(article.images) > 1 else ""
        row(f"Photo{suffix}", image.caption)
        row("Photo credit", image.credit)
    row("Source", article.source)
    row("Agency", article.agency)
    row("Authors", ", ".join(article.authors))
    if article.credits:
        row("Reporting", ", ".join(article.credits.reporting))
        row("Add. reporting", ", ".join(article.credits.additional_reporting))
        row("Writing", ", ".join(article.credits.writing))
        row("Editing", ", ".join(article.credits.editing))
    if not table.row_count:
        return Text("No caption or credits for this story.", style="dim")
    return table


class CreditsPanel(ScrollView, can_focus=True):
    """Shows who reported, wrote, edited and photographed the open story."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content: Table | Text = Text("")  # what the panel shows: the table, or a note
        self._lines: list[Strip] = []
        self._width = 0  # the width the lines were rendered at (0: not yet)

    def show(self, article: Article | None, terms: Sequence[str] = ()) -> None:
        self.content = credits_table(article, terms)
        self._render_content_lines()
        self.scroll_to(y=0, animate=False)

    def _render_content_lines(self) -> None:
        """Render the table at the width there is; the height (``height: auto``) follows."""
        width = self.scrollable_content_region.width
        self._width = width
        if width <= 0:
            self._lines = []
            return
        console = self.app.console
        self._lines = [Strip(line) for line in console.render_lines(self.content, console.options.update_width(width),
                                                                    pad=False)]
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width:
            self._render_content_lines()

    def watch_show_vertical_scrollbar(self) -> None:
        """The scrollbar came or went (the credits outgrew ``max-height``): fit the new width."""
        self.on_resize()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = y + self.scroll_offset.y
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, base)
        return self._lines[index].apply_style(base).crop_extend(0, width, base)

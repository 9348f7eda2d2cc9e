"""The caption/credits panel: photo captions and credits, source, agency, people."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from store.model import Article


def credits_table(article: Article | None) -> Table | Text:
    """A two-column table of labelled credits; values are plain Text, never markup."""
    if article is None:
        return Text("")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)

    def row(label: str, value: str | None) -> None:
        if value:
            table.add_row(Text(label), Text(value))

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


class CreditsPanel(Static, can_focus=True):
    """Shows who reported, wrote, edited and photographed the open story."""

    def show(self, article: Article | None) -> None:
        self.update(credits_table(article))

"""The full-screen photo: one of the story's photos as large as the terminal, its caption and credit below."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from broadsheet.store.model import Image
from broadsheet.tui.graphics_probe import Protocol
from broadsheet.tui.widgets.footer import KeysFooter
from broadsheet.tui.widgets.photo import PhotoView


def caption_text(image: Image, number: int, figures: int) -> Text:
    """``Photo 2 of 3 — credit`` then the caption on the lines below, as plain Text (both are
    untrusted); the number is the figure's, as the caption panel gives it. The credit comes first:
    after a long caption it was cut off with it at 80 columns (the caption has a few lines below
    the photo). The caption starts its own line with a credit or without: a photo with none put it
    after "Photo 1 of 3: ", and stepping through the photos moved it up and down."""
    text = Text()
    text.append(f"Photo {number} of {figures}", style="bold")
    if image.credit:
        text.append(" — ")
        text.append(image.credit, style="italic")
    if image.caption:
        text.append("\n")
        text.append(image.caption)
    return text


class Caption(VerticalScroll):
    """The caption and credit under the photo, scrolled with the article's keys: a long caption
    was cut mid-sentence at 80x24 with no way to read the rest. It has the focus on the screen."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False, id="photo.caption_down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="photo.caption_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="photo.caption_top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="photo.caption_bottom"),
    ]


class PhotoScreen(Screen[int]):
    """Shows ``photos[index]``; p / P step through the others; Esc returns to the story.

    Dismissed with the index shown last, so the panel follows.
    """

    BINDINGS = [
        # The way out first: the footer cuts what does not fit, and at 60 columns it was this.
        Binding("escape,v,q", "close", "Back to the story", id="photo.close"),
        Binding("p", "step(1)", "Next photo", id="photo.next"),
        Binding("P", "step(-1)", "Previous photo", id="photo.previous"),
    ]

    def __init__(self, photos: list[Image], index: int, folder: Path, protocol: Protocol,
                 numbers: list[int] | None = None, figures: int = 0) -> None:
        super().__init__()
        self.photos = photos
        self.numbers = numbers or list(range(1, len(photos) + 1))  # each photo's figure number
        self.figures = max(figures, len(photos))
        self.index = index
        self._folder = folder
        self._protocol = protocol

    def compose(self) -> ComposeResult:
        yield PhotoView(self._folder, self._protocol, id="photo-view")
        with Caption(id="photo-caption"):
            yield Static(id="photo-caption-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        self.query_one(PhotoView).show(self.photos[self.index])
        self.query_one("#photo-caption-text", Static).update(
            caption_text(self.photos[self.index], self.numbers[self.index], self.figures))
        self.query_one(Caption).scroll_home(animate=False)

    def action_step(self, step: int) -> None:
        if len(self.photos) > 1:
            self.index = (self.index + step) % len(self.photos)
            self._show()

    def action_close(self) -> None:
        self.dismiss(self.index)

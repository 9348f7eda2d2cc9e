"""The caption/credits panel: the story's photo, photo captions and credits, source, agency, people.

The Rich table is rendered once per story and width into lines that the line API draws
(a Static measured it for the layout and then rendered it again on every story). The
photo is drawn in a worker and arrives a moment after the story; its lines go above the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from broadsheet.store.model import Article, Image
from broadsheet.store.search.spans import TermMatcher, matched_figures, term_matcher
from broadsheet.tui.graphics import Drawn
from broadsheet.tui.graphics_probe import Protocol
from broadsheet.tui.highlight import highlight
from broadsheet.tui.widgets.photo import PhotoKey, draw_when_settled, not_kept, note, photo_path, placeholder


def is_photo(image: Image) -> bool:
    """Whether ``image`` had a photo (kept, or named with why it is not): a caption alone has none."""
    return bool(image.photo or image.problem or image.src)


class Credit(Text):
    """A value of the credits table that breaks after a slash where its word is wider than the
    column it is drawn in: "VAITHSTAN WEANCAX/Shoumtrithwire" in the 20 cells of a panel beside
    the story read "…/Shoumtrithw" over "ire"; it reads "…WEANCAX/" over "Shoumtrithwire" now."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[Segment]:
        width = options.max_width
        breaks = [at for word in _WORD.finditer(self.plain) if cell_len(word.group()) > width
                  for at in _breaks(self.plain, word.start(), word.end(), width)]
        if not breaks:
            yield from super().__rich_console__(console, options)
            return
        broken = self[: breaks[0]]
        for start, end in zip(breaks, [*breaks[1:], len(self)], strict=True):
            broken.append(" ")  # where the line may end: a wrap takes it away
            broken.append_text(self[start:end])
        yield from broken.__rich_console__(console, options)


_WORD = re.compile(r"\S+")
_SLASH = re.compile(r"/(?=\S)")


def _breaks(text: str, start: int, end: int, width: int) -> Iterator[int]:
    """Where the word ``text[start:end]`` is broken so that each piece fits ``width`` cells: after
    the last slash that fits, piece by piece (a piece with no slash that fits is folded as before).
    Only where a line must end: a break that could share a line would show its space."""
    while cell_len(text[start:end]) > width:
        fits = [m.start() + 1 for m in _SLASH.finditer(text, start, end - 1)
                if cell_len(text[start:m.start() + 1]) <= width]
        if not fits:
            return
        start = fits[-1]
        yield start


def credits_table(article: Article | None, terms: Sequence[str] = (), first: int = 0) -> Table | Text:
    """A two-column table of labelled credits; values are plain Text, never markup; search
    ``terms`` are highlighted in them (a word found in a caption shows where it was found).

    Photos are numbered as the story's figures; photo ``first`` (an index of ``article.images``:
    the one the panel shows) comes first, so its caption stands beside it.
    """
    if article is None:
        return Text("")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    # fold: a word wider than the column (a long address, a run of CJK characters) goes on over
    # the next line; Rich's default cut it with an ellipsis, and a wide character at a line's
    # end took the line's last letter with it.
    table.add_column(ratio=1, overflow="fold")

    patterns: dict[str, TermMatcher | None] = {}

    def row(label: str, value: str | None, part: str) -> None:
        """A row of the story's ``part`` (an index field: a search's terms on another field are not marked)."""
        if value:
            text = Credit(value)
            if part not in patterns:
                patterns[part] = term_matcher(terms, (part,))
            highlight(text, patterns[part], "reverse")
            table.add_row(Text(label), text)

    order = list(range(len(article.images)))
    if 0 < first < len(order):
        order.insert(0, order.pop(first))
    for index in order:
        image = article.images[index]
        suffix = f" {index + 1}" if len(article.images) > 1 else ""
        row(f"Photo{suffix}", image.caption, "caption")
        if not image.caption and not image.credit and is_photo(image):  # its number still shows
            table.add_row(Text(f"Photo{suffix}"), Text("no caption", style="dim italic"))
        row("Photo credit" if image.caption or not suffix else f"Photo{suffix} credit", image.credit, "photo_credit")
    row("Source", article.source, "source")
    row("Agency", article.agency, "agency")
    row("Authors", ", ".join(article.authors), "authors")
    if article.credits:
        row("Reporting", ", ".join(article.credits.reporting), "credits")
        row("Add. reporting", ", ".join(article.credits.additional_reporting), "credits")
        row("Writing", ", ".join(article.credits.writing), "credits")
        row("Editing", ", ".join(article.credits.editing), "credits")
        row("Photography", ", ".join(article.credits.photography), "credits")
        row("Graphics", ", ".join(article.credits.graphics), "credits")
    if not table.row_count:
        return Text("No caption or credits for this story.", style="dim")
    return table


BESIDE_MIN_WIDTH = 50  # a panel at least this wide puts the photo beside the caption, else above it (at
# 100 columns the panel is 58 wide: above, the photo took a third of it and the caption was out of view)
GAP = 2
#: A photo gets at least this many rows, or a note in its place: the two-line panel under a story at
#: 80 columns showed two rows of a photo 9 cells wide, a smear of colour. ``v`` shows it whole; Tab
#: gives the panel the room.
MIN_PHOTO_ROWS = 3
TEXT_ROWS = 4  # lines a photo above the caption leaves it: the caption, its credit, a credit or two
PEEK = "[photo: v]"
#: What stands for a kept photo while images are off: it is told in words, as a photo not kept is.
IMAGES_OFF = "kept; images are off"


def photo_numbers(article: Article | None) -> list[int]:
    """The figure numbers (from 1) of the story's photos: kept, or named with why they are not."""
    return [number for number, image in enumerate(article.images, 1) if is_photo(image)] if article else []


class CreditsPanel(ScrollView, can_focus=True):
    """Shows the story's photo and who reported, wrote, edited, photographed and drew its graphics."""

    # The article's keys for scrolling, so Tab into the panel changes nothing under the fingers.
    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False, id="credits.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="credits.up"),
        Binding("g,home", "top", "Top", show=False, id="credits.top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="credits.bottom"),
        Binding("escape", "leave", "Back to the story", id="credits.back"),
    ]

    class Leave(Message):
        """The reader is done with the panel: the story has the focus again."""

    @dataclass
    class PhotoReady(Message):
        key: tuple[str, int, int, int]  # (photo digest, index, cols, rows) it was drawn for
        drawn: Drawn | str
        path: Path | None

    def __init__(self, *, id: str | None = None, protocol: Protocol = "halfblocks", folder: Path | None = None) -> None:
        super().__init__(id=id)
        self.content: Table | Text = Text("")  # what the panel shows: the table, or a note
        self.protocol = protocol
        self.folder = folder  # the store folder, where the photos are
        self.photos: list[Image] = []
        self.numbers: list[int] = []  # each photo's figure number: the one the table and counter give
        self.figures = 0  # the story's figures, photos or captions alone
        self.photo_index = 0
        self._article: Article | None = None
        self._terms: Sequence[str] = ()
        self.photo_path: Path | None = None  # the shown photo's file, once the worker found it
        self._drawn: Drawn | str | None = None
        self._photo_key: tuple[str, int, int, int] | None = None
        self._rendered: list[Strip] = []  # the table's lines as rendered
        self._table_lines: list[Strip] = []  # as drawn: beside a photo, the other photos' rows below it
        self._left: list[Strip | None] = []  # the photo's column; None: a row of the photo itself
        self._beside = 0  # the photo column's width when it stands beside the table, else 0
        self._width = 0  # the width the lines were rendered at (0: not yet)
        self._box = (0, 0, False)  # the photo's box they were rendered for (:meth:`_photo_box`): laid out and drawn in
        self._figure_wanted: int | None = None  # a figure to scroll to once the panel has a width
        self._counter_row: int | None = None  # the photo counter's line in the photo's column (None: not drawn)

    def action_top(self) -> None:
        self.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.scroll_end(animate=False)

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def show(self, article: Article | None, terms: Sequence[str] = ()) -> None:
        """Show ``article``'s photos and credits; the first figure whose caption or credit a search's
        ``terms`` matched comes into sight (the search found the story there)."""
        self._article, self._terms = article, terms
        self.numbers = photo_numbers(article)
        self.photos = [article.images[n - 1] for n in self.numbers] if article else []
        self.figures = len(article.images) if article else 0
        found = matched_figures(article, terms)
        self.photo_index = 0  # the last story's photo: figure found[0] may have none of its own
        self.photo_index = self._photo_of(found[0]) if found else 0
        self.content = self._table()
        self._set_photo()
        self._figure_wanted = None
        self._render_content_lines()
        self.scroll_to(y=0, animate=False)
        if found:
            self._scroll_to_figure(found[0])

    def show_figure(self, index: int) -> None:
        """Bring figure ``index`` (of the story's images) into sight: its photo with the caption
        beside it, or the caption's row when it has no photo shown."""
        went = self._photo_of(index)
        if went != self.photo_index:
            self.step_photo(went - self.photo_index)
        self._scroll_to_figure(index)

    def _scroll_to_figure(self, index: int) -> None:
        """Scroll to figure ``index``'s row once the lines are rendered at the panel's width and laid
        out: a story opened at 80 columns reaches the panel before it has a size."""
        self._figure_wanted = index
        if self._width > 0:
            self.call_after_refresh(self._scroll_to_wanted)

    def _scroll_to_wanted(self) -> None:
        if self._figure_wanted is not None and self._width > 0:
            self.scroll_to(y=self._row_of(self._figure_wanted), animate=False)
            self._figure_wanted = None

    def _photo_of(self, index: int) -> int:
        """The photo shown for figure ``index``: its own, or (a caption alone) the one shown now."""
        number = index + 1
        return self.numbers.index(number) if number in self.numbers else self.photo_index

    def _row_of(self, index: int) -> int:
        """The line the panel scrolls to for figure ``index``: the top when its photo is shown first,
        else its caption's (or credit's) first row in the table."""
        number = index + 1
        if self.numbers[self.photo_index:self.photo_index + 1] == [number]:
            return 0
        label = "Photo" if self.figures == 1 else f"Photo {number}"
        for row, line in enumerate(self._table_lines):
            if line.text.startswith((label + " ", label + "\N{NO-BREAK SPACE}")):
                return row + (0 if self._beside else len(self._left))
        return 0

    def step_photo(self, step: int) -> bool:
        """Show the next (or previous) photo of the story; False when it has fewer than two."""
        if len(self.photos) < 2:
            return False
        self.photo_index = (self.photo_index + step) % len(self.photos)
        self.content = self._table()
        self._set_photo()
        self._render_content_lines()
        self.scroll_to(y=0, animate=False)
        return True

    def _table(self) -> Table | Text:
        """The credits, the shown photo's caption first (beside it)."""
        first = self.numbers[self.photo_index] - 1 if self.numbers else 0
        return credits_table(self._article, self._terms, first)

    def pause_photo(self) -> None:
        """Another story is on its way (a held key): stop drawing this one's photo if it is not drawn yet."""
        if self._drawn is None and self._photo_key is not None:
            self.workers.cancel_group(self, "credits-photo")
            self._photo_key = None

    def resume_photo(self) -> None:
        """Draw the photo that :meth:`pause_photo` stopped (the cursor came back to this story)."""
        self._request_photo(self._width)

    def _set_photo(self) -> None:
        self._drawn, self._photo_key, self.photo_path = None, None, None

    def _photo_box(self, width: int) -> tuple[int, int, bool]:
        """(cols, rows, beside) of the photo: beside the caption in a wide panel, above it in a narrow one."""
        rows = self.app.size.height // 3
        limit = self.styles.max_height
        parent = self.parent
        room = rows
        if limit is not None and isinstance(parent, Widget):  # within the panel's max-height, less border and counter
            room = int(limit.resolve(parent.size, self.app.size)) - self.styles.gutter.height - 1
            rows = min(rows, room)
        if width < BESIDE_MIN_WIDTH:
            # Above the caption, the photo leaves the caption and its credit lines of their own (at
            # 100x30 with the sidebar it took every row, the caption below the fold).
            rows = min(rows, room - TEXT_ROWS)
        if rows < MIN_PHOTO_ROWS and not self._in_words():
            return len(PEEK), 0, True  # no room for a picture: :data:`PEEK` beside the caption
        rows = max(MIN_PHOTO_ROWS, rows)
        if width >= BESIDE_MIN_WIDTH:
            cols = width * 2 // 5
            if not self._in_words():  # room for a 3:2 landscape photo; a photo not kept shows why in words,
                cols = min(cols, rows * 3)  # which at 80 columns' 2-line panel read "[photo:" over "not"
            return max(10, cols), rows, True
        return width, rows, False

    def _in_words(self) -> bool:
        """Whether the photo shown is told in words, not drawn: it was not kept (a failed download,
        not saved with the page), or images are off."""
        return bool(self.photos) and (self.protocol == "off" or not self.photos[self.photo_index].photo)

    def _request_photo(self, width: int) -> None:
        if not self.photos or self.folder is None or width <= 0:
            return
        image = self.photos[self.photo_index]
        cols, rows, _ = self._box
        if not rows:
            return
        key = (image.photo or "", self.photo_index, cols, rows)
        if key != self._photo_key:
            self._photo_key = key
            self._draw_photo(key, image, self.background_colors[1].rgb)

    @work(thread=True, exclusive=True, group="credits-photo", exit_on_error=False)
    def _draw_photo(self, key: tuple[str, int, int, int], image: Image, background: tuple[int, int, int]) -> None:
        assert self.folder is not None
        path = photo_path(self.folder, image)
        if path is None or self.protocol == "off":  # why it is not drawn, in words
            self.post_message(self.PhotoReady(key, IMAGES_OFF if path else not_kept(image), path))
            return
        from broadsheet.tui.graphics import cell_pixels

        cell = cell_pixels() if self.protocol != "halfblocks" else (10, 20)
        drawn = draw_when_settled(PhotoKey(path, key[2], key[3], self.protocol, background, cell))
        if drawn is not None:
            self.post_message(self.PhotoReady(key, drawn, path))

    def on_credits_panel_photo_ready(self, message: CreditsPanel.PhotoReady) -> None:
        if message.key == self._photo_key:
            self._drawn, self.photo_path = message.drawn, message.path
            self._layout_lines()

    def _photo_lines(self, width: int) -> list[Strip | None]:
        """The photo's column: its rows (None), or a placeholder; then which of the story's photos it is."""
        if not self.photos:
            return []
        self._counter_row = None
        if not self._box[1]:
            return [*note(PEEK, width, most=1)]
        drawn = self._drawn
        lines: list[Strip | None]
        if isinstance(drawn, Drawn):
            lines = [None] * drawn.rows
        else:  # a blank box while the photo is on its way, or why it cannot be drawn
            lines = [*placeholder(drawn, width)] if isinstance(drawn, str) else []
        if drawn is None or isinstance(drawn, Drawn):  # the photo's box is kept: no new layout when it arrives
            lines += [Strip.blank(0)] * (self._box[1] - len(lines))
        if self.figures > 1:  # the figure's number, as the table gives it
            self._counter_row = len(lines)
            lines.extend(note(self._counter(), width, most=1))
        return lines

    def _counter(self) -> str:
        """"photo 3/13 · p/P": which of the story's figures the photo shown is, and the keys to the others."""
        keys = " · p/P" if len(self.photos) > 1 else ""
        return f"photo {self.numbers[self.photo_index]}/{self.figures}{keys}"

    def _counter_on_border(self) -> None:
        """The counter on the panel's border while its line is out of sight: the two-line panel
        under the story at 80 columns showed a photo's caption with no word of which photo it was."""
        height = self.scrollable_content_region.height
        row = self._counter_row
        hidden = bool(self.photos) and self.figures > 1 and height > 0 and (
            row is None or row >= height)
        self.border_subtitle = self._counter() if hidden else ""

    def _layout_lines(self) -> None:
        width = self._width
        cols, _, beside = self._box
        self._beside = cols if beside and self.photos else 0
        self._left = self._photo_lines(self._beside or width)
        if self._left and not self._beside:
            self._left.append(Strip.blank(0))  # a gap above the table
        self._table_lines = self._others_below(self._rendered) if self._beside else self._rendered
        height = max(len(self._left), len(self._table_lines)) if self._beside else len(self._left) + len(
            self._table_lines)
        resized = height != self.virtual_size.height
        self.virtual_size = Size(width, height)
        self.refresh(layout=resized)  # height: auto follows the photo's rows when it arrives
        self._counter_on_border()

    def _others_below(self, lines: list[Strip]) -> list[Strip]:
        """The table with the other photos' rows moved down past the photo beside it: beside a tall
        photo, the next photo's caption read as the shown one's."""
        for row, line in enumerate(lines):
            text = line.text
            if row and text.startswith("Photo ") and not text.startswith("Photo credit "):
                return lines[:row] + [Strip.blank(0)] * (len(self._left) - row) + lines[row:]
        return lines

    def _render_content_lines(self) -> None:
        """Render the table at the width there is; the height (``height: auto``) follows."""
        width = self.scrollable_content_region.width
        self._width = width
        if width <= 0:
            self._left, self._table_lines, self._rendered = [], [], []
            return
        self._box = cols, _, beside = self._photo_box(width)
        table_width = width - cols - GAP if beside and self.photos else width
        console = self.app.console
        self._rendered = [Strip(line) for line in console.render_lines(self.content,
                                                                       console.options.update_width(table_width),
                                                                       pad=False)]
        self._layout_lines()
        self._request_photo(width)
        if self._figure_wanted is not None:
            self.call_after_refresh(self._scroll_to_wanted)

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width or (self.photos and self._photo_box(width) != self._box):
            self._render_content_lines()
        else:
            self._counter_on_border()

    def on_focus(self) -> None:
        self.call_after_refresh(self.on_resize)  # at 80 columns the focus gives the panel room for the photo

    def on_blur(self) -> None:
        self.call_after_refresh(self.on_resize)

    def watch_show_vertical_scrollbar(self) -> None:
        """The scrollbar came or went (the credits outgrew ``max-height``): fit the new width."""
        self.on_resize()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = y + self.scroll_offset.y
        if self._beside:
            right = self._table_lines[index] if index < len(self._table_lines) else Strip.blank(0)
            return Strip.join([self._photo_line(index, self._beside, base), Strip.blank(GAP, base),
                               right.apply_style(base).crop_extend(0, width - self._beside - GAP, base)])
        if index < len(self._left):
            return self._photo_line(index, width, base)
        index -= len(self._left)
        if not 0 <= index < len(self._table_lines):
            return Strip.blank(width, base)
        return self._table_lines[index].apply_style(base).crop_extend(0, width, base)

    def _photo_line(self, index: int, cols: int, base: Style) -> Strip:
        """Line ``index`` of the photo's column, ``cols`` wide."""
        line = self._left[index] if 0 <= index < len(self._left) else Strip.blank(0)
        drawn = self._drawn
        if line is None and isinstance(drawn, Drawn):  # a row of the photo itself
            region = self.scrollable_content_region
            whole = self.scroll_offset.y == 0 and drawn.rows <= region.height
            photo = drawn.line(index, (region.x, region.y) if whole else None)
            return Strip.join([photo, Strip.blank(max(0, cols - drawn.cols), base)])
        if line is None:
            return Strip.blank(cols, base)
        return line.apply_style(base).crop_extend(0, cols, base)

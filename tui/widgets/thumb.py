"""Where a view is scrolled to, drawn by the view itself in the last cell of each of its lines.

The headline list and the article view draw their own scroll thumb instead of showing
Textual's scrollbar. That scrollbar is a widget of its own: whenever the article view's
height changed (the credits panel under it grows or shrinks from one story to the next) it
asked for one more layout, which redrew both scrollbars in one more frame, about 1.5 ms each.
A key pressed within those frames waited for the next one, so opening the next story took
up to a frame longer (issue 17). Drawn here, the thumb is one more cell on lines the view
draws anyway.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: The thumb's cell: a half block against the view's right border.
THUMB = "\u2590"
#: Cells a view keeps for its thumb at the right of its lines.
THUMB_WIDTH = 1


def thumb_span(view: int, total: int, top: float) -> tuple[int, int]:
    """The rows ``[start, end)`` of a view ``view`` rows tall that the thumb covers, when it shows
    ``total`` rows from row ``top``; ``(0, 0)`` when they all fit (no thumb)."""
    if view <= 0 or total <= view:
        return 0, 0
    size = max(1, min(view, round(view * view / total)))
    room = view - size
    start = min(room, max(0, round(room * top / (total - view))))
    return start, start + size


def with_thumb(strip: Strip, y: int, span: tuple[int, int], thumb: Style, base: Style) -> Strip:
    """``strip`` followed by the thumb's cell of view row ``y`` (blank off the thumb)."""
    start, end = span
    cell = Segment(THUMB, thumb) if start <= y < end else Segment(" " * THUMB_WIDTH, base)
    return Strip.join([strip, Strip([cell], THUMB_WIDTH)])


def clicked(y: int, view: int, last: int) -> int:
    """The place in ``0..last`` that a click on row ``y`` of the thumb's column (in a view ``view``
    rows tall) stands for: the top row for the top of the column, ``last`` for its foot."""
    return round(min(max(y, 0), view - 1) / max(1, view - 1) * last)


class ThumbView(ScrollView):
    """A line-API view that draws its scroll thumb in its last column: where the thumb is, and
    where a click in its column goes. Its lines are ``line_width`` wide, then the thumb's cell."""

    @property
    def thumb(self) -> tuple[int, int]:
        """The rows of the view the thumb covers (``(0, 0)``: all fits, no thumb)."""
        return thumb_span(self.scrollable_content_region.height, self.virtual_size.height, self.scroll_offset.y)

    @property
    def line_width(self) -> int:
        """The width of a line before the thumb's cell (the thumb's column, from the left)."""
        return max(0, self.scrollable_content_region.width - THUMB_WIDTH)

    def thumb_clicked(self, event: events.Click, last: int) -> int | None:
        """The place in ``0..last`` a click in the thumb's column stands for; None: a click
        elsewhere (or nowhere to go)."""
        offset = event.get_content_offset(self)
        if offset is None or offset.x < self.line_width or last < 0:
            return None
        return clicked(offset.y, self.scrollable_content_region.height, last)

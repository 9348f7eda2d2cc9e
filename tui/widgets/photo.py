"""A story's photo drawn in the terminal: decoded and scaled in a worker, cached per size.

:func:`draw_photo` is the worker's job (Pillow, off the UI thread); :class:`PhotoView` shows
one photo full-size (the full-screen view); the credits panel draws the same
:class:`~broadsheet.tui.graphics.Drawn` lines above its caption. A photo that cannot be
drawn gives a one-line placeholder with the reason.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual import work
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import get_current_worker

from broadsheet.store.model import Image
from broadsheet.tui.graphics import MAX_ROWS, Drawn, halfblocks, iterm2, kitty, sixel
from broadsheet.tui.graphics_probe import Protocol


@dataclass(frozen=True, slots=True)
class PhotoKey:
    """One drawing of one photo: the same file at the same size and protocol is drawn once."""

    path: Path
    cols: int
    rows: int
    protocol: Protocol
    background: tuple[int, int, int]
    cell: tuple[int, int] = (10, 20)


class PhotoCache:
    """The last drawings (or the reasons they failed), shared by the panel and the full-screen view."""

    def __init__(self, size: int = 48) -> None:
        self._items: OrderedDict[PhotoKey, Drawn | str] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: PhotoKey) -> Drawn | str | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: PhotoKey, value: Drawn | str) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


CACHE = PhotoCache()


def draw_photo(key: PhotoKey, cache: PhotoCache = CACHE) -> Drawn | str:
    """The photo drawn to fit ``key.cols`` x ``key.rows`` cells, or why it cannot be (cached)."""
    found = cache.get(key)
    if found is not None:
        return found
    from broadsheet.tui.picture import Unshowable, load_picture  # Pillow loads with the first photo

    result: Drawn | str
    rows = min(key.rows, MAX_ROWS)
    try:
        if key.protocol == "halfblocks":
            result = halfblocks(load_picture(key.path, (key.cols, rows * 2), key.background))
        else:
            cw, ch = key.cell
            picture = load_picture(key.path, (key.cols * cw, rows * ch), key.background)
            cols, used = max(1, math.ceil(picture.width / cw)), max(1, math.ceil(picture.height / ch))
            if key.protocol == "kitty":
                result = kitty(picture, cols, used)
            elif key.protocol == "sixel":
                result = sixel(picture, cols, used, key.background)
            else:
                result = iterm2(picture, cols, used)
    except Unshowable as exc:
        result = str(exc)
    cache.put(key, result)
    return result


def photo_path(folder: Path, image: Image) -> Path | None:
    """The stored file of ``image``'s photo (a worker calls this: it touches the disk)."""
    from broadsheet.store.storage.photos import photo_file

    return photo_file(folder, image.photo) if image.photo else None


def not_kept(image: Image) -> str:
    """Why ``image`` has no photo file to draw: the reason it was not kept (a failed download), a lost
    file, or a photo named but never kept (fetched with ``[feeds] fetch_images`` off, or stored before
    reasons were kept), with what brings it (a feed answering 304 brings no entry to take it from)."""
    if image.problem:
        return image.problem
    return "the photo file is missing from the store" if image.photo else \
        "not kept with the story (`broadsheet fetch --retry-photos` may bring it)"


#: A photo not drawn yet waits this long in its worker before Pillow starts: stepping
#: through stories (j held down) decodes only the photo of the story the reader stops on.
SETTLE_SECONDS = 0.12


def draw_when_settled(key: PhotoKey) -> Drawn | str | None:
    """In a worker: the cached drawing at once, else the drawing after :data:`SETTLE_SECONDS`,
    or None when the worker was cancelled meanwhile (another story or photo was asked for)."""
    found = CACHE.get(key)
    if found is not None:
        return found
    time.sleep(SETTLE_SECONDS)
    if get_current_worker().is_cancelled:
        return None
    return draw_photo(key)


def note(text: str, width: int, most: int = 4) -> list[Strip]:
    """``text`` dim, wrapped to ``width`` in at most ``most`` lines: plain text, never markup."""
    lines = Text(text, style="dim italic").wrap(_CONSOLE, max(1, width), overflow="ellipsis")[:most]
    return [Strip(line.render(_CONSOLE), line.cell_len) for line in lines]


def placeholder(reason: str, width: int) -> list[Strip]:
    """The lines shown instead of a photo, with the reason."""
    return note(f"[photo: {reason}]", width)


_CONSOLE = Console(width=1000, color_system=None)  # Text.render needs one; no colour decisions are made here


class PhotoView(Widget):
    """One photo as large as the widget: the full-screen view's picture."""

    DEFAULT_CSS = "PhotoView { width: 1fr; height: 1fr; }"

    @dataclass
    class Ready(Message):
        key: tuple[str, int, int]  # (digest, cols, rows) it was drawn for
        drawn: Drawn | str

    def __init__(self, folder: Path, protocol: Protocol, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.folder = folder
        self.protocol = protocol
        self.image: Image | None = None
        self.drawn: Drawn | str | None = None
        self._key: tuple[str, int, int] | None = None

    def show(self, image: Image) -> None:
        """Draw ``image``'s photo as large as the widget."""
        self.image, self.drawn, self._key = image, None, None
        self._request()
        self.refresh()

    def on_resize(self) -> None:
        self._request()

    def _request(self) -> None:
        size = self.content_region.size
        if self.image is None or size.width <= 0 or size.height <= 0:
            return
        key = (self.image.photo or "", size.width, size.height)
        if key != self._key:
            self._key = key
            self._draw(key, self.image, self.background_colors[1].rgb)

    @work(thread=True, exclusive=True, group="photo", exit_on_error=False)
    def _draw(self, key: tuple[str, int, int], image: Image, background: tuple[int, int, int]) -> None:
        path = photo_path(self.folder, image)
        if path is None:
            self.post_message(self.Ready(key, not_kept(image)))
            return
        from broadsheet.tui.graphics import cell_pixels

        cell = cell_pixels() if self.protocol not in ("halfblocks", "off") else (10, 20)
        self.post_message(self.Ready(key, draw_photo(PhotoKey(path, key[1], key[2], self.protocol, background, cell))))

    def on_photo_view_ready(self, message: PhotoView.Ready) -> None:
        if message.key == self._key:
            self.drawn = message.drawn
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        style = self.rich_style
        drawn = self.drawn
        if isinstance(drawn, Drawn):
            top = max(0, (self.content_region.height - drawn.rows) // 2)
            left = max(0, (width - drawn.cols) // 2)
            if top <= y < top + drawn.rows:
                region = self.content_region
                line = drawn.line(y - top, (region.x + left, region.y + top))
                return Strip.join([Strip.blank(left, style), line, Strip.blank(width - left - drawn.cols, style)])
            return Strip.blank(width, style)
        reason = drawn if isinstance(drawn, str) else ("loading the photo…" if self.image else "")
        lines = placeholder(reason, width) if reason else []
        if y < len(lines):
            return lines[y].apply_style(style).extend_cell_length(width, style)
        return Strip.blank(width, style)

"""A photo drawn as terminal lines, in the protocol the terminal speaks.

Which protocol that is was found out as the reader started (``graphics_probe``: one query
to the terminal, answered before Textual owns its input). Graphics bytes are built here
from decoded pixels only; no story text ever reaches them.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING

from rich.color import Color
from rich.control import Control
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.strip import Strip

if TYPE_CHECKING:
    from PIL import Image


def cell_pixels() -> tuple[int, int]:
    """A cell's size in pixels (from the tty's window size), else the VT340's 10 x 20."""
    import fcntl
    import struct
    import termios

    with contextlib.suppress(OSError, ValueError):
        rows, cols, width, height = struct.unpack("HHHH", fcntl.ioctl(1, termios.TIOCGWINSZ, b"\0" * 8))
        if rows and cols and width and height:
            return max(1, width // cols), max(1, height // rows)
    return 10, 20


# -- a photo as terminal lines ----------------------------------------------------------------

@dataclass(slots=True)
class Drawn:
    """A photo ready to draw: ``rows`` lines of ``cols`` cells.

    Half-blocks and Kitty placeholders are plain ``strips``. Sixel and iTerm2 draw at the
    cursor: ``payload`` is written from the photo's top-left when its last row is drawn,
    and the other rows skip their cells so the picture is not painted over.
    """

    cols: int
    rows: int
    strips: list[Strip] = field(default_factory=list, repr=False)
    payload: str = field(default="", repr=False)
    transmit: str = field(default="", repr=False)  # Kitty: the upload, sent once before the placeholders
    sent: bool = False

    def line(self, y: int, origin: tuple[int, int] | None) -> Strip:
        """Row ``y`` of the photo; ``origin`` is the photo's top-left on screen (None: not all visible)."""
        if self.strips:
            strip = self.strips[y]
            if y == 0 and self.transmit and not self.sent:
                self.sent = True
                return Strip([Segment(self.transmit, control=((ControlType.CURSOR_FORWARD, 0),)), *strip],
                             self.cols)
            return strip
        skip = Segment(Control.move(self.cols, 0).segment.text, control=((ControlType.CURSOR_FORWARD, 0),))
        if y < self.rows - 1 or origin is None:
            return Strip([skip], self.cols) if origin is not None else Strip.blank(self.cols)
        x0, y0 = origin
        draw = "\x1b7" + Control.move_to(x0, y0).segment.text + self.payload + "\x1b8"
        return Strip([Segment(draw, control=((ControlType.CURSOR_FORWARD, 0),)), skip], self.cols)


def halfblocks(image: Image.Image) -> Drawn:
    """Two pixels per cell: the upper in the foreground of ``▀``, the lower in its background."""
    from PIL import Image

    width, height = image.size
    if height % 2:
        padded = Image.new("RGB", (width, height + 1))
        padded.paste(image, (0, 0))
        image, height = padded, height + 1
    pixels = list(getattr(image, "get_flattened_data", image.getdata)())  # Pillow 12 renamed getdata
    colours: dict[tuple[int, int, int], Color] = {}
    styles: dict[tuple[tuple[int, int, int], tuple[int, int, int]], Style] = {}

    def style(upper: tuple[int, int, int], lower: tuple[int, int, int]) -> Style:
        found = styles.get((upper, lower))
        if found is None:
            fg = colours.get(upper) or colours.setdefault(upper, Color.from_rgb(*upper))
            bg = colours.get(lower) or colours.setdefault(lower, Color.from_rgb(*lower))
            found = styles[upper, lower] = Style.from_color(fg, bg)
        return found

    strips = []
    for y in range(0, height, 2):
        top, bottom = pixels[y * width:(y + 1) * width], pixels[(y + 1) * width:(y + 2) * width]
        strips.append(Strip([Segment("▀", style(upper, lower)) for upper, lower in zip(top, bottom, strict=True)],
                            width))
    return Drawn(width, height // 2, strips)


_KITTY_IDS = count((os.getpid() * 7919) % 0xFFFF00 + 1)
# Row/column marks of Kitty's Unicode placeholders (rowcolumn-diacritics.txt, the first 64).
_DIACRITICS = [
    0x0305, 0x030D, 0x030E, 0x0310, 0x0312, 0x033D, 0x033E, 0x033F, 0x0346, 0x034A, 0x034B, 0x034C, 0x0350,
    0x0351, 0x0352, 0x0357, 0x035B, 0x0363, 0x0364, 0x0365, 0x0366, 0x0367, 0x0368, 0x0369, 0x036A, 0x036B,
    0x036C, 0x036D, 0x036E, 0x036F, 0x0483, 0x0484, 0x0485, 0x0486, 0x0487, 0x0592, 0x0593, 0x0594, 0x0595,
    0x0597, 0x0598, 0x0599, 0x059C, 0x059D, 0x059E, 0x059F, 0x05A0, 0x05A1, 0x05A8, 0x05A9, 0x05AB, 0x05AC,
    0x05AF, 0x05C4, 0x0610, 0x0611, 0x0612, 0x0613, 0x0614, 0x0615, 0x0616, 0x0617, 0x0657, 0x0658,
]
MAX_ROWS = len(_DIACRITICS)


def _png_base64(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return base64.standard_b64encode(buffer.getvalue()).decode("ascii")


def kitty(image: Image.Image, cols: int, rows: int) -> Drawn:
    """Kitty graphics with Unicode placeholders: the upload once, then cells Textual lays out like text."""
    image_id = next(_KITTY_IDS) & 0xFFFFFF or 1
    data = _png_base64(image)
    chunks = [data[i:i + 4096] for i in range(0, len(data), 4096)] or [""]
    upload = "".join(
        f"\x1b_G{'a=t,f=100,q=2,i=' + str(image_id) + ',' if n == 0 else ''}m={int(n < len(chunks) - 1)};{chunk}\x1b\\"
        for n, chunk in enumerate(chunks))
    upload += f"\x1b_Ga=p,U=1,q=2,i={image_id},c={cols},r={rows}\x1b\\"
    style = Style(color=f"rgb({(image_id >> 16) & 255},{(image_id >> 8) & 255},{image_id & 255})")
    strips = []
    for row in range(rows):
        text = chr(0x10EEEE) + chr(_DIACRITICS[row]) + chr(_DIACRITICS[0]) + chr(0x10EEEE) * (cols - 1)
        strips.append(Strip([Segment(text, style)], cols))
    return Drawn(cols, rows, strips, transmit=upload)


def sixel(image: Image.Image, cols: int, rows: int, background: tuple[int, int, int]) -> Drawn:
    """Sixel bands (textual-image's encoder), drawn at the photo's top-left."""
    from textual_image._sixel import image_to_sixels  # the encoder only; the package's probe is not imported

    return Drawn(cols, rows, payload=image_to_sixels(image, None, (*background, 255)))


def iterm2(image: Image.Image, cols: int, rows: int) -> Drawn:
    """iTerm2's inline image (also WezTerm): a PNG sized to the cells."""
    data = _png_base64(image)
    payload = f"\x1b]1337;File=inline=1;width={cols};height={rows};preserveAspectRatio=1:{data}\x07"
    return Drawn(cols, rows, payload=payload)

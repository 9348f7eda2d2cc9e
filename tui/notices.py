"""Notices that name a file: a long path is broken after a folder's ``/``, never inside a name.

Textual wraps a notice at its spaces and cuts a word longer than the line where the line ends,
so a path came out as ``…/a-rather-long-f`` over ``older-name/…``. A notice holding such a path
gets a line break after the folder where the notice's line ends (its width as the screen's is
when it is given): the file name stays whole on the last line, where the eye looks for it.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size

#: Textual's toast (``textual.widgets._toast``): 60 cells, at most half the rack, which keeps two
#: columns for its scrollbar; of those, one for the coloured edge on the left and two of padding.
TOAST_WIDTH, TOAST_SHARE, RACK_SCROLLBAR, TOAST_FRAME = 60, 0.5, 2, 3

_PIECES = re.compile(r"[^/]*/|[^/]+")
_CHUNKS = re.compile(r"\S+ *| +")


def notice_width(screen_width: int) -> int:
    """The cells a notice's lines have on a screen ``screen_width`` wide."""
    return max(1, min(TOAST_WIDTH, int((screen_width - RACK_SCROLLBAR) * TOAST_SHARE)) - TOAST_FRAME)


def wrap_paths(message: str, width: int) -> str:
    """``message`` with a line break after a ``/`` wherever a path too long for a line of ``width``
    cells goes on to the next, as the notice lays out its lines (at its spaces, greedily): the path
    is broken between its folders, its file name kept whole (one longer than a line is still cut by
    the notice; a folder is cut in its middle). Nothing else changes: the notice wraps the rest."""
    if width < 2 or not any("/" in word and cell_len(word) > width for word in message.split()):
        return message
    return "\n".join(_broken(paragraph, width) for paragraph in message.split("\n"))


def _broken(paragraph: str, width: int) -> str:
    """``paragraph`` with its long paths broken for lines of ``width`` cells (see :func:`wrap_paths`),
    laid out as Textual's notice lays out a line: a word and the spaces after it go on the line if
    they fit, else on the next; a word longer than a line is cut where the line ends."""
    out: list[str] = []
    used = 0  # cells on the line being laid out
    for chunk in _CHUNKS.findall(paragraph):
        cells = cell_len(chunk)
        word = chunk.rstrip(" ")
        if used + cells <= width or cells <= width or "/" not in word:
            out.append(chunk)
            used = used + cells if used + cells <= width else (cells - 1) % width + 1
            continue
        line: list[str] = []  # the pieces of the path on this line, after ``used`` cells
        for piece in _PIECES.findall(word):
            if piece.endswith("/") and cell_len(piece) > width:  # a folder longer than a line
                piece = middle_cut(piece, width)
            if line and used + cell_len(piece) > width:
                out.append("".join(line) + "\n")  # after a folder: a line ends in no name
                line, used = [], 0
            elif not line and used + cell_len(piece) > width:
                used = 0  # the notice puts the path on a line of its own, at the space before it
            line.append(piece)
            used += cell_len(piece)
        out.append("".join(line) + chunk[len(word):])
        used += len(chunk) - len(word)
    return "".join(out)


def middle_cut(name: str, width: int) -> str:
    """``name``, longer than ``width`` cells, cut in its middle to ``width`` (``another…testing/``):
    its beginning and its end are what tell folders apart."""
    head = set_cell_size(name, width // 2).rstrip()  # (padded where a wide character did not fit)
    room, tail = width - 1 - cell_len(head), ""
    for char in reversed(name):
        if cell_len(char + tail) > room:
            break
        tail = char + tail
    return f"{head}…{tail}"

"""Tables printed to a pipe or a file: a line a row, nothing cut or wrapped.

In a terminal Rich fits a table to its width (cutting with "…" or wrapping a cell over
lines); to a pipe that width is a made-up 80 columns, and a headline cut there or an address
split mid-word is lost to ``grep``. So away from a terminal each row is printed whole on one
line, as ``ls`` or ``newsboat -x print`` do.
"""

from __future__ import annotations

import io
import re
from collections.abc import Container, Sequence
from itertools import chain

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

WIDE = 1_000_000  # cells: wider than any row, so none is cut or wrapped
#: What Rich does not print as it is in a cell: a tab, a line break, the control codes Text drops.
_NOT_PLAIN = re.compile(r"[\t\n\x07\x08\x0b\x0c\x0d]")


def print_table(out: Console, table: Table) -> None:
    """``table`` as Rich fits it in a terminal; elsewhere a line a row (trailing padding dropped)."""
    if out.is_terminal:
        out.print(table)
        return
    wide = Console(file=io.StringIO(), width=WIDE, highlight=False, color_system=None, markup=False)
    wide.print(table)
    text = wide.file.getvalue()  # type: ignore[attr-defined]
    out.file.write("".join(line.rstrip() + "\n" for line in text.splitlines()))


def plain_columns(rows: Sequence[Sequence[str]], right: Container[int] = ()) -> list[str] | None:
    """``rows`` of plain cells (the header first) as :func:`print_table` prints a ``Table(box=None,
    pad_edge=False)`` of them as Text to a pipe: each column as wide as its widest cell (``right``:
    the columns justified right), two spaces between, a line's end trimmed. Without the table:
    Rich laid out 50,000 rows of ``feeds list`` in 17 s. None when a cell is not one line (a tab,
    a line break of a hand-edited file) or holds a control code Rich's Text drops: print the table."""
    if _NOT_PLAIN.search("".join(chain.from_iterable(rows))):
        return None
    laid = []
    for n, column in enumerate(zip(*rows, strict=True)):
        if n in right:  # (as Rich justifies it: the spaces at its end dropped first)
            column = tuple(cell.rstrip() for cell in column)
        sizes = [len(cell) if cell.isascii() else cell_len(cell) for cell in column]  # (cells: CJK is two)
        width = max(sizes)
        pad = str.rjust if n in right else str.ljust
        laid.append([pad(cell, width + len(cell) - size) for cell, size in zip(column, sizes, strict=True)])
    return ["  ".join(row).rstrip() for row in zip(*laid, strict=True)]


def output_file(value: str) -> str | None:
    """``-o FILE``'s argument: ``-`` is standard output, as for most commands (it wrote a file named ``-``)."""
    return None if value == "-" else value

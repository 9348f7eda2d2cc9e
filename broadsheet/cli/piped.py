"""Tables printed to a pipe or a file: a line a row, nothing cut or wrapped.

In a terminal Rich fits a table to its width (cutting with "…" or wrapping a cell over
lines); to a pipe that width is a made-up 80 columns, and a headline cut there or an address
split mid-word is lost to ``grep``. So away from a terminal each row is printed whole on one
line, as ``ls`` or ``newsboat -x print`` do.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

WIDE = 1_000_000  # cells: wider than any row, so none is cut or wrapped


def print_table(out: Console, table: Table) -> None:
    """``table`` as Rich fits it in a terminal; elsewhere a line a row (trailing padding dropped)."""
    if out.is_terminal:
        out.print(table)
        return
    wide = Console(file=io.StringIO(), width=WIDE, highlight=False, color_system=None, markup=False)
    wide.print(table)
    text = wide.file.getvalue()  # type: ignore[attr-defined]
    out.file.write("".join(line.rstrip() + "\n" for line in text.splitlines()))


def output_file(value: str) -> str | None:
    """``-o FILE``'s argument: ``-`` is standard output, as for most commands (it wrote a file named ``-``)."""
    return None if value == "-" else value

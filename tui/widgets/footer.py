"""The footer of keys, showing whole keys only.

Textual's footer lays its keys out in a row and clips the row at the screen's edge, so a
key that did not fit was cut mid-word ("m Rea▏^p palette"). This one leaves out the keys that
do not fit, from the last, and keeps the help key, which lists every key.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the footer's own key widget: no public name

#: The action of the key kept whatever the width: help lists every key the footer leaves out.
KEPT_ACTION = "help"


def key_width(key: FooterKey, compact: bool) -> int:
    """Cells ``key`` takes in the footer, its margin (or the palette key's border) included,
    as the footer's default styles lay it out."""
    width = cell_len(key.key_display)
    if key.description:
        width += 1 + cell_len(key.description)
    if key.has_class("-command-palette"):
        return width + 1 + (0 if compact else 3)  # its left border; unless compact, its padding
    return width + (1 if compact else 2)  # the margin after it (compact), else the padding around it


def fitting(keys: list[FooterKey], width: int, compact: bool) -> list[FooterKey]:
    """The keys that fit in ``width`` cells, in order: the palette key, the help key, and as
    many of the others as there is room for after them, from the first."""
    kept = [key for key in keys if key.has_class("-command-palette") or key.action == KEPT_ACTION]
    room = width - sum(key_width(key, compact) for key in kept)
    shown: list[FooterKey] = []
    for key in keys:
        if key not in kept:
            room -= key_width(key, compact)
            if room < 0:
                continue
        shown.append(key)
    return shown


class KeysFooter(Footer):
    """A footer that leaves out the keys it has no room for, rather than cut the last one."""

    def compose(self) -> ComposeResult:
        children: list[Widget] = list(super().compose())
        keys = [child for child in children if isinstance(child, FooterKey)]
        if len(keys) == len(children) and self.size.width:  # (binding groups are not measured: all shown)
            children = list(fitting(keys, self.size.width, self.compact))
        yield from children

    def on_resize(self, event: events.Resize) -> None:
        if self.children:
            self.refresh(recompose=True)

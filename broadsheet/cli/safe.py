"""Untrusted text (file names, addresses, reasons) made safe to print on a terminal.

Kept apart from the commands that use it so the light ones (``feeds``) need not import the
importer and the parser with ``commands``: the reader's start parses every command's arguments.
"""

from __future__ import annotations


def shown(text: str) -> str:
    """A file name or reason made safe for the terminal: control and format characters as ``\\xNN``.

    File names are untrusted too: one holding ``ESC ] 0 ;`` would retitle the window.
    """
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                   for c in text)

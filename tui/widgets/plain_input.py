"""A one-line text field that takes in plain text only, whatever is typed or pasted."""

from __future__ import annotations

from textual.widgets import Input

from broadsheet.store.sanitize import typed_text


class PlainInput(Input):
    """An Input that drops escape sequences, control characters and bidi overrides from what is
    typed or pasted (a search, then its saved name, or a tag kept them, and drew them raw)."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(typed_text(text), start, end)

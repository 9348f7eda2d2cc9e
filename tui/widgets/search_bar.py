"""The search bar: filters the headline list as you type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """Esc clears the search and restores the selection; Enter or Down keeps it."""

    BINDINGS = [
        Binding("escape", "clear_and_leave", "Clear search"),
        Binding("enter,down", "leave", "To results", show=False),
    ]

    @dataclass
    class Done(Message):
        cleared: bool
        restore: str | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Search headlines, people, captions, sources (/)", id=id)
        self._restore: str | None = None
        self.on_leave: Callable[[], None] | None = None  # the screen's: move the focus to the results

    def begin(self, current_story: str | None) -> None:
        """Focus the bar, remembering the story to go back to if the search is cleared."""
        if not self.value:
            self._restore = current_story
        self.focus()

    def action_clear_and_leave(self) -> None:
        had_text = bool(self.value)
        with self.prevent(Input.Changed):
            self.value = ""
        self.post_message(self.Done(cleared=had_text, restore=self._restore))
        self._leave()

    def action_leave(self) -> None:
        self.post_message(self.Done(cleared=False, restore=None))
        self._leave()

    def _leave(self) -> None:
        """Move the focus now: keys typed after Esc or Enter in the same read go where it goes."""
        if self.on_leave is not None:
            self.on_leave()

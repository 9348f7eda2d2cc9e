"""The search bar: filters the headline list as you type."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.widgets import Input

from broadsheet.tui.widgets.plain_input import PlainInput


class SearchBar(PlainInput):
    """Esc clears the search and restores the selection; Enter or Down keeps it."""

    BINDINGS = [
        Binding("escape", "clear_and_leave", "Clear search", id="search.clear"),
        Binding("enter,down", "leave", "To results", show=False, id="search.to_results"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        # The text is selected by begin(), at once: Input's own select on focus comes a message
        # later, after keys typed in the same read as "/" went in, and the next key replaced them.
        super().__init__(placeholder="Search headlines, people, captions, sources (/)", id=id, select_on_focus=False)
        self._restore: str | None = None
        self.on_leave: Callable[[], None] | None = None  # the screen's: move the focus to the results
        #: The screen's: list every story again, the cursor on this one (the story before the search).
        self.on_clear: Callable[[str | None], None] | None = None

    def begin(self, current_story: str | None) -> None:
        """Select the text, so what is typed next replaces it, and remember the story to go back
        to if the search is cleared. The screen then focuses the bar at once: ``focus()`` would
        do it a message later, taking the focus back from the list after an Enter typed in the
        same read ("/word⏎" pasted, or over a slow link)."""
        if not self.value:
            self._restore = current_story
        self.select_all()

    @property
    def selected_before(self) -> str | None:
        """The story selected before the search: the list goes back to it when the search is cleared."""
        return self._restore

    def action_clear_and_leave(self, keep: str | None = None) -> None:
        """Clear the search and leave, both now: a key typed after Esc in the same read acts on
        the whole list (a message later, the list would come back under it, the cursor moved back).
        The list goes back to the story selected before the search, or to ``keep`` (the one the
        user went to among the results, as mutt and newsboat keep it when a limit goes)."""
        if self.value:
            with self.prevent(Input.Changed):
                self.value = ""
            if self.on_clear is not None:
                self.on_clear(keep or self._restore)
        self.action_leave()

    def action_leave(self) -> None:
        """Move the focus now: keys typed after Esc or Enter in the same read go where it goes."""
        if self.on_leave is not None:
            self.on_leave()

"""The subscribe dialog: a feed's address and its tags, as ``broadsheet feeds add URL --tag T``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from broadsheet.tui.screens.dialogs import PromptInput, PromptScreen, TagSuggester
from broadsheet.tui.screens.help import key_hints

#: Said under the fields until something is refused.
HINT = "Enter subscribes and fetches the feed; Tab moves to the tags; {cancel} cancels"


class SubscribeScreen(PromptScreen):
    """Ask for a feed's address and optional tags. ``subscribe(address, tags)`` does it (the main
    screen's, with the store's own checks) and returns why it did not, said here under the
    fields with what was typed kept, or None: done, and the dialog closes with the address."""

    def __init__(self, subscribe: Callable[[str, str], str | None], known_tags: Sequence[str]) -> None:
        super().__init__("Subscribe to a feed", hint=HINT)
        self._subscribe = subscribe
        self._known_tags = known_tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Label(Text(self._title, style="bold"))
            yield Label(Text("Address (RSS, Atom or JSON Feed; http or https)"))
            yield PromptInput(placeholder="https://gazette.example/feed.xml", id="prompt-input")
            yield Label(Text("Tags for its stories (optional, comma-separated)"))
            yield PromptInput(placeholder="news, harbour", suggester=TagSuggester(self._known_tags),
                              id="subscribe-tags")
            problem = Static("", id="subscribe-problem")
            problem.display = False  # (no blank line while nothing is refused)
            yield problem
            cancel = " / ".join(key_hints(self)["cancel"])
            yield Static(Text(self._hint.replace("{cancel}", cancel), style="dim"), id="prompt-hint")

    def submit(self, value: str) -> None:
        """Subscribe to the address typed (Enter in either field), once."""
        if self._answered:
            return
        address = self.query_one("#prompt-input", Input).value
        problem = self._subscribe(address, self.query_one("#subscribe-tags", Input).value)
        if problem:  # plain text: it quotes the address typed; the hint stays, saying how to cancel
            said = self.query_one("#subscribe-problem", Static)
            said.update(Text(problem, style="bold red"))
            said.display = True
            return
        self._answered = True
        self.dismiss(address)

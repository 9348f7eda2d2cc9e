"""Small modal dialogs: confirm, ask for a line of text, edit tags."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Label, Static

from broadsheet.store.storage.userstate import TagError, parse_tag_edit
from broadsheet.tui.screens.help import key_hints
from broadsheet.tui.widgets.plain_input import PlainInput


class ConfirmScreen(ModalScreen[bool]):
    """Yes/no question; y or Enter confirms, n or Esc cancels."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "No", id="dialog.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(classes="dialog")
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(Text(self._question))
            keys = {action: " / ".join(names) for action, names in key_hints(self).items()}
            yield Label(Text(f"{keys['answer(True)']}: yes    {keys['answer(False)']}: no", style="dim"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


#: The most lines a prompt's title takes: a long search named in it wraps, then is cut with "…".
TITLE_LINES = 3


@dataclass(frozen=True, slots=True)
class WrappedTitle:
    """A prompt's title wrapped to the width it is drawn at, cut with "…" after ``TITLE_LINES``
    lines: on one line a long search ran off the dialog's edge unmarked ("Name for the search:
    feed:"harbour gazette" is:unread by:brennic" and no more), and whole it could push the field
    off a short screen."""

    text: Text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = list(self.text.wrap(console, options.max_width))
        if len(lines) > TITLE_LINES:
            lines = lines[:TITLE_LINES]
            lines[-1].rstrip()
            lines[-1].append("…")
            lines[-1].truncate(options.max_width, overflow="ellipsis")  # (cut again if that made it too long)
        yield from lines


class PromptInput(PlainInput):
    """Enter submits at once, not by a message: keys typed after it in the same read (over a
    laggy link, or quickly) were typed into the prompt being closed, and lost, and a second
    Enter closed it twice (the reader stopped with a screen stack error)."""

    async def action_submit(self) -> None:
        screen = self.screen
        if isinstance(screen, PromptScreen):  # (always: only a PromptScreen has one)
            screen.submit(self.value)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; Esc cancels (returns None). ``{cancel}`` in ``hint`` names its key."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, value: str = "", *, placeholder: str = "",
                 suggester: Suggester | None = None, hint: str = "",
                 check: Callable[[str], str | None] | None = None, replace: bool = False) -> None:
        super().__init__(classes="dialog")
        self._title, self._value, self._placeholder = title, value, placeholder
        self._replace = replace  # ``value`` is an offer, selected: what is typed takes its place
        self._suggester, self._hint = suggester, hint
        self._check = check  # why a text cannot be accepted, said in place of the hint; None: it can
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(WrappedTitle(Text(self._title, style="bold")))
            yield PromptInput(self._value, placeholder=self._placeholder, suggester=self._suggester, id="prompt-input",
                              select_on_focus=self._replace)
            cancel = " / ".join(key_hints(self)["cancel"])
            hint = (self._hint or "Enter: OK    {cancel}: cancel").replace("{cancel}", cancel)
            yield Static(Text(hint, style="dim"), id="prompt-hint")

    def submit(self, value: str) -> None:
        """Close with ``value``, once: a second Enter in the same read closed the screen below."""
        if self._answered:
            return
        problem = self._check(value) if self._check is not None else None
        if problem:  # the dialog stays, with what was typed: closed, the error lost it all
            self.query_one("#prompt-hint", Static).update(Text(problem, style="bold red"))
            return
        self._answered = True
        self.dismiss(value)

    def action_cancel(self) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(None)


class TagSuggester(Suggester):
    """Completes the last comma-separated tag from the tags already in use."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self._tags = sorted(tags)

    async def get_suggestion(self, value: str) -> str | None:
        last = value.rpartition(",")[2]
        stem = last.lstrip().lstrip("-").lower()
        if not stem:
            return None
        for tag in self._tags:
            if tag.startswith(stem) and tag != stem:
                return value + tag[len(stem):]
        return None


def tag_editor(current: Sequence[str], known: Sequence[str], count: int = 1) -> PromptScreen:
    """The tag editor: the story's tags as ``a, b``; edit the list, ``-tag`` removes."""
    title = "Tags" if count == 1 else f"Add tags to {count:,} stories"
    return PromptScreen(
        title,
        ", ".join(current) + (", " if current else ""),
        placeholder="tag, another tag, -remove-this",
        suggester=TagSuggester(known),
        hint="Comma-separated; -tag removes; → accepts a completion; Enter saves; {cancel} cancels",
        check=tag_edit_problem,
    )


def tag_edit_problem(text: str) -> str | None:
    """Why the tag editor's text cannot be saved, or None."""
    try:
        parse_tag_edit(text)
    except TagError as exc:
        return f"{exc}. Correct it, or Esc cancels."
    return None

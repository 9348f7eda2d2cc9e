"""The help screen: every key of the main screen, read from the bindings as the keymap left them."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Mapping
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.keys import format_key
from textual.notifications import Notification, Notify
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.widgets._toast import ToastRack  # (textual is pinned: its private module stays where it is)

from broadsheet.tui.bindings import bindings_of

#: Named keys in words, as the README names them: the help mixed Textual's footer spellings
#: ("esc", "^d", "⏎", "pgdn") with its own "Tab / Shift+Tab" and "Ctrl+P", and the dialogs'
#: hints said "Enter" beside "^g". The footer keeps Textual's short ones, for room.
_KEY_NAMES = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "Space", "backspace": "Backspace",
              "delete": "Delete", "insert": "Insert", "home": "Home", "end": "End", "pageup": "PgUp",
              "pagedown": "PgDn"}


def key_label(key: str) -> str:
    """How the help, the dialogs' hints and the palette name a key: ``question_mark`` -> ``?``,
    ``ctrl+d`` -> ``Ctrl+D``, ``escape`` -> ``Esc``, ``f1`` -> ``F1``; letters as typed, arrows as arrows."""
    modifiers, name = Binding(key.strip(), "").parse_key()
    if name in _KEY_NAMES:
        name = _KEY_NAMES[name]
    elif modifiers or re.fullmatch(r"f\d+", name):
        name = format_key(name).upper()  # Ctrl+D, not Ctrl+d; F1
    else:
        name = format_key(name)
    return "+".join([*(modifier.capitalize() for modifier in modifiers), name])


def key_hints(screen: Screen[Any]) -> dict[str, list[str]]:
    """Action -> its keys as a dialog's hint line names them (``Enter``, ``x``), as the config's
    ``[keys]`` left them: a question saying "n / Esc: no" that x answers misleads."""
    keymap: Mapping[str, str] = getattr(screen.app, "keymap", {})  # BroadsheetApp's: binding id -> keys
    return {b.action: [key_label(k) for k in b.key.split(",")] for b in bindings_of(screen, keymap)}


def regions(screen: Screen) -> list[tuple[str, DOMNode | type]]:
    from broadsheet.tui.screens.dialogs import ConfirmScreen, PromptScreen
    from broadsheet.tui.screens.photo import PhotoScreen
    from broadsheet.tui.widgets.article_view import ArticleView
    from broadsheet.tui.widgets.credits_panel import CreditsPanel
    from broadsheet.tui.widgets.headline_list import HeadlineList
    from broadsheet.tui.widgets.search_bar import SearchBar
    from broadsheet.tui.widgets.sidebar import Sidebar

    return [
        ("Everywhere", screen),
        ("Headline list", screen.query_one(HeadlineList)),
        ("Article", screen.query_one(ArticleView)),
        ("Caption & credits", screen.query_one(CreditsPanel)),
        ("Search bar", screen.query_one(SearchBar)),
        ("Filters sidebar (f)", screen.query_one(Sidebar)),
        ("Photo full-screen (v)", PhotoScreen),
        ("Yes / no questions", ConfirmScreen),
        ("Text prompts", PromptScreen),
        ("This help", HelpScreen),
        ("This help", HelpBody),  # (its moves, listed under the same title)
        ("Application", screen.app),
    ]


class HelpBody(VerticalScroll):
    """The help's scrolled text, moved with the reader's own keys too (only the arrows and
    PgUp/PgDn scrolled it, so j and G, the first keys a vim hand tries, did nothing)."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="help.down"),
        Binding("k", "scroll_up", "Up", show=False, id="help.up"),
        Binding("g", "scroll_home", "Top", show=False, id="help.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="help.bottom"),
        Binding("ctrl+d,space", "page_down", "Page down", show=False, id="help.page_down"),
        Binding("ctrl+u", "page_up", "Page up", show=False, id="help.page_up"),
    ]


#: The query language in brief, under the keys (README's "Search" says it all): what a user of
#: notmuch or Gmail looks for first, and could only find in the README.
SEARCH_SYNTAX = (
    ("harbour ferry", "Stories holding both words, in any field (stemmed; case and accents folded)"),
    ('"harbour ferry"', "The words side by side"),
    ("ferr*", "Words beginning ferr (a half-typed last word is searched so)"),
    ("ferry OR bridge", "Either word (OR, AND and NOT in capitals)"),
    ("ferry | bridge", "Either word too, as Google writes it"),
    ("-ferry  NOT ferry", "Without the word; -(ferry OR bridge) without either"),
    ("headline: body: caption:", "The word in that field only: headline:ferry, caption:(storm OR flood)"),
    ("standfirst: dateline:", "The summary under the headline; the place line: dateline:oslo"),
    ("by: source: agency: feed:", 'Authors and credits, the source, its agency, its feed: by:"Ann Lee"'),
    ("credit:", "Reporting and photo credits, not the authors: credit:lund"),
    ("tag:work  is:bookmarked", "Your tags and marks; is:unread, is:read; is:new: the latest fetch's"),
    ("after:2024-05-01", "From that day on; before:2024-06-01 up to the day before it"),
    ("sort:date", "Newest first instead of the best matches first"),
)

#: Below this width the binding ids go under what each key does, not in a column of their own:
#: at 40 columns they kept their room and cut every description to a letter ("S…").
IDS_FROM = 90


@dataclasses.dataclass(frozen=True)
class KeysTable:
    """The help's rows (key, what it does, its id), laid out for the width it is drawn at."""

    rows: list[tuple[Text, Text, Text]]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ids = options.max_width >= IDS_FROM
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=ids)  # narrow: "ctrl+d / space" may take two lines
        table.add_column()
        if ids:
            table.add_column(style="dim")
        for key, what, binding_id in self.rows:
            if ids:
                table.add_row(key, what, binding_id)
            elif binding_id.plain:  # narrow: the id under what it does (README: "ids shown in ?")
                table.add_row(key, Text.assemble(what, "\n", (binding_id.plain, "dim"), overflow="fold"))
            else:
                table.add_row(key, what)
        yield table


class HelpScreen(ModalScreen[None]):
    """Every key, above the notices: toasts were drawn over the keys they covered. The toasts
    shown when it opens stay on the main screen under it; a notice given while it is open waits
    (:meth:`hold`) and is shown, for its whole time, when it closes."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close")]

    def __init__(self, main: Screen, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self._main = main
        self._keymap = keymap  # the app's: binding id -> keys
        self._held: list[Notification] = []

    def _extend_compose(self, widgets: list[Widget]) -> None:
        """Textual's own widgets of a screen but its toast rack: no toast is drawn over the keys."""
        super()._extend_compose(widgets)
        widgets[:] = [widget for widget in widgets if not isinstance(widget, ToastRack)]

    def hold(self, notification: Notification) -> None:
        """Keep a notice given while this screen is shown, to be shown once it closes (the app's
        ``on_notify``): its time does not run out unseen under it."""
        self._held.append(notification)

    def on_unmount(self) -> None:
        for notification in self._held:
            self.app.post_message(Notify(dataclasses.replace(notification, raised_at=time.time())))

    def compose(self) -> ComposeResult:
        rows: list[tuple[Text, Text, Text]] = []
        heading = ""
        for title, node in regions(self._main):
            bound = [b for b in bindings_of(node, self._keymap) if b.description]
            if not bound:
                continue
            note = "id for [keys]" if title == "Everywhere" else ""
            if title == heading:
                rows.pop()  # the blank line after its first part: a second part goes on under its title
            else:
                rows.append((Text(title, style="bold underline"), Text(""), Text(note)))
            heading = title
            for binding in bound:
                keys = " / ".join(key_label(k) for k in binding.key.split(","))
                rows.append((Text(keys), Text(binding.description), Text(binding.id or "")))
            rows.append((Text(""), Text(""), Text("")))
        rows.append((Text(f"{key_label('tab')} / {key_label('shift+tab')}"), Text("Move between regions"), Text("")))
        rows.append((Text(key_label(self.app.COMMAND_PALETTE_BINDING)),
                     Text("Command palette: every action but scrolling, stories, tags, saved searches"), Text("")))
        rows.append((Text("Mouse"), Text("Click a headline to show it, double-click to open"), Text("")))
        rows.append((Text(""), Text(""), Text("")))
        rows.append((Text("Search", style="bold underline"), Text(""), Text("typed in the bar")))
        rows.extend((Text(typed, overflow="fold"), Text(finds, overflow="fold"), Text(""))
                    for typed, finds in SEARCH_SYNTAX)
        with HelpBody(id="help-body"):
            yield Static(Text("Broadsheet keys", style="bold"), id="help-title")
            yield Static(KeysTable(rows), id="help-keys")
            yield Static(Text(f"{key_hints(self)['dismiss'][0]} closes this screen", style="dim"))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)

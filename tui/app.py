"""The Broadsheet Textual application. It is given its store, so tests pass a temp one."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from broadsheet.resources import stylesheets
from store.db import Store
from tui.screens.main import MainScreen


class BroadsheetApp(App[None]):
    TITLE = "Broadsheet"
    CSS_PATH = stylesheets()  # type: ignore[assignment]
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False)]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def get_default_screen(self) -> Screen:
        return MainScreen(self.store)

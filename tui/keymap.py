"""The ids the reader's bindings carry: what a config's ``[keys]`` table may rebind."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.dom import DOMNode


def _rebindable() -> list[type[DOMNode]]:
    from broadsheet.tui.app import BroadsheetApp
    from broadsheet.tui.screens.main import MainScreen
    from broadsheet.tui.widgets.article_view import ArticleView
    from broadsheet.tui.widgets.headline_list import HeadlineList
    from broadsheet.tui.widgets.search_bar import SearchBar
    from broadsheet.tui.widgets.sidebar import Sidebar

    return [BroadsheetApp, MainScreen, HeadlineList, ArticleView, SearchBar, Sidebar]


def binding_ids() -> set[str]:
    """Every binding id of the reader's own classes (and their bases)."""
    ids: set[str] = set()
    for cls in _rebindable():
        for base in cls.__mro__:
            for binding in Binding.make_bindings(base.__dict__.get("BINDINGS", [])):
                if binding.id:
                    ids.add(binding.id)
    return ids


def unknown_ids(keys: Iterable[str]) -> list[str]:
    """The ids in ``keys`` that no binding has (a typo would otherwise be ignored silently)."""
    known = binding_ids()
    return sorted(key for key in keys if key not in known)

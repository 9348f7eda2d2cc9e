"""The main screen: search bar, headline list, article view and caption/credits panel."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from store.db import Store, StoryMeta, StoryState
from store.filter import WordFilter
from tui.widgets.article_view import ArticleView
from tui.widgets.credits_panel import CreditsPanel
from tui.widgets.headline_list import HeadlineList, Row
from tui.widgets.search_bar import SearchBar


class MainScreen(Screen[None]):
    """The four regions, kept in step: the list cursor decides what the other panes show."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        Binding("question_mark,f1", "help", "Keys"),
        Binding("q", "app.quit", "Quit"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (130, "-wide")]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._stories: list[StoryMeta] = []
        self._filter = WordFilter()

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield SearchBar(id="search")
            yield Label("", id="match-count")
        with Horizontal(id="panes"):
            yield HeadlineList(id="headlines")
            with Vertical(id="reading"):
                yield ArticleView(id="article")
                yield CreditsPanel(id="credits")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.focus_list()

    # -- data -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the story list and user state from the store and redraw the list."""
        self._stories = self.store.stories()
        self.apply_filter(self.query_one(SearchBar).value)

    def apply_filter(self, query: str, keep: str | None = None) -> None:
        headlines = self.query_one(HeadlineList)
        keep = keep or (headlines.current.id if headlines.current else None)
        states = self.store.states()
        shown = self._filter(self._stories, query)
        headlines.set_rows([Row(m, states.get(m.id, StoryState())) for m in shown], keep=keep)
        total = len(self._stories)
        count = f"{len(shown)} of {total}" if query.strip() else f"{total} stories"
        self.query_one("#match-count", Label).update(Text(count))
        if not shown:
            self._show(None)

    def _show(self, story: StoryMeta | None) -> None:
        article = self.store.article(story.id) if story else None
        self.query_one(ArticleView).show(article)
        self.query_one(CreditsPanel).show(article)

    # -- events -----------------------------------------------------------------------------

    @on(HeadlineList.Highlighted)
    def _highlighted(self, message: HeadlineList.Highlighted) -> None:
        self._show(message.story)

    @on(HeadlineList.Opened)
    def _opened(self, message: HeadlineList.Opened) -> None:
        state = self.store.set_read(message.story.id, True)
        self.query_one(HeadlineList).update_state(message.story.id, state)
        self.query_one(ArticleView).focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, message: Input.Changed) -> None:
        self.apply_filter(message.value)

    @on(SearchBar.Done)
    def _search_done(self, message: SearchBar.Done) -> None:
        if message.cleared:
            self.apply_filter("", keep=message.restore)
        self.focus_list()

    # -- actions ----------------------------------------------------------------------------

    def focus_list(self) -> None:
        self.query_one(HeadlineList).focus()

    def action_focus_search(self) -> None:
        headlines = self.query_one(HeadlineList)
        self.query_one(SearchBar).begin(headlines.current.id if headlines.current else None)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

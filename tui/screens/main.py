"""The main screen: search bar, filters sidebar, headline list, article view, credits panel.

The screen owns the state (all stories, user marks, the query, the order) and pushes it
down; widgets report upward with messages. Searching runs in an exclusive thread worker,
so each keystroke cancels the previous query and keys never wait for results.
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label
from textual.worker import get_current_worker

from broadsheet.store.errors import StoreFileError
from broadsheet.store.reader.ordering import next_order, order_stories
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.tinydb import gc_paused
from broadsheet.store.storage.userstate import EMPTY, StoryState, TagError, parse_tag_edit
from broadsheet.tui.links import copy_text, open_in_browser
from broadsheet.tui.screens.dialogs import ConfirmScreen, PromptScreen, tag_editor
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.credits_panel import CreditsPanel
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.search_bar import SearchBar
from broadsheet.tui.widgets.sidebar import Sidebar

T = TypeVar("T")


def _mark_read(state: StoryState) -> StoryState:
    return StoryState(state.bookmarked, True, state.tags)


class MainScreen(Screen[None]):
    """The four regions kept in step: the list cursor decides what the other panes show."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="app.search"),
        Binding("question_mark,f1", "help", "Keys", id="app.help"),
        Binding("q", "app.quit", "Quit", id="app.quit"),
        Binding("b", "bookmark", "Bookmark", id="story.bookmark"),
        Binding("t", "tag", "Tag", id="story.tag"),
        Binding("m", "toggle_read", "Read/unread", id="story.read"),
        Binding("left_square_bracket", "step_story(-1)", "Previous story", show=False, id="story.previous"),
        Binding("right_square_bracket", "step_story(1)", "Next story", show=False, id="story.next"),
        Binding("B", "bookmark_all", "Bookmark all listed", show=False, id="list.bookmark_all"),
        Binding("T", "tag_all", "Tag all listed", show=False, id="list.tag_all"),
        Binding("s", "save_search", "Save search", show=False, id="search.save"),
        Binding("f", "toggle_sidebar", "Filters", show=False, id="view.sidebar"),
        Binding("c", "toggle_credits", "Credits panel", show=False, id="view.credits"),
        Binding("z", "toggle_zen", "Full-width reading", show=False, id="view.zen"),
        Binding("o", "cycle_order", "Order", show=False, id="list.order"),
        Binding("r", "refresh", "Refresh", show=False, id="app.refresh"),
        Binding("p", "step_photo(1)", "Next photo", show=False, id="story.next_photo"),
        Binding("P", "step_photo(-1)", "Previous photo", show=False, id="story.previous_photo"),
        Binding("v", "view_photo", "Photo full-screen", show=False, id="story.view_photo"),
        Binding("y", "copy_url", "Copy story address", show=False, id="story.copy_url"),
        Binding("w", "open_url", "Open story in browser", show=False, id="story.open_url"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (150, "-wide")]

    @dataclass
    class SearchDone(Message):
        query: str
        ids: list[str] | None
        terms: list[str]
        error: str | None
        total: int = 0

    def __init__(self, store: Store) -> None:
        super().__init__()
        # The store's files parsed when it was opened (articles.json: about 600,000 objects
        # at 50,000 stories) live as long as the reader: spare them the garbage collector's
        # full passes while the app starts (0.25 s at 50k). Undone in on_unmount.
        gc.freeze()
        self.store = store
        self.stories: list[StoryMeta] = []
        self.by_id: dict[str, StoryMeta] = {}
        self.states: dict[str, StoryState] = {}
        self.order = "newest"
        self.query_text = ""
        self.result_ids: list[str] | None = None  # None: every story
        self.result_total = 0
        self.terms: list[str] = []
        self._fingerprint: tuple[tuple[int, int, int], ...] | None = None

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            with Horizontal(id="search-row"):
                yield SearchBar(id="search")
                yield Label("", id="match-count")
            yield Label("", id="search-error")
        with Horizontal(id="panes"):
            yield Sidebar(id="sidebar")
            yield HeadlineList(id="headlines")
            with Horizontal(id="reading"):
                yield ArticleView(id="article")
                yield CreditsPanel(id="credits", protocol=self.app.graphics,  # type: ignore[attr-defined]
                                   folder=self.store.folder)
        yield Footer()

    def on_unmount(self) -> None:
        """Hand what :meth:`reload` froze back to the garbage collector (an app that ends
        inside a longer-lived process, as in tests, must not leave its objects frozen)."""
        gc.unfreeze()

    def on_mount(self) -> None:
        self.headlines.border_title = "Headlines"
        self.article_view.border_title = "Story"
        self.query_one(CreditsPanel).border_title = "Caption & credits"
        self.query_one("#sidebar").border_title = "Filters"
        self.order = self.store.user.get_setting("order", "newest")
        session = self.store.user.get_setting("session", {}) or {}
        self._restore_scroll: tuple[str, int] | None = None
        if session.get("story"):
            self._restore_scroll = (session["story"], int(session.get("scroll", 0)))
        if self.app.size.width >= 150:
            self.add_class("-sidebar")
        self.watch(self.headlines, "cursor", self._highlighted, init=False)
        self.reload(restore=session.get("story"))
        self.headlines.focus()
        if self.store.read_only:
            why = self.store.write_error or "the store folder cannot be written"
            self.notify(f"{why}. Reading works; changes will not be saved.", title="Read-only store",
                        severity="warning", timeout=10)

    # -- data -------------------------------------------------------------------------------

    def reload(self, restore: str | None = None) -> None:
        """Re-read stories and user state from the store (other instances' changes too)."""
        if self._fingerprint is not None:
            self.app.catch_up_index()  # type: ignore[attr-defined]
        self._fingerprint = self.store.fingerprint()
        gc.unfreeze()  # the previous list (see below) goes back to the collector
        with gc_paused():
            self.stories = self.store.stories()
            self.by_id = {m.id: m for m in self.stories}
            self.states = self.store.user.all()
            # The story list lives as long as the screen: keep the garbage collector from
            # walking it on every full collection (at 50,000 stories each took about 0.5 s, a
            # stall while moving between stories). Reference counting still frees it.
            gc.freeze()
        self._update_sidebar()
        self.run_search(self.query_text, keep=restore)

    def _update_sidebar(self) -> None:
        # Comprehensions over the ~25,000 states of a 50k store: 15 ms, against 25 ms for one
        # loop calling Counter.update on every state.
        present = [state for sid, state in self.states.items() if sid in self.by_id]
        tags = Counter(tag for state in present if state.tags for tag in state.tags)
        bookmarked = sum(state.bookmarked for state in present)
        read = sum(state.read for state in present)
        counts = {"all": len(self.stories), "unread": len(self.stories) - read, "bookmarked": bookmarked}
        searches = self.store.user.get_setting("saved_searches", {})
        self.query_one(Sidebar).show_entries(counts, tags, searches)

    def run_search(self, query: str, keep: str | None = None) -> None:
        self.query_text = query
        self._keep = keep or (self.headlines.current.id if self.headlines.current else None)
        if query.strip():
            self._search_worker(query)
        else:  # every story: nothing to search, so no thread hop before the list shows
            self.workers.cancel_group(self, "search")
            self._search_done(self.SearchDone(query, None, [], None))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_worker(self, query: str) -> None:
        worker = get_current_worker()
        try:
            found = self.app.search(query, self.stories, self.states)  # type: ignore[attr-defined]
        except ValueError as exc:
            message = self.SearchDone(query, None, [], str(exc) or "cannot read this search")
        else:
            message = self.SearchDone(query, found.ids, found.terms, None, found.total)
        if not worker.is_cancelled:
            self.post_message(message)

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        if message.query != self.query_text:
            return  # a newer query is on its way
        error = self.query_one("#search-error", Label)
        if message.error:
            error.update(Text(f"Search: {message.error} (showing the previous results)"))
            error.display = True
            return
        error.display = False
        self.result_ids, self.terms, self.result_total = message.ids, message.terms, message.total
        self._show_rows(keep=self._keep)

    def _show_rows(self, keep: str | None = None) -> None:
        if self.result_ids is None:
            shown = order_stories(self.stories, self.order)
        else:
            shown = [self.by_id[i] for i in self.result_ids if i in self.by_id]
        self.headlines.set_stories(shown, self.states, keep=keep, terms=self.terms)
        self._show_count()
        if not shown:
            self._show(None)

    def _show_count(self) -> None:
        """The label beside the search bar: how many stories, matches, order, read-only."""
        total, shown = len(self.stories), self.headlines.count
        noun = "story" if total == 1 else "stories"
        if not self.query_text.strip():
            count = f"{total:,} {noun}" + ("" if self.result_ids is not None else f" · {self.order}")
        elif self.result_total > shown:
            count = f"best {shown:,} of {self.result_total:,} matches"
        else:
            count = f"{shown:,} of {total:,}"
        label = Text(count)
        if self.store.read_only:
            label.append(" · read-only", style="bold")
        self.query_one("#match-count", Label).update(label)

    def _show(self, story: StoryMeta | None, top: int = 0) -> None:
        """Show ``story`` in the article view (scrolled to line ``top``), then in the credits
        panel: a frame later, as the panel's new height lays out and redraws the screen."""
        credits = self.query_one(CreditsPanel)
        try:
            article = self.store.article(story.id) if story else None
        except StoreFileError as exc:
            self.article_view.show_problem(f"This story cannot be read: {exc}\n\nRun `broadsheet repair` to rebuild "
                                           "what can be rebuilt; the damaged file is kept.")
            credits.call_after_refresh(credits.show, None)
            return
        self.article_view.show(article, self.terms, top)
        credits.call_after_refresh(credits.show, article)

    def _write(self, change: Callable[[], T]) -> T | None:
        """Run a store write; on failure (read-only folder, disk full) say so and carry on reading."""
        try:
            return change()
        except (OSError, StoreFileError) as exc:
            self.notify(f"Not saved: {exc}", title="The store cannot be written", severity="error", timeout=8)
            self._show_count()
            return None

    def _set_state(self, changed: dict[str, StoryState] | None) -> None:
        if not changed:
            return
        self.states.update(changed)
        self.headlines.marks_changed()
        self._update_sidebar()

    def save_session(self) -> None:
        """Remember the story and scroll position, so the reader reopens where it was left."""
        current = self.headlines.current
        if current is not None:
            session = {"story": current.id, "scroll": round(self.article_view.scroll_y)}
            with contextlib.suppress(OSError):  # a read-only store still closes cleanly
                if session != self.store.user.get_setting("session"):
                    self.store.user.set_setting("session", session)

    # -- events -----------------------------------------------------------------------------

    def _highlighted(self) -> None:
        """The list cursor moved: show its story. Called from the cursor's watcher, so the
        story is drawn in the same frame as the cursor (a message would arrive a frame later)."""
        restore, self._restore_scroll = self._restore_scroll, None
        story = self.headlines.current
        self._show(story, restore[1] if restore and story and restore[0] == story.id else 0)

    @on(HeadlineList.Opened)
    def _opened(self, message: HeadlineList.Opened) -> None:
        if self.app.config.mark_read_on_open and not self.states.get(message.story.id, EMPTY).read:  # type: ignore[attr-defined]
            self._set_state(self._write(lambda: self.store.user.change([message.story.id], _mark_read)))
        self.add_class("-reading")
        self.article_view.focus()
        self.save_session()

    @on(ArticleView.Back)
    def _back(self) -> None:
        self.remove_class("-reading")
        self.headlines.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, message: Input.Changed) -> None:
        self.run_search(message.value)

    @on(SearchBar.Done)
    def _search_bar_done(self, message: SearchBar.Done) -> None:
        if message.cleared:
            self.run_search("", keep=message.restore)
        self.remove_class("-reading")
        self.headlines.focus()

    @on(Sidebar.Chosen)
    def _sidebar_chosen(self, message: Sidebar.Chosen) -> None:
        self.set_query(message.entry.query)

    @on(Sidebar.RenameRequested)
    def _rename_tag(self, message: Sidebar.RenameRequested) -> None:
        old = message.entry.name

        def done(new: str | None) -> None:
            if not new or new.strip() == old:
                return
            try:
                count = self._write(lambda: self.store.user.rename_tag(old, new))
            except TagError as exc:
                self.notify(str(exc), severity="error")
                return
            if count is not None:
                self.notify(f"Renamed tag on {count} stories")
            self.reload()

        self.app.push_screen(PromptScreen(f"Rename tag {old!r} to", old), done)

    @on(Sidebar.DeleteRequested)
    def _delete_entry(self, message: Sidebar.DeleteRequested) -> None:
        entry = message.entry

        def done(yes: bool | None) -> None:
            if not yes:
                return
            if entry.kind == "tag":
                count = self._write(lambda: self.store.user.delete_tag(entry.name))
                if count is not None:
                    self.notify(f"Removed tag {entry.name!r} from {count} stories")
            else:
                searches = dict(self.store.user.get_setting("saved_searches", {}))
                searches.pop(entry.name, None)
                self._write(lambda: self.store.user.set_setting("saved_searches", searches))
            self.reload()

        what = f"tag {entry.name!r} from every story" if entry.kind == "tag" else f"saved search {entry.name!r}"
        self.app.push_screen(ConfirmScreen(f"Delete {what}?"), done)

    def refresh_if_changed(self) -> None:
        """Back in the terminal: pick up what another instance changed meanwhile."""
        if self.store.fingerprint() != self._fingerprint:
            self.reload()

    def set_query(self, query: str) -> None:
        """Put ``query`` in the search bar and show its results (palette, sidebar)."""
        self.query_one(SearchBar).value = query
        self.headlines.focus()

    def jump_to(self, story_id: str) -> None:
        """Select a story, clearing a search that hides it."""
        if story_id not in set(self.headlines.story_ids):
            with self.query_one(SearchBar).prevent(Input.Changed):
                self.query_one(SearchBar).value = ""
            self.query_text, self.result_ids, self.terms = "", None, []
        self._show_rows(keep=story_id)
        self.headlines.focus()

    # -- actions ----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        current = self.headlines.current
        self.query_one(SearchBar).begin(current.id if current else None)

    def action_help(self) -> None:
        from broadsheet.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def _current(self) -> StoryMeta | None:
        current = self.headlines.current
        if current is None:
            self.notify("No story selected", severity="warning", timeout=2)
        return current

    def action_bookmark(self) -> None:
        if story := self._current():
            state = self._write(lambda: self.store.user.toggle_bookmark(story.id))
            if state is not None:
                self._set_state({story.id: state})
                self.notify("Bookmarked" if state.bookmarked else "Bookmark removed", timeout=1.5)

    def action_copy_url(self) -> None:
        """Put the story's address on the clipboard with OSC 52 (works over SSH; see tui.links)."""
        if story := self._current():
            if not story.url:
                self.notify("This story has no address", severity="warning", timeout=2)
                return
            copy_text(self.app, story.url)
            self.notify(f"Copied {story.url}", title="Address", timeout=3, markup=False)

    def action_open_url(self) -> None:
        if story := self._current():
            if not story.url:
                self.notify("This story has no address", severity="warning", timeout=2)
                return
            reason = open_in_browser(story.url)
            if reason:
                self.notify(f"Not opened: {reason}. Copy the address with y.", title="Browser", timeout=6,
                            markup=False)
            else:
                self.notify("Opened in the browser", timeout=2)

    def action_toggle_read(self) -> None:
        if story := self._current():
            state = self._write(lambda: self.store.user.toggle_read(story.id))
            if state is not None:
                self._set_state({story.id: state})

    def action_tag(self) -> None:
        story = self._current()
        if story is None:
            return
        current = self.states.get(story.id, EMPTY).tags

        def done(text: str | None) -> None:
            edit = self._tag_edit(text)
            if edit is None:
                return
            keep, drop = edit
            removed = [t for t in current if t not in keep] + drop
            self._set_state(self._write(lambda: self.store.user.edit_tags([story.id], add=keep, remove=removed)))

        self.app.push_screen(tag_editor(current, self._known_tags()), done)

    def _tag_edit(self, text: str | None) -> tuple[list[str], list[str]] | None:
        """The tag editor's text as (keep/add, remove); None when cancelled or invalid (said)."""
        if text is None:
            return None
        try:
            return parse_tag_edit(text)
        except TagError as exc:
            self.notify(str(exc), severity="error")
            return None

    def _known_tags(self) -> list[str]:
        return sorted({t for s in self.states.values() for t in s.tags})

    def _listed_ids(self) -> list[str]:
        return self.headlines.story_ids

    def action_bookmark_all(self) -> None:
        ids = self._listed_ids()
        if not ids:
            return

        def done(yes: bool | None) -> None:
            if yes:
                changed = self._write(lambda: self.store.user.bookmark_all(ids))
                if changed is not None:
                    self._set_state(changed)
                    self.notify(f"Bookmarked {len(ids)} stories")

        self.app.push_screen(ConfirmScreen(f"Bookmark all {len(ids)} listed stories?"), done)

    def action_tag_all(self) -> None:
        ids = self._listed_ids()
        if not ids:
            return

        def done(text: str | None) -> None:
            edit = self._tag_edit(text)
            if edit is None:
                return
            add, remove = edit
            if not add and not remove:
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    changed = self._write(lambda: self.store.user.edit_tags(ids, add=add, remove=remove))
                    if changed is not None:
                        self._set_state(changed)
                        self.notify(f"Tagged {len(ids)} stories")

            change = ", ".join([f"+{t}" for t in add] + [f"-{t}" for t in remove])
            self.app.push_screen(ConfirmScreen(f"Apply {change} to all {len(ids)} listed stories?"), confirmed)

        self.app.push_screen(tag_editor([], self._known_tags(), count=len(ids)), done)

    def action_save_search(self) -> None:
        query = self.query_text.strip()
        if not query:
            self.notify("Type a search first, then press s to save it", timeout=3)
            return

        def done(name: str | None) -> None:
            if name and name.strip():
                searches = dict(self.store.user.get_setting("saved_searches", {}))
                searches[" ".join(name.split())[:60]] = query
                if self._write(lambda: self.store.user.set_setting("saved_searches", searches)) is None:
                    return
                self._update_sidebar()
                self.notify(f"Saved search {name.strip()!r}")

        self.app.push_screen(PromptScreen(f"Name for the search {query!r}", query), done)

    def action_step_story(self, step: int) -> None:
        self.headlines.cursor += step
        if self.headlines.current is not None and self.has_class("-reading"):
            self.headlines.action_open()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        self.toggle_class("-sidebar")
        if self.has_class("-sidebar"):
            sidebar.focus()
        elif sidebar.has_focus:
            self.headlines.focus()

    def action_step_photo(self, step: int) -> None:
        credits = self.query_one(CreditsPanel)
        if not credits.photos:
            self.notify("This story has no photos", timeout=2)
        elif not credits.step_photo(step):
            self.notify("This story has one photo", timeout=2)

    def action_view_photo(self) -> None:
        from broadsheet.tui.screens.photo import PhotoScreen

        credits = self.query_one(CreditsPanel)
        if not credits.photos:
            self.notify("This story has no photos", timeout=2)
            return
        if credits.protocol == "off":
            self.notify("Images are off (NO_COLOR, a terminal without colour, or [reader] images = false)",
                        timeout=4)
            return

        def back(index: int | None) -> None:
            if index is not None and index != credits.photo_index:
                credits.step_photo(index - credits.photo_index)

        self.app.push_screen(PhotoScreen(credits.photos, credits.photo_index, self.store.folder, credits.protocol),
                             back)

    def action_toggle_credits(self) -> None:
        self.toggle_class("-no-credits")

    def action_toggle_zen(self) -> None:
        self.toggle_class("-zen")
        if self.has_class("-zen"):
            self.article_view.focus()

    def action_cycle_order(self) -> None:
        self.order = next_order(self.order)
        self._write(lambda: self.store.user.set_setting("order", self.order))
        self._show_rows(keep=self.headlines.current.id if self.headlines.current else None)
        self.notify(f"Order: {self.order}", timeout=1.5)

    def action_refresh(self, quiet: bool = False) -> None:
        self.reload()
        if not quiet:
            self.notify(f"{len(self.stories)} stories", timeout=1.5)

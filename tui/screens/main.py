"""The main screen: search bar, filters sidebar, headline list, article view, credits panel.

The reader's data (stories, marks, the query and its results, the order) is a plain
:class:`~broadsheet.store.reader.state.ReaderState`; the screen wires it to the widgets,
which report upward with messages. Searching runs in an exclusive thread worker on an
immutable :class:`~broadsheet.store.reader.state.SearchInput`, so each keystroke cancels
the previous query and keys never wait for results.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from filelock import Timeout
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label
from textual.worker import Worker, WorkerState, get_current_worker

from broadsheet.store.collector import hold_loaded, release_loaded
from broadsheet.store.errors import StoreFileError, StoryGone
from broadsheet.store.feeds import retag
from broadsheet.store.feeds.retag import StoriesNotRetagged, feeds_giving
from broadsheet.store.reader.feedcounts import next_with_unread
from broadsheet.store.reader.ordering import index_of, listed_ids
from broadsheet.store.reader.state import (
    BULK,
    Extension,
    MarksChange,
    ReaderState,
    SearchInput,
    Unfinished,
    Unlisted,
    change_in_steps,
    step_for,
    tallied,
)
from broadsheet.store.sanitize import is_web_address
from broadsheet.store.search.query import Query, QueryError, SearchCancelled, SearchResult, never, parse_query
from broadsheet.store.storage.atomic import FileIdentity
from broadsheet.store.storage.db import Deleted, Store, StoryMeta
from broadsheet.store.storage.marksleft import files_left_note, left_note, marks_left_note, unfinished_note
from broadsheet.store.storage.photos import hold_for_undo
from broadsheet.store.storage.userstate import (
    TAG_RULES,
    Marks,
    StoryState,
    TagError,
    parse_tag_edit,
    reworded_note,
    saved_search_name,
    tag_renamed_in,
    tags_reworded,
)
from broadsheet.store.wording import n_stories
from broadsheet.tui.keymap import user_keys_first
from broadsheet.tui.links import copy_text, open_in_browser
from broadsheet.tui.screens.dialogs import ConfirmScreen, PromptScreen, tag_editor
from broadsheet.tui.screens.feeds import FeedsMixin
from broadsheet.tui.widgets.article_view import IMPORT_HINT, ArticleView
from broadsheet.tui.widgets.credits_panel import CreditsPanel
from broadsheet.tui.widgets.footer import KeysFooter
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.search_bar import SearchBar
from broadsheet.tui.widgets.sidebar import Entry, Sidebar

if TYPE_CHECKING:
    from broadsheet.store.storage.export_file import ExportWritten
    from broadsheet.tui.app import BroadsheetApp

T = TypeVar("T")
Said = Callable[[int], str]  # what a change of many marks says it did, given how many stories it changed
BUSY_WAIT = 2.0  # seconds a change waits for another writer before the reader says the store is busy
#: The most listed stories D deletes at once: the undo keeps each one deleted (record, body and
#: marks) in memory, 178 MB for 10,000 of bench-large's stories (tracemalloc).
DELETE_MAX = 10_000
UNREAD_HERE = 0.02  # seconds n / N look for an unread story on the UI thread before a worker goes on
UNREAD_NOTICE = 0.3  # seconds a worker looks before the reader says so


def _changed_note(done: str, count: int, left: Mapping[str, StoreFileError], verb: str,
                  said: Said | None = None) -> tuple[str, SeverityLevel]:
    """``Bookmarked 11 stories`` (``said``: its own words for ``count`` stories changed), and the
    stories of a damaged state file left as they were (then a warning): which, the file, and
    that `broadsheet repair` mends it (``verb``: "bookmark", or with its place for the stories,
    "mark {it} read")."""
    text = said(count) if said is not None else f"{done} {n_stories(count)}"
    if not left:
        return text, "information"
    again = f"{verb} again" if "{it}" in verb else f"{verb} {{it}} again"
    return f"{text}. {left_note(left, f'not {done.lower()}', again)}", "warning"


def _read_note(count: int, newly: int) -> str:
    """What A says of ``count`` stories marked read, ``newly`` of them unread until then: "Marked
    read 150 stories" was said of 150 of which 35 were read already."""
    if newly >= count:
        return f"Marked {n_stories(count)} read"
    if not newly:
        return "The story was read already" if count == 1 else f"All {count:,} stories were read already"
    other = count - newly
    return f"Marked {n_stories(newly)} read; the other {other:,} {'was' if other == 1 else 'were'} read already"


def give_back_memory() -> None:
    """Hand the memory a bulk change freed back to the system. After T and B of 7,493 stories
    at a million the idle reader held 540 MB, the freed blocks kept by the C allocator; with
    this, 331 MB. In a thread of its own: the trim walks the heap (20 ms), without the GIL."""
    import ctypes
    import gc

    gc.collect()  # the change's cycles (about 4 ms: most of the reader's objects are frozen)
    with contextlib.suppress(OSError, AttributeError):  # glibc only: elsewhere nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _on_feeds(feeds: Sequence[str]) -> str:
    """`` and on the feed 'Harbour News'`` (which gives the tag to its new stories), or nothing."""
    return f" and on the {'feed' if len(feeds) == 1 else 'feeds'} {', '.join(map(repr, feeds))}" if feeds else ""


def busy(stories: bool) -> str:
    """Why a write waited for its lock in vain: the store's (``stories``) or the marks'."""
    doing = "writing the store (an import, repair or reindex)" if stories else "changing many marks at once"
    return f"another broadsheet is {doing}. Try again when it is done."


def too_many_to_delete(count: int, which: str, about: bool = False) -> str:
    """Why D refuses ``count`` stories (``which``: listed, matching; ``about``: an estimate)."""
    return (f"{'About ' if about else ''}{count:,} {which} stories are more than the reader deletes at once "
            f"({DELETE_MAX:,}: u keeps every deleted story to bring it back).")


def all_listed(count: int) -> str:
    """What a question about every listed story calls them: ``the listed story``, ``all 5 listed stories``."""
    return "the listed story" if count == 1 else f"all {count:,} listed stories"


def _entry_words(entry: Entry, count: int) -> str:
    """What a question calls the ``count`` stories of a sidebar row: ``all 40 stories of
    'Harbour Gazette'``, ``all 6 stories tagged 'rail'``, ``all 90 stories in the store``."""
    every, noun = ("the", "story") if count == 1 else (f"all {count:,}", "stories")
    return {"all": f"{every} {noun} in the store", "unread": f"{every} unread {noun}",
            "bookmarked": f"{every} bookmarked {noun}", "tag": f"{every} {noun} tagged {entry.name!r}",
            "search": f"{every} {noun} of the saved search {entry.name!r}"}.get(entry.kind,
                                                                             f"{every} {noun} of {entry.name!r}")


@dataclass(frozen=True, slots=True)
class Targets:
    """The stories a key for every listed story acts on, as asked about: the rows listed, or,
    when the search matched more than it lists (``every``), every match, searched again by the
    worker that makes the change."""

    rows: Sequence[StoryMeta]
    every: SearchInput | None
    count: int  # the rows', or the search's total
    exact: bool = True  # False: ``count`` is the search's estimate, its count not in yet
    entry: Entry | None = None  # the sidebar row whose stories these are (A there), not the list's

    def words(self) -> str:
        """``the listed story``, ``all 5 listed stories``, ``all 7,629 matching stories``,
        ``every matching story (about 250,000)``; a sidebar row's: ``all 40 stories of 'Harbour Gazette'``."""
        if self.entry is not None:
            return _entry_words(self.entry, self.count)
        if not self.every:
            return all_listed(self.count)
        return f"all {self.count:,} matching stories" if self.exact else f"every matching story (about {self.count:,})"


#: Actions on the selected story, offered (in the footer, by their keys) only while one is listed.
STORY_ACTIONS = frozenset({"bookmark", "tag", "toggle_read", "delete"})
#: The groups of workers whose progress shows above the footer (marks of many stories, delete and undo, export,
#: a feed renamed).
LONG_WORK = frozenset({"marks", "stories", "export", "retitle"})
#: Seconds between tries to finish a delete or undo another broadsheet left half done (see _check_store).
FINISH_EVERY = 30.0


class MainScreen(FeedsMixin, Screen[None]):
    """The four regions kept in step: the list cursor decides what the other panes show."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="app.search"),
        Binding("question_mark,f1", "help", "Keys", id="app.help"),
        Binding("q", "back_or_quit", "Back / quit", id="app.quit"),
        Binding("Q", "app.quit", "Quit now", show=False, id="app.quit_now"),
        Binding("escape", "back", "Back, never quits", show=False, id="app.back"),
        Binding("n", "unread(1)", "Next unread", show=False, id="story.next_unread"),
        Binding("N", "unread(-1)", "Previous unread", show=False, id="story.previous_unread"),
        Binding("b", "bookmark", "Bookmark", id="story.bookmark"),
        Binding("t", "tag", "Tag", id="story.tag"),
        Binding("m", "toggle_read", "Read/unread", id="story.read"),
        Binding("left_square_bracket", "step_story(-1)", "Previous story", show=False, id="story.previous"),
        Binding("right_square_bracket", "step_story(1)", "Next story", show=False, id="story.next"),
        Binding("d", "delete", "Delete story", show=False, id="story.delete"),
        Binding("D", "delete_all", "Delete all listed", show=False, id="list.delete_all"),
        Binding("u", "undo_delete", "Undo the last delete", show=False, id="story.undelete"),
        Binding("e", "export('md')", "Export listed stories (Markdown)", show=False, id="list.export"),
        Binding("E", "export('json')", "Export listed stories (JSON, imports back)", show=False,
                id="list.export_json"),
        Binding("B", "bookmark_all", "Bookmark all listed", show=False, id="list.bookmark_all"),
        Binding("A", "read_all", "Mark all listed read", show=False, id="list.read_all"),
        Binding("T", "tag_all", "Tag all listed", show=False, id="list.tag_all"),
        Binding("s", "save_search", "Save search", show=False, id="search.save"),
        Binding("f", "toggle_sidebar", "Filters", show=False, id="view.sidebar"),
        Binding("c", "toggle_credits", "Credits panel", show=False, id="view.credits"),
        Binding("z", "toggle_zen", "Full-width reading", show=False, id="view.zen"),
        Binding("V", "toggle_single", "List and story side by side / in turn", show=False, id="view.single"),
        Binding("o", "cycle_order", "Order", show=False, id="list.order"),
        Binding("r", "refresh", "Refresh", show=False, id="app.refresh"),
        Binding("p", "step_photo(1)", "Next photo", show=False, id="story.next_photo"),
        Binding("P", "step_photo(-1)", "Previous photo", show=False, id="story.previous_photo"),
        Binding("v", "view_photo", "Photo full-screen", show=False, id="story.view_photo"),
        Binding("y", "copy_url", "Copy story address", show=False, id="story.copy_url"),
        Binding("w", "open_url", "Open story in browser", show=False, id="story.open_url"),
        Binding("F", "fetch_feeds", "Fetch feeds", show=False, id="feeds.fetch"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (150, "-wide")]
    #: From this width the filters sidebar shows (unless the user hid it with f).
    SIDEBAR_WIDTH = 150
    #: The reading position is saved this long after the reader stops scrolling (a dropped SSH
    #: session then loses at most this much), and the store's files are looked at this often
    #: for stories imported meanwhile (one stat of meta/stamp.json: no measurable CPU).
    SAVE_DELAY = 1.0
    STORE_CHECK_INTERVAL = 3.0
    #: A list cursor that moves again this soon after its last move is a held key (keys repeat
    #: every 25-50 ms): the list moves alone and the story is shown once the cursor has rested
    #: this long. Reading a story and laying the screen out again for it can cost more than a
    #: repeat interval on a large store, so showing each one would hold the list back (issue 17).
    #: A move of more than one row (a page, G, g) pressed on its own waits as long: it may be the
    #: first of a held key, whose story, shown sooner (it was 20 ms), took the frame of the next
    #: repeat (the second key of a held PgDn stalled at a million stories). A move of one row
    #: (j, k: opening the next story) shows its story in the cursor's frame.
    REST = 0.06
    #: A search lists its best results a few thousand at a time (``SEARCH_LIMIT``): the next are
    #: asked for when the cursor comes this many rows from the end of those listed.
    MORE_AHEAD = 200
    #: Seconds between a list shown with an estimated count and the count's start (see :meth:`_start_count`).
    COUNT_AFTER = 0.05

    class Up(Message):
        """The screen is composed and mounted: keys that came before it can be acted on now."""

    @dataclass
    class SearchDone(Message):
        query: str
        result: SearchResult | None  # None: the search failed (``error``), or a blank query
        error: str | None = None
        offset: int = 0  # the next results after this many listed (ReaderState.more), or the first
        listed: Extension | None = None  # the next results with those listed, their rows made (ReaderState.extended)

    @dataclass
    class Counted(Message):
        """The count of a search's results, which were listed with an estimate (``SearchResult.counted``)."""

        query: str
        total: int

    def __init__(self, store: Store) -> None:
        super().__init__()
        hold_loaded()  # the store's files parsed when it was opened; undone in on_unmount
        self.store = store
        self.reader = ReaderState(store)
        self._keep: str | None = None
        self._searches_seen: dict[str, str] = {}  # the saved searches the sidebar shows (see _check_store)
        self._left_bar = 0.0  # when the search bar was last entered, or left for the list
        self._empty_note = ""  # what the story pane says while no story is listed (see _note_in_list)
        self._had_story = True  # whether the footer offers the story keys (it does until the first load)
        self._shown: tuple[str | None, tuple[str, ...], tuple[str, ...]] | None = None  # (id, terms, tags) shown
        self._save_timer: Timer | None = None
        self._session: tuple[str | None, int, dict[str, bool]] | None = None  # taken down, not yet written
        self._deleted: Deleted | None = None  # the last delete of this session, for u
        self._undone = False  # a delete of this session was undone (u undoes one, once)
        self._articles_seen: FileIdentity | None = None  # meta/stamp.json when the reader last loaded it
        self._finish_after = 0.0  # when to try again to finish a delete or undo a killed broadsheet left
        self._told_damaged: set[str] = set()  # damaged files the user was told of (ReaderState.damaged_files)
        self._sidebar_wanted: bool | None = None  # the user's f (or the last session's), over the width rule
        self._single_wanted: bool | None = None  # the user's V (or the last session's), over [reader] layout
        self._moved = 0.0  # when the list cursor last moved (time.monotonic)
        self._user_moved = 0.0  # the same, by the user's keys (not the list following a search: :meth:`_show_rows`)
        self._listing = False  # the list is being filled: its cursor moves with it, not by a key
        self._story_timer: Timer | None = None  # the story to show once a held key is let go
        self._unread_notice: Timer | None = None  # says n / N's worker is looking, if it takes a while
        #: The feed a second n goes on to (newsboat's n): offered for the query listed and the story under the cursor.
        self._onward_feed: tuple[Entry, str, str] | None = None
        self._open_unread_of: str | None = None  # the query whose first unread story opens once it is listed
        self._more_asked = False  # the next results of the search listed are on their way
        self._to_end: int | None = None  # G asked for the rest of the results: the row it went to
        self._more_failed = False  # the next results could not be listed: not asked again until a new search
        #: The story an undo brought back and when: a search listed before the index took it in
        #: lacks it, so the search the index's catch-up runs again keeps it under the cursor.
        self._awaited: tuple[str, float] | None = None
        #: The search the session was left in: while the fallback filter answers it (the index
        #: opening), the session's story and place wait for the index's answer (see :meth:`_session_waits`).
        self._session_query: str | None = None

    @property
    def broadsheet(self) -> BroadsheetApp:
        """The app, typed: this screen runs only inside :class:`~broadsheet.tui.app.BroadsheetApp`."""
        from broadsheet.tui.app import BroadsheetApp

        app = self.app
        if not isinstance(app, BroadsheetApp):
            raise TypeError("MainScreen runs inside BroadsheetApp")
        return app

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
                yield CreditsPanel(id="credits", protocol=self.broadsheet.graphics, folder=self.store.folder)
        yield self.fetch_status()
        work_status = Label("", id="work-status")  # a long change of marks, an export: its progress
        work_status.display = False
        yield work_status
        yield KeysFooter(compact=True)

    def on_unmount(self) -> None:
        self._write_session()  # a save still waiting on its timer, however the reader ends
        with contextlib.suppress(OSError):
            hold_for_undo(self.store.folder, ())  # the undo goes with the reader: its photos are repair's
        release_loaded()

    def on_mount(self) -> None:
        self.post_message(self.Up())  # handled after this method, whatever it raises
        self.headlines.border_title = "Headlines"
        self.article_view.border_title = "Story"
        self.query_one(CreditsPanel).border_title = "Caption & credits"
        self.query_one("#sidebar").border_title = "Filters"
        self._restore_scroll = self.reader.restore_settings()
        self._session_query = self.reader.query_text if self._restore_scroll else None
        self._sidebar_wanted = self.reader.view.get("sidebar")
        self._single_wanted = self.reader.view.get("single")
        self._fit_layout(self.app.size.width, restyle=False)  # the ScreenResume after the mount restyles
        if self.reader.query_text:
            with self.query_one(SearchBar).prevent(Input.Changed):
                self.query_one(SearchBar).value = self.reader.query_text
        self.watch(self.headlines, "cursor", self._highlighted, init=False)
        self.watch(self.article_view, "scroll_y", self._save_soon, init=False)
        restored = self._restore_scroll
        self.reload(restore=restored[0] if restored else None)
        # Deleted since: back on the list (looked up in the mapped list, which copies no keys:
        # ``in reader.by_id`` copied them all, 20 MB more for the reader at a million stories).
        if restored is not None and index_of(self.reader.stories, restored[0]) is None:
            restored = self._restore_scroll = None
        self.headlines.focus()
        self.start_refresh(getattr(getattr(self.app, "config", None), "refresh_minutes", 0))
        if restored is not None and (self.reader.view.get("zen") or self.reader.view.get("reading")):
            self.add_class("-reading")  # back in the story, at its place (at 80 columns the list had it hidden)
            self.set_class(bool(self.reader.view.get("zen")), "-zen")
            self.article_view.focus()
        self.set_interval(self.STORE_CHECK_INTERVAL, self._check_store)
        self._offer_reparse()
        # Leaving the search bar or the article, or opening a story, moves the focus at once, not
        # a message later: a key typed right after Esc or Enter (in the same read) acts where it went.
        self.query_one(SearchBar).on_leave = self._results_entered
        self.query_one(SearchBar).on_clear = lambda restore: self.run_search("", keep=restore)
        self.article_view.on_back = self._to_list
        self.headlines.on_open = self._opened
        if self.store.read_only:
            why = self.store.write_error or "the store folder cannot be written"
            self.notify(f"{why}. Reading works; changes will not be saved.", title="Read-only store",
                        severity="warning", timeout=10)
        self._tell_damaged()  # found as the store opened (a state file, a body shard)

    # -- data -------------------------------------------------------------------------------

    def reload(self, restore: str | None = None, stale_index: bool = False, near: Sequence[str] = ()) -> None:
        """Re-read stories and user state from the store (other instances' changes too);
        ``stale_index``: stories came back that the search index does not hold yet; ``near``:
        failing ``restore``, the first of these still stored goes under the cursor."""
        if self.reader.loaded:
            self.broadsheet.catch_up_index(stale=stale_index)
        self._articles_seen = self.store.articles_identity()
        self.reader.load()
        self._show_again_if_changed()
        if restore is None and near:
            restore = next((sid for sid in near if index_of(self.reader.stories, sid) is not None), None)
        self._update_sidebar()
        self.run_search(self.reader.query_text, keep=restore)

    def _show_again_if_changed(self) -> None:
        """The story shown, changed since by another process (a fetch updated its entry, a reparse):
        shown again once the list is back, where the reader was in it. Its old text stayed under
        its new headline, through Esc, Enter and r, until the cursor left it."""
        story_id = self._shown[0] if self._shown is not None else None
        at = index_of(self.reader.stories, story_id) if story_id is not None else None
        if story_id is None or at is None or self.article_view.article is None:
            return
        try:
            article = self.store.article_of(self.reader.stories[at], alone=True)
        except StoreFileError:
            return  # said when it is shown
        if article != self.article_view.article:
            self._shown = None
            self._restore_scroll = (story_id, round(self.article_view.scroll_y))

    def _update_sidebar(self) -> None:
        counts, tags = self.reader.sidebar_counts()
        counts["new"] = self.reader.new_counts()[0]
        self._searches_seen = self.reader.saved_searches()
        self.query_one(Sidebar).show_entries(counts, tags, self._searches_seen, self.feed_rows())

    def run_search(self, query: str, keep: str | None = None, first: bool = False) -> None:
        """List what ``query`` finds, the cursor kept on ``keep`` (else the story under it) if it is
        found, or (``first``) on the first result."""
        current = self.headlines.current.id if self.headlines.current else None
        # The same query searched again before its results came (the index ready as the reader
        # starts) keeps the story they were to keep: the restored session's.
        awaited = self._keep if query == self.reader.query_text and not self.reader.lists_query() else None
        if awaited is None and self._session_waits(query):
            awaited = self._restore_scroll[0] if self._restore_scroll else None
        self._keep = None if first else keep or awaited or current
        self.query_one(Sidebar).show_active(query)
        try:
            job = self.reader.begin_search(query)
        except QueryError as exc:
            self.workers.cancel_group(self, "search")
            self._search_done(self.SearchDone(query, None, str(exc) or "cannot read this search"))
            return
        self.workers.cancel_group(self, "more")
        self.workers.cancel_group(self, "count")
        self._more_asked = self._more_failed = False
        self._to_end = None
        if job is not None:
            self._search_worker(job)
        else:  # every story: nothing to search, so no thread hop before the list shows
            self.workers.cancel_group(self, "search")
            self._search_done(self.SearchDone(query, None))

    def _still_awaited(self) -> str | None:
        """The story an undo brought back, until the list shows it or a key is pressed after it."""
        if self._awaited is not None and self.broadsheet.key_time < self._awaited[1]:
            return self._awaited[0]
        self._awaited = None
        return None

    def _ask_more(self, to_last: bool = False) -> None:
        """The cursor nears the end of a search's listed results: list the next ones, if it has more.
        ``to_last`` (G): list all the rest, replacing a next page on its way, and go to the last
        once they are listed, unless the cursor moved meanwhile."""
        if to_last and not self._more_failed and (job := self.reader.rest()) is not None:
            self._more_asked = True
            self._to_end = self.headlines.cursor
            self._more_worker(job)
        elif not self._more_asked and (job := self.reader.more()) is not None:
            self._more_asked = True
            self._more_worker(job)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_worker(self, job: SearchInput) -> None:
        """Search ``job`` (a snapshot: the UI thread never changes what it holds)."""
        self._searched(job)

    @work(thread=True, exclusive=True, group="more", exit_on_error=False)
    def _more_worker(self, job: SearchInput) -> None:
        """The next results of the query listed (a worker of its own: a new query cancels it, not the reverse)."""
        self._searched(job)

    def _searched(self, job: SearchInput) -> None:
        """Search ``job`` and post what it found. A first page may come before its matches are
        counted (a word with ``is:unread`` at a million stories: 16 ms, and 250 ms to count them
        all), so the list follows the keys typed; :meth:`_count_worker` counts them once it shows."""
        worker = get_current_worker()
        try:
            found = self.broadsheet.search(job.query, job.stories, job.states, offset=job.offset,
                                           stop=lambda: worker.is_cancelled, every=job.every,
                                           count_later=not job.offset)
        except SearchCancelled:
            return  # the next key's search replaced it: at a million stories some take 0.3 s
        except ValueError as exc:  # a QueryError: the index cannot run it (or failed)
            message = self.SearchDone(job.text, None, str(exc) or "cannot read this search", offset=job.offset)
        else:  # the next results' rows made here: G at a million matches looked each up on the UI thread
            listed = self.reader.extended(job.text, job.offset, found) if job.offset else None
            message = self.SearchDone(job.text, found, offset=job.offset, listed=listed)
        if not worker.is_cancelled:
            self.post_message(message)

    def _start_count(self) -> None:
        """The results listed came with an estimate: count them, ``COUNT_AFTER`` seconds after
        they were listed, so once they are on screen. Not at once: the count holds Python's lock
        for up to 80 ms at a time (tantivy-py makes an object of each of 400,000 hits), and the
        frame with the list would wait for it."""
        if (job := self.reader.to_count()) is not None:
            self._count_worker(job)

    @work(thread=True, exclusive=True, group="count", exit_on_error=False)
    def _count_worker(self, job: SearchInput) -> None:
        """Count the matches of the results listed (a new query cancels it, as the next key does a search)."""
        worker = get_current_worker()
        try:
            total = self.broadsheet.count(job.query, job.stories, job.states, stop=lambda: worker.is_cancelled)
        except (SearchCancelled, ValueError):
            return  # replaced, or the index failed since: the estimate stays, said to be one
        if not worker.is_cancelled:
            self.post_message(self.Counted(job.text, total))

    @on(Counted)
    def _counted(self, message: Counted) -> None:
        if self.reader.accept_count(message.query, message.total):
            self._show_count()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.broadsheet.report_worker_failure(event)
        if event.state == WorkerState.ERROR and event.worker.group in LONG_WORK:
            # Failed outside what it guards (said above): its progress line must not stay for good.
            self.query_one("#work-status", Label).display = False

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        if message.query != self.reader.query_text:
            return  # a newer query is on its way
        error = self.query_one("#search-error", Label)
        if message.offset and message.error:
            # Said once: the same page is not asked for again until a new search (each move of
            # the cursor near the end would otherwise run the failing search and say it again).
            error.update(Text(f"Search: could not list more results: {message.error}"))
            error.display = True
            self._more_failed = True
            return
        if message.offset:
            self._more_asked = False
        if message.error:
            error.update(Text(f"Search: {message.error} (showing the previous results)"))
            error.display = True
            if not self.headlines.count and self.reader.result_ids is None:
                self._show_rows(keep=self._keep)  # the reader's first search (a saved one): every story
            return
        if message.offset:  # the next results: appended, the cursor where it is
            if message.listed is not None and self.reader.accept_extended(message.listed):
                current = self.headlines.current
                self._show_rows(keep=current.id if current else None)
                to_end, self._to_end = self._to_end, None
                if to_end is not None and self.headlines.cursor == to_end:
                    self.headlines.action_last()  # (a next page asked for before G came first: the rest again)
            return
        opening, self._open_unread_of = self._open_unread_of == message.query, None  # n went on to a feed
        self.reader.accept(message.query, message.result)
        if message.result is not None and not message.result.counted:
            self.set_timer(self.COUNT_AFTER, self._start_count)
        error.display = bool(self.reader.note)
        if self.reader.note:
            error.update(Text(f"Search: {self.reader.note}"))
        self._show_rows(keep=self._kept())
        if opening:
            self._open_first_unread()

    def _kept(self) -> str | None:
        """The story the results keep under the cursor: the one asked for, else the one the user
        moved to after leaving the bar (G typed with the word and Enter, before the results
        came), else none: the first result."""
        if self._keep is None and self._user_moved > self._left_bar and self.headlines.current is not None:
            return self.headlines.current.id
        return self._keep

    def _results_entered(self) -> None:
        """Enter or Down in the search bar: on to the list (its moves from now on are the user's)."""
        self._left_bar = time.monotonic()
        self._to_list()

    def _show_rows(self, keep: str | None = None) -> None:
        shown = self.reader.shown()
        if (awaited := self._still_awaited()) is not None and index_of(shown, awaited) is not None:
            keep, self._awaited = awaited, None  # listed at last (the index has it again): under the cursor
        self._listing = True  # the cursor following the list is no move of the user's (see :meth:`_kept`)
        try:
            self.headlines.set_stories(shown, self.reader.states, keep=keep, terms=self.reader.terms,
                                       by_source=self.reader.order == "source" and self.reader.result_ids is None)
        finally:
            self._listing = False
        self._show_count()
        self._empty_note = ""
        if not shown:
            self._show(None)
            undo = f"\n\nu brings back the {n_stories(len(self._deleted.ids))} just deleted." if self._deleted else ""
            if self.reader.stories and self.reader.query_text.strip():
                self._empty_note = (f"The search {self.reader.query_text.strip()!r} matched none of the "
                                    f"{len(self.reader.stories):,} stories.\n\nEsc clears it; / changes it." + undo)
            else:  # where stories come from: saved pages, or feeds (it named only the pages)
                filling = (f"{IMPORT_HINT}\nSubscribe to feeds with:  broadsheet feeds add URL\n"
                           f"or in the reader:  {self._subscribe_key()}")
                # not "No story selected" after deleting every story, as if the store had always been empty
                self._empty_note = f"Every story was deleted.{undo}\n\n{filling}" if undo else \
                    f"No story selected.\n\n{filling}"
            self.article_view.show_note(self._empty_note)
        self._note_in_list()
        if self._had_story != bool(shown):  # the footer offers the story keys only with a story
            self._had_story = bool(shown)
            self.refresh_bindings()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, but a key rebound in the config's ``[keys]`` to one of this screen's actions does
        it whichever widget has focus, the search bar's editing keys apart (see :func:`user_keys_first`)."""
        return user_keys_first(self.focused, super().active_bindings, self.broadsheet.keymap)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Story keys (bookmark, tag, read) are hidden while no story is listed; "/ Search" while
        the search bar has the focus (the footer offered it there, where "/" is typed)."""
        if action == "focus_search" and isinstance(self.focused, SearchBar):
            return False
        return not (action in STORY_ACTIONS and self.reader.loaded and self.headlines.current is None)

    def _show_count(self) -> None:
        """The label beside the search bar: how many stories, matches, order, read-only."""
        label = Text(self.reader.count_label(self.headlines.count))
        if self.store.read_only:
            label.append(" · read-only", style="bold")
        self.query_one("#match-count", Label).update(label)

    def _show(self, story: StoryMeta | None, top: int = 0) -> None:
        """Show ``story`` in the article view (scrolled to line ``top``), then in the credits
        panel: a frame later, as the panel's new height lays out and redraws the screen."""
        credits = self.query_one(CreditsPanel)
        tags = self.reader.state_of(story.id).tags if story else ()
        self._shown = (story.id if story else None, tuple(self.reader.terms), tags)
        try:
            article = self.store.article_of(story, alone=True) if story else None
        except StoreFileError as exc:
            self.article_view.show_problem(f"This story cannot be read: {exc}\n\nRun `broadsheet repair` to rebuild "
                                           "what can be rebuilt; the damaged file is kept.")
            credits.call_after_refresh(credits.show, None)
            return
        note = ""
        if story and article and not article.body and self.store.body_lost(story):  # not a feed's link alone
            from broadsheet.store.storage.repair import lost_text_note  # (rare: not loaded at start)

            note = lost_text_note(story)
        self.article_view.show(article, self.reader.terms, top, tags, note)
        credits.call_after_refresh(credits.show, article, self.reader.terms)

    def _write(self, change: Callable[[], T], *, stories: bool = False) -> T | None:
        """Run a store write; on failure (read-only folder, disk full) say so and carry on reading.

        Marks and settings are written under the marks' own lock, which an import, reindex or
        repair of another broadsheet does not hold (a repair takes it only to mend a state file);
        ``stories=True``: a change of stories (delete, undo), under the store's lock. A write
        waits ``BUSY_WAIT`` for its lock, not 30 s: another broadsheet may hold the store's for
        minutes, and the reader must not freeze meanwhile.
        """
        try:
            lock = self.store.lock if stories else self.store.user.lock
            with lock.acquire(timeout=BUSY_WAIT):  # the change's own acquire re-enters it
                return change()
        except Timeout:
            self.notify(f"Not saved: {busy(stories)}", title="The store is busy", severity="warning", timeout=8)
            self._show_count()
            return None
        except StoryGone as exc:  # the list is a moment old: read again, the story leaves it
            self.notify(f"Not saved: {exc}", title="Story deleted", severity="warning", timeout=8, markup=False)
            self.reload()
            return None
        except (OSError, StoreFileError) as exc:
            self.notify(f"Not saved: {exc}", title="The store cannot be written", severity="error", timeout=8)
            self._show_count()
            return None

    def _marks_changed(self, changed: Mapping[str, StoryState] | None, kind: str | None = None) -> None:
        """Redraw after the reader took in changed marks (None or empty: nothing changed); ``kind``:
        which marks changed ("read", "bookmarked", "tags"; None: any, or not known)."""
        if not changed:
            return
        self.headlines.marks_changed(self.reader.states)
        self._update_sidebar()
        if (job := self.reader.recount(kind)) is not None:  # "is:unread": the total beside the bar
            self._show_count()
            self._count_worker(job)
        current = self.headlines.current
        # The header shows the tags: shown again, when it is this story's (under a held key the
        # cursor's story is not shown yet; shown here, its session was never saved).
        if current is not None and current.id in changed and self._shown is not None and (
                self._shown[0] == current.id and self._shown[2] != changed[current.id].tags):
            self._show(current, round(self.article_view.scroll_y))

    def save_session(self) -> None:
        """Remember the story, its scroll position, the search and the view, so the reader
        reopens as it was left (a dropped connection included: see :meth:`_save_soon`)."""
        self._note_session()
        self._write_session()

    def _note_session(self) -> None:
        """Take down where the reader is now (written by :meth:`_write_session`)."""
        if not self.reader.loaded or not self.is_mounted:
            return
        current = self.headlines.current
        view = {"zen": self.has_class("-zen"), "reading": self.has_class("-reading")}
        if self._sidebar_wanted is not None:  # chosen with f; else the width decides, next time too
            view["sidebar"] = self._sidebar_wanted
        if self._single_wanted is not None:  # chosen with V; else [reader] layout decides, next time too
            view["single"] = self._single_wanted
        self._session = (current.id if current else None, round(self.article_view.scroll_y), view)

    def _write_session(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        session, self._session = self._session, None
        if session is not None:
            with contextlib.suppress(OSError, StoreFileError):  # a read-only store, damaged settings: it still closes
                self.reader.save_session(*session)

    def _save_soon(self) -> None:
        """The reading position changed: save it once the reader pauses (debounced, durable)."""
        self._note_session()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(self.SAVE_DELAY, self._write_session)

    def _offer_reparse(self) -> None:
        """Stories an older parser made (a field of the listing: no extra reading) can be read
        again: said once for each change of the parsers."""
        stale = self.reader.stale_to_offer()
        if stale:
            self.notify(f"{stale:,} {'story was' if stale == 1 else 'stories were'} read by an older parser. "
                        "`broadsheet reparse --stale` reads them again, keeping your tags and marks.",
                        title="Parser improved", timeout=8)

    def _check_store(self) -> None:
        """Stories imported from the shell meanwhile: take them in, keeping the place. A file of
        the store found damaged since the last check: said once. Not while this reader's own
        delete or undo is being written: read half way, at a million stories the sidebar said
        "Unread 592,542" (the stories gone, their read marks not yet) and the search listed
        none of its matches; the change reloads everything when it is done."""
        writing = {w.group for w in self.workers if w.is_running} & {"stories", "marks"}
        if "stories" in writing:
            pass  # reloaded once the delete or undo is written
        elif self.store.left_unfinished() and time.monotonic() >= self._finish_after:
            # Tried now and then, not at every look: one that cannot be finished (a read-only or
            # damaged store, its writer alive) must not keep the reader from taking in the rest.
            self._finish_after = time.monotonic() + FINISH_EVERY
            self._finish_left()
        elif self.store.articles_identity() != self._articles_seen and not self.store.lock.is_locked:
            before = len(self.reader.stories)
            current = self.headlines.current
            # The story under the cursor, then its neighbours: one deleted from the shell gives its
            # place to the next (the list went back to its top, the story read gone without a word).
            self.reload(near=list(self._around_cursor()) if current is not None else ())
            if current is not None and index_of(self.reader.stories, current.id) is None:
                self.notify("The story under the cursor was deleted elsewhere (from the shell, or by another "
                            "broadsheet)", timeout=5)
            added = len(self.reader.stories) - before
            if added > 0:
                self.notify(f"{added:,} new {'story' if added == 1 else 'stories'}", timeout=3)
        elif self.reader.marks_changed() and "marks" not in writing:
            self.reader.reload_marks()  # another reader's or the shell's bookmark, tag or read mark
            current = self.headlines.current
            if current is not None:  # the rows, the sidebar, and the story's header if its tags changed
                self._marks_changed({current.id: self.reader.state_of(current.id)})
            else:
                self._update_sidebar()
        elif self.reader.latest_changed():  # a fetch in the shell ended: its New, counted and listed
            self._update_sidebar()
            if self.reader.lists_new():
                self.run_search(self.reader.query_text)
        elif self.subscriptions_changed() or self.reader.saved_searches() != self._searches_seen:
            self._update_sidebar()
        self._tell_damaged()

    def _around_cursor(self, reach: int | None = 50) -> Iterator[str]:
        """The ids of the row under the cursor, then of the rows after it, then of those before
        (``reach`` rows each way; None: all), read row by row, not the whole list."""
        rows, at = self.headlines.stories, self.headlines.cursor
        reach = len(rows) if reach is None else reach
        for index in chain(range(at, min(len(rows), at + reach)), range(at - 1, max(-1, at - reach), -1)):
            yield rows[index].id

    def _tell_damaged(self) -> None:
        """Say each file of the store found damaged (at its open or since) once."""
        for name, message in self.reader.damaged_files().items():
            if name not in self._told_damaged:
                self._told_damaged.add(name)
                self.notify(message, title="A damaged file", severity="error", timeout=15)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_layout(event.size.width)

    @property
    def single(self) -> bool:
        """Whether the list and the story take turns at any width, as below 100 columns (V, else
        ``[reader] layout``): a newsboat user reads a full-width list, not a 40% one beside the story."""
        if self._single_wanted is not None:
            return self._single_wanted
        return self.broadsheet.config.layout == "single"

    def _get_breakpoint_classes(self, dimension: int, breakpoints: list[tuple[int, str]]) -> set[str]:
        """Textual's class for the width, but the narrow one while the list and the story take turns:
        at any width after V, and below ``SIDEBAR_WIDTH`` while the sidebar shows (beside it and the
        story, the list kept 18 characters of a headline at 100 columns: the story pane yields)."""
        if breakpoints == self.HORIZONTAL_BREAKPOINTS and (
                self.single or (self.has_class("-sidebar") and dimension < self.SIDEBAR_WIDTH)):
            return {self.HORIZONTAL_BREAKPOINTS[0][1]}
        return super()._get_breakpoint_classes(dimension, breakpoints)

    def _fit_layout(self, width: int, restyle: bool = True) -> None:
        """The layout the width (or V) gives: its class, the sidebar, and the story kept on screen
        where it had the focus and the list and the story now take turns. ``restyle`` False: the
        classes only, for the screen's first styling to take in (at mount: restyling every widget
        then, and again at the screen's resume, cost about 8 ms of the first paint)."""
        self._fit_sidebar(width, restyle)  # (first: the sidebar shown below SIDEBAR_WIDTH makes the layout narrow)
        shown = self._get_breakpoint_classes(width, self.HORIZONTAL_BREAKPOINTS)
        self.update_classes({name: name in shown for _, name in self.HORIZONTAL_BREAKPOINTS}, update=restyle)
        focused = self.focused
        if self.has_class("-narrow") and focused is not None and not self.has_class("-reading") and any(
                node.id == "reading" for node in focused.ancestors_with_self):
            # The list and the story take turns: the story or its credits had the focus, so they
            # stay on screen (else the focus would sit in a hidden region).
            self.add_class("-reading")
        self._note_in_list()

    def _note_in_list(self) -> None:
        """Where the story pane is hidden (below 100 columns, or after V), the list says what it
        says of no story listed: a search that matched nothing, an empty store. It was blank."""
        self.headlines.show_note(self._empty_note if self.has_class("-narrow") else "")

    def _fit_sidebar(self, width: int, restyle: bool = True) -> None:
        """The sidebar shows from ``SIDEBAR_WIDTH`` columns, as the window grows or shrinks past it,
        unless the user chose otherwise with f; while the list and the story take turns, only with f."""
        show = self._sidebar_wanted if self._sidebar_wanted is not None else (
            width >= self.SIDEBAR_WIDTH and not self.single)
        self.set_class(show, "-sidebar", update=restyle)

    # -- events -----------------------------------------------------------------------------

    def _highlighted(self, old: int, new: int) -> None:
        """The list cursor moved: a key pressed on its own shows its story in the cursor's frame
        (opening a story is one frame, p95 under 30 ms at a million stories); while the cursor
        moves faster than a person presses keys (``REST``, a held key) or keys wait behind this
        one, and after a jump (a page, G, g: maybe a held key's first), the story follows once
        the cursor rests, so the list answers every key at once whatever the stories it passes
        cost to read and lay out."""
        if new >= self.headlines.count - self.MORE_AHEAD:
            self._ask_more(self.headlines.to_last)
        now, before = time.monotonic(), self._moved
        self._moved = now
        if not self._listing:
            self._user_moved = now
        key = self.broadsheet.key_time
        # A key read since the last move made this one: it counts from when it came, not from when
        # its turn came (a reader behind a held key would take each repeat for a key on its own).
        came = key if before < key <= now else now
        if self._story_timer is not None:
            self._story_timer.stop()
            self._story_timer = None
        reading = self._restore_scroll is not None or self.has_class("-reading") or self.has_class("-zen")
        held = came - before < self.REST or self.app.message_queue_size
        if not before or reading or not (held or abs(new - old) > 1):
            self.show_highlighted()  # the first story, any while reading, a key on its own: in the cursor's frame
        else:  # a held key, or a jump that may be the first of one: the list's frames first
            self.query_one(CreditsPanel).pause_photo()
            self._story_timer = self.set_timer(self.REST, self._rested)

    def _rested(self) -> None:
        """The cursor has rested (``REST`` after a held key or a jump): show its story, unless keys
        wait to be run (a held key the reader fell behind on moves it on: the story waits for them)."""
        if self.app.message_queue_size:
            self._story_timer = self.set_timer(self.REST, self._rested)
        else:
            self.show_highlighted()

    def _session_waits(self, query: str) -> bool:
        """Whether the story and place the session was left in wait for the index's answer to
        ``query``: it is the session's search and the fallback filter answered it, which does not
        see story text. A session left in a story found by a word of its text reopened at its
        headline, and the next save lost the place for good."""
        return query == self._session_query and self.reader.partial

    @property
    def story_pending(self) -> bool:
        """Whether the story under the list cursor is still to be shown (a held key)."""
        return self._story_timer is not None

    def show_highlighted(self) -> None:
        """Show the story under the list cursor, if it is not the one shown."""
        if self._story_timer is not None:
            self._story_timer.stop()
            self._story_timer = None
        restore, self._restore_scroll = self._restore_scroll, None
        story = self.headlines.current
        if restore is not None and restore[0] != (story.id if story else None) and self._listing and (
                self._session_waits(self.reader.query_text)):
            self._restore_scroll = restore  # for the index's answer: not saved over meanwhile
            self._show(story)
            return
        tags = self.reader.state_of(story.id).tags if story else ()
        if restore is None and self._shown == (story.id if story else None, tuple(self.reader.terms), tags):
            self.query_one(CreditsPanel).resume_photo()
            return  # already shown (a reload kept the story, a held key came back): keep the reader's place in it
        self._show(story, restore[1] if restore and story and restore[0] == story.id else 0)
        self._save_soon()

    def _opened(self, story: StoryMeta) -> None:
        """Enter (or n) on a story in the list: read it, the focus on it at once."""
        self.show_highlighted()  # a held key let go and Enter pressed before the story showed
        if self.maximized is not None:  # the palette's Maximize on the list: the story opened behind it, unseen
            self.minimize()
        if self.broadsheet.config.mark_read_on_open:
            self._marks_changed(self._write(lambda: self.reader.mark_read(story.id)), "read")
        self.add_class("-reading")
        self.set_focus(self.article_view)
        self.save_session()

    @on(CreditsPanel.Leave)
    def _credits_left(self) -> None:
        self.set_focus(self.article_view)

    def _to_list(self) -> None:
        self.remove_class("-reading", "-zen")
        self.set_focus(self.headlines)
        self._save_soon()  # a restart opens on the list, not in the story left

    @on(ArticleView.Onward)
    def _onward(self, message: ArticleView.Onward) -> None:
        self.action_unread(message.step, any_story=message.any_story)

    @on(ArticleView.FigureMatch)
    def _figure_match(self, message: ArticleView.FigureMatch) -> None:
        """n came to a match in a caption or photo credit: the panel shows that figure."""
        self.query_one(CreditsPanel).show_figure(message.index)

    @on(Input.Changed, "#search")
    def _search_changed(self, message: Input.Changed) -> None:
        if message.value != message.input.value:
            return  # a later change is on its way, or Esc cleared the bar
        if message.value.strip():
            # A query typed lists its best match first, under the cursor (Enter opens it); the story
            # selected before stays held by the bar, for Esc.
            self.run_search(message.value, first=True)
        else:  # the query deleted (Ctrl+U, Backspace): every story, the one selected before the search
            self.run_search(message.value, keep=self.query_one(SearchBar).selected_before)

    @on(Sidebar.Chosen)
    def _sidebar_chosen(self, message: Sidebar.Chosen) -> None:
        self.set_query(message.entry.query)

    @on(Sidebar.RenameRequested)
    def _rename_entry(self, message: Sidebar.RenameRequested) -> None:
        entry = message.entry
        old = entry.name
        if entry.kind == "feed":
            self.rename_feed(entry)
            return

        def rename_search(new: str) -> None:
            try:
                name = self._write(lambda: self.store.user.rename_saved_search(old, new))
            except (ValueError, KeyError) as exc:
                self.notify(str(exc), severity="error")
                return
            if name is not None:
                self.query_one(Sidebar).follow("search", name)
            self._update_sidebar()

        def done(new: str | None) -> None:
            if not new or new.strip() == old:
                return
            try:
                if entry.kind == "search":
                    self._as_saved_search(new, lambda clean, _query: clean == old, lambda: rename_search(new),
                                          "Not renamed")
                    return
                tag = self.store.user.renamed_to(old, new)  # "CAFE" where "café" is: merged into it
            except (TagError, ValueError, KeyError) as exc:
                self.notify(str(exc), severity="error")
                return
            if tag == old:
                return
            if tag in self.reader.sidebar_counts()[1]:  # a tag of its own already: merged, so asked first
                self.app.push_screen(ConfirmScreen(f"Tag {tag!r} exists already: merge {old!r} into it?"),
                                     lambda yes: rename_tag(tag, merged=True) if yes else None)
            else:
                rename_tag(tag, merged=False, typed=new.strip())

        def rename_tag(tag: str, merged: bool, typed: str = "") -> None:
            left: dict[str, StoreFileError] = {}
            feeds = feeds_giving(self.store, old)
            try:
                changed = self._write(lambda: retag.rename_tag(self.store, old, tag, left), stories=bool(feeds))
            except (TagError, ValueError, KeyError) as exc:
                self.notify(str(exc), severity="error")
                return
            except StoriesNotRetagged as exc:
                self._tag_half_changed(exc)
                return
            self.query_one(Sidebar).follow("tag", tag)
            if changed is not None:
                count, feeds = changed
                said = (f"Merged tag {old!r} into {tag!r} on {n_stories(count)}" if merged
                        else f"Renamed tag on {n_stories(count)}") + _on_feeds(feeds)
                self._tag_changed(said, left, old, "rename the tag again")
                if typed and typed != tag:  # "Harbour News" became "harbour news", as t says it
                    self.notify(f"{TAG_RULES.capitalize()}: kept {reworded_note({typed: tag})}", severity="warning",
                                timeout=6, markup=False)
            self.reload()
            bar = self.query_one(SearchBar)  # the search shown follows too, as the saved ones do
            if changed is not None and (renamed := tag_renamed_in(bar.value, old, tag)) != bar.value:
                bar.value = renamed

        what = "saved search" if entry.kind == "search" else "tag"
        self.app.push_screen(PromptScreen(f"Rename {what} {old!r} to", old), done)

    @on(Sidebar.DeleteRequested)
    def _delete_entry(self, message: Sidebar.DeleteRequested) -> None:
        entry = message.entry

        def done(yes: bool | None) -> None:
            if not yes:
                return
            if entry.kind == "tag":
                left: dict[str, StoreFileError] = {}
                try:
                    changed = self._write(lambda: retag.delete_tag(self.store, entry.name, left), stories=bool(feeds))
                except StoriesNotRetagged as exc:
                    self._tag_half_changed(exc)
                    return
                if changed is not None:
                    self._tag_changed(f"Removed tag {entry.name!r} from {n_stories(changed[0])}{_on_feeds(changed[1])}",
                                      left, entry.name, "delete the tag again")
            elif entry.kind == "feed":
                self.unsubscribe(entry.ref or entry.name)
            else:
                self._write(lambda: self.store.user.delete_saved_search(entry.name))
            self.reload()

        naming = self.store.user.searches_naming_tag(entry.name) if entry.kind == "tag" else []
        feeds = feeds_giving(self.store, entry.name) if entry.kind == "tag" else []
        searches = (f" The saved {'search' if len(naming) == 1 else 'searches'} {', '.join(map(repr, naming))} "
                    f"{'names' if len(naming) == 1 else 'name'} it and will list no story." if naming else "")
        if feeds:
            searches += (f" The {'feed' if len(feeds) == 1 else 'feeds'} {', '.join(map(repr, feeds))} "
                         f"{'gives' if len(feeds) == 1 else 'give'} it to new stories: no longer.")
        what = {"tag": f"Delete tag {entry.name!r} from every story?{searches}",
                "feed": f"Unsubscribe from {entry.name!r}? (its stories stay)"}
        self.app.push_screen(ConfirmScreen(what.get(entry.kind, f"Delete saved search {entry.name!r}?")), done)

    def _tag_changed(self, text: str, left: Mapping[str, StoreFileError], tag: str, again: str) -> None:
        """Say a tag renamed or deleted, and the damaged state files whose stories may still have it."""
        if note := files_left_note(left, tag, again):
            self.notify(f"{text}; {note}", severity="warning", timeout=10, markup=False)
        else:
            self.notify(text)

    def _tag_half_changed(self, exc: StoriesNotRetagged) -> None:
        """Say a tag changed on its feeds but not on every story (the old one stays listed, to
        do it again), and show the stories as they are now."""
        self.notify(str(exc), title="The store cannot be written", severity="error", timeout=10, markup=False)
        self.reload()

    def refresh_if_changed(self) -> None:
        """Back in the terminal: pick up what another instance changed meanwhile."""
        if self.reader.changed_on_disk():
            self.reload()

    def set_query(self, query: str) -> None:
        """Put ``query`` in the search bar and show its results (palette, sidebar)."""
        self.query_one(SearchBar).value = query
        self._to_list()  # the results: below 100 columns the story being read gives way to them

    def jump_to(self, story_id: str) -> None:
        """Select a story, clearing a search that hides it."""
        if self.headlines.index_of(story_id) is None:
            with self.query_one(SearchBar).prevent(Input.Changed):
                self.query_one(SearchBar).value = ""
            if self.reader.query_text.strip():
                self.notify(f"Search {self.reader.query_text.strip()!r} cleared: the story is not among its results",
                            timeout=3)
            self.reader.clear_search()
        self._show_rows(keep=story_id)
        self._to_shown_region()

    def on_key(self, event: events.Key) -> None:
        """A key that had no binding when it arrived (the app runs those at once) ends here:
        were it to bubble on, Textual would look its binding up again under a focus that
        later keys may have moved (Esc, then "/" in one read, would clear the search bar)."""
        event.stop()

    # -- actions ----------------------------------------------------------------------------

    def action_back(self) -> None:
        """Esc where the focused region has no Esc of its own: the sidebar back to the list, a
        search's results to every story (the story under the cursor kept).
        Unlike q it never quits, so a second Esc is harmless."""
        if self.query_one(Sidebar).has_focus:
            self._to_shown_region()
        elif (bar := self.query_one(SearchBar)).value.strip():
            self._leave_results(bar)

    def _leave_results(self, bar: SearchBar) -> None:
        """Every story again, from a search's results: the story under the cursor stays selected
        (the one just read among them; Esc in the bar, while typing, goes back to the one before)."""
        current = self.headlines.current
        bar.action_clear_and_leave(keep=current.id if current is not None and self.reader.lists_query() else None)

    def _to_shown_region(self) -> None:
        """Focus the list, or the story where the list is hidden (reading below 100 columns, or
        full width): the list's focus there was out of sight, and its keys changed the story."""
        reading = self.has_class("-zen") or (self.has_class("-narrow") and self.has_class("-reading"))
        self.set_focus(self.article_view if reading else self.headlines)

    async def action_back_or_quit(self) -> None:
        """q: back one level, as in newsboat and mutt: the article to the list, a search's results
        to every story (the story under the cursor kept), the list quits; the credits panel, as
        its Esc does, to the story."""
        if (credits := self.query_one(CreditsPanel)).has_focus:
            credits.action_leave()
        elif self.has_class("-reading") or self.has_class("-zen") or self.article_view.has_focus:
            self.article_view.action_back()
        elif self.query_one(Sidebar).has_focus:
            self.set_focus(self.headlines)
        elif (bar := self.query_one(SearchBar)).value.strip():
            self._leave_results(bar)
        else:
            await self.broadsheet.action_quit()

    def action_unread(self, step: int, any_story: bool = False) -> None:
        """n / N: the next or previous unread story (opened, from the list too); ``any_story``: the
        next story when none is unread (Space at the end of a story). Looked for here for up to
        ``UNREAD_HERE`` seconds, then in a worker (at a million stories, all read but one at the
        far end, that takes 1-2 s, and the reader keeps drawing and says it is looking)."""
        rows = self.headlines.stories
        if not rows:
            return
        at = self.headlines.cursor
        offer, self._onward_feed = self._onward_feed, None
        if offer is not None and step > 0 and offer[1:] == (self.reader.query_text, rows[at].id):
            self._open_unread_of = offer[0].query
            self.set_query(offer[0].query)
            self.broadsheet.notice("onward", f"On to {offer[0].name}", 2)  # in place of the offer
            return
        self._look_for_unread(rows, at, step, any_story)

    def _look_for_unread(self, rows: Sequence[StoryMeta], at: int, step: int, any_story: bool = False,
                         start: int = 1, opening: bool = False) -> None:
        """Go to the unread story ``step`` from row ``at`` (see :meth:`action_unread`), looked for
        from ``start`` rows away; ``opening``: open it, reading or not."""
        more = self.reader.more()  # the query listed matched more than it lists: they are looked at too
        until = time.monotonic() + UNREAD_HERE
        found = self.reader.next_unread(rows, at, step, start=start, stop=lambda: time.monotonic() > until,
                                        unlisted=more is not None)
        if isinstance(found, Unfinished | Unlisted):
            self._unread_notice = self.set_timer(UNREAD_NOTICE, partial(
                self.notify, f"Looking further {'down' if step > 0 else 'up'} the list for an unread story…",
                timeout=2))
            self._unread_worker(rows, at, step, any_story, found.start, more, opening)
        else:
            self._unread_found(rows, at, step, any_story, found, opening)

    @work(thread=True, exclusive=True, group="unread", exit_on_error=False)
    def _unread_worker(self, rows: Sequence[StoryMeta], at: int, step: int, any_story: bool, start: int,
                       more: SearchInput | None, opening: bool) -> None:
        """Go on looking from ``start`` rows away, among the query's results not listed (``more``) too."""
        worker = get_current_worker()  # cancelled (a quit, another n): it stops within 32 rows

        def stopped() -> bool:
            return worker.is_cancelled

        found = self.reader.next_unread(rows, at, step, start=start, stop=stopped, unlisted=more is not None)
        if isinstance(found, Unlisted) and more is not None:
            def search(query: Query, offset: int, page: int | None) -> SearchResult:
                return self.broadsheet.search(query, more.stories, more.states, offset, stopped, page is None,
                                              page=page)

            try:
                listed = self.reader.unread_unlisted(more, rows, search, last=step < 0)
            except SearchCancelled:
                return
            except ValueError:  # a QueryError: the index cannot run it now (the rows listed are looked at)
                listed = None
            if listed is not None:
                extension = self.reader.extended(more.text, more.offset, listed[0])  # (the rows made here)
                if not worker.is_cancelled:
                    self.app.call_from_thread(self._unread_unlisted, rows, at, step, extension, listed[1], opening)
                return
            found = self.reader.next_unread(rows, at, step, start=found.start, stop=stopped)
        if not isinstance(found, Unfinished | Unlisted) and not worker.is_cancelled:
            self.app.call_from_thread(self._unread_found, rows, at, step, any_story, found, opening)

    def _unread_unlisted(self, rows: Sequence[StoryMeta], at: int, step: int, listed: Extension | None,
                         story_id: str, opening: bool) -> None:
        """List the query's results with its next ones, ``listed``, and go to the unread story
        ``story_id`` among them (unless the list or its cursor changed meanwhile, as :meth:`_unread_found`)."""
        current = self.headlines.current
        if (rows is self.headlines.stories and current is not None and (opening or at == self.headlines.cursor)
                and listed is not None and self.reader.accept_extended(listed)):
            self._show_rows(keep=current.id)
            rows = self.headlines.stories
        self._unread_found(rows, at, step, False, index_of(rows, story_id), opening)

    def _unread_found(self, rows: Sequence[StoryMeta], at: int, step: int, any_story: bool,
                      found: int | None, opening: bool = False) -> None:
        """Go to row ``found`` of ``rows`` (None: there is no unread story), unless the list or
        its cursor changed while a worker looked (the user has moved on). ``opening``: n went on
        to another feed, whose first unread story it opens wherever the cursor is (nothing is
        said when there is none)."""
        if self._unread_notice is not None:
            self._unread_notice.stop()
            self._unread_notice = None
        if rows is not self.headlines.stories or (at != self.headlines.cursor and not opening):
            return
        if opening:
            if found is not None:
                self.headlines.jump_to(found)
                self.headlines.action_open()
            return
        if found is None and any_story and at + 1 < len(rows):
            found = at + 1
        if found is None:
            other = "" if self.reader.state_of(rows[at].id).read else "other "  # the cursor's story is unread
            onward = self._next_feed() if step > 0 else None
            if onward is None:
                self.notify(f"No {other}unread stories here", timeout=2)
                return
            self._onward_feed = (onward[0], self.reader.query_text, rows[at].id)
            self.broadsheet.notice("onward", f"No {other}unread stories here: n again for {onward[0].name} "
                                   f"({onward[1]:,} unread)", 4)
            return
        if (found - at) * step < 0:  # went round the list's end: the cursor jumps across the list
            self.notify("Past the end of the list: the first unread story" if step > 0
                        else "Past the top of the list: the last unread story", timeout=2)
        self.headlines.jump_to(found)
        self.headlines.action_open()  # from the list too, as Enter and newsboat's n: shown, marked read

    def _next_feed(self) -> tuple[Entry, int] | None:
        """The feed n offers to go on to, with its unread stories, when the feed or tag listed
        has none left: the next in the sidebar that has some, after the feed listed (going
        round), as newsboat's n goes on to the next feed. "No unread stories here" was said
        with "Harbour Gazette 1" in the sidebar."""
        sidebar = self.query_one(Sidebar)
        listed = sidebar.entry_of(self.reader.query_text)
        if listed is None or listed.kind not in {"feed", "tag"}:
            return None
        feeds = sidebar.feeds
        at = next((i for i, (entry, _) in enumerate(feeds) if entry == listed), None)
        found = next_with_unread([unread for _, unread in feeds], at)
        return None if found is None else feeds[found]

    def _open_first_unread(self) -> None:
        """Open the first unread story listed (n went on to another feed): looked for from the
        first row on, the first included (from after the last, it was never the last row), and
        among the results not listed yet."""
        if rows := self.headlines.stories:
            self._look_for_unread(rows, 0, 1, start=0, opening=True)

    def action_focus_search(self) -> None:
        current = self.headlines.current
        bar = self.query_one(SearchBar)
        bar.begin(current.id if current else None)
        self._left_bar = time.monotonic()  # moves before this are not the new results'
        self.set_focus(bar)  # now, not after the keys already queued

    def action_help(self) -> None:
        from broadsheet.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self, self.broadsheet.keymap))

    def _current(self) -> StoryMeta | None:
        current = self.headlines.current
        if current is None:
            self.notify("No story selected", severity="warning", timeout=2)
        return current

    def action_bookmark(self) -> None:
        if story := self._current():
            state = self._write(lambda: self.reader.toggle_bookmark(story.id))
            if state is not None:
                self._marks_changed({story.id: state}, "bookmarked")
                self.broadsheet.notice("bookmark", "Bookmarked" if state.bookmarked else "Bookmark removed", 1.5)

    def action_copy_url(self) -> None:
        """Put the story's address on the clipboard with OSC 52 (works over SSH; see tui.links)."""
        if story := self._current():
            if not (link := story.link):
                self.notify("This story has no address", severity="warning", timeout=2)
                return
            copy_text(self.app, link)
            self.notify(f"Copied {link}", title="Address", timeout=3, markup=False)

    def action_open_url(self) -> None:
        if story := self._current():
            if not (link := story.link):
                self.notify("This story has no address", severity="warning", timeout=2)
                return
            if self.app.is_web and is_web_address(link):  # `broadsheet serve`: the user's own browser
                self.app.open_url(link)
                self.notify("Opened in a new tab", timeout=2)
                return
            reason = open_in_browser(link, app=self.app, setting=self.broadsheet.config.browser)
            if reason:
                self.notify(f"Not opened: {reason}. Copy the address with y.", title="Browser", timeout=6,
                            markup=False)
            else:
                self.notify("Opened in the browser", timeout=2)

    def action_toggle_read(self) -> None:
        if story := self._current():
            state = self._write(lambda: self.reader.toggle_read(story.id))
            if state is not None:
                self._marks_changed({story.id: state}, "read")

    def action_tag(self) -> None:
        story = self._current()
        if story is None:
            return
        current = self.reader.state_of(story.id).tags

        def done(text: str | None) -> None:
            edit = self._tag_edit(text)
            if edit is None:
                return
            keep, drop = edit
            self._marks_changed(self._write(lambda: self.reader.set_tags(story.id, keep, drop, current)), "tags")
            if missing := [tag for tag in drop if tag not in current]:
                self.notify(f"Not on this story, so not removed: {', '.join(map(repr, missing))}", timeout=4,
                            markup=False)

        self.app.push_screen(tag_editor(current, self.reader.known_tags()), done)

    def _tag_edit(self, text: str | None) -> tuple[list[str], list[str]] | None:
        """The tag editor's text as (keep/add, remove); None when cancelled or invalid (said)."""
        if text is None:
            return None
        try:
            edit = parse_tag_edit(text)
        except TagError as exc:
            self.notify(str(exc), severity="error")
            return None
        self._say_reworded(piece for piece in text.split(",") if not piece.strip().startswith("-"))
        return edit

    def _say_reworded(self, given: Iterable[str]) -> None:
        """Say which tags ``given`` were kept otherwise than typed (lower-cased, cut short): a later
        search by the name as typed found nothing, unsaid."""
        if reworded := tags_reworded(given, self.store.user.spelling()):
            self.notify(f"{TAG_RULES.capitalize()}: kept {reworded_note(reworded)}", severity="warning",
                        timeout=6, markup=False)

    def _targets(self) -> Targets | None:
        """What B, T, e, E and D act on now (see :class:`Targets`); None (said) while the list is
        not the answer to the query in the bar: a key for every listed story would otherwise act
        on results the bar no longer names (after a query with an error, every story). Nor from
        the sidebar with another row than the list's under its cursor: A there acts on that row,
        and these would act, unseen, on the list beside it."""
        sidebar = self.query_one(Sidebar)
        if sidebar.has_focus and (entry := sidebar.current_entry) is not None and (
                entry.query != self.reader.query_text.strip()):
            self.notify(f"This key acts on the listed stories, and the list does not show {entry.name!r}: "
                        "Enter lists its stories, Esc goes back to the list",
                        title="Not acting on the listed stories", severity="warning", timeout=6, markup=False)
            return None
        if not self.reader.lists_query():
            failed = self.query_one("#search-error", Label).display
            self.notify("The search in the bar has an error, so the list still shows the results before it: "
                        "correct the search, or clear it with Esc, then try again" if failed else
                        "Still searching: try again when the results are listed",
                        title="Not acting on the listed stories", severity="warning", timeout=6)
            return None
        rows = self.headlines.stories
        every = self.reader.every_match()
        if every is None:
            return Targets(rows, None, len(rows))
        return Targets(rows, every, self.reader.result_total, self.reader.result_counted)

    def _target_ids(self, targets: Targets, stop: Callable[[], bool] = never) -> list[str]:
        """The ids of ``targets`` in list order (in a worker: every match is a search of its own,
        at 1,000,000 stories up to 1.5 s for a common word's 489,000)."""
        job = targets.every
        if job is None:
            return listed_ids(targets.rows)
        return self.broadsheet.search(job.query, job.stories, job.states, stop=stop, every=True).ids

    def action_bookmark_all(self) -> None:
        self._confirm_listed(self._targets(), "Bookmark {}?", lambda user, ids, left: user.bookmark_all(ids, left),
                             "Bookmarked", "Bookmarking {}", "bookmark")

    def action_read_all(self) -> None:
        """newsboat's ``A``: every listed story read (a feed chosen in the sidebar, a search's
        matches); from the sidebar, the stories of the row under its cursor (:meth:`_read_entry`)."""
        sidebar = self.query_one(Sidebar)
        if sidebar.has_focus and (entry := sidebar.current_entry) is not None:  # (a key rebound in [keys])
            self._read_entry(Sidebar.ReadAllRequested(entry))
        else:
            self._confirm_read(self._targets())

    def _confirm_read(self, targets: Targets | None) -> None:
        newly = Marks()  # the counts' change: how many were unread
        self._confirm_listed(targets, "Mark {} read?", tallied(lambda user, ids, left: user.read_all(ids, left), newly),
                             "Marked read", "Marking {} read", "mark {it} read",
                             lambda count: _read_note(count, newly.read))

    @on(Sidebar.ReadAllRequested)
    def _read_entry(self, message: Sidebar.ReadAllRequested) -> None:
        """A in the sidebar, as newsboat's A in its feed list: every story of the row under the
        cursor read (a feed's, a tag's, a saved search's; on "All stories" the store's), not the
        list's, which it marked read whatever row was highlighted. Their number, for the
        question, is counted by a worker, as a search's is."""
        entry = message.entry
        if entry.kind == "all":
            stories = self.reader.stories
            self._confirm_read(Targets(stories, None, len(stories), entry=entry))
            return
        try:
            job = self.reader.search_input(entry.query)
        except QueryError as exc:  # a saved search the reader cannot read
            self.notify(f"Not marked read: {exc}", severity="warning", timeout=6, markup=False)
            return
        self._entry_count_worker(entry, job)

    @work(thread=True, exclusive=True, group="entry", exit_on_error=False)
    def _entry_count_worker(self, entry: Entry, job: SearchInput) -> None:
        worker = get_current_worker()
        try:
            total = self.broadsheet.count(job.query, job.stories, job.states, stop=lambda: worker.is_cancelled)
        except SearchCancelled:
            return
        except ValueError as exc:  # the index failed
            self.app.call_from_thread(self.notify, f"Not marked read: {exc}", severity="warning", timeout=6,
                                      markup=False)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._confirm_read, Targets((), job, total, entry=entry))

    def _confirm_listed(self, targets: Targets | None, question: str, change: MarksChange, done: str, doing: str,
                        verb: str, said: Said | None = None) -> None:
        """Ask ``question`` of ``targets`` ("Bookmark all 12 listed stories?"), then make ``change``."""
        if not targets or self._none_listed(targets, verb.replace(" {it}", "")):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._change_listed(targets, change, done, doing, verb, said)

        self.app.push_screen(ConfirmScreen(question.format(targets.words())), answered)

    def action_tag_all(self) -> None:
        targets = self._targets()
        if targets is None:
            return
        count = targets.count
        if self._none_listed(targets, "tag"):
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
                    self._change_listed(targets,
                                        lambda user, ids, left: user.edit_tags(ids, add=add, remove=remove, left=left),
                                        "Tagged", "Tagging {}", "tag")

            change = ", ".join([f"+{t}" for t in add] + [f"-{t}" for t in remove])
            self.app.push_screen(ConfirmScreen(f"Apply {change} to {targets.words()}?"), confirmed)

        self.app.push_screen(tag_editor([], self.reader.known_tags(), count=count), done)

    def _change_listed(self, targets: Targets, change: MarksChange, done: str, doing: str, verb: str,
                       said: Said | None = None) -> None:
        """Make ``change`` to the marks of ``targets``: at once, or (past ``BULK`` stories, or every
        match of a search) in a worker, a step at a time with its progress shown (the reader goes
        on meanwhile). The stories of a damaged state file are left as they are, the others
        changed, and the user told which were left (``verb``: how to say doing it again;
        ``doing``: its progress, as "Marking {} read")."""
        if targets.every is None and targets.count <= BULK:
            ids = listed_ids(targets.rows)
            left: dict[str, StoreFileError] = {}
            changed = self._write(lambda: self.reader.change_marks(ids, change, left))
            if changed is not None:
                self._marks_changed(changed)
                text, severity = _changed_note(done, len(ids) - len(left), left, verb, said)
                self.notify(text, severity=severity, timeout=10 if left else None, markup=False)
            return
        if any(w.group == "marks" and w.is_running for w in self.workers):
            self.notify("Still changing the marks of the stories listed before; try again when it is done",
                        severity="warning", timeout=4)
            return
        self._work_progress(doing.format(n_stories(targets.count)) + "…")
        self._marks_worker(targets, change, done, doing, verb, said)

    @work(thread=True, exclusive=True, group="marks", exit_on_error=False)
    def _marks_worker(self, targets: Targets, change: MarksChange, done: str, doing: str, verb: str,
                      said: Said | None) -> None:
        worker = get_current_worker()
        say = self.app.call_from_thread
        left: dict[str, StoreFileError] = {}

        def stop() -> bool:
            return worker.is_cancelled

        def run(store: Store) -> int:
            ids = self._target_ids(targets, stop)
            total = len(ids)

            def progress(count: int) -> None:
                say(self._work_progress, f"{doing.format(n_stories(total))}: {count:,} done ({count * 100 // total}%)")

            catalogue = store.catalogue()
            # One catalogue answers for every step: each would make its own, and map every source again.
            store.user.presence = lambda _ids: catalogue.source_of
            return change_in_steps(store.user, ids, change, progress, stop, step_for(total, BULK), left)

        count = self._in_worker(run, "Not all saved")
        say(self._marks_done, None if count is None else _changed_note(done, count, left, verb, said))

    def _work_progress(self, text: str) -> None:
        status = self.query_one("#work-status", Label)
        status.update(Text(text))
        status.display = True

    def _work_done(self, text: str, severity: SeverityLevel) -> None:
        self.query_one("#work-status", Label).display = False
        self.notify(text, severity=severity, timeout=5 if severity == "information" else 10, markup=False)
        threading.Thread(target=give_back_memory, name="give-back-memory", daemon=True).start()

    def _marks_done(self, said: tuple[str, SeverityLevel] | None) -> None:
        """A change of many marks ended (``said``: how, and how loud; None: it failed, as said): the marks
        and counts are read again, the steps written included (the store holds them; a mapping
        of a million changes would not be kept), and the search run again."""
        current = self.headlines.current
        self.reload(restore=current.id if current else None)
        if said is not None:
            self._work_done(*said)

    def action_delete(self) -> None:
        if story := self._current():
            self._confirm_delete(Targets([story], None, 1), f"Delete {story.headline!r}?")

    def action_delete_all(self) -> None:
        targets = self._targets()
        if targets is None:
            return
        if targets.count > DELETE_MAX:
            which = "matching" if targets.every else "listed"
            self.notify(f"{too_many_to_delete(targets.count, which, not targets.exact)} Narrow the "
                        "search, or give `broadsheet rm` the ids `broadsheet search --limit 0` lists.",
                        title="Too many to delete", severity="warning", timeout=10)
            return
        if not self._none_listed(targets, "delete"):
            self._confirm_delete(targets, f"Delete {targets.words()}?")

    def _none_listed(self, targets: Targets, verb: str) -> bool:
        """Whether no story is listed for a key acting on every listed one: said, as e says it
        (B, T and D did nothing at all on an empty list, as if the key had not arrived)."""
        if targets.count:
            return False
        self.notify(f"No stories listed to {verb}" if targets.entry is None else
                    f"No stories in {targets.entry.name!r} to {verb}", timeout=2, markup=False)
        return True

    def _confirm_delete(self, targets: Targets, question: str) -> None:
        """Delete ``targets`` once confirmed: the story, its marks and its search entry (u undoes it)."""
        def done(yes: bool | None) -> None:
            if not yes:
                return
            if targets.every is None and targets.count == 1:  # one story: two shards rewritten, at once
                ids = listed_ids(targets.rows)
                deleted = self._write(lambda: self.store.delete(ids, undoable=True), stories=True)
                if deleted is not None:
                    self._deleted_done(deleted)
                return
            if self._stories_busy():
                return
            self._work_progress(f"Deleting {n_stories(targets.count)}…")
            self._delete_worker(targets)

        self.app.push_screen(ConfirmScreen(question + " (u undoes it)"), done)

    def _stories_busy(self) -> bool:
        """Whether a delete or an undo is still being written (said if so)."""
        if any(w.group == "stories" and w.is_running for w in self.workers):
            self.notify("Still deleting or bringing back stories; try again when it is done", timeout=3)
            return True
        return False

    @work(thread=True, exclusive=True, group="stories", exit_on_error=False)
    def _delete_worker(self, targets: Targets) -> None:
        """Delete many stories off the screen's thread: each shard they are in is rewritten."""
        worker = get_current_worker()
        say = self.app.call_from_thread

        def delete(store: Store) -> Deleted:
            ids = self._target_ids(targets, lambda: worker.is_cancelled)
            if len(ids) > DELETE_MAX:  # the store grew since the question
                raise ValueError(too_many_to_delete(len(ids), "matching"))

            def progress(done: int, total: int) -> None:
                say(self._work_progress, f"Deleting {n_stories(len(ids))}: {done * 100 // total}%")

            return store.delete(ids, progress, undoable=True)

        deleted = self._in_worker(delete, "Not deleted", stories=True)
        if deleted is not None:
            say(self._deleted_done, deleted)

    @work(thread=True, exclusive=True, group="stories", exit_on_error=False)
    def _finish_left(self) -> None:
        """Finish what another broadsheet, killed during a delete or an undo, left half done, then
        read the store again: read half done, the sidebar said "Unread -3,815" until r."""
        with contextlib.suppress(OSError, StoreFileError):
            if not Store(self.store.folder, check=False).left_unfinished():  # (its writer alive: not yet)
                self.app.call_from_thread(self.reload)

    def _in_worker(self, change: Callable[[Store], T], failed: str, *, stories: bool = False) -> T | None:
        """Run a long change in a worker, given a Store of its own (this is another thread);
        ``stories``: under the store's lock, as :meth:`_write` takes it. On failure it says why
        (``failed``: what did not happen) and returns None."""
        say = self.app.call_from_thread
        try:
            store = Store(self.store.folder, check=False)
            if not stories:
                return change(store)
            # The change's own acquire re-enters the lock; our index's catch-up goes first, then waits.
            waiting = partial(say, self._work_progress, "Waiting for the search index to catch up first…")
            with self.broadsheet.index_still(waiting), store.lock.acquire(timeout=BUSY_WAIT):
                return change(store)
        except Timeout:
            say(self._work_done, f"{failed}: {busy(stories)}", "warning")
        except SearchCancelled:  # the screen is going: nothing was changed
            pass
        except StoryGone as exc:  # every story it named was deleted meanwhile
            say(self._work_done, f"{failed}: {exc}", "warning")
        except (OSError, StoreFileError, ValueError) as exc:  # ValueError: a listing closed by a reload, a QueryError
            say(self._work_done, f"{failed}: {exc}", "error")
        return None

    def _deleted_done(self, deleted: Deleted) -> None:
        self._deleted = deleted
        # The list is as before the delete until the reload: the cursor goes to the next story kept.
        self.reload(restore=self._next_kept(set(deleted.ids)))  # the index drops them as it catches up
        text = f"Deleted {n_stories(len(deleted.ids))}; u undoes it"
        # Deleted as asked; the damaged file, or what the full disk left to write, is said.
        notes = [note for note in (unfinished_note(deleted.unfinished), marks_left_note(deleted.marks_left)) if note]
        if notes:
            self._work_done(". ".join([text, *notes]), "warning")
        else:
            self._work_done(text, "information")

    def _next_kept(self, gone: set[str]) -> str | None:
        """The story the cursor goes to once ``gone`` are deleted: the next one down, else up
        (read row by row from the cursor, not the whole list)."""
        return next((sid for sid in self._around_cursor(None) if sid not in gone), None)

    def action_undo_delete(self) -> None:
        if self._stories_busy():
            return
        deleted, self._deleted = self._deleted, None
        if deleted is None:
            self.notify("Nothing to undo: u brings back the last delete, once" if self._undone else
                        "Nothing deleted to undo in this session", timeout=3)
            return
        self._undone = True
        if len(deleted.ids) == 1:
            merged: list[str] = []
            back = self._write(lambda: self.store.restore(deleted, merged=merged), stories=True)
            if back is None:
                self._deleted = deleted
            else:
                self._restored(back, merged)
            return
        self._work_progress(f"Bringing back {n_stories(len(deleted.ids))}…")
        self._restore_worker(deleted)

    @work(thread=True, exclusive=True, group="stories", exit_on_error=False)
    def _restore_worker(self, deleted: Deleted) -> None:
        say = self.app.call_from_thread
        what = f"Bringing back {n_stories(len(deleted.ids))}"

        def progress(done: int, total: int) -> None:
            say(self._work_progress, f"{what}: {done * 100 // total}%")

        merged: list[str] = []
        back = self._in_worker(lambda store: store.restore(deleted, progress, merged), "Not brought back",
                               stories=True)
        if back is None:
            self.app.call_from_thread(setattr, self, "_deleted", deleted)  # u can try again
        else:
            self.app.call_from_thread(self._restored, back, merged)

    def _restored(self, back: list[str], merged: list[str]) -> None:
        """Say what the undo brought back: the stories, and the marks of those imported again. One
        story back goes under the cursor; more (a search's results deleted, the search since
        cleared), the cursor stays on its story: it went to the first back, anywhere in the list."""
        current = self.headlines.current
        keep: str | None
        if len(back) > 1 and current is not None:
            keep, self._awaited = current.id, None
        else:
            keep = back[0] if back else None
            self._awaited = (keep, time.monotonic()) if keep is not None else None
        self.reload(restore=keep, stale_index=len(back) > 1)
        marks = f"the marks of {n_stories(len(merged))} imported again"
        text = (f"Brought back {n_stories(len(back))}, and {marks}" if back and merged else
                f"Brought back {marks}" if merged else f"Brought back {n_stories(len(back))}")
        self._work_done(text, "information")

    def action_export(self, fmt: str = "md") -> None:
        """Write the listed stories to a file (named in a prompt), as ``broadsheet export`` does:
        in a worker, a shard of stories read and written at a time, its progress shown (at
        1,000,000 stories the export held 4 GB and froze the reader for minutes)."""
        targets = self._targets()
        if targets is None:
            return
        if not targets.count:
            self.notify("No stories listed to export", timeout=2)
            return
        if any(w.group == "export" and w.is_running for w in self.workers):
            self.notify("An export is still being written; try again when it is done", timeout=3)
            return
        suggested = Path.home() / f"broadsheet-{dt.date.today().isoformat()}.{fmt}"

        def chosen(name: str) -> Path:
            path = Path(name.strip()).expanduser()
            return path if path.is_absolute() else Path.cwd() / path  # said whole: "rel.md" is where?

        def refused(name: str) -> str | None:
            """Why the file named cannot be written, where that is known before writing: said in the
            prompt, which stays open with the name typed (closed, a typo in a folder lost it)."""
            from broadsheet.store.storage.export_file import check_output  # msgspec: not at start

            if not name.strip():
                return None
            try:
                check_output(chosen(name))
            except OSError as exc:
                return f"Not exported: {exc}"
            except RuntimeError:  # expanduser: "~ann/x.md" names a user this machine has not
                return f"Not exported: {name.strip().split('/', 1)[0]} is no user's home folder here"
            return None

        def done(name: str | None) -> None:
            if not name or not name.strip():
                return
            path = chosen(name)

            def start(yes: bool | None = True) -> None:
                if yes:
                    self._work_progress(f"Exporting {n_stories(targets.count)}…")
                    self._export_worker(targets, fmt, path)

            if path.is_file():
                self.app.push_screen(ConfirmScreen(f"Replace {path}?"), start)
            else:
                start()

        what = "Markdown" if fmt == "md" else "JSON"
        self.app.push_screen(PromptScreen(f"Export {targets.words()} as {what} to", str(suggested), check=refused),
                             done)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export_worker(self, targets: Targets, fmt: str, path: Path) -> None:
        # msgspec: not at start
        from broadsheet.store.storage.export_file import write_export

        worker = get_current_worker()
        say = self.app.call_from_thread

        def progress(done: int, total: int) -> None:
            say(self._work_progress, f"Exporting {n_stories(total)} to {path.name}: {done:,} done "
                f"({done * 100 // total}%)")

        def write(store: Store) -> ExportWritten:
            # The photos go beside the file, as `broadsheet export -o` puts them.
            ids = self._target_ids(targets, lambda: worker.is_cancelled)
            return write_export(store, fmt, path, ids, on_progress=progress)

        done = self._in_worker(write, "Not exported")  # a folder that is not there, no room, a damaged shard
        if done is not None:
            fitted = f". Note: {said}" if (said := done.fitted.said()) else ""
            say(self._work_done, f"Exported {n_stories(done.stories)} to {path}{done.beside()}{fitted}", "information")

    def action_save_search(self) -> None:
        query = self.reader.query_text.strip()
        if not query:
            self.notify("Type a search first, then press s to save it", timeout=3)
            return
        try:
            parse_query(query)
        except QueryError as exc:  # it would list nothing, every time it is chosen
            self.notify(f"{exc}. Correct the search, then press s to save it", title="Not saved", severity="warning",
                        timeout=6)
            return

        def save(name: str) -> None:
            saved = self._write(lambda: self.reader.save_search(name))
            if saved is None:
                return
            self._update_sidebar()
            self.notify(f"Saved search {saved!r}")

        def done(name: str | None) -> None:
            if name is not None and not name.strip():
                self.notify("Not saved: the search needs a name", severity="warning", timeout=4)
            elif name:  # the same search saved again under its name: no question
                self._as_saved_search(name, lambda _clean, existing: existing == query, lambda: save(name),
                                      "Not saved")

        # The search offered as its name, selected: a name typed replaces it (it was typed after it).
        self.app.push_screen(PromptScreen(f"Name for the search: {query}", query, replace=True), done)

    def _as_saved_search(self, name: str, same: Callable[[str, str], bool], act: Callable[[], None],
                         refused: str) -> None:
        """``act`` to put a saved search under ``name``; another search of that name (unless
        ``same(name as stored, its query)``) is replaced only when the user says so."""
        clean = saved_search_name(name)
        # Names are one in any case ("Rail" would replace "rail"): the question names the one stored.
        stored, existing = next(((n, q) for n, q in self.reader.saved_searches().items()
                                 if n.casefold() == clean.casefold()), (clean, None))
        if existing is None or same(stored, existing):
            act()
            return

        def replace(yes: bool | None) -> None:
            if yes:
                act()
            else:
                self.notify(f"{refused}: the saved search {stored!r} is kept", timeout=3)

        self.app.push_screen(ConfirmScreen(f"Replace the saved search {stored!r} ({existing})?"), replace)

    def action_step_story(self, step: int) -> None:
        self.headlines.cursor += step
        if self.headlines.current is not None and self.has_class("-reading"):
            self.headlines.action_open()

    def action_toggle_sidebar(self) -> None:
        """f: show the sidebar and go to it; from it, hide it. Shown but not focused (it is, from
        150 columns), f goes to it: hiding it would take a second f to reach it."""
        sidebar = self.query_one(Sidebar)
        if self.has_class("-zen"):  # full-width reading hides the sidebar: f leaves it (the focus went out of sight)
            self.remove_class("-zen")
            self._save_soon()
        if self.has_class("-sidebar") and not sidebar.has_focus:
            self.set_focus(sidebar)
            return
        self._sidebar_wanted = not self.has_class("-sidebar")
        self._fit_layout(self.app.size.width)
        self._save_soon()
        if self.has_class("-sidebar"):
            self.set_focus(sidebar)  # now: j typed right after f moves in the sidebar, not in the list
        elif sidebar.has_focus:
            self._to_shown_region()

    def _no_photos(self) -> None:
        """Said when p or v finds no photo to show: a story with captions (a text dump's, a photo
        not downloaded) is not one without photos, as the panel shows them."""
        article = self.article_view.article
        if article is not None and article.images:
            self.notify("No photo was kept with this story, only what the caption & credits panel shows (c)",
                        timeout=3)
        else:
            self.notify("This story has no photos", timeout=2)

    def action_step_photo(self, step: int) -> None:
        credits = self.query_one(CreditsPanel)
        if not credits.photos:
            self._no_photos()
        elif not credits.step_photo(step):
            self.notify("This story has one photo", timeout=2)

    def action_view_photo(self) -> None:
        from broadsheet.tui.screens.photo import PhotoScreen

        credits = self.query_one(CreditsPanel)
        if not credits.photos:
            self._no_photos()
            return
        if credits.protocol == "off":
            self.notify(f"Images are off ({self.broadsheet.images_off_cause})", timeout=4)
            return

        def back(index: int | None) -> None:
            if index is not None and index != credits.photo_index:
                credits.step_photo(index - credits.photo_index)

        self.app.push_screen(PhotoScreen(credits.photos, credits.photo_index, self.store.folder, credits.protocol,
                                         credits.numbers, credits.figures), back)

    def action_toggle_credits(self) -> None:
        self.toggle_class("-no-credits")

    def action_toggle_zen(self) -> None:
        self.toggle_class("-zen")
        if self.has_class("-zen"):
            self.set_focus(self.article_view)
        elif self.has_class("-narrow") and not self.has_class("-reading"):
            # Below 100 columns the list was shown again: the focus stayed in the hidden story's region.
            self.set_focus(self.headlines)
        self._save_soon()

    def action_toggle_single(self) -> None:
        """V: the list and the story in turn at any width (the list full width, Enter opens the
        story full width, Esc goes back), as below 100 columns; again, side by side. Remembered."""
        self._single_wanted = not self.single
        self._fit_layout(self.app.size.width)
        if self.query_one(Sidebar).has_focus and not self.has_class("-sidebar"):
            self._to_shown_region()  # the sidebar the width showed is hidden now
        self._save_soon()
        self.broadsheet.notice("layout", "The list and the story in turn (V: side by side)" if self.single
                               else "The list and the story side by side from 100 columns (V: in turn)", 2)

    def action_cycle_order(self) -> None:
        self._write(self.reader.cycle_order)
        self._show_rows(keep=self.headlines.current.id if self.headlines.current else None)
        if self.reader.result_ids is None:
            self.broadsheet.notice("order", f"Order: {self.reader.order}", 1.5)
        else:  # a search lists its best matches first (or its newest, with `sort:date`)
            self.broadsheet.notice("order", f"Order: {self.reader.order}, for every story once the search is "
                                   "cleared (a search keeps its own order)", 3)

    def action_refresh(self) -> None:
        self.reload()
        self.notify(n_stories(len(self.reader.stories)), timeout=1.5)

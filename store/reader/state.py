"""What the reader shows, kept apart from its widgets: stories, marks, the query and its results.

The main screen holds one :class:`ReaderState` and draws from it; everything here is plain
Python, so it is tested without Textual. Two rules keep the search worker safe:

- ``stories`` and ``states`` are never changed in place. A reload or a mark change puts a new
  tuple or mapping in their place, so what a worker thread was handed (:meth:`ReaderState.
  search_input`) stays as it was while the UI thread goes on ("dictionary changed size during
  iteration" cannot happen).
- Results are accepted only for the query text still current (:meth:`ReaderState.accept`).

The garbage-collector policy it follows is in :mod:`broadsheet.store.collector`.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import NamedTuple, overload

from broadsheet.store.collector import gc_paused, hold_loaded, release_loaded
from broadsheet.store.errors import StoreFileError
from broadsheet.store.feeds import latest
from broadsheet.store.reader import searcher
from broadsheet.store.reader.feedcounts import FeedCounts
from broadsheet.store.reader.ordering import index_of, next_order, order_stories
from broadsheet.store.search.query import Query, SearchResult, parse_query, tag_key
from broadsheet.store.storage import fields
from broadsheet.store.storage.atomic import FileIdentity
from broadsheet.store.storage.db import Store, StoryMeta, meanwhile
from broadsheet.store.storage.directory import story_key
from broadsheet.store.storage.listing import Catalogue, CatalogueIds
from broadsheet.store.storage.userstate import (
    EMPTY,
    LazyStates,
    Marks,
    StoryState,
    UserState,
    marked_read,
    preferred_spellings,
)

#: The setting that records the parsers whose stale stories were last offered for ``reparse --stale``.
REPARSE_OFFERED = "reparse_offered"

Fingerprint = tuple[tuple[int, int, int], ...]
#: Listed stories above which bookmarking or tagging every one is done in steps of about this
#: many (:func:`change_in_steps`), off the screen's thread: at 1,000,000 stories one change of
#: every story froze the reader for 20 s and held 900 MB.
BULK = 10_000
#: A change of the marks of the stories named, through the store's user state (which writes them);
#: given a dict, the stories of a damaged state file are left as they are and put in it with the
#: file's error, the others changed (None: a damaged file raises StoreFileError).
MarksChange = Callable[[UserState, list[str], dict[str, StoreFileError] | None], Mapping[str, StoryState]]
#: What of the view a session keeps besides the story, its scroll and the search.
VIEW = ("sidebar", "zen", "reading", "single")  # reading: the story had the focus (at 80 columns: the story, not
# the list); single: the list and the story take turns at any width (V)


def step_for(total: int, most: int = BULK) -> int:
    """The stories a step of a change of ``total`` marks holds: a twentieth of them, from 500
    to ``most``."""
    return min(most, max(500, -(-total // 20)))


def change_in_steps(user: UserState, story_ids: Sequence[str], change: MarksChange,
                    progress: Callable[[int], None], stop: Callable[[], bool], step: int | None = None,
                    left: dict[str, StoreFileError] | None = None) -> int:
    """Make ``change`` to the marks of ``story_ids`` a group of whole state files (about ``step``
    stories; by default :func:`step_for` them) at a time
    (:meth:`UserState.in_steps`), each group durable before the next, telling ``progress`` how
    many are done. Stops between groups once ``stop()`` is true; returns how many were changed.
    ``left``: the stories of a damaged state file are put in it and the other groups go on
    (without it, the damaged file's StoreFileError ends the change there).

    Each state file is written once whatever the step; a step costs only a write of the counts,
    so a change of 11,538 stories shows its progress in twenty steps, not in one of 86%."""
    if step is None:
        step = step_for(len(story_ids))
    done = unchanged = 0
    for group in user.in_steps(story_ids, step):
        if stop():
            break
        before = len(left) if left is not None else 0
        change(user, group, left)
        unchanged += len(left) - before if left is not None else 0
        done += len(group)
        progress(done)
    return done - unchanged


def tallied(change: MarksChange, tally: Marks) -> MarksChange:
    """``change``, adding to ``tally`` how each call of it changed the counts of marks (the
    user state's :attr:`~UserState.delta`): A says how many stories it marked read were unread."""
    def tallying(user: UserState, story_ids: list[str], left: dict[str, StoreFileError] | None
                 ) -> Mapping[str, StoryState]:
        changed = change(user, story_ids, left)
        tally.add(user.delta)
        return changed

    return tallying


@dataclass(frozen=True, slots=True)
class SearchInput:
    """What a search worker needs, none of which the UI thread changes afterwards."""

    text: str
    query: Query
    stories: Sequence[StoryMeta]
    states: Mapping[str, StoryState]
    offset: int = 0  # results listed already: the next ones are wanted (see ReaderState.more)
    every: bool = False  # all the results after ``offset``, not the next page (see ReaderState.rest)


class Results(Sequence[StoryMeta]):
    """A search's stories as the headline list takes them: each made when a row is drawn.

    Making a story reads its row of the store's listing, and a search's stories are all
    over it: 2,000 made at once took 224 ms at 1,000,000 stories (a compressed block read per
    story) and 147 ms at 10,000, on the UI thread, for every search typed. Which ids are
    listed is known from the listing's keys alone.
    """

    def __init__(self, ids: list[str], by_id: Mapping[str, StoryMeta], placed: bool = False) -> None:
        """``placed``: where each story is listed (:meth:`index_of`) is mapped now, by a worker, not
        by the UI thread as it keeps the cursor's story (300-500 ms at a million results)."""
        self._ids = ids
        self._by_id = by_id
        self._places: dict[str, int] | None = None
        if placed:
            self._mapped()

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> Sequence[str]:
        """The stories' ids, in list order (b and t on every listed story need no more)."""
        return self._ids

    @overload
    def __getitem__(self, index: int) -> StoryMeta: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[StoryMeta]: ...

    def __getitem__(self, index: int | slice) -> StoryMeta | Sequence[StoryMeta]:
        if isinstance(index, slice):
            return [self._by_id[i] for i in self._ids[index]]
        return self._by_id[self._ids[index]]

    def index_of(self, sid: str) -> int | None:
        """Where story ``sid`` is listed (:func:`index_of` asks this rather than make every story)."""
        return self._mapped().get(sid)

    def _mapped(self) -> dict[str, int]:
        """Each listed story's row, by its id (made on the first call)."""
        if self._places is None:
            self._places = {sid: n for n, sid in enumerate(self._ids)}
        return self._places


class Unfinished(NamedTuple):
    """:meth:`ReaderState.next_unread` ran out of time: go on from ``start`` rows away."""

    start: int


class Unlisted(NamedTuple):
    """:meth:`ReaderState.next_unread` came to the end of the rows listed, about to go round, and
    the query listed matched more than it lists: look among those first
    (:meth:`ReaderState.unread_unlisted`), then go on from ``start`` rows away."""

    start: int


class Extension(NamedTuple):
    """The results listed with a worker's next ones, and their rows (:meth:`ReaderState.extended`),
    made in the worker: at 490,000 results, filtering their ids took the UI thread 2 s."""

    text: str
    listed: list[str]  # the results it extends (``ReaderState.result_ids`` then)
    by_id: Mapping[str, StoryMeta]  # the stories its rows were made of
    ids: list[str]
    rows: Results
    total: int


#: A search of a query for a worker: its results after the first ``offset``, ``page`` of them
#: (None: every one), as :meth:`Searcher.search` gives them.
PageSearch = Callable[[Query, int, int | None], SearchResult]


def _row_keys(rows: Sequence[StoryMeta]) -> Callable[[int], int]:
    """Row -> story key without making the story (10 us a story): the catalogue holds its
    rows' keys, in any order; a search's results hold their ids."""
    if isinstance(rows, Catalogue):
        return rows.keys().__getitem__
    key: Callable[[int], int] | None = getattr(rows, "key", None)  # the catalogue in another order
    if key is not None:
        return key
    ids = getattr(rows, "ids", None)
    if ids is not None:
        return lambda i: story_key(ids[i])
    return lambda i: story_key(rows[i].id)


class ReaderState:
    """The reader's data: every story, the user's marks, the order, the query and its results."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.stories: Sequence[StoryMeta] = ()  # newest first: the store's catalogue, rows made when drawn
        self.by_id: Mapping[str, StoryMeta] = MappingProxyType({})
        self.states: Mapping[str, StoryState] = MappingProxyType({})
        self._counts = Marks()  # counts of marks on stored stories
        self._named: set[str] = set()  # tags given in this session (on stories stored or not)
        self.order = "newest"
        self.query_text = ""
        self.result_ids: list[str] | None = None  # None: every story, in ``order``
        self._shown: tuple[list[str], Mapping[str, StoryMeta], Results] | None = None  # shown()'s, and of what
        self.result_total = 0
        self.result_counted = True  # False: ``result_total`` is an estimate until the count comes (``accept_count``)
        self._results_of = ""  # the query whose results ``result_ids`` are (the bar may hold a newer one)
        self._newest = False  # whether those results are newest first, not ranked
        self.terms: list[str] = []
        self.begun = ""  # the last word, searched as the start of words: no story holds it whole
        self.note = ""  # what the last answer could not take into account
        self.partial = False  # the last answer came without the story text (the index still opening)
        self.fingerprint: Fingerprint | None = None
        self._marks_seen: FileIdentity | None = None
        self._lost_seen = 0  # state files known damaged when the marks were counted
        self.view: dict[str, bool] = {}  # the view the last session left (see ``VIEW``)
        self._latest = latest.LatestFetch()  # the stories the latest fetch added (``is:new``)
        self._latest_seen: FileIdentity | None = None

    # -- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        """Read stories and marks from the store (another instance's changes too)."""
        reloaded = self.loaded
        self.fingerprint = self.store.fingerprint()
        self._marks_seen = self.store.user.identity()
        release_loaded()  # the previous list goes back to the collector
        with gc_paused():
            catalogue = self.store.catalogue()
            self.stories = catalogue
            self.by_id = CatalogueIds(catalogue)
            self.states = LazyStates(self.store.user)
            self.store.user.presence = self._presence
            self._counts = self.store.user.counts(self._source_of)
            self._lost_seen = len(self.store.user.damaged_marks())  # (the count may find one)
            self._named = set()
            hold_loaded(collect=reloaded)

    def latest_fetch(self) -> latest.LatestFetch:
        """The stories the latest fetch added, by feed: its small file read again only when a
        fetch (this reader's, or `broadsheet fetch` in the shell) wrote it since."""
        seen = latest.identity(self.store)
        if seen != self._latest_seen:
            self._latest, self._latest_seen = latest.load(self.store), seen
        return self._latest

    def latest_changed(self) -> bool:
        """Whether a fetch wrote its new stories since they were read (`broadsheet fetch` from
        cron while the reader is open: it writes them after its stories, which a look at the
        store between the two had taken in already)."""
        return latest.identity(self.store) != self._latest_seen

    def lists_new(self) -> bool:
        """Whether the query in the bar asks for ``is:new`` (or ``-is:new``)."""
        try:
            return parse_query(self.query_text, typing=True).new is not None
        except ValueError:  # a QueryError: the bar says why
            return False

    def new_counts(self) -> tuple[int, dict[str, int]]:
        """(stories the latest fetch added still stored, the same per feed id): what ``is:new``
        lists, counted from its few ids, no other story read."""
        fetched = self.latest_fetch()
        present = self._stored
        per_feed = {feed: n for feed in fetched.feeds if (n := fetched.count_of(feed, present))}
        return sum(per_feed.values()), per_feed

    def _stored(self, story_id: str) -> bool:
        return self._source_of(story_id) is not None

    def marks_changed(self) -> bool:
        """Whether a mark was changed since the marks were read (by another reader, the shell,
        or this one: :meth:`reload_marks` then costs a few state files), or a state file was
        found damaged since (its stories show no marks: the counts leave them out too)."""
        return (self.store.user.identity() != self._marks_seen
                or len(self.store.user.damaged_marks()) != self._lost_seen)

    def reload_marks(self) -> None:
        """Read the marks again (the stories stay): another reader's bookmark shows, and a key
        pressed here acts on the marks as they are."""
        self._marks_seen = self.store.user.identity()
        self.states = LazyStates(self.store.user)
        self._counts = self.store.user.counts(self._source_of)
        self._lost_seen = len(self.store.user.damaged_marks())  # (the count may find one)

    def _source_of(self, story_id: str) -> str | None:
        """A stored story's source (None: not stored), for the marks counted per source."""
        finder = getattr(self.stories, "source_of", None)
        if finder is not None:
            found: str | None = finder(story_id)
            return found
        meta = self.by_id.get(story_id)
        return None if meta is None else meta.source or ""

    def _presence(self, story_ids: list[str]) -> Callable[[str], str | None]:
        """Whether each story a mark is written for is stored, and its source: from this
        catalogue (10 us), else (a story fetched since the load) from the store."""
        store: list[Callable[[str], bool | str | None]] = []

        def present(sid: str) -> str | None:
            found = self._source_of(sid)
            if found is None:
                if not store:
                    store.append(self.store.presence(story_ids))
                got = store[0](sid)
                found = got if isinstance(got, str) else None
            return found

        return present

    def feed_counts(self) -> FeedCounts:
        """Stories and unread stories per feed: a feed's stories carry its title as their source,
        grouped as ``feed:"Title"`` compares titles. From the listing's table and the marks
        counted per source: no story is read."""
        counter = getattr(self.stories, "source_counts", None)
        totals: Counter[str] = counter() if counter is not None else Counter(m.source or "" for m in self.stories)
        return FeedCounts.of_sources(totals, self._counts.sources)

    @property
    def loaded(self) -> bool:
        return self.fingerprint is not None

    def changed_on_disk(self) -> bool:
        return self.store.fingerprint() != self.fingerprint

    def restore_settings(self) -> tuple[str, int] | None:
        """Take the saved order, search and view; return the story the last session ended on and its scroll."""
        order = self.store.user.get_setting("order", "newest")
        self.order = order if isinstance(order, str) else "newest"
        session = self.store.user.get_setting("session", {}) or {}
        if not isinstance(session, dict):
            return None
        query = session.get("query")
        self.query_text = query if isinstance(query, str) else ""
        self.view = {key: session[key] for key in VIEW if isinstance(session.get(key), bool)}
        if session.get("story"):
            return str(session["story"]), int(session.get("scroll", 0))
        return None

    def save_session(self, story_id: str | None, scroll: int, view: Mapping[str, bool] | None = None) -> None:
        """Remember where the reader is: the story, its scroll, the search and the view
        (``VIEW``: sidebar, full width, reading the story). Raises OSError when the store cannot be written."""
        session: dict[str, object] = {"story": story_id, "scroll": scroll, "query": self.query_text}
        session.update({key: value for key, value in (view or {}).items() if key in VIEW})
        if session != self.store.user.get_setting("session"):
            self.store.user.set_setting("session", session)

    # -- marks ------------------------------------------------------------------------------

    def stale(self, stale: Collection[int]) -> int:
        """Stories from a file that a parser of ``stale`` read (``reparse`` can read them again)."""
        counter = getattr(self.stories, "stale", None)
        if counter is not None:
            found: int = counter(stale)
            return found
        return sum(1 for meta in self.stories if meta.parser in stale and fields.rereadable(meta.file))

    def stale_to_offer(self) -> int:
        """How many stories an older parser read, to be offered to read again once for each
        change of the parsers (0: none, or offered already): said at every start, it covered the
        list for 8 s each time until the user reparsed."""
        from broadsheet.store.ingest import PARSER_VERSIONS, stale_stamps

        stale = self.stale(stale_stamps())
        versions = ",".join(f"{kind}:{version}" for kind, version in sorted(PARSER_VERSIONS.items()))
        if not stale or self.store.user.get_setting(REPARSE_OFFERED) == versions:
            return 0
        with contextlib.suppress(OSError, StoreFileError):  # a read-only store: offered again next time
            self.store.user.set_setting(REPARSE_OFFERED, versions)
        return stale

    def next_unread(self, rows: Sequence[StoryMeta], at: int, step: int, start: int = 1,
                    stop: Callable[[], bool] | None = None,
                    unlisted: bool = False) -> int | Unfinished | Unlisted | None:
        """The row after (``step`` 1) or before (-1) row ``at`` whose story is unread, going
        round, looking from ``start`` rows away; None at once when the counts say every stored
        story is read (at a million, reading each row's state took seconds). :class:`Unfinished`
        when ``stop()`` says so first (asked every 32 rows): the UI thread's time is up, and the
        rest is for a worker (a state file not read yet costs some 0.2 ms at a million stories,
        and rows next to each other are in different files), or the worker was cancelled.
        ``unlisted``: the query listed matched more stories than ``rows`` (:meth:`more`), which
        come before going round: :class:`Unlisted` where they would."""
        if self._counts.read >= len(self.stories):
            return None
        count = len(rows)
        edge = count - at if step > 0 else at + 1  # the distance at which the list goes round
        key_at = _row_keys(rows)
        is_read = self.states.read_test() if isinstance(self.states, LazyStates) else None
        for n in range(start, count):
            if unlisted and n == edge:
                return Unlisted(n)
            i = (at + step * n) % count
            if (is_read is None or not is_read(key_at(i))) and not self.state_of(rows[i].id).read:  # (checked again)
                return i
            if stop is not None and n % 32 == 0 and stop():
                return Unfinished(n + 1)
        return Unlisted(edge) if unlisted and start <= edge == count else None

    def unread_unlisted(self, job: SearchInput, rows: Sequence[StoryMeta], search: PageSearch,
                        last: bool = False) -> tuple[SearchResult, str] | None:
        """The first of the query's results after those listed (``rows``; ``job`` is :meth:`more`'s)
        whose story is unread (``last``: the last), and the results up to a page past it, to be
        listed (:meth:`accept_extended`: the story then comes mid-list, not at its end); None when
        none is. n had looked at the rows listed alone, and said "No unread stories here" in a
        feed of 20,000 stories whose unread one was row 15,000.

        The query with ``is:unread`` says first which stories those are (at once, however many
        the query matches, when nearly all are read); the results are then looked through in
        pages four times larger each time, for one of them: a story at row 15,000 costs four
        searches of ids, no row made and no state file read (reading them cost 0.7 s at 20,000
        stories). Past a page of unread stories, each result's mark is read instead."""
        if job.query.read:  # is:read: the stories not listed are read
            return None
        unread = search(replace(job.query, read=False), 0, searcher.SEARCH_LIMIT)
        is_unread: Callable[[str], bool]
        if unread.total <= len(unread.ids):
            wanted = {sid for sid in unread.ids if index_of(rows, sid) is None}
            if not wanted:
                return None
            is_unread = wanted.__contains__
        else:
            is_unread = self._unread_test(job.states)
        page, seen = searcher.SEARCH_LIMIT, 0
        while True:
            found = search(job.query, job.offset, None if last else page)
            ids = found.ids
            places = range(len(ids) - 1, seen - 1, -1) if last else range(seen, len(ids))
            place = next((n for n in places if is_unread(ids[n])), None)
            if place is not None:
                return replace(found, ids=ids[:place + searcher.SEARCH_LIMIT]), ids[place]
            if last or len(ids) < page:
                return None
            page, seen = page * 4, len(ids)

    @staticmethod
    def _unread_test(states: Mapping[str, StoryState]) -> Callable[[str], bool]:
        """Whether a story of ``states`` is unread, by its id, for a pass over many (see
        :meth:`LazyStates.read_test`)."""
        is_read = states.read_test() if isinstance(states, LazyStates) else None

        def is_unread(sid: str) -> bool:
            return (is_read is None or not is_read(story_key(sid))) and not states.get(sid, EMPTY).read

        return is_unread

    def state_of(self, story_id: str) -> StoryState:
        return self.states.get(story_id, EMPTY)

    def damaged_files(self) -> dict[str, str]:
        """Files of the store found damaged, at its open or since, by name, each with what the
        reader does about it (the screen says each once). A state file: its stories show no marks.
        A body shard: its stories show the problem when opened. The listing: its rows are read
        from the stories' records."""
        found = {name: f"{exc}. {meanwhile(name, capital=True)}." for name, exc in self.store.damaged_files().items()}
        damage = self.stories.damage() if isinstance(self.stories, Catalogue) else None
        if damage is not None:
            found["listing"] = (f"{damage}. Its rows are read from the stories' records until `broadsheet repair` "
                                "rebuilds it.")
        return found

    def apply(self, changed: Mapping[str, StoryState]) -> None:
        """Marks written to the store: take them in, as a new mapping (workers keep the old one),
        and the counts as the write left them (other processes' marks too)."""
        user = self.store.user
        if user.marks is not None:
            self._counts = user.marks
        else:  # .counts.json is not kept yet (counted again at the next start)
            self._counts.add(user.delta)
        self._named.update(tag for state in changed.values() for tag in state.tags)
        states = self.states
        self.states = (states.with_changes(changed) if isinstance(states, LazyStates)
                       else MappingProxyType({**states, **changed}))

    # Each change below is written to the store first (raising OSError / StoreFileError when it
    # cannot be), then taken in; it returns the stories' new marks.

    def _before(self, story_ids: Iterable[str]) -> None:
        """Read the marks about to change as they are (the mapping reads files lazily, and one a
        worker holds must go on showing the marks from before the write)."""
        for sid in story_ids:
            self.states.get(sid)

    # b and m set the opposite of what the reader shows, not of what is stored: a bookmark made
    # in the shell a moment ago, not shown yet, is not taken away by a key meant to add one.

    def toggle_bookmark(self, story_id: str) -> StoryState:
        self._before([story_id])
        state = self.store.user.set_bookmarked(story_id, not self.state_of(story_id).bookmarked)
        self.apply({story_id: state})
        return state

    def toggle_read(self, story_id: str) -> StoryState:
        self._before([story_id])
        state = self.store.user.set_read(story_id, not self.state_of(story_id).read)
        self.apply({story_id: state})
        return state

    def mark_read(self, story_id: str) -> dict[str, StoryState]:
        """Mark a story read on opening it (nothing is written if it already is)."""
        if self.state_of(story_id).read:
            return {}
        changed = self.store.user.change([story_id], marked_read)
        self.apply(changed)
        return changed

    def set_tags(self, story_id: str, keep: list[str], drop: list[str], shown: Sequence[str]) -> dict[str, StoryState]:
        """The tag editor's answer for one story: it keeps ``keep`` (adding what is new) and
        loses the tags the editor showed (``shown``) that were taken out of its text, and
        ``drop``. A tag given elsewhere while the editor was open (another reader, the shell) is
        no tag taken out: it stays (it was lost at every save)."""
        removed = [t for t in shown if t not in keep] + drop
        return self.edit_tags([story_id], keep, removed)

    def edit_tags(self, story_ids: list[str], add: list[str], remove: list[str]) -> dict[str, StoryState]:
        self._before(story_ids)
        changed = self.store.user.edit_tags(story_ids, add=add, remove=remove)
        self.apply(changed)
        return changed

    def change_marks(self, story_ids: list[str], change: MarksChange,
                     left: dict[str, StoreFileError] | None = None) -> Mapping[str, StoryState]:
        """Make ``change`` (e.g. ``UserState.bookmark_all``) to the marks of ``story_ids``
        (``left``: see :data:`MarksChange`)."""
        self._before(story_ids)
        changed = change(self.store.user, story_ids, left)
        self.apply(changed)
        return changed

    def known_tags(self) -> list[str]:
        """Every tag named on a story (the tag editor and the palette offer them), once per
        :func:`tag_key` as the sidebar lists it: an older version's "Ferries" and "ferries" were
        offered both, and the one typed became the other anyway (``UserState.spelling``)."""
        spelled = preferred_spellings(self._counts.named)
        for tag in sorted(self._named):
            spelled.setdefault(tag_key(tag), tag)
        return sorted(spelled.values())

    def sidebar_counts(self) -> tuple[dict[str, int], Counter[str]]:
        """(all / unread / bookmarked counts, stories per tag), over stories in the store: kept
        as marks change, from counts the store keeps per state file (no mark is read). A tag is
        one per :func:`tag_key`, as choosing it lists every tag of that key ("Ferries" and an
        older store's "ferries"), named by its spelling used most (see ``preferred_spellings``),
        and counted over them all (a story with both twice, which no tag given now makes)."""
        marks, total = self._counts, len(self.stories)
        keys: Counter[str] = Counter()
        for tag, n in marks.tags.items():
            keys[tag_key(tag)] += max(n, 0)
        tags = Counter({tag: keys[key] for key, tag in preferred_spellings(marks.tags).items()})
        return {"all": total, "unread": total - marks.read, "bookmarked": marks.bookmarked}, tags

    # -- searching --------------------------------------------------------------------------

    def begin_search(self, text: str) -> SearchInput | None:
        """Make ``text`` the query. Returns what a worker must search, or None when ``text`` is
        blank (every story, no search needed: the results are set here). Raises QueryError."""
        self.query_text = text
        if not text.strip():
            self.accept(text, None)
            return None
        return self._search_input()

    def accept(self, text: str, result: SearchResult | None) -> bool:
        """Take a worker's answer if ``text`` is still the query (None: every story)."""
        if text != self.query_text:
            return False  # a newer query is on its way
        if result is None:
            self.result_ids, self.terms, self.result_total, self.note, self.begun = None, [], 0, "", ""
            self.result_counted, self.partial = True, False
        else:
            self.result_ids, self.terms, self.result_total = result.ids, result.terms, result.total
            self.result_counted = result.counted
            word = result.query.begun  # the query as run: its last word searched as a prefix ("ferr")
            self._newest = (parse_query(text, typing=True) if word is None else result.query).by_date
            self.note, self.partial = result.note, result.partial
            self.begun = "" if word is None else ("without " if word.negated else "") + f"words beginning {word.text}"
        self._results_of = text
        return True

    def to_count(self) -> SearchInput | None:
        """What a worker must count when the results listed came with an estimated total; None
        when they are counted, or a newer query is on its way."""
        return self._search_input() if self._estimated() else None

    def recount(self, kind: str | None = None) -> SearchInput | None:
        """What a worker must count again after marks changed, when the results listed are of a
        query on marks (``is:unread``, ``tag:x``) whose total is shown: the story just read stays
        listed, but "of 5,955 matches" beside "Unread 5,954" in the sidebar was stale. The total
        reads as an estimate until the count comes (see :meth:`accept_count`). ``kind``: the marks
        changed ("read", "bookmarked", "tags"; None: any), as only those the query asks about
        change its count (a tag in ``is:unread`` showed "about 600,042" for 0.4 s). Counted again
        when every match is listed too: after ``t -hometown`` in ``tag:hometown`` the story stays
        listed, and "5 of 120" beside "hometown 4" in the sidebar was stale."""
        if self.result_ids is None or not self.lists_query():
            return None
        query = parse_query(self.query_text, typing=True)
        asked = {"tags": bool(query.tag_groups), "bookmarked": query.bookmarked is not None,
                 "read": query.read is not None}
        if not (asked[kind] if kind is not None else any(asked.values())):
            return None
        self.result_counted = False
        return self._search_input()

    def accept_count(self, text: str, total: int) -> bool:
        """Take the count of the results listed, which came with an estimate, if ``text`` is still their query."""
        if text != self.query_text or not self._estimated():
            return False
        self.result_total, self.result_counted = total, True  # below the rows listed: marks changed since
        return True

    def lists_query(self) -> bool:
        """Whether the stories listed are the answer to the query in the bar (not while a search
        is on its way, nor after one that failed, when the list still shows the results before)."""
        return self._results_of == self.query_text

    def _estimated(self) -> bool:
        """Whether the results listed are of the query there is and came with an estimated total."""
        return not self.result_counted and self.result_ids is not None and self.lists_query()

    def more(self) -> SearchInput | None:
        """What a worker must search for the next results of the query listed, when it matched
        more stories than are listed (a search lists the best few thousand; the list asks for
        more as its cursor nears their end); None when all are listed or a newer query is on its way."""
        listed = self.result_ids
        if listed is None or not self.lists_query() or self.result_total <= len(listed):
            return None
        return self._search_input(len(listed))

    def _search_input(self, offset: int = 0) -> SearchInput:
        """What a worker needs to search the query (after ``offset`` results), as it is now."""
        return self.search_input(self.query_text, offset)

    def search_input(self, text: str, offset: int = 0) -> SearchInput:
        """What a worker needs to search ``text`` (the bar's query, or a sidebar row's) over the
        stories and marks as they are now; a phrase whose quote is still open is one being typed
        (see ``parse_query``'s ``typing``). Raises QueryError."""
        query = latest.given_new(parse_query(text, typing=True), lambda: self.latest_fetch().ids)
        return SearchInput(text, query, self.stories, self.states, offset)

    def rest(self) -> SearchInput | None:
        """What a worker must search for every result of the query listed after those listed (``G``
        goes to the last match, not to the last of the page listed); None as :meth:`more`."""
        job = self.more()
        return None if job is None else replace(job, every=True)

    def every_match(self) -> SearchInput | None:
        """What a worker must search for every story the query listed matched, when it matched
        more than are listed (a key for every listed story then acts on all of them); None when
        all are listed."""
        job = self.more()
        return None if job is None else replace(job, offset=0)

    def extended(self, text: str, offset: int, result: SearchResult) -> Extension | None:
        """The results listed for query ``text`` with a worker's next ones, and their rows, for
        :meth:`accept_extended`; None when they do not follow those listed. Called in a worker
        for many results (it reads, and changes nothing).

        Stories a change of the index moved into the page already listed are not listed twice;
        a page that adds nothing (the index lost stories meanwhile) ends the list there.
        """
        listed, by_id, shown = self.result_ids, self.by_id, self._shown
        if listed is None or offset != len(listed):
            return None
        seen = set(listed)
        added = [i for i in result.ids if i not in seen]
        rows = shown[2].ids if shown is not None and shown[0] is listed and shown[1] is by_id else \
            [i for i in listed if i in by_id]
        return Extension(text, listed, by_id, [*listed, *added],
                         Results([*rows, *(i for i in added if i in by_id)], by_id, placed=True),
                         result.total if added else offset)

    def accept_extended(self, extension: Extension) -> bool:
        """List :meth:`extended`'s results if the query shown and its results are still those it extended."""
        text = extension.text
        if text != self.query_text or self._results_of != text or extension.listed is not self.result_ids or \
                extension.by_id is not self.by_id:
            return False
        self.result_ids = extension.ids
        self._shown = (extension.ids, extension.by_id, extension.rows)
        self.result_total = extension.total
        self.result_counted = True  # a next page is counted whole
        return True

    def clear_search(self) -> None:
        self.query_text = ""
        self.accept("", None)

    def shown(self) -> Sequence[StoryMeta]:
        """The rows of the headline list: the results, else every story in the chosen order."""
        listed, by_id, shown = self.result_ids, self.by_id, self._shown
        if listed is None:
            return order_stories(self.stories, self.order)
        if shown is None or shown[0] is not listed or shown[1] is not by_id:  # (each id looked up: 3 us)
            shown = self._shown = (listed, by_id, Results([i for i in listed if i in by_id], by_id))
        return shown[2]

    def count_label(self, shown: int) -> str:
        """The words beside the search bar for ``shown`` listed rows."""
        total = len(self.stories)
        noun = "story" if total == 1 else "stories"
        if not self.query_text.strip():
            return f"{total:,} {noun}" + ("" if self.result_ids is not None else f" · {self.order}")
        begun = f" · {self.begun}" if self.begun else ""  # "ferr" typed: "49 of 150 · words beginning ferr"
        if self.result_total > shown:
            about = "" if self.result_counted else "about "
            return f"{'newest' if self._newest else 'best'} {shown:,} of {about}{self.result_total:,} matches{begun}"
        if self.result_counted and self.result_total < shown:  # marks changed: the rows stay until a new search
            return f"{self.result_total:,} of {total:,} match · {shown:,} listed{begun}"
        return f"{shown:,} of {total:,}{begun}"

    # -- order and saved searches -----------------------------------------------------------

    def cycle_order(self) -> str:
        """The next list order (saved with the store's settings; raises if it cannot be written)."""
        self.order = next_order(self.order)
        self.store.user.set_setting("order", self.order)
        return self.order

    def saved_searches(self) -> dict[str, str]:
        return self.store.user.saved_searches()

    def save_search(self, name: str) -> str:
        """Save the current query under ``name``; returns the name as stored."""
        return self.store.user.save_search(name, self.query_text.strip())

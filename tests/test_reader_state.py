"""The reader's data without Textual: loading, marks, searching, order, saved searches."""

from __future__ import annotations

import subprocess
import sys
import weakref
from collections.abc import MutableSequence
from pathlib import Path

import pytest

from broadsheet.store.collector import release_loaded
from broadsheet.store.reader.ordering import index_of, listed_ids
from broadsheet.store.reader.state import ReaderState, Unfinished, Unlisted
from broadsheet.store.search import SearchIndex
from broadsheet.store.search.query import QueryError, SearchResult
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.directory import story_key
from broadsheet.store.storage.listing import Catalogue
from broadsheet.store.storage.userstate import StoryState
from tests.factories import make_article


@pytest.fixture
def reader(filled_store: Store) -> ReaderState:
    state = ReaderState(filled_store)
    state.load()
    return state


def test_load_reads_stories_newest_first_and_marks(reader: ReaderState, filled_store: Store) -> None:
    assert [m.id for m in reader.stories] == [m.id for m in filled_store.stories()]
    assert set(reader.by_id) == {m.id for m in reader.stories}
    assert reader.loaded and not reader.changed_on_disk()
    filled_store.add([(make_article(9), None)])
    assert reader.changed_on_disk()
    reader.load()
    assert len(reader.stories) == 6 and not reader.changed_on_disk()


def test_a_reload_lets_go_of_the_list_it_dropped(filled_store: Store) -> None:
    """What a reader loads is frozen out of the collector's sight, and each reload froze the list it
    had just dropped with it, in a cycle nothing collected: at 1,000,000 stories each bulk mark (a
    catalogue for the change, a reload after it) kept 60-100 MB of mapped listing, 930 MB in a session."""
    filled_store.write_listing()
    reader = ReaderState(filled_store)
    try:
        dropped = []
        for _ in range(4):
            reader.load()
            dropped.append(weakref.ref(reader.stories))
            job: dict[str, object] = {"stories": reader.stories}  # a finished search's or bulk mark's job,
            job["itself"] = job  # held in a cycle (a worker and what it ran), as the reader's are
            del job
        assert [ref() is None for ref in dropped] == [True, True, True, False]
    finally:
        release_loaded()


def test_marks_are_replaced_never_changed_in_place(reader: ReaderState) -> None:
    """A worker holding the old mapping keeps seeing it while the UI takes in a change."""
    sid = reader.stories[0].id
    job = reader.begin_search("ferry")
    assert job is not None
    held = job.states
    reader.apply({sid: StoryState(bookmarked=True)})
    assert reader.state_of(sid).bookmarked
    assert sid not in held and len(held) == 0
    with pytest.raises(TypeError):
        reader.states[sid] = StoryState()  # type: ignore[index]
    assert not isinstance(job.stories, MutableSequence)  # the catalogue: read-only rows


def test_blank_query_lists_every_story_in_the_chosen_order(reader: ReaderState, filled_store: Store) -> None:
    assert reader.begin_search("  ") is None
    assert list(reader.shown()) == list(reader.stories)
    assert reader.count_label(5) == "5 stories · newest"
    assert reader.cycle_order() == "oldest"
    assert list(reader.shown()) == list(reversed(reader.stories))
    assert filled_store.user.get_setting("order") == "oldest"
    again = ReaderState(filled_store)
    again.restore_settings()
    assert again.order == "oldest"


def test_the_listed_ids_come_in_list_order_in_every_order(reader: ReaderState, filled_store: Store) -> None:
    """``listed_ids`` reads them from the listing (no story made), in whatever order is chosen."""
    filled_store.add([(make_article(20 + i, source=source), f"o{i}.txt") for i, source in enumerate("CAB")])
    reader.load()
    seen = []
    for _ in range(3):  # newest, oldest, by source
        shown = reader.shown()
        assert hasattr(shown, "story_ids")  # the fast path, not every story made
        assert listed_ids(shown) == [meta.id for meta in shown]
        seen.append(listed_ids(shown))
        reader.cycle_order()
    assert seen[1] == seen[0][::-1] and seen[2] != seen[0] and sorted(seen[2]) == sorted(seen[0])


def test_results_are_made_into_stories_only_as_rows_are_asked_for(reader: ReaderState,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A search's stories are all over the store's listing, each a compressed block to read:
    the list is handed the ids, and a row's story is made when that row is drawn."""
    ids = [meta.id for meta in reader.stories]
    made: list[str] = []
    real = type(reader.by_id).__getitem__

    def making(self: object, sid: str) -> object:
        made.append(sid)
        return real(self, sid)  # type: ignore[arg-type]

    monkeypatch.setattr(type(reader.by_id), "__getitem__", making)
    reader.begin_search("ferry")
    assert reader.accept("ferry", SearchResult([ids[2], "gone", ids[0], ids[1]], 4, ["ferry"]))
    rows = reader.shown()
    assert len(rows) == 3 and made == []  # "gone" is left out from the listing's keys alone
    assert rows[1].id == ids[0] and made == [ids[0]]
    assert [meta.id for meta in rows[1:]] == [ids[0], ids[1]]
    assert index_of(rows, ids[1]) == 2 and index_of(rows, "gone") is None
    made.clear()
    assert list(rows.ids) == [ids[2], ids[0], ids[1]] and made == []  # type: ignore[attr-defined]


def test_results_are_taken_only_for_the_current_query(reader: ReaderState) -> None:
    first, second = reader.stories[0].id, reader.stories[1].id
    job = reader.begin_search("ferry")
    assert job is not None and job.query.terms == ("ferry",)
    reader.begin_search("ferry timetable")
    assert not reader.accept("ferry", SearchResult([first], 1, ["ferry"]))
    assert reader.accept("ferry timetable", SearchResult([second, "gone"], 3000, ["ferry", "timetable"], note="n"))
    assert [m.id for m in reader.shown()] == [second]
    assert (reader.terms, reader.note) == (["ferry", "timetable"], "n")
    assert reader.count_label(1) == "best 1 of 3,000 matches"
    reader.clear_search()
    assert reader.result_ids is None and reader.terms == [] and reader.query_text == ""


def test_a_half_typed_word_s_results_say_they_are_newest_and_begin_it(reader: ReaderState,
                                                                     filled_store: Store) -> None:
    index = SearchIndex.open(filled_store)  # its four harbour stories hold "ferry", none "ferr"
    for text, label in [("ferr", "newest 2 of 4 matches · words beginning ferr"),
                        ("timetable ferr", "best 2 of 4 matches · words beginning ferr"),  # "timetable" ranks them
                        ("-ferr", "1 of 5 · without words beginning ferr"),
                        ("ferry", "best 2 of 4 matches"),
                        # the punctuation around it is not part of the words it begins: it said "(ferr"
                        ("(ferr", "newest 2 of 4 matches · words beginning ferr"),
                        ("ferr...", "newest 2 of 4 matches · words beginning ferr")]:
        reader.begin_search(text)
        assert reader.accept(text, index.search(text, states={}))
        assert reader.count_label(min(2, reader.result_total)) == label
    for text in ("ferr", "(ferr"):
        reader.begin_search(text)
        assert reader.accept(text, index.search(text, states={}))
        assert reader.terms == ["ferr*"]  # highlighted: "(ferr*" marked nothing


def more(reader: ReaderState, text: str, offset: int, result: SearchResult) -> bool:
    """A worker's next results, listed as the reader lists them: made in the worker, taken on the UI thread."""
    listed = reader.extended(text, offset, result)
    return listed is not None and reader.accept_extended(listed)


def test_an_estimated_total_says_so_until_the_count_of_its_query_comes(reader: ReaderState) -> None:
    a, b = (m.id for m in reader.stories[:2])
    reader.begin_search("ferry is:unread")
    assert reader.accept("ferry is:unread", SearchResult([a, b], 2980, ["ferry"], counted=False))
    assert reader.count_label(2) == "best 2 of about 2,980 matches" and not reader.result_counted
    assert not reader.accept_count("ferry", 3000)  # another query's count
    assert reader.accept_count("ferry is:unread", 3012)
    assert reader.count_label(2) == "best 2 of 3,012 matches" and reader.result_counted
    assert not reader.accept_count("ferry is:unread", 5)  # counted already: a late twin changes nothing
    reader.begin_search("ferry is:read")
    assert not reader.accept_count("ferry is:read", 40)  # its results are not in yet
    assert reader.accept("ferry is:read", SearchResult([a], 8, ["ferry"], counted=False))
    assert more(reader, "ferry is:read", 1, SearchResult([b], 9, ["ferry"]))  # a next page is counted
    assert reader.count_label(2) == "best 2 of 9 matches" and not reader.accept_count("ferry is:read", 8)


def test_more_results_follow_only_those_listed_for_the_query_shown(reader: ReaderState) -> None:
    a, b, c, d = (m.id for m in reader.stories[:4])
    reader.begin_search("ferry")
    assert reader.more() is None  # no results yet
    assert reader.accept("ferry", SearchResult([a, b], 4, ["ferry"]))
    job = reader.more()
    assert job is not None and (job.text, job.offset) == ("ferry", 2)
    assert not more(reader, "ferry", 1, SearchResult([c], 4, ["ferry"]))  # not after those listed
    assert more(reader, "ferry", 2, SearchResult([b, c], 4, ["ferry"]))  # b moved down: listed once
    assert reader.result_ids == [a, b, c] and reader.count_label(3) == "best 3 of 4 matches"
    assert more(reader, "ferry", 3, SearchResult([], 4, ["ferry"]))  # d left the index meanwhile
    assert reader.result_ids == [a, b, c] and reader.more() is None  # the list ends there
    reader.begin_search("is:unread sort:date")
    assert reader.accept("is:unread sort:date", SearchResult([a], 4, []))
    assert reader.count_label(1) == "newest 1 of 4 matches"  # listed by date, not ranked
    for text in ("is:unread", "ferry sort:date", "-ferry tag:local"):
        reader.begin_search(text)
        assert reader.accept(text, SearchResult([a], 4, [])) and reader.count_label(1) == "newest 1 of 4 matches"
    reader.begin_search("ferry timetable")  # its results are on their way: none to add to
    assert reader.more() is None
    assert not more(reader, "ferry timetable", 3, SearchResult([d], 9, ["ferry", "timetable"]))


def test_a_malformed_query_raises_before_any_worker(reader: ReaderState) -> None:
    with pytest.raises(QueryError):
        reader.begin_search("ferry -(unclosed")  # ("ferry OR" and an open quote are still being typed)
    assert reader.query_text == "ferry -(unclosed"


def test_sidebar_counts_and_tags(reader: ReaderState, filled_store: Store) -> None:
    a, b = reader.stories[0].id, reader.stories[1].id
    reader.apply(filled_store.user.edit_tags([a, b], add=["work"], remove=[]))
    reader.apply({a: filled_store.user.toggle_bookmark(a), b: filled_store.user.toggle_read(b)})
    reader.apply({"not-in-store": StoryState(read=True, tags=("ghost",))})
    counts, tags = reader.sidebar_counts()
    assert counts == {"all": 5, "unread": 4, "bookmarked": 1}
    assert tags == {"work": 2}
    assert reader.known_tags() == ["ghost", "work"]


def test_session_is_saved_and_restored(reader: ReaderState, filled_store: Store) -> None:
    sid = reader.stories[2].id
    reader.save_session(sid, 12)
    assert ReaderState(filled_store).restore_settings() == (sid, 12)


def test_saved_searches_through_the_user_state(reader: ReaderState, filled_store: Store) -> None:
    reader.begin_search("  rail is:unread ")
    assert reader.save_search("  Trains   and\tmore ") == "Trains and more"
    user = filled_store.user
    assert user.saved_searches() == {"Trains and more": "rail is:unread"}
    assert user.save_search("Boats", "ferry") == "Boats"
    assert list(reader.saved_searches()) == ["Boats", "Trains and more"]
    assert user.rename_saved_search("Boats", "Ferries") == "Ferries"
    assert user.saved_searches() == {"Ferries": "ferry", "Trains and more": "rail is:unread"}
    with pytest.raises(KeyError):
        user.rename_saved_search("Boats", "Again")
    with pytest.raises(ValueError, match="needs a name"):
        user.save_search("   ", "x")
    assert user.delete_saved_search("Ferries") and not user.delete_saved_search("Ferries")
    assert Store(filled_store.folder).user.saved_searches() == {"Trains and more": "rail is:unread"}


def test_two_readers_saving_searches_keep_both(filled_store: Store) -> None:
    """Each save re-reads the searches under the lock: neither reader loses the other's."""
    other = Store(filled_store.folder)
    assert filled_store.user.saved_searches() == {} == other.user.saved_searches()
    filled_store.user.save_search("One", "a")
    other.user.save_search("Two", "b")
    assert filled_store.user.saved_searches() == {"One": "a", "Two": "b"}


def test_the_reader_state_needs_no_textual() -> None:
    code = ("import sys\nimport broadsheet.store.reader.state, broadsheet.store.reader.filter\n"
            "assert not [m for m in sys.modules if m.startswith(('textual', 'rich', 'tantivy'))]\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_mark_changes_are_written_then_taken_in(reader: ReaderState, filled_store: Store) -> None:
    a, b = reader.stories[0].id, reader.stories[1].id
    held = reader.states
    assert reader.toggle_bookmark(a).bookmarked and reader.state_of(a).bookmarked
    assert reader.mark_read(a) == {a: StoryState(bookmarked=True, read=True)}
    assert reader.mark_read(a) == {}  # already read: nothing written
    assert not reader.toggle_read(a).read
    reader.edit_tags([a, b], ["work", "boats"], [])
    assert set(reader.set_tags(a, ["work", "trains"], ["boats"], ["work", "boats"])[a].tags) == {"trains", "work"}
    filled_store.user.edit_tags([b], add=["elsewhere"])  # given from the shell while the editor was open
    # "boats" was taken out of the editor's text: removed; "elsewhere" was never in it: kept.
    assert set(reader.set_tags(b, ["work"], [], ["work", "boats"])[b].tags) == {"work", "elsewhere"}
    assert set(reader.change_marks([a, b], lambda user, ids, left: user.bookmark_all(ids, left))) == {a, b}
    assert reader.state_of(b).bookmarked
    assert held == {}  # what a worker held before all this
    fresh = ReaderState(filled_store)
    fresh.load()
    assert fresh.states == reader.states


def test_feed_counts_are_exact_without_reading_the_stories(store: Store) -> None:
    """Stories and unread stories per feed, from the listing's table and the marks counted
    per source, agree with a count over every story: at load, after marks, after new stories."""
    from collections import Counter

    from broadsheet.store.reader.feedcounts import FeedCounts
    from broadsheet.store.search.analysis import feed_key

    def counted(state: ReaderState) -> FeedCounts:
        keys = {m.id: feed_key(m.source or "") for m in state.stories}
        totals = Counter(key for key in keys.values() if key)
        unread = Counter(key for sid, key in keys.items() if key and not state.state_of(sid).read)
        return FeedCounts(totals, Counter({key: unread[key] for key in totals}))

    sources = ["Valley Courier", "Lowmoor Gazette", "", "VALLEY  courier"]
    store.add([(make_article(i, source=sources[i % 4] or None), None) for i in range(12)])
    store.write_listing()
    ids = [m.id for m in store.stories()]
    store.user.set_read(ids[0], True)
    store.user.set_read(ids[4], True)
    state = ReaderState(Store(store.folder))
    state.load()
    assert state.feed_counts() == counted(state)
    state.toggle_read(ids[1])
    state.toggle_read(ids[0])  # unread again
    assert state.feed_counts() == counted(state)
    store.add([(make_article(i, source="Valley Courier"), None) for i in (30, 31)])  # since the listing
    state.load()
    assert state.feed_counts() == counted(state)
    assert Store(store.folder).user.counts(lambda _sid: True).read == 2  # counts.json as the reader left it


def test_a_feeds_count_takes_every_spelling_its_feed_search_finds(store: Store) -> None:
    # feed:"Top Stories" lists "top stories" stories too, and "Café Notes" is "CAFE notes":
    # the sidebar counted each spelling apart (a feed showed 1 where choosing it listed 2).
    sources = ["Top Stories", "top stories", "Café Notes", "CAFE  notes", "Cafe Notes (b.example)", "Top Stories"]
    store.add([(make_article(i, source=source), None) for i, source in enumerate(sources)])
    store.write_listing()
    store.user.set_read(next(m.id for m in store.stories() if m.source == "top stories"), True)
    state = ReaderState(Store(store.folder))
    state.load()
    counts = state.feed_counts()
    assert counts.of("Top Stories") == counts.of("TOP stories") == (3, 2)
    assert counts.of("Café Notes") == counts.of("cafe notes") == (2, 2)
    assert counts.of("Cafe Notes (b.example)") == (1, 1)  # another feed's title
    assert counts.of("") == counts.of("Harbour Gazette") == (0, 0)


class _Untouchable(list[StoryMeta]):
    """Rows whose items must not be read."""

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        raise AssertionError("a row was read")


def test_next_unread_answers_at_once_when_every_story_is_read(reader: ReaderState) -> None:
    """With every story read, n said so only after reading every row's state: seconds at a
    million. The counts say it without a row read; one story unread again is found."""
    ids = [meta.id for meta in reader.stories]
    for sid in ids[:-1]:
        reader.mark_read(sid)
    assert isinstance(reader.stories, Catalogue)  # its ids come from its keys
    for rows in (reader.stories, list(reader.stories)):
        assert reader.next_unread(rows, 0, 1) == len(ids) - 1 == reader.next_unread(rows, 1, -1)
        assert reader.next_unread(rows, len(ids) - 1, 1) is None  # the only unread is the one the cursor is on
    reader.mark_read(ids[-1])
    untouchable = _Untouchable(reader.stories)
    assert reader.next_unread(untouchable, 0, 1) is None and reader.next_unread(untouchable, 2, -1) is None
    reader.toggle_read(ids[2])
    for rows in (reader.stories, list(reader.stories)):
        assert reader.next_unread(rows, 0, 1) == 2 and reader.next_unread(rows, 0, -1) == 2


def test_next_unread_finds_the_same_story_in_every_order_as_a_look_at_each_row(reader: ReaderState) -> None:
    """n goes by the rows' story keys, which the catalogue gives in any order without making
    the stories; in each order it stops where a look at each row's marks would."""
    ids = [meta.id for meta in reader.stories]
    for sid in ids[1::2]:
        reader.mark_read(sid)
    for order in ("newest", "oldest", "source"):
        while reader.order != order:
            reader.cycle_order()
        rows = reader.shown()
        keys = rows.keys() if isinstance(rows, Catalogue) else [rows.key(i) for i in range(len(rows))]  # type: ignore[attr-defined]
        assert list(keys) == [story_key(meta.id) for meta in rows]
        for at in range(len(rows)):
            for step in (1, -1):
                expected = next(((at + step * n) % len(rows) for n in range(1, len(rows))
                                 if not reader.state_of(rows[(at + step * n) % len(rows)].id).read), None)
                assert reader.next_unread(rows, at, step) == expected, (order, at, step)


def test_next_unread_stops_when_asked_and_says_where_to_go_on(store: Store) -> None:
    """The UI thread gives n 20 ms, then a worker goes on from where it stopped; a cancelled
    worker (the reader quitting) stops within 32 rows rather than go through a million."""
    store.add([(make_article(i), None) for i in range(100)])
    reader = ReaderState(store)
    reader.load()
    ids = listed_ids(reader.stories)
    store.user.read_all(ids[:90])
    reader.load()
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return True

    assert reader.next_unread(reader.stories, 0, 1, stop=stop) == Unfinished(33) and len(asked) == 1
    assert reader.next_unread(reader.stories, 0, 1, start=33, stop=stop) == Unfinished(65)
    assert reader.next_unread(reader.stories, 0, 1, start=65, stop=lambda: False) == 90


def test_next_unread_looks_at_the_stories_not_listed_where_the_list_goes_round(store: Store) -> None:
    """A search listing part of its matches: n and N come to the stories not listed where they
    would go round the list's end (:class:`Unlisted`), and go round after them."""
    store.add([(make_article(i), None) for i in range(10)])
    reader = ReaderState(store)
    reader.load()
    ids = listed_ids(reader.stories)
    store.user.read_all(ids[1:])
    reader.load()
    rows = reader.stories
    assert reader.next_unread(rows, 3, 1, unlisted=True) == Unlisted(7)  # rows 4-9 read: then the others
    assert reader.next_unread(rows, 3, 1, start=7) == 0  # none there: round to row 0
    assert reader.next_unread(rows, 3, -1, unlisted=True) == 0  # row 0 comes first going up
    assert reader.next_unread(rows, 0, -1, unlisted=True) == Unlisted(1)
    assert reader.next_unread(rows, 0, 1, start=0, unlisted=True) == 0
    assert reader.next_unread(rows, 0, 1, unlisted=True) == Unlisted(10)  # the rows after row 0 are read


def test_stories_an_older_parser_read_are_offered_once_for_each_change_of_the_parsers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The offer to reparse covered the list for 8 s at every start until the user reparsed."""
    from broadsheet.store.ingest import PARSER_VERSIONS, TEXT_DUMP

    story = tmp_path / "story.txt"
    story.write_text("made up", encoding="utf-8")
    store = Store(tmp_path / "store")
    article = make_article(1)
    store.add_identified([(article.story_id, article, str(story))], parser=TEXT_DUMP << 5 | 1)

    def offered() -> int:
        reader = ReaderState(Store(store.folder))  # a start of the reader
        reader.load()
        return reader.stale_to_offer()

    assert offered() == 1
    assert offered() == 0  # the next start: said already
    monkeypatch.setitem(PARSER_VERSIONS, TEXT_DUMP, PARSER_VERSIONS[TEXT_DUMP] + 1)  # a better parser since
    assert offered() == 1

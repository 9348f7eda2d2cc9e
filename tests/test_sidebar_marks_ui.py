"""Pilot tests for the keys acting on many stories from the filters sidebar, as a newsboat user
presses them: ``A`` on the row under the sidebar's cursor, ``B`` / ``T`` / ``D`` / ``e`` not
on the list unseen."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Static

from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.reader.feedcounts import next_with_unread
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.dialogs import ConfirmScreen
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.sidebar import Sidebar
from tests.factories import make_article
from tests.pilot import progress_told, settle

#: Made-up feeds and how many stories each has.
FEEDS = {"Harbour Gazette": 4, "Valley Courier": 3, "Moorland Post": 2}


@pytest.fixture
def feeds_store(store: Store) -> Store:
    """Three made-up feeds subscribed to, their stories stored; one story of each tagged "rail"
    and the first Moorland Post story read."""
    articles, n = [], 0
    for title, count in FEEDS.items():
        for i in range(count):
            articles.append((make_article(n, source=title, headline=f"{title} story {i}"), f"f{n}.txt"))
            n += 1
    store.add(articles)
    ids = {m.headline: m.id for m in store.stories()}
    store.user.edit_tags([ids[f"{title} story 0"] for title in FEEDS], add=["rail"])
    store.user.set_read(ids["Moorland Post story 0"])
    addresses = {f"http://127.0.0.1:9/{i}.xml": title for i, title in enumerate(FEEDS)}
    Subscriptions(store).add(list(addresses), titles=addresses)
    store.user.save_search("courier", 'feed:"Valley Courier"')
    return store


def read_by_feed(store: Store) -> dict[str, int]:
    """Read stories per feed, as stored."""
    states = store.user.all()
    counts = dict.fromkeys(FEEDS, 0)
    for meta in store.stories():
        if states.get(meta.id) is not None and states[meta.id].read:
            counts[meta.source or ""] += 1
    return counts


def question(app: BroadsheetApp) -> str:
    assert isinstance(app.screen, ConfirmScreen)
    return " ".join(str(w.render()) for w in app.screen.query(Static))


async def to_row(pilot: object, app: BroadsheetApp, kind: str, name: str) -> None:
    """Open the sidebar (f) and put its cursor on the row ``name`` of ``kind``, as j does."""
    await pilot.press("f")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    sidebar = app.screen.query_one(Sidebar)
    assert sidebar.has_focus
    sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries)
                               if e is not None and (e.kind, e.name) == (kind, name))


@pytest.mark.parametrize(("kind", "name", "asked", "read"), [
    ("feed", "Harbour Gazette", "Mark all 4 stories of 'Harbour Gazette' read?",
     {"Harbour Gazette": 4, "Valley Courier": 0, "Moorland Post": 1}),
    ("tag", "rail", "Mark all 3 stories tagged 'rail' read?",
     {"Harbour Gazette": 1, "Valley Courier": 1, "Moorland Post": 1}),
    ("search", "courier", "Mark all 3 stories of the saved search 'courier' read?",
     {"Harbour Gazette": 0, "Valley Courier": 3, "Moorland Post": 1}),
    ("all", "All stories", "Mark all 9 stories in the store read?",
     {"Harbour Gazette": 4, "Valley Courier": 3, "Moorland Post": 2}),
])
async def test_a_in_the_sidebar_marks_the_row_under_its_cursor_read_not_the_list(
        feeds_store: Store, kind: str, name: str, asked: str, read: dict[str, int]) -> None:
    """A with the sidebar's cursor on "Harbour Gazette" asked "Mark all 9 listed stories read?"
    and marked every story in the store read (newsboat's A marks the feed under the cursor)."""
    app = BroadsheetApp(feeds_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await to_row(pilot, app, kind, name)
        await pilot.press("A")
        await settle(pilot)
        assert question(app).startswith(asked)
        await pilot.press("y")
        await settle(pilot)
    assert read_by_feed(feeds_store) == read


async def test_a_is_offered_in_the_sidebar_footer(feeds_store: Store) -> None:
    app = BroadsheetApp(feeds_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        footer = " ".join(str(w.render()) for w in app.screen.query("KeysFooter *"))
        assert "Mark read" in footer, footer


@pytest.mark.parametrize("key", ["B", "T", "D", "e", "E"])
async def test_keys_for_the_listed_stories_do_not_act_from_another_sidebar_row(feeds_store: Store,
                                                                               key: str) -> None:
    """B, T, D, e and E pressed in the sidebar with "Valley Courier" under its cursor acted on
    every listed story (the whole store), unseen: they say so and leave the stories be; on the
    row the list shows, they act on the list as ever."""
    app = BroadsheetApp(feeds_store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await to_row(pilot, app, "feed", "Valley Courier")
        await pilot.press(key)
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen) and app.screen.query_one(Sidebar).has_focus
        said = [n.message for n in app._notifications]
        assert ("This key acts on the listed stories, and the list does not show 'Valley Courier': "
                "Enter lists its stories, Esc goes back to the list") in said, said
        await pilot.press("enter")  # the feed listed (the focus on the list), then back to its row
        await settle(pilot)
        await to_row(pilot, app, "feed", "Valley Courier")
        await pilot.press("B")
        await settle(pilot)
        assert question(app).startswith("Bookmark all 3 listed stories?")


async def test_a_says_how_many_stories_it_newly_marked_read(feeds_store: Store,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A said "Marked read 9 stories" of nine of which two were read already; the sidebar's
    (in a worker, its progress worded as the question) and the list's (at once) both say the
    stories that were unread."""
    told = progress_told(monkeypatch)
    app = BroadsheetApp(feeds_store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await to_row(pilot, app, "feed", "Moorland Post")  # its two stories, one of them read
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert told[-1] == "Marking 2 stories read: 2 done (100%)"
        await pilot.press("escape")  # the sidebar back to the list: every story, two of them read now
        for _ in range(2):
            await pilot.press("A")
            await settle(pilot)
            assert question(app).startswith("Mark all 9 listed stories read?")
            await pilot.press("y")
            await settle(pilot)
        said = [n.message for n in app._notifications if n.message.startswith(("Marked", "All"))]
    assert said == ["Marked 1 story read; the other 1 was read already",
                    "Marked 7 stories read; the other 2 were read already",
                    "All 9 stories were read already"], said


@pytest.mark.parametrize(("kind", "name", "unread", "gone"), [
    ("feed", "Moorland Post", "Valley Courier story 2", ()),
    ("tag", "rail", "Valley Courier story 2", ()),
    ("feed", "Moorland Post", "Valley Courier story 0", ()),  # the feed's last row: the other two were opened
    ("feed", "Moorland Post", "Valley Courier story 1", ("Valley Courier story 0", "Valley Courier story 2")),
])
async def test_n_goes_on_to_the_next_feed_with_unread_stories_when_asked_again(
        feeds_store: Store, kind: str, name: str, unread: str, gone: tuple[str, ...]) -> None:
    """With one story of Valley Courier unread, n in a story of a feed (or tag) with none said
    "No unread stories here" while the sidebar showed "Valley Courier 1"; newsboat's n goes on
    to the next feed with unread stories. It says which, and a second n goes there and opens it:
    the feed's first unread story, wherever it is listed, in a feed of one story too."""
    ids = {m.headline: m.id for m in feeds_store.stories()}
    feeds_store.delete([ids[headline] for headline in gone])
    feeds_store.user.read_all([sid for headline, sid in ids.items() if headline not in (unread, *gone)])
    app = BroadsheetApp(feeds_store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await to_row(pilot, app, kind, name)
        await pilot.press("enter")  # its stories listed
        await settle(pilot)
        await pilot.press("enter")  # the first opened
        await settle(pilot)
        assert app.screen.has_class("-reading")
        await pilot.press("n")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert said[-1] == "No unread stories here: n again for Valley Courier (1 unread)", said
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == 'feed:"Valley Courier"'
        article = app.screen.query_one(ArticleView).article
        assert article is not None and article.headline == unread
        assert app.screen.has_class("-reading")
        said = [n.message for n in app._notifications]
        assert said[-1] == "On to Valley Courier" and not any("n again" in text for text in said), said
    assert feeds_store.user.get(ids[unread]).read


async def test_n_in_all_stories_does_not_offer_a_feed(feeds_store: Store) -> None:
    """In every story n says there is none, as before: there is no other feed to go on to."""
    feeds_store.user.read_all([m.id for m in feeds_store.stories()])
    app = BroadsheetApp(feeds_store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == "No unread stories here"


def test_the_next_feed_with_unread_stories_goes_round_and_skips_the_one_listed() -> None:
    assert next_with_unread([0, 2, 0, 1], 1) == 3
    assert next_with_unread([0, 2, 0, 1], 3) == 1
    assert next_with_unread([3, 0], 0) is None  # only the feed listed has any
    assert next_with_unread([0, 0, 5], None) == 2  # a tag listed: from the first feed
    assert next_with_unread([], None) is None


@pytest.mark.parametrize(("tag", "bar"), [("(draft)", 'tag:"(draft)"'), ("wip*", 'tag:"wip*"'),
                                          ("needs review", 'tag:"needs review"'), ("rail", "tag:rail")])
async def test_choosing_a_tag_in_the_sidebar_lists_its_stories_whatever_its_name(store: Store, tag: str,
                                                                                 bar: str) -> None:
    """Choosing "(draft)" put tag:(draft) in the bar, which said "Parentheses do not group tags"
    and listed every story; "wip*" said "tag: takes a whole tag, not a prefix"."""
    store.add([(make_article(n, headline=f"Quay story {n}"), f"q{n}.txt") for n in range(3)])
    store.user.edit_tags([next(iter(store.stories())).id], add=[tag])
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await to_row(pilot, app, "tag", tag)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(Input).value == bar
        assert not app.screen.query_one("#search-error", Label).display
        assert app.screen.query_one(HeadlineList).count == 1

"""One tag per key: ``tag:`` finds "café" and "cafe" alike (``tag_key``), so a tag given takes
the spelling of the tag of its key already there, and two spellings given together are one; the
sidebar lists a tag once, in its spelling used most, and a notice says the spelling a tag was kept in."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from broadsheet.cli.main import main
from broadsheet.store.feeds import retag
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.reader.state import ReaderState
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import StoryState, UserState
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.dialogs import PromptScreen
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.factories import make_article
from tests.pilot import open_sidebar, settle, type_text


@pytest.fixture
def ids(store: Store) -> list[str]:
    """Three made-up stories, the first tagged "café"."""
    made = store.add([(make_article(n, headline=f"Quay story {n}"), f"q{n}.txt") for n in range(3)])
    store.user.edit_tags([made[0]], add=["café"])
    return made


def test_a_tag_given_takes_the_spelling_of_the_tag_of_its_key(store: Store, ids: list[str]) -> None:
    assert store.user.edit_tags([ids[1]], add=["cafe"])[ids[1]].tags == ("café",)
    assert store.user.edit_tags([ids[2]], add=["cafés", "CAFÉS".lower(), "cafes"])[ids[2]].tags == ("cafés",)
    store.user.merge({ids[2]: StoryState(tags=("cafe", "rail"))})  # a feed's tags, an import's
    assert store.user.get(ids[2]).tags == ("cafés", "café", "rail")


def test_two_spellings_given_together_are_one_tag(store: Store) -> None:
    sid = "0123456789abcdef"
    assert store.user.edit_tags([sid], add=["cafe", "café"])[sid].tags == ("cafe",)


def test_the_spelling_is_looked_up_in_the_counts_not_the_stories(store: Store, ids: list[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A million stories' marks are not read to spell a tag: the counts name every tag."""
    def no_walk(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("every story's marks read")

    monkeypatch.setattr(UserState, "each", no_walk)
    monkeypatch.setattr(UserState, "all", no_walk)
    assert store.user.spelling()("cafe") == "café"


def test_broadsheet_tag_feeds_and_rename_take_the_spelling_there(store: Store, ids: list[str],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", str(store.folder), "tag", ids[1], "CAFE"]) == 0
    assert f"{ids[1][:10]}: tags now café" in capsys.readouterr().out
    added, _ = Subscriptions(store).add(["https://quay.example/feed.xml"], ["Cafe", "CAFÉ", "rail"])
    assert added[0].tags == ["café", "rail"]
    store.user.edit_tags([ids[2]], add=["tea"])
    store.user.rename_tag("tea", "Cafe")  # a merge into "café", not a second spelling
    assert store.user.get(ids[2]).tags == ("café",)
    store.user.rename_tag("café", "cafe")  # a respelling stays as typed
    assert {store.user.get(sid).tags for sid in ids} == {("cafe",)}


async def test_the_tag_editor_gives_one_tag_for_two_spellings(store: Store, ids: list[str]) -> None:
    """"Café, CAFE" in the tag editor gave one story both tags, "café" and "cafe"."""
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        assert story is not None
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await type_text(pilot, "Zürich, ZURICH, Café, CAFE")
        await pilot.press("enter")
        await settle(pilot)
        tags = store.user.get(story.id).tags
        assert [t for t in tags if t in ("zürich", "zurich")] == ["zürich"]
        assert [t for t in tags if t in ("café", "cafe")] == ["café"]  # the spelling there


async def test_an_older_stores_two_spellings_are_one_sidebar_row(store: Store, ids: list[str]) -> None:
    """With "café" on one story and (an older store's) "cafe" on another, the sidebar had two
    rows, "café 2" and "cafe 2", each listing both stories: one row now, the spelling used most."""
    store.user.change([ids[1]], lambda s: StoryState(tags=("cafe",)))  # as an older version tagged it
    store.user.change([ids[2]], lambda s: StoryState(tags=("café",)))
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        sidebar = await open_sidebar(pilot)
        rows = [str(sidebar.get_option_at_index(i).prompt) for i, e in enumerate(sidebar._entries)
                if e is not None and e.kind == "tag"]
        assert rows == ["café 3"]
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries)
                                   if e is not None and (e.kind, e.name) == ("tag", "café"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(HeadlineList).count == 3


def test_broadsheet_tags_lists_a_tag_once_in_its_spelling_used_most(
        store: Store, ids: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """`broadsheet tags` gave "Ferries" and "ferries" a line each (both counting all 3)."""
    store.user.change(ids[:2], lambda s: StoryState(tags=("Ferries",)))  # as an older version tagged them
    store.user.change(ids[2:], lambda s: StoryState(tags=("ferries",)))
    capsys.readouterr()
    assert main(["--store", str(store.folder), "tags"]) == 0
    assert capsys.readouterr().out.split() == ["3", "Ferries"]


def test_renaming_or_deleting_a_tag_changes_every_spelling_of_it(store: Store, ids: list[str]) -> None:
    """The sidebar's one row stands for every spelling: R and x on it changed only the spelling
    it names, and the other came back as a row of its own."""
    store.user.change(ids[:2], lambda s: StoryState(tags=("Ferries", "rail")))  # as an older version tagged them
    store.user.change(ids[2:], lambda s: StoryState(tags=("ferries",)))
    Subscriptions(store).add(["https://quay.example/feed.xml"], ["news"])
    Subscriptions(store).retag("news", "Ferries")  # (an older version's feed)
    store.user.save_search("boats", "tag:ferries rail")
    assert retag.feeds_giving(store, "ferries") == ["https://quay.example/feed.xml"]
    assert store.user.searches_naming_tag("Ferries") == ["boats"]
    assert retag.rename_tag(store, "Ferries", "boats", {}) == (3, ["https://quay.example/feed.xml"])
    assert [store.user.get(sid).tags for sid in ids] == [("boats", "rail"), ("boats", "rail"), ("boats",)]
    assert Subscriptions(store).all()[0].tags == ["boats"]
    assert store.user.saved_searches() == {"boats": "tag:boats rail"}
    store.user.change(ids[2:], lambda s: StoryState(tags=("Boats",)))
    assert retag.delete_tag(store, "boats", {}) == (3, ["https://quay.example/feed.xml"])
    assert [store.user.get(sid).tags for sid in ids] == [("rail",), ("rail",), ()]


def test_broadsheet_tag_says_the_spelling_a_tag_was_kept_in(store: Store, ids: list[str],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """"Ferries" given where an older version's "Ferries" is was kept so, yet said to be kept as
    "ferries"; "FERRIES" was said to be kept as "ferries" too."""
    store.user.change([ids[1]], lambda s: StoryState(tags=("Ferries",)))  # as an older version tagged it
    capsys.readouterr()
    assert main(["--store", str(store.folder), "tag", ids[2], "Ferries"]) == 0
    assert capsys.readouterr().err == ""  # kept as given: nothing to say
    assert main(["--store", str(store.folder), "tag", ids[0], "FERRIES"]) == 0
    assert "tags kept 'FERRIES' as 'Ferries' (" in capsys.readouterr().err
    assert [store.user.get(sid).tags for sid in ids] == [("café", "Ferries"), ("Ferries",), ("Ferries",)]


async def test_the_tag_editor_and_a_rename_say_the_spelling_a_tag_was_kept_in(store: Store, ids: list[str]) -> None:
    """The tag editor said "Ferries" (kept so, as the tag there) was kept as "ferries"; R said
    nothing of "Harbour News" becoming "harbour news"."""
    store.user.change([ids[1]], lambda s: StoryState(tags=("Ferries",)))  # as an older version tagged it
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        assert story is not None and not store.user.get(story.id).tags
        await pilot.press("t")
        await settle(pilot)
        await type_text(pilot, "Ferries, Quay")
        await pilot.press("enter")
        await settle(pilot)
        assert store.user.get(story.id).tags == ("Ferries", "quay")
        said = [n.message for n in app._notifications]
        assert "A tag is lower-case, at most 40 characters: kept 'Quay' as 'quay'" in said, said
        app.clear_notifications()
        sidebar = await open_sidebar(pilot)
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries)
                                   if e is not None and (e.kind, e.name) == ("tag", "quay"))
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("#prompt-input", Input).value = "Harbour News"
        await pilot.press("enter")
        await settle(pilot)
        assert store.user.get(story.id).tags == ("Ferries", "harbour news")
        said = [n.message for n in app._notifications]
        assert "A tag is lower-case, at most 40 characters: kept 'Harbour News' as 'harbour news'" in said, said


def test_the_tags_offered_to_complete_and_jump_to_are_one_per_tag(store: Store, ids: list[str]) -> None:
    """The tag editor's completions and the palette's "Tag: …" offered "Ferries" and "ferries"."""
    store.user.change(ids[:2], lambda s: StoryState(tags=("Ferries",)))  # as an older version tagged them
    store.user.change(ids[2:], lambda s: StoryState(tags=("ferries",)))
    reader = ReaderState(Store(store.folder))
    reader.load()
    assert reader.known_tags() == ["Ferries"]
    reader.apply(store.user.edit_tags([ids[2]], add=["quay"]))  # given in this session: offered too
    assert reader.known_tags() == ["Ferries", "quay"]

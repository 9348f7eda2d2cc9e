"""Pilot tests for bookmarks, tags, read marks, the filters sidebar and saved searches."""

from __future__ import annotations

import io
import time
from collections import Counter

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import parse_tag_edit
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens import main as main_screen
from broadsheet.tui.screens.dialogs import ConfirmScreen, PromptScreen
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.headline_list import HeadlineList
from broadsheet.tui.widgets.sidebar import EntryLabel, Sidebar
from tests.feeds import full_disk_for, marks_file
from tests.locks import hold
from tests.pilot import progress_told, row_of, search_for, settle, type_text


def _tag_counts(store: Store) -> Counter[str]:
    """Stories per tag, from every state file as it is on disk."""
    return Counter(tag for state in store.user.all().values() for tag in state.tags)


def listed(app: BroadsheetApp) -> list[str]:
    return [row.meta.headline for row in app.screen.query_one(HeadlineList).rows]


@pytest.fixture
def app(filled_store: Store) -> BroadsheetApp:
    return BroadsheetApp(filled_store)


async def test_b_toggles_a_bookmark_shown_in_the_list(app: BroadsheetApp, filled_store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        story = headlines.current
        await pilot.press("b")
        await settle(pilot)
        assert filled_store.user.get(story.id).bookmarked
        assert headlines.render_line(0).text.startswith(">*")
        await pilot.press("b")
        await settle(pilot)
        assert not filled_store.user.get(story.id).bookmarked


async def test_b_pressed_quickly_shows_one_notice_saying_the_last_state(app: BroadsheetApp,
                                                                        filled_store: Store) -> None:
    """Six presses of b in a second piled six toasts over the list, each saying the opposite of the one before."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        await pilot.press(*"bbbbb")
        await settle(pilot)
        assert filled_store.user.get(story.id).bookmarked
        assert [n.message for n in app._notifications if n.message.startswith("Bookmark")] == ["Bookmarked"]
        await pilot.press("b", "o", "o")
        await settle(pilot)
        assert sorted(n.message for n in app._notifications if n.message.startswith(("Bookmark", "Order"))) == [
            "Bookmark removed", "Order: source"]
        for said in ("Bookmarked", "Bookmark removed", "Bookmarked"):  # keys read in one go: none shown yet
            app.notice("bookmark", said, 1.5)
        await settle(pilot)
        assert [n.message for n in app._notifications if n.message.startswith("Bookmark")] == ["Bookmarked"]


async def test_b_on_a_story_just_deleted_from_the_shell_says_so_and_the_count_stays(
        app: BroadsheetApp, filled_store: Store) -> None:
    """The reader said "Bookmarked" and its sidebar "Bookmarked 1" for good, the story gone."""
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        Store(filled_store.folder).delete([story.id])  # `broadsheet rm` before the reader looked again
        await pilot.press("b")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert f"Not saved: story {story.id[:10]} was deleted meanwhile (in another reader or the shell): its " \
               "marks were not changed" in said, said
        assert "Bookmarked" not in said
        assert story.id not in [row.meta.id for row in app.screen.query_one(HeadlineList).rows]
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.reader.sidebar_counts()[0]["bookmarked"] == 0
    assert not Store(filled_store.folder).user.all()


async def test_m_toggles_read(app: BroadsheetApp, filled_store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        await pilot.press("m")
        await settle(pilot)
        assert filled_store.user.get(story.id).read
        await pilot.press("m")
        await settle(pilot)
        assert not filled_store.user.get(story.id).read


async def test_tag_editor_adds_removes_and_normalises(app: BroadsheetApp, filled_store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await type_text(pilot, "  Rail , Winter,[bold]x[/]")
        await pilot.press("enter")
        await settle(pilot)
        assert filled_store.user.get(story.id).tags == ("rail", "winter", "[bold]x[/]")
        await pilot.press("t")
        await settle(pilot)
        field = app.screen.query_one(Input)
        assert field.value == "rail, winter, [bold]x[/], "
        await type_text(pilot, "-winter")
        await pilot.press("enter")
        await settle(pilot)
        assert filled_store.user.get(story.id).tags == ("rail", "[bold]x[/]")


async def test_a_tag_given_elsewhere_while_the_editor_is_open_stays(app: BroadsheetApp, filled_store: Store) -> None:
    """The editor saved the whole set it had shown: a tag the shell or another reader gave
    meanwhile, said to be done, was lost at the save."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        story = main.query_one(HeadlineList).current
        await pilot.press("t")
        await settle(pilot)
        await type_text(pilot, "rail")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        Store(filled_store.folder).user.edit_tags([story.id], add=["fromshell"])  # `broadsheet tag S fromshell`
        main._check_store()  # the reader's look at the store, every 3 seconds, takes it in
        await type_text(pilot, "winter")
        await pilot.press("enter")
        await settle(pilot)
        assert set(filled_store.user.get(story.id).tags) == {"rail", "winter", "fromshell"}


async def test_tag_editor_says_what_it_cut_or_could_not_remove(app: BroadsheetApp, filled_store: Store) -> None:
    """A long tag was cut to 40 characters, "Rail" became "rail", and "-nosuchtag" removed nothing,
    all without a word."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        await pilot.press("t")
        await settle(pilot)
        await type_text(pilot, "an-extraordinarily-long-tag-name-for-testing-limits, Rail, -nosuchtag, -Winter")
        await pilot.press("enter")
        await settle(pilot)
        assert filled_store.user.get(story.id).tags == ("an-extraordinarily-long-tag-name-for-tes", "rail")
        said = [n.message for n in app._notifications]
        assert ("A tag is lower-case, at most 40 characters: kept 'an-extraordinarily-long-tag-name-for-testing-limits'"
                " as 'an-extraordinarily-long-tag-name-for-tes', 'Rail' as 'rail'") in said
        assert "Not on this story, so not removed: 'nosuchtag', 'winter'" in said


async def test_saving_a_search_under_no_name_says_so(app: BroadsheetApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ferry")
        await pilot.press("enter", "s")
        await settle(pilot)
        app.screen.query_one(Input).value = "   "
        await pilot.press("enter")
        await settle(pilot)
        assert "Not saved: the search needs a name" in [n.message for n in app._notifications]


async def test_tag_editor_completes_from_existing_tags(app: BroadsheetApp, filled_store: Store) -> None:
    other = filled_store.stories()[1].id
    filled_store.user.edit_tags([other], add=["transport"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        await pilot.press("t")
        await type_text(pilot, "tra")
        await pilot.press("right", "enter")
        await settle(pilot)
        assert filled_store.user.get(story.id).tags == ("transport",)


async def test_sidebar_lists_tags_with_counts_and_filters(app: BroadsheetApp, filled_store: Store) -> None:
    ids = [m.id for m in filled_store.stories()]
    filled_store.user.edit_tags(ids[:2], add=["rail"])
    filled_store.user.set_bookmarked(ids[3], True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        assert sidebar.has_focus
        labels = [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]
        assert labels[:3] == ["All stories 5", "Unread 5", "Bookmarked 1"]
        assert "rail 2" in labels
        await pilot.press("down", "down", "enter")  # Bookmarked
        await settle(pilot)
        assert listed(app) == [filled_store.meta(ids[3]).headline]
        assert app.screen.query_one(Input).value == "is:bookmarked"
        assert app.screen.query_one(HeadlineList).has_focus
        await pilot.press("shift+tab")  # back to the sidebar, still shown
        await settle(pilot)
        assert sidebar.has_focus
        sidebar.highlighted = labels.index("rail 2")
        await pilot.press("enter")
        await settle(pilot)
        assert len(listed(app)) == 2


async def test_rename_and_delete_a_tag_from_the_sidebar(app: BroadsheetApp, filled_store: Store) -> None:
    ids = [m.id for m in filled_store.stories()]
    filled_store.user.edit_tags(ids[:3], add=["rail"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.highlighted = 4  # the first tag, after the "Tags" heading
        await pilot.press("R")
        await settle(pilot)
        field = app.screen.query_one(Input)
        field.value = "Railways"
        await pilot.press("enter")
        await settle(pilot)
        assert _tag_counts(filled_store) == {"railways": 3}
        sidebar = app.screen.query_one(Sidebar)
        assert sidebar.current_entry is not None and sidebar.current_entry.name == "railways"  # it went along
        sidebar.focus()
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert _tag_counts(filled_store) == {}
        assert sidebar.current_entry is not None  # the row in its place, not nothing


async def test_renaming_a_tag_to_one_that_exists_says_it_merged_them(app: BroadsheetApp, filled_store: Store) -> None:
    """Renamed onto an existing tag, the two became one with "Renamed tag on 3 stories": the user
    could not tell that the other tag's stories were now counted with these."""
    ids = [m.id for m in filled_store.stories()]
    filled_store.user.edit_tags(ids[:3], add=["rail"])
    filled_store.user.edit_tags(ids[3:], add=["transport"])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.highlighted = 4  # the first tag, after the "Tags" heading: rail
        await pilot.press("R")
        await settle(pilot)
        app.screen.query_one(Input).value = "Transport"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # two tags made one: asked first, as saved searches are
        question = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Tag 'transport' exists already: merge 'rail' into it?" in question
        await pilot.press("n")
        await settle(pilot)
        assert _tag_counts(filled_store) == {"rail": 3, "transport": 2}
        await pilot.press("R")
        await settle(pilot)
        app.screen.query_one(Input).value = "Transport"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        said = [n.message for n in app._notifications]
    assert _tag_counts(filled_store) == {"transport": 5}
    assert any(m.startswith("Merged tag 'rail' into 'transport' on 3 stories") for m in said), said


async def test_a_tag_renamed_or_deleted_follows_on_the_feeds_that_give_it(app: BroadsheetApp,
                                                                         filled_store: Store) -> None:
    """A tag renamed in the sidebar stayed on the feed that gives it to new stories: the next
    fetch brought the old tag back beside the new one."""
    ids = [m.id for m in filled_store.stories()]
    filled_store.user.edit_tags(ids[:3], add=["local"])
    feeds = Subscriptions(filled_store)
    feeds.add(["http://127.0.0.1:9/town.xml"], tags=["local", "news"], titles={"http://127.0.0.1:9/town.xml": "Town"})
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.highlighted = row_of(sidebar, "tag", "local")
        assert sidebar.current_entry is not None and sidebar.current_entry.name == "local"
        await pilot.press("R")
        await settle(pilot)
        app.screen.query_one(Input).value = "Town hall"
        await pilot.press("enter")
        await settle(pilot)
        assert [sub.tags for sub in feeds.all()] == [["town hall", "news"]]
        assert _tag_counts(filled_store) == {"town hall": 3}
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "The feed 'Town' gives it to new stories: no longer." in question
        await pilot.press("y")
        await settle(pilot)
        said = [n.message for n in app._notifications]
    assert [sub.tags for sub in feeds.all()] == [["news"]]
    assert _tag_counts(filled_store) == {}
    assert "Renamed tag on 3 stories and on the feed 'Town'" in said, said
    assert "Removed tag 'town hall' from 3 stories and on the feed 'Town'" in said, said


async def test_a_tag_rename_on_a_full_disk_says_what_was_done_and_doing_it_again_finishes_it(
        app: BroadsheetApp, filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stories were renamed before the feeds: feeds.json not written (a full disk), the reader
    said "Not saved" with the stories renamed and the old tag gone from the sidebar, and every
    fetch brought it back. The feeds are changed first; stories not written are said as such."""
    ids = [m.id for m in filled_store.stories()]
    filled_store.user.edit_tags(ids[:3], add=["local"])
    feeds = Subscriptions(filled_store)
    feeds.add(["http://127.0.0.1:9/town.xml"], tags=["local"], titles={"http://127.0.0.1:9/town.xml": "Town"})

    async def rename(pilot: Pilot[None]) -> list[str]:
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = row_of(sidebar, "tag", "local")
        assert sidebar.current_entry is not None and sidebar.current_entry.name == "local"
        app.clear_notifications()
        await pilot.press("R")
        await settle(pilot)
        app.screen.query_one(Input).value = "town"
        await pilot.press("enter")
        await settle(pilot)
        return [n.message for n in app._notifications]

    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        full_disk_for(monkeypatch, lambda path: path.name == "feeds.json")
        said = await rename(pilot)
        assert [sub.tags for sub in feeds.all()] == [["local"]] and _tag_counts(filled_store) == {"local": 3}
        assert any(m.startswith("Not saved: cannot save") and "feeds.json: the disk is full" in m for m in said), said
        monkeypatch.undo()
        full_disk_for(monkeypatch, marks_file)
        said = await rename(pilot)
        assert [sub.tags for sub in feeds.all()] == [["town"]] and _tag_counts(filled_store) == {"local": 3}
        assert any(m.startswith("The feed 'Town' gives 'town' to new stories now, but the tag could not be "
                                "changed on every story: cannot save ") and "the disk is full" in m
                   and m.endswith("Rename the tag again to finish.") for m in said), said
        monkeypatch.undo()
        said = await rename(pilot)  # the old tag still listed: renamed again once the disk has room
    assert [sub.tags for sub in feeds.all()] == [["town"]] and _tag_counts(filled_store) == {"town": 3}
    assert "Renamed tag on 3 stories" in said, said


async def test_a_renamed_tag_is_followed_by_its_saved_searches_and_the_search_shown(
        app: BroadsheetApp, filled_store: Store) -> None:
    """A tag renamed in the sidebar left the saved searches naming it (and the search it was
    chosen into) with the old name: they found nothing from then on."""
    ids = [m.id for m in filled_store.stories()]
    filled_store.user.edit_tags(ids[:3], add=["rail"])
    filled_store.user.save_search("Trains", 'tag:rail -tag:"rail works" "tag:rail"')
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.highlighted = 4  # the tag, after the "Tags" heading
        await pilot.press("enter")  # its stories listed: tag:rail in the search bar
        await settle(pilot)
        assert app.screen.query_one(Input).value == "tag:rail" and len(listed(app)) == 3
        sidebar.focus()
        await pilot.press("R")
        await settle(pilot)
        app.screen.query_one(Input).value = "Railways"
        await pilot.press("enter")
        await settle(pilot)
        assert Store(filled_store.folder).user.saved_searches() == {
            "Trains": 'tag:railways -tag:"rail works" "tag:rail"'}  # another tag, a phrase: as written
        assert app.screen.query_one(Input).value == "tag:railways" and len(listed(app)) == 3


async def test_the_question_to_delete_a_tag_names_the_saved_searches_it_leaves_empty(
        app: BroadsheetApp, filled_store: Store) -> None:
    """A deleted tag left a saved ``tag:rail`` search listing nothing, and nothing said so."""
    ids = [m.id for m in filled_store.stories()]
    filled_store.user.edit_tags(ids[:3], add=["rail"])
    filled_store.user.save_search("Trains", "tag:rail ferry")
    filled_store.user.save_search("Quoted", '"tag:rail" OR tag:bus')  # a phrase: words, not the tag
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one(Sidebar).highlighted = 4  # the tag, after the "Tags" heading
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = " ".join(str(widget.render()) for widget in app.screen.query(Static))
        assert "The saved search 'Trains' names it and will list no story." in question
        assert "Quoted" not in question


async def test_a_tag_that_cannot_be_made_keeps_the_editor_open_with_what_was_typed(
        app: BroadsheetApp, filled_store: Store) -> None:
    """An unusable tag in the editor ('""', nothing once trimmed) closed it with an error: the
    other tags typed were lost with it."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current.id
        await pilot.press("t")
        await settle(pilot)
        field = app.screen.query_one(Input)
        field.value = 'rail, night trains, ""'
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and field.value == 'rail, night trains, ""'
        assert "not a usable tag" in str(app.screen.query_one("#prompt-hint").render())
        field.value = "rail, night trains"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert Store(filled_store.folder).user.get(story).tags == ("rail", "night trains")


async def test_bookmark_and_tag_everything_listed_after_confirming(app: BroadsheetApp, filled_store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "harbour")
        await pilot.press("enter")
        await settle(pilot)
        listed_ids = [row.meta.id for row in app.screen.query_one(HeadlineList).rows]
        assert len(listed_ids) == 4
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("n")  # cancel first: nothing changes
        await settle(pilot)
        assert not any(s.bookmarked for s in filled_store.user.all().values())
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        states = filled_store.user.all()
        assert {sid for sid, s in states.items() if s.bookmarked} == set(listed_ids)
        await pilot.press("T")
        await type_text(pilot, "local")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert _tag_counts(filled_store) == {"local": 4}


async def test_a_long_list_is_bookmarked_and_tagged_in_steps_off_the_screen(
        app: BroadsheetApp, filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``BULK`` listed stories the change runs in a worker, a step at a time, its progress
    shown above the footer; then the marks and counts are read again."""
    monkeypatch.setattr(main_screen, "BULK", 2)  # five stories: three steps
    told = progress_told(monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        every = {row.meta.id for row in app.screen.query_one(HeadlineList).rows}
        assert len(every) == 5  # no search: the whole catalogue is listed
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert {sid for sid, s in filled_store.user.all().items() if s.bookmarked} == every
        assert told and told[-1].endswith("5 done (100%)")
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert not screen.query_one("#work-status", Label).display  # hidden once done
        assert screen.reader.sidebar_counts()[0]["bookmarked"] == 5
        assert all(row.state.bookmarked for row in screen.query_one(HeadlineList).rows)
        await pilot.press("T")
        await type_text(pilot, "local")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert _tag_counts(filled_store) == {"local": 5}
        assert screen.reader.sidebar_counts()[1] == {"local": 5}


async def test_a_long_change_that_meets_a_damaged_state_file_says_so_and_shows_what_was_saved(
        app: BroadsheetApp, filled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.errors import StoreFileError
    from broadsheet.store.storage.userstate import UserState

    monkeypatch.setattr(main_screen, "BULK", 2)  # five stories: three steps
    real = UserState.bookmark_all
    steps: list[int] = []

    def bookmark_all(self: UserState, ids: list[str], left: dict | None = None) -> dict:  # type: ignore[type-arg]
        steps.append(len(ids))
        if len(steps) == 3:  # the last step's file turns out unreadable (a write that fails ends the change)
            raise StoreFileError(self.folder / "fff.json", "not valid JSON")
        return real(self, ids, left)

    monkeypatch.setattr(UserState, "bookmark_all", bookmark_all)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("B", "y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert not screen.query_one("#work-status", Label).display  # not left saying it is at work
        assert any(n.message.startswith("Not all saved:") and "fff.json" in n.message for n in app._notifications)
        saved = sum(steps[:2])
        assert len(steps) == 3 and screen.reader.sidebar_counts()[0]["bookmarked"] == saved  # read again
        assert sum(s.bookmarked for s in filled_store.user.all().values()) == saved


async def test_saved_search_persists_and_is_offered(app: BroadsheetApp, filled_store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "rail")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        field = app.screen.query_one(Input)
        field.value = "Trains"
        await pilot.press("enter")
        await settle(pilot)
    assert filled_store.user.get_setting("saved_searches") == {"Trains": "rail"}
    again = BroadsheetApp(filled_store)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = again.screen.query_one(Sidebar)
        labels = [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]
        assert labels[-2:] == ["Saved searches", "Trains"]
        sidebar.highlighted = len(labels) - 1
        await pilot.press("enter")
        await settle(pilot)
        assert listed(again) == ["Mountain rail line reopens after winter closure"]


async def test_a_name_typed_for_a_search_replaces_the_search_offered(app: BroadsheetApp, filled_store: Store) -> None:
    """The name's field offers the search itself; a name typed went after it ("rail is:unreadtrains")."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "rail")
        await pilot.press("enter", "s")
        await settle(pilot)
        await type_text(pilot, "Trains")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s", "enter")  # the search offered, taken as it is: saved under its own words
        await settle(pilot)
    assert filled_store.user.get_setting("saved_searches") == {"Trains": "rail", "rail": "rail"}


LONG_SEARCH = 'feed:"harbour gazette" is:unread by:brennic tag:harbour-news ferry'


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@pytest.mark.parametrize(("query", "whole"), [(LONG_SEARCH, True), (" OR ".join([LONG_SEARCH] * 4), False)])
async def test_the_save_search_prompt_shows_a_long_search_wrapped_and_cut_with_an_ellipsis(
        app: BroadsheetApp, size: tuple[int, int], query: str, whole: bool) -> None:
    """Its title was one line, the search cut off at the dialog's edge with no mark
    ("Name for the search: feed:"harbour gazette" is:unread by:brennic" and no more)."""
    from textual.geometry import Region

    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.screen.query_one("#search", Input).value = query
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        title = app.screen.query(Static).first()
        width, height = title.content_region.width, title.content_region.height
        lines = [strip.text.rstrip() for strip in title.render_lines(Region(0, 0, width, height))]
        assert all(lines) and 1 < len(lines) <= 3  # wrapped, the field below still on the screen
        assert app.screen.query_one(Input).region.bottom <= size[1]
        text = " ".join(lines)
        if whole:
            assert text == f"Name for the search: {query}"
        else:  # cut where it must be, and said to be
            assert text.endswith("…") and f"Name for the search: {query}".startswith(text[:-1].rstrip())


async def _save_search(pilot, query: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Search ``query``, press s and name it ``name``, as a user does."""
    await pilot.press("slash")
    await type_text(pilot, query)
    await pilot.press("enter", "s")
    await settle(pilot)
    pilot.app.screen.query_one(Input).value = name
    await pilot.press("enter")
    await settle(pilot)


async def test_saving_another_search_under_a_saved_name_asks_before_replacing_it(
        app: BroadsheetApp, filled_store: Store) -> None:
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await _save_search(pilot, "rail", "Trains")
        await pilot.press("escape")
        await _save_search(pilot, "rail", "Trains")  # the same search again: no question
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await _save_search(pilot, "harbour", " Trains ")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Replace the saved search 'Trains' (rail)?" in str(app.screen.query_one("Static").render())
        await pilot.press("n")
        await settle(pilot)
        assert filled_store.user.get_setting("saved_searches") == {"Trains": "rail"}
        assert any("'Trains' is kept" in n.message for n in app._notifications)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one(Input).value = "Trains"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert filled_store.user.get_setting("saved_searches") == {"Trains": "harbour"}
        # A name in another case is the same name: asked, then one search (two stood side by side).
        await pilot.press("escape")
        await _save_search(pilot, "rail", "trains")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Replace the saved search 'Trains' (harbour)?" in str(app.screen.query_one("Static").render())
        await pilot.press("y")
        await settle(pilot)
        assert filled_store.user.get_setting("saved_searches") == {"trains": "rail"}


async def test_renaming_a_saved_search_onto_another_ones_name_asks_first(app: BroadsheetApp,
                                                                         filled_store: Store) -> None:
    filled_store.user.save_search("Boats", "ferry")
    filled_store.user.save_search("Trains", "rail")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = next(i for i, e in enumerate(sidebar._entries) if e and e.kind == "search"
                                   and e.name == "Boats")
        for answer, kept in (("n", {"Boats": "ferry", "Trains": "rail"}), ("y", {"Trains": "ferry"})):
            await pilot.press("R")
            await settle(pilot)
            app.screen.query_one(Input).value = "Trains"
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)  # it replaced "Trains" without a word
            await pilot.press(answer)
            await settle(pilot)
            assert filled_store.user.get_setting("saved_searches") == kept


async def test_malformed_query_keeps_previous_results_with_a_message(app: BroadsheetApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "harbour")
        assert len(listed(app)) == 4
        await type_text(pilot, " -(unclosed")  # (an open quote is a phrase being typed, no error)
        error = app.screen.query_one("#search-error", Label)
        assert error.display and "previous results" in str(error.render())
        assert len(listed(app)) == 4
        await pilot.press("escape")
        await settle(pilot)
        assert not error.display or len(listed(app)) == 5


async def opened_with_matches(app: BroadsheetApp, pilot: Pilot, words: str) -> ArticleView:
    """The story view of the best match of ``words``, opened with its matches marked."""
    await settle(pilot)
    await search_for(pilot, words)
    await pilot.press("enter")
    await settle(pilot)
    return app.screen.query_one(ArticleView)


async def test_n_and_N_jump_between_matches(app: BroadsheetApp, filled_store: Store) -> None:
    from tests.factories import make_article

    filler = ["Nothing to see in this paragraph, which goes on for a while. " * 4] * 12
    body = ["The lighthouse keeper spoke first.", *filler, "Later the lighthouse went dark.", *filler,
            "At dawn the lighthouse shone again."]
    filled_store.add([(make_article(60, headline="Coast story", body=body, published="2030-01-01"), None)])
    async with app.run_test(size=(120, 30)) as pilot:
        view = await opened_with_matches(app, pilot, "lighthouse")
        assert view.has_focus and view.match_count == 3
        await pilot.press("n")
        await settle(pilot)
        assert view.current_match == 0 and view.scroll_y == 0  # already on screen: no jump
        await pilot.press("n")
        await settle(pilot)
        middle = view.scroll_y
        assert view.current_match == 1 and middle > 10
        await pilot.press("n")
        await settle(pilot)
        assert view.current_match == 2 and view.scroll_y > middle
        await pilot.press("n")  # wraps round to the first
        await settle(pilot)
        assert view.current_match == 0
        await pilot.press("N")
        await settle(pilot)
        assert view.current_match == 2


async def test_n_marks_the_current_match_on_screen_in_a_long_story(app: BroadsheetApp, filled_store: Store) -> None:
    """n styled and wrapped the whole story again at every press: 3 s a key in a story of 40,000
    paragraphs. Only the two matches' paragraphs are drawn again now; each press shows its match,
    marked current, on screen, and the one before it marked as a match again."""
    from tests.factories import make_article

    filler = "A paragraph about the tide tables and the ferry, long enough to wrap over two lines at this width."
    body = [f"{n}: the lighthouse keeper wrote." if n % 97 in (5, 7) else f"{n}: {filler}" for n in range(3000)]
    filled_store.add([(make_article(61, headline="Long coast story", body=body, published="2030-01-02"), None)])

    def marks(view: ArticleView, current: bool) -> list[str]:
        """The text drawn as a match on screen: the current one (underlined) or the others."""
        return [segment.text for y in range(view.scrollable_content_region.height) for segment in view.render_line(y)
                if segment.style is not None and segment.style.reverse and bool(segment.style.underline) == current]

    async with app.run_test(size=(100, 30)) as pilot:
        view = await opened_with_matches(app, pilot, "lighthouse")
        assert view.has_focus and view.match_count == 62
        for match in range(6):  # two matches a screen apart, then the next two far down
            await pilot.press("n")
            await settle(pilot)
            assert view.current_match == match
            shown = [view.render_line(y).text for y in range(view.scrollable_content_region.height)]
            number = 97 * (match // 2) + (5, 7)[match % 2]
            assert any(line.strip().startswith(f"{number}: the lighthouse") for line in shown), (match, shown)
            assert marks(view, current=True) == ["lighthouse"] and marks(view, current=False) == ["lighthouse"]
        await pilot.press("N")
        await settle(pilot)
        assert view.current_match == 4
        assert marks(view, current=True) == ["lighthouse"] and marks(view, current=False) == ["lighthouse"]


async def test_n_goes_on_to_the_photos_whose_caption_or_credit_matched(app: BroadsheetApp, filled_store: Store) -> None:
    """A search that found a story in a photo's caption opens it with that photo in the panel, and
    n steps from the text's matches to each matching caption or credit, the panel following. n
    had gone to the next unread story, as if the story held no match."""
    from broadsheet.store.model import Image
    from broadsheet.tui.widgets.credits_panel import CreditsPanel
    from tests.factories import make_article

    images = [Image(f"Boats at dawn off Lowmoor, frame {n}.", "Ben Wick", src=f"https://photos.invalid/{n}.jpg")
              for n in range(4)]
    images[2] = Image("A cormorant dries its wings on the pier.", "Ben Wick", src="https://photos.invalid/2.jpg")
    images[3] = Image("Nets on the quay.", "Cormorant Studio", src="https://photos.invalid/3.jpg")
    story = make_article(62, headline="Quay story", body=["The quay was busy.", "A cormorant watched."], images=images,
                         published="2030-01-03")
    filled_store.add([(story, None)])
    async with app.run_test(size=(120, 40)) as pilot:
        view = await opened_with_matches(app, pilot, "cormorant")
        panel = app.screen.query_one(CreditsPanel)
        assert view.match_count == 3 and panel.photo_index == 2  # the first caption that matched is in sight
        steps = []
        for _ in range(4):
            await pilot.press("n")
            await settle(pilot)
            steps.append((view.current_match, view.current_figure, panel.photo_index, str(view.border_subtitle)))
        assert steps == [(0, None, 2, "match 1/3"),
                         (1, 2, 2, "match 2/3 · in photo 3's caption"),
                         (2, 3, 3, "match 3/3 · in photo 4's credit"),
                         (0, None, 3, "match 1/3")]
        assert view.article is not None and view.article.headline == "Quay story"  # n stayed in the story


async def test_a_term_on_a_field_marks_and_steps_through_that_field_alone(app: BroadsheetApp,
                                                                          filled_store: Store) -> None:
    """``caption:cormorant`` found the story by a caption: the text's "cormorant" and a photo
    credit's were marked too, and n stepped to them as matches of the search."""
    from broadsheet.store.model import Image
    from broadsheet.tui.widgets.credits_panel import CreditsPanel
    from tests.factories import make_article

    images = [Image("Nets on the quay.", "Ben Wick", src="https://photos.invalid/a.jpg"),
              Image("A cormorant dries its wings on the pier.", "Cormorant Studio", src="https://photos.invalid/b.jpg")]
    story = make_article(64, headline="Quay cormorant story", body=["The quay was busy.", "A cormorant watched."],
                         images=images, published="2030-01-05")
    filled_store.add([(story, None)])
    async with app.run_test(size=(120, 40)) as pilot:
        view = await opened_with_matches(app, pilot, "caption:cormorant")
        panel = app.screen.query_one(CreditsPanel)
        assert view.match_count == 1 and panel.photo_index == 1
        await pilot.press("n")
        await settle(pilot)
        assert (view.current_figure, str(view.border_subtitle)) == (1, "match 1/1 · in photo 2's caption")
        await pilot.press("escape")
        await settle(pilot)
        view = await opened_with_matches(app, pilot, "headline:quay")
        assert view.match_count == 1  # the headline's, not the text's or the caption's


async def test_a_caption_without_a_photo_that_matched_is_scrolled_into_the_panel(app: BroadsheetApp,
                                                                                filled_store: Store) -> None:
    """At 80x24 the panel under the story shows two lines: a text dump's fifth caption, the one the
    search found, is scrolled to, at once and again by n."""
    from broadsheet.store.model import Image
    from broadsheet.tui.widgets.credits_panel import CreditsPanel
    from tests.factories import make_article

    images = [Image(f"The harbour wall in the year {1900 + n}, seen from the north pier at low tide.")
              for n in range(5)]
    images[4] = Image("The lighthouse keeper's cottage, since pulled down.")
    story = make_article(63, headline="Old harbour", body=["The harbour grew."], images=images, published="2030-01-04")
    filled_store.add([(story, None)])
    async with app.run_test(size=(80, 24)) as pilot:
        view = await opened_with_matches(app, pilot, "keeper")
        panel = app.screen.query_one(CreditsPanel)

        def caption_in_sight() -> bool:
            return any("keeper" in panel.render_line(y).text for y in range(panel.scrollable_content_region.height))

        assert view.match_count == 1 and panel.scroll_y > 0 and caption_in_sight()
        panel.scroll_to(y=0, animate=False)
        await settle(pilot)
        assert not caption_in_sight()
        await pilot.press("n")
        await settle(pilot)
        assert view.current_figure == 4 and caption_in_sight()


async def test_palette_jumps_to_a_story_by_headline(app: BroadsheetApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "mountain rail")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one(HeadlineList).current.headline == "Mountain rail line reopens after winter closure"


async def test_refresh_shows_another_instances_changes(app: BroadsheetApp, filled_store: Store) -> None:
    from tests.factories import make_article

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        other = Store(filled_store.folder)  # a second reader on the same store
        first = app.screen.query_one(HeadlineList).current
        other.user.set_bookmarked(first.id, True)
        other.add([(make_article(77, headline="Late story from the other window", published="2031-01-01"), None)])
        await pilot.press("r")
        await settle(pilot)
        rows = app.screen.query_one(HeadlineList).rows
        assert rows[0].meta.headline == "Late story from the other window"
        assert next(r for r in rows if r.meta.id == first.id).state.bookmarked
        await pilot.press("slash")
        await type_text(pilot, "other window")
        assert listed(app) == ["Late story from the other window"]  # the index caught up too


async def test_marks_are_saved_and_found_while_another_process_holds_the_store(
        app: BroadsheetApp, filled_store: Store) -> None:
    # A repair, reindex or import of a large store holds the store's lock for minutes: marks
    # have their own lock, so they are saved at once, durable, counted and found by the filters.
    holder = hold(filled_store.folder / ".lock")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            story = screen.query_one(HeadlineList).current
            started = time.monotonic()
            await pilot.press("b")
            await settle(pilot)
            assert time.monotonic() - started < 2  # no wait for the store's lock
            assert Store(filled_store.folder).user.get(story.id).bookmarked  # on disk, seen by another process
            assert not any("busy" in (n.title or "") for n in app._notifications)
            assert screen.reader.sidebar_counts()[0]["bookmarked"] == 1
            await pilot.press("t")
            await settle(pilot)
            await type_text(pilot, "harbour")
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("slash")
            await type_text(pilot, "is:bookmarked tag:harbour")
            assert listed(app) == [story.headline]
        assert holder.poll() is None  # it held the store's lock all along
    finally:
        holder.kill()
        holder.wait()
    marks = Store(filled_store.folder).user.counts(lambda _sid: pytest.fail("counted again"))
    assert (marks.bookmarked, dict(marks.tags)) == (1, {"harbour": 1})


async def test_a_mark_while_another_process_holds_the_marks_says_busy_without_freezing(
        app: BroadsheetApp, filled_store: Store) -> None:
    # Another broadsheet changing many marks at once holds the marks' lock: the reader waits
    # BUSY_WAIT (2 s), not the lock's 30 s, then says the mark was not saved and why.
    holder = hold(filled_store.folder / ".marks-lock")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            story = app.screen.query_one(HeadlineList).current
            started = time.monotonic()
            await pilot.press("b")
            await settle(pilot)
            assert time.monotonic() - started < 10
            assert not filled_store.user.get(story.id).bookmarked
            assert any("store is busy" in (n.title or "") for n in app._notifications)
    finally:
        holder.kill()
        holder.wait()


def test_sidebar_counts_are_grouped_as_the_count_beside_the_search_bar_is() -> None:
    assert str(EntryLabel("All stories", 1_000_000)) == "All stories 1,000,000"
    assert str(EntryLabel("Saved")) == "Saved"
    assert str(EntryLabel("Harbour Gazette", 2, "not found (404)")) == "Harbour Gazette ! 2"
    opened = EntryLabel("Harbour Gazette", 2, "not found (404)", opened=True)  # its row highlighted
    assert str(opened) == "Harbour Gazette ! 2\nnot found (404)"  # the "!" stays on its row


@pytest.mark.parametrize(("width", "drawn"), [
    # (the counts right-aligned: one column down the sidebar)
    (44, ["All stories" + " " * 24 + "1,000,000", "Harbour Gazette" + " " * 25 + "! 12",
          "not found (404) at http://127.0.0.1/feed"]),
    (21, ["All stories 1,000,000", "Harbour Gazette  ! 12", "not found (404) at", "http://127.0.0.1/feed"]),
    (17, ["All st\u2026 1,000,000", "All     1,000,000", "Harbour Gaz\u2026 ! 12", "not found (404)", "at",
          "http://127.0.0.1/", "feed"]),
])
def test_a_sidebar_label_cuts_its_name_to_keep_its_count_whole_on_one_line(width: int, drawn: list[str]) -> None:
    # A feed's error is wrapped under its name: cut to one line, the reason never showed.
    # A name with a short form takes it rather than be cut.
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(EntryLabel("All stories", 1_000_000))
    if width < 21:
        console.print(EntryLabel("All stories", 1_000_000, short="All"))
    console.print(EntryLabel("Harbour Gazette", 12, "not found (404) at http://127.0.0.1/feed", opened=True))
    assert console.export_text().splitlines() == drawn


def test_a_long_feed_error_is_shown_whole_under_its_highlighted_row() -> None:
    """Cut after five lines, at 80x24 the reason ended "may be down) (4…": it is shown on one row at a time."""
    console = Console(width=22, record=True, file=io.StringIO())
    console.print(EntryLabel("Gazette", 1, "cannot connect to 127.0.0.1:9 (connection refused) after three tries of "
                             "it, each a second apart", opened=True))
    assert console.export_text().splitlines() == [
        "Gazette            ! 1", "cannot connect to", "127.0.0.1:9", "(connection refused)", "after three tries of",
        "it, each a second", "apart"]


async def test_the_sidebar_shows_a_million_stories_on_one_line_at_80_columns(app: BroadsheetApp) -> None:
    # At 80x24 the sidebar is 22 cells wide: "All stories 1,000,000" went onto two lines there,
    # then read "All st… 1,000,000" ("All stori… 100,000" at 100k).
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.show_entries({"all": 1_000_000, "unread": 600_035, "bookmarked": 29_938}, {}, {})
        await settle(pilot)
        drawn = [sidebar.render_line(y).text.strip() for y in range(3)]
        assert drawn[0] == "All      1,000,000"  # right-aligned, as every count
        assert drawn[1:] == ["Unread     600,035", "Bookmarked  29,938"]


def test_questions_and_answers_about_the_listed_stories_count_them_in_english() -> None:
    assert main_screen.n_stories(1) == "1 story" and main_screen.n_stories(2000) == "2,000 stories"
    assert main_screen.all_listed(1) == "the listed story"
    assert main_screen.all_listed(1_000_000) == "all 1,000,000 listed stories"


async def test_a_state_file_damaged_while_reading_is_named_once_and_its_stories_show_no_marks(
        app: BroadsheetApp, filled_store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        first = screen.query_one(HeadlineList).current
        filled_store.user.set_bookmarked(first.id, True)  # another window's mark, then the file is damaged
        damaged = filled_store.user.folder / f"{filled_store.user._shard(first.id)}.json"
        damaged.write_bytes(damaged.read_bytes()[:-7] + b"\x00\x00garbage")
        before = damaged.read_bytes()
        await pilot.press("r")  # the marks are read again (as after any other window's change)
        await settle(pilot)
        assert app.is_running
        row = next(r for r in screen.query_one(HeadlineList).rows if r.meta.id == first.id)
        assert not row.state.bookmarked  # its marks cannot be known: none are shown
        await pilot.press("slash")
        await type_text(pilot, "is:bookmarked")  # a search through every mark meets the file too
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        screen._check_store()  # the periodic check tells of the damaged file
        screen._check_store()  # once
        await settle(pilot)
        told = [n.message for n in app._notifications if damaged.name in n.message]
        assert len(told) == 1 and "broadsheet repair" in told[0], told
        await pilot.press("b")  # a mark on a story of that file is refused, the file left as it is
        await settle(pilot)
        assert app.is_running and any(n.message.startswith("Not saved:") for n in app._notifications)
        assert damaged.read_bytes() == before


async def test_marks_made_elsewhere_show_and_b_acts_on_what_is_shown(filled_store: Store) -> None:
    # Another reader or the shell bookmarks a story: the open reader showed nothing, and its b
    # then took the bookmark away ("Bookmark removed") from a user who meant to add one.
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        story = screen.query_one(HeadlineList).current
        Store(filled_store.folder).user.set_bookmarked(story.id, True)  # the shell's `broadsheet bookmark`
        await pilot.press("b")  # before the reader looked again: it showed no bookmark
        await settle(pilot)
        assert Store(filled_store.folder).user.get(story.id).bookmarked
        other = Store(filled_store.folder)
        other.user.edit_tags([story.id], add=["harbour"])  # and a tag, from another reader
        screen._check_store()  # what the reader does every STORE_CHECK_INTERVAL
        await settle(pilot)
        assert screen.reader.state_of(story.id).tags == ("harbour",)
        assert screen.query_one(HeadlineList).rows[0].state.bookmarked
        sidebar = screen.query_one(Sidebar)
        assert any("harbour 1" in str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count))


def test_a_tag_holds_no_double_quote_so_a_search_can_name_it() -> None:
    # Typed in the tag editor: '"quoted"' made a tag the sidebar's tag:""quoted"" could not find.
    assert parse_tag_edit('"quoted", say "hi", -"old"') == (["quoted", "say hi"], ["old"])


async def test_f_goes_to_a_sidebar_already_shown_and_hides_it_from_there(app: BroadsheetApp) -> None:
    async with app.run_test(size=(160, 40)) as pilot:  # from 150 columns it is shown from the start
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        assert app.screen.has_class("-sidebar") and not sidebar.has_focus
        await pilot.press("f")
        assert sidebar.has_focus and app.screen.has_class("-sidebar")
        await pilot.press("f")
        assert not app.screen.has_class("-sidebar") and not sidebar.has_focus

"""Subscribing from inside the reader (review: Ctrl+P "subscr" found nothing, and F with no feeds
sent the user to the shell): the sidebar's a and the palette open a dialog that subscribes as
``broadsheet feeds add`` does, refuses as it refuses, and fetches the feed at once."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer
from textual.pilot import Pilot
from textual.widgets import Input, Static

from broadsheet.store.feeds.fetch import fetch
from broadsheet.store.feeds.subscriptions import FeedAddressError, Subscriptions, check_url
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.screens.subscribe import SubscribeScreen
from tests.feeds import rss_feed
from tests.pilot import settle, type_text
from tests.test_feeds_reader import headlines, sidebar_text


async def _subscribe_dialog(pilot: Pilot[None]) -> SubscribeScreen:
    """f (the filters sidebar, hidden below 150 columns until then), then a, as a user opens it."""
    await pilot.press("f", "a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SubscribeScreen)
    return screen


def _problem(screen: SubscribeScreen) -> str:
    said = screen.query_one("#subscribe-problem", Static)
    return str(said.render()) if said.display else ""


async def test_a_in_the_sidebar_subscribes_to_a_feed_and_fetches_it(store: Store, server: HTTPServer) -> None:
    server.expect_request("/courier.xml").respond_with_data(rss_feed(2, title="Valley Courier"))
    url = server.url_for("/courier.xml")
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await _subscribe_dialog(pilot)
        await type_text(pilot, url)
        await pilot.press("tab")
        await type_text(pilot, "harbour")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)  # closed
        [sub] = Subscriptions(store).all()
        assert (sub.url, sub.tags) == (url, ["harbour"])
        messages = [n.message for n in app._notifications]
        assert f"Subscribed to {url}: fetching it" in messages
        assert "2 new, 0 updated from 1 feed; 0 failed\nNew: Valley Courier 2" in messages  # as `broadsheet fetch` says
        assert sorted(headlines(app)) == ["Ferry timetable change number 0", "Ferry timetable change number 1"]
        assert "Valley Courier +2 2" in sidebar_text(app)  # the feed in the sidebar, by its title, with its stories


async def test_the_dialog_says_what_a_tag_became_as_the_tag_editor_does(store: Store) -> None:
    """Its tags "Harbour" were kept as "harbour" without a word, where T and `broadsheet tag` say so."""
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = await _subscribe_dialog(pilot)
        screen.query_one("#prompt-input", Input).value = "http://127.0.0.1:9/feed.xml"  # (nothing answers)
        screen.query_one("#subscribe-tags", Input).value = "Harbour, news"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert Subscriptions(store).all()[0].tags == ["harbour", "news"]
        messages = [n.message for n in app._notifications]
        assert "A tag is lower-case, at most 40 characters: kept 'Harbour' as 'harbour'" in messages, messages


@pytest.mark.parametrize("address", ["ftp://gazette.example/feed.xml", "gazette.example/feed.xml",
                                     "http://gazette.example/a feed.xml"])
async def test_an_address_feeds_add_refuses_is_refused_in_the_dialog_for_its_reason(
        store: Store, address: str) -> None:
    with pytest.raises(FeedAddressError) as refused:  # what `broadsheet feeds add` says: "not added: <this>"
        check_url(address)
    app = BroadsheetApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await _subscribe_dialog(pilot)
        screen.query_one("#prompt-input", Input).value = address
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen  # it stays, with what was typed, to correct it
        assert _problem(screen) == f"Not added: {refused.value}"
        assert screen.query_one("#prompt-input", Input).value == address
        assert Subscriptions(store).all() == []


async def test_a_feed_subscribed_already_is_said_so_in_the_dialog(store: Store) -> None:
    url = "https://gazette.example/feed.xml"
    Subscriptions(store).add([url])
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await _subscribe_dialog(pilot)
        screen.query_one("#prompt-input", Input).value = "HTTPS://Gazette.example/feed.xml"  # the same feed
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert _problem(screen) == f"Not added: already subscribed: {url}"
        assert len(Subscriptions(store).all()) == 1


async def test_a_password_given_for_a_feed_subscribed_without_one_is_taken(store: Store) -> None:
    url = "https://gazette.example/feed.xml"
    Subscriptions(store).add([url])
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await _subscribe_dialog(pilot)
        screen.query_one("#prompt-input", Input).value = "https://ann:s3cret@gazette.example/feed.xml"
        await pilot.press("enter")
        await settle(pilot)
        assert _problem(screen) == ("Not added: already subscribed: https://ann:***@gazette.example/feed.xml "
                                    "(now with the password given)")
        assert [sub.url for sub in Subscriptions(store).all()] == ["https://ann:s3cret@gazette.example/feed.xml"]


async def test_subscribing_again_to_a_gone_feed_asks_it_again(store: Store, server: HTTPServer) -> None:
    """A feed marked gone (410) could not be fetched from the reader: F skips it, and subscribing
    again said "already subscribed"."""
    server.expect_request("/courier.xml").respond_with_data("gone", status=410)
    url = server.url_for("/courier.xml")
    Subscriptions(store).add([url])
    fetch(store)
    assert Subscriptions(store).all()[0].gone
    server.clear()
    server.expect_request("/courier.xml").respond_with_data(rss_feed(2, title="Valley Courier"))
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = await _subscribe_dialog(pilot)
        screen.query_one("#prompt-input", Input).value = url
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)  # closed
        messages = [n.message for n in app._notifications]
        assert f"{url} was marked gone (410): asked again, fetching it" in messages, messages
        assert "2 new, 0 updated from 1 feed; 0 failed\nNew: Valley Courier 2" in messages
        [sub] = Subscriptions(store).all()
        assert not sub.gone and sub.title == "Valley Courier"


async def test_esc_cancels_the_subscribe_dialog(store: Store) -> None:
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await _subscribe_dialog(pilot)
        screen.query_one("#prompt-input", Input).value = "https://gazette.example/feed.xml"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert Subscriptions(store).all() == []


async def test_the_palette_offers_subscribing_and_the_fetch_key_says_how(store: Store) -> None:
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        [command] = [c for c in app.get_system_commands(app.screen) if "ubscribe" in c.title]
        assert (command.title, command.help) == ("Subscribe to a feed…", "Key: a in the filters sidebar")
        await pilot.press("F")
        await settle(pilot)
        assert ("No subscriptions: subscribe with f then a (the filters sidebar), "
                "or with `broadsheet feeds add URL` in the shell") in [n.message for n in app._notifications]
        await pilot.press("ctrl+p")  # as the review did it: Ctrl+P, "subscr", Enter
        await type_text(pilot, "subscr")
        await pilot.pause(0.3)  # (the palette's search runs on a timer)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SubscribeScreen)


async def test_a_feed_scheme_address_subscribes_to_the_web_address_and_says_so(store: Store) -> None:
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = await _subscribe_dialog(pilot)
        screen.query_one("#prompt-input", Input).value = "feed://127.0.0.1:9/harbour.xml"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert [sub.url for sub in Subscriptions(store).all()] == ["http://127.0.0.1:9/harbour.xml"]
        assert ("Read feed://127.0.0.1:9/harbour.xml as http://127.0.0.1:9/harbour.xml. "
                "Subscribed to http://127.0.0.1:9/harbour.xml: fetching it") in [n.message for n in app._notifications]

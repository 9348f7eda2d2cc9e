"""The story's address in the reader: shown in the article view, copied with OSC 52, opened in a browser."""

from __future__ import annotations

import base64
import webbrowser

import pytest

from broadsheet.store.storage.db import Store
from broadsheet.tui import links
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.article_view import ArticleView, article_text
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.factories import make_article
from tests.pilot import settle

URL = "https://coast-herald.example/news/ferry-timetable"


@pytest.fixture
def app(store: Store) -> BroadsheetApp:
    store.add([(make_article(1, url=URL), "page.html")])
    return BroadsheetApp(store)


def test_osc52_bytes_and_tmux_passthrough() -> None:
    payload = base64.b64encode(URL.encode()).decode()
    assert links.osc52(URL) == f"\x1b]52;c;{payload}\a"
    assert links.tmux_passthrough(links.osc52(URL)) == f"\x1bPtmux;\x1b\x1b]52;c;{payload}\a\x1b\\"


def test_article_view_shows_the_address_as_plain_text() -> None:
    text = article_text(make_article(1, url="https://x.example/[bold]not markup[/bold]"))
    assert "https://x.example/[bold]not markup[/bold]" in text.plain


async def test_y_sends_the_address_to_the_terminal_clipboard(app: BroadsheetApp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TMUX", raising=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        written: list[str] = []
        monkeypatch.setattr(app._driver, "write", written.append)
        assert URL in app.screen.query_one(ArticleView).text
        await pilot.press("y")
        await settle(pilot)
        assert written == [f"\x1b]52;c;{base64.b64encode(URL.encode()).decode()}\a"]
        monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
        written.clear()
        await pilot.press("y")
        await settle(pilot)
        assert written == [links.osc52(URL), links.tmux_passthrough(links.osc52(URL))]


async def test_w_says_plainly_when_there_is_no_browser(app: BroadsheetApp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 5000 10.0.0.1 22")
    monkeypatch.setattr(links.sys, "platform", "linux")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any(m.startswith("Not opened: this is an SSH session with no display") for m in notes), notes
        assert '([reader] browser = "w3m %u")' in notes[-1]  # what to set to read it in the terminal


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The addresses handed to the graphical browser (none is opened)."""
    opened: list[str] = []
    monkeypatch.delenv("BROWSER", raising=False)

    class Browser:
        name = "firefox"

        def open(self, url: str) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr(webbrowser, "get", lambda: Browser())
    return opened


async def test_w_opens_the_browser_where_there_is_one(app: BroadsheetApp, browser: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert browser == [URL]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:text/html,<b>hi</b>", "javascript:alert(1)", "/news/1"])
def test_the_browser_is_never_given_anything_but_a_web_address(browser: list[str], url: str) -> None:
    # A story's address may come from anyone's feed: a file: address would open the user's files.
    reason = links.open_in_browser(url, {"DISPLAY": ":0"})
    assert reason is not None and "http://" in reason and browser == []


def test_the_browser_opens_a_web_address(browser: list[str]) -> None:
    assert links.open_in_browser("https://gazette.example/ferry", {"DISPLAY": ":0"}) is None
    assert browser == ["https://gazette.example/ferry"]


def test_no_browser_reasons() -> None:
    assert links.no_browser_reason({"SSH_TTY": "/dev/pts/1"}, "linux") is not None
    assert "DISPLAY" in (links.no_browser_reason({}, "linux") or "")
    assert links.no_browser_reason({"DISPLAY": ":0"}, "linux") is None
    assert links.no_browser_reason({}, "darwin") is None


async def test_keys_are_in_help_and_palette(app: BroadsheetApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        keys = {b.action: b.description for b in app.screen.BINDINGS}  # type: ignore[union-attr]
        assert keys["copy_url"] == "Copy story address" and keys["open_url"] == "Open story in browser"
        assert app.screen.query_one(HeadlineList).current is not None


async def test_w_under_serve_opens_the_story_in_the_users_browser(app: BroadsheetApp,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # `broadsheet serve`: the reader runs on a server with no display, and the user is in a browser.
    opened: list[str] = []
    monkeypatch.setattr(BroadsheetApp, "is_web", property(lambda _app: True))
    monkeypatch.setattr(BroadsheetApp, "open_url", lambda _app, url, new_tab=True: opened.append(url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert opened == [URL]

"""`w` over SSH: a console browser (the config's ``[reader] browser``, or ``$BROWSER``) runs in the
reader's terminal while the reader is suspended, as newsboat's ``browser "w3m %u"`` does."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from broadsheet.config import load_config
from broadsheet.store.storage.db import Store
from broadsheet.tui import links
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.screens.main import MainScreen
from tests.factories import make_article
from tests.pilot import said, settle

# A feed's address, made to break out of any shell that would read it.
URL = "https://coast-herald.example/ferry times;$(touch PWNED)`touch PWNED2`'\"&&x"


@pytest.mark.parametrize("template, argv", [
    ("w3m %u", ["w3m", URL]),
    ("lynx -accept_all_cookies", ["lynx", "-accept_all_cookies", URL]),
    ("'/opt/my browser/run' --url=%u -x", ["/opt/my browser/run", f"--url={URL}", "-x"]),
    ('elinks -remote "openURL(%u)"', ["elinks", "-remote", f"openURL({URL})"]),
])
def test_the_address_is_one_argument_whatever_it_holds(template: str, argv: list[str]) -> None:
    assert links.browser_command(template, URL) == argv


def test_an_address_holding_the_placeholder_is_not_read_again() -> None:
    assert links.browser_command("w3m %u", "https://x.example/%u") == ["w3m", "https://x.example/%u"]


@pytest.fixture
def runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A made-up console browser: it writes its arguments, one per NUL, to ``runs``, and types
    a Ctrl+C as a browser that leaves the terminal's signals on would let through."""
    monkeypatch.chdir(tmp_path)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    record = tmp_path / "runs"
    script = tmp_path / "fake-browser"
    script.write_text(f"#!/bin/sh\nkill -INT $PPID\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done >> '{record}'\n"
                      "[ -z \"$FAKE_BROWSER_KILL\" ] || kill -${FAKE_BROWSER_KILL} $$\nexit ${FAKE_BROWSER_EXIT:-0}\n")
    script.chmod(0o755)
    return record


def _app(store: Store, tmp_path: Path, config: str) -> BroadsheetApp:
    store.add([(make_article(1, url=URL), "page.html")])
    path = tmp_path / "config.toml"
    path.write_text(config)
    return BroadsheetApp(store, load_config(path))


def _can_suspend(app: BroadsheetApp, monkeypatch: pytest.MonkeyPatch, seen: list[str], runs: Path) -> None:
    """The test's driver suspended as a terminal's is (the headless one cannot be)."""
    driver = app._driver
    assert driver is not None
    monkeypatch.setattr(type(driver), "can_suspend", property(lambda _driver: True))
    monkeypatch.setattr(driver, "suspend_application_mode", lambda: seen.append("suspended"))
    monkeypatch.setattr(driver, "resume_application_mode", lambda: seen.append(f"resumed, {_written(runs)} written"))


def _written(runs: Path) -> int:
    """How many arguments the made-up browser has written so far."""
    return runs.read_bytes().count(b"\0") if runs.exists() else 0


def _notes(app: BroadsheetApp) -> list[str]:
    return [said(note) for note in app._notifications]


async def test_w_runs_the_configured_browser_in_the_terminal_and_the_reader_comes_back(
        store: Store, tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 5000 10.0.0.1 22")
    app = _app(store, tmp_path, f"[reader]\nbrowser = \"{tmp_path}/fake-browser -dump %u\"\n")
    seen: list[str] = []
    handler = signal.getsignal(signal.SIGINT)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        _can_suspend(app, monkeypatch, seen, runs)
        await pilot.press("w")
        await settle(pilot)
        assert runs.read_bytes().split(b"\0")[:-1] == [b"-dump", URL.encode()]
        assert seen == ["suspended", "resumed, 2 written"]
        assert not (tmp_path / "PWNED").exists() and not (tmp_path / "PWNED2").exists()
        assert isinstance(app.screen, MainScreen) and app.is_running
        assert "Opened in the browser" in _notes(app)
        await pilot.press("w")  # and again: the reader took its keys back
        await settle(pilot)
        assert seen[2:] == ["suspended", "resumed, 4 written"]
    assert signal.getsignal(signal.SIGINT) is handler


async def test_a_console_browser_in_BROWSER_runs_in_the_terminal(
        store: Store, tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER", f"{tmp_path}/fake-browser --url=%s:firefox")
    app = _app(store, tmp_path, "")
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        _can_suspend(app, monkeypatch, seen, runs)
        await pilot.press("w")
        await settle(pilot)
        assert runs.read_bytes().split(b"\0")[:-1] == [f"--url={URL}".encode()]
        assert seen == ["suspended", "resumed, 1 written"]


async def test_a_browser_that_is_not_there_or_fails_is_named(
        store: Store, tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(store, tmp_path, "[reader]\nbrowser = \"no-such-browser-here %u\"\n")
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        _can_suspend(app, monkeypatch, seen, runs)
        await pilot.press("w")
        await settle(pilot)
        assert "Not opened: the browser command 'no-such-browser-here' was not found" in _notes(app)[-1]
        assert seen == []  # the reader was not suspended for nothing
        app.config.browser = f"{tmp_path}/fake-browser"
        monkeypatch.setenv("FAKE_BROWSER_EXIT", "3")
        await pilot.press("w")
        await settle(pilot)
        assert f"Not opened: '{tmp_path}/fake-browser' ended with an error (exit status 3)" in _notes(app)[-1]
        assert seen == ["suspended", "resumed, 1 written"] and isinstance(app.screen, MainScreen)
        monkeypatch.setenv("FAKE_BROWSER_KILL", "TERM")
        await pilot.press("w")
        await settle(pilot)
        assert f"Not opened: '{tmp_path}/fake-browser' was stopped by a signal (Terminated)" in _notes(app)[-1]
        assert seen[2:] == ["suspended", "resumed, 2 written"]


@pytest.mark.parametrize("how", [{"FAKE_BROWSER_KILL": "INT"}, {"FAKE_BROWSER_EXIT": "130"}],
                         ids=["killed by it", "exit 130"])
async def test_a_browser_quit_with_ctrl_c_opened_the_story(
        store: Store, tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch, how: dict[str, str]) -> None:
    """Quitting w3m (or a script around it) with Ctrl+C said "Not opened: ... was stopped by a
    signal (Interrupt)" of a story the user had just read in it."""
    app = _app(store, tmp_path, f"[reader]\nbrowser = \"{tmp_path}/fake-browser\"\n")
    seen: list[str] = []
    for name, value in how.items():
        monkeypatch.setenv(name, value)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        _can_suspend(app, monkeypatch, seen, runs)
        await pilot.press("w")
        await settle(pilot)
        assert seen == ["suspended", "resumed, 1 written"]
        assert not any("Not opened" in note for note in _notes(app)), _notes(app)


async def test_where_the_reader_cannot_give_its_terminal_away_it_says_so(
        store: Store, tmp_path: Path, runs: Path) -> None:
    app = _app(store, tmp_path, f"[reader]\nbrowser = \"{tmp_path}/fake-browser\"\n")
    async with app.run_test(size=(120, 40)) as pilot:  # the headless driver, like a web page's, cannot suspend
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert "the reader is not in a terminal here (under `broadsheet serve` it is in a web page), so it cannot run" \
            in _notes(app)[-1]
        assert not runs.exists()


def test_config_check_reports_a_browser_that_is_no_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from broadsheet.cli.main import main

    path = tmp_path / "config.toml"
    monkeypatch.setenv("BROADSHEET_CONFIG", str(path))
    path.write_text("[reader]\nbrowser = \"w3m '%u\"\n")
    assert main(["config", "check"]) == 1
    assert 'reader.browser must be a command such as "w3m %u" (no closing quotation); not used' \
        in capsys.readouterr().err
    path.write_text("[reader]\nbrowser = 3\n")
    assert main(["config", "check"]) == 1 and "reader.browser must be a command" in capsys.readouterr().err
    path.write_text('browser = "w3m %u"\n')  # newsboat's is not in a table
    assert main(["config", "check"]) == 1
    assert "unknown setting browser ignored (it belongs under [reader]: reader.browser)" in capsys.readouterr().err
    path.write_text('[reader]\nbrowser = "w3m %u"\n')
    assert main(["config", "check"]) == 0 and load_config(path).browser == "w3m %u"

"""The one-time address step (store.storage.addresses: seconds at a million stories) shows its
progress wherever it runs: `reparse` draws the bar import and fetch draw, the reader's fetch
says it on its progress line instead of standing still at a feed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from rich.console import Console
from textual.widgets import Label

from broadsheet.cli import fixing
from broadsheet.cli.main import main
from broadsheet.store import model
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage import addresses
from broadsheet.store.storage import db as store_db
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from tests.dumps import FERRY_DUMP
from tests.factories import make_article
from tests.feeds import rss_feed
from tests.html_pages import URL
from tests.pilot import settle
from tests.test_tracking_addresses import before_tracking


def _old_form(store: Store, monkeypatch: pytest.MonkeyPatch, file: str | None = None) -> None:
    """Stories listed under their addresses with tracking parameters, as before the change."""
    with monkeypatch.context() as old:
        old.setattr(model, "normal_url", before_tracking)
        old.setattr(store_db, "normal_url", before_tracking)
        store.add([(make_article(i, url=f"{URL}-{i}?utm_source=rss", key=None), file) for i in range(3)])
    (store.folder / addresses.ADDRESSES).unlink(missing_ok=True)
    assert not Store(store.folder).addresses_current


def test_reparse_draws_the_address_bar_before_it_rereads(store: Store, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "ferry.txt"
    page.write_text(FERRY_DUMP)
    _old_form(store, monkeypatch, str(page))
    drawn = io.StringIO()
    monkeypatch.setattr(fixing, "err", Console(file=drawn, force_terminal=True, width=120, color_system=None))
    main(["--store", str(store.folder), "reparse", "--all"])
    text = drawn.getvalue()
    assert "Updating addresses" in text and "1/1" in text  # metadata shards read, of all
    assert text.index("Updating addresses") < text.index("Re-reading")
    assert Store(store.folder).addresses_current


async def test_the_readers_fetch_says_it_is_updating_the_addresses(store: Store, server: HTTPServer,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _old_form(store, monkeypatch)
    server.expect_request("/f").respond_with_data(rss_feed(2, title="Valley Courier"))
    Subscriptions(store).add([server.url_for("/f")])
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        status = app.screen.query_one("#fetch-status", Label)
        shown: list[str] = []
        update = status.update

        def record(content: object = "") -> None:
            shown.append(str(content))
            update(content)  # type: ignore[arg-type]

        monkeypatch.setattr(status, "update", record)
        await pilot.press("F")
        await settle(pilot)
        steps = [s for s in shown if s.startswith("Updating the stories' addresses")]
        assert steps and steps[-1].endswith("100%")
        assert shown.index(steps[-1]) < shown.index("Fetching feeds 1/1: Valley Courier")  # before any store
        assert any("2 new" in n.message for n in app._notifications)
    assert Store(store.folder).addresses_current


async def test_quitting_during_the_step_cuts_it_short_and_leaves_it_to_the_next_write(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.feeds.fetch import FetchStopped

    _old_form(store, monkeypatch)
    app = BroadsheetApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        with pytest.raises(FetchStopped):  # the fetch worker ends on it, storing nothing
            app.screen._addresses_first(Store(store.folder), stop=lambda: True)  # type: ignore[attr-defined]
    assert not addresses.is_current(store.folder)
    Store(store.folder).update_addresses()  # the store is not left locked
    assert addresses.is_current(store.folder)


def test_a_feeds_import_that_retitles_stored_stories_draws_the_address_bar(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A urls file's "~Title" rewrites the feed's stored stories: the step ran unseen there."""
    from broadsheet.cli import feeds as feeds_cli
    from tests.test_feeds_movein import newsboat_cache

    folder = tmp_path / "store"
    assert main(["--store", str(folder), "import", str(newsboat_cache(tmp_path / "cache.db",
                                                                      "https://gazette.example/rss"))]) == 0
    (folder / addresses.ADDRESSES).unlink()
    urls = tmp_path / "urls"
    urls.write_text('https://gazette.example/rss "~My Gazette"\n')
    drawn = io.StringIO()
    monkeypatch.setattr(feeds_cli, "err", Console(file=drawn, force_terminal=True, width=120, color_system=None))
    assert main(["--store", str(folder), "feeds", "import", str(urls)]) == 0
    text = drawn.getvalue()
    assert "Updating addresses" in text and text.index("Updating addresses") < text.index("feed's title")
    assert Store(folder).addresses_current

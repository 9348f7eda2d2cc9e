"""Feed entries without a date take the time they were first fetched, as newsboat dates them."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from broadsheet.cli.main import main
from broadsheet.store.feeds.fetch import fetch
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.model import Article, display_date
from broadsheet.store.storage.db import Store
from broadsheet.tui.widgets.article_view import article_blocks
from tests.feeds import rss, rss_item


def undated(guid: str, title: str, text: str = "The quay was repaired.") -> str:
    return (f"<item><title>{title}</title><guid isPermaLink=\"false\">{guid}</guid>"
            f"<description>{text}</description></item>")


def listed(store: Store, capsys: pytest.CaptureFixture[str], *query: str) -> list[dict[str, str]]:
    """The rows `broadsheet list` (or `search QUERY`) prints, as JSON."""
    capsys.readouterr()
    assert main(["--store", str(store.folder), *(("search", *query) if query else ("list",)), "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_undated_entries_take_their_first_fetch_time_in_the_feeds_order_and_keep_it(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """They sorted below weeks-old stories, one feed's in no order (Second, First, Untitled)."""
    server.expect_request("/dated").respond_with_data(rss(rss_item(1), title="Harbour Gazette"))
    items = [undated("q-1", "First"), undated("q-2", "Second"), undated("q-3", "Untitled")]
    server.expect_request("/quay").respond_with_data(rss("".join(items), title="Quay Notes"))
    Subscriptions(store).add([server.url_for("/dated"), server.url_for("/quay")])
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    fetch(store)
    rows = listed(store, capsys)
    assert [row["headline"] for row in rows] == ["First", "Second", "Untitled", "Ferry timetable change number 1"]
    first = {row["headline"]: row["published"] for row in rows}
    assert dt.datetime.fromisoformat(first["First"]) >= before
    # search's sort:date and after: read the same date (the index's)
    today = f"after:{dt.datetime.now().astimezone():%Y-%m-%d}"
    assert [row["headline"] for row in listed(store, capsys, "sort:date", today)] == ["First", "Second", "Untitled"]

    time.sleep(1.1)  # (the times are to the second)
    server.clear()  # later: First edited, a new entry on top; the dates they had stay, the new one is newest
    items = [undated("q-4", "Fourth"), undated("q-1", "First", "The quay was repaired again."), *items[1:]]
    server.expect_request("/quay").respond_with_data(rss("".join(items), title="Quay Notes"))
    report = fetch(store, [s for s in Subscriptions(store).all() if s.url.endswith("/quay")])
    assert (report.total("new"), report.total("updated")) == (1, 1)
    rows = listed(store, capsys)
    assert [row["headline"] for row in rows][:4] == ["Fourth", "First", "Second", "Untitled"]
    assert {row["headline"]: row["published"] for row in rows if row["headline"] != "Fourth"} == first


def test_an_undated_entry_an_older_version_stored_takes_the_time_it_was_stored(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = server.url_for("/quay")
    server.expect_request("/quay").respond_with_data(rss(undated("q-1", "First"), title="Quay Notes"))
    Subscriptions(store).add([url])
    [old] = store.add([(Article("First", ["The quay was repaired."], source="Quay Notes", key=f"{url}#q-1"), url)])
    imported = store.meta(old).imported  # type: ignore[union-attr]
    assert store.meta(old).published is None  # type: ignore[union-attr]
    fetch(store)
    [row] = listed(store, capsys)
    assert (row["id"], row["published"]) == (old, imported)
    assert Store(store.folder).article(old).first_seen  # type: ignore[union-attr]  # said "first seen"


def test_an_entry_without_guid_or_link_an_older_version_stored_undated_takes_the_time_it_was_stored(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """Stored under its text's id, it was dated by the fetch that moved it to its own: as new."""
    url = server.url_for("/quay")
    item = "<item><title>Quay closed</title><description>The quay was closed for repairs.</description></item>"
    server.expect_request("/quay").respond_with_data(rss(item, title="Quay Notes"))
    Subscriptions(store).add([url])
    [old] = store.add([(Article("Quay closed", ["The quay was closed for repairs."], source="Quay Notes"), url)])
    imported = store.meta(old).imported  # type: ignore[union-attr]
    time.sleep(1.1)  # (the times are to the second)
    report = fetch(store)
    [row] = listed(store, capsys)
    assert row["published"] == imported
    assert Store(store.folder).article(row["id"]).first_seen  # type: ignore[union-attr]
    assert (report.total("new"), report.total("updated"), report.total("present")) == (0, 1, 0)
    report = fetch(store)  # said once
    assert (report.total("new"), report.total("updated"), report.total("present")) == (0, 0, 1)


def test_a_first_fetch_time_is_said_first_seen_in_the_reader_and_exports_and_kept_by_an_import(
        store: Store, server: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No publisher gave that date: shown as one, it passed for the story's own."""
    server.expect_request("/quay").respond_with_data(rss(undated("q-1", "First") + rss_item(1), title="Quay Notes"))
    Subscriptions(store).add([server.url_for("/quay")])
    fetch(store)
    bylines = {meta.headline: dict(article_blocks(store.article_of(meta)))["byline"].plain for meta in store.stories()}
    first = store.article_of(next(m for m in store.stories() if m.headline == "First"))
    assert bylines["First"] == f"Quay Notes \u00b7 first seen {display_date(first.published or '', local=True)}"
    assert "first seen" not in bylines["Ferry timetable change number 1"]  # the feed's own date
    assert main(["--store", str(store.folder), "export", "--format", "md", "-o", str(tmp_path / "s.md")]) == 0
    assert "Quay Notes \u00b7 first seen " in (tmp_path / "s.md").read_text()
    assert main(["--store", str(store.folder), "export", "-o", str(tmp_path / "s.json")]) == 0
    assert main(["--store", str(tmp_path / "copy"), "import", str(tmp_path / "s.json")]) == 0
    copied = Store(tmp_path / "copy")
    again = copied.article_of(next(m for m in copied.stories() if m.headline == "First"))
    assert (again.published, again.first_seen) == (first.published, True)

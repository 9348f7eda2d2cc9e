"""One page is one story whatever tracking parameters its address came with (``utm_*``,
``fbclid``...), in a new store and in one whose stories were listed with them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from broadsheet.cli.main import main
from broadsheet.store import model
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage import addresses
from broadsheet.store.storage import db as store_db
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.directory import ENTRY
from tests.factories import make_article
from tests.html_pages import URL, article_html, mhtml_bytes, warc_bytes

NEWSLETTER = URL + "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly"
SOCIAL = URL + "?fbclid=IwAR0made-up"


@pytest.mark.parametrize(("url", "normal"), [
    (NEWSLETTER, URL),
    ("http://www.example.test/a/?id=7&gclid=x1&page=2&mc_cid=c&mc_eid=e#top", "https://example.test/a?id=7&page=2"),
    ("https://example.test/a?UTM_Source=x&msclkid=1&b=2", "https://example.test/a?b=2"),
    ("https://example.test/a?fbclid", "https://example.test/a"),
])
def test_tracking_parameters_leave_the_address_and_the_others_stay_in_order(url: str, normal: str) -> None:
    assert model.normal_url(url) == normal


@pytest.mark.parametrize("url", [
    "https://example.test/a?ref=home", "https://example.test/a?z=1&&a=%20b", "https://example.test/a?xutm_a=1",
    "https://example.test/search?q=utm_source",
])
def test_an_address_without_tracking_parameters_keeps_its_query_as_written(url: str) -> None:
    """Ids of stored stories come from these: an address without tracking is what it was."""
    assert model.normal_url(url) == url


def with_address(html: str, url: str) -> str:
    return html.replace(f'href="{URL}"', f'href="{url}"')


def test_a_page_saved_from_a_newsletter_a_post_and_the_site_is_one_story(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "newsletter.html").write_text(with_address(article_html(), NEWSLETTER), encoding="utf-8")
    (pages / "social.html").write_text(
        f"<!-- saved from url=({len(SOCIAL):04d}){SOCIAL} -->\n" + article_html(canonical=False), encoding="utf-8")
    (pages / "page.mhtml").write_bytes(mhtml_bytes(article_html(canonical=False), None).replace(
        URL.encode(), (URL + "?gclid=made-up").encode()))
    (pages / "site.warc.gz").write_bytes(warc_bytes([(URL + "?mc_cid=1&mc_eid=2", "text/html",
                                                      article_html(canonical=False).encode())]))
    (pages / "site.html").write_text(article_html(), encoding="utf-8")
    report = import_paths(store, [pages])
    assert report.failed == [] and report.count("imported") == 1
    assert len(Store(store.folder).stories()) == 1


def before_tracking(url: str) -> str:
    """``normal_url`` as it was before tracking parameters left addresses."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host += f":{parts.port}"
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower()
    return urlunsplit((scheme, host, parts.path.rstrip("/") or "/", parts.query, ""))


@pytest.fixture
def old_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, str]:
    """A store written before the change: a page saved from a newsletter, bookmarked, among others."""
    with monkeypatch.context() as old:
        old.setattr(model, "normal_url", before_tracking)
        old.setattr(store_db, "normal_url", before_tracking)
        store = Store(tmp_path / "store")
        page = make_article(1, url=NEWSLETTER, key=None)
        store.add([(make_article(i, url=f"{URL}-{i}?utm_source=rss", key=None), None) for i in range(2, 6)])
        store.add([(page, None)])
        sid = page.story_id
    store.user.toggle_bookmark(sid)
    (store.folder / addresses.ADDRESSES).unlink(missing_ok=True)  # as a store from before the change has none
    return store, sid


@pytest.mark.parametrize("again", [NEWSLETTER, SOCIAL, URL])
def test_a_page_of_an_old_store_saved_again_updates_its_story(old_store: tuple[Store, str], again: str) -> None:
    store, sid = old_store
    copy = make_article(1, url=again, key=None, headline="Ferry timetable vote, updated")
    stored = Store(store.folder).add([(copy, None)])
    assert stored == []
    reopened = Store(store.folder)
    assert len(reopened.stories()) == 5
    assert reopened.article(sid).headline == "Ferry timetable vote, updated"
    assert reopened.user.get(sid).bookmarked


def test_another_story_of_an_old_store_saved_with_utm_source_rss_is_found_by_its_plain_address(
        old_store: tuple[Store, str]) -> None:
    store, _sid = old_store
    page = make_article(3, url=f"{URL}-3", key=None)
    assert Store(store.folder).add([(page, None)]) == []
    assert len(Store(store.folder).stories()) == 5


def test_bringing_addresses_up_to_date_reads_no_body_and_happens_once(
        old_store: tuple[Store, str], monkeypatch: pytest.MonkeyPatch) -> None:
    store, _sid = old_store
    shown: list[tuple[int, int]] = []
    fresh = Store(store.folder)
    assert not fresh.addresses_current
    with monkeypatch.context() as bodiless:
        bodiless.setattr(Store, "_bodies", lambda self, n: pytest.fail("a body shard was read"))
        bodiless.setattr(Store, "_stored_body", lambda *a: pytest.fail("a body was read"))
        fresh.update_addresses(lambda done, total: shown.append((done, total)))
    assert shown and shown[-1][0] == shown[-1][1]
    assert Store(store.folder).addresses_current
    scans: list[int] = []
    monkeypatch.setattr(addresses, "tracked_url", lambda *a: scans.append(1))
    Store(store.folder).add([(make_article(1, url=URL, key=None), None)])
    assert scans == []


def test_a_killed_update_of_the_addresses_is_finished_by_the_next_writer(
        old_store: tuple[Store, str], monkeypatch: pytest.MonkeyPatch) -> None:
    store, sid = old_store
    directory = store.folder / "directory.bin"
    size = directory.stat().st_size

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # after the entries went down, before the mark

    with monkeypatch.context() as dying:
        dying.setattr(addresses, "atomic_write_bytes", killed)
        with pytest.raises(KeyboardInterrupt):
            Store(store.folder).add([(make_article(1, url=URL, key=None), None)])
    assert not addresses.is_current(store.folder)
    listed = directory.stat().st_size
    assert listed == size + 5 * ENTRY.size  # every story's address now, none stored yet
    stored = Store(store.folder).add([(make_article(1, url=SOCIAL, key=None, headline="Again"), None)])
    assert stored == [] and addresses.is_current(store.folder)
    assert directory.stat().st_size == listed + ENTRY.size  # nothing listed twice; the update's own entry
    assert len(Store(store.folder).stories()) == 5 and Store(store.folder).article(sid).headline == "Again"


def test_a_damaged_old_shard_does_not_stop_the_update_or_the_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An old shard is read only for the update (a store's newest are checked at open): damaged,
    it is left to `repair`, which lists its stories anew, and the import goes on."""
    monkeypatch.setattr(store_db, "SHARD_SIZE", 2)
    with monkeypatch.context() as old:
        old.setattr(model, "normal_url", before_tracking)
        old.setattr(store_db, "normal_url", before_tracking)
        store = Store(tmp_path / "store")
        store.add([(make_article(i, url=f"{URL}-{i}?utm_source=rss", key=None), None) for i in range(2, 6)])
        page = make_article(1, url=NEWSLETTER, key=None)
        store.add([(page, None)])
        sid = page.story_id
    (store.folder / addresses.ADDRESSES).unlink()
    (store.folder / "meta" / "000000.json").write_bytes(b"\x00damaged")
    copy = make_article(1, url=URL, key=None, headline="Ferry timetable vote, updated")
    assert Store(store.folder, check=False).add([(copy, None)]) == []
    assert Store(store.folder, check=False).article(sid).headline == "Ferry timetable vote, updated"


def test_import_of_a_page_saved_again_into_an_old_store_updates_its_story(
        old_store: tuple[Store, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, sid = old_store
    page = tmp_path / "site.html"
    page.write_text(article_html(), encoding="utf-8")  # from the site, where the store has it from a newsletter
    assert main(["--store", str(store.folder), "import", str(page)]) == 0
    assert "0 imported, 1 updated" in capsys.readouterr().err
    reopened = Store(store.folder)
    assert reopened.addresses_current and len(reopened.stories()) == 5 and reopened.user.get(sid).bookmarked

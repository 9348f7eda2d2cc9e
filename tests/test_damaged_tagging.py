"""Tags given to many stories at once (a fetch gives a feed's tags to its new stories) when the
marks of some live in a damaged state file: the others get theirs, the damaged file is not
written over, and the user is told which stories were not tagged and why (README, "Store")."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from broadsheet.cli.main import main
from broadsheet.store.feeds.parse import parse_feed
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from tests.factories import make_article
from tests.feeds import rss_feed
from tests.pilot import settle

DAMAGED = b'{"stories": {"0'  # cut short


def _feed_ids(store: Store, data: bytes) -> list[str]:
    """The ids fetch gives the feed's entries (from its subscription's identity)."""
    [sub] = Subscriptions(store).all()
    return [e.article.story_id for e in parse_feed(data, sub.key, sub.url).entries if e.article is not None]


def _lonely(ids: list[str]) -> str:
    """A story alone in its state file among ``ids``."""
    return next(sid for sid in ids if sum(other[:3] == sid[:3] for other in ids) == 1)


@pytest.mark.parametrize("quiet", [False, True])
def test_a_fetch_tags_every_new_story_it_can_and_names_those_it_cannot(
        tmp_path: Path, server: HTTPServer, capsys: pytest.CaptureFixture[str], quiet: bool) -> None:
    data = rss_feed(8)
    server.expect_request("/feed.xml").respond_with_data(data, content_type="application/rss+xml")
    folder = tmp_path / "store"
    base = ["--store", str(folder)]
    assert main([*base, "feeds", "add", server.url_for("/feed.xml"), "--tag", "harbour"]) == 0
    ids = _feed_ids(Store(folder), data)
    lost = _lonely(ids)
    state = folder / "state" / f"{lost[:3]}.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(DAMAGED)
    capsys.readouterr()

    status = main([*base, "fetch", *(["--quiet"] if quiet else [])])
    err = capsys.readouterr().err
    assert status == 1, err  # as when a feed fails: the rest was done
    assert state.read_bytes() == DAMAGED  # not written over
    store = Store(folder)
    assert len(store) == 8  # every entry stored
    assert {sid: store.user.get(sid).tags for sid in ids if sid != lost} == {
        sid: ("harbour",) for sid in ids if sid != lost}
    said = " ".join(err.split())
    assert "1 story not given its feed's tags" in said and lost in said, err
    assert f"state/{lost[:3]}.json" in said and "broadsheet repair" in said, err
    [sub] = Subscriptions(store).all()
    assert sub.etag or sub.last_ok  # the fetch was saved: the next one does not start over


async def test_the_readers_fetch_tags_the_others_and_says_which_it_could_not(tmp_path: Path,
                                                                             server: HTTPServer) -> None:
    data = rss_feed(8)
    server.expect_request("/feed.xml").respond_with_data(data, content_type="application/rss+xml")
    store = Store(tmp_path / "store")
    Subscriptions(store).add([server.url_for("/feed.xml")], ["harbour"])
    ids = _feed_ids(store, data)
    lost = _lonely(ids)
    state = store.folder / "state" / f"{lost[:3]}.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(DAMAGED)
    app = BroadsheetApp(Store(store.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        told = [n for n in app._notifications if n.title == "Feeds"]
        assert len(told) == 1 and told[0].severity == "warning", told
        assert "1 story not given its feed's tags" in told[0].message and lost in told[0].message
        assert f"state/{lost[:3]}.json" in told[0].message and "broadsheet repair" in told[0].message
    assert state.read_bytes() == DAMAGED
    assert all(store.user.get(sid).tags == ("harbour",) for sid in ids if sid != lost)


def test_a_feed_list_giving_a_feed_tags_tags_its_stories_it_can_and_the_next_fetch_goes_on(
        tmp_path: Path, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    data = rss_feed(8)
    url = server.url_for("/feed.xml")
    server.expect_request("/feed.xml").respond_with_data(data, content_type="application/rss+xml")
    folder = tmp_path / "store"
    base = ["--store", str(folder)]
    assert main([*base, "feeds", "add", url]) == 0
    assert main([*base, "fetch"]) == 0  # stored untagged
    ids = [m.id for m in Store(folder).stories()]
    lost = _lonely(ids)
    state = folder / "state" / f"{lost[:3]}.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(DAMAGED)
    urls = tmp_path / "urls"
    urls.write_text(f"{url} harbour\n")
    capsys.readouterr()

    assert main([*base, "feeds", "import", str(urls)]) == 1  # the feed is tagged, a story is not
    said = " ".join(capsys.readouterr().err.split())
    assert "7 stories already stored given their feed's tags" in said
    assert "1 story not given its feed's tags (harbour)" in said and lost in said and "broadsheet repair" in said
    assert state.read_bytes() == DAMAGED
    store = Store(folder)
    assert all(store.user.get(sid).tags == ("harbour",) for sid in ids if sid != lost)
    assert Subscriptions(store).all()[0].tags == ["harbour"]
    assert main([*base, "fetch"]) == 0  # not held up by the import's work left to do
    assert "Finishing the last feeds import" not in capsys.readouterr().err


def test_an_import_of_an_export_keeps_the_marks_it_can_and_notes_the_stories_whose_it_cannot(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = Store(tmp_path / "source")
    source.add([(make_article(i), f"made-up-{i}.txt") for i in range(6)])
    ids = [m.id for m in source.stories()]
    source.user.edit_tags(ids, add=["harbour"])
    export = tmp_path / "export.json"
    assert main(["--store", str(source.folder), "export", "--format", "json", "-o", str(export)]) == 0
    folder = tmp_path / "store"
    lost = _lonely(ids)
    state = folder / "state" / f"{lost[:3]}.json"
    state.parent.mkdir(parents=True)
    state.write_bytes(DAMAGED)
    capsys.readouterr()

    assert main(["--store", str(folder), "import", str(export)]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "6 imported" in said
    assert f"{lost}" in said and "marks were not saved" in said and f"state/{lost[:3]}.json" in said, said
    assert "broadsheet repair" in said
    assert state.read_bytes() == DAMAGED
    store = Store(folder)
    assert len(store) == 6
    assert all(store.user.get(sid).tags == ("harbour",) for sid in ids if sid != lost)

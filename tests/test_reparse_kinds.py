"""A better parser of one kind of input offers ``reparse --stale`` for the stories it read, no others.

At a million stories, re-reading every text dump because the saved-page parser changed is a
long job for nothing: each story records which kind of parser read it, and its version.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store import ingest
from broadsheet.store.ingest import ENTRIES, SAVED_PAGE, TEXT_DUMP, stamp
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.ingest.reparse import stale
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from tests.dumps import BRIDGE_DUMP, FERRY_DUMP
from tests.pilot import settle

LIBRARY_PAGE = (
    "<!DOCTYPE html><html><head><meta charset=utf-8><title>Lowmoor library reopens</title>"
    '<link rel="canonical" href="https://valley.example/news/library-reopens"></head><body><article>'
    "<h1>Lowmoor library reopens after a year of repairs</h1>"
    "<p>LOWMOOR, April 2 - The town library opened its doors again on Monday after a year in which "
    "its leaking roof was replaced and its reading room rebuilt.</p>"
    "<p>Readers queued before nine, and the librarians said more than two hundred books were lent "
    "in the first hour.</p>"
    "<p>The council said the repairs cost less than planned because volunteers moved the shelves.</p>"
    "</article></body></html>")
MUSEUM_PAGE = LIBRARY_PAGE.replace("library", "museum").replace("books were lent", "visitors came")


def _files(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {"ferry.txt": FERRY_DUMP, "bridge.txt": BRIDGE_DUMP, "library.html": LIBRARY_PAGE,
             "museum.html": MUSEUM_PAGE}
    for name, text in files.items():
        (folder / name).write_text(text)
    return {name: folder / name for name in files}


def _ids(store: Store) -> dict[str, str]:
    """The story id of each source file's name."""
    return {Path(meta.source_file or "").name: meta.id for meta in Store(store.folder).stories()}


def _stale(store: Store) -> list[str]:
    """What ``reparse --stale`` picks, as a new reader of the store sees it."""
    return sorted(stale(Store(store.folder)))


async def _notice(store: Store) -> list[str]:
    """What the reader says about stories an older parser read."""
    app = BroadsheetApp(Store(store.folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        return [str(n.message) for n in app._notifications if "older parser" in str(n.message)]


async def test_a_better_page_parser_offers_the_saved_pages_only(store: Store, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    files = _files(tmp_path / "in")
    import_paths(store, list(files.values()))
    ids = _ids(store)
    assert len(ids) == 4 and not _stale(store) and not await _notice(store)
    monkeypatch.setitem(ingest.PARSER_VERSIONS, SAVED_PAGE, ingest.PARSER_VERSIONS[SAVED_PAGE] + 1)
    assert _stale(store) == sorted([ids["library.html"], ids["museum.html"]])
    [said] = await _notice(store)
    assert said.startswith("2 stories were read by an older parser") and "reparse --stale" in said
    assert main(["--store", str(store.folder), "reparse", "--stale"]) == 0
    assert "0 re-read with changes (0 under a new id, marks kept), 2 unchanged, 0 failed" in capsys.readouterr().err
    fresh = Store(store.folder)
    assert {Path(m.source_file or "").name: m.parser for m in fresh.stories()} == {
        "ferry.txt": stamp(TEXT_DUMP), "bridge.txt": stamp(TEXT_DUMP),
        "library.html": stamp(SAVED_PAGE), "museum.html": stamp(SAVED_PAGE)}
    assert not _stale(fresh) and not await _notice(fresh)
    monkeypatch.setitem(ingest.PARSER_VERSIONS, TEXT_DUMP, ingest.PARSER_VERSIONS[TEXT_DUMP] + 1)
    assert _stale(fresh) == sorted([ids["ferry.txt"], ids["bridge.txt"]])


async def test_stories_of_the_one_old_version_are_read_again_once_and_then_by_their_kind(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stories stored when every kind shared version N: current for each kind not changed since
    N; their kind was not recorded, so any kind's change offers them, until read again."""
    for kind in ingest.PARSER_VERSIONS:  # every kind at the last version they shared
        monkeypatch.setitem(ingest.PARSER_VERSIONS, kind, 5)
    files = _files(tmp_path / "in")
    import_paths(store, list(files.values()))
    ids = _ids(store)
    for name, old in (("ferry.txt", 4), ("library.html", 4), ("bridge.txt", 5), ("museum.html", 5)):
        meta = store.meta(ids[name])
        assert meta is not None
        store.add_identified([(ids[name], store.article_of(meta), str(files[name]))], parser=old)
    assert _stale(store) == sorted([ids["ferry.txt"], ids["library.html"]])  # version 5 changed both
    [said] = await _notice(store)
    assert said.startswith("2 stories were read by an older parser")
    assert main(["--store", str(store.folder), "reparse", "--stale"]) == 0
    assert not _stale(store)
    monkeypatch.setitem(ingest.PARSER_VERSIONS, SAVED_PAGE, ingest.PARSER_VERSIONS[SAVED_PAGE] + 1)
    # The page of version 4 read again (now recorded as a saved page's), and the two still of the old 5 (kind unknown).
    assert _stale(store) == sorted([ids["library.html"], ids["bridge.txt"], ids["museum.html"]])
    [said] = await _notice(store)
    assert said.startswith("3 stories were read by an older parser")
    assert main(["--store", str(store.folder), "reparse", "--stale"]) == 0
    monkeypatch.setitem(ingest.PARSER_VERSIONS, SAVED_PAGE, ingest.PARSER_VERSIONS[SAVED_PAGE] + 1)
    assert _stale(store) == sorted([ids["library.html"], ids["museum.html"]])


def test_a_stamp_fits_the_listing_beside_its_from_a_file_bit_with_room_for_a_thousand_versions() -> None:
    from broadsheet.store.storage.listing import FROM_FILE

    assert all(0 < version < 1000 for version in ingest.PARSER_VERSIONS.values())
    assert all(stamp(kind) & 1023 == ingest.PARSER_VERSIONS[kind] for kind in ingest.PARSER_VERSIONS)
    stamps = {stamp(kind) for kind in ingest.PARSER_VERSIONS} | ingest.stale_stamps()
    most = max(ingest.PARSER_VERSIONS) << 10 | 999  # version 999 of the last kind
    assert all(0 <= s < FROM_FILE for s in stamps | {most}) and ingest.read_by(most) == max(ingest.PARSER_VERSIONS)
    assert not {stamp(k) for k in ingest.PARSER_VERSIONS} & ingest.stale_stamps()


@pytest.mark.parametrize("kind", [TEXT_DUMP, SAVED_PAGE, ENTRIES])
def test_an_old_stamp_means_the_kind_and_version_it_meant(kind: int) -> None:
    """Records keep the stamps of the old layout (``kind << 5 | version``) until read again."""
    now = ingest.PARSER_VERSIONS[kind]
    assert ingest.current(kind << 5 | now) == stamp(kind) and ingest.read_by(kind << 5 | now) == kind
    assert kind << 5 | now not in ingest.stale_stamps() and kind << 5 | now - 1 in ingest.stale_stamps()
    assert ingest.current(3) == 3 and ingest.read_by(3) == 0  # before kinds were kept: as it was


def test_versions_past_31_are_stamped_and_told_stale_by_their_kind_alone(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``kind << 5 | version`` ran out at 31: version 40 of a kind spilt into the next kind and the
    listing's "from a file" bit. Now it round-trips through the record and the listing."""
    from broadsheet.store.storage.listing import FROM_FILE, open_listing
    from tests.factories import make_article

    monkeypatch.setitem(ingest.PARSER_VERSIONS, ENTRIES, 40)
    files = _files(tmp_path / "in")
    fresh, older, dump = make_article(1), make_article(2), make_article(3)
    store.add_identified([(fresh.story_id, fresh, str(files["ferry.txt"]))], parser=stamp(ENTRIES))
    store.add_identified([(older.story_id, older, str(files["bridge.txt"]))], parser=ENTRIES << 10 | 39)
    store.add_identified([(dump.story_id, dump, str(files["library.html"]))], parser=stamp(TEXT_DUMP))
    store.write_listing()
    listing = open_listing(store.folder / "listing.bin")
    flags = {row.sid: row.flags for row in listing.stream()}
    listing.close()
    assert flags[fresh.story_id] == FROM_FILE | ENTRIES << 10 | 40 and ingest.read_by(ENTRIES << 10 | 40) == ENTRIES
    [meta] = [m for m in Store(store.folder).stories() if m.id == fresh.story_id]
    assert meta.parser == stamp(ENTRIES) and stamp(ENTRIES) & 1023 == 40
    assert _stale(store) == [older.story_id]  # the text dump's kind is not touched
    monkeypatch.setitem(ingest.PARSER_VERSIONS, ENTRIES, 41)
    assert _stale(store) == sorted([fresh.story_id, older.story_id])


def test_a_feed_files_entry_without_guid_or_link_read_before_is_offered_and_moved_to_its_own_id(
        store: Store, tmp_path: Path) -> None:
    """Such an entry was known by its text: one an older parser stored is offered by ``reparse
    --stale``, which moves it (with its marks) to its feed, title and date, so the file imported
    again once its publisher edited the entry updates the story instead of adding a second."""
    from dataclasses import replace

    from broadsheet.store.feeds.parse import parse_feed

    feed = tmp_path / "notices.xml"
    item = ("<item><title>Pier closed</title><pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate>"
            "<description>{}</description></item>")
    channel = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Notices</title>'
               "<link>https://notices.example/</link>{}</channel></rss>")
    feed.write_text(channel.format(item.format("The pier is closed untill May.")))
    [entry] = parse_feed(feed.read_bytes()).entries
    assert entry.article is not None
    old = replace(entry.article, key=None)  # as an older version stored it: its text made its id
    store.add_identified([(old.story_id, old, str(feed))], parser=ENTRIES << 5 | 20)
    store.user.set_bookmarked(old.story_id, True)
    assert _stale(store) == [old.story_id]
    assert main(["--store", str(store.folder), "reparse", "--stale"]) == 0
    feed.write_text(channel.format(item.format("The pier is closed until May.")))
    import_paths(Store(store.folder), [feed])
    [story] = Store(store.folder).stories()
    assert story.id != old.story_id and Store(store.folder).user.get(story.id).bookmarked
    assert Store(store.folder).body(story) == ["The pier is closed until May."]

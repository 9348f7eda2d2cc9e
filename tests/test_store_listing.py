"""The reader's listing: every story newest first, read a window at a time (issue 17)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.store.storage import db as store_db
from broadsheet.store.storage import listing as listing_module
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.repair import repair_store
from tests.factories import make_article


def ids(store: Store) -> list[str]:
    return [meta.id for meta in store.stories()]


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 3 rows: every listing here spans several (a million rows make 7,813 of 128)."""
    monkeypatch.setattr(listing_module, "BLOCK_ROWS", 3)


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 4)


def test_the_catalogue_lists_what_the_shards_hold_newest_first(store: Store, small: None) -> None:
    store.add([(make_article(i), None) for i in range(20)])
    store.write_listing()
    catalogue = Store(store.folder).catalogue()
    assert [meta.id for meta in catalogue] == ids(store) and len(catalogue) == 20
    third = catalogue[2]
    assert third.headline == store.meta(third.id).headline and third.images == store.meta(third.id).images
    assert catalogue.index_of(third.id) == 2 and catalogue.index_of("0" * 16) is None


def test_changes_after_the_listing_are_merged_in(store: Store, small: None) -> None:
    articles = [make_article(i) for i in range(20)]
    store.add([(a, None) for a in articles])
    store.write_listing()
    store.add([(make_article(i), None) for i in (40, 41, 55)])  # new, among the old dates
    store.add([(make_article(3, headline="Ferry timetable vote postponed"), None)])  # another story, same date
    store.delete([articles[5].story_id, articles[9].story_id])
    catalogue = Store(store.folder).catalogue()
    assert [meta.id for meta in catalogue] == ids(store)
    assert articles[5].story_id not in {m.id for m in catalogue}
    for position, meta in enumerate(catalogue):
        assert catalogue.index_of(meta.id) == position
    assert catalogue.index_of(articles[5].story_id) is None
    assert catalogue.has(articles[0].story_id) and not catalogue.has(articles[9].story_id)


def test_an_updated_story_shows_its_new_headline_in_its_place(store: Store) -> None:
    page = make_article(1, url="https://news.example/a", key=None)
    store.add([(page, None)] + [(make_article(i), None) for i in range(2, 6)])
    store.write_listing()
    store.add([(make_article(1, url="https://news.example/a", key=None, headline="Ferry vote: the result"), None)])
    catalogue = Store(store.folder).catalogue()
    assert [m.id for m in catalogue] == ids(store)
    assert catalogue.get(page.story_id).headline == "Ferry vote: the result"
    assert sum(1 for m in catalogue if m.id == page.story_id) == 1


def test_a_damaged_or_missing_listing_is_written_again(store: Store) -> None:
    store.add([(make_article(i), None) for i in range(6)])
    path = store.folder / "listing.bin"
    store.write_listing()
    path.write_bytes(b"BSLIST01 but not really")
    assert [m.id for m in Store(store.folder).catalogue()] == ids(store)
    assert listing_module.Listing(path).count == 6
    path.unlink()
    assert [m.id for m in Store(store.folder).catalogue()] == ids(store) and path.exists()


def test_a_long_tail_is_folded_into_a_new_listing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "TAIL_LIMIT", 3)
    store.add([(make_article(i), None) for i in range(4)])
    store.write_listing()
    store.add([(make_article(i), None) for i in range(10, 15)])  # five changes: more than the limit
    catalogue = Store(store.folder).catalogue()
    assert [m.id for m in catalogue] == ids(store)
    assert listing_module.Listing(store.folder / "listing.bin").count == 9


def test_stale_stories_are_counted_from_the_listing(store: Store) -> None:
    batch = [(make_article(i).story_id, make_article(i), f"/made/up/{i}.txt") for i in range(3)]
    store.add_identified(batch, parser=1)
    store.add([(make_article(9), None)])  # not from a file: nothing to read again
    store.write_listing()
    store.add_identified([(make_article(7).story_id, make_article(7), "/made/up/7.txt")], parser=1)
    catalogue = Store(store.folder).catalogue()
    assert catalogue.stale(range(2)) == 4 and catalogue.stale(range(1)) == 0
    store.delete([make_article(1).story_id])  # a listed row hidden: the rows after it move up
    catalogue = Store(store.folder).catalogue()
    stale_ids = {make_article(i).story_id for i in (0, 2, 7)}
    assert catalogue.stale(range(2)) == 3 and catalogue.stale_rows(range(1)) == []
    assert catalogue.stale_rows(range(2)) == [at for at, meta in enumerate(catalogue) if meta.id in stale_ids]


def test_an_import_leaves_the_listing_up_to_date(tmp_path: Path, store: Store) -> None:
    from broadsheet.store.ingest.importer import import_paths
    from tests.dumps import FERRY_DUMP

    source = tmp_path / "ferry.txt"
    source.write_text(FERRY_DUMP)
    import_paths(store, [source])
    listing = listing_module.Listing(store.folder / "listing.bin")
    assert listing.count == 1 and listing.covered == (store.folder / "directory.bin").stat().st_size


def test_a_deleted_story_brought_back_is_listed_once_in_its_place(store: Store) -> None:
    articles = [make_article(i) for i in range(8)]
    store.add([(a, None) for a in articles])
    store.write_listing()
    before = ids(store)
    deleted = store.delete([articles[2].story_id])
    assert articles[2].story_id not in [m.id for m in Store(store.folder).catalogue()]
    store.restore(deleted)
    catalogue = Store(store.folder).catalogue()
    assert [m.id for m in catalogue] == before
    assert catalogue.index_of(articles[2].story_id) == before.index(articles[2].story_id)


def test_bringing_back_many_stories_tells_its_progress(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """An undo of 7,493 stories at a million showed no figure for 131 s."""
    monkeypatch.setattr(store_db, "SHARD_SIZE", 2)
    articles = [make_article(i) for i in range(6)]
    store.add([(a, None) for a in articles])
    deleted = store.delete([a.story_id for a in articles[:5]])  # over three shards
    told: list[tuple[int, int]] = []
    assert len(store.restore(deleted, lambda done, total: told.append((done, total)))) == 5
    assert told == [(n, 6) for n in range(1, 7)]  # three shards of bodies, three of records
    assert len(Store(store.folder)) == 6


def test_a_listing_made_from_every_shard_is_sorted_in_runs_and_merged(store: Store,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 2)
    monkeypatch.setattr(store_db, "RUN_ROWS", 3)  # a million stories in runs of 100,000, scaled down
    store.add([(make_article(i), None) for i in range(11)])
    (store.folder / "listing.bin").unlink(missing_ok=True)
    catalogue = Store(store.folder).catalogue()
    assert [m.id for m in catalogue] == ids(store)
    assert not (store.folder / ".listing-runs").exists()
    for position, meta in enumerate(catalogue):
        assert catalogue.index_of(meta.id) == position


def test_a_listing_far_behind_is_made_again_from_the_shards_not_merged(store: Store,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Merging holds every changed row to sort it: 900,000 after a large import took 1.1 GB.
    # Past RUN_ROWS changes the listing is made from the shards in runs instead.
    monkeypatch.setattr(store_db, "SHARD_SIZE", 2)
    monkeypatch.setattr(store_db, "RUN_ROWS", 3)
    articles = [make_article(i) for i in range(12)]
    store.add([(a, None) for a in articles[:4]])
    store.write_listing()
    store.add([(a, None) for a in articles[4:]])  # 8 changes: more than RUN_ROWS
    store.delete([articles[1].story_id])
    made_from_shards: list[int] = []
    real = Store._rows_from_shards
    monkeypatch.setattr(Store, "_rows_from_shards", lambda self, path, covered: (
        made_from_shards.append(covered), real(self, path, covered))[1])
    monkeypatch.setattr(store_db, "TAIL_LIMIT", 0)  # any change makes the listing stale
    store.write_listing()
    assert made_from_shards
    catalogue = Store(store.folder).catalogue()
    assert [m.id for m in catalogue] == ids(store) and len(catalogue) == 11
    for position, meta in enumerate(catalogue):
        assert catalogue.index_of(meta.id) == position


def test_feed_entries_are_never_offered_for_reparse(store: Store) -> None:
    """A feed entry's "file" is its feed's address: fetch reads it again, reparse cannot."""
    entry = make_article(1, url="https://news.example/a", key="feed-guid")
    store.add_identified([(entry.story_id, entry, "https://news.example/feed.xml")])  # parser not recorded
    store.add_identified([(make_article(2).story_id, make_article(2), "/made/up/2.txt")], parser=1)
    assert Store(store.folder).catalogue().stale(range(3)) == 1
    from broadsheet.store.ingest.reparse import stale

    assert stale(Store(store.folder)) == [make_article(2).story_id]


SOURCES = ["The Lowmoor Gazette", "harbour news", "Harbour News", "", "Alder Post"]


def by_source_sorted(stories: list) -> list[str]:  # type: ignore[type-arg]
    """The order by source as a plain sort gives it (case-blind, stable: newest first within one)."""
    return [m.id for m in sorted(stories, key=lambda m: (m.source or "\uffff").casefold())]


def test_the_order_by_source_and_the_stories_per_source_are_read_from_the_listing(store: Store, small: None) -> None:
    from collections import Counter

    articles = [make_article(i, source=SOURCES[i % len(SOURCES)] or None) for i in range(25)]
    store.add([(a, None) for a in articles])
    store.write_listing()
    catalogue = Store(store.folder).catalogue()
    ordered = catalogue.by_source()
    assert [m.id for m in ordered] == by_source_sorted(list(catalogue))
    assert catalogue.source_counts() == Counter(m.source or "" for m in catalogue)
    for position, meta in enumerate(ordered):
        assert ordered.index_of(meta.id) == position
    # changed since the listing: new stories, a story's source changed, deleted ones
    store.add([(make_article(i, source=SOURCES[i % 3]), None) for i in (40, 41, 56)])
    store.add([(make_article(3, source="Alder Post"), None)])
    store.delete([articles[5].story_id, articles[9].story_id])
    catalogue = Store(store.folder).catalogue()
    assert catalogue._view is not None  # the changes are merged in, the listing is as it was
    ordered = catalogue.by_source()
    assert [m.id for m in ordered] == by_source_sorted(list(catalogue)) and len(ordered) == len(catalogue)
    assert catalogue.source_counts() == Counter(m.source or "" for m in catalogue)
    assert ordered.index_of(articles[5].story_id) is None
    for position, meta in enumerate(ordered):
        assert ordered.index_of(meta.id) == position


def write_v03(path: Path, rows: list[listing_module.Row], covered: int) -> None:
    """A listing as version 03 wrote it (texts uncompressed; no source order: no reader of it asks here)."""
    import struct
    from array import array

    from broadsheet.store.storage.directory import key_order, story_key

    texts = [row.text() for row in rows]
    offsets = [0]
    for text in texts:
        offsets.append(offsets[-1] + len(text))
    keys = array("Q", [story_key(row.sid) for row in rows])
    pairs = array("Q", [0]) * (2 * (len(rows) + 1))
    pairs[0::2] = keys + array("Q", [0])
    pairs[1::2] = array("Q", offsets)
    keyed = array("Q", [0]) * (2 * len(rows))
    keyed[0::2], keyed[1::2] = key_order(keys)
    table = b"[]"
    path.write_bytes(struct.pack("<8sQQQ", b"BSLIST03", len(rows), covered, len(table)) + pairs.tobytes()
                     + bytes(old_flags(row.flags) for row in rows) + keyed.tobytes() + b"".join(texts)
                     + bytes(4 * len(rows)) + table)


def old_flags(flags: int) -> int:
    """A row's flags as a byte of version 05 held them: the "from a file" bit 0x80, and the stamp
    as ``kind << 5 | version`` (the layout ``store.ingest`` used until then)."""
    parser = flags & ~listing_module.FROM_FILE
    kind, version = parser >> 10, parser & 1023
    assert version < 32 and kind < 4
    return (0x80 if flags & listing_module.FROM_FILE else 0) | kind << 5 | version


def write_v05(path: Path, rows: list[listing_module.Row], covered: int, magic: bytes = b"BSLIST05") -> None:
    """A listing as versions 04 and 05 wrote it (a byte a row for its parser, no parser table):
    today's file of ``rows``, its flags section and header as they were then."""
    import struct

    listing_module.write_rows(path, rows, len(rows), covered)
    data = path.read_bytes()
    _magic, count, covered, table, block_rows, parsers = listing_module.HEADER.unpack_from(data)
    at = listing_module.HEADER.size + 8 * count + 8 * (-(-count // block_rows) + 1)  # the flags
    path.write_bytes(struct.pack("<8sQQQQ", magic, count, covered, table, block_rows)
                     + data[listing_module.HEADER.size:at] + bytes(old_flags(row.flags) for row in rows)
                     + data[at + 2 * count:len(data) - parsers])


def test_a_listing_of_version_03_is_read_as_it_is_and_written_anew_by_the_next_import(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store from before compressed blocks opens at once (making the listing from every shard
    at a reader's start took some 40 s at a million stories); the next import writes it anew
    from its own rows, not from the shards."""
    articles = [make_article(i) for i in range(10)]
    store.add([(a, None) for a in articles])
    store.write_listing()
    path = store.folder / "listing.bin"
    current = listing_module.Listing(path)
    rows, covered = list(current.stream()), current.covered
    current.close()
    write_v03(path, rows, covered)
    opened = listing_module.open_listing(path)
    assert isinstance(opened, listing_module.ListingV03)
    opened.close()
    old = path.read_bytes()
    store.add([(make_article(i), None) for i in (40, 41)])  # changed since the listing
    store.delete([articles[4].story_id])
    catalogue = Store(store.folder).catalogue()
    assert [m.id for m in catalogue] == ids(store) and path.read_bytes() == old
    assert catalogue.damage() is None  # the reader's check every 3 s
    assert repair_store(store.folder).healthy and path.read_bytes() == old  # nothing to verify in its blocks
    for position, meta in enumerate(catalogue):
        assert catalogue.index_of(meta.id) == position
    assert catalogue.has(articles[0].story_id) and not catalogue.has(articles[4].story_id)
    monkeypatch.setattr(Store, "_rows_from_shards", lambda *args: pytest.fail("made from the shards"))
    store.write_listing()  # what an import or a fetch does when it is done
    assert path.read_bytes()[:8] == listing_module.MAGIC
    assert [m.id for m in Store(store.folder).catalogue()] == ids(store)


def old_store(store: Store, tmp_path: Path) -> tuple[list[str], list[str]]:
    """A store as Broadsheet left it before stamps were widened: records holding stamps of the
    old layout, a listing of version 05 (a byte a row). (Every story's id, the ids ``reparse
    --stale`` must pick.)"""
    from broadsheet.store.ingest import ENTRIES, PARSER_VERSIONS, SAVED_PAGE, TEXT_DUMP

    folder = tmp_path / "in"
    folder.mkdir()
    recorded = {"dump-now": TEXT_DUMP << 5 | PARSER_VERSIONS[TEXT_DUMP], "dump-old": TEXT_DUMP << 5 | 7,
                "page-now": SAVED_PAGE << 5 | PARSER_VERSIONS[SAVED_PAGE], "page-old": SAVED_PAGE << 5 | 22,
                "feed-now": ENTRIES << 5 | PARSER_VERSIONS[ENTRIES], "feed-old": ENTRIES << 5 | 24,
                "shared-old": 4}  # a story from before kinds were kept
    stale_names = {"dump-old", "page-old", "feed-old", "shared-old"}
    stale_ids = []
    for n, (name, parser) in enumerate(recorded.items()):
        (folder / f"{name}.txt").write_text("made up")
        article = make_article(n)
        store.add_identified([(article.story_id, article, str(folder / f"{name}.txt"))], parser=parser)
        stale_ids += [article.story_id] if name in stale_names else []
    fetched = make_article(20)  # from a feed's address: never offered, whatever read it
    store.add_identified([(fetched.story_id, fetched, "https://news.example/feed.xml")], parser=ENTRIES << 5 | 3)
    store.add([(make_article(n), None) for n in range(30, 34)])
    store.write_listing()
    path = store.folder / "listing.bin"
    current = listing_module.Listing(path)
    rows, covered = list(current.stream()), current.covered
    current.close()
    write_v05(path, rows, covered)
    return ids(store), sorted(stale_ids)


def test_a_store_of_one_byte_stamps_opens_lists_and_offers_the_stories_an_older_parser_read(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store written before stamps were widened: its listing of version 05 is read as it is
    (each row's byte as the kind and version it meant), and the next import or fetch writes it
    anew from its own rows; ``reparse --stale`` picks the same stories before and after."""
    from broadsheet.store.ingest import stale_stamps
    from broadsheet.store.ingest.reparse import stale

    everyone, stale_ids = old_store(store, tmp_path)
    path = store.folder / "listing.bin"
    opened = listing_module.open_listing(path)
    assert isinstance(opened, listing_module.ListingV05) and opened.check() is None
    opened.close()
    old = path.read_bytes()
    assert listed(store.folder) == everyone and sorted(stale(Store(store.folder))) == stale_ids
    assert Store(store.folder).catalogue().stale(stale_stamps()) == len(stale_ids)
    assert repair_store(store.folder).healthy and path.read_bytes() == old
    monkeypatch.setattr(Store, "_rows_from_shards", lambda *args: pytest.fail("made from the shards"))
    store.write_listing()  # what an import or a fetch does when it is done
    assert path.read_bytes()[:8] == listing_module.MAGIC
    assert listed(store.folder) == everyone and sorted(stale(Store(store.folder))) == stale_ids
    assert Store(store.folder).catalogue().stale(stale_stamps()) == len(stale_ids)
    written = listing_module.open_listing(path)
    assert written.check() is None and written.parsers() == dict(Counter(written.flags()))
    written.close()


def test_a_rewrite_of_a_one_byte_listing_stopped_part_way_leaves_it_as_it_was(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The listing is written to a temporary file renamed over the old one: a disk filling up
    (or a kill) half way leaves the old listing, which opens, and the next writer writes it anew."""
    from broadsheet.store.ingest.reparse import stale

    everyone, stale_ids = old_store(store, tmp_path)
    path = store.folder / "listing.bin"
    old = path.read_bytes()
    table = listing_module._parser_table

    def full(*args: object) -> bytes:  # the texts and the order by source are written by now
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(listing_module, "_parser_table", full)
    monkeypatch.setattr(store_db, "TAIL_LIMIT", -1)  # the reader's start rewrites it too
    store.write_listing()
    assert path.read_bytes() == old and [p.name for p in store.folder.glob(".listing.bin*")] == []
    assert listed(store.folder) == everyone and sorted(stale(Store(store.folder))) == stale_ids
    monkeypatch.setattr(listing_module, "_parser_table", table)
    store.write_listing()
    assert path.read_bytes()[:8] == listing_module.MAGIC and listed(store.folder) == everyone


def test_rows_are_kept_in_compressed_blocks(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing_module, "BLOCK_ROWS", 128)
    articles = [make_article(i, headline=f"Harbour ferry timetable changes for the winter, part {i}")
                for i in range(300)]
    store.add([(a, None) for a in articles])
    store.write_listing()
    listing = listing_module.Listing(store.folder / "listing.bin")
    texts = sum(len(listing.row(p).text()) for p in range(listing.count))
    assert (store.folder / "listing.bin").stat().st_size < 37 * 300 + texts / 2
    assert [row.sid for row in listing.stream()] == ids(store)
    assert [listing.row(p).sid for p in (299, 0, 128, 127, 255, 256)] == [ids(store)[p] for p in (299, 0, 128, 127,
                                                                                                   255, 256)]
    with pytest.raises(IndexError):
        listing.row(300)
    listing.close()


def damage_block(path: Path, block: int) -> None:
    """Bad bytes in the middle of one block of rows, written in place (a mapped reader sees them)."""
    listing = listing_module.Listing(path)
    start = listing._texts + listing._block_at(block)
    listing.close()
    with open(path, "r+b") as handle:
        handle.seek(start)
        handle.write(b"\xff\xff\xff\xff")


def test_a_damaged_block_is_an_error_that_names_it(store: Store) -> None:
    store.add([(make_article(i), None) for i in range(9)])
    store.write_listing()
    path = store.folder / "listing.bin"
    damage_block(path, 1)
    listing = listing_module.Listing(path)
    assert listing.row(0).sid == ids(store)[0]
    with pytest.raises(ValueError, match="block 1 is damaged"):
        listing.row(4)
    assert list(listing.verify()) == [1]
    listing.close()


def test_the_reader_reads_a_damaged_block_from_the_records_and_says_so(store: Store, small: None) -> None:
    store.add([(make_article(i, headline=f"Ferry timetable {i}", source=f"Gazette {i % 3}"), None) for i in range(9)])
    store.write_listing()
    before = [(m.id, m.headline, m.source, m.published) for m in Store(store.folder).catalogue()]
    catalogue = Store(store.folder).catalogue()
    assert catalogue.damage() is None
    damage_block(store.folder / "listing.bin", 1)  # while the reader has it open
    assert [(m.id, m.headline, m.source, m.published) for m in catalogue] == before
    assert [catalogue.row(i).sid for i in range(9)] == [sid for sid, *_ in before]
    damage = catalogue.damage()
    assert damage is not None and "listing.bin: 1 damaged block of rows" in damage


def test_a_row_whose_block_and_record_are_both_damaged_reads_blank(store: Store, small: None) -> None:
    store.add([(make_article(i), None) for i in range(9)])
    store.write_listing()
    sids = ids(store)
    catalogue = Store(store.folder).catalogue()
    damage_block(store.folder / "listing.bin", 1)
    for shard in (store.folder / "meta").glob("*.json"):
        shard.write_bytes(b"\x00garbage")
    rows = [catalogue.row(i) for i in range(9)]  # no exception: a row drawn must not end the reader
    assert [row.sid for row in rows] == sids and {row.headline for row in rows[3:6]} == {""}
    assert all(row.headline for row in rows[:3] + rows[6:])


def test_a_writer_that_meets_a_damaged_block_lists_every_story_again_from_the_records(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "TAIL_LIMIT", 0)  # every change is merged into a new listing
    store.add([(make_article(i), None) for i in range(9)])
    store.write_listing()
    path = store.folder / "listing.bin"
    damage_block(path, 2)
    store.add([(make_article(20), None)])  # an import merges its stories into the listing
    store.write_listing()
    listing = listing_module.Listing(path)
    assert not listing.verify() and [row.sid for row in listing.stream()] == ids(store)
    listing.close()


def test_an_id_prefix_resolves_from_the_listing_and_the_changes_since(store: Store) -> None:
    """`broadsheet tag 3f2a…`: a prefix is a range of the listing's sorted keys; stories added
    or deleted since the listing was written count as they are now."""
    listed = {"3f2a000000000001": 1, "3f2a000000000002": 2, "3f2b000000000003": 3, "wire-2026-04-17": 4}
    store.add_identified([(sid, make_article(n), None) for sid, n in listed.items()])
    store.write_listing()
    store.add_identified([("3f2c000000000004", make_article(5), None)])  # after the listing
    store.delete(["3f2b000000000003"])
    reader = Store(store.folder)
    assert reader.resolve("3f2c") == "3f2c000000000004"
    assert reader.resolve("3F2A000000000002 ") == "3f2a000000000002"
    assert reader.resolve("wire-2026") == "wire-2026-04-17"  # not hex: every row's id is read
    with pytest.raises(LookupError, match="2 stories start with this"):
        reader.resolve("3f2a")
    with pytest.raises(LookupError, match="no story with this id"):
        reader.resolve("3f2b")  # deleted since the listing was written
    with pytest.raises(LookupError, match="at least 4 characters"):
        reader.resolve("3f")


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6)
_ROW = st.builds(
    lambda n, headline, source, day, flags: listing_module.Row(
        f"{n:016x}", headline, source, f"2026-0{day % 9 + 1}-1{day % 10}", "2026-12-01T00:00:00Z", n % 5, flags),
    st.integers(min_value=0, max_value=10**6), _TEXT,
    st.sampled_from(["", "Harbour Post", "harbour post", "Ferry Daily", "Éclair"]),
    st.integers(min_value=0, max_value=30),
    st.sampled_from([0, 3, listing_module.FROM_FILE | 3, listing_module.FROM_FILE | 3 << 10 | 40]))


@settings(max_examples=120, deadline=None)
@given(rows=st.lists(_ROW, max_size=40, unique_by=lambda r: r.sid), data=st.data())
def test_merging_changes_into_a_listing_writes_what_a_listing_of_every_row_would(
        tmp_path_factory: pytest.TempPathFactory, rows: list[listing_module.Row], data: st.DataObject) -> None:
    # The old rows go through unparsed, each changed row where the merge put it: the file is
    # byte for byte the one written from every row sorted (blocks of 3 rows: the fixture).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(listing_module, "BLOCK_ROWS", 3)
        folder = tmp_path_factory.mktemp("merge")
        split = data.draw(st.integers(min_value=0, max_value=len(rows)))
        old_rows = listing_module.newest_first(rows[:split])
        listing_module.write_rows(folder / "old.bin", old_rows, len(old_rows), 32)
        places = st.integers(min_value=0, max_value=max(0, len(old_rows) - 1))
        hidden = data.draw(st.sets(places)) if old_rows else set()
        changed = listing_module.newest_first(rows[split:])
        old = listing_module.Listing(folder / "old.bin")
        count = len(old_rows) - len(hidden) + len(changed)
        listing_module.write_raw_rows(folder / "merged.bin", listing_module.merged(old, hidden, changed), count, 64)
        old.close()
        kept = [row for p, row in enumerate(old_rows) if p not in hidden]
        listing_module.write_rows(folder / "whole.bin", listing_module.newest_first(kept + changed), count, 64)
        assert (folder / "merged.bin").read_bytes() == (folder / "whole.bin").read_bytes()
        written = listing_module.Listing(folder / "whole.bin")
        assert written.check() is None  # repair's check finds nothing wrong in a sound file
        written.close()


def listed(folder: Path) -> list[str]:
    """The ids the reader lists (the listing, then the changes since)."""
    return [meta.id for meta in Store(folder).catalogue()]


def _flip(path: Path, offset: int, value: bytes | None = None) -> None:
    data = bytearray(path.read_bytes())
    if value is None:
        data[offset] ^= 0x01
    else:
        data[offset:offset + len(value)] = value
    path.write_bytes(bytes(data))


def test_a_damaged_key_is_made_again_from_its_rows_id_by_the_next_rewrite(store: Store,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys are not under the blocks' checksums: a rewrite that passes old rows through
    takes each row's key from its id, so a damaged one is not carried on (the story stays
    found by id, and its deletion hides it)."""
    monkeypatch.setattr(store_db, "TAIL_LIMIT", 0)  # every change is merged into a new listing
    store.add([(make_article(n), None) for n in range(6)])
    store.write_listing()
    path = store.folder / store_db.LISTING
    listing = listing_module.Listing(path)
    victim = listing.row(2).sid
    listing.close()
    _flip(path, listing_module.HEADER.size + 8 * 2)  # one bit of its key, in list order
    store.add([(make_article(50), None)])
    store.write_listing()
    assert Store(store.folder).catalogue().index_of(victim) is not None
    assert victim in ids(Store(store.folder))
    store.delete([victim])
    store.add([(make_article(51), None)])
    store.write_listing()
    assert victim not in listed(store.folder)


def test_a_damaged_row_of_a_key_hides_no_other_story(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key's row as the file gives it is checked to hold that key: deleting a story whose
    entry points at another's row must not hide the other, stored, story; the writer that
    meets it lists every story again from the records, so the deleted one is gone too."""
    monkeypatch.setattr(store_db, "TAIL_LIMIT", 0)
    store.add([(make_article(n), None) for n in range(6)])
    store.write_listing()
    path = store.folder / store_db.LISTING
    listing = listing_module.Listing(path)
    victim, innocent = listing.row(2).sid, listing.row(4).sid
    at = listing._keyed_rows + 4 * listing._keyed_from(listing.key(2))
    listing.close()
    _flip(path, at, (4).to_bytes(4, "little"))  # the victim's key now names the innocent's row
    store.delete([victim])
    store.add([(make_article(50), None)])
    store.write_listing()
    assert innocent in listed(store.folder) and innocent in ids(Store(store.folder))
    assert victim not in listed(store.folder)


def _section_damages(listing: listing_module.Listing) -> dict[str, tuple[int, bytes]]:
    """(offset, bytes) that damage one section each, as the file still reads: a value swapped
    for another of the same section, or a source's count changed in the table."""
    u64, u32 = listing_module.U64, listing_module.U32
    table = bytes(listing._map[listing._table:])
    return {
        "key": (listing._keys + 8, u64.pack(listing.key(2))),  # row 1 holds row 2's key
        "sorted key": (listing._sorted, u64.pack(listing._sorted_key(1))),
        "row of a key": (listing._keyed_rows, u32.pack(listing._keyed_row(1))),
        "order by source": (listing._by_source, bytes(listing._map[listing._by_source + 4:listing._by_source + 8])),
        "source table": (listing._table + table.index(b",3]") + 1, b"4"),
        "parser table": (listing._parsers + bytes(listing._map[listing._parsers:]).index(b",9]") + 1, b"8"),
    }


@pytest.mark.parametrize("section", ["key", "sorted key", "row of a key", "order by source", "source table",
                                     "parser table"])
def test_repair_finds_a_damaged_section_of_the_listing_and_lists_every_story_again(store: Store, section: str) -> None:
    """Only the texts have checksums: the other sections are checked against what the texts
    make of them, so repair finds damage a reader would trust (another story's marks shown
    against a row, a story missing from the order by source) and writes the listing anew."""
    store.add([(make_article(n, source=f"Gazette {n % 3}"), None) for n in range(9)])
    store.write_listing()
    path = store.folder / store_db.LISTING
    listing = listing_module.Listing(path)
    assert listing.check() is None
    offset, value = _section_damages(listing)[section]
    listing.close()
    _flip(path, offset, value)
    listing = listing_module.Listing(path)
    found = listing.check()
    listing.close()
    assert found is not None
    report = repair_store(store.folder)
    assert any(line.startswith(f"{store_db.LISTING}: {found}") for line in report.damaged)
    listing = listing_module.Listing(path)
    assert listing.check() is None and [row.sid for row in listing.stream()] == ids(store)
    listing.close()


def test_the_check_names_a_damaged_block_and_rows_out_of_order(store: Store, tmp_path: Path) -> None:
    store.add([(make_article(n), None) for n in range(9)])
    store.write_listing()
    path = store.folder / store_db.LISTING
    damage_block(path, 1)
    listing = listing_module.Listing(path)
    assert listing.check() == "1 damaged block of rows (block 1: " + listing.verify()[1] + ")"
    listing.close()
    rows = listing_module.newest_first(Store(store.folder).catalogue().row(i) for i in range(9))
    listing_module.write_rows(tmp_path / "swapped.bin", [*rows[:3], rows[4], rows[3], *rows[5:]], 9, 0)
    swapped = listing_module.Listing(tmp_path / "swapped.bin")
    assert swapped.check() == "row 4 is out of order (newest first)"
    swapped.close()


#: Three stories of one morning as their publishers and a feed gave the times: the text of
#: each sorts in the opposite order of the moments they name.
ZONED = {"New York": "2026-12-05T09:00:00-05:00",  # 14:00 UTC: the newest
         "Athens": "2026-12-05T15:00:00+02:00",  # 13:00 UTC
         "feed": "2026-12-05T12:00:00+00:00"}  # a feed's time, in UTC


def zoned_stories(store: Store) -> list[str]:
    """The :data:`ZONED` stories stored, their ids newest first by the time they name."""
    articles = {name: make_article(i, published=when, headline=f"Harbour news from {name}")
                for i, (name, when) in enumerate(ZONED.items())}
    store.add([(a, None) for a in articles.values()])
    return [articles[name].story_id for name in ("New York", "Athens", "feed")]


def test_the_list_is_in_the_order_of_the_times_published_whatever_their_zones(store: Store) -> None:
    """A saved page gives its publisher's offset and a feed UTC: sorting their text put a story
    published at 14:00 UTC below one of 12:00 UTC (the reader shows both in local time)."""
    newest_first = zoned_stories(store)
    store.add([(make_article(9, published="2026-12-04"), None)])  # a day alone: the day before
    assert ids(store)[:3] == newest_first
    store.write_listing()
    assert [meta.id for meta in Store(store.folder).catalogue()][:3] == newest_first
    assert repair_store(store.folder).healthy


@pytest.mark.parametrize("held", [100_000, 1])
def test_a_listing_in_the_order_of_the_dates_text_is_put_in_time_order_by_the_next_import(
        store: Store, monkeypatch: pytest.MonkeyPatch, held: int) -> None:
    """A listing of version 04 sorted the dates' text: it is read as it is (and checked in that
    order), and the next import writes it in the order of time from its own rows, not from
    every shard; unless more rows move than are held at once (``RUN_ROWS``: memory stays
    bounded), when it is made from every shard."""
    newest_first = zoned_stories(store)
    store.add([(make_article(i), None) for i in range(5)])
    store.write_listing()
    path = store.folder / "listing.bin"
    current = listing_module.Listing(path)
    rows, covered = list(current.stream()), current.covered
    current.close()
    text_order = sorted(rows, key=lambda r: r.published + "\0" + r.imported + "\0" + r.sid, reverse=True)
    athens_feed_new_york = [newest_first[1], newest_first[2], newest_first[0]]
    assert [r.sid for r in text_order][:3] == athens_feed_new_york
    write_v05(path, text_order, covered, b"BSLIST04")
    opened = listing_module.open_listing(path)
    assert isinstance(opened, listing_module.ListingV04) and opened.check() is None
    opened.close()
    assert [m.id for m in Store(store.folder).catalogue()][:3] == athens_feed_new_york  # as it is, until a writer
    store.add([(make_article(40), None)])
    monkeypatch.setattr(listing_module, "RUN_ROWS", held)
    made = []
    from_shards = Store._rows_from_shards
    monkeypatch.setattr(Store, "_rows_from_shards", lambda *args: made.append(1) or from_shards(*args))
    store.write_listing()  # what an import or a fetch does when it is done
    assert made == ([] if held > 3 else [1])  # three rows move
    assert path.read_bytes()[:8] == listing_module.MAGIC
    assert [m.id for m in Store(store.folder).catalogue()] == ids(store)
    assert ids(store)[:3] == newest_first and repair_store(store.folder).healthy

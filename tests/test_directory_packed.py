"""The directory's packed maps answer as plain dicts would, across merges (issue 17: a
million stories in 16 bytes each instead of about 100)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.store.storage import directory as directory_module
from broadsheet.store.storage.directory import GONE, Directory, Entry, PackedMap
from tests.factories import forbid_sorting

KEYS = st.integers(min_value=0, max_value=40)  # few keys, so entries repeat and override
SHARDS = st.one_of(st.integers(min_value=0, max_value=5), st.just(GONE))
HASHES = st.integers(min_value=0, max_value=8)  # 0: none
ENTRIES = st.lists(st.tuples(KEYS, SHARDS, HASHES, HASHES), max_size=120)


def _model(entries: list[tuple[int, int, int, int]]) -> tuple[dict[int, int], dict[int, int], dict[int, list[int]]]:
    """What the directory said before it was packed: dicts, last entry wins, GONE removes."""
    shard: dict[int, int] = {}
    address: dict[int, int] = {}
    headline: dict[int, list[int]] = {}
    for key, number, url, head in entries:
        if number == GONE:
            shard.pop(key, None)
            continue
        shard[key] = number
        if url:
            address[url] = key
        if head and key not in headline.setdefault(head, []):
            headline[head].append(key)
    return shard, address, headline


@settings(max_examples=150, deadline=None)
@given(entries=ENTRIES, split=st.integers(min_value=0, max_value=120), limit=st.sampled_from([1, 3, 1000]))
def test_directory_answers_as_the_dicts_did(tmp_path_factory: object, entries: list[tuple[int, int, int, int]],
                                            split: int, limit: int) -> None:
    # A small RECENT_LIMIT merges often, and a first load larger than it takes the whole
    # file straight into the arrays: both paths must agree with the model.
    old = directory_module.RECENT_LIMIT
    directory_module.RECENT_LIMIT = limit
    try:
        folder = Path(tmp_path_factory.mktemp("dir"))  # type: ignore[attr-defined]
        path = folder / "directory.bin"
        path.write_bytes(b"".join(Entry(*e).pack() for e in entries[:split]))
        directory = Directory(path)
        directory.load(lambda: [], lambda n: [], catch_up=False)
        directory.append([Entry(*e) for e in entries[split:]])
    finally:
        directory_module.RECENT_LIMIT = old
    _assert_answers_as_the_model(directory, entries)


def _assert_answers_as_the_model(directory: Directory, entries: list[tuple[int, int, int, int]]) -> None:
    shard, address, headline = _model(entries)
    assert len(directory) == len(shard)
    assert sorted(directory) == sorted(shard)
    for key in range(41):
        assert directory.shard_of(key) == shard.get(key)
    for url in range(1, 9):
        assert directory.by_address(url) == address.get(url)
    for head in range(1, 9):
        assert sorted(directory.by_headline(head)) == sorted(headline.get(head, []))
    assert directory.highest == max([-1, *(e[1] for e in entries if e[1] != GONE)])


@settings(max_examples=100, deadline=None)
@given(entries=ENTRIES, split=st.integers(min_value=0, max_value=120), tail=st.integers(min_value=0, max_value=7))
def test_a_load_starts_from_the_sorted_maps_a_writer_kept(tmp_path_factory: object,
                                                         entries: list[tuple[int, int, int, int]], split: int,
                                                         tail: int) -> None:
    # A writer's load that sorts RECENT_LIMIT entries or more keeps the maps sorted beside the
    # file; a later load (reader or writer) reads them back, takes in the few entries appended
    # since without sorting anything, and answers as the model does.
    with pytest.MonkeyPatch.context() as patch:  # (hypothesis runs examples in one function fixture)
        patch.setattr(directory_module, "RECENT_LIMIT", 8)  # more than the tail: it goes to the recent dicts
        _sorted_maps_then_a_tail(Path(tmp_path_factory.mktemp("dir")), entries[:split],  # type: ignore[attr-defined]
                                 entries[split:split + tail])


def _sorted_maps_then_a_tail(folder: Path, first: list[tuple[int, int, int, int]],
                             later: list[tuple[int, int, int, int]]) -> None:
    path = folder / "directory.bin"
    path.write_bytes(b"".join(Entry(*e).pack() for e in first))
    Directory(path).load(lambda: [], lambda n: [], catch_up=True)
    kept = Directory(path).sorted_path
    assert kept.exists() == (len(first) >= directory_module.RECENT_LIMIT)
    with open(path, "ab") as handle:  # another writer appends, fewer than RECENT_LIMIT
        handle.write(b"".join(Entry(*e).pack() for e in later))
    directory = Directory(path)
    if kept.exists():
        with pytest.MonkeyPatch.context() as patch:
            forbid_sorting(patch)
            directory.load(lambda: [], lambda n: [], catch_up=False)
    else:
        directory.load(lambda: [], lambda n: [], catch_up=False)
    _assert_answers_as_the_model(directory, first + later)


def test_a_removed_key_stays_removed_after_a_merge() -> None:
    packed = PackedMap()
    packed.put(7, 1)
    packed.merge()
    packed.put(7, GONE)
    assert packed.get(7) is None and list(packed) == [] and len(packed) == 0
    packed.merge()
    assert packed.get(7) is None and list(packed) == [] and len(packed) == 0
    packed.put(7, 3)
    assert packed.get(7) == 3 and list(packed) == [7] and len(packed) == 1


def test_many_values_of_one_key_keep_their_order_across_merges() -> None:
    packed = PackedMap(multi=True)
    for value in (5, 2, 5, 9):
        packed.put(1, value)
        packed.merge()
    packed.put(1, 4)
    packed.put(1, 2)
    packed.put(1, 4)  # put again before a merge: still once
    assert packed.all(1) == [2, 5, 9, 4]  # merged ones in order, then the recent as put
    packed.merge()
    assert packed.all(1) == [2, 4, 5, 9]  # merged: in the order of the values


def _entries(count: int, shard: int = 1) -> list[Entry]:
    return [Entry(key, shard, key + 1000, key + 2000) for key in range(1, count + 1)]


def test_sorted_maps_of_a_rebuilt_file_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(directory_module, "RECENT_LIMIT", 8)
    path = tmp_path / "directory.bin"
    path.write_bytes(b"".join(e.pack() for e in _entries(20)))
    Directory(path).load(lambda: [], lambda n: [], catch_up=True)
    kept = Directory(path).sorted_path.read_bytes()
    # Replaced by a file as long whose entries name other shards (as `repair` may rebuild it).
    path.write_bytes(b"".join(e.pack() for e in _entries(20, shard=2)))
    directory = Directory(path)
    directory.load(lambda: [], lambda n: [], catch_up=True)
    assert directory.shard_of(5) == 2 and directory.highest == 2
    assert Directory(path).sorted_path.read_bytes() != kept  # made again, from this file
    again = Directory(path)
    again.load(lambda: [], lambda n: [], catch_up=False)
    assert again.shard_of(5) == 2


@pytest.mark.parametrize("damage", ["flip", "cut", "empty"])
def test_damaged_sorted_maps_are_ignored_and_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        damage: str) -> None:
    monkeypatch.setattr(directory_module, "RECENT_LIMIT", 8)
    path = tmp_path / "directory.bin"
    path.write_bytes(b"".join(e.pack() for e in _entries(20)))
    Directory(path).load(lambda: [], lambda n: [], catch_up=True)
    kept = Directory(path).sorted_path
    whole = kept.read_bytes()
    spoilt = {"flip": whole[:-9] + bytes([whole[-9] ^ 1]) + whole[-8:], "cut": whole[:-8], "empty": b""}[damage]
    kept.write_bytes(spoilt)
    reader = Directory(path)
    reader.load(lambda: [], lambda n: [], catch_up=False)
    assert [reader.shard_of(k) for k in (1, 20, 21)] == [1, 1, None] and reader.by_address(1005) == 5
    assert kept.read_bytes() == spoilt  # a reader never writes
    Directory(path).load(lambda: [], lambda n: [], catch_up=True)
    assert kept.read_bytes() == whole


def test_rebuilding_the_directory_drops_its_sorted_maps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(directory_module, "RECENT_LIMIT", 8)
    path = tmp_path / "directory.bin"
    path.write_bytes(b"".join(e.pack() for e in _entries(20)))
    directory = Directory(path)
    directory.load(lambda: [], lambda n: [], catch_up=True)
    directory.rebuild(_entries(3, shard=4))
    assert not directory.sorted_path.exists()
    fresh = Directory(path)
    fresh.load(lambda: [], lambda n: [], catch_up=True)
    assert fresh.shard_of(2) == 4 and fresh.shard_of(10) is None and len(fresh) == 3


def test_a_long_tail_after_the_sorted_maps_is_sorted_in_and_kept_again(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(directory_module, "RECENT_LIMIT", 8)
    path = tmp_path / "directory.bin"
    path.write_bytes(b"".join(e.pack() for e in _entries(20)))
    Directory(path).load(lambda: [], lambda n: [], catch_up=True)
    with open(path, "ab") as handle:  # another writer: 12 more, two of them moving stories
        handle.write(b"".join(e.pack() for e in [*_entries(30)[20:], Entry(3, 7), Entry(4, GONE)]))
    writer = Directory(path)
    writer.load(lambda: [], lambda n: [], catch_up=True)
    assert writer.shard_of(3) == 7 and writer.shard_of(4) is None and writer.shard_of(30) == 1 and len(writer) == 29
    assert writer.highest == 7
    reader = Directory(path)
    with pytest.MonkeyPatch.context() as patch:  # kept again, covering the whole file: nothing to sort
        forbid_sorting(patch)
        reader.load(lambda: [], lambda n: [], catch_up=False)
    assert reader.shard_of(3) == 7 and reader.shard_of(4) is None and len(reader) == 29
    assert reader.by_address(1030) == 30


def test_a_file_rewritten_in_place_is_read_anew_and_its_maps_kept_of_it(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with the inode of the one taken in and at least as long, holding other entries (an
    atomic rebuild that got the old inode back, as ext4 may give): a writer open since must not
    read its tail on top of the old maps, nor keep such maps beside it under its digest."""
    monkeypatch.setattr(directory_module, "RECENT_LIMIT", 8)
    monkeypatch.setattr(directory_module, "KEEP_SORTED_AFTER", 8)
    path = tmp_path / "directory.bin"
    path.write_bytes(b"".join(e.pack() for e in _entries(10)))
    writer = Directory(path)
    writer.load(lambda: [], lambda n: [], catch_up=True)
    inode = path.stat().st_ino
    with open(path, "r+b") as handle:  # in place: the same inode, other stories, longer
        handle.write(b"".join(Entry(key, 3).pack() for key in range(101, 121)))
    assert path.stat().st_ino == inode
    writer.load(lambda: [], lambda n: [], catch_up=True)
    assert writer.shard_of(5) is None and writer.shard_of(101) == 3 and len(writer) == 20
    writer.keep_sorted()
    reader = Directory(path)
    reader.load(lambda: [], lambda n: [], catch_up=False)
    assert reader.shard_of(5) is None and reader.shard_of(120) == 3 and len(reader) == 20


def test_the_maps_kept_are_those_of_the_bytes_taken_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest saved with the maps is of what they were made from: if the file changed after
    they were made, a later load does not take them for the file's."""
    monkeypatch.setattr(directory_module, "RECENT_LIMIT", 8)
    monkeypatch.setattr(directory_module, "KEEP_SORTED_AFTER", 8)
    path = tmp_path / "directory.bin"
    path.write_bytes(b"".join(e.pack() for e in _entries(10)))
    writer = Directory(path)
    writer.load(lambda: [], lambda n: [], catch_up=False)  # a reader's load: nothing kept yet
    assert not writer.sorted_path.exists()
    path.write_bytes(b"".join(e.pack() for e in _entries(10, shard=6)))  # changed under it
    writer.keep_sorted()  # its maps (shard 1) kept: they must not pass for this file's
    reader = Directory(path)
    reader.load(lambda: [], lambda n: [], catch_up=False)
    assert reader.shard_of(5) == 6


def test_a_shard_number_beyond_63_bits_is_kept_with_the_maps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged entry may name any u64 as its shard: the directory only gives candidates, so it
    must not stop a writer's load from keeping the maps, nor the next from starting from them."""
    monkeypatch.setattr(directory_module, "RECENT_LIMIT", 8)
    path = tmp_path / "directory.bin"
    high = (1 << 63) | 1
    path.write_bytes(b"".join(e.pack() for e in [*_entries(19), Entry(99, high)]))
    Directory(path).load(lambda: [], lambda n: [], catch_up=True)
    assert Directory(path).sorted_path.exists()
    reader = Directory(path)
    with pytest.MonkeyPatch.context() as patch:  # from the maps kept: nothing to sort
        forbid_sorting(patch)
        reader.load(lambda: [], lambda n: [], catch_up=False)
    assert reader.highest == high and reader.shard_of(99) == high and reader.shard_of(19) == 1

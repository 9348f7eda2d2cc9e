"""The directory's packed maps answer as plain dicts would, across merges (issue 17: a
million stories in 16 bytes each instead of about 100)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.store.storage import directory as directory_module
from broadsheet.store.storage.directory import GONE, Directory, Entry, PackedMap

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
    assert packed.all(1) == [2, 5, 9, 4]  # merged ones in order, then the recent as put

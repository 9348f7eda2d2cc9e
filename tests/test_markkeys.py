"""The keys of each mark kept in marks.bin (issue 17): the first search with is: or tag: reads
one file, and it answers exactly as the state files do, whatever changed since it was written."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.store.search.execute import Marked
from broadsheet.store.storage import markkeys
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.directory import story_key

IDS = [f"{n:03x}{n * 7919:013x}" for n in range(40)]  # spread over many state files, a few sharing one


def _as_files_say(store: Store) -> tuple[set[int], set[int], dict[str, set[int]]]:
    marked = Marked.of(store.user.all())
    return marked.read, marked.bookmarked, marked.tags


def _loaded(store: Store) -> tuple[set[int], set[int], dict[str, set[int]]]:
    keys = markkeys.load(Store(store.folder).user)
    assert keys is not None
    tags = {mark.removeprefix("tag:"): set(found) for mark, found in keys.marks.items() if mark.startswith("tag:")}
    return set(keys.marks.get("read", ())), set(keys.marks.get("bookmarked", ())), tags


def _files_read(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The stories of each state file markkeys reads from here on."""
    read: list[list[str]] = []
    real = markkeys._from_file
    monkeypatch.setattr(markkeys, "_from_file", lambda docs: read.append(sorted(docs)) or real(docs))
    return read


@pytest.fixture
def aged(monkeypatch: pytest.MonkeyPatch) -> None:
    """State files count as written long ago (else each is saved unvouched and read again)."""
    monkeypatch.setattr(markkeys, "RACY_SECONDS", 0)


def _mark(store: Store) -> None:
    for sid in IDS[::2]:
        store.user.set_read(sid, True)
    for sid in IDS[::5]:
        store.user.set_bookmarked(sid, True)
    store.user.edit_tags(IDS[::3], add=["harbour"])
    store.user.edit_tags(IDS[1::4], add=["ferries", "harbour"])


def test_the_keys_are_those_the_state_files_hold_and_are_read_from_one_file(store: Store, aged: None,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _mark(store)
    (store.folder / "marks.bin").write_bytes(b"BSMARKS2")  # where an older version kept it
    assert _loaded(store) == _as_files_say(store)
    # Beside the state files, under their lock (in the store's folder an import's tidy took its temp file).
    assert (store.folder / "state" / "marks.bin").exists() and not (store.folder / "marks.bin").exists()
    read = _files_read(monkeypatch)
    assert _loaded(store) == _as_files_say(store) and read == []  # every state file as it was: none read


def test_a_state_file_changed_since_is_read_again_and_only_it(store: Store, aged: None,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _mark(store)
    _loaded(store)
    other = Store(store.folder)  # another instance changes one file's marks
    other.user.set_read(IDS[0], False)
    other.user.edit_tags([IDS[0]], remove=["harbour"], add=["gales"])
    other.user.set_bookmarked(IDS[0], False)
    read = _files_read(monkeypatch)
    assert _loaded(store) == _as_files_say(store)
    assert read == [[IDS[0]]]
    assert story_key(IDS[0]) in _loaded(store)[2]["gales"] and len(read) == 1  # saved again: not read a third time


def test_a_file_written_a_moment_ago_is_not_vouched_for(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Written within RACY_SECONDS, a file could be written again with the same identity: its
    keys are saved, but the next load reads it again."""
    store.user.set_read(IDS[3], True)
    _loaded(store)
    read = _files_read(monkeypatch)
    assert _loaded(store)[0] == {story_key(IDS[3])} and read == [[IDS[3]]]


@pytest.mark.parametrize("damage", [b"", b"BSMARKS2", b"not a marks file at all", "truncated"])
def test_a_damaged_marks_file_is_made_again(store: Store, aged: None, damage: bytes | str) -> None:
    _mark(store)
    _loaded(store)
    path = store.folder / "state" / "marks.bin"
    path.write_bytes(path.read_bytes()[:-9] if damage == "truncated" else damage)  # type: ignore[operator]
    assert _loaded(store) == _as_files_say(store)
    assert _loaded(store) == _as_files_say(store)


def test_a_store_with_state_files_of_an_older_layout_is_not_answered(store: Store,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """There a newer file's mark overrides an older one's: the caller goes through the states
    (an older store opened read-only keeps its files; a writable one moves them at open)."""
    store.user.set_read(IDS[1], True)
    (store.folder / "state" / "a.json").write_text('{"stories": {}}')
    monkeypatch.setattr(type(store.user), "move_to_shards", lambda self: None)
    assert markkeys.load(Store(store.folder).user) is None


def test_the_first_search_with_a_mark_reads_the_keys_from_marks_bin(tmp_path: Path, aged: None) -> None:
    from broadsheet.store.reader.state import ReaderState
    from broadsheet.store.search.engine import SearchIndex
    from tests.factories import make_article

    store = Store(tmp_path / "store")
    ids = store.add([(make_article(i), None) for i in range(6)])
    store.user.set_bookmarked(ids[2], True)
    store.user.edit_tags(ids[:3], add=["boats"])
    reader = ReaderState(store)
    reader.load()
    index = SearchIndex.open(store)
    assert set(index.search("tag:boats -is:bookmarked", states=reader.states).ids) == set(ids[:2])
    assert (store.folder / "state" / "marks.bin").exists()

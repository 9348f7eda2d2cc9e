"""The reader's marks in a long session: what it keeps of the state files is bounded (issue 17)."""

from __future__ import annotations

import os
import time

import orjson
import pytest

from broadsheet.store.storage import userstate
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.directory import story_key
from broadsheet.store.storage.userstate import LazyStates, StoryState


def _sid(shard: int, n: int) -> str:
    return f"{shard:03x}{n:013x}"


def _marked(store: Store, shards: int, per_shard: int) -> dict[str, StoryState]:
    """Marks on ``per_shard`` stories in each of ``shards`` state files (stories need not be stored)."""
    states = {_sid(shard, n): StoryState(bookmarked=n % 2 == 0, read=True, tags=(f"t{shard % 3}",))
              for shard in range(shards) for n in range(per_shard)}
    store.user.change_each(states, lambda sid, _old: states[sid])
    return states


def test_scrolling_every_mark_keeps_only_the_files_read_last(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    states = _marked(store, 20, 4)  # 80 records in 20 files
    one_file = len((store.folder / "state" / "000.json").read_bytes())
    monkeypatch.setattr(userstate, "BYTES_KEPT", 3 * one_file)
    lazy = LazyStates(Store(store.folder).user)
    loaded = lazy.origin
    assert isinstance(loaded, userstate._Loaded)
    for _ in range(2):  # down the list and back: files let go are read again, with the same marks
        for sid, state in states.items():
            assert lazy[sid] == state
            assert loaded.kept <= 3 * one_file and loaded.kept == sum(map(len, loaded.files.values()))
    assert list(loaded.files) == ["011", "012", "013"]  # the last three files read
    assert dict(lazy.items()) == states  # every mark, one file at a time


def test_a_mark_is_found_in_its_file_whatever_its_tags_hold(store: Store) -> None:
    near = _sid(0x0AB, 1)
    tricky = {near: StoryState(tags=(f'"{_sid(0x0AB, 2)}":{{', "a}b", "}")),
              _sid(0x0AB, 2): StoryState(read=True),
              "0ab-not-plain": StoryState(bookmarked=True, tags=("x",))}  # an id of another form: in file 0ab too
    store.user.change_each(tricky, lambda sid, _old: tricky[sid])
    lazy = LazyStates(Store(store.folder).user)
    assert {sid: lazy.get(sid) for sid in tricky} == tricky
    assert lazy.get(_sid(0x0AB, 3)) is None and lazy.get(_sid(0x0AC, 1)) is None


def test_a_file_read_again_after_a_change_agrees_with_the_change(store: Store,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    states = _marked(store, 5, 4)
    monkeypatch.setattr(userstate, "BYTES_KEPT", len((store.folder / "state" / "001.json").read_bytes()))
    user = Store(store.folder).user
    lazy = LazyStates(user)
    first = _sid(0, 1)
    assert lazy[first].read
    changed = lazy.with_changes(user.change([first], lambda s: StoryState(s.bookmarked, False, s.tags)))
    for sid in states:  # file 000 is let go, then read again with the change written in it
        changed.get(sid)
    assert "000" not in changed.origin.files  # type: ignore[attr-defined]
    assert changed[first] == StoryState(False, False, ("t0",))
    assert changed[_sid(0, 2)] == states[_sid(0, 2)]


def test_writing_marks_keeps_no_state_file_parsed(store: Store) -> None:
    user = Store(store.folder).user
    _marked(store, 30, 1)
    for shard in range(30):
        user.toggle_bookmark(_sid(shard, 0))
    assert user._dbs == {}  # each written file was read for its write and let go
    assert all(not user.get(_sid(shard, 0)).bookmarked for shard in range(30))


def test_a_copied_state_folder_is_parsed_and_counted_once_not_on_every_start(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """``cp -r`` makes every state file newer than the counts, as a crash that lost the counts'
    last write makes one: the first start parses them all (a damaged one would be found), the
    counts are counted again from every mark and written after them, and the next start parses none."""
    _marked(store, 40, 2)
    counts_before = store.user.counts(lambda _sid: True)
    state = store.folder / "state"
    copied = time.time() - 100  # a copy made a while ago: the counts first, then the marks, then the folder
    for n, path in enumerate([state / userstate.COUNTS, *state.glob("[0-9a-f]*.json"), state]):
        os.utime(path, (copied + n, copied + n))
    parsed: list[str] = []
    real = userstate.UserState.uncached

    def counted(self: userstate.UserState, name: str) -> dict[str, object]:
        parsed.append(name)
        return real(self, name)

    monkeypatch.setattr(userstate.UserState, "uncached", counted)
    first = Store(store.folder)
    assert len([name for name in parsed if name != "settings"]) == 40
    parsed.clear()
    assert first.user.counts(lambda _sid: None) == counts_before  # counted again from the 40 files (none stored)
    assert len([name for name in parsed if name != "settings"]) == 40
    parsed.clear()
    reopened = Store(store.folder)
    assert [name for name in parsed if name != "settings"] == []
    assert reopened.user.counts(lambda _sid: pytest.fail("counted again")) == counts_before


def test_a_damaged_file_reads_as_no_marks_and_is_named(store: Store) -> None:
    states = _marked(store, 3, 2)
    lazy = LazyStates(Store(store.folder).user)  # opened whole; damaged while it is open
    (store.folder / "state" / "001.json").write_bytes(b'{"stories": {"0010')  # cut short
    assert lazy.get(_sid(1, 0)) is None and lazy[_sid(0, 0)] == states[_sid(0, 0)]
    assert dict(lazy.items()) == {sid: s for sid, s in states.items() if not sid.startswith("001")}
    assert list(lazy.damaged) == ["001"] and "001.json" in str(lazy.damaged["001"])
    assert lazy.with_changes({}).damaged.keys() == {"001"}  # one load of the marks: one finding


def test_a_pass_over_many_stories_finds_each_read_mark_as_the_mapping_does(store: Store) -> None:
    """n / N test many stories for a read mark at once, by key: through each file's read keys,
    with the changes since the load over them. An unusual id reads as unread (its key is a
    hash: the caller asks the mapping); with an older layout's file there is no such test."""
    states = {_sid(shard, n): StoryState(bookmarked=n % 3 == 0, read=n % 2 == 0, tags=("t",) if n % 5 == 0 else ())
              for shard in range(6) for n in range(12)}
    states[_sid(4095, 3)] = StoryState(read=True)  # the last file
    unusual = ["Odd-id", "00700000000000AB"]  # (upper-case hex is not the usual id)
    store.user.change_each({**states, **{sid: StoryState(read=True) for sid in unusual}}, lambda sid, _old: (
        states.get(sid) or StoryState(read=True)))
    lazy = LazyStates(Store(store.folder).user)
    changed = lazy.with_changes({_sid(0, 0): StoryState(), _sid(0, 1): StoryState(read=True)})
    asked = [*states, _sid(9, 9), _sid(4095, 4)]
    for mapping in (lazy, changed):
        is_read = mapping.read_test()
        assert is_read is not None
        assert [is_read(story_key(sid)) for sid in asked] == [mapping.get(sid, StoryState()).read for sid in asked]
        assert all(mapping[sid].read and not is_read(story_key(sid)) for sid in unusual)
    is_read = changed.read_test()
    assert is_read is not None and not is_read(story_key(_sid(0, 0))) and is_read(story_key(_sid(0, 1)))
    assert sum(map(lazy.read_test() or bool, map(story_key, asked))) == sum(s.read for s in states.values()) == 37
    user = Store(store.folder).user  # (opening a store moves an older layout's files: one left there after)
    (store.folder / "state" / "0.json").write_bytes(orjson.dumps({"stories": {_sid(9, 9): {"read": True}}}))
    assert LazyStates(user).read_test() is None

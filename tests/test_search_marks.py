"""Searches with tag: and is: use an index of the marks made once per load, with the changes
since laid over it (issue 17): typing must not go through every mark per key, and must still
see a mark changed a moment ago."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.store.reader.state import ReaderState
from broadsheet.store.search.engine import SearchIndex
from broadsheet.store.search.execute import Marked
from broadsheet.store.storage.db import Store
from tests.factories import make_article


def test_marks_changed_after_the_index_of_marks_was_made_are_seen(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "store")
    ids = store.add([(make_article(i), None) for i in range(6)])
    store.user.edit_tags(ids[:2], add=["boats"])
    index = SearchIndex.open(store)
    reader = ReaderState(store)
    reader.load()
    made: list[int] = []
    real = Marked.of.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(Marked, "of", classmethod(lambda cls, states: made.append(1) or real(cls, states)))

    def found(text: str) -> set[str]:
        return set(index.search(text, states=reader.states).ids)

    assert found("tag:boats") == set(ids[:2])
    assert found("tag:boat") == set()  # another key typed: the same index of marks
    reader.edit_tags([ids[4]], ["boats"], [])
    reader.toggle_bookmark(ids[0])
    reader.edit_tags([ids[1]], [], ["boats"])
    assert found("tag:boats") == {ids[0], ids[4]}
    assert found("is:bookmarked") == {ids[0]} and found("-is:bookmarked tag:boats") == {ids[4]}
    assert len(made) == 1  # made once for this load, whatever was typed or marked since
    reader.load()  # a new load (another instance's changes): a new index
    assert found("tag:boats") == {ids[0], ids[4]} and len(made) == 2

"""A directory that lost its last entries (a lost append, a copy cut short) hid stories from
`list`, `search` and `bookmark`, and `repair` said "no damaged files": the store lists every
stored story again, and `repair` checks the directory against the story records."""

from __future__ import annotations

import orjson
import pytest

from broadsheet.cli.main import main
from broadsheet.store.storage import db as store_db
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.directory import ENTRY
from tests.factories import make_article


@pytest.fixture(autouse=True)
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 3)


def _listed(store: Store, capsys: pytest.CaptureFixture[str]) -> set[str]:
    """The ids `broadsheet list` prints."""
    capsys.readouterr()
    assert main(["--store", str(store.folder), "list", "--json"]) == 0
    return {orjson.loads(line)["id"] for line in capsys.readouterr().out.splitlines()}


def _cut(store: Store, entries: int) -> None:
    path = store.folder / "directory.bin"
    path.write_bytes(path.read_bytes()[: -entries * ENTRY.size])


def test_stories_whose_directory_entries_were_cut_off_are_listed_and_found(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    articles = [make_article(i) for i in range(10)]
    store.add([(a, None) for a in articles[:7]])
    store.write_listing()
    store.add([(a, None) for a in articles[7:]])  # after the listing: merged in from the directory's tail
    _cut(store, 2)
    assert _listed(store, capsys) == {a.story_id for a in articles}
    hidden = articles[-1].story_id
    assert main(["--store", str(store.folder), "bookmark", hidden[:8]]) == 0  # was "no story with this id"
    assert hidden in {m.id for m in Store(store.folder).catalogue()}


def test_a_story_put_back_by_an_undo_whose_entry_was_lost_is_listed(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """Put back into an old shard, which the directory's catch-up of the newest shards never read:
    its last entry in the directory said it was deleted."""
    articles = [make_article(i) for i in range(7)]
    store.add([(a, None) for a in articles])
    store.write_listing()
    store.restore(store.delete([articles[0].story_id]))
    _cut(store, 1)
    assert _listed(store, capsys) == {a.story_id for a in articles}


def test_repair_finds_what_the_directory_lacks_and_says_so(
        store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """Even when the stamp's count agrees with the short directory (nothing cheap to notice)."""
    articles = [make_article(i) for i in range(10)]
    store.add([(a, None) for a in articles])
    _cut(store, 3)
    stamp = store.folder / "meta" / "stamp.json"
    stamp.write_bytes(orjson.dumps({**orjson.loads(stamp.read_bytes()), "stories": 7}))
    assert main(["--store", str(store.folder), "repair"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "directory.bin: 3 stories stored were not listed in it" in said and "written again" in said
    assert _listed(store, capsys) == {a.story_id for a in articles}
    assert main(["--store", str(store.folder), "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err

"""Opening one story reads its two records alone, not its shards whole (issue 17): the same
story, the same cleaning of hand-edited files, the same errors for damaged ones."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from broadsheet.store.errors import StoreFileError
from broadsheet.store.storage import compressed
from broadsheet.store.storage import db as store_db
from broadsheet.store.storage.db import Store
from tests.factories import make_article, wire_article


def shard_file(store: Store, kind: str, sid: str) -> Path:
    meta = store.meta(sid)
    assert meta is not None
    return store.folder / kind / f"{meta.shard:06d}.json"


def rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Change the document of a (compressed) shard as an editor or another tool would."""
    raw = path.read_bytes()
    data = orjson.loads(compressed.unpack(path, raw) if compressed.looks_compressed(raw) else raw)
    change(data)
    path.write_bytes(compressed.pack(orjson.dumps(data)))


@pytest.fixture
def stored(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 2)  # shards of two stories: most not open in a reader
    tricky = make_article(9, headline='A "quoted" {braced} headline',
                          body=['He said "}" twice: }}, and {"body": ["not a record"]}.', "Second paragraph."])
    store.add([(make_article(i), None) for i in range(6)] + [(wire_article(), None), (tricky, None)])
    store.write_listing()  # as an import leaves it: the reader reads no shard to list the stories
    return store


def test_a_story_opened_alone_is_the_story_read_through_its_shards(stored: Store) -> None:
    reader = Store(stored.folder)  # a new process
    opened = set(reader._metas)  # the newest shard, parsed whole by the check at open
    for meta in reader.catalogue():
        assert reader.article_of(meta, alone=True) == Store(stored.folder).article_of(meta)
    assert not reader._shards and set(reader._metas) == opened  # no other shard was parsed whole


def test_a_hand_edited_escape_in_a_record_read_alone_is_cleaned(stored: Store) -> None:
    wire = wire_article()

    def add_escape(data: dict) -> None:  # type: ignore[type-arg]
        data["bodies"][wire.story_id]["body"][0] = "Red \u001b[31malert\u001b[0m and a bell\u0007."

    rewrite(shard_file(stored, "bodies", wire.story_id), add_escape)
    reader = Store(stored.folder)
    article = reader.article_of(next(m for m in reader.catalogue() if m.id == wire.story_id), alone=True)
    assert "\u001b" not in article.body[0] and "\u0007" not in article.body[0] and "alert" in article.body[0]


def test_a_damaged_shard_says_what_is_wrong_as_when_read_whole(stored: Store) -> None:
    reader = Store(stored.folder)
    meta = next(iter(reader.catalogue()))
    path = shard_file(stored, "bodies", meta.id)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + b"\x00garbage\x00" + data[len(data) // 2 + 9:])
    with pytest.raises(StoreFileError, match=path.name):
        reader.article_of(meta, alone=True)


def test_a_shard_open_in_this_process_answers_with_its_latest_writes(stored: Store) -> None:
    meta = next(iter(stored.catalogue()))
    stored.article_of(meta)  # its shards are open now
    assert stored.article_of(meta, alone=True) == stored.article_of(meta)

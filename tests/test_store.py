from pathlib import Path

import pytest

from store import db as store_db
from store.db import Store
from tests.factories import make_article, wire_article


def test_round_trip_is_exact(store: Store) -> None:
    article = wire_article()
    [story_id] = store.add([(article, "wire.txt")])
    assert story_id == article.story_id
    assert store.article(story_id) == article
    reopened = Store(store.folder)
    assert reopened.article(story_id) == article
    assert reopened.meta(story_id).file == "wire.txt"


def test_same_story_twice_is_stored_once(store: Store) -> None:
    assert store.add([(make_article(1), None), (make_article(1), None)]) == [make_article(1).story_id]
    assert store.add([(make_article(1), None)]) == []
    assert len(store) == 1


def test_story_id_is_stable_and_content_derived() -> None:
    assert make_article(1).story_id == make_article(1).story_id
    assert make_article(1).story_id != make_article(2).story_id


def test_newest_first(filled_store: Store) -> None:
    dates = [m.published for m in filled_store.stories()]
    assert dates == sorted(dates, reverse=True)


def test_bodies_are_sharded_and_metadata_holds_no_body(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "SHARD_SIZE", 3)
    store.add([(make_article(i), None) for i in range(7)])
    shards = sorted(p.name for p in (store.folder / "bodies").iterdir())
    assert shards == ["000000.json", "000001.json", "000002.json"]
    assert b"Ferry operators" not in (store.folder / "articles.json").read_bytes()
    assert all(store.article(m.id).body for m in store.stories())


def test_user_state_never_rewrites_articles(filled_store: Store) -> None:
    articles = filled_store.folder / "articles.json"
    before = articles.stat().st_mtime_ns
    story = filled_store.stories()[0]
    filled_store.user.set_bookmarked(story.id, True)
    filled_store.user.set_read(story.id, True)
    assert articles.stat().st_mtime_ns == before
    state = Store(filled_store.folder).user.get(story.id)
    assert state.bookmarked and state.read


def test_store_is_created_where_asked(tmp_path: Path) -> None:
    Store(tmp_path / "a" / "b").add([(make_article(), None)])
    assert (tmp_path / "a" / "b" / "articles.json").is_file()

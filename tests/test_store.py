from dataclasses import asdict, fields
from pathlib import Path

import orjson
import pytest

from broadsheet.store.model import Credits
from broadsheet.store.storage import db as store_db
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.tinydb import read_json_file
from tests.factories import make_article, meta_file, stored_json, wire_article


def test_round_trip_is_exact(store: Store) -> None:
    article = wire_article()
    [story_id] = store.add([(article, "wire.txt")])
    assert story_id == article.story_id
    assert store.article(story_id) == article
    reopened = Store(store.folder)
    assert reopened.article(story_id) == article
    assert reopened.meta(story_id).file == "wire.txt"


def test_a_photographers_credit_is_stored_and_exported(store: Store) -> None:
    from dataclasses import replace

    from broadsheet.store.storage.exchange import export_json, read_export
    from broadsheet.store.storage.fields import record_problems

    credits = Credits(editing=["林佳"], text="（摄影：王五） 责任编辑：林佳", photography=["王五"])
    article = replace(wire_article(), credits=credits)
    [story_id] = store.add([(article, None)])
    assert Store(store.folder).article(story_id) == article
    assert record_problems(article.to_doc()) == []
    [exported] = read_export(export_json(store, [story_id]))
    assert exported.article == article  # type: ignore[union-attr]
    older = wire_article().to_doc()
    del older["credits"]["photography"]  # as an earlier Broadsheet wrote it
    assert record_problems(older) == []


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
    assert not any(b"Ferry operators" in stored_json(p) for p in (store.folder / "meta").glob("*.json"))
    assert all(store.article(m.id).body for m in store.stories())


def test_user_state_never_rewrites_articles(filled_store: Store) -> None:
    articles = filled_store.folder / "meta" / "stamp.json"
    before = articles.stat().st_mtime_ns
    story = filled_store.stories()[0]
    filled_store.user.set_bookmarked(story.id, True)
    filled_store.user.set_read(story.id, True)
    assert articles.stat().st_mtime_ns == before
    state = Store(filled_store.folder).user.get(story.id)
    assert state.bookmarked and state.read


def test_store_is_created_where_asked(tmp_path: Path) -> None:
    Store(tmp_path / "a" / "b").add([(make_article(), None)])
    assert meta_file(tmp_path / "a" / "b").is_file()


def _records(store: Store) -> dict:
    return read_json_file(meta_file(store))["articles"]


def test_records_keep_listed_fields_plain_and_details_packed(store: Store) -> None:
    article = wire_article()
    [story_id] = store.add([(article, "wire.txt")])
    record = _records(store)[story_id]
    assert set(record) <= {*store_db.LISTED, "details"}
    assert record["headline"] == article.headline
    assert orjson.loads(record["details"])["file"] == "wire.txt"
    meta = Store(store.folder).stories()[0]
    assert (meta.images, meta.credits, list(meta.authors)) == (tuple(article.images), article.credits,
                                                               article.authors)


def test_records_written_before_packing_are_read_and_packed_on_the_next_write(store: Store) -> None:
    article = wire_article()
    old = {**article.to_contract(), "shard": 0, "file": "old.txt", "imported": "2026-01-01T00:00:00+00:00"}
    body = old.pop("body")
    (store.folder / "bodies").mkdir()
    (store.folder / "bodies" / "000000.json").write_bytes(orjson.dumps({"bodies": {article.story_id: {"body": body}}}))
    (store.folder / "articles.json").write_bytes(orjson.dumps({"articles": {article.story_id: old}}))
    reopened = Store(store.folder)
    assert reopened.article(article.story_id) == article
    assert reopened.meta(article.story_id).file == "old.txt"
    reopened.add([(make_article(1), None)])
    assert "details" in _records(reopened)[article.story_id]
    assert Store(store.folder).article(article.story_id) == article


def test_escape_sequences_hidden_in_packed_details_are_cleaned(store: Store) -> None:
    [story_id] = store.add([(wire_article(), None)])
    data = read_json_file(meta_file(store))
    record = data["articles"][story_id]
    record["details"] = orjson.dumps({"agency": "Evil\x1b]52;c;cHduZWQ=\x07 \x9b31m Wire"}).decode()
    meta_file(store).write_bytes(orjson.dumps(data))
    agency = Store(store.folder).meta(story_id).agency
    assert agency is not None and "Wire" in agency
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in agency)


def test_damaged_details_read_as_missing_and_repair_names_them(store: Store) -> None:
    """A hand-edited store still opens every story (issue 18); ``repair`` says what was wrong."""
    from broadsheet.store.storage.repair import repair_store

    [story_id] = store.add([(wire_article(), None)])
    data = read_json_file(meta_file(store))
    data["articles"][story_id]["details"] = "{not json"
    meta_file(store).write_bytes(orjson.dumps(data))
    article = Store(store.folder).article(story_id)
    assert article is not None and article.headline == wire_article().headline and article.authors == []
    report = repair_store(store.folder)
    assert report.damaged == [f"meta/000000.json: story {story_id}: details are not a JSON object"]
    # What the details held is lost, not mended: said (repair exits 1), with how to get it back.
    assert [line.split(": ", 1)[1] for line in report.lost] == [
        "its details (authors, photos, address, source file) could not be read; import its file again to bring "
        "them back"]
    assert repair_store(store.folder).healthy


def test_contract_spells_out_every_field_of_images_and_credits() -> None:
    article = wire_article()
    contract = article.to_contract()
    # caption and credit always (the contract's keys); where the photo is, when known
    assert contract["images"] == [{k: v for k, v in asdict(i).items() if v is not None or k in ("caption", "credit")}
                                  for i in article.images]
    assert contract["credits"] == asdict(article.credits)
    assert set(contract["credits"]) == {f.name for f in fields(Credits)}


def test_a_page_saved_twice_is_one_story_and_the_last_copy_wins(store: Store) -> None:
    first = make_article(1, headline="Harbour ferry returns")
    first.url = "http://www.example.test/news/ferry/#top"
    [sid] = store.add([(first, "a.html")])
    store.user.edit_tags([sid], add=["keep"])
    store.user.set_bookmarked(sid, True)
    again = make_article(2, headline="Harbour ferry returns, with timetable")
    again.url = "https://example.test/news/ferry"
    stored = store.add_identified([(again.story_id, again, "b.mhtml")])
    assert stored.results == [(sid, "updated")] and len(store) == 1
    assert store.article(sid).headline == "Harbour ferry returns, with timetable"  # type: ignore[union-attr]
    assert store.article(sid).body == again.body  # type: ignore[union-attr]
    state = store.user.get(sid)
    assert state.bookmarked and state.tags == ("keep",)
    assert store.add_identified([(again.story_id, again, "b.mhtml")]).results == [(sid, "present")]


def test_a_feed_entry_keyed_by_guid_updates_in_place(store: Store) -> None:
    entry = make_article(3, headline="Council meets")
    entry.key, entry.url = "https://feed.test/rss#guid-1", "https://site.test/council"
    [sid] = store.add([(entry, None)])
    changed = make_article(4, headline="Council meets late")
    changed.key, changed.url = entry.key, "https://site.test/council-late"
    assert store.add_identified([(changed.story_id, changed, None)]).results == [(sid, "updated")]
    page = make_article(5, headline="Council meets late (saved page)")
    page.url = "https://site.test/council-late"  # the entry's link, saved as a page: the same story
    assert store.add_identified([(page.story_id, page, "p.html")]).results == [(sid, "updated")]
    assert len(store) == 1


def test_a_shard_of_long_stories_takes_fewer_of_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shard took 256 stories whatever their length, and an import writes its last shard again
    whole at each batch: 60 pages of 8 MB in one shard held 1.3 GB. A shard takes SHARD_TEXT
    characters of text at most (a longer story one of its own), in one import and the next (the
    last shard's text estimated from its size on disk)."""
    monkeypatch.setattr(store_db, "SHARD_TEXT", 1_000)
    store = Store(tmp_path / "store")
    long_text = ["A paragraph of made-up words about the harbour ferry and its timetable. " * 8]  # 584 characters
    store.add([(make_article(i, body=long_text, headline=f"Ferry story {i}"), None) for i in range(5)])
    assert len(store._meta_numbers()) == 3  # 2 + 2 + 1: a shard is full past 1,000 characters
    monkeypatch.setattr(store_db, "TEXT_PER_BYTE", 0)  # the last shard's one story counted as no text
    store.add([(make_article(10, body=long_text, headline="Ferry story 10"), None)])
    assert len(store._meta_numbers()) == 3  # it joins it
    monkeypatch.setattr(store_db, "TEXT_PER_BYTE", 1_000)  # its two stories counted as full
    store.add([(make_article(11, body=long_text, headline="Ferry story 11"), None)])
    assert len(store._meta_numbers()) == 4
    assert sorted(a.headline for a in (store.article(m.id) for m in store.stories()) if a) == sorted(
        f"Ferry story {i}" for i in [*range(5), 10, 11])

"""Edited exports and hand-edited stores (issue 18, cases 1-4): refused with a reason or usable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from broadsheet.cli.main import main
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.exchange import export_json
from broadsheet.store.storage.tinydb import read_json_file
from tests.factories import make_article, meta_file, wire_article
from tests.usable import assert_store_usable


def export_doc(tmp_path: Path) -> dict[str, Any]:
    """A real export of three made-up stories, one tagged and bookmarked."""
    store = Store(tmp_path / "origin")
    ids = store.add([(make_article(1), "a.txt"), (make_article(2), "b.txt"), (wire_article(), "w.txt")])
    store.user.edit_tags([ids[0]], add=["harbour"])
    store.user.set_bookmarked(ids[0], True)
    return orjson.loads(export_json(store, [m.id for m in store.stories()]))


def import_doc(doc: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    path = tmp_path / "edited.json"
    path.write_bytes(json.dumps(doc).encode())
    folder = tmp_path / "store"
    capsys.readouterr()
    main(["--store", str(folder), "import", str(path)])
    return folder, capsys.readouterr().err


def set_path(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


WRONG = [
    (("article", "published"), 20231222, "published"),  # case 1
    (("article", "authors"), [1, None], "authors"),
    (("article", "authors"), "\ud800", "authors"),  # found by the fuzz: a lone surrogate where a list belongs
    (("article", "images"), [{"caption": 5, "credit": 6}], "caption"),
    (("article", "headline"), 7, "headline"),  # case 2
    (("article", "headline"), ["a", "b"], "headline"),
    (("article", "dateline"), 12, "dateline"),
    (("article", "images"), ["a photo"], "images"),
    (("article", "images"), {"caption": "x"}, "images"),
    (("state",), ["read"], "state"),
    (("state",), "read", "state"),
    (("article",), "just text", "article"),
    (("article",), ["x"], "article"),
    (("article", "body"), "just one string", "body"),  # case 3
    (("article", "authors"), "Ada Quill", "authors"),
    (("state", "tags"), "harbour", "tags"),
    (("article", "credits"), {"reporting": "Mia Berg"}, "reporting"),
    (("state", "bookmarked"), "false", "bookmarked"),
    (("state", "read"), "no", "read"),
    (("article", "headline"), "x" * 100_000, "headline"),  # size limits
    (("article", "body"), ["word " * 50_000], "body"),
]


@pytest.mark.parametrize(("path", "value", "field"), WRONG, ids=[f"{p[-1]}={v!r:.20}" for p, v, _ in WRONG])
def test_a_wrong_type_refuses_that_story_only(path: tuple[Any, ...], value: Any, field: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    doc = export_doc(tmp_path)
    set_path(doc["stories"][1], path, value)
    folder, summary = import_doc(doc, tmp_path, capsys)
    assert "2 imported, 0 already present, 1 failed" in summary
    assert "(story 2): refused:" in summary and field in summary, summary
    ids = assert_store_usable(folder, capsys)
    assert len(ids) == 2


def test_a_story_with_a_lone_surrogate_or_controls_imports_cleaned(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    doc = export_doc(tmp_path)
    doc["stories"][0]["article"]["headline"] = "Harbour \ud800vote\u202e\x1b]0;owned\x07 today"
    doc["stories"][1]["article"]["body"] = ["\x00\x1b[2J", "Real words about the harbour."]
    doc["stories"][2]["state"]["tags"] = ["\x1b[31mred\x1b[0m", "\x1b]0;owned\x07harbour"]
    folder, summary = import_doc(doc, tmp_path, capsys)
    assert "3 imported" in summary
    headlines = [m.headline for m in Store(folder).stories()]
    assert "Harbour vote today" in headlines
    tags = {tag for state in Store(folder).user.all().values() for tag in state.tags}
    assert tags == {"harbour", "red"}  # whole escapes gone, not their ESC alone ("[31mred")
    assert_store_usable(folder, capsys)


def test_a_date_that_is_none_and_an_address_that_opens_no_page_read_as_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"99999999999999999999" was listed as the newest story, shown as its date; a
    "javascript:" address was kept as the story's, for w to open."""
    doc = export_doc(tmp_path)
    doc["stories"][0]["article"]["published"] = "99999999999999999999"
    doc["stories"][0]["article"]["url"] = "javascript:alert(1)"
    doc["stories"][1]["article"]["published"] = "-0005-01-01T00:00:00+00:00"
    doc["stories"][2]["article"]["published"] = "2024-03-05T10:15:00+01:00"
    folder, summary = import_doc(doc, tmp_path, capsys)
    assert "3 imported" in summary
    articles = {m.headline: Store(folder).article_of(m) for m in Store(folder).stories()}
    published = sorted(str(a.published) for a in articles.values())
    assert published == ["2024-03-05T10:15:00+01:00", "None", "None"]
    # ISO's basic and week forms, which the store would order as text: missing too.
    doc["stories"][0]["article"]["published"] = "20240305"
    doc["stories"][1]["article"]["published"] = "2024W101"
    (tmp_path / "again").mkdir()
    folder, _ = import_doc(doc, tmp_path / "again", capsys)
    assert sum(Store(folder).article_of(m).published is None for m in Store(folder).stories()) == 2
    assert not any(a.url and a.url.startswith("javascript") for a in articles.values())


def test_a_story_without_text_comes_back_from_its_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A feed's link-only entry (a headline, no text) was refused by the import of its own export."""
    store = Store(tmp_path / "origin")
    [sid] = store.add([(make_article(1, headline="Harbour link with no text", body=[]), None)])
    store.user.set_bookmarked(sid, True)
    doc = orjson.loads(export_json(store, [sid]))
    doc["stories"].append(export_doc(tmp_path)["stories"][0])
    doc["stories"][1]["article"]["body"] = ["\x00\x1b[2J"]  # nothing left once cleaned: no text either
    folder, summary = import_doc(doc, tmp_path, capsys)
    assert "2 imported, 0 already present, 0 failed" in summary, summary
    back = Store(folder)
    assert back.article(sid) == store.article(sid) and back.user.get(sid).bookmarked
    assert sorted(len(back.body(m)) for m in back.stories()) == [0, 0]


def test_an_export_that_is_not_one_is_refused_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = export_doc(tmp_path)
    doc["stories"] = {"not": "a list"}
    _folder, summary = import_doc(doc, tmp_path, capsys)
    assert "0 imported, 0 already present, 1 failed" in summary
    assert "is not a list" in summary


# -- a store written by another version or edited by hand ----------------------------------------------

POISON = {
    "published": 20231222,
    "authors": [1, None],
    "images": [{"caption": 5, "credit": 6}, "photo", None],
    "credits": {"reporting": "Mia", "text": 3},
    "standfirst": ["x"],
    "dateline": {"a": 1},
    "file": 17,
    "imported": None,
    "source": 5,
}


def poison_store(tmp_path: Path, **poison: Any) -> tuple[Path, str]:
    """A store whose one story record holds fields of the wrong type (as a hand edit leaves it)."""
    folder = tmp_path / "store"
    store = Store(folder)
    _good, bad = store.add([(make_article(1), str(tmp_path / "a.txt")), (make_article(2), str(tmp_path / "b.txt"))])
    path = meta_file(folder)
    data = read_json_file(path)
    record = data["articles"][bad]
    details = orjson.loads(record.pop("details"))
    record.update(details)  # the older inline layout, which a hand edit is likeliest to touch
    record.update(poison)
    path.write_bytes(orjson.dumps(data))
    return folder, bad


def test_a_hand_edited_store_still_lists_searches_exports_and_repairs(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder, bad = poison_store(tmp_path, **POISON)
    ids = assert_store_usable(folder, capsys)
    assert bad in ids
    meta = Store(folder).meta(bad)
    assert meta is not None and meta.published is None and meta.authors == ()
    assert [(i.caption, i.credit) for i in meta.images] == [("", None)]


def test_repair_reports_and_rewrites_records_of_the_wrong_shape(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    folder, bad = poison_store(tmp_path, **POISON)
    capsys.readouterr()
    assert main(["--store", str(folder), "repair"]) == 0
    said = capsys.readouterr().err
    assert "published is int" in said and bad in said, said
    record = read_json_file(meta_file(folder))["articles"][bad]
    assert "published" not in record and record["headline"].startswith("Harbour")
    details = orjson.loads(record["details"])
    assert details["images"] == [{"caption": "", "credit": None}]
    assert "authors" not in details and "file" not in details
    assert main(["--store", str(folder), "repair"]) == 0
    assert "no damaged files" in capsys.readouterr().err


def test_hand_edited_marks_are_read_as_written_by_broadsheet(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    (sid,) = store.add([(make_article(1), "a.txt")])
    store.user.set_read(sid, True)
    path = next((store.folder / "state").glob(f"{sid[:3]}.json"))
    data = orjson.loads(path.read_bytes())
    data["stories"][sid] = {"bookmarked": "false", "read": "no", "tags": "harbour"}
    path.write_bytes(orjson.dumps(data))
    state = Store(store.folder).user.get(sid)
    assert (state.bookmarked, state.read, state.tags) == (False, False, ())


async def test_the_reader_opens_a_hand_edited_story(tmp_path: Path) -> None:
    from broadsheet.tui.app import BroadsheetApp
    from broadsheet.tui.widgets.article_view import ArticleView
    from tests.pilot import settle

    folder, bad = poison_store(tmp_path, **POISON)
    app = BroadsheetApp(Store(folder))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen is not None
        screen.jump_to(bad)
        await pilot.press("enter")
        await settle(pilot)
        view = app.query_one(ArticleView)
        assert view.article is not None and view.article.published is None
        assert "Harbour town votes" in view.text
        assert app.is_running


def test_hand_edited_settings_read_as_unset(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.user.set_setting("order", "oldest")
    for key, value in {"session": {"story": 5, "scroll": "x"}, "saved_searches": {"a": ["x"]}, "order": 3}.items():
        store.user.set_setting(key, value)
    user = Store(store.folder).user
    assert user.get_setting("session", {}) == {} and user.get_setting("saved_searches", {}) == {}
    assert user.get_setting("order", "newest") == "newest"
    user.set_setting("session", {"story": "abcd", "scroll": 3})
    assert user.get_setting("session") == {"story": "abcd", "scroll": 3}


async def test_the_reader_starts_on_hand_edited_settings(tmp_path: Path) -> None:
    from broadsheet.tui.app import BroadsheetApp
    from tests.pilot import settle

    folder, _bad = poison_store(tmp_path, **POISON)
    store = Store(folder)
    store.user.set_setting("session", "x")
    store.user.set_setting("saved_searches", [1, None])
    store.user.set_setting("order", {"newest": 1})
    app = BroadsheetApp(Store(folder))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.main_screen is not None and len(app.main_screen.reader.stories) == 2
        await pilot.press("o")
        await settle(pilot)
        assert app.is_running


def test_a_reader_that_stops_on_an_error_exits_non_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe saw a reader traceback end in status 0; the app's own return code is passed on."""
    from broadsheet.cli.reader import run_command
    from broadsheet.tui.app import BroadsheetApp

    def crash(self: BroadsheetApp) -> None:
        self._return_code = 1  # what Textual sets when it stops on an unhandled exception

    monkeypatch.setattr(BroadsheetApp, "run", crash)
    assert run_command(Store(tmp_path / "store"), seed=False) == 1


def test_a_cut_short_export_imports_every_whole_story_before_the_cut(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # It imported nothing ("0 imported ... not valid JSON") though the stories before the cut were whole.
    store = Store(tmp_path / "origin")
    store.add([(make_article(n, headline=f"Ferry timetable change {n}"), f"s{n}.txt") for n in range(5)])
    data = export_json(store, [m.id for m in store.stories()])
    fourth = [m.start() for m in re.finditer(rb"\n    \{", data)][3]  # where story 4 starts
    path = tmp_path / "cut.json"
    path.write_bytes(data[: fourth + 30])  # inside story 4
    capsys.readouterr()
    main(["--store", str(tmp_path / "store"), "import", str(path)])
    err = capsys.readouterr().err
    assert "3 imported" in err and "cut short after story 3: the rest is lost" in err
    assert len(Store(tmp_path / "store")) == 3
    path.write_bytes(data[:40])  # inside its header: nothing to read
    main(["--store", str(tmp_path / "store2"), "import", str(path)])
    assert "not valid JSON" in capsys.readouterr().err
    damaged = data[: fourth + 30] + b"\n  ]\n}"  # damaged inside, ending as an export ends
    path.write_bytes(damaged)
    main(["--store", str(tmp_path / "store3"), "import", str(path)])
    assert "damaged after story 3: the rest could not be read" in capsys.readouterr().err


@pytest.mark.parametrize("kept", [-2, -6])  # without its last "}"; without "]" and "}" too
def test_an_export_cut_after_its_last_story_imports_them_all(tmp_path: Path, kept: int,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # It was refused as "not valid JSON", and a file ending at a story's "}" was called damaged.
    store = Store(tmp_path / "origin")
    store.add([(make_article(n, headline=f"Ferry timetable change {n}"), f"s{n}.txt") for n in range(3)])
    data = export_json(store, [m.id for m in store.stories()]).rstrip()
    assert data.endswith(b"}\n  ]\n}")
    path = tmp_path / "cut.json"
    path.write_bytes(data[:kept])
    capsys.readouterr()
    main(["--store", str(tmp_path / "store"), "import", str(path)])
    err = capsys.readouterr().err
    assert "3 imported" in err and "cut short after story 3" in err and "damaged" not in err
    assert len(Store(tmp_path / "store")) == 3


@pytest.mark.parametrize("deleted", [["not an id"], "0123456789abcdef", [7], ["0123456789abcdef"] * 2 + [None]])
def test_deleted_entries_of_the_wrong_shape_are_refused_and_the_stories_imported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], deleted: Any) -> None:
    doc = export_doc(tmp_path)
    assert "deleted_entries" not in doc  # some stories' export: the store's deleted entries are not theirs
    doc["deleted_entries"] = deleted
    folder, err = import_doc(doc, tmp_path, capsys)
    assert "(deleted_entries): refused: Expected" in err and "at `$.deleted_entries" in err
    store = Store(folder)
    assert len(store) == 3 and not store.deleted_entries()

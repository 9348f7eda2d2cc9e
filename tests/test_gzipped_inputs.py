"""A gzip-compressed file of any format read whole is read as the file it holds, under the size cap."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.ingest import TEXT_DUMP
from broadsheet.store.ingest.formats import Item, read_source
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.exchange import export_json
from tests.conftest import SEED


def only(path: Path, max_bytes: int = 5 * 1024 * 1024) -> Item:
    (item,) = read_source(path, max_bytes)
    return item


def test_a_gzipped_text_dump_reads_as_the_dump_itself(tmp_path: Path) -> None:
    (plain,) = read_source(SEED)
    packed = tmp_path / "story.txt.gz"
    packed.write_bytes(gzip.compress(SEED.read_bytes()))
    item = only(packed)
    assert item.article == plain.article and item.kind == TEXT_DUMP and item.note == ""
    # ``cat a.gz b.gz`` is one gzip file: both halves are read.
    data = SEED.read_bytes()
    half = data.index(b"\n", len(data) // 2)
    (tmp_path / "two.gz").write_bytes(gzip.compress(data[:half]) + gzip.compress(data[half:]))
    assert only(tmp_path / "two.gz").article == plain.article


def test_a_gzipped_export_imports_with_its_marks(tmp_path: Path, filled_store: Store) -> None:
    story_id = filled_store.stories()[0].id
    filled_store.user.set_bookmarked(story_id, True)
    (tmp_path / "export.json.gz").write_bytes(gzip.compress(export_json(filled_store, [story_id])))
    other = Store(tmp_path / "other")
    report = import_paths(other, [tmp_path / "export.json.gz"])
    assert report.count("imported") == 1 and report.failed == []
    assert [story.id for story in other.stories()] == [story_id] and other.user.get(story_id).bookmarked


def test_gzipped_input_past_the_cap_is_refused_or_read_to_it(tmp_path: Path) -> None:
    # A text dump that unpacks past the limit is refused as the plain file is, naming the limit;
    # a gzip bomb (1 GB of spaces in 1 MB) costs the cap, not the gigabyte.
    bomb = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b" " * (1024 * 1024)
    (tmp_path / "bomb.txt.gz").write_bytes(
        bomb.compress(SEED.read_bytes()) + b"".join(bomb.compress(chunk) for _ in range(1024)) + bomb.flush())
    item = only(tmp_path / "bomb.txt.gz", 1024 * 1024)
    assert item.article is None and "unpacks to more than the 1.0 MB limit" in item.reason
    # A page is read up to the limit, as a plain one is, and says so.
    page = b"<!doctype html><html><head><title>Ferry fares rise</title></head><body><article><h1>Ferry fares rise"
    page += b"</h1>" + b"<p>The harbour council voted on Tuesday to raise the fares of the morning ferry.</p>" * 40
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page + b"<p>" + b"x " * 600_000 + b"</p></article>"))
    item = only(tmp_path / "page.html.gz", 1024 * 1024)
    assert item.article is not None and item.article.headline == "Ferry fares rise"
    assert "only the first 1.0 MB of what the gzip file holds was read" in item.note


def test_what_a_gzip_file_holds_is_named_when_it_is_refused(tmp_path: Path) -> None:
    (tmp_path / "doc.pdf.gz").write_bytes(gzip.compress(b"%PDF-1.7\n" + bytes(range(256)) * 10))
    assert only(tmp_path / "doc.pdf.gz").reason.startswith("a gzip file holding a PDF document, a binary file")
    (tmp_path / "empty.gz").write_bytes(gzip.compress(b""))
    assert only(tmp_path / "empty.gz").reason == "the gzip file holds an empty file"
    (tmp_path / "damaged.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 64)
    assert only(tmp_path / "damaged.gz").reason.startswith("a gzip file that does not unpack")
    # Cut short: read as far as it goes, and said.
    (tmp_path / "cut.txt.gz").write_bytes(gzip.compress(SEED.read_bytes())[:-200])
    item = only(tmp_path / "cut.txt.gz")
    assert item.article is not None and item.note == "the gzip file is cut short: it was read as far as it goes"


def test_a_gzipped_json_export_brings_its_photos_and_a_missing_folder_is_said(tmp_path: Path) -> None:
    from broadsheet.store.storage.export_file import write_export
    from tests.photos import photo_article

    store = Store(tmp_path / "store")
    story = photo_article(store, 0, count=2)
    store.add([(story, None)])
    (tmp_path / "out").mkdir()
    write_export(store, "json", tmp_path / "out" / "ex.json", [story.story_id])
    packed = tmp_path / "out" / "ex.json.gz"
    packed.write_bytes(gzip.compress((tmp_path / "out" / "ex.json").read_bytes()))
    (item,) = read_source(packed)  # its photos in ex_photos/, beside it as export wrote them
    assert len(item.photos) == 2 and item.note == ""
    (tmp_path / "out" / "ex_photos").rename(tmp_path / "out" / "elsewhere")
    (item,) = read_source(packed)
    assert item.photos == () and item.note == ("its photos not imported: no folder ex_photos beside it, where "
                                               "`broadsheet export` puts them")


def test_a_gzip_of_a_tarball_a_gzip_or_a_database_is_named(tmp_path: Path) -> None:
    """A .tar.gz was read as a text dump up to the size cap ("unpacks to more than the limit"
    invited a larger cap); a .gz.gz was "a gzip file that does not unpack"."""
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(SEED, arcname="story.txt")
    (tmp_path / "pages.tar.gz").write_bytes(gzip.compress(buffer.getvalue()))
    assert only(tmp_path / "pages.tar.gz", 1024).reason.startswith("a gzip file holding a tar archive")
    (tmp_path / "twice.gz.gz").write_bytes(gzip.compress(gzip.compress(SEED.read_bytes())))
    assert only(tmp_path / "twice.gz.gz").reason.startswith("a gzip file holding another gzip file")
    (tmp_path / "cache.db.gz").write_bytes(gzip.compress(b"SQLite format 3\x00" + bytes(100)))
    assert "newsboat's cache.db is read unpacked" in only(tmp_path / "cache.db.gz").reason


def test_a_cut_short_gzipped_page_with_no_story_says_it_is_cut_short(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A download of a page.html.gz cut off in its head said only "no article text found": the cut,
    the likelier cause, went unsaid when no story came of what was read."""
    import hashlib

    metas = "".join(f"<meta name=k{n} content={hashlib.sha256(bytes([n])).hexdigest()}>" for n in range(40))
    page = b"<!doctype html><html><head><title>Ferry fares rise</title>" + metas.encode()
    page += b"</head><body><article><h1>Ferry fares rise</h1>" + b"<p>The council voted to raise fares.</p>" * 40
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page)[:300])
    assert main(["--store", str(tmp_path / "store"), "import", str(tmp_path / "page.html.gz")]) == 1
    said = capsys.readouterr().err
    assert ("page.html.gz: the gzip file is cut short: it was read as far as it goes; in what was read, "
            "no article text found") in said, said


def test_a_cut_short_gzipped_export_says_the_cut_once_and_each_story_its_own_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each refused story's reason came after "the gzip file is cut short: it was read as far as it
    goes; in what was read, ...", once a story (a killed copy of an export of thousands)."""
    import json

    from tests.factories import make_article

    store = Store(tmp_path / "store")
    store.add([(make_article(i), f"made-up-{i}.txt") for i in range(20)])
    doc = json.loads(export_json(store, [story.id for story in store.stories()]))
    for number in (0, 1):
        doc["stories"][number]["article"]["headline"] = 12
    packed = gzip.compress(json.dumps(doc, indent=1).encode())
    cut = "the gzip file is cut short: it was read as far as it goes"
    for name, data in (("cut.json.gz", packed[: len(packed) * 6 // 10]), ("trailer.json.gz", packed[:-4])):
        (tmp_path / name).write_bytes(data)
        main(["--store", str(tmp_path / f"into-{name}"), "import", str(tmp_path / name)])
        said = capsys.readouterr().err
        assert said.count(cut) == 1, said
        refused = [line for line in said.splitlines() if "(story " in line]
        assert len(refused) == 2 and all(line.split("): ", 1)[1].startswith("refused: ") for line in refused), said

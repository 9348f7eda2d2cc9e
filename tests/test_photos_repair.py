"""Kept photos that were damaged or lost: `repair` finds them, and importing the page again mends them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.repair import PHOTO_PASS, repair_store
from tests.html_pages import article_html, png_bytes


def two_photo_page(folder: Path) -> Path:
    """A made-up page saved "complete" with two photos in its ``_files`` folder."""
    files = folder / "quay_files"
    files.mkdir(parents=True)
    (files / "a.png").write_bytes(png_bytes(colour="navy"))
    (files / "b.png").write_bytes(png_bytes(colour="olive"))
    figures = "".join(f'<figure><img src="./quay_files/{name}"><figcaption>Boats at the quay, view {name}.'
                      "</figcaption></figure>" for name in ("a.png", "b.png"))
    page = folder / "quay.html"
    page.write_text(article_html(extra_body=figures), encoding="utf-8")
    return page


def kept_files(store: Store) -> dict[bytes, Path]:
    """The kept photo files by their original bytes."""
    digests = {hashlib.sha256(data).hexdigest(): data for data in (png_bytes(colour="navy"), png_bytes(colour="olive"))}
    return {digests[path.name.split(".")[0]]: path for path in (store.folder / "photos").glob("*.png")}


def test_repair_finds_damaged_and_missing_photos_and_a_new_import_mends_them(tmp_path: Path) -> None:
    # repair said "no damaged files" while the reader showed "[photo: a damaged image]" and "missing from the store".
    page = two_photo_page(tmp_path / "pages")
    store = Store(tmp_path / "store")
    import_paths(store, [page])
    navy, olive = png_bytes(colour="navy"), png_bytes(colour="olive")
    files = kept_files(store)
    files[navy].write_bytes(navy[: len(navy) // 2])  # truncated
    files[olive].unlink()  # lost
    steps: list[tuple[str, int, int]] = []
    report = repair_store(store.folder, on_progress=lambda what, done, total: steps.append((what, done, total)))
    assert not report.healthy
    assert any(files[navy].name in line and "removed" in line for line in report.damaged)
    assert not files[navy].exists()  # a re-import can keep it again
    assert any("2 photo(s) that stories name are missing or were damaged" in line for line in report.lost)
    assert (PHOTO_PASS, 1, 1) in steps
    import_paths(store, [page])
    assert files[navy].read_bytes() == navy and files[olive].read_bytes() == olive
    assert repair_store(store.folder).healthy


def test_importing_the_page_again_mends_a_truncated_kept_photo(tmp_path: Path) -> None:
    # A missing photo was written again, a truncated one was left damaged (its name was there).
    page = two_photo_page(tmp_path / "pages")
    store = Store(tmp_path / "store")
    import_paths(store, [page])
    navy = png_bytes(colour="navy")
    path = kept_files(store)[navy]
    path.write_bytes(navy[: len(navy) // 2])  # truncated
    import_paths(store, [page])
    assert path.read_bytes() == navy


def test_a_photo_repair_cannot_read_is_reported_not_deleted(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from broadsheet.store.storage import repair

    store = Store(tmp_path / "store")
    import_paths(store, [two_photo_page(tmp_path / "pages")])
    files = kept_files(store)

    def unreadable(path: Path) -> bool:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(repair, "sound", unreadable)
    report = repair_store(store.folder)
    assert all(path.exists() for path in files.values())
    assert sum("could not be read" in line for line in report.lost) == 2 and not report.damaged


def test_repair_reads_each_metadata_shard_twice_and_still_names_the_stories_lacking_photos(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A third read of every shard, only for the photos stories name: at a million stories a pass of its own.
    from broadsheet.store.storage import db, repair
    from tests.photos import photo_article

    monkeypatch.setattr(db, "SHARD_SIZE", 2)
    store = Store(tmp_path / "store")
    stories = [photo_article(store, n, count=1) for n in (0, 3, 5, 7, 9)]
    store.add([(story, None) for story in stories])
    (store.folder / "photos" / f"{stories[3].images[0].photo}.png").unlink()  # lost
    reads: list[str] = []
    for module in (db, repair):
        real = module.read_json_file
        monkeypatch.setattr(module, "read_json_file",
                            lambda path, *a, real=real, **k: reads.append(str(path)) or real(path, *a, **k))
    report = repair_store(store.folder)
    shards = sorted(p.name for p in (store.folder / "meta").glob("[0-9]*.json"))
    assert len(shards) == 3
    read = sorted(Path(p).name for p in reads if Path(p).parent.name == "meta" and Path(p).name in shards)
    assert read == sorted(shards * 2)
    assert report.lost == [f"photos: 1 photo(s) that stories name are missing or were damaged (stories "
                           f"{stories[3].story_id[:10]}); import their pages again (or fetch their feeds) to keep "
                           "them again"]

"""``broadsheet export --format md -o FILE`` writes the stories' photos beside the Markdown and links them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.model import Image
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.photos import PhotoStore
from tests.factories import make_article
from tests.photos import keep_photo, photo_article, picture_bytes


def test_markdown_export_writes_and_links_the_photos(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    story = photo_article(store, 0, count=2)
    digest = keep_photo(store, picture_bytes(seed=9))
    bracket = make_article(3, images=[Image("Boats [left] at the wall", "Ann Lee", photo=digest),
                                      Image("A photo the store never kept", None, photo="ef" * 32),
                                      Image("Nets on the quay", None, src="https://photos.example/nets.jpg",
                                            problem="not downloaded: not found (404)")])
    store.add([(story, None), (bracket, None)])
    out = tmp_path / "out" / "my stories.md"
    out.parent.mkdir()
    assert main(["--store", str(store.folder), "export", "--format", "md", "-o", str(out)]) == 0
    markdown = out.read_text("utf-8")
    folder = out.parent / "my stories_photos"
    links = re.findall(r"!\[([^\n]*?)\]\(([^)\s]+)\)", markdown)
    assert len(links) == 3  # two photos of one story, one of the other; the photo never kept is not linked
    assert ("Boats \\[left\\] at the wall", "my%20stories_photos/" + digest + ".png") in links
    for _alt, link in links:
        target = out.parent / link.replace("%20", " ")
        assert target.parent == folder and target.is_file()
        assert target.read_bytes() == (store.folder / "photos" / target.name).read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == sorted({Path(link).name for _a, link in links})
    assert "> Photo: A photo the store never kept" in markdown  # its caption is still exported
    # a photo the fetch could not have says why, as the reader does, with the address it had
    assert "> Photo: Nets on the quay\n\n> Photo not kept: not downloaded: not found (404) " \
           "(<https://photos.example/nets.jpg>)" in markdown


def test_markdown_export_says_why_a_photo_whose_file_is_gone_is_not_there(tmp_path: Path) -> None:
    """A photo the store kept and then lost (its file removed) left its caption alone in the
    Markdown, with no word of the photo or why it was missing."""
    store = Store(tmp_path / "store")
    digest = keep_photo(store, picture_bytes(seed=4))
    store.add([(make_article(1, images=[Image("Ropes on the *quay* [left]", "Ann Lee", photo=digest)]), None)])
    kept = PhotoStore(store.folder).path(digest)
    assert kept is not None
    kept.unlink()
    out = tmp_path / "stories.md"
    assert main(["--store", str(store.folder), "export", "--format", "md", "-o", str(out)]) == 0
    markdown = out.read_text("utf-8")
    assert "![" not in markdown
    assert ("> Photo not exported: its file is missing from the store\n\n"
            "> Photo: Ropes on the \\*quay\\* \\[left\\] (Ann Lee)") in markdown


def test_markdown_to_standard_output_says_the_photos_need_a_file(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    store.add([(photo_article(store, 1, count=1), None)])
    assert main(["--store", str(store.folder), "export"]) == 0
    captured = capsys.readouterr()
    assert "![" not in captured.out and "> Photo: Photo caption 1.0" in captured.out
    assert "1 photo was not written" in captured.err


def test_a_json_export_keeps_its_photos_into_an_empty_store(tmp_path: Path) -> None:
    # The export held only each photo's digest: imported into an empty store every photo was lost.
    store = Store(tmp_path / "store")
    story = photo_article(store, 0, count=2)
    store.add([(story, None)])
    out = tmp_path / "out" / "backup.json"
    out.parent.mkdir()
    assert main(["--store", str(store.folder), "export", "--format", "json", "-o", str(out)]) == 0
    folder = out.parent / "backup_photos"
    digests = [image.photo for image in story.images]
    assert sorted(p.stem for p in folder.iterdir()) == sorted(digests)
    fresh = tmp_path / "fresh"
    assert main(["--store", str(fresh), "import", str(out)]) == 0
    again = Store(fresh)
    (meta,) = again.stories()
    for image, digest in zip(again.article(meta.id).images, digests, strict=True):
        assert image.photo == digest
        kept = again.folder / "photos" / f"{digest}.png"
        assert kept.read_bytes() == (store.folder / "photos" / kept.name).read_bytes()


def test_an_exported_photo_is_checked_before_it_is_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    story = photo_article(store, 0, count=2)
    store.add([(story, None)])
    out = tmp_path / "backup.json"
    assert main(["--store", str(store.folder), "export", "--format", "json", "-o", str(out)]) == 0
    first, second = (image.photo for image in story.images)
    folder = tmp_path / "backup_photos"
    (folder / f"{first}.png").write_bytes(picture_bytes(seed=7))  # another picture under its name
    (folder / f"{second}.png").write_bytes(b"<html>not a picture</html>")
    fresh = tmp_path / "fresh"
    capsys.readouterr()
    assert main(["--store", str(fresh), "import", str(out)]) == 0
    err = capsys.readouterr().err
    assert "photo 1 not kept:" in err and "is not the photo exported" in err
    assert "photo 2 not kept: not an image" in err
    assert not (fresh / "photos").exists() or not any((fresh / "photos").glob("*.png"))


async def test_the_readers_json_export_writes_the_photos_beside_it(tmp_path: Path) -> None:
    from broadsheet.tui.app import BroadsheetApp
    from tests.pilot import settle

    store = Store(tmp_path / "store")
    story = photo_article(store, 0, count=2)
    store.add([(story, None)])
    target = tmp_path / "mine.json"
    app = BroadsheetApp(store, graphics="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        app.screen.query_one("Input").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
    assert sorted(p.stem for p in (tmp_path / "mine_photos").iterdir()) == sorted(i.photo for i in story.images)
    assert any("2 photos in" in m for m in messages), messages


def test_a_photo_source_off_the_web_is_written_as_text_not_as_a_link(tmp_path: Path) -> None:
    """A saved page's photo at ``file:///etc/passwd`` or ``javascript:`` became a Markdown link
    a viewer opens with a click; only web addresses are links."""
    from broadsheet.store.storage.exchange import export_markdown

    store = Store(tmp_path / "store")
    sources = ["file:///etc/passwd", "javascript:alert(1)", "../../secret.png", "https://photos.example/ok.jpg"]
    (sid,) = store.add([(make_article(1, images=[Image(f"Photo {n}", None, src=src, problem="not saved with the page")
                                                 for n, src in enumerate(sources)]), None)])
    markdown = export_markdown(store, [sid])
    assert "<https://photos.example/ok.jpg>" in markdown
    for src in sources[:3]:
        assert f"<{src}>" not in markdown and f"({src})" in markdown.replace("\\", "")


def test_a_photos_alt_text_in_markdown_is_as_literal_as_its_caption(tmp_path: Path) -> None:
    """The caption line escaped markup, the alt text only brackets: a caption's ``<script>`` went
    into the Markdown as a tag for whatever renders it."""
    store = Store(tmp_path / "store")
    digest = keep_photo(store, picture_bytes(seed=5))
    caption = "Crowd <script>alert(1)</script> cheers *loudly* &amp; long"
    store.add([(make_article(1, images=[Image(caption, None, photo=digest)]), None)])
    out = tmp_path / "stories.md"
    assert main(["--store", str(store.folder), "export", "--format", "md", "-o", str(out)]) == 0
    [alt] = re.findall(r"!\[([^\n]*?)\]\(", out.read_text("utf-8"))
    assert alt == "Crowd \\<script\\>alert(1)\\</script\\> cheers \\*loudly\\* \\&amp; long"

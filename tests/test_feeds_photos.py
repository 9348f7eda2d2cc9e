"""Feed entries' photos downloaded at fetch time (``[feeds] fetch_images``), against servers on 127.0.0.1.

Photos are made up with Pillow here; every failure (404, timeout, too large, not an image,
a decompression bomb, connection refused) leaves the story stored with its caption and
credit, and the image says why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from broadsheet.cli.main import main
from broadsheet.config import load_config
from broadsheet.store.feeds.fetch import Settings, fetch
from broadsheet.store.feeds.photos import photo_note
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.model import Article, Image
from broadsheet.store.storage.db import DELETED_ENTRIES, Store
from broadsheet.store.storage.exchange import export_json
from broadsheet.store.storage.photos import Failure, PhotoSources, PhotoStore, photo_file
from tests.feeds import rss
from tests.photos import picture_bytes

FAST = Settings(timeout=0.5, total=2.0, retries=0, backoff=0.05, max_wait=1.0, max_bytes=1024 * 1024)


def photo_item(n: int, *, media: str = "", enclosure: str = "", img: str = "", caption: str = "",
               credit: str = "") -> str:
    """An RSS item naming photos the three ways feeds do: media:content, an enclosure, <img> in its HTML."""
    parts = []
    if media:
        parts.append(f'<media:content url="{media}" medium="image"><media:description>{caption}</media:description>'
                     f"<media:credit>{credit}</media:credit></media:content>")
    if enclosure:
        parts.append(f'<enclosure url="{enclosure}" type="image/jpeg" length="1"/>')
    html = f'<p>The ferry to the outer islands will leave later from week {n}.</p>'
    if img:
        html += f'<figure><img src="{img}"/><figcaption>Boats at the quay {n}.</figcaption></figure>'
    return (f"<item><title>Ferry timetable change number {n}</title><link>https://gazette.example/story/{n}</link>"
            f"<guid>item-{n}</guid><pubDate>Tue, 03 Mar 2026 10:{n % 60:02d}:00 GMT</pubDate>"
            f"<description>Passengers were told on Monday about change {n}.</description>"
            f"<content:encoded><![CDATA[{html}]]></content:encoded>{''.join(parts)}</item>")


def images_of(store: Store) -> dict[str, Image]:
    """Every stored image by its address."""
    return {image.src: image for meta in store.stories() for image in meta.images if image.src}


def requests_to(server: HTTPServer, path: str) -> int:
    return len([r for r, _ in server.log if r.path == path])


def serve_photo(server: HTTPServer, path: str, data: bytes, content_type: str = "image/png") -> None:
    server.expect_request(path).respond_with_data(data, content_type=content_type)


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_photos_an_entry_names_are_kept_in_the_store(store: Store, server: HTTPServer) -> None:
    pictures = {f"/p{k}.png": picture_bytes(seed=k) for k in range(3)}
    pictures["/p3.jpg"] = picture_bytes(fmt="JPEG", seed=3)
    for path, data in pictures.items():
        serve_photo(server, path, data, "image/jpeg" if path.endswith(".jpg") else "image/png")
    items = [photo_item(0, media=server.url_for("/p0.png"), caption="Boats at the harbour wall.",
                        credit="Photo: Ben Wick/Gazette", enclosure=server.url_for("/p1.png")),
             photo_item(1, img=server.url_for("/p2.png")),
             photo_item(2, media=server.url_for("/p3.jpg"), img=server.url_for("/p0.png"))]  # p0 named twice
    server.expect_request("/f").respond_with_data(rss("\n".join(items)), content_type="application/rss+xml")
    Subscriptions(store).add([server.url_for("/f")])
    [result] = fetch(store, settings=FAST).results
    assert (result.outcome, result.new, result.photo_problems) == ("new", 3, [])
    stored = images_of(store)
    for path, data in pictures.items():
        image = stored[server.url_for(path)]
        assert image.photo == hashlib.sha256(data).hexdigest() and image.problem is None
        kept = photo_file(store.folder, image.photo)
        assert kept is not None and kept.read_bytes() == data  # read back offline, byte for byte
        assert requests_to(server, path) == 1  # a photo named by two entries is downloaded once
    lead = stored[server.url_for("/p0.png")]
    # its credit without its "Photo:" label, as a saved page's is
    assert (lead.caption, lead.credit) == ("Boats at the harbour wall.", "Ben Wick/Gazette")
    assert stored[server.url_for("/p3.jpg")].photo + ".jpg" == photo_file(store.folder, stored[
        server.url_for("/p3.jpg")].photo).name  # type: ignore[operator, union-attr]


def test_a_kept_photo_is_not_downloaded_again(store: Store, server: HTTPServer) -> None:
    serve_photo(server, "/p.png", picture_bytes())
    feeds = {"/a": rss(photo_item(0, media=server.url_for("/p.png"))),
             "/b": rss(photo_item(1, media=server.url_for("/p.png")), title="Valley Courier")}
    server.expect_request("/a").respond_with_data(feeds["/a"])
    Subscriptions(store).add([server.url_for("/a")])
    fetch(store, settings=FAST)
    fetch(store, settings=FAST)  # the feed answers 200 again (no ETag): its entry's photo is kept already
    server.expect_request("/b").respond_with_data(feeds["/b"])
    Subscriptions(store).add([server.url_for("/b")])
    report = fetch(store, settings=FAST)  # another feed's new entry names the same photo
    assert report.total("new") == 1 and report.total("updated") == 0
    assert requests_to(server, "/p.png") == 1
    assert {image.photo for image in images_of(store).values()} == {hashlib.sha256(picture_bytes()).hexdigest()}


def test_a_damaged_record_of_photo_addresses_costs_only_a_download(store: Store, server: HTTPServer) -> None:
    serve_photo(server, "/p.png", picture_bytes())
    server.expect_request("/f").respond_with_data(rss(photo_item(0, media=server.url_for("/p.png"))))
    Subscriptions(store).add([server.url_for("/f")])
    fetch(store, settings=FAST)
    [record] = (store.folder / "photos").glob("sources-*.json")
    record.write_bytes(b'{"photos": {"trunc')
    for meta in store.stories():  # the story goes, so its entry is new again and its photo looked up
        store.delete([meta.id])
    (store.folder / DELETED_ENTRIES).unlink()  # (as if deleted by hand: a deleted entry is not fetched again)
    [result] = fetch(store, settings=FAST).results
    assert result.new == 1 and result.photo_problems == []
    assert requests_to(server, "/p.png") == 2  # downloaded again: the record of it was lost
    assert list((store.folder / "photos").glob("sources-*.json.damaged-*"))  # the damaged file is kept aside
    fetch(store, settings=FAST)
    assert requests_to(server, "/p.png") == 2  # and recorded again


def test_a_photo_that_cannot_be_had_leaves_the_story_with_the_reason(store: Store, server: HTTPServer,
                                                                      tmp_path: Path) -> None:
    def hang(request: Request) -> Response:
        time.sleep(1.5)
        return Response(picture_bytes(), content_type="image/png")

    big = picture_bytes((1200, 900), fmt="BMP")  # about 3 MB, over the 1 MB cap set below
    server.expect_request("/missing.png").respond_with_data("no", status=404)
    server.expect_request("/slow.png").respond_with_handler(hang)
    server.expect_request("/big.bmp").respond_with_data(big, content_type="image/bmp")
    server.expect_request("/page.png").respond_with_data("<html><body>Sign in</body></html>",
                                                         content_type="text/html")
    server.expect_request("/broken.png").respond_with_data(picture_bytes()[:200], content_type="image/png")
    server.expect_request("/good.png").respond_with_data(picture_bytes(seed=5), content_type="image/png")
    refused = f"http://127.0.0.1:{closed_port()}/gone.png"
    cases = {"/missing.png": "not downloaded: not found (404)",
             "/slow.png": "not downloaded: the server stopped answering",
             "/big.bmp": "not downloaded: larger than the 1.0 MB limit for a photo",
             "/page.png": "not kept: not an image (the server sent text/html)",
             "/broken.png": "not kept: a damaged image",
             refused: "not downloaded: cannot connect"}
    items = [photo_item(n, media=path if path.startswith("http") else server.url_for(path), caption=f"Caption {n}.",
                        credit=f"Photo: Credit {n}") for n, path in enumerate(cases)]
    server.expect_request("/f").respond_with_data(rss("\n".join(items)))
    server.expect_request("/ok").respond_with_data(rss(photo_item(50, media=server.url_for("/good.png")),
                                                       title="Valley Courier"))
    Subscriptions(store).add([server.url_for("/f"), server.url_for("/ok")])
    started = time.monotonic()
    bad, good = fetch(store, settings=Settings(timeout=0.5, total=2.0, retries=0, max_photo_bytes=1024 * 1024)).results
    assert time.monotonic() - started < 5
    assert not bad.failed and bad.new == len(cases)  # every story stored, the feed not failed
    assert len(bad.photo_problems) == len(cases)
    assert photo_note(bad.photo_problems).startswith(f"{len(cases)} photos not kept: not downloaded")
    assert (good.new, good.photo_problems) == (1, [])  # the other feed went on
    stored = images_of(store)
    for n, (path, reason) in enumerate(cases.items()):
        image = stored[path if path.startswith("http") else server.url_for(path)]
        assert image.photo is None and image.problem is not None and image.problem.startswith(reason), image
        assert (image.caption, image.credit) == (f"Caption {n}.", f"Credit {n}")
    assert stored[server.url_for("/good.png")].photo
    assert not list((store.folder / "photos").glob("*.bmp"))  # nothing of a refused photo is kept
    # When the entries come again, a photo that timed out is tried again; one that was not found,
    # or was not an image, is not (asking again cannot help), nor is a kept one.
    server.clear()
    server.expect_request("/f").respond_with_data(rss("\n".join(items)))
    server.expect_request("/ok").respond_with_data(rss(photo_item(50, media=server.url_for("/good.png")),
                                                       title="Valley Courier"))
    server.expect_request("/slow.png").respond_with_data(picture_bytes(seed=9), content_type="image/png")
    bad, good = fetch(store, settings=FAST).results
    stored = images_of(store)
    assert stored[server.url_for("/slow.png")].photo == hashlib.sha256(picture_bytes(seed=9)).hexdigest()
    assert stored[server.url_for("/missing.png")].problem == "not downloaded: not found (404)"
    assert [requests_to(server, p) for p in ("/slow.png", "/missing.png", "/page.png", "/good.png")] == [1, 0, 0, 0]
    assert len(bad.photo_problems) == 3  # too large, damaged, refused: tried again, and said again


def test_a_deleted_entrys_photo_is_not_downloaded_again(store: Store, server: HTTPServer) -> None:
    # The entry stayed deleted, but every fetch asked for its photo again and said "1 photo not kept".
    server.expect_request("/notimg.jpg").respond_with_data("<html>Sign in</html>", content_type="text/html")
    server.expect_request("/f").respond_with_data(rss(photo_item(0, media=server.url_for("/notimg.jpg"))))
    Subscriptions(store).add([server.url_for("/f")])
    [result] = fetch(store, settings=FAST).results
    assert result.new == 1 and photo_note(result.photo_problems) == "1 photo not kept: not an image (the server sent " \
        "text/html)"
    [meta] = store.stories()
    store.delete([meta.id])
    for _ in range(2):
        [result] = fetch(store, settings=FAST).results
        assert (result.new, result.photo_problems) == (0, []) and not store.stories()
    assert requests_to(server, "/notimg.jpg") == 1


def test_a_bad_photo_address_is_not_downloaded_again_for_a_new_entry(store: Store, server: HTTPServer,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # A photo that failed for good (404, not an image, too large) was downloaded again on every
    # fetch that brought a new entry naming it (a feed's broken placeholder, in every entry).
    feeds: dict[str, list[str]] = {"/f": [], "/g": []}
    for path in feeds:
        server.expect_request(path).respond_with_handler(
            lambda request: Response(rss("\n".join(feeds[request.path]), title=request.path), content_type="text/xml"))
    server.expect_request("/gone.jpg").respond_with_data("no", status=404)
    server.expect_request("/page.jpg").respond_with_data("<html>Sign in</html>", content_type="text/html")
    server.expect_request("/busy.jpg").respond_with_data("busy", status=503)
    server.expect_request("/big.bmp").respond_with_data(picture_bytes((1200, 900), fmt="BMP"), content_type="image/bmp")
    gone, page, busy, big = (server.url_for(p) for p in ("/gone.jpg", "/page.jpg", "/busy.jpg", "/big.bmp"))

    def add(*numbers: int) -> None:  # the feeds now hold only these entries: the earlier ones have left them
        feeds["/f"] = [photo_item(n, media=gone, enclosure=page, img=busy) for n in numbers]
        feeds["/g"] = [photo_item(100 + n, media=gone, img=big) for n in numbers]

    def run(cap_mb: int = 1) -> list[list[str]]:
        settings = Settings(timeout=0.5, total=2.0, retries=0, max_photo_bytes=cap_mb * 1024 * 1024)
        return [result.photo_problems for result in fetch(store, settings=settings).results]

    def asked() -> list[int]:
        return [requests_to(server, p) for p in ("/gone.jpg", "/page.jpg", "/busy.jpg", "/big.bmp")]

    Subscriptions(store).add([server.url_for("/f"), server.url_for("/g")])
    add(0, 1)
    f, g = run()
    assert asked() == [1, 1, 1, 1]  # within a fetch, one try per address, however many entries name it
    assert (len(f), len(g)) == (6, 4)  # each entry's photos not kept, said
    add(2)
    f, g = run()
    assert asked() == [1, 1, 2, 1]  # a server error is tried again by the next fetch; the rest are not
    assert set(f) == {"not downloaded: server error (503)"} and g == []  # and not said again
    stored = {(meta.headline, image.src): image.problem for meta in store.stories() for image in meta.images}
    assert stored["Ferry timetable change number 2", gone] == "not downloaded: not found (404)"
    assert stored["Ferry timetable change number 2", page] == "not kept: not an image (the server sent text/html)"
    assert stored["Ferry timetable change number 102", big] == \
        "not downloaded: larger than the 1.0 MB limit for a photo"
    add(3)
    f, g = run(cap_mb=8)  # a larger cap: the photo too large before is tried again, and kept
    assert asked() == [1, 1, 3, 2] and g == []
    [kept] = [image for meta in store.stories() for image in meta.images
              if image.src == big and meta.headline == "Ferry timetable change number 103"]
    assert kept.photo and kept.problem is None
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=7, hours=1)
    monkeypatch.setattr("broadsheet.store.feeds.photos._now", lambda: later)
    add(4)
    run()
    assert asked() == [2, 2, 4, 2]  # a week on, the address is asked again (it may have been mended)
    add(5)
    run()
    assert asked() == [2, 2, 5, 2]
    # the user who knows the photos are mended asks for them again at once
    monkeypatch.setenv("BROADSHEET_CONFIG", str(store.folder.parent / "no-config.toml"))
    add(6)
    assert main(["--store", str(store.folder), "fetch", "--retry-photos"]) == 0
    assert asked() == [3, 3, 6, 2]


def test_retry_photos_asks_again_of_a_feed_that_has_not_changed(store: Store, server: HTTPServer) -> None:
    """The feed answered 304 to the conditional request, so --retry-photos had no entry whose photo
    to ask again: "unchanged", and the mended photo still not kept."""
    feed = rss(photo_item(0, media=server.url_for("/p.png")))

    def answer(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(feed, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    server.expect_request("/f").respond_with_handler(answer)
    server.expect_request("/p.png").respond_with_data("gone", status=404)
    Subscriptions(store).add([server.url_for("/f")])
    [first] = fetch(store, settings=FAST).results
    assert first.outcome == "new" and images_of(store)[server.url_for("/p.png")].photo is None
    [again] = fetch(store, settings=FAST).results
    assert again.outcome == "unchanged"  # a 304: nothing asked
    server.clear_all_handlers()
    server.expect_request("/f").respond_with_handler(answer)
    serve_photo(server, "/p.png", picture_bytes())
    report = fetch(store, settings=dataclasses.replace(FAST, retry_photos=True))
    assert images_of(Store(store.folder))[server.url_for("/p.png")].photo is not None
    assert report.photos_downloaded == 1  # the fetch's summary says so ("1 photo downloaded")


def test_failures_past_their_week_leave_the_record_of_addresses(tmp_path: Path) -> None:
    # A feed naming a new broken photo in every entry would grow the record for ever.
    sources = PhotoSources(tmp_path)
    old, new = "https://pics.example/0.jpg", "https://pics.example/1.jpg"
    shard = PhotoSources._shard(old)
    same = next(src for n in range(2, 10_000) if PhotoSources._shard(src := f"https://pics.example/{n}.jpg") == shard)
    sources.put({}, {old: Failure("not downloaded: not found (404)", "2026-03-01T10:00:00+00:00"),
                     new: Failure("not kept: not an image", "2026-03-20T10:00:00+00:00")})
    sources.put({}, {same: Failure("gone (410)", "2026-03-21T10:00:00+00:00")},
                forget_before="2026-03-14T10:00:00+00:00")
    again = PhotoSources(tmp_path)
    assert set(again.failures([old, same])) == {same}  # the old one went from the file written
    assert again.failures([new])[new] == Failure("not kept: not an image", "2026-03-20T10:00:00+00:00")


def test_a_full_feeds_article_page_brings_its_photo(store: Store, server: HTTPServer) -> None:
    from tests.test_feeds_fetch import PAGE

    figure = (f'<figure><img src="{server.url_for("/lead.jpg")}" alt=""><figcaption>The quay at dawn. '
              "Photo: Ben Wick/Gazette</figcaption></figure>")
    server.expect_request("/story/0").respond_with_data(PAGE.replace("<article><h1>", f"<article>{figure}<h1>"),
                                                        content_type="text/html; charset=utf-8")
    serve_photo(server, "/lead.jpg", picture_bytes(fmt="JPEG"), "image/jpeg")
    feed = rss(photo_item(0)).replace(b"https://gazette.example/story/0", server.url_for("/story/0").encode())
    server.expect_request("/f").respond_with_data(feed)
    Subscriptions(store).add([server.url_for("/f")], full=True)
    [result] = fetch(store, settings=FAST).results
    image = images_of(store)[server.url_for("/lead.jpg")]
    assert image.photo == hashlib.sha256(picture_bytes(fmt="JPEG")).hexdigest() and result.photo_problems == []
    assert "The quay at dawn." in image.caption


def test_a_feed_naming_too_many_photos_gets_the_first_ones(store: Store, server: HTTPServer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.store.feeds import photos

    monkeypatch.setattr(photos, "PER_FEED", 3)
    for k in range(5):
        serve_photo(server, f"/p{k}.png", picture_bytes(seed=k))
    items = [photo_item(k, media=server.url_for(f"/p{k}.png")) for k in range(5)]
    server.expect_request("/f").respond_with_data(rss("\n".join(items)))
    Subscriptions(store).add([server.url_for("/f")])
    [result] = fetch(store, settings=FAST).results
    assert result.new == 5 and len(result.photo_problems) == 2
    assert sum(requests_to(server, f"/p{k}.png") for k in range(5)) == 3
    assert "more than 3 new photos" in result.photo_problems[0]


def test_a_decompression_bomb_is_refused(store: Store, server: HTTPServer) -> None:
    buffer = io.BytesIO()
    PILImage.new("1", (8000, 8000)).save(buffer, format="PNG")
    bomb = buffer.getvalue()  # 64 million pixels in a small file
    assert len(bomb) < 1024 * 1024
    server.expect_request("/bomb.png").respond_with_data(bomb, content_type="image/png")
    server.expect_request("/f").respond_with_data(rss(photo_item(0, media=server.url_for("/bomb.png"))))
    Subscriptions(store).add([server.url_for("/f")])
    [result] = fetch(store, settings=FAST).results
    [image] = images_of(store).values()
    assert result.new == 1 and image.photo is None
    assert image.problem and "decompression bomb" in image.problem
    assert PhotoStore(store.folder).kept() == []  # nothing of it is kept (its address is: not asked again)
    assert not [path for path in (store.folder / "photos").iterdir() if not path.name.startswith("sources-")]


def test_a_gzipped_svg_is_said_to_be_a_drawing(store: Store, server: HTTPServer) -> None:
    # An .svgz, or an SVG gzipped once more than the client unpacks (Content-Encoding undoes one
    # layer), said "not kept: not an image" where the same drawing plain said it is a drawing.
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect/></svg>'
    server.expect_request("/logo.svgz").respond_with_data(gzip.compress(svg), content_type="image/svg+xml")
    server.expect_request("/icon.svg").respond_with_response(Response(
        gzip.compress(gzip.compress(svg)), content_type="image/svg+xml", headers={"Content-Encoding": "gzip"}))
    items = [photo_item(0, media=server.url_for("/logo.svgz")), photo_item(1, media=server.url_for("/icon.svg"))]
    server.expect_request("/f").respond_with_data(rss("\n".join(items)))
    Subscriptions(store).add([server.url_for("/f")])
    [result] = fetch(store, settings=FAST).results
    assert photo_note(result.photo_problems) == "2 photos not kept: an SVG drawing, not a photo"  # its count said once
    assert {image.problem for image in images_of(store).values()} == {"not kept: an SVG drawing, not a photo"}


def test_photos_checked_in_threads_at_once_still_refuse_bombs() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from broadsheet.store.storage.photos import NotAPhoto, check_photo

    buffer = io.BytesIO()
    PILImage.new("L", (7200, 7200)).save(buffer, format="PNG")  # 52 M pixels: over the cap, under Pillow's own
    bomb, good = buffer.getvalue(), picture_bytes((1200, 800), fmt="JPEG")

    def check(data: bytes) -> str:
        try:
            return check_photo(data).ext
        except NotAPhoto as exc:
            return str(exc)

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(check, [bomb, good] * 12))
    assert all("decompression bomb" in r for r in results[::2]) and set(results[1::2]) == {"jpg"}


def test_with_fetch_images_off_no_photo_is_downloaded_and_kept_ones_stay(store: Store, server: HTTPServer) -> None:
    serve_photo(server, "/p.png", picture_bytes())
    serve_photo(server, "/q.png", picture_bytes(seed=1))
    server.expect_request("/f").respond_with_data(rss(photo_item(0, media=server.url_for("/p.png"))))
    Subscriptions(store).add([server.url_for("/f")])
    fetch(store, settings=FAST)
    [kept] = images_of(store).values()
    assert kept.photo
    server.clear()
    server.expect_request("/f").respond_with_data(rss("\n".join([photo_item(0, media=server.url_for("/p.png")),
                                                                 photo_item(1, media=server.url_for("/q.png"))])))
    report = fetch(store, settings=Settings(timeout=0.5, total=2.0, retries=0, images=False))
    assert (report.total("new"), report.total("updated")) == (1, 0)  # the stored story keeps its photo
    stored = images_of(store)
    assert stored[server.url_for("/p.png")].photo == kept.photo
    assert stored[server.url_for("/q.png")].photo is None and stored[server.url_for("/q.png")].problem is None
    assert requests_to(server, "/p.png") == requests_to(server, "/q.png") == 0


def test_the_fetch_images_setting(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_config(path).fetch_images is True
    path.write_text("[feeds]\nfetch_images = false\n")
    assert load_config(path).fetch_images is False
    path.write_text('[feeds]\nfetch_images = "no"\n')
    config = load_config(path)
    assert config.fetch_images is True and any("feeds.fetch_images must be true or false" in p
                                               for p in config.problems)


def test_broadsheet_fetch_obeys_the_setting_and_names_failed_photos(tmp_path: Path, server: HTTPServer,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[feeds]\nfetch_images = false\n")
    monkeypatch.setenv("BROADSHEET_CONFIG", str(config))
    server.expect_request("/missing.png").respond_with_data("no", status=404)
    server.expect_request("/f").respond_with_data(rss(photo_item(0, media=server.url_for("/missing.png"))))
    folder = tmp_path / "store"
    Subscriptions(Store(folder)).add([server.url_for("/f")])
    assert main(["--store", str(folder), "fetch"]) == 0
    assert requests_to(server, "/missing.png") == 0
    config.write_text("[feeds]\nfetch_images = true\n")
    assert main(["--store", str(folder), "fetch"]) == 0  # a photo not kept does not fail the fetch
    said = capsys.readouterr().err
    assert "1 photo not kept: not downloaded: not found (404)" in said
    assert "0 new, 1 updated from 1 feed; 0 failed; 1 photo not kept" in said  # not "1 feeds"


async def test_the_reader_shows_why_a_feed_photo_is_missing(store: Store) -> None:
    from broadsheet.tui.app import BroadsheetApp
    from broadsheet.tui.widgets.credits_panel import CreditsPanel
    from broadsheet.tui.widgets.photo import PhotoView
    from tests.photos import keep_photo
    from tests.pilot import settle, shown_lines

    images = [Image("Boats at the quay.", "Photo: Ben Wick", "http://127.0.0.1:9/p.png",
                    problem="not downloaded: not found (404)"),
              Image("The harbour wall.", None, "http://127.0.0.1:9/q.png", photo=keep_photo(store, picture_bytes()))]
    store.add([(Article(headline="Ferry timetable", body=["The ferry leaves later."], images=images), None)])
    app = BroadsheetApp(store, graphics="halfblocks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(CreditsPanel)
        lines = shown_lines(panel)
        column = " ".join(line[:panel._beside].strip() for line in lines)
        assert column.startswith("[photo: not downloaded: not found (404)]") and "photo 1/2" in column
        assert any("Boats at the quay." in line for line in lines)  # the caption and credit stay
        await pilot.press("enter", "v")  # full-screen: the same reason
        await settle(pilot)
        assert app.screen.query_one(PhotoView).drawn == "not downloaded: not found (404)"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert "▀" in "".join(shown_lines(panel))  # the kept photo is drawn


@pytest.mark.parametrize("fetch_images", [True, False])
async def test_the_fetch_key_downloads_photos_as_the_config_says(store: Store, server: HTTPServer, tmp_path: Path,
                                                                 fetch_images: bool) -> None:
    from broadsheet.config import Config
    from broadsheet.tui.app import BroadsheetApp
    from broadsheet.tui.widgets.credits_panel import CreditsPanel
    from tests.pilot import settle, shown_lines

    serve_photo(server, "/p.png", picture_bytes())
    server.expect_request("/missing.png").respond_with_data("no", status=404)
    items = [photo_item(0, media=server.url_for("/p.png"), caption="Boats at the quay."),
             photo_item(1, media=server.url_for("/missing.png"), caption="The harbour wall.")]
    server.expect_request("/f").respond_with_data(rss("\n".join(items)))
    Subscriptions(store).add([server.url_for("/f")])
    config = Config(path=tmp_path / "c.toml", fetch_images=fetch_images)
    app = BroadsheetApp(store, config, graphics="halfblocks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        said = " ".join(str(n.message) for n in app._notifications)
        assert "2 new" in said
        assert ("1 photo not kept" in said) is fetch_images
        assert requests_to(server, "/p.png") == requests_to(server, "/missing.png") == int(fetch_images)
        if fetch_images:  # the newest story first: change 1, whose photo was not found
            panel = app.screen.query_one(CreditsPanel)
            column = " ".join(line[:panel._beside].strip() for line in shown_lines(panel))
            assert column.startswith("[photo: not downloaded: not found (404)]")


def test_a_photo_problem_survives_a_json_export_and_import(store: Store, tmp_path: Path) -> None:
    image = Image("Boats at the quay.", "Photo: Ben Wick", "https://gazette.example/p.png",
                  problem="not downloaded: not found (404)")
    store.add([(Article(headline="Ferry timetable", body=["The ferry leaves later."], images=[image]), None)])
    export = tmp_path / "export.json"
    export.write_bytes(export_json(store, [m.id for m in store.stories()]))
    other = tmp_path / "other"
    assert main(["--store", str(other), "import", str(export)]) == 0
    [meta] = Store(other).stories()
    assert list(meta.images) == [image]


def test_a_fetch_killed_while_photos_download_leaves_the_store_whole(tmp_path: Path, server: HTTPServer) -> None:
    def slow_photo(request: Request) -> Response:
        time.sleep(0.05)
        n = int(request.path[2:-len(".png")])
        return Response(picture_bytes((160, 100), seed=n), content_type="image/png")

    feeds = 6
    for n in range(feeds):
        items = [photo_item(n * 100 + k, media=server.url_for(f"/p{n * 100 + k}.png")) for k in range(12)]
        server.expect_request(f"/f{n}").respond_with_data(rss("\n".join(items), f"Feed {n}"))
    for n in range(feeds):
        for k in range(12):
            server.expect_request(f"/p{n * 100 + k}.png").respond_with_handler(slow_photo)
    folder = tmp_path / "killed"
    Subscriptions(Store(folder)).add([server.url_for(f"/f{n}") for n in range(feeds)])
    env = {**os.environ, "BROADSHEET_CONFIG": str(tmp_path / "none.toml")}
    command = [sys.executable, "-m", "broadsheet", "--store", str(folder), "fetch", "--quiet"]
    for delay in (0.4, 0.8, 1.2):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                start_new_session=True)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        store = Store(folder)  # opens and checks: every file whole
        for meta in store.stories():  # a stored story names only photos that are whole files
            for image in meta.images:
                assert image.photo is None or photo_file(folder, image.photo) is not None
    done = subprocess.run(command, capture_output=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr.decode()
    store = Store(folder)
    assert len(store) == feeds * 12
    assert all(image.photo for image in images_of(store).values())
    for path in (folder / "photos").glob("[0-9a-f]*.png"):  # every photo whole, under its digest
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name.split(".")[0]
    kept = {path.name.split(".")[0] for path in (folder / "photos").glob("[0-9a-f]*.png")}
    assert {image.photo for image in images_of(store).values()} <= kept


def test_temporary_files_of_killed_writers_are_removed_once_old(store: Store, server: HTTPServer) -> None:
    photos = store.folder / "photos"
    photos.mkdir()
    old, fresh = photos / ".ab12.png.x1.tmp", photos / ".cd34.png.x2.tmp"
    old.write_bytes(b"half a photo")
    fresh.write_bytes(b"a photo being written")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    server.expect_request("/f").respond_with_data(rss(photo_item(0)))
    Subscriptions(store).add([server.url_for("/f")])
    fetch(store, settings=FAST)
    assert not old.exists() and fresh.exists()  # a fresh one may belong to a live import


def test_a_photo_address_with_a_bad_ipv6_host_is_said_in_words(store: Store, server: HTTPServer,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Its note read "not downloaded: ValueError: Invalid IPv6 URL" (urlsplit's words, a class name)."""
    items = [photo_item(0, media="http://[::1/harbour.jpg"), photo_item(1, media="http://[quay]/boats.jpg")]
    server.expect_request("/f").respond_with_data(rss("\n".join(items)))
    Subscriptions(store).add([server.url_for("/f")])
    assert main(["--store", str(store.folder), "fetch"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert ("2 photos not kept: not downloaded: not an address: its IPv6 host is not closed by ]; not downloaded: "
            "not an address: its host in brackets is not an IPv6 address") in said, said
    assert "Error" not in said
    stored = images_of(store)
    assert stored["http://[::1/harbour.jpg"].problem == "not downloaded: not an address: its IPv6 host is not " \
        "closed by ]"


def test_the_wait_for_the_slot_of_a_redirects_host_is_not_counted_against_a_photos_deadline(
        store: Store, server: HTTPServer) -> None:
    """Photos redirecting to one slow host failed "the answer took longer than ... (server too
    slow)" while they waited their turn at it. Only the server's answering counts."""
    def slow(_request: Request) -> Response:
        time.sleep(0.2)
        return Response(picture_bytes(), content_type="image/png")

    server.expect_request("/moved.png").respond_with_handler(lambda request: Response(
        "", status=302, headers={"Location": server.url_for(f"/photo.png?n={request.args['n']}")}))  # to 127.0.0.1
    server.expect_request("/photo.png").respond_with_handler(slow)
    moved = server.url_for("/moved.png").replace("127.0.0.1", "localhost")
    server.expect_request("/f").respond_with_data(rss("".join(photo_item(n, media=f"{moved}?n={n}") for n in range(5))),
                                                  content_type="text/xml")
    Subscriptions(store).add([server.url_for("/f")])
    [result] = fetch(store, settings=dataclasses.replace(FAST, per_host=1, total=0.5)).results
    assert result.new == 5 and result.photo_problems == []
    assert all(image.photo for image in images_of(store).values())

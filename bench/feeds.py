"""Feed figures (issue 13), measured side by side with newsboat in the same run.

    python -m bench.feeds                 # what ``make bench`` runs; writes docs/feeds-benchmarks.md
    python -m bench.feeds --items 2000    # smaller, quicker

- Parsers: the same 10,000-item RSS file through feedparser and fastfeedparser, and a
  10,000-item JSON Feed through json and orjson (parse only).
- Import: a 10,000-item local feed file, ``import_paths`` (parse, store, index) into an
  empty store, against ``newsboat -x reload`` loading the same file into an empty cache.
- Reader cold start (``bench.inproc``) on the fetched store, with its subscriptions and with
  ``feeds.json`` removed: what subscriptions add to starting the reader.
- Fetch: 200 feeds of 50 items from a local HTTP server (ETag and Last-Modified, 304s):
  ``broadsheet fetch`` (its ``fetch()``) first into an empty store, then again (every feed
  answers 304), against ``newsboat -x reload`` on the same URLs, first and second time;
  then the same fetches with ``[feeds] fetch_images`` off and on, both after the first
  (which pays the imports): what photos cost feeds that name none.
- Fetch with photos: 20 feeds of 50 items, each naming its own 640x360 JPEG (Media RSS),
  with ``fetch_images`` on (every photo downloaded, checked with Pillow and kept) and off.
Without newsboat on the PATH its rows say "not measured".
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import email.utils
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson

WORDS = ("harbour", "ferry", "council", "timetable", "island", "bridge", "valley", "storm", "school", "market",
         "tide", "mill", "road", "winter", "summer", "budget", "vote", "mayor", "river", "train", "station",
         "library", "museum", "farm", "harvest", "weather", "report")


def _sentence(seed: int, n: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 13) % len(WORDS)] for i in range(n)).capitalize() + "."


def rss_bytes(count: int, feed: int = 0, photos: str = "") -> bytes:
    """A made-up RSS 2.0 feed with ``count`` items of HTML content (three paragraphs, about 1 KB).

    With ``photos`` (an address), each item names its own photo under it (Media RSS).
    """
    stamp = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    items = []
    for i in range(count):
        n = feed * 100_000 + i
        when = email.utils.format_datetime(stamp - dt.timedelta(minutes=n))
        paras = "".join(f"<p>{_sentence(n + k, 18)} {_sentence(n + k + 3, 12)}</p>" for k in range(3))
        items.append(f"<item><title>{_sentence(n, 7)} {n}</title><link>https://feed{feed}.example/story/{n}</link>"
                     f"<guid>https://feed{feed}.example/story/{n}</guid><pubDate>{when}</pubDate>"
                     f"<dc:creator>Reporter {n % 50}</dc:creator><description>{_sentence(n, 14)}</description>"
                     f"<content:encoded><![CDATA[{paras}]]></content:encoded>"
                     + (f'<media:content url="{photos}/photo/{n}.jpg" medium="image"><media:description>'
                        f"{_sentence(n, 9)}</media:description><media:credit>Photographer {n % 40}</media:credit>"
                        "</media:content>" if photos else "") + "</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:media="http://search.yahoo.com/mrss/">'
            f"<channel><title>Bench Feed {feed}</title><link>https://feed{feed}.example/</link>"
            f"<description>made up</description>{''.join(items)}</channel></rss>").encode()


def photo_files(feeds: int, per_feed: int) -> dict[str, bytes]:
    """``/photo/N.jpg`` for every item of ``rss_bytes(per_feed, feed=1..feeds, photos=...)``: a 640x360
    JPEG (about 20 KB, a feed thumbnail's size), each made distinct by a trailer after its end."""
    import io

    from PIL import Image, ImageDraw

    bases = []
    for seed in range(8):
        image = Image.new("RGB", (640, 360), (60 + seed * 20, 120, 190))
        draw = ImageDraw.Draw(image)
        for k in range(40):
            x, y = (seed * 97 + k * 53) % 640, (seed * 31 + k * 29) % 360
            draw.ellipse((x, y, x + 40 + k, y + 30 + k), fill=((k * 37) % 256, (k * 71) % 256, (seed * 50) % 256))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
        bases.append(buffer.getvalue())
    return {f"/photo/{feed * 100_000 + i}.jpg": bases[i % len(bases)] + f"{feed}-{i}".encode()
            for feed in range(1, feeds + 1) for i in range(per_feed)}


def json_feed_bytes(count: int) -> bytes:
    items = [{"id": str(i), "url": f"https://jf.example/{i}", "title": _sentence(i, 7),
              "content_html": "".join(f"<p>{_sentence(i + k, 18)}</p>" for k in range(3)),
              "date_published": "2026-03-01T10:00:00+00:00"} for i in range(count)]
    return orjson.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "JF", "items": items})


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def best(fn: Callable[[], object], runs: int) -> float:
    return min(timed(fn) for _ in range(runs))


def say(text: str) -> None:
    print(f"[bench.feeds {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# -- newsboat ----------------------------------------------------------------------------


def newsboat() -> str | None:
    return shutil.which("newsboat")


def newsboat_reload(urls: list[str], folder: Path, times: int = 2) -> list[float]:
    """Seconds for ``newsboat -x reload`` on ``urls`` into an empty cache, then again (``times`` runs)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "urls").write_text("\n".join(urls) + "\n")
    (folder / "config").write_text("reload-threads 8\n")
    command = [newsboat() or "newsboat", "-u", str(folder / "urls"), "-c", str(folder / "cache.db"),
               "-C", str(folder / "config"), "-x", "reload"]
    env = {**os.environ, "HOME": str(folder)}
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=600)
        seconds.append(time.perf_counter() - started)
    return seconds


@dataclass(frozen=True, slots=True)
class NewsboatImport:
    """newsboat loading one local feed file into an empty cache."""

    items: int  # items newsboat's cache holds afterwards (counted in its SQLite file)
    seconds: list[float]  # one per run, each into a fresh cache

    @property
    def rate(self) -> float:
        """Items a second, best run."""
        return self.items / min(self.seconds)


def newsboat_file_import(work: Path, items: int = 10_000, runs: int = 3) -> NewsboatImport | None:
    """``newsboat -x reload`` of a local ``items``-item RSS file (``rss_bytes``) into an empty cache,
    ``runs`` times; None when newsboat is not installed. What ``python -m bench`` compares its import with."""
    if not newsboat():
        return None
    feed = work / "newsboat-feed.xml"
    feed.write_bytes(rss_bytes(items))
    seconds, stored = [], 0
    for run in range(runs):
        folder = work / f"newsboat-file-{run}"
        seconds += newsboat_reload([feed.as_uri()], folder, times=1)
        with contextlib.closing(sqlite3.connect(folder / "cache.db")) as db:
            stored = db.execute("SELECT COUNT(*) FROM rss_item").fetchone()[0]
        shutil.rmtree(folder)
    return NewsboatImport(stored, seconds)


# -- a local feed server -----------------------------------------------------------------


class FeedServer:
    """Serves /feed/N.xml from memory with ETag and Last-Modified, answering 304 when unchanged."""

    def __init__(self, feeds: dict[str, bytes]) -> None:
        stamp = email.utils.format_datetime(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), usegmt=True)
        tags: dict[str, str] = {}  # made on first request: ``feeds`` may be filled once the port is known
        self.requests = {"200": 0, "304": 0}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in one write, Nagle off: otherwise every answer waits 40 ms
            # for a delayed ACK, and the server, not the client, is what is measured.
            wbufsize = 1 << 20
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                body = feeds.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                tag = tags.get(self.path) or tags.setdefault(self.path, f'"{hashlib.sha1(body).hexdigest()[:16]}"')
                if self.headers.get("If-None-Match") == tag or \
                        self.headers.get("If-Modified-Since") == stamp:
                    server.requests["304"] += 1
                    self.send_response(304)
                    self.send_header("ETag", tag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                server.requests["200"] += 1
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg" if self.path.endswith(".jpg") else "application/rss+xml")
                self.send_header("ETag", tag)
                self.send_header("Last-Modified", stamp)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.daemon_threads = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.request_queue_size = 256
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


# -- the measurements --------------------------------------------------------------------


def parsers(data: bytes, jf: bytes, runs: int) -> dict[str, float]:
    import fastfeedparser
    import feedparser

    from broadsheet.store.feeds.parse import parse_feed

    return {
        "feedparser": best(lambda: feedparser.parse(data), 1),
        "fastfeedparser": best(lambda: fastfeedparser.parse(data), runs),
        "json": best(lambda: json.loads(jf), runs),
        "orjson": best(lambda: orjson.loads(jf), runs),
        "parse_feed_rss": best(lambda: parse_feed(data, "https://bench.example/rss"), runs),
        "parse_feed_json": best(lambda: parse_feed(jf, "https://bench.example/feed.json"), runs),
    }


def import_file(path: Path, work: Path, runs: int) -> tuple[float, int]:
    """Best of ``runs`` imports of ``path`` into an empty store (parse + store + index)."""
    from broadsheet.store.ingest.importer import import_paths
    from broadsheet.store.storage.db import Store

    times, count = [], 0
    for n in range(runs):
        folder = work / f"import-{n}"
        store = Store(folder)
        started = time.perf_counter()
        report = import_paths(store, [path])
        times.append(time.perf_counter() - started)
        count = report.count("imported")
        shutil.rmtree(folder)
    return min(times), count


def fetch_twice(urls: list[str], folder: Path, images: bool = True) -> tuple[float, float, int, str]:
    from broadsheet.store.feeds.fetch import Settings, fetch
    from broadsheet.store.feeds.subscriptions import Subscriptions
    from broadsheet.store.storage.db import Store

    store = Store(folder)
    Subscriptions(store).add(urls)
    settings = Settings(images=images)
    started = time.perf_counter()
    first = fetch(store, settings=settings)
    one = time.perf_counter() - started
    started = time.perf_counter()
    second = fetch(store, settings=settings)
    two = time.perf_counter() - started
    outcomes = f"{first.total('new')} new, then {sum(r.outcome == 'unchanged' for r in second.results)} unchanged"
    if first.failed or second.failed:
        outcomes += f"; failed: {len(first.failed)} then {len(second.failed)}"
    photos = sum(len(r.photo_problems) for r in first.results)
    if photos:
        outcomes += f"; {photos} photos not kept"
    return one, two, first.total("new"), outcomes


def cold_starts(folder: Path, runs: int) -> float:
    """Median reader cold start (``bench.inproc``, headless, in a child process) on ``folder``."""
    done = subprocess.run([sys.executable, "-m", "bench.inproc", str(folder), "--runs", str(runs)],
                          capture_output=True, check=True, timeout=600)
    starts = sorted(orjson.loads(done.stdout)["cold_start"])
    return starts[len(starts) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.feeds")
    parser.add_argument("--items", type=int, default=10_000, help="items in the local feed file (default 10,000)")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--per-feed", type=int, default=50)
    parser.add_argument("--photo-feeds", type=int, default=20, help="feeds with a photo per item (default 20)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the table as Markdown here")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    rows: list[tuple[str, str, str]] = []  # (what, Broadsheet, peer)
    with tempfile.TemporaryDirectory(prefix="broadsheet-bench-feeds-") as tmp:
        work = Path(tmp)
        feed_file = work / "big.xml"
        data = rss_bytes(args.items)
        feed_file.write_bytes(data)
        jf = json_feed_bytes(args.items)
        say(f"parsers on {args.items:,} items ({len(data) / 1e6:.1f} MB RSS)")
        p = parsers(data, jf, args.runs)
        rows.append((f"Parse {args.items:,}-item RSS: fastfeedparser vs feedparser", f"{p['fastfeedparser']:.2f} s",
                     f"{p['feedparser']:.2f} s"))
        rows.append((f"Parse {args.items:,}-item JSON Feed: orjson vs json", f"{p['orjson'] * 1000:.0f} ms",
                     f"{p['json'] * 1000:.0f} ms"))
        rows.append(("parse_feed (entries to articles, HTML to paragraphs), RSS / JSON Feed",
                     f"{p['parse_feed_rss']:.2f} s / {p['parse_feed_json']:.2f} s", ""))
        say("import of the local feed file, alternating with newsboat (best of each)")
        ours: list[float] = []
        theirs: list[float] = []
        for run in range(args.runs):
            seconds, count = import_file(feed_file, work, 1)
            ours.append(seconds)
            if newsboat():
                theirs.append(newsboat_reload([feed_file.as_uri()], work / f"nb-import-{run}", times=1)[0])
        seconds = min(ours)
        peer = f"{min(theirs):.2f} s (newsboat -x reload)" if theirs else "not measured (newsboat not installed)"
        rows.append((f"Import {count:,} items from a local feed file (parse + store + index)", f"{seconds:.2f} s",
                     peer))
        say(f"fetch of {args.feeds} feeds x {args.per_feed} items from a local server")
        feeds = {f"/feed/{n}.xml": rss_bytes(args.per_feed, feed=n + 1) for n in range(args.feeds)}
        with FeedServer(feeds) as server:
            urls = [server.url(path) for path in feeds]
            one, two, new, outcomes = fetch_twice(urls, work / "fetch-store")
            served = dict(server.requests)
            nb = newsboat_reload(urls, work / "nb-fetch") if newsboat() else None
            served_nb = {k: server.requests[k] - served[k] for k in served}
            say("the same fetch with [feeds] fetch_images off, then on")
            # Again with fetch_images off and on, both after the fetch above (which paid the imports).
            one_off, two_off, _, _ = fetch_twice(urls, work / "fetch-store-off", images=False)
            one_on, two_on, _, _ = fetch_twice(urls, work / "fetch-store-on", images=True)
        say(f"fetch of {args.photo_feeds} feeds x {args.per_feed} items, a photo each, fetch_images on and off")
        photo_feeds: dict[str, bytes] = {}
        with FeedServer(photo_feeds) as server:
            base = server.url("")
            photo_feeds.update({f"/feed/{n}.xml": rss_bytes(args.per_feed, feed=n + 1, photos=base)
                                for n in range(args.photo_feeds)})
            photo_feeds.update(photo_files(args.photo_feeds, args.per_feed))
            urls = [server.url(f"/feed/{n}.xml") for n in range(args.photo_feeds)]
            photos_on = fetch_twice(urls, work / "photo-store-on")
            photos_off = fetch_twice(urls, work / "photo-store-off", images=False)
        kept = sum(1 for _ in (work / "photo-store-on" / "photos").glob("*.jpg"))
        say("reader cold start with and without the subscriptions")
        store_folder = work / "fetch-store"
        without = work / "no-feeds-store"
        shutil.copytree(store_folder, without)
        (without / "feeds.json").unlink()
        with_feeds = cold_starts(store_folder, max(3, args.runs))
        without_feeds = cold_starts(without, max(3, args.runs))
        label = f"{args.feeds} feeds x {args.per_feed} items"
        rows.append((f"Fetch {label}, first ({new:,} new stories stored and indexed)", f"{one:.2f} s",
                     f"{nb[0]:.2f} s (newsboat)" if nb else "not measured (newsboat not installed)"))
        rows.append((f"Fetch {label}, second (nothing new)", f"{two:.2f} s",
                     f"{nb[1]:.2f} s (newsboat)" if nb else "not measured (newsboat not installed)"))
        rows.append((f"Fetch {label} again (no photos in them), first / second: fetch_images off, then on",
                     f"{one_off:.2f} / {two_off:.2f} s, {one_on:.2f} / {two_on:.2f} s", ""))
        photo_label = f"{args.photo_feeds} feeds x {args.per_feed} items with a 640x360 JPEG each"
        rows.append((f"Fetch {photo_label}, first: fetch_images on / off ({kept:,} photos kept)",
                     f"{photos_on[0]:.2f} s / {photos_off[0]:.2f} s", "newsboat does not download photos"))
        rows.append((f"Fetch {photo_label}, second (every feed 304): on / off",
                     f"{photos_on[1]:.2f} s / {photos_off[1]:.2f} s", f"({photos_on[3]})"))
        rows.append((f"Reader cold start on those {new:,} stories: with {args.feeds} subscriptions / without",
                     f"{with_feeds:.3f} s / {without_feeds:.3f} s", ""))
        rows.append(("Requests answered by the server (200 / 304)", f"{served['200']} / {served['304']} ({outcomes})",
                     f"{served_nb['200']} / {served_nb['304']}" if nb else ""))
    header = (f"Load average at start {load:.2f}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}; "
              f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; best of {args.runs} for parse and import, "
              "one run for fetch. Import runs alternate with newsboat's, each into an empty store or cache.")
    width = max(len(r[0]) for r in rows)
    print(header)
    for what, mine, peers in rows:
        print(f"{what:<{width}}  {mine:>28}  {peers}")
    if args.out:
        lines = ["# Feed benchmarks", "", "    make bench          # runs this too",
                 "    .venv/bin/python -m bench.feeds",
                 "", "The code and what it measures: `bench/feeds.py`.", "", header, "",
                 "| What | Broadsheet | Peer (same run) |", "| --- | --- | --- |"]
        lines += [f"| {what} | {ours} | {theirs} |" for what, ours, theirs in rows]
        args.out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

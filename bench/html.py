"""Importing saved web pages (issue 12): our page reader against trafilatura, on the same pages, in one run.

Made-up pages shaped like saved news pages (about 230 KB: a story with JSON-LD, figures
with captions and credits, and the furniture around it: inline scripts and styles,
menus, related links, footers). Measured:

- the real importer on them (parse + store + index, worker pool on every core): pages/s;
- our page reader alone (``page_article``), CPU ms a page, one core;
- trafilatura alone (``extract`` with metadata, JSON), CPU ms a page, same pages, same run;
- with ``../shared/corpus/dev/html`` present, both readers on those real pages too.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HTML_GENERATOR_VERSION = 1
TARGET_RATE = 100.0  # pages/s on 2 cores (issue 12)
_WORDS = (
    "harbour", "council", "ferry", "timetable", "vote", "residents", "lowmoor", "operators", "crossing",
    "evening", "morning", "slipway", "weekday", "summer", "winter", "queue", "decision", "statement",
    "website", "commuters", "sailing", "island", "bridge", "repairs", "walkers", "lifeboat", "crew",
    "service", "funding", "budget", "mayor", "school", "market", "weather", "storm", "flood", "road",
)


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def page(n: int) -> str:
    """One made-up saved news page of about 230 KB."""
    rng = random.Random(n)
    headline = _sentence(rng, 9)[:-1]
    url = f"https://coast-herald.example/news/{n:06d}"
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline,
          "datePublished": f"2026-0{1 + n % 9}-1{n % 9}T08:00:00Z", "author": {"@type": "Person", "name": "Mara Quill"},
          "publisher": {"@type": "Organization", "name": "Coast Herald"},
          "image": {"@type": "ImageObject", "url": f"{url}.jpg", "caption": _sentence(rng, 12), "creditText": "Wire"}}
    paragraphs = []
    for p in range(rng.randint(10, 18)):
        paragraphs.append(f"<p>{' '.join(_sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 4)))}</p>")
        if p % 6 == 2:
            paragraphs.append(f"<figure><img src='/img/{n}-{p}.jpg'><figcaption><span class='caption'>"
                              f"{_sentence(rng, 14)}</span> <span class='credit'>Photo: Ian Reed/Wire</span>"
                              "</figcaption></figure>")
            paragraphs.append("<div class='ad-slot'><span>Advertisement</span></div>")
    menu = "".join(f"<li><a href='/section/{i}'>{rng.choice(_WORDS).title()}</a></li>" for i in range(250))
    related = "".join(f"<li><a href='/news/{i}'>{_sentence(rng, 8)}</a></li>" for i in range(40))
    script = "window.__STATE__ = " + json.dumps({"items": [[_sentence(rng, 6), i] for i in range(3000)]}) + ";"
    style = ".c{color:#123}\n" * 2500
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{headline} | Coast Herald</title>
<link rel="canonical" href="{url}"><meta property="og:title" content="{headline}">
<meta property="og:site_name" content="Coast Herald"><script type="application/ld+json">{json.dumps(ld)}</script>
<style>{style}</style><script>{script}</script></head><body>
<header><nav class="menu"><ul>{menu}</ul></nav></header><main><article><h1>{headline}</h1>
<div class="byline">By <a rel="author" href="/staff/mara">Mara Quill</a></div>
<div class="article-body">{''.join(paragraphs)}
<div class="share-tools"><a href="#">Share</a> <a href="#">Post</a></div></div></article>
<aside class="related"><ul>{related}</ul></aside></main><footer><p>Copyright Coast Herald</p></footer>
</body></html>"""


def ensure_pages(cache: Path, count: int) -> list[Path]:
    folder = cache / f"html-v{HTML_GENERATOR_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{n:06d}.html" for n in range(count)]
    for n, path in enumerate(paths):
        if not path.exists():
            path.write_text(page(n), encoding="utf-8")
    return paths


def cpu_ms_per_page(fn: Callable[[str], object], texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        fn(text)
    return (time.process_time() - start) / len(texts) * 1000


def ours(text: str) -> object:
    from broadsheet.store.html import page_article

    return page_article(text)


def trafilatura_extract() -> Callable[[str], object] | None:
    try:
        import trafilatura
    except ImportError:
        return None
    return lambda text: trafilatura.extract(text, output_format="json", with_metadata=True)


def import_rate(pages: list[Path], copies: int = 1) -> tuple[float, int, int]:
    """(files/s, stories stored, files failed) for the real importer into an empty store.

    With ``copies`` > 1 every page is imported that many times (copies in a temporary
    folder): each copy is read and parsed, and the store keeps one story per page.
    """
    from broadsheet.store.ingest.importer import import_paths
    from broadsheet.store.storage.db import Store

    folder = Path(tempfile.mkdtemp(prefix="broadsheet-html-bench-"))
    try:
        files = list(pages)
        for copy in range(1, copies):
            (folder / f"copy{copy}").mkdir()
            for page in pages:
                target = folder / f"copy{copy}" / page.name
                shutil.copyfile(page, target)
                files.append(target)
        store = Store(folder / "store")
        start = time.perf_counter()
        report = import_paths(store, files)
        seconds = time.perf_counter() - start
        return len(files) / seconds, report.count("imported"), len(report.failed)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def dev_pages() -> list[Path]:
    here = Path(__file__).resolve().parents[1]
    folder = here.parent / "shared" / "corpus" / "dev" / "html"
    return sorted(folder.glob("*.html")) if folder.is_dir() else []


def measure(cache: Path, smoke: bool, say: Callable[[str], None]) -> list[list[str]]:
    """Rows of the HTML table: metric, value, target, met."""
    count = 100 if smoke else 600
    say(f"html: {count} made-up saved pages")
    pages = ensure_pages(cache, count)
    size_kb = sum(p.stat().st_size for p in pages) / len(pages) / 1024
    texts = [p.read_text(encoding="utf-8") for p in pages[: 40 if smoke else 150]]
    rows = [["Saved pages: mean size (KB)", f"{size_kb:.0f}", "", ""]]
    say("html: import (parse + store + index)")
    rate, imported, failed = import_rate(pages)
    cores = os.cpu_count() or 1
    rows.append([f"Import saved pages, real importer, {cores} cores (pages/s)", f"{rate:.0f}",
                 f">= {TARGET_RATE:.0f}", "yes" if rate >= TARGET_RATE else "NO"])
    rows.append(["  pages imported / failed", f"{imported} / {failed}", "", ""])
    say("html: our page reader alone, then trafilatura alone, same pages")
    rows.append(["  our page reader alone, one core (CPU ms/page)", f"{cpu_ms_per_page(ours, texts):.1f}", "", ""])
    extract = trafilatura_extract()
    rows.append(["  trafilatura alone, same pages (CPU ms/page)",
                 f"{cpu_ms_per_page(extract, texts):.1f}" if extract else "not measured", "", ""])
    real = dev_pages()
    if real:
        say(f"html: both readers on the {len(real)} dev corpus pages")
        dev_texts = [p.read_text(encoding="utf-8") for p in real]
        rows.append([f"  dev corpus pages ({len(real)}), our page reader (CPU ms/page)",
                     f"{cpu_ms_per_page(_tolerant(ours), dev_texts):.1f}", "", ""])
        rows.append([f"  dev corpus pages ({len(real)}), trafilatura (CPU ms/page)",
                     f"{cpu_ms_per_page(extract, dev_texts):.1f}" if extract else "not measured", "", ""])
        for copies in (1, 1 if smoke else 5):
            rate, imported, failed = import_rate(real, copies)
            rows.append([f"Import the dev corpus pages x{copies} ({len(real) * copies} files), real importer, "
                         f"{cores} cores (pages/s)",
                         f"{rate:.0f}", f">= {TARGET_RATE:.0f}", "yes" if rate >= TARGET_RATE else "NO"])
            rows.append(["  stories stored / files failed", f"{imported} / {failed}", "", ""])
            if smoke:
                break
    return rows


def _tolerant(fn: Callable[[str], object]) -> Callable[[str], object]:
    def call(text: str) -> object:
        try:
            return fn(text)
        except ValueError:  # ParseError: a page with no story still costs its time
            return None

    return call


def render(rows: list[list[str]]) -> str:
    head = ["Saved web pages (issue 12)", "Value", "Target", "Met"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in [head, *rows]]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(line.rstrip() for line in lines)


def markdown(rows: list[list[str]]) -> str:
    out = ["| Saved web pages (issue 12) | Value | Target | Met |", "|---|---:|---:|---:|"]
    out += ["| " + " | ".join([r[0].replace("  ", "&nbsp;&nbsp;", 1), *r[1:]]) + " |" for r in rows]
    return "\n".join(out)


def main() -> None:
    """``python -m bench.html [--smoke]``: only this table (``make bench`` runs it with the rest)."""
    import sys

    from bench.build import cache_root

    smoke = "--smoke" in sys.argv[1:]
    load = os.getloadavg()[0]
    rows = measure(cache_root(), smoke, lambda text: print(f"[bench] {text}", file=sys.stderr, flush=True))
    print(render(rows))
    print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

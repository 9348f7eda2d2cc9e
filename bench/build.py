"""Build the benchmark data: pages on disk, stores made by the real importer, the TinyDB baseline.

Everything lives under a cache folder outside the repository. Pages are reused while
``GENERATOR_VERSION`` is unchanged; stores are rebuilt on every run because building
them *is* the import measurement. The sizes are imported in one pass into one store
(1k, then the next 9k, then the next 40k), copying the store aside at each size: the
time to reach N stories is exactly the time to import N stories into an empty store,
and 50k stories are parsed once instead of 61k times.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import GENERATOR_VERSION, PER_FOLDER, ensure_pages, folders
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import StoryState

TAGS = [f"topic-{n:02d}" for n in range(40)]
TAGGED_SHARE, BOOKMARKED_SHARE, READ_SHARE = 0.15, 0.03, 0.40


def cache_root() -> Path:
    """``$BROADSHEET_BENCH_CACHE``, else ``$XDG_CACHE_HOME/broadsheet-bench`` (``~/.cache``)."""
    explicit = os.environ.get("BROADSHEET_BENCH_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "broadsheet-bench"


@dataclass(frozen=True, slots=True)
class BuiltStore:
    """One benchmark store and how it was made."""

    size: int
    folder: Path
    pages: list[Path]
    imported: int
    failed: int
    import_seconds: float


def pages_root(cache: Path, largest: int, say: Callable[[str], None] | None = None) -> Path:
    return ensure_pages(cache / f"pages-v{GENERATOR_VERSION}", largest, say=say)


def import_stages(cache: Path, sizes: list[int], say: Callable[[str], None]) -> list[BuiltStore]:
    """Import the pages of each size in turn into one store, snapshotting it at each size."""
    sizes = sorted(sizes)
    if any(size % PER_FOLDER for size in sizes):
        raise ValueError(f"sizes must be multiples of {PER_FOLDER}")
    root = pages_root(cache, sizes[-1])
    stores = cache / f"stores-v{GENERATOR_VERSION}"
    work = stores / "building"
    shutil.rmtree(stores, ignore_errors=True)
    store = Store(work)
    built: list[BuiltStore] = []
    done = imported = failed = 0
    seconds = 0.0
    for size in sizes:
        batch = folders(root, size)[done // PER_FOLDER:]
        say(f"importing stories {done:,}..{size:,}")
        start = time.perf_counter()
        report = import_paths(store, batch)
        seconds += time.perf_counter() - start
        imported += report.count("imported")
        failed += len(report.failed)
        done = size
        target = stores / str(size)
        shutil.copytree(work, target)
        built.append(BuiltStore(size, target, folders(root, size), imported, failed, seconds))
    shutil.rmtree(work, ignore_errors=True)
    return built


def add_user_state(folder: Path, seed: int = 7) -> dict[str, int]:
    """Tags on a share of the stories, some bookmarks and read marks (deterministic)."""
    store = Store(folder)
    rng = random.Random(seed)
    states: dict[str, StoryState] = {}
    for meta in sorted(store.stories(), key=lambda m: m.id):
        tags = tuple(rng.sample(TAGS, rng.randint(1, 3))) if rng.random() < TAGGED_SHARE else ()
        bookmarked, read = rng.random() < BOOKMARKED_SHARE, rng.random() < READ_SHARE
        if tags or bookmarked or read:
            states[meta.id] = StoryState(bookmarked, read, tags)
    store.user.change_each(states, lambda sid, _old: states[sid])
    return {"with_state": len(states), "tagged": sum(1 for s in states.values() if s.tags)}


def add_photos(folder: Path) -> dict[str, int]:
    """A photo for a share of the stories with a caption, kept and tied to the caption as the
    importer does for a saved page's photos (the text dumps themselves carry none)."""
    from dataclasses import replace

    from bench.corpus import photo_bytes, photo_number
    from broadsheet.store.storage.photos import PhotoStore, check_photo

    store = Store(folder)
    photos = PhotoStore(folder)
    digests: dict[int, str] = {}
    changed = []
    for meta in sorted(store.stories(), key=lambda m: m.id):
        number = photo_number(meta.id) if meta.images else None
        if number is None:
            continue
        if number not in digests:
            photo = check_photo(photo_bytes(number))
            photos.put(photo)
            digests[number] = photo.digest
        article = store.article_of(meta)
        article.images = [replace(article.images[0], photo=digests[number]), *article.images[1:]]
        changed.append((meta.id, article, meta.file, meta.parser))
    # Each keeps the parser that read it: with none, the reader would offer to read them again.
    store.add_identified([(sid, article, file) for sid, article, file, _ in changed],
                         parser=[parser for *_, parser in changed])
    return {"stories_with_photo": len(changed), "photos": len(digests)}


def tinydb_baseline(folder: Path, path: Path) -> Path:
    """The plain alternative: one TinyDB file (default JSONStorage) with every story and body."""
    from tinydb import TinyDB

    if path.exists():
        path.unlink()
    store = Store(folder)
    docs = []
    for meta in store.stories():
        article = store.article(meta.id)
        assert article is not None
        docs.append({"id": meta.id, **article.to_contract(), "bookmarked": False, "tags": []})
    db = TinyDB(path)
    db.insert_multiple(docs)
    db.close()
    return path


def disk_bytes(path: Path) -> int:
    """Bytes of the files under ``path`` (apparent sizes, so results do not depend on the file system)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())

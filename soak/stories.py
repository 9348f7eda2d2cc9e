"""Made-up source files for fault tests: good stories, with a bad file mixed in now and then."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from broadsheet.store.ingest.decode import DecodeError
from broadsheet.store.ingest.importer import read_article
from broadsheet.store.parse import ParseError

TOWNS = ("Lowmoor", "Altberg", "Fenwick", "Caddon", "Marrow Bay", "Ostley", "Pellingham", "Rookhurst")
THINGS = ("ferry timetable", "library extension", "harbour wall", "bus depot", "school roof", "market hall")
NAMES = ("Ada Quill", "Ben Wick", "Mia Berg", "Olli Saar", "Tom Reeve", "Kari Lund")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@dataclass(frozen=True, slots=True)
class Source:
    """One file in the pool: its path and, for a good file, the story it parses to."""

    path: Path
    story_id: str | None
    headline: str = ""
    body: tuple[str, ...] = ()


def story_text(n: int, rng: random.Random) -> str:
    """A plain-text news page that parses to one story (made up, never corpus text)."""
    town, thing, name = rng.choice(TOWNS), rng.choice(THINGS), rng.choice(NAMES)
    return (
        f"{town} council approves new {thing} plan number {n}\n\nBy {name}\n{(n % 28) + 1} March 2024\n\n"
        f"{town.upper()} - The council approved a plan on Tuesday to change the {thing} for the {n}th time,"
        " officials in the town hall told reporters after the meeting ended late on Tuesday evening.\n\n"
        "Residents said the change would help commuters who travel to the mainland each morning for work.\n\n"
        "The operator will publish the new times next month, a spokesperson said in a statement.\n"
    )


def write_pool(folder: Path, count: int, seed: int, bad_every: int = 10) -> list[Source]:
    """Write ``count`` source files (every ``bad_every``-th one unreadable) and parse the good ones."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    pool: list[Source] = []
    for n in range(count):
        path = folder / f"story-{n:05d}.txt"
        if bad_every and n % bad_every == bad_every - 1:
            path.write_bytes(PNG if n % 2 else b"")
        else:
            path.write_text(story_text(n, rng), encoding="utf-8")
        try:
            article, _note = read_article(path)
        except (DecodeError, ParseError):
            pool.append(Source(path, None))
        else:
            pool.append(Source(path, article.story_id, article.headline, tuple(article.body)))
    return pool

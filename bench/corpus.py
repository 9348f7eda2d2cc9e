"""Made-up saved news pages with the length and shape of real ones, deterministic by index.

Every story is a pure function of ``(GENERATOR_VERSION, index)``: the 1k set is the first
thousand of the 10k set, which is the first ten thousand of the 50k set, so one cached
folder serves all sizes. The words are invented (syllable pseudo-words drawn with a Zipf
law so common words are common and rare words rare); no text is copied from anywhere.

A page looks like a plain-text dump of a news page: the headline printed two or three
times, a ``by SOURCE<date>`` line, on most pages a photo caption with a ``NAME/AGENCY``
credit, 3 to 45 paragraphs (median about 13, some quotes, a wire dateline on a share of
them), on wire copy a ``(Reporting by ...; Editing by ...)`` line, then page furniture.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GENERATOR_VERSION = 5
PER_FOLDER = 1000
VOCABULARY = 12_000

_ONSETS = ["b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r", "s", "sh",
           "st", "t", "tr", "v", "w", "z"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "y"]
_CODAS = ["", "", "n", "r", "l", "s", "m", "th", "nd", "st", "ck", "x"]
_FUNCTION = [
    "the", "of", "and", "to", "in", "a", "that", "for", "on", "said", "was", "with", "by", "as", "at",
    "from", "is", "it", "has", "its", "have", "were", "be", "will", "but", "after", "an", "which", "who",
    "their", "not", "had", "this", "are", "more", "than", "also", "been", "over", "two", "would", "they",
    "new", "year", "about", "into", "last", "one", "up", "could", "three", "other", "when", "first",
    "there", "some", "out", "while", "our"
]
_FUNCTION_SET = frozenset(_FUNCTION)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_SECTIONS = ["Home", "World", "Business", "Markets", "Politics", "Sport", "Culture", "Science", "Health",
             "Opinion", "Video", "Podcasts", "Weather", "Travel", "Technology", "Climate", "Local", "Obituaries"]
_FURNITURE = ["Related Topics", "Most Read", "Share this article", "Advertisement", "Sign up for our newsletter",
              "Follow us on Facebook", "Listen Live", "Read more", "Privacy Policy", "All rights reserved"]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The invented language: common words, place names, people, outlets and agencies."""

    words: list[str]
    cum_weights: list[float]
    places: list[str]
    given: list[str]
    family: list[str]
    outlets: list[str]
    agencies: list[str]


def _pseudo_word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))


def _unique_words(rng: random.Random, count: int, taken: set[str], low: int, high: int) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        word = _pseudo_word(rng, rng.randint(low, high))
        if word not in taken and len(word) > 2:
            taken.add(word)
            out.append(word)
    return out


@cache
def lexicon() -> Lexicon:
    """The one lexicon of this generator version (built in about 0.1 s)."""
    rng = random.Random(f"broadsheet-bench-lexicon-{GENERATOR_VERSION}")
    taken = set(_FUNCTION)
    # Common words are short, as in real text: rank the invented words by length.
    words = _FUNCTION + sorted(_unique_words(rng, VOCABULARY - len(_FUNCTION), taken, 1, 3), key=len)
    cum_weights = list(itertools.accumulate(1.0 / (rank + 2) for rank in range(len(words))))
    cap = str.capitalize
    places = [w.upper() for w in _unique_words(rng, 300, taken, 2, 3)]
    given = [cap(w) for w in _unique_words(rng, 400, taken, 1, 2)]
    family = [cap(w) for w in _unique_words(rng, 800, taken, 2, 3)]
    outlets = [f"The {cap(w)} {kind}" for w, kind in
               zip(_unique_words(rng, 60, taken, 2, 3),
                   itertools.cycle(["Gazette", "Courier", "Herald", "Times", "Post", "Chronicle"]), strict=False)]
    agencies = [cap(w) + "wire" for w in _unique_words(rng, 6, taken, 1, 2)]
    return Lexicon(words, cum_weights, places, given, family, outlets, agencies)


def zipf_word(rank_fraction: float) -> str:
    """A word at a given depth of the frequency list (0.0 = most common), for search queries."""
    words = lexicon().words
    return words[min(len(words) - 1, int(rank_fraction * len(words)))]


class _Writer:
    """Writes one story from its own random stream."""

    def __init__(self, index: int) -> None:
        self.rng = random.Random(f"story-{GENERATOR_VERSION}-{index}")
        self.lex = lexicon()
        self.total = self.lex.cum_weights[-1]

    def words(self, n: int) -> list[str]:
        # One comprehension with local names (the generator's hot spot: about 60% of a page's
        # time); ``hi`` clamps as ``min(i, last)`` did, so the pages are the same as before.
        cum, words, draw, total = self.lex.cum_weights, self.lex.words, self.rng.random, self.total
        last, find = len(words) - 1, bisect.bisect
        return [words[find(cum, draw() * total, 0, last)] for _ in range(n)]

    def person(self) -> str:
        return f"{self.rng.choice(self.lex.given)} {self.rng.choice(self.lex.family)}"

    def sentence(self, low: int = 12, high: int = 32) -> str:
        rng = self.rng
        words = self.words(rng.randint(low, high))
        if rng.random() < 0.5:
            words[rng.randrange(1, len(words))] = rng.choice(self.lex.family)
        if rng.random() < 0.3:
            words[rng.randrange(1, len(words))] = rng.choice(self.lex.places).capitalize()
        if len(words) > 8 and rng.random() < 0.5:
            words[rng.randrange(3, len(words) - 2)] += ","
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return f"\u201c{self.sentence()[:-1]},\u201d {self.person()} said."
        return " ".join(self.sentence() for _ in range(rng.choice((1, 1, 2, 2, 3))))

    def date(self) -> tuple[int, int, int]:
        rng = self.rng
        return rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)


def story_text(index: int) -> str:
    """The saved page of story ``index``."""
    w = _Writer(index)
    rng, lex = w.rng, w.lex
    words = w.words(rng.randint(6, 13))
    while words[-1] in _FUNCTION_SET:
        words[-1] = lex.words[rng.randrange(len(_FUNCTION), 3000)]
    headline = " ".join(words).capitalize()
    if rng.random() < 0.6:
        headline = headline.replace(" ", f" {rng.choice(lex.places).capitalize()} ", 1)
    year, month, day = w.date()
    wire = rng.random() < 0.4
    agency = rng.choice(lex.agencies)
    outlet = rng.choice(lex.outlets)
    lines = [f"{headline} | {outlet}", *rng.sample(_SECTIONS, rng.randint(6, len(_SECTIONS))), "Search", "Sign in", ""]
    lines += [headline] * rng.choice((1, 2, 3))
    lines.append(f"by {outlet}{day} {_MONTHS[month - 1]} {year}")
    if rng.random() < 0.7:
        who = w.person().upper()
        lines.append(f"{w.sentence(10, 24)[:-1]}, {day} {_MONTHS[month - 1]} {year}. {who}/{agency}")
    lines.append("")
    paragraphs = [w.paragraph() for _ in range(max(3, min(45, round(rng.lognormvariate(2.6, 0.55)))))]
    if wire:
        paragraphs[0] = f"{rng.choice(lex.places)} ({agency}) - {paragraphs[0]}"
    for p in paragraphs:
        lines += [p, ""]
    if wire:
        credits = f"(Reporting by {w.person()}"
        if rng.random() < 0.4:
            credits += f"; additional reporting by {w.person()} and {w.person()}"
        credits += f"; Editing by {w.person()})"
        lines += [credits, ""]
    lines += rng.sample(_FURNITURE, rng.randint(2, 5))
    lines += ["", "Most Read", *(" ".join(w.words(rng.randint(6, 12))).capitalize() for _ in range(rng.randint(3, 8)))]
    lines += ["", *rng.sample(_SECTIONS, 8), f"\u00a9 {year} {outlet}. All rights reserved."]
    return "\n".join(lines) + "\n"


#: Photos: a share of the stories with a caption get one, drawn here (skies, sea, shapes and
#: grain, so they compress like photos: 40-60 KB JPEGs of 800 x 533). Past PHOTO_POOL the
#: pictures repeat, as agency photos do across stories; the store keeps each once by digest.
PHOTO_SHARE = 0.3
PHOTO_POOL = 600
PHOTO_SIZE = (800, 533)


def photo_bytes(number: int) -> bytes:
    """Photo ``number`` of the pool as JPEG bytes, the same in every run."""
    import io

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(f"photo-{GENERATOR_VERSION}-{number}")
    width, height = PHOTO_SIZE
    sky = tuple(rng.randint(60, 200) for _ in range(3))
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(image, Image.new("RGB", (width, height), sky), 0.7)
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(height // 3, height * 2 // 3)
    draw.rectangle((0, horizon, width, height), fill=tuple(rng.randint(10, 120) for _ in range(3)))
    for _ in range(rng.randint(4, 12)):
        x, y, size = rng.randrange(width), rng.randrange(height), rng.randint(20, 160)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + size, y + size * 2 // 3), fill=colour)
        else:
            draw.rectangle((x, y, x + size // 2, y + size), fill=colour)
    grain = Image.effect_noise((width // 2, height // 2), 32).resize((width, height)).convert("RGB")
    image = Image.blend(image.filter(ImageFilter.BoxBlur(1)), grain, 0.12)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()


def photo_number(key: str) -> int | None:
    """Which pool photo the story with ``key`` (its id) carries, or None for most stories."""
    rng = random.Random(f"photo-of-{GENERATOR_VERSION}-{key}")
    return rng.randrange(PHOTO_POOL) if rng.random() < PHOTO_SHARE else None


def story_path(root: Path, index: int) -> Path:
    return root / f"{index // PER_FOLDER:03d}" / f"{index:06d}.txt"


def folders(root: Path, count: int) -> list[Path]:
    """The folders holding stories ``0 .. count-1`` (count is a multiple of PER_FOLDER)."""
    return [root / f"{n:03d}" for n in range((count + PER_FOLDER - 1) // PER_FOLDER)]


def _write_range(args: tuple[str, int, int]) -> int:
    root, start, stop = Path(args[0]), args[1], args[2]
    for index in range(start, stop):
        path = story_path(root, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(story_text(index), encoding="utf-8")
    return stop - start


def ensure_pages(root: Path, count: int, jobs: int = 2, say: Callable[[str], None] | None = None) -> Path:
    """Make sure ``root`` holds pages ``0 .. count-1`` of this generator version; returns root.

    Whole folders of ``PER_FOLDER`` pages are written by ``jobs`` processes, each folder as
    it comes (nothing is held in memory), and marked done; a folder marked done is reused,
    so an interrupted run of a million pages resumes where it stopped. ``say`` hears progress.
    """
    root.mkdir(parents=True, exist_ok=True)
    todo = []
    for n, folder in enumerate(folders(root, count)):
        if not (folder / ".done").exists():
            todo.append((str(root), n * PER_FOLDER, (n + 1) * PER_FOLDER))
    if todo:
        from concurrent.futures import ProcessPoolExecutor

        if say:
            say(f"writing {len(todo) * PER_FOLDER:,} pages into {root}")
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for done, ((_, start, _stop), _written) in enumerate(zip(todo, pool.map(_write_range, todo),
                                                                      strict=True), 1):
                (story_path(root, start).parent / ".done").touch()
                if say and done % 100 == 0:
                    say(f"  {done * PER_FOLDER:,} of {len(todo) * PER_FOLDER:,} pages written")
    return root


def iter_texts(count: int) -> Iterator[str]:
    """The pages ``0 .. count-1`` as strings (for tests and direct store builds)."""
    return (story_text(i) for i in range(count))


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.corpus FOLDER COUNT``: write the first COUNT made-up pages into FOLDER
    (to import by hand, e.g. to look at a large store in the reader)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=main.__doc__)
    parser.add_argument("folder", type=Path, help="where the pages go (folders of 1,000; reused when there)")
    parser.add_argument("count", type=int, help="how many pages")
    parser.add_argument("--jobs", type=int, default=2, help="processes writing them (default 2)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("count must be at least 1")
    ensure_pages(args.folder, args.count, args.jobs, say=print)
    pages = len(folders(args.folder, args.count)) * PER_FOLDER  # whole folders
    print(f"{pages:,} pages in {args.folder} (in whole folders of {PER_FOLDER:,}): "
          f"`broadsheet import {args.folder}` imports them")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

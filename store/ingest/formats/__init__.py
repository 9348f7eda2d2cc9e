"""Input formats: each recognises its input by content and turns it into articles.

A format is a small reader (posting's ``importing/`` package is the model): ``sniff``
looks at the first bytes of a file, ``read`` yields one :class:`Item` per article it
holds, or per part that could not be read. One file may hold many articles (a feed, a
web archive) or one (a saved page, a text dump). :func:`read_source` picks the first
format that recognises a file; the importer and ``broadsheet parse`` both go through it,
so a new format plugs in by being added to :data:`FORMATS`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from broadsheet.store.ingest.decode import DEFAULT_MAX_BYTES, DecodeError
from broadsheet.store.ingest.gunzip import GZIP_MAGIC
from broadsheet.store.ingest.source import Source
from broadsheet.store.model import Article, human_size
from broadsheet.store.parse.types import ParseError
from broadsheet.store.storage.limits import fit_article
from broadsheet.store.storage.photos import Photo
from broadsheet.store.storage.userstate import StoryState


@dataclass(frozen=True, slots=True)
class Item:
    """One article read from an input, or the reason one part of it could not be read."""

    article: Article | None
    part: str = ""  # where in the input, for the summary: "" for a whole file, "record 12", "item 3"
    reason: str = ""  # why it failed (when ``article`` is None)
    note: str = ""  # something the user should know, e.g. "encoding guessed as cp1252"
    state: StoryState | None = None  # marks the input carries (a Broadsheet export, a newsboat cache)
    photos: tuple[Photo, ...] = ()  # checked photos the input carries, for the store to keep
    story_id: str | None = None  # the id the input gives it (a Broadsheet export), else the article's own
    # The feed's address the input says the story came from (a Broadsheet export), stored as the story's
    # source in place of the input's path, so a feed's story stays the feed's (its deletion remembered).
    file: str | None = None
    # Feed entries the input says its user deleted (a whole store's Broadsheet export, on its last
    # story): remembered by the import, so a fetch does not bring them back.
    deleted: tuple[str, ...] = ()
    # A feed file's entry: the address the feed names as its own ("" none), which tells whether
    # it is a subscribed feed (see store/feeds/filetitles.py); None for any other input.
    feed: str | None = None
    # A newsboat cache's item: its feed's address. Where that feed is subscribed, the story carries
    # the subscription's title, as a fetched one does (not the cache's, put back at every import).
    subscribed: str | None = None
    kind: int = 0  # the kind of parser that read it (store/ingest: TEXT_DUMP...), set by read_source
    # An input read whole that holds no story to store, which is no failure: a Broadsheet export of
    # none (its note says so), which may name feed entries deleted for the import to take in.
    # ``reason`` is what ``parse`` says of it; the import says ``note`` and counts it apart.
    no_story: bool = False
    # A note of the input as a whole, not of one story (a web archive's records skipped): ``note`` says
    # it, and it is no story and no failure. The import says it once, whatever became of the stories
    # (riding on the first, it went unsaid when that one was already present, or failed).
    input_note: bool = False

    @property
    def stored_id(self) -> str:
        """The id the story is stored under: the one the input gives it, else its article's own
        (the import stores it so, and ``repair`` finds it again so). An item with an article only."""
        assert self.article is not None
        return self.story_id or self.article.story_id


class Format(Protocol):
    """A kind of input: recognised by its content, read into items."""

    name: str
    kind: int  # the kind of parser that reads it (store/ingest: TEXT_DUMP, SAVED_PAGE, ENTRIES)

    def sniff(self, source: Source) -> bool:
        """True when ``source`` is of this format (look at ``source.head``, not the name)."""
        ...

    def read(self, source: Source) -> Iterator[Item]:
        """Every article of ``source``; a failure is an :class:`Item` with a reason, never an exception."""
        ...


#: The most paragraphs a story is stored with: the longest stories have a few hundred, a live blog's
#: page a few thousand. The reader lays out every paragraph of the story it opens (600,000 took it
#: half a minute and 1.2 GB), so a story of more keeps its first ones, whatever file it comes in.
MAX_PARAGRAPHS = 10_000

#: Formats that read a file over ``--max-size`` up to the limit (the others refuse it, or cap each record).
READ_UP_TO_LIMIT = frozenset({"HTML page", "MHTML page"})


def formats() -> list[Format]:
    """The formats in the order they are tried: the most specific first, the text dump last."""
    from broadsheet.store.ingest.formats.export import ExportFormat
    from broadsheet.store.ingest.formats.feed import FeedFormat
    from broadsheet.store.ingest.formats.gzipped import Gzipped
    from broadsheet.store.ingest.formats.html import HtmlPage
    from broadsheet.store.ingest.formats.mhtml import Mhtml
    from broadsheet.store.ingest.formats.newsboat import NewsboatCache
    from broadsheet.store.ingest.formats.refused import Refused
    from broadsheet.store.ingest.formats.text import TextDump
    from broadsheet.store.ingest.formats.warc import Warc

    # A newsboat cache before Refused (it is a binary file); feeds before HTML pages.
    return [ExportFormat(), Warc(), Mhtml(), NewsboatCache(), FeedFormat(), HtmlPage(), Gzipped(), Refused(),
            TextDump()]


FORMATS: list[Format] = formats()


def detect(source: Source) -> Format | None:
    return next((fmt for fmt in FORMATS if fmt.sniff(source)), None)


def read_source(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """The items of one file, whatever its format; never raises for a bad file.

    Runs in the importer's worker processes, where an exception would surface only at the
    parent (or break the pool), so anything unexpected becomes a failed item.
    """
    not_gzip = False
    try:
        source = Source.open(path, max_bytes)
        not_gzip = path.name.lower().endswith(".gz") and not source.head.startswith(GZIP_MAGIC)
        fmt = detect(source)
        if fmt is None:
            yield Item(None, reason="the file is empty")  # the text dump takes (or refuses) any other file
            return
        over = source.size > source.max_bytes and fmt.name in READ_UP_TO_LIMIT
        for item in fmt.read(source):
            if item.article is not None:
                item = within_paragraphs(replace(item, kind=item.kind or fmt.kind))
            elif over:  # "no article text found" of a page whose story is past the limit
                item = replace(item, reason=f"{item.reason} in its first {human_size(source.max_bytes)}: the file "
                                            f"of {human_size(source.size)} is over the "
                                            f"{human_size(source.max_bytes)} limit (see --max-size)")
            if not_gzip and item.article is None and not (item.part or item.no_story or item.input_note):  # failed
                item = replace(item, reason=_not_gzip(item.reason))
            yield item
    except (DecodeError, ParseError) as exc:
        yield Item(None, reason=_not_gzip(str(exc)) if not_gzip else str(exc))
    except Exception as exc:  # contract: one bad file never stops an import
        yield Item(None, reason=f"could not be read ({type(exc).__name__}: {exc})")


def _not_gzip(reason: str) -> str:
    """Why a file named ``.gz`` that holds no gzip data failed, read as what it holds ("looks binary"
    of a ``page.html.gz`` said nothing of its name)."""
    return f"not gzip-compressed, though named .gz; read as it is: {reason}"


def within_paragraphs(item: Item) -> Item:
    """``item`` with its story fitted to the export's limits (so its export imports back) and its first
    :data:`MAX_PARAGRAPHS` paragraphs, saying so where it changed. Before its id is taken from it, so
    the same input is the same story at every import."""
    if item.article is None:
        return item
    article, fitted = fit_article(item.article, MAX_PARAGRAPHS)
    if article is item.article:  # (not "no notes": a long entry key is replaced unsaid, and the id comes from it)
        return item
    return replace(item, article=article, note="; ".join([n for n in (item.note,) if n] + fitted))

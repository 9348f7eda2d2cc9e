"""Moving in from newsboat: its ``cache.db`` (items with read and flagged marks, and its feeds).

The cache is opened read-only (newsboat may be running). Items keep newsboat's identity,
``feedurl#guid``, the same key a subscription to that feed gives its entries, so fetching
the feed afterwards finds the stories already there instead of adding them twice.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from broadsheet.store.feeds.parse import Entry, item_article
from broadsheet.store.feeds.subscriptions import FeedAddressError, Subscription, Titles, check_url
from broadsheet.store.sanitize import clean_line
from broadsheet.store.storage.userstate import StoryState

SQLITE_MAGIC = b"SQLite format 3\x00"
#: The first bytes of SQLite's rollback journal (zeros once its transaction is done) and of its write-ahead log.
JOURNAL_MAGICS = (bytes.fromhex("d9d505f920a163d7"), bytes(8))
WAL_MAGICS = (bytes.fromhex("377f0682"), bytes.fromhex("377f0683"))
#: The first byte after a database's header: the type of its first page, a table's (interior, leaf).
TABLE_PAGES = (b"\x05", b"\x0d")


class CacheError(ValueError):
    """A file that is not a newsboat cache, or one that cannot be read.

    Its words are cleaned as imported text is: SQLite's own quote the file ("malformed database
    schema (NAME)" names a schema entry), and a name made of escape sequences retitled the window
    and wrote the clipboard of whoever printed the error."""

    def __init__(self, message: str) -> None:
        super().__init__(clean_line(message))


def is_cache(head: bytes) -> bool:
    """A newsboat cache by its first bytes: SQLite's mark and the names of its tables; or those
    tables' schema in a binary file whose mark is damaged (refused as "looks binary", it is said
    what it is when it cannot be opened): one whose first page goes on past the header as a
    database's does, with the type of its table page. Not the cache's journal, its write-ahead log
    or a tar of it, which hold the schema too (see ``sqlite_companion``)."""
    if b"rss_item" not in head or b"rss_feed" not in head:
        return False
    if head.startswith(SQLITE_MAGIC):
        return True
    return (b"\x00" in head[:100] and b"CREATE TABLE rss_item" in head and head[100:101] in TABLE_PAGES
            and sqlite_companion(head) is None)


def sqlite_companion(head: bytes) -> str | None:
    """What a file SQLite keeps beside a database is, by its first bytes (newsboat's
    ``cache.db-journal`` is left by a crash): its rollback journal, or its write-ahead log."""
    if head[:4] in WAL_MAGICS:
        return "a SQLite database's write-ahead log, not the database"
    # A journal's header: its mark, then its sector and page sizes at 20 and 24 (where a database's
    # header holds 0x00402020, and a damaged one anything: sizes both, powers of two, are a journal).
    sizes = [int.from_bytes(head[at:at + 4]) for at in (20, 24)]
    if head[:8] in JOURNAL_MAGICS and all(512 <= size <= 65536 and not size & (size - 1) for size in sizes):
        return "a SQLite database's rollback journal, not the database"
    return None


@dataclass(frozen=True, slots=True)
class CachedFeed:
    url: str
    title: str


#: What reading a cache may cost SQLite, in steps of its virtual machine: a real cache's tables
#: take under one step a byte of the file (about 18 an item), so a hundred a byte, and ten million
#: at least, is far past any; a file that needs more makes its rows as it is read (an endless view).
STEPS_PER_BYTE = 100
STEPS_AT_LEAST = 10_000_000
#: The longest value a cache may hold (a row, a text): an item's text is a feed entry's, and a
#: feed file may be 128 MB whole, so one value of 32 MB is none a real cache has.
VALUE_MAX = 32 * 1024 * 1024
_CHECK_EVERY = 10_000  # steps between two looks at the budget


class _Budget:
    """Counts a connection's steps and stops its statement past ``limit`` (SQLite raises "interrupted")."""

    def __init__(self, limit: int) -> None:
        self.limit, self.steps = limit, 0

    @property
    def spent(self) -> bool:
        return self.steps > self.limit

    def __call__(self) -> int:
        self.steps += _CHECK_EVERY
        return int(self.spent)


def _connect(path: Path) -> tuple[sqlite3.Connection, _Budget]:
    """The cache, read-only, bounded: sorting in memory, never in a file under /var/tmp; its
    statements stopped past a budget in proportion to its size; its tables checked (see _stored)."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        budget = _Budget(max(STEPS_AT_LEAST, STEPS_PER_BYTE * path.stat().st_size))
        db.set_progress_handler(budget, _CHECK_EVERY)
        db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, VALUE_MAX)
        db.execute("PRAGMA temp_store = MEMORY")
        db.execute("PRAGMA trusted_schema = OFF")  # no function with side effects called from its schema
    except (sqlite3.Error, OSError) as exc:
        raise CacheError(f"cannot open the newsboat cache ({exc})") from None
    try:
        _stored(db)
    except BaseException:
        db.close()
        raise
    return db, budget


def _stored(db: sqlite3.Connection) -> None:
    """Refuse a cache whose ``rss_feed`` or ``rss_item`` is not a stored table: a view (or a virtual
    table, or a column computed as it is read) makes rows as it is read, and one made endless
    (WITH RECURSIVE) ran the import forever, filling /var/tmp with SQLite's sort."""
    try:
        found = db.execute("SELECT lower(name), type, sql FROM sqlite_master "
                           "WHERE lower(name) IN ('rss_feed', 'rss_item') AND type IN ('table', 'view')").fetchall()
        for name, kind, sql in found:
            if kind == "view" or str(sql or "").lstrip().upper().startswith("CREATE VIRTUAL"):
                what = "a view" if kind == "view" else "a virtual table"
                raise CacheError(f"not a newsboat cache: its {name} is {what}, not a table")
            if any(row[-1] == 2 for row in db.execute(f"PRAGMA table_xinfo({name})")):  # GENERATED ... VIRTUAL
                raise CacheError(f"not a newsboat cache: its {name} has columns computed as they are read")
    except sqlite3.Error as exc:
        raise _damaged(exc) from None


def _damaged(exc: sqlite3.Error) -> CacheError:
    """Why SQLite could not read the cache, in words: "not a readable newsboat cache (file is not a
    database)" of a cache whose header was damaged said it was none."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_NOTADB:
        return CacheError("a newsboat cache whose SQLite header (its first 100 bytes) is damaged: it cannot be "
                          "opened")
    if code == sqlite3.SQLITE_CORRUPT:
        return CacheError(f"a damaged newsboat cache: SQLite cannot read it ({exc})")
    return CacheError(f"not a readable newsboat cache ({exc})")


def _unreadable(exc: sqlite3.Error, budget: _Budget) -> CacheError:
    """Why the cache could not be read, in words."""
    if budget.spent:
        return CacheError(f"not a newsboat cache: reading it took over {budget.limit:,} steps, more than any "
                          "cache of its size needs (its tables make rows as they are read)")
    return _damaged(exc)


def _text(value: object) -> str:
    """A cache column's value as text: a BLOB (newsboat writes TEXT, an edited or damaged cache may
    hold bytes) decoded as UTF-8 with replacement, not shown as ``b'\\x00\\xff'``; NULL as ""."""
    if not value:  # (as `str(value or "")` read it)
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def cached_feeds(path: Path) -> tuple[list[CachedFeed], list[str]]:
    """newsboat's feeds (address and title) and the ones left out with why."""
    feeds, problems = [], []
    db, budget = _connect(path)
    try:
        with closing(db):
            rows = db.execute("SELECT rssurl, title FROM rss_feed ORDER BY rowid").fetchall()
    except sqlite3.Error as exc:
        raise _unreadable(exc, budget) from None
    names = _own_titles(rows)
    for url, title in rows:
        kind = _text(url).split(":", 1)[0]
        if kind in ("exec", "filter", "query"):
            problems.append(f"{clean_line(_text(title) or _text(url))!r}: {kind}: feeds are newsboat's own "
                            "(not subscribed)")
            continue
        try:
            feeds.append(CachedFeed(check_url(_text(url)), names[_text(url)]))
        except FeedAddressError as exc:
            problems.append(str(exc))
    return feeds, problems


def _own_titles(rows: list[tuple[object, object]]) -> dict[str, str]:
    """Each feed's title, told apart from an earlier one's as subscriptions' are (see Titles):
    its items' source, and its subscription's title, so each feed keeps its own count."""
    names = Titles(())
    return {_text(url): names.own(Subscription(url=_text(url), key=_text(url)), clean_line(_text(title)))
            for url, title in rows}


ITEM_COLUMNS = ("guid", "title", "author", "url", "feedurl", "pubDate", "content", "unread", "enclosure_url",
                "enclosure_type", "flags", "deleted")
_ABSENT = {"unread": "1", "deleted": "0"}  # an older cache without the column: every item unread, none deleted


def _columns(db: sqlite3.Connection, wanted: tuple[str, ...]) -> str:
    """``wanted`` as a select list, each column the cache lacks as its empty value: older
    newsboat (and newsbeuter) caches have no ``flags`` or ``deleted``, and reading them failed."""
    have = {_text(row[1]).casefold() for row in db.execute("PRAGMA table_info(rss_item)")}
    if not have:
        raise sqlite3.OperationalError("no rss_item table")
    return ", ".join(name if name.casefold() in have else f"{_ABSENT.get(name, 'NULL')} AS {name}" for name in wanted)


def cached_items(path: Path) -> Iterator[tuple[Entry, StoryState, str]]:
    """Every item not deleted, as an entry with its marks (unread, flagged -> bookmarked) and its feed's address."""
    db, budget = _connect(path)
    try:
        with closing(db):
            titles = _own_titles(db.execute("SELECT rssurl, title FROM rss_feed ORDER BY rowid").fetchall())
            # deleted NULL: a damaged row (an empty one), left out without a word; it is said now.
            rows = db.execute(f"SELECT {_columns(db, ITEM_COLUMNS)} FROM rss_item "
                              "WHERE deleted = 0 OR deleted IS NULL ORDER BY id")
            for number, row in enumerate(rows, 1):
                guid, title, author, url, feed, when, content, unread, enclosure, kind, flags, _ = row
                entry = item_article(
                    number, _text(feed) or None, clean_line(titles.get(_text(feed), "")),
                    guid=_text(guid), link=_text(url), title=_text(title), html=_text(content),
                    text="", standfirst="", published=_published(when), authors=[_text(author)] if author else [],
                    enclosures=[(_text(enclosure), _text(kind))] if enclosure else [])
                yield entry, StoryState(bookmarked=bool(flags), read=not unread), _text(feed)
    except sqlite3.Error as exc:
        raise _unreadable(exc, budget) from None


def deleted_items(path: Path) -> set[str]:
    """The story ids of the items deleted in newsboat (kept in its cache, marked ``deleted``):
    remembered as deleted entries, or the first fetch of their feed brought them back as new."""
    ids: set[str] = set()
    db, budget = _connect(path)
    try:
        with closing(db):
            columns = _columns(db, ("guid", "title", "url", "feedurl", "deleted"))
            for guid, title, url, feed, _ in db.execute(
                    f"SELECT {columns} FROM rss_item WHERE deleted != 0 ORDER BY id"):
                if not guid and not url:
                    continue  # known by its content alone, which a feed's copy need not share
                entry = item_article(0, _text(feed) or None, "", guid=_text(guid), link=_text(url),
                                     title=_text(title) or "-", html="", text="", standfirst="", published="",
                                     authors=[], enclosures=[])
                if entry.article is not None:
                    ids.add(entry.article.story_id)
    except sqlite3.Error as exc:
        raise _unreadable(exc, budget) from None
    return ids


def _published(when: object) -> str:
    """An item's ``pubDate`` (seconds since 1970) as ISO text; "" for none, or one no date can be
    (a damaged row's year 3170843 stopped the import of every item after it)."""
    if not isinstance(when, int) or when <= 0:
        return ""
    try:
        return dt.datetime.fromtimestamp(when, dt.UTC).isoformat()
    except (ValueError, OverflowError, OSError):
        return ""

"""``broadsheet search`` (results for scripts) and ``broadsheet reindex`` (rebuild the index).

Story text is untrusted: it is always printed through :class:`rich.text.Text` or as JSON,
never interpreted as Rich markup.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from itertools import islice
from typing import TYPE_CHECKING

import orjson
from filelock import Timeout
from rich.console import Console
from rich.table import Table
from rich.text import Text

from broadsheet.cli.marks import print_rows
from broadsheet.cli.piped import print_table
from broadsheet.cli.safe import shown
from broadsheet.store.errors import remedy
from broadsheet.store.model import local_day
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.userstate import LazyStates

if TYPE_CHECKING:
    from broadsheet.store.search import SearchIndex

COMMANDS = {"search", "reindex"}
TABLE_ROWS = 1_000  # results shown as a table; more are printed a line each, as `list` prints


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:  # (argparse said "invalid _limit value")
        raise argparse.ArgumentTypeError(f"{text!r} is no number: 0 (no limit) or more") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (no limit) or more")
    return value


def add_parsers(commands: argparse._SubParsersAction) -> None:
    search = commands.add_parser(
        "search", help="search the stories (full text, for scripts)",
        description='Search the store. Query: words (all must match, AND may join them), "exact phrase", '
                    "-word or NOT word, OR or |, prefix* (the last word too, when no story holds it), parentheses "
                    "after -, NOT or a field (-(cafe OR bridge), "
                    "headline:(bridge OR cafe)); fields headline: standfirst: body: caption: by: author: credit: "
                    'source: agency: dateline: feed:"Title" tag: ; filters is:bookmarked|unread|read|new '
                    "after:YYYY-MM-DD before:YYYY-MM-DD sort:date|relevance.")
    search.add_argument("query", nargs="+", metavar="QUERY", help="the query (several arguments are joined)")
    search.add_argument("--json", action="store_true", help="one JSON object per result (JSON Lines)")
    search.add_argument("--limit", type=_limit, default=20, metavar="N", help="at most N results (default 20, 0: all)")
    commands.add_parser("reindex", help="rebuild the search index from the store")


#: The search options that take a value (``--limit N``): the next argument is not a query word.
VALUE_OPTIONS = ("--limit", "--store")


def words_last(argv: list[str]) -> list[str]:
    """``broadsheet`` arguments with the query words of ``search`` after a ``--``, so ``-word``
    (the query language's "leave out", as the README writes it) is a word and not an unknown option.

    Only the top-level ``--store DIR`` may come before the command. Arguments that start with
    ``--`` and ``-h`` stay options (``--json``, ``--limit 5``, a misspelt ``--jsn`` is still an error).
    """
    at = 0
    while at < len(argv) and argv[at].startswith("-") and argv[at] != "--":
        takes_value = "=" not in argv[at] and len(argv[at]) > 2 and "--store".startswith(argv[at])
        at += 2 if takes_value else 1
    if at >= len(argv) or argv[at] != "search":
        return argv
    options: list[str] = []
    words: list[str] = []
    rest = iter(argv[at + 1:])
    for arg in rest:
        if arg == "--":
            words.extend(rest)
        elif arg == "-h" or arg.startswith("--"):
            options.append(arg)
            if any(len(arg) > 2 and o.startswith(arg) for o in VALUE_OPTIONS):  # --limit, or its start
                options.extend(islice(rest, 1))
        else:
            words.append(arg)
    return [*argv[: at + 1], *options, "--", *words] if words else [*argv[: at + 1], *options]


def run(store: Store, args: argparse.Namespace) -> int:
    from broadsheet.store.feeds.latest import fresh_of, given_new
    from broadsheet.store.search import QueryError  # tantivy: not when the reader parses its arguments
    from broadsheet.store.search.query import parse_query

    out = Console(highlight=False, soft_wrap=False, markup=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
    if args.command == "reindex":
        return _reindex(store, err)

    def say(message: str) -> None:
        err.print(Text(message, style="yellow"))

    query = " ".join(args.query)
    if not query.strip():  # `search "$unset"`: the index's empty query is every story, which no script asked for
        err.print(Text("broadsheet: bad search: Nothing to search for: the query is empty (it never means every "
                       "story: `broadsheet list` lists them)", style="red"))
        return 2
    index = _opened_index(store, err, say)
    try:
        # marks read as a query needs them, stories found through the listing: as the reader does
        asked = given_new(parse_query(query), fresh_of(store))  # is:new: the latest fetch's stories
        result = index.run(asked, states=LazyStates(store.user), limit=args.limit or None)
    except QueryError as exc:
        err.print(Text(f"broadsheet: bad search: {shown(str(exc))}", style="red"))
        return 2
    catalogue = store.catalogue()
    found = (m for m in map(catalogue.get, result.ids) if m is not None)
    if args.json:  # a line a story, written in batches as found: 535,523 matches are never held at once
        print_rows(found, json=_json_line)
        sys.stdout.flush()
        return 0
    if len(result.ids) > TABLE_ROWS:  # a line a story, as `list` prints: a table of them all took GBs
        return _said_count(err, print_rows(found), result.total)
    metas = list(found)
    # A header in a terminal; piped, a line a story and nothing else, as `list` prints them.
    table = Table(box=None, show_header=out.is_terminal, header_style="bold", pad_edge=False)
    table.add_column("id", style="yellow", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("source", style="dim", no_wrap=True, max_width=24 if out.is_terminal else None)
    table.add_column("headline", overflow="fold")
    for m in metas:
        table.add_row(Text(m.id[:10]), Text(local_day(m.published)), Text(m.source or ""), Text(m.headline))
    if metas:
        print_table(out, table)  # to a pipe: a line a story, nothing cut or wrapped
    return _said_count(err, len(metas), result.total)


def _json_line(m: StoryMeta) -> str:
    return orjson.dumps({"id": m.id, "headline": m.headline, "published": m.published, "source": m.source,
                         "agency": m.agency, "authors": list(m.authors), "dateline": m.dateline}).decode() + "\n"


def _said_count(err: Console, shown_count: int, total: int) -> int:
    shown = f"{shown_count:,} of {total:,}" if total > shown_count else f"{total:,}"
    err.print(Text(f"{shown} {'story' if total == 1 else 'stories'}", style="dim"))
    return 0


def _opened_index(store: Store, err: Console, say: Callable[[str], None]) -> SearchIndex:
    """The store's search index, with a progress bar while it is rebuilt (an index from an older
    version at a million stories: minutes, where the terminal stayed blank), none otherwise."""
    from broadsheet.cli.progress import Bar
    from broadsheet.store.search import SearchIndex

    bars: list[Bar] = []  # made at the first progress: a search of a sound index draws none

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(Bar(err, "Indexing", unit="stories").__enter__())
        bars[0].update(done, total)

    try:
        return SearchIndex.open(store, on_message=say, on_progress=progress)
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


#: Seconds between tries of a reindex that found another process writing the index.
BUSY_POLL = 0.25


def _reindexed(store: Store, on_progress: Callable[[int, int], None]) -> SearchIndex:
    """``SearchIndex.reindex``, waited for as the store's lock is waited for (``store.lock.timeout``)
    while another process (an import) holds the index's writer: a traceback ended it at once.

    Each try takes and gives back the store's lock, which the import needs between its batches;
    waiting for the writer while holding it would stall both. Past the time, the filelock
    ``Timeout`` says the store is busy as every command says it (``broadsheet.cli.main``)."""
    from broadsheet.store.search import SearchIndex
    from broadsheet.store.search.engine import IndexBusy

    deadline = time.monotonic() + max(store.lock.timeout, 0.0)
    while True:
        try:
            return SearchIndex.reindex(store, on_progress=on_progress)
        except IndexBusy:
            if time.monotonic() >= deadline:
                raise Timeout(str(store.lock.lock_file)) from None
            time.sleep(BUSY_POLL)


def _reindex(store: Store, err: Console) -> int:
    from broadsheet.cli.progress import Bar  # rich.progress: not when the reader parses its arguments

    start = time.perf_counter()
    with Bar(err, "Indexing", unit="stories") as bar:
        try:
            index = _reindexed(store, bar.update)
        except Timeout:
            raise  # the store is busy: said as for every command (broadsheet.cli.main), not as an OSError below
        except OSError as exc:  # a full disk: the old index (if any) is left as it was
            err.print(Text(f"broadsheet: could not rebuild the search index ({shown(exc.strerror or str(exc))}); "
                           f"{remedy(exc.errno)} and run `broadsheet reindex` again", style="red"))
            return 1
    count = len(index)
    seconds = time.perf_counter() - start
    err.print(Text(f"Indexed {count:,} {'story' if count == 1 else 'stories'} in {seconds:.1f} s", style="green"))
    return 0

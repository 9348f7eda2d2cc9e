"""Command-line bookmarks, tags, listing and export (``broadsheet tag``, ``export``, ...)."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import compress, count, islice
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.control import strip_control_codes
from rich.table import Table
from rich.text import Text

from broadsheet.cli.piped import output_file, print_table
from broadsheet.cli.safe import shown
from broadsheet.store.errors import OutputError, StoreFileError
from broadsheet.store.model import local_day
from broadsheet.store.search.query import tag_key
from broadsheet.store.storage import markkeys
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.marksleft import left_note
from broadsheet.store.storage.userstate import (
    TAG_RULES,
    StoryState,
    TagError,
    normalise_tag,
    reworded_note,
    tags_given,
    tags_reworded,
)
from broadsheet.store.wording import command

if TYPE_CHECKING:
    from broadsheet.cli.progress import Bar

out = Console(highlight=False, soft_wrap=False, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
PRINT_BATCH = 1_000  # rows a print


def say_reworded(values: Iterable[str], spell: Callable[[str], str]) -> None:
    """Say on stderr which tags given (``a,b`` two) were kept otherwise than typed (lower-cased,
    cut short, ``spell``: as the tag there of its ``tag_key``): a later search or ``export --tag``
    by the name as given found nothing."""
    if reworded := tags_reworded((piece for value in values for piece in value.split(",")), spell):
        err.print(Text(f"broadsheet: tags kept {reworded_note(reworded)} ({TAG_RULES})", style="yellow"))


def add_parsers(commands: argparse._SubParsersAction) -> None:
    listing = commands.add_parser("list", help="list stories (id, date, source, headline)")
    listing.add_argument("--json", action="store_true", help="JSON Lines for scripts")
    for name, text in (("tag", "add tags to a story"), ("untag", "remove tags from a story")):
        cmd = commands.add_parser(name, help=text)
        cmd.add_argument("story", metavar="STORY", help="story id or a unique prefix of it")
        cmd.add_argument("tags", nargs="+", metavar="TAG", help="tags (`a,b` is two, as in the reader's tag editor)")
    for name, text in (("bookmark", "bookmark stories"), ("unbookmark", "remove bookmarks")):
        cmd = commands.add_parser(name, help=text)
        cmd.add_argument("stories", nargs="+", metavar="STORY",
                         help="story ids or unique prefixes of 4+ characters (see `broadsheet list`)")
    commands.add_parser("tags", help="every tag with its number of stories")
    commands.add_parser("bookmarks", help="the bookmarked stories")
    export = commands.add_parser("export", help="export stories as Markdown or JSON (JSON imports back)")
    export.add_argument("--tag", action="append", default=[], metavar="T",
                        help="only stories with this tag (given again: with every tag given)")
    export.add_argument("--bookmarked", action="store_true", help="only bookmarked stories")
    export.add_argument("--format", choices=("md", "json"), default=None,
                        help="md (Markdown) or json; default: json for an -o FILE ending in .json or .json.gz, else "
                             "md (a FILE ending in .gz is gzip-compressed)")
    export.add_argument("-o", "--output", metavar="FILE", type=output_file,
                        help="write to FILE instead of standard output (- is standard output)")


COMMANDS = {"list", "tag", "untag", "bookmark", "unbookmark", "tags", "bookmarks", "export"}


def _columns(meta: StoryMeta, whole: bool = False) -> tuple[str, str, str, str]:
    """A story's row as its four columns: id, date and source padded, then the headline. The date
    is the day in this machine's time zone, as the reader lists it (a feed's times are UTC, a
    saved page's its publisher's: the stored day of one can be the day before the reader's).
    The source is cut or padded to 20 cells in a terminal; ``whole`` (to a pipe) it is not, or
    ``list | grep "Long Feed Title"`` missed its stories."""
    source = meta.source or ""
    return (meta.id[:10], f"  {local_day(meta.published):<10}  ",
            f"{source:<20}  " if whole else set_cell_size(source, 20) + "  ",  # cells: accents and CJK too
            meta.headline)


def _row(meta: StoryMeta, whole: bool = False) -> Text:
    ident, date, source, headline = _columns(meta, whole)
    text = Text()
    text.append(ident, style="yellow")
    text.append(date)
    text.append(source, style="dim")
    text.append(headline)
    return text


def _plain_row(meta: StoryMeta, width: int | None) -> str:
    """:func:`_row` as Rich prints it without colours: cut to ``width`` cells with an ellipsis
    (``None``: whole, to a pipe or a file, where a cut headline is lost to grep). Rich took
    52 of the 61 s that a million rows took to a pipe."""
    line = strip_control_codes("".join(_columns(meta, whole=width is None)))
    if "\t" in line:  # to tab stops, as Rich does (a stored text has none: it is normalised)
        text = Text(line)
        text.expand_tabs()
        line = text.plain
    if width is not None and (len(line) > width or not line.isascii()) and cell_len(line) > width:
        return set_cell_size(line, width - 1) + "…"
    return line


def json_row(meta: StoryMeta) -> str:
    """A story as `list --json` prints it: one JSON object and a newline."""
    return orjson.dumps({"id": meta.id, "published": meta.published, "source": meta.source,
                         "headline": meta.headline}).decode() + "\n"


def print_rows(metas: Iterable[StoryMeta], *, json: Callable[[StoryMeta], str] | None = None) -> int:
    """One line a story (``json``: each as that JSON line), printed in batches (a print a row
    took 136 s for a million); returns how many were printed."""
    rows = iter(metas)
    printed = 0
    plain = out.color_system is None  # nothing to colour: the rows are cut as Rich cuts them, without it
    width = out.width if out.is_terminal else None  # asked once: Rich asks the terminal every time
    while batch := list(islice(rows, PRINT_BATCH)):
        if json is not None:
            sys.stdout.write("".join(map(json, batch)))
        elif plain:
            out.file.write("".join(_plain_row(m, width) + "\n" for m in batch))
        else:
            out.print(Text("\n").join(_row(m, whole=width is None) for m in batch), overflow="ellipsis", no_wrap=True,
                      crop=width is not None)
        printed += len(batch)
    return printed


def run(store: Store, args: argparse.Namespace) -> int:
    try:
        return _run(store, args)
    except LookupError as exc:
        err.print(Text(f"broadsheet: {shown(str(exc.args[0]))}", style="red"))
        return 2
    except TagError as exc:
        err.print(Text(f"broadsheet: {shown(str(exc))}", style="red"))
        return 2


def _run(store: Store, args: argparse.Namespace) -> int:
    command = args.command
    if command == "list":  # the reader's listing, a row at a time: a million stories are never held at once
        if not print_rows(store.catalogue(), json=json_row if args.json else None):
            err.print(Text("No stories yet.", style="dim"))  # (on stderr, as every "nothing": the rows stay clean)
        return 0
    if command in ("tag", "untag"):
        sid = store.resolve(args.story)
        tags = tags_given(args.tags, adding=command == "tag")  # "a,b" two tags, as the tag editor splits them
        had = store.user.get(sid).tags
        edited = store.user.edit_tags([sid], add=tags) if command == "tag" else store.user.edit_tags([sid], remove=tags)
        state = edited[sid]
        # soft_wrap: a line whole to a pipe (Rich broke it at a made-up 80 columns, and a script read half a tag)
        out.print(Text(f"{sid[:10]}: tags now {', '.join(state.tags) or '(none)'}"), soft_wrap=True)
        if command == "tag":
            say_reworded(args.tags, store.user.spelling())
        held = {tag_key(t) for t in had}  # "cafe" takes "café" off, as tag:cafe finds it
        absent = [t for t in dict.fromkeys(tags) if tag_key(t) not in held] if command == "untag" else []
        if absent:  # a typo ("trasport") must not pass for done, as `feeds remove` of no such feed does not
            err.print(Text(f"broadsheet: {sid[:10]} has no tag {', '.join(map(repr, absent))}", style="red"))
            return 1
        return 0
    if command in ("bookmark", "unbookmark"):
        return _bookmark(store, args.stories, command == "bookmark")
    if command == "tags":
        from broadsheet.store.reader.state import ReaderState

        reader = ReaderState(store)  # the sidebar's counts: kept per state file, no mark read
        reader.load()
        counts = reader.sidebar_counts()[1]
        table = Table.grid(padding=(0, 2))
        for tag, count in sorted(counts.items()):
            table.add_row(Text(str(count), justify="right"), Text(tag))
        if counts:
            print_table(out, table)
        else:
            err.print(Text("No tags yet.", style="dim"))
        return 0
    if command == "bookmarks":  # the bookmarked stories' rows, in the list's order
        if not print_rows(_bookmarked(store)):
            err.print(Text("No bookmarks yet.", style="dim"))
        return 0
    if command == "export":
        return _export(store, args)
    raise AssertionError(command)


def _bookmark(store: Store, refs: list[str], on: bool) -> int:
    """Bookmark (``on``) or unbookmark each story; one whose state file is damaged is left as it
    is and named at the end, and the others are changed (1: not all were). When none could be,
    the damaged file's error ends the command, as a mark on one story refused does (2)."""
    left: dict[str, StoreFileError] = {}
    changed = 0
    unmarked = 0  # unbookmarked stories that had no bookmark (as untag of a tag a story lacks: 1)
    ids = list(dict.fromkeys(store.resolve(ref) for ref in refs))  # every one known before any is changed, as rm
    for sid in ids:
        try:
            had = store.user.get(sid).bookmarked
        except StoreFileError:  # its state file is damaged: change_each below names it
            had = True
        store.user.change_each([sid], lambda _sid, s: StoryState(on, s.read, s.tags), left=left)
        if sid not in left:
            changed += 1
            if not on and not had:
                unmarked += 1
                err.print(Text(f"{sid[:10]}: not bookmarked", style="yellow"))
            else:
                out.print(Text(f"{sid[:10]}: {'bookmarked' if on else 'bookmark removed'}"), soft_wrap=True)
    if not left:
        return 1 if unmarked else 0
    if len(refs) > 1:  # (one story: the error says it all)
        verb = "bookmark" if on else "unbookmark"
        again = command(verb, "STORY")
        note = left_note(left, "not bookmarked" if on else "still bookmarked", f"{verb} {{it}} with `{again}`")
        err.print(Text(f"broadsheet: {note}", style="red"))
    if not changed:
        raise next(iter(left.values()))
    return 1


def _bookmarked(store: Store) -> Iterator[StoryMeta]:
    """The bookmarked stories in the list's order. Their keys come from the marks' index and
    their places from one pass over the list's keys, so each block of the list is read once:
    found by id, each from every state file, a million stories' 29,938 bookmarks took 5.7 s."""
    catalogue = store.catalogue()
    keys = markkeys.load(store.user)
    if keys is None:  # state files of an older layout: every mark read from them
        places = sorted(at for sid, state in store.user.each(skip_damaged=True)
                        if state.bookmarked and (at := catalogue.index_of(sid)) is not None)
        return (catalogue[at] for at in places)
    marked = set(keys.marks.get("bookmarked", ()))
    return (catalogue[at] for at in compress(count(), map(marked.__contains__, catalogue.keys())))


def _export(store: Store, args: argparse.Namespace) -> int:
    from broadsheet.cli.progress import Bar  # rich.progress: not when the reader parses its arguments

    if args.format is None:  # -o stories.json wrote Markdown, which imported as one garbled story
        named = Path(args.output.lower().removesuffix(".gz")) if args.output else None  # export.json.gz: JSON too
        args.format = "json" if named is not None and named.suffix == ".json" else "md"
    from broadsheet.store.search.query import tag_key, tag_keys

    states = store.user.all(skip_damaged=True)  # a damaged state file: its stories exported without marks
    # Compared as `tag:` compares them: `--tag cafe` finds the stories tagged "café" that `tag:cafe` lists.
    wanted = {tag_key(tag): tag for tag in map(normalise_tag, args.tag)}
    known = {tag for state in states.values() for tag in state.tags} if wanted else set()
    known_keys = {tag_key(tag) for tag in known}
    for key, tag in wanted.items():
        if key not in known_keys:  # an export of nothing, said to have gone well, hid a typo
            close = difflib.get_close_matches(tag, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            err.print(Text(f"broadsheet: no story has the tag {tag!r}{hint}; nothing exported", style="red"))
            return 1
    keep: set[str] | None = None
    total = len(store)
    if args.bookmarked or wanted:  # only stories with marks can match: found from the marks, no record read
        keep = {sid for sid, state in states.items()
                if (state.bookmarked or not args.bookmarked) and tag_keys(state.tags).issuperset(wanted)}
        total = len(keep)
    # No bar while the export itself goes to the terminal: the two would be drawn over each other.
    with Bar(err, "Exporting", unit="stories", total=total, quiet=not args.output and sys.stdout.isatty()) as bar:
        if args.output:
            return _write_export(store, args, keep, total, bar)
        return _print_export(store, args, keep, total, bar)


def _write_export(store: Store, args: argparse.Namespace, keep: set[str] | None, total: int, bar: Bar) -> int:
    # msgspec and the export schema load only to export: the reader's start parses these arguments
    from broadsheet.cli.main import stopped_cleanly
    from broadsheet.store.storage.export_file import PhotosNotWritten, write_export

    try:  # the photos go in a folder beside a file (not beside a pipe or a device: ``-o /dev/stdout``)
        with stopped_cleanly():  # a dropped SSH session leaves no temporary file beside the user's
            written = write_export(store, args.format, Path(args.output), keep=keep, total=total,
                                   on_photos=lambda done, of: bar.phase("Finding photos", done, of),
                                   on_progress=lambda done, of: bar.phase("Exporting", done, of))
    except PhotosNotWritten as exc:
        err.print(Text(f"broadsheet: cannot write the photos into {shown(str(exc.folder))}: {shown(exc.reason)}; "
                       "the export was not written", style="red"))
        return 1
    bar.progress.stop()  # gone before the summary
    count = written.stories
    err.print(Text(f"Exported {count:,} {'story' if count == 1 else 'stories'} to {args.output}{written.beside()}"))
    if fitted := written.fitted.said():
        err.print(Text(f"note: {fitted}"))
    return 0


def _print_export(store: Store, args: argparse.Namespace, keep: set[str] | None, total: int, bar: Bar) -> int:
    """The export on standard output; its photos are only counted (there is no folder to put them in)."""
    from broadsheet.store.storage.exchange import Fitted, export_chunks, story_photos

    photos = story_photos(store, keep, on_progress=lambda done, of: bar.phase("Finding photos", done, of))
    bar.phase("Exporting", 0, total)
    if photos:
        noun = "photo was" if len(photos) == 1 else "photos were"
        how = "linked" if args.format == "md" else "and its import reads them back"
        err.print(Text(f"{len(photos)} {noun} not written: with -o FILE they go beside it, {how}."))
    # Written as it is made: an export of any size holds one shard's stories.
    fitted = Fitted()
    try:
        sys.stdout.buffer.writelines(export_chunks(store, args.format, keep=keep, total=total, fitted=fitted,
                                                   on_progress=lambda done, of: bar.phase("Exporting", done, of)))
        sys.stdout.flush()
    except BrokenPipeError:  # `| head`: quiet (main)
        raise
    except OSError as exc:  # standard output is a file on a full disk, or past `ulimit -f`
        from broadsheet.cli.main import stdout_to_devnull

        stdout_to_devnull()
        err.print(Text(f"broadsheet: cannot write the export to standard output: "
                       f"{OutputError(Path('-'), exc).reason}; what was written there is incomplete", style="red"))
        return 1
    if said := fitted.said():
        err.print(Text(f"note: {said}"))
    return 0

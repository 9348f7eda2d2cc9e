"""What each ``broadsheet`` sub-command does, on top of ``store/``."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.text import Text

from broadsheet.cli.progress import Bar, update_addresses
from broadsheet.cli.safe import shown
from broadsheet.store.errors import NOT_WRITABLE, remedy
from broadsheet.store.ingest.decode import DecodeError, encoding_name
from broadsheet.store.ingest.importer import ImportReport, import_paths, missing, read_one
from broadsheet.store.model import human_size
from broadsheet.store.parse import explain_text
from broadsheet.store.sanitize import clean_line, clean_text
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.sourcepath import UNSHOWN, safe_text
from broadsheet.store.wording import counted

err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def parse_command(args: argparse.Namespace) -> int:
    """``parse --json``: the scoring contract; ``parse --explain``: each line's role and why."""
    status = 0
    out = sys.stdout
    for path in args.files:
        if args.json:
            # One line a file (the contract): a file of many stories gives its first, and says so.
            items = [item for item in read_one(path, args.max_size) if not item.input_note]
            first = next((item for item in items if item.article is not None), None)
            if first is not None and first is items[0]:
                row = {"file": os.fspath(path), **first.article.to_contract()}  # type: ignore[union-attr]
                if first.note:
                    row["note"] = first.note
            else:
                row = {"file": os.fspath(path), "error": items[0].reason if items else "no story found"}
                status = 1
            out.write(json_line(row) + "\n")
            if len(items) > 1:
                err.print(Text(f"{safe_text(path)} holds {len(items)} stories or parts: its line is the first "
                               "(`broadsheet import` stores them all; `parse --explain` lists them)", style="yellow"))
        else:
            status |= _explain(path, args.max_size)
    out.flush()
    return status


def json_line(row: dict[str, Any]) -> str:
    """``row`` as one line of JSON, its file name the path as given (the contract; it was the name
    as shown, ``a\\x1b.html``, no file's): JSON escapes its controls, and the characters a
    terminal must not be given and a name's bytes that are not UTF-8 (surrogates: orjson refuses
    them) are ``\\uXXXX`` escapes, which a JSON reader turns back into the name (Python's gives
    its bytes back with ``os.fsencode``)."""
    try:
        text = orjson.dumps(row).decode()
    except orjson.JSONEncodeError:
        text = json.dumps(row, ensure_ascii=True, separators=(",", ":"))
    return UNSHOWN.sub(lambda found: f"\\u{ord(found[0]):04x}", text)


def _explain(path: Path, max_size: int) -> int:
    from broadsheet.cli.piped import WIDE
    from broadsheet.store.ingest.decode import read_document
    from broadsheet.store.ingest.formats import detect
    from broadsheet.store.ingest.source import Source

    console = Console(highlight=False, markup=False)
    if not console.is_terminal:  # a line whole, its reason too, for grep (80 made-up columns cut them)
        console = Console(highlight=False, width=WIDE, color_system=None, markup=False)
    try:
        fmt = detect(Source.open(path, max_size))
    except DecodeError as exc:
        err.print(Text(f"{safe_text(path)}: {shown(str(exc))}", style="red"))
        return 1
    if fmt is not None and fmt.name not in ("text dump", "refused"):
        return _explain_other(console, path, fmt.name, max_size)
    try:
        decoded = read_document(path, max_size)
    except DecodeError as exc:
        err.print(Text(f"{safe_text(path)}: {shown(str(exc))}", style="red"))
        return 1
    how = (f"{encoding_name(decoded.encoding)}{', guessed' if decoded.guessed else ''}"
           f"{'; ' + decoded.note if decoded.damaged else ''}")
    console.print(Text(f"{safe_text(path)} ({how})", style="bold"))
    styles = {"headline": "bold", "body": "", "boilerplate": "dim", "caption": "cyan", "credit": "magenta",
              "byline": "green", "date": "green", "dateline": "yellow", "credits_line": "magenta",
              "standfirst": "italic", "blank": "dim"}
    for line in explain_text(clean_text(decoded.text)):
        if line.role == "blank":
            continue
        row = Text()
        row.append(f"{line.number:>5} ", style="dim")
        row.append(f"{line.role:<12} ", style=styles.get(line.role, "") or "bold")
        row.append(clean_line(line.text)[:100], style=styles.get(line.role, ""))
        row.append(f"  ({line.reason})", style="dim italic")
        console.print(row, overflow="ellipsis", no_wrap=True)
    return 0


def _explain_other(console: Console, path: Path, kind: str, max_size: int) -> int:
    """``--explain`` of a file that is not a text dump (an HTML page, a web archive...): its
    parser reads markup, not lines, so the line-by-line roles would be the text parser's
    guesses on raw markup. Says so, and shows what the importer finds in it instead."""
    from broadsheet.store.ingest.formats import read_source

    err.print(Text(f"{safe_text(path)} is read as: {kind}. --explain explains plain-text page dumps line by "
                   "line; here is what the importer finds in it instead (every field: parse --json).",
                   style="yellow"))
    status = 0
    for item in read_source(path, max_size):
        where = f" ({clean_line(item.part)})" if item.part else ""
        if item.input_note:
            err.print(Text(f"{safe_text(path)}: {clean_line(item.note)}", style="yellow"))
            continue
        if item.article is None:
            err.print(Text(f"{safe_text(path)}{where}: {clean_line(item.reason)}", style="red"))
            status = 1
            continue
        article = item.article
        console.print(Text(f"{safe_text(path)}{where}", style="bold"))
        rows = [("headline", article.headline), ("authors", ", ".join(article.authors)),
                ("published", str(article.published or "")),
                ("body", f"{counted(len(article.body), 'paragraph')}: {article.body[0] if article.body else ''}"),
                ("photos", str(len(article.images)) if article.images else ""), ("note", item.note)]
        for label, value in rows:
            if value:
                console.print(Text(f"  {label:<10} {clean_line(value)[:100]}"), overflow="ellipsis", no_wrap=True)
    return status


def import_command(store: Store, args: argparse.Namespace) -> int:
    from broadsheet.cli.feeds import finish_following, subscribe_newsboat_caches

    finish_following(store)
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")  # as the store stamps a story first stored
    report = run_import(store, args.paths, args.max_size)

    subscribe_newsboat_caches(store, args.paths, started)
    if report.interrupted:
        return 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
    if report.stopped:
        return 1
    return 1 if report.failed and len(report.failed) == report.total else 0


def run_import(store: Store, paths: list[Path], max_size: int, *, quiet: bool = False) -> ImportReport:
    """Import with a progress bar on stderr, then print the summary."""
    update_addresses(err, store, quiet=quiet)
    with Bar(err, "Importing", unit="files", quiet=quiet) as bar:
        report = import_paths(store, paths, max_bytes=max_size, on_total=bar.total, on_step=lambda _p: bar.advance())
    if not quiet:
        print_summary(report)
        if not report.total and not report.interrupted and not report.stopped:
            err.print(Text(f"No files found in {', '.join(shown(str(path)) for path in paths)}.", style="yellow"))
    return report


def print_summary(report: ImportReport) -> None:
    summary = Text()
    if report.interrupted:
        summary.append("Interrupted (Ctrl-C): ", style="yellow bold")
    summary.append(f"{report.count('imported')} imported", style="green bold")
    if report.count("updated"):
        summary.append(f", {report.count('updated')} updated")
    summary.append(f", {report.count('present')} already present, ")
    summary.append(f"{len(report.failed)} failed", style="red bold" if report.failed else "")
    err.print(summary)
    # A note many stories share (a web archive's 3,000 pages each naming a photo it does not hold) is
    # said once with how many, where its first story is: 3,000 lines of it hid every other.
    of_files = ("no story", "noted")  # a note of a whole file, not of a story
    noted = Counter((o.note, o.status in of_files) for o in report.outcomes if o.status != "failed" and o.note)
    for outcome in report.outcomes:
        if outcome.status == "failed":
            err.print(Text(f"  failed: {shown(outcome.path)}: {shown(outcome.reason)}", style="red"))
        elif outcome.note and (times := noted.pop((outcome.note, outcome.status in of_files), 0)) == 1:
            err.print(Text(f"  note: {shown(outcome.path)}: {shown(outcome.note)}", style="yellow"))
        elif outcome.note and times:  # the first of the note's outcomes: the others are left out
            unit = counted(times, "file") if outcome.status in of_files else counted(times, "story", "stories")
            err.print(Text(f"  note: {shown(outcome.note)}: {unit} (the first {shown(outcome.path)})", style="yellow"))
    if gone := report.entries_deleted:
        err.print(f"{counted(gone, 'feed entry', 'feed entries')} deleted before "
                  + ("stays deleted: fetch will not bring it back" if gone == 1
                     else "stay deleted: fetch will not bring them back"))
    elif (named := report.entries_named) and report.count("no story"):  # the file's all: said, not left silent
        err.print(f"Nothing new to take in: the {counted(named, 'deleted feed entry', 'deleted feed entries')} "
                  f"named {'was' if named == 1 else 'were'} known to this store already")
    if report.stopped:
        err.print(Text(f"Stopped: {shown(report.stopped)}.{stopped_with(report)} Files not reached were not "
                       f"imported; {remedy(report.stopped_errno)} and run the same import again (stories already "
                       f"stored are skipped{again_does(report)}).", style="red"))
    if report.interrupted:
        err.print(Text("Files not reached were not imported; run the same import again to finish (stories "
                       "already stored are skipped).", style="yellow"))
    if report.index_busy and (report.count("imported") or report.count("updated")):
        err.print(Text("The search index was not updated: another broadsheet was writing it. The stories are "
                       "stored, and the index catches up with them on its next use (a search, the reader).",
                       style="yellow"))
    elif report.index_problem and (report.count("imported") or report.count("updated")):
        err.print(Text(f"The search index could not be updated ({shown(report.index_problem)}); the stories are "
                       "stored. Searching catches up when there is room, or run `broadsheet reindex`.",
                       style="yellow"))


def stopped_with(report: ImportReport) -> str:
    """What a stopped import left half done of the stories it counted imported (a full disk at
    their listing or their marks): they are stored, and were left out of the count."""
    said = ""
    if n := report.unlisted:
        said += (f" The last {counted(n, 'story', 'stories')} imported {'is' if n == 1 else 'are'} stored, but "
                 "the store's directory could not list them: the store lists them when it is next opened "
                 "with room to write (until then a look-up by id misses them).")
    if n := report.marks_unsaved:
        said += f" The marks (tags, bookmarks, read) of the last {counted(n, 'story', 'stories')} could not be saved."
    return said


def again_does(report: ImportReport) -> str:
    """What importing the same files again finishes of what :func:`stopped_with` said."""
    does = [what for what, left in (("lists those not listed", report.unlisted),
                                    ("saves the marks not saved", report.marks_unsaved)) if left]
    return f"; it {' and '.join(does)}" if does else ""


def config_command(args: argparse.Namespace) -> int:
    from broadsheet.config import config_path, load_config

    if args.action is None:  # (argparse said "required: action", naming neither)
        err.print(Text("broadsheet config: say which: `broadsheet config path` prints where the config file is, "
                       "`broadsheet config check` reports problems in it", style="red"))
        return 2
    path = config_path()
    if args.action == "path":
        print(path)
        return 0
    config = load_config(path)  # the keymap is checked there too (tui/keymap.py)
    from textual.theme import BUILTIN_THEMES  # the reader's themes (it registers none of its own)

    if config.theme and config.theme not in BUILTIN_THEMES:  # the reader says so too, as it starts
        config.problems.append(f"{path}: unknown theme {config.theme!r} (the default is used); the themes are "
                               f"{', '.join(sorted(BUILTIN_THEMES))}")
    for problem in [*config.problems, *config.notes]:
        err.print(Text(problem, style="yellow"))
    from broadsheet.tui.keymap import UNKNOWN_ID, binding_ids

    if any(UNKNOWN_ID in problem for problem in config.problems):
        err.print(Text(f"The binding ids: {', '.join(sorted(binding_ids()))}"))
    if not config.problems and not config.notes:
        err.print(Text(f"{path}: OK" if path.exists() else f"{path}: not created yet (defaults apply)"))
    return 1 if config.problems else 0  # a note of a key applied is no failure


def serve_command(args: argparse.Namespace, folder: Path) -> int:
    """Serve the reader in a browser through textual-serve (each visitor gets a reader process)."""
    import os
    import shlex
    import socket
    import tempfile

    try:
        from textual_serve.server import Server
    except ImportError:
        # Into the environment broadsheet runs from (there is no "broadsheet" on PyPI to name):
        # not installed is something missing, 1, not a wrong command line, 2.
        err.print(Text(f"broadsheet serve needs textual-serve: {shlex.quote(sys.executable)} -m pip install "
                       "'textual-serve>=1.1' (or install broadsheet with its extra: pip install '.[serve]')",
                       style="red"))
        return 1
    from broadsheet.cli.served_page import offline_templates

    try:  # said before textual-serve's banner, which told the address it then could not listen on
        with socket.create_server((args.host, args.port)):
            pass
    except OSError as exc:
        # A bind's own words ("Address already in use"), or the resolver's for a host it cannot find
        # (os.strerror of its negative number is "Unknown error -2").
        why = os.strerror(exc.errno) if exc.errno and exc.errno > 0 and not isinstance(exc, socket.gaierror) \
            else (exc.strerror or str(exc)).split(" (while attempting")[0]
        err.print(Text(f"broadsheet serve: cannot listen on {shown(args.host)}:{args.port} ({shown(why)})",
                       style="red"))
        return 1
    command = shlex.join([sys.executable, "-m", "broadsheet", "--store", str(folder), "run"])
    with tempfile.TemporaryDirectory(prefix="broadsheet-serve-") as templates:  # the page without Google Fonts
        Server(command, host=args.host, port=args.port, title="Broadsheet",
               templates_path=offline_templates(Path(templates))).serve()
    return 0


#: Failures whose remedy (store.errors.remedy) is the user's to give: permission, space.
FIXABLE = NOT_WRITABLE | {errno.ENOSPC, errno.EDQUOT}


def repair_command(folder: Path, sources: list[Path]) -> int:
    """``repair``: rebuild damaged store files; 0 when nothing was lost, 1 when something was."""
    from broadsheet.store.storage.repair import PASS_UNITS, repair_store

    gone = [(path, why) for path in sources if (why := missing(path))]
    for path, why in gone:  # (a mistyped one was passed over without a word)
        err.print(Text(f"broadsheet repair: {shown(str(path))}: {why}; no stories are read from it", style="red"))
    try:
        with Bar(err, "Checking", unit="files", units=PASS_UNITS) as bar:
            report = repair_store(folder, sources, on_progress=bar.phase)
    except OSError as exc:  # a read-only or full store: not done (1), as the other commands' writes say it
        what = f"; {remedy(exc.errno)} and run `broadsheet repair` again" if exc.errno in FIXABLE else ""
        err.print(Text(f"broadsheet repair: {shown(str(exc))}{what}", style="red"))
        return 1
    except KeyboardInterrupt:
        err.print(Text("Interrupted (Ctrl-C): every file repaired so far is whole; run `broadsheet repair` again to "
                       "finish (it also rebuilds the search index).", style="yellow"))
        return 130
    if report.temps_removed:
        err.print(f"removed {report.temps_removed} temporary file(s) left by an interrupted writer")
    if report.unnamed_photos[0]:
        count, size = report.unnamed_photos
        err.print(f"removed {counted(count, 'photo')} no story names, {human_size(size)}")
    if report.healthy:
        err.print(Text(f"{folder}: no damaged files", style="green"))
        return 1 if gone else 0
    for line in report.damaged:
        err.print(Text(f"damaged: {line}", style="red"))
    for line in report.actions:
        err.print(Text(f"rebuilt: {line}", style="green"))
    for line in report.removed:
        err.print(Text(f"removed: {line}", style="green"))
    for line in report.lost:
        err.print(Text(f"could not rebuild: {line}", style="yellow"))
    return 1 if report.lost or gone else 0

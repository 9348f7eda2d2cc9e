"""Fixing what went wrong: ``broadsheet rm`` (delete stories) and ``broadsheet reparse``."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from broadsheet.cli.safe import shown
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.marksleft import marks_left_note, unfinished_note
from broadsheet.store.wording import n_stories

out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

COMMANDS = {"rm", "reparse"}


def add_parsers(commands: argparse._SubParsersAction) -> None:
    rm = commands.add_parser(
        "rm", help="delete stories (with their marks and search entries)",
        description="Delete stories at once, without asking: their record, text, marks and search entry. There "
                    "is no undo here (the reader's `u` undoes only its own deletes); importing a story's file again "
                    "brings it back without its tags and marks, and `broadsheet export --format json -o FILE` "
                    "first keeps a copy that imports back whole.")
    rm.add_argument("stories", nargs="+", metavar="STORY", help="story ids or unique prefixes (see `broadsheet list`)")
    reparse = commands.add_parser("reparse", help="read stories' source files again with today's parser")
    which = reparse.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true",
                       help="every story imported from a file (stories fetched from feeds are skipped: "
                            "`broadsheet fetch` reads them again)")
    which.add_argument("--stale", action="store_true",
                       help="stories made by an older version of their kind's parser (text dump, saved page)")
    which.add_argument("stories", nargs="*", default=[], metavar="STORY",
                       help="story ids or unique prefixes (see `broadsheet list`), instead of --all or --stale")


def run(store: Store, args: argparse.Namespace) -> int:
    if args.command == "rm":
        return _rm(store, args.stories)
    try:
        ids = [store.resolve(ref) for ref in args.stories]
    except LookupError as exc:
        err.print(Text(f"broadsheet: {shown(str(exc.args[0]))}", style="red"))
        return 2
    return _reparse(store, args, ids)


def _rm(store: Store, refs: list[str]) -> int:
    """Delete the stories ``refs`` name. Those deleted already are named and the others deleted (as
    ``rm`` of files does; the first alone was named, as unknown, and nothing deleted); an id that
    names no story ever stored (mistyped, ambiguous) deletes nothing."""
    ids: list[str] = []
    unknown: dict[str, str] = {}
    for ref in refs:
        try:
            ids.append(store.resolve(ref))
        except LookupError as exc:
            unknown[ref] = exc.args[0]
    earlier = store.deleted_ids(unknown) if unknown else {}
    before = list(dict.fromkeys(earlier.values()))
    if mistaken := [why for ref, why in unknown.items() if ref not in earlier]:
        for why in mistaken:
            err.print(Text(f"broadsheet: {shown(why)}", style="red"))
        if before:
            err.print(Text(f"broadsheet: deleted already: {', '.join(sid[:10] for sid in before)}"))
        err.print(Text("broadsheet: nothing was deleted", style="red"))
        return 2
    headlines = {sid: meta.headline for sid in ids if (meta := store.meta(sid)) is not None}
    deleted = store.delete(ids)
    _sync_index(store)
    for sid in deleted.ids:
        out.print(Text.assemble(("deleted ", "red"), (sid[:10], "yellow"), "  ", headlines.get(sid, "")))
    if deleted.marks_left:  # deleted as asked: the damaged file is said, not the end of the command
        err.print(Text(f"broadsheet: {marks_left_note(deleted.marks_left)}", style="yellow"))
    if deleted.unfinished is not None:  # deleted, and finished by the next command: said, exit 1
        err.print(Text(f"broadsheet: {unfinished_note(deleted.unfinished)}", style="yellow"))
    if before:
        err.print(Text(f"broadsheet: {n_stories(len(before))} {'was' if len(before) == 1 else 'were'} deleted "
                       f"already, before this command: {', '.join(sid[:10] for sid in before)}", style="yellow"))
    if unread := [sid for sid in dict.fromkeys(ids) if sid not in deleted.records]:
        # Listed, but with no record to delete (its metadata file lost): exit 0 in silence said it was done.
        err.print(Text(f"broadsheet: not deleted, no record of {', '.join(sid[:10] for sid in unread)} could be "
                       "read: run `broadsheet repair`", style="red"))
        return 1
    return 1 if before or deleted.unfinished is not None else 0


def _reparse(store: Store, args: argparse.Namespace, ids: list[str]) -> int:
    from broadsheet.cli.main import stopped_cleanly
    from broadsheet.cli.progress import Bar, update_addresses  # rich.progress: not when the reader parses its arguments
    from broadsheet.store.ingest.reparse import reparse, stale

    if args.all:
        ids = [meta.id for meta in store.stories()]
    elif args.stale:
        ids = stale(store)
    if ids:  # the one-time address step with its own bar, not silently inside the first batch
        update_addresses(err, store)
    # A dropped SSH session or a kill ends it as Ctrl-C would, the bar put away and the parse
    # workers stopped; the batch it cut off in is finished by the next broadsheet (reparsing.json).
    with stopped_cleanly(), Bar(err, "Re-reading", unit="stories", total=len(ids)) as bar:
        report = reparse(store, ids, on_step=bar.advance)
    moved = sum(1 for o in report.outcomes if o.status == "updated" and o.new_id != o.story_id)
    summary = Text(f"{report.count('updated')} re-read with changes ({moved} under a new id, marks kept), "
                   f"{report.count('unchanged')} unchanged, ")
    if report.count("skipped"):
        summary.append(f"{report.count('skipped')} skipped (fetched from feeds: `broadsheet fetch` reads them again), ")
    summary.append(f"{report.count('failed')} failed", style="red bold" if report.count("failed") else "")
    err.print(summary)
    for outcome in report.outcomes:
        if outcome.status == "failed":
            err.print(Text(f"  failed: {outcome.story_id[:10]}: {outcome.reason}", style="red"))
    return 1 if report.count("failed") else 0


def _sync_index(store: Store) -> None:
    """Opening the index drops what the store no longer holds (never fails the command)."""
    try:
        from broadsheet.store.search import SearchIndex

        SearchIndex.open(store)
    except Exception:  # the next open catches up
        pass

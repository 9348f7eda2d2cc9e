"""``broadsheet feeds ...`` (subscriptions) and ``broadsheet fetch`` (download them)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from broadsheet.cli.piped import output_file, plain_columns, print_table
from broadsheet.cli.safe import shown
from broadsheet.store.errors import StoreWriteError, remedy
from broadsheet.store.feeds.subscriptions import (
    FeedAddressError,
    Subscription,
    Subscriptions,
    already_subscribed,
    check_url,
    feed_scheme_note,
    without_password,
)
from broadsheet.store.model import normal_url
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.limits import cut_line
from broadsheet.store.storage.sourcepath import path_text
from broadsheet.store.wording import command, counted, n_stories

out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
COMMANDS = {"feeds", "fetch"}


def add_parsers(commands: argparse._SubParsersAction) -> None:
    feeds = commands.add_parser("feeds", help="subscriptions: add, list, remove, rename, import, export")
    actions = feeds.add_subparsers(dest="feeds_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="subscribe to feeds (RSS, Atom, JSON Feed addresses)")
    add.add_argument("urls", nargs="+", metavar="URL", help="the feeds' addresses (http or https)")
    add.add_argument("--tag", action="append", default=[], metavar="T", help="give this tag to the feed's stories")
    add.add_argument("--full", action="store_true",
                     help="the feed carries only summaries: fetch each new entry's article page")
    listing = actions.add_parser("list", help="every feed with its unread stories, those the latest fetch added, "
                                              "and health")
    listing.add_argument("--json", action="store_true", help="JSON Lines for scripts")
    remove = actions.add_parser("remove", help="unsubscribe (the stories stay)")
    remove.add_argument("feeds", nargs="+", metavar="FEED", help="address, id or title")
    rename = actions.add_parser("rename", help="give a feed a title of your own (its stories stored take it too)")
    rename.add_argument("feed", metavar="FEED", help="address, id or title")
    rename.add_argument("title", metavar="TITLE", help="the new title")
    imp = actions.add_parser("import", help="subscribe to the feeds of an OPML file, a newsboat urls file or "
                                            "newsboat's cache.db")
    imp.add_argument("file", type=Path, metavar="FILE", help="an OPML file, newsboat's urls file or its cache.db")
    export = actions.add_parser("export", help="the subscriptions as OPML (or newsboat's urls file)")
    export.add_argument("--format", choices=("opml", "urls"), default="opml",
                        help="opml (default), or urls: newsboat's urls file with tags and titles")
    export.add_argument("-o", "--output", metavar="FILE", type=output_file,
                        help="write to FILE instead of standard output (- is standard output)")
    fetch = commands.add_parser("fetch", help="download subscribed feeds and store their new stories")
    fetch.add_argument("feeds", nargs="*", metavar="FEED", help="address, id or title (default: every feed)")
    fetch.add_argument("--quiet", action="store_true", help="print only failures (for cron)")
    fetch.add_argument("--retry-photos", action="store_true",
                       help="download again the photos of the entries fetched that failed for good before "
                            "(not found, not an image, too large): by default not asked again for a week")


def run(store: Store, args: argparse.Namespace) -> int:
    subs = Subscriptions(store)
    if args.command == "fetch":
        return fetch_command(store, subs, args.feeds, args.quiet, args.retry_photos)
    action = args.feeds_action
    if action == "add":
        return add_command(subs, args.urls, args.tag, args.full)
    if action == "list":
        return list_command(store, subs, args.json)
    if action == "remove":
        return remove_command(subs, args.feeds)
    if action == "rename":
        return rename_command(subs, args.feed, args.title)
    if action == "import":
        return import_command(subs, args.file)
    return export_command(subs, args.output, args.format)


def add_command(subs: Subscriptions, urls: list[str], given: list[str], full: bool) -> int:
    from broadsheet.store.storage.userstate import TagError, tags_given

    try:  # "news,tech" two tags, as `tag` splits them; an empty one refused, not dropped without a word
        tags = tags_given(given)
    except TagError as exc:
        err.print(Text(f"broadsheet: --tag {shown(str(exc))}; nothing was added", style="red"))
        return 2
    good: list[str] = []
    status = 0
    for url in urls:
        try:
            checked = check_url(url)
        except FeedAddressError as exc:
            err.print(Text(f"not added: {shown(str(exc))}", style="red"))
            status = 1
            continue
        good.append(checked)
        if note := feed_scheme_note(url, checked):
            err.print(Text(shown(note)))
    before = {sub.id: sub for sub in subs.all()}
    added, present = subs.add(good, tags, full)
    again = {sub.id for sub in subs.ask_again(present)}  # a gone (410) feed subscribed again: fetched again
    if added or present:  # the tags were given to them
        from broadsheet.cli.marks import say_reworded

        say_reworded(given, subs.store.user.spelling())
    for sub in added:
        err.print(Text(f"added {shown(without_password(sub.url))}", style="green"))
    for sub in present:
        was = before.get(sub.id, sub)  # (not there before: an address given twice)
        err.print(Text(shown(already_subscribed(sub, bool(tags), full and not was.full, was.url != sub.url))))
        if sub.id in again:
            err.print(Text("  it was marked gone (410): asked again, `broadsheet fetch` fetches it", style="yellow"))
    if added:
        err.print(f"Run `broadsheet fetch` to download {'it' if len(added) == 1 else 'them'}.")
    return status


def feed_counts(store: Store, feeds: list[Subscription]) -> dict[str, tuple[int, int]]:
    """(stories, unread) per subscription id, as the reader's sidebar counts them: from the
    listing's stories per source and the read marks counted per source (a feed's stories carry
    its title as their source, compared as ``feed:"Title"`` compares it), so no story is read
    (reading every one took 40 s at a million)."""
    return _feed_counts(store, feeds)[0]


def _feed_counts(store: Store, feeds: list[Subscription]) -> tuple[dict[str, tuple[int, int]], dict[str, int]]:
    """:func:`feed_counts`, and the stories the latest fetch added per subscription id (the
    reader's "New", ``is:new``), from its few ids."""
    from broadsheet.store.reader.state import ReaderState

    reader = ReaderState(store)
    reader.load()
    counts = reader.feed_counts()
    return {sub.id: counts.of(sub.title) for sub in feeds}, reader.new_counts()[1]


LIST_COLUMNS = ("feed", "unread", "new", "stories", "tags", "health")


def list_command(store: Store, subs: Subscriptions, as_json: bool) -> int:
    feeds = subs.all()
    counts, new = _feed_counts(store, feeds)
    if as_json:
        for sub in feeds:
            stories, unread = counts[sub.id]
            row = {"id": sub.id, "url": without_password(sub.url), "title": sub.title, "tags": sub.tags,
                   "full": sub.full, "stories": stories, "unread": unread, "new": new.get(sub.id, 0),
                   "health": sub.health,
                   "last_fetch": sub.last_fetch or None, "last_error": sub.last_error or None,
                   "errors_in_a_row": sub.errors}
            sys.stdout.write(orjson.dumps(row).decode() + "\n")
        return 0
    if not feeds:
        err.print("No subscriptions. Add one with `broadsheet feeds add URL` or `broadsheet feeds import FILE`.")
        return 0
    rows = []  # each feed, its address beside its title (a password in it not shown: the list is shared, pasted)
    for sub in feeds:
        counted_stories, counted_unread = counts[sub.id]
        rows.append((sub, without_password(sub.url) if sub.title else "", str(counted_unread),
                     str(new.get(sub.id, 0)), str(counted_stories), ", ".join(sub.tags)))
    if not out.is_terminal:  # a line a feed, its address beside its title (Rich laid 50,000 out in 17 s)
        lines = plain_columns([LIST_COLUMNS, *((sub.shown_name + (f"  {address}" if address else ""), *numbers, tags,
                                                sub.health) for sub, address, *numbers, tags in rows)], right=(1, 2, 3))
        if lines is not None:
            out.file.write("".join(line + "\n" for line in lines))
            return 0
    table = Table(box=None, pad_edge=False)
    for name in LIST_COLUMNS:
        table.add_column(name, justify="right" if name in ("unread", "new", "stories") else "left",
                         overflow="fold" if name in ("feed", "health") else "ellipsis")
    beside = "\n" if out.is_terminal else "  "  # under its title in a terminal
    for sub, address, *numbers, tags in rows:
        health = Text(sub.health, style="green" if sub.health == "ok" else "red" if sub.errors else "yellow")
        label = Text(sub.shown_name)
        if address:
            label.append(beside + address, style="dim")
        table.add_row(label, *numbers, Text(tags), health)
    print_table(out, table)
    return 0


def remove_command(subs: Subscriptions, refs: list[str]) -> int:
    """Unsubscribe; every FEED is looked up first, and one unknown or ambiguous removes none (2),
    as `rm` and `bookmark` do with story ids."""
    found, status = [], 0
    for ref in refs:
        matched = subs.matching(ref)
        if not matched:
            err.print(Text(f"no subscription '{shown(ref)}' (see `broadsheet feeds list`)", style="red"))
            status = 2
        elif len(matched) > 1:  # not a guess at which one: removing the wrong feed loses its history
            addresses = ", ".join(shown(sub.url) for sub in matched)
            err.print(Text(f"{len(matched)} subscriptions are titled '{shown(ref)}': give the address of the one "
                           f"to remove ({addresses})", style="red"))
            status = 2
        else:
            found += matched
    if status:
        err.print(Text("Nothing was removed.", style="red"))
        return status
    from broadsheet.store.feeds.feedstories import unsubscribe

    retitled = unsubscribe(subs.store, found)
    for sub in found:
        err.print(Text(f"removed {shown(sub.shown_name)} (its stories stay)"))
    for sub, before in retitled:
        err.print(Text(f"{shown(before)} is {shown(sub.title)} again, its stories too"))
    return status


def rename_command(subs: Subscriptions, ref: str, title: str) -> int:
    """Give the feed ``ref`` the title ``title``, its stories already stored too (see
    :func:`~broadsheet.store.feeds.feedstories.rename_feed`); one unknown or ambiguous, or a title
    refused, renames nothing (2)."""
    from broadsheet.cli.progress import update_addresses  # rich.progress: not when the reader parses its arguments
    from broadsheet.store.feeds.feedstories import rename_feed
    from broadsheet.store.feeds.subscriptions import FeedTitleError

    matched = subs.matching(ref)
    if len(matched) != 1:
        said = (f"no subscription '{shown(ref)}' (see `broadsheet feeds list`)" if not matched else
                f"{len(matched)} subscriptions are titled '{shown(ref)}': give the address of the one to rename "
                f"({', '.join(shown(without_password(sub.url)) for sub in matched)})")
        err.print(Text(f"{said}. Nothing was renamed.", style="red"))
        return 2
    finish_following(subs.store)  # an import or rename cut short: its stories first
    update_addresses(err, subs.store)  # retitling writes stories: the store's one-time step, with its bar
    try:
        renamed, count = rename_feed(subs.store, matched[0], title)
    except FeedTitleError as exc:
        err.print(Text(f"not renamed: {shown(str(exc))}", style="red"))
        return 2
    stories = f"; {n_stories(count)} already stored now {'carries' if count == 1 else 'carry'} it" if count else ""
    err.print(Text(f"renamed {shown(matched[0].shown_name)} to {shown(renamed.title)}{stories}"))
    return 0


def import_command(subs: Subscriptions, path: Path) -> int:
    from broadsheet.store.feeds.newsboat import CacheError, cached_feeds, is_cache
    from broadsheet.store.feeds.opml import FeedListError, read_feed_list
    from broadsheet.store.feeds.parse import FeedError, gunzipped
    from broadsheet.store.ingest.formats.feed import FEED_FILE_MAX

    finish_following(subs.store)
    try:
        data = path.read_bytes()
    except OSError as exc:
        err.print(Text(f"{shown(str(path))}: cannot read ({shown(exc.strerror or str(exc))})", style="red"))
        return 2
    try:
        data = gunzipped(data, FEED_FILE_MAX)  # a feeds.opml.gz
    except FeedError as exc:
        err.print(Text(f"{shown(str(path))}: {shown(str(exc))}", style="red"))
        return 2
    changed: list[tuple[Subscription, list[str], list[str]]] = []
    repeated = 0  # feeds the file lists again
    notes: list[str] = []  # what the file gives that is taken otherwise than written
    if is_cache(data[:65536]):
        try:
            cached, problems = cached_feeds(path)
        except CacheError as exc:
            err.print(Text(f"{shown(str(path))}: {shown(str(exc))}", style="red"))
            return 2
        added, present = subs.add([f.url for f in cached], titles={f.url: f.title for f in cached})
    else:
        try:
            listed = read_feed_list(data)
        except FeedListError as exc:
            err.print(Text(f"{shown(str(path))}: {shown(str(exc))}", style="red"))
            return 2
        problems, repeated, notes = listed.problems, listed.repeated, listed.notes
        if not listed.feeds and not problems:  # an empty file, or one of comments: "0 feeds added", exit 0
            err.print(Text(f"{shown(str(path))}: names no feed (an OPML file's outlines with an xmlUrl, or a "
                           "urls file's lines that are addresses)", style="red"))
            return 1
        before = {sub.id: sub for sub in subs.all()}
        added, present = subs.add([f.url for f in listed.feeds], titles={f.url: f.title for f in listed.feeds},
                                  tags_of={f.url: f.tags for f in listed.feeds},
                                  renames={f.url: f.title for f in listed.feeds if f.chosen},
                                  full_of=[f.url for f in listed.feeds if f.full],
                                  sites={f.url: f.site for f in listed.feeds if f.site},
                                  folder_of={f.url: f.folder for f in listed.feeds if f.folder})
        for sub in [*added, *present]:
            old = before.get(sub.id, Subscription(sub.url))
            # Only the tags the feed did not have: one the user took off a story is not put back.
            changed.append((sub, [tag for tag in sub.tags if tag not in old.tags], [old.title]))
    err.print(Text(f"{counted(len(added), 'feed')} added, {len(present)} already subscribed, {len(problems)} left out"
                   + (f", {repeated} repeated in the file" if repeated else ""), style="bold"))
    for problem in problems:
        err.print(Text(f"  left out: {shown(problem)}", style="yellow"))
    for note in notes:
        err.print(Text(f"  note: {shown(note)}", style="yellow"))
    untagged = follow_feeds(subs.store, changed)
    return 1 if untagged or (problems and not added and not present) else 0


def follow_feeds(store: Store, feeds: list[tuple[Subscription, list[str], list[str]]], file: str | None = None,
                 new_since: str | None = None) -> int:
    """Give stories already stored the tags their feed was given and its title, as fetch gives
    them to its new ones; each feed with its new tags and the titles its stories may carry.
    ``new_since``: tags go only to the stories first stored since then (a cache imported
    again does not put back a tag the user took off one of its stories). How many stories
    could not be tagged (their state file is damaged: each is named, the others are tagged)."""
    from broadsheet.cli.progress import update_addresses  # rich.progress: not when the reader parses its arguments
    from broadsheet.store.feeds.feedstories import (
        done_following,
        feed_stories,
        note_following,
        retitle_stories,
        tag_stories,
    )
    from broadsheet.store.feeds.untagged import untagged_note

    feeds = [(sub, tags, names) for sub, tags, names in feeds
             if tags or any(name and name != sub.title for name in names)]
    if not feeds:
        return 0
    update_addresses(err, store)  # retitling writes stories: the store's one-time step, with its bar
    note_following(store, feeds, file, new_since)  # done again by the next import if this one is cut short
    stories = feed_stories(store, [(sub, [*names, sub.title]) for sub, _, names in feeds], file)
    tagged, untagged = tag_stories(store, [([m for m in stories[sub.id] if new_since is None
                                             or m.imported >= new_since], tags) for sub, tags, _ in feeds])
    retitled = retitle_stories(store, [(stories[sub.id], sub.title) for sub, _, _ in feeds if sub.title])
    if tagged:
        err.print(f"{n_stories(tagged)} already stored given "
                  f"{'its' if tagged == 1 else 'their'} feed's tags")
    if retitled:
        err.print(f"{n_stories(retitled)} already stored now "
                  f"{'carries its' if retitled == 1 else 'carry their'} feed's title")
    for sub, tags, _ in feeds:  # (done: a later import would not tag them either while the file is damaged)
        mine = {meta.id: untagged[meta.id] for meta in stories[sub.id] if meta.id in untagged}
        if mine:
            err.print(Text(f"untagged   {shown(sub.shown_name)}: {shown(untagged_note(mine, tags))}", style="red"))
    done_following(store)
    return len(untagged)


def finish_following(store: Store) -> None:
    """Make the stories' changes a feed list or cache import cut short did not make."""
    from broadsheet.store.feeds.feedstories import done_following, following_left

    left = following_left(store)
    if left is None:
        return
    feeds, file, new_since = left
    err.print("Finishing the last feeds import or rename (it was cut short)")
    follow_feeds(store, feeds, file, new_since)
    done_following(store)  # (when none was left to do, follow_feeds has not)


def subscribe_newsboat_caches(store: Store, paths: list[Path], started: str) -> None:
    """After ``broadsheet import ~/.newsboat/cache.db`` (begun at ``started``, an ISO time):
    its feeds become subscriptions too."""
    from broadsheet.store.feeds.newsboat import CacheError, cached_feeds, deleted_items, is_cache

    for path in paths:
        try:
            with open(path, "rb") as handle:
                head = handle.read(65536)
        except OSError:
            continue
        if not is_cache(head):
            continue
        try:
            cached, problems = cached_feeds(path)
        except CacheError:
            continue  # the import summary already says why the file could not be read
        added, present = Subscriptions(store).add([f.url for f in cached], titles={f.url: f.title for f in cached})
        err.print(f"{counted(len(added), 'feed')} of the newsboat cache added as "
                  + ("a subscription" if len(added) == 1 else "subscriptions")
                  + (f", {len(present):,} subscribed already" if present else "") + " (see `broadsheet feeds list`)")
        titled = {normal_url(f.url): f.title for f in cached}  # the source newsboat's items carry
        # The feeds a urls file imported before tagged and titled ("~Name"): their stories too.
        # And a new feed told apart from one subscribed before ("Gazette (gazette.example)"):
        # its items were stored under the cache's title, the other feed's.
        follow_feeds(store, [(sub, sub.tags, [titled.get(normal_url(sub.url), "")]) for sub in present]
                     + [(sub, [], [titled.get(normal_url(sub.url), "")]) for sub in added],
                     path_text(path), new_since=started)
        for problem in problems:  # (their items were imported all the same)
            err.print(Text(f"  left out: {shown(problem)}", style="yellow"))
        try:
            gone = store.remember_deleted_entries(deleted_items(path))
        except CacheError:
            continue
        if gone:
            err.print(f"{counted(gone, 'item')} deleted in newsboat "
                      + ("stays deleted: fetch will not bring it back" if gone == 1
                         else "stay deleted: fetch will not bring them back"))


def export_command(subs: Subscriptions, output: str | None, form: str = "opml") -> int:
    from broadsheet.store.feeds.opml import write_opml, write_urls
    from broadsheet.store.storage.atomic import write_output

    data = write_opml(subs.all()) if form == "opml" else write_urls(subs.all()).encode("utf-8")
    if output:
        write_output(Path(output), lambda handle: handle.write(data))
        err.print(f"wrote {counted(len(subs.all()), 'feed')} to {shown(output)}")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def fetch_command(store: Store, subs: Subscriptions, refs: list[str], quiet: bool, retry_photos: bool = False) -> int:
    from broadsheet.cli.progress import Bar, update_addresses  # rich.progress: not when the reader parses its arguments
    from broadsheet.config import fetch_settings, load_config
    from broadsheet.store.feeds.fetch import FetchBusy, fetch
    from broadsheet.store.feeds.summary import feed_notes, summarize
    from broadsheet.store.feeds.untagged import untagged_note

    finish_following(store)
    chosen: list[Subscription] | None = None
    if refs:
        chosen = []
        for ref in refs:
            matched = subs.matching(ref)  # a title two feeds share fetches both
            if not matched:
                err.print(Text(f"no subscription '{shown(ref)}' (see `broadsheet feeds list`)", style="red"))
                return 2
            chosen += [sub for sub in matched if sub not in chosen]
    elif not subs.all():
        err.print("No subscriptions to fetch. Add one with `broadsheet feeds add URL`.")
        return 0
    total = len(chosen) if chosen is not None else len(subs.all())
    update_addresses(err, store, quiet=quiet)
    with Bar(err, "Fetching", unit="feeds", total=total, quiet=quiet, detail=True) as bar:

        def step(done: int, total: int, name: str) -> None:
            bar.update(done, total)
            bar.detail(shown(name)[:40])

        try:
            config = load_config()
            for problem in config.fetch_problems:  # a [feeds] value refused was used as its default unsaid
                err.print(Text(f"broadsheet fetch: {shown(problem)}", style="yellow"))
            settings = fetch_settings(config, retry_photos=retry_photos)  # as the reader's F fetches
            report = fetch(store, chosen, settings, on_progress=step)
        except FetchBusy as exc:
            err.print(Text(f"broadsheet fetch: {shown(str(exc))}", style="red"))
            return 3
        except StoreWriteError as exc:  # the store cannot be written (read-only, the disk full): as `import` says it
            err.print(Text(f"broadsheet fetch: stopped: {shown(str(exc))}. To fetch, {remedy(exc.errno)} and run "
                           "`broadsheet fetch` again.", style="red"))
            return 1
    for result in report.results:
        name = shown(result.sub.shown_name)
        if result.failed:
            line = Text(f"failed     {name}: {shown(result.reason)}", style="red")
            if result.sub.gone:
                line.append(f"\n           unsubscribe with: {command('feeds', 'remove', result.sub.id)}",
                            style="yellow")
            err.print(line)
        elif quiet and (result.moved_to or result.same_as):  # the subscriptions changed: said to cron too
            said = f"moved for good to {without_password(result.moved_to)}: the subscription follows it" \
                if result.moved_to else result.reason
            err.print(Text(f"{'moved' if result.moved_to else 'merged':<10} {name}: {shown(said)}", style="yellow"))
        elif not quiet and not result.waited:  # (its host said once, below)
            if result.outcome == "skipped":
                err.print(Text(f"skipped    {name}: {shown(result.reason)}", style="yellow"))
                continue
            if result.outcome == "unchanged":  # no counts of nothing: the word in the counts' place
                line = Text(" " * len("   0 new    0 updated  ")).append("unchanged  ", style="dim")
            else:
                line = Text(f"{result.new:>4} new  {result.updated:>3} updated  " + " " * len("unchanged  "))
            line.append(name)
            if result.moved_to:
                line.append(f" (moved to {shown(without_password(result.moved_to))})", style="yellow")
            if result.skipped_entries:
                left = counted(result.skipped_entries, "entry", "entries")
                line.append(f" ({left} without title, text or link left out)", style="dim")
            for note in feed_notes(result):
                line.append(f"\n           {shown(note)}", style="yellow")
            times = Counter(note for _, note in result.cut)  # a note many share said once, as an import says it
            firsts: dict[str, str] = {}
            for headline, note in result.cut:
                firsts.setdefault(note, cut_line(headline, 100))  # (a cut one has 2,000 characters still)
            for note, headline in firsts.items():
                said = f"{headline}: {note}" if times[note] == 1 else \
                    f"{note}: {counted(times[note], 'story', 'stories')} (the first {headline})"
                line.append(f"\n           {shown(said)}", style="yellow")
            err.print(line)
        if result.untagged:  # as a failure: said with --quiet too (a later fetch does not tag them)
            note = untagged_note(result.untagged, result.sub.tags)
            err.print(Text(f"untagged   {shown(result.sub.shown_name)}: {shown(note)}", style="red"))
    for said in report.hosts_said if not quiet else ():
        err.print(Text(f"skipped    {shown(said)}", style="yellow"))
    summary = summarize(report, photos_downloaded=retry_photos)  # the counts the reader's F says too
    if not quiet or summary.failing:
        err.print(Text(shown(summary.counts), style="bold red" if summary.failing else "bold"))
    if summary.stopped:  # what was stored, and what the next fetch does
        err.print(Text(shown(summary.stopped), style="red"))
    if report.ctrl_c:
        left = (f"; {counted(report.interrupted, 'feed')} not fetched or not all stored. Run `broadsheet fetch` "
                f"again for {'it' if report.interrupted == 1 else 'them'}" if report.interrupted
                else ", every feed had been fetched")
        err.print(Text(f"Interrupted (Ctrl-C): the stories counted above are stored{left}.", style="yellow"))
        return 130
    return 1 if summary.failing else 0

"""What a fetch did, in the words `broadsheet fetch` ends with and the reader's F shows.

Both built their own summary and told different things: the reader named no feed that failed
nor why, the command counted neither feeds unchanged, skipped nor merged, pages not read, stories
cut nor damaged feeds. :func:`summarize` is the one account: a line of counts both say, each
feed with something to tell by name (the reader's notice; the command says the same per feed
in its listing, from :func:`feed_notes`), and what a full disk left undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from broadsheet.store.feeds.fetch import FeedResult, FetchReport, reasons_note
from broadsheet.store.feeds.parse import malformed_note
from broadsheet.store.feeds.photos import photo_note
from broadsheet.store.feeds.subscriptions import without_password
from broadsheet.store.feeds.untagged import untagged_note
from broadsheet.store.wording import counted, n_stories

Level = Literal["information", "warning", "error"]
MOST_FEEDS = 5  # feeds named in the reader's notice; `broadsheet fetch` lists every one
#: Said of stories a fetch changed to be stored (limits.fit_article: a headline cut, a paragraph split...).
FITTED = "changed to fit the store's limits"


@dataclass(frozen=True, slots=True)
class FetchSummary:
    #: Every count: ``3 new, 1 updated from 5 feeds (1 unchanged); 1 failed; 2 photos not kept``.
    counts: str
    #: Each feed that failed, was skipped, moved or has something to say, by name, with why; each
    #: host that asked to wait, once.
    feeds: tuple[str, ...]
    #: What a full disk stopped, and that the next fetch does the rest ("" when nothing stopped it).
    stopped: str
    #: A feed failed, a story was not given its feed's tags or storing stopped: exit status 1, said in red.
    failing: bool
    level: Level
    #: Something arrived or went wrong: the reader's automatic refresh speaks only then.
    news: bool
    #: The feeds that brought new stories, most first (``New: Quay Notes 3, Valley Courier 1``): the
    #: reader's notice says it, where `broadsheet fetch` has a line per feed ("" when none did).
    fresh: str = ""

    @property
    def text(self) -> str:
        """The counts, then each feed named on a line of its own, then what was left undone."""
        return "\n".join([self.counts, *([self.fresh] if self.fresh else []), *self.feeds,
                          *([self.stopped] if self.stopped else [])])


def summarize(report: FetchReport, photos_downloaded: bool = False) -> FetchSummary:
    """The account of ``report`` (``photos_downloaded``: say how many photos came back, as
    ``fetch --retry-photos`` asks)."""
    results = report.results
    unchanged = sum(r.outcome == "unchanged" for r in results)
    skipped = sum(r.outcome == "skipped" for r in results)
    untagged, failed = report.untagged, len(report.failed)
    photos = sum(len(r.photo_problems) for r in results)
    pages = sum(len(r.page_problems) for r in results)
    cut = sum(len(r.cut) for r in results)
    left_out = report.total("skipped_entries")
    damaged = sum(bool(r.malformed) for r in results)
    counts = (f"{report.total('new')} new, {report.total('updated')} updated from {counted(len(results), 'feed')}"
              + (f" ({unchanged} unchanged)" if unchanged else "") + f"; {failed} failed"
              + (f"; {skipped} skipped" if skipped else "")
              + (f"; {n_stories(untagged)} not given {_its(untagged)} feed's tags" if untagged else "")
              + (f"; {counted(photos, 'photo')} not kept" if photos else "")
              + (f"; {counted(pages, 'article page')} not read" if pages else "")
              + (f"; {n_stories(cut)} {FITTED}" if cut else "")
              + (f"; {counted(left_out, 'entry', 'entries')} without title, text or link left out" if left_out else "")
              + (f"; the XML of {counted(damaged, 'feed')} damaged" if damaged else "")
              + (f"; {counted(report.photos_downloaded, 'photo')} downloaded" if photos_downloaded else ""))
    told = [said for r in sorted(results, key=_first) if (said := feed_said(r))] + report.hosts_said
    if len(told) > MOST_FEEDS:
        hidden = [r for r in sorted(results, key=_first) if feed_said(r)][MOST_FEEDS - 1:]
        down = sum(r.failed for r in hidden)
        where = f"{down} failed, marked ! in the sidebar; " if down else ""
        told[MOST_FEEDS - 1:] = [f"and {len(told) - MOST_FEEDS + 1} other feeds ({where}`broadsheet fetch` names each)"]
    stopped = stopped_note(report)
    failing = bool(failed or untagged or stopped)
    merged = any(r.same_as or r.moved_to for r in results)  # the subscriptions changed: said once
    return FetchSummary(
        counts, tuple(told), stopped, failing,
        "error" if stopped else "warning" if failing or damaged else "information",
        bool(report.total("new") or report.total("updated") or failing or damaged or merged), fresh_note(results))


def fresh_note(results: list[FeedResult]) -> str:
    """The feeds that brought new stories, most first, up to :data:`MOST_FEEDS` by name (the
    sidebar's "New" lists their stories, and marks each feed's row with how many)."""
    brought = sorted((r for r in results if r.new), key=lambda r: -r.new)
    named = [f"{r.sub.shown_name} {r.new:,}" for r in brought[:MOST_FEEDS]]
    more = len(brought) - len(named)
    return f"New: {', '.join(named)}" + (f" and {counted(more, 'other feed')}" if more else "") if named else ""


def feed_notes(result: FeedResult) -> list[str]:
    """What is said of a stored feed below its counts: damaged XML read leniently, how else it was
    read (an encoding it is not in), article pages not read, photos not kept, each with why."""
    notes = [malformed_note(result.malformed), *result.notes,
             reasons_note(result.page_problems, "article page", "article pages", "not read (the feed's text kept)"),
             photo_note(result.photo_problems)]
    return [note for note in notes if note]


def feed_said(result: FeedResult) -> str:
    """A feed by name with what befell it (``Valley Courier failed: not found (404)``), or "" for
    one fetched with nothing to tell beyond its counts."""
    name = result.sub.shown_name
    if result.waited:  # said once for its host (FetchReport.hosts_said)
        return ""
    if result.outcome in ("failed", "skipped"):
        return f"{name} {result.outcome}: {result.reason}"
    parts = [f"moved to {without_password(result.moved_to)}"] if result.moved_to else []
    if result.skipped_entries:
        parts.append(f"{counted(result.skipped_entries, 'entry', 'entries')} without title, text or link left out")
    parts += feed_notes(result)
    if result.cut:
        parts.append(reasons_note([note for _, note in result.cut], "story", "stories", FITTED))
    if result.untagged:
        parts.append(untagged_note(result.untagged, result.sub.tags))
    return f"{name}: {'; '.join(parts)}" if parts else ""


def stopped_note(report: FetchReport) -> str:
    """What a fetch that could not write the store (the disk is full) stored and left undone,
    and that the next fetch does the rest; empty when nothing stopped it."""
    error = report.store_error
    if error is None:
        return ""
    stored = report.total("new") + report.total("updated")
    left = [f"the feed's tags of {n_stories(report.tags_left)} not all written"] if report.tags_left else []
    unstored = [r.sub.shown_name for r in report.results if r.not_stored]
    if unstored:
        left.append(f"the entries of {', '.join(unstored[:3])}{' and others' if len(unstored) > 3 else ''} "
                    "not all stored")
    if not report.feeds_saved:
        left.append("the feeds' ETags not saved (the next fetch downloads them whole)")
    return (f"Storing stopped: cannot save {error.path}: {error.reason}. "
            f"{n_stories(stored)} stored (new or updated)" + (f"; {'; '.join(left)}" if left else "")
            + ". Once there is room, the next `broadsheet fetch` finishes the work.")


def _first(result: FeedResult) -> int:
    """A subscription that changed (moved, went into another) first in the notice (cut short at
    :data:`MOST_FEEDS`): the reader shows it nowhere else, while the sidebar marks a failed feed
    with its reason; then failures, then stories left untagged."""
    return 0 if result.moved_to or result.same_as else 1 if result.failed else 2 if result.untagged else 3


def _its(count: int) -> str:
    return "its" if count == 1 else "their"

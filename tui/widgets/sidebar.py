"""The filters sidebar: all stories, unread, new (the latest fetch's), bookmarked, feeds, every tag
with its count, saved searches.

Choosing an entry puts its query (``is:unread``, ``tag:"x"``, a saved search) into the
search bar, so the sidebar and typed searches combine in one visible place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from broadsheet.store.feeds.subscriptions import feed_phrase
from broadsheet.store.storage.userstate import tag_filter


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One subscription as the sidebar lists it: its unread stories and its last error, if any."""

    title: str
    unread: int
    problem: str = ""
    url: str = ""  # which feed it is, when two share a title
    address: bool = False  # named by its address (untitled): cut in the middle, keeping host and file
    new: int = 0  # its stories the latest fetch added (in "New"): shown as "+3" before the unread count


@dataclass(frozen=True, slots=True)
class EntryLabel:
    """An entry as the sidebar shows it: its name, cut to fit, then its count whole, and under
    them a feed's last error. As one line of text, a count that did not fit went under its name
    (at 80 columns, "All stories" over "1,000,000" at a million stories); cut at the end instead,
    the count would lose its last digits."""

    name: str
    count: int | None = None
    problem: str = ""
    short: str = ""  # the name where it would be cut ("All" rather than "All stori…")
    #: A failing feed's reason is shown under its name only while its row is highlighted (three
    #: lines a feed, one failed fetch left room for four feeds at 80x24); a red "!" before its
    #: count says it failed, highlighted or not.
    opened: bool = False
    middle: bool = False  # an address: cut in the middle, so its host and its file both stay
    new: int = 0  # a feed's stories the latest fetch added: "+3", before its "!" and count

    def __str__(self) -> str:
        return "\n".join(line.plain for line in self._lines(None))

    def _lines(self, width: int | None, console: Console | None = None) -> list[Text]:
        """The label's lines, each fitted to ``width`` cells (None: as long as they are); a
        feed's error wrapped whole: it is shown on one row at a time (cut, the reason was lost:
        "! failing (1 in a row…", or after five lines "may be down) (4…")."""
        count = "" if self.count is None else f" {self.count:,}"
        mark = " !" if self.problem else ""
        fresh = f" +{self.new:,}" if self.new else ""
        if width is not None and cell_len(self.name) + len(fresh) + len(mark) + len(count) > width:
            fresh = ""  # the name before "+3" ("Valley Couri… +1 2"): the count turns green instead
        cut = width is not None and cell_len(self.name) + len(fresh) + len(mark) + len(count) > width
        room = max(1, (width or 0) - len(mark) - len(fresh) - len(count))
        name = self.short if cut and self.short else self.name
        if cut:
            name = _cut_middle(name, room) if self.middle else _cut_end(name, room)
        line = Text(name, no_wrap=True)
        if width is not None:  # the counts right-aligned, in one column down the sidebar
            line.append(" " * max(0, width - cell_len(name) - len(fresh) - len(mark) - len(count)))
        line.append(fresh, style="green")
        line.append(mark, style="bold red")
        line.append(count, style="green" if self.new and not fresh else "dim")
        lines = [line]
        if self.problem and self.opened:  # plain Text: a fetched error is untrusted
            problem = Text(self.problem, style="red")
            if width is None or console is None:
                lines.append(problem)
            else:
                wrapped = list(problem.wrap(console, width))  # (a word wider than the sidebar folded)
                for line in wrapped:
                    line.rstrip()
                lines += wrapped
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._lines(options.max_width, console)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = min(options.max_width, max(line.cell_len for line in self._lines(None)))
        return Measurement(widest, widest)


def _cut_end(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut at its end with "…": Rich's cut left a blank
    where a wide character did not fit ("北海道新聞 ロ …", "📰 Morning Brief  …")."""
    if cell_len(text) <= width:
        return text
    kept = ""
    for char in text:
        if cell_len(kept + char) > width - 1:
            break
        kept += char
    return kept.rstrip() + "…"


def _cut_middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells, cut in its middle: two addresses of one host, or of one file
    name on two hosts, still read apart."""
    if cell_len(text) <= width or width < 3:
        return text
    tail, kept = width // 2, ""
    for char in reversed(text):
        if cell_len(char + kept) > tail:
            break
        kept = char + kept
    return _cut_end(text, width - cell_len(kept)) + kept


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str  # "all", "unread", "new", "bookmarked", "feed", "tag", "search"
    name: str
    query: str
    ref: str = ""  # a feed's address


class Sidebar(OptionList):
    """Where the reader's own organisation lives."""

    BINDINGS = [
        # The arrows too (OptionList's own), so [keys] moves them with j and k.
        Binding("j,down", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("g,home", "first", "First", show=False, id="sidebar.first"),
        Binding("G,end", "last", "Last", show=False, id="sidebar.last"),
        Binding("enter", "select", "Show these stories", show=False, id="sidebar.open"),  # OptionList's own
        Binding("A", "read_all", "Mark read", id="sidebar.read_all"),
        Binding("R", "rename", "Rename", id="sidebar.rename"),
        Binding("delete,x", "delete", "Delete tag/search/feed", id="sidebar.delete"),
        Binding("a", "screen.subscribe", "Subscribe to a feed", id="sidebar.subscribe"),  # the screen's dialog
        # On a feed's row only (check_action): elsewhere F is the screen's, every feed.
        Binding("F", "fetch", "Fetch this feed", id="sidebar.fetch"),
        # Through 100 feeds by their marks: "!" to the next that failed, "+" to the next with "+3" new.
        Binding("exclamation_mark", "next_feed('failed')", "Next failed feed", show=False, id="sidebar.next_failed"),
        Binding("plus", "next_feed('new')", "Next feed with new stories", show=False, id="sidebar.next_new"),
    ]

    @dataclass
    class Chosen(Message):
        entry: Entry

    @dataclass
    class ReadAllRequested(Message):
        """A: every story of the entry read (newsboat's A on the feed under the cursor)."""

        entry: Entry

    @dataclass
    class RenameRequested(Message):
        entry: Entry

    @dataclass
    class DeleteRequested(Message):
        entry: Entry

    @dataclass
    class FetchRequested(Message):
        """F on a feed's row: that feed fetched alone (newsboat's r on the feed under the cursor)."""

        entry: Entry

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: list[Entry | None] = []
        self._feeds: list[tuple[Entry, int]] = []  # each feed's entry and unread stories, in order
        self._feed_rows: dict[int, FeedRow] = {}  # place -> the feed shown there ("!" and "+" go by them)
        self._opened: int | None = None  # the failing feed's row whose reason is shown under it
        self._on_feed = False  # the highlight on a feed's row, as the footer last showed it
        self._follow: tuple[str, str] | None = None

    def follow(self, kind: str, name: str) -> None:
        """Highlight this entry once the entries are next shown (a tag or search renamed: the
        highlight goes with it, not back to the top)."""
        self._follow = (kind, name)

    def show_entries(
        self, counts: Mapping[str, int], tags: Mapping[str, int], searches: Mapping[str, str],
        feeds: Sequence[FeedRow] = (),
    ) -> None:
        """Rebuild the entries, keeping the highlight on the same entry where possible."""
        current = self.current_entry
        # New: what the latest fetch added (newsboat users look at it first); with no feed, never any.
        fetching = bool(feeds) or bool(counts.get("new"))
        entries: list[Entry | None] = [
            Entry("all", "All stories", ""),
            Entry("unread", "Unread", "is:unread"),
            *([Entry("new", "New", "is:new")] if fetching else []),
            Entry("bookmarked", "Bookmarked", "is:bookmarked"),
        ]
        labels = {kind: counts.get(kind, 0) for kind in ("all", "unread", "new", "bookmarked")}
        options: list[Option | None] = [
            Option(EntryLabel(e.name, labels[e.kind], short="All" if e.kind == "all" else "")) for e in entries
            if e is not None
        ]
        self._feeds = [(Entry("feed", feed.title, feed_phrase(feed.title), feed.url), feed.unread) for feed in feeds]
        self._feed_rows = {}
        if feeds:
            entries.append(None)
            options.append(Option(Text("Feeds", style="bold"), disabled=True))
            for (entry, _), feed in zip(self._feeds, feeds, strict=True):
                self._feed_rows[len(entries)] = feed
                entries.append(entry)
                options.append(Option(EntryLabel(feed.title, feed.unread, feed.problem,  # its error under it
                                                 middle=feed.address, new=feed.new)))
        if tags:
            entries.append(None)
            options.append(Option(Text("Tags", style="bold"), disabled=True))
            for tag in sorted(tags):
                entries.append(Entry("tag", tag, tag_filter(tag)))
                options.append(Option(EntryLabel(tag, tags[tag])))
        if searches:
            entries.append(None)
            options.append(Option(Text("Saved searches", style="bold"), disabled=True))
            for name in sorted(searches):
                entries.append(Entry("search", name, searches[name]))
                options.append(Option(EntryLabel(name)))
        self._entries = entries
        before = self.highlighted
        self._opened = None
        self.set_options([o for o in options if o is not None])
        wanted = self._follow or ((current.kind, current.name) if current else None)
        self._follow = None
        at = next((i for i, e in enumerate(entries) if e is not None and (e.kind, e.name) == wanted), None)
        if at is None:  # gone (deleted): the entry now in its place, else the one before it
            places = [i for i, e in enumerate(entries) if e is not None]
            at = next((i for i in places if i >= min(before or 0, len(entries) - 1)), places[-1])
        self.highlighted = at
        self._open(at)

    def show_active(self, query: str) -> None:
        """Put the highlight on the entry whose stories the list shows (``query``, the search bar's
        text), unless the sidebar has focus: opened after a saved search or a typed ``tag:rail``,
        it still had "All stories" highlighted. A query no entry has leaves it where it is."""
        if self.has_focus:
            return
        at = self._index_of(query)
        if at is not None and at != self.highlighted:
            self.highlighted = at

    def _index_of(self, query: str) -> int | None:
        """The place of the entry whose query is ``query`` (the search bar's text), if one is."""
        wanted = query.strip()
        return next((i for i, e in enumerate(self._entries) if e is not None and e.query == wanted), None)

    def entry_of(self, query: str) -> Entry | None:
        """The entry whose stories ``query`` (the search bar's text) lists, if one does."""
        at = self._index_of(query)
        return None if at is None else self._entries[at]

    @property
    def feeds(self) -> list[tuple[Entry, int]]:
        """Each feed's entry and its unread stories, in the sidebar's order."""
        return list(self._feeds)

    @property
    def current_entry(self) -> Entry | None:
        index = self.highlighted
        if index is None or index >= len(self._entries):
            return None
        return self._entries[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self._entries[event.option_index]
        if entry is not None:
            self.post_message(self.Chosen(entry))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._open(event.option_index)
        on_feed = self.current_entry is not None and self.current_entry.kind == "feed"
        if self.has_focus and on_feed != self._on_feed:  # (its keys are in the footer only then)
            # F is this feed's on a feed's row, every feed's elsewhere. Only as it changes: the
            # footer built again at each j cost about half of a move down 60 feeds.
            self.refresh_bindings()
        self._on_feed = on_feed

    def _open(self, index: int) -> None:
        """Show the reason of the failing feed at ``index`` under its name, and close the one shown before."""
        if index == self._opened:
            return
        for at, opened in ((self._opened, False), (index, True)):
            if at is not None and at < self.option_count and isinstance(
                    label := self.get_option_at_index(at).prompt, EntryLabel) and label.problem:
                self.replace_option_prompt_at_index(at, replace(label, opened=opened))
                if opened and at == self.highlighted:  # scrolled to as one line: its reason was below the sidebar
                    self.scroll_to_highlight()
        self._opened = index

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """F fetches the row's feed on a feed's row; elsewhere it is left to the screen's F (every feed)."""
        if action == "fetch":
            entry = self.current_entry
            return entry is not None and entry.kind == "feed"
        return super().check_action(action, parameters)

    def action_read_all(self) -> None:
        if (entry := self.current_entry) is not None:
            self.post_message(self.ReadAllRequested(entry))

    def action_next_feed(self, mark: str) -> None:
        """``!`` / ``+``: the highlight to the next feed below that failed its last fetch / that the
        latest fetch brought new stories to, round from the top after the last (newsboat users
        with 100 feeds went through them with j, reading each row)."""
        wanted = [at for at, feed in self._feed_rows.items() if (feed.problem if mark == "failed" else feed.new)]
        what = "failed its last fetch" if mark == "failed" else "has new stories"
        here = self.highlighted if self.highlighted is not None else -1
        onward = [at for at in wanted if at > here] or [at for at in wanted if at != here]
        if not onward:
            self.notify(f"No {'other ' if wanted else ''}feed {what}", timeout=2)
            return
        if onward[0] < here:
            self.notify(f"From the top: the first feed that {what}", timeout=2)
        self.highlighted = onward[0]

    def action_rename(self) -> None:
        entry = self.current_entry
        if entry is not None and entry.kind in {"tag", "search", "feed"}:
            self.post_message(self.RenameRequested(entry))
        elif entry is not None:
            self.notify("Only a tag, a saved search or a feed can be renamed", timeout=2)

    def action_fetch(self) -> None:
        if (entry := self.current_entry) is not None and entry.kind == "feed":
            self.post_message(self.FetchRequested(entry))

    def action_delete(self) -> None:
        entry = self.current_entry
        if entry is not None and entry.kind in {"tag", "search", "feed"}:
            self.post_message(self.DeleteRequested(entry))

"""The main screen's feeds: sidebar rows with unread counts and errors, the fetch key's worker,
the automatic refresh, unsubscribing from the sidebar.

A mixin of :class:`~broadsheet.tui.screens.main.MainScreen` (it uses the screen's ``store``,
``reader``, ``reload`` and ``_update_sidebar``), kept apart so the screen stays
about reading. The work itself is ``broadsheet.store.feeds``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from rich.text import Text
from textual import work
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Label
from textual.worker import get_current_worker

from broadsheet.store.errors import StoreFileError, StoreWriteError
from broadsheet.store.reader.state import ReaderState
from broadsheet.store.storage.atomic import FileIdentity, file_identity
from broadsheet.store.storage.db import Store
from broadsheet.store.wording import n_stories
from broadsheet.tui.screens.dialogs import PromptScreen
from broadsheet.tui.widgets.search_bar import SearchBar
from broadsheet.tui.widgets.sidebar import Entry, FeedRow, Sidebar

if TYPE_CHECKING:
    from broadsheet.store.feeds.subscriptions import Subscription

    _ScreenBase = Screen[None]  # the mixin is only ever mixed into the main screen
else:
    _ScreenBase = object

T = TypeVar("T")


class FeedsMixin(_ScreenBase):
    store: Store
    reader: ReaderState
    _subscriptions_seen: FileIdentity | None = None  # the subscriptions file as the sidebar last read it
    if TYPE_CHECKING:  # the main screen's own, used here
        def reload(self, restore: str | None = None) -> None: ...
        def _update_sidebar(self) -> None: ...
        def _write(self, change: Callable[[], Any], *, stories: bool = False) -> Any: ...
        def _say_reworded(self, given: Iterable[str]) -> None: ...
        def _in_worker(self, change: Callable[[Store], T], failed: str, *, stories: bool = False) -> T | None: ...
        def _work_progress(self, text: str) -> None: ...
        def _work_done(self, text: str, severity: SeverityLevel) -> None: ...

    @staticmethod
    def fetch_status() -> Label:
        """The line above the footer that shows a fetch's progress (hidden when idle)."""
        status = Label("", id="fetch-status")
        status.display = False
        return status

    def start_refresh(self, minutes: float) -> None:
        """Fetch every ``minutes`` while the reader is open (``[feeds] refresh_minutes``; 0: never)."""
        if minutes:
            self.set_interval(minutes * 60, lambda: self.action_fetch_feeds(quiet=True))

    def feed_rows(self) -> list[FeedRow]:
        """Each subscription with its unread stories, those the latest fetch added and its error,
        if it is failing: in the first paint, as the counts are read, not counted (the listing's
        stories per source, the read marks per source in state/.counts.json, the latest fetch's
        few story ids)."""
        from broadsheet.store.feeds.subscriptions import Subscriptions, by_title

        self._subscriptions_seen = self.subscriptions_identity()
        if self._subscriptions_seen is None:  # no subscriptions: nothing read at start
            return []
        try:
            subs = Subscriptions(self.store).all()
        except StoreFileError as exc:
            self.notify(str(exc), title="Subscriptions unreadable", severity="error")
            return []
        # A feed's stories carry its title as their source, and feed:"Title" finds that whole
        # title, case- and accent-blind: a row a title as it compares them (two subscriptions
        # an older version left alike are one row, under the first's title; its x names both),
        # counted as choosing it lists.
        counts = self.reader.feed_counts()
        new = self.reader.new_counts()[1]  # (the latest fetch's few stories, by feed)
        return [FeedRow(_name(group[0]), counts.of(group[0].title)[1], _problems(group),
                        group[0].url if len(group) == 1 else "", address=not group[0].title,
                        new=sum(new.get(sub.id, 0) for sub in group))
                for group in by_title(subs)]

    def subscriptions_identity(self) -> FileIdentity | None:
        """Changes whenever the subscriptions are written, by any process (None: there are none)."""
        from broadsheet.store.feeds.subscriptions import FILE

        return file_identity(self.store.folder / FILE)

    def subscriptions_changed(self) -> bool:
        """Whether another process (``feeds add`` or ``remove`` in the shell) changed the
        subscriptions since the sidebar last showed them: a feed removed there stayed offered."""
        return self.subscriptions_identity() != self._subscriptions_seen

    def action_fetch_feeds(self, quiet: bool = False) -> None:
        """Fetch every subscribed feed in a worker; new stories appear when it is done.

        ``quiet`` (the automatic refresh) says nothing unless something arrived or failed.
        """
        self.fetch_feeds(quiet)

    def fetch_feeds(self, quiet: bool = False, chosen: list[Subscription] | None = None) -> bool:
        """Fetch ``chosen`` (None: every feed) in a worker; False: a fetch is running already."""
        if any(w.group == "fetch" and w.is_running for w in self.workers):
            return False
        status = self.query_one("#fetch-status", Label)
        status.update(Text("Fetching feeds…"))
        status.display = True
        self._fetch_worker(quiet, chosen, self._no_subscriptions())
        return True

    def on_sidebar_fetch_requested(self, message: Sidebar.FetchRequested) -> None:
        """F on a feed's row: that feed alone, as newsboat's r reloads the feed under the cursor,
        with the worker F uses for every feed (its progress line and summary): F fetched them all.
        A row of feeds an older version left alike (one title) fetches each of them."""
        from broadsheet.store.feeds.subscriptions import Subscriptions

        entry = message.entry
        chosen = Subscriptions(self.store).matching(entry.ref or entry.name)
        if not chosen:
            self.notify(f"{entry.name!r} is no longer subscribed", title="Feeds", severity="warning", timeout=4,
                        markup=False)
        elif not self.fetch_feeds(chosen=chosen):
            self.notify(f"A fetch is running: F fetches {entry.name!r} once that is done", title="Feeds", timeout=4,
                        markup=False)

    def _no_subscriptions(self) -> str:
        """What the fetch key says with no feed to fetch: where to subscribe, here and in the shell."""
        return (f"No subscriptions: subscribe with {self._subscribe_key()}, "
                "or with `broadsheet feeds add URL` in the shell")

    def _subscribe_key(self) -> str:
        """How to open the subscribe dialog, in the keys the config's ``[keys]`` left."""
        from broadsheet.tui.bindings import bindings_of
        from broadsheet.tui.screens.help import key_label
        from broadsheet.tui.widgets.sidebar import Sidebar

        keymap = getattr(self.app, "keymap", {})
        keys = {b.action: key_label(b.key.split(",")[0]) for cls in (type(self), Sidebar)
                for b in bindings_of(cls, keymap)}
        return f"{keys.get('toggle_sidebar', 'f')} then {keys.get('screen.subscribe', 'a')} (the filters sidebar)"

    def action_subscribe(self) -> None:
        """Subscribe to a feed from inside the reader (newsboat's urls file, elfeed's
        ``elfeed-add-feed``): a first-time user had to quit for ``broadsheet feeds add``."""
        from broadsheet.tui.screens.subscribe import SubscribeScreen

        self.app.push_screen(SubscribeScreen(self._subscribe, self.reader.known_tags()))

    def _subscribe(self, address: str, tag_text: str) -> str | None:
        """Subscribe to ``address`` with the tags ``tag_text`` names, checked and said as
        ``broadsheet feeds add`` checks and says them, and fetch it now (a feed is subscribed
        to be read: newsboat's reload, elfeed's update, without a second key); why not, for the
        dialog to say, or None: done."""
        from broadsheet.store.feeds.subscriptions import (
            FeedAddressError,
            Subscriptions,
            already_subscribed,
            check_url,
            feed_scheme_note,
        )
        from broadsheet.store.storage.userstate import TagError, tags_given

        if not address.strip():
            return "Type the feed's address, as https://gazette.example/feed.xml"
        try:
            url = check_url(address)
            tags = tags_given([tag_text]) if tag_text.strip() else []
        except FeedAddressError as exc:
            return f"Not added: {exc}"
        except TagError as exc:
            return f"Not added: tags {exc}"
        subs = Subscriptions(self.store)

        def subscribe() -> tuple[list[Subscription], list[Subscription], list[Subscription], bool]:
            before = [sub.url for sub in subs.all()]
            added, present = subs.add([url], tags)
            signed_in = any(sub.url not in before for sub in present)  # the user name and password given
            return added, present, subs.ask_again(present), signed_in  # a gone (410) feed: asked again (F skips it)

        done = self._write(subscribe, stories=True)  # (the store's lock, as unsubscribing)
        if done is None:
            return "Not added: the store cannot be written now (the notice says why)"
        added, present, again, signed_in = done
        self._update_sidebar()
        self._say_reworded(tag_text.split(","))  # (kept so: on the feed's stories, and the one subscribed already)
        if again:
            said = f"{again[0].shown_name} was marked gone (410): asked again"
            if self.fetch_feeds(chosen=again):
                self.notify(f"{said}, fetching it", title="Feeds", timeout=4, markup=False)
            else:
                self.notify(f"{said}; a fetch is running: F fetches it once that is done", title="Feeds", timeout=8,
                            markup=False)
            return None
        if present:  # tags given are added to it, as `feeds add` adds them
            return f"Not added: {already_subscribed(present[0], bool(tags), signed_in=signed_in)}"
        name = added[0].shown_name  # (its password as ***: the screen is shared, recorded)
        note = feed_scheme_note(address, url)  # "Read feed://… as http://…. Subscribed to …"
        read = f"{note[:1].upper()}{note[1:]}. " if note else ""
        if self.fetch_feeds(chosen=added):
            self.notify(f"{read}Subscribed to {name}: fetching it", title="Feeds", timeout=4, markup=False)
        else:
            self.notify(f"{read}Subscribed to {name}: a fetch is running; F fetches it once that is done",
                        title="Feeds", timeout=8, markup=False)
        return None

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch_worker(self, quiet: bool, chosen: list[Subscription] | None, none_said: str) -> None:
        from broadsheet.config import fetch_settings
        from broadsheet.store.feeds.fetch import FetchBusy, FetchStopped, fetch
        from broadsheet.store.feeds.subscriptions import Subscriptions
        from broadsheet.store.feeds.summary import summarize

        worker = get_current_worker()

        def step(done: int, total: int, name: str) -> None:
            """Posted, not waited for: the fetch's downloads stood still at each feed finished
            until the UI thread had drawn it (behind a reload of the list, at a large store)."""
            self.call_later(self._fetch_progress, done, total, name)

        def stored() -> None:
            """The feeds finished listed while others download, the fetch not waiting for the
            listing (call_from_thread held every download while the reader reloaded)."""
            self.call_later(self.reload)

        say = self.app.call_from_thread
        try:
            store = Store(self.store.folder, check=False)  # its own Store: this is another thread
            if chosen is None and not Subscriptions(store).all():
                say(self._fetch_done, "" if quiet else none_said, "information")
                return
            self._addresses_first(store, stop=lambda: worker.is_cancelled)
            settings = fetch_settings(getattr(self.app, "config", None))  # as `broadsheet fetch` fetches
            report = fetch(store, chosen, settings, on_progress=step,
                           stop=lambda: worker.is_cancelled,  # Q: the reader quits at once, not after the fetch
                           on_stored=stored)
        except FetchStopped:
            return
        except FetchBusy as exc:
            say(self._fetch_done, "" if quiet else str(exc), "warning")
            return
        except Exception as exc:  # a fetch never brings the reader down
            say(self._fetch_done, f"Fetch failed: {exc}", "error")
            return
        summary = summarize(report)  # as `broadsheet fetch` says it, each feed with news by name
        say(self._fetch_done, summary.text if summary.news or not quiet else "", summary.level,
            None if summary.level == "information" else 15)

    def _addresses_first(self, store: Store, stop: Callable[[], bool]) -> None:
        """The store's one-time address step (seconds at a million stories: see
        store.storage.addresses), run before the fetch's first write with its progress on the
        fetch line, where the line stood still at a feed for those seconds. In the worker;
        ``stop`` (the reader quitting) cuts it short after a shard: nothing of it is written
        yet, and the next write of stories runs it again."""
        from filelock import Timeout

        from broadsheet.store.feeds.fetch import FetchStopped

        if store.addresses_current or store.read_only:
            return

        def step(done: int, total: int) -> None:
            if stop():
                raise FetchStopped
            self.app.call_from_thread(self._addresses_progress, done, total)

        with contextlib.suppress(StoreWriteError, Timeout):  # the fetch says why it cannot store
            store.update_addresses(step)

    def _addresses_progress(self, done: int, total: int) -> None:
        self.query_one("#fetch-status", Label).update(
            Text(f"Updating the stories' addresses (once for this store): {done * 100 // max(total, 1)}%"))

    def _fetch_progress(self, done: int, total: int, name: str) -> None:
        self.query_one("#fetch-status", Label).update(Text(f"Fetching feeds {done}/{total}: {name}"))

    def _fetch_done(self, text: str, severity: SeverityLevel, timeout: float | None = None) -> None:
        self.query_one("#fetch-status", Label).display = False
        self.reload()
        if text:
            self.notify(text, title="Feeds", severity=severity, timeout=timeout)

    def rename_feed(self, entry: Entry) -> None:
        """R on a feed's row: a title of the user's own, asked for as a tag's new name is (a title
        refused is said in the prompt, kept to correct); its stories stored take it too, in a
        worker (a pass over the store: see :func:`~broadsheet.store.feeds.feedstories.rename_feed`)."""
        from broadsheet.store.feeds.subscriptions import Subscriptions, title_refused

        subs = Subscriptions(self.store)
        matched = subs.matching(entry.ref or entry.name)
        if len(matched) != 1:
            self.notify(f"{len(matched)} feeds are titled {entry.name!r}: rename the one you mean with "
                        "`broadsheet feeds rename ADDRESS TITLE` (`broadsheet feeds list` gives them)" if matched
                        else f"{entry.name!r} is no longer subscribed", title="Not renamed", severity="warning",
                        timeout=10, markup=False)
            return
        sub = matched[0]

        def refused(title: str) -> str | None:
            why = title_refused(sub, title, subs.all()) if title.strip() != entry.name else ""
            return f"Not renamed: {why}" if why else None

        def done(title: str | None) -> None:
            if title is not None and title.strip() != entry.name:
                self._work_progress(f"Renaming feed {entry.name!r}…")
                self._rename_worker(sub, title, entry.name)

        self.app.push_screen(PromptScreen(f"Rename feed {entry.name!r} to", entry.name, check=refused), done)

    @work(thread=True, exclusive=True, group="retitle", exit_on_error=False)
    def _rename_worker(self, sub: Subscription, title: str, old: str) -> None:
        from broadsheet.store.feeds.feedstories import rename_feed

        done = self._in_worker(lambda store: rename_feed(store, sub, title), "Not renamed", stories=True)
        if done is not None:
            self.app.call_from_thread(self._feed_renamed, old, *done)

    def _feed_renamed(self, old: str, renamed: Subscription, count: int) -> None:
        """Show the feed under its new title, its row highlighted and, if it was listed, its stories still listed."""
        from broadsheet.store.feeds.subscriptions import feed_phrase

        self.query_one(Sidebar).follow("feed", renamed.title)
        self.reload()
        bar = self.query_one(SearchBar)
        if bar.value.strip() == feed_phrase(old):
            bar.value = feed_phrase(renamed.title)
        stories = f" (its {n_stories(count)} too)" if count else ""
        self._work_done(f"Renamed feed {old!r} to {renamed.title!r}{stories}", "information")

    def unsubscribe(self, ref: str) -> None:
        """Unsubscribe from the feed at address ``ref`` (or so titled, when it is the only one)."""
        from broadsheet.store.feeds.subscriptions import Subscriptions

        subs = Subscriptions(self.store)
        matched = subs.matching(ref)
        if len(matched) > 1:
            self.notify(f"{len(matched)} feeds are titled {ref!r}: remove the one you mean with "
                        "`broadsheet feeds remove ADDRESS` (`broadsheet feeds list` gives them)",
                        title="Not unsubscribed", severity="warning", timeout=10)
        elif matched:
            from broadsheet.store.feeds.feedstories import unsubscribe

            # Under the store's lock, which the subscriptions' write takes (the marks' lock first
            # would take the two in the order no other writer does).
            retitled = self._write(lambda: unsubscribe(self.store, matched), stories=True)
            if retitled is not None:
                again = "".join(f"; {before} is {sub.title} again" for sub, before in retitled)
                self.notify(f"Unsubscribed from {matched[0].shown_name}; its stories stay{again}", timeout=4,
                            markup=False)


def _problem(sub: Subscription) -> str:
    """What the sidebar says under a failing feed: the reason first (it has a few short lines)."""
    if sub.gone or not sub.errors:
        return sub.health if sub.gone else ""
    return sub.last_error if sub.errors == 1 else f"{sub.last_error} ({sub.errors} fetches in a row)"


def _problems(group: list[Subscription]) -> str:
    """What the sidebar says under a row of one feed, or of several of one title (each failing
    one by its host)."""
    if len(group) == 1:
        return _problem(group[0])
    from broadsheet.store.model import host_of

    return "; ".join(f"{host_of(sub.url)}: {problem}" for sub in group if (problem := _problem(sub)))


def _name(sub: Subscription) -> str:
    """A feed's name in the sidebar: its title, else its address from its host on (the sidebar cuts
    it in the middle, keeping the host and the file: "notfeed.xml (127.0.0.1:8…" lost the host,
    and a cut at the end lost the file), without a user name or password (the sidebar is on
    screen, shared, recorded)."""
    from broadsheet.store.feeds.subscriptions import without_password
    from broadsheet.store.model import host_of

    if sub.title:
        return sub.title
    shown = without_password(sub.url)
    parts = urlsplit(shown)
    return host_of(shown) + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")

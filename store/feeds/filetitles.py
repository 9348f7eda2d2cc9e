"""The source of a feed file's stories (``broadsheet import feed.xml``): the feed's title,
unless a subscription has it.

A feed's stories carry its title as their source, and a subscription counts and finds its
stories by that title. A file of a feed is a copy taken once, not the subscription: its
stories credited to a subscription of the same title showed in its count and under its row
in the sidebar. So a title a subscription has is told apart as a second subscription's
would be ("Top Stories (c.example)", by the address the feed names as its own, else
"Top Stories (feed.xml)", by the file's name). A file that names a subscribed feed's address
as its own is that feed (its entries are the stories that subscription fetches): its stories
take the subscription's title, as fetched ones do. newsboat's cache is not a copy: its items
are its feeds' stories, and their subscriptions are made from it; an item of a feed subscribed
already takes its subscription's title (:meth:`FileTitles.subscribed`).
"""

from __future__ import annotations

from pathlib import Path

from broadsheet.store.feeds.subscriptions import FILE, Subscription, Subscriptions, Titles, by_address
from broadsheet.store.model import normal_url
from broadsheet.store.sanitize import is_web_address
from broadsheet.store.storage.db import Store


class FileTitles:
    """Sources for the feed files of one import; the subscriptions are read at the first one."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._subs: dict[str, Subscription] | None = None  # by each normalised address, and first address
        self._titles = Titles(())
        self._chosen: dict[tuple[str, str, str], str] = {}

    def source(self, title: str, own_address: str, path: Path) -> str:
        """The source for the stories of the feed titled ``title`` read from ``path``, which
        names ``own_address`` as its own address ("" when it names none)."""
        if not title:
            return title
        wanted = (title, own_address, path.name)
        if wanted not in self._chosen:
            subs = self._subscriptions()
            address = own_address if is_web_address(own_address) else ""
            sub = subs.get(normal_url(address)) if address else None
            if sub is not None:
                self._chosen[wanted] = sub.title or title
            else:
                stand_in = address or path.name
                self._chosen[wanted] = self._titles.own(Subscription(url=stand_in, key=stand_in), title)
        return self._chosen[wanted]

    def subscribed(self, title: str, address: str) -> str:
        """The source of a story of the feed at ``address`` titled ``title`` in another reader's
        cache: its subscription's title where it is subscribed (a title chosen in newsboat's urls
        file, or one told apart from another feed's), else ``title``."""
        sub = self._subscriptions().get(normal_url(address)) if is_web_address(address) else None
        return sub.title or title if sub is not None else title

    def _subscriptions(self) -> dict[str, Subscription]:
        if self._subs is None:
            every = Subscriptions(self._store).all() if (self._store.folder / FILE).exists() else []
            self._subs = by_address(every)
            self._titles = Titles(every)
        return self._subs

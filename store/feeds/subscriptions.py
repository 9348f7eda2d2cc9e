"""The subscribed feeds, kept in the store folder's ``feeds.json`` (TinyDB, atomic, locked).

One record per feed, keyed by a short id made from the address it was first subscribed
at. ``key`` is that first address and never changes: it is the base of every entry's
identity (``key#guid``), so a feed that moves (a permanent redirect updates ``url``) does
not bring its stories back as new ones. The reader never opens this file at start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from itertools import chain, count, islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from broadsheet.store.model import host_of, normal_url
from broadsheet.store.sanitize import clean_line, is_web_address, not_text
from broadsheet.store.search.analysis import feed_key
from broadsheet.store.search.query import tag_key, tag_keys
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.limits import LINE
from broadsheet.store.storage.tinydb import KeyedTable, open_db
from broadsheet.store.storage.userstate import TagError, normalise_tag

FILE = "feeds.json"


class FeedAddressError(ValueError):
    """An address that cannot be a feed's (not http/https, no host)."""


class FeedTitleError(ValueError):
    """A title a feed cannot be renamed to (empty, too long, another feed's)."""


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Bidi embeddings, overrides and isolates: they show the characters after them in another order.
#: Dropped, ``/feed/a<RLO>b`` was subscribed as ``/feed/ab`` where a C1 control was refused; the
#: marks (left-to-right, right-to-left), which reorder nothing, go as a pasted byte-order mark does.
_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: The longest address taken, in characters: common web servers refuse a longer request line (414).
MAX_ADDRESS = 8_192
#: The longest host name DNS resolves, and its longest part between dots (RFC 1035).
MAX_HOST, MAX_LABEL = 253, 63


def check_url(url: str) -> str:
    """``url`` trimmed, or FeedAddressError saying why it cannot be fetched (the address said
    without its password: a feed list's refused address went into the terminal's scrollback)."""
    said = without_password(url.strip())
    if len(url.strip()) > MAX_ADDRESS:  # (said cut: not 100 KB said back)
        raise FeedAddressError(f"{_cut(said)!r} is not an address: it is {len(url.strip()):,} characters "
                               f"long (at most {MAX_ADDRESS:,}: web servers refuse a longer one)")
    if _CONTROLS.search(url.strip()):  # not fetched as something else than what was given ("\x1b[31m" dropped)
        raise FeedAddressError(f"{said!r} is not an address: it holds control characters or escape sequences")
    if reordering := _REORDERING.search(url):
        mark = reordering[0]
        raise FeedAddressError(f"{said!r} is not an address: it holds U+{ord(mark):04X} ({unicodedata.name(mark)}), "
                               "which changes the order it is shown in")
    if (bytes_said := not_text(said)) is not None:  # (not dropped: `feeds add $'http://\xff.x/'` added http://.x/)
        raise FeedAddressError(f"'{bytes_said}' is not an address: it holds bytes that are not text (UTF-8)")
    url = web_form(clean_line(url))  # (invisible marks go: a byte-order mark, a left-to-right mark pasted with it)
    said = without_password(url)
    if any(c.isspace() for c in url):  # two addresses pasted as one, or one cut by a line's end
        raise FeedAddressError(f"{said!r} is not an address: it holds a space (one written in an address is %20)")
    unread = unreadable(url)
    if unread:  # taken, it was a traceback in every command that compares addresses (normal_url)
        raise FeedAddressError(f"{said!r} is not an address: {unread}")
    if url.lower().startswith(("http://", "https://")) and not urlsplit(url).hostname:
        raise FeedAddressError(f"{said!r} names no host (as in https://gazette.example/feed.xml)")
    if not is_web_address(url):
        meant = f"https://{url}"  # a host and path without the scheme, as an address bar takes them
        hint = f" (did you mean {meant}?)" if "://" not in url and "." in url.split("/")[0] and \
            is_web_address(meant) else ""
        raise FeedAddressError(f"{said!r} is not an http:// or https:// address{hint}")
    too_long = _host_too_long(urlsplit(url).hostname or "")
    if too_long:
        raise FeedAddressError(f"{_cut(said)!r} is not an address: its host name {too_long}")
    return url


def web_form(url: str) -> str:
    """``url`` as the web address a ``feed:`` one stands for (a page's subscribe link, as browsers
    and newsboat read it: it was refused as no http:// address): ``feed://host/path`` is
    ``http://host/path``, ``feed:https://host/path`` is ``https://host/path``; another as it is."""
    scheme = url[:13].lower()
    if scheme.startswith(("feed:http://", "feed:https://")):
        return url[5:]
    return "http://" + url[7:] if scheme.startswith("feed://") else url


def feed_scheme_note(given: str, url: str) -> str:
    """What to say of ``given``, checked as ``url``, when it was a ``feed:`` address (``read
    feed://host/f as http://host/f``; a password in it as ``***``), else ""."""
    given = clean_line(given)
    if web_form(given) == given:
        return ""
    shown = without_password(url)
    return f"read {given.split('//', 1)[0]}//{shown.split('//', 1)[1]} as {shown}"


def _host_too_long(host: str) -> str:
    """Why no DNS name can be ``host`` for its length ("" if one can): a name as DNS writes it
    (an accented part as its xn-- form) is no longer than :data:`MAX_HOST`, each part between
    dots no longer than :data:`MAX_LABEL`."""
    labels = [label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
              for label in host.rstrip(".").split(".")]
    longest = max(map(len, labels))
    if longest > MAX_LABEL:
        return f"has a part of {longest} characters between dots (at most {MAX_LABEL})"
    length = len(".".join(labels))
    return f"is {length} characters long (at most {MAX_HOST})" if length > MAX_HOST else ""


def _cut(url: str) -> str:
    """``url`` as a message quotes it: its first 60 characters of a long one."""
    return url if len(url) <= 80 else url[:60] + "…"


def unreadable(url: str) -> str:
    """Why ``url`` cannot be read as an address ("" if it can): a port out of range or not a
    number, an IPv6 host not closed ("http://[::1/x") or not one ("http://[quay]/"), which urlsplit
    or its ``port`` refuse."""
    try:
        port = urlsplit(url).port
    except ValueError as exc:
        said = str(exc)
        if "range" in said:
            return "the port is out of range (1 to 65535)"
        if "Port" in said:
            return "the port is not a number"
        if "does not appear" in said:
            return "its host in brackets is not an IPv6 address"
        return "its IPv6 host is not closed by ]" if "IPv6" in said else "it cannot be read as one"
    return "the port is out of range (1 to 65535)" if port == 0 else ""


def without_password(url: str) -> str:
    """``url`` with the password it holds shown as ``***`` (``http://ann:***@host/feed``): the
    stored address keeps it (fetch needs it), a listing of the feeds is not to show it."""
    if "@" not in url:  # (most: no urlsplit, a third of `feeds list`'s time at 50,000 feeds)
        return url
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        netloc = url.split("://", 1)[-1].split("/", 1)[0]
    user, at, host = netloc.rpartition("@")
    if not at or ":" not in user:
        return url
    return url.replace(netloc, f"{user.split(':', 1)[0]}:***@{host}", 1)


def _login(url: str) -> str:
    """The user name and password ``url`` signs in with (``ann:s3cret``, ``ann``; "" for none)."""
    return urlsplit(url).netloc.rpartition("@")[0] if "@" in url else ""  # (most: no urlsplit)


def _signing_in(url: str, user: str) -> str:
    """``url`` signing in with ``user`` (``_login``'s form) instead of its own, if any."""
    netloc = urlsplit(url).netloc
    return url.replace(netloc, f"{user}@{netloc.rpartition('@')[2]}", 1)


def feed_id(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class Subscription:
    url: str
    key: str = ""  # the identity base of its entries: the first address, kept through moves
    title: str = ""
    tags: list[str] = field(default_factory=list)
    full: bool = False  # fetch each entry's article page when the feed carries only summaries
    etag: str = ""
    modified: str = ""
    added: str = ""
    last_fetch: str = ""  # when it was last tried
    last_ok: str = ""  # when it last answered with a feed (or 304)
    last_error: str = ""
    errors: int = 0  # failures in a row
    status: int = 0  # the last HTTP status
    gone: bool = False  # the server said 410 Gone: offered for removal
    not_before: str = ""  # a server's Retry-After: not asked again before this
    # The title is the feed's own (learned by a fetch, or from another reader's list): it follows
    # the feed's when the publisher renames it. One the user chose (newsboat's "~Name"), or an older
    # version's, which cannot be told apart, stays.
    learned: bool = False
    site: str = ""  # the feed's site (OPML's htmlUrl), kept for the export
    folder: list[str] = field(default_factory=list)  # the OPML folders it was imported in, outermost first

    @property
    def id(self) -> str:
        return feed_id(self.key or self.url)

    @property
    def name(self) -> str:
        return self.title or self.url

    @property
    def shown_name(self) -> str:
        """:attr:`name` as a listing shows it: a password in the address as ``***``."""
        return self.title or without_password(self.url)

    @property
    def health(self) -> str:
        if self.gone:
            return "gone (410), not fetched: remove it"
        if self.errors:
            return f"failing ({self.errors} in a row): {self.last_error}"
        if not self.last_fetch:
            return "not fetched yet"
        return "ok"

    def to_doc(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", 0, False, [])}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Subscription:
        """From :meth:`to_doc`; fields of the wrong type (a hand-edited file) fall back to defaults."""
        kept: dict[str, Any] = {}
        for name, value in doc.items():  # (the fields it has: a record has a few of them)
            kind = _TYPES.get(name)
            if kind is None or type(value) is not kind:  # (JSON's: a bool is no number here)
                continue  # a field of a later version, or of the wrong type: its default
            if isinstance(value, list):
                kept[name] = [t for t in value if isinstance(t, str)]
            else:
                kept[name] = clean_line(value) if isinstance(value, str) else value
        kept.setdefault("url", "")
        sub = cls(**kept)
        if not sub.key:
            sub.key = sub.url
        return sub


#: Each field's type, as :meth:`Subscription.from_doc` checks a value against it (asked once:
#: ``dataclasses.fields`` for each of 50,000 records was a tenth of ``feeds list``).
_TYPES: dict[str, type] = {f.name: list if f.default_factory is list else str if f.name == "url" else type(f.default)
                           for f in fields(Subscription)}


def already_subscribed(sub: Subscription, retagged: bool, now_full: bool = False, signed_in: bool = False) -> str:
    """What ``feeds add`` and the reader's subscribe dialog say of an address subscribed already
    (``retagged``: tags were given, and it has them now; ``now_full``: it was turned to fetch its
    article pages; ``signed_in``: its address took the user name and password given): in words,
    its password as ``***``."""
    now = [f"tags now {', '.join(sub.tags)}"] if retagged else []
    if now_full:
        now.append("now fetched with each entry's article page")
    if signed_in:
        now.append(f"now with the {'password' if ':' in _login(sub.url) else 'user name'} given")
    return f"already subscribed: {without_password(sub.url)}" + (f" ({'; '.join(now)})" if now else "")


def addresses(sub: Subscription) -> tuple[str, str]:
    """The addresses ``sub`` is known by, as :func:`normal_url` writes them (HTTP://Host/feed#top
    is http://host/feed): the one it was first subscribed at, and the one it is at now."""
    return normal_url(sub.key), normal_url(sub.url)


def entry_files(subs: Iterable[Subscription]) -> set[str]:
    """The "file" of the stories ``subs`` fetched, exactly as stored: each feed's address, and its
    first one (its key) if it moved since."""
    return {address for sub in subs for address in (sub.url, sub.key) if address}


def by_address(subs: Iterable[Subscription]) -> dict[str, Subscription]:
    """Each subscription by its addresses: a feed that moved is still the one subscribed at its
    first address, unless another feed is at that address now."""
    owner: dict[str, Subscription] = {}
    for sub in subs:
        first, now = addresses(sub)
        owner.setdefault(first, sub)
        owner[now] = sub
    return owner


class Titles:
    """The titles subscriptions go by, each its own. A feed's title is the source of its
    stories, and the sidebar counts and filters by source: two feeds titled "Top Stories"
    would share one count and show each other's stories. So the first subscription (by when
    it was added) keeps a title, and another gets it told apart by its host ("Top Stories
    (b.example)"), then by its address. Titles are compared as ``feed:"Title"`` compares
    them (:func:`~broadsheet.store.search.analysis.feed_key`): "Café" and "CAFE" are one title."""

    def __init__(self, subs: Iterable[Subscription]) -> None:
        # a title as feed:"Title" compares it (case- and accent-blind): the subscription that has it
        self._owner: dict[str, str] = {}
        for sub in sorted(subs, key=lambda s: s.added):
            if sub.title:
                self._owner.setdefault(feed_key(sub.title), sub.id)

    def own(self, sub: Subscription, title: str = "") -> str:
        """``sub``'s title (else ``title``, the feed's), told apart when an earlier one has it."""
        chosen = next((t for t in self._tries(sub, title) if self._owner.get(feed_key(t), sub.id) == sub.id), "")
        if chosen:
            self._owner[feed_key(chosen)] = sub.id
        return chosen

    def settled(self, sub: Subscription, title: str = "") -> bool:
        """Whether :meth:`own` gives ``sub`` a title no other subscription can take first: one it holds
        already, each it would be given before that held by another. (A fetch names a feed finished
        early only so, or once every feed subscribed before it is named: as if named in that order.)"""
        for tried in self._tries(sub, title):
            owner = self._owner.get(feed_key(tried))
            if owner is None or owner == sub.id:
                return owner == sub.id
        return True  # no title: none to take

    @staticmethod
    def _tries(sub: Subscription, title: str) -> Iterator[str]:
        """The titles ``sub`` may be given, in order: its own (else the feed's), then told apart."""
        wanted = sub.title or clean_line(title)
        if not wanted:
            return iter(())
        host = host_of(sub.url)
        path = urlsplit(sub.url).path.rstrip("/")
        # (made one at a time: a list of every numbered name for each of 10,000 feeds was 11 s)
        return chain((wanted, f"{wanted} ({host})", f"{wanted} ({host}{path})"),
                     (f"{wanted} ({host}{path} {n})" for n in count(2)))

    @staticmethod
    def shared(sub: Subscription) -> str:
        """The title ``sub``'s is told apart from ("Top Stories" of "Top Stories (b.example)"), else ""."""
        base = sub.title.rpartition(" (")[0]  # (an address holds no space)
        if not base:
            return ""
        told = list(islice(Titles._tries(replace(sub, title=""), base), 3))[1:]
        return base if sub.title in told or re.fullmatch(re.escape(told[-1][:-1]) + r" \d+\)", sub.title) else ""


#: What a fetch learns of a feed. The other fields (tags, ``full``, when it was added, its key) are the
#: user's: a fetch never writes them back.
FETCHED = ("url", "title", "learned", "etag", "modified", "last_fetch", "last_ok", "last_error", "errors", "status",
           "gone", "not_before")
#: Cleared by :meth:`Subscriptions.fetch_whole` (``repair``) to have the whole feed sent again: a clear
#: made while a fetch ran stays, or the fetch's validators would bring back the 304.
CLEARED_WINS = ("etag", "modified")


def _learned(now: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The record ``now`` with the fields a fetch changed from ``before`` to ``after``."""
    doc = dict(now)
    if "key" not in doc and now.get("url"):  # (a record of an older version: its address is its identity,
        doc["key"] = now["url"]             # which a move must not change)
    for name in FETCHED:
        if after.get(name) == before.get(name):
            continue  # the fetch left it: as the file has it now
        if name in CLEARED_WINS and now.get(name) != before.get(name):
            continue
        if name in after:
            doc[name] = after[name]
        else:
            doc.pop(name, None)  # (to_doc leaves out a field at its default)
    return doc


def by_title(subs: Iterable[Subscription]) -> list[list[Subscription]]:
    """``subs`` grouped as ``feed:"Title"`` tells their stories apart, each group in the order
    given and placed where its first is; an untitled one alone. Each title is its own (see
    :class:`Titles`), but two an older version left alike ("Top Stories" and "top stories",
    until their next fetch tells them apart) list the same stories: one feed to the sidebar."""
    groups: dict[str, list[Subscription]] = {}
    for n, sub in enumerate(subs):
        groups.setdefault(feed_key(sub.title) or f"\0{n}", []).append(sub)  # ("\0": no title's key)
    return list(groups.values())


def title_refused(sub: Subscription, title: str, subs: Iterable[Subscription]) -> str:
    """Why ``sub`` cannot be renamed ``title`` among the subscriptions ``subs`` ("" if it can): an
    empty title, one longer than its stories' source can be, or another feed's, compared as
    ``feed:"Title"`` compares them (the two would share their stories)."""
    title = clean_line(title)
    if not title:
        return "a feed's title cannot be empty"
    if len(title) > LINE:
        return f"the title is {len(title):,} characters long (at most {LINE:,})"
    other = next((s for s in subs if s.id != sub.id and feed_key(s.title) == feed_key(title)), None)
    return f"{title!r} is the title of another feed ({without_password(other.url)})" if other is not None else ""


def feed_phrase(title: str) -> str:
    """The search for the stories whose source is ``title`` (a feed's, as its stories carry it)."""
    return 'feed:"' + title.replace('"', " ") + '"'


def clean_tags(tags: Iterable[str], spell: Callable[[str], str] = str) -> list[str]:
    """``tags`` normalised, once each; ``spell``: each as ``UserState.spelling`` spells it."""
    out: list[str] = []
    for tag in tags:
        try:
            tag = spell(normalise_tag(tag))
        except TagError:
            continue
        if tag not in out:
            out.append(tag)
    return out


class Subscriptions:
    """The store's subscriptions: read without the lock, every change under it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = Path(store.folder) / FILE
        self._db = open_db(self.path)

    @property
    def _table(self) -> KeyedTable:
        return self._db.table("feeds")  # type: ignore[return-value]

    def all(self) -> list[Subscription]:
        """Every subscription, in the order they were added."""
        if not self.path.exists():
            return []
        subs = [Subscription.from_doc(doc) for doc in self._table.records().values()]
        return sorted((s for s in subs if s.url), key=lambda s: s.added)  # stable: file order within a second

    def tags_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """The tags of the subscriptions ``ids`` as the file has them now (those removed left out):
        a fetch gives them to its new stories, and a tag renamed while it ran must not come back."""
        records = self._table.records() if self.path.exists() else {}
        return {sid: Subscription.from_doc(records[sid]).tags for sid in set(ids) if sid in records}

    def matching(self, ref: str) -> list[Subscription]:
        """The subscription of an address or id, else every one so titled, as ``feed:"Title"``
        compares titles (:func:`~broadsheet.store.search.analysis.feed_key`: case- and
        accent-blind, "cafe gazette" is "Café Gazette"): two feeds may share a title ("Top
        Stories"), and an address tells them apart."""
        ref = ref.strip()
        subs = self.all()
        exact = [sub for sub in subs if ref in (sub.url, sub.id, sub.key)]
        if not exact and "://" in ref:  # an address written another way, as ``add`` tells them apart
            exact = [sub for sub in subs if normal_url(sub.url) == normal_url(ref)]
        key = feed_key(ref)
        return exact or ([sub for sub in subs if feed_key(sub.title) == key] if key else [])

    def add(self, urls: Iterable[str], tags: Iterable[str] = (), full: bool = False,
            titles: dict[str, str] | None = None, tags_of: dict[str, list[str]] | None = None,
            renames: dict[str, str] | None = None, full_of: Iterable[str] = (),
            sites: dict[str, str] | None = None, folder_of: dict[str, list[str]] | None = None,
            ) -> tuple[list[Subscription], list[Subscription]]:
        """Subscribe to ``urls`` (checked with :func:`check_url`) in one write; returns (added, already there).

        ``tags`` go to every feed, ``tags_of`` to one (a feed list's folders); tags given for a
        feed that is already there are added to it. ``full`` (every feed) and ``full_of`` (those
        addresses) fetch each entry's article page too, a feed already there included. A user name
        and password given with the address of a feed there replace its own (it was kept, without
        them or with the old ones, and the feed went on failing with 401); one given without them
        keeps its own. ``titles``
        name new feeds, and ones there without a title yet; ``renames`` (titles the user chose)
        rename ones already there too. ``sites`` and ``folder_of`` (a feed list's htmlUrl and
        folders, for its export) go to new feeds, and to ones there without them yet.
        """
        spell = self.store.user.spelling()  # "CAFE" where stories are tagged "café": "café"
        common = clean_tags(tags, spell)
        whole = set(full_of)
        added: list[Subscription] = []
        present: list[Subscription] = []
        stamp = now()

        def change(table: dict[str, Any]) -> None:
            # One feed, however its address is written, and at its first address too.
            subs = [Subscription.from_doc(doc) for doc in table.values()]
            known = {address: sub.id for address, sub in by_address(subs).items()}
            named = Titles(subs)
            for url in urls:
                tags = clean_tags([*common, *(tags_of or {}).get(url, [])], spell)
                same = known.get(normal_url(url))
                if same is not None:
                    sub = Subscription.from_doc(table[same])
                    sub.tags = clean_tags([*sub.tags, *tags], spell)
                    sub.full = sub.full or full or url in whole
                    sub.site = sub.site or (sites or {}).get(url, "")
                    sub.folder = sub.folder or list((folder_of or {}).get(url, []))
                    if _login(url) and _login(url) != _login(sub.url):  # (into the address it has: a moved one's)
                        sub.url = _signing_in(sub.url, _login(url))
                    renamed = clean_line((renames or {}).get(url, ""))
                    chosen = renamed or ("" if sub.title else clean_line((titles or {}).get(url, "")))
                    if chosen and chosen != sub.title:  # told apart from another feed's, as a new one's is
                        sub.title = named.own(replace(sub, title=""), chosen)
                        sub.learned = not renamed
                    elif renamed:  # the user chose the title it has: it stays when the feed's changes
                        sub.learned = False
                    table[same] = sub.to_doc()
                    present.append(sub)
                    continue
                renamed = clean_line((renames or {}).get(url, ""))
                sub = Subscription(url=url, key=url, tags=list(tags), full=full or url in whole, added=stamp,
                                   site=(sites or {}).get(url, ""), folder=list((folder_of or {}).get(url, [])))
                sub.title = named.own(sub, renamed or (titles or {}).get(url, ""))
                sub.learned = bool(sub.title) and not renamed
                table[sub.id] = sub.to_doc()
                known[normal_url(url)] = sub.id
                added.append(sub)

        with self.store.lock:
            self._table.apply(change)
        return added, present

    def ask_again(self, subs: Iterable[Subscription]) -> list[Subscription]:
        """Clear the gone (410) mark of those of ``subs`` that have it, subscribed to again: a fetch
        of every feed (the reader's F) skips a gone feed, and subscribing again said only "already
        subscribed". Returns them, unmarked."""
        gone = {sub.id: replace(sub, gone=False) for sub in subs if sub.gone}

        def change(table: dict[str, Any]) -> None:
            for sid in gone.keys() & table.keys():
                sub = Subscription.from_doc(table[sid])
                sub.gone = False
                table[sid] = sub.to_doc()

        if gone:
            with self.store.lock:
                self._table.apply(change)
        return list(gone.values())

    def remove(self, subs: Iterable[Subscription]) -> None:
        ids = {sub.id for sub in subs}
        with self.store.lock:

            def drop(table: dict[str, Any]) -> None:
                for sid in ids:
                    table.pop(sid, None)

            self._table.apply(drop)

    def rename(self, sub: Subscription, title: str) -> Subscription:
        """Give ``sub`` the title ``title`` as the user's choice (it stays when the feed's own
        changes, as newsboat's ``"~Title"``), in one write; the subscription renamed.
        FeedTitleError: a title :func:`title_refused` refuses, or ``sub`` no longer subscribed."""
        renamed: list[Subscription] = []

        def change(table: dict[str, Any]) -> None:
            renamed.clear()
            if sub.id not in table:
                raise FeedTitleError(f"{sub.shown_name!r} is no longer subscribed")
            if why := title_refused(sub, title, map(Subscription.from_doc, table.values())):
                raise FeedTitleError(why)
            mine = Subscription.from_doc(table[sub.id])
            mine.title, mine.learned = clean_line(title), False
            table[sub.id] = mine.to_doc()
            renamed.append(mine)

        with self.store.lock:
            self._table.apply(change)
        return renamed[0]

    def retag(self, old: str, new: str | None) -> list[Subscription]:
        """Give the feeds that give ``old`` to their new stories ``new`` instead (None: nothing),
        in one write; the feeds changed (see :mod:`.retag`)."""
        changed: list[Subscription] = []
        key = tag_key(old)  # every spelling of it, as on the stories (``UserState.rename_tag``)

        def change(table: dict[str, Any]) -> None:
            changed.clear()
            for sid, doc in table.items():
                sub = Subscription.from_doc(doc)
                if key in tag_keys(tuple(sub.tags)):
                    given = [tag for tag in sub.tags if tag_key(tag) != key] if new is None else [
                        new if tag_key(tag) == key else tag for tag in sub.tags]
                    sub.tags = clean_tags(given)
                    table[sid] = sub.to_doc()
                    changed.append(sub)

        if any(key in tag_keys(tuple(sub.tags)) for sub in self.all()):  # (most tags no feed gives: no lock)
            with self.store.lock:
                self._table.apply(change)
        return changed

    def fetch_whole(self, urls: Iterable[str]) -> list[str]:
        """Forget the ETag and Last-Modified of the feeds at ``urls`` (a feed's stories lost their
        text in a damaged store): the next fetch downloads them whole, not a 304 that stores
        nothing. Returns the addresses no subscription has (its key or its address now)."""
        wanted = {normal_url(url): url for url in urls}
        found: set[str] = set()

        def change(table: dict[str, Any]) -> None:
            for sid, doc in table.items():
                sub = Subscription.from_doc(doc)
                here = set(addresses(sub)) & wanted.keys()  # each feed known by one, not only by_address's pick
                if here:
                    found.update(here)
                    sub.etag = sub.modified = ""
                    table[sid] = sub.to_doc()

        if self.path.exists():
            with self.store.lock:
                self._table.apply(change)
        return [url for key, url in wanted.items() if key not in found]

    def save(self, fetched: Iterable[tuple[dict[str, Any], Subscription]],
             merged: Iterable[tuple[Subscription, Subscription]] = ()) -> None:
        """Write back what a fetch learned of its feeds, onto their records as they are now.

        ``fetched``: (the record as the fetch read it, the subscription after it). Only the
        fields the fetch changed are written (:data:`FETCHED`): a tag or ``--full`` given while it
        ran stays, and so does a repair's call for whole feeds (:data:`CLEARED_WINS`); ones removed
        meanwhile stay removed. ``merged``: (a duplicate, the subscription it is the same feed
        as): the duplicate is removed and its tags, as the file has them now, go to the other, in the same write.
        """
        changes = [(before, sub.id, sub.to_doc()) for before, sub in fetched]
        pairs = list(merged)

        def change(table: dict[str, Any]) -> None:
            for before, sid, after in changes:
                if sid in table:
                    table[sid] = _learned(table[sid], before, after)
            for gone, into in pairs:
                record = table.pop(gone.id, None)  # its tags as they are now (renamed meanwhile: renamed)
                tags = Subscription.from_doc(record).tags if record is not None else []
                if into.id in table and tags:
                    kept = Subscription.from_doc(table[into.id])
                    kept.tags = clean_tags([*kept.tags, *tags])
                    table[into.id] = kept.to_doc()

        with self.store.lock:
            self._table.apply(change)

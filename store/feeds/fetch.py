"""``broadsheet fetch``: download subscribed feeds concurrently, store their entries, account for each.

Downloads run on one asyncio loop with httpx: a limit per host, timeouts (per read and
for the whole answer, so a trickling server cannot hold a fetch), retries with backoff
for passing faults, conditional GET (an unchanged feed costs one 304), gzip (also gzip
bytes sent without a Content-Encoding), redirects (a permanent one moves the
subscription), a size cap on the decoded bytes (a gzip bomb stops at the cap), an honest
User-Agent, and ``429``/``Retry-After`` respected.

Nothing is half-done by a kill: entries are stored (bodies, then metadata, each file
atomic) before the subscriptions' ETag/Last-Modified are saved, so a fetch killed at any
moment leaves the store whole and the next fetch downloads again what was not stored; the
tags new stories get are written down before them (``Store.add_identified``), so the next
writer gives those a killed fetch did not. A full disk stops the storing, said in the report
(:attr:`FetchReport.store_error`). A lock file makes a second fetch on the same store refuse
at once instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import email.utils
import itertools
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Collection, Coroutine, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from filelock import FileLock, Timeout

from broadsheet.store.errors import StoreFileError, StoreWriteError
from broadsheet.store.feeds.parse import FeedError, FeedTooLarge, by_title, gunzipped, parse_feed
from broadsheet.store.feeds.subscriptions import (
    Subscription,
    Subscriptions,
    Titles,
    entry_files,
    now,
    unreadable,
    without_password,
)
from broadsheet.store.ingest.decode import in_labelled_charset
from broadsheet.store.model import Article, normal_url
from broadsheet.store.sanitize import is_web_address
from broadsheet.store.storage.db import Store, StoredUnlisted
from broadsheet.store.wording import command

if TYPE_CHECKING:
    import httpx

    from broadsheet.store.feeds.photos import FeedPhotos

USER_AGENT = "Broadsheet/0.1 (terminal feed reader; fetches on the user's request)"
Outcome = Literal["new", "unchanged", "failed", "skipped"]
BATCH = 2000  # entries per store write, as the importer
FULL_PAGES = 30  # article pages fetched per --full feed and fetch (new entries only): polite to the site
MAX_RETRY_AFTER = 7 * 24 * 3600.0  # the longest a server's Retry-After keeps its feed from being asked (a week)
EARLY = 2.0  # seconds between two storings of the feeds finished while others still download


class FetchStopped(RuntimeError):
    """A fetch was stopped part way (the reader quit): the feeds not stored yet are left as not fetched."""


class FetchBusy(RuntimeError):
    """Another fetch holds this store's fetch lock."""


@dataclass(frozen=True, slots=True)
class Settings:
    user_agent: str = USER_AGENT  # ([feeds] user_agent: printable ASCII, as an HTTP header carries it)
    timeout: float = 15.0  # connect, and each read: a silent server fails after this
    total: float = 60.0  # the whole answer of one feed: a trickling server fails after this
    per_host: int = 4
    connections: int = 64
    retries: int = 2  # extra tries after a connect timeout, a dropped connection, a 5xx or a 429
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_wait: float = 30.0  # the longest Retry-After honoured within one fetch
    max_bytes: int = 10 * 1024 * 1024  # a feed larger than this (decoded) is refused
    max_redirects: int = 5
    images: bool = True  # download the photos entries name ([feeds] fetch_images)
    max_photo_bytes: int | None = None  # a photo larger than this is not kept (None: the store's photo cap)
    retry_photos: bool = False  # ask again for photos that failed for good (fetch --retry-photos)


@dataclass(slots=True)
class Got:
    """What downloading one feed gave."""

    outcome: Outcome
    data: bytes = b""
    reason: str = ""
    status: int = 0
    url: str = ""  # where the answer came from
    moved: bool = False  # every redirect on the way was permanent: the subscription moves
    etag: str = ""
    modified: str = ""
    wait: float | None = None  # seconds the server's Retry-After asks for
    retry_at: str = ""  # when a Retry-After too long to wait for ends (ISO time)


@dataclass(slots=True)
class FeedResult:
    sub: Subscription
    outcome: Outcome
    new: int = 0
    updated: int = 0
    present: int = 0
    skipped_entries: int = 0
    reason: str = ""
    moved_to: str = ""
    same_as: str = ""  # the subscription whose feed this address led to: this one went into it
    waited: bool = False  # skipped: its host asked to wait (said once for them all: FetchReport.hosts_said)
    photo_problems: list[str] = field(default_factory=list)  # why photos its entries name were not kept
    page_problems: list[str] = field(default_factory=list)  # why article pages (--full) were not read
    malformed: str = ""  # why the feed is not well-formed XML (read leniently all the same)
    notes: list[str] = field(default_factory=list)  # what else parsing says of it (parse.Feed.notes)
    #: New stories not given the feed's tags, each with why: the state file of their marks is damaged.
    untagged: dict[str, StoreFileError] = field(default_factory=dict)
    #: New stories whose feed's tags could not be written yet (the disk is full): the next fetch gives them.
    tags_left: int = 0
    #: Its entries were not all stored (the disk is full): the next fetch downloads it whole.
    not_stored: bool = False
    #: New or updated stories changed to fit the store's limits (see ``limits.fit_article``: a headline cut, a
    #: paragraph split, their first MAX_PARAGRAPHS paragraphs kept): each's headline and what was changed.
    cut: list[tuple[str, str]] = field(default_factory=list)
    #: The ids of the stories it added (``new`` of them): the latest fetch's, listed by ``is:new``.
    new_ids: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


@dataclass(slots=True)
class Fetched:
    """A feed's entries on their way to the store: the article pages and photos they still need."""

    result: FeedResult
    articles: list[Article]
    pages: list[Article] = field(default_factory=list)  # a --full feed's new entries: their pages are fetched
    title: str = ""  # the feed's own title (the subscription's is given before storing)


@dataclass(slots=True)
class FetchReport:
    results: list[FeedResult] = field(default_factory=list)
    #: Feeds not fetched because Ctrl-C stopped the fetch (those finished before it are stored).
    interrupted: int = 0
    #: Ctrl-C came (maybe once every feed was fetched: ``interrupted`` 0, their stories stored).
    ctrl_c: bool = False
    #: Photos this fetch downloaded and kept (``--retry-photos`` says how many it brought back).
    photos_downloaded: int = 0
    #: Why storing stopped part way (the disk is full): the feeds not all stored failed with it.
    store_error: StoreWriteError | None = None
    #: Whether the feeds' validators (ETag, Last-Modified) were saved after their stories: not
    #: after that error, the disk still full (their titles and last fetch were, before the stories).
    feeds_saved: bool = True
    #: Each host that asked to wait, with its feeds skipped for it (see Hosts.said).
    hosts_said: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[FeedResult]:
        return [r for r in self.results if r.failed]

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.results)

    @property
    def untagged(self) -> int:
        """New stories not given their feed's tags (their marks' state file is damaged)."""
        return sum(len(r.untagged) for r in self.results)

    @property
    def tags_left(self) -> int:
        """New stories whose feed's tags wait for the next fetch (the disk was full)."""
        return sum(r.tags_left for r in self.results)


Progress = Callable[[int, int, str], None]  # (feeds done, feeds in all, a feed still fetched, else the last one)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date), at most ``MAX_RETRY_AFTER``.

    Capped: a server asking for centuries would put the time to wait until past the last
    date Python can hold, and a feed that is never asked again is as good as unsubscribed.
    """
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # not str.isdigit alone: "²" is a digit too
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds()), MAX_RETRY_AFTER)


def _later(seconds: float) -> dt.datetime:
    """The time ``seconds`` from now (seconds from ``_retry_after``, so no later than a date can be)."""
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def _why(exc: BaseException, settings: Settings, asked: str = "", looped: bool = False) -> str:
    """Why a download failed, in words (httpx's own name and wording say nothing to a reader, and
    may hold the server's bytes: "illegal status line: bytearray(b'...')"). ``asked``: the address
    asked for, a web address: an address httpx refuses was then a redirect's target. ``looped``: the
    redirects led back to an address they had been to."""
    import httpx

    redirect = is_web_address(asked)
    if isinstance(exc, httpx.UnsupportedProtocol) and redirect:  # (a Location of file: or ftp:)
        try:
            scheme = _SCHEME.fullmatch(exc.request.url.scheme)  # (the Location's, as httpx read it)
        except RuntimeError:  # (no request: never so from a client's send)
            scheme = None
        shown = f" ({scheme[0]}:)" if scheme else ""
        return f"the server redirected to an address that is not http:// or https://{shown}"
    if isinstance(exc, httpx.InvalidURL):  # (not an HTTPError; a Location of javascript:alert(1), http:x)
        return "the server redirected to an address that is not a valid http:// or https:// address" if redirect \
            else "not a valid address"
    if isinstance(exc, httpx.RemoteProtocolError):
        return _not_http(str(exc))
    if isinstance(exc, httpx.TooManyRedirects):
        return "redirect loop (the redirects lead back to an address already asked)" if looped \
            else f"too many redirects (more than {settings.max_redirects})"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"could not connect within {settings.timeout:g} s"
    if isinstance(exc, httpx.TimeoutException):
        return f"the server stopped answering (no data for {settings.timeout:g} s)"
    if isinstance(exc, TimeoutError):
        return f"the answer took longer than {settings.total:g} s (server too slow)"
    if isinstance(exc, httpx.ConnectError):
        said = _tls_why(exc) or _connect_why(exc)
        try:
            target = str(exc.request.url)
        except RuntimeError:  # (no request: never so from a client's send)
            target = ""
        if redirect and target and normal_url(target) != normal_url(asked):  # the redirect's target failed
            return f"the server redirected to {without_password(target)}, which failed: {said}"
        return said
    if isinstance(exc, httpx.DecodingError):
        return "the answer's compression is broken"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "not an http:// or https:// address"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]{0,19}")


def _connect_why(exc: BaseException) -> str:
    """Why a connection could not be made, in words of our own: the HTTP library's were "All
    connection attempts failed" (each address of the host refused) or the system's "[Errno -2]
    Name or service not known"."""
    import errno
    import socket

    causes: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 20:
        causes.append(cause)
        causes += getattr(cause, "exceptions", ())  # (each address tried, when more than one failed)
        cause = cause.__cause__ or cause.__context__
    if any(isinstance(c, socket.gaierror) for c in causes):
        return "cannot connect: the server's name was not found (is the network up?)"
    codes = {c.errno for c in causes if isinstance(c, OSError)}
    if errno.ECONNREFUSED in codes:
        return "cannot connect: the server refused the connection (it may be down)"
    if codes & {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN}:
        return "cannot connect: the server cannot be reached (is the network up?)"
    return "cannot connect to the server"


def _tls_why(exc: BaseException) -> str:
    """Why a secure (https) connection failed, in words ("" when TLS is not why): OpenSSL's own
    were "wrong version number (_ssl.c:1006)"."""
    import ssl

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, ssl.SSLError):
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        return ""
    if isinstance(cause, ssl.SSLCertVerificationError):
        detail = (cause.verify_message or "").rstrip(".")
        return "the server's certificate is not trusted" + (f" ({detail})" if detail.isprintable() and detail else "")
    if cause.reason == "WRONG_VERSION_NUMBER":
        return "the server did not answer in TLS (https): it may serve only http://"
    return "the secure connection (TLS, https) could not be made"


def _not_http(said: str) -> str:
    """An answer h11 refused, in words: its status line, a redirect's Location; h11's own words
    only when they are plain (its "illegal status line" showed the server's bytes, and an
    escape character's repr)."""
    if said.startswith("illegal status line"):
        return "the server's answer is not HTTP"
    if "location header" in said:  # (the Location holds an escape character, a port that is none)
        return "the server redirected to an address that is not valid"
    plain = said.isascii() and said.isprintable() and "\\x" not in said and "bytearray(" not in said \
        and "b'" not in said and len(said) <= 100
    return f"the server's answer is not valid HTTP ({said.rstrip('.')})" if said and plain \
        else "the server's answer is not valid HTTP"


class _TooBig(Exception):
    pass


@dataclass(slots=True)
class Hosts:
    """What the hosts said during one fetch, so one host's trouble costs its feeds one request each at most."""

    #: A host that asked to wait (a 429, a 503 with a Retry-After): until when, and the answer's status. Its
    #: feeds not asked yet are skipped, until a retry of the feed that was asked is answered.
    waits: dict[str, tuple[dt.datetime, int]] = field(default_factory=dict)
    #: A host that still answered 5xx after the retries: its other feeds are asked once, not retried.
    sick: set[str] = field(default_factory=set)
    #: Feeds skipped because their host asked to wait, by host: not asked.
    skipped: Counter[str] = field(default_factory=Counter)
    #: Feeds skipped because their host asked to wait, by host: asked at the same time, and answered the same.
    answered: Counter[str] = field(default_factory=Counter)
    #: The wait each host's skipped feeds were told (said once for them: the host's own may have ended since).
    told: dict[str, tuple[dt.datetime, int]] = field(default_factory=dict)

    def wait_note(self, host: str, asked: bool = False) -> Got | None:
        """A feed of ``host`` skipped, when the host asked this fetch to wait (``asked``: the feed
        was asked at the same time, and answered so too)."""
        if host not in self.waits:
            return None
        self.told[host] = self.waits[host]
        when, _ = self.waits[host]
        (self.answered if asked else self.skipped)[host] += 1
        return Got("skipped", reason=f"{host} asked to wait until {when:%Y-%m-%d %H:%M} UTC")

    def said(self) -> list[str]:
        """Each host that asked to wait, said once with the feeds of it skipped: ``news.example asked
        to wait until 2026-12-07 16:40 UTC (429): its 4 other feeds were not asked in this fetch; 3
        other feeds asked at the same time answered 429 too``. Not saved for them: the next fetch
        asks them (one broken feed answering 503 for good must not keep its host's others from being
        fetched)."""
        lines = []
        for host, (when, status) in self.told.items():
            parts = []
            if count := self.skipped[host]:
                parts.append(f"its {count} other feed{'s were' if count > 1 else ' was'} not asked in this fetch")
            if count := self.answered[host]:
                parts.append(f"{count} other feed{'s' if count > 1 else ''} asked at the same time answered "
                             f"{status} too")
            lines.append(f"{host} asked to wait until {when:%Y-%m-%d %H:%M} UTC ({status}): {'; '.join(parts)}")
        return lines


async def _body(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, read chunk by chunk; _TooBig as soon as it passes ``max_bytes`` (a gzip bomb too)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _TooBig
        chunks.append(chunk)
    return b"".join(chunks)


async def _get_once(client: httpx.AsyncClient, sub: Subscription, settings: Settings) -> Got:
    headers = {}
    # Asked whole to retry its photos: a 304 would give no entries, so no photo to ask again.
    if sub.etag and not settings.retry_photos:
        headers["If-None-Match"] = sub.etag
    if sub.modified and not settings.retry_photos:
        headers["If-Modified-Since"] = sub.modified
    async with answer_deadline(settings.total), client.stream("GET", sub.url, headers=headers) as response:
        moved = bool(response.history) and all(r.status_code in (301, 308) for r in response.history)
        got = Got("new", status=response.status_code, url=str(response.url), moved=moved,
                  etag=response.headers.get("etag", ""), modified=response.headers.get("last-modified", ""))
        if response.status_code == 304 and not headers:  # nothing asked of it could be "not modified"
            got.outcome = "failed"
            got.reason = "answered 304 Not Modified to a first request" if not sub.last_ok else \
                "answered 304 Not Modified to a request for the whole feed"
            return got
        if response.status_code == 304:
            got.outcome = "unchanged"
            return got
        if response.status_code >= 400:
            got.outcome = "failed"
            got.wait = _retry_after(response.headers.get("retry-after"))
            return got
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > settings.max_bytes and "content-encoding" not in response.headers:
            raise _TooBig
        # gzip bytes without a Content-Encoding (a feed.xml.gz served as it is) are unpacked, to the same cap.
        got.data = in_declared_charset(gunzipped(await _body(response, settings.max_bytes), settings.max_bytes),
                                       response.charset_encoding)
        return got


def in_declared_charset(data: bytes, charset: str | None) -> bytes:
    """A feed's bytes as UTF-8 when only the server says what they are in (``Content-Type: ...;
    charset=iso-8859-1``), the document itself saying nothing or naming a charset they are not
    in: its parser would take them for UTF-8, and "Café" would be stored as "Caf?" (U+FFFD).
    Otherwise as they came."""
    text = in_labelled_charset(data, charset)
    return data if text is None else text.encode("utf-8")


#: What an answer's status means for a file a feed names (an article page, a photo).
LINKED_STATUS = {401: "needs a login (401)", 403: "refused (403)", 404: "not found (404)", 410: "gone (410)",
                 429: "rate limited (429)"}
_STATUS = {**LINKED_STATUS, 410: "gone (410): the server says the feed was removed for good"}
#: The answers whose Retry-After keeps a feed from being asked until then.
_WAITING = {429: "rate limited (429)", 503: "server busy (503)"}


def linked_status(status: int) -> str:
    """Why a file a feed names could not be had, from its answer's status."""
    return LINKED_STATUS.get(status, f"server error ({status})" if status >= 500 else f"HTTP {status}")


def reasons_note(problems: list[str], one: str, many: str, outcome: str, most: int = 3) -> str:
    """Things a feed names that were not had, by reason: ``3 photos not kept: not found (404) (2
    photos); not an image``."""
    if not problems:
        return ""
    counts = Counter(problems)
    if len(counts) == 1:  # one reason for them all: "3 photos not kept: not found (404)", not again "(3 photos)"
        return f"{len(problems)} {one if len(problems) == 1 else many} {outcome}: {problems[0]}"
    reasons = [reason + (f" ({count} {many})" if count > 1 else "") for reason, count in counts.most_common(most)]
    if len(counts) > most:
        reasons.append(f"and {len(counts) - most} other reasons")
    return f"{len(problems)} {one if len(problems) == 1 else many} {outcome}: " + "; ".join(reasons)


async def download(client: httpx.AsyncClient, sub: Subscription, settings: Settings,
                   hosts: Hosts | None = None) -> Got:
    """One feed, with retries for passing faults; never raises. ``hosts``: what its host said to the
    other feeds of this fetch (a 429 or 503 keeps it from asking again, a 5xx from retrying)."""
    import httpx

    hosts = hosts if hosts is not None else Hosts()
    unread = unreadable(sub.url)
    if unread:  # (a hand-edited feeds.json, an older version's: httpx said "InvalidURL: Invalid port: ':1'")
        return Got("failed", reason=f"not an address: {unread}")
    delay = settings.backoff
    waiting = ""  # the host whose wait this feed's answer set: a retry answered ends it for the others
    for attempt in range(settings.retries + 1):
        last = attempt == settings.retries
        try:
            got = await _get_once(client, sub, settings)
        except (_TooBig, FeedTooLarge):
            return Got("failed", reason=f"larger than the {settings.max_bytes // (1024 * 1024)} MB cap for a feed")
        except FeedError as exc:  # damaged gzip data: asking again brings the same bytes
            return Got("failed", reason=str(exc))
        except httpx.TooManyRedirects as exc:  # (its request: the next address, not asked)
            slot = _SLOT.get()
            return Got("failed", reason=_why(exc, settings, sub.url,
                                             looped=slot is not None and str(exc.request.url) in slot.asked))
        except (httpx.ConnectError, httpx.UnsupportedProtocol, httpx.DecodingError,
                TimeoutError, httpx.ReadTimeout, httpx.WriteTimeout) as exc:
            # Retrying cannot help: no network fails fast; too many redirects; the whole answer's deadline (a
            # server that trickles would trickle again); connected, then silent (asked again, silent
            # again: three tries of a hung server took 48 s).
            return Got("failed", reason=_why(exc, settings, sub.url))
        except httpx.TransportError as exc:
            if last:
                return Got("failed", reason=_why(exc, settings, sub.url))
            await asyncio.sleep(delay)
            delay *= 2
            continue
        except Exception as exc:  # contract: one feed never stops the fetch
            return Got("failed", reason=_why(exc, settings, sub.url))
        # A 429, or a 503 saying how long to wait: the host asks to wait. A 503 alone is its feed's
        # trouble (one broken feed answering it kept most of its host's others from ever being fetched).
        asks_wait = got.status == 429 or (got.status == 503 and got.wait is not None)
        if waiting and not asks_wait:
            hosts.waits.pop(waiting, None)
            waiting = ""
        if got.outcome != "failed":
            return got
        got.reason = got.reason or _STATUS.get(got.status, f"HTTP {got.status}")
        if got.status == 429 or got.status >= 500:
            wait = got.wait if got.wait is not None else delay
            host = _host(got.url or sub.url, port=True)
            if asks_wait:
                when = _later(wait)
                first = host not in hosts.waits
                hosts.waits[host] = max(hosts.waits.get(host, (when, got.status)), (when, got.status))
                if not first and attempt == 0:  # another feed of the host asked first: that one asks again
                    return hosts.wait_note(host, asked=True) or got
                waiting = host
                if wait > settings.max_wait:  # (a 503's Retry-After too: RFC 9110)
                    got.reason = f"{_WAITING[got.status]}: the server asks to wait until {when:%Y-%m-%d %H:%M} UTC"
                    got.retry_at = when.isoformat(timespec="seconds")
                    return got
                if attempt > 0:  # asked again once the wait was over: not a third time
                    got.reason = _WAITING[got.status]
                    return got
            if last or (got.status >= 500 and host in hosts.sick):  # a sick host: its feeds are not retried
                if got.status >= 500:
                    got.reason = _WAITING.get(got.status, f"server error ({got.status})")
                    hosts.sick.add(host)
                return got
            await asyncio.sleep(min(wait, settings.max_wait))
            delay *= 2
            continue
        return got
    raise AssertionError("unreachable")  # the loop always returns on its last attempt


async def _get_page(client: httpx.AsyncClient, url: str, settings: Settings) -> tuple[str | None, str]:
    """An entry's article page as text (capped, time-limited), or None and why it cannot be had."""
    import httpx

    try:
        async with answer_deadline(settings.total), client.stream("GET", url) as response:
            if response.status_code != 200:
                return None, linked_status(response.status_code)
            kind = response.headers.get("content-type", "html")
            if "html" not in kind:
                return None, f"not a web page ({kind.split(';')[0].strip()[:40]})"
            return (await _body(response, settings.max_bytes)).decode(response.encoding or "utf-8", "replace"), ""
    except _TooBig:
        return None, f"larger than {settings.max_bytes // (1024 * 1024)} MB"
    except (httpx.HTTPError, httpx.InvalidURL, TimeoutError, LookupError) as exc:
        return None, _why(exc, settings, url)


async def complete(client: httpx.AsyncClient, article: Article, settings: Settings) -> str:
    """Replace a summary-only entry's text with its article page's, when the page has more; why
    the page could not be read ("" when it was)."""
    from broadsheet.store.html import page_article
    from broadsheet.store.parse import ParseError

    page, problem = await _get_page(client, article.url or "", settings)
    if page is None:
        return problem
    try:
        full = page_article(page, article.url)
    except (ParseError, ValueError) as exc:
        return str(getattr(exc, "reason", "") or exc) or "no story found in it"
    take_fuller(article, full)
    return ""


def take_fuller(article: Article, full: Article) -> None:
    """Give ``article`` (a feed entry) the text of ``full`` (its page), when that is longer,
    and the page's photos it lacks."""
    if sum(map(len, full.body)) > sum(map(len, article.body)):
        article.body = full.body
        known = {image.src for image in article.images}
        article.images += [image for image in full.images if image.src not in known]


def keep_pages(store: Store, articles: list[Article]) -> set[str]:
    """The entries of a ``--full`` feed that are stored already: their page was read when they
    were new, and each keeps the text and photos it was stored with (where longer than the
    entry's), else every fetch put the feed's teaser back over the story (the page is not
    fetched again: a feed repeats its entries on every fetch)."""
    entries = {article.story_id: article for article in articles if article.url}
    known: set[str] = set()
    for meta, stored in store.articles(list(entries), in_order=False):
        known.add(meta.id)
        take_fuller(entries[meta.id], stored)
    return known


def _host(url: str, port: bool = False) -> str:
    """The host downloads from ``url`` are limited by, as httpx reads it and in one form (an
    international name as its requests' addresses give it: a wait set by an answer, whose address
    held the ``xn--`` form, was looked for under the subscribed name); "" for an address that is
    none (a hand-edited feeds.json's "http://[::1/x"). ``port``: with its port, when not its
    scheme's: the server a wait or a 5xx is kept for (an IPv6 address in brackets then, as an
    address writes it: "::1:8080" read as the address ``::1:8080``)."""
    import httpx

    try:
        parts = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):  # (a name that is no valid international one: idna's ValueError)
        return ""
    if not (port and parts.port):
        return parts.host
    return f"[{parts.host}]:{parts.port}" if ":" in parts.host else f"{parts.host}:{parts.port}"


class Slot:
    """A download's place in the limit per host, held on the host each of its requests goes to: a
    redirect to another host moves it there (the limit counted the subscribed host, so the feeds
    of many hosts redirecting to one all asked that one at once)."""

    def __init__(self, slots: Callable[[str], asyncio.Semaphore], host: str) -> None:
        self._slots, self.host, self._held = slots, host, False
        self.asked: set[str] = set()  # the addresses its requests went to, redirects' too (a loop is told apart)
        self._token: contextvars.Token[Slot | None] | None = None
        self.deadline: asyncio.Timeout | None = None  # the answer's under way (answer_deadline)

    async def __aenter__(self) -> None:
        await self._take(self.host)
        self._token = _SLOT.set(self)

    async def __aexit__(self, *exc: object) -> None:
        if self._token is not None:
            _SLOT.reset(self._token)
        self._give()

    async def move(self, host: str) -> None:
        """Hold ``host``'s slot instead, given up first: no two downloads each wait for the other's.
        The wait for it is not counted against the answer's deadline: 100 feeds redirecting to one
        slow host failed "the answer took longer than 60 s" while they waited their turn."""
        if host == self.host:
            return
        self._give()
        deadline = self.deadline
        if deadline is None or deadline.expired() or (when := deadline.when()) is None:
            await self._take(host)
            return
        loop = asyncio.get_running_loop()
        left = when - loop.time()
        deadline.reschedule(None)
        try:
            await self._take(host)
        finally:
            deadline.reschedule(loop.time() + left)

    async def _take(self, host: str) -> None:
        self.host = host
        await self._slots(host).acquire()
        self._held = True

    def _give(self) -> None:
        if self._held:
            self._slots(self.host).release()
            self._held = False


_SLOT: contextvars.ContextVar[Slot | None] = contextvars.ContextVar("broadsheet_fetch_slot", default=None)


@contextlib.asynccontextmanager
async def answer_deadline(seconds: float) -> AsyncIterator[None]:
    """``asyncio.timeout(seconds)`` for a server's whole answer, paused while a redirect waits for
    its host's download slot (see Slot.move): only the servers' answering counts."""
    async with asyncio.timeout(seconds) as deadline:
        slot = _SLOT.get()
        if slot is None:
            yield
            return
        slot.deadline = deadline
        try:
            yield
        finally:
            slot.deadline = None


async def _to_its_host(request: httpx.Request) -> None:
    """Before each request, a redirect's too: the download's slot moved to the host it goes to."""
    slot = _SLOT.get()
    if slot is not None:
        slot.asked.add(str(request.url))
        await slot.move(request.url.host.lower())


async def download_all(subs: list[Subscription], settings: Settings,
                       on_done: Callable[[Subscription, Got], Fetched | None],
                       photos: FeedPhotos | None = None,
                       finished: Callable[[Subscription], None] | None = None, hosts: Hosts | None = None) -> None:
    """Download every feed concurrently (at most ``per_host`` at a time on one host; a feed
    of a host that asked to wait is skipped, see :class:`Hosts`).

    ``on_done`` gets each feed's answer and returns its entries, if it has any; their
    article pages (a ``--full`` feed's new entries), then their photos (``photos``) are
    fetched, under the same limit per host, before the feed is ``finished``.
    """
    import httpx

    slots: dict[str, asyncio.Semaphore] = {}
    hosts = hosts if hosts is not None else Hosts()
    limits = httpx.Limits(max_connections=settings.connections, max_keepalive_connections=settings.connections)
    async with httpx.AsyncClient(
        headers={"User-Agent": settings.user_agent, "Accept": "application/rss+xml, application/atom+xml, "
                 "application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"},
        timeout=httpx.Timeout(settings.timeout), limits=limits, follow_redirects=True,
        max_redirects=settings.max_redirects,  # proxies and certificates from the environment, as curl does
        event_hooks={"request": [_to_its_host]},
    ) as client:

        def slot(host: str) -> asyncio.Semaphore:
            return slots.setdefault(host, asyncio.Semaphore(settings.per_host))

        def gate(host: str) -> Slot:
            return Slot(slot, host)

        async def one(sub: Subscription) -> None:
            async with gate(_host(sub.url)):
                got = hosts.wait_note(_host(sub.url, port=True)) or await download(client, sub, settings, hosts)
            fetched = on_done(sub, got)
            if fetched is not None:
                await more(fetched)
            if finished is not None:
                finished(sub)

        async def more(fetched: Fetched) -> None:
            """The article pages and photos of a feed's entries."""
            if fetched.pages:

                async def page(article: Article) -> str:
                    async with gate(_host(article.url or "")):
                        return await complete(client, article, settings)

                problems = await asyncio.gather(*(page(article) for article in fetched.pages[:FULL_PAGES]))
                fetched.result.page_problems = [problem for problem in problems if problem]
            if photos is not None:
                fetched.result.photo_problems = await photos.attach(client, fetched.articles, gate)

        await asyncio.gather(*(one(sub) for sub in subs))


def fetch_lock(store: Store) -> FileLock:
    return FileLock(str(Path(store.folder) / ".fetch.lock"), timeout=0)


def fetch(store: Store, refs: Iterable[Subscription] | None = None, settings: Settings | None = None,
          on_progress: Progress | None = None, stop: Callable[[], bool] | None = None,
          on_stored: Callable[[], None] | None = None) -> FetchReport:
    """Fetch ``refs`` (default: every subscription), store what is new, and say what happened to each.

    The feeds finished (their pages and photos too) are stored every ``EARLY`` seconds while others
    still download, and ``on_stored`` is called after each such storing (a reader shows them then):
    a slow feed held back the stories of every other. The rest are stored at the end.

    Raises :class:`FetchBusy` when another fetch is running on this store, :class:`StoreWriteError`
    when its lock cannot be made (the store cannot be written), and
    :class:`FetchStopped` when ``stop`` said so (looked at ten times a second while downloading:
    the reader quitting); the stories of a stopped fetch stored by then stay stored, the rest are
    not, and no feed's validators are written (the next fetch downloads every feed again, and
    finds those stories present). Ctrl-C stores the feeds finished before it and counts the
    others in ``interrupted``.
    """
    settings = settings or Settings()
    lock = fetch_lock(store)
    try:
        lock.acquire()
    except Timeout:
        raise FetchBusy("another fetch is already running on this store") from None
    except OSError as exc:  # a read-only store, no permission: said as every write to the store says it
        raise StoreWriteError(Path(store.folder), exc) from exc
    try:
        return _fetch(store, settings, refs, on_progress, stop, on_stored)
    finally:
        lock.release()


def _fetch(store: Store, settings: Settings, refs: Iterable[Subscription] | None,
           on_progress: Progress | None, stop: Callable[[], bool] | None,
           on_stored: Callable[[], None] | None = None) -> FetchReport:
    subscriptions = Subscriptions(store)
    # Which subscription each address is, every one (not only those fetched): an address that
    # leads to another's feed must not make it a second subscription (see _duplicate). Read
    # once: the feeds fetched by default are copies, so ``owners`` keeps each as the file has
    # it while a fetched one changes (its address, when it moved).
    every = subscriptions.all()
    subs = list(refs) if refs is not None else [replace(sub) for sub in every]
    read = {sub.id: sub.to_doc() for sub in subs}  # as this fetch found them: what it changes is written back
    report = FetchReport()
    stamp = now()
    due: list[Subscription] = []
    latest = _later(MAX_RETRY_AFTER).isoformat(timespec="seconds")
    for sub in subs:
        if sub.gone and refs is None:  # asked again only when named (`fetch FEED`): 410 is for good
            report.results.append(FeedResult(sub, "skipped", reason=gone_note(sub)))
        elif stamp < sub.not_before <= latest:  # a wait saved past the cap (an older version's) is over
            report.results.append(FeedResult(sub, "skipped", reason=f"the server asked to wait until "
                                                                   f"{_until(sub.not_before)}"))
        else:
            due.append(sub)
    # Progress counts every feed the report will name: one the server asked to wait is done at once
    # (the reader said "Fetching feeds 4/5", then "from 6 feeds").
    done = len(subs) - len(due)
    pending: list[Fetched] = []
    owners = {normal_url(s.url): s for s in every}
    titles = Titles(every)  # each feed's stories under a source of its own (a title two share is told apart)
    merged: list[tuple[Subscription, Subscription]] = []  # (a duplicate, the subscription it goes into)
    called: dict[str, str] = {}  # the title each feed gave, for the progress (subscriptions' titles come later)
    deleted = store.deleted_entries()  # the user deleted them: neither their photos nor their pages are fetched

    def on_done(sub: Subscription, got: Got) -> Fetched | None:
        if got.outcome == "skipped":  # its host asked this fetch to wait
            report.results.append(FeedResult(sub, "skipped", reason=got.reason, waited=True))
            return None
        duplicate = _duplicate(sub, got, owners)
        if duplicate is not None:
            result, into = duplicate
            if into is not None:
                merged.append((sub, into))
            report.results.append(result)
            return None
        result = _account(sub, got, stamp)
        fetched = None
        if got.outcome == "new":
            try:
                feed = parse_feed(got.data, sub.key, got.url or sub.url)  # links relative to where it came from
            except FeedError as exc:
                names = exc.names or ""
                owner = owners.get(normal_url(names)) if names else None
                if owner is not None and owner.id != sub.id:  # "subscribe to that": it is, already
                    ref = sub.url if without_password(sub.url) == sub.url else sub.id  # (a password not said)
                    _failed(result, f"a web page, not a feed; its feed, {without_password(names)}, is subscribed "
                                    f"too: `{command('feeds', 'remove', ref)}` leaves that one")
                else:
                    _failed(result, str(exc))
                if got.moved and got.url != sub.url:
                    result.reason += (f" (where the server moved it for good, {without_password(got.url)}: "
                                      "the subscription keeps its address)")
            else:
                _healthy(sub, stamp)
                _move(sub, got, result)
                result.malformed, result.notes = feed.malformed, feed.notes
                articles = [e.article for e in feed.entries if e.article is not None]
                result.skipped_entries = len(feed.entries) - len(articles)
                if deleted:
                    articles = [a for a in articles if a.story_id not in deleted]
                fetched = Fetched(result, articles, title=feed.title)
                called[sub.id] = feed.title
                pending.append(fetched)
                if sub.full:
                    stored = keep_pages(store, articles)
                    fetched.pages = [a for a in articles if a.url and a.story_id not in stored]
        if result.moved_to:
            owners[normal_url(result.moved_to)] = sub
        report.results.append(result)
        return fetched

    ended: set[str] = set()  # the feeds finished, pages and photos too

    def finished(sub: Subscription) -> None:
        nonlocal done
        done += 1
        ended.add(sub.id)
        if on_progress:  # the feed waited for, not the one just done ("13/14: err500.xml" while a slow one ran)
            named = next((s for s in due if s.id not in ended), sub)
            on_progress(done, len(subs), named.title or called.get(named.id) or named.shown_name)

    # Titles in the order the feeds were subscribed, not the order they answered: of two feeds
    # titled alike the first keeps the title, the other is told apart (see Titles).
    order = {sub.id: n for n, sub in enumerate(subs)}

    def rank(sub: Subscription) -> tuple[str, int]:
        return sub.added, order.get(sub.id, 0)

    renamed: list[tuple[Subscription, str]] = []  # a feed told apart from another, and its title before
    titled: set[str] = set()  # the feeds given their title (Titles.own)

    def naming(got: Fetched) -> tuple[Subscription, bool]:
        """The subscription as Titles is asked to name it, and whether it takes the feed's own title."""
        sub = got.result.sub
        # A title the feed gave follows the feed's own: a publisher's new name was never taken.
        follows = (sub.learned or not sub.title) and bool(got.title.strip())
        return (replace(sub, title="") if follows else sub), follows

    def name(got: Fetched, title: str, follows: bool) -> None:
        """Give the feed ``title``, and its stories too."""
        sub = got.result.sub
        if sub.title and title != sub.title:
            renamed.append((sub, sub.title))
        sub.title = title
        sub.learned = sub.learned or follows
        for article in got.articles:
            article.source = sub.title or article.source

    # A story two feeds carry stays the one's that stored it first while it is subscribed (its
    # stories' file is its address then, or its first one, the key, since it moved): the first
    # finished, of those stored together the first subscribed.
    subscribed = entry_files(every)
    as_written: dict[str, dict[str, Any]] = {}  # each feed's record as the writes before its stories left it

    def before_stories(results: list[FeedResult]) -> None:
        """The feeds' records but for their validators, before their stories: a store that fills up
        part way still lists each feed under the title its stories carry, as fetched (the feeds
        list said "not fetched yet", 0 stories, beside the stories stored)."""
        unvalidated = [(as_written.get(r.sub.id, read.get(r.sub.id, {})), _unvalidated(r.sub, read.get(r.sub.id, {})))
                       for r in results]
        subscriptions.save(unvalidated)
        as_written.update((sub.id, sub.to_doc()) for _, sub in unvalidated)

    def store_finished(photos: FeedPhotos) -> None:
        """Store the feeds finished so far, between two awaits while others download (their
        validators wait for the end). Each is named as the end would name it: one whose title a
        feed subscribed before it and not finished may take first (see Titles.settled) waits, and so
        does one renamed (its older stories are renamed with it, at the end).

        At most BATCH entries at a time (those past it wait for the next time, a feed of more for
        the end): the downloads wait meanwhile, and their deadlines run (120,000 took 20 s)."""
        if report.store_error is not None:  # the disk is full: the end tries once more
            return
        ready = {got.result.sub.id: got for got in pending if got.result.sub.id in ended}
        chosen: list[Fetched] = []
        room = BATCH
        clear = True  # every feed subscribed before this one is finished and named
        for sub in sorted(due, key=rank):
            got = ready.get(sub.id)
            if got is not None:
                asked, follows = naming(got)
                if clear or titles.settled(asked, got.title):
                    titled.add(sub.id)
                    title = titles.own(asked, got.title)
                    if (not sub.title or title == sub.title) and len(got.articles) <= room:
                        room -= len(got.articles)
                        name(got, title, follows)
                        chosen.append(got)
            clear = clear and sub.id in ended and (got is None or sub.id in titled)
        if not chosen:
            return
        taken = {id(got) for got in chosen}
        pending[:] = [got for got in pending if id(got) not in taken]
        photos.remember()  # the photos they name first (see FeedPhotos.remember)
        done_storing: tuple[StoreWriteError | None, int, bool] | None = None
        try:
            before_stories([got.result for got in chosen])
            done_storing = store_fetched(store, [(got.result, got.articles) for got in chosen], subscribed)
        except BaseException:
            # A second Ctrl-C raises wherever it comes here (asyncio's handler, not Python's, so
            # sigint_deferred holds none): not knowing which were all stored, none keeps its new
            # validators (they were written at the end: the next fetch got 304, the rest lost).
            if done_storing is None:
                for got in chosen:
                    _not_stored(got.result)
                report.interrupted += len(chosen)
            raise
        error, stopped, late = done_storing
        report.store_error = error
        report.interrupted += stopped
        if stopped or late:  # a second Ctrl-C came while they were stored (the first stops the downloads only,
            # see asyncio.run): the fetch stops, and stores the other feeds finished, which a third Ctrl-C stops
            raise KeyboardInterrupt
        if on_stored:
            on_stored()

    if done and on_progress:
        on_progress(done, len(subs), report.results[-1].sub.shown_name)
    if due:
        from broadsheet.store.feeds.photos import FeedPhotos

        # Photos the store keeps are tied to their images even with downloads off: a story
        # fetched again keeps them.
        photos = FeedPhotos(store, settings, download=settings.images)
        hosts = Hosts()

        async def downloading() -> None:
            """Every download, the feeds finished stored every EARLY seconds while others go on."""
            task = asyncio.ensure_future(download_all(due, settings, on_done, photos, finished, hosts))
            try:
                while not task.done():
                    await asyncio.wait({task}, timeout=EARLY)
                    if not task.done():
                        store_finished(photos)
                await task
            finally:
                task.cancel()

        try:
            _run(downloading, stop)
        except KeyboardInterrupt:
            # Ctrl-C: the feeds finished (their pages and photos too) are stored (or were), the others
            # are left as if not fetched (their validators too: the next fetch downloads them).
            # Said even when every feed had finished (it exited 0 as if no Ctrl-C had come), and
            # at once: storing 120,000 stories took 20 s (a second Ctrl-C stops it, see store_fetched).
            report.ctrl_c = True
            report.interrupted += len(due) - len(ended)
            if on_progress:
                on_progress(done, len(subs), "Ctrl-C: storing what was fetched")
            pending[:] = [f for f in pending if f.result.sub.id in ended]
            report.results[:] = [r for r in report.results if r.sub.id in ended or r.outcome == "skipped"]
        if stop is not None and stop():
            raise FetchStopped("the fetch was stopped: the feeds not stored by then were not")
        report.hosts_said = hosts.said()
        photos.remember()  # the photo files are written: now durable, then their addresses
        report.photos_downloaded = len(photos.found)
    # Stored in that order too: of two feeds carrying one story, the first subscribed keeps it.
    pending.sort(key=lambda f: rank(f.result.sub))
    for got in pending:
        asked, follows = naming(got)
        name(got, titles.own(asked, got.title), follows)
    if pending:  # (with no story to store, the one write below says it all)
        before_stories(report.results)
    error, stopped, late = store_fetched(store, [(f.result, f.articles) for f in pending], subscribed)
    report.store_error = report.store_error or error
    report.interrupted += stopped

    def after_storing() -> None:
        if renamed and report.store_error is not None:
            for sub, before in renamed:  # its stories keep the old title: the next fetch renames them
                sub.title = before
        elif renamed:  # its stories no longer in the feed take its new title too (a pass over the store, once)
            from broadsheet.store.feeds.feedstories import feed_stories, retitle_stories

            stories = feed_stories(store, [(sub, [before]) for sub, before in renamed])
            retitle_stories(store, [(stories[sub.id], sub.title) for sub, _ in renamed])
        # Changed from the records as the writes before the stories left them (the old title put back
        # included: against the records as read, it was no change, and stayed new).
        records = [(as_written.get(r.sub.id, read.get(r.sub.id, {})), r.sub) for r in report.results]
        # Only now, with every entry stored, the new ETags and Last-Modified: a kill before this
        # line leaves them as they were, so the next fetch downloads the feeds again (a feed whose
        # entries were not all stored has lost them: see store_fetched). Not written twice alike (a
        # feed sending no validators).
        if merged or not as_written or any(before != sub.to_doc() for before, sub in records):
            try:
                subscriptions.save(records, merged)
            except StoreWriteError:
                if report.store_error is None:
                    raise
                report.feeds_saved = False  # the disk still full: the stories are stored all the same

    late = _through_ctrl_c(after_storing) or late
    late = _through_ctrl_c(lambda: _keep_latest(store, report)) or late
    report.ctrl_c = report.ctrl_c or stopped > 0 or late
    report.results.sort(key=lambda r: order.get(r.sub.id, 0))
    return report


def _keep_latest(store: Store, report: FetchReport) -> None:
    """The stories this fetch added, kept for ``is:new`` (see :mod:`.latest`), after the stories:
    a fetch killed before this keeps the previous fetch's. A full disk leaves them unsaid there
    (the stories are stored all the same; a fetch that stopped on it says so already)."""
    from broadsheet.store.feeds.latest import save

    try:
        save(store, report, now())
    except StoreWriteError:
        if report.store_error is None:
            raise


def _through_ctrl_c(step: Callable[[], None]) -> bool:
    """Run ``step``, a step after the stories are stored, to its end through a Ctrl-C, and say
    whether one came: the summary then says what was stored (a second Ctrl-C while the index
    was committed printed "broadsheet: interrupted" alone)."""
    from broadsheet.store.ingest.importer import sigint_deferred

    try:
        with sigint_deferred():
            step()
    except KeyboardInterrupt:
        return True
    return False


def _run(make: Callable[[], Coroutine[Any, Any, None]], stop: Callable[[], bool] | None = None) -> None:
    """Run a coroutine to its end, or until ``stop`` says so (asked ten times a second), on a
    thread of its own when this one already runs a loop."""
    async def until_stopped() -> None:
        task = asyncio.ensure_future(make())
        while not task.done():
            if stop is not None and stop():
                task.cancel()
                break
            await asyncio.wait({task}, timeout=0.1)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(until_stopped())
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(until_stopped())).result()


def _unvalidated(sub: Subscription, read: dict[str, Any]) -> Subscription:
    """``sub`` with the ETag and Last-Modified it had when read (``read``: its record then)."""
    return replace(sub, etag=read.get("etag", ""), modified=read.get("modified", ""))


def _healthy(sub: Subscription, stamp: str) -> None:
    sub.last_ok, sub.errors, sub.last_error = stamp, 0, ""


def _not_stored(result: FeedResult) -> None:
    """A feed whose entries a Ctrl-C left not all stored: no failure, but its validators dropped
    (the next fetch downloads it whole)."""
    result.not_stored = True
    result.sub.etag = result.sub.modified = ""


def _failed(result: FeedResult, reason: str) -> None:
    """A feed that answered, but with something that is not a feed: its validators are dropped."""
    sub = result.sub
    result.outcome, result.reason = "failed", reason
    sub.errors += 1
    sub.last_error = reason
    sub.etag = sub.modified = ""


def _duplicate(sub: Subscription, got: Got, owners: dict[str, Subscription]
               ) -> tuple[FeedResult, Subscription | None] | None:
    """When ``sub``'s address redirected to another subscription's: its result (skipped, its
    entries not stored: they are the other's) and the subscription it goes into, if it goes.

    It goes when it was never read before (a new address that is the same feed: "already
    subscribed") or the redirect was permanent (it would move onto the other); its tags go
    with it and its stories stay. A feed that redirects there for a while only is kept.
    """
    if got.outcome == "failed" or not got.url or normal_url(got.url) == normal_url(sub.url):
        return None
    other = owners.get(normal_url(got.url))
    if other is None or other.id == sub.id:
        return None
    into = other if got.moved or not sub.last_ok else None
    said = f"already subscribed as {other.shown_name}" + (f" ({without_password(other.url)})" if other.title else "")
    if into is None:
        reason = f"redirected for now to a feed {said}: its entries were not stored twice"
    elif sub.last_ok:
        reason = f"moved to a feed {said}: the two are one subscription now (the stories of both stay)"
    else:
        reason = f"{said}: this address leads to the same feed, so it was not subscribed twice"
    return FeedResult(sub, "skipped", reason=reason, same_as=other.name if into is not None else ""), into


def _account(sub: Subscription, got: Got, stamp: str) -> FeedResult:
    """The feed's result, and its subscription brought up to date (saved after storing)."""
    result = FeedResult(sub, got.outcome)
    sub.last_fetch = stamp
    sub.status = got.status
    if got.outcome == "failed":
        result.reason = got.reason
        sub.errors += 1
        sub.last_error = got.reason
        sub.gone = got.status == 410
        sub.not_before = got.retry_at
        return result
    sub.gone, sub.not_before = False, ""
    if got.outcome == "unchanged":
        _healthy(sub, stamp)
        _move(sub, got, result)
        # A 304 may carry new validators (a server rotating its ETags): kept, or the next request
        # sends the old one and gets the whole feed.
        sub.etag, sub.modified = got.etag or sub.etag, got.modified or sub.modified
    else:  # "new": healthy, and moved, once it parses as a feed
        sub.etag, sub.modified = got.etag, got.modified
    return result


def _move(sub: Subscription, got: Got, result: FeedResult) -> None:
    """Move ``sub`` to where a permanent redirect led, the feed being there (a redirect to a web
    page moved the subscription for good: the feed's own address was never asked again)."""
    if got.moved and got.url and got.url != sub.url:
        result.moved_to = sub.url = got.url


def gone_note(sub: Subscription) -> str:
    """Why a feed that answered 410 Gone is not asked by a fetch of every feed, and what to do."""
    return (f"gone (410): the server said it was removed for good, so it is not asked again; "
            f"`{command('feeds', 'remove', sub.id)}` unsubscribes, `{command('fetch', sub.id)}` asks again")


def _until(stamp: str) -> str:
    """A saved wait (ISO, UTC) as the 429's own message says it: ``2026-12-06 14:41 UTC``."""
    try:
        return f"{dt.datetime.fromisoformat(stamp).astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    except ValueError:
        return stamp


def store_fetched(store: Store, fetched: list[tuple[FeedResult, list[Article]]],
                  subscribed: Collection[str] = ()) -> tuple[StoreWriteError | None, int, bool]:
    """Store the entries of every feed in batches, index them, give them their feed's tags, and
    count (``subscribed``: every subscription's addresses, see ``Store.add_identified``).

    A store file that cannot be written (the disk is full) stops the storing, and is returned:
    what was stored is counted, the feeds whose entries were not all stored fail with it (their
    validators dropped: the next fetch downloads them whole), and new stories whose tags were not
    written are counted in ``tags_left`` (the store keeps them: the next writer gives them).
    Ctrl-C stops it too, between two batches (a batch is stored and counted whole): the feeds
    whose entries were not all stored keep no validators, and how many they are is returned
    beside the error (it printed "broadsheet: interrupted" alone, the stories stored uncounted),
    then whether a Ctrl-C came while the index was committed (which it waits for).
    """
    from broadsheet.store.ingest import ENTRIES, stamp
    from broadsheet.store.ingest.formats import MAX_PARAGRAPHS
    from broadsheet.store.ingest.importer import Indexer, sigint_deferred
    from broadsheet.store.storage.limits import fit_article

    indexer = Indexer(store)
    batch: list[tuple[FeedResult, Article]] = []
    deleted = store.deleted_entries()  # the user deleted them: not stored again
    error: StoreWriteError | None = None

    def flush() -> None:
        with sigint_deferred():  # Ctrl-C once the batch is stored and counted
            store_batch()

    def tags_now() -> list[list[str]]:
        """The tags of each story's feed as they are now, asked under the lock a rename takes for
        them: a tag renamed while the feeds downloaded came back on their stories (a feed removed
        meanwhile keeps those it had)."""
        now_tagged = Subscriptions(store).tags_of(result.sub.id for result, _ in batch)
        for result, _ in batch:
            result.sub.tags = now_tagged.get(result.sub.id, result.sub.tags)
        return [result.sub.tags for result, _ in batch]

    def store_batch() -> None:
        nonlocal error
        indexer.open()  # before the store changes, so the index needs no catch-up (see Indexer)
        # The "file" of a feed entry is its feed's address; its parser is today's (read again on every fetch).
        # A feed's tags go to its new stories only: an update must not put back a tag the user took off.
        unlisted: StoredUnlisted | None = None
        moved = _stored_by_text(store, [a for _, a in batch])
        replacing = [moved.get(n, a.story_id) for n, (_, a) in enumerate(batch)] if moved else None

        def tags_of_new() -> list[list[str]]:  # (a story moved to its own id is no new story)
            return [[] if n in moved else tags for n, tags in enumerate(tags_now())]

        try:
            stored = store.add_identified([(a.story_id, a, r.sub.url) for r, a in batch], parser=stamp(ENTRIES),
                                          entries_deleted=True,  # (deleted in the reader while this fetch ran too)
                                          feeds=subscribed, tags=tags_of_new, replacing=replacing,
                                          listed=[listed[id(r)] for r, _ in batch])
        except StoredUnlisted as exc:  # stored whole, the directory not listing it yet: counted, then stopped
            stored, unlisted = exc.stored, exc
        for n, ((sid, got), (result, article)) in enumerate(zip(stored.results, batch, strict=True)):
            if n in moved and got == "new":  # stored before, under its text's id: updated if given its date now
                got = "updated" if id(article) in dated else "present"
            setattr(result, got, getattr(result, got) + 1)  # result.new / .updated / .present
            if got == "new":
                result.new_ids.append(sid)
            unstored[id(result)] -= 1
            if id(article) in fitted and got != "present":  # said once, not at every fetch of the feed
                result.cut.append((article.headline, fitted[id(article)]))
            if sid in stored.untagged:  # its marks' file is damaged: left untagged and said, the others tagged
                result.untagged[sid] = stored.untagged[sid]
            elif got == "new" and result.sub.tags and stored.tags_error is not None:
                result.tags_left += 1
        error = error or stored.tags_error
        if stored.new or stored.updated:  # each story as stored (see Stored.written)
            indexer.add([(sid, batch[stored.written[sid]][1]) for sid in stored.new],
                        [(sid, batch[stored.written[sid]][1]) for sid in stored.updated])
        batch.clear()
        if unlisted is not None:
            raise unlisted  # (its feeds' entries not reached yet fail with it)

    # As an import fits them (their export imports back; the reader lays out every paragraph), saying
    # what changed in the import's words: what fit_article changed of each story (by id, as stored).
    fitted: dict[int, str] = {}
    for _, articles in fetched:
        for n, article in enumerate(articles):
            articles[n], notes = fit_article(article, MAX_PARAGRAPHS)
            if notes:
                fitted[id(articles[n])] = " and ".join(notes)  # ("; " parts the summary's reasons)
    dated = _date_undated(store, fetched)
    # Each feed's entries not stored yet: a feed still holding some when storing stops is not all
    # stored (a feed whose last entry ended a batch stored is).
    if deleted:
        deleted |= _deleted_by_text(store, [a for _, articles in fetched for a in articles], deleted)
    unstored = {id(result): sum(not (deleted and a.story_id in deleted) for a in articles)
                for result, articles in fetched}
    # Each feed's entries in this download, every one (deleted ones too): an entry of its feed at one
    # address is another story while the feed lists it, else the story under a new guid.
    listed = {id(result): {a.key for a in articles if a.key} for result, articles in fetched}
    interrupted = 0  # feeds whose entries Ctrl-C left not all stored
    late = False  # a Ctrl-C while the index was committed (waited for)
    try:
        for result, articles in fetched:
            for article in articles:
                if deleted and article.story_id in deleted:
                    continue
                batch.append((result, article))
                if len(batch) >= BATCH:
                    flush()
        if batch:
            flush()
    except StoreWriteError as exc:
        error = exc
        for result in (result for result, _ in fetched if unstored[id(result)]):
            _failed(result, f"not all its entries were stored ({exc.reason}): the next fetch downloads it again")
            result.not_stored = True
    except KeyboardInterrupt:
        left = [result for result, _ in fetched if unstored[id(result)]]
        for result in left:
            _not_stored(result)
        interrupted = len(left)
    finally:
        with contextlib.suppress(Exception):
            late = _through_ctrl_c(indexer.finish)
    for result, _ in fetched:
        if result.outcome == "new" and not result.new and not result.updated and not result.not_stored:
            result.outcome = "unchanged"
    return error, interrupted, late


def _date_undated(store: Store, fetched: list[tuple[FeedResult, list[Article]]]) -> set[int]:
    """Give each entry without a date the time it was first fetched, as newsboat does: undated, it
    sorted below weeks-old stories, its feed's undated entries in no order. A new one gets this
    fetch's time, less a second for each undated entry before it in its feed (the first newest, as
    the feed lists them); one stored already keeps its date (never moved to a newer time), and one an
    older version stored without a date takes the time it was stored (one known by its title found
    under the id it had then: see ``_ids_before``), and is returned (its ``id()``) to be said updated.
    Each is said "first seen" where shown (``Article.first_seen``): no publisher gave that date."""
    undated = [article for _, articles in fetched for article in articles if not article.published]
    filled: set[int] = set()
    if not undated:
        return filled
    before = {id(article): _ids_before(article) for article in undated if by_title(article)}
    stored = store.metas([*(article.story_id for article in undated), *itertools.chain(*before.values())])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for _, articles in fetched:
        earlier = 0  # the feed's new undated entries before this one
        for article in articles:
            if article.published:
                continue
            ids = [article.story_id, *before.get(id(article), ())]
            if (meta := next((stored[sid] for sid in ids if sid in stored), None)) is not None:
                kept = meta.article([])
                article.published = kept.published or meta.imported
                article.first_seen = kept.first_seen or not kept.published
                if not kept.published:
                    filled.add(id(article))
            else:
                article.published = (now - dt.timedelta(seconds=earlier)).isoformat()
                article.first_seen = True
                earlier += 1
    return filled


def _ids_before(article: Article) -> list[str]:
    """The ids an entry known by its title (see ``by_title``) had in versions before: its text's, as
    a story without guid or link has (an edit of its text made it another story)."""
    return [replace(article, key=None).story_id]


def _stored_by_text(store: Store, articles: list[Article]) -> dict[int, str]:
    """The entries of ``articles`` known by their title that an older version stored under their
    text's id (see ``_ids_before``), by place, with that id: their story moves to their own id
    (stored again under it, the first fetch after the upgrade made a second story of each)."""
    before = {n: _ids_before(article) for n, article in enumerate(articles) if by_title(article)}
    if not before:
        return {}
    present = store.presence([*itertools.chain(*before.values()), *(articles[n].story_id for n in before)])
    moved: dict[int, str] = {}
    for n, ids in before.items():
        old = next((sid for sid in ids if present(sid) is not None), None)
        if old is not None and present(articles[n].story_id) is None:
            moved[n] = old
    return moved


def _deleted_by_text(store: Store, articles: list[Article], deleted: set[str]) -> set[str]:
    """The ids of the entries known by their title the user deleted under an id they had before (see
    ``_ids_before``), remembered as deleted under their own: they are not stored again, edited either."""
    ids = {article.story_id for article in articles
           if by_title(article) and not deleted.isdisjoint(_ids_before(article))}
    if not ids:
        return ids
    present = store.presence(list(ids))  # (a story moved to its own id left its text's among the deleted)
    ids = {sid for sid in ids if present(sid) is None}
    store.remember_deleted_entries(ids)
    return ids

"""Feed entries' photos, downloaded while their feed is fetched and kept in the store, so reading stays offline.

The photos an entry names (``media:content``, ``media:thumbnail``, image enclosures, ``<img>``
and ``<figure>`` in its HTML: the :attr:`Image.src <broadsheet.store.model.Image.src>` the
feed parser records) are downloaded with the feed's own client, under the same per-host
limit and timeouts, read no further than the photo size cap, checked by
:func:`~broadsheet.store.storage.photos.check_photo` (Pillow, under its decompression-bomb
guard) and kept by content in the store's photo folder: the path saved pages' photos take.

A photo whose address the store has kept before is not downloaded again; one named by many
entries is downloaded once per fetch. A photo that cannot be had leaves its story whole:
the image keeps its caption and credit and says why (:attr:`Image.problem`), which the
reader shows in the photo's place, and the feed's result counts it. It is tried again when
its entry comes again, unless asking again cannot help (404, 410, not an image, a bomb).
Nor is an address that failed so asked again for :data:`FORGET_FAILED` when a new entry
names it (a feed's broken placeholder in every entry; one too large: until the cap is
raised), unless the fetch is told to (``broadsheet fetch --retry-photos``); a timeout, a
refused connection, a 5xx are asked again by the next fetch that brings the entry again (a
feed answering 304 brings none: ``--retry-photos`` asks for it whole).

Photo files are written (each atomically) before the record of their addresses, and that
before the stories naming them: a fetch killed part way leaves at worst an unnamed photo file.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from broadsheet.store.feeds.fetch import (
    Settings,
    _body,
    _host,
    _TooBig,
    _why,
    answer_deadline,
    linked_status,
    reasons_note,
)
from broadsheet.store.feeds.subscriptions import unreadable
from broadsheet.store.model import Article, human_size
from broadsheet.store.sanitize import clean_line
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.photos import (
    SVG_REFUSED,
    Failure,
    NotAPhoto,
    PhotoSources,
    PhotoStore,
    check_photo,
    max_photo_bytes,
    photo_file,
)

if TYPE_CHECKING:
    import httpx

Gate = Callable[[str], AbstractAsyncContextManager[object]]  # a download slot of a host (shared with the feeds)
ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8,*/*;q=0.5"
PER_FEED = 500  # photos downloaded per feed and fetch: a feed naming thousands cannot keep a fetch busy
#: Problems that asking again does not cure: a stored story's photo that failed so is not
#: downloaded again when the entry comes again (a timeout, a refused connection, a 5xx are).
FINAL = ("not found (404)", "gone (410)", "not an image", "decompression bomb", "an image format", SVG_REFUSED)
#: How long an address that failed for good (:data:`FINAL`, or too large) is not asked again
#: for a new entry: a feed naming a broken photo in every entry costs a request a week, and a
#: photo mended at its address comes back within one.
FORGET_FAILED = dt.timedelta(days=7)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _final_problem(problem: str) -> bool:
    return any(final in problem for final in FINAL)


def _problem(text: str) -> str:
    """A reason worded from what a server sent (headers, errors): one clean, short line."""
    text = clean_line(text)
    return text if len(text) <= 200 else text[:199] + "…"


class _Refused(Exception):
    """The server answered, but not with the photo; the message says how."""


@dataclasses.dataclass(frozen=True, slots=True)
class PhotoResult:
    """One photo address's outcome: the digest it is kept under, or why it is not kept."""

    photo: str | None = None
    problem: str | None = None
    tried: bool = True  # False: a problem known before (FINAL, or remembered), not asked again
    failure: Failure | None = None  # what to remember of a problem asking again soon does not cure


def _downloadable(src: str) -> bool:
    return src.split(":", 1)[0].lower() in ("http", "https")


class FeedPhotos:
    """The photos of one fetch: what the store keeps already, and this fetch's downloads.

    With ``download`` off (``[feeds] fetch_images = false``) photos the store keeps are
    still tied to their images, so a story fetched again does not lose them.
    """

    def __init__(self, store: Store, settings: Settings, download: bool = True) -> None:
        self.store = store
        self.folder = Path(store.folder)
        self.photos = PhotoStore(store.folder)
        if download:
            self.photos.remove_stale_temps()  # of fetches killed mid-write
        self.settings = settings
        self.download = download
        self.max_bytes = settings.max_photo_bytes or max_photo_bytes()
        self.sources = PhotoSources(store.folder)  # address -> digest of photos downloaded before
        self.found: dict[str, str] = {}  # addresses this fetch downloaded, to record in the store
        self.started = _now()
        self.retry = settings.retry_photos  # photos that failed for good are asked again
        self._got: dict[str, asyncio.Future[PhotoResult]] = {}

    def _kept(self, src: str, known: dict[str, str]) -> str | None:
        digest = self.found.get(src) or known.get(src)
        return digest if digest and photo_file(self.folder, digest) is not None else None

    async def attach(self, client: httpx.AsyncClient, articles: Iterable[Article], gate: Gate) -> list[str]:
        """Tie each image of ``articles`` to its kept photo, downloading the missing ones, or to
        the reason it cannot be had; returns the reasons (one per image not kept)."""
        articles = list(articles)
        wanted = list(dict.fromkeys(image.src for article in articles for image in article.images
                                    if image.src and not image.photo and _downloadable(image.src)))
        got: dict[str, PhotoResult] = {}
        known = self.sources.get(src for src in wanted if src not in self.found)
        for src in wanted:
            digest = self._kept(src, known)
            if digest is not None:
                got[src] = PhotoResult(digest)
        if len(got) < len(wanted) and not self.retry:
            got.update({src: PhotoResult(problem=problem, tried=False) for src, problem in self._final(articles).items()
                        if src in wanted and src not in got})
            got.update(self._failed([src for src in wanted if src not in got and src not in self._got]))
        missing = [src for src in wanted if src not in got]
        if len(missing) > PER_FEED and self.download:
            over = PhotoResult(problem=f"not downloaded: the feed names more than {PER_FEED} new photos "
                               f"(the first {PER_FEED} are downloaded in one fetch)")
            got.update((src, over) for src in missing[PER_FEED:])
            missing = missing[:PER_FEED]
        if missing and self.download:
            results = await asyncio.gather(*(self._once(client, src, gate) for src in missing))
            got.update(zip(missing, results, strict=True))
        problems = []
        for article in articles:
            images = []
            for image in article.images:
                outcome = got.get(image.src or "") if not image.photo else None
                if outcome is not None:
                    image = dataclasses.replace(image, photo=outcome.photo, problem=outcome.problem)
                    if outcome.problem and outcome.tried:
                        problems.append(outcome.problem)
                images.append(image)
            article.images = images
        return problems

    def _final(self, articles: list[Article]) -> dict[str, str]:
        """Photos of already stored stories that failed for good (:data:`FINAL`), by address."""
        found = {}
        for article in articles:
            if all(image.photo or not image.src for image in article.images):
                continue
            meta = self.store.meta(article.story_id)
            for image in meta.images if meta is not None else ():
                if image.src and image.problem and _final_problem(image.problem):
                    found[image.src] = image.problem
        return found

    def _failed(self, srcs: list[str]) -> dict[str, PhotoResult]:
        """Addresses an earlier fetch found bad for good, less than :data:`FORGET_FAILED` ago
        (one too large: only while the cap is no larger than it was)."""
        found = {}
        for src, failure in self.sources.failures(srcs).items():
            try:
                age = self.started - dt.datetime.fromisoformat(failure.at)
            except (ValueError, TypeError):  # unreadable, or with no time zone: asked again
                continue
            if dt.timedelta(0) <= age < FORGET_FAILED and (failure.cap is None or self.max_bytes <= failure.cap):
                found[src] = PhotoResult(problem=failure.problem, tried=False)
        return found

    def _once(self, client: httpx.AsyncClient, src: str, gate: Gate) -> asyncio.Future[PhotoResult]:
        """The download of ``src``: one per fetch, however many entries name it."""
        future = self._got.get(src)
        if future is None:
            future = self._got[src] = asyncio.ensure_future(self._download(client, src, gate))
        return future

    async def _download(self, client: httpx.AsyncClient, src: str, gate: Gate) -> PhotoResult:
        """Download, check and keep one photo; never raises (the reason is the outcome)."""
        unread = unreadable(src)
        if unread:  # (urlsplit's own words were the note: "ValueError: Invalid IPv6 URL")
            return PhotoResult(problem=f"not downloaded: not an address: {unread}")
        try:
            async with gate(_host(src)):
                data, kind = await self._get(client, src)
        except _Refused as exc:
            return self._failing(f"not downloaded: {exc}")
        except _TooBig:
            limit = human_size(self.max_bytes)
            return self._failing(f"not downloaded: larger than the {limit} limit for a photo", sized=True)
        except Exception as exc:  # a timeout, a refused connection...: one photo never stops the fetch
            return PhotoResult(problem=_problem(f"not downloaded: {_why(exc, self.settings)}"))
        try:
            digest = await asyncio.to_thread(self._keep, data)  # Pillow decodes: off the event loop
        except NotAPhoto as exc:
            sent = f" (the server sent {kind})" if kind and not kind.startswith("image/") else ""
            return self._failing(_problem(f"not kept: {exc}{sent}"), sized=str(exc).startswith("too large"))
        except OSError as exc:
            return PhotoResult(problem=_problem(f"not kept: the store could not be written ({exc.strerror or exc})"))
        self.found[src] = digest
        return PhotoResult(digest)

    def _failing(self, problem: str, *, sized: bool = False) -> PhotoResult:
        """The outcome of a photo not had, remembered when asking again soon cannot cure it."""
        if not (sized or _final_problem(problem)):
            return PhotoResult(problem=problem)
        at = self.started.isoformat(timespec="seconds")
        return PhotoResult(problem=problem, failure=Failure(problem, at, self.max_bytes if sized else None))

    async def _get(self, client: httpx.AsyncClient, src: str) -> tuple[bytes, str]:
        """The photo's bytes and the type the server gave them; no more than the size cap is read."""
        settings = self.settings
        async with answer_deadline(settings.total), \
                client.stream("GET", src, headers={"Accept": ACCEPT}) as response:
            status = response.status_code
            if status != 200:
                raise _Refused(linked_status(status))
            kind = clean_line(response.headers.get("content-type", "").split(";")[0].strip().lower())
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_bytes and "content-encoding" not in response.headers:
                raise _TooBig
            return await _body(response, self.max_bytes), kind

    def _keep(self, data: bytes) -> str:
        photo = check_photo(data, self.max_bytes)
        self.photos.put(photo, sync_dir=False)  # the folder is fsynced once, in remember()
        return photo.digest

    def remember(self) -> None:
        """Make this fetch's photos durable, then record their addresses (and those that failed
        for good): before any story names them."""
        failures = {src: result.failure for src, future in self._got.items()
                    if future.done() and not future.cancelled() and future.exception() is None
                    and (result := future.result()).failure is not None}
        if self.found:
            self.photos.sync()
        if self.found or failures:
            with self.store.lock:
                forget = (self.started - FORGET_FAILED).isoformat(timespec="seconds")
                self.sources.put(self.found, failures, forget_before=forget)


def photo_note(problems: list[str], most: int = 3) -> str:
    """A feed's photos not kept, by reason: ``3 photos not kept: not downloaded: not found (404) (2 photos); not
    an image``."""
    return reasons_note([reason.removeprefix("not kept: ") for reason in problems], "photo", "photos", "not kept",
                        most)  # not "not kept: not kept: ..."

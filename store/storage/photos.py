"""Photos that saved pages carry, kept in the store by content: ``photos/<sha256>.<ext>``.

A photo is kept only once it is known to be an image: Pillow reads its header and
decodes it under its decompression-bomb guard (a small file claiming a huge picture is
refused). Photos are capped in size (10 MB each by default). The reader never reads this
folder when it starts: an :class:`~broadsheet.store.model.Image` names its photo by digest.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import os
import re
import threading
import time
import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from broadsheet.store.errors import StoreFileError, StoreWriteError
from broadsheet.store.ingest.decode import sizes_apart
from broadsheet.store.sanitize import clean_line
from broadsheet.store.storage.atomic import atomic_write_bytes, fsync_dir
from broadsheet.store.storage.tinydb import KeyedTable, open_db

DEFAULT_MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_ENV = "BROADSHEET_MAX_PHOTO_MB"  # the cap in MB, for an import (worker processes inherit it)
MAX_PIXELS = 40_000_000  # Pillow's own default bomb limit is 89 M pixels; a news photo is far smaller
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "BMP": "bmp", "TIFF": "tif", "AVIF": "avif"}


_PILLOW_SETTINGS = threading.Lock()


class NotAPhoto(ValueError):
    """The bytes are not a photo Broadsheet keeps; the message says why."""


#: Why an SVG is refused: a drawing (a logo, an icon, a chart), which Pillow cannot read, was
#: said to be "not an image", as if the page or the server had sent the wrong file.
SVG_REFUSED = "an SVG drawing, not a photo"


#: An SVG file's start: an XML declaration, comments and an SVG doctype may come before ``<svg``
#: (an HTML page with an icon drawn in it is not one: its first element is ``<html>``).
_SVG_START = re.compile(rb"(?:<\?xml[^>]*>|<!--.*?-->|<!doctype\s+svg[^>\[]*(?:\[.*?\])?\s*>|\s)*<svg[\s>/]",
                        re.IGNORECASE | re.DOTALL)


_GZIP = b"\x1f\x8b"
#: How much of a gzip-compressed head is unpacked to look for ``<svg``: a gzip bomb costs this, no more.
_UNPACKED_HEAD = 1024


def looks_like_svg(head: bytes) -> bool:
    """Whether a file's first bytes are an SVG drawing, gzip-compressed or not.

    An ``.svgz`` (or an SVG a server gzipped, maybe twice, without the client undoing it) was
    "not an image" while the same drawing plain was an SVG; each gzip layer is unpacked no
    further than :data:`_UNPACKED_HEAD` bytes.
    """
    for _ in range(3):
        if not head.startswith(_GZIP):
            break
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _UNPACKED_HEAD)
        except zlib.error:
            return False
    return _SVG_START.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


@dataclass(frozen=True, slots=True)
class Photo:
    """A checked photo, ready to be kept: its digest, file extension and bytes."""

    digest: str
    ext: str
    data: bytes

    @property
    def name(self) -> str:
        return f"{self.digest}.{self.ext}"


def max_photo_bytes() -> int:
    """The size cap of a kept photo: ``$BROADSHEET_MAX_PHOTO_MB`` megabytes, else 10 MB."""
    megabytes = _megabytes(os.environ.get(MAX_PHOTO_ENV, ""))
    return int(megabytes * 1024 * 1024) if megabytes is not None else DEFAULT_MAX_PHOTO_BYTES


def _megabytes(value: str) -> float | None:
    """``value`` as a number of megabytes above 0 (not "inf", which no int holds), else None."""
    try:
        megabytes = float(value)
    except ValueError:
        return None
    return megabytes if 0 < megabytes < 1e9 else None


def photo_cap_problem() -> str | None:
    """Why ``$BROADSHEET_MAX_PHOTO_MB`` is not used, when it is set to something that is no size."""
    value = os.environ.get(MAX_PHOTO_ENV)
    if value is None or _megabytes(value) is not None:
        return None
    return (f"{MAX_PHOTO_ENV}={value!r} is not a number of megabytes above 0: the default "
            f"{DEFAULT_MAX_PHOTO_BYTES // (1024 * 1024)} MB is used")


def too_large(size: int, limit: int) -> str:
    """Why a photo of ``size`` bytes is not kept: its own size and the limit, never the same figure."""
    shown, cap = sizes_apart(size, limit)
    return f"too large ({shown}; the limit is {cap})"


def check_photo(data: bytes, max_bytes: int | None = None) -> Photo:
    """The photo in ``data``, or NotAPhoto with the reason (too large, not an image, an SVG, a bomb)."""
    max_bytes = max_photo_bytes() if max_bytes is None else max_bytes
    if not data:
        raise NotAPhoto("empty")
    if len(data) > max_bytes:
        raise NotAPhoto(too_large(len(data), max_bytes))
    from PIL import Image, UnidentifiedImageError  # imported only by an import that meets a photo

    try:
        # Pillow's pixel limit and the warnings filter are process-wide: threads (a fetch checks
        # photos in several) read headers one at a time, so none reads under another's settings.
        with _PILLOW_SETTINGS, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MAX_PIXELS
            try:
                image = Image.open(io.BytesIO(data))  # the header: a bomb is refused here
            finally:
                Image.MAX_IMAGE_PIXELS = previous
        with image:
            kind = image.format or ""
            image.load()  # decoded outside the lock: at most MAX_PIXELS, as the header said
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # (Pillow names twice the limit for the images it refuses outright: said here as set.)
        raise NotAPhoto(f"refused as a decompression bomb: over {MAX_PIXELS:,} pixels") from None
    except UnidentifiedImageError:
        raise NotAPhoto(SVG_REFUSED if looks_like_svg(data[:1024]) else "not an image") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise NotAPhoto(f"a damaged image ({exc})") from None
    ext = _EXTENSIONS.get(kind)
    if ext is None:
        raise NotAPhoto(f"an image format Broadsheet does not keep ({kind or 'unknown'})")
    return Photo(hashlib.sha256(data).hexdigest(), ext, data)


class PhotoStore:
    """The store's photo folder: written atomically, read only when a photo is asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder) / "photos"

    def put(self, photo: Photo, *, sync_dir: bool = True) -> Path:
        """Keep ``photo`` (once: the same bytes are the same file) and return its path.

        ``sync_dir=False``: the caller, keeping many, calls :meth:`sync` before anything names them.
        """
        path = self.folder / photo.name
        if not _holds(path, photo.data):  # missing, or damaged since (truncated, changed): written again
            atomic_write_bytes(path, photo.data, sync_dir=sync_dir)
        else:  # kept again: new for :func:`remove_unnamed`, which leaves it until its story is stored
            with contextlib.suppress(OSError):
                os.utime(path)
        return path

    def kept(self) -> list[Path]:
        """The kept photo files (named ``<sha256>.<ext>``), not the address records or temporary files."""
        if not self.folder.is_dir():
            return []
        return sorted(path for path in self.folder.iterdir() if _KEPT_NAME.fullmatch(path.name))

    def sync(self) -> None:
        """Make the photos kept with ``sync_dir=False`` durable (one fsync of the folder)."""
        if not self.folder.is_dir():
            return
        try:
            fsync_dir(self.folder)
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # a folder that cannot be fsynced: as atomic_write_bytes
                raise StoreWriteError(self.folder, exc) from exc

    def remove_stale_temps(self, age: float = 3600.0) -> None:
        """Delete temporary files writers killed mid-write left here, once ``age`` seconds old.

        Photos are written without the store lock (a fetch and an import may write at once),
        so a temporary file is known to be dead only by its age.
        """
        if not self.folder.is_dir():
            return
        now = time.time()
        for path in self.folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > age:
                    path.unlink()

    def path(self, digest: str) -> Path | None:
        """The file of the photo with ``digest``, or None when it is not kept."""
        if not digest.isalnum():
            return None
        found = sorted(self.folder.glob(f"{digest}.*")) if self.folder.is_dir() else []
        return found[0] if found else None


_KEPT_NAME = re.compile(r"[0-9a-f]{64}\.(?:" + "|".join(_EXTENSIONS.values()) + ")")


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` holds ``data``: the size first, the bytes only when it matches
    (cheap beside the decoding the photo had before it got here)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def sound(path: Path) -> bool:
    """Whether a kept photo's bytes still have the digest its name gives."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest() == path.name.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Failure:
    """A photo address whose download failed for good: why, when (ISO time, UTC), and for a
    photo too large, the size cap it was refused under (a larger cap asks again)."""

    problem: str
    at: str
    cap: int | None = None


class PhotoSources:
    """Where downloaded photos came from: address -> digest, so a fetch never downloads a kept photo again,
    and address -> :class:`Failure` for those that failed for good, so it does not ask again for a while.

    Kept in 256 small files by the address's hash (``photos/sources-XX.json``): a fetch reads
    and writes only the files of its addresses, at the same cost in a store of any size. A
    damaged file is set aside (a copy is kept) and forgotten: its photos are downloaded again.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder) / "photos"
        self._read: dict[str, dict[str, Any]] = {}  # the files read, by shard: a fetch reads each once

    def _table(self, shard: str) -> KeyedTable:
        return open_db(self.folder / f"sources-{shard}.json").table("photos")  # type: ignore[return-value]

    @staticmethod
    def _shard(src: str) -> str:
        return hashlib.sha256(src.encode("utf-8", "surrogatepass")).hexdigest()[:2]

    def _records(self, shard: str) -> dict[str, Any]:
        found = self._read.get(shard)
        if found is None:
            try:
                found = self._table(shard).records()
            except StoreFileError as exc:
                with contextlib.suppress(OSError):
                    Path(exc.path).unlink()  # a copy of it is kept beside it
                found = {}
            self._read[shard] = found
        return found

    def _docs(self, sources: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The records of ``sources`` that have one."""
        by_shard: dict[str, list[str]] = {}
        for src in sources:
            by_shard.setdefault(self._shard(src), []).append(src)
        found = {}
        for shard, srcs in by_shard.items():
            if not (self.folder / f"sources-{shard}.json").exists():
                continue
            records = self._records(shard)
            for src in srcs:
                doc = records.get(src)
                if isinstance(doc, dict):
                    found[src] = doc
        return found

    def get(self, sources: Iterable[str]) -> dict[str, str]:
        """The digests the photos at ``sources`` were kept under, for those downloaded before."""
        return {src: doc["photo"] for src, doc in self._docs(sources).items() if isinstance(doc.get("photo"), str)}

    def failures(self, sources: Iterable[str]) -> dict[str, Failure]:
        """The failures recorded for ``sources`` (those with no kept photo); the caller judges their age."""
        found = {}
        for src, doc in self._docs(sources).items():
            problem, at, cap = doc.get("problem"), doc.get("failed"), doc.get("cap")
            if isinstance(problem, str) and isinstance(at, str) and "photo" not in doc:
                found[src] = Failure(clean_line(problem), at, cap if isinstance(cap, int) else None)
        return found

    def put(self, sources: dict[str, str], failures: dict[str, Failure] | None = None, forget_before: str = "") -> None:
        """Record addresses and digests of kept photos, and addresses that failed for good (call
        under the store lock, after the photos are durable). A kept photo replaces a failure.

        Failures recorded before ``forget_before`` (ISO time) go from the files written, so
        the files of a feed naming a new broken photo in every entry do not grow for ever.
        """
        by_shard: dict[str, dict[str, dict[str, Any]]] = {}
        for src, failure in (failures or {}).items():
            doc: dict[str, Any] = {"problem": failure.problem, "failed": failure.at}
            if failure.cap is not None:
                doc["cap"] = failure.cap
            by_shard.setdefault(self._shard(src), {})[src] = doc
        for src, digest in sources.items():
            by_shard.setdefault(self._shard(src), {})[src] = {"photo": digest}
        for shard, docs in by_shard.items():
            self._read.pop(shard, None)
            self._records(shard)  # read again under the lock; a damaged file is set aside, so the write replaces it
            self._table(shard).apply(functools.partial(_update, docs=docs, forget_before=forget_before))
            self._read.pop(shard, None)


def _update(table: dict[str, Any], docs: dict[str, dict[str, Any]], forget_before: str) -> None:
    """Put ``docs`` into ``table``, first dropping the failures recorded before ``forget_before``."""
    if forget_before:
        for src in [src for src, doc in table.items() if isinstance(doc, dict) and "photo" not in doc
                    and str(doc.get("failed", "")) < forget_before]:
            del table[src]
    table.update(docs)


def photo_file(folder: Path, digest: str) -> Path | None:
    """The kept file of the photo with ``digest`` in store ``folder``, or None.

    Tries the few extensions a kept photo can have (a stat each) instead of listing the
    folder, which holds thousands of photos in a large store: the reader calls this for
    every photo it draws.
    """
    return file_in(Path(folder) / "photos", digest)


def file_in(base: Path, digest: str) -> Path | None:
    """The file ``<digest>.<ext>`` in folder ``base`` (a stat per extension a kept photo can have), or None."""
    if not digest.isalnum():
        return None
    for ext in _EXTENSIONS.values():
        path = base / f"{digest}.{ext}"
        if path.is_file():
            return path
    return None


#: A photo file written (or kept again) this recently is left by :func:`remove_unnamed`: a fetch or an
#: import keeps its photos before it stores the stories naming them, outside the store's lock.
UNNAMED_GRACE = 3600.0
#: A file per reader with an undo to give (``<pid>.json``): the photos its undo would name again.
UNDO_HELD = "undo-held"


def hold_for_undo(folder: Path, digests: Iterable[str]) -> None:
    """Say that this process's undo may bring back stories naming ``digests`` (none: it has no undo),
    so ``repair`` leaves those photos; the reader's undo is held only in its memory."""
    path = Path(folder) / UNDO_HELD / f"{os.getpid()}.json"
    held = sorted(digests)
    if held:
        atomic_write_bytes(path, orjson.dumps({"version": 1, "photos": held}))
    else:
        path.unlink(missing_ok=True)


def held_for_undo(folder: Path) -> set[str] | None:
    """The photos the undos of running readers may name again; None when a hold cannot be read (then
    no photo is known free). A hold whose reader is gone (killed before it let go) is removed."""
    held: set[str] = set()
    base = Path(folder) / UNDO_HELD
    for path in sorted(base.glob("*.json")) if base.is_dir() else []:
        if path.stem.isdigit() and not _running(int(path.stem)):
            path.unlink(missing_ok=True)
            continue
        try:
            doc = orjson.loads(path.read_bytes())
        except FileNotFoundError:  # let go meanwhile
            continue
        except (OSError, orjson.JSONDecodeError):
            return None
        photos = doc.get("photos") if isinstance(doc, dict) else None
        if not isinstance(photos, list):
            return None
        held.update(digest for digest in photos if isinstance(digest, str))
    return held


def _running(pid: int) -> bool:
    """Whether process ``pid`` is alive (one of another user's counts as alive; a number no process
    can have, a file named by hand, does not)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:
        return True
    return True


def remove_unnamed(folder: Path, named: set[str]) -> tuple[int, int]:
    """Remove the kept photos no story names (``named``: the digests every stored story names) and no
    reader's undo may name again, but those written in the last :data:`UNNAMED_GRACE` seconds; the
    caller holds the store lock, so no story naming one is stored or put back meanwhile. Returns how
    many files and bytes were freed."""
    held = held_for_undo(folder)
    if held is None:
        return 0, 0
    now = time.time()
    count = size = 0
    photos = PhotoStore(folder)
    for path in photos.kept():
        digest = path.name.split(".", 1)[0]
        if digest in named or digest in held:
            continue
        try:
            stat = path.stat()
            if now - stat.st_mtime < UNNAMED_GRACE:
                continue
            path.unlink()
        except OSError:  # gone meanwhile, or not ours to remove: left
            continue
        count += 1
        size += stat.st_size
    if count:
        photos.sync()
    return count, size

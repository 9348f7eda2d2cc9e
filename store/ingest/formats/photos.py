"""Photos a saved page carries, found for the page's images: ``data:`` URIs, the files of
"Save page, complete" (``page_files/``), MHTML parts and WARC records.

Each photo is checked (:func:`~broadsheet.store.storage.photos.check_photo`) in the worker
that read the page and travels with its item; the importer keeps it in the store.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from broadsheet.store.ingest.gunzip import stem_unzipped
from broadsheet.store.model import Article, Image, normal_url
from broadsheet.store.storage.photos import NotAPhoto, Photo, check_photo, max_photo_bytes, too_large

#: A photo's bytes, or its size (an int) when it is over the cap and was not read, or None: not found.
Found = bytes | int | None
Lookup = Callable[[str], Found]
#: Why a photo the page names has no file: the reader shows it in the photo's place.
NOT_SAVED = "not saved with the page"


def data_uri_bytes(uri: str, limit: int | None = None) -> Found:
    """The bytes of a ``data:`` URI (base64 or percent-encoded); None when it is not one.

    One over ``limit`` is not decoded: its size (as near as the text tells) stands in for it.
    """
    if not uri.startswith("data:") or "," not in uri:
        return None
    limit = max_photo_bytes() if limit is None else limit
    header, _, payload = uri.partition(",")
    if len(payload) > limit * 4 // 3 + 16:  # over the cap: its size, without decoding it
        return len(payload) * 3 // 4 if header.endswith(";base64") else len(payload)
    try:
        if header.endswith(";base64"):
            return base64.b64decode(payload, validate=False)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None


def files_lookup(page: Path) -> Lookup:
    """Photos of a "Save page, complete" page: files in ``<page name>_files/`` next to it, or
    in a folder of it (``page_files/img/a.jpg``), never outside it."""
    folder = page.with_name(stem_unzipped(page) + "_files")  # page.html.gz's too

    def lookup(src: str) -> Found:
        if not _is_folder(folder):
            return None
        parts = [unquote(part) for part in urlsplit(src).path.split("/")]
        if not parts[-1] or parts[-1] in (".", ".."):
            return None
        inside = len(parts) - 1 - parts[::-1].index(folder.name) if folder.name in parts else len(parts) - 1
        for candidate in (folder.joinpath(*parts[inside + 1:]), folder / parts[-1]):
            found = _file(folder, candidate)
            if found is not None:
                return found
        return None

    return lookup


def _is_folder(path: Path) -> bool:
    """``path`` is a folder; a name the file system cannot hold (a page named with 250 bytes has a
    ``_files`` name of 256, "File name too long") or cannot look at is no folder: its page has none."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _file(folder: Path, candidate: Path) -> Found:
    """The photo at ``candidate`` when it is a file inside ``folder``: its bytes, or its size when over the cap."""
    try:
        if not candidate.resolve().is_relative_to(folder.resolve()) or not candidate.is_file():
            return None
        size = candidate.stat().st_size
        if size > max_photo_bytes():
            return size  # over the cap: its size says so without reading it
        return candidate.read_bytes()
    except OSError:
        return None


def resources_lookup(resources: dict[str, bytes | int]) -> Lookup:
    """Photos held by address (MHTML parts, WARC records; an int: the size of one over the cap)."""
    by_url = {normal_url(url): data for url, data in resources.items()}

    def lookup(src: str) -> Found:
        return resources.get(src) or by_url.get(normal_url(src))

    return lookup


def attach_photos(article: Article, *lookups: Lookup) -> tuple[Article, tuple[Photo, ...], list[str]]:
    """The article with each image tied to its kept photo, the photos, and notes on refused ones."""
    photos: dict[str, Photo] = {}
    refused: dict[str, list[int]] = {}  # photo numbers by the reason they were not kept
    images: list[Image] = []
    for number, image in enumerate(article.images, 1):
        src = image.src
        data = None
        if src:
            data = data_uri_bytes(src)
            for lookup in lookups:
                if data is not None:
                    break
                data = lookup(src)
        photo = problem = None
        if isinstance(data, int):
            problem = f"not kept: {too_large(data, max_photo_bytes())}"
        elif data is not None:
            try:
                checked = check_photo(data)
                photos[checked.digest] = checked
                photo = checked.digest
            except NotAPhoto as exc:
                problem = f"not kept: {exc}"  # the reader shows it in the photo's place
        elif src and src.startswith("data:"):
            problem = "not kept: its data: address cannot be decoded"
        elif src:
            problem = NOT_SAVED  # the page names a photo its files do not hold
        if src and src.startswith("data:"):
            src = None  # the photo itself is kept; a data: URI is no address
        if problem:
            refused.setdefault(problem, []).append(number)
        images.append(dataclasses.replace(image, src=src, photo=photo, problem=problem))
    if images != article.images:
        article = dataclasses.replace(article, images=images)
    return article, tuple(photos.values()), [_refused_note(numbers, problem) for problem, numbers in refused.items()]


def _refused_note(numbers: list[int], problem: str, most: int = 5) -> str:
    """One note for the photos not kept for one reason: ``photo 2 not kept: too large``,
    ``photos 1, 2 and 4 not kept: ...``, ``photos 1, 2, 3, 4, 5 and 6 more not saved with the page``."""
    if len(numbers) == 1:
        return f"photo {numbers[0]} {problem}"
    if len(numbers) <= most:
        listed = ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
    else:
        listed = ", ".join(map(str, numbers[:most])) + f" and {len(numbers) - most} more"
    return f"photos {listed} {problem}"

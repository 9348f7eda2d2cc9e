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

from broadsheet.store.model import Article, Image, normal_url
from broadsheet.store.storage.photos import NotAPhoto, Photo, check_photo, max_photo_bytes, too_large

#: A photo's bytes, or its size (an int) when it is over the cap and was not read, or None: not found.
Found = bytes | int | None
Lookup = Callable[[str], Found]


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
    """Photos of a "Save page, complete" page: files in ``<page name>_files/`` next to it."""
    folder = page.with_name(page.stem + "_files")

    def lookup(src: str) -> Found:
        if not folder.is_dir():
            return None
        name = unquote(urlsplit(src).path.rsplit("/", 1)[-1])
        if not name or name in (".", ".."):
            return None
        candidate = folder / name
        try:
            if candidate.resolve().parent != folder.resolve() or not candidate.is_file():
                return None
            size = candidate.stat().st_size
            if size > max_photo_bytes():
                return size  # over the cap: its size says so without reading it
            return candidate.read_bytes()
        except OSError:
            return None

    return lookup


def resources_lookup(resources: dict[str, bytes | int]) -> Lookup:
    """Photos held by address (MHTML parts, WARC records; an int: the size of one over the cap)."""
    by_url = {normal_url(url): data for url, data in resources.items()}

    def lookup(src: str) -> Found:
        return resources.get(src) or by_url.get(normal_url(src))

    return lookup


def attach_photos(article: Article, *lookups: Lookup) -> tuple[Article, tuple[Photo, ...], list[str]]:
    """The article with each image tied to its kept photo, the photos, and notes on refused ones."""
    photos: dict[str, Photo] = {}
    refused: dict[str, list[int]] = {}  # photo numbers by the reason they were refused
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
        if src and src.startswith("data:"):
            src = None  # the photo itself is kept; a data: URI is no address
        photo = problem = None
        if isinstance(data, int):
            reason = too_large(data, max_photo_bytes())
            refused.setdefault(reason, []).append(number)
            problem = f"not kept: {reason}"
        elif data is not None:
            try:
                checked = check_photo(data)
                photos[checked.digest] = checked
                photo = checked.digest
            except NotAPhoto as exc:
                refused.setdefault(str(exc), []).append(number)
                problem = f"not kept: {exc}"  # the reader shows it in the photo's place
        images.append(dataclasses.replace(image, src=src, photo=photo, problem=problem))
    if images != article.images:
        article = dataclasses.replace(article, images=images)
    return article, tuple(photos.values()), [_refused_note(numbers, reason) for reason, numbers in refused.items()]


def _refused_note(numbers: list[int], reason: str, most: int = 5) -> str:
    """One note for the photos refused for one reason: ``photo 2 not kept: too large``,
    ``photos 1, 2 and 4 not kept: ...``, ``photos 1, 2, 3, 4, 5 and 6 more not kept: ...``."""
    if len(numbers) == 1:
        return f"photo {numbers[0]} not kept: {reason}"
    if len(numbers) <= most:
        listed = ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
    else:
        listed = ", ".join(map(str, numbers[:most])) + f" and {len(numbers) - most} more"
    return f"photos {listed} not kept: {reason}"

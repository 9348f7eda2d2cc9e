"""Made-up photos for tests: drawn with Pillow here, never taken from the corpus."""

from __future__ import annotations

import io

from PIL import Image as PILImage
from PIL import ImageDraw

from broadsheet.store.model import Article, Image
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.photos import PhotoStore, check_photo
from tests.factories import make_article


def picture_bytes(size: tuple[int, int] = (120, 80), fmt: str = "PNG", mode: str = "RGB", seed: int = 0,
                  **save: object) -> bytes:
    """A deterministic picture: a sky, a sea and a sun, shifted by ``seed``."""
    image = PILImage.new("RGB", size, (70 + seed * 30 % 150, 130, 200))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, height * 3 // 5, width, height), fill=(20, 60, 120 + seed * 20 % 100))
    draw.ellipse((width // 5, height // 6, width // 5 + height // 3, height // 6 + height // 3), fill=(250, 210, 60))
    if mode != "RGB":
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save)
    return buffer.getvalue()


def keep_photo(store: Store, data: bytes) -> str:
    """Put ``data`` into the store's photo folder (through the store's checker); its digest."""
    photo = check_photo(data)
    PhotoStore(store.folder).put(photo)
    return photo.digest


def photo_article(store: Store, n: int = 0, count: int = 2) -> Article:
    """A made-up story with ``count`` stored photos, each with its caption and credit."""
    images = [Image(f"Photo caption {n}.{i}: boats at the harbour wall.", f"Photo: Ben Wick {i}/Gazette",
                    photo=keep_photo(store, picture_bytes(seed=n * 3 + i))) for i in range(count)]
    return make_article(n, headline=f"Harbour photos story {n}", images=images)

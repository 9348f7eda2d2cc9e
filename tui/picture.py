"""A stored photo decoded and scaled for the terminal, or the reason it cannot be shown.

Runs in a worker thread, never on the UI thread. Every input is untrusted: a file that is
not an image, truncated, an SVG drawing, or a small file claiming a huge picture gives
:class:`Unshowable` with a reason a reader understands, never an exception or a hang.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from broadsheet.store.storage.photos import MAX_PIXELS, looks_like_svg

# MAX_PIXELS: the import's cap is the display's (a photo the store kept is one the reader can
# show), checked from the header, before any pixel is decoded.
MAX_FILE_BYTES = 32 * 1024 * 1024



class Unshowable(Exception):
    """The photo cannot be drawn; ``str()`` says why, for the placeholder."""


def load_picture(path: Path, box: tuple[int, int], background: tuple[int, int, int] = (0, 0, 0)) -> Image.Image:
    """The first frame of the photo at ``path`` as RGB, scaled to fit ``box`` (pixels, aspect kept).

    Transparent pixels are laid on ``background`` (the panel's colour); CMYK and palette
    images are converted. Raises :class:`Unshowable` with the reason.
    """
    try:
        size = path.stat().st_size
        if size == 0:
            raise Unshowable("an empty file")
        if size > MAX_FILE_BYTES:
            raise Unshowable(f"too large to draw ({size // (1024 * 1024)} MB)")
        with path.open("rb") as handle:
            head = handle.read(1024)
            if looks_like_svg(head):
                raise Unshowable("an SVG drawing; not drawn in the terminal")
            handle.seek(0)
            try:
                image = Image.open(handle)
            except UnidentifiedImageError:
                raise Unshowable("not an image") from None
            except Image.DecompressionBombError:
                raise Unshowable("refused: a decompression bomb") from None
            width, height = image.size
            if width <= 0 or height <= 0:
                raise Unshowable("an image with no pixels")
            if width * height > MAX_PIXELS:
                raise Unshowable(f"too large to draw ({width:,} x {height:,} pixels)")
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # an animation: its first frame
            image.draft("RGB", box)  # JPEG: decode at a reduced scale when the box is small
            return _to_rgb(_fit(image, box), background)
    except Unshowable:
        raise
    except FileNotFoundError:
        raise Unshowable("the photo file is missing from the store") from None
    except Image.DecompressionBombError:
        raise Unshowable("refused: a decompression bomb") from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        reason = str(exc) or type(exc).__name__
        raise Unshowable(f"a damaged image ({reason})") from None


def _fit(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    image.load()
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGB")  # CMYK, YCbCr, I;16, F...
    copy = image.copy()
    copy.thumbnail((max(1, box[0]), max(1, box[1])), Image.Resampling.LANCZOS)
    return copy


def _to_rgb(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    if image.mode in ("RGBA", "LA"):
        base = Image.new("RGB", image.size, background)
        base.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return base
    return image.convert("RGB")

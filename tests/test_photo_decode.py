"""Photos decoded for the terminal: good ones drawn, bad ones a placeholder with the reason, never a crash."""

from __future__ import annotations

import gzip
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image as PILImage

from broadsheet.tui.graphics import Drawn, halfblocks, kitty
from broadsheet.tui.graphics_probe import Answers, choose_protocol, parse_answers
from broadsheet.tui.picture import MAX_PIXELS, Unshowable, load_picture
from broadsheet.tui.widgets.photo import PhotoCache, PhotoKey, draw_photo
from tests.photos import picture_bytes


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int, idat: bytes = b"") -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (1-bit grey), with ``idat`` as its pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def huge_png(width: int, height: int) -> bytes:
    """A complete, valid PNG of ``width`` x ``height`` zero pixels: a few KB that decode to a huge picture."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return png_header(width, height, data)


def draw(tmp_path: Path, data: bytes, name: str = "photo.bin", cols: int = 20, rows: int = 8) -> Drawn | str:
    path = tmp_path / name
    path.write_bytes(data)
    return draw_photo(PhotoKey(path, cols, rows, "halfblocks", (1, 2, 3)), PhotoCache())


def top_left(drawn: Drawn | str) -> tuple[int, int, int]:
    assert isinstance(drawn, Drawn), drawn
    color = next(iter(drawn.strips[0])).style.color  # type: ignore[union-attr]
    return color.triplet  # type: ignore[union-attr,return-value]


def test_a_photo_is_drawn_in_half_blocks_to_fit_the_box(tmp_path: Path) -> None:
    drawn = draw(tmp_path, picture_bytes((120, 80)), cols=30, rows=10)
    assert isinstance(drawn, Drawn)
    assert (drawn.cols, drawn.rows) == (30, 10)  # 3:2 in a 30 x 20 pixel box
    assert all(strip.cell_length == 30 for strip in drawn.strips)
    assert {seg.text[0] for strip in drawn.strips for seg in strip} == {"▀"}


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "an empty file"),
    (b"this is a caption, not a photo at all" * 10, "not an image"),
    (picture_bytes((200, 150), "PNG")[:400], "damaged"),
    (picture_bytes((200, 150), "JPEG")[:300], "damaged"),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "SVG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='5' height='5'/></svg>", "SVG"),
    (gzip.compress(b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='5' height='5'/></svg>"), "SVG"),
], ids=["empty", "not-an-image", "truncated-png", "truncated-jpeg", "svg-xml", "svg", "svgz"])
def test_a_bad_file_is_a_placeholder_with_the_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    drawn = draw(tmp_path, data)
    assert isinstance(drawn, str)
    assert reason in drawn


def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    data = huge_png(20_000, 20_000)  # 400 M pixels in about 20 KB: Pillow's own guard refuses it
    assert len(data) < 1_000_000
    drawn = draw(tmp_path, data)
    assert isinstance(drawn, str) and "decompression bomb" in drawn


def test_a_picture_over_our_own_pixel_cap_is_refused_from_its_header(tmp_path: Path) -> None:
    side = int(MAX_PIXELS ** 0.5) + 100  # over our cap, under Pillow's bomb warning (89 M)
    assert side * side < 89_000_000
    drawn = draw(tmp_path, png_header(side, side))
    assert isinstance(drawn, str) and "too large to draw" in drawn and f"{side:,}" in drawn


def test_a_missing_file_is_a_placeholder(tmp_path: Path) -> None:
    drawn = draw_photo(PhotoKey(tmp_path / "gone.png", 10, 5, "halfblocks", (0, 0, 0)), PhotoCache())
    assert drawn == "the photo file is missing from the store"


def test_an_animated_gif_shows_its_first_frame(tmp_path: Path) -> None:
    frames = [PILImage.new("RGB", (40, 40), colour) for colour in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    r, g, b = top_left(draw(tmp_path, path.read_bytes()))
    assert r > 150 and g < 50 and b < 50


def test_a_cmyk_jpeg_is_drawn_in_rgb(tmp_path: Path) -> None:
    data = picture_bytes((80, 60), "JPEG", mode="CMYK")
    assert PILImage.open(io.BytesIO(data)).mode == "CMYK"
    r, _g, b = top_left(draw(tmp_path, data))
    assert b > r  # the sky stays blue


def test_a_transparent_png_is_laid_on_the_panel_background(tmp_path: Path) -> None:
    image = PILImage.new("RGBA", (20, 20), (255, 0, 0, 0))  # fully transparent red
    path = tmp_path / "clear.png"
    image.save(path)
    assert top_left(draw(tmp_path, path.read_bytes())) == (1, 2, 3)


def test_the_cache_keeps_one_drawing_per_size(tmp_path: Path) -> None:
    path = tmp_path / "p.png"
    path.write_bytes(picture_bytes())
    cache = PhotoCache(size=2)
    small = draw_photo(PhotoKey(path, 10, 4, "halfblocks", (0, 0, 0)), cache)
    assert draw_photo(PhotoKey(path, 10, 4, "halfblocks", (0, 0, 0)), cache) is small
    large = draw_photo(PhotoKey(path, 30, 12, "halfblocks", (0, 0, 0)), cache)
    assert isinstance(large, Drawn) and isinstance(small, Drawn) and large.cols > small.cols
    draw_photo(PhotoKey(path, 40, 12, "halfblocks", (0, 0, 0)), cache)
    assert cache.get(PhotoKey(path, 10, 4, "halfblocks", (0, 0, 0))) is None  # the oldest went


def test_load_picture_raises_unshowable_not_pillow_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(Unshowable):
        load_picture(path, (10, 10))


def test_kitty_lines_are_placeholders_after_one_upload() -> None:
    drawn = kitty(PILImage.new("RGB", (20, 40), (9, 9, 9)), 2, 2)
    first = drawn.line(0, None)
    assert "".join(seg.text for seg in first).startswith("\x1b_Ga=t,f=100,q=2,i=")
    assert first.cell_length == 2
    again = drawn.line(0, None)
    assert "\x1b" not in "".join(seg.text for seg in again)  # uploaded once
    assert halfblocks(PILImage.new("RGB", (3, 3))).rows == 2


@pytest.mark.parametrize(("env", "tty", "answers", "expected"), [
    ({}, True, Answers(kitty=True, answered=True), "kitty"),
    ({}, True, Answers(sixel=True, answered=True), "sixel"),
    ({}, True, Answers(answered=True), "halfblocks"),
    ({}, True, None, "halfblocks"),
    ({}, False, Answers(kitty=True, answered=True), "halfblocks"),  # a pipe or `broadsheet serve`
    ({"TMUX": "/tmp/tmux-0/default,1,0"}, True, Answers(kitty=True, answered=True), "halfblocks"),
    ({"TERM_PROGRAM": "iTerm.app"}, True, Answers(answered=True), "iterm2"),
    ({"NO_COLOR": ""}, True, Answers(kitty=True, answered=True), "off"),
    ({"TERM": "dumb"}, True, None, "off"),
    ({"BROADSHEET_GRAPHICS": "sixel"}, False, None, "sixel"),
])
def test_the_protocol_follows_what_the_terminal_said(env: dict[str, str], tty: bool, answers: Answers | None,
                                                      expected: str) -> None:
    assert choose_protocol(env, tty=tty, answers=answers) == expected


def test_images_false_turns_photos_off() -> None:
    assert choose_protocol({}, images=False, tty=True, answers=Answers(kitty=True)) == "off"


def test_parse_answers_reads_kitty_and_da1() -> None:
    assert parse_answers(b"\x1b_Gi=31;OK\x1b\\\x1b[?62;4;22c") == Answers(kitty=True, sixel=True, answered=True)
    assert parse_answers(b"\x1b[?62;22c") == Answers(answered=True)
    assert parse_answers(b"\x1b_Gi=31;ENOTSUPPORTED\x1b\\\x1b[?1;2c") == Answers(answered=True)
    assert parse_answers(b"") == Answers()


@pytest.mark.parametrize("protocol", ["sixel", "iterm2"])
def test_cursor_drawn_photos_skip_their_cells_and_draw_once_from_the_top_left(protocol: str) -> None:
    from broadsheet.tui.graphics import iterm2, sixel

    picture = PILImage.new("RGB", (30, 60), (200, 10, 10))
    drawn = sixel(picture, 3, 3, (0, 0, 0)) if protocol == "sixel" else iterm2(picture, 3, 3)
    rows = [drawn.line(y, (10, 5)) for y in range(3)]
    assert all(row.cell_length == 3 for row in rows)
    texts = ["".join(seg.text for seg in row) for row in rows]
    assert texts[0] == texts[1] == "\x1b[3C"  # the cells are skipped, never painted over
    assert texts[2].startswith("\x1b7\x1b[6;11H")  # saved cursor, then the photo's top-left (1-based)
    assert ("\x1bP" if protocol == "sixel" else "\x1b]1337;File=inline=1;width=3;height=3") in texts[2]
    assert texts[2].endswith("\x1b8\x1b[3C")
    assert drawn.line(2, None).text == "   "  # not wholly visible: blank, no bytes

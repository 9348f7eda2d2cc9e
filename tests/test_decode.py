import codecs
from pathlib import Path

import pytest

from broadsheet.store.ingest.decode import DecodeError, decode_bytes, read_document

TEXT = "Café owners in Brīvība street say “business is back”.\n"


def test_utf8_is_not_a_guess() -> None:
    decoded = decode_bytes(TEXT.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.guessed) == (TEXT, "utf-8", False)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
    ],
)
def test_byte_order_marks(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.text.lstrip("\ufeff") == TEXT
    assert decoded.encoding == encoding
    assert not decoded.guessed


def test_legacy_single_byte_is_decoded_and_flagged_as_guess() -> None:
    text = "Les élèves ont été reçus à l’école — « très bien » dit-il. " * 5
    decoded = decode_bytes(text.encode("cp1252"))
    assert decoded.guessed
    assert "élèves" in decoded.text and "école" in decoded.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"), (b"\x7fELF\x02\x01\x01\x00" * 4, "binary")],
)
def test_refusals_have_reasons(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(DecodeError, match="too large"):
        read_document(big, max_bytes=1024)
    assert read_document(big, max_bytes=4096).text == "a" * 2048


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DecodeError, match="not there"):
        read_document(tmp_path / "gone.txt")


@pytest.mark.parametrize("text", ["Café society rejects naïve plan", "Señor Núñez wins the vote"])
def test_short_latin_1_english_is_read_as_the_western_code_page(text: str) -> None:
    # charset-normalizer named the first cp775 (a Baltic DOS code page): "Cafķ society … na’ve".
    assert decode_bytes(text.encode("latin-1")).text == text


def test_a_link_to_nothing_says_so(tmp_path: Path) -> None:
    (tmp_path / "dangling.html").symlink_to(tmp_path / "gone.html")
    with pytest.raises(DecodeError, match="a link to a file that is not there"):
        read_document(tmp_path / "dangling.html")

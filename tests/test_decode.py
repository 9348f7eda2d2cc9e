import codecs
from pathlib import Path

import pytest

from broadsheet.store.ingest.decode import DecodeError, decode_bytes, read_document
from broadsheet.store.ingest.formats import read_source

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


PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-16'><title>Harbour votes on ferries</title></head><body>"
        "<article><h1>Harbour votes on ferries</h1><p>Residents of Lowmoor voted on Tuesday on a plan to change "
        "the ferry times across the harbour, the council said.</p><p>The council said the vote was the largest "
        "in the town's history, and a second vote would follow in the spring.</p></article></body></html>")
FEED = ('<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>Lowmoor Gazette</title>'
        "<item><title>Harbour votes on ferries</title><link>https://lowmoor.example/1</link>"
        "<description>Residents voted on the ferry times.</description></item></channel></rss>")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize(("text", "name"), [(PAGE, "page.html"), (FEED, "feed.xml")])
def test_saved_pages_and_feeds_in_utf_16_or_32_are_read(tmp_path: Path, text: str, name: str, encoding: str) -> None:
    # A page or feed with a UTF-16 byte-order mark was refused: "no headline found".
    path = tmp_path / name
    path.write_bytes((b"\xfe\xff" if encoding == "utf-16-be" else b"") + text.encode(encoding))
    [item] = read_source(path)
    assert item.article is not None, item.reason
    assert item.article.headline == "Harbour votes on ferries" and "Residents" in item.article.body[0]


def test_a_utf_16_page_under_the_size_limit_is_read_whole_though_its_utf_8_is_longer(tmp_path: Path) -> None:
    text = PAGE.replace("Residents", "東京の住民 Residents" * 3)
    path = tmp_path / "cjk.html"
    path.write_bytes(text.encode("utf-16"))
    [item] = read_source(path, max_bytes=path.stat().st_size + 10)
    assert item.article is not None, item.reason


def test_a_page_declared_latin_1_is_read_as_windows_1252_as_browsers_do(tmp_path: Path) -> None:
    # Its quotes and dashes (0x80-0x9F) were read as C1 controls, which the sanitiser drops: "dont".
    page = PAGE.replace("charset='utf-16'", "charset='iso-8859-1'").replace("town's", "town\u2019s \u2014 ")
    path = tmp_path / "latin.html"
    path.write_bytes(page.encode("cp1252"))
    [item] = read_source(path)
    assert item.article is not None and "town\u2019s \u2014" in " ".join(item.article.body)


def test_sizes_apart_never_shows_a_size_over_its_limit_as_the_same_figure() -> None:
    from broadsheet.store.ingest.decode import sizes_apart

    mb = 1024 * 1024
    assert sizes_apart(12_000_054, 10 * mb) == ("11.4 MB", "10.0 MB")
    assert sizes_apart(10 * mb + 40_000, 10 * mb) == ("10.04 MB", "10.00 MB")
    assert sizes_apart(10 * mb + 1, 10 * mb) == ("10,485,761 bytes", "10,485,760 bytes")
    assert sizes_apart(500, 10 * mb) == ("500 bytes", "10.0 MB")


def test_utf8_with_a_few_bad_bytes_stays_utf8(tmp_path: Path) -> None:
    """One bad run made a whole UTF-8 page cp1252: every accent and CJK letter mojibake."""
    text = "Café owners in Zürich and Kraków meet in São Paulo; 港の新しいフェリー. "
    data = (text * 3).encode() + b"\xff\xfe broken \xc0\xaf" + text.encode()
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8" and decoded.damaged == 4
    assert decoded.text.count("Kraków") == 4 and "\ufffd\ufffd broken \ufffd\ufffd" in decoded.text
    assert decoded.note == "not valid UTF-8 in 4 places (each shown as \ufffd)"
    page = tmp_path / "page.html"
    page.write_bytes(b'<html><head><meta charset="utf-8"><title>Caf\xc3\xa9 news</title></head><body><article>'
                     b"<h1>Caf\xc3\xa9 owners meet \xff</h1>" + b"".join(
                         f"<p>{text} Paragraph {n} of the made-up story, with enough words to be read.</p>".encode()
                         for n in range(4)) + b"</article></body></html>")
    (item,) = read_source(page)
    assert item.article is not None and item.article.headline.startswith("Café") and "Ã" not in item.article.headline
    assert "Kraków" in item.article.body[0] and item.note == "not valid UTF-8 in 1 place (each shown as \ufffd)"


def test_a_cp1252_page_with_a_stray_utf8_pair_is_still_cp1252() -> None:
    data = ("Caf\xe9 na\xefve r\xe9sum\xe9 \xe0 la cr\xe8me br\xfbl\xe9e. " * 5).encode("cp1252") + "é".encode()
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp1252" and decoded.text.startswith("Café naïve résumé")


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252"])
def test_a_page_declared_single_byte_that_is_utf8_with_a_bad_byte_is_utf8(tmp_path: Path, charset: str) -> None:
    """cp1252 reads any bytes: the whole page was mojibake ("KrakÃ³w"), and nothing said."""
    text = "Café owners in Zürich and Kraków meet in São Paulo. "
    page = tmp_path / "page.html"
    page.write_bytes(f'<html><head><meta charset="{charset}"><title>News</title></head><body><article>'
                     "<h1>Caf\u00e9 owners meet</h1>".encode() + b"".join(
                         f"<p>{text * 2} Paragraph {n} of the made-up story.</p>".encode() for n in range(4))
                     + b"<p>A bad byte \xff here.</p></article></body></html>")
    (item,) = read_source(page)
    assert item.article is not None and "Kraków" in item.article.body[0] and "Ã" not in " ".join(item.article.body)
    assert item.note == f"declared {charset} but is UTF-8; not valid UTF-8 in 1 place (each shown as \ufffd)"


RU = ("<html><head><title>Новый паром вышел в рейс</title></head><body><article><h1>Новый паром вышел в рейс</h1>"
      "<p>Городской паром впервые прошёл по реке в среду утром, и на его борту были сотни жителей.</p>"
      "<p>Работы на причале заняли два года, сказали в администрации района.</p></article></body></html>")
JP = ("<html><head><title>新しいフェリーが運航を開始</title></head><body><article><h1>新しいフェリーが運航を開始</h1>"
      "<p>市のフェリーは水曜日の朝に初めて川を渡り、数百人の住民が乗船した。</p>"
      "<p>桟橋の工事には二年かかったと区役所は述べた。</p></article></body></html>")


def test_a_guessed_encoding_is_said_by_the_name_people_know(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The summary said "encoding guessed as cp932" of a page in Shift_JIS (Python's codec names)."""
    from broadsheet.cli.main import main

    (tmp_path / "ru.html").write_bytes(RU.encode("cp1251"))
    (tmp_path / "jp.html").write_bytes(JP.encode("shift_jis"))
    (tmp_path / "west.html").write_bytes(("<meta charset=utf-8><p>Les élèves ont été reçus à l’école.</p>" * 3)
                                         .encode("cp1252"))
    assert main(["--store", str(tmp_path / "store"), "import", str(tmp_path)]) == 0
    said = capsys.readouterr().err
    assert "ru.html: encoding guessed as Windows-1251" in said, said
    assert "jp.html: encoding guessed as Shift_JIS" in said, said
    assert "west.html: declared utf-8 but is not; encoding guessed as Windows-1252" in said, said
    with pytest.raises(DecodeError, match="starts with a UTF-8 byte-order mark but is not valid UTF-8"):
        decode_bytes(codecs.BOM_UTF8 + b"caf\xe9")

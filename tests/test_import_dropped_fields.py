"""An export's story with a field that is no date or no web address is imported without that field,
and the import says so (review 8, defect 5): it was left out without a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broadsheet.cli.main import main
from broadsheet.store.storage.db import Store
from tests.factories import make_article


def test_a_bad_date_and_a_script_address_are_left_out_and_said(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    origin = Store(tmp_path / "origin")
    origin.add([(make_article(1), "a.txt"), (make_article(2), "b.txt")])
    exported = tmp_path / "exp.json"
    assert main(["--store", str(tmp_path / "origin"), "export", "--format", "json", "-o", str(exported)]) == 0
    doc = json.loads(exported.read_text())
    edited = doc["stories"][0]["article"]
    edited["published"] = "not a date"
    edited["url"] = "javascript:alert(1)"
    edited["media"] = [{"url": "file:///etc/passwd", "type": "audio/mpeg"}]
    exported.write_text(json.dumps(doc))
    capsys.readouterr()
    code = main(["--store", str(tmp_path / "copy"), "import", str(exported)])
    said = capsys.readouterr().err
    assert code == 0, said
    assert "2 imported, 0 already present, 0 failed" in said
    assert 'its date "not a date" is not a date: left out' in said
    assert 'its address "javascript:alert(1)" is not a web address: left out' in said
    assert "1 sound or video file not at a web address left out" in said
    stories = {a.headline: a for _, a in Store(tmp_path / "copy").each_article()}
    kept = stories[edited["headline"]]
    assert kept.published is None and kept.url is None and kept.media == []
    assert kept.body == edited["body"]


def test_tags_an_edited_export_gives_in_capitals_or_too_long_are_said_as_they_were_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An export's "Rail" became the tag "rail", and a long one lost its end, without a word."""
    origin = Store(tmp_path / "origin")
    origin.add([(make_article(1), "a.txt")])
    exported = tmp_path / "exp.json"
    assert main(["--store", str(tmp_path / "origin"), "export", "--format", "json", "-o", str(exported)]) == 0
    doc = json.loads(exported.read_text())
    long = "harbour-wall-repairs-in-the-spring-and-summer"
    doc["stories"][0]["state"]["tags"] = ["Rail", "winter", long]
    exported.write_text(json.dumps(doc))
    capsys.readouterr()
    assert main(["--store", str(tmp_path / "copy"), "import", str(exported)]) == 0
    said = capsys.readouterr().err
    assert (f"tags kept 'Rail' as 'rail', '{long}' as 'harbour-wall-repairs-in-the-spring-and-s' "
            "(a tag is lower-case, at most 40 characters)") in said
    copy = Store(tmp_path / "copy")
    assert copy.user.get(copy.stories()[0].id).tags == ("rail", "winter", "harbour-wall-repairs-in-the-spring-and-s")

"""Where ``reparse`` and ``repair`` look for a story's source file, in one order for both."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.store.storage.sourcepath import source_files


def test_the_stored_path_comes_first_then_each_root_in_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An older store's path, relative to where its import ran: tried from here, then under each root given.
    for folder in ("here", "first", "second", "empty"):
        (tmp_path / folder / "set").mkdir(parents=True)
    for folder in ("here", "first", "second"):
        (tmp_path / folder / "set" / "story.txt").write_text("a made-up story")
    monkeypatch.chdir(tmp_path / "here")
    roots = [tmp_path / "empty", tmp_path / "first", tmp_path / "second"]
    assert list(source_files("set/story.txt", "set/story.txt", roots)) == [
        Path("set/story.txt"), tmp_path / "first" / "set" / "story.txt", tmp_path / "second" / "set" / "story.txt"]
    absolute = str(tmp_path / "first" / "set" / "story.txt")
    assert list(source_files(absolute, absolute, roots)) == [Path(absolute)]  # never joined under a root
    assert list(source_files(str(tmp_path / "gone.txt"), str(tmp_path / "gone.txt"), roots)) == []


def test_a_name_cleaned_before_names_were_kept_exactly_is_found_again(tmp_path: Path) -> None:
    real = tmp_path / "story\x1b[31m.txt"
    real.write_text("a made-up story")
    cleaned = str(tmp_path / "story.txt")  # as such a name was stored, its escape cleaned away
    assert list(source_files(cleaned, cleaned)) == [real]
    # A record that keeps its exact path names that file, not another that cleans to it.
    assert list(source_files(cleaned, "story\\x1b[31m.txt")) == []

"""A dropped SSH session (the pty hangs up, SIGHUP) while the real reader is writing marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from soak.hangup import BIN, reader_hangups


@pytest.mark.skipif(not BIN.exists(), reason="the broadsheet entry point is not installed")
def test_reader_exits_on_hangup_and_leaves_a_sound_store(tmp_path: Path) -> None:
    counts = reader_hangups(tmp_path / "store", runs=2, seed=8)
    assert counts.losses == []
    assert counts.runs == 2 and counts.stories_checked == 60

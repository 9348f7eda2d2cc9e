"""The feed benchmark keeps working on a small size (no time is asserted: figures are in make bench)."""

from __future__ import annotations

import pytest

from bench import feeds


def test_feed_bench_runs_small(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "feeds.md"
    assert feeds.main(["--items", "300", "--feeds", "4", "--per-feed", "10", "--photo-feeds", "2", "--runs", "1",
                       "--out", str(out)]) == 0
    table = out.read_text()
    assert "Import 300 items" in table and "40 new, then 4 unchanged" in table
    assert "first: fetch_images on / off (20 photos kept)" in table and "(20 new, then 2 unchanged)" in table

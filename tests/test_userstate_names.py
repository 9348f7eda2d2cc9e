"""Names the user gives: tags and saved searches, as typed in any script."""

from __future__ import annotations

import pytest

from broadsheet.store.storage.userstate import normalise_tag, parse_tag_edit


@pytest.mark.parametrize("typed", ["TÜRKİYE", "türkiye", "Türkiye", "TÜRKI\u0307YE", "türki\u0307ye"])
def test_turkish_capital_dotted_i_makes_the_same_tag_as_i(typed: str) -> None:
    # "TÜRKİYE" lowercased to "türki" + U+0307 + "ye": a second tag that looked the same as "türkiye".
    assert normalise_tag(typed) == "türkiye"
    assert parse_tag_edit("İSTANBUL, izmir, -İZMİR") == (["istanbul"], ["izmir"])


"""Names the user gives: tags and saved searches, as typed in any script."""

from __future__ import annotations

import pytest

from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import normalise_tag, parse_tag_edit


@pytest.mark.parametrize("typed", ["TÜRKİYE", "türkiye", "Türkiye", "TÜRKI\u0307YE", "türki\u0307ye"])
def test_turkish_capital_dotted_i_makes_the_same_tag_as_i(typed: str) -> None:
    # "TÜRKİYE" lowercased to "türki" + U+0307 + "ye": a second tag that looked the same as "türkiye".
    assert normalise_tag(typed) == "türkiye"
    assert parse_tag_edit("İSTANBUL, izmir, -İZMİR") == (["istanbul"], ["izmir"])


def test_a_tag_named_twice_in_one_edit_is_added_once(store: Store) -> None:
    # "broadsheet tag ID TÜRKİYE türkiye" gave the story the tag twice ("tags now türkiye, türkiye").
    sid = "0123456789abcdef"
    added = store.user.edit_tags([sid], add=[normalise_tag("TÜRKİYE"), normalise_tag("türkiye")])
    assert added[sid].tags == ("türkiye",)
    assert store.user.edit_tags([sid], add=["türkiye", "izmir", "izmir"])[sid].tags == ("türkiye", "izmir")

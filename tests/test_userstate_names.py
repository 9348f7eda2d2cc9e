"""Names the user gives: tags and saved searches, as typed in any script."""

from __future__ import annotations

import pytest

from broadsheet.store.search.query import Term, parse_query
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.userstate import (
    TagError,
    normalise_tag,
    parse_tag_edit,
    saved_search_name,
    tag_filter,
    tag_renamed_in,
)


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


@pytest.mark.parametrize("name", ["👨\u200d👩\u200d👧\u200d👦family", "می\u200cخواهم", "🏳\ufe0f\u200d🌈 pride"])
def test_tags_keep_zero_width_joiners(name: str) -> None:
    # The family was four people side by side, the Persian word two: ZWJ and ZWNJ were dropped.
    assert normalise_tag(name) == name
    assert parse_tag_edit(f"{name}, x") == ([name, "x"], [])


def test_tags_drop_other_format_and_control_characters() -> None:
    assert normalise_tag("\u202eevil\u202c \u200bword\x07") == "evil word"
    assert normalise_tag("\u200dlone\u200c") == "lone"  # a joiner at either end joins nothing
    with pytest.raises(TagError):
        normalise_tag("\u200d\u200c")


def test_a_long_saved_search_name_is_cut_after_a_word_with_an_ellipsis() -> None:
    long = "Harbour ferries and rail timetables for the northern coast towns in winter"
    assert saved_search_name(long) == "Harbour ferries and rail timetables for the northern coast…"
    assert saved_search_name("word " * 20) == "word " * 11 + "word…"
    assert saved_search_name("x" * 70) == "x" * 59 + "…"  # one word too long: cut within it
    assert saved_search_name("a" * 58 + "q\u0301x") == "a" * 58 + "…"  # not inside a letter and its accent
    assert saved_search_name("a" * 58 + "👨\u200d👩\u200d👧") == "a" * 58 + "…"
    assert saved_search_name("  Trains   and\tmore ") == "Trains and more"
    exact = "y" * 60
    assert saved_search_name(exact) == exact


def test_a_saved_search_keeps_its_cut_name_and_joiners(store: Store) -> None:
    name = store.user.save_search("👨\u200d👩\u200d👧 " + "school run " * 8, "school")
    assert name == "👨\u200d👩\u200d👧 " + "school run " * 4 + "school…"
    assert store.user.saved_searches() == {name: "school"}


@pytest.mark.parametrize(("query", "renamed"), [
    ("tag:local", 'tag:"harbour news"'),
    ('-TAG:"Local" is:unread', '-TAG:"harbour news" is:unread'),
    ("tag:locals ferry", "tag:locals ferry"),  # another tag
    ('"tag:local" ferry', '"tag:local" ferry'),  # words of a phrase
    ('tag:"unclosed', 'tag:"unclosed'),
])
def test_a_renamed_tag_is_renamed_in_a_query(query: str, renamed: str) -> None:
    assert tag_renamed_in(query, "local", "harbour news") == renamed


@pytest.mark.parametrize("tag", ["rail", "harbour news", "(draft)", "wip*", "a(b)", "*star", "-minus", "or", "a:b"])
def test_a_tags_filter_names_that_tag(tag: str) -> None:
    """The sidebar's tag:(draft) said "Parentheses do not group tags", tag:wip* "tag: takes a whole
    tag, not a prefix": the filter is quoted wherever the query language needs it to be."""
    assert parse_query(tag_filter(tag)).groups == ((Term("tag", tag),),)
    assert parse_query(tag_renamed_in("tag:local ferry", "local", tag)).groups == ((Term("tag", tag),),
                                                                                    (Term("word", "ferry"),))


def test_a_tag_holding_a_quote_gives_a_filter_that_parses() -> None:
    """Only a hand-edited file gives a tag a quote: its filter reads as that tag typed would."""
    assert tag_filter('say "hi"') == 'tag:"say hi"'
    assert parse_query(tag_filter('say "hi"')).groups == ((Term("tag", "say hi"),),)

"""The search query language: parsing, highlight terms and malformed queries (no index)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.store.search import Query, QueryError, Term, parse_query


def test_words_phrases_negation_prefix_and_fields() -> None:
    q = parse_query('ferry "harbour wall" -storm libr* headline:night by:"Ada Quill" source:gazette*')
    assert q.groups == (
        (Term("word", "ferry"),),
        (Term("phrase", "harbour wall"),),
        (Term("word", "storm", negated=True),),
        (Term("prefix", "libr"),),
        (Term("word", "night", "headline"),),
        (Term("phrase", "Ada Quill", "by"),),
        (Term("prefix", "gazette", "source"),),
    )
    assert q.sort == "relevance"


def test_or_groups_terms_and_binds_tighter_than_and() -> None:
    q = parse_query("rail OR ferry OR bus timetable")
    assert q.groups == ((Term("word", "rail"), Term("word", "ferry"), Term("word", "bus")),
                        (Term("word", "timetable"),))
    assert parse_query("rail or ferry").groups == ((Term("word", "rail"),), (Term("word", "or"),),
                                                   (Term("word", "ferry"),))


@pytest.mark.parametrize(("text", "same_as"), [
    ("cafe AND owner", "cafe owner"),  # needed the word "and"
    ("cafe NOT coffee", "cafe -coffee"),  # found nothing: needed the word "not"
    ("NOT cafe", "-cafe"),
    ('NOT "flat white" NOT headline:cafe', '-"flat white" -headline:cafe'),
    ("cafe OR NOT coffee AND is:unread", "cafe OR -coffee is:unread"),
    ("NOT is:read NOT tag:work", "-is:read -tag:work"),
    ("rail OR ferry AND bus", "rail OR ferry bus"),
    ("not and", "not and"),  # in lower case they are words, as or is
])
def test_and_and_not_in_capitals_join_and_leave_out(text: str, same_as: str) -> None:
    assert parse_query(text) == parse_query(same_as)
    assert parse_query("not and").groups == ((Term("word", "not"),), (Term("word", "and"),))


@pytest.mark.parametrize(("text", "same_as"), [
    ("-(cafe OR bridge)", "-cafe -bridge"),  # was (-cafe) OR bridge
    ("NOT (cafe OR bridge)", "-cafe -bridge"),
    ("-(cafe bridge)", "-cafe OR -bridge"),  # not both
    ("headline:(bridge OR cafe)", "headline:bridge OR headline:cafe"),  # was headline:bridge OR cafe
    ('-by:("Ada Quill" OR park*)', '-by:"Ada Quill" -by:park*'),
    ("headline:(bridge cafe) OR rail", "headline:bridge OR rail headline:cafe OR rail"),
    ("-(cafe OR bridge) OR rail", "-cafe OR rail -bridge OR rail"),
    ("headline:(-cafe OR bridge)", "-headline:cafe OR headline:bridge"),
])
def test_parentheses_after_minus_not_or_a_field_group(text: str, same_as: str) -> None:
    assert set(parse_query(text).groups) == set(parse_query(same_as).groups)
    assert set(parse_query(text).terms) == set(parse_query(same_as).terms)


@pytest.mark.parametrize(("text", "same_as"), [
    ("ferry | bridge", "ferry OR bridge"),  # was ferry AND bridge, the | dropped
    ("ferry|bridge", "ferry OR bridge"),
    ("rail | ferry|bus timetable", "rail OR ferry OR bus timetable"),
    ("-(cafe | bridge)", "-(cafe OR bridge)"),
    ("headline:(bridge|cafe)", "headline:(bridge OR cafe)"),
    ("tag:a | tag:b", "tag:a OR tag:b"),
])
def test_a_bar_is_or_as_in_google(text: str, same_as: str) -> None:
    assert parse_query(text) == parse_query(same_as)
    assert parse_query('"a | b"').groups == ((Term("phrase", "a | b"),),)  # in a phrase it stays punctuation


def test_other_parentheses_are_punctuation_as_in_a_pasted_headline() -> None:
    assert parse_query("Mayor (72) resigns").groups == ((Term("word", "Mayor"),), (Term("word", "(72)"),),
                                                        (Term("word", "resigns"),))
    assert parse_query("(ferry OR rail)").groups == ((Term("word", "(ferry"), Term("word", "rail)")),)
    assert parse_query("x:(a) (b").groups == ((Term("word", "x:(a)"),), (Term("word", "(b"),))


def test_state_and_date_filters() -> None:
    q = parse_query("is:bookmarked is:unread tag:Work after:2024-03-01 before:2024-04-01 sort:date")
    assert q.bookmarked is True and q.read is False
    assert q.tag_groups == ((Term("tag", "work"),),)
    assert (q.after, q.before) == (dt.date(2024, 3, 1), dt.date(2024, 4, 1))
    assert q.sort == "date"
    assert parse_query("-is:bookmarked is:read").bookmarked is False
    assert parse_query("-is:unread").read is True
    assert parse_query('tag:"long  reads"').tag_groups == ((Term("tag", "long reads"),),)
    assert parse_query("tag:a OR tag:b").tag_groups == ((Term("tag", "a"), Term("tag", "b")),)


def test_unknown_field_is_plain_text() -> None:
    assert parse_query("10:30 http://x").groups == ((Term("word", "10:30"),), (Term("word", "http://x"),))
    assert [g[0].text for g in parse_query("mailto:ed@x.org C:temp Update: x:y title:").groups] == [
        "mailto:ed@x.org", "C:temp", "Update:", "x:y", "title:"]


@pytest.mark.parametrize("text", ["title:bridge", "haedline:cafe", "-Title:bridge", 'title:"new bridge"',
                                  "NOT title:x", "captoin:x", "sources:x", "credits:x", "credt:x", "standfrist:x",
                                  "datelines:x"])
def test_a_mistyped_field_says_which_fields_there_are(text: str) -> None:
    # Searched as words before, and found nothing with no hint why.
    fields = (r"\(fields: headline, standfirst, body, caption, by, author, credit, source, agency, dateline, feed, "
              r"tag, is, after, before, sort\)")
    with pytest.raises(QueryError, match=r"No field \w+: " + fields):
        parse_query(text)


@pytest.mark.parametrize("text", ["re:Invent", "localhost:8080", "BBC:news", "std::vector", "jp:tokyo", "foo:cafe"])
def test_a_word_with_a_colon_that_names_no_field_is_searched_as_text(text: str) -> None:
    assert [t.text for group in parse_query(text).groups for t in group] == [text]


def test_author_is_by() -> None:
    assert parse_query("author:quill").groups == ((Term("word", "quill", "by"),),)


def test_credit_standfirst_and_dateline_are_fields() -> None:
    assert parse_query('credit:lund standfirst:ferry -dateline:"port vellmar"').groups == (
        (Term("word", "lund", "credit"),), (Term("word", "ferry", "standfirst"),),
        (Term("phrase", "port vellmar", "dateline", negated=True),))
    with pytest.raises(QueryError, match="credit: needs a value, like credit:quill"):
        parse_query("credit:")


def test_highlight_terms_are_positive_text_terms_as_typed() -> None:
    q = parse_query('Ferries "Harbour wall" libr* -storm headline:night tag:work is:unread ferries')
    assert q.terms == ("Ferries", '"Harbour wall"', "libr*", "headline:night")
    assert parse_query("").terms == ()
    assert parse_query("- --").terms == ()
    assert parse_query('feed:"Riverside Daily" flood').terms == ("flood",)  # a feed chosen is a filter


def test_repeated_groups_count_once() -> None:
    assert parse_query("ferry ferry fe* fe*").groups == ((Term("word", "ferry"),), (Term("prefix", "fe"),))
    assert len(parse_query(" ".join(["ferry"] * 500)).groups) == 1


def test_empty_query() -> None:
    assert parse_query("") == Query()
    assert parse_query("   ") == Query()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"unclosed', "Unclosed quote"),
        ('ferry headline:"night', "Unclosed quote"),
        ("tag:", "tag: needs a value"),
        ("tag:   ferry", "tag: needs a value"),
        ('by:""', "by: needs a value"),
        ("after:yesterdayish", "after: needs a date like 2024-03-01"),
        ("before:2024-02-30", "before: 2024-02-30 is no day"),
        ("after:", "after: needs a value"),
        ("is:nothing", "is: takes bookmarked, unread, read or new"),
        ("sort:random", "sort: takes date or relevance"),
        ("-after:2024-01-01", "-after: is not supported"),
        ("OR ferry", "OR needs a word on each side"),
        ("ferry OR", "OR needs a word on each side"),
        ("ferry OR OR rail", "OR needs a word on each side"),
        ("| ferry", "OR needs a word on each side"),
        ("ferry |", "OR needs a word on each side"),
        ("ferry||rail", "OR needs a word on each side"),
        ("ferry | OR rail", "OR needs a word on each side"),
        ("ferry -|", "OR needs a word on each side"),
        ("NOT | ferry", "NOT needs a word after it"),
        ("ferry | is:unread", "OR cannot join is: filters"),
        ("tag:a OR ferry", "OR cannot join tag: with words"),
        ("AND", "AND needs a word on each side"),
        ("ferry AND", "AND needs a word on each side"),
        ("AND ferry", "AND needs a word on each side"),
        ("ferry AND OR rail", "AND needs a word on each side"),
        ("ferry OR AND rail", "OR needs a word on each side"),
        ("NOT", "NOT needs a word after it"),
        ("ferry NOT", "NOT needs a word after it"),
        ("NOT OR ferry", "NOT needs a word after it"),
        ("NOT -ferry", "NOT and - both"),
        ("-(ferry", "Unclosed parenthesis"),
        ("headline:(ferry OR rail", "Unclosed parenthesis"),
        ("-()", "Parentheses need a word inside"),
        ("-(ferry (rail))", "Parentheses cannot nest"),
        ("-(ferry OR is:unread)", "Only words, phrases and prefixes* go in parentheses"),
        ("-(tag:work)", "Only words, phrases and prefixes* go in parentheses"),
        ("tag:(a OR b)", "Parentheses do not group tags"),
        ("headline:(by:quill)", "A field's parentheses hold words"),
        ("-(ferry OR rail bus)", "put - before each word"),
        ("ferry OR is:unread", "OR cannot join is: filters"),
        ("*", "A * needs 2 letters or more before it"),
        ("f*", "A * needs 2 letters or more before it"),
        ("headline:-*", "A * needs 2 letters or more before it"),
        ("fer*y", "A * ends a word, like ferr*: no letters after it"),
        ("headline:fer*ies is:unread", "A * ends a word"),
        ("-headline:-ferry", "- twice: -headline:ferry leaves it out once"),
        ('"ferry"*', 'A * goes inside the quotes: "harbour ferr*" begins its last word'),
        ('headline:"night ferry"* is:unread', "A * goes inside the quotes"),
        (" ".join(f"w{i}" for i in range(65)), "Too many words: at most 64"),
        ("is:read is:unread", "cannot both hold"),
    ],
)
def test_malformed_queries_raise_a_short_message(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert message in str(caught.value)
    assert len(str(caught.value)) < 80
    assert isinstance(caught.value, ValueError)


GRAMMAR = st.sampled_from(['"', "-", "*", "OR", "|", "or", ":", "tag:", "is:", "by:", "headline:", "after:", "before:",
                           "sort:", "2024-03-01", "unread", "date", "ferry", "Séoul", "e-mail", " ", "  ", "\t", "\n",
                           "⑴", "ß", "\x00", "(", ")", "\\", "^", "[", "{", "~", "+", "AND", "NOT"])
QUERY_TEXT = st.one_of(st.text(max_size=60), st.lists(GRAMMAR, max_size=12).map("".join),
                       st.lists(st.one_of(GRAMMAR, st.text(max_size=5)), max_size=10).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(QUERY_TEXT)
def test_any_string_parses_or_raises_query_error(text: str) -> None:
    for typing in (False, True):
        try:
            parse_query(text, typing)
        except QueryError as exc:
            assert str(exc)


def test_a_phrase_still_typed_in_the_bar_is_its_last_word() -> None:
    """The reader's bar (typing) reads a quote not closed yet as a phrase being typed, where the
    command line says 'Unclosed quote'."""
    typed = parse_query('ferry -"harbour fer', typing=True)
    assert typed.groups[1] == (Term("phrase", "harbour fer", negated=True),) and typed.last_word == typed.groups[1][0]
    assert parse_query('"harbour fer*', typing=True).groups == parse_query('"harbour fer*"').groups
    assert parse_query('"harbour wall" ferry', typing=True).last_word == Term("word", "ferry")
    assert parse_query('"harbour wall" tag:"wor', typing=True).last_word is None  # a closed phrase is whole
    assert parse_query('feed:"Harbour Gaz', typing=True).last_word is None  # a whole title, never begun
    assert parse_query('"', typing=True) == Query()  # a quote just typed: nothing in it to search yet
    assert parse_query('ferry "', typing=True).groups == parse_query("ferry").groups


def test_schema_keys_and_dates() -> None:
    from broadsheet.store.search.analysis import NO_DATE, published_values
    from broadsheet.store.storage.directory import story_key

    assert story_key("00000000000000ff") == 255
    assert 0 <= story_key("not-a-hex-id") < 2**64
    assert published_values(None) == (NO_DATE, 0)
    assert published_values("sometime") == (NO_DATE, 0)
    assert published_values("2024-03-05") == (1709596800, 20240305)
    # after:/before: take the day the list shows (here, TZ=UTC: the 4th), sort:date the instant
    assert published_values("2024-03-05T01:00:00+05:00") == (1709582400, 20240304)
    assert published_values("2024-03-05T25:00") == (1709596800, 20240305)


def test_not_before_parentheses_groups_them_with_or_without_a_space() -> None:
    """NOT(cafe OR bridge) searched the word "not" with cafe, or bridge: the opposite of NOT (...)."""
    assert parse_query("NOT(cafe OR bridge)") == parse_query("NOT (cafe OR bridge)") == parse_query("-(cafe OR bridge)")
    with pytest.raises(QueryError):
        parse_query("NOT NOT(cafe)")


def test_an_impossible_date_and_a_tag_prefix_say_what_is_wrong() -> None:
    """after:2024-02-30 was told to be "a date like 2024-03-01", which it is; tag:wor* found nothing
    without a word (tags take no prefix)."""
    with pytest.raises(QueryError, match="2024-02-30 is no day of the calendar"):
        parse_query("after:2024-02-30")
    with pytest.raises(QueryError, match="tag: takes a whole tag"):
        parse_query("tag:wor*")


def test_a_field_then_a_minus_leaves_the_word_out_as_a_minus_before_the_field_does() -> None:
    """headline:-ferry searched headline:ferry: the stories it was typed to leave out."""
    assert parse_query("headline:-ferry").groups == parse_query("-headline:ferry").groups
    assert parse_query('headline:"-ferry"').groups != parse_query("-headline:ferry").groups  # quoted: as typed


@pytest.mark.parametrize("typed", ["ferry |", "ferry|", "ferry | ", "ferry OR", "ferry OR "])
def test_an_or_typed_last_in_the_bar_waits_for_its_second_word(typed: str) -> None:
    """Typing "ferry | bridge" showed "OR needs a word on each side" at the key after the bar:
    in the reader's bar the OR waits for its word; from the command line it is refused still."""
    assert parse_query(typed, typing=True).groups == parse_query("ferry", typing=True).groups
    with pytest.raises(QueryError, match="OR needs a word"):
        parse_query(typed)

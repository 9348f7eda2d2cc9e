"""Agencies named one way (issue 19): in the parser's output, the listing and the search."""

from __future__ import annotations

import pytest

from broadsheet.store.agencies import canonical_agency
from broadsheet.store.ingest.importer import read_article
from broadsheet.store.search import SearchIndex
from broadsheet.store.storage.db import Store
from tests.conftest import CORPUS
from tests.factories import make_article


def test_known_agencies_have_one_name() -> None:
    assert canonical_agency("AP") == canonical_agency("The Associated Press") == "Associated Press"
    assert canonical_agency("ASSOCIATED  PRESS") == "Associated Press"
    assert canonical_agency("REUTERS") == "Reuters"
    assert canonical_agency("Northwire") == "Northwire"  # unknown: as printed
    assert canonical_agency(None) is None


def test_agency_search_finds_a_story_by_any_name_of_its_agency(store: Store) -> None:
    ap = make_article(1, agency="AP")
    full = make_article(2, agency="Associated Press")
    reuters = make_article(3, agency="Reuters", dateline="WASHINGTON (Reuters)")
    store.add([(ap, None), (full, None), (reuters, None)])
    index = SearchIndex.open(store)
    both = {ap.story_id, full.story_id}
    assert set(index.search("agency:AP", states={}).ids) == both
    assert set(index.search('agency:"Associated Press"', states={}).ids) == both
    assert index.search("agency:Reuters", states={}).ids == [reuters.story_id]
    assert {m.agency for m in store.stories()} == {"Associated Press", "Reuters"}


@pytest.mark.skipif(not (CORPUS / "dev" / "raw" / "107.txt").exists(), reason="the corpus is not here")
def test_agency_from_a_dateline_below_short_labels() -> None:
    """A page printing "REUTERS" and the date as labels above "WASHINGTON (Reuters) - ..."."""
    article, _ = read_article(CORPUS / "dev" / "raw" / "107.txt")
    assert article.agency == "Reuters" and article.dateline == "WASHINGTON (Reuters)"
    assert article.body[0].startswith("Scientists")

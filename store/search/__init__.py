"""Full-text search over a store: the query language, the tantivy schema, the index's
life cycle (``engine``) and query execution (``execute``).

The index in ``<store>/index`` is a cache of the TinyDB files, never the record: it is
updated by every import, rebuilt by ``broadsheet reindex``, and repaired on open when it is
missing, stale or damaged. User state (tags, bookmarks, read marks) is filtered from
``store.user.all()`` at search time, so toggling a bookmark never touches the index.

``query`` and ``analysis`` never import tantivy (the reader parses and filters before it
loads); the index's names below load it on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from broadsheet.store.search.query import Query, QueryError, SearchCancelled, SearchResult, Term, parse_query

if TYPE_CHECKING:
    from broadsheet.store.search.engine import SearchIndex
    from broadsheet.store.search.execute import SearchUnavailable

__all__ = ["Query", "QueryError", "SearchCancelled", "SearchIndex", "SearchResult", "SearchUnavailable", "Term",
           "parse_query"]


def __getattr__(name: str) -> Any:
    """``SearchIndex`` and ``SearchUnavailable`` import tantivy, so only when asked for."""
    if name == "SearchIndex":
        from broadsheet.store.search.engine import SearchIndex

        return SearchIndex
    if name == "SearchUnavailable":
        from broadsheet.store.search.execute import SearchUnavailable

        return SearchUnavailable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Full-text search over a store: the query language, the tantivy schema, the index's
life cycle (``engine``) and query execution (``execute``).

The index in ``<store>/index`` is a cache of the TinyDB files, never the record: it is
updated by every import, rebuilt by ``broadsheet reindex``, and repaired on open when it is
missing, stale or damaged. User state (tags, bookmarks, read marks) is filtered from
``store.user.all()`` at search time, so toggling a bookmark never touches the index.
"""

from broadsheet.store.search.engine import SearchIndex
from broadsheet.store.search.execute import SearchResult, SearchUnavailable
from broadsheet.store.search.query import Query, QueryError, Term, parse_query

__all__ = ["Query", "QueryError", "SearchIndex", "SearchResult", "SearchUnavailable", "Term", "parse_query"]

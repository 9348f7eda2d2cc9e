"""Saved web pages and HTML fragments turned into articles: Broadsheet's one HTML-to-article path.

``fragment`` reads a piece of HTML (a feed entry's content) into paragraphs and photos;
``page_article`` reads a whole saved page into an :class:`~broadsheet.store.model.Article`.
"""

from __future__ import annotations

from broadsheet.store.html.fragment import Fragment, fragment
from broadsheet.store.html.page import page_article, page_tree, tags_note, tree_article

__all__ = ["Fragment", "fragment", "page_article", "page_tree", "tags_note", "tree_article"]

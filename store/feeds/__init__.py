"""Subscriptions: feeds parsed into stories, kept subscriptions, the fetcher, OPML and newsboat.

- ``parse``: RSS, Atom and JSON Feed bytes into articles (one per entry).
- ``subscriptions``: the subscribed feeds, kept in the store's ``feeds.json``.
- ``fetch``: the concurrent, conditional, capped HTTP fetcher, and storing what it got.
- ``opml`` / ``newsboat``: moving in from other readers.
"""

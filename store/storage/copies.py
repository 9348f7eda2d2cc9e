"""How a new copy of a stored story combines with the stored one.

The copy that arrives last wins (a page saved again has the newer text), with four
exceptions that keep what the user already has:

- a feed's entry for a story kept from a saved page is usually its summary: the page stays
  unless the entry's text is longer (``fetch --full`` brings the whole page);
- a photo kept for an image stays with it when the new copy could not keep it (the page's
  ``_files`` folder is gone, or a feed cannot send it), matched by address, else caption;
- a new copy that lacks a date, authors, credits or photos keeps the stored ones (a feed
  that later sends an entry without its date), but for a story's own file read again by
  ``reparse``: a better parser is believed;
- the page of a feed's entry saved by hand keeps the feed's title as its source: it is still
  the feed's story;
- a story two feeds carry (a site's front page and its section) stays the story of the feed
  that brought it first, as it brought it, while that feed is subscribed (or, moving in from
  newsboat, of the feed whose item the cache holds first).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from broadsheet.store.ingest import SAVED_PAGE, TEXT_DUMP, read_by
from broadsheet.store.model import normal_url
from broadsheet.store.sanitize import is_web_address
from broadsheet.store.storage.twins import words

#: Fields a new copy may lack where the stored copy has them (kept, but by a reparse).
_KEPT_WHEN_MISSING = ("published", "authors", "standfirst", "dateline", "agency", "credits", "source", "url",
                      "images", "media")


def summary_of_page(incoming: dict[str, Any], stored: dict[str, Any], body: list[str], stored_body: list[str]) -> bool:
    """Whether ``incoming`` is a feed's entry (it has a key) for a story whose stored copy came
    from a saved page (it has no key, or its file is a page's: a feed's story saved by hand keeps
    the entry's key) and holds no more text than it: the page is kept."""
    from_page = not stored.get("key") or read_by(stored.get("parser")) in (SAVED_PAGE, TEXT_DUMP)
    return bool(incoming.get("key")) and from_page and len(words(body)) <= len(words(stored_body))


def another_feeds_entry(incoming: dict[str, Any], stored: dict[str, Any], file: str, feeds: Collection[str]) -> bool:
    """Whether ``incoming``, read from ``file``, is another feed's entry for a story a feed of
    ``feeds`` (the subscribed feeds' addresses and keys, and a newsboat cache's feeds while it is
    imported) brought first: both have entry keys, and the stored one's feed is another of them.

    The story stays the first feed's, as it brought it: else it went to whichever feed was
    fetched last (its headline and text too), the other's count and ``feed:"Title"`` lost it,
    and each fetch said it "updated". Once that feed is unsubscribed, the other takes it."""
    if not (incoming.get("key") and stored.get("key") and incoming.get("key") != stored.get("key")):
        return False
    came_from = _feed_of(stored, stored.get("file") or "", feeds)
    return came_from is not None and came_from != _feed_of(incoming, file, feeds)


def another_entry_of_its_feed(key: str | None, stored_key: Any, listed: Collection[str], batched: bool) -> bool:
    """Whether an entry keyed ``key`` and a stored one keyed ``stored_key`` at its address are two
    stories: two entries (keys ``feed#guid``: the same feed, another guid) its feed lists together,
    the stored one's key among ``listed`` (the keys of the download the entry came in: a fetch's
    feed, an imported file) or ``batched`` (stored by this batch). A podcast's episodes all link to
    the show's page, a live blog's posts to the blog (as newsboat keeps them); an entry whose stored
    guid its feed no longer lists is that story under a new guid (a publisher moving its guids from
    ``http://…/?p=1`` to ``https://…/story/1``). Two feeds' entries at one address stay one story
    (see :func:`another_feeds_entry`), and a saved page (no key) the story of the entry it is the page of."""
    if not (key and isinstance(stored_key, str) and stored_key and key != stored_key):
        return False
    if key.partition("#")[0] != stored_key.partition("#")[0]:  # (a feed's address ends before its first "#")
        return False
    return batched or stored_key in listed


def _feed_of(doc: dict[str, Any], file: str, feeds: Collection[str]) -> str | None:
    """The feed of ``feeds`` an entry is from: its file (a fetched entry's is its feed's address),
    else the feed its key names (``feed#guid``: an item moved in from newsboat's cache, whose
    file is the cache)."""
    if file in feeds:
        return file
    key = str(doc.get("key"))
    return next((feed for feed in feeds if key.startswith(feed) and key[len(feed):len(feed) + 1] == "#"), None)


def combined(incoming: dict[str, Any], stored: dict[str, Any], reread: bool = False) -> dict[str, Any]:
    """``incoming`` (a story's fields without its body) with what the stored copy keeps
    (``reread``: the story's own file read again, whose fields are believed)."""
    doc = dict(incoming)
    if stored.get("key") and not incoming.get("key"):
        # The page of a feed's entry, saved by hand: the story stays the feed's (its title the
        # source, as feed:"Title" lists and the feed counts its stories; it became the page's host),
        # and keeps the entry's key, so the page saved again stays it too.
        doc["key"] = stored["key"]
        if stored.get("source"):
            doc["source"] = stored["source"]
    if not reread:
        for name in _KEPT_WHEN_MISSING:
            if doc.get(name) in (None, [], "") and stored.get(name) not in (None, [], ""):
                doc[name] = stored[name]
                if name == "published" and stored.get("first_seen") is True:  # (the time it was first fetched)
                    doc["first_seen"] = True
    old = [image for image in stored.get("images") or [] if isinstance(image, dict) and image.get("photo")]
    if old and doc.get("images"):
        doc["images"] = [_with_kept_photo(image, old) for image in doc["images"]]
    return doc


def _with_kept_photo(image: dict[str, Any], old: list[dict[str, Any]]) -> dict[str, Any]:
    """``image`` with the photo kept for the same image before, when it has none of its own."""
    if image.get("photo"):
        return image
    src = image.get("src")
    address = normal_url(src) if isinstance(src, str) and src else None
    match = None
    if address:
        match = next((o for o in old if isinstance(o.get("src"), str) and normal_url(o["src"]) == address), None)
    # By caption only for an image without a web address of its own: another photo's address
    # with a caption as common as "File photo" is another photo.
    if match is None and image.get("caption") and not (isinstance(src, str) and is_web_address(src)):
        match = next((o for o in old if o.get("caption") == image["caption"]), None)
    if match is None:
        return image
    kept = {**image, "photo": match["photo"]}
    kept.pop("problem", None)
    return kept

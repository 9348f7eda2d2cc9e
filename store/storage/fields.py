"""Reading the fields of a stored record defensively, in one place.

A store can be written by an older or newer Broadsheet or edited by hand, so a record
may hold ``"published": 20231222`` or ``"authors": [1, null]``. Everything that reads a
stored record goes through these functions: a value of the wrong type reads as missing
(or keeps only its parts of the right type) instead of crashing the list, search, export
or the reader. :func:`record_problems` names what is wrong, for ``broadsheet repair``,
which rewrites such records with what :func:`readable_fields` can read.
"""

from __future__ import annotations

from typing import Any

from broadsheet.store.model import CREDIT_GROUPS, Credits, Image, Media

#: The optional one-line text fields of a story record.
TEXT_FIELDS = ("source", "published", "imported", "standfirst", "agency", "dateline", "file", "path", "url", "key")
IMAGE_KEYS = ("caption", "credit")


WEB = ("http://", "https://")  # a story's "file" that starts so is the feed it came from


def rereadable(file: Any) -> bool:
    """Whether a story's "file" is one ``reparse`` can read again: a path, not a feed's address
    (a feed's entries are read again by ``fetch``)."""
    return isinstance(file, str) and bool(file) and not file.startswith(WEB)


def text(value: Any) -> str | None:
    """``value`` if it is a string, else ``None``."""
    return value if isinstance(value, str) else None


def texts(value: Any) -> tuple[str, ...]:
    """The strings of a list (other items dropped); ``()`` for anything but a list."""
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def paragraphs(value: Any) -> list[str]:
    """A stored body: a list of strings (a string body is not split into characters)."""
    return list(texts(value))


def shard(value: Any) -> int:
    """A body shard number: a non-negative int (``0`` for anything else)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def images(value: Any) -> tuple[Image, ...]:
    """Images stored as :meth:`Image.to_doc` writes them; other shapes are skipped."""
    if not isinstance(value, list):
        return ()
    return tuple(Image.from_doc(i) for i in value if isinstance(i, dict))


def media(value: Any) -> tuple[Media, ...]:
    """Sound and video stored as :meth:`Media.to_doc` writes them; other shapes are skipped."""
    if not isinstance(value, list):
        return ()
    return tuple(m for m in map(Media.from_doc, value) if m is not None)


def credits(value: Any) -> Credits | None:
    """The credit line, each group keeping its strings only; ``None`` unless it is an object."""
    return Credits.from_doc(value)


def readable_fields(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with every field as the reader would read it (wrong types dropped or trimmed)."""
    fixed: dict[str, Any] = {"headline": text(record.get("headline")) or "(no headline)",
                             "shard": shard(record.get("shard"))}
    for name in TEXT_FIELDS:
        if text(record.get(name)):
            fixed[name] = record[name]
    if texts(record.get("authors")):
        fixed["authors"] = list(texts(record.get("authors")))
    if images(record.get("images")):
        fixed["images"] = [i.to_doc() for i in images(record.get("images"))]
    found = credits(record.get("credits"))
    if found is not None:
        fixed["credits"] = found.to_doc()
    if media(record.get("media")):
        fixed["media"] = [m.to_doc() for m in media(record.get("media"))]
    if record.get("first_seen") is True:
        fixed["first_seen"] = True
    return fixed


def record_problems(record: dict[str, Any]) -> list[str]:
    """What in a (unpacked) story record is not as Broadsheet writes it, e.g. ``published is an int``."""
    problems = []

    def kind(value: Any) -> str:
        return "null" if value is None else type(value).__name__

    if text(record.get("headline")) is None:
        problems.append(f"headline is {kind(record.get('headline'))}")
    if "shard" in record and shard(record["shard"]) != record["shard"]:
        problems.append(f"shard is {record['shard']!r}")
    for name in TEXT_FIELDS:
        if record.get(name) is not None and text(record[name]) is None:
            problems.append(f"{name} is {kind(record[name])}")
    authors = record.get("authors")
    if authors is not None and (not isinstance(authors, list) or len(texts(authors)) != len(authors)):
        problems.append("authors is not a list of strings")
    value = record.get("images")
    if value is not None and (not isinstance(value, list) or len(images(value)) != len(value)
                              or any(not isinstance(i.get(k), str | None) for i in value for k in IMAGE_KEYS)):
        problems.append("images are not a list of {caption, credit}")
    value = record.get("credits")
    if value is not None and (not isinstance(value, dict) or (credits(value) or Credits()).to_doc() != {
            **{g: value.get(g) or [] for g in CREDIT_GROUPS}, "text": value.get("text") or ""}):
        problems.append("credits are not {reporting, ..., text} of strings")
    value = record.get("media")
    if value is not None and (not isinstance(value, list) or [m.to_doc() for m in media(value)] != value):
        problems.append("media are not a list of {url, type, length}")
    return problems

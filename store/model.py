"""The article model shared by the parser, the store and the reader."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Image:
    """One photo: its caption and its credit, kept apart."""

    caption: str
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Credits:
    """The structured reporting/editing credit line, e.g. ``(Reporting by ...)``."""

    reporting: list[str] = field(default_factory=list)
    additional_reporting: list[str] = field(default_factory=list)
    writing: list[str] = field(default_factory=list)
    editing: list[str] = field(default_factory=list)
    text: str = ""

    def to_doc(self) -> dict[str, Any]:
        return {"reporting": list(self.reporting), "additional_reporting": list(self.additional_reporting),
                "writing": list(self.writing), "editing": list(self.editing), "text": self.text}

    def people(self) -> list[str]:
        """Everyone named in the credit line, in order, without repeats."""
        seen: dict[str, None] = {}
        for group in (self.reporting, self.additional_reporting, self.writing, self.editing):
            for name in group:
                seen.setdefault(name, None)
        return list(seen)


@dataclass(slots=True)
class Article:
    """A parsed story. Field meanings follow the ``broadsheet parse --json`` contract."""

    headline: str
    body: list[str]
    standfirst: str | None = None
    source: str | None = None
    agency: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    images: list[Image] = field(default_factory=list)
    credits: Credits | None = None

    @property
    def story_id(self) -> str:
        """A stable id derived from the content, so the same story imports once."""
        key = "\x1f".join([self.headline.casefold(), self.dateline or "", *self.body])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def to_contract(self) -> dict[str, Any]:
        """The JSON object of the parse contract (without ``file``)."""
        return {
            "headline": self.headline,
            "standfirst": self.standfirst,
            "source": self.source,
            "agency": self.agency,
            "published": self.published,
            "authors": list(self.authors),
            "dateline": self.dateline,
            "body": list(self.body),
            # Spelled out rather than dataclasses.asdict, whose generic deep copy was an
            # eighth of the importer's own time (0.35 s per 10,000 stories).
            "images": [{"caption": i.caption, "credit": i.credit} for i in self.images],
            "credits": self.credits.to_doc() if self.credits else None,
        }

    @classmethod
    def from_contract(cls, data: dict[str, Any]) -> Article:
        """Rebuild an article from :meth:`to_contract` output (used by export/import)."""
        credits = data.get("credits")
        return cls(
            headline=data["headline"],
            body=list(data.get("body") or []),
            standfirst=data.get("standfirst"),
            source=data.get("source"),
            agency=data.get("agency"),
            published=data.get("published"),
            authors=list(data.get("authors") or []),
            dateline=data.get("dateline"),
            images=[Image(i.get("caption") or "", i.get("credit")) for i in data.get("images") or []],
            credits=Credits(**credits) if credits else None,
        )

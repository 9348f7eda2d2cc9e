"""Made-up stories for tests (never corpus text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.store.model import Article, Credits, Image
from broadsheet.store.storage import compressed
from broadsheet.store.storage import directory as directory_module


def make_article(n: int = 0, **overrides: object) -> Article:
    fields: dict[str, object] = dict(
        headline=f"Harbour town votes on new ferry timetable {n}",
        body=[
            f"Residents of Lowmoor voted on Tuesday on a plan to change ferry times, story {n}.",
            "The council said the vote was the largest in the town's history.",
            "Ferry operators will publish the new times next month.",
        ],
        standfirst=None,
        source="The Lowmoor Gazette",
        agency=None,
        published=f"2024-03-{(n % 28) + 1:02d}",
        authors=["Ada Quill"],
        dateline=None,
        images=[Image("Ferries wait at the harbour wall in Lowmoor.", "Photo: Ben Wick/Gazette")],
        credits=None,
    )
    fields.update(overrides)
    return Article(**fields)  # type: ignore[arg-type]


def wire_article() -> Article:
    return Article(
        headline="Mountain rail line reopens after winter closure",
        body=[
            "The rail line through the northern pass reopened on Monday after snow kept it shut for four months.",
            "Engineers replaced two bridges during the closure, the operator said.",
        ],
        source="Valley Courier",
        agency="Northwire",
        published="2024-04-02",
        authors=["Valley Courier"],
        dateline="ALTBERG (Northwire)",
        images=[Image("A train crosses the new bridge above Altberg.", "KARI LUND/Northwire")],
        credits=Credits(reporting=["Mia Berg"], additional_reporting=["Olli Saar"], editing=["Tom Reeve"],
                        text="(Reporting by Mia Berg; additional reporting by Olli Saar; Editing by Tom Reeve)"),
    )


def meta_file(store: object, shard: int = 0) -> Path:
    """The metadata shard file of a store (``store``: a Store or its folder)."""
    folder = store if isinstance(store, Path) else store.folder  # type: ignore[attr-defined]
    return folder / "meta" / f"{shard:06d}.json"


def stored_json(path: Path) -> bytes:
    """The JSON document a store file holds, as written (shards are compressed; nothing is cleaned)."""
    raw = path.read_bytes()
    return compressed.unpack(path, raw) if compressed.looks_compressed(raw) else raw


def forbid_sorting(patch: pytest.MonkeyPatch) -> None:
    """Make the directory fail the test if it sorts its entries (a load that should start
    from the sorted maps kept, or a writer that should not need them)."""

    def no_sorting(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the directory sorted its entries again")

    patch.setattr(directory_module, "key_order", no_sorting)
    patch.setattr(directory_module.PackedMap, "merge", no_sorting)

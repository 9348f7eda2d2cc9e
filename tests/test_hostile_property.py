"""Property tests: any page text, through import -> store -> render, is safe and exact."""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from broadsheet.store.ingest.importer import import_paths, read_article
from broadsheet.store.sanitize import clean_line, clean_text
from broadsheet.store.storage.db import Store
from broadsheet.tui.widgets.article_view import article_blocks

# What must never survive the sanitiser: C0 except tab/newline, DEL, C1, bidi controls, BOM.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]")
HOSTILE_PIECES = [
    "\x1b]52;c;ZXZpbA==\x07", "\x1b]0;owned\x07", "\x1b]2;owned\x1b\\", "\x1b]8;;http://evil.example/\x1b\\link",
    "\x1b]8;;\x1b\\", "\x1b[2J", "\x1b[H", "\x1b[10;10H", "\x1b[?1049h", "\x9b2J", "\x9d0;owned\x9c", "\x00",
    "\u202e", "\x07", "\r", "\x1bc", "\x1bP1;2|payload\x1b\\", "[bold]", "[/]", "[/", "[@click=app.quit]x[/]",
    "[link=file:///etc/passwd]x[/link]", "\u2028", "\ufeff", "\x1b",
]
words = st.sampled_from(["ferry", "council", "Lowmoor", "vote", "harbour", "the", "said", "Tuesday", "plan"])
piece = st.one_of(words, st.sampled_from(HOSTILE_PIECES), st.text(max_size=6))
line = st.lists(piece, min_size=1, max_size=14).map(" ".join)


def page(headline: str, paragraphs: list[str]) -> str:
    filler = " officials in the town hall told reporters after the meeting ended late on Tuesday evening."
    return f"{headline}\n\nBy Ada Quill\n12 March 2024\n\n" + "\n\n".join(p + filler for p in paragraphs) + "\n"


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings(v)]
    return []


@given(text=st.text())
def test_sanitiser_invariant(text: str) -> None:
    cleaned = clean_text(text)
    assert not FORBIDDEN.search(cleaned)
    assert clean_text(cleaned) == cleaned
    one = clean_line(text)
    assert not FORBIDDEN.search(one) and "\n" not in one and "\t" not in one


EXAMPLES = int(os.environ.get("BROADSHEET_PROPERTY_EXAMPLES", "25"))  # `make soak` runs many more


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(headline=line, paragraphs=st.lists(line, min_size=1, max_size=4), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_import_store_render(headline: str, paragraphs: list[str], encoding: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "page.txt"
        source.write_bytes(page("Harbour vote " + headline, paragraphs).encode(encoding, errors="surrogatepass"))
        store = Store(Path(tmp) / "store")
        report = import_paths(store, [source])
        (outcome,) = report.outcomes
        if outcome.status == "failed":
            assert outcome.reason  # a clear reason, never an exception
            return
        expected, _note = read_article(source)
        stored = Store(store.folder).article(outcome.story_id or "")
        assert stored is not None
        assert stored.to_contract() == expected.to_contract()  # the store round trip is exact
        for text in strings(stored.to_contract()):
            assert not FORBIDDEN.search(text), repr(text)
        console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=80)
        for _kind, block in article_blocks(stored):
            console.print(block)
        written = console.file.getvalue()  # type: ignore[attr-defined]
        for payload in ("\x1b]", "\x07", "\x9b", "\x9d", "\u202e", "\x00", "\x1bP", "\x1bc"):
            assert payload not in written

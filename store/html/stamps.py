"""The times of a live blog's updates: each update's ``<time>``, kept as the lead of its text.

A live blog prints each update under the time it was posted ("10:32 GMT", then a heading and
paragraphs). Read as an ordinary story, that time is a date-only line, which the furniture
tests rightly drop under a headline, and the updates run together with nothing saying when
each was written. An update's stamp is told from other times on a page by where it stands:
the first text of a block that holds an update's text after it; a page is a live blog when
its story holds at least two such stamps.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from broadsheet.store.html.tree import squash

MIN_STAMPS = 2  # one time at the head of a story is its date, not an update's
_STAMP_MAX = 40  # characters a stamp's own box may print ("Updated 10:32 GMT, 2 Nov")
_UPDATE_MIN = 40  # characters of text after the stamp that make its block an update
_LEVELS = 5  # boxes between a stamp and its update's block
MAX_TIMES = 300  # <time> elements looked at: a long live blog's updates, not a hostile page's thousands
_CLOCK = re.compile(r"\d{1,2}[:.h]\d{2}|\b(?:19|20)\d{2}\b")
_ISO_CLOCK = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})")


def _text(node: LexborNode) -> str:
    return squash(node.text(deep=True, separator=" "))


def _shown(time: LexborNode, printed: str) -> str | None:
    """What the reader shows for a stamp: the printed time, or its ``datetime`` attribute where
    the page prints only a relative time ("2 hours ago", stale in a saved page); None if neither."""
    if _CLOCK.search(printed):
        return printed
    stamp = _ISO_CLOCK.match(((time.attributes or {}).get("datetime") or "").strip())
    return f"{stamp.group(1)} {stamp.group(2)}" if stamp else None


def _in_link(node: LexborNode, root: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != root.mem_id:
        if parent.tag == "a":
            return True
        parent = parent.parent
    return False


def update_stamps(root: LexborNode) -> dict[int, str]:
    """The update stamps under ``root`` as {id of the stamp's outermost own box: text to show},
    or {} when there are fewer than :data:`MIN_STAMPS` (not a live blog)."""
    found: dict[int, str] = {}
    updates: set[int] = set()
    texts: dict[int, str] = {}  # times share their boxes: each box's text is read once

    def text_of(node: LexborNode) -> str:
        text = texts.get(node.mem_id)
        if text is None:
            text = texts[node.mem_id] = _text(node)
        return text

    for time in root.css("time")[:MAX_TIMES]:
        printed = text_of(time)
        if not printed or len(printed) > _STAMP_MAX or _in_link(time, root):
            continue
        box, node = time, time.parent
        for _ in range(_LEVELS):
            if node is None or node.mem_id == root.mem_id:
                break
            text, own = text_of(node), text_of(box)
            if len(text) - len(own) >= _UPDATE_MIN:
                if text.startswith(own) and node.mem_id not in updates:
                    shown = _shown(time, own)
                    if shown:
                        found[box.mem_id] = shown
                        updates.add(node.mem_id)
                break
            if len(text) > _STAMP_MAX:
                break
            box, node = node, node.parent
    return found if len(found) >= MIN_STAMPS else {}


def led(stamp: str, paragraph: str) -> str:
    """An update's first paragraph led by its time."""
    return f"{stamp} \N{EM DASH} {paragraph}"

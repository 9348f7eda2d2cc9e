"""Tell prose from furniture, line by line and then in context (a jusText-style classifier).

Each non-blank line first gets a context-free class from its length and stop-word density:
``good`` (long prose), ``neargood`` (shorter prose), ``short`` or ``bad``. Then short and
near-good lines take the class of their neighbours, so a one-line quote between paragraphs
stays in the story while a run of short links between menus does not.
"""

from __future__ import annotations

from store.parse.textstats import ends_sentence, stopword_density

LENGTH_LOW = 70
LENGTH_HIGH = 200
LENGTH_SENTENCE = 120  # a complete sentence this long is prose even if not very long
STOP_LOW = 0.30
STOP_HIGH = 0.32
STOP_PROSE = 0.15  # a full sentence heavy with names still reads as prose


def initial_class(text: str) -> str:
    """Context-free class of one line: good, neargood, short or bad."""
    length = len(text)
    density = stopword_density(text)
    if length < LENGTH_LOW:
        return "short"
    if density >= STOP_HIGH:
        if length > LENGTH_HIGH or (length >= LENGTH_SENTENCE and ends_sentence(text)):
            return "good"
        return "neargood"
    if density >= STOP_LOW:
        return "neargood"
    if density >= STOP_PROSE and ends_sentence(text):
        return "neargood"
    return "bad"


def _neighbour(classes: list[str], i: int, step: int, ignore_neargood: bool) -> str:
    skip = {"short", "neargood"} if ignore_neargood else {"short"}
    j = i + step
    while 0 <= j < len(classes):
        if classes[j] not in skip:
            return classes[j]
        j += step
    return "bad"


def in_context(classes: list[str]) -> list[str]:
    """Resolve short and near-good lines from their neighbours (edges count as bad)."""
    first = list(classes)
    out = list(classes)
    for i, c in enumerate(first):
        if c != "short":
            continue
        prev = _neighbour(first, i, -1, True)
        nxt = _neighbour(first, i, 1, True)
        if prev == nxt == "good":
            out[i] = "good"
        elif prev == nxt == "bad":
            out[i] = "bad"
        elif (prev == "bad" and _neighbour(first, i, -1, False) == "neargood") or (
            nxt == "bad" and _neighbour(first, i, 1, False) == "neargood"
        ):
            out[i] = "good"
        else:
            out[i] = "bad"
    for i, c in enumerate(first):
        if c != "neargood":
            continue
        prev = _neighbour(first, i, -1, True)
        nxt = _neighbour(first, i, 1, True)
        out[i] = "bad" if prev == nxt == "bad" else "good"
    return out

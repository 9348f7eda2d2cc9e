"""Tell prose from furniture, line by line and then in context (a jusText-style classifier).

Each non-blank line first gets a context-free class from its length and stop-word density:
``good`` (long prose), ``neargood`` (shorter prose), ``short`` or ``bad``. Then short and
near-good lines take the class of their neighbours, so a one-line quote between paragraphs
stays in the story while a run of short links between menus does not.
"""

from __future__ import annotations

from functools import lru_cache

from broadsheet.store.parse.textstats import LINE_CACHE, ends_sentence, reading_length, stopword_density, word_count

LENGTH_LOW = 70
LENGTH_HIGH = 200
LENGTH_SENTENCE = 120  # a complete sentence this long is prose even if not very long
STOP_LOW = 0.30
STOP_HIGH = 0.32
STOP_PROSE = 0.15  # a full sentence heavy with names still reads as prose


@lru_cache(maxsize=LINE_CACHE)
def initial_class(text: str) -> str:
    """Context-free class of one line: good, neargood, short or bad."""
    return initial_class_of(text, word_count(text))


def initial_class_of(text: str, n_words: int, density: float | None = None) -> str:
    """:func:`initial_class`, given ``word_count(text)``, and ``stopword_density(text)`` when known."""
    length = len(text) if text.isascii() else reading_length(text)  # (the call is a cost per line)
    if length < LENGTH_LOW:
        # A short but complete sentence ("He denied it.") may still be prose; context decides.
        # (Density last: most short lines are menu items, and counting words costs the most.)
        if ends_sentence(text) and n_words >= 6 and stopword_density(text) >= STOP_LOW:
            return "neargood"
        return "short"
    if density is None:
        density = stopword_density(text)
    if density >= STOP_HIGH:
        if length > LENGTH_HIGH or (length >= LENGTH_SENTENCE and ends_sentence(text)):
            return "good"
        return "neargood"
    if density >= STOP_LOW:
        return "neargood"
    if density >= STOP_PROSE and ends_sentence(text):
        return "neargood"
    return "bad"


def in_context(classes: list[str]) -> list[str]:
    """Resolve short and near-good lines from their neighbours (edges count as bad).

    A page whose paragraphs are all short has no ``good`` line to anchor on; then its
    near-good lines are taken as good first.

    "Far" neighbours skip short and near-good lines, "near" ones skip only short lines: the
    ones after each line are found in one backward pass, the ones before it as the loop goes.
    """
    if "good" not in classes:
        classes = ["good" if c == "neargood" else c for c in classes]
    n = len(classes)
    next_far, next_near = ["bad"] * n, ["bad"] * n
    far = near = "bad"
    for i in range(n - 1, -1, -1):
        next_far[i] = far
        next_near[i] = near
        c = classes[i]
        if c != "short":
            near = c
            if c != "neargood":
                far = c
    out = list(classes)
    prev_far = prev_near = "bad"
    for i, c in enumerate(classes):
        if c == "short":
            nxt = next_far[i]
            if prev_far == nxt == "good":
                out[i] = "good"
            elif prev_far == nxt == "bad":
                out[i] = "bad"
            elif (prev_far == "bad" and prev_near == "neargood") or (nxt == "bad" and next_near[i] == "neargood"):
                out[i] = "good"
            else:
                out[i] = "bad"
            continue
        if c == "neargood":
            out[i] = "bad" if prev_far == next_far[i] == "bad" else "good"
        else:
            prev_far = c
        prev_near = c
    return out

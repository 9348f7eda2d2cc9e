"""Near duplicates among text dumps: the same page saved twice in different ways.

A page saved with select-all-and-copy and again one text node per line parses into two
articles whose text differs in line breaks, furniture and a stray sentence, so their
content ids differ. They are one story: same headline (folded) and nearly the same
words. Candidates are found by headline alone (one lookup in the store's directory per
story, so an import pays nothing for stories without a twin); only then are the bodies compared, as
the share of the shorter body's three-word shingles found in the longer (on the 79 pages
of the development corpus saved both ways it is 0.89 or more; two different stories under
one headline share far fewer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+")
#: Share of the shorter body's shingles the longer must hold for the two to be one story.
CONTAINMENT = 0.8


def headline_key(headline: str) -> str:
    return " ".join(_WORD.findall(headline.casefold()))


def words(body: Iterable[str]) -> list[str]:
    return _WORD.findall(" ".join(body).casefold())


def same_text(a: list[str], b: list[str]) -> bool:
    """True when two bodies (as :func:`words`) are one text saved two ways."""
    if min(len(a), len(b)) < 3:
        return a == b
    sa, sb = set(zip(a, a[1:], a[2:], strict=False)), set(zip(b, b[1:], b[2:], strict=False))
    small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    return len(small & large) >= CONTAINMENT * len(small)

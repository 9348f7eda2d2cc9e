"""Counts in words the user reads: "1 feed", "2 feeds" (a message said "1 feeds added")."""

from __future__ import annotations

import shlex


def counted(count: int, one: str, many: str | None = None) -> str:
    """``count`` with its noun: ``one`` when it is 1, else ``many`` (default ``one`` + "s")."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def n_stories(count: int) -> str:
    """``1 story``, ``2,000 stories``."""
    return counted(count, "story", "stories")


def command(*words: str) -> str:
    """A ``broadsheet`` command the user is told to run, each word shell-quoted: an address, a path or
    a tag in it is untrusted (a web page's feed link ``/f.xml?q=1;echo${IFS}PWNED`` ran as typed when
    pasted); a placeholder (``URL``, ``STORY``) stays as it is."""
    return shlex.join(["broadsheet", *words])

"""What a change of many stories' marks says of those it left as they were.

A story's marks live in one of the state files; while that file is damaged a change of them
is refused (nothing is written over the file) and the other stories are changed, so the user
is told which stories were left, which file, and that ``broadsheet repair`` mends it.
"""

from __future__ import annotations

from collections.abc import Mapping

from broadsheet.store.errors import StoreFileError, StoreWriteError
from broadsheet.store.wording import n_stories

#: Story ids named in one note; past this many, how many more.
MOST_NAMED = 10


def _named(left: Mapping[str, StoreFileError], most: int) -> tuple[str, bool, bool, str]:
    """The damaged files of ``left`` ("state/3f2.json, ..."), whether one story, whether one
    file, and the story ids named (past ``most``, how many more)."""
    files = list(dict.fromkeys(f"state/{exc.path.name}" for exc in left.values()))
    ids = " ".join(list(left)[:most]) + (f" and {len(left) - most} more" if len(left) > most else "")
    return ", ".join(files), len(left) == 1, len(files) == 1, ids


def left_note(left: Mapping[str, StoreFileError], what: str, again: str, most: int = MOST_NAMED) -> str:
    """``1 story not bookmarked: the file of its marks, state/3f2.json, is damaged; once
    `broadsheet repair` mends it, bookmark it again: 3f2a...`` (``what``: "not bookmarked";
    ``again``: "bookmark {it} again", ``{it}`` made "it" or "them"); empty when none was left."""
    if not left:
        return ""
    files, one, lone, ids = _named(left, most)
    return (f"{n_stories(len(left))} {what}: the {'file' if lone else 'files'} of {'its' if one else 'their'} "
            f"marks, {files}, {'is' if lone else 'are'} damaged; once `broadsheet repair` mends "
            f"{'it' if lone else 'them'}, {again.format(it='it' if one else 'them')}: {ids}")


def marks_left_note(left: Mapping[str, StoreFileError], most: int = MOST_NAMED) -> str:
    """``1 story deleted without its marks: they stay in state/3f2.json, which is damaged (nothing
    is written over it), and show on no story; `broadsheet repair` mends it: 3f2a...``; empty
    when every deleted story's marks went with it."""
    if not left:
        return ""
    files, one, lone, ids = _named(left, most)
    return (f"{n_stories(len(left))} deleted without {'its' if one else 'their'} marks: they stay in "
            f"{files}, which {'is' if lone else 'are'} damaged (nothing is written over "
            f"{'it' if lone else 'them'}), and show on no story; `broadsheet repair` mends "
            f"{'it' if lone else 'them'}: {ids}")


def files_left_note(files: Mapping[str, StoreFileError], tag: str, again: str) -> str:
    """``the stories whose marks are in state/3f2.json, which is damaged, may still have 'rail'
    (they show no marks meanwhile): once `broadsheet repair` mends it, rename the tag again``;
    empty when no state file was skipped (``again``: what to do then)."""
    if not files:
        return ""
    lone = len(files) == 1
    names = ", ".join(f"state/{name}.json" for name in files)
    return (f"the stories whose marks are in {names}, which {'is' if lone else 'are'} damaged, may still have "
            f"{tag!r} (they show no marks meanwhile): once `broadsheet repair` mends {'it' if lone else 'them'}, "
            f"{again}")


def unfinished_note(error: StoreWriteError | None) -> str:
    """What a delete says that was made (its list of stories written) but stopped part way by
    ``error`` (a full disk); empty when it finished."""
    if error is None:
        return ""
    return (f"It is not all written yet: cannot save {error.path.name} ({error.reason}). It is finished the "
            "next time the store is opened or changed with room to write, and until then the stories may "
            "still be listed")

"""What a fetch or a feed list import says of the stories it could not give their feed's tags.

A story's marks live in one of the state files; while that file is damaged a mark on the
story is refused (nothing is written over the file), and the other stories are tagged. The
tag is not given again by a later fetch (a feed's tags go to its new stories only), so the
user is told which stories and how to tag them once the file is mended.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from broadsheet.store.errors import StoreFileError
from broadsheet.store.storage.marksleft import MOST_NAMED, left_note
from broadsheet.store.wording import command


def untagged_note(untagged: Mapping[str, StoreFileError], tags: Sequence[str], most: int = MOST_NAMED) -> str:
    """``1 story not given its feed's tags (news): the file of its marks, state/3f2.json, is
    damaged; once `broadsheet repair` mends it, tag it with `broadsheet tag STORY news`: 3f2a...``
    (what is wrong with the file is said where the damaged files are named); empty when every
    story was tagged."""
    if not untagged:
        return ""
    said = command("tag", "STORY", *tags).replace("{", "{{").replace("}", "}}")
    its = "its" if len(untagged) == 1 else "their"
    return left_note(untagged, f"not given {its} feed's tags ({', '.join(tags)})", f"tag {{it}} with `{said}`", most)

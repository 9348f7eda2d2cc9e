"""Errors of the store that every layer may name, kept apart so none has to import storage code.

``StoreFileError``: a store file exists but cannot be read. ``StoreWriteError``: a store
file could not be saved (the previous version is intact). The reader and the CLI catch
these to tell the user what happened without a traceback.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from pathlib import Path


class StoreFileError(Exception):
    """A store file exists but cannot be read as a TinyDB document.

    ``backup`` is the copy of the damaged file kept beside it (``None`` when no copy could
    be made, e.g. on a read-only folder).
    """

    def __init__(self, path: Path, reason: str, backup: Path | None = None) -> None:
        message = f"{path}: {reason}"
        if backup is not None:
            message += f" (the damaged file is kept as {backup.name})"
        super().__init__(message)
        self.path = path
        self.reason = reason
        self.backup = backup


#: Read errors that make a store file damaged: a folder in its place, bad sectors. Not a permission
#: refused (a shard left 0600 by `sudo broadsheet`): repair set such a file aside and kept none of
#: its records, where a chmod was all it needed.
DAMAGED_READS = frozenset({errno.EISDIR, errno.EIO})


def read_problem(cause: OSError) -> str | None:
    """Why a store file that is there could not be read, in words, as the reason of a
    :class:`StoreFileError` when the file is damaged (a folder in its place, bad sectors; repair
    sets it aside); None for another error (no permission), raised as it is."""
    if cause.errno == errno.EISDIR:
        return "it is a folder, not a file"
    if cause.errno in DAMAGED_READS:
        return f"the file could not be read ({cause.strerror or cause})"
    return None


class StoryGone(LookupError):
    """Marks asked for on stories no longer stored (deleted from another reader or the shell
    since they were listed): nothing was changed, so no mark is left on a story that is gone."""

    def __init__(self, story_ids: Iterable[str]) -> None:
        self.story_ids = sorted(story_ids)
        one = len(self.story_ids) == 1
        which = f"story {self.story_ids[0][:10]} was" if one else f"the {len(self.story_ids)} stories were"
        super().__init__(f"{which} deleted meanwhile (in another reader or the shell): "
                         f"{'its' if one else 'their'} marks were not changed")


_WRITE_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EROFS: "the store folder is on a read-only file system",
    errno.EACCES: "no permission to write in the store folder",
    errno.EPERM: "no permission to write in the store folder",
    errno.EFBIG: "the file is larger than the file system allows",
    errno.EISDIR: "a folder is in its place",
}


#: The errnos of a folder that cannot be written at all (a read-only mount, no permission), as
#: against one that is full.
NOT_WRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def remedy(number: int | None) -> str:
    """What the user can do about a write that failed with ``number`` (an errno), as the start of
    "... and run the same command again": a full disk wants space, a read-only folder permission,
    a folder in a file's place ``repair``."""
    if number in NOT_WRITABLE:
        return "make the store folder writable (or use one that is)"
    if number == errno.EISDIR:  # a folder where a store file goes: repair sets it aside
        return "run `broadsheet repair` (it sets the folder aside)"
    return "free some space"


class StoreWriteError(OSError):
    """A store file could not be saved; the previous version on disk is intact.

    ``str()`` is a sentence for the user naming the file and the reason.
    """

    def __init__(self, path: Path, cause: OSError) -> None:
        reason = _WRITE_REASONS.get(cause.errno or -1) or cause.strerror or str(cause) or type(cause).__name__
        super().__init__(cause.errno, reason, str(path))
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot save {self.path}: {self.reason}; the previous version is unchanged"


_OUTPUT_REASONS = {
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENOENT: "its folder does not exist",
    errno.ENOSPC: "the disk is full",
    errno.EACCES: "no permission to write there",
    errno.EPERM: "no permission to write there",
    errno.EROFS: "it is on a read-only file system",
    errno.EFBIG: _WRITE_REASONS[errno.EFBIG],  # `ulimit -f`, a FAT disk's 4 GB
}


class OutputError(OSError):
    """A file the user named (an export) could not be written; ``str()`` says which and why.

    Not a :class:`StoreWriteError`: that one speaks of the store folder and of a previous
    version, which an export to a new file has not got.
    """

    def __init__(self, path: Path, cause: OSError) -> None:
        original = cause.__cause__ if isinstance(cause, StoreWriteError) and isinstance(cause.__cause__,
                                                                                      OSError) else cause
        reason = _OUTPUT_REASONS.get(original.errno or -1) or original.strerror or str(original)
        super().__init__(original.errno, reason, str(path))
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}"

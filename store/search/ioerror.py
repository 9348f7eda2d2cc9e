"""tantivy reports a failed write (a full disk, a read-only folder) as a ValueError that
quotes the OS error; callers handle OSError, so such an error is turned back into one."""

from __future__ import annotations

import errno
import os
import re

_OS_ERROR = re.compile(r"\(os error (\d+)\)|Os \{ code: (\d+)")  # (the second: a lock file it could not take)
# tantivy's words when an indexing thread died of an I/O error it does not quote (a disk that
# filled while a catch-up wrote): the write failed, as an OSError says, not a bug to show a user.
_WRITER_KILLED = "index writer was killed"


def as_os_error(exc: BaseException) -> OSError | None:
    """The OSError that ``exc`` is or quotes (``... No space left on device (os error 28)``), else None."""
    if isinstance(exc, OSError):
        return exc
    if isinstance(exc, ValueError) and (match := _OS_ERROR.search(str(exc))):
        number = int(match.group(1) or match.group(2))
        return OSError(number, os.strerror(number))
    if isinstance(exc, ValueError) and _WRITER_KILLED in str(exc):
        return OSError(errno.EIO, "the search index could not be written (its writer stopped: a full disk?)")
    return None

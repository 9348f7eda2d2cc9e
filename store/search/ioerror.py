"""tantivy reports a failed write (a full disk, a read-only folder) as a ValueError that
quotes the OS error; callers handle OSError, so such an error is turned back into one."""

from __future__ import annotations

import os
import re

_OS_ERROR = re.compile(r"\(os error (\d+)\)")


def as_os_error(exc: BaseException) -> OSError | None:
    """The OSError that ``exc`` is or quotes (``... No space left on device (os error 28)``), else None."""
    if isinstance(exc, OSError):
        return exc
    if isinstance(exc, ValueError) and (match := _OS_ERROR.search(str(exc))):
        number = int(match.group(1))
        return OSError(number, os.strerror(number))
    return None

"""The store's cross-process writer lock, which also tidies up after killed writers."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout

from broadsheet.store.errors import StoreWriteError
from broadsheet.store.storage.atomic import remove_stale_temps

TIDY_EVERY = 60.0  # seconds between looks for killed writers' temporary files


class WriteErrors:
    """The error that ended the last locked block, shared by a store's locks (its own and the
    marks'): the store is read-only while the last write, under either, failed."""

    def __init__(self) -> None:
        self.last: StoreWriteError | None = None
        self.guard = threading.Lock()  # lock holders may be threads


class StoreLock(FileLock):
    """The store's cross-process writer lock, which also tidies up after killed writers.

    On its first outermost acquire, and then at most once a minute (unless ``once``), it
    removes stale temporary files in ``temp_folders`` (see :func:`remove_stale_temps`): that
    lists every folder, about 2 ms for each of the thousands of shards a million stories make,
    which a bookmark must not pay every time (the marks' lock tidies only once: a mark a minute
    would pay it each time, and a leftover there is a hidden file of a few KB, which the next
    process to start removes). Failing to take the lock because the folder cannot be written
    (read-only file system, no permission) raises :class:`StoreWriteError`.
    ``last_write_error`` holds the :class:`StoreWriteError` that ended the last locked
    block in this process, or ``None`` once a locked block completes normally.
    """

    temp_folders: list[Path]
    removed_temps: list[Path]
    _errors: WriteErrors
    _tidied: float | None  # when temporary files were last looked for (monotonic seconds)
    _tidy_once: bool

    @classmethod
    def for_store(cls, lock_file: Path, temp_folders: list[Path], timeout: float,
                  errors: WriteErrors | None = None, once: bool = False) -> StoreLock:
        """The lock at ``lock_file`` tidying ``temp_folders`` (FileLock's constructor is left as
        is); ``errors``: shared with another lock of the store; ``once``: tidied at the first
        acquire only."""
        lock = cls(str(lock_file), timeout=timeout)
        lock.temp_folders = temp_folders
        lock.removed_temps = []
        lock._errors = errors or WriteErrors()
        lock._tidied = None
        lock._tidy_once = once
        return lock

    @property
    def errors(self) -> WriteErrors:
        return self._errors

    @property
    def last_write_error(self) -> StoreWriteError | None:
        return self._errors.last

    def acquire(self, *args: Any, **kwargs: Any) -> Any:
        try:
            proxy = super().acquire(*args, **kwargs)
        except Timeout:
            raise
        except OSError as exc:
            error = StoreWriteError(Path(self.lock_file).parent, exc)  # the user knows the folder, not .lock
            with self._errors.guard:
                self._errors.last = error
            raise error from exc
        due = self._tidied is None or (not self._tidy_once and time.monotonic() - self._tidied > TIDY_EVERY)
        if self.lock_counter == 1 and due:
            self.removed_temps += remove_stale_temps(self.temp_folders)
            self._tidied = time.monotonic()
        return proxy

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self._errors.guard:
            if isinstance(exc_value, StoreWriteError):
                self._errors.last = exc_value
            elif exc_value is None:
                self._errors.last = None
        super().__exit__(exc_type, exc_value, traceback)

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


class StoreLock(FileLock):
    """The store's cross-process writer lock, which also tidies up after killed writers.

    On its first outermost acquire, and then at most once a minute, it removes stale
    temporary files in ``temp_folders`` (see :func:`remove_stale_temps`): that lists every
    folder, about 2 ms for each of the thousands of shards a million stories make, which a
    bookmark must not pay every time. Failing to take the lock because the folder cannot be
    written (read-only file system, no permission) raises :class:`StoreWriteError`.
    ``last_write_error`` holds the :class:`StoreWriteError` that ended the last locked
    block in this process, or ``None`` once a locked block completes normally.
    """

    temp_folders: list[Path]
    removed_temps: list[Path]
    last_write_error: StoreWriteError | None
    _errors: threading.Lock  # guards last_write_error: lock holders may be threads
    _tidied: float | None  # when temporary files were last looked for (monotonic seconds)

    @classmethod
    def for_store(cls, lock_file: Path, temp_folders: list[Path], timeout: float) -> StoreLock:
        """The lock at ``lock_file`` tidying ``temp_folders`` (FileLock's constructor is left as is)."""
        lock = cls(str(lock_file), timeout=timeout)
        lock.temp_folders = temp_folders
        lock.removed_temps = []
        lock.last_write_error = None
        lock._errors = threading.Lock()
        lock._tidied = None
        return lock

    def acquire(self, *args: Any, **kwargs: Any) -> Any:
        try:
            proxy = super().acquire(*args, **kwargs)
        except Timeout:
            raise
        except OSError as exc:
            error = StoreWriteError(Path(self.lock_file).parent, exc)  # the user knows the folder, not .lock
            with self._errors:
                self.last_write_error = error
            raise error from exc
        if self.lock_counter == 1 and (self._tidied is None or time.monotonic() - self._tidied > TIDY_EVERY):
            self.removed_temps += remove_stale_temps(self.temp_folders)
            self._tidied = time.monotonic()
        return proxy

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self._errors:
            if isinstance(exc_value, StoreWriteError):
                self.last_write_error = exc_value
            elif exc_value is None:
                self.last_write_error = None
        super().__exit__(exc_type, exc_value, traceback)

"""A store lock held by another process, as a long import, reindex or repair holds it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def hold(lock_file: Path) -> subprocess.Popen[str]:
    """Another process that holds ``lock_file`` until killed (the caller kills it)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from filelock import FileLock; "
         "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(60)",
         str(lock_file)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder

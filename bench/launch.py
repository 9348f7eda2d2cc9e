"""Run a command and write its own peak RSS: ``python bench/launch.py OUT COMMAND...``.

Linux starts a process's ``ru_maxrss`` from the memory of the process it was forked from (the
high-water mark of the image ``exec`` replaces is kept), so a benchmark holding 400 MB that
runs ``/bin/true`` reads 413 MB from ``wait4``. This launcher is small (a bare interpreter,
about 10 MB): it forks the command from itself, waits for it, and writes the command's
``ru_maxrss`` (kB) to ``OUT``; its exit status is the command's. Imports nothing of the bench.
"""

import os
import sys


def main() -> int:
    out, command = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    with open(out, "w") as handle:
        handle.write(str(usage.ru_maxrss))
    return os.waitstatus_to_exitcode(status) % 256


if __name__ == "__main__":
    sys.exit(main())

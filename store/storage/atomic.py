"""Atomic, durable file writes and the clean-up after writers that were killed mid-write.

Every store file is replaced whole: written to a temporary file in the same folder,
fsynced, renamed over the original and the folder fsynced, so a crash leaves the old or
the new file, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from broadsheet.store.errors import OutputError, StoreWriteError

FileIdentity = tuple[int, int, int]


def file_identity(path: Path) -> FileIdentity | None:
    """(inode, mtime in ns, size) of ``path``, None when it does not exist.

    Every atomic write replaces the file (a new inode), so two equal identities mean
    the file has not been written in between: the one cheap "has this file changed" test
    that caches, the search index's stamp and the reader's change check all use.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


TEMP_GLOB = ".*.tmp"
_TEMP_NAME = re.compile(r"^\..+\.(?:json|bin)\.[^.]+\.tmp$")  # our files: .json, and directory.bin


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: What fsyncing a folder may fail with and be passed over: a file system that cannot sync a folder
#: (EINVAL, ENOTSUP), and, in :func:`make_folders`, a parent we may write in but not read (``-wx``).
_UNSYNCABLE = frozenset({errno.EINVAL, errno.ENOTSUP})
_UNREADABLE = frozenset({errno.EACCES, errno.EPERM})


def make_folders(folder: Path) -> None:
    """Make ``folder`` and its missing parents, durably: a new folder's name is an entry in its
    parent, which is fsynced once the folder is made (a folder's own fsync makes its files durable,
    not its name: after a power cut a new ``state/``, and the tag written into it, were gone).

    Nothing is synced when ``folder`` is there already (one ``stat``: every mark's write asks)."""
    if folder.is_dir():
        return
    missing = []
    for step in (folder, *folder.parents):
        if step.is_dir():
            break
        missing.append(step)
    for step in reversed(missing):
        try:
            step.mkdir()
        except FileExistsError:
            if not step.is_dir():
                raise
            # (another process made it meanwhile and may not have synced its parent yet: synced here too)
        try:
            fsync_dir(step.parent)
        except OSError as exc:
            if exc.errno not in _UNSYNCABLE | _UNREADABLE:
                raise


def rename_durably(source: Path, target: Path) -> None:
    """Rename ``source`` (a file or a folder) to ``target`` in the same folder, and sync that folder:
    a rename not synced may be undone by a power cut (the search index rebuilt, minutes of work,
    was the old one again)."""
    os.rename(source, target)
    try:
        fsync_dir(target.parent)
    except OSError as exc:
        if exc.errno not in _UNSYNCABLE:
            raise


def remove_durably(path: Path) -> None:
    """Remove ``path`` (if there) for good: a removal not synced can come back after a crash,
    and a journal that comes back is carried out again (``deleting.json`` undoing an undo)."""
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes, *, sync_dir: bool = True, durable: bool = True,
                       mtime_ns: int | None = None, output: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    Raises :class:`StoreWriteError` (an ``OSError``) when the write fails; the old file
    is then untouched and the temporary file removed. ``sync_dir=False`` leaves the
    folder's fsync to a caller writing many files in a row, who makes it (:func:`fsync_dir`)
    before anything names them: one folder fsync instead of one per file (3 ms each on ext4).
    ``durable=False``: atomic only, nothing fsynced (a derivative whose loss in a crash its
    reader detects: the marks' counts). ``mtime_ns``: the file's modification time, set
    rather than the clock's (the marks' counts and state files say by it what was written when).
    ``output``: a file outside the store (an export), whose temporary file is an output's
    (:func:`_output_temp`), for a later export to remove if this writer is killed.
    """
    atomic_write_with(path, lambda handle: handle.write(data), sync_dir=sync_dir, durable=durable,
                      mtime_ns=mtime_ns, output=output)


def atomic_write_with(path: Path, write: Callable[[BinaryIO], object], *, sync_dir: bool = True,
                      durable: bool = True, mtime_ns: int | None = None, output: bool = False) -> None:
    """Replace ``path`` with what ``write`` writes to an open file (which it may seek in),
    atomically and durably, as :func:`atomic_write_bytes` does."""
    try:
        make_folders(path.parent)
        if output:
            fd, tmp = _output_temp(path)
        else:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except StoreWriteError:
        raise
    except OSError as exc:
        raise StoreWriteError(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if mtime_ns is not None:
                os.utime(handle.fileno(), ns=(mtime_ns, mtime_ns))
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, StoreWriteError):
            raise StoreWriteError(path, exc) from exc
        raise
    if not sync_dir or not durable:
        return
    try:
        fsync_dir(path.parent)
    except OSError as exc:
        if exc.errno not in _UNSYNCABLE:
            raise StoreWriteError(path, exc) from exc


#: An output's temporary file is ``.NAME.broadsheet-XXXXXXXX.tmp`` beside ``NAME`` (``XXXXXXXX``
#: mkstemp's): named so, no user's file is taken for one.
_OUTPUT_TEMP = ".broadsheet-"
_OUTPUT_RANDOM = re.compile(r"[a-z0-9_]{8}")
_OUTPUT_TEMP_BYTES = len(f".{_OUTPUT_TEMP}12345678.tmp")  # what the temporary file's name adds to NAME


def name_max(folder: Path) -> int:
    """The longest file name, in bytes, the file system of ``folder`` takes (255 when it does not say)."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def cut_name(name: str, size: int) -> str:
    """``name`` cut to at most ``size`` bytes as the file system stores it, at the end of a character."""
    while len(os.fsencode(name)) > size:
        name = name[:-1]
    return name


def _temp_stem(folder: Path, name: str) -> str:
    """``name`` as the temporary file for it in ``folder`` names it: cut when the whole would be
    too long (a name the file system takes made "File name too long" with the 25 bytes added)."""
    return cut_name(name, name_max(folder) - _OUTPUT_TEMP_BYTES)


def _output_temp(path: Path) -> tuple[int, str]:
    """An open temporary file for ``path``, a file outside the store, locked (``flock``) while
    this process lives: outside the store lock, a killed writer's leftover is told from one being
    written by whether it is locked (:func:`remove_output_leftovers`).

    The lock is taken after the file is made, so one removed in between, taken for a leftover,
    is made again."""
    prefix = f".{_temp_stem(path.parent, path.name)}{_OUTPUT_TEMP}"
    for _ in range(3):
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.path.samestat(os.fstat(fd), os.stat(tmp)):
                return fd, tmp
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        os.close(fd)
    raise OSError(errno.EAGAIN, "another export to it removed its temporary file each time", str(path))


def remove_output_leftovers(folder: Path, name: str | None = None) -> list[Path]:
    """Remove the temporary files of writes to ``folder/name`` (to any file in ``folder`` when
    ``name`` is None: an export's own photos folder) whose writers were killed: only files named
    as :func:`_output_temp` names them, regular, ours and not locked by a writer still running.
    Returns what was removed; one that cannot be is left."""
    removed: list[Path] = []
    stem = None if name is None else _temp_stem(folder, name)
    try:
        entries = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return removed
    for entry in entries:
        head, _, tail = entry.removesuffix(".tmp").rpartition(_OUTPUT_TEMP)
        if (not entry.endswith(".tmp") or not _OUTPUT_RANDOM.fullmatch(tail) or not head.startswith(".")
                or (stem is not None and head != f".{stem}")):
            continue
        path = folder / entry
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
                    continue
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: its writer is running
                if os.path.samestat(st, os.stat(path)):
                    path.unlink()
                    removed.append(path)
            finally:
                os.close(fd)
    return removed


def is_stream(path: Path) -> bool:
    """Whether ``path`` (its link followed) is written in place, never replaced: a pipe, a device
    or a socket, or this process's own output (``-o /dev/stdout`` with ``> file`` in the shell)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return (not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)) or _standard_stream(path) is not None


def write_output(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file the user named (an export): a regular file is replaced atomically and
    durably, through a symbolic link (the link stays a link, its target gets the new content)
    and with the old file's permissions (a new one gets the umask's, not a temporary file's
    0600); a pipe or a device is written to as it is, not replaced by a file; and the reader's
    own output (``-o /dev/stdout``, maybe ``>> log`` in the shell) through its descriptor, not
    by replacing the file behind it.

    Raises :class:`OutputError` naming ``path`` and the reason.
    """
    try:
        _write_output(path, write)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(path, exc) from exc


def _write_output(path: Path, write: Callable[[BinaryIO], object]) -> None:
    if is_stream(path):
        std = _standard_stream(path)
        with os.fdopen(os.dup(std), "wb") if std is not None else open(path, "wb") as handle:
            write(handle)
        return
    if path.is_symlink():
        _check_link(path)
    target = Path(os.path.realpath(path))
    if not target.parent.is_dir():  # a typo in the folder is said, not made into new folders
        raise OSError(errno.ENOTDIR if target.parent.exists() else errno.ENOENT, "", str(target.parent))
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = 0o666 & ~_UMASK

    def written(handle: BinaryIO) -> object:
        with contextlib.suppress(OSError):  # a file system without modes (FAT, some mounts)
            os.fchmod(handle.fileno(), mode)
        return write(handle)

    remove_output_leftovers(target.parent, target.name)  # a killed export's (kill -9), up to a whole export
    atomic_write_with(target, written, output=True)


def _standard_stream(path: Path) -> int | None:
    """The descriptor (0-2) ``path`` is the same file as, if any (``/dev/stdout``, ``/proc/self/fd/1``)."""
    try:
        named = os.stat(path)
    except OSError:
        return None
    for fd in (1, 2, 0):
        with contextlib.suppress(OSError):
            if os.path.samestat(named, os.fstat(fd)):
                return fd
    return None


def _check_link(link: Path) -> None:
    """Refuse to write through a link another user made in a shared folder (``/tmp``), as the
    kernel's ``protected_symlinks`` would: replacing its target could overwrite any file of
    ours (``/tmp/export.md -> ~/.bashrc``). The link is followed here, not by ``open``."""
    made, folder = os.lstat(link), os.stat(link.parent)
    shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
    if shared and made.st_uid not in (os.geteuid(), folder.st_uid):
        raise OutputError(link, OSError(None, "it is a link another user made in a shared folder: not followed"))


def _read_umask() -> int:
    """The process's umask, read once as the module loads (setting it to read it, later, could
    give a folder another thread makes meanwhile the wrong mode)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def remove_stale_temps(folders: list[Path]) -> list[Path]:
    """Delete temporary files left in ``folders`` by writers that were killed mid-write.

    Only call this while holding the store lock: every writer creates its temporary file
    under the lock, so any that exists then belongs to a dead process. Returns what was
    removed.
    """
    removed: list[Path] = []
    for folder in folders:
        try:
            candidates = list(folder.glob(TEMP_GLOB))
        except OSError:
            continue
        for path in candidates:
            # One that cannot be removed (another user's, in a folder of theirs) is left: an
            # error here would escape the lock's acquire with the lock held.
            with contextlib.suppress(OSError):
                if _TEMP_NAME.match(path.name) and path.is_file():
                    path.unlink()
                    removed.append(path)
    return removed


def _damaged_name(path: Path, st: os.stat_result) -> Path:
    """``<name>.damaged-<stamp>`` beside ``path``, the stamp from its own modification time (so the
    same damaged version is kept once however often it is read)."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(st.st_mtime)) + f"-{st.st_mtime_ns % 10**9:09d}"
    return path.with_name(f"{path.name}.damaged-{stamp}")


def keep_damaged_copy(path: Path) -> Path | None:
    """Copy a damaged store file to ``<name>.damaged-<stamp>`` beside it, once per version.

    Returns the copy, or ``None`` when it could not be written (read-only folder, disk full)
    or the file cannot be read at all (see :func:`set_aside`).
    """
    try:
        backup = _damaged_name(path, path.stat())
        if not backup.exists():
            atomic_write_bytes(backup, path.read_bytes())
        return backup
    except OSError:
        return None


def set_aside(path: Path) -> Path | None:
    """Rename a store file that cannot be read at all (a folder in its place, bad sectors), which no
    copy can be made of, to ``<name>.damaged-<stamp>``, so repair can write the file anew; returns
    the new name, or ``None`` when it could not be renamed."""
    try:
        backup = _damaged_name(path, path.stat())
        rename_durably(path, backup)
    except OSError:
        return None
    return backup

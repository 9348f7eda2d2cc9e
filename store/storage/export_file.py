"""An export written where the user named it: the stories' kept photos beside it, then the stories.

``broadsheet export -o FILE`` and the reader's export take the same steps (the photos found,
written into ``FILE_photos/``, the stories written a shard at a time): one function, so the
two cannot drift apart in what an export holds.
"""

from __future__ import annotations

import errno
import gzip
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from broadsheet.store.errors import OutputError
from broadsheet.store.ingest.gunzip import stem_unzipped
from broadsheet.store.storage.atomic import is_stream, name_max, write_output
from broadsheet.store.storage.db import Store
from broadsheet.store.storage.exchange import (
    PHOTOS_ENDING,
    Fitted,
    Keep,
    Progress,
    export_chunks,
    photos_folder,
    story_photos,
    write_photos,
)
from broadsheet.store.wording import counted


class PhotosNotWritten(OSError):
    """The photos could not be written into ``folder``, so the export was not written either;
    ``str()`` is the cause's, ``reason`` why in the words of a file the user named (the cause, from
    the store's atomic writes, spoke of "the store folder", and a file in the way said "File exists")."""

    def __init__(self, folder: Path, cause: OSError, reason: str | None = None) -> None:
        super().__init__(cause.errno, cause.strerror)
        self.folder = folder
        self.cause = cause
        self.reason = reason or OutputError(folder, cause).reason

    def __str__(self) -> str:
        return str(self.cause)


@dataclass(frozen=True, slots=True)
class ExportWritten:
    stories: int  # how many were exported
    photos: int  # how many kept photos they have, written into ``folder``
    folder: Path | None  # None: the export went to a pipe or a device, with no photos beside it
    cut: bool  # the folder's name is the file's cut short (the whole was too long)
    fitted: Fitted  # what was changed so that its import takes every story (said in its summary)

    def beside(self) -> str:
        """Where the photos went, for the end of "Exported 3 stories to FILE" ("" when none did)."""
        if not self.photos or self.folder is None:
            return ""
        cut = (f" (the file's name cut short: with {PHOTOS_ENDING} added it was too long for the file system)"
               if self.cut else "")
        return f", {counted(self.photos, 'photo')} in {self.folder}{cut}"


def check_output(output: Path) -> None:
    """Refuse ``output`` where the reason is known before anything is written (photos included):
    its folder missing (a typo in the path made the folders it named), its name too long for the
    file system. The reader's export prompt asks this before it closes. Raises OutputError."""
    if is_stream(output):
        return
    if not output.parent.is_dir():
        raise OutputError(output, OSError(errno.ENOENT, f"there is no folder {output.parent}"))
    if (size := len(os.fsencode(output.name))) > (most := name_max(output.parent)):
        raise OutputError(output, OSError(errno.ENAMETOOLONG, f"the name is too long for the file system ({size} "
                                          f"bytes, at most {most})"))


def write_export(store: Store, form: str, output: Path, story_ids: Sequence[str] | None = None, *,
                 keep: Keep = None, total: int | None = None, on_photos: Progress | None = None,
                 on_progress: Progress | None = None) -> ExportWritten:
    """Write the export in ``form`` ("json" or "md") of ``story_ids``, or of the stories ``keep``
    takes (``total`` of them), to ``output``: a file is replaced atomically, with the stories'
    kept photos in ``FILE_photos/`` beside it (Markdown links them, a JSON export's import reads
    them back; FILE cut short where the whole name would be too long); a pipe or a device gets
    the stories alone. A file's name too long for its file system is refused before anything is
    written.

    ``on_photos(done, total)`` counts the stories looked at for photos; ``on_progress(done,
    total)`` the stories written, from 0. Raises :class:`PhotosNotWritten` (nothing is written)
    and :class:`~broadsheet.store.errors.OutputError`.
    """
    check_output(output)
    folder = None if is_stream(output) else photos_folder(output)
    photos: dict[str, Path] = {}
    if folder is not None:
        photos = story_photos(store, set(story_ids) if story_ids is not None else keep, on_progress=on_photos)
        if photos and (folder.is_file() or (folder.exists() and not folder.is_dir())):
            raise PhotosNotWritten(folder, FileExistsError(errno.EEXIST, "File exists", str(folder)),
                                   "it is a file, not a folder (the photos go in a folder of that name beside "
                                   "the export); move it, or export under another name")
        try:
            write_photos(photos, folder)
        except OSError as exc:
            raise PhotosNotWritten(folder, exc) from exc
    written = [0]

    def step(done: int, of: int) -> None:
        written[0] = done
        if on_progress is not None:
            on_progress(done, of)

    if story_ids is not None:
        total = len(story_ids)
    elif total is None:
        total = len(store) if keep is None else len(keep)
    step(0, total)
    fitted = Fitted()
    # Written as it is made: an export of any size holds one shard's stories.
    chunks = export_chunks(store, form, story_ids, keep=keep, total=total, photos=photos, folder=folder,
                           on_progress=step, fitted=fitted)
    if output.name.lower().endswith(".gz"):  # export.json.gz: gzip-compressed, as import reads it back
        def packed(handle: BinaryIO) -> None:
            with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as out:
                out.writelines(chunks)

        write_output(output, packed)
    else:
        write_output(output, lambda handle: handle.writelines(chunks))
    cut = folder is not None and folder.name != stem_unzipped(output) + PHOTOS_ENDING
    return ExportWritten(written[0], len(photos), folder, cut, fitted)

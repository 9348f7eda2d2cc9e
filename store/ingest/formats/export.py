"""Broadsheet's own JSON export, read back with the user's tags, bookmarks and read marks, and
its stories' photos from the ``FILE_photos/`` folder the export wrote beside it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from broadsheet.store.ingest import ENTRIES
from broadsheet.store.ingest.decode import read_capped
from broadsheet.store.ingest.formats import Item
from broadsheet.store.ingest.source import Source
from broadsheet.store.model import Article, human_size
from broadsheet.store.sanitize import clean_line, is_web_address
from broadsheet.store.storage.exchange import (
    CutShort,
    DeletedEntries,
    Exported,
    Refused,
    is_export,
    photos_folder,
    read_export,
)
from broadsheet.store.storage.photos import NotAPhoto, Photo, check_photo, file_in, max_photo_bytes, too_large
from broadsheet.store.wording import counted

#: The size a Broadsheet export may have whatever ``--max-size`` says (a larger one raises it): an export
#: is how a whole store moves, far past a page's 5 MB (20,000 stories, 83 MB). Importing one is read
#: whole, its peak memory some 4.5 times its size (372 MB for that 83 MB, measured), so at this cap
#: some 1.1 GB: a store of 60,000 stories; a larger one is exported in parts, or given --max-size.
EXPORT_FILE_MAX = 256 * 1024 * 1024


def export_cap(max_bytes: int) -> int:
    """The size limit of an export: ``max_bytes`` (``--max-size``) where it is larger than :data:`EXPORT_FILE_MAX`."""
    return max(max_bytes, EXPORT_FILE_MAX)


class ExportFormat:
    name = "Broadsheet export"
    kind = ENTRIES

    def sniff(self, source: Source) -> bool:
        return is_export(source.head)

    def read(self, source: Source) -> Iterator[Item]:
        cap = export_cap(source.max_bytes)
        if source.size > cap:
            yield Item(None, reason=f"Broadsheet export: too large ({human_size(source.size)}; an export may be "
                                    f"up to {human_size(cap)}, see --max-size)")
            return
        try:
            data = source.head if len(source.head) == source.size else read_capped(source.path, cap)
            exported = read_export(data)
        except ValueError as exc:  # (DecodeError is one: the file grew past the cap, or cannot be read)
            yield Item(None, reason=f"Broadsheet export: {exc}")
            return
        del data  # the stories are decoded: the file's bytes need not be held while they are stored
        folder: Path | None = photos_folder(source.path)
        missing = ""
        if folder is not None and not folder.is_dir():
            missing = (f"its photos not imported: no folder {clean_line(folder.name)} beside it, where `broadsheet "
                       "export` puts them")
            folder = None
        deleted = next((item for item in exported if isinstance(item, DeletedEntries)), DeletedEntries(()))
        last = max((n for n, item in enumerate(exported, 1) if isinstance(item, Exported)), default=0)
        stories = any(isinstance(item, (Exported, Refused, CutShort)) for item in exported)
        if deleted.problem:
            yield Item(None, part="deleted_entries", reason=f"refused: {deleted.problem}")
        elif not last and (deleted.ids or not stories):  # no story to carry them, or an export of nothing
            yield without_stories(deleted.ids, stories)
        for number, item in enumerate(exported, 1):
            if isinstance(item, CutShort):  # the stories before it are whole and imported
                yield Item(None, reason=f"Broadsheet export: {item.reason}")
            elif isinstance(item, Refused):
                yield Item(None, part=f"story {item.number}", reason=f"refused: {item.reason}")
            elif isinstance(item, Exported):
                photos, notes = exported_photos(item.article, folder) if folder else ((), [])
                notes = [*item.notes, *notes]
                if missing and any(image.photo for image in item.article.images):
                    notes, missing = [*notes, missing], ""  # said once, with the first story that names a photo
                yield Item(item.article, part=f"story {number}", state=item.state if item.state.to_doc() else None,
                           story_id=item.story_id, photos=photos, note="; ".join(notes),
                           # A feed's address, not a local path: an export from elsewhere could name any
                           # file for reparse to read.
                           file=item.file if item.file and is_web_address(item.file) else None,
                           deleted=deleted.ids if number == last else ())


def without_stories(deleted: tuple[str, ...], stories: bool) -> Item:
    """The item of an export of which no story is imported, carrying the feed entries deleted it
    names: an export of a store whose stories were all deleted did what it should when they are
    taken in (it was counted "failed"), and one of nothing is said to hold nothing ("No files
    found" was said of it). ``stories``: it holds some, each refused (said on its own)."""
    held = "none of its stories could be read" if stories else "it holds no stories"
    named = counted(len(deleted), "feed entry", "feed entries")
    note = (f"{held}, only the {named} deleted in the store it was exported from" if deleted
            else f"{held}: nothing to import")
    return Item(None, reason=f"Broadsheet export: {held}", note=note, deleted=deleted, no_story=True)


def exported_photos(article: Article, folder: Path) -> tuple[tuple[Photo, ...], list[str]]:
    """The story's photos from the export's photo folder: each checked as any imported photo is,
    and kept only when its bytes have the digest the story names; notes on the others."""
    photos: dict[str, Photo] = {}
    notes = []
    for number, image in enumerate(article.images, 1):
        if not image.photo or image.photo in photos:
            continue
        path = file_in(folder, image.photo)
        if path is None:
            continue  # not exported with it (the exporting store lacked it): the store may hold it
        try:
            size = path.stat().st_size
            if size > max_photo_bytes():
                raise NotAPhoto(too_large(size, max_photo_bytes()))
            photo = check_photo(path.read_bytes())
            if photo.digest != image.photo:
                raise NotAPhoto(f"{path.name} in {folder.name} is not the photo exported (its bytes changed)")
        except NotAPhoto as exc:
            notes.append(f"photo {number} not kept: {exc}")
            continue
        except OSError as exc:
            notes.append(f"photo {number} not kept: {path.name} cannot be read ({exc.strerror or exc})")
            continue
        photos[photo.digest] = photo
    return tuple(photos.values()), notes

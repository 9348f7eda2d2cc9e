"""Two writers on one store at once: interleaved tag and bookmark changes and an import each.

Writer A owns bookmarks and tags starting ``a-``; writer B owns read marks and tags
starting ``b-``; both work on the same stories, so a lost update (one writer's
read-modify-write overwriting the other's) shows up as a missing mark or tag. Each
writer also imports part of the pool half-way through, overlapping with the other.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import traceback
from pathlib import Path

from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage.db import Store
from soak.crash import Counts, fork_writer, read_acks, temp_files, unparsable_files
from soak.stories import Source

Marks = dict[str, tuple[bool, set[str]]]


def plan(who: str, ids: list[str], count: int, seed: int) -> list[tuple[str, str, str]]:
    """The changes one writer makes: (kind, story id, tag)."""
    rng = random.Random(f"{seed}-{who}")
    ops = []
    for n in range(count):
        sid = rng.choice(ids)
        roll = rng.random()
        if n == count // 2:
            ops.append(("import", "", ""))
        elif roll < 0.4:
            ops.append(("flag", sid, ""))
        elif roll < 0.8:
            ops.append(("tag", sid, f"{who}-{rng.randint(0, 9)}"))
        else:
            ops.append(("untag", sid, f"{who}-{rng.randint(0, 9)}"))
    return ops


def expected(ops: list[tuple[str, str, str]]) -> Marks:
    """What one writer's changes leave: per story, its flag and its own tags."""
    marks: Marks = {}
    for kind, sid, tag in ops:
        if kind == "import":
            continue
        flag, tags = marks.get(sid, (False, set()))
        if kind == "flag":
            flag = not flag
        elif kind == "tag":
            tags = tags | {tag}
        else:
            tags = tags - {tag}
        marks[sid] = (flag, tags)
    return marks


def writer(folder: Path, who: str, ops: list[tuple[str, str, str]], files: list[Path], ack_fd: int) -> None:
    """The forked writer's body; never returns."""
    code = 0
    try:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        store = Store(folder)
        for index, (kind, sid, tag) in enumerate(ops):
            if kind == "import":
                import_paths(store, files)
            elif kind == "flag":
                if who == "a":
                    store.user.toggle_bookmark(sid)
                else:
                    store.user.toggle_read(sid)
            elif kind == "tag":
                store.user.edit_tags([sid], add=[tag])
            else:
                store.user.edit_tags([sid], remove=[tag])
            os.write(ack_fd, b"%d\n" % index)
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        code = 3
    finally:
        os._exit(code)


def run_pair(folder: Path, pool: list[Source], changes: int, seed: int) -> Counts:
    """Run writers A and B side by side to the end, then check nothing was lost."""
    counts = Counts(runs=1)
    ids = [s.story_id for s in pool if s.story_id][:40]
    plans = {who: plan(who, ids, changes, seed) for who in ("a", "b")}
    third = len(pool) // 3
    files = {"a": [s.path for s in pool[: 2 * third]], "b": [s.path for s in pool[third:]]}
    children = {}
    for who in ("a", "b"):
        children[who] = fork_writer(lambda fd, who=who: writer(folder, who, plans[who], files[who], fd))
    for who, (pid, ack_fd) in children.items():
        acks = read_acks(ack_fd)
        _pid, status = os.waitpid(pid, 0)
        if status != 0 or len(acks) != changes:
            counts.losses.append(f"writer {who} failed (status {status}, {len(acks)}/{changes} changes)")
    store = Store(folder)
    states = store.user.all()
    for who in ("a", "b"):
        for sid, (flag, tags) in expected(plans[who]).items():
            state = states.get(sid)
            have_flag = bool(state and (state.bookmarked if who == "a" else state.read))
            have_tags = {t for t in (state.tags if state else ()) if t.startswith(f"{who}-")}
            if have_flag != flag or have_tags != tags:
                counts.losses.append(f"writer {who}, story {sid}: expected {flag} {sorted(tags)}, "
                                     f"found {have_flag} {sorted(have_tags)}")
            counts.changes_checked += 1
    stored = {m.id: (m.headline, tuple(store.body(m))) for m in store.stories()}
    for src in pool:
        if src.story_id and stored.get(src.story_id) != (src.headline, src.body):
            counts.losses.append(f"story {src.story_id} from {src.path.name} missing or wrong after both imports")
    counts.stories_checked += len(stored)
    counts.changes_checked += 2 * changes
    counts.losses += [f"does not parse: {bad}" for bad in unparsable_files(folder)]
    counts.losses += [f"temp file left: {p}" for p in temp_files(folder)]
    return counts

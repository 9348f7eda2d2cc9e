"""Kill a store writer at random moments and check the store after each kill.

A writer is a forked child running a seeded list of operations (bookmark and read
toggles, tag edits, a setting, imports of a few files). After each operation returns it
writes the operation's index to a pipe: that is its acknowledgement. The parent kills it
(SIGKILL or SIGHUP after a seeded random delay, or the child kills itself at the N-th
fsync/rename, part-way through a temp file), then opens the store and checks:

- the store opens (no damaged file) and every ``*.json`` in it parses;
- what it holds equals the model after the acknowledged operations, or after one more
  (the interrupted write happened or did not, never half);
- no temporary file is left once the store has been opened again.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from broadsheet.store.errors import StoreFileError
from broadsheet.store.ingest.importer import import_paths
from broadsheet.store.storage import compressed
from broadsheet.store.storage.db import Store
from soak.stories import Source

TAGS = ("harbour", "council", "later", "follow up", "ferries", "weekend", "long read", "maps")
FAULT_PHASES = ("timed", "mid-write", "before-replace", "after-replace")


@dataclass(frozen=True, slots=True)
class Op:
    """One change a writer makes: ``kind`` with a story, a tag, a value or pool file indexes."""

    kind: str
    sid: str = ""
    tag: str = ""
    value: int = 0
    files: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a store holds, in comparable form."""

    stories: dict[str, tuple[str, tuple[str, ...]]]
    states: dict[str, tuple[bool, bool, frozenset[str]]]
    setting: Any

    def describe_difference(self, other: Snapshot) -> str:
        parts = []
        for name in ("stories", "states"):
            mine, theirs = getattr(self, name), getattr(other, name)
            missing = sorted(set(mine) - set(theirs))[:3]
            extra = sorted(set(theirs) - set(mine))[:3]
            changed = sorted(k for k in set(mine) & set(theirs) if mine[k] != theirs[k])[:3]
            if missing or extra or changed:
                parts.append(f"{name}: missing {missing} extra {extra} changed {changed}")
        if self.setting != other.setting:
            parts.append(f"setting {self.setting!r} != {other.setting!r}")
        return "; ".join(parts)


EMPTY_SNAPSHOT = Snapshot({}, {}, None)


@dataclass(slots=True)
class Counts:
    """What a soak run did; ``losses`` must stay empty."""

    runs: int = 0
    faults: int = 0
    stories_checked: int = 0
    changes_checked: int = 0
    temps_cleaned: int = 0
    losses: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        self.runs += other.runs
        self.faults += other.faults
        self.stories_checked += other.stories_checked
        self.changes_checked += other.changes_checked
        self.temps_cleaned += other.temps_cleaned
        self.losses += other.losses


def make_ops(rng: random.Random, pool: list[Source], count: int) -> list[Op]:
    """A seeded list of changes on the pool's stories, with an import about every seventh."""
    ids = [s.story_id for s in pool if s.story_id]
    ops: list[Op] = []
    next_file = 0
    for n in range(count):
        roll = rng.random()
        sid = rng.choice(ids)
        if roll < 0.15:
            take = rng.randint(1, 4)
            files = tuple((next_file + i) % len(pool) for i in range(take))
            next_file += take
            ops.append(Op("import", files=files))
        elif roll < 0.40:
            ops.append(Op("bookmark", sid))
        elif roll < 0.60:
            ops.append(Op("tag", sid, rng.choice(TAGS)))
        elif roll < 0.72:
            ops.append(Op("untag", sid, rng.choice(TAGS)))
        elif roll < 0.92:
            ops.append(Op("read", sid))
        else:
            ops.append(Op("setting", value=n))
    return ops


def apply_model(snap: Snapshot, op: Op, pool: list[Source]) -> Snapshot:
    """The snapshot after ``op`` (a new object; ``snap`` is unchanged)."""
    if op.kind == "import":
        stories = dict(snap.stories)
        for i in op.files:
            src = pool[i]
            if src.story_id and src.story_id not in stories:
                stories[src.story_id] = (src.headline, src.body)
        return Snapshot(stories, snap.states, snap.setting)
    if op.kind == "setting":
        return Snapshot(snap.stories, snap.states, op.value)
    bookmarked, read, tags = snap.states.get(op.sid, (False, False, frozenset()))
    if op.kind == "bookmark":
        bookmarked = not bookmarked
    elif op.kind == "read":
        read = not read
    elif op.kind == "tag":
        tags = tags | {op.tag}
    elif op.kind == "untag":
        tags = tags - {op.tag}
    states = dict(snap.states)
    if bookmarked or read or tags:
        states[op.sid] = (bookmarked, read, tags)
    else:
        states.pop(op.sid, None)
    return Snapshot(snap.stories, states, snap.setting)


def apply_store(store: Store, op: Op, pool: list[Source]) -> None:
    """Make the change ``op`` on a real store (durable when this returns)."""
    if op.kind == "import":
        import_paths(store, [pool[i].path for i in op.files])
    elif op.kind == "setting":
        store.user.set_setting("soak", op.value)
    elif op.kind == "bookmark":
        store.user.toggle_bookmark(op.sid)
    elif op.kind == "read":
        store.user.toggle_read(op.sid)
    elif op.kind == "tag":
        store.user.edit_tags([op.sid], add=[op.tag])
    elif op.kind == "untag":
        store.user.edit_tags([op.sid], remove=[op.tag])
    else:  # pragma: no cover - a bug in the harness
        raise ValueError(op.kind)


def observe(store: Store) -> Snapshot:
    """Read everything a reader would see (stories with bodies, marks, the soak setting)."""
    stories = {m.id: (m.headline, tuple(store.body(m))) for m in store.stories()}
    states = {sid: (s.bookmarked, s.read, frozenset(s.tags)) for sid, s in store.user.all().items()}
    return Snapshot(stories, states, store.user.get_setting("soak"))


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".*.tmp"))


def unparsable_files(folder: Path) -> list[str]:
    """Every store ``*.json`` that does not parse (body shards are compressed), with the reason."""
    bad = []
    for path in sorted(folder.rglob("*.json")):
        if "index" in path.relative_to(folder).parts:
            continue
        raw = path.read_bytes()
        try:
            orjson.loads(compressed.unpack(path, raw) if compressed.looks_compressed(raw) else raw)
        except StoreFileError as exc:  # a compressed body shard that is cut short or damaged
            bad.append(f"{path.name}: {exc.reason}")
        except orjson.JSONDecodeError as exc:
            bad.append(f"{path.name}: {exc}")
    return bad


# -- the child --------------------------------------------------------------------------


def _kill_self(sig: int) -> None:
    os.kill(os.getpid(), sig)
    time.sleep(5)  # SIGKILL/SIGHUP are delivered before this returns
    os._exit(99)


def install_fault(phase: str, nth: int, sig: int) -> None:
    """In the child: die with ``sig`` at the ``nth`` fsync or rename, in the given ``phase``."""
    calls = {"n": 0}

    def due() -> bool:
        calls["n"] += 1
        return calls["n"] >= nth

    real_fsync, real_replace = os.fsync, os.replace
    if phase == "mid-write":

        def fsync(fd: int) -> None:
            if due() and os.path.isfile(f"/proc/self/fd/{fd}"):
                size = os.fstat(fd).st_size
                os.ftruncate(fd, size // 2)  # the temp file holds half a document, as a kill mid-write leaves
                _kill_self(sig)
            real_fsync(fd)

        os.fsync = fsync
    elif phase in ("before-replace", "after-replace"):

        def replace(src: Any, dst: Any) -> None:
            if phase == "before-replace" and due():
                _kill_self(sig)
            real_replace(src, dst)
            if phase == "after-replace" and due():
                _kill_self(sig)

        os.replace = replace


def run_child(folder: Path, ops: list[Op], start: int, pool: list[Source], ack_fd: int,
              fault: tuple[str, int, int] | None) -> None:
    """The forked writer: apply ops from ``start``, acknowledging each; never returns."""
    code = 0
    try:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if fault is not None:
            install_fault(*fault)
        store = Store(folder)
        for index in range(start, len(ops)):
            apply_store(store, ops[index], pool)
            os.write(ack_fd, b"%d\n" % index)
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        code = 3
    finally:
        os._exit(code)


def fork_writer(target: Callable[[int], None]) -> tuple[int, int]:
    """Fork a child running ``target(ack_fd)``; returns (pid, read end of the ack pipe)."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        try:
            target(write_fd)
        finally:
            os._exit(4)
    os.close(write_fd)
    return pid, read_fd


def read_acks(fd: int) -> list[int]:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return [int(x) for x in b"".join(chunks).split()]


# -- the parent -------------------------------------------------------------------------


@dataclass(slots=True)
class KillRun:
    """A store that a series of writers is killed on, with the model of what it must hold."""

    folder: Path
    pool: list[Source]
    seed: int
    max_delay: float = 0.06
    ops: list[Op] = field(default_factory=list)
    pos: int = 0
    model: Snapshot = EMPTY_SNAPSHOT
    counts: Counts = field(default_factory=Counts)
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.ops = make_ops(random.Random(self.seed + 1), self.pool, 20000)

    def cycle(self) -> None:
        """Start a writer, kill it, check the store."""
        rng = self.rng
        phase = rng.choice(FAULT_PHASES)
        sig = rng.choice((signal.SIGKILL, signal.SIGHUP))
        fault = None if phase == "timed" else (phase, rng.randint(1, 12), sig)
        delay = rng.uniform(0.0, self.max_delay)
        start = self.pos
        pid, ack_fd = fork_writer(lambda fd: run_child(self.folder, self.ops, start, self.pool, fd, fault))
        if fault is None:
            time.sleep(delay)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        else:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and os.waitpid(pid, os.WNOHANG) == (0, 0):
                time.sleep(0.005)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            _pid, status = os.waitpid(pid, 0)
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) not in (0,):
                self.counts.losses.append(f"writer exited with status {os.WEXITSTATUS(status)} (see stderr)")
        acks = read_acks(ack_fd)
        self.counts.runs += 1
        self.counts.faults += 1
        self.check(start, acks, f"seed {self.seed} run {self.counts.runs} ({phase}, signal {sig})")

    def check(self, start: int, acks: list[int], label: str) -> None:
        if acks != list(range(start, start + len(acks))):
            self.counts.losses.append(f"{label}: acknowledgements out of order {acks[:5]}...")
            return
        before = self.model
        for index in acks:
            before = apply_model(before, self.ops[index], self.pool)
        pending = start + len(acks)
        after = apply_model(before, self.ops[pending], self.pool)
        leftovers = len(temp_files(self.folder))
        try:
            store = Store(self.folder)
            seen = observe(store)
        except Exception as exc:
            self.counts.losses.append(f"{label}: store does not open after the kill: {exc}")
            return
        self.counts.temps_cleaned += max(0, leftovers - len(temp_files(self.folder)))
        if temp_files(self.folder):
            self.counts.losses.append(f"{label}: temp files left after reopening: {temp_files(self.folder)}")
        bad = unparsable_files(self.folder)
        if bad:
            self.counts.losses.append(f"{label}: files do not parse: {bad}")
        damaged = sorted(p.name for p in self.folder.rglob("*.damaged-*"))
        if damaged:
            self.counts.losses.append(f"{label}: damaged-file copies appeared: {damaged}")
        if seen == before:
            self.model, self.pos = before, pending
        elif seen == after:
            self.model, self.pos = after, pending + 1
        else:
            self.counts.losses.append(f"{label}: store is neither before nor after op {pending} "
                                      f"({self.ops[pending]}): {before.describe_difference(seen)}")
            self.model, self.pos = seen, pending + 1
        self.counts.changes_checked += len(acks)
        self.counts.stories_checked += len(seen.stories)


def kill_soak(folder: Path, pool: list[Source], runs: int, seed: int, max_delay: float = 0.06) -> Counts:
    """``runs`` kill-and-check cycles on one store."""
    run = KillRun(folder, pool, seed, max_delay)
    for _ in range(runs):
        run.cycle()
    return run.counts

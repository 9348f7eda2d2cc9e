"""The ``broadsheet`` command: open the reader, import, parse.

Only this module and ``tui/`` print or draw; the work itself is done by ``store/``.
"""

from __future__ import annotations

import contextlib
import signal
import sys


def _interrupted_loading(signum: int, frame: object) -> None:
    """Ctrl-C while the modules load, before :func:`main` can catch it: the command's words and
    exit status (130), not a KeyboardInterrupt traceback from inside whichever import it hit.

    SystemExit rather than KeyboardInterrupt, as the console script's own import of this
    module is outside any handler."""
    print("\nbroadsheet: interrupted", file=sys.stderr)
    raise SystemExit(130)


# Installed first, before this module's other imports and main's (only over Python's own
# handler, and only where one can be set: the main thread); main() puts Python's back once it
# can catch Ctrl-C itself.
if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    with contextlib.suppress(ValueError):  # (imported in another thread: none can be set there)
        signal.signal(signal.SIGINT, _interrupted_loading)

import argparse  # noqa: E402
import os  # noqa: E402
import threading  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from broadsheet.cli.safe import shown  # noqa: E402
from broadsheet.store.collector import pause_start, resume_after_start  # noqa: E402
from broadsheet.store.ingest.decode import DEFAULT_MAX_BYTES  # noqa: E402

if TYPE_CHECKING:
    from broadsheet.cli.reader import Start
    from broadsheet.store.storage.db import Store


#: Size units, as people type them: K, M, G (with B or iB or not, any case) are powers of 1024.
SIZE_UNITS = {"b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024**2, "mb": 1024**2, "mib": 1024**2,
              "g": 1024**3, "gb": 1024**3, "gib": 1024**3}


def size(text: str) -> int:
    """A size as typed: a number of bytes (``1000000``, ``1e6``, ``1_000_000``) or a number with a
    unit (``800k``, ``5M``, ``5 MB``, ``1.5G``), at least one byte; ``1e6`` was refused."""
    lowered = text.strip().lower()
    unit = next((u for u in sorted(SIZE_UNITS, key=len, reverse=True) if lowered.endswith(u)), "")
    try:
        value = int(float(lowered.removesuffix(unit)) * SIZE_UNITS.get(unit, 1))
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f'"{text}" is not a size: give a number of bytes (1000000 or 1e6) or '
                                         "one with a unit, K, M or G (800K, 5M, 1.5G)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f'"{text}": a size is at least one byte') from None
    return value


def _store_option(text: str) -> str:
    """``--store ""`` (an unset variable in a script) would silently mean the default store: refuse it."""
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a folder name (it was empty)")
    return text


#: The exit codes, as the README's table gives them (scripts read them in `broadsheet --help`).
EXIT_CODES = ("exit codes: 0 done; 1 not done, or not all (a feed failed, the store was busy or could not be "
              "written or made, no store at the folder, a full disk); 2 the command line is wrong (an unknown "
              "option or story) or a store file is damaged (`broadsheet repair`); 3 fetch while another fetch "
              "runs; 130 Ctrl-C; 141 the output pipe closed early")

MAX_SIZE_HELP = ("bytes (1000000, 1e6) or with a unit, K, M or G (800K, 5M, 1G): a saved page (HTML, MHTML, "
                 "a web archive's) larger than this is read up to it, and the "
                 "summary says so; a larger text dump is refused (default 5MB; a feed file may be up to 128 MB, "
                 "a Broadsheet JSON export up to 256 MB: it moves a whole store)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="broadsheet", description="A terminal reader for saved news stories.",
                                     epilog=EXIT_CODES)
    parser.add_argument("--store", metavar="DIR", type=_store_option,
                        help="store folder (default: $BROADSHEET_STORE or the user data dir)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="open the reader (the default)")
    run.add_argument("--no-seed", action="store_true",
                     help="do not import the bundled seed story into an empty store")

    imp = commands.add_parser("import", help="import saved news pages (files or folders)", description=(
        "Import files and folders (recursive): saved web pages (HTML, MHTML, gzip), web archives (WARC), "
        "plain-text page dumps, RSS / Atom / JSON Feed files, newsboat's cache.db and Broadsheet's JSON export."))
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                     help="files or folders to import (folders: everything in them, recursively)")
    imp.add_argument("--max-size", type=size, default=DEFAULT_MAX_BYTES, metavar="SIZE", help=MAX_SIZE_HELP)

    parse = commands.add_parser("parse", help="show how pages parse, without storing them")
    mode = parse.add_mutually_exclusive_group(required=True)
    mode.add_argument("--json", action="store_true", help="one JSON object per file (JSON Lines)")
    mode.add_argument("--explain", action="store_true", help="each line of the page with its role and why")
    parse.add_argument("files", nargs="+", type=Path, metavar="FILE",
                       help="saved pages, text dumps, web archives (nothing is stored)")
    parse.add_argument("--max-size", type=size, default=DEFAULT_MAX_BYTES, metavar="SIZE", help=MAX_SIZE_HELP)

    commands.add_parser("where", help="print the store folder")
    repair = commands.add_parser("repair", help="rebuild what can be rebuilt in a store with damaged files")
    repair.add_argument("sources", nargs="*", type=Path, metavar="PATH",
                        help="source files or folders, to read again the stories whose record or text was lost")
    config = commands.add_parser("config", help="the config file: `broadsheet config path` prints where it is")
    # Optional to argparse, so none is said as the two there are (it said "required: action").
    config.add_argument("action", nargs="?", choices=("path", "check"),
                        help="path: print where the config file is; check: report problems in it")
    serve = commands.add_parser("serve", help="serve the reader to a browser on localhost (textual-serve)")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--host", default="localhost",
                       help="address to listen on (default localhost; another lets whoever reaches it use the store)")
    from broadsheet.cli import marks

    marks.add_parsers(commands)
    from broadsheet.cli import searching

    searching.add_parsers(commands)
    from broadsheet.cli import feeds

    feeds.add_parsers(commands)
    from broadsheet.cli import fixing

    fixing.add_parsers(commands)
    _store_everywhere(commands)
    return parser


def _store_everywhere(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``--store DIR`` after the command too (`broadsheet list --store S` was an unrecognised
    argument); given there, it wins over one before the command."""
    for sub in dict.fromkeys(commands.choices.values()):
        sub.add_argument("--store", metavar="DIR", type=_store_option, default=argparse.SUPPRESS,
                         help="store folder (as before the command)")
        for action in sub._subparsers._group_actions if sub._subparsers else ():
            if isinstance(action, argparse._SubParsersAction):
                _store_everywhere(action)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; whatever goes wrong ends in a message and an exit status, never a traceback."""
    try:
        _catch_interrupts()
        pause_start()  # no garbage collection until the reader's first paint (BroadsheetApp), or the command is known
        try:
            from broadsheet.cli.searching import words_last

            # (building the parser imports every command's module: a Ctrl-C there is the likeliest)
            args = build_parser().parse_args(words_last(list(sys.argv[1:] if argv is None else argv)))
            if (args.command or "run") != "run":
                resume_after_start()
            return _run(args)
        finally:
            resume_after_start()
    except KeyboardInterrupt:  # before the command began (its modules loading): nothing was changed
        print("\nbroadsheet: interrupted", file=sys.stderr)
        return 130
    except _Stopped as stopped:  # its work undone (stopped_cleanly): now ended by the signal, as without it
        signal.signal(stopped.signum, signal.SIG_DFL)
        signal.raise_signal(stopped.signum)
        raise  # (not reached: both signals end the process)


def _catch_interrupts() -> None:
    """Ctrl-C as KeyboardInterrupt again, which main and the commands catch (an import stores the
    files read so far), once this module's handler for the loading has done its part."""
    if signal.getsignal(signal.SIGINT) is _interrupted_loading:
        with contextlib.suppress(ValueError):  # (main() in another thread: the main thread's is not its own)
            signal.signal(signal.SIGINT, signal.default_int_handler)


class _Stopped(BaseException):
    """SIGTERM or SIGHUP (a dropped SSH session) while :func:`stopped_cleanly` is in effect."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise _Stopped(signum)


@contextlib.contextmanager
def stopped_cleanly() -> Iterator[None]:
    """SIGTERM and SIGHUP unwind the work inside as Ctrl-C does, so the temporary files its
    writes made are removed (an export's, beside a file of the user's: no store lock finds them
    later) and a progress bar puts the cursor back; :func:`main` then ends the process by that
    signal, as it would have ended. One the process was started ignoring (``nohup``) is left so."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {signum: signal.signal(signum, _stop) for signum in (signal.SIGTERM, signal.SIGHUP)
              if signal.getsignal(signum) is not signal.SIG_IGN}
    try:
        yield
    finally:
        for signum, handler in before.items():
            if signal.getsignal(signum) is _stop:
                signal.signal(signum, handler)


def _port(text: str) -> int:
    """A TCP port: 99999 was taken modulo 65536 (34463), -1 failed with the resolver's words."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is no port: a port is a number from 1 to 65535")
    return int(text)


def _run(args: argparse.Namespace) -> int:
    try:
        return _dispatch(args)
    except BrokenPipeError:  # `broadsheet list --json | head -1`: the reader has gone, which is fine
        return _quiet_broken_pipe()
    except KeyboardInterrupt:  # Ctrl-C: every write is atomic, so the store is as the last one left it
        print("\nbroadsheet: interrupted", file=sys.stderr)
        return 130
    except TimeoutError as exc:  # filelock's Timeout: another process held the store's lock all along
        where = getattr(exc, "lock_file", "")
        print(f"broadsheet: the store is busy: another broadsheet (an import, repair, reindex or fetch) is writing to "
              f"it{f' ({shown(str(Path(where).parent))})' if where else ''}; nothing was changed, try again when it "
              "has finished",
              file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk, a folder that cannot be read or written
        print(f"broadsheet: {shown(exc.strerror or str(exc))}{f': {shown(str(exc.filename))}' if exc.filename else ''}",
              file=sys.stderr)
        return 1


def _quiet_broken_pipe() -> int:
    """Exit quietly when standard output is a closed pipe (Python's documented way)."""
    stdout_to_devnull()
    return 141  # 128 + SIGPIPE, what a command killed by the broken pipe would give


def stdout_to_devnull() -> None:
    """Point standard output at /dev/null once writing to it failed (a closed pipe, a full disk), so
    the flush at exit does not fail again with a traceback."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # standard output is not a file descriptor (tests): nothing is flushed at exit


#: Commands that store something new, and so may make a store where there is none (the reader
#: imports the seed story into an empty one); every other one works on a store there already.
MAKING = frozenset({"run", "import", "serve"})
MAKING_FEEDS = frozenset({"add", "import"})


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command or "run"
    if command == "config":
        from broadsheet.cli.commands import config_command

        return config_command(args)
    if command == "parse":
        from broadsheet.cli.commands import parse_command

        return parse_command(args)
    from broadsheet.store.paths import resolve_store_dir

    folder = resolve_store_dir(args.store)
    if command == "where":
        print(folder.absolute())  # (`--store rel` printed "rel", which says nothing from elsewhere)
        return 0
    if command != "run" and folder.exists() and not folder.is_dir():  # (`repair` said "[Errno 17] File exists")
        # (`run`: open_store says it, once the reader's graphics query is out and its answer taken)
        print(f"broadsheet: cannot open the store at {shown(str(folder))}: it is a file, not a folder; give a "
              "store's folder with --store DIR", file=sys.stderr)
        return 1
    if command in ("import", "fetch", "repair", "reparse"):  # the commands that keep photos
        from broadsheet.store.storage.photos import photo_cap_problem

        if problem := photo_cap_problem():
            print(f"broadsheet: {shown(problem)}", file=sys.stderr)
    making = command in MAKING or (command == "feeds" and args.feeds_action in MAKING_FEEDS)
    if making:
        from broadsheet.store.paths import SHOWN_OTHERS, others_files
        from broadsheet.store.wording import command as suggested

        if others := others_files(folder):
            names = ", ".join(shown(name) for name in others[:SHOWN_OTHERS]) + (", ..." * (len(others) > SHOWN_OTHERS))
            print(f"broadsheet: {shown(str(folder))} is a folder of other files ({names}), not a store: nothing was "
                  "written there; give a new or empty folder, or a store's, with --store DIR (to import the files "
                  f"in it: `{shown(suggested('import', str(folder)))}`)", file=sys.stderr)
            return 1
    else:
        from broadsheet.store.paths import is_store

        if not is_store(folder):  # a mistyped --store became an empty store; repair said "no damaged files"
            # Both ways in: a first `feeds list` or `fetch` was sent to import files, never told of `feeds add`.
            ways = ["`broadsheet import FILE...`", "`broadsheet feeds add URL`"]
            if command in ("feeds", "fetch"):
                ways.reverse()
            print(f"broadsheet: no store at {shown(str(folder))} (nothing has been imported or subscribed to there; "
                  f"{ways[0]} or {ways[1]} makes one)", file=sys.stderr)
            return 1
    if command == "repair":
        from broadsheet.cli.commands import repair_command

        return repair_command(folder, args.sources)
    if command == "serve":
        from broadsheet.cli.commands import serve_command

        return serve_command(args, folder)
    if command == "run":
        from broadsheet.cli.reader import reader_start
        from broadsheet.store.collector import freeze_loaded_data

        if not (sys.stdin.isatty() and sys.stdout.isatty()) and "TEXTUAL_DRIVER" not in os.environ:
            # (`broadsheet > file` drew the whole reader into the file and ran until killed; a
            # browser's reader, through `serve`, has a driver of its own.)
            print("broadsheet: the reader needs a terminal, and standard input or output is not one; "
                  "`broadsheet list` and `broadsheet search` print stories for scripts", file=sys.stderr)
            return 2

        freeze_loaded_data()  # this process keeps its store until it exits
        with reader_start() as start:  # the terminal's answer to its graphics query travels while the store opens
            return _with_store(args, folder, start)
    return _with_store(args, folder, None)


def _with_store(args: argparse.Namespace, folder: Path, start: Start | None) -> int:
    from broadsheet.cli.reader import open_store, run_command
    from broadsheet.store.errors import StoreFileError, StoreWriteError

    command = args.command or "run"
    store = open_store(folder)
    if isinstance(store, int):  # said why
        return store
    refused: Path | None = None
    try:
        if command == "import":
            from broadsheet.cli.commands import import_command

            return import_command(store, args)
        from broadsheet.cli import marks

        if command in marks.COMMANDS:
            return marks.run(store, args)
        from broadsheet.cli import searching

        if command in searching.COMMANDS:
            return searching.run(store, args)
        from broadsheet.cli import feeds

        if command in feeds.COMMANDS:
            return feeds.run(store, args)
        from broadsheet.cli import fixing

        if command in fixing.COMMANDS:
            return fixing.run(store, args)
        return run_command(store, seed=not getattr(args, "no_seed", False), start=start)
    except StoreWriteError as exc:  # disk full, read-only folder: nothing was changed
        print(f"broadsheet: {shown(str(exc))}", file=sys.stderr)
        return 1
    except StoreFileError as exc:  # a damaged file found after opening (a body shard), or a mark refused
        refused = exc.path
        print(f"broadsheet: {shown(str(exc))}\nNothing has been overwritten. Run `broadsheet repair` to rebuild "
              "what can be rebuilt.", file=sys.stderr)
        return 2
    finally:
        if command != "run":  # the reader says it on its screen
            _say_damaged(store, refused)


def _say_damaged(store: Store, refused: Path | None) -> None:
    """Name once each file the command found damaged and went on without (a state file: its
    stories showed no marks), but the one an error named already."""
    from broadsheet.store.storage.db import meanwhile

    for name, exc in store.damaged_files().items():
        if exc.path != refused:
            print(f"broadsheet: {shown(str(exc))}; {meanwhile(name)}.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())


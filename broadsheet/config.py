"""The user's config file (TOML in the platform config dir): theme, reader options, keys.

A broken file never stops the reader: :func:`load_config` returns the defaults plus a
list of problems, each naming the file and, where TOML says, the line.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

if TYPE_CHECKING:
    from broadsheet.store.feeds.fetch import Settings

TEMPLATE = """\
# Broadsheet settings. `broadsheet config path` prints where this file lives.

# A Textual theme name (choose one live with Ctrl+P, "Theme"; the choice is saved here).
# theme = "textual-dark"

[reader]
# Mark a story read when it is opened with Enter.
# mark_read_on_open = true
# Draw stories' photos (Kitty, Sixel, iTerm2 graphics, else coloured half-blocks). Off under NO_COLOR.
# images = true
# The browser `w` runs in this terminal, the reader waiting until it ends (over SSH too): %u is the
# story's address, else it is added at the end. Not set: $BROWSER, else the graphical browser.
# browser = "w3m %u"
# The list beside the story from 100 columns ("panes"; narrower, they take turns), or the list full
# width and the story full width in turn at any width ("single": Enter opens, Esc goes back), as in
# newsboat. The V key switches between the two, and the reader remembers it over this setting.
# layout = "panes"

[feeds]
# Fetch every subscribed feed this often while the reader is open (0: only with the F key; at least 5).
# refresh_minutes = 0
# Download the photos feed entries name when fetching, so stories show them offline.
# fetch_images = true
# The User-Agent a fetch sends: some servers refuse one they do not know. Printable ASCII, not empty.
# user_agent = "Broadsheet/0.1 (terminal feed reader; fetches on the user's request)"
# Seconds a server may take to connect, and between the parts of its answer (1 to 60: a feed's whole
# answer is given a minute).
# timeout = 15
# Feeds (and their photos) downloaded at once from one host (1 to 16).
# per_host = 4
# Tries again after a dropped connection, a timeout, a 5xx or a 429 (0 to 5), waiting 1 s, 2 s, 4 s...
# retries = 2

[keys]
# Rebind keys by binding id; several keys are comma-separated. `?` in the reader shows ids,
# `broadsheet config check` reports an id that does not exist.
# "story.bookmark" = "b"
# "app.search" = "slash,ctrl+f"
"""


def config_path() -> Path:
    env = os.environ.get("BROADSHEET_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("broadsheet", appauthor=False)) / "config.toml"


#: The shortest ``[feeds] refresh_minutes`` taken (0.02 fetched every second while the reader was open).
MIN_REFRESH_MINUTES = 5.0


@dataclass(slots=True)
class Config:
    path: Path
    theme: str | None = None
    mark_read_on_open: bool = True
    refresh_minutes: float = 0  # [feeds] automatic fetch while the reader is open; 0 = off
    images: bool = True
    browser: str = ""  # [reader] console browser command line, %u the address; "" = $BROWSER / graphical
    layout: str = "panes"  # [reader] one of LAYOUTS: "single" = the list and the story take turns at any width
    fetch_images: bool = True  # [feeds] download entries' photos at fetch time
    # [feeds] how a fetch downloads (see fetch_settings); None: the fetch's own default, kept in one place
    user_agent: str | None = None
    timeout: float | None = None
    per_host: int | None = None
    retries: int | None = None
    keys: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # settings not used as written: `config check` fails on them
    notes: list[str] = field(default_factory=list)  # of keys applied, what to know (another's where a widget has focus)
    fetch_problems: list[str] = field(default_factory=list)  # those of problems a fetch meets: the file's, [feeds]'


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    config = Config(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return config
    except OSError as exc:
        return _unread(config, f"{path}: cannot read ({exc.strerror}); using defaults")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _unread(config, f"{path}: not UTF-8 text; using defaults")
    except tomllib.TOMLDecodeError as exc:
        return _unread(config, f"{path}: {exc}; using defaults")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        config.problems.append(f"{path}: theme must be a string")
    else:
        config.theme = theme
    reader = data.get("reader", {})
    if not isinstance(reader, dict):
        config.problems.append(f"{path}: [reader] must be a table")
        reader = {}
    config.mark_read_on_open = _switch(reader, "reader", "mark_read_on_open", path, config.problems)
    feeds_from = len(config.problems)
    feeds = data.get("feeds", {})
    if not isinstance(feeds, dict):
        config.problems.append(f"{path}: [feeds] must be a table")
        feeds = {}
    minutes = feeds.get("refresh_minutes", 0)
    if isinstance(minutes, int | float) and not isinstance(minutes, bool) and 0 < minutes < MIN_REFRESH_MINUTES:
        config.refresh_minutes = MIN_REFRESH_MINUTES
        config.problems.append(f"{path}: feeds.refresh_minutes = {minutes:g} is raised to {MIN_REFRESH_MINUTES:g}, "
                               f"the least: a fetch more often asks every feed's server again before most feeds "
                               f"change (F fetches at once)")
    elif isinstance(minutes, int | float) and not isinstance(minutes, bool) and 0 <= minutes < math.inf:  # not nan
        config.refresh_minutes = float(minutes)
    else:
        config.problems.append(f"{path}: feeds.refresh_minutes must be a number of minutes (0 = off)")
    config.fetch_images = _switch(feeds, "feeds", "fetch_images", path, config.problems)
    config.user_agent = _user_agent(feeds, path, config.problems)
    config.timeout = _bounded(feeds, "timeout", (1, 60), "a number of seconds", path, config.problems)
    per_host = _bounded(feeds, "per_host", (1, 16), "a whole number of downloads", path, config.problems, whole=True)
    retries = _bounded(feeds, "retries", (0, 5), "a whole number of tries", path, config.problems, whole=True)
    config.per_host = None if per_host is None else int(per_host)
    config.retries = None if retries is None else int(retries)
    config.fetch_problems = config.problems[feeds_from:]
    config.images = _switch(reader, "reader", "images", path, config.problems)
    config.browser = _command(reader, "reader", "browser", path, config.problems)
    layout = reader.get("layout", "panes")
    if layout in LAYOUTS:
        config.layout = str(layout)
    else:
        config.problems.append(f'{path}: reader.layout must be "panes" or "single"; "panes" used')
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        config.problems.append(f"{path}: [keys] must be a table")
        keys = {}
    for binding_id, key in keys.items():
        if isinstance(key, str) and key.strip():
            config.keys[str(binding_id)] = key.replace(" ", "")
        else:
            config.problems.append(f"{path}: keys.{binding_id} must be a key name such as \"ctrl+b\"")
    if config.keys:
        from broadsheet.tui.keymap import check_keymap  # the reader's own bindings say what is valid

        config.keys, problems, config.notes = check_keymap(config.keys, str(path))
        config.problems += problems
    top = ("theme", "reader", "keys", "feeds")
    outside = {name: value for name, value in data.items() if name in TABLES["feeds"]}  # a [feeds] setting
    config.problems += _unknown(path, "", {name: data[name] for name in data if name not in outside}, top)
    config.problems += _unknown(path, "reader.", reader, TABLES["reader"])
    unknown_feeds = _unknown(path, "", outside, top) + _unknown(path, "feeds.", feeds, TABLES["feeds"])
    config.problems += unknown_feeds
    config.fetch_problems += unknown_feeds
    return config


def _unread(config: Config, problem: str) -> Config:
    """``config`` (the defaults) with why its file was not read: a fetch says it too, its [feeds] unread."""
    config.problems.append(problem)
    config.fetch_problems.append(problem)
    return config


#: ``[reader] layout``: the list beside the story from 100 columns, or the two in turn at any width.
LAYOUTS = ("panes", "single")
#: The settings of each table, as the config file names them.
TABLES = {"reader": ("mark_read_on_open", "images", "browser", "layout"),
          "feeds": ("refresh_minutes", "fetch_images", "user_agent", "timeout", "per_host", "retries")}


def fetch_settings(config: Config | None, retry_photos: bool = False) -> Settings:
    """How a fetch downloads, from the config's [feeds]: the reader's F and `broadsheet fetch` both
    take it from here, so the two cannot fetch differently. A setting not given (or no config: an
    app started without one) keeps the fetch's own default."""
    from dataclasses import replace

    from broadsheet.store.feeds.fetch import Settings

    settings = Settings(retry_photos=retry_photos)
    if config is None:
        return settings
    given: dict[str, Any] = {"images": config.fetch_images, "user_agent": config.user_agent,
                             "timeout": config.timeout, "per_host": config.per_host, "retries": config.retries}
    return replace(settings, **{name: value for name, value in given.items() if value is not None})


def _switch(table: dict[str, object], name: str, key: str, path: Path, problems: list[str]) -> bool:
    """A true/false setting (on when absent); a value of another type is said, and the default kept."""
    value = table.get(key, True)
    if isinstance(value, bool):
        return value
    problems.append(f"{path}: {name}.{key} must be true or false")
    return True


def _user_agent(table: dict[str, object], path: Path, problems: list[str]) -> str | None:
    """``[feeds] user_agent`` (None when absent): one a request cannot carry (empty, a control
    character, not ASCII: the HTTP client refused it and every feed failed) is said, and not used."""
    value = table.get("user_agent")
    if value is None:
        return None
    if isinstance(value, str) and value.strip() and all(" " <= c <= "~" for c in value.strip()):
        return value.strip()
    problems.append(f"{path}: feeds.user_agent must be a line of printable ASCII text, not empty; "
                    "Broadsheet's own is used")
    return None


def _bounded(table: dict[str, object], key: str, bounds: tuple[int, int], what: str, path: Path,
             problems: list[str], whole: bool = False) -> float | None:
    """A ``[feeds]`` number from ``bounds`` (None when absent; ``whole``: no fraction, as a count of
    downloads); another value is said, naming the bounds, and the default kept."""
    value = table.get(key)
    if value is None:
        return None
    low, high = bounds
    if isinstance(value, int | float) and not isinstance(value, bool) and (isinstance(value, int) or not whole) \
            and low <= value <= high:  # (nan is within no bounds)
        return value
    problems.append(f"{path}: feeds.{key} must be {what} from {low} to {high}; the default is used")
    return None


def _command(table: dict[str, object], name: str, key: str, path: Path, problems: list[str]) -> str:
    """A command line ("" when absent): one that cannot be split into words is said, and not used."""
    import shlex

    value = table.get(key, "")
    reason = "it must be text"
    if isinstance(value, str):
        try:
            shlex.split(value)
            return value.strip()
        except ValueError as exc:  # an unclosed quote
            reason = str(exc).lower()
    problems.append(f'{path}: {name}.{key} must be a command such as "w3m %u" ({reason}); not used')
    return ""


def _unknown(path: Path, table: str, found: dict[str, object], known: tuple[str, ...]) -> list[str]:
    """A problem for each setting of ``found`` not in ``known``, with the known one it is closest
    to: a misspelt ``fetch_image = false`` was taken in silence, and photos went on downloading.
    At the top, a table's setting written outside its table is said to belong there."""
    import difflib

    problems = []
    for name in sorted(set(found) - set(known)):
        close = difflib.get_close_matches(name, known, n=1)
        home = next((t for t, names in TABLES.items() if name in names), None) if not table else None
        if home is not None:
            hint = f" (it belongs under [{home}]: {home}.{name})"
        elif close:
            hint = f" (did you mean {table}{close[0]}?)"
        else:
            hint = f" (known: {', '.join(table + k for k in known)})"
        problems.append(f"{path}: unknown setting {table}{name} ignored{hint}")
    return problems


class ConfigUnreadable(ValueError):
    """The config file could not be read or parsed, so it is left as it is (its message says why)."""


def save_theme(path: Path, theme: str) -> None:
    """Write the theme into the config, keeping the user's comments and other settings.

    Raises ConfigUnreadable ("<file>: <reason>") rather than overwrite a file it could not
    understand, and OSError when the write fails."""
    import tomlkit

    from broadsheet.store.storage.atomic import atomic_write_bytes

    try:
        document = tomlkit.parse(path.read_text("utf-8")) if path.exists() else tomlkit.parse(TEMPLATE)
    except OSError as exc:
        raise ConfigUnreadable(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigUnreadable(f"{path}: not UTF-8 text") from exc
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigUnreadable(f"{path}: {exc}") from exc
    document["theme"] = theme
    atomic_write_bytes(path, tomlkit.dumps(document).encode("utf-8"))


def ensure_config_file(path: Path) -> None:
    """Create a commented template so users find the settings they can change."""
    if not path.exists():
        from broadsheet.store.storage.atomic import atomic_write_bytes

        atomic_write_bytes(path, TEMPLATE.encode("utf-8"))

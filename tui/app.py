"""The Broadsheet Textual application. It is given its store (and config), so tests pass temp ones."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.driver import Driver
from textual.events import AppFocus
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from broadsheet.config import Config, ConfigUnreadable, save_theme
from broadsheet.resources import stylesheets
from broadsheet.store.collector import resume_after_start
from broadsheet.store.errors import StoreFileError
from broadsheet.store.reader.searcher import Searcher
from broadsheet.store.search.query import Query, SearchResult, never
from broadsheet.store.storage.db import Store, StoryMeta
from broadsheet.store.storage.userstate import StoryState
from broadsheet.tui.bindings import bindings_of
from broadsheet.tui.commands import StoryCommands
from broadsheet.tui.escape_keys import EscapeKeyParser, escape_then, install
from broadsheet.tui.graphics_probe import Protocol, choose_protocol, off_cause
from broadsheet.tui.notices import notice_width, wrap_paths
from broadsheet.tui.screens.help import HelpScreen, key_label
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.widgets.sidebar import Sidebar

#: The border of the region in focus in 16 colours (``TERM=xterm``), on a dark theme and on a light
#: one: a theme's accent comes out there as one of the 16, textual-dark's orange as bright red, the
#: colour of its errors and warnings, and the list in focus read as an error.
SIXTEEN_COLOUR_FOCUS = {True: "ansi_bright_cyan", False: "ansi_blue"}


class BroadsheetApp(App[None]):
    TITLE = "Broadsheet"
    CSS_PATH = stylesheets()  # type: ignore[assignment]
    COMMANDS = App.COMMANDS | {StoryCommands}
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit_anywhere")]

    def __init__(self, store: Store, config: Config | None = None, graphics: Protocol | None = None,
                 typed_ahead: str = "") -> None:
        super().__init__()
        #: Keys that came before the main screen was up, to act on in order once it is (None then):
        #: those typed as `broadsheet run` started, read from the tty with the terminal's graphics
        #: answer, and those the driver read while the screen was being composed.
        self._held: list[events.Key] | None = _keys_of(typed_ahead)
        self.store = store
        self.config = config or Config(path=store.folder / "no-config.toml")
        # How photos are drawn: probed by `broadsheet run` before the app owns the terminal;
        # otherwise (tests, serve) half-blocks, or none under NO_COLOR / images = false.
        chosen = graphics or choose_protocol(os.environ, images=self.config.images)
        self.graphics: Protocol = "off" if not self.config.images or self.no_color else chosen
        self.images_off_cause = off_cause(os.environ, images=self.config.images)  # said when v finds them off
        self.searcher = Searcher()
        self._theme_ready = False
        #: When the last key reached the reader (``time.monotonic``, taken by the input thread as it read
        #: the key): a key held down repeats at its pace even while drawing keeps the reader behind.
        self.key_time = 0.0
        self._notices: dict[str, Notification] = {}  # the last notice of each kind shown one at a time
        if self.config.theme and self.config.theme in self.available_themes:
            self.theme = self.config.theme

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notice is plain text, whatever a caller asks: notices quote tags, searches, saved
        searches' names, file names and config values, and a ``[/b]`` in one crashed the reader. A long
        path in one is broken after a ``/``, never inside a name (:func:`wrap_paths`)."""
        message = wrap_paths(message, notice_width(self.size.width))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_notify(self, event: Notify) -> None:
        """A notice given while the help screen is shown waits under it (Textual drew it over the keys);
        one arriving as the app closes, its screens gone (a fetch ending), is dropped: it raised."""
        if not self.screen_stack:
            event.prevent_default()
            return
        if isinstance(self.screen, HelpScreen):
            self.screen.hold(event.notification)
            event.prevent_default()  # not App's handler: it would be shown and time out under the help

    def notice(self, kind: str, message: str, timeout: float) -> None:
        """A short notice of which one ``kind`` shows at a time (from the app's thread): the new one
        takes the place of the last. Pressing ``b`` six times in a second piled six toasts over the
        list, each saying the opposite of the one before."""
        last = self._notices.get(kind)
        if last is not None and last in self._notifications:
            self._unnotify(last, refresh=False)
        elif last is not None:  # still on its way (keys read in one go): it is never shown
            last.timeout = 0
        message = wrap_paths(message, notice_width(self.size.width))
        self._notices[kind] = notification = Notification(message, "", "information", timeout, markup=False)
        self.post_message(Notify(notification))

    def get_driver_class(self) -> type[Driver]:
        return install(super().get_driver_class())  # reads Esc then a key in one read as Esc then the key

    def get_default_screen(self) -> Screen:
        return MainScreen(self.store)

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(self.config.keys)
        for problem in [*self.config.problems, *self.config.notes]:
            self.notify(problem, title="Config", severity="warning", timeout=10)
        if self.config.theme and self.config.theme not in self.available_themes:
            self.notify(f"{self.config.path}: unknown theme {self.config.theme!r}; using the default",
                        title="Config", severity="warning", timeout=10)
        self._theme_ready = True
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        """After the first paint: the collector runs again (``broadsheet run`` paused it for the
        start), and the search index opens (it competes for the GIL)."""
        resume_after_start(freeze=True)
        self._open_index()

    @work(thread=True, group="index", exit_on_error=False)
    def _open_index(self, quiet: bool = False) -> None:
        """Open (or rebuild) the search index off the UI thread; until then a word filter serves.

        Opens run one at a time, so the one that ends last read the newest store. (Cancelling
        an older open would not do: its thread runs on, and could end last with the older index.)
        ``quiet``: stories added to the index go unsaid (a problem or a rebuild is still said)."""
        def say(message: str) -> None:
            self.call_from_thread(self.notify, message, title="Search", timeout=6)

        try:
            self.searcher.open(self.store, say, (lambda _m: None) if quiet else say)
        except (StoreFileError, OSError) as exc:
            say(f"Full-text search is unavailable ({exc}); searching headlines and credits only. "
                "`broadsheet repair` can rebuild it.")
            return
        self.call_from_thread(self._index_ready)

    def index_still(self, waiting: Callable[[], None] | None = None) -> contextlib.AbstractContextManager[None]:
        """While a large change of the stories is written: the index is not opened or caught up
        meanwhile (see :meth:`Searcher.still`); the catch-up comes after the change."""
        return self.searcher.still(waiting)

    def catch_up_index(self, stale: bool = False) -> None:
        """After the store changed (a delete, its undo, another process's import): reopen the
        index, which adds what it lacks. Unsaid: the reader says what changed ("Brought back
        1 story", "3 new stories"); that the index followed is no news. ``stale``: the index
        lacks stories the list holds (an undo brought back 10,000): until it has them, searches
        go to the word filter, or wait for it past ``FALLBACK_MAX`` stories, rather than list
        "0 of 10,000" for the seconds it takes."""
        if stale:
            self.searcher.forget()
        self._open_index(quiet=True)

    @property
    def main_screen(self) -> MainScreen | None:
        """The reader's main screen, wherever it is in the stack (dialogs sit above it)."""
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def _index_ready(self) -> None:
        screen = self.main_screen
        if screen is not None and screen.reader.query_text.strip():
            screen.run_search(screen.reader.query_text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.report_worker_failure(event)

    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """Say when a worker (the index opening, a search) failed, rather than leave stale results.

        Workers run with ``exit_on_error=False``, so the reader keeps going; the failures a
        worker expects (a bad query, an unreadable index) it reports itself.
        """
        if event.state != WorkerState.ERROR:
            return
        groups = {"search": "Search", "more": "Search", "index": "Opening the search index"}
        what = groups.get(event.worker.group, "A background task")
        error = event.worker.error
        self.notify(f"{what} failed: {type(error).__name__}: {error}", title="Error", severity="error", timeout=10)

    def get_css_variables(self) -> dict[str, str]:
        """Textual's, and ``$focus-border``, the border of the region in focus and of the dialogs: the
        theme's accent, but in 16 colours a calm one, for the inputs' focus (Textual's ``$border``) and
        the footer's key letters (the accent too: they were bright red, as errors are) as well."""
        variables = super().get_css_variables()
        variables["focus-border"] = variables["accent"]
        if self.console.color_system == "standard":
            calm = SIXTEEN_COLOUR_FOCUS[self.current_theme.dark]
            variables["focus-border"] = variables["border"] = variables["footer-key-foreground"] = calm
        return variables

    def watch_theme(self, theme: str) -> None:
        """Persist a theme chosen in the palette to the config file."""
        if self._theme_ready and theme != self.config.theme and self.config.path.name == "config.toml":
            try:
                save_theme(self.config.path, theme)
                self.config.theme = theme
            except ConfigUnreadable as exc:
                self.notify(f"Theme not saved: the config file has an error: {exc}", title="Config",
                            severity="warning", timeout=10)
            except OSError as exc:
                self.notify(f"Could not save the theme: {exc}", severity="warning")

    def search(self, query: Query, stories: Sequence[StoryMeta], states: Mapping[str, StoryState],
               offset: int = 0, stop: Callable[[], bool] = never, every: bool = False,
               count_later: bool = False, page: int | None = None) -> SearchResult:
        """Run a parsed query for the main screen, from a worker thread (see :meth:`Searcher.search`)."""
        return self.searcher.search(query, stories, states, offset, stop, every, count_later, page)

    def count(self, query: Query, stories: Sequence[StoryMeta], states: Mapping[str, StoryState],
              stop: Callable[[], bool] = never) -> int:
        """How many stories a query matches, from a worker thread (see :meth:`Searcher.count`)."""
        return self.searcher.count(query, stories, states, stop)

    @property
    def keymap(self) -> dict[str, str]:
        """Binding id -> keys, as set from the config's [keys] (normalised by Textual)."""
        return dict(self._keymap)

    async def on_event(self, event: events.Event) -> None:
        """Keys are acted on in the order they arrive, whatever the focus was when they did.

        Textual hands a key to the focused widget's queue and resolves its binding when it
        bubbles back up, by then against the focus that *later* keys may have moved: Esc and
        "/" arriving in one read (a laggy SSH link) ran the letters typed after "/" as list
        commands. So a key whose binding is known now runs now, and a text field's printable key
        goes into it now.
        Esc then a key in one read reaches the app as one Alt key (see escape_keys); the reader
        binds no Alt keys, so unless a keymap does, it is Esc and then the key.
        """
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._held is not None:  # a key acted on before the screen is up found no widgets
                self._held.append(event)
                return
            self.key_time = event.time
            if (keys := escape_then(event)) is not None and event.key not in self.screen.active_bindings:
                for key in keys:
                    await self.on_event(key)
                return
            if await self._run_binding_now(event):
                return
        await super().on_event(event)

    async def on_main_screen_up(self, _message: MainScreen.Up) -> None:
        held, self._held = self._held or [], None
        for key in held:
            await self.on_event(key)

    async def _run_binding_now(self, event: events.Key) -> bool:
        """Run the binding ``event`` has under the current focus, or type its character into the
        focused text field; False leaves it to Textual."""
        if self.screen.maximized is not None and event.key == "escape" and self.escape_to_minimize:
            return False  # Textual's: Esc restores the maximized widget (the user's keys still act below)
        focused = self.focused
        if isinstance(focused, Input) and event.is_printable and event.character:
            # Now, as Input does it: queued for the field, "/word" then Esc in one read cleared the
            # bar and only then typed the word into it.
            if focused.selection.is_empty:
                focused.insert_text_at_cursor(event.character)
            else:
                focused.replace(event.character, *focused.selection)
            return True
        if event.key == "ctrl+c" and self.screen.get_selected_text() is None and not (
                isinstance(focused, Input) and not focused.selection.is_empty):
            self.action_help_quit()  # nothing to copy: Textual's screen took the key and said nothing
            return True
        active = self.screen.active_bindings.get(event.key)
        if active is None or not active.enabled or active.binding.priority:
            return False
        return await self.run_action(active.binding.action, active.node)

    def action_help_quit(self) -> None:
        """Ctrl+C, which a newsboat user presses to leave, copies here (a selection): say how to quit."""
        keys = sorted((not active.binding.priority, key) for key, active in self.active_bindings.items()
                      if active.binding.action in ("quit", "app.quit"))  # the one that quits in a text field too
        self.notice("quit", f"Ctrl+C copies selected text; {keys[0][1].title() if keys else 'Ctrl+Q'} quits", 4)

    async def action_quit(self) -> None:
        if (screen := self.main_screen) is not None:
            screen.save_session()
        await super().action_quit()

    def on_app_focus(self, _event: AppFocus) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.refresh_if_changed()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The reader's actions, and Textual's theme chooser and maximize: not its own keys panel
        beside the reader's help, a second "Quit" without a key, nor its screenshot."""
        for command in super().get_system_commands(screen):
            if command.title in ("Theme", "Maximize", "Minimize"):
                yield command
        if not isinstance(screen, MainScreen):
            return
        # The screen's, then the list's and the article's that are not scrolling (hidden from the
        # footer too) and whose key the screen's do not offer already (n: next unread, and in a
        # story with matches the next match).
        offered: set[str] = set()
        nodes: list[DOMNode] = [screen, screen.headlines, screen.article_view]
        for node in nodes:
            for binding in bindings_of(node, self.keymap):
                keys = set(binding.key.split(","))
                if binding.description and (node is screen or (binding.show and not keys & offered)):
                    offered |= keys
                    yield SystemCommand(binding.description, f"Key: {key_label(binding.key.split(',')[0])}",
                                        lambda node=node, action=binding.action: node.run_action(action))
        for binding in bindings_of(Sidebar, self.keymap):  # the sidebar's that are the screen's: a feed subscribed
            if binding.action.startswith("screen."):
                yield SystemCommand(binding.description + "…",
                                    f"Key: {key_label(binding.key.split(',')[0])} in the filters sidebar",
                                    lambda action=binding.action: screen.run_action(action))


def _keys_of(typed: str) -> list[events.Key]:
    """The key events of text read from the tty, as the driver reads them (``install``)."""
    parser = EscapeKeyParser()
    return [e for e in (*parser.feed(typed), *parser.feed("")) if isinstance(e, events.Key)] if typed else []

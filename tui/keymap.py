"""Checking the ``[keys]`` of the config against the reader's real bindings.

Textual ignores a keymap entry it cannot use: a key that is no key (``"notakey+++"``)
silently unbinds the action, an unknown binding id does nothing, and two bindings on
one key shadow each other: the app's priority keys (Textual's Ctrl+Q, Ctrl+P) come before
all others, in one node one binding takes the key from the other (a screen's Tab no longer
moves the focus), and a text field's key (the search bar's Right) hides the screen's. A key the
user gave a screen's action wins over a focused widget's movement keys (the list's j and Right),
not over an action it offers in the footer (the sidebar's x): :func:`user_keys_first`. Only a screen,
its focused widget and the app answer a key together, so the photo screen's keys never meet
the article view's. :func:`check_keymap` finds all of these, reading Textual's bindings from
its classes, so ``config check`` and the reader's start can say so; only the entries that are
sound are applied, so a typo leaves the default key working.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from textual import actions
from textual.app import App
from textual.binding import ActiveBinding, Binding
from textual.dom import DOMNode
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, _normalize_key_list, key_to_character
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input

from broadsheet.tui.bindings import Active, node_bindings

#: Said of a ``[keys]`` entry whose id is no binding's (the reader's notice names the entry and
#: a close id; ``config check`` lists them all, which at the reader's start was taller than the screen).
UNKNOWN_ID = "no binding has this id"
MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_NAMED_KEYS = {k.value for k in Keys if not k.value.startswith("<")} | set(KEY_NAME_REPLACEMENTS.values())


@dataclass(frozen=True, slots=True)
class Bound:
    """One binding of one class: its id (``None`` when it cannot be rebound) and keys."""

    owner: type
    binding: Binding


def key_problem(key: str) -> str | None:
    """Why ``key`` (one key, after normalising) is not a key Textual can deliver, or None."""
    control = next((c for c in key if not c.isprintable() and c != " "), None)
    if control is not None:  # "\u0000" passed as a one-letter key: the action was left on no key at all
        return f"it holds a control character (U+{ord(control):04X}), which is no key"
    *modifiers, name = key.split("+")
    if not name:
        return "it ends in '+'"
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown:
        return f"{unknown[0]!r} is not a modifier (ctrl, shift, alt, meta, super)"
    if modifiers == ["shift"] and len(name) == 1 and name.isalpha():  # Shift+M arrives as "M"
        return f"Shift with a letter arrives as the capital letter: write {name.upper()!r}"
    if len(name) == 1 or name in _NAMED_KEYS or key_to_character(name) is not None:
        return None
    named = f"{name!r} is" if modifiers else "it is"
    return f"{named} not a key name (use names such as a, B, ctrl+b, f5, slash, question_mark, pageup)"


def all_bindings() -> list[Bound]:
    """Every binding declared by a class of the reader (``broadsheet.tui``), in module order."""
    import broadsheet.tui as package

    found: list[Bound] = []
    seen: set[type] = set()
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls in seen or cls.__module__ != module.__name__ or "BINDINGS" not in vars(cls):
                continue
            seen.add(cls)
            found += [Bound(cls, b) for b in vars(cls)["BINDINGS"] if isinstance(b, Binding)]
    return found


def binding_ids() -> dict[str, Bound]:
    """The binding ids a user can rebind in ``[keys]``, e.g. ``app.quit``."""
    return {b.binding.id: b for b in all_bindings() if b.binding.id}


@functools.cache
def default_keys(binding_id: str) -> str:
    """The keys a binding id has when ``[keys]`` leaves it (``down,j``: all of them, as declared)."""
    return binding_ids()[binding_id].binding.key


def screens() -> dict[type[Screen[Any]], tuple[type[Widget], ...]]:
    """Each screen of the reader and the widgets on it that take focus: only bindings of one
    screen, its focused widget and the app answer a key together (a test checks this list
    against the running reader)."""
    from broadsheet.tui.screens.dialogs import ConfirmScreen, PromptInput, PromptScreen
    from broadsheet.tui.screens.help import HelpBody, HelpScreen
    from broadsheet.tui.screens.main import MainScreen
    from broadsheet.tui.screens.photo import Caption, PhotoScreen
    from broadsheet.tui.widgets.article_view import ArticleView
    from broadsheet.tui.widgets.credits_panel import CreditsPanel
    from broadsheet.tui.widgets.headline_list import HeadlineList
    from broadsheet.tui.widgets.search_bar import SearchBar
    from broadsheet.tui.widgets.sidebar import Sidebar

    return {MainScreen: (HeadlineList, ArticleView, CreditsPanel, SearchBar, Sidebar), PhotoScreen: (Caption,),
            HelpScreen: (HelpBody,), ConfirmScreen: (), PromptScreen: (PromptInput,)}


def _with_keymap(keys: dict[str, list[Active]], keymap: dict[str, str]
                 ) -> tuple[dict[str, list[Active]], list[tuple[Active, Active]]]:
    """``keys`` as Textual's keymap leaves them, and (user's binding, the binding it put off its
    key) for each one a rebound binding replaced: a rebound binding leaves its old keys, and
    on each new key it holds, the node's other bindings of that key are gone."""
    rebound = {a.binding.id: a for found in keys.values() for a in found if a.binding.id in keymap}
    result = {key: [a for a in found if a.binding.id not in keymap] for key, found in keys.items()}
    new: dict[str, list[Active]] = {}
    for binding_id, a in rebound.items():
        for key in _normalize_key_list(keymap[binding_id]).split(","):
            if key:
                new.setdefault(key, []).append(replace(a, key=key, user=True))
    replaced = [(user, lost) for key, users in new.items() for lost in result.get(key, []) for user in users]
    result.update(new)
    return {key: found for key, found in result.items() if found}, replaced


@functools.cache
def _rebindable(node: type[DOMNode]) -> dict[str, Binding]:
    """Id -> binding, of the bindings a node of class ``node`` has that ``[keys]`` can rebind."""
    return {a.binding.id: a.binding for found in node_bindings(node).values() for a in found if a.binding.id}


def user_keys_first(focused: Widget | None, active: dict[str, ActiveBinding], keymap: Mapping[str, str]
                    ) -> dict[str, ActiveBinding]:
    """``active`` (a screen's bindings as Textual finds them, the focused widget's first) with each
    key the user bound in ``[keys]`` to an action of a node above the focused widget (its screen)
    doing that action rather than the widget's own or inherited key: the user asked for that key,
    and Textual let the list's Right (a scroll) take it. A text field keeps its keys: Left, Right,
    Home, End and Backspace edit. ``keymap`` is the applied one (``App.keymap``, normalised)."""
    if focused is None or isinstance(focused, Input) or not keymap:
        return active
    result = dict(active)
    below: set[DOMNode] = {focused}
    for node in focused.ancestors:
        for binding_id, binding in _rebindable(type(node)).items():
            for key in keymap[binding_id].split(",") if binding_id in keymap else ():
                now = result.get(key)
                if now is None or now.node not in below or now.binding.priority or now.binding.id in keymap \
                        or _offered(now.binding):
                    # Textual's choice already, the app's own key, another of the user's keys, or
                    # an action the widget offers in the footer (the sidebar's x deletes there;
                    # :func:`check_keymap` says so)
                    continue
                state = _action_state(node, binding.action)
                if state is not False:  # False: the action is not offered now, so the widget's key stays
                    result[key] = ActiveBinding(node, binding.with_key(key), bool(state), binding.tooltip)
        below.add(node)
    return result


def _offered(binding: Binding) -> bool:
    """A widget's own action shown in the footer (the sidebar's Delete): its key stays the widget's
    while it has focus, a key the user gave a screen's action notwithstanding. Its movement keys
    (the list's j, not shown) and Textual's own give way to the user's."""
    return bool(binding.id) and binding.show


def _action_state(node: DOMNode, action: str) -> bool | None:
    """``check_action`` of the node an action string names (``app.quit`` the app's) for ``node``'s binding."""
    destination, name, params = actions.parse(action)
    target = getattr(node.app, destination, None) if destination else node
    return target.check_action(name, params) if isinstance(target, DOMNode) else False


def _contexts() -> Iterator[tuple[type[Screen[Any]], type[Widget] | None]]:
    for screen, widgets in screens().items():
        yield screen, None
        for widget in widgets:
            yield screen, widget


def _consumed(widget: type[Widget] | None, key: str) -> bool:
    """A key the focused text field types rather than looks up (a letter in the search bar)."""
    character = key_to_character(key) if len(key) > 1 else key
    return widget is not None and issubclass(widget, Input) and character is not None and character.isprintable()


def check_keymap(keymap: dict[str, str], where: str) -> tuple[dict[str, str], list[str], list[str]]:
    """(the entries of ``keymap`` safe to apply, a problem message for each one that is not, a note of
    what the user should know of one applied: another binding keeps its key where a widget has focus)."""
    ids = binding_ids()
    problems: list[str] = []
    sound: dict[str, str] = {}
    for binding_id, text in keymap.items():
        if binding_id not in ids:
            close = difflib.get_close_matches(binding_id, ids, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{where}: keys.{binding_id}: {UNKNOWN_ID}{hint}; `broadsheet config check` lists the ids")
            continue
        keys = [k.strip() for k in text.split(",")]
        # The key is named only among several: 'shift+q': 'shift+q': ... said the value three times.
        why = next((f"{k!r}: {p}" if len(keys) > 1 else p
                    for k in keys if (p := key_problem(_normalize_key_list(k)) if k else "empty")), None)
        default = ids[binding_id].binding.key
        if why is not None:
            problems.append(f"{where}: keys.{binding_id} = {text!r}: {why}; keeping the default {default!r}")
            continue
        sound[binding_id] = text
    typed, said = _typed(sound, where)
    dropped, clashes, notes = _clashes({k: v for k, v in sound.items() if k not in typed}, where)
    kept = {k: v for k, v in sound.items() if k not in typed | dropped}
    return _keeping_arrows(kept, ids), problems + said + clashes, notes


#: Keys named for where they move, which a binding keeps when its letter is rebound.
MOVEMENT_KEYS = frozenset({"up", "down", "left", "right", "pageup", "pagedown", "home", "end"})


def _keeping_arrows(keymap: dict[str, str], ids: Mapping[str, Bound]) -> dict[str, str]:
    """``keymap`` with each binding's default movement keys added back (``list.down = "J"`` took
    Down off the list, unsaid): the README lists the arrows apart from the letters. One the user
    gives a binding of their own is left to it."""
    given = {key.strip() for text in keymap.values() for key in text.split(",")}
    out = {}
    for binding_id, text in keymap.items():
        keys = [key.strip() for key in text.split(",")]
        default = [key.strip() for key in ids[binding_id].binding.key.split(",")]
        out[binding_id] = ",".join(keys + [key for key in default if key in MOVEMENT_KEYS and key not in given])
    return out


def _typed(keymap: dict[str, str], where: str) -> tuple[set[str], list[str]]:
    """(the ids not applied, what is said): a printable key given to a binding that answers only
    while a text field has focus (the search bar's Esc, a dialog's) is typed into the field, so it
    would never do the binding's action."""
    problems: list[str] = []
    dropped: set[str] = set()
    for screen, widgets in screens().items():
        fields = [w for w in widgets if issubclass(w, Input)]
        alone = bool(widgets) and len(fields) == len(widgets)  # the screen's keys answer only in a field
        for owner in [*fields, *([screen] if alone else [])]:
            for binding_id, binding in _rebindable(owner).items():
                if binding_id not in keymap or binding_id in dropped:
                    continue
                typed = [k for k in _normalize_key_list(keymap[binding_id]).split(",") if _consumed(fields[0], k)]
                if typed:
                    problems.append(f"{where}: keys.{binding_id} = {keymap[binding_id]!r}: {typed[0]!r} is typed into "
                                    f"the text field, so it would never do {binding.description or binding.action}; "
                                    f"keeping the default {default_keys(binding_id)!r}")
                    dropped.add(binding_id)
    return dropped, problems


def _clashes(keymap: dict[str, str], where: str) -> tuple[set[str], list[str], list[str]]:
    """(the ids whose keys are not applied, what is said of them, what is said of keys applied) for the
    sound entries of ``keymap``.

    Only a screen's bindings, its focused widget's and the app's answer a key together, and
    Textual's own count: the app's priority keys (Ctrl+Q, Ctrl+P) come before every other, so
    a binding put there never fires; a key two bindings of one node share does one of them
    only, and a screen's Tab moves the focus; neither is applied, the defaults stay. A user's key
    wins over a focused widget's movement keys (the list's j and Right, which scroll): unsaid. A
    text field's keys (the search bar's Right), an action the widget offers in the footer (the
    sidebar's x deletes) and a key the user gave the widget hide the screen's: applied, but said."""
    problems: list[str] = []
    notes: list[str] = []
    dropped: set[str] = set()

    def say(text: str, applied: bool = False) -> None:
        into = notes if applied else problems
        if text not in into:
            into.append(text)

    def keeping(*bound: Active) -> str:
        return " and ".join(b.binding.id for b in bound if b.user and b.binding.id)

    nodes: dict[type, dict[str, list[Active]]] = {}
    app = _app_class()
    for node in dict.fromkeys([app, *(n for context in _contexts() for n in context if n is not None)]):
        nodes[node], replaced = _with_keymap(node_bindings(node), keymap)
        for user, lost in replaced:
            if lost.textual and not issubclass(node, App | Screen):
                continue  # a widget's own scroll or editing key, given to its own action
            say(f"{where}: {user.name} and {lost.name} are both on {user.key!r}; keeping the default keys of "
                f"{keeping(user)}")
            dropped.add(user.binding.id or "")
        for found in nodes[node].values():
            if len(found) > 1 and any(a.user for a in found):  # two of the user's keys on one
                say(f"{where}: {found[0].name} and {found[1].name} are both on {found[0].key!r}; keeping the "
                    f"default keys of {keeping(*found)}")
                dropped |= {a.binding.id or "" for a in found if a.user}
    hidden: dict[tuple[str, str], list[tuple[type, Active]]] = {}  # (name, key) -> (widget, what it does)
    taken: dict[str, tuple[Active, dict[str, Active]]] = {}  # the user's priority key -> (it, bindings it hides)
    for screen, widget in _contexts():
        chain = [n for n in (widget, screen, None if issubclass(screen, ModalScreen) else app) if n is not None]
        for key in sorted({key for node in (*chain, app) for key in nodes[node]}):
            answering = [a for node in chain for a in nodes[node].get(key, [])]
            first = next((a for node in (app, screen, widget) if node is not None
                          for a in nodes[node].get(key, []) if a.binding.priority), None)
            if not any(a.user for a in answering) and not (first is not None and first.user):
                continue
            if first is not None:
                if first.user and not _consumed(widget, key):  # the user's app-wide key takes another's
                    taken.setdefault(first.binding.id or "", (first, {}))[1].update(
                        {a.name: a for a in answering if a is not first})
                for a in answering:
                    if a is not first and a.user:
                        say(f"{where}: keys.{a.binding.id} = {keymap[a.binding.id or '']!r}: {key!r} is the "
                            f"app's own key ({first.binding.tooltip or first.what}) before any other; keeping the "
                            f"default {default_keys(a.binding.id or '')!r}")
                        dropped.add(a.binding.id or "")
                continue
            if widget is None or _consumed(widget, key) or not nodes[widget].get(key):
                continue
            first = nodes[widget][key][0]
            if not first.user and not issubclass(widget, Input) and not _offered(first.binding):
                continue  # the user's key wins over the widget's movement keys (user_keys_first)
            for a in answering:
                if a.node is not widget and (a.user or first.user):
                    hidden.setdefault((a.name, key), []).append((widget, first))
    for binding_id, (mine, hides) in taken.items():
        if not hides:
            continue
        text = f"{where}: keys.{binding_id} = {keymap[binding_id]!r}: {mine.key!r} is then the app's own key, " \
               f"before any other: {_either(list(hides), 'and')} would never have it"
        if all(a.textual for a in hides.values()):  # a text field's editing key (Ctrl+X cuts): said, applied
            say(text, applied=True)
        else:
            say(f"{text}; keeping the default {default_keys(binding_id)!r}")
            dropped.add(binding_id)
    for (name, key), widgets in hidden.items():
        if len(widgets) == 1:
            widget, first = widgets[0]
            say(f"{where}: {name} and {first.name} are both on {key!r}: while the {_named(widget)} has focus, "
                f"{key!r} does {first.what}", applied=True)
            continue
        doing: dict[str, list[str]] = {}
        for widget, first in widgets:
            doing.setdefault(first.what, []).append(_named(widget))
        said = "; ".join(f"while the {_either(names)} has focus, {key!r} does {what}" for what, names in doing.items())
        say(f"{where}: {name} is on {key!r}, a key {len(widgets)} widgets have too: {said}", applied=True)
    return dropped - {""}, problems, notes


def _named(widget: type) -> str:
    """A widget as a message names it, in words: "search bar", "sidebar" (not ``SearchBar``, ``Sidebar``)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", widget.__name__).lower()


def _either(names: list[str], word: str = "or") -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def _app_class() -> type[App[Any]]:
    from broadsheet.tui.app import BroadsheetApp

    return BroadsheetApp

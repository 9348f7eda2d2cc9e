"""Checking the ``[keys]`` of the config against the reader's real bindings.

Textual ignores a keymap entry it cannot use: a key that is no key (``"notakey+++"``)
silently unbinds the action, an unknown binding id does nothing, and two bindings on
one key shadow each other (in one class one never fires; a focused widget's key hides
the screen's). :func:`check_keymap` finds all three, so ``config check`` and
the reader's start can say so; only the entries that are sound are applied, so a typo
leaves the default key working.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, _normalize_key_list, key_to_character
from textual.screen import Screen

MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_NAMED_KEYS = {k.value for k in Keys if not k.value.startswith("<")} | set(KEY_NAME_REPLACEMENTS.values())


@dataclass(frozen=True, slots=True)
class Bound:
    """One binding of one class: its id (``None`` when it cannot be rebound) and keys."""

    owner: type
    binding: Binding

    @property
    def level(self) -> str:
        """"screen" for the app and full screens (their keys work under every widget), else "widget"."""
        return "screen" if issubclass(self.owner, App | Screen) else "widget"


def key_problem(key: str) -> str | None:
    """Why ``key`` (one key, after normalising) is not a key Textual can deliver, or None."""
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


def _keys(bound: Bound, keymap: dict[str, str]) -> list[str]:
    text = keymap.get(bound.binding.id or "", bound.binding.key)
    return [k for k in _normalize_key_list(text).split(",") if k]


def _clashes(bindings: list[Bound], keymap: dict[str, str]) -> Iterator[tuple[str, Bound, Bound]]:
    """(key, a, b) for two bindings that would answer the same key where both are active.

    Bindings of one class clash on a shared key; so does a screen's (or the app's) binding
    with any widget's, since the focused widget's binding wins and hides it.
    """
    for i, a in enumerate(bindings):
        for b in bindings[i + 1:]:
            same_class = a.owner is b.owner
            if not same_class and a.level == b.level:
                continue
            for key in set(_keys(a, keymap)) & set(_keys(b, keymap)):
                yield key, a, b


def _name(bound: Bound) -> str:
    return bound.binding.id or f"{bound.owner.__name__} {bound.binding.description or bound.binding.action}"


def check_keymap(keymap: dict[str, str], where: str) -> tuple[dict[str, str], list[str]]:
    """(the entries of ``keymap`` safe to apply, a problem message for each one that is not)."""
    ids = binding_ids()
    problems: list[str] = []
    sound: dict[str, str] = {}
    for binding_id, text in keymap.items():
        if binding_id not in ids:
            problems.append(f"{where}: keys.{binding_id}: no binding has this id; the ids are "
                            f"{', '.join(sorted(ids))}")
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
    # Two bindings of one class on one key: one of them could never fire, so neither user entry
    # is applied and the defaults (which never clash) stay. A widget's key over a screen's is
    # applied, but said: while that widget has focus the key does the widget's action.
    dropped: set[str] = set()
    for key, a, b in _clashes(all_bindings(), sound):
        if a.binding.id not in sound and b.binding.id not in sound:
            continue
        if a.owner is b.owner:
            problems.append(f"{where}: {_name(a)} and {_name(b)} are both on {key!r}; keeping the default keys of "
                            f"{' and '.join(x.binding.id for x in (a, b) if x.binding.id in sound)}")
            dropped |= {x.binding.id for x in (a, b) if x.binding.id in sound}
        else:
            screen, widget = (a, b) if a.level == "screen" else (b, a)
            problems.append(f"{where}: {_name(screen)} and {_name(widget)} are both on {key!r}: while the "
                            f"{widget.owner.__name__} has focus, {key!r} does {widget.binding.description or 'that'}")
    return {k: v for k, v in sound.items() if k not in dropped}, problems

"""The reader's bindings as Textual merges them: one walk that the help screen, the dialogs' hint
lines, the command palette and the ``[keys]`` check all read, so what help says is a key and
what the check thinks is bound cannot drift apart (they walked the classes two ways before).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode


@dataclass(frozen=True, slots=True)
class Active:
    """A binding as a node of class ``node`` has it: declared by ``owner`` (``node`` or a base,
    Textual's included) at ``place`` among its ``BINDINGS`` (one per key), on ``key``; ``user``:
    put there by the config's ``[keys]``."""

    node: type
    owner: type
    binding: Binding
    key: str
    user: bool = False
    place: int = 0

    @property
    def textual(self) -> bool:
        return not self.owner.__module__.startswith("broadsheet.")

    @property
    def what(self) -> str:
        return self.binding.description or self.binding.tooltip or self.binding.action

    @property
    def name(self) -> str:
        if self.binding.id and not self.textual:
            return self.binding.id
        return f"{self.node.__name__} {self.what}" + (" (Textual's)" if self.textual else "")


def node_bindings(node: type[DOMNode]) -> dict[str, list[Active]]:
    """Key -> the bindings a node of class ``node`` answers it with, merged as Textual's
    ``DOMNode._merge_bindings`` merges them: each class's ``BINDINGS`` (Textual's own classes
    too; not a mixin's, which is no DOMNode) replace its bases' on a key; an app adds the command
    palette's key when it has none of its own."""
    keys: dict[str, list[Active]] = {}
    for owner in reversed(node.__mro__):
        if not issubclass(owner, DOMNode):
            continue
        declared: dict[str, list[Active]] = {}
        for place, binding in enumerate(Binding.make_bindings(vars(owner).get("BINDINGS", []))):
            declared.setdefault(binding.key, []).append(Active(node, owner, binding, binding.key, place=place))
        keys.update(declared)
    if issubclass(node, App) and node.ENABLE_COMMAND_PALETTE and not any(
            a.binding.action in {"command_palette", "app.command_palette"} for found in keys.values() for a in found):
        palette = Binding(node.COMMAND_PALETTE_BINDING, "command_palette", "palette", show=False, priority=True,
                          tooltip="Open the command palette")
        keys.setdefault(palette.key, []).append(Active(node, App, palette, palette.key))
    return keys


def bindings_of(node: DOMNode | type[DOMNode], keymap: Mapping[str, str]) -> list[Binding]:
    """The reader's own bindings a node answers with (not Textual's scrolling and editing ones),
    most specific class first, one per action with all its keys, and the keys ``keymap`` (the
    app's, from the config) gives them in place of the declared ones: what help, the dialogs'
    hints and the palette say is a key."""
    cls = node if isinstance(node, type) else type(node)  # (a screen not open: its class)
    live = sorted((a for found in node_bindings(cls).values() for a in found if not a.textual),
                  key=lambda a: (cls.__mro__.index(a.owner), a.place))
    found: dict[str, Binding] = {}
    rebound: set[str] = set()  # ids whose keys are the keymap's, said once ("down,j" is two bindings)
    for active in live:
        binding = active.binding
        keys = binding.key
        if binding.id and keymap.get(binding.id):
            if binding.id in rebound:
                continue
            rebound.add(binding.id)
            keys = keymap[binding.id]
        earlier = found.get(binding.action)
        found[binding.action] = dataclasses.replace(earlier, key=f"{earlier.key},{keys}") if earlier else \
            dataclasses.replace(binding, key=keys)
    return list(found.values())

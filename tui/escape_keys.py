"""Esc followed by a key in one terminal read is Esc and then that key.

A terminal sends Esc as the byte ESC and Alt+key as ESC followed by the key, so when Esc and
the next key reach the reader in one read (tmux ``send-keys``, a laggy SSH link, a quick
typist) the bytes cannot tell them apart. Textual's input parser (``XTermParser`` in
``textual/_xterm_parser.py``, Textual 8.2.8) settles it unevenly and loses the Esc in most
cases: ESC+letter becomes Alt+letter, ESC+``/`` (any punctuation or space, ESC+Ctrl+U, ESC+Enter)
becomes the plain key, ESC+``b``/``f`` become Ctrl+Left/Right and ESC+digit, ``-`` or ``=`` a macOS
Option character (``¡``). Until one of those is decided it waits for the rest of a sequence, so
keys typed meanwhile pile up behind it (after 32 of them the Esc is typed as ``^``).

The reader binds no Alt keys, and a newsboat or mutt user pressing Esc means Esc. So:

- `EscapeKeyParser` reads ESC + one character that cannot begin a longer key sequence (all but
  ``[`` and ``O``, which begin CSI and SS3) at once as one Alt key, named as Textual names Alt
  keys (``alt+j``, ``alt+shift+j``; ``alt+slash``, ``alt+ctrl+u`` where Textual drops the Alt),
  with the character. Nothing is lost and nothing waits. ESC+Backspace (Alt+Backspace: delete a
  word) and ESC+Tab (Shift+Tab on some terminals) keep the meaning Textual gives them.
- The app turns an Alt key that no active binding uses into Esc then the key (`escape_then`),
  so a keymap that binds an Alt key still gets it.

Pinned-version sensitive: Textual has no seam for its parser. `EscapeKeyParser` overrides the
private ``XTermParser._sequence_to_key_events``, which ``parse`` calls for the characters after
an ESC (ending the sequence at the first call that yields a key) and, with ``alt=True``, for the
character after an ESC it gave up on; `install` puts the parser under the module name
``XTermParser`` from which a driver's input thread builds its parser (``LinuxDriver.run_input_thread``).
tests/test_escape_keys.py fails if a Textual upgrade changes either.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import FunctionType

from textual import events
from textual._xterm_parser import XTermParser
from textual.driver import Driver

ESC = "\x1b"
#: Characters that begin a longer sequence after ESC (CSI ``ESC [``, SS3 ``ESC O``): still decided by Textual.
SEQUENCE_STARTS = frozenset("[O")
#: ESC + these keep Textual's meaning: Alt+Backspace deletes a word; ESC Tab is Shift+Tab on some terminals.
TEXTUAL_KEEPS = frozenset("\x7f\t")


class EscapeKeyParser(XTermParser):
    """Textual's parser, with ESC + a character read at once as one Alt key that keeps the character."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if len(sequence) == 2 and sequence[0] == ESC and sequence[1] not in SEQUENCE_STARTS | TEXTUAL_KEEPS:
            character = sequence[1]  # ESC + a character, read as one: decided now
        elif alt and len(sequence) == 1 and sequence not in TEXTUAL_KEEPS:
            character = sequence  # the character after an ESC that timed out waiting (ESC [, ESC O)
        else:
            yield from super()._sequence_to_key_events(sequence, alt)
            return
        named = list(super()._sequence_to_key_events(character, alt=True))
        if len(named) != 1:  # no single key for the character (none in Textual 8.2.8): as Textual reads it
            yield from super()._sequence_to_key_events(sequence, alt)
            return
        key = named[0].key
        yield events.Key(key if key.startswith("alt+") else f"alt+{key}", character)


_NAMES = XTermParser()  # names a character read on its own, as the driver's parser does


def escape_then(event: events.Key) -> tuple[events.Key, events.Key] | None:
    """Esc and the key that ``event``, an Alt key read from ESC + one character, stands for; else None."""
    if not event.key.startswith("alt+") or event.character is None or len(event.character) != 1:
        return None
    alone = next(iter(_NAMES._sequence_to_key_events(event.character)), None)
    return None if alone is None else (events.Key("escape", ESC), alone)


def install(driver: type[Driver]) -> type[Driver]:
    """Have ``driver`` read keys with `EscapeKeyParser`, if its input thread builds Textual's parser by name.

    That is the terminal drivers (``LinuxDriver``, ``LinuxInlineDriver``, ``WebDriver``); the name is
    replaced in their module, so it holds for every driver of that module in this process.
    """
    reader = getattr(driver, "run_input_thread", None)
    if (isinstance(reader, FunctionType) and "XTermParser" in reader.__code__.co_names
            and reader.__globals__.get("XTermParser") is XTermParser):
        reader.__globals__["XTermParser"] = EscapeKeyParser
    return driver

"""Command palette provider: jump to a story by headline, to a tag or to a saved search."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from itertools import islice
from typing import Any

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from broadsheet.store.storage.userstate import tag_filter

#: Stories the palette offers by headline, newest first: the search bar finds the rest (a store of
#: a million would make a million rows each time the palette opens).
PALETTE_STORIES = 5_000

#: The sidebar's filters, offered by name: the stories they list.
FILTERS = (("Show bookmarked stories", "is:bookmarked"), ("Show unread stories", "is:unread"),
           ("Show new stories (the latest fetch's)", "is:new"))

#: Titles matched between two looks at the event loop: a search of 5,000 headlines gives way to
#: the keys typed meanwhile and stops as soon as the palette cancels it.
MATCH_STEP = 200


class StoryCommands(Provider):
    """Stories, tags and saved searches of the open store."""

    _targets_listed: Sequence[tuple[str, str, Callable[[], Any]]] = ()

    async def startup(self) -> None:
        """The targets, listed once per opening of the palette: each key typed in it searched them
        again after listing up to 5,000 stories anew, and the palette fell behind the keys."""
        self._targets_listed = self._targets()

    def _targets(self) -> list[tuple[str, str, Callable[[], Any]]]:
        from broadsheet.tui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return []
        targets: list[tuple[str, str, Callable[[], Any]]] = []
        for tag in screen.reader.known_tags():
            targets.append((f"Tag: {tag}", "Show stories with this tag", partial(screen.set_query, tag_filter(tag))))
        for name, query in screen.reader.saved_searches().items():
            targets.append((f"Saved search: {name}", query, partial(screen.set_query, query)))
        for title, query in FILTERS:  # the sidebar's filters ("bookm" offered the Bookmark key alone)
            targets.append((title, query, partial(screen.set_query, query)))
        for meta in islice(screen.reader.stories, PALETTE_STORIES):
            targets.append((meta.headline, meta.source or "Story", partial(screen.jump_to, meta.id)))
        return targets

    async def discover(self) -> Hits:
        for title, help_text, callback in self._targets_listed[:50]:
            if not title.startswith(("Tag:", "Saved search:")):
                break
            yield DiscoveryHit(_with_help(Content(title), help_text), callback, text=title)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        found = 0
        for n, (title, help_text, callback) in enumerate(self._targets_listed):
            if n % MATCH_STEP == 0:
                await asyncio.sleep(0)  # where the palette's cancel lands (a newer key, or Esc)
                if not CommandPalette.is_open(self.app):
                    return  # closed or covered: a late hit would go to a palette being taken down
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, _with_help(_highlighted(matcher, title), help_text), callback, text=title)
                found += 1
                if found >= 200:
                    break


def _with_help(title: Content, help_text: str) -> Content:
    """The title with its help line below, as the palette draws a hit's ``help``, but as plain
    text: the palette reads ``help`` as markup, and ``textual.markup.escape`` lets tags through
    (``[ @click=app.quit]``, ``[$accent]``): a page's publisher name ran actions when clicked."""
    return Content.assemble(title, "\n", Content(help_text).stylize_before("dim not bold"))


def _highlighted(matcher: Matcher, title: str) -> Content:
    """``title`` with the letters the query matched styled, as ``Matcher.highlight`` does, but
    read as plain text: that parses markup, and a headline holding ``[/b]`` failed the search."""
    content = Content(title)
    score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets if score else ():
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content

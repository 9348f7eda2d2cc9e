"""The headline list: one line per story, drawn on demand so a million rows cost nothing.

A ``ScrollView`` with the line API renders only the rows on screen; moving the cursor
re-renders two lines, and scrolling draws only the rows that come into view (drawn rows
are kept until the stories, the marks, the width or the styles change). Once a frame that
moved the cursor is drawn and no key waits, the next screenful the way it went is drawn
ahead, so a held PgDn's frame finds its rows ready (issue 17). Text from stories is turned
into ``Segment``s directly, so it is never parsed as markup. The screen follows ``cursor``
with a watcher (not a message) and shows the story once the cursor's frame is drawn (see
``MainScreen._highlighted``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.strip import Strip

from broadsheet.store.model import local_clock, local_day
from broadsheet.store.reader.ordering import index_of, listed_ids
from broadsheet.store.search.spans import TermMatcher, term_matcher
from broadsheet.store.storage.db import StoryMeta
from broadsheet.store.storage.userstate import EMPTY, StoryState
from broadsheet.tui.highlight import highlight
from broadsheet.tui.widgets.thumb import ThumbView, with_thumb

#: Drawn rows kept: a few screens' worth, so paging back and forth draws nothing again.
DRAWN_ROWS = 512
#: Rows drawn ahead between looks at the keys waiting (a row at a million stories: about 0.1 ms).
AHEAD_STEP = 8
#: Cells a row's tags may take however narrow the list (" [transport]"), up to half the headline's
#: room: a quarter of a 30-to-45-column list's room cut even a short tag to "[r…]".
TAG_CELLS = 12
#: The fewest cells worth giving tags (" [ab…]"): fewer say nothing but that there are some.
TAG_CELLS_LEAST = 7
#: Cells a headline keeps before the tags get any (the 36-column rows of a 100-column screen's list,
#: with the gap before the thumb: 20, and " [rail]").
HEADLINE_CELLS = 20
#: Cells a headline and its tags keep before the source gets any: in the 46-column list of a
#: 160-column screen a source cut to eight cells and a tag left the headline sixteen, every row
#: reading "Local story number…".
HEADLINE_AND_TAGS = 40
#: Blank cells between a row's text and the scroll thumb: at 80 columns a date ran into it ("04 Jun▐").
ROW_GAP = 1

#: Whether a row draws the source's column and the date's (see :func:`row_tail`).
Columns = tuple[bool, bool]
BOTH: Columns = (True, True)


class RowStyles:
    """The list's own style and its components', and the sums a row's pieces are drawn with
    (``base + piece``, as a row's rendered Text gives them)."""

    __slots__ = ("base", "body", "body_read", "cursor", "mark", "marker", "meta", "tags", "tags_read", "tail",
                 "thumb", "unread")

    def __init__(self, base: Style, mark: Style, unread: Style, meta: Style, cursor: Style, thumb: Style) -> None:
        self.base, self.mark, self.unread, self.meta, self.cursor = base, mark, unread, meta, cursor
        self.thumb = base + thumb
        self.marker = base + mark
        self.body, self.body_read = base + unread, base
        self.tags, self.tags_read = base + (unread + meta), base + meta
        self.tail = base + meta


@dataclass(frozen=True, slots=True)
class Row:
    meta: StoryMeta
    state: StoryState


def fit_cells(text: str, cells: int) -> str:
    """``text`` in exactly ``cells`` cells: padded, or cut with an ellipsis that says it was."""
    if cell_len(text) <= cells:
        return set_cell_size(text, cells)
    return cut_cells(text, cells)


def cut_cells(text: str, cells: int) -> str:
    """``text``, longer than ``cells``, cut to exactly ``cells`` cells ending in an ellipsis, which
    follows its last whole character: where a wide (CJK) character did not fit, its cell goes
    after the ellipsis (cut before it, "灯笼 …" read as a word then nothing)."""
    if cells <= 0:
        return ""
    kept = set_cell_size(text, cells - 1)
    if not text.startswith(kept):  # padded for a wide character that did not fit
        kept = kept[:-1]
    return kept + "…" + " " * (cells - 1 - cell_len(kept))


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_day(day: str, year: int) -> str:
    """A ``YYYY-MM-DD`` day in six cells or fewer, as a narrow list shows it: "05 Dec" in ``year``
    (this year's), else its month and year, "Dec'25" (the year alone said "2026" of every recent
    story, and "2025" of a whole year's); a day that is no date, as written, cut to its year."""
    if len(day) < 10 or not day[:4].isdigit() or not day[5:7].isdigit() or not 1 <= int(day[5:7]) <= 12:
        return day[:4]
    month = _MONTHS[int(day[5:7]) - 1]
    return f"{day[8:10]} {month}" if day[:4] == str(year) else f"{month}'{day[2:4]}"


def row_tail(source: str | None, published: str | None, width: int, year: int, by_source: bool = False,
             today: str = "", columns: Columns = BOTH) -> str:
    """The source and date after a headline, as much of them as a row ``width`` wide has room for,
    in columns of their own (a story without either keeps the others in line): so an order
    "by source" reads as one; a narrow list gives this ``year``'s days without it (:func:`short_day`).
    ``by_source``: the list is in that order, so where only one fits it is the source (the rows
    of a list of dates alone looked in no order at all). A story of ``today`` (``YYYY-MM-DD``) with
    a time shows the time instead: a day's stories from hourly feeds all read "07 Dec".
    ``columns``: whether the source's and the date's columns are drawn at all (one that no row on
    screen fills gives its room to the headline: a list of undated pages was cut at half its width)."""
    sources, dates = columns
    date = local_day(published)
    clock = local_clock(published) if today and date == today else ""
    room = width - 2 - HEADLINE_AND_TAGS  # the cursor's and bookmark's cells, then the headline's and tags'
    if room >= 31:
        source_cells, when, when_cells = 18, clock or date, 10
    elif room >= width // 5 + 7:
        source_cells, when, when_cells = width // 5 - 1, clock or short_day(date, year), 6
    elif by_source and sources:
        return f" {fit_cells(source or '', max(8, width // 4))}"
    else:
        source_cells, when, when_cells = 0, clock or short_day(date, year), 6
    shown = f" {fit_cells(source or '', source_cells)}" if sources and source_cells else ""
    return shown + (f" {when:<{when_cells}}" if dates else "")


def row_tags(tags: Sequence[str], room: int) -> str:
    """A row's tags (" [a, b]") in a headline's ``room``: at most a quarter of it, or in a narrow
    list (the 30-to-60-column list beside the article) ``TAG_CELLS`` but never more than half,
    nor so much that the headline keeps fewer than ``HEADLINE_CELLS``; cut with an ellipsis, none
    where that leaves too few cells to read a tag in."""
    most = min(max(room // 4, min(TAG_CELLS, room // 2)), room - HEADLINE_CELLS)
    if not tags or most < TAG_CELLS_LEAST:
        return ""
    shown = f" [{', '.join(tags)}]"
    return shown if cell_len(shown) <= most else cut_cells(shown, most - 1).rstrip() + "]"


class HeadlineList(ThumbView, can_focus=True):
    """Headlines with source and date, newest first; Enter or a click opens one."""

    BINDINGS = [
        # Ids, so [keys] rebinds the movement keys too (`?` shows them).
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False, id="list.half_page_down"),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False, id="list.half_page_up"),
        Binding("enter", "open", "Open", id="list.open"),
    ]
    COMPONENT_CLASSES = {
        "headline-list--cursor",
        "headline-list--meta",
        "headline-list--unread",
        "headline-list--mark",
        "headline-list--thumb",
    }

    # No repaint: watch_cursor refreshes just the old and the new line (a full repaint per key
    # re-rendered every visible row, about a fifth of the CPU time of moving to a story).
    # Always update: setting the same row again (new stories, a search) re-shows its story.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._stories: Sequence[StoryMeta] = []
        self._states: Mapping[str, StoryState] = {}
        self._pattern: TermMatcher | None = None
        self._by_source = False
        # The screen's: open this story, called at once rather than by a message, so a key typed
        # after Enter in the same read ("⏎j") goes to the story, not to the list.
        self.on_open: Callable[[StoryMeta], None] | None = None
        # row -> ((width, columns), line), for rows but the cursor's
        self._drawn: dict[int, tuple[tuple[int, Columns], Strip]] = {}
        self._styles: RowStyles | None = None
        self._heading = 1  # the way the cursor last went: 1 down, -1 up
        self._ahead = False  # a read-ahead waits for the frame being drawn
        self._centre = False  # set_stories is placing the cursor: out of view, its row goes mid-list
        # (rows' width, their columns, thumb) while a frame is drawn
        self._frame: tuple[int, Columns, tuple[int, int]] | None = None
        self._shown_columns: tuple[int, int, Columns] | None = None  # (top, height, columns) of the rows on screen
        self.to_last = False  # the cursor is moving to the last row for G (see action_last)
        self._note = ""  # said in place of rows while none is listed (see show_note)

    # -- data -------------------------------------------------------------------------------

    @property
    def rows(self) -> list[Row]:
        """Each listed story with its marks (built on demand: the list itself keeps none)."""
        return [Row(meta, self._states.get(meta.id, EMPTY)) for meta in self._stories]

    @property
    def count(self) -> int:
        return len(self._stories)

    @property
    def stories(self) -> Sequence[StoryMeta]:
        """The listed stories, in list order (not a copy: do not change it)."""
        return self._stories

    @property
    def story_ids(self) -> list[str]:
        """The listed stories' ids (made without making each story, see ``listed_ids``)."""
        return listed_ids(self._stories)

    @property
    def current(self) -> StoryMeta | None:
        if 0 <= self.cursor < len(self._stories):
            return self._stories[self.cursor]
        return None

    def index_of(self, story_id: str) -> int | None:
        """The row of ``story_id``, if listed (a store's catalogue finds it without reading rows)."""
        return index_of(self._stories, story_id)

    def set_stories(self, stories: Sequence[StoryMeta], states: Mapping[str, StoryState], keep: str | None = None,
                    terms: Sequence[str] = (), by_source: bool = False) -> None:
        """Show ``stories`` (a sequence whose rows are made when drawn) with the marks in ``states``
        (read at draw time, not copied); keep the cursor on story ``keep`` if still listed;
        ``by_source``: they are in that order (see :func:`row_tail`)."""
        had_stories = bool(self._stories)
        self._stories, self._states = stories, states
        if had_stories != bool(stories):
            self.refresh_bindings()  # the footer offers Open only with a story listed (check_action)
        self._by_source = by_source
        self._pattern = term_matcher(terms, ("headline",))
        self._drawn.clear()
        self._shown_columns = None
        self.virtual_size = Size(self.size.width, len(stories))
        self._centre = True  # a story kept out of view (a restored session, Esc from a search) shows mid-list
        self.cursor = (index_of(stories, keep) or 0) if keep else 0
        self._scroll_cursor_into_view()  # (the cursor may not have moved)
        self.refresh()

    def show_note(self, note: str) -> None:
        """Say ``note`` in place of the rows while none is listed ("" says nothing): where the
        story pane that says it beside the list is hidden, the list was blank."""
        if note != self._note:
            self._note = note
            self._drawn.clear()
            self.refresh()

    def marks_changed(self, states: Mapping[str, StoryState]) -> None:
        """Marks changed: draw with ``states``, the screen's new mapping (only visible rows are drawn)."""
        self._states = states
        self._drawn.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """A theme, focus or hover changed the styles: draw the rows again."""
        self._drawn.clear()
        self._styles = None
        super().notify_style_update()

    def refresh_line(self, index: int) -> None:
        """Redraw list row ``index`` (``ScrollView.refresh_lines`` takes rows of the list, not of the screen)."""
        self.refresh_lines(index, 1)

    # -- cursor -----------------------------------------------------------------------------

    def jump_to(self, index: int) -> None:
        """Put the cursor on row ``index`` as a jump (n / N): a row over half a screen out of
        view goes mid-list, with the rows around it, as vim places a search's match; a row
        just past an edge comes in there, as a step's does."""
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        self._centre = not top - height // 2 <= index < top + height + height // 2
        self.cursor = index
        self._centre = False  # (the cursor did not move)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._stories) - 1)) if self._stories else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_cursor_into_view()
        if new != old:
            self._read_ahead_soon(1 if new > old else -1)

    def _scroll_cursor_into_view(self) -> None:
        # Forced: right after rows are set (Esc back from a search of a few rows to every story) the
        # layout still says the old rows fit, and an unforced scroll would be refused.
        # A row brought into view by a move goes to the edge it came in at; one the list was set
        # with, to the middle, with the rows around it (at the edge it looked like the list's last).
        # (Before the first layout there is no height: the reader's first rows wait for it.)
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if not height:
            return
        centre, self._centre = self._centre, False
        if centre and not top <= self.cursor < top + height:
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False, force=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, force=True)

    def _read_ahead_soon(self, heading: int) -> None:
        """The cursor moved (``heading`` 1 down, -1 up): draw the rows past the screen that way once
        this frame is out."""
        self._heading = heading
        if not self._ahead:
            self._ahead = True
            self.call_after_refresh(self._read_ahead)

    def _read_ahead(self) -> None:
        """Draw the screenful of rows past those shown, the way the cursor last went, and keep
        them: a held PgDn (or j at the bottom) then draws its frame from rows ready, its marks
        read (a state file for nearly every row at a million stories) while the reader waited
        for the key. Keys already waiting come first: they would pass these rows by."""
        self._ahead = False
        if not self.is_mounted:
            return
        width, height, top = self.row_width, self.scrollable_content_region.height, self.scroll_offset.y
        start = max(0, top + height if self._heading > 0 else top - height)
        layout = (width, self._columns(start, height))  # as the list shows them scrolled there
        rows = [index for index in range(start, min(len(self._stories), start + height))
                if self._kept(index, layout) is None]
        if rows:
            self._draw_ahead(rows, self.cursor, layout)

    def _draw_ahead(self, rows: list[int], cursor: int, layout: tuple[int, Columns]) -> None:
        """Draw ``rows`` a few at a time, each few a message of their own, so a key that comes
        meanwhile runs before the rest; stop once the cursor has moved on (its own read-ahead
        follows) or keys wait."""
        if not self.is_mounted or self.cursor != cursor or self.app.message_queue_size:
            return
        for index in rows[:AHEAD_STEP]:
            if index != cursor and self._kept(index, layout) is None:
                self._keep(index, layout, self._render_row(index, *layout))
        if len(rows) > AHEAD_STEP:
            self.call_later(self._draw_ahead, rows[AHEAD_STEP:], cursor, layout)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._stories))
        self._scroll_cursor_into_view()

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.to_last = True  # read by the cursor's watchers: a search listing part of its matches lists the rest
        try:
            self.cursor = len(self._stories) - 1
        finally:
            self.to_last = False

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_half_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height // 2)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Open is left out of the footer while no story is listed: it offered "⏎ Open" over an
        empty list (an empty store, a search that matched nothing), where Enter does nothing."""
        return action != "open" or bool(self._stories)

    def action_open(self) -> None:
        if self.current is not None and self.on_open is not None:
            self.on_open(self.current)

    def on_click(self, event: events.Click) -> None:
        row = self.thumb_clicked(event, len(self._stories) - 1)
        if row is not None:  # the thumb's column: to that part of the list
            self.cursor = row
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        if 0 <= index < len(self._stories):
            self.cursor = index
            if event.chain >= 2:
                self.action_open()

    # -- drawing ----------------------------------------------------------------------------

    @property
    def row_width(self) -> int:
        """The width of a row's text: the thumb's column and the gap before it left out."""
        return max(0, self.line_width - ROW_GAP)

    def _columns(self, top: int, height: int) -> Columns:
        """Whether any of the ``height`` rows from row ``top`` has a source, and any a date: a column
        none of the rows on screen fills is left out (see :func:`row_tail`)."""
        rows = range(top, min(len(self._stories), top + height))
        return (any(self._stories[index].source for index in rows),
                any(self._stories[index].published for index in rows))

    def render_lines(self, crop: Region) -> list[Strip]:
        """Every line of a frame, with the rows' width, columns and the thumb worked out once for them all."""
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if self._shown_columns is None or self._shown_columns[:2] != (top, height):
            self._shown_columns = (top, height, self._columns(top, height))
        self._frame = (self.row_width, self._shown_columns[2], self.thumb)
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        top = self.scroll_offset.y
        width, columns, thumb = self._frame or (
            self.row_width, self._columns(top, self.scrollable_content_region.height), self.thumb)
        styles = self._row_styles()
        row = Strip.join([self._row(y + top, (width, columns)), Strip.blank(ROW_GAP, styles.base)])
        return with_thumb(row, y, thumb, styles.thumb, styles.base)

    def _row(self, index: int, layout: tuple[int, Columns]) -> Strip:
        """Row ``index`` at ``layout`` (its width and columns), drawn or as kept."""
        if index != self.cursor and (kept := self._kept(index, layout)) is not None:
            return kept
        strip = self._render_row(index, *layout)
        if index != self.cursor:
            self._keep(index, layout, strip)
        return strip

    def _kept(self, index: int, layout: tuple[int, Columns]) -> Strip | None:
        """Row ``index`` as drawn before at ``layout``, if it is kept."""
        drawn = self._drawn.get(index)
        return drawn[1] if drawn is not None and drawn[0] == layout else None

    def _keep(self, index: int, layout: tuple[int, Columns], strip: Strip) -> None:
        if len(self._drawn) >= DRAWN_ROWS:
            del self._drawn[next(iter(self._drawn))]  # the first drawn of those kept
        self._drawn[index] = (layout, strip)

    def _row_styles(self) -> RowStyles:
        """The list's styles (looked up once per style change, not per row: as ``_drawn``, they go
        with ``notify_style_update``)."""
        if self._styles is None:
            component = self.get_component_rich_style
            self._styles = RowStyles(self.rich_style, component("headline-list--mark"),
                                     component("headline-list--unread"), component("headline-list--meta"),
                                     component("headline-list--cursor"), component("headline-list--thumb"))
        return self._styles

    def _render_row(self, index: int, width: int, columns: Columns = BOTH) -> Strip:
        styles = self._row_styles()
        base, mark, unread, meta_style, cursor = styles.base, styles.mark, styles.unread, styles.meta, styles.cursor
        if index >= len(self._stories):
            return self._note_row(index, width) if not self._stories else Strip.blank(width, base)
        meta = self._stories[index]
        row = Row(meta, self._states.get(meta.id, EMPTY))
        today = dt.date.today()
        tail = row_tail(row.meta.source, row.meta.published, width, today.year, self._by_source, today.isoformat(),
                        columns)
        room = max(0, width - 2 - cell_len(tail))
        tags = row_tags(row.state.tags, room)
        room -= cell_len(tags)
        headline = fit_cells(row.meta.headline, room)
        shown = headline.rstrip()
        pad = " " * (room - cell_len(shown))
        if index != self.cursor and self._pattern is None:
            return self._plain_row(row.state, shown, tags, pad, tail, width)
        headline = shown + tags + pad
        line = Text(no_wrap=True, overflow="crop", end="")
        # ASCII markers, so the cursor and bookmarks show without colour (NO_COLOR, 16 colours, any font).
        line.append(">" if index == self.cursor else " ", mark)
        line.append("*" if row.state.bookmarked else " ", mark)
        start = len(line)
        line.append(headline, unread if not row.state.read else None)
        highlight(line, self._pattern, "reverse")
        if tags:
            at = start + len(headline.rstrip()) - len(tags)
            line.stylize(meta_style, at, at + len(tags))
        line.append(tail, meta_style)
        if index == self.cursor:
            line.stylize(cursor)
            fill = base + cursor
        else:
            fill = base
        segments = [Segment(t, base + st if st else base, c) for t, st, c in line.render(self.app.console)]
        return Strip(segments).crop_extend(0, width, fill)

    def _note_row(self, index: int, width: int) -> Strip:
        """Line ``index`` of the note, wrapped to the list's width, as plain text (it quotes a search)."""
        styles = self._row_styles()
        lines: list[Text] = list(Text(self._note, end="").wrap(self.app.console, max(1, width - 2))) \
            if self._note else []
        if index >= len(lines):
            return Strip.blank(width, styles.base)
        return Strip([Segment("  " + lines[index].plain.rstrip(), styles.base + styles.meta)]).crop_extend(
            0, width, styles.base)

    def _plain_row(self, state: StoryState, shown: str, tags: str, pad: str, tail: str, width: int) -> Strip:
        """A row without the cursor or search terms, as its Text would render (same pieces, same
        styles), made straight into segments: most rows a scroll draws are these."""
        styles = self._row_styles()
        body, tagged = (styles.body_read, styles.tags_read) if state.read else (styles.body, styles.tags)
        pieces = [(" ", styles.marker), ("*" if state.bookmarked else " ", styles.marker)]
        if tags:
            pieces += [(shown, body), (tags, tagged), (pad, body)]
        else:
            pieces.append((shown + pad, body))
        pieces.append((tail, styles.tail))
        strip = Strip([Segment(text, style) for text, style in pieces if text],
                      2 + cell_len(shown) + cell_len(tags) + len(pad) + cell_len(tail))
        return strip if strip.cell_length == width else strip.crop_extend(0, width, styles.base)

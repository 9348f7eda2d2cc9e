"""The credits panel: rendered once per story, its height following its lines."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from broadsheet.store.model import Article, Credits, Image
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.credits_panel import CreditsPanel, credits_table
from tests.pilot import settle, shown_lines


async def test_the_panel_fits_its_lines_and_changes_with_the_story(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(CreditsPanel)
        wire = shown_lines(panel)
        assert wire[0].startswith("Photo ") and "A train crosses the new bridge" in wire[0]
        assert panel.scrollable_content_region.height == len(wire) == 8
        await pilot.press("j")
        await settle(pilot)
        local = shown_lines(panel)
        assert len(local) == 4 and local[-1].split() == ["Authors", "Ada", "Quill"]


async def test_credits_taller_than_the_panel_scroll(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        panel = app.screen.query_one(CreditsPanel)
        assert panel.show_vertical_scrollbar and panel.max_scroll_y > 0
        panel.focus()
        await pilot.press("end")
        await settle(pilot)
        assert shown_lines(panel)[-1].split() == ["Editing", "Tom", "Reeve"]


def test_a_credit_wider_than_its_column_breaks_after_its_slash_not_mid_name() -> None:
    """In the 20 cells beside the story at 160 columns "WEANCAX/Shoumtrithwire" read "…/Shoumtrithw" over "ire"."""
    credit = "Ann Tey Lundqvistova/Gazettewire"  # at 34 columns the credit's column holds 21 cells
    for width, lines in ((34, ["Photo credit Ann Tey Lundqvistova/", "Gazettewire"]),
                         (60, [f"Photo credit {credit}"])):  # room enough: no break, no space put in
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(credits_table(Article(headline="Festival", body=[], images=[Image("Boats.", credit)])))
        shown = [line.strip() for line in console.export_text().splitlines()[1:]]
        assert shown == lines


@pytest.mark.parametrize("width", range(24, 72))
def test_a_break_after_a_slash_never_shows_a_space_of_its_own(width: int) -> None:
    """A space went after every slash of a word wider than the column, where no line ended too:
    "https:/ / maps.example/ a/ b/ c"."""
    caption, credit = "Map from https://maps.example/a/b/c/d/e/f/g/h/i", "ABCDEFGH/IJK/LMNOPQRSTUVWXYZABCD"
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(credits_table(Article(headline="Festival", body=[], images=[Image(caption, credit)])))
    values = [line[len("Photo credit "):].strip() for line in console.export_text().splitlines()]
    assert not any("/ " in value for value in values)  # every break is a line's end
    assert "".join(values).replace(" ", "") == (caption + credit).replace(" ", "")


@pytest.mark.parametrize("width", range(24, 72))
def test_no_letter_of_a_caption_is_lost_at_any_width(width: int) -> None:
    """Rich cut a word wider than the column with an ellipsis, and a wide character at a line's
    end took that line's last letter: the caption must read whole, over as many lines as it needs."""
    caption = "Children 世 watch a rocket 界 launch; 上野公園の桜並木を歩く人々 https://example.org/a/very/long/path"
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(credits_table(Article(headline="Festival", body=[], images=[Image(src="", caption=caption)])))
    lines = console.export_text().splitlines()
    assert "…" not in "".join(lines)
    assert "".join(line[len("Photo "):] for line in lines).replace(" ", "") == caption.replace(" ", "")


async def test_a_photo_not_kept_says_why_in_a_readable_column_at_80_columns(store: Store) -> None:
    """In the 2-line panel under a story at 80 columns, a photo's column was sized for a picture
    3 rows high (10 cells): a photo not kept read "[photo:" over "not", its reason out of sight."""
    lost = Image("Boats wait out the storm in the harbour.", "Ida Brook", src="http://127.0.0.1/boats.jpg",
                 problem="not saved with the page")
    store.add([(Article(headline="Storm keeps the ferry in port", body=["The ferry stayed in port."],
                        source="The Lowmoor Gazette", authors=["Ada Quill"], images=[lost]), "storm.txt")])
    app = BroadsheetApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        lines = shown_lines(app.screen.query_one(CreditsPanel))
        assert len(lines) == 2
        assert lines[0].startswith("[photo: not saved") and "Boats wait out" in lines[0]


async def test_a_photo_above_its_caption_leaves_the_caption_in_sight(store: Store) -> None:
    """At 100x30 with the sidebar shown the photo took every row of the panel, its caption and
    credit below the fold (the story opened beside the sidebar: the list and it take turns there)."""
    from tests.photos import photo_article

    store.add([(photo_article(store, 0, count=2), None)])
    app = BroadsheetApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", "escape", "enter")
        await settle(pilot)
        panel = app.screen.query_one(CreditsPanel)
        await panel.workers.wait_for_complete()
        await settle(pilot)
        assert any("Photo caption 0.0" in line for line in shown_lines(panel))


async def test_a_story_found_in_a_caption_without_a_photo_opens_after_a_story_with_more_photos() -> None:
    """The panel kept the last story's photo number while it looked for the matched caption's
    photo: after photo 4 of one story, a story of two whose matched caption had no photo of its
    own stopped the reader with an IndexError."""
    from textual.app import App, ComposeResult

    def story(headline: str, captions: list[str], with_photo: set[int]) -> Article:
        return Article(headline=headline, body=["Some text."], images=[
            Image(caption, src=f"https://photos.invalid/{n}.jpg" if n in with_photo else None,
                  problem="not saved with the page" if n in with_photo else None)
            for n, caption in enumerate(captions)])

    class PanelApp(App[None]):
        def compose(self) -> ComposeResult:
            yield CreditsPanel(protocol="halfblocks")

    app = PanelApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(CreditsPanel)
        panel.show(story("Four photos", ["one", "two", "three", "four"], {0, 1, 2, 3}))
        await pilot.pause()
        for _ in range(3):
            panel.step_photo(1)
        assert panel.photo_index == 3
        panel.show(story("Two figures", ["The tower", "A keeper's logbook"], {0}), ["logbook"])
        await pilot.pause()
        assert panel.photo_index == 0 and "logbook" in " ".join(shown_lines(panel))


def test_the_panel_names_who_made_the_storys_graphics() -> None:
    console = Console(width=60, record=True, file=io.StringIO())
    credits = Credits(reporting=["Sam Patel"], editing=["Bo Chen"], graphics=["Mia Holm"],
                      text="Reporting by Sam Patel Graphics by Mia Holm Editing by Bo Chen")
    console.print(credits_table(Article(headline="Flood barrier", body=[], credits=credits)))
    assert [line.split() for line in console.export_text().splitlines()] == [
        ["Reporting", "Sam", "Patel"], ["Editing", "Bo", "Chen"], ["Graphics", "Mia", "Holm"]]

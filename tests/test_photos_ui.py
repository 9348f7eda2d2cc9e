"""The reader with photos: the panel draws the story's photo above its caption, p / P step, v full-screen."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.geometry import Region
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from broadsheet.config import Config, load_config
from broadsheet.store.model import Image
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.graphics import Drawn
from broadsheet.tui.screens.help import HelpScreen
from broadsheet.tui.screens.main import MainScreen
from broadsheet.tui.screens.photo import PhotoScreen
from broadsheet.tui.widgets import photo as photo_module
from broadsheet.tui.widgets.credits_panel import CreditsPanel
from broadsheet.tui.widgets.footer import key_width
from broadsheet.tui.widgets.photo import PhotoCache, PhotoKey, PhotoView
from tests.factories import make_article
from tests.photos import photo_article
from tests.pilot import settle, shown_lines


def photo_store(folder: Path, count: int = 3) -> Store:
    store = Store(folder)
    older = make_article(5, images=[], published="2020-01-01")
    store.add([(photo_article(store, 0, count=count), None), (older, None)])
    return store


def panel(app: BroadsheetApp) -> CreditsPanel:
    main = app.main_screen
    assert main is not None
    return main.query_one(CreditsPanel)


async def test_the_panel_draws_the_photo_above_its_caption(tmp_path: Path) -> None:
    app = BroadsheetApp(photo_store(tmp_path / "s"), graphics="halfblocks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        credits = panel(app)
        assert isinstance(credits._drawn, Drawn)
        lines = shown_lines(credits)
        rows = credits._drawn.rows
        photo_column = [line[:credits._beside] for line in lines]
        assert all(line and set(line.strip()) == {"▀"} for line in photo_column[:rows])
        counter = next(i for i, line in enumerate(photo_column) if "photo 1/3" in line)
        assert counter >= rows and all(not line.strip() for line in photo_column[rows:counter])  # the kept box
        assert any("Photo caption 0.0" in line[credits._beside:] for line in lines)  # beside the photo


async def test_the_next_photos_caption_starts_below_the_photo_not_beside_it(tmp_path: Path) -> None:
    """Beside a tall photo, its caption and credit, then the next photo's caption: which read as
    the shown photo's. The other photos' rows start below the photo; p brings each beside its own."""
    app = BroadsheetApp(photo_store(tmp_path / "s"), graphics="halfblocks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        credits = panel(app)
        assert isinstance(credits._drawn, Drawn)
        for shown in (0, 1):
            lines = [line[credits._beside:] for line in shown_lines(credits)]
            below = len(credits._left)  # the photo's rows and its counter
            beside = [i for i, line in enumerate(lines) if "Photo caption 0." in line]
            own = next(i for i, line in enumerate(lines) if f"Photo caption 0.{shown}" in line)
            assert own < credits._drawn.rows
            assert all(i >= below for i in beside if i != own), (shown, lines)
            await pilot.press("p")
            await settle(pilot)


async def test_the_two_line_panel_at_80_columns_names_the_photo_and_tab_draws_it(tmp_path: Path) -> None:
    """Under a story at 80x24 the panel has two lines until it has the focus: the photo was drawn
    there 9 cells wide and cut to two rows. It is named there instead, and drawn once Tab gives
    the panel its room (and named again when Esc leaves it)."""
    app = BroadsheetApp(photo_store(tmp_path / "s"), graphics="halfblocks")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        credits = panel(app)
        lines = shown_lines(credits)
        assert len(lines) == 2 and lines[0].startswith("[photo: v]") and "Photo caption 0.0" in lines[0]
        assert credits._drawn is None
        assert credits.border_subtitle == "photo 1/3 · p/P"  # which photo, with no line of its own for it
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is credits and isinstance(credits._drawn, Drawn)
        rows = credits._drawn.rows
        assert rows >= 3 and all(set(line[:credits._beside].strip()) == {"▀"} for line in shown_lines(credits)[:rows])
        assert any("photo 1/3" in line for line in shown_lines(credits)) and not credits.border_subtitle
        await pilot.press("escape")
        await settle(pilot)
        assert shown_lines(credits)[0].startswith("[photo: v]") and credits.border_subtitle == "photo 1/3 · p/P"


async def test_p_and_shift_p_step_through_the_storys_photos(tmp_path: Path) -> None:
    app = BroadsheetApp(photo_store(tmp_path / "s"), graphics="halfblocks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        credits = panel(app)
        first = credits._drawn
        await pilot.press("p")
        await settle(pilot)
        assert credits.photo_index == 1
        assert isinstance(credits._drawn, Drawn) and credits._drawn is not first
        assert any("photo 2/3" in line for line in shown_lines(credits))
        await pilot.press("P", "P")
        await settle(pilot)
        assert credits.photo_index == 2  # wraps round
        assert any("photo 3/3" in line for line in shown_lines(credits))


async def test_stepping_through_stories_draws_only_the_photo_stopped_on(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "s")
    store.add([(photo_article(store, n, count=1), None) for n in range(4)])
    drawn: list[Path] = []
    real = photo_module.draw_photo

    def counting(key: PhotoKey, cache: PhotoCache = photo_module.CACHE) -> Drawn | str:
        drawn.append(key.path)
        return real(key, cache)

    monkeypatch.setattr(photo_module, "draw_photo", counting)
    monkeypatch.setattr(photo_module, "CACHE", PhotoCache())
    app = BroadsheetApp(store, graphics="halfblocks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(drawn) == 1
        await pilot.press("j", "j", "j")  # faster than the photo settles
        await settle(pilot)
        credits = panel(app)
        assert len(drawn) == 2 and isinstance(credits._drawn, Drawn)
        assert drawn[-1].stem == credits.photos[0].photo


def test_the_full_screen_photo_names_its_credit_before_a_long_caption() -> None:
    """The caption has a few lines below the photo: at 80 columns a long one cut its credit off."""
    from broadsheet.store.model import Image
    from broadsheet.tui.screens.photo import caption_text

    long = Image("Crowds watch the northern lights from the shore. " * 12, "Astrid Nyborg/Polar Light", "a.jpg")
    lines = caption_text(long, 2, 3).plain.splitlines()
    assert lines[0] == "Photo 2 of 3 — Astrid Nyborg/Polar Light" and lines[1].startswith("Crowds watch")
    alone = caption_text(Image("Crowds on the shore.", None, "a.jpg"), 1, 1)
    assert alone.plain.splitlines() == ["Photo 1 of 1", "Crowds on the shore."]  # laid out as with a credit


async def test_v_opens_the_photo_full_screen_and_esc_returns(tmp_path: Path) -> None:
    app = BroadsheetApp(photo_store(tmp_path / "s"), graphics="halfblocks")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "v")
        await settle(pilot)
        assert isinstance(app.screen, PhotoScreen)
        view = app.screen.query_one(PhotoView)
        assert isinstance(view.drawn, Drawn)
        assert view.drawn.rows > 10 and panel(app)._drawn is None  # the 2-line panel names it: v shows it
        caption = str(app.screen.query_one("#photo-caption-text").render())
        assert "Photo 1 of 3" in caption and "Photo caption 0.0" in caption and "Ben Wick 0" in caption
        await pilot.press("p")
        await settle(pilot)
        assert "Photo 2 of 3" in str(app.screen.query_one("#photo-caption-text").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert panel(app).photo_index == 1  # the panel follows the photo last shown


async def test_a_story_without_photos_says_so(tmp_path: Path) -> None:
    app = BroadsheetApp(photo_store(tmp_path / "s"), graphics="halfblocks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert panel(app).photos == []
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("no photos" in str(n.message) for n in app._notifications)


async def test_a_damaged_stored_photo_is_a_placeholder_with_the_reason(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    (store.folder / "photos").mkdir()
    (store.folder / "photos" / ("ab" * 32 + ".jpg")).write_bytes(b"\xff\xd8\xff\xe0 truncated")
    images = [Image("A damaged photo.", None, photo="ab" * 32), Image("A photo never kept.", None, photo="cd" * 32)]
    store.add([(make_article(1, images=images), None)])
    app = BroadsheetApp(store, graphics="halfblocks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        column = " ".join(line[:panel(app)._beside].strip() for line in shown_lines(panel(app)))
        assert column.startswith("[photo: a damaged image")
        await pilot.press("p")
        await settle(pilot)
        column = " ".join(line[:panel(app)._beside].strip() for line in shown_lines(panel(app)))
        assert "the photo file is missing from the store" in column


def caption_shown(screen: PhotoScreen) -> str:
    """The words of the full-screen photo's caption in sight now, as one line."""
    box = screen.query_one("#photo-caption")
    text = next(iter(box.query(Static)), box)  # the caption's text, in its box or the box itself
    lines = text.render_lines(Region(0, round(box.scroll_y), text.size.width, box.scrollable_content_region.height))
    return " ".join(" ".join(line.text.split()) for line in lines)


async def test_a_long_caption_under_the_full_screen_photo_scrolls_with_the_usual_keys(tmp_path: Path) -> None:
    """At 80x24 a long caption stopped mid-sentence under the photo, and j, Down and End did nothing."""
    from tests.photos import keep_photo, picture_bytes

    store = Store(tmp_path / "s")
    caption = " ".join(f"Sentence {n} of a long caption about the ferries at the harbour wall." for n in range(1, 13))
    store.add([(make_article(1, images=[Image(caption, "Ann Lens", photo=keep_photo(store, picture_bytes()))]), None)])
    app = BroadsheetApp(store, graphics="halfblocks")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PhotoScreen)
        assert "Sentence 1 of" in caption_shown(screen) and "Sentence 12" not in caption_shown(screen)
        await pilot.press("j", "down")
        await settle(pilot)
        assert "Photo 1 of 1" not in caption_shown(screen)
        await pilot.press("end")
        await settle(pilot)
        assert caption_shown(screen).endswith("Sentence 12 of a long caption about the ferries at the harbour wall.")
        await pilot.press("g")
        await settle(pilot)
        assert caption_shown(screen).startswith("Photo 1 of 1 — Ann Lens")


async def test_the_photo_keys_are_in_help_and_the_palette(tmp_path: Path) -> None:
    app = BroadsheetApp(photo_store(tmp_path / "s"), graphics="halfblocks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        commands = {c.title for c in app.get_system_commands(main)}
        assert {"Next photo", "Previous photo", "Photo full-screen"} <= commands
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        out = Console(width=120, file=io.StringIO())
        out.print(app.screen.query_one("#help-keys", Static).content)
        keys = out.file.getvalue()  # type: ignore[attr-defined]
        assert "Next photo" in keys and "Photo full-screen" in keys


def test_reader_images_setting(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[reader]\nimages = false\n")
    assert load_config(path).images is False
    path.write_text("[reader]\nimages = 'no'\n")
    config = load_config(path)
    assert config.images is True and any("reader.images" in p for p in config.problems)


def figures_store(folder: Path) -> Store:
    """A story of five figures: kept, refused, named but never kept, a caption alone, kept."""
    from tests.photos import keep_photo, picture_bytes

    store = Store(folder)
    images = [Image("Kept photo one.", "Ann Lens", photo=keep_photo(store, picture_bytes(seed=1))),
              Image("Refused photo two.", "Bo Frame", src="https://x.example/two.jpg",
                    problem="not kept: not an image"),
              Image("Named photo three.", "Cy Shot", src="https://x.example/three.jpg"),  # stored before reasons
              Image("A caption alone, four.", None),
              Image("Kept photo five.", "Di Snap", photo=keep_photo(store, picture_bytes(seed=5)))]
    store.add([(make_article(1, headline="Five figures", images=images), None)])
    return store


async def test_photos_are_numbered_as_the_storys_figures_everywhere(tmp_path: Path) -> None:
    # The panel listed Photo 1..5 while the counter said "photo 1/3" and v said "Photo 2 of 3" for figure 5;
    # a photo named but never kept was skipped without a reason.
    app = BroadsheetApp(figures_store(tmp_path / "s"), graphics="halfblocks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        credits = panel(app)
        assert credits.numbers == [1, 2, 3, 5]
        assert any("photo 1/5" in line for line in shown_lines(credits))
        await pilot.press("p", "p")
        await settle(pilot)
        lines = shown_lines(credits)
        column = " ".join(line[:credits._beside].strip() for line in lines)
        # (with [feeds] fetch_images off too: what brings it is said)
        assert "[photo: not kept with the story (`broadsheet fetch --retry-photos` may bring it)]" in column
        assert "photo 3/5" in column
        table = [line[credits._beside:].strip() for line in lines if line[credits._beside:].strip()]
        assert table[0].startswith("Photo 3") and "Named photo three." in table[0]  # its caption beside it
        await pilot.press("p")
        await settle(pilot)
        assert any("photo 5/5" in line for line in shown_lines(credits))
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, PhotoScreen)
        assert "Photo 5 of 5 — Di Snap\nKept photo five." in str(app.screen.query_one("#photo-caption-text").render())


@pytest.mark.parametrize(("how", "cause"), [("config", "[reader] images = false"), ("NO_COLOR", "NO_COLOR is set"),
                                            ("BROADSHEET_GRAPHICS", "BROADSHEET_GRAPHICS=off")])
async def test_with_images_off_the_panel_tells_each_photo_and_its_caption_in_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, cause: str) -> None:
    """With images off the two-line panel at 80x24 said only "[photo: 4 photos; images are off]":
    no caption or credit until Tab, p / P changed nothing, a photo not kept looked like one kept,
    and v listed every cause of images being off but BROADSHEET_GRAPHICS=off."""
    config = Config(path=tmp_path / "no.toml")
    if how == "config":
        config.images = False
    else:
        monkeypatch.setenv(how, "1" if how == "NO_COLOR" else "off")
    app = BroadsheetApp(figures_store(tmp_path / "s"), config)
    assert app.graphics == "off"
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        credits = panel(app)
        first = " ".join(shown_lines(credits)[0].split())
        assert "[photo: kept; images are off]" in first and "Photo 1 Kept photo one." in first
        await pilot.press("p")
        await settle(pilot)
        column = " ".join(line[:credits._beside].strip() for line in shown_lines(credits))
        assert column.startswith("[photo: not kept: not an image]")
        assert "Photo 2 Refused photo two." in " ".join(shown_lines(credits)[0].split())
        assert credits.border_subtitle == "photo 2/5 · p/P"
        await pilot.press("P", "P")
        await settle(pilot)
        assert "Photo 5 Kept photo five." in " ".join(shown_lines(credits)[0].split())
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert list(app._notifications)[-1].message == f"Images are off ({cause})"


async def test_the_full_screen_photo_footer_shows_whole_keys_at_a_narrow_width(tmp_path: Path) -> None:
    """The photo's footer was Textual's own, which cut its last key mid-word at narrow widths;
    it leaves out the keys it has no room for, as the main screen's does."""
    app = BroadsheetApp(photo_store(tmp_path / "s"), graphics="halfblocks")
    async with app.run_test(size=(50, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "v")
        await settle(pilot)
        assert isinstance(app.screen, PhotoScreen)
        shown = [key for key in app.screen.query(FooterKey) if key.display]
        palette = next(key for key in shown if key.has_class("-command-palette"))
        assert palette.region.right == 50
        assert all(key.region.right <= palette.region.x for key in shown if key is not palette)
        assert all(key.region.width == key_width(key, False) for key in shown if key is not palette)
        assert [key.description for key in shown if key is not palette] == ["Back to the story"]


async def test_at_60_columns_the_story_and_photo_footers_keep_the_way_back(tmp_path: Path) -> None:
    """The footer leaves out the keys it has no room for, and it was Esc that went: the story's
    footer at 60x15 had no "Back to list", the photo's no "Back to the story"."""
    app = BroadsheetApp(photo_store(tmp_path / "s"), graphics="halfblocks")
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        for key, back in (("enter", "Back to list"), ("v", "Back to the story")):
            await pilot.press(key)
            await settle(pilot)
            shown = [key.description for key in app.screen.query(FooterKey) if key.display]
            assert shown[0] == back, shown


async def test_v_on_a_story_with_captions_but_no_photo_kept_says_so(store: Store) -> None:
    """"This story has no photos" beside a panel showing its photo's caption and credit."""
    store.add([(make_article(1, images=[Image("Ferries wait at the harbour wall.", "Ben Wick")]), None),
               (make_article(2, images=[]), None)])
    app = BroadsheetApp(store, graphics="off")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        told = []
        for _ in range(2):
            await pilot.press("v")
            await settle(pilot)
            told.append(list(app._notifications)[-1].message)
            app.clear_notifications()
            await pilot.press("j")
            await settle(pilot)
    assert sorted(told) == ["No photo was kept with this story, only what the caption & credits panel shows (c)",
                            "This story has no photos"]

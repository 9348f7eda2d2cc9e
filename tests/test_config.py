"""Config file: rebinding keys, a broken file, theme persistence; and resizing while reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.config import load_config, save_theme
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.pilot import settle


def test_broken_config_names_the_line_and_keeps_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "textual-light"\n[keys\n"story.bookmark" = "x"\n')
    config = load_config(path)
    assert config.theme is None and config.keys == {} and config.mark_read_on_open
    assert len(config.problems) == 1
    assert str(path) in config.problems[0] and "line 2" in config.problems[0]


def test_wrong_types_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = 3\nsurprise = 1\n[reader]\nmark_read_on_open = "yes"\n[keys]\n"story.tag" = ""\n')
    problems = " ".join(load_config(path).problems)
    for fragment in ("theme must be a string", "mark_read_on_open must be true or false", "keys.story.tag",
                     "unknown setting surprise ignored (known: theme, reader, keys, feeds)"):
        assert fragment in problems


def test_a_misspelt_setting_in_a_table_is_reported_with_the_one_meant(tmp_path: Path) -> None:
    """``fetch_image = false`` under [feeds] passed `config check` as OK, and photos went on downloading."""
    path = tmp_path / "config.toml"
    path.write_text("[feeds]\nfetch_image = false\nrefresh_minute = 5\n[reader]\nmark_read_on_opn = false\n")
    config = load_config(path)
    assert config.fetch_images and config.refresh_minutes == 0 and config.mark_read_on_open
    assert [problem.removeprefix(f"{path}: ") for problem in config.problems] == [
        "unknown setting reader.mark_read_on_opn ignored (did you mean reader.mark_read_on_open?)",
        "unknown setting feeds.fetch_image ignored (did you mean feeds.fetch_images?)",
        "unknown setting feeds.refresh_minute ignored (did you mean feeds.refresh_minutes?)",
    ]


def test_a_tables_setting_written_outside_it_is_said_to_belong_there(tmp_path: Path) -> None:
    """``fetch_images = false`` at the top was "unknown (known: theme, reader, keys, feeds)"."""
    path = tmp_path / "config.toml"
    path.write_text("fetch_images = false\n")
    assert [problem.removeprefix(f"{path}: ") for problem in load_config(path).problems] == [
        "unknown setting fetch_images ignored (it belongs under [feeds]: feeds.fetch_images)"]


async def test_rebound_key_works_and_old_key_does_not(filled_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys]\n"story.bookmark" = "x"\n')
    app = BroadsheetApp(filled_store, load_config(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        await pilot.press("b")
        await settle(pilot)
        assert not filled_store.user.get(story.id).bookmarked
        await pilot.press("x")
        await settle(pilot)
        assert filled_store.user.get(story.id).bookmarked


async def test_broken_config_still_starts_and_says_why(filled_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[reader\n")
    app = BroadsheetApp(filled_store, load_config(path))
    shown: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (shown.append(str(message)), notify(message, **kw))[1]  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert len(app.screen.query_one(HeadlineList).rows) == 5
        assert any(str(path) in message and "line 1" in message for message in shown)


async def test_an_unknown_key_id_is_said_in_a_notice_that_fits_the_screen(filled_store: Store, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The notice listed every binding id: taller than an 80x24 screen, its first line (the entry
    at fault) was out of sight while it covered the reader for ten seconds."""
    path = tmp_path / "config.toml"
    path.write_text('[keys]\n"story.bookmrk" = "x"\n')
    app = BroadsheetApp(filled_store, load_config(path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications if "keys." in n.message]
    assert len(said) == 1 and "keys.story.bookmrk" in said[0] and "did you mean 'story.bookmark'?" in said[0]
    assert len(said[0]) < 200 and "broadsheet config check" in said[0]
    from broadsheet.cli.main import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BROADSHEET_CONFIG", str(path))
        assert main(["config", "check"]) == 1
    err = capsys.readouterr().err.replace("\n", " ")
    assert "did you mean 'story.bookmark'?" in err and "The binding ids: " in err and "app.quit" in err


async def test_mark_read_on_open_can_be_turned_off(filled_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[reader]\nmark_read_on_open = false\n")
    app = BroadsheetApp(filled_store, load_config(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        story = app.screen.query_one(HeadlineList).current
        await pilot.press("enter")
        await settle(pilot)
        assert not filled_store.user.get(story.id).read


def test_theme_is_saved_keeping_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# mine\n[reader]\nmark_read_on_open = false\n")
    save_theme(path, "nord")
    text = path.read_text()
    assert "# mine" in text and 'theme = "nord"' in text
    assert load_config(path).theme == "nord" and not load_config(path).mark_read_on_open


async def test_theme_choice_persists(filled_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    app = BroadsheetApp(filled_store, load_config(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert load_config(path).theme == "nord"
    again = BroadsheetApp(filled_store, load_config(path))
    assert again.theme == "nord"


async def test_a_theme_chosen_with_a_broken_config_is_not_saved_and_that_is_said(
        filled_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    broken = "# mine\n[reader\n"
    path.write_text(broken)
    app = BroadsheetApp(filled_store, load_config(path))
    told: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (told.append(str(message)), notify(message, **kw))[1]  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert path.read_text() == broken  # never overwritten
    said = [m for m in told if m.startswith("Theme not saved: the config file has an error: ")]
    assert len(said) == 1 and str(path) in said[0] and "line 2" in said[0]


async def test_resizing_keeps_the_story_and_position(filled_store: Store) -> None:
    from tests.factories import make_article

    long = make_article(50, headline="A very long story", body=[f"Paragraph {i} " * 30 for i in range(40)],
                        published="2030-01-01")
    filled_store.add([(long, None)])
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.current.headline == "A very long story"
        await pilot.press("enter", "space", "space")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert view.scroll_y > 0
        for size in [(80, 24), (60, 20), (200, 60), (120, 40)]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert headlines.current.headline == "A very long story"
            assert app.screen.query_one(ArticleView).article.headline == "A very long story"
        assert view.scroll_y > 0


async def test_a_resize_that_makes_the_story_fit_keeps_the_place_for_when_it_no_longer_does(
        filled_store: Store) -> None:
    from tests.factories import make_article

    story = make_article(50, headline="A story of one screen at 200 by 60",
                         body=[f"Paragraph {i} " * 12 for i in range(14)], published="2030-01-01")
    filled_store.add([(story, None)])
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "space", "space")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert view.max_scroll_y > 0 and view.scroll_y > 0
        fraction = view.scroll_y / view.max_scroll_y
        await pilot.resize_terminal(200, 60)
        await settle(pilot)
        assert view.max_scroll_y == 0  # the whole story shows
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert abs(view.scroll_y / view.max_scroll_y - fraction) < 0.1


async def test_reopens_on_the_story_and_scroll_position_left(filled_store: Store) -> None:
    app = BroadsheetApp(filled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        chosen = app.screen.query_one(HeadlineList).current.id
        await pilot.press("q")
    again = BroadsheetApp(filled_store)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.screen.query_one(HeadlineList).current.id == chosen


def test_template_key_ids_exist_and_check_reports_a_wrong_one(tmp_path: Path, monkeypatch, capsys) -> None:
    from broadsheet.cli.main import main
    from broadsheet.config import TEMPLATE
    from broadsheet.tui.keymap import binding_ids

    path = tmp_path / "config.toml"
    monkeypatch.setenv("BROADSHEET_CONFIG", str(path))
    # Every id the template shows as an example is a real binding id.
    examples = [line.split("=")[0].strip("# \"") for line in TEMPLATE.splitlines() if line.startswith('# "')]
    assert examples and set(examples) <= binding_ids().keys()
    path.write_text(TEMPLATE.replace('# "story.bookmark"', '"story.bookmark"'))
    assert main(["config", "check"]) == 0
    path.write_text('[keys]\n"headlines.bookmark" = "x"\n')
    assert main(["config", "check"]) == 1
    assert "keys.headlines.bookmark: no binding has this id" in capsys.readouterr().err


def test_config_check_fails_on_a_key_refused_not_on_a_note_of_one_applied(tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                                         capsys) -> None:
    """`config check` said a rebind was applied ("while the sidebar has focus, 'R' does Rename") and exited 1."""
    from broadsheet.cli.main import main

    path = tmp_path / "config.toml"
    monkeypatch.setenv("BROADSHEET_CONFIG", str(path))
    path.write_text('[keys]\n"feeds.fetch" = "R"\n')
    assert main(["config", "check"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert said == (f"{path}: feeds.fetch and sidebar.rename are both on 'R': while the sidebar has focus, 'R' does "
                    "Rename")
    assert load_config(path).keys == {"feeds.fetch": "R"}
    path.write_text('[keys]\n"feeds.fetch" = "R"\n"story.bookmark" = "t"\n')  # story.tag's key: refused
    assert main(["config", "check"]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "story.bookmark and story.tag are both on 't'; keeping the default keys of story.bookmark" in said
    assert "while the sidebar has focus, 'R' does Rename" in said


def test_a_refresh_that_is_no_number_of_minutes_is_reported(tmp_path: Path) -> None:
    for value in ("inf", "nan"):
        path = tmp_path / f"{value}.toml"
        path.write_text(f"[feeds]\nrefresh_minutes = {value}\n")
        config = load_config(path)
        assert config.refresh_minutes == 0 and any("refresh_minutes" in p for p in config.problems)


def test_a_refresh_too_often_is_raised_and_config_check_says_why(tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                                 capsys) -> None:
    """refresh_minutes = 0.02 was taken: the open reader fetched every feed every second."""
    from broadsheet.cli.main import main

    path = tmp_path / "config.toml"
    path.write_text("[feeds]\nrefresh_minutes = 0.02\n")
    monkeypatch.setenv("BROADSHEET_CONFIG", str(path))
    assert load_config(path).refresh_minutes == 5
    assert main(["config", "check"]) == 1
    assert (f"{path}: feeds.refresh_minutes = 0.02 is raised to 5, the least: a fetch more often asks every "
            "feed's server again before most feeds change (F fetches at once)") in capsys.readouterr().err
    path.write_text("[feeds]\nrefresh_minutes = 5\n")
    assert load_config(path).refresh_minutes == 5 and main(["config", "check"]) == 0


def test_config_check_names_an_unknown_theme(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from broadsheet.cli.main import main

    path = tmp_path / "config.toml"
    path.write_text('theme = "no-such-theme"\n')
    monkeypatch.setenv("BROADSHEET_CONFIG", str(path))
    assert main(["config", "check"]) == 1
    said = capsys.readouterr().err
    assert "unknown theme 'no-such-theme'" in said and "nord" in said


def test_the_feeds_tables_fetch_settings_reach_the_fetch(tmp_path: Path) -> None:
    """A newsboat user sets user-agent, download-timeout, reload-threads and download-retries:
    the four were fixed in Broadsheet."""
    from broadsheet.config import fetch_settings
    from broadsheet.store.feeds.fetch import Settings

    path = tmp_path / "config.toml"
    path.write_text('[feeds]\nuser_agent = "  Gazette Reader/2 (+mailto:ann@example.org)  "\ntimeout = 2.5\n'
                    "per_host = 1\nretries = 0\nfetch_images = false\n")
    config = load_config(path)
    assert config.problems == []
    assert fetch_settings(config, retry_photos=True) == Settings(
        user_agent="Gazette Reader/2 (+mailto:ann@example.org)", timeout=2.5, per_host=1, retries=0, images=False,
        retry_photos=True)
    assert fetch_settings(load_config(tmp_path / "none.toml")) == fetch_settings(None) == Settings()


def test_the_templates_fetch_settings_are_the_fetchs_own(tmp_path: Path) -> None:
    """The commented settings the new config file shows, uncommented, change nothing."""
    from broadsheet.config import TEMPLATE, fetch_settings
    from broadsheet.store.feeds.fetch import Settings

    path = tmp_path / "config.toml"
    shown = ("user_agent", "timeout", "per_host", "retries")
    path.write_text("\n".join(line[2:] if line.startswith(tuple(f"# {key} =" for key in shown)) else line
                              for line in TEMPLATE.splitlines()))
    config = load_config(path)
    assert config.problems == [] and config.user_agent and config.timeout and config.per_host and config.retries
    assert fetch_settings(config) == Settings()


def test_a_fetch_setting_that_cannot_be_used_is_said_and_the_default_kept(tmp_path: Path) -> None:
    from broadsheet.config import fetch_settings
    from broadsheet.store.feeds.fetch import Settings

    path = tmp_path / "config.toml"
    said = {
        "user_agent": "feeds.user_agent must be a line of printable ASCII text, not empty; Broadsheet's own is used",
        "timeout": "feeds.timeout must be a number of seconds from 1 to 60; the default is used",
        "per_host": "feeds.per_host must be a whole number of downloads from 1 to 16; the default is used",
        "retries": "feeds.retries must be a whole number of tries from 0 to 5; the default is used",
    }
    bad = {"user_agent": ['""', '"  "', '"Gazette\\u001b[31m"', '"Gazette\\tReader"', '"Gazette ✓"', "3"],
           "timeout": ["0", "0.5", "61", "nan", "inf", "true", '"15"'],
           "per_host": ["0", "17", "2.5", "-1", "false"],
           "retries": ["-1", "6", "1.5", '"2"']}
    for key, values in bad.items():
        for value in values:
            path.write_text(f"[feeds]\n{key} = {value}\n")
            config = load_config(path)
            assert config.problems == [f"{path}: {said[key]}"], (key, value)
            assert fetch_settings(config) == Settings(), (key, value)


def test_a_misspelt_fetch_setting_is_said_with_the_one_meant(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[feeds]\nuser-agent = "Gazette Reader/2"\nretry = 0\nper_host = 2\n')
    assert [problem.removeprefix(f"{path}: ") for problem in load_config(path).problems] == [
        "unknown setting feeds.retry ignored (did you mean feeds.retries?)",
        "unknown setting feeds.user-agent ignored (did you mean feeds.user_agent?)",
    ]

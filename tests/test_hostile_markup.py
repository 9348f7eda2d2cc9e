"""Markup-looking story text is shown literally in the reader and never runs an action."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from broadsheet.store.model import Credits, Image
from broadsheet.store.storage.db import Store
from broadsheet.tui.app import BroadsheetApp
from broadsheet.tui.widgets.article_view import ArticleView
from broadsheet.tui.widgets.headline_list import HeadlineList
from tests.factories import make_article
from tests.test_app import credits_text, settle

MARKUP = ["[bold]", "[/]", "[/", "[@click=app.quit]x[/]", "[link=file:///etc/passwd]x[/link]"]
HOSTILE = " ".join(MARKUP)


def hostile_store(folder: Path) -> tuple[Store, str]:
    store = Store(folder)
    article = make_article(
        1,
        headline=f"Ferry vote {HOSTILE}",
        body=[f"Paragraph one {HOSTILE} ends.", f"[@click=app.quit]click me[/] and [/ and {MARKUP[4]}"],
        standfirst=f"Standfirst {MARKUP[3]}",
        source="[link=file:///etc/passwd]Gazette[/link]",
        authors=["[bold]Ada[/]", "[@click=app.bell]Ben[/]"],
        dateline="[/LOWMOOR",
        images=[Image(f"Caption {MARKUP[3]}", f"Credit {MARKUP[4]}")],
        credits=Credits(reporting=["[@click=app.quit]Mia[/]"], editing=["[/]Tom"], text=f"(Reporting {HOSTILE})"),
    )
    (sid,) = store.add([(article, None)])
    store.user.edit_tags([sid], add=["[@click=app.quit]x[/]", "[bold]loud"])
    return store, sid


async def test_markup_in_every_field_is_literal_and_inert(tmp_path: Path) -> None:
    store, _sid = hostile_store(tmp_path / "store")
    app = BroadsheetApp(store)
    actions: list[str] = []
    opened: list[str] = []
    original = app.run_action

    async def record(action: str, *args: object, **kwargs: object) -> bool:
        actions.append(str(action))
        return await original(action, *args, **kwargs)  # type: ignore[arg-type]

    app.run_action = record  # type: ignore[method-assign]
    app.open_url = lambda url, **_kw: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        line = app.screen.query_one(HeadlineList).render_line(0).text
        assert "Ferry vote [bold] [/]" in line and " [[@click=" in line  # as typed (its tags too), not markup
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        text = view.text
        drawn = [view.render_line(y).text for y in range(view.scrollable_content_region.height)]
        assert any("[@click=app.quit]click me[/]" in line for line in drawn)  # what is drawn, too
        for piece in (f"Ferry vote {HOSTILE}", f"Paragraph one {HOSTILE} ends.", "[@click=app.quit]click me[/]",
                      f"Standfirst {MARKUP[3]}", "[bold]Ada[/]", "[/LOWMOOR", f"(Reporting {HOSTILE})"):
            assert piece in text, piece
        credits = credits_text(app)
        for piece in ("Caption [@click=app.quit]x[/]", "file:///etc/passwd", "[@click=app.quit]Mia[/]", "[/]Tom"):
            assert piece in credits, piece
        sidebar = app.screen.query_one(OptionList)
        prompts = [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]
        assert any("[@click=app.quit]x[/]" in p for p in prompts) and any("[bold]loud" in p for p in prompts)
        for offset in [(2, 0), (12, 0), (20, 1), (30, 2), (5, 4)]:  # click where the "links" would be
            await pilot.click(ArticleView, offset=offset)
            await settle(pilot)
        await pilot.click(HeadlineList, offset=(30, 0))
        await settle(pilot)
        assert app.is_running
    assert actions, "recording works: the keys above ran their actions"
    assert not any("quit" in a or "bell" in a for a in actions), actions
    assert opened == []

"""A live blog keeps each update's time: it leads the update's first paragraph.

Made-up pages. A time on its own line is otherwise dropped as a date line, which is right for
the one date under an ordinary story's headline, so that case is tested beside it.
"""

from __future__ import annotations

from broadsheet.store.html import page_article

WELCOME = "<p>Good morning and welcome to our live coverage of the storm over the valley since Sunday.</p>"
BRIDGE = "<p>The river bridge was closed to traffic at half past ten, the county roads office said.</p>"
POWER = "<p>About twelve thousand homes lost power overnight as the storm moved east, the grid operator said.</p>"


def page(article: str) -> str:
    return ("<!DOCTYPE html><html><head><meta charset=utf-8><title>Storm live</title></head><body>"
            f"<article><h1>Storm live: latest updates</h1>{article}</article></body></html>")


def update(stamp: str, heading: str, text: str, box: str = "{}") -> str:
    return f'<div class="live-update">{box.format(stamp)}<h2>{heading}</h2>{text}</div>'


def test_each_update_is_led_by_its_time() -> None:
    body = page_article(page(
        update('<time datetime="2026-11-02T10:32:00Z">10:32 GMT</time>', "Bridge closed", BRIDGE)
        + update('<time datetime="2026-11-02T09:15:00Z">09:15 GMT</time>', "Power cuts spread", POWER)
    )).body
    assert body[0] == "10:32 GMT \N{EM DASH} Bridge closed"
    assert body[2] == "09:15 GMT \N{EM DASH} Power cuts spread"
    assert body[1].startswith("The river bridge") and body[3].startswith("About twelve thousand")


def test_a_stamp_in_a_box_named_timestamp_is_kept() -> None:
    """Publishers name the stamp's box "timestamp", which alone marks a date line to drop."""
    box = '<div class="update-timestamp">{}</div>'
    body = page_article(page(
        update("<time>10:32</time>", "Bridge closed", BRIDGE, box)
        + update("<time>09:15</time>", "Power cuts spread", POWER, box)
    )).body
    assert body[:3] == ["10:32 \N{EM DASH} Bridge closed", BRIDGE[3:-4], "09:15 \N{EM DASH} Power cuts spread"]


def test_a_relative_time_is_shown_as_the_moment_it_names() -> None:
    """"2 hours ago" was true when the page was saved; its ``datetime`` says when."""
    body = page_article(page(
        update('<time datetime="2026-11-02T10:32:00Z">2 hours ago</time>', "Bridge closed", BRIDGE)
        + update('<time datetime="2026-11-02T09:15:00+01:00">3 hours ago</time>', "Power cuts spread", POWER)
    )).body
    assert body[0] == "2026-11-02 10:32 \N{EM DASH} Bridge closed"
    assert body[2] == "2026-11-02 09:15 \N{EM DASH} Power cuts spread"


def test_an_update_without_a_heading_leads_its_paragraph() -> None:
    body = page_article(page(
        f'<div><time>10:32</time>{BRIDGE}</div><div><time>09:15</time>{POWER}</div>'
    )).body
    assert body == [f"10:32 \N{EM DASH} {BRIDGE[3:-4]}", f"09:15 \N{EM DASH} {POWER[3:-4]}"]


def test_an_ordinary_story_keeps_its_date_out_of_the_text() -> None:
    body = page_article(page(
        '<div class="meta"><time datetime="2026-11-02T08:00:00Z">2 November 2026</time></div>'
        + WELCOME + BRIDGE + POWER
    )).body
    assert body == [WELCOME[3:-4], BRIDGE[3:-4], POWER[3:-4]]


def test_times_of_linked_teasers_are_no_updates() -> None:
    teaser = '<div><a href="/other"><time>11:00</time> {} </a></div>'
    body = page_article(page(
        WELCOME + BRIDGE + POWER
        + teaser.format("Another long headline of a different story on this same site today")
        + teaser.format("And a third long headline of yet another story published on the site")
    )).body
    assert not any("11:00" in line for line in body)

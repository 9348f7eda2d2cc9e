"""The account of a fetch that `broadsheet fetch` ends with and the reader's F shows (one function)."""

from __future__ import annotations

from typing import Any

from broadsheet.store.feeds.fetch import FeedResult, FetchReport, Outcome
from broadsheet.store.feeds.subscriptions import Subscription
from broadsheet.store.feeds.summary import summarize


def result(title: str, outcome: Outcome = "new", **kw: Any) -> FeedResult:
    return FeedResult(Subscription(f"https://{title.lower()}.example/feed", title=title), outcome, **kw)


def test_a_feed_that_moved_or_went_into_another_is_named_and_said_once() -> None:
    """The quiet refresh says a subscription that changed (moved, merged), not one waiting on a Retry-After."""
    moved = summarize(FetchReport([result("Courier", moved_to="https://new.example/feed")]))
    assert moved.text == "0 new, 0 updated from 1 feed; 0 failed\nCourier: moved to https://new.example/feed"
    assert moved.news and not moved.failing and moved.level == "information"
    waiting = summarize(FetchReport([result("Gazette", "skipped", reason="the server asked to wait until 2031")]))
    assert waiting.text == ("0 new, 0 updated from 1 feed; 0 failed; 1 skipped\n"
                            "Gazette skipped: the server asked to wait until 2031")
    assert not waiting.news  # said when asked (F), not every half hour


def test_the_notice_names_failures_first_and_five_feeds_at_most() -> None:
    report = FetchReport([result(f"Fine {n}", photo_problems=["not kept: not found (404)"]) for n in range(5)]
                         + [result("Down", "failed", reason="could not connect within 15 s")])
    summary = summarize(report)
    assert summary.counts == "0 new, 0 updated from 6 feeds; 1 failed; 5 photos not kept"
    assert summary.feeds == ("Down failed: could not connect within 15 s",
                             *(f"Fine {n}: 1 photo not kept: not found (404)" for n in range(3)),
                             "and 2 other feeds (`broadsheet fetch` names each)")
    assert summary.failing and summary.level == "warning"


def test_the_notice_names_a_subscription_that_moved_before_failures_and_says_where_hidden_failures_are() -> None:
    """The reader's F listed failures first and hid a 301 move that changed the subscription in
    "and 2 other feeds": the reader showed that nowhere. The sidebar marks a failed feed."""
    report = FetchReport([result(f"Down {n}", "failed", reason="not found (404)") for n in range(5)]
                         + [result("Courier", moved_to="https://new.example/feed"),
                            result("Twin", "skipped", reason="moved to a feed subscribed already", same_as="Gazette")])
    assert summarize(report).feeds == (
        "Courier: moved to https://new.example/feed", "Twin skipped: moved to a feed subscribed already",
        "Down 0 failed: not found (404)", "Down 1 failed: not found (404)",
        "and 3 other feeds (3 failed, marked ! in the sidebar; `broadsheet fetch` names each)")

"""A saved page and a text dump of the same article are one story, in either order.

A reviewer imported a folder of saved pages and a folder of their text dumps and found every
headline twice: a text dump was matched only against other text dumps. The page is the
fuller copy (its address, photos and captions); a text dump of it adds nothing.
"""

from __future__ import annotations

from broadsheet.store.model import Image
from broadsheet.store.storage.db import Store
from tests.factories import make_article

URL = "https://coast.example/news/ferries"
PHOTO = "cd" * 32


def page(**overrides: object):  # type: ignore[no-untyped-def]
    fields = dict(url=URL, images=[Image("Ferries wait at the harbour wall.", "Ben Wick", photo=PHOTO)])
    return make_article(1, **{**fields, **overrides})


def stored(store: Store, *copies: tuple[object, str]) -> list[tuple[str, str]]:
    """What storing each (article, file) did: (story id, new / updated / present)."""
    return store.add_identified([(a.story_id, a, file) for a, file in copies]).results  # type: ignore[attr-defined]


def dump():  # type: ignore[no-untyped-def]
    """The same article copied from the browser: no address, no photo, a line of furniture more."""
    saved = page()
    return make_article(1, url=None, key=None, images=[], body=[*saved.body, "Share this story"])


def test_a_text_dump_of_a_saved_page_is_the_same_story(store: Store) -> None:
    (sid,) = store.add([(page(), "ferries.html")])
    assert stored(store, (dump(), "ferries.txt")) == [(sid, "present")]
    assert len(Store(store.folder)) == 1
    article = Store(store.folder).article(sid)
    assert article is not None and article.url == URL and article.images[0].photo == PHOTO
    assert stored(store, (page(), "ferries.html"), (dump(), "ferries.txt")) == [(sid, "present")] * 2
    assert len(Store(store.folder)) == 1


def test_a_page_saved_after_its_text_dump_takes_the_dumps_place(store: Store) -> None:
    (sid,) = store.add([(dump(), "ferries.txt")])
    store.user.set_bookmarked(sid, True)
    assert stored(store, (page(), "ferries.html")) == [(sid, "updated")]
    again = Store(store.folder)
    article = again.article(sid)
    assert len(again) == 1 and article is not None and article.url == URL and article.images[0].photo == PHOTO
    assert again.user.get(sid).bookmarked
    assert stored(store, (page(), "ferries.html"), (dump(), "ferries.txt")) == [(sid, "present")] * 2  # by address
    assert len(Store(store.folder)) == 1


def test_two_pages_at_two_addresses_stay_two_stories(store: Store) -> None:
    """A wire story on two sites: the same words, two pages the user saved."""
    first, second = store.add([(page(), "a.html"), (page(url="https://other.example/ferries"), "b.html")])
    assert first != second and len(Store(store.folder)) == 2


def test_a_text_dump_finds_its_page_among_pages_of_one_headline(store: Store) -> None:
    """Letters pages share one headline: each page is its own story, and a text dump of one of
    them is that one's."""
    letters = [page(url=f"https://coast.example/letters/{n}", headline="Letters to the editor",
                    body=[f"Letter {n}: the ferry timetable change leaves the early crossing without a bus {n}.",
                          f"Reader number {n} wrote that the harbour wall needs repair before the winter."])
               for n in range(3)]
    ids = [sid for sid, _ in stored(store, *[(letter, f"letters-{n}.html") for n, letter in enumerate(letters)])]
    assert len(set(ids)) == 3
    copied = make_article(1, url=None, key=None, images=[], headline="Letters to the editor",
                          body=[*letters[1].body, "Share this story"])
    assert stored(store, (copied, "letters-1.txt")) == [(ids[1], "present")]
    assert len(Store(store.folder)) == 3

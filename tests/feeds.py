"""Made-up feeds for the feed tests, written by hand in each format."""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from broadsheet.store.errors import StoreWriteError
from broadsheet.store.feeds.subscriptions import Subscription, Subscriptions


def rss(items: str, title: str = "Harbour Gazette", extra: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>{title}</title><link>https://gazette.example/</link>{extra}
{items}
</channel></rss>""".encode()


def rss_item(n: int, *, text: str = "", guid: str | None = None, title: str | None = None) -> str:
    guid = guid if guid is not None else f"item-{n}"
    title = title if title is not None else f"Ferry timetable change number {n}"
    text = text or f"The ferry to the outer islands will leave later from week {n}. Passengers were told."
    return (f"<item><title>{title}</title><link>https://gazette.example/story/{n}</link><guid>{guid}</guid>"
            f"<pubDate>Tue, 03 Mar 2026 10:{n % 60:02d}:00 GMT</pubDate><dc:creator>Ann Quill</dc:creator>"
            f"<description>{text}</description></item>")


#: A feed entry with a shell loop in a <pre> (markup in the code, to be shown as written) and a small table.
CODE_AND_TABLE = rss(rss_item(1, title="How the tide logs are renamed", text=(
    "<![CDATA[<p>The harbour office renames its logs each night.</p>"
    "<pre><code>for f in *.txt; do\n\techo \"[bold]$f[/]\"\ndone</code></pre>"
    "<table><tr><th>Name</th><th>Value</th></tr><tr><td>alpha</td><td>1</td></tr>"
    "<tr><td>beta</td><td>2</td></tr></table>]]>")))


def rss_feed(count: int, title: str = "Harbour Gazette", start: int = 0) -> bytes:
    return rss("\n".join(rss_item(n) for n in range(start, start + count)), title)


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Valley Courier</title>
  <link rel="self" href="https://courier.example/atom.xml"/>
  <link href="https://courier.example/"/>
  <id>urn:courier</id><updated>2026-03-04T08:00:00Z</updated>
  <entry>
    <title type="text">Bridge reopens after repairs</title>
    <link href="https://courier.example/bridge"/>
    <id>urn:courier:bridge</id>
    <published>2026-03-04T07:30:00Z</published><updated>2026-03-04T08:00:00Z</updated>
    <author><name>Ben Ortiz</name></author>
    <content type="text">The old bridge opened again on Tuesday.

Drivers queued from dawn.</content>
  </entry>
</feed>"""

ATOM03 = b"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
  <title>Old Courier</title>
  <link rel="alternate" type="text/html" href="https://old.example/"/>
  <entry>
    <title>Mill closes</title>
    <link rel="alternate" type="text/html" href="https://old.example/mill"/>
    <id>tag:old.example,2004:mill</id>
    <issued>2004-05-01T10:00:00Z</issued>
    <summary>The last mill in the valley closed its doors.</summary>
  </entry>
</feed>"""

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://rdf.example/"><title>RDF Weekly</title><link>https://rdf.example/</link></channel>
  <item rdf:about="https://rdf.example/1"><title>Council meets</title><link>https://rdf.example/1</link>
    <description>The council met on Monday.</description></item>
</rdf:RDF>"""

RSS091 = b"""<?xml version="1.0"?>
<rss version="0.91"><channel><title>Plain Times</title><link>https://plain.example/</link>
<item><title>Harvest in</title><link>https://plain.example/harvest</link>
<description>Farmers brought in the harvest early.</description></item></channel></rss>"""

JSON_FEED = b"""{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Coast Dispatch",
  "home_page_url": "https://dispatch.example/",
  "feed_url": "https://dispatch.example/feed.json",
  "authors": [{"name": "Desk"}],
  "items": [
    {"id": "1", "url": "https://dispatch.example/1", "title": "Storm warning lifted",
     "content_text": "The storm warning was lifted at noon.\\n\\nSchools reopen tomorrow.",
     "date_published": "2026-03-05T12:00:00+00:00", "authors": [{"name": "Cora Lind"}],
     "image": "https://dispatch.example/storm.jpg"},
    {"id": 2, "url": "https://dispatch.example/2", "content_text": "A second item with no title at all here."},
    "not an object",
    {"id": "4", "title": {"nested": "wrong type"}, "content_text": ["wrong"], "url": 7}
  ]
}"""

JSON_FEED_10 = b"""{"version": "https://jsonfeed.org/version/1", "title": "Old Dispatch",
 "items": [{"id": "a", "url": "https://od.example/a", "title": "Tide tables", "content_text": "High tide at six.",
            "author": {"name": "Eli Moss"}}]}"""


def learned(subs: Subscriptions, changed: Iterable[Subscription]) -> None:
    """Write ``changed`` as a fetch that learned their addresses, titles and states would
    (every such field, whatever the records held: the state an older version or a server left)."""
    subs.save(({}, sub) for sub in changed)


def full_disk_for(monkeypatch: pytest.MonkeyPatch, full: Callable[[Path], bool]) -> None:
    """Every store file ``full`` names fails to be written, as on a full disk."""
    from broadsheet.store.storage import tinydb

    write = tinydb.atomic_write_bytes

    def writing(path: Path, data: bytes, **kwargs: object) -> None:
        if full(Path(path)):
            raise StoreWriteError(path, OSError(errno.ENOSPC, "No space left on device"))
        write(path, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tinydb, "atomic_write_bytes", writing)


def marks_file(path: Path) -> bool:
    """A state file of marks (not the settings): the disk full for marks alone."""
    return path.parent.name == "state" and path.stem != "settings"

"""Made-up saved pages in every form Broadsheet reads: HTML, SingleFile, MHTML, WARC, page + page_files/."""

from __future__ import annotations

import base64
import io
import json
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

URL = "https://coast-herald.example/news/2026/03/harbour-ferry-timetable"
HEADLINE = "Harbour council approves new ferry timetable"
PARAGRAPHS = [
    "LOWMOOR (Northwire) - The harbour council voted on Tuesday to approve a new ferry timetable after a debate "
    "that lasted well into the evening, councillors said.",
    "The timetable adds two early crossings on weekdays and moves the last evening sailing half an hour later, "
    "a change that commuters had asked for since the winter.",
    "Ferry operators welcomed the decision, saying the extra crossings would ease the queues that build up at "
    "the slipway every morning, especially in the summer months.",
    "The new timetable takes effect at the start of next month, the council said in a statement on its website.",
]

# A gallery: a <figure> holding a <figure> for each photo, each captioned and credited, and a caption of its own.
GALLERY = ("<figure class='gallery'><ul>"
           "<li><figure><img src='/p/quay.jpg'><figcaption><span class='caption'>The quay at low tide.</span>"
           "<span class='credit'>Jo Roe</span></figcaption></figure></li>"
           "<li><figure><img src='/p/pier.jpg'><figcaption><span class='caption'>The north pier after the storm."
           "</span><span class='credit'>Bo Lund</span></figcaption></figure></li>"
           "</ul><figcaption>Two views of the harbour this winter.</figcaption></figure>")


def png_bytes(size: tuple[int, int] = (8, 6), colour: str = "navy") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def article_html(photo_src: str = "https://coast-herald.example/img/ferry.jpg", *, canonical: bool = True,
                 extra_body: str = "", charset: str = "utf-8") -> str:
    """A news page with JSON-LD, OpenGraph, a figure with caption and credit, and page furniture."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": HEADLINE,
          "datePublished": "2026-03-10T09:30:00Z", "author": [{"@type": "Person", "name": "Mara Quill"}],
          "publisher": {"@type": "Organization", "name": "Coast Herald"}}
    paragraphs = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    head_link = f'<link rel="canonical" href="{URL}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}"><title>{HEADLINE} | Coast Herald</title>
{head_link}
<meta property="og:title" content="{HEADLINE}"><meta property="og:site_name" content="Coast Herald">
<script type="application/ld+json">{json.dumps(ld)}</script>
<style>.x {{ color: red }}</style><script>window.tracking = "do not read me";</script>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<main><article>
<h1>{HEADLINE}</h1>
<div class="byline">By <a rel="author" href="/staff/mara">Mara Quill</a>
<time datetime="2026-03-10T09:30:00Z">10 March 2026</time></div>
<figure><img src="{photo_src}" alt="ferry"><figcaption><span class="caption">The morning ferry leaves Lowmoor
slipway.</span> <span class="credit">Photo: Ian Reed/Coast Herald</span></figcaption></figure>
<div class="article-body">
{paragraphs}
{extra_body}
<div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
</div>
</article>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/a">Bridge reopens to walkers after repairs</a></li>
<li><a href="/b">Lifeboat crew marks fifty years of service</a></li></ul></aside>
</main>
<footer><p>Copyright 2026 Coast Herald. All rights reserved.</p></footer>
</body></html>"""


def singlefile_html(photo: bytes) -> str:
    uri = "data:image/png;base64," + base64.b64encode(photo).decode()
    return f"<!--\n Page saved with SingleFile \n url: {URL} \n saved date: Tue Mar 10 2026\n-->\n" + article_html(uri)


def mhtml_bytes(html: str, photo: bytes | None, photo_url: str = "https://coast-herald.example/img/ferry.jpg",
                content_id: str | None = None) -> bytes:
    """An MHTML file as Chromium saves it (multipart/related, quoted-printable HTML, base64 parts);
    ``content_id``: the photo part is named by a ``Content-ID`` alone, as the page's ``cid:`` address
    (mail programs and Word save pages so)."""
    message = MIMEMultipart("related", type="text/html")
    message["Snapshot-Content-Location"] = URL
    message["Subject"] = HEADLINE
    page = MIMEText(html, "html", "utf-8")
    page["Content-Location"] = URL
    message.attach(page)
    if photo is not None:
        part = MIMEImage(photo, "png")
        if content_id is None:
            part["Content-Location"] = photo_url
        else:
            part["Content-ID"] = f"<{content_id}>"
        message.attach(part)
    return b"From: <Saved by Blink>\r\n" + message.as_bytes()


def warc_bytes(records: list[tuple[str, str, bytes]], *, gzip: bool = True, statuses: dict[str, str] | None = None
               ) -> bytes:
    """A WARC file of HTTP responses: (url, content type, body) each, "200 OK" unless ``statuses`` says."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    for url, kind, body in records:
        headers = StatusAndHeaders((statuses or {}).get(url, "200 OK"), [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=headers))
    return out.getvalue()


def save_complete(folder: Path, photo: bytes, name: str = "page") -> Path:
    """A page saved "complete": ``page.html`` and ``page_files/`` with its photo and a script."""
    files = folder / f"{name}_files"
    files.mkdir(parents=True)
    (files / "ferry.png").write_bytes(photo)
    (files / "app.js").write_text("console.log('x')", encoding="utf-8")
    (files / "frame.html").write_text("<html><body><p>an embedded frame</p></body></html>", encoding="utf-8")
    page = folder / f"{name}.html"
    page.write_text(article_html(f"./{name}_files/ferry.png"), encoding="utf-8")
    return page

"""What a page says about itself in metadata: JSON-LD, OpenGraph, Twitter, Dublin Core, microdata.

Publishers put the headline, authors, dates and lead photo there for search engines and
social sites; it is more reliable than anything guessed from the layout. Every value is
sanitised here, as it leaves the page.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from broadsheet.store.html.tree import absolute, squash
from broadsheet.store.model import Image
from broadsheet.store.parse.textstats import word_count
from broadsheet.store.sanitize import is_web_address

_ARTICLE_TYPES = ("Article", "Posting", "Report", "BlogPosting", "LiveBlog", "Review", "Story")
_MAX_LD = 2 * 1024 * 1024  # a JSON-LD block larger than this is not metadata


@dataclass(slots=True)
class PageMeta:
    headline: list[str] = field(default_factory=list)  # candidates, most trusted first
    ld_headline: str | None = None  # the headline of the page's JSON-LD article
    og_title: str | None = None
    social_titles: list[str] = field(default_factory=list)  # og:title, twitter:title
    authors: list[str] = field(default_factory=list)
    author_orgs: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)  # when the story was last changed: a date of last resort
    publisher: str | None = None
    url: str | None = None
    description: str | None = None
    body: str | None = None  # JSON-LD articleBody
    images: list[Image] = field(default_factory=list)
    article: bool = False  # the page says it is an article (JSON-LD's type, og:type), not a list of them


def _objects(value: Any, depth: int = 0, listed: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every JSON object in a JSON-LD document (``@graph`` lists and nested values included), and
    whether it is an item of a list (``itemListElement``: related stories, not the page's own)."""
    if depth > 8:
        return
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, depth + 1, listed)
    elif isinstance(value, dict):
        yield value, listed
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in value:
                yield from _objects(value[key], depth + 1, listed or key == "itemListElement")


def _types(obj: dict[str, Any]) -> str:
    kind = obj.get("@type")
    return " ".join(str(k) for k in kind) if isinstance(kind, list) else str(kind or "")


def _text(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("text")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value)
        if "&" in text:
            text = html.unescape(text)  # JSON-LD strings often keep the page's entities (&#8217;)
        text = squash(text)
        if "<" in text and ">" in text:  # some pages put markup in JSON-LD strings
            text = squash(LexborHTMLParser(text).text(separator=" ") or "")
        return text or None
    return None


def _people(value: Any) -> tuple[list[str], list[str]]:
    """(people, organisations) named in a JSON-LD author value."""
    people: list[str] = []
    orgs: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        name = _text(item)
        if not name or name.startswith(("http://", "https://")):
            continue
        kind = _types(item) if isinstance(item, dict) else ""
        (orgs if "Organization" in kind or "NewsMediaOrganization" in kind else people).append(name)
    return people, orgs


def _ld_image(value: Any, base: str | None) -> Iterator[Image]:
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, dict):
            continue
        caption = _text(item.get("caption")) or _text(item.get("description")) or ""
        credit = None
        for key in ("creditText", "copyrightHolder", "author", "creator", "copyrightNotice"):
            credit = _text(item.get(key))
            if credit:
                break
        src = absolute(_text(item.get("url")) or _text(item.get("contentUrl")), base)
        if caption or credit:
            yield Image(caption, credit, src)


def _json_ld(tree: LexborHTMLParser) -> Iterator[tuple[dict[str, Any], bool]]:
    for script in tree.css('script[type="application/ld+json" i]'):
        raw = script.text(deep=True)
        if not raw or len(raw) > _MAX_LD:
            continue
        try:
            yield from _objects(json.loads(raw.strip().rstrip(";"), strict=False))
        except (ValueError, RecursionError):
            continue


def _owner(name: str, props: dict[str, str], publisher: str | None) -> bool:
    """Whether a meta tag's author is the site or the company owning it (its publisher, or the holder its
    copyright notice names: "Copyright (c) Gull Media 2025"), as a CMS fills in beside the people who
    wrote the story."""
    folded = " ".join(name.casefold().split())
    owners = [publisher, _text(props.get("og:site_name")), _text(props.get("copyright"))]
    return any(f" {folded} " in f" {' '.join(owner.casefold().replace(',', ' ').split())} "
               for owner in owners if owner)


def read_meta(tree: LexborHTMLParser, base: str | None = None) -> PageMeta:
    """The page's own statements about itself."""
    meta = PageMeta()
    props: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
        if key and key not in props and attrs.get("content"):
            props[key] = attrs["content"] or ""

    articles = [(obj, listed) for obj, listed in _json_ld(tree) if any(t in _types(obj) for t in _ARTICLE_TYPES)]
    if not all(listed for _, listed in articles):
        articles = [item for item in articles if not item[1]]  # the page's story, not those it lists
    modified: list[str] = []
    for obj, _listed in articles:
        for key in ("headline", "name", "alternativeHeadline"):
            value = _text(obj.get(key))
            if value:
                meta.headline.append(value)
                if key == "headline" and meta.ld_headline is None:
                    meta.ld_headline = value
        people, orgs = _people(obj.get("author") or obj.get("creator"))
        meta.authors += [p for p in people if p not in meta.authors]
        meta.author_orgs += [o for o in orgs if o not in meta.author_orgs]
        for key in ("datePublished", "dateCreated", "dateModified"):
            value = _text(obj.get(key))
            if value:
                (modified if key == "dateModified" else meta.published).append(value)
        meta.publisher = meta.publisher or _text(obj.get("publisher"))
        meta.body = meta.body or (obj.get("articleBody") if isinstance(obj.get("articleBody"), str) else None)
        meta.description = meta.description or _text(obj.get("description"))
        main = obj.get("mainEntityOfPage")
        meta.url = meta.url or _text(obj.get("url")) or (_text(main.get("@id")) if isinstance(main, dict) else None)
        meta.images += _ld_image(obj.get("image") or obj.get("associatedMedia"), base)

    meta.article = any(not listed for _, listed in articles) or props.get("og:type", "").strip().lower() == "article"
    meta.og_title = _text(props.get("og:title"))
    meta.social_titles = [t for t in (meta.og_title, _text(props.get("twitter:title"))) if t]
    for key in ("og:title", "twitter:title", "dc.title", "dcterms.title", "title", "sailthru.title"):
        value = _text(props.get(key))
        if value:
            meta.headline.append(value)
    title = tree.css_first("title")
    if title is not None and _text(title.text()):
        meta.headline.append(_text(title.text()) or "")
    for key in ("author", "article:author", "dc.creator", "dcterms.creator", "sailthru.author", "byl",
                "parsely-author", "twitter:creator"):
        value = _text(props.get(key))
        if value and not value.startswith(("http", "@")):
            if not (meta.authors and _owner(value, props, meta.publisher)):
                meta.authors.append(value)
            break
    for key in ("article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
                "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created", "dcterms.date",
                "sailthru.date", "parsely-pub-date", "article.published", "publish-date"):
        value = _text(props.get(key))
        if value:
            meta.published.append(value)
    for key in ("article:modified_time", "og:updated_time", "datemodified"):
        value = _text(props.get(key))
        if value:
            modified.append(value)
    meta.modified = modified
    meta.publisher = meta.publisher or _text(props.get("og:site_name")) or _text(props.get("application-name"))
    meta.description = meta.description or _text(props.get("og:description")) or _text(props.get("description"))
    alt = _text(props.get("og:image:alt")) or _text(props.get("twitter:image:alt"))
    if alt and word_count(alt) >= 4:
        from broadsheet.store.html.figures import split_caption

        caption, credit = split_caption(alt)
        meta.images.append(Image(caption, credit, absolute(_text(props.get("og:image")), base)))
    canonical = tree.css_first('link[rel~="canonical" i][href]')
    meta.url = absolute(canonical.attributes.get("href") if canonical else None, base) \
        or absolute(_text(props.get("og:url")), base) or absolute(meta.url, base)
    if meta.url and not is_web_address(meta.url):
        meta.url = None
    return meta

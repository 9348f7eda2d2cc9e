"""A whole saved page as an article: the story's own text, photos and the page's metadata.

The story is the element holding the most paragraph text for the least other text (see
:func:`main_content`); it is read with the fragment walker, leaving out page furniture
inside it (share bars, related links, comments, newsletter boxes) by tag, class name,
link density and wording (the text-dump parser's furniture test), and teasers of other
stories by their shape (:mod:`broadsheet.store.html.teasers`).
Headline, authors, date, publisher and canonical address come from the page's metadata
(:mod:`broadsheet.store.html.meta`) checked against what the page prints.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from functools import lru_cache
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from broadsheet.store.agencies import canonical_agency
from broadsheet.store.html.figures import use_noscript_photos
from broadsheet.store.html.fragment import Collector, captions_beside, data_rows, figure_like
from broadsheet.store.html.furniture import furniture_kind
from broadsheet.store.html.meta import PageMeta, read_meta
from broadsheet.store.html.stamps import led, update_stamps
from broadsheet.store.html.standfirst import standfirst, without_standfirst
from broadsheet.store.html.teasers import front_page, section_heads
from broadsheet.store.html.teasers import teasers as page_teasers
from broadsheet.store.html.tree import ENTER, LEAVE, TEXT, WHOLE, node_text, parse, squash, walk
from broadsheet.store.model import Article, Image, host_of, normal_url
from broadsheet.store.parse import cjk
from broadsheet.store.parse.boilerplate import furniture_reason, without_control_labels
from broadsheet.store.parse.byline import org_like, parse_byline, split_names
from broadsheet.store.parse.credits import closing_credits
from broadsheet.store.parse.dateline import split_dateline, wire_in
from broadsheet.store.parse.dates import find_dates, parse_date
from broadsheet.store.parse.lines import within_line
from broadsheet.store.parse.story_end import POST_WORD, bio_text, closing_bio
from broadsheet.store.parse.textstats import cjk_count, ends_sentence, word_count
from broadsheet.store.parse.types import ParseError
from broadsheet.store.sanitize import is_web_address, single_spaced
from broadsheet.store.search.analysis import CJK_CHAR

_NEGATIVE = re.compile(
    r"comment|foot|(?<!has-)(?<!no-)(?<!with-)sidebar|side-bar|related|share|sharing|social|promo|newsletter"
    r"|subscri(?!ber)|(?<![a-z])nav|menu|breadcrumb|advert|(?<![a-z])ads?(?![a-z])|sponsor|recommend|popular|trending|outbrain|taboola|cookie|consent"
    r"|signup|sign-up|widget|more-stor|read-more|readmore|also-read|pagination|masthead|banner|modal|popup|login"
    r"|toolbar|tags|topics|author-bio|bio-box|teaser|rail|skip|print-only|disclaimer|paywall|excerpt"
    r"|more-(?:news|posts|articles|from)|most-read|mostread|(?<![a-z])btn|button|trc_|sponsored",
    re.IGNORECASE,
)
# Asks of the reader (donate, join, sign up, subscribe in German and French), calls to action and
# consent layers: furniture even inside a box named for the story ("ArticlePage-donate").
_ASK = re.compile(r"donat|membership|(?<![a-z])cta(?![a-z])|call-to-action|(?<![a-z])abo(?![a-z])|abonnement"
                  r"|sp_message|newsletter|sign-?up", re.IGNORECASE)
_COMMENTS = re.compile(r"(?<![a-z])comments?(?![a-z])|comment-|disqus|respond|kommentar|commentaires|comentarios",
                       re.IGNORECASE)
_POSITIVE = re.compile(r"article|body|content|entry|main|post|story|text|prose|rich", re.IGNORECASE)
_NOT_BODY = re.compile(r"byline|dateline-meta|timestamp|(?<![a-z])date(?![a-z])|meta-data|article-meta|headline",
                       re.IGNORECASE)
# A box of the author's biography: "author-bio", "user-bio", "author-info", "about-the-author", "byline-bio".
_BIO = re.compile(r"(?<![a-z])bio(?:graphy|s)?(?![a-z])|author[-_]?(?:info|about|details|description|blurb|card)"
                  r"|about[-_]?(?:the[-_]?)?author|contributor[-_]?(?:info|details)", re.IGNORECASE)
_PRUNE_TAGS = frozenset({"nav", "aside", "footer", "form", "h1", "menu", "dialog"})
_SCORE_TAGS = "p, pre, blockquote"
# Elements whose start and end end a paragraph.
_BREAKING = frozenset({"p", "pre", "blockquote", "li", "h2", "h3", "h4", "h5", "h6", "td", "div", "section", "article",
                       "ul", "ol", "table", "tr", "dd", "dt", "header", "main", "figcaption"})
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:·•»-]\s+|\s+::\s+")
# The separators before a site's name in a <title> (a colon goes on a headline)...
_SITE_PARTS = re.compile(r"\s+(?:[|–—·•»-]|::)\s+")
_SITE_SEPARATOR = re.compile(_SITE_PARTS.pattern + r"\S")  # ...one with the name after it
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_MARKUP = re.compile(r"^<[a-zA-Z][a-zA-Z0-9]*[\s>/]")
_BY = re.compile(r"^\s*(?:by|written by|words by|von|por|par)\s+", re.IGNORECASE)


def _fold(text: str) -> str:
    return single_spaced(unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold())


def _marks(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}" if attrs else ""


def _class_weight(node: LexborNode) -> int:
    marks = _marks(node)
    return _weight(marks) if marks.strip() else 0


@lru_cache(maxsize=4096)
def _weight(marks: str) -> int:
    """-25 for furniture-like class and id names, +25 for story-like ones (both: 0)."""
    weight = 0
    if _NEGATIVE.search(marks):
        weight -= 25
    if _POSITIVE.search(marks):
        weight += 25
    return weight


def _linked(node: LexborNode) -> int:
    """Characters of ``node``'s text in links."""
    return sum(len(a.text(deep=True, strip=True)) for a in node.css("a"))


def _link_density(node: LexborNode, length: int) -> float:
    if not length:
        return 1.0
    return min(1.0, _linked(node) / length)


_ROOTS = frozenset({"body", "html", "main", "article"})
_GOOD_MIN = 40  # characters of a paragraph that counts as story text


def _paragraph_nodes(body: LexborNode) -> list[LexborNode]:
    nodes = list(body.css(_SCORE_TAGS))
    for div in body.css("div, td, section, article"):
        direct = 0
        child = div.child
        while child is not None:
            if child.tag == "-text":
                direct += len((child.text_content or "").strip())
            child = child.next
        if direct > 80:
            nodes.append(div)
    return nodes


def main_content(body: LexborNode, weight: float = 0.3, teasers: Container[int] = ()) -> LexborNode:
    """The element holding the story's text.

    Each paragraph of story text (long enough, few links, not in a navigation, aside,
    footer or furniture-named box) counts for every element above it; the story is the
    element with the most such text less ``weight`` times its other text. It holds all the
    paragraphs however each is wrapped (one ``<div>`` per paragraph is common), and no more
    than the story: the page around it adds more other text than story text. A teaser of
    another story (one of ``teasers``, see :mod:`.teasers`) is none of its text.
    """
    good: dict[int, list] = {}
    for para in _paragraph_nodes(body):
        text = para.text(deep=True, strip=True)
        if len(text) < _GOOD_MIN:
            continue
        if _link_density(para, len(text)) > 0.35:
            continue
        chain = []
        node = para.parent if para.tag != "div" else para
        furniture = False
        weight_of_text = 1.0
        level = 0  # boxes named like furniture count only close to the text, below its article
        while node is not None and node.tag not in ("html", "#document"):
            if node.tag in ("nav", "footer") or node.mem_id in teasers:
                furniture = True
                break
            if node.tag == "li":
                weight_of_text = 0.3  # a list item: a teaser of another story more often than story text
            elif level < 3 and node.tag not in _ROOTS and _furniture_named(_marks(node)):
                furniture = True  # in a box named like furniture (more news, excerpt, related) or an ask
                break
            level = 3 if node.tag in _ROOTS else level + 1
            chain.append(node)
            if node.tag == "body":
                break
            node = node.parent
        if furniture:
            continue
        counted = len(text) * weight_of_text
        for node in chain:
            entry = good.get(node.mem_id)
            if entry is None:
                good[node.mem_id] = [node, counted]
            else:
                entry[1] += counted
    if not good:
        return body
    best, best_score = body, float("-inf")
    for node, story in good.values():
        total = len(node.text(deep=True, strip=True))
        score = story - weight * (total - story)
        if score > best_score:
            best, best_score = node, score
    return best


@lru_cache(maxsize=4096)
def _furniture_named(marks: str) -> bool:
    """A box whose class and id name it furniture (more news, excerpt, related) or an ask of the
    reader (:data:`_ASK`), whatever story-like name it also has."""
    return bool(marks.strip()) and (_weight(marks) < 0 or _ASK.search(marks) is not None)


def _article_region(content: LexborNode) -> LexborNode:
    """Where the story's photos are: the nearest ancestor of the text holding the headline, if close."""
    node: LexborNode | None = content
    article = None
    for _ in range(6):
        if node is None or node.tag in ("body", "html"):
            break
        if node.css_first("h1") is not None:
            return node
        if node.tag == "article" and article is None:
            article = node  # the story's text in an <article> of its own: its lead photo may sit beside it
        node = node.parent
    return article or content


@lru_cache(maxsize=4096)
def _caption(marks: str) -> bool:
    return "caption" in marks.lower()


@lru_cache(maxsize=4096)
def _comments(marks: str) -> bool:
    """Readers' comments: never the story, however long."""
    return _COMMENTS.search(marks) is not None


@lru_cache(maxsize=4096)
def _bio_named(marks: str) -> bool:
    return _BIO.search(marks) is not None


def _bio_box(node: LexborNode, marks: str) -> bool:
    """A box named (by class, id or label) as the author's biography that reads as one
    (:func:`bio_text`): furniture however long, where a furniture-named box must be short."""
    label = node.attributes.get("aria-label") or ""
    if not ((marks.strip() and _bio_named(marks)) or (label and _bio_named(label.replace(" ", "-")))):
        return False
    return bio_text(node_text(node))


@lru_cache(maxsize=4096)
def _not_body(marks: str) -> bool:
    return _NOT_BODY.search(marks) is not None


def _short(node: LexborNode) -> bool:
    return len(node.text(deep=True, strip=True)) < 300


def _furniture_box(node: LexborNode) -> bool:
    """A box named like furniture that reads like it: short, or mostly links."""
    length = len(node.text(deep=True, strip=True))
    return length < 300 or _link_density(node, length) > 0.3


# A line break in the text; two in a row (``<br><br>``) end a paragraph, as they do on screen.
_BR = "\x00"
_BR_BREAK = re.compile("\x00\\s*\x00(?:\\s*\x00)*")


def _without_buttons(text: str) -> str:
    """A paragraph without a caption's "hide caption" button (a caption outside its figure), and a
    byline without the "Read More" after its names, which made it a line of furniture."""
    bare = without_control_labels(text)
    if bare == text:
        return text
    byline = parse_byline(bare) if bare[:1].isupper() and len(bare) < 200 else None
    return bare if byline is not None and byline.explicit and byline.authors \
        else without_control_labels(text, more=False)


_BR_LINE_MAX = 150  # characters of a line of a story's header (headline, deck, byline, post, date)


def _br_lines(part: str, titles: frozenset[str] = frozenset()) -> list[str]:
    """A block's lines parted by single line breaks: one paragraph, its lines run together, unless it
    is a story's header in a page without markup for one (``headline<br>deck``, ``By Ann Lee<br>Staff
    Writer<br>Published: DATE``): short lines that end no sentence, the first the page title's
    headline, or a byline and a date line among them. Then each is its own line, so the headline
    is known as such, the byline is read without the post after it and the date line as one."""
    lines = [squash(line) for line in part.split(_BR)]
    lines = [line for line in lines if line]
    joined = [squash(part.replace(_BR, " "))]
    if len(lines) < 2 or any(len(line) > _BR_LINE_MAX for line in lines):
        return joined
    if titles and _fold(lines[0]) in titles:
        header = lines[1:]
    else:
        bylines = [line for line in lines if line[:1].isupper() and _explicit_byline(line)]
        dated = [line for line in lines if _date_line(line)]
        if not bylines or not dated:
            return joined
        header = [line for line in lines if line not in bylines and line not in dated]
    return joined if any(ends_sentence(line) for line in header) else lines


def _explicit_byline(text: str) -> bool:
    byline = parse_byline(text)
    return byline is not None and byline.explicit and bool(byline.authors)


class _PageCollector(Collector):
    """The fragment collector, leaving out page furniture and link lists."""

    def __init__(self, base: str | None, stamps: dict[int, str] | None = None,
                 titles: frozenset[str] = frozenset()) -> None:
        super().__init__(base, keep_data=True)
        self.titles = titles  # the page title's parts, folded: a block opening on one is the story's header
        self.stamps = stamps or {}  # a live blog's update times (see :mod:`.stamps`)
        self.stamp: str | None = None  # the time of the update whose text comes next
        self.linked = 0
        self.link_depth = 0
        self.link_chars = 0
        self.in_head = False  # the line gathered is a heading of the story's sections, kept though all link

    def flush(self) -> None:
        if not self.buffer:
            return
        text = "".join(self.buffer)
        linked, self.link_chars = self.link_chars, 0
        self.buffer.clear()
        line = squash(text.replace(_BR, " "))
        if not line:
            return
        if linked > 0.5 * len(line) and word_count(line) < 40 and not self.in_head:
            return  # a list of links, a "Read more: ..." teaser
        parts = [split for part in _BR_BREAK.split(text) for split in _br_lines(part, self.titles)] \
            if _BR in text else [line]
        for part in (piece for whole in parts for piece in within_line(whole)):  # (a 50 MB <p>: in pieces)
            part = _without_buttons(part)
            if not part or _MARKUP.match(part):
                continue  # markup printed as text (an escaped tracking pixel)
            if furniture_reason(part) is None:
                if self.stamp:
                    part, self.stamp = led(self.stamp, part), None
                self.paragraphs.append(part)

    def add_lines(self, node: LexborNode) -> None:
        if node.tag != "pre":  # a row of links is a list of links, as its cells apart were
            self.link_chars = _linked(node)
        super().add_lines(node)

    def collect_page(self, roots: list[LexborNode], boxes: set[int], teasers: Container[int] = (),
                     heads: Container[int] = ()) -> None:
        """The text of ``roots`` without furniture, photos' boxes (``boxes``) and other stories' teasers,
        the headings of its sections (``heads``, see :func:`.teasers.section_heads`) kept though all link."""
        rows = {row for root in roots for row in data_rows(root)}

        def whole(node: LexborNode) -> bool:
            if node.tag in ("figure", "img", "pre") or (boxes and node.mem_id in boxes) or node.mem_id in self.stamps \
                    or node.mem_id in teasers or node.mem_id in rows:
                return True
            if node.tag in _PRUNE_TAGS:
                return True
            marks = _marks(node)
            if _bio_box(node, marks):
                return True
            if not marks.strip():
                return False
            if _not_body(marks):
                return _short(node)
            if _comments(marks) or (_caption(marks) and _short(node)):
                return True  # readers' comments; a photo's caption outside its figure
            return _furniture_named(marks) and _furniture_box(node)

        for root in roots:
            for event, node in walk(root, whole=whole):
                if event == TEXT:
                    text = node.text_content or ""
                    self.buffer.append(text)
                    if self.link_depth:
                        self.link_chars += len(text.strip())
                elif event == WHOLE:
                    if node.mem_id in self.stamps:
                        self.flush()
                        self.stamp = self.stamps[node.mem_id]
                    elif node.tag in ("figure", "img") or node.mem_id in boxes or node.mem_id in teasers:
                        self.flush()
                    elif node.tag == "pre" or node.mem_id in rows:
                        self.flush()
                        self.add_lines(node)
                    continue
                elif node.tag == "a":
                    self.link_depth += 1 if event == ENTER else -1
                elif node.tag == "br":
                    if event == ENTER:
                        self.buffer.append(_BR)
                elif node.tag in _BREAKING and event in (ENTER, LEAVE):
                    self.flush()
                    self.in_head = event == ENTER and node.mem_id in heads
            self.flush()


def _images(region: LexborNode, base: str | None, meta: PageMeta) -> list[Image]:
    """The story's photos: its figures and caption boxes, then those only its metadata describes."""
    collector = Collector(base, keep_data=True)
    beside = captions_beside(region)
    boxes = figure_like(region) | set(beside)

    def whole(node: LexborNode) -> bool:
        return node.tag == "figure" or node.mem_id in boxes or node.tag in ("nav", "footer") or _class_weight(node) < 0

    from broadsheet.store.html.figures import figure_images

    counts: dict[int, int] = {}  # for furniture_kind: each element's linked pictures counted once
    for event, node in walk(region, whole=whole):
        if event == WHOLE and (node.tag == "figure" or node.mem_id in boxes):
            for part, image in figure_images(node, base, beside.get(node.mem_id)):
                # Without a caption or credit, only a <figure> tells a story photo from a logo, an
                # author's picture or an ad printed as a bare <img> or in a box.
                if (image is not None and (image.caption or image.credit or part.tag == "figure")
                        and furniture_kind(part, region, image, base, counts) is None):
                    collector.add_image(image)
    # A photo of the story without caption or credit is kept ("no caption"), as a feed's is.
    images = [i for i in collector.images if i.caption or i.credit or i.src]
    captions = {_caption_key(i.caption) for i in images if i.caption}
    sources = {normal_url(i.src): n for n, i in enumerate(images) if i.src and not i.src.startswith("data:")}
    for image in meta.images:
        if not image.caption or _caption_key(image.caption) in captions:
            continue
        if image.src and (n := sources.get(normal_url(image.src))) is not None:
            if not images[n].caption and not images[n].credit:  # the printed photo, captioned in the metadata
                images[n] = Image(image.caption, image.credit, images[n].src)
                captions.add(_caption_key(image.caption))
            continue  # the printed photo, which the metadata describes in other words
        images.append(image)
        captions.add(_caption_key(image.caption))
    return images


def _caption_key(caption: str) -> str:
    """A caption as compared: metadata often states the printed caption without its full stop."""
    return _fold(caption).rstrip(" .!?…")


def _title_parts(meta: PageMeta) -> frozenset[str]:
    """The parts of the page's ``<title>`` between separators ("Site - Headline"), folded, when it has them."""
    title = meta.headline[-1] if meta.headline else ""
    parts = _TITLE_SEPARATORS.split(title)
    return frozenset(_fold(part) for part in parts if len(part.split()) >= 2) if len(parts) > 1 else frozenset()


def _headline(tree: LexborHTMLParser, meta: PageMeta, paragraphs: list[str] | None = None,
              region: LexborNode | None = None) -> str:
    """The headline the publisher states for the story.

    JSON-LD's headline first (often written for search engines), unless two other statements
    of the page agree on another: the element the page marks as its headline (microdata
    ``itemprop="headline"``, usually the printed ``<h1>``) and its social title (``og:title``,
    ``twitter:title``) give that one; where the printed ``<h1>`` merely repeats JSON-LD and the
    social title states another headline that is not an extended search-engine form of it,
    that edited title. Without JSON-LD: the ``<h1>`` the title metadata confirms, else the one
    printed over the story (``region``'s) when it reads as a headline (shares a word
    with the ``<title>``, is not the site's name over every page), else the title without the
    site's name, else the ``<h1>``: a ``<title>`` is often a shorter headline for search results.
    """
    h1s = [t for t in (node_text(h) for h in tree.css("h1")[:6]) if t]
    if meta.ld_headline:
        ld = _fold(meta.ld_headline)
        if h1s and (printed := _printed_part(h1s[0], meta.ld_headline)):
            return printed
        marked = _marked_headline(tree, {_fold(_strip_site(t, meta.publisher)) for t in meta.social_titles} - {ld})
        if marked:
            return marked
        social = _strip_site(meta.og_title, meta.publisher) if meta.og_title else ""
        if h1s and _fold(h1s[0]) == ld and social and _fold(social) != ld and ld not in _fold(social):
            return social
        return meta.ld_headline
    folded_titles = [_fold(t) for t in meta.headline]
    for h1 in h1s:
        low = _fold(h1)
        if low in folded_titles or (_headline_length(low) > 15 and any(t.startswith(low) for t in folded_titles)):
            return h1
    printed = _printed_headline(region, meta) if region is not None else None
    if printed and not _site_part(printed, meta):
        return printed
    if meta.headline:
        stripped = _strip_site(meta.headline[0], meta.publisher)
        if stripped == meta.headline[0] and paragraphs:
            # No site named to strip: the title's part the page prints over its text ("Site - Headline").
            shown = {_fold(text) for text in paragraphs[:3]}
            for part in _TITLE_SEPARATORS.split(stripped):
                if len(part.split()) >= 2 and _fold(part) in shown:
                    return part.strip()
        return stripped
    return h1s[0] if h1s else ""


def _printed_headline(region: LexborNode, meta: PageMeta) -> str | None:
    """The ``<h1>`` printed over the story (``region``'s) when it reads as a headline: three words
    or more, sharing one with the ``<title>``'s headline, not the site's logo. (It may still be
    a part of the ``<title>`` naming the site: see :func:`_site_part`.)"""
    h1 = region.css_first("h1")
    printed = node_text(h1) if h1 is not None else ""
    if h1 is None or word_count(printed) < 3 or _site_logo(h1) or not _shares_title_words(printed, meta):
        return None
    return printed


def _site_logo(h1: LexborNode) -> bool:
    """Whether an ``<h1>`` is the site's name over every page: a link to its home page, or in the
    page's own header or menu (not a header inside the story's ``<article>``)."""
    link = h1.css_first("a[href]")
    if link is not None:
        parts = urlsplit((link.attributes.get("href") or "").strip())
        if (parts.netloc or parts.path) and parts.path in ("", "/") and not parts.query:
            return True
    node = h1.parent
    while node is not None and node.tag not in ("article", "main"):
        if node.tag in ("header", "nav"):
            return True
        node = node.parent
    return False


def _title_words(text: str) -> set[str]:
    """The words a headline and its ``<title>`` might share: each Chinese, Japanese or Korean
    character one, a word of three letters or more (no "at", "of") another."""
    low = _fold(text)
    return set(CJK_CHAR.findall(low)) | {w for w in re.findall(r"\w{3,}", CJK_CHAR.sub(" ", low))}


def _shares_title_words(h1: str, meta: PageMeta) -> bool:
    """Whether the printed ``<h1>`` shares a word with the ``<title>``'s headline (a search
    engine's shorter form of it does), not only with the site's name beside it ("Harbour Gazette
    Online Edition" over "Ferry halted at dawn | Harbour Gazette")."""
    parts = _TITLE_SEPARATORS.split(meta.headline[-1]) if meta.headline else []
    return not parts or bool(_title_words(h1) & _title_words(max(parts, key=len)))


def _printed_part(h1: str, stated: str) -> str | None:
    """The printed ``<h1>`` when the stated headline is it with a site's name after a separator
    ("Head teacher quits - Tamsworth Times", "... - Transit Blog - Medium"), else None."""
    low, whole = _fold(h1), _fold(stated)
    if _headline_length(low) < 15 or len(whole) <= len(low) or not whole.startswith(low):
        return None
    return h1 if _SITE_SEPARATOR.match(whole[len(low):]) else None


def _headline_length(text: str) -> int:
    """A headline's characters, a Chinese, Japanese or Korean one counting twice: those scripts
    say in 11 characters what English says in 25."""
    return len(text) + cjk_count(text)


def _site_part(text: str, meta: PageMeta) -> bool:
    """Whether ``text`` names the site: its publisher, or a part of its ``<title>`` ("Headline - Site")."""
    low = _fold(text)
    title = meta.headline[-1] if meta.headline else ""
    parts = _TITLE_SEPARATORS.split(title)
    return low == _fold(meta.publisher or "") or (len(parts) > 1 and low in {_fold(part) for part in parts})


def _marked_headline(tree: LexborHTMLParser, wanted: set[str]) -> str | None:
    """The element the page marks as its headline (microdata), when it says one of ``wanted``."""
    if not wanted:
        return None  # the common case: no second headline to confirm, no search of the page
    for node in tree.css('[itemprop~="headline" i]')[:4]:
        text = squash(node.attributes.get("content") or "") if node.tag == "meta" else node_text(node)
        if text and _fold(text) in wanted:
            return text
    return None


_NAME_JOINS = frozenset({"of", "the", "and", "&", "de", "du", "des", "la", "le", "el", "der", "die", "das", "y", "et"})
_SITE_NAME_WORDS = 5
_SITE_NAME_MAX = 40  # characters
# A title's last part that is one of these, or these before "News", names the page's section, not its site
# ("Ferry halted - Opinion", "Ferry halted - Local News").
_SECTION_WORDS = frozenset({
    "news", "local", "world", "national", "international", "opinion", "opinions", "sport", "sports", "business",
    "politics", "home", "blog", "video", "videos", "live", "latest", "breaking", "entertainment", "lifestyle",
    "technology", "tech", "science", "health", "travel", "culture", "arts", "weather", "analysis", "features",
    "comment", "editorial", "review", "reviews", "and", "&"})


def _title_site(meta: PageMeta, headline: str, authors: list[str], host: str | None) -> str | None:
    """The site's name a page states only after its headline in its ``<title>`` ("Ferry halted -
    Harbour Gazette"), when that is plain: the title is the headline the page states elsewhere
    with parts after it, one a short name (capitalised words, no date) that its address agrees
    with (:func:`_names_host`), neither in the headline, one of its authors (a column's "Headline
    - Ann Lee") nor a section ("Local News"). A section's label ("Photos", "Meinung") reads as a
    name as well as a site's does: only the address tells them apart, so with none, no name."""
    title = meta.headline[-1] if meta.headline else ""
    if not host or not headline or _printed_part(headline, title) is None:
        return None
    not_site = {_fold(name) for name in authors}
    for part in reversed(_SITE_PARTS.split(title)[len(_SITE_PARTS.split(headline)):]):
        site = part.strip()
        folded = _fold(site)
        words = folded.split()
        section = set(words) <= _SECTION_WORDS and (len(words) == 1 or words[-1] == "news")  # not "Live Science"
        if _name_like(site) and not section and folded not in _fold(headline) and folded not in not_site \
                and _names_host(site, host):
            return site
    return None


def _names_host(name: str, host: str) -> bool:
    """Whether a site's ``name`` agrees with its address's ``host``: its letters are in it ("Harbour
    Gazette", harbourgazette.example; "The New Yorker", newyorker.com), its first word of four
    letters or more is a part of it ("Metro News", metro.co.uk), or its capitals or initials are
    ("BBC News", bbc.co.uk; "New York Times", nyt.com)."""
    host = _fold(host.split(":")[0])
    labels = set(re.split(r"[.-]", host))
    host_letters = "".join(c for c in host if c.isalnum())
    words = [word for word in re.findall(r"\w+", name) if word.casefold() not in _NAME_JOINS]
    letters = {"".join(c for c in _fold(name) if c.isalnum()), _fold("".join(words))}
    first = next((word.casefold() for word in words if len(word) >= 4), None)
    initials = "".join(word[0] for word in words if word[0].isupper()).casefold()
    capitals = {word.casefold() for word in words if len(word) >= 2 and word.isupper()}
    return any(len(key) >= 3 and key in host_letters for key in letters) or first in labels \
        or (len(initials) >= 2 and initials in labels) or bool(capitals & labels)


def _name_like(text: str) -> bool:
    """Whether ``text`` reads as a name: a few words, each capitalised but for joining words ("Gazette
    of the Isles"), no sentence, date or list."""
    words = text.split()
    return 0 < len(words) <= _SITE_NAME_WORDS and len(text) <= _SITE_NAME_MAX and not ends_sentence(text) \
        and "," not in text and any(c.isalpha() for c in text) and not find_dates(text) \
        and all(not word[0].islower() or word in _NAME_JOINS for word in words)


def _strip_site(title: str, publisher: str | None) -> str:
    """``Headline | Site`` -> ``Headline``: only a part naming the site goes."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2 or not publisher:
        return title
    site = _fold(publisher)
    if _fold(parts[-1]) == site or site.startswith(_fold(parts[-1])):
        return title[: title.rfind(parts[-1])].rstrip(" |–—:-·•»")
    if _fold(parts[0]) == site:
        return title[len(parts[0]):].lstrip(" |–—:-·•»")
    return title


def _byline_authors(region: LexborNode) -> list[str]:
    for node in region.css('[rel~="author"], [itemprop~="author"], [class*="byline" i], [class*="author" i]')[:12]:
        text = node_text(node)
        if not text or len(text) > 160:
            continue
        byline = parse_byline(text, bare_ok=True)
        names = byline.authors if byline else []
        if not names:
            names = split_names(_BY.sub("", text))
        if names:
            return names
    return []


def _distinct_names(names: list[str]) -> list[str]:
    """Names once each: no user handles (``devindra``), none that another name contains."""
    kept: list[str] = []
    for name in names:
        name = name.strip(" ,;|")
        if not name or (" " not in name and name.islower()) or name.startswith("@"):
            continue
        low = _fold(name)
        if any(low == _fold(k) or low in _fold(k) for k in kept):
            continue
        kept = [k for k in kept if _fold(k) not in low] + [name]
    return kept


def _authors(tree: LexborHTMLParser, region: LexborNode, meta: PageMeta) -> list[str]:
    """The bylined people: the page's metadata, else its marked byline; none when neither names anyone.

    A marked byline naming everyone the metadata names and more wins: metadata often names the
    first author alone ("By Ann Lee and Bo Chen" stored as Ann Lee's story). So does one naming
    people where the metadata names only a desk or the site itself ("Newsdesk", "Redacción", a
    blog's own name: what a CMS fills in when nobody is set)."""
    marked = _distinct_names(_byline_authors(region) or (_byline_authors(tree.body) if tree.body is not None else []))
    if meta.authors:
        names: list[str] = []
        for raw in meta.authors:
            names += split_names(_BY.sub("", raw)) if (" and " in raw or "," in raw) else [_BY.sub("", raw)]
        found = _distinct_names(names)
        if found:
            if {_fold(n) for n in found} < {_fold(n) for n in marked}:
                return marked
            site = _fold(meta.publisher or "")
            if any(not org_like(n) for n in marked) and all(org_like(n) or _fold(n) == site for n in found):
                return [n for n in marked if not org_like(n)]
            return found
    return marked


def _unsigned(meta: PageMeta) -> list[str]:
    """An unsigned story's author: the organisation named as author, else the publisher."""
    return meta.author_orgs[:1] or ([meta.publisher] if meta.publisher else [])


def _written_byline(paragraphs: list[str]) -> list[str]:
    """The names of a ``By ...`` line among the story's first paragraphs (a page that marks
    no byline writes it as text), or none."""
    for text in paragraphs[:3]:
        byline = parse_byline(text)
        if byline is not None and byline.explicit and byline.authors:
            return _distinct_names(byline.authors)
    return []


def _inline_byline(paragraphs: list[str]) -> list[str]:
    """The reporters a CJK story names inside its first paragraph ("（记者 周小文）"), or none;
    the paragraph is story text and stays as printed."""
    first = next((text for text in paragraphs[:3] if not _date_line(text)), "")
    return cjk.inline_reporters(first)


def _published(tree: LexborHTMLParser, region: LexborNode, meta: PageMeta) -> str | None:
    """When the story was first published: a date stated as that, anywhere on the page, before one
    the page states as its last change."""
    stamps = list(meta.published)
    for node in tree.css('[itemprop="datePublished"], time[datetime]')[:4]:
        attrs = node.attributes
        stamps.append(attrs.get("content") or attrs.get("datetime") or node_text(node))
    for stamp in stamps:
        found = parse_date(stamp or "")
        if found:
            return found
    for node in region.css('[class*="date" i], [class*="time" i], [class*="byline" i]')[:10]:
        text = node_text(node)[:200]
        labelled = _PUBLISHED_LABEL.search(text)
        found = (parse_date(text[labelled.end():]) if labelled else None) or parse_date(text)
        if found:
            return found
    for stamp in meta.modified:
        found = parse_date(stamp)
        if found:
            return found
    return None


def _printed_date(paragraphs: list[str]) -> str | None:
    """The date of a line that only dates the story at its start ("Published: Wednesday, October 9,
    2024"), for a page that states it nowhere else; not one of the last change."""
    for text in paragraphs[:6]:
        if _date_line(text) and not _CHANGED.match(text):
            labelled = _PUBLISHED_LABEL.search(text)
            found = (parse_date(text[labelled.end():]) if labelled else None) or parse_date(text)
            if found:
                return found
    return None


_CHANGED = re.compile(r"\W*(?:last\s+)?(?:updated|modified|changed)\b", re.IGNORECASE)
_PUBLISHED_LABEL = re.compile(r"\b(?:first\s+)?(?:published|posted)\b", re.IGNORECASE)


# What a line of dates says besides its dates: "Published", "Updated", weekdays, "at", time zones.
_DATE_WORDS = re.compile(
    r"\b(?:first|last|originally|published|updated|posted|modified|created|date[ds]?|on|at|am|pm|a\.m|p\.m"
    r"|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|utc|gmt|[a-z]{1,3}[sd]t)\b|[\W\d_]+",
    re.IGNORECASE,
)


def _date_line(text: str) -> bool:
    """A line that only dates the story (``11 March 2024``, ``Updated 30 Sep 2024 Published ...``)."""
    if len(text) > 120:
        return False
    found = find_dates(text)
    if not found:
        return False
    rest, at = [], 0
    for date in found:
        rest.append(text[at:date.start])
        at = date.end
    rest.append(text[at:])
    return not _DATE_WORDS.sub("", " ".join(rest)).strip()


def _byline_line(text: str, authors: list[str]) -> bool:
    """A line naming only the story's authors (``By Jo Roe``, ``Jo Roe, Transport Correspondent``)."""
    if len(text) > 200 or not authors:
        return False
    byline = parse_byline(text, bare_ok=True)
    if byline is None or not byline.authors:
        return False
    known = {_fold(a) for a in authors}
    return all(_fold(name) in known for name in byline.authors)


def _post_line(text: str) -> bool:
    """A journalist's post on its own line ("Sentinel Staff Writer", "Transport Correspondent")."""
    return len(text) <= 60 and len(text.split()) <= 5 and not ends_sentence(text) \
        and POST_WORD.search(text) is not None


def _kicker(text: str) -> bool:
    """A label of a few words, no sentence, as pages print over a headline (its section or place)."""
    return len(text) <= 40 and len(text.split()) <= 4 and text[-1:] not in ".!?:,;\"”’»"


def _without_page_lines(paragraphs: list[str], authors: list[str]) -> list[str]:
    """The story without the lines that date it or repeat its byline at its start, nor those
    dating it at its end: page furniture, not text, and one before the dateline hides the
    dateline from its test."""
    head = at = 0
    while at < min(3, len(paragraphs)):
        if _date_line(paragraphs[at]) or _byline_line(paragraphs[at], authors):
            head = at = at + 1
        elif head == 0 and _kicker(paragraphs[at]):
            at += 1  # a section label over the headline ("Oberwalden", "Exclusive"): it goes with them
        elif head and _post_line(paragraphs[at]) and _byline_line(paragraphs[at - 1], authors):
            head = at = at + 1  # "Staff Writer" under "By Ann Lee"
        else:
            break
    if head == 0 and len(paragraphs) > 2 and not _date_line(paragraphs[0]) \
            and _byline_line(paragraphs[1], authors):
        # The deck over them, unmarked ("headline<br>deck<br><br>By ..."): the lines after it go.
        rest = _without_page_lines(paragraphs[1:], authors)
        if len(rest) < len(paragraphs) - 1:
            return paragraphs[:1] + rest
    tail = len(paragraphs)
    while tail > head and tail > len(paragraphs) - 2 and _date_line(paragraphs[tail - 1]):
        tail -= 1
    return paragraphs[head:tail] if (head, tail) != (0, len(paragraphs)) else paragraphs


def _without_closing_bios(paragraphs: list[str], authors: list[str]) -> list[str]:
    """The story without the author's biographies printed after it, in no box named for one
    (:func:`closing_bio`): the last two paragraphs at most, and never the story's first two."""
    end = len(paragraphs)
    while end > max(2, len(paragraphs) - 2) and closing_bio(paragraphs[end - 1], authors):
        end -= 1
    return paragraphs[:end]


#: The most tags (each ``<``, opening or closing one) a page is read up to: the corpus's largest
#: page has 5,852, a heavy news page tens of thousands. Every element costs the walks over the
#: page a few µs and some hundred bytes (600,000 ``<p>a</p>`` within the 5 MB limit took 6 s and
#: 290 MB), so a page of more is read up to its last tag within the bound, as a page over the
#: size limit is read up to the limit (its story is near the top; see :func:`tags_note`).
MAX_TAGS = 200_000


def within_tags(html: str) -> str:
    """``html`` up to its tag past :data:`MAX_TAGS` (all of it when it has no more)."""
    if html.count("<") <= MAX_TAGS:
        return html
    at = -1
    for _ in range(MAX_TAGS + 1):
        at = html.find("<", at + 1)
    return html[:at]


def tags_note(html: str) -> str:
    """What to tell of a page :func:`within_tags` cuts short ("" when it reads it all)."""
    tags = html.count("<")
    return f"page of {tags:,} tags: only its first {MAX_TAGS:,} were read (no story's page has more)" \
        if tags > MAX_TAGS else ""


FRONT_PAGE = "a site's front page (a list of links to stories), not an article"
_BLURB_WORDS = 50  # a front page's text besides its teasers (a word about the site) is shorter than any story


def page_article(html: str, url: str | None = None) -> Article:
    """The story of a saved page (up to its :data:`MAX_TAGS` tags); ``url`` is where the page
    came from, when the input says.

    Raises ParseError("no article text found") for a page without story text (one whose
    article a script builds in the browser), :data:`FRONT_PAGE` for a site's front page.
    """
    return tree_article(page_tree(html), url)


def page_tree(html: str) -> LexborHTMLParser:
    """The document tree of a saved page, up to its :data:`MAX_TAGS` tags."""
    return parse(within_tags(html))


def tree_article(tree: LexborHTMLParser, url: str | None = None) -> Article:
    """The story of a page's tree (:func:`page_tree`), as :func:`page_article`: the tree holds the
    page, so its text need not be kept while it is read (a 64 MB page's text and bytes took 128 MB)."""
    body = tree.body
    meta = read_meta(tree, url)
    base = meta.url or url
    if body is None:
        raise ParseError("no article text found")
    use_noscript_photos(tree)
    tree.strip_tags(["script", "style", "noscript", "template", "svg", "iframe"])
    teasers = page_teasers(body, host_of(base) if base and is_web_address(base) else None)
    content = main_content(body, teasers=teasers)
    collector = _PageCollector(base, update_stamps(content), _title_parts(meta))
    collector.collect_page([content], figure_like(content), teasers, section_heads(content))
    paragraphs = collector.paragraphs
    if sum(len(p) for p in paragraphs) < 80 and meta.body and len(meta.body) > 80:
        paragraphs = [squash(p) for p in re.split(r"\n\s*\n|\r?\n", meta.body) if squash(p)]
    words = sum(word_count(p) for p in paragraphs)
    region = _article_region(content)
    # A short story (a brief) lists as many teasers after it, but under its printed headline.
    if words < _BLURB_WORDS and not meta.article and not _printed_headline(region, meta) \
            and front_page(teasers, words):
        raise ParseError(FRONT_PAGE)
    if words < 10:
        raise ParseError("no article text found")
    headline = _headline(tree, meta, paragraphs, region)
    if paragraphs and headline and _fold(paragraphs[0]) == _fold(headline):
        paragraphs = paragraphs[1:]
    # The standfirst where the text took it for its first paragraph (one the text left out stays
    # out: the parse contract scores a standfirst as text, and pages' summaries are not the story's).
    summary = standfirst(body, headline, paragraphs)
    if summary:
        kept = without_standfirst(paragraphs, summary)
        summary, paragraphs = (summary, kept) if len(kept) < len(paragraphs) else (None, paragraphs)
    authors = _authors(tree, region, meta) or _written_byline(paragraphs)
    if not authors or all(org_like(name) or name == meta.publisher for name in authors):
        authors = _inline_byline(paragraphs) or authors  # a CJK site often names itself the author
    authors = authors or _unsigned(meta)
    printed_date = _printed_date(paragraphs)
    paragraphs = _without_page_lines(paragraphs, authors)
    dateline, agency, first = split_dateline(paragraphs[0]) if paragraphs else (None, None, "")
    if dateline:
        paragraphs[0] = first
    credits = closing_credits(paragraphs)
    paragraphs = _without_closing_bios(paragraphs, authors)
    # A page that names no site in its metadata is the one its <title> names after the headline, else
    # its address's (a site's name in the list, not a blank).
    host = host_of(base) if base and is_web_address(base) else None
    publisher = meta.publisher or _title_site(meta, headline, authors, host) or host
    return Article(
        headline=headline or (squash(paragraphs[0])[:120] if paragraphs else ""),  # (a code block's lines on one)
        standfirst=summary,
        body=paragraphs,
        source=publisher,
        # one name for each agency, as the text dumps give it ("AP" is "Associated Press")
        agency=canonical_agency(agency or (cjk.opening_agency(paragraphs[0]) if paragraphs else None)
                                or (wire_in(" ".join(meta.author_orgs)) if meta.author_orgs else None)),
        published=_published(tree, region, meta) or printed_date,
        authors=authors,
        dateline=dateline,
        images=_images(region, base, meta),
        credits=credits,
        url=meta.url or url,
    )

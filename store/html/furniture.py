"""Images a page shows that are not the story's photos: page furniture around and inside it.

A newsletter box's picture, a video player's poster, the author's avatar, a site's icon or
logo and the thumbnail of a link to another story look like photos with captions to the
figure reader, and a reader would list them among the story's photos. Each is told by
general marks any publisher's page gives (class names, sizes, links, a video's duration),
never by one site's markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from selectolax.lexbor import LexborNode

from broadsheet.store.html.figures import lazy_attribute
from broadsheet.store.html.tree import squash
from broadsheet.store.model import Image
from broadsheet.store.parse.byline import parse_byline

# A box asking the reader to sign up or subscribe (its image: the newsletter's or paper's art).
# (Not "subscriber" or "paywall": a paying reader's story sits in boxes so named.)
_PROMO = re.compile(r"newsletter|sign-?up|subscribe(?!r)|subscription-?(?:box|form|cta|widget|banner|offer)|promo(?!t)",
                    re.IGNORECASE)
# A linked picture whose caption asks the reader to subscribe: an advertisement for the paper.
_PROMO_TEXT = re.compile(r"\bsubscri|\bnewsletter|\bsign up\b", re.IGNORECASE)
# An ad slot's box ("div-gpt-ad-1", "ad-slot", "dfp-unit") or an ad server's address.
_AD = re.compile(r"(?<![a-z])(?:ads?|advert\w*|gpt|dfp|ad-?(?:slot|unit|container|wrapper))(?![a-z])|sponsor",
                 re.IGNORECASE)
# A box of paid content beside the story, by its names or the label it prints first ("Sponsored"; not
# "Advertisement", which labels an ad slot, emptied when saved, often in the same box as a story photo).
_SPONSORED = re.compile(r"sponsor|advertorial|native-?ad|paid-?(?:content|post|partner)|partner-?content",
                        re.IGNORECASE)
_SPONSORED_LABEL = re.compile(r"(?:sponsored(?:\s+(?:content|post|story|article|links?)|\s+by\s+.{1,40})?"
                              r"|paid\s+(?:content|post|partnership|promotion)|partner\s+content|promoted(?:\s+content)?"
                              r"|advertorial)\W*", re.IGNORECASE)
_BOX_TEXT = 500  # characters of a box beside the story (a sponsored one's title and blurb), not the story itself
_AD_HOST = re.compile(r"(?:^|[.-])ad(?:s|server|service|system)?\d*\.|doubleclick|googlesyndication", re.IGNORECASE)
# A site's logo or masthead, by its file's name.
_LOGO = re.compile(r"(?<![a-z])(?:logo|masthead)s?(?![a-z])", re.IGNORECASE)
_VIDEO = re.compile(r"video|(?<![a-z])player(?![a-z])|(?<![a-z])vjs(?![a-z])|playlist", re.IGNORECASE)
# A byline block or an author's picture.
_AUTHOR = re.compile(r"avatar|gravatar|byline|author|headshot|mugshot|profile-?(?:pic|photo|image|img)|contributor"
                     r"|published-by"
                     r"|(?<![a-z])(?:post|article|entry|story)[-_]*meta(?![a-z])", re.IGNORECASE)
_AVATAR = re.compile(r"avatar|gravatar", re.IGNORECASE)
_ICON = re.compile(r"(?<![a-z])(?:icon|logo)s?(?![a-z])|favicon|sprite", re.IGNORECASE)
_SOCIAL = re.compile(r"social|sharing|share-?(?:bar|tools|buttons|links|icons)|(?<![a-z])share(?![a-z-])|follow-us",
                     re.IGNORECASE)
_RELATED = re.compile(r"related|more-?stor|recommend|read-?next|also-?read|most-?read|teaser|trending",
                      re.IGNORECASE)
# "2:34 Russia launches ...": a video's running time, then its title.
_DURATION = re.compile(r"^\s*(?:\d{1,2}:)?\d{1,2}:\d{2}\s+\S")
# A size in a photo service's address: ``?s=70``, ``?w=60``, ``resize=40,40``, ``_w66_``, ``-50x50.``.
_URL_SIZE = re.compile(r"[?&](?:s|w|h|width|height|size|resize)=(\d+)(?![\d.])|[_-]w(\d+)[_.-]|[_-](\d+)x(\d+)\.",
                       re.IGNORECASE)
_TINY = 100  # pixels: a photo printed in a story is never this small
_SMALL = 200  # pixels: a picture printed no larger, without caption or credit, is a headshot, not a story photo
_BYLINE_MAX = 150  # characters of a byline line ("By Ann Lee, Transport Correspondent | 11 March 2026")
_RATIO_MAX = 12  # declared sizes up to this are an aspect ratio more often than pixels
_PIXEL = 2  # declared sizes up to this in a fixed layout: a tracking pixel, not a shape
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|tiff?|bmp)$", re.IGNORECASE)
_ROOTS = frozenset({"article", "main", "body", "html"})
_LEVELS = 4  # the box and three elements above it: further up, a name describes the page, not the image


def _marks(node: LexborNode) -> str:
    attrs = node.attributes
    if not attrs:
        return ""
    return " ".join(v for k, v in attrs.items() if v and k in ("class", "id", "data-type", "data-component"))


def _around(box: LexborNode, region: LexborNode) -> list[LexborNode]:
    """The box and the elements just above it, up to the story's region or an article/main element."""
    nodes: list[LexborNode] = []
    node: LexborNode | None = box
    while node is not None and len(nodes) < _LEVELS:
        if node.mem_id == region.mem_id or node.tag in _ROOTS:
            break
        nodes.append(node)
        node = node.parent
    return nodes


def _size(value: str | None) -> int | None:
    if not value:
        return None
    match = re.match(r"\s*(\d+)\s*(?:px)?\s*$", value)
    return int(match.group(1)) if match else None


def _tiny(img: LexborNode, src: str | None, captioned: bool = False, limit: int = _TINY) -> bool:
    """An image shown at most ``limit`` pixels wide and high: by the size the page declares,
    else by the size its address asks the photo service for; never one offered larger (``srcset``).
    ``captioned``: the image is in a figure with a caption or credit (never a tracking pixel)."""
    attrs = img.attributes
    if any(int(w) > limit for w in _WIDTHS.findall(attrs.get("srcset") or attrs.get("data-srcset") or "")):
        return False
    sizes = [s for s in (_size(attrs.get("width")), _size(attrs.get("height"))) if s is not None]
    if sizes:
        # Small numbers (4 by 3, 16 by 9) state a shape, not a size (AMP's responsive layout); 1 by 1
        # in a fixed layout is a tracking pixel.
        fixed = (attrs.get("layout") or "fixed") in ("fixed", "fixed-height")
        return (len(sizes) == 2 and fixed and max(sizes) <= limit
                and (min(sizes) > _RATIO_MAX or (max(sizes) <= _PIXEL and _pixel(img, captioned))))
    for match in _URL_SIZE.finditer(src or ""):
        numbers = [int(n) for n in match.groups() if n]
        if numbers and max(numbers) <= limit:
            return True
    return False


def _pixel(img: LexborNode, captioned: bool) -> bool:
    """A tracking pixel declared 1 by 1: a lazy page declares its photo so until its script puts in
    the address of a lazy attribute or a srcset, and a page sizing the photo by CSS (``width:100%``)
    or captioning it declares a size the browser never shows."""
    attrs = img.attributes
    if captioned or any(name == "srcset" or lazy_attribute(name) for name in attrs):
        return False
    return all((size := _size(value)) is not None and size <= _PIXEL
               for value in _CSS_SIZE.findall(attrs.get("style") or ""))


_CSS_SIZE = re.compile(r"(?<![\w-])(?:width|height)\s*:\s*([^;]*)", re.IGNORECASE)
_WIDTHS = re.compile(r"\s(\d+)w\b")


def _other_page(href: str | None, page: str | None) -> bool:
    """A link to another page: not an anchor, not the image itself or a larger copy of it."""
    if not href or href.startswith(("#", "javascript:")):
        return False
    parts, here = _split(href), _split(page) if page else None
    if parts is None or _IMAGE_FILE.search(parts.path):
        return False  # an address no browser could follow ("http://[oops/x") leads nowhere
    if here is not None and parts.netloc in ("", here.netloc) and parts.path.rstrip("/") == here.path.rstrip("/"):
        return False
    return bool(parts.path.strip("/") or parts.netloc)


def _split(address: str) -> SplitResult | None:
    """``address`` in parts, or None when it cannot be (an unclosed "[" of an IPv6 host)."""
    try:
        return urlsplit(address)
    except ValueError:
        return None


# A link to a bigger copy of the photo, not to another story.
_ENLARGE = re.compile(r"attachment|gallery|lightbox|zoom|enlarge|(?<![a-z])(?:image|photo|picture|media)s?(?![a-z])",
                      re.IGNORECASE)


def _link(box: LexborNode, img: LexborNode | None) -> LexborNode | None:
    """The link the image is in, when it is in one."""
    node: LexborNode | None = img
    while node is not None:
        if node.tag == "a":
            return node
        if node.mem_id == box.mem_id:
            break
        node = node.parent
    return None


def _story_link(box: LexborNode, img: LexborNode | None, page: str | None) -> str | None:
    """Where the image links to, when that is another page (not a larger copy of the photo)."""
    link = _link(box, img)
    if link is None and box.parent is not None and box.parent.tag == "a":
        link = box.parent  # the whole box is the link
    if link is None:
        return None
    href = link.attributes.get("href")
    if not _other_page(href, page) or _ENLARGE.search(f"{href} {link.attributes.get('class') or ''}"):
        return None
    return href


def _teaser(box: LexborNode, region: LexborNode, img: LexborNode | None, page: str | None,
            counts: dict[int, int]) -> bool:
    """A link to another story: its picture links there, and so does the text beside it (its
    headline) or the pictures beside it (a row of teasers) link to other stories too.

    A photo linking to a larger copy of itself (an attachment page, a lightbox) is no teaser, nor
    is a lone linked photo whose caption is not a link. ``counts`` keeps, per element, how many
    other pages its linked pictures lead to: a page of many linked pictures is counted once.
    """
    href = _story_link(box, img, page)
    if href is None:
        return False
    if (box.parent is not None and box.parent.tag == "a") or not box.text(deep=True, strip=True):
        return True
    if any(a.attributes.get("href") == href and a.text(deep=True, strip=True) for a in box.css("a")):
        return True  # the headline beside the picture links where the picture does
    for node in _around(box.parent, region) if box.parent is not None else ():
        count = counts.get(node.mem_id)
        if count is None:
            targets = {a.attributes.get("href") for a in node.css("a") if a.css_first("img, amp-img") is not None}
            count = counts[node.mem_id] = len({t for t in targets if _other_page(t, page)})
        if count >= 3:
            return True
    return False


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the tests look at: the image's box, the marks around it, the ``<img>`` and its names."""

    box: LexborNode
    region: LexborNode
    image: Image
    page: str | None
    img: LexborNode | None
    marks: str  # class and id names of the box and the elements just above it
    img_marks: str  # the <img>'s own class and id
    alt: str
    name: str  # the image file's name, lower case
    counts: dict[int, int]  # other pages linked from pictures, per element (see _teaser)


def _promo(seen: _Seen) -> bool:
    """In a newsletter or subscription box, or a linked picture asking the reader to subscribe."""
    return _PROMO.search(seen.marks) is not None or (
        _PROMO_TEXT.search(seen.image.caption) is not None and _story_link(seen.box, seen.img, seen.page) is not None)


def _video(seen: _Seen) -> bool:
    """A video player's poster: in a box named for video or a player, holding a <video>, or
    captioned with a running time and a title (and no photo credit)."""
    return (_VIDEO.search(seen.marks) is not None or seen.box.css_first("video") is not None
            or (_DURATION.match(seen.image.caption) is not None and not seen.image.credit))


def _avatar(seen: _Seen) -> bool:
    """An author's picture: in a byline or author box, or named as an avatar."""
    return _AUTHOR.search(f"{seen.marks} {seen.img_marks}") is not None \
        or _AVATAR.search(f"{seen.image.src} {seen.alt}") is not None


def _headshot(seen: _Seen) -> bool:
    """An author's picture in a box named for nothing: printed with no caption or credit, small
    (:data:`_SMALL`) or in the byline's block."""
    return _bare(seen) and ((seen.img is not None and _tiny(seen.img, seen.image.src, limit=_SMALL))
                            or _in_byline(seen.box))


def _bare(seen: _Seen) -> bool:
    """Printed with no caption or credit (at most its alt text)."""
    return not seen.image.credit and (not seen.image.caption or seen.image.caption == squash(seen.alt))


def _in_byline(box: LexborNode) -> bool:
    """Whether the box stands in a byline's block: the nearest element above it printing any text
    prints a byline and no more ("By Ann Lee, Transport Correspondent"), where a lead photo printed
    over the byline stands in the story's box, among its text."""
    node = box
    for _ in range(_LEVELS - 1):
        parent = node.parent
        if parent is None or parent.tag in _ROOTS:
            return False
        text = squash(parent.text(deep=True, separator=" ", strip=True))
        if text:
            byline = parse_byline(text) if len(text) <= _BYLINE_MAX else None
            return byline is not None and byline.explicit and bool(byline.authors)
        node = parent
    return False


def _sponsored(seen: _Seen) -> bool:
    """In a box of paid content beside the story: named so, or printing a "Sponsored" label first."""
    for node in _around(seen.box, seen.region):
        if len(node.text(deep=True, strip=True)) > _BOX_TEXT:
            break  # the story's own text: a sponsored story's photos are its own
        if _SPONSORED.search(_marks(node)) or _SPONSORED_LABEL.fullmatch(_first_text(node)):
            return True
    return False


def _first_text(node: LexborNode) -> str:
    for inner in node.traverse(include_text=True):
        if inner.tag == "-text" and (text := squash(inner.text_content or "")):
            return text
    return ""


def _icon(seen: _Seen) -> bool:
    """An icon or logo: in a share bar, named so, or too small to be a photo."""
    photo_file = seen.name.endswith((".jpg", ".jpeg", ".webp"))
    return (_SOCIAL.search(seen.marks) is not None or _ICON.search(seen.img_marks) is not None
            or (_ICON.search(seen.name) is not None and not photo_file)
            or (seen.img is not None and _tiny(seen.img, seen.image.src, seen.img.mem_id != seen.box.mem_id
                                               and bool(seen.image.caption or seen.image.credit))))


def _uncaptioned(seen: _Seen) -> bool:
    """With no caption or credit (at most its alt text), an ad (in an ad slot's box or from an ad
    server), a logo or masthead, or a picture asking the reader to subscribe, by its names: nothing
    printed beside it tells it from the story's photos."""
    if not _bare(seen):
        return False
    host = parts.netloc if seen.image.src and (parts := _split(seen.image.src)) else ""
    return (_AD.search(f"{seen.marks} {seen.img_marks}") is not None or _AD_HOST.search(host) is not None
            or _LOGO.search(seen.name) is not None
            or _PROMO.search(seen.name) is not None or _PROMO_TEXT.search(seen.alt) is not None)


def _related(seen: _Seen) -> bool:
    """A picture of another story: in a related-stories box, or a teaser linking to the story."""
    return _RELATED.search(seen.marks) is not None \
        or _teaser(seen.box, seen.region, seen.img, seen.page, seen.counts)


RULES: tuple[tuple[str, Callable[[_Seen], bool]], ...] = (
    ("promo", _promo), ("sponsored", _sponsored), ("video", _video), ("avatar", _avatar), ("headshot", _headshot),
    ("icon", _icon), ("related", _related), ("uncaptioned", _uncaptioned))
#: The rules for a feed entry's pictures: not "related", since an entry's lead photo often links to
#: its story through a tracking address (another page to the teaser rule), nor "uncaptioned", for
#: an entry prints its photos without a page's ad slots and mastheads around them, nor "headshot",
#: for an entry's one picture is often its story's thumbnail, small and uncaptioned.
ENTRY_RULES = tuple((kind, rule) for kind, rule in RULES if kind not in ("related", "uncaptioned", "headshot"))


def look(box: LexborNode, region: LexborNode, image: Image, page: str | None,
         counts: dict[int, int] | None = None) -> _Seen:
    """What the rules look at for ``image``, read from ``box`` within the story's ``region``;
    ``counts`` is shared by the calls for one page (see :func:`_teaser`)."""
    img = box if box.tag in ("img", "amp-img") else box.css_first("img, amp-img")
    attrs = img.attributes if img is not None else {}
    return _Seen(
        box, region, image, page, img,
        marks=" ".join(_marks(n) for n in _around(box, region)),
        img_marks=" ".join(v for k, v in attrs.items() if v and k in ("class", "id")),
        alt=attrs.get("alt") or "",
        name=parts.path.rsplit("/", 1)[-1].lower() if image.src and (parts := _split(image.src)) else "",
        counts={} if counts is None else counts,
    )


def furniture_kind(box: LexborNode, region: LexborNode, image: Image, page: str | None,
                   counts: dict[int, int] | None = None,
                   rules: tuple[tuple[str, Callable[[_Seen], bool]], ...] = RULES) -> str | None:
    """Why ``image``, read from ``box`` (a figure or photo box), is page furniture, or None for a story photo.

    ``page`` is the page's own address (a link to it is no link to another story); pass one
    ``counts`` dict for all of a page's images, so each element's links are counted once.
    """
    seen = look(box, region, image, page, counts)
    return next((kind for kind, rule in rules if rule(seen)), None)

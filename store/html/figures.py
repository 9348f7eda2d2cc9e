"""Photos with their captions and credits, wherever a page or a feed entry states them.

A caption and its credit usually share one element (``<figcaption>``) and are told apart
by markup (an element whose class, id or itemprop names a credit), or, failing that, by
how they are written: ``(Picture: Getty)``, ``(Jane Doe/Reuters)``, ``Photograph: Jane Doe``.
"""

from __future__ import annotations

import re
from itertools import chain

from selectolax.lexbor import LexborHTMLParser, LexborNode

from broadsheet.store.html.tree import (
    BLOCKS,
    ENTER,
    LEAVE,
    SKIP,
    TEXT,
    absolute,
    hidden,
    sibling_element,
    squash,
    walk,
)
from broadsheet.store.model import Image
from broadsheet.store.parse.boilerplate import without_control_labels
from broadsheet.store.parse.captions import (
    CREDIT_LABEL,
    is_file_note,
    split_credit,
    split_name_credit,
    without_credit_label,
)
from broadsheet.store.parse.textstats import word_count

_CREDIT_MARK = re.compile(
    r"credit|copyright|photographer|attribution|byline|author|courtesy|distributor|agency|source|rights|provider",
    re.IGNORECASE,
)
_CAPTION_MARK = re.compile(r"caption|description|summary|desc\b", re.IGNORECASE)
_CREDIT_TAGS = frozenset({"small", "cite"})
# A button (often a <b> or <span>) that hides or shows the caption: its label is no caption's text.
_TOGGLE_MARK = re.compile(r"(?:hide|show|toggle|expand|collapse)[-_]?caption|caption[-_]?(?:toggle|hide|show|expand"
                          r"|collapse|button|control)", re.IGNORECASE)
_FIGURE_SKIP = SKIP | {"img", "picture"}
# A credit written at the end of a caption.
_TRAILING_LABELLED = re.compile(
    r"(?:^|(?<=[\s.;,(\[|–—-]))\s*((?:(?:(?:file\s+)?(?:photo(?:graph)?s?|pictures?|pics?|images?)|credits?|"
    r"photo credit|image credit|foto|graphics?|illustrations?)\s*(?:by\s+|:\s*)|"
    r"(?:photo\s+|image\s+)?courtesy(?:\s+of)?\s+|©\s*)[^()\[\]©]{2,100}?)\s*[)\]]?\s*$",
    re.IGNORECASE,
)
# A labelled credit, then the caption: ``Photo by Jo Roe / Agency. Fishermen on the wall.`` (a credit of at most
# eight words ending in a word of two letters or more, so "J. Roe" is not cut at its initial).
_LEADING_LABELLED = re.compile(
    r"^\s*(?P<credit>(?:photo(?:graph)?s?|pictures?|images?|credits?)\s*(?:by\s+|:\s*)(?:\S+\s+){0,7}?\S*[^\s.]{2})\."
    r"\s+(?P<caption>[A-Z]\S*(?:\s+\S+){2,}.*)$",
    re.IGNORECASE | re.DOTALL,
)
_TRAILING_PARENS = re.compile(r"\s*[(\[]([^()\[\]]{2,100})[)\]]\s*\.?\s*$")
_AGENCY = re.compile(
    r"\b(?:getty|reuters|ap|afp|epa|pa|shutterstock|istock(?:photo)?|alamy|handout|supplied|file|bloomberg|xinhua|"
    r"anadolu|dpa|unsplash|pexels|wikimedia|wikipedia|nasa|images?|photos?|pictures?|press|agency|news|"
    r"courtesy|ians|pti|ani|efe|ansa|kyodo|yonhap|sipa|abaca|zuma|rex|splash|sportsfile|backgrid)\b",
    re.IGNORECASE,
)


def clean_credit(text: str) -> str | None:
    """A credit without its label ("Photo by", "Picture:", "©") and surrounding brackets."""
    text = squash(text).strip(" /|,;-–—")
    return _unbracketed(without_credit_label(text)) or None


def _unbracketed(text: str) -> str:
    """``text`` without the brackets around it, or a bracket left alone at an end ("(Reuters"), and
    the separators there; a bracket that pairs with one inside stays: ``[i]Credit[/i] / Agency``
    lost its first bracket."""
    for _ in range(2):
        text = text.strip(" /|,;-–—")
        for left, right in ("()", "[]"):
            if text[:1] == left and text[-1:] == right and text.find(right) == len(text) - 1:
                text = text[1:-1]
            elif text[:1] == left and right not in text:
                text = text[1:]
            elif text[-1:] == right and left not in text:
                text = text[:-1]
    return text.strip()


def split_caption(text: str) -> tuple[str, str | None]:
    """A caption and the credit written at its end (or, labelled, at its start), when it has one.

    Past the forms markup-less captions share with feeds (a label, brackets), those a copied page
    shows (the text parser's: ``... 2026. REUTERS/Jo Roe``, ``... Saturday. Getty Images``)."""
    match = _TRAILING_LABELLED.search(text)
    if match:
        if not match.start() and (leading := _LEADING_LABELLED.match(text)):
            return leading.group("caption"), clean_credit(leading.group("credit"))
        return text[: match.start()].rstrip(" ([|–—-"), clean_credit(match.group(1))
    match = _TRAILING_PARENS.search(text)
    if match:
        inner = match.group(1).strip()
        if is_file_note(inner):
            return text, None  # "(File photo)": what the photo is, naming no one
        if word_count(inner) <= 10 and ("/" in inner or _AGENCY.search(inner) or CREDIT_LABEL.match(inner)):
            return text[: match.start()].rstrip(), clean_credit(inner)
    found = (split_credit(text) or split_name_credit(text)) if text[-1:].isalnum() else None
    if found:
        return found[0], clean_credit(found[1])
    return text, None


# A reference to the copy "Save page, complete" keeps: ``./Page_files/photo.jpg``.
_SAVED_COPY = re.compile(r"^\s*(?:\./)?[^/:?#]+_files/[^/?#]+$")

_SEGMENT = "\x00"  # where one element's text ends and the next one's starts, within a caption
_CREDIT_BREAK = "\x01"  # where a credit element ends and the next one starts


def _credit_segment(parts: list[str]) -> tuple[list[str], str | None]:
    """A credit printed as its own short piece of the caption: ``<span>Jo Roe/Wire</span><br>Caption``.

    The short piece (at most five words, not a sentence) beside a long one (eight words or
    more) is the credit; a bracketed last piece is too.
    """
    segments = [squash(s) for s in "".join(parts).split(_SEGMENT)]
    segments = [s for s in segments if s]
    if len(segments) < 2:
        return parts, None
    last = segments[-1]
    if last.startswith("(") and last.endswith(")") and word_count(last) <= 12 and not is_file_note(last):
        return [" ".join(segments[:-1])], clean_credit(last)
    if len(segments) == 2:
        short, long_ = sorted(segments, key=len)
        credit_like = word_count(long_) >= 8 or "/" in short or _AGENCY.search(short) is not None
        if word_count(short) <= 5 and word_count(long_) >= 3 and credit_like and short[:1].isupper() \
                and not short.endswith((".", "!", "?")):
            return [long_], clean_credit(short)
    return [" ".join(segments)], None


def _marks(node: LexborNode) -> str:
    attrs = node.attributes
    if not attrs:
        return ""
    return " ".join(v for k, v in attrs.items() if v and (k in ("class", "id", "itemprop") or k.startswith("data-")))


# A label pages print for screen readers only, before a photo's credit: "Image source, ".
_HIDDEN_CREDIT_LABEL = re.compile(r"^\s*(?:(?:image|photo|picture)\s+)?(?:source|credit|copyright)s?\b",
                                  re.IGNORECASE)


def _hidden_credit_label(node: LexborNode) -> bool:
    """An element whose first element is a hidden "Image source" label: the credit, though unnamed."""
    child = _first_element(node)
    return child is not None and hidden(child) and _HIDDEN_CREDIT_LABEL.match(child.text(deep=True)) is not None


def _has_elements(node: LexborNode) -> bool:
    return _first_element(node) is not None


def _first_element(node: LexborNode) -> LexborNode | None:
    """``node``'s first child that is an element (not text or a comment), if any."""
    child = node.child
    while child is not None and (child.tag or "-").startswith("-"):
        child = child.next
    return child


def image_src(node: LexborNode, base: str | None) -> str | None:
    """The photo address of an ``<img>`` (lazy-loading attributes first, then ``src``, then ``srcset``).

    A ``src`` into the page's ``_files`` folder wins: "Save page, complete" rewrites ``src`` to the
    copy it saved and leaves ``data-src`` naming the original, whose file name is not the saved
    one (``image(1).jpg`` for the second ``image.jpg``); only the saved copy finds the right photo.
    """
    attrs = node.attributes
    # Lazy-loading scripts name the photo in attributes of their own (data-src, data-lazy-src,
    # data-original, data-flickity-lazyload-srcset, ...): any data-...src or data-...srcset, before ``src``.
    names = [*_LAZY_FIRST, *(name for name in attrs if lazy_attribute(name) and name not in _LAZY_FIRST),
             "src", "srcset"]
    found = [(name, _address(name, value)) for name in names if (value := attrs.get(name))]
    lazy = any(lazy_attribute(name) for name, _ in found)
    found = [(name, value) for name, value in found if value and not (name == "src" and _placeholder(value, lazy))]
    # A saved copy first, a lazy attribute's before the src's (the src of a lazy photo is its
    # stand-in), a srcset's (its largest saved) before the src's too.
    local = [value for name, value in sorted(found, key=lambda item: item[0] == "src") if _SAVED_COPY.match(value)]
    return absolute(local[0] if local else found[0][1], base) if found else None


def lazy_attribute(name: str) -> bool:
    """An attribute a lazy-loading script takes the photo's address from (``data-src``, ``data-lazy-srcset``)."""
    return name in _LAZY_FIRST or (name.startswith("data-") and name.endswith(("src", "srcset")))


def use_noscript_photos(tree: LexborHTMLParser) -> None:
    """Put each ``<noscript><img></noscript>`` fallback of a lazy-loading page in the place of the
    script's ``<img>`` beside it when that names no better photo (only a stand-in, or none saved
    with the page while the fallback is), and take it out of a ``<figure>`` with no ``<img>``
    beside it: the ``<noscript>`` is dropped with its photo otherwise."""
    for noscript in tree.css("noscript"):
        fallback = noscript.css_first("img")
        if fallback is None or not (ours := image_src(fallback, None)):
            continue
        beside = _element_beside(noscript)
        if beside is not None and beside.tag == "img":
            theirs = image_src(beside, None)
            lazy = "lazy" in (beside.attributes.get("class") or "").lower()
            if theirs and not (_SAVED_COPY.match(ours) and (lazy or not _SAVED_COPY.match(theirs))):
                continue
            beside.decompose()
        elif noscript.parent is None or noscript.parent.tag != "figure":
            continue
        noscript.insert_after(fallback)


def _element_beside(node: LexborNode) -> LexborNode | None:
    """The element just before ``node``, else the one just after it (spaces between passed over)."""
    before = sibling_element(node, "prev")
    return before if before is not None else sibling_element(node, "next")


_LAZY_FIRST = ("data-src", "data-lazy-src", "data-original", "data-srcset")
# Where one candidate of a srcset ends: a comma after its width or density, or before a space.
_CANDIDATES = re.compile(r"(?<=\d[wx]),\s*|,\s+")


def _address(name: str, value: str) -> str:
    """The photo address an attribute gives: a srcset's largest candidate saved with the page,
    else its first (the smallest, mostly: a photo fetched later costs less)."""
    if "srcset" not in name:
        return value.strip()
    first, best, most = "", "", -1.0
    for candidate in _CANDIDATES.split(value.strip()):
        url, _, size = candidate.strip().partition(" ")
        first = first or url
        if not url or not _SAVED_COPY.match(url):
            continue
        size = size.strip()
        try:
            scale = float(size[:-1]) if size[-1:] in ("w", "x") else 0.0
        except ValueError:
            scale = 0.0
        if scale > most:
            best, most = url, scale
    return best or first


# The file a lazy-loading page shows until its script puts the photo in: "grey-placeholder.png", "spacer.gif".
_STAND_IN_WORD = re.compile(r"placeholder|spacer|(?<![a-z])blank(?![a-z])|transparent|lazy-?load", re.IGNORECASE)
# A whole stand-in name: stand-in words with only a colour, a size or a number beside them
# ("blank.gif", "grey-placeholder.png", "spacer_1x1.gif"); "transparent-glass-bridge.jpg" is a photo.
_STAND_IN_FILE = re.compile(r"(?:(?:placeholder|spacer|blank|transparent|lazy-?load(?:ing|er)?|pixel|img|image"
                            r"|grey|gray|white|black|light|dark|default|\d+(?:x\d+)?|px)(?:[-_. ]+|$))+",
                            re.IGNORECASE)


def _placeholder(src: str, lazy: bool = False) -> bool:
    """A lazy-loading page's stand-in for its photo: a small inline GIF (1x1) or SVG (an empty
    box the photo's size), refused as "not an image" for every photo of the page, or a file so
    named; when a lazy attribute names the photo (``lazy``), any file with a stand-in word in its name."""
    if src.startswith("data:"):
        return src.startswith(("data:image/gif", "data:image/svg")) and len(src) < 2000
    name = src.split("?", 1)[0].rsplit("/", 1)[-1]
    if _STAND_IN_WORD.search(name) is None:
        return False
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return lazy or _STAND_IN_FILE.fullmatch(stem) is not None


def figure_image(node: LexborNode, base: str | None, beside: LexborNode | None = None) -> Image | None:
    """The photo, caption and credit of one figure-like element (and of the caption element
    ``beside`` it, when its caption is printed after it); None when it holds neither text nor photo."""
    # amp-img: the photo of an AMP page; the first with an address (not a stand-in for the photo)
    imgs = node.css("img, amp-img")
    img = next((i for i in imgs if image_src(i, base)), imgs[0] if imgs else None)
    if img is None and node.tag == "figure":
        source = node.css_first("source[srcset]")
        src = absolute((source.attributes.get("srcset") or "").split(",")[0].strip().split(" ")[0], base) if source \
            else None
    else:
        src = image_src(img, base) if img is not None else None
    caption: list[str] = []
    credit: list[str] = []
    # (inside a credit element, inside an element marked as the caption) for the open elements
    stack: list[tuple[bool, bool]] = [(False, False)]
    credit_started = False
    continued = True  # text after the credit may go on with it ("Photo by X" "/ AFP via Getty Images")
    for event, item in chain.from_iterable(walk(part, _FIGURE_SKIP, whole=_caption_toggle)
                                           for part in (node, beside) if part is not None):
        if event == ENTER:
            # the nearest element marked as caption or credit decides what its text is
            marks = _marks(item)
            credit_mark = item.tag in _CREDIT_TAGS or bool(marks and _CREDIT_MARK.search(marks)
                                                             and not _both_parts(item, marks)) \
                or _hidden_credit_label(item)
            # a caption element holding the credit too is the container, not the caption part
            caption_mark = bool(marks and _CAPTION_MARK.search(marks)) and item.tag != "figcaption" \
                and not _has_elements(item)
            if credit_mark:
                if not stack[-1][0] and "".join(credit).strip():
                    credit.append(_CREDIT_BREAK)  # a second credit element: "Lars Ek / Pia Lund"
                is_credit, is_caption = True, False
            elif caption_mark:
                is_credit, is_caption = False, True
            else:
                is_credit, is_caption = stack[-1]
                if credit_started and not is_credit and item.tag in BLOCKS:
                    continued = False  # a block after the credit (its <figcaption>) holds the caption
            stack.append((is_credit, is_caption))
            if item.tag in BLOCKS or item.tag in ("span", "br"):
                (credit if credit_started else caption).append(_SEGMENT if not credit_started else " ")
        elif event == LEAVE:
            if len(stack) > 1:
                stack.pop()
            if item.tag in BLOCKS or item.tag == "span":
                (credit if credit_started else caption).append(_SEGMENT if not credit_started else " ")
        elif event == TEXT:
            text = item.text_content or ""
            in_credit, in_caption = stack[-1]
            if not text.strip():
                (credit if credit_started else caption).append(text)
            elif in_credit:
                credit_started = True
                credit.append(text)
            elif credit_started and continued and not in_caption and word_count(text) <= 12:
                credit.append(text)  # "/ AFP via Getty Images" after "Photo by ..."
            else:
                caption.append(text)
    credit_text = clean_credit(without_control_labels(_credits_apart("".join(credit).replace(_SEGMENT, " ")))) \
        if credit else None
    if not credit_text:
        caption, credit_text = _credit_segment(caption)
    caption_text = without_control_labels(squash("".join(caption).replace(_SEGMENT, " ")))
    if not caption_text and credit_text and word_count(credit_text) > 12:
        caption_text, credit_text = credit_text, None  # a whole caption in an element named "credit"
    if not credit_text:
        caption_text, credit_text = split_caption(caption_text)
        caption_text = without_control_labels(caption_text)  # "The ferry. hide caption Jo Roe/Wire"
    if not caption_text and not credit_text:
        if not src:
            return None
        caption_text = described(img)
    return Image(caption_text, credit_text, src)


def _own_parts(figure: LexborNode) -> tuple[list[LexborNode], list[LexborNode]]:
    """The ``<figure>``s and ``<figcaption>``s in ``figure`` that no other figure in it holds, found
    in one pass down its elements that stops at each (a page's nesting costs no more than its size)."""
    figures: list[LexborNode] = []
    captions: list[LexborNode] = []
    stack = list(figure.iter(include_text=False))
    while stack:
        element = stack.pop()
        if element.tag == "figure":
            figures.append(element)
        elif element.tag == "figcaption":
            captions.append(element)
        else:
            stack.extend(element.iter(include_text=False))
    return figures[::-1], captions[::-1]


def figure_images(node: LexborNode, base: str | None,
                  beside: LexborNode | None = None) -> list[tuple[LexborNode, Image | None]]:
    """Each photo of a figure-like element, with the element that holds it: one, but a gallery's (a
    ``<figure>`` holding two ``<figure>``s or more) each its own, its own caption apart, where read as
    one photo their captions and credits ran together ("The quay. The pier." by "Jo Roe / Bo Lund")."""
    if node.tag == "figure":
        figures, captions = _own_parts(node)
        if len(figures) >= 2:
            return [(part, figure_image(part, base)) for part in (*figures, *captions)]
    return [(node, figure_image(node, base, beside))]


def _credits_apart(text: str) -> str:
    """A photo's credits printed in elements of their own, joined as several credits are ("Lars Ek /
    Pia Lund": run together, two people read as one); a "/" printed between them stays one."""
    parts = (squash(part).strip(" /") for part in text.split(_CREDIT_BREAK))
    return " / ".join(part for part in parts if part)


def _both_parts(node: LexborNode, marks: str) -> bool:
    """An element named for caption and credit both ("credit-caption") holding elements named for
    either: the box of the two, not the credit."""
    if _CAPTION_MARK.search(marks) is None or not _has_elements(node):
        return False
    return any(_CREDIT_MARK.search(m) or _CAPTION_MARK.search(m)
               for m in (_marks(child) for child in node.css("*")) if m)


def _caption_toggle(node: LexborNode) -> bool:
    """An element named as the button that hides or shows the caption ("hide-caption", "toggle-caption")."""
    marks = _marks(node)
    return bool(marks) and _TOGGLE_MARK.search(marks) is not None


def described(img: LexborNode | None) -> str:
    """What a photo's ``alt`` (else ``title``) says of it, for a photo without a caption: a
    description of three words or more, not a file name ("IMG_2041.jpg") nor a stand-in
    ("image", "photo of the story"). Dropped, a feed's photo showed "no caption" beside an alt
    that said what it was."""
    if img is None:
        return ""
    for name in ("alt", "title"):
        text = squash(img.attributes.get(name) or "")
        if word_count(text) >= 3 and not _FILE_NAME.search(text) and not _STAND_IN.match(text):
            return text
    return ""


_FILE_NAME = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg)\b", re.IGNORECASE)
_STAND_IN = re.compile(r"^(?:an?\s+|the\s+)?(?:image|photo(?:graph)?|picture|pic|illustration|thumbnail|placeholder)"
                       r"(?:\s+(?:of|for)\s+(?:the\s+)?(?:story|article|post|news))?\W*$", re.IGNORECASE)

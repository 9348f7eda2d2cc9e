"""OPML (the feed list every reader exports) and newsboat's ``urls`` file, in and out.

OPML is parsed with defusedxml: a list of feeds from anywhere must not expand entities or
reach the network. A folder (an outline holding outlines) and a ``category`` attribute
both become tags, which is how other readers mean them (a category's slashes make a path:
each step a tag). Our export also writes each feed's tags whole, in ``broadsheet:tags``, and puts
each feed back in the folders it was imported in, with its site's address (``htmlUrl``).
"""

from __future__ import annotations

import itertools
import re
import shlex
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from broadsheet.store.feeds.parse import FORBIDDEN, looks_like_feed, looks_like_web_page
from broadsheet.store.feeds.subscriptions import (
    FeedAddressError,
    Subscription,
    check_url,
    clean_tags,
    web_form,
    without_password,
)
from broadsheet.store.ingest.decode import BOM_CODECS
from broadsheet.store.model import normal_url
from broadsheet.store.sanitize import clean_line, is_web_address


@dataclass(slots=True)
class Listed:
    """One feed named in a feed list."""

    url: str
    title: str = ""
    tags: list[str] = field(default_factory=list)
    chosen: bool = False  # the title is the user's (newsboat's "~Name"): it renames a feed already subscribed
    full: bool = False  # fetched with each entry's article page (``feeds add --full``; Broadsheet's own OPML)
    site: str = ""  # the address of the feed's site (OPML's htmlUrl), written back by the export
    folder: list[str] = field(default_factory=list)  # the OPML folders it is in, outermost first


@dataclass(slots=True)
class FeedList:
    feeds: list[Listed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # lines or outlines left out, with why
    notes: list[str] = field(default_factory=list)  # ones taken otherwise than written, with why
    repeated: int = 0  # feeds listed again, folded into the first (said: the counts did not add up)
    _by_url: dict[str, Listed] = field(default_factory=dict, repr=False)

    def add(self, listed: Listed) -> None:
        """One more feed; a feed listed again (in two folders, or twice in ``urls``) adds its
        tags to the first, whose title stays (the second took both: the first's tags were lost)."""
        known = self._by_url.get(normal_url(listed.url))  # however it is written (HTTPS://Host/feed)
        if known is None:
            self._by_url[normal_url(listed.url)] = listed
            self.feeds.append(listed)
            return
        self.repeated += 1
        if not known.title:
            known.title, known.chosen = listed.title, listed.chosen
        known.tags = clean_tags([*known.tags, *listed.tags])
        known.full = known.full or listed.full
        known.site = known.site or listed.site
        known.folder = known.folder or listed.folder


class FeedListError(ValueError):
    """A file that is neither OPML nor a ``urls`` file (a binary file given by mistake)."""


def _unmarked(data: bytes) -> bytes | str:
    """The text of a file that starts with a byte-order mark (a UTF-16 OPML was read as a urls
    file of NUL-filled lines), else its bytes: the parser reads the XML declaration's encoding."""
    for mark, codec in BOM_CODECS:
        if data.startswith(mark):
            return data.decode(codec, "replace")
    return data


_FORBIDDEN_TEXT = re.compile(FORBIDDEN.pattern.decode("ascii"), re.I)
#: Where a control character XML forbids is read from (plane 15's private use area): ``&#x1b;`` is
#: parsed as U+F001B, and put back (:func:`_put_back`) once the file is read.
_STAND_IN = 0xF0000
_PUT_BACK = {_STAND_IN + code: code for code in range(0x20)}


def _code(found: bytes | str) -> int:
    """The character a raw control or a character reference (``&#x1b;``, ``&#27;``) is."""
    text = found.decode("ascii") if isinstance(found, bytes) else found
    if len(text) == 1:
        return ord(text)
    return int(text[3:-1], 16) if text[2] in "xX" else int(text[2:-1])


def _xml_chars(content: bytes | str, stand_in: bool = True) -> bytes | str:
    """The list with the characters XML 1.0 forbids, raw or as references, read as stand-ins it
    takes (``stand_in``), else without them: one ``&#x1b;`` in a title made every feed of the file
    unreadable. The stand-ins are put back after parsing, so a title's escape sequence is cleaned
    whole, as a headline's is (dropping the ESC alone left "[31m" in it), and an address holding
    one is refused, as a urls file's line is (it was subscribed as "feed[2J"). A file in UTF-16 or
    UTF-32 without a byte-order mark (whose characters hold such bytes) is left as it is."""
    if isinstance(content, str):
        return _FORBIDDEN_TEXT.sub(lambda m: f"&#x{_STAND_IN + _code(m[0]):X};" if stand_in else "", content)
    if b"\x00" in content[:4096]:
        return content
    return FORBIDDEN.sub(lambda m: b"&#x%X;" % (_STAND_IN + _code(m[0])) if stand_in else b"", content)


def _put_back(root: Element) -> None:
    """The control characters :func:`_xml_chars` read as stand-ins, back in every attribute."""
    for node in root.iter():
        for name, value in node.attrib.items():
            if not value.isascii():
                node.set(name, value.translate(_PUT_BACK))


NS = "urn:broadsheet:opml"  # the tags as they are, where ``category`` would split "news/world" in two


def is_opml(text: str) -> bool:
    head = text[:2048].lstrip("\ufeff \t\r\n").lower()
    return head.startswith("<") and "<opml" in head


def _binary(text: str) -> bool:
    """Text no feed list is: more than a tenth of its start undecodable or control characters."""
    sample = text[:8192]
    odd = sum(1 for c in sample if c == "\ufffd" or (c < " " and c not in "\t\n\r\f") or c == "\x7f")
    return odd * 10 > len(sample)


def read_feed_list(data: bytes) -> FeedList:
    """OPML or a newsboat ``urls`` file, told apart by content; FeedListError for anything else."""
    content = _unmarked(data)
    text = content if isinstance(content, str) else content.decode("utf-8", "replace")
    if is_opml(text):
        return read_opml(content)
    if _binary(text):
        raise FeedListError("not an OPML or urls file")
    kind = _other_kind(text)
    if kind:
        raise FeedListError(f"not a list of feeds (OPML or a newsboat urls file) but {kind}")
    listed = read_urls(text)
    if not listed.feeds and len(listed.problems) > 1:
        raise FeedListError(f"not an OPML or urls file: none of its lines is a feed address ({listed.problems[0]}, "
                            f"and {len(listed.problems) - 1} more)")
    return listed


def _other_kind(text: str) -> str:
    """What a file of markup that is no OPML is, with the command that reads it ("" if not markup):
    ``feeds import`` of a saved page listed each of its 3,000 lines as "left out"."""
    head = text[:4096].lstrip("\ufeff \t\r\n").encode("utf-8", "replace")
    if not head.startswith(b"<"):
        return ""
    if looks_like_feed(head):
        return ("a feed: subscribe to its address with `broadsheet feeds add URL`, or import its stories "
                "with `broadsheet import FILE`")
    if looks_like_web_page(head):
        return "a web page: import its story with `broadsheet import FILE`"
    return "other markup"


def read_opml(data: bytes | str) -> FeedList:
    """The feeds of an OPML file; FeedListError for one that cannot be read at all (it said
    "0 feeds added, 1 left out", as if a feed of it had been)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    out = FeedList()
    try:
        try:
            root = fromstring(_xml_chars(data), forbid_dtd=False, forbid_entities=True, forbid_external=True)
        except ParseError:  # a raw control where no reference may stand (between attributes): left out, as before
            root = fromstring(_xml_chars(data, stand_in=False), forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedListError(f"refused: the OPML declares entities ({type(exc).__name__})") from None
    except ParseError as exc:
        raise FeedListError(f"not readable OPML ({exc})") from None
    _put_back(root)
    body = root.find("body")
    if body is None:
        raise FeedListError("not OPML (no <body>)")

    numbers = itertools.count(1)  # each outline's place in the file, folders too: the one nothing else names

    def walk(node: Element, folders: list[str]) -> None:
        for outline in node.findall("outline"):
            number = next(numbers)
            name = clean_line(_attribute(outline, "title") or _attribute(outline, "text"))
            url = _attribute(outline, "xmlUrl")
            if url and _an_address(name):  # a feed not fetched yet is named by its address: no title
                name = ""
            own = outline.get(f"{{{NS}}}tags")  # ours, whole: "news/world" stays one tag
            categories = own.split(",") if own is not None else [
                c for part in _attribute(outline, "category").split(",") for c in part.split("/") if c]
            if url:
                where = f"outline {name!r}" if name else f"outline {number}"
                try:
                    out.add(Listed(check_url(url), name, clean_tags([*folders, *categories]),
                                   full=outline.get(f"{{{NS}}}full") == "true",
                                   chosen=bool(name) and outline.get(f"{{{NS}}}chosen") == "true",
                                   site=_site(outline, where, out.notes), folder=folders))
                except FeedAddressError as exc:
                    # (the reason names the address, cut when long: not said whole again)
                    out.problems.append(f"{where}: {exc}")
            elif not len(outline) and (_attribute(outline, "htmlUrl") or _attribute(outline, "url")
                                       or _attribute(outline, "type").lower() in ("rss", "atom")):
                # a feed without its address, or a link to a page: said, not dropped without a word
                named = name or _attribute(outline, "htmlUrl") or _attribute(outline, "url")
                where = f"outline {named!r}" if named else f"outline {number}"
                out.problems.append(f"{where}: no feed address (xmlUrl)")
            if len(outline):
                walk(outline, [*folders, name] if name and not url else folders)

    walk(body, [])
    return out


def _attribute(outline: Element, name: str) -> str:
    """An outline's attribute ``name`` however the file writes its case ("" without it): OPML's
    ``xmlUrl`` written ``xmlURL`` or ``XMLURL`` (by hand, by old tools) left the feed out unsaid."""
    found = outline.get(name)
    if found is None:
        lower = name.lower()
        found = next((value for key, value in outline.attrib.items() if key.lower() == lower), None)
    return found or ""


def _site(outline: Element, where: str, notes: list[str]) -> str:
    """The outline's site address (``htmlUrl``), checked as a feed's is; "" for none, or for one
    that is no web address, which ``notes`` says (the feed is subscribed all the same)."""
    site = _attribute(outline, "htmlUrl")
    if not site:
        return ""
    try:
        return check_url(site)
    except FeedAddressError as exc:
        notes.append(f"{where}: its site's address (htmlUrl) is not kept: {exc}")
        return ""


def _an_address(name: str) -> bool:
    """``name`` is an address: a ``feed://`` one too (the feed was titled by it; subscribed to, it is untitled)."""
    return " " not in name and is_web_address(web_form(name))


_SHOWN_LINE = 200  # characters of a urls line a note quotes


def read_urls(text: str) -> FeedList:
    """newsboat's ``urls`` file: an address, then tags; ``"~Name"`` renames, a tag starting with
    ``!`` hides the feed from newsboat's list: Broadsheet hides none, so the tag is kept without
    its ``!`` (it was dropped without a word) and the note says so."""
    out = FeedList()
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError:  # a quote not closed: the address before it is whole, the rest cannot be read
            _unclosed(out, number, line)
            continue
        if not words:
            continue
        url, rest = words[0], words[1:]
        if url.startswith(("query:", "exec:", "filter:")):
            out.problems.append(f"line {number}: {url.split(':', 1)[0]}: feeds are newsboat's own; left out")
            continue
        title = next((w[1:] for w in rest if w.startswith("~")), "")
        tags = [w.removeprefix("!") for w in rest if not w.startswith("~")]
        try:
            out.add(Listed(check_url(url), clean_line(title), clean_tags(tags), chosen=bool(clean_line(title))))
        except FeedAddressError as exc:
            out.problems.append(f"line {number}: {exc}")
            continue
        if hides := [w for w in rest if w.startswith("!")]:
            kept = ", ".join(map(repr, clean_tags(w[1:] for w in hides)))
            out.notes.append(f"line {number}: {', '.join(map(repr, hides))} hides the feed in newsboat; Broadsheet "
                             "hides no feed: it is listed" + (f", its stories tagged {kept}" if kept else ""))
    return out


def _unclosed(out: FeedList, number: int, line: str) -> None:
    """A ``urls`` line with a quote not closed (``URL "unterminated``), in ``out``: its first word, an
    address standing whole before the quote, is subscribed without the tags and title after it, which
    a note names (one bad quote left the feed out, said as "No closing quotation"); a line whose address
    is itself cut is left out, named by its text."""
    first, rest = [*line.split(None, 1), ""][:2]
    url = "" if any(c in first for c in "\"'\\") else first
    try:
        checked = check_url(url)
    except FeedAddressError:
        out.problems.append(f"line {number}: a quote is not closed: {clean_line(line)[:_SHOWN_LINE]}")
        return
    out.add(Listed(checked))
    out.notes.append(f"line {number}: {without_password(checked)}: a quote is not closed in its tags and title, "
                     f"which are not read ({clean_line(rest)[:_SHOWN_LINE]}); the feed is subscribed without them")


def write_opml(subs: list[Subscription], title: str = "Broadsheet subscriptions") -> bytes:
    """OPML 2.0 with one outline per feed, in the folders it was imported in; its other tags in
    ``category`` (read back by :func:`read_opml`)."""
    root = Element("opml", {"version": "2.0", "xmlns:broadsheet": NS})
    SubElement(SubElement(root, "head"), "title").text = title
    folders: dict[tuple[str, ...], Element] = {(): SubElement(root, "body")}
    for sub in subs:
        path = _folder_kept(sub)
        # (OPML wants a text: a feed without a title is named by its address, a password as ``***``,
        # as readers show it; the address keeps it, so the file imported back still signs in)
        attrs = {"type": "rss", "text": sub.shown_name, "xmlUrl": sub.url}
        if sub.site:
            attrs["htmlUrl"] = sub.site
        if sub.title:  # not the address of a feed not fetched yet: imported back, it was its title for good
            attrs["title"] = sub.title
            if not sub.learned:  # the user's (see write_urls): it stays when the feed's title changes
                attrs["broadsheet:chosen"] = "true"
        placed = clean_tags(path)  # the folders' tags: said by the folders (another reader took them twice)
        if others := [tag for tag in sub.tags if tag not in placed]:  # (a tag holds no comma)
            attrs["category"] = ",".join(others)  # for other readers, to whom a slash makes a path
        if sub.tags:
            attrs["broadsheet:tags"] = ",".join(sub.tags)
        if sub.full:  # its article pages fetched too: kept through an export and import
            attrs["broadsheet:full"] = "true"
        SubElement(_folder(folders, path), "outline", attrs)
    indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def _folder_kept(sub: Subscription) -> tuple[str, ...]:
    """The folders ``sub`` was imported in, as far as it still has their tags: a tag renamed or
    taken off since would come back from its folder, the file imported again."""
    path: list[str] = []
    for name in sub.folder:
        tag = clean_tags([name])
        if not tag or tag[0] not in sub.tags:
            break
        path.append(name)
    return tuple(path)


def _folder(folders: dict[tuple[str, ...], Element], path: tuple[str, ...]) -> Element:
    """The outline of the folder ``path``, made in its own folder's the first time a feed is in it."""
    if path not in folders:
        folders[path] = SubElement(_folder(folders, path[:-1]), "outline", {"text": path[-1], "title": path[-1]})
    return folders[path]


def write_urls(subs: list[Subscription]) -> str:
    """newsboat's ``urls`` file for ``subs`` (tags, and a title not learned from the feed as
    ``"~Name"``: a learned one is left to newsboat, which would keep a ``~Name`` for good)."""
    def quoted(word: str) -> str:
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def tag(word: str) -> str:
        """A tag beginning with ``~`` or ``!`` would be read as a title, or as "hidden": written
        after a space, which newsboat keeps in the tag and Broadsheet trims off reading it back."""
        return f" {word}" if word.startswith(("~", "!")) else word

    lines = []
    for sub in subs:
        words = [*map(tag, sub.tags)] + ([f"~{sub.title}"] if sub.title and not sub.learned else [])
        lines.append(" ".join([sub.url, *map(quoted, words)]))
    return "\n".join(lines) + "\n"

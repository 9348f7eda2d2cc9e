"""Recognise page furniture by shape: menus, share buttons, sign-in links, ads, footers."""

from __future__ import annotations

import re
from functools import lru_cache

from broadsheet.store.parse import cjk
from broadsheet.store.parse.textstats import LINE_CACHE, stopword_density, word_count

# Phrases that make up web-page furniture on any site. Matched only on short lines.
_FURNITURE = re.compile(
    r"""\b(?:
      advertisement|advertising|sponsored|promoted|partner\ content
    | skip\ to|jump\ to|back\ to\ top|scroll\ to
    | sign\ ?in|sign\ ?up|log\ ?in|log\ ?out|register|my\ account|subscribe|subscription|newsletters?
    | read\ (?:next|more|also)|see\ (?:more|also|all)|more\ (?:from|on|in|stories|news|videos)|also\ read
    | watch\ now|^video\s?\d
    | related(?:\ (?:topics|articles|stories|content|news|coverage|links))?
    | recommended|you\ may\ (?:also\ )?like
    | most\ (?:read|popular|viewed|shared)|trending|top\ stories
    | latest\ (?:news|stories|videos)|editor'?s\ picks
    | shares?|tweet|whatsapp|facebook|linkedin|pinterest|reddit|telegram|copy\ link|email\ this|print
    | listen(?:\ live)?|live\ ?stream(?:ing)?|watch\ live|play\ video|click\ to|tap\ to|video\ ?player
    | comments?|leave\ a\ comment|reply|report\ (?:an\ )?error
    | follow\ us|contact\ us|about\ us|privacy|cookies?|terms\ (?:of|and)|all\ rights\ reserved|copyright
    | accessibility|site\ ?map|careers|rss|download\ (?:the\ )?app|app\ store|google\ play
    | menu|search|home\ ?page|close|toggle|loading|next\ article|previous\ article|up\ next
    | article\ content|story\ continues|continue\ reading|min(?:ute)?s?\ read|reading\ time
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
_ALWAYS = re.compile(
    r"©|\ball rights reserved\b|\bcookies? (?:policy|settings)\b|\buses? cookies\b"
    r"|\bby (?:signing up|subscribing)\b|\bmay not be reproduced\b"
    r"|\bterms (?:of (?:use|service)|and conditions)\b|\bprivacy policy\b"
    r"|\bsign in to\b|\bcreate an account\b|\bregister(?:ing)? for free\b"
    r"|\balready (?:a subscriber|have an account)\b"
    r"|\bto continue reading\b|\bunlock (?:more|this|unlimited)\b|\bsubscribe (?:now|today|for)\b"
    r"|\bsubject to copyright\b|\bmay be reproduced without\b",
    re.IGNORECASE,
)
# Promotions for the site itself: newsletters, apps, memberships, feeds, tips lines.
_PROMO = re.compile(
    r"\bdelivered (?:straight )?to your inbox\b|\bsign up (?:for|to) (?:our|the)\b|\bnewsletter\b"
    r"|\bsupport (?:our|independent|quality|local)\b.{0,30}\bjournalism\b"
    r"|\bbecom(?:e|ing) a (?:free or )?(?:paid |digital )?subscriber\b"
    r"|\bbecom(?:e|ing) a (?:paid|digital|supporting) member\b|\breader[- ]supported\b"
    r"|\bmake (?:your|a) (?:gift|donation)\b|\bdonate (?:today|now)\b"
    r"|\bget in touch with (?:our|the)\b|\bfollow us on\b"
    r"|\bfollow [\w.]+ on (?:twitter|facebook|x|instagram)\b"
    r"|\benable javascript\b|\baffiliate links?\b|\bearn (?:us )?a commission\b|\bpreferred source\b"
    r"|\bclick here\b|\bdownload (?:our|the) app\b|\bget the [\w ]{1,30} app\b|\bbookmark [\w.]+\b"
    r"|\bfor more stories like this\b|\bsend us your\b|\bgot a (?:story|tip)\b|\bfont size\b"
    r"|\bvalues? your comments\b|\bcomments (?:are|will be) (?:moderated|reviewed|closed)\b|\bcommunity guidelines\b"
    r"|\bsubscribe to our\b|\bget a subscription\b|\bour sister (?:title|publication|site|magazine)\b"
    r"|\bincluded (?:in|with) your subscription\b",
    re.IGNORECASE,
)
_VIDEO_TEASER = re.compile(r"^\d{1,2}:\d\d\s+[A-Z‘'\"]")
_FORM_FIELD = re.compile(r"^\*\s*[A-Z][A-Z ]{1,30}$")
#: The bars between a menu's links on one line (``Home | World | Sport``); not the middle dot,
#: which also parts a byline's name, agency and date.
_MENU_BAR = re.compile(r"\s+[|•]\s+")
#: Links at least, for a barred line to be a menu: a title with its section and site, or a byline
#: with its post, agency and place, has up to four parts of a few words.
MENU_ITEMS = 5
_NOT_A_LINK = ("by ", "photo", "image", "credit", "picture")  # a first part opening a byline or a credit
_GLUE = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Where _GLUE would insert a space: found from the capital, which is rarer than a small letter.
_GLUED = re.compile(r"[A-Z](?<=[a-z][A-Z])")
# ASCII bytes with a small letter made "a", a capital "A" and anything else a space.
_CASE_BYTES = bytes(97 if 97 <= c <= 122 else 65 if 65 <= c <= 90 else 32 for c in range(256))


def _glued(text: str) -> bool:
    """``_GLUED.search(text) is not None``: for an ASCII line, a find of "aA" in its letter
    classes (a find in C instead of a regex test of every character)."""
    if text.isascii():
        return b"aA" in text.encode("ascii").translate(_CASE_BYTES)
    return _GLUED.search(text) is not None


_LEAD_IN = re.compile(
    r"^(?:read more|related|see also|also read|read also|more|watch|listen|recommended|trending|sponsored)"
    r"\s*[:|>»]",
    re.IGNORECASE,
)
# How every line _LEAD_IN matches starts, lower-cased.
_LEAD_IN_STARTS = ("read", "related", "see also", "also read", "more", "watch", "listen", "recommended", "trending",
                   "sponsored")
_TRUNCATED = re.compile(r"\w\s?(?:\.\.\.|…)$")
_EMBED = re.compile(r"pic\.twitter\.com/|^[—–-]\s.{1,80}\(@\w+\)(?:\s|$)")
EMBED_REASON = "embedded social-media post"
SHORT_WORDING = "short line with page-furniture wording"
_SYMBOLS = re.compile(r"^[\W\d_]+$")
# The label of a button or link that shows more or less of a caption or a byline ("Read More",
# "Show less", "hide caption", "toggle caption"): a page prints it right after the text it opens,
# and a copy of the page glues it on. "Read more" only capitalised: "... who read more" is a sentence's.
_TOGGLE = r"(?i:(?:hide|show|toggle|expand|collapse)\s+captions?)"
_CONTROL = rf"(?:(?:Read|READ|Show|SHOW|See|SEE|View|VIEW)\s+(?:More|more|MORE|Less|less|LESS)|{_TOGGLE})"
# (After a non-word character, or glued to a word: "Ann LeeRead More".)
_AFTER = r"(?:^|(?<=[^\w’'-])|(?<=[a-z])(?=[RSV]))"
_CONTROL_TAIL = re.compile(rf"(?:{_AFTER}\s*{_CONTROL}\s*[+»›→…]?)+\s*$")
_TOGGLE_TAIL = re.compile(rf"(?:{_AFTER}\s*{_TOGGLE}\s*)+$")
_TOGGLE_HEAD = re.compile(rf"^(?:\s*{_TOGGLE}\b)+\s*")
_CONTROL_ONLY = re.compile(rf"^(?:\s*{_CONTROL}\s*[+»›→…]?)+$")


# A link's note for screen readers glued after its label ("... Purchase Licensing Rights, opens new tab",
# "TwitterOpens in new window"), with the label when it asks the reader to act (it names no one).
_LINK_NOTE = re.compile(
    r"(?:\s*\b(?:Buy|Purchase|Order|Licen[cs]e|Download|Request|Get|View|See|Visit|Share|Subscribe|Click|Follow)\b"
    r"(?:\s+\w+){0,4}?)?\s*,?\s*\(?(?i:opens?\s+(?:in\s+)?(?:an?\s+)?new\s+(?:tab|window))\)?\.?\s*$"
)
_LINK_NOTE_ENDS = ("new tab", "new window", "new tab)", "new window)")


def without_link_note(text: str) -> str:
    """``text`` without a link's "opens new tab" note at its end (and the link's label that asks to act)."""
    if not text.rstrip(" .").lower().endswith(_LINK_NOTE_ENDS):
        return text
    return _LINK_NOTE.sub("", text).rstrip(" ,")


def without_control_labels(text: str, *, more: bool = True) -> str:
    """``text`` without the show-more and caption-toggle labels glued to its end (or a caption
    toggle to its start): "... 2026. (Wire Photo/Jo Roe) Read More", "The ferry. hide caption",
    and without a link's "opens new tab" note (:func:`without_link_note`).
    With ``more`` false, only the caption toggles go (a story's paragraph may end on a link)."""
    text = without_link_note(text) if more else text
    # (Most lines neither end on a label nor start with a caption toggle: answered without a scan.)
    end = text.rstrip(" +»›→…").lower()
    tail = end.endswith(("caption", "captions")) or (more and end.endswith(("more", "less")))
    head = "caption" in text[:30].lower()
    if not tail and not head:
        return text
    if tail:
        text = (_CONTROL_TAIL if more else _TOGGLE_TAIL).sub("", text)
    return _TOGGLE_HEAD.sub("", text).strip() if head else text.strip()


def control_label(text: str) -> bool:
    """A line that is only such labels ("Read More", "hide caption toggle caption")."""
    return len(text) <= 60 and _CONTROL_ONLY.match(text) is not None


# Case-sensitive twins of the IGNORECASE patterns, run on lower-cased text as a cheap
# necessary test. Python's ``re`` can skip an alternative on its first letter only when the
# match is case-sensitive, so these are 5-10x faster; the original pattern runs only on the
# few lines the twin accepts, so the result is exactly that of the original.


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a (non-verbose) pattern."""
    out, current, depth, i = [], "", 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            current += pattern[i : i + 2]
            i += 2
            continue
        if char == "[":  # a character class: copied whole (its "|" or "(" are literal)
            end = pattern.index("]", i + 2 if pattern[i + 1 : i + 2] in ("]", "^") else i + 1)
            while pattern[end - 1] == "\\":
                end = pattern.index("]", end + 1)
            current += pattern[i : end + 1]
            i = end + 1
            continue
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            out.append(current)
            current = ""
        else:
            current += char
        i += 1
    return [*out, current]


def _by_first_letter(alternatives: list[str]) -> str:
    """The same alternation, grouped by first letter: ``a(?:dvert|ccess)|s(?:hare|kip)``.

    ``re`` tries the alternatives of a branch one by one at every position; grouped, it tests
    about twenty first letters instead of a hundred alternatives. At one position only the
    alternatives starting with that letter can match, and their order is kept, so the
    matches are the same. An alternative starting with an anchor (``^video``) is kept whole,
    first, which is its place relative to the others that can match where it does.
    """
    groups: dict[str, list[str]] = {}
    anchored = []
    for alt in alternatives:
        if alt[:1].isalpha():
            groups.setdefault(alt[0], []).append(alt[1:])
        else:
            anchored.append(alt)
    grouped = [f"{letter}(?:{'|'.join(rests)})" for letter, rests in groups.items()]
    return "|".join(anchored + grouped)


_FURNITURE_INNER = re.sub(r"(?<!\\)\s+", "", _FURNITURE.pattern).removeprefix("\\b(?:").removesuffix(")\\b")
_FURNITURE_LOW = re.compile("\\b(?:" + _by_first_letter(_alternatives(_FURNITURE_INNER)) + ")\\b")
# The promotion and cookie-notice wording in one scan: most lines have neither.
# (Without the "©" alternative, tested with ``in``: a top-level branch slows every position.)
_NOTICE_ALTERNATIVES = _alternatives(_PROMO.pattern.removeprefix("\\b").replace("|\\b", "|")) + _alternatives(
    _ALWAYS.pattern.removeprefix("©|\\b").replace("|\\b", "|")
)
_NOTICE_LOW = re.compile("\\b(?:" + _by_first_letter(_NOTICE_ALTERNATIVES) + ")")
_ALWAYS_LOW = re.compile("©|\\b(?:" + _ALWAYS.pattern.removeprefix("©|\\b").replace("|\\b", "|") + ")")
_PROMO_LOW = re.compile("\\b(?:" + _PROMO.pattern.removeprefix("\\b").replace("|\\b", "|") + ")")

# Twins of the twins, run on ``_plain(low)``: the lower-cased line as ASCII bytes, every
# character but a-z, 0-9 and "_" made a space (a non-ASCII one too, still one byte). Every
# match of the twins above starts and ends next to a non-word character, and those are all
# spaces here; the letters and spaces of a match are kept. So starting each pattern with
# the literal space lets ``re`` jump from space to space instead of trying every position.
# The count of furniture words is an upper bound: the lookahead counts every place a word
# could start (findall can only keep some of them), and "'" is a space here, as in
# "editor s picks". The notice twin drops its word-boundary tests and lets ``[\w.]`` be any
# kept character or a space, so it only ever matches more.
_PLAIN_KEEP = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")
_PLAIN_TABLE = bytes(c if c in _PLAIN_KEEP else 32 for c in range(256))


def _plain_form(alternatives: list[str]) -> list[str]:
    """Letter-first alternatives of a lower-case twin, for text made by :func:`_plain`."""
    return [alt.replace("'", " ") for alt in alternatives if alt[:1].isalpha()]


_FURNITURE_PLAIN_ALTERNATIVES = _plain_form(_alternatives(_FURNITURE_INNER))
_NOTICE_PLAIN_ALTERNATIVES = [
    alt.replace("\\b", "").replace("[\\w.]", "[\\w ]") for alt in _plain_form(_NOTICE_ALTERNATIVES)
]
_FURNITURE_PLAIN = re.compile((" (?=(?:" + _by_first_letter(_FURNITURE_PLAIN_ALTERNATIVES) + ")\\b)").encode())


def _literal_start(alternative: str) -> tuple[str, int] | None:
    """(the character, its length in the pattern) when ``alternative`` starts with a plain
    letter, digit or space that no quantifier follows; None otherwise."""
    if alternative[:2] == "\\ ":
        char, size = " ", 2
    elif alternative[:1].isalnum() or alternative[:1] in (" ", "_"):
        char, size = alternative[0], 1
    else:
        return None
    return None if alternative[size : size + 1] in ("?", "*", "+", "{") else (char, size)


def _trie(alternatives: list[str]) -> str:
    """The alternation as a tree of shared starts: ``ad(?:vertisement|vertising)|s(?:ign|kip)``.

    Grouped by their first letter only, the alternatives that start with it are still tried
    one by one at every word; as a tree each letter is tested once. Only for a pattern whose
    matches are not used, just whether there is one: the order of the alternatives changes
    which matches ``re`` reports first, never whether a match exists.
    """
    groups: dict[str, list[str]] = {}
    others = []
    for alternative in alternatives:
        start = _literal_start(alternative)
        if start is None:
            others.append(alternative)
        else:
            groups.setdefault(start[0], []).append(alternative[start[1] :])
    tree = [alternative for alternative in others if alternative]
    for char, rests in groups.items():
        tree.append(re.escape(char) + (rests[0] if len(rests) == 1 else f"(?:{_trie(rests)})"))
    if "" in others:
        tree.append("")  # (an alternative that ended here: the text up to this point is a match)
    return "|".join(tree)


# Both searched only for whether they match, so as trees (see _trie).
_NOTICE_PLAIN = re.compile((" (?:" + _trie(_NOTICE_PLAIN_ALTERNATIVES) + ")").encode())
# Either kind of wording, without the word-boundary tests: most lines have none, and then
# this one scan stands for both of the above.
_ANY_PLAIN = re.compile((" (?:" + _trie(_FURNITURE_PLAIN_ALTERNATIVES + _NOTICE_PLAIN_ALTERNATIVES) + ")").encode())


def _plain(low: str) -> bytes:
    """``low`` as ASCII bytes with every character but a-z, 0-9 and "_" a space, after a space."""
    return b" " + low.encode("ascii", "replace").translate(_PLAIN_TABLE)


def _furniture_candidates(low: str, plain: bytes | None = None) -> int:
    """At least as many as ``len(_FURNITURE_LOW.findall(low))`` (``^video`` may add one).

    ``plain`` is ``_plain(low)`` when the caller has it already.
    """
    plain = _plain(low) if plain is None else plain
    return len(_FURNITURE_PLAIN.findall(plain)) + low.startswith("video")


# Characters IGNORECASE matches to an ASCII letter that ``str.lower`` leaves alone.
_FOLD_EXTRA = str.maketrans({"ſ": "s", "ı": "i"})


def folded(text: str) -> str | None:
    """``text`` lower-cased position for position, or None when lowering would shift positions."""
    if text.isascii():
        return text.lower()
    low = text.lower()
    if "ſ" in low or "ı" in low:  # rare: translate() is slow on non-ASCII text, so only when needed
        low = low.translate(_FOLD_EXTRA)
    return low if len(low) == len(text) else None


def _may_search(fast: re.Pattern[str], low: str | None) -> bool:
    """False only when the case-sensitive twin proves the original pattern cannot match."""
    return low is None or fast.search(low) is not None


def _furniture_words(unglued: str, low: str | None, plain: bytes | None = None) -> int:
    """How many furniture words ``_FURNITURE.findall`` finds (the twins rule out most lines).

    ``plain`` is ``_plain(low)`` when the caller has it already.
    """
    if low is not None and (_furniture_candidates(low, plain) < 3 or len(_FURNITURE_LOW.findall(low)) < 3):
        return 0
    return len(_FURNITURE.findall(unglued))


def _ends_with_ellipsis(text: str) -> bool:
    """What ``_TRUNCATED`` needs (``$`` also matches before a final newline)."""
    return text.rstrip("\n").endswith(("...", "…"))


def _may_embed(text: str) -> bool:
    """What ``_EMBED`` needs: a pic.twitter.com link, or a dash at the start."""
    return "pic.twitter.com/" in text or text[:1] in ("", "—", "–", "-")


@lru_cache(maxsize=LINE_CACHE)
def furniture_reason(text: str) -> str | None:
    """Why the line is page furniture, or None when it may be story text."""
    return furniture_reason_of(text, word_count(text), folded(text))


def bar_menu(text: str, least: int = MENU_ITEMS) -> bool:
    """``Home | World | Business | Sport | Weather``: five (``least``) or more links of one to three
    words between bars, none with a digit or a sentence's end (a headline's part, a date, a time),
    the first no byline's or credit's. Fewer links (down to ``least``, at least three) are a menu
    only when each is a link's label (see :func:`_nav_label`): a headline's parts ("Ferry halted |
    Live updates | Gazette") have more words, or words in small letters."""
    if "|" not in text and "•" not in text:  # (most lines: before any split)
        return False
    items = _MENU_BAR.split(text.strip(" |•"))
    few = len(items) < MENU_ITEMS
    return len(items) >= max(least, 3) and not items[0].lower().startswith(_NOT_A_LINK) and all(
        1 <= len(item.split()) <= 3 and not any(c.isdigit() for c in item) and item[-1] not in ".!?:,"
        and (not few or _nav_label(item)) for item in items)


def _nav_label(item: str) -> bool:
    """A menu link's label: one or two words (two Chinese or Japanese characters a word), none
    starting with a small letter ("Home", "World News", "Главная", "国际")."""
    return word_count(item) <= 2 and not any(word[0].islower() for word in item.split())


def furniture_reason_of(text: str, n_text_words: int, low: str | None, density: float | None = None) -> str | None:
    """:func:`furniture_reason`, given ``word_count(text)`` and ``folded(text)`` (shared with other tests),
    and ``stopword_density(text)`` when the caller has it (then a paragraph of prose skips most tests)."""
    if not text[:1].isalpha() and _SYMBOLS.match(text):  # (a letter is never [\W\d_]: most lines stop there)
        return "only symbols or numbers"
    if not text.isascii() and (cjk_reason := cjk.furniture_reason(text)):
        return cjk_reason  # the wording of Chinese, Japanese and Korean pages (before the prose shortcut)
    if (low is None or low.startswith(_LEAD_IN_STARTS)) and _LEAD_IN.match(text):
        return "link to another story"
    if (low is None or low.startswith(_PRINT_STARTS)) and _PRINT_NOTE.match(text):
        return "note of the story's print edition"
    if n_text_words <= EDITORIAL_WORDS and (low is None or _editorial_cue(low)) and _editorial_note(text):
        return "the publisher's notice of its corrections policy"
    if len(text) < 16 and ad_label(text):
        return "advertisement label"
    if len(text) < 16 and link_button(text):
        return "label of a link button"
    if n_text_words <= SUBSCRIBE_CALL_WORDS and (low is None or "abonn" in low or "suscr" in low or "abbon" in low) \
            and _SUBSCRIBE_CALL.search(text):
        return "call to subscribe to the site"
    # Cheap length tests first: these searches scan every position of long paragraphs.
    if len(text) < 120 and _ends_with_ellipsis(text) and _TRUNCATED.search(text) and not re.search(r"[.!?]\s", text):
        return "truncated teaser of another story"
    if _may_embed(text) and _EMBED.search(text):
        return EMBED_REASON
    # Prose (see _prose) is no run of links, no short line, video teaser or form field label (ungluing
    # only adds words): of the tests below only the notices can take it, and they need at most
    # NOTICE_WORDS words and notice wording. Most paragraphs have none, and skip ungluing and the joint scan.
    if (
        density is not None
        and n_text_words >= PROSE_WORDS
        and density >= PROSE_DENSITY
        and (n_text_words > NOTICE_WORDS or not ("©" in text or low is None or _NOTICE_PLAIN.search(_plain(low))))
    ):
        return None
    # "Sign InRegister" -> "Sign In Register" (a plain search first: most lines have no glue)
    unglued = _GLUE.sub(" ", text) if _glued(text) else text
    n_words = n_text_words if unglued is text else len(unglued.split())
    low_unglued = low if unglued is text else folded(unglued)
    # (Both tests of the wording are for lines of at most 80 words: a long paragraph skips the scan.)
    plain = None if low is None or n_words > 80 else _plain(low)
    wording = plain is None or _ANY_PLAIN.search(plain) is not None  # False: no notice, no furniture words
    notice = n_words <= NOTICE_WORDS and (
        "©" in text or plain is None or (wording and _NOTICE_PLAIN.search(plain) is not None)
    )
    if (n_words <= 40 and notice and _may_search(_PROMO_LOW, low)
            and (promo := _PROMO.search(_without_addresses(text))) is not None
            and not _reported(text) and not (promo[0].lower() == "newsletter" and _narrated(text, n_words))):
        return "promotion for the site (newsletter, app, membership)"
    if n_words <= 20 and ":" in text[1:3] and _VIDEO_TEASER.match(text):  # ("1:23 ..." or "12:34 ...")
        return "video teaser (duration, title)"
    if text[:1] == "*" and _FORM_FIELD.match(text):
        return "form field label"
    if n_words <= 60 and bar_menu(text):
        return "menu links between bars"
    if (
        n_words <= 80
        and (wording or low_unglued is not low)
        and _furniture_words(unglued, low_unglued, plain if low_unglued is low else None) >= 3
        and not _prose(text, n_words)
    ):
        return "run of share/menu links"
    if (notice and _may_search(_ALWAYS_LOW, low) and _ALWAYS.search(text) and not photo_copyright(text)
            and not _reported(text) and not (_NOTICE_ONLY.search(text) is None and _narrated(text, n_words))):
        return "copyright or cookie notice"
    # (No wording on the plain line, so no _FURNITURE_LOW match either but "^video\s?\d", which has no twin there.)
    if (
        n_words <= 8
        and (wording or low_unglued is not low or (low is not None and low.startswith("video")))
        and (_may_search(_FURNITURE_LOW, low) or _may_search(_FURNITURE_LOW, low_unglued))
    ):
        m = _FURNITURE.search(_without_addresses(text)) or _FURNITURE.search(_without_addresses(unglued))
        if m:
            return f"{SHORT_WORDING} ({m.group(0)!r})"
    if len(text) <= 60 and (low is None or "caption" in low or "more" in low or "less" in low) and control_label(text):
        return "label of a button (show more, hide caption)"
    return None


# A newspaper's note of where the story ran in print: "A version of this article appears in print on
# March 3, 2026, Section A, Page 12 of the ... edition with the headline: ...".
_PRINT_NOTE = re.compile(
    r"^(?:An? (?:earlier |shorter |longer |different )?version of this|This) (?:[\w-]+ ){0,2}?"
    r"(?:article|story|review|column|essay|obituary|report|interview|piece|editorial|op-ed|letter)s?"
    r" (?:also |originally |first )?(?:appears|appeared|ran|was published|will appear) in (?:the )?"
    r"(?:print|[\w .’'-]{0,40}\bprint edition|[\w .’'-]{0,40}\bnewspaper\b.{0,40}\b(?:section|page)\b)",
    re.IGNORECASE,
)
_PRINT_STARTS = ("a version", "a shorter", "a longer", "an earlier", "a different", "this ")
# A publisher's notice of its corrections policy: "We are committed to accuracy. If you see an
# error, read our corrections policy." Told by its wording and by speaking to the reader (a story's
# sentence about a corrections policy names whose and who said so: "The paper said its ...").
_EDITORIAL = re.compile(
    r"\bcommitted to (?:accuracy|(?:fair(?:ness)?,? (?:and )?)?accura(?:cy|te))"
    r"|\bcorrections? (?:policy|page|form)\b|\b(?:editorial|ethics) (?:standards|policy|guidelines)\b"
    r"|\b(?:report|submit|request|suggest) an? (?:error|correction|typo)\b",
    re.IGNORECASE,
)
# "If you see an error ...": the publisher's only when it is about its own story ("... in this story,
# let us know"); an advice story tells readers what to do about a mistake on their tax return.
_IF_ERROR = re.compile(r"\bif you (?:see|spot|find|notice|believe|think|have spotted|have found)\b[^.]{0,40}"
                       r"\b(?:error|mistake|inaccuracy|typo)", re.IGNORECASE)
_OWN_STORY = re.compile(r"\b(?:this|our) (?:story|article|report|coverage|reporting|journalism)\b"
                        r"|\b(?:let|contact|tell|email|e-mail) us\b|\bcorrection", re.IGNORECASE)


def _editorial_cue(low: str) -> bool:
    """A word every corrections notice has, in ``folded(text)``: substring tests, as most lines of
    every page come here (the same words as a regex alternation cost 2 us a line, 7% of a parse)."""
    return ("error" in low or "correction" in low or "accura" in low or "mistake" in low or "typo" in low
            or "standards" in low or "ethics" in low or "guidelines" in low)


EDITORIAL_WORDS = 80


def _editorial_note(text: str) -> bool:
    """The publisher's note of its corrections policy, spoken to the reader (see ``_EDITORIAL``).
    A correction itself ("A correction was made on ...", "Correction: An earlier version ...") is
    the story's text: it names no policy and speaks to no one; so is a columnist's "we" (only "you",
    "our", "us", or a notice opening "We are committed to ...")."""
    worded = _EDITORIAL.search(text) is not None or (
        _IF_ERROR.search(text) is not None and _OWN_STORY.search(text) is not None)
    return worded and (_TO_READER.search(_QUOTED.sub(" ", text)) is not None or _WE_COMMITTED.match(text) is not None)


# (Case-sensitive: "US" is a country.)
_TO_READER = re.compile(r"\b(?:[Yy]ou|[Yy]our|[Yy]ours|[Oo]ur|[Oo]urs|us)\b")
_WE_COMMITTED = re.compile(r"^We(?:’re|'re| are) committed to\b")


#: A line that is only the label over an advertisement, in the languages whose pages say so
#: (English ones are in the furniture wording; a whole line alone, since "Anzeige" is also a word).
_AD_LABELS = frozenset(["publicité", "publicite", "anzeige", "werbung", "publicidad", "pubblicità", "pubblicita",
                        "advertentie", "reklame", "annons", "mainos"])

# A call to subscribe in French, German, Spanish or Italian ("Abonnez-vous pour 1 € ...",
# "Jetzt abonnieren", "Suscríbete"): the English ones are in _ALWAYS and _PROMO.
_SUBSCRIBE_CALL = re.compile(r"\b(?:abonnez-vous|abonne-toi|jetzt abonnieren|abonnieren sie|suscr[ií]b(?:ete|ase)"
                             r"|abb?onati)\b", re.IGNORECASE)
SUBSCRIBE_CALL_WORDS = 40  # a longer paragraph is a story's, quoting one


#: A button's label standing alone: a heading's anchor ("Link"), a permalink, a copy-link button.
_LINK_BUTTONS = frozenset(["link", "permalink", "anchor link"])


def link_button(text: str) -> bool:
    """The label of a link button on its own line (a subheading's "Link" anchor, "Permalink")."""
    return text.strip(" -–—:·|*[]()#¶🔗").casefold() in _LINK_BUTTONS


def ad_label(text: str) -> bool:
    """An ad label of another language on its own ("Publicité", "- Anzeige -")."""
    return text.strip(" -–—:·|*[]()").casefold() in _AD_LABELS


_ADDRESS = re.compile(r"\S*(?:://|www\.)\S*", re.IGNORECASE)
_REPORTING = re.compile(r"\b(?:said|says|told|according to|reported|announced)\b")
_READER = re.compile(r"\b(?:you|your|yours|we|our|ours|us)\b", re.IGNORECASE)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


#: How a promotion tells the reader what to do; a story's sentence seldom starts so.
_IMPERATIVE = frozenset(re.findall(r"\S+", "sign subscribe get join support follow download click tap read share "
                                               "become send enable register try bookmark listen watch visit enter add"))


#: The wording only a notice has; a privacy policy, terms of use or cookies are also a story's subject.
_NOTICE_ONLY = re.compile(r"©|\bcopyright\b|\ball rights reserved\b|\bmay not be (?:reproduced|published)\b",
                          re.IGNORECASE)


def _narrated(text: str, n_words: int) -> bool:
    """A story's sentence about a newsletter, a privacy policy or cookies ("The school sent a
    newsletter home to parents on Friday.", "The regulator found the company had rewritten its
    privacy policy four times."): twelve words or more, ending as a sentence does, neither addressed
    to the reader outside its quotes nor telling them what to do. A site's own is one or the other."""
    return (n_words >= 12 and (text[0].isalnum() or text[0] in "“\"‘'") and _unaddressed(text)
            and text.split(maxsplit=1)[0].lower() not in _IMPERATIVE)


def _reported(text: str) -> bool:
    """A sentence that reports what someone said ("It said the app changed its privacy policy"),
    not addressed to the reader outside its quotes: a story's sentence about a newsletter, a
    privacy policy or terms and conditions, not the site's own promotion or notice of them."""
    return _REPORTING.search(text) is not None and _unaddressed(text)


def _unaddressed(text: str) -> bool:
    """A whole sentence that speaks to no reader outside its quotes (no "you", "our", "we")."""
    return text[-1:] in ".”\"'’" and _READER.search(_QUOTED.sub(" ", text)) is None


def _without_addresses(text: str) -> str:
    """``text`` without its web addresses: a link's ``?ref=newsletter`` is no promotion."""
    return _ADDRESS.sub(" ", text) if "://" in text or "www." in text.lower() else text


PROSE_WORDS = 25
PROSE_DENSITY = 0.3
NOTICE_WORDS = 60  # a copyright or cookie notice is no longer (the prose shortcut above relies on it)


def _prose(text: str, n_words: int) -> bool:
    """A paragraph of prose (25+ words, a third of them function words) that names sites like
    Facebook or Twitter in passing is no run of share links."""
    return n_words >= PROSE_WORDS and stopword_density(text) >= PROSE_DENSITY


# A photo's copyright line: "© Ann Lee", "Photo © Ann Lee/Agency", or one glued to the end of a
# caption. No year and no "rights reserved": those are the site's own copyright notice.
_PHOTO_COPYRIGHT = re.compile(r"(?:^|\s)(?:(?:Photo|Image|Picture)s?\s*)?©\s*[A-Z][^\d©]{1,60}$")


def photo_copyright(text: str) -> bool:
    """True for a photo credit given as a copyright (see ``_PHOTO_COPYRIGHT``)."""
    return "©" in text and "reserved" not in text.lower() and _PHOTO_COPYRIGHT.search(text) is not None


def repeated_lines(texts: list[str], longest: int = 120) -> set[str]:
    """Short texts that occur more than once on the page (menus, promo boxes printed twice)."""
    seen: dict[str, int] = {}
    for text in texts:
        if text and len(text) < longest:
            seen[text] = seen.get(text, 0) + 1
    return {text for text, count in seen.items() if count > 1}


_END_MARKERS = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies)(?:\s*\(\d+\))?$|^leave a (?:reply|comment)|^add a comment"
    r"|^(?:join|start) the (?:discussion|conversation)|^[\w.@-]{2,40} (?:says|said|wrote):$",
    re.IGNORECASE,
)


def end_marker(text: str) -> str | None:
    """Why this line marks the end of the story text (a comments section), or None."""
    m = _END_MARKERS.match(text)  # every alternative starts with "^": match() is search(), minus the scan
    if m is None and not text.isascii() and cjk.comments_heading(text):
        return f"start of the comments ({text!r})"
    return f"start of the comments ({m.group(0)!r})" if m else None


_INLINE = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored|article content"
    r"|story continues(?: below)?(?: advertisement)?"
    r"|continue reading(?: below)?|\w+ continues below(?: advertisement)?)\W*\d*$",
    re.IGNORECASE,
)


# How a line _INLINE matches starts, lower-cased (or it holds "continues below").
_INLINE_STARTS = ("ad", "sponsored", "article content", "story continues", "continue reading")


@lru_cache(maxsize=LINE_CACHE)
def inline_furniture(text: str) -> bool:
    """An ad or layout marker printed between paragraphs of the story itself (or a bare number)."""
    return inline_furniture_of(text, folded(text))


def inline_furniture_of(text: str, low: str | None) -> bool:
    """:func:`inline_furniture`, given ``folded(text)``: most lines fail a cheap test of ``low``.

    An ad label in another language ("Publicité", "Anzeige") is such a marker too: taken for a
    line of furniture, it made the paragraph after it look like the edge of the story."""
    if len(text) < 16 and (ad_label(text) or link_button(text)):
        return True
    if low is not None and not low.startswith(_INLINE_STARTS) and "continues below" not in low:
        return False
    return _INLINE.match(text) is not None

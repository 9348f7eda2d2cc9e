"""Input: find files, decode and sanitise them, recognise their format, import what they hold."""

#: The kinds of input, by the parser that reads them into articles. Each story records the
#: kind and version of the parser that read it (:func:`stamp`); bump a kind's version when its
#: parser reads the same input into a different article: the reader then offers
#: ``broadsheet reparse --stale`` for the stories that kind's older parser read, and no others.
#: A change to the rules the two share (store/parse: bylines, credits, dates, CJK text) is a
#: change to both.
TEXT_DUMP = 1  # text dumps (formats/text.py): the text-dump parser, store/parse
SAVED_PAGE = 2  # saved pages, gzip-compressed pages, MHTML pages, WARC records: store/html
ENTRIES = 3  # stories a file holds already made: feed files, newsboat caches (store/feeds, whose HTML
#              goes through store/html/fragment.py: a change there is a change to both), Broadsheet exports

#: Each kind's version. They go on from the one version all kinds shared until 5:
# 3: the parser of issue 14 (bylines, captions, story ends) and the html headline rule (both);
# 4: bare photo captions known by their place among the story's lines (store/parse/figures.py:
#    text dumps only);
# 5: a saved page's furniture pictures (newsletter art, video posters, avatars, icons, teasers)
#    are not the story's photos (store/html/furniture.py); CJK closing credit lines by role and
#    reporters in a first paragraph's brackets (store/parse/cjk.py, both: text dumps and saved
#    pages), and a text dump's every credit line of its end block (store/parse/credits.py)
# 6 (text dumps, saved pages): the wire service opening a CJK story is its agency; "图：" before
#    a caption and source words ("资料") credit no photographer (store/parse/cjk.py); a live
#    blog's update times lead their updates (store/html/stamps.py, saved pages)
# 7 (text dumps, saved pages): a byline's date may start with its weekday, which is no part of
#    the name before it ("by Ann Lee Monday, November 18, 2019": store/parse/byline.py)
# 6 (entries): a summary that is the content's own opening, its paragraphs run into one or cut
#    short, is no standfirst (store/feeds/parse.py); a photo credit keeps brackets that pair
#    inside it (store/html/figures.py: saved pages share it, not bumped for it: no saved page of
#    the corpora reads differently, the one-time reparse of every saved page would buy nothing)
# 8 (text dumps): a line between headline and byline that repeats the headline is no standfirst
#    (store/parse/assemble.py)
# 7 (entries): a summary whose words are the content's first ones, markup taken away (scripts' code
#    kept, as fastfeedparser gives an entry with only content:encoded), is no standfirst
#    (store/feeds/parse.py)
# 8 (saved pages): a page that names no site takes its address's host as its source (store/html/page.py)
# 8 (entries): sound and video (a podcast's enclosures, Media RSS, JSON Feed attachments) are kept
#    as the story's media (store/feeds/parse.py)
# 9 (entries): credit lines closing an entry ("Additional reporting by ...") are its credits, as
#    a saved page's are (store/feeds/parse.py, through store/html/page.py's closing_credits)
# 9 (text dumps): a photo's labelled source ("Image source, Agency") beside its labelled caption
#    ("Image caption, ..." with a comma too) is its credit, not a headline (store/parse/marking.py)
# 10 (text dumps): a line of four or more short links between bars (``Home | World | Sport``) is a
#    menu, and is no page title when the copy starts with it (store/parse/boilerplate.py)
# 10 (entries): an author given with an e-mail address (RSS 2.0's ``ann@x.org (Ann Lee)``) is the
#    name alone (store/feeds/parse.py)
# 9 (saved pages): a caption's credit in a wire photo's forms (``... 2026. AGENCY/Jo Roe``, ``...
#    Saturday. Getty Images``, ``Photo by Jo Roe/Agency. The caption.``, ``Graphic: ...``, ``Courtesy
#    of ...``) is its credit (store/html/figures.py; feed entries share it, and take it at their next
#    change: a fetched story is not reparsed); a figure's photo without a caption is described by
#    its ``alt`` (store/html/figures.py: ``described``); a marked byline naming everyone the
#    metadata names and more gives them all (store/html/page.py); credits written in sentences
#    closing the story ("Ann Lee reported from Oslo. Additional reporting by ...") are its credits
#    (store/parse/credits.py: ``sentence_credits``; feed entries share it)
# 11 (entries): an Atom entry's ``<link rel="enclosure">`` is its photo or its sound, as an RSS
#    enclosure is (store/feeds/parse.py); a photo without a caption is described by its ``alt``
# 10 (saved pages): the summary a page marks as its standfirst (``standfirst``, ``dek``,
#    ``article-subtitle``, ``lead``) between the headline and the text is the standfirst, not the
#    first paragraph, where it hid a wire dateline (store/html/standfirst.py); and the next line's
# 11 (text dumps), 12 (entries): "(File photo)" closing a caption is part of it, not its credit;
#    "(File photo: Agency)" credits the agency (store/parse/captions.py, store/html/figures.py); a
#    site's menu of four links between bars above the headline is no headline (store/parse/headline.py)
# 12 (text dumps), 11 (saved pages), 13 (entries): "(File photo)" and "... pier. File Photo" end a
#    caption that credits no one, in text dumps too; "(File photo: Agency)" credits the agency there
#    (store/parse/captions.py); a paragraph marked ``lead`` or ``intro`` that opens the text, or any
#    marked one that starts with a wire dateline, is no standfirst (store/html/standfirst.py)
# 13 (text dumps), 12 (saved pages), 14 (entries): prose in an alphabet without a list of function
#    words (Hebrew, Arabic, Cyrillic, Greek) is told by its clause marks, not dropped as furniture
#    (store/parse/textstats.py); a bare line of names needs capitals, so a Hebrew or Arabic headline
#    is not taken for its authors (store/parse/byline.py)
# 14 (text dumps), 13 (saved pages), 15 (entries): a story's sentence that reports, or neither
#    addresses the reader nor tells them what to do, is story text though it names a newsletter, a
#    privacy policy, cookies or terms and conditions (store/parse/boilerplate.py); a printed byline of people
#    beats metadata naming a desk or the site (store/html/page.py); "Por A y B", "Par A et B" and
#    "Von A und B" name two authors (store/parse/byline.py); the printed headline beats JSON-LD's
#    that adds " - Site" to it (store/html/page.py); "AUSTIN, Texas (AP) —" is a dateline
#    (store/parse/dateline.py); asks of the reader (donate, paid subscriber, German and French
#    subscription boxes, calls to action) and German, French and Spanish comment boxes are furniture;
#    a lead photo beside the <article> holding the text alone is the story's (store/html/page.py);
#    a story's paragraphs in "subscriber-only" boxes are the story (store/html/page.py);
#    "Local Democracy Reporter", "Guest columnist" after a name are posts, not names; "Posted on DATEDATE
#    by NAME", "Interview by NAME", "Analysis by NAME" and "By NAME her@address" are bylines
#    (store/parse/byline.py); a line that is only
#    "Publicité", "Anzeige" and the like is furniture (store/parse/boilerplate.py); "Staff photo by X"
#    and "Drone image courtesy of X" credit X (store/parse/captions.py); "March 5, 2025 at 5:00 a.m.
#    EST" is a date, not a caption credited to "EST" (store/parse/marking.py); "REUTERS/Ann Lee/File
#    Photo" is split whole from its caption (store/parse/captions.py); a label before the page title
#    ("Analysis | ...") is not put on the printed headline (store/parse/assemble.py); "With files from X"
#    is a credit, and a credit line naming people is found before an author's bio (store/parse/credits.py)
# 15 (text dumps), 14 (saved pages), 16 (entries): a caption's "hide caption" and "toggle caption"
#    buttons are not its text, nor a story paragraph's (store/parse/boilerplate.py, store/html/figures.py,
#    store/parse/assemble.py); a box named for caption and credit both ("credit-caption") is not the credit
#    (store/html/figures.py); a "Read More" (or "READ MORE", "Show less") button after a byline's names, a
#    photo's credit or a closing credit line is no name and no credit (store/parse/byline.py, credits.py,
#    store/html/page.py); a publisher's corrections-policy notice and a story's print-edition note ("A version
#    of this article appears in print on ...") are furniture (store/parse/boilerplate.py: text dumps too); an
#    author's biography in a box named for it, or after a saved page's story, is not its text
#    (store/html/page.py, store/parse/story_end.py)
# 16 (text dumps), 15 (saved pages), 17 (entries): an ad label in another language ("Publicité")
#    between paragraphs is an ad marker, not the story's edge, and French, German, Spanish and
#    Italian calls to subscribe are furniture (store/parse/boilerplate.py); a photo credit naming an
#    outlet with a small word ("Photo Courrier du Val/Ann Lee") keeps the whole name, its label
#    off the caption (store/parse/captions.py); a paragraph marked ``chapo`` (the French standfirst)
#    is the standfirst (store/html/standfirst.py); a kicker over the headline no longer hides the
#    byline and date lines after it at the text's start (store/html/page.py); "Von NAME DATE Uhr 2
#    Min. Lesezeit" is a byline, not a caption credited to "Lesezeit" (store/parse/captions.py); a
#    byline's names on lines of their own after a joining word ("and", ",") are all its authors
#    (store/parse/meta.py: text dumps); a lone "Link" or "Permalink" (a subheading's anchor button)
#    is furniture, passed over between paragraphs (store/parse/boilerplate.py); "Drone image courtesy
#    of X" and "Staff photo by X" on a line of their own are credit lines (store/parse/captions.py);
#    a saved page's header lines parted by single <br>s (title's headline, deck, "By NAME<br>Staff
#    Writer<br>Published: DATE") are read line by line, its headline is the title's part it prints,
#    and a printed "Published: DATE" dates it when nothing else does (store/html/page.py)
# 17 (text dumps), 16 (saved pages), 18 (entries): a wire credit written into its caption takes no
#    word of the sentence before it ("... on Saturday. REUTERS/Jo Roe"), after a sentence the whole
#    capitalised run before its "/" ("Ministry of Defence/Handout via REUTERS"), and a sign's words
#    with a slash ("No To War/Stop The Bombing") are no credit (store/parse/captions.py); "Image source,
#    Ann Lee/Gazette" beside an "Image caption, ..." line credits that caption, and is no caption of its
#    own (store/parse/marking.py); "Photos by", "Photography by" and "Photo editing by" lines name the
#    story's photography credit, as credit lines of their own or parts of one (store/parse/credits.py),
#    but "Photos by X" under a caption with the story going on below credits that photo (marking.py)
#    a link's "opens new tab" note glued to a caption, and a label before it asking to act ("Purchase
#    Licensing Rights"), are no part of it: the caption and its credit are read without them
#    (store/parse/boilerplate.py, store/parse/captions.py)
#    a saved page's story photo without caption or credit (a bare <figure><img>, or an unlinked <img>
#    declared a photo's size) is kept, as a feed entry's is, and a lazy page's stand-in file
#    ("grey-placeholder.png") is no photo's address (store/html/page.py, store/html/figures.py)
#    a caption element right after a photo's box, not inside it, is that photo's caption and credit
#    (store/html/fragment.py, store/html/figures.py); a lazy page's photo is read from its <noscript>
#    fallback or a lazy attribute (data-original too) saved with the page before a src that stands in
#    for it, and of a srcset the largest candidate saved with the page (store/html/figures.py)
#    a photo's credits printed in elements of their own are joined with " / " ("Lars Ek / Pia Lund"),
#    not run together as one name (store/html/figures.py)
# 18 (text dumps), 17 (saved pages), 19 (entries): a Chinese, Japanese or Korean photo credit's label
#    ("摄影：", "撮影：", "사진=") is taken off, as "Photo:" is (store/parse/captions.py); a JSON Feed
#    item's banner_image is its photo only when it has no other, and a Media RSS photo's <media:title>
#    (its own or its entry's) is its caption when it has no description, its <media:copyright> its
#    credit when it has no <media:credit> (store/feeds/parse.py); "Graphics by", "Graphic by" and
#    "Graphics:" lines name the story's graphics credit, as "Editing by" lines name its editors
#    (store/parse/credits.py)
# 18 (saved pages): without headline metadata, the <h1> printed over the story is its headline,
#    not a shorter <title> ("Ferry halted - Daily") it shares a word with, unless it is the site's
#    name in the page's header or linking home, and a CJK headline is long enough to be told
#    from a site's name (store/html/page.py); teasers of other stories (blocks side by side, each
#    a headline linking to the site's page over a short summary) are no story's text, whatever
#    their class names, and a site's front page made of them (no headline printed over its
#    text) is refused as one (store/html/teasers.py)
# 19 (text dumps), 19 (saved pages), 20 (entries): a menu of three or four links of one or two capitalised
#    words between bars ("Home | News | Sport") is no headline, and no page title naming the site
#    (store/parse/boilerplate.py: text dumps); the Russian, German, Spanish and French "Author:" labels
#    ("Автор:", "Autorin:", "Auteur :") introduce a byline (store/parse/byline.py, meta.py), and "Foto:",
#    "Фото:" label a photo credit as "Photo:" does (store/parse/captions.py: all kinds); a CJK credit in
#    brackets glued to the end of the story's last paragraph ("…求めた。（撮影：佐藤花子）") is its closing
#    credit line, as on a line of its own (store/parse/cjk.py, credits.py, assemble.py: all kinds); Russian
#    month names date a story ("5 декабря 2026") (store/parse/dates.py: all kinds)
# 21 (entries): an entry with neither guid nor link is known by its feed, title and date, not by its text
#    (store/feeds/parse.py): a feed file's such entry an older version stored under its text's id is moved
#    to its own by ``reparse --stale``, or importing the file again, edited, made a second story (a fetch
#    moves a fetched one itself, store/feeds/fetch.py)
# 20 (saved pages): a listicle's or buying guide's items headed by links to the site's own pages,
#    each with prose of two sentences under its heading after the story's opening and saying more
#    than it, or two paragraphs each, are its text, not teasers of other stories (store/html/teasers.py);
#    a page naming no publisher in its metadata takes the name its <title> gives after the headline it
#    states ("Ferry halted - Harbour Gazette"), when a short name, before its address's host (store/html/page.py);
#    a headshot (an uncaptioned picture printed at most 200 pixels wide and high, or in the byline's own
#    block) is no photo of the story (store/html/furniture.py)
# 22 (entries), 20 (saved pages): a picture in a sponsored box (named so, or printing "Sponsored" first), or
#    in a box named as a mugshot or profile picture, is no photo of the story (store/html/furniture.py)
# 23 (entries): an Atom <content type="text"> or <summary type="text"> is plain text, a "<" in it a
#    character: an entry with only the text got no standfirst made of it with "tags" taken out, a
#    text summary is the standfirst, or the body, as written (store/feeds/parse.py)
# 21 (saved pages), 24 (entries): a <pre> (code, verse) is one paragraph keeping its lines and their
#    indentation, and a data table's row one paragraph of its cells between " · " (headers too), where
#    each was run into one line, each cell a paragraph of its own (store/html/fragment.py, tree.py, page.py)
# 22 (saved pages): the name a <title> gives after the headline is the source only when the page's
#    address agrees with it (its letters in the host, its first long word or its initials a part of
#    it), whichever part of the title it is: a section's label ("Photos", "Meinung") was taken for the
#    site's name; a page with no address takes none (store/html/page.py)
# 23 (saved pages): a heading all link that names one of the story's sections (a listicle's "1. The North
#    Pier loop" over its prose, per store/html/teasers.py's section_heads) is a paragraph of its text, where
#    every line all link was left out as a menu's (store/html/page.py)
# 25 (entries): entries of one download without guids that share a link (a podcast's episodes all
#    linking to the show's page) are known by their feed, title and day, else by their text, where the
#    link made them one story, the last; plain text (Atom type="text", JSON Feed content_text) keeps its
#    single line breaks within a paragraph, each line's trailing spaces off, as a <pre> keeps its lines,
#    where they were run into one line (store/feeds/parse.py, store/html/tree.py)
# 24 (saved pages): a title's or an initial's full stop before a name ("Dr. Lee", "St. Paul", "John F.
#    Kennedy") ends no sentence, so a teaser's one-sentence summary naming one is not taken for a story's
#    section of two sentences, kept as its text (store/html/teasers.py)
# 20 (text dumps), 24 (saved pages), 26 (entries): a wire credit in brackets glued to the end of the last
#    paragraph ('... plan again." (Reporting by A; Editing by B)') is the story's credit, off its text, and
#    what a dump ran on after a credit line's closing bracket ("...B)Our Standards: ...") is no editor's
#    name (store/parse/credits.py, assemble.py)
# 24 (saved pages), 26 (entries): a gallery's photos (a <figure> holding two <figure>s or more) are each a
#    photo with its own caption and credit, the gallery's caption one of its own, where they were one photo,
#    their captions and credits run together (store/html/figures.py, fragment.py, page.py)
# 24 (saved pages): a meta tag's author naming the site or the company owning it (its publisher, the holder
#    its copyright notice names) is no author beside the people JSON-LD names (store/html/meta.py)
# 24 (saved pages), 26 (entries): a closing note's title in a place's name ("... reported from St. Albans.")
#    ends none of its sentences, so the note is still a credit, not the story's last paragraph
#    (store/parse/credits.py, textstats.py)
# 27 (entries): a tag written about in a title, summary or caption ("Using the <video> element", "AT&T buys
#    <script>") is its words, where the HTML parser dropped it and all after it ("Using the"): an Atom type="text"
#    title and a JSON Feed's title and summary are plain text as written; in an HTML one only formatting tags
#    (<b>, <a>, <p>...) and embeds plainly so (<iframe src>, <script>code</script>) are markup
#    (store/feeds/markupline.py)
PARSER_VERSIONS: dict[int, int] = {TEXT_DUMP: 20, SAVED_PAGE: 24, ENTRIES: 27}
_KIND_SHIFT = 10  # a stamp is kind << 10 | version: 1,023 versions a kind (the listing keeps 15 bits)
#: Stamps recorded before version 26 of entries were ``kind << 5 | version`` (a byte of the listing beside its
#: "from a file" bit, versions up to 31): kinds 1-3 made 32-127, where no stamp of today's layout falls (its
#: kind 0 is the shared versions below 32, the same number in both). Records keep them until read again.
_OLD_SHIFT, _OLD_STAMPS = 5, range(1 << 5, 4 << 5)


def stamp(kind: int) -> int:
    """What a story that today's parser of ``kind`` read records as its parser."""
    return kind << _KIND_SHIFT | PARSER_VERSIONS[kind]


def current(recorded: object) -> int:
    """A recorded parser stamp in today's layout: one of the old layout as the kind and version it
    meant; anything that is no stamp (a hand edit, a negative number), 0."""
    if not isinstance(recorded, int) or isinstance(recorded, bool) or recorded < 0:
        return 0
    if recorded in _OLD_STAMPS:
        return (recorded >> _OLD_SHIFT) << _KIND_SHIFT | recorded & (1 << _OLD_SHIFT) - 1
    return recorded


def read_by(recorded: object) -> int:
    """The kind of parser a story's recorded parser stamp names (0: not known)."""
    return current(recorded) >> _KIND_SHIFT


def stale_stamps() -> frozenset[int]:
    """The recorded parsers whose stories today's parser of their kind would read differently,
    in both layouts (a record keeps an old stamp until the story is read again; the listing
    holds today's, see :func:`current`).

    A story stored before kinds were kept records only the version N that every kind then
    shared (0 when none was recorded), as kind 0. Each kind's versions go on from N, so such
    a story is current for every kind whose version has not passed N; its kind is not known,
    so it is offered once any kind's version has (``reparse`` then records its kind).
    """
    old = {kind << _KIND_SHIFT | version for kind, now in PARSER_VERSIONS.items() for version in range(now)}
    older = {kind << _OLD_SHIFT | version for kind, now in PARSER_VERSIONS.items() if kind < 4
             for version in range(min(now, 1 << _OLD_SHIFT))}
    shared = range(min(max(PARSER_VERSIONS.values()), 1 << _OLD_SHIFT))  # never above 31: 32-127 are old stamps
    return frozenset(old | older | set(shared))

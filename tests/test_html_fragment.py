"""The HTML fragment reader (feed entry content): paragraphs, photos, captions apart from credits."""

from __future__ import annotations

from broadsheet.store.html import Fragment, fragment
from broadsheet.store.model import Image
from tests.html_pages import GALLERY

BASE = "https://news.example/world/story.html"


def test_paragraphs_from_blocks_and_double_breaks() -> None:
    got = fragment("<p>The council <b>met</b> &amp; voted.</p>Loose line<br><br>after a break<ul><li>One</li></ul>")
    assert isinstance(got, Fragment)
    assert got.paragraphs == ["The council met & voted.", "Loose line", "after a break", "One"]


def test_scripts_styles_forms_and_hidden_text_are_left_out() -> None:
    html = ("<p>Kept</p><script>var x = 'no';</script><style>p{}</style><p hidden>gone</p>"
            "<p style='display: none'>gone</p><span class='sr-only'>gone</span><button>Share</button><p>End</p>")
    assert fragment(html).paragraphs == ["Kept", "End"]


def test_terminal_escapes_and_controls_are_removed() -> None:
    got = fragment("<p>Bad \x1b]52;c;aGk=\x07 news\x1b[31m here\u202e</p><img src='java\x1bscript:x'>")
    assert got.paragraphs == ["Bad news here"]
    assert all("\x1b" not in (i.src or "") for i in got.images)


def test_figcaption_with_credit_elements() -> None:
    html = ("<figure><picture><img src='/p/a.jpg' alt='a'></picture><figcaption class='image-caption'>"
            "<span class='caption'>The mayor opens the bridge.</span> <span class='credit'>Photo by ANA RUIZ</span>"
            " /<span class='distributor'>Wire Pictures</span></figcaption></figure>")
    (image,) = fragment(html, BASE).images
    assert image == Image("The mayor opens the bridge.", "ANA RUIZ / Wire Pictures", "https://news.example/p/a.jpg")


def test_credit_written_in_the_caption() -> None:
    html = ("<figure><img data-src='b.jpg' src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
            "<figcaption>The harbour at dawn (Picture: Getty)</figcaption></figure>"
            "<figure><img src='c.jpg'><figcaption>A ferry docks. Photograph: Sam Roe/Reuters</figcaption></figure>"
            "<figure><img src='d.jpg'><figcaption>Crowds gather (Jo Bloggs/Coast Press)</figcaption></figure>"
            "<figure><img src='e.jpg'><figcaption>A town (population 400)</figcaption></figure>")
    images = fragment(html, BASE).images
    assert [(i.caption, i.credit) for i in images] == [
        ("The harbour at dawn", "Getty"), ("A ferry docks.", "Sam Roe/Reuters"),
        ("Crowds gather", "Jo Bloggs/Coast Press"), ("A town (population 400)", None)]
    assert images[0].src == "https://news.example/world/b.jpg"  # the lazy-loading address, not the placeholder


def test_credits_in_the_forms_wire_captions_print_them() -> None:
    """A wire photo's "AGENCY/Name" and an agency alone after the caption's sentence, a labelled
    credit before it, and "Graphic:" or "Courtesy of" at its end: each stayed in the caption
    (or, labelled first, the whole caption was taken for the credit)."""
    captions = [
        "Ferries wait at the quay, May 2, 2026. WIREPIX/Lena Ostrova",
        "Volunteers fill sandbags on Saturday. Getty Images",
        "Photo by Quentin Marsh / Shoreline Agency. Fishers walk along the sea wall.",
        "Photo: J. Marsh/Shoreline. Fishers mend their nets at dawn.",
        "A map of the new tram line through the old town. Graphic: Courier Data Desk",
        "The ward reopened after the flood. Courtesy of St Elmo Hospital",
        "The winning entry. Pupils from Year 6 at Hill Road School",
    ]
    html = "".join(f"<figure><img src='{n}.jpg'><figcaption>{c}</figcaption></figure>" for n, c in enumerate(captions))
    assert [(i.caption, i.credit) for i in fragment(html, BASE).images] == [
        ("Ferries wait at the quay, May 2, 2026.", "WIREPIX/Lena Ostrova"),
        ("Volunteers fill sandbags on Saturday.", "Getty Images"),
        ("Fishers walk along the sea wall.", "Quentin Marsh / Shoreline Agency"),
        ("Fishers mend their nets at dawn.", "J. Marsh/Shoreline"),
        ("A map of the new tram line through the old town.", "Courier Data Desk"),
        ("The ward reopened after the flood.", "St Elmo Hospital"),
        ("The winning entry. Pupils from Year 6 at Hill Road School", None),
    ]


def test_a_photo_without_a_caption_is_described_by_its_alt_text() -> None:
    """A feed's photo showed "no caption" beside an ``alt`` that said what it was; a file name or
    a stand-in ("photo") says nothing, and a caption, where there is one, wins."""
    html = ("<p><img src='a.jpg' alt='The lighthouse seen from the ridge path'></p>"
            "<figure><img src='b.jpg' alt='A boy carries a dog through shallow water'></figure>"
            "<figure><img src='c.jpg' title='Tugboats nudge a container ship away'></figure>"
            "<p><img src='d.jpg' alt='IMG_2041.jpg'><img src='e.jpg' alt='photo'>"
            "<img src='f.jpg' alt='a photo of the story'></p>"
            "<figure><img src='g.jpg' alt='Waves over the pier'><figcaption>Storm at high tide</figcaption></figure>")
    assert [(i.caption, i.src.rsplit("/", 1)[-1]) for i in fragment(html, BASE).images] == [
        ("The lighthouse seen from the ridge path", "a.jpg"), ("A boy carries a dog through shallow water", "b.jpg"),
        ("Tugboats nudge a container ship away", "c.jpg"), ("", "d.jpg"), ("", "e.jpg"), ("", "f.jpg"),
        ("Storm at high tide", "g.jpg")]


def test_caption_box_that_is_not_a_figure() -> None:
    html = "<p>Text</p><div class='wp-caption'><img src='f.jpg'><p class='wp-caption-text'>A dog sleeps.</p></div>"
    got = fragment(html, BASE)
    assert got.paragraphs == ["Text"]
    assert got.images == [Image("A dog sleeps.", None, "https://news.example/world/f.jpg")]


def test_bare_image_keeps_its_address_and_data_uris_keep_none() -> None:
    got = fragment("<p>x</p><img src='g.png'><img src='data:image/png;base64,iVBORw0KGgo='>", BASE)
    assert got.images == [Image("", None, "https://news.example/world/g.png")]


def test_empty_and_malformed_fragments() -> None:
    assert fragment("") == Fragment([], [])
    assert fragment("<p>Unclosed <b>bold <i>text").paragraphs == ["Unclosed bold text"]
    assert fragment("<<<>>> </p></div> plain").paragraphs == ["<<<>>>", "plain"]  # a stray </p> is an empty p


def test_deep_nesting_is_read_without_recursion_or_slowness() -> None:
    depth = 30_000
    html = "<div>" * depth + "<p>Deep text</p>" + "</div>" * depth
    assert fragment(html).paragraphs == ["Deep text"]


def test_credit_as_its_own_piece_of_the_caption() -> None:
    html = ("<figure><img src='h.jpg'><figcaption><span>Coast Press</span><br>The leaders of three parties meet"
            " before the debate in the town hall on Friday.</figcaption></figure>"
            "<div><img src='i.jpg'><div>Fishermen mend their nets on the quay</div><div>Wire Images</div></div>"
            "<figure><img src='j.jpg'><figcaption><p><span>Two officers were honoured by the council for their"
            " bravery.</span> <span>(Harbour Town Council, Records Office)</span></p></figcaption></figure>")
    images = fragment(html, BASE).images
    assert [(i.caption, i.credit) for i in images] == [
        ("The leaders of three parties meet before the debate in the town hall on Friday.", "Coast Press"),
        ("Fishermen mend their nets on the quay", "Wire Images"),
        ("Two officers were honoured by the council for their bravery.", "Harbour Town Council, Records Office")]


def test_a_short_lead_in_of_a_caption_is_not_taken_for_a_credit() -> None:
    html = "<figure><img src='k.jpg'><figcaption>The mayor <i>opens the new bridge over the river today</i>"
    (image,) = fragment(html + "</figcaption></figure>", BASE).images
    assert (image.caption, image.credit) == ("The mayor opens the new bridge over the river today", None)


def test_the_nearest_marked_element_decides_caption_or_credit() -> None:
    html = ("<figure><img src='l.jpg'><figcaption class='lead-image__credit'><span itemprop='caption'>The old"
            " lighthouse at dusk</span> <span class='lead-image__attribution'>Jo Roe/Coast Press</span></figcaption>"
            "</figure><figure><img src='m.jpg'><figcaption class='photo-credit'>Boats wait out the storm in the"
            " harbour as the wind rises over the bay (Photo: Jo Roe)</figcaption></figure>")
    assert [(i.caption, i.credit) for i in fragment(html, BASE).images] == [
        ("The old lighthouse at dusk", "Jo Roe/Coast Press"),
        ("Boats wait out the storm in the harbour as the wind rises over the bay", "Jo Roe")]


def test_an_entrys_sponsored_box_photo_is_none_of_its_photos_but_its_small_thumbnail_is() -> None:
    # The paid box beside the story is furniture, as on a saved page; an uncaptioned small picture is
    # often an entry's own thumbnail, so it stays (a saved page takes it for a headshot).
    html = ("<p>The quay was repaired over the winter, the harbour board said.</p>"
            "<img src='/t/quay.jpg' width='150' height='150'>"
            "<div class='card'><p>Sponsored</p><figure><img src='/ads/lantern.jpg'>"
            "<figcaption>Try the new storm lantern this winter.</figcaption></figure></div>")
    assert [image.src for image in fragment(html, BASE).images] == ["https://news.example/t/quay.jpg"]


def test_a_code_block_keeps_its_lines_and_indentation_as_plain_clean_text() -> None:
    # A <pre> was one line: "for f in *.txt; do echo "$f" done". Tabs are spaces to the browser's
    # 8-column stops; the indentation every line shares is the page's, not the code's.
    html = ("<p>Rename them all:</p><pre><code>  for f in *.txt; do\n      echo \"$f\" <b>[bold]</b>\x1b[31m\n"
            "\t\x07mv \"$f\" done/\n\n\n  done\n</code></pre><p>That is all.</p>")
    assert fragment(html).paragraphs == [
        "Rename them all:",
        'for f in *.txt; do\n    echo "$f" [bold]\n      mv "$f" done/\n\ndone',
        "That is all.",
    ]


def test_a_data_tables_rows_are_each_a_line_of_its_cells_headers_too() -> None:
    # Each cell was a paragraph of its own: "Name", "Value", "alpha", "1", ...
    html = ("<table><caption>Ferry fares</caption><thead><tr><th>Route</th><th>Adult</th><th>Child</th></tr></thead>"
            "<tbody><tr><td>Lowmoor – Eastport</td><td><b>£4</b></td><td>£2</td></tr>"
            "<tr><td>Eastport – Skerry</td><td></td><td>£3</td></tr><tr><td>Night boat</td><td>£6</td><td></td></tr>"
            "</tbody></table><p>Fares rise in May.</p>")
    assert fragment(html).paragraphs == ["Ferry fares", "Route · Adult · Child", "Lowmoor – Eastport · £4 · £2",
                                         "Eastport – Skerry · · £3", "Night boat · £6", "Fares rise in May."]


def test_a_table_that_lays_out_the_text_is_read_as_its_paragraphs() -> None:
    story = "The harbour council voted on Tuesday to keep the winter ferry running to the islands. " * 5
    html = (f"<table><tr><td><a href='/'>Home</a></td><td><p>{story}</p><p>It sails at six.</p></td></tr></table>"
            "<table><tr><td>Photo</td><td><img src='/p/a.jpg'></td></tr></table>")
    assert fragment(html).paragraphs == ["Home", story.strip(), "It sails at six.", "Photo"]



def test_a_gallerys_photos_are_each_a_photo_with_its_own_caption_and_credit() -> None:
    # A <figure> holding two <figure>s: read as one photo, their captions and credits ran together.
    assert fragment(f"<p>The harbour in winter.</p>{GALLERY}", BASE).images == [
        Image("The quay at low tide.", "Jo Roe", "https://news.example/p/quay.jpg"),
        Image("The north pier after the storm.", "Bo Lund", "https://news.example/p/pier.jpg"),
        Image("Two views of the harbour this winter.", None, None),  # the gallery's own caption
    ]
    # Guard: a figure holding one figure and its caption is one photo, captioned.
    single = "<figure><figure><img src='/p/quay.jpg'></figure><figcaption>The quay at low tide.</figcaption></figure>"
    assert fragment(single, BASE).images == [Image("The quay at low tide.", None, "https://news.example/p/quay.jpg")]

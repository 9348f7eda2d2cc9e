"""The index's ASCII folding (tantivy's ``ascii_fold``, Lucene's ASCIIFoldingFilter) as a table.

The index lowercases each character, then folds it; this table holds every lowercase (or
uncased) letter and digit tantivy folds to something else, grouped by what it folds to.
Generated from tantivy 0.26 with ``tests/test_search_fallback.py::folding_table``, which
also checks it against the installed tantivy for every letter and digit.
"""

from __future__ import annotations

import unicodedata

_GROUPS: dict[str, str] = {
    "(1)": "⑴",
    "(10)": "⑽",
    "(11)": "⑾",
    "(12)": "⑿",
    "(13)": "⒀",
    "(14)": "⒁",
    "(15)": "⒂",
    "(16)": "⒃",
    "(17)": "⒄",
    "(18)": "⒅",
    "(19)": "⒆",
    "(2)": "⑵",
    "(20)": "⒇",
    "(3)": "⑶",
    "(4)": "⑷",
    "(5)": "⑸",
    "(6)": "⑹",
    "(7)": "⑺",
    "(8)": "⑻",
    "(9)": "⑼",
    "0": "⁰₀⓪⓿０",
    "1": "¹₁①⓵❶➀➊１",
    "1.": "⒈",
    "10": "⑩⓾❿➉➓",
    "10.": "⒑",
    "11": "⑪⓫",
    "11.": "⒒",
    "12": "⑫⓬",
    "12.": "⒓",
    "13": "⑬⓭",
    "13.": "⒔",
    "14": "⑭⓮",
    "14.": "⒕",
    "15": "⑮⓯",
    "15.": "⒖",
    "16": "⑯⓰",
    "16.": "⒗",
    "17": "⑰⓱",
    "17.": "⒘",
    "18": "⑱⓲",
    "18.": "⒙",
    "19": "⑲⓳",
    "19.": "⒚",
    "2": "²₂②⓶❷➁➋２",
    "2.": "⒉",
    "20": "⑳⓴",
    "20.": "⒛",
    "3": "³₃③⓷❸➂➌３",
    "3.": "⒊",
    "4": "⁴₄④⓸❹➃➍４",
    "4.": "⒋",
    "5": "⁵₅⑤⓹❺➄➎５",
    "5.": "⒌",
    "6": "⁶₆⑥⓺❻➅➏６",
    "6.": "⒍",
    "7": "⁷₇⑦⓻❼➆➐７",
    "7.": "⒎",
    "8": "⁸₈⑧⓼❽➇➑８",
    "8.": "⒏",
    "9": "⁹₉⑨⓽❾➈➒９",
    "9.": "⒐",
    "A": "ᴀ",
    "AE": "ᴁ",
    "B": "ʙᴃ",
    "C": "ʗᴄ",
    "D": "ᴅᴆ",
    "E": "ᴇⱻ",
    "F": "ꜰꟻ",
    "G": "ǥǧɢʛ",
    "H": "ʜ",
    "I": "ɪᵻꟾ",
    "J": "ᴊ",
    "K": "ᴋ",
    "L": "ʟᴌ",
    "M": "ᴍꟽꟿ",
    "N": "ɴᴎ",
    "O": "ᴏᴐ",
    "OE": "ɶ",
    "OU": "ᴕ",
    "P": "ᴘ",
    "R": "ʀʁᴙᴚ",
    "S": "ꜱꞅ",
    "T": "ᴛ",
    "U": "ᴜᵾ",
    "V": "ᴠ",
    "W": "ᴡ",
    "Y": "ʏ",
    "Z": "ᴢ",
    "a": "àáâãäåāăąǎǟǡǻȁȃȧɐəɚᶏᶕḁẚạảấầẩẫậắằẳẵặₐₔⱥａ",
    "aa": "ꜳ",
    "ae": "æǣǽᴂ",
    "ao": "ꜵ",
    "au": "ꜷ",
    "av": "ꜹꜻ",
    "ay": "ꜽ",
    "b": "ƀƃɓᵬᶀḃḅḇｂ",
    "c": "çćĉċčƈȼɕḉↄꜿｃ",
    "d": "ðďđƌȡɖɗᵭᶁᶑḋḍḏḑḓꝺｄ",
    "db": "ȸ",
    "dz": "ǆǳʣʥ",
    "e": "èéêëēĕėęěǝȅȇȩɇɘɛɜɝɞʚᴈᶒᶓᶔḕḗḙḛḝẹẻẽếềểễệₑⱸｅ",
    "f": "ƒᵮᶂḟẛꝼｆ",
    "ff": "ﬀ",
    "ffi": "ﬃ",
    "ffl": "ﬄ",
    "fi": "ﬁ",
    "fl": "ﬂ",
    "g": "ĝğġģǵɠɡᵷᵹᶃḡꝿｇ",
    "h": "ĥħȟɥɦʮʯḣḥḧḩḫẖⱨⱶｈ",
    "hv": "ƕ",
    "i": "ìíîïĩīĭįıǐȉȋɨᴉᵢᵼᶖḭḯỉịⁱｉ",
    "ij": "ĳ",
    "j": "ĵǰȷɉɟʄʝⱼｊ",
    "k": "ķƙǩʞᶄḱḳḵⱪꝁꝃꝅｋ",
    "l": "ĺļľŀłƚȴɫɬɭᶅḷḹḻḽⱡꝇꝉꞁｌ",
    "lj": "ǉ",
    "ll": "ỻ",
    "ls": "ʪ",
    "lz": "ʫ",
    "m": "ɯɰɱᵯᶆḿṁṃｍ",
    "n": "ñńņňŉŋƞǹȵɲɳᵰᶇṅṇṉṋⁿｎ",
    "nj": "ǌ",
    "o": "òóôõöøōŏőơǒǫǭǿȍȏȫȭȯȱɔɵᴖᴗᶗṍṏṑṓọỏốồổỗộớờởỡợₒⱺꝋꝍｏ",
    "oe": "œᴔ",
    "oo": "ꝏ",
    "ou": "ȣ",
    "p": "ƥᵱᵽᶈṕṗꝑꝓꝕꟼｐ",
    "q": "ĸɋʠꝗꝙｑ",
    "qp": "ȹ",
    "r": "ŕŗřȑȓɍɼɽɾɿᵣᵲᵳᶉṙṛṝṟꝛꞃｒ",
    "s": "śŝşšſșȿʂᵴᶊṡṣṥṧṩẜẝｓ",
    "ss": "ß",
    "st": "ﬆ",
    "t": "ţťŧƫƭțȶʇʈᵵṫṭṯṱẗⱦｔ",
    "tc": "ʨ",
    "th": "þᵺꝧ",
    "ts": "ʦ",
    "tz": "ꜩ",
    "u": "ùúûüũūŭůűųưǔǖǘǚǜȕȗʉᵤᶙṳṵṷṹṻụủứừửữựｕ",
    "ue": "ᵫ",
    "v": "ʋʌᵥᶌṽṿⱱⱴꝟｖ",
    "vy": "ꝡ",
    "w": "ŵƿʍẁẃẅẇẉẘⱳｗ",
    "x": "ᶍẋẍₓｘ",
    "y": "ýÿŷƴȳɏʎẏẙỳỵỷỹỿｙ",
    "z": "źżžƶȝȥɀʐʑᵶᶎẑẓẕⱬꝣｚ",
}

#: For ``str.translate`` on lowercased text: each character tantivy folds, to what it folds to.
FOLD_TABLE = str.maketrans({c: folded for folded, chars in _GROUPS.items() for c in chars})


#: Greek letters: the Greek and Coptic block and Greek Extended (polytonic), as a regex class.
GREEK = "\u0370-\u03ff\u1f00-\u1fff"


def _greek_table() -> dict[int, str]:
    """Each Greek letter with a tonos, dialytika or other mark (either case), to the letter
    without them, and final sigma to σ: tantivy's folding is ASCII's, which leaves Greek as it
    is, so "ιθακη" did not find "Ιθάκη", nor "σεισμος" "ΣΕΙΣΜΟΣ" (lowercased "σεισμοσ"). One
    character for one, so spans found in the text given to the index are spans of the text."""
    table = {ord("ς"): "σ"}
    for code in (*range(0x370, 0x400), *range(0x1F00, 0x2000)):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if char.isalpha() and base != char and base.isalpha():
            table[code] = base
    return table


#: For ``str.translate`` on text holding Greek, before the index's analyser and the fallback's.
GREEK_TABLE = _greek_table()

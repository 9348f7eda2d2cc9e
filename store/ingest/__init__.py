"""Input: find files, decode and sanitise them, recognise their format, import what they hold."""

#: The version of what turns inputs into articles, recorded on each story the importer stores.
#: Bump it when a format or the text-dump parser (``store/parse``) reads the same input into
#: a different article: the reader then offers ``broadsheet reparse --stale`` for older stories.
# 3: the parser of issue 14 (bylines, captions, story ends) and the html headline rule;
# 4: bare photo captions known by their place among the story's lines (store/parse/figures.py)
# 5: a saved page's furniture pictures (newsletter art, video posters, avatars, icons, teasers)
#    are not the story's photos (store/html/furniture.py)
#    and CJK closing credit lines by role, reporters in a first paragraph's brackets (store/parse/cjk.py)
PARSER_VERSION = 5

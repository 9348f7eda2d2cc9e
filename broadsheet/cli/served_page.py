"""The page ``broadsheet serve`` hands a browser, made to need no network.

textual-serve's own page loads its font from fonts.googleapis.com, though the same Roboto
Mono ships in its static folder. :func:`offline_templates` writes its template with every
stylesheet or script from another host left out and the bundled font declared instead, for
``Server(templates_path=...)``; it follows the installed textual-serve, whatever its version.
"""

from __future__ import annotations

import re
from pathlib import Path

PAGE = "app_index.html"
#: A ``<link>`` or ``<script>`` tag that fetches from another host (http:, https: or //host).
_REMOTE_TAG = re.compile(
    r"""<(link|script)\b[^>]*?\b(?:href|src)\s*=\s*["'](?:https?:)?//[^"']*["'][^>]*>(?:\s*</script>)?""",
    re.IGNORECASE)
#: The fonts textual-serve ships in ``static/fonts``, declared under the family its terminal asks for.
_LOCAL_FONT = """<style>
      @font-face {
        font-family: "Roboto Mono";
        font-style: normal;
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
      }
      @font-face {
        font-family: "Roboto Mono";
        font-style: italic;
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype");
      }
    </style>
"""


def offline_page(template: str) -> str:
    """``template`` without tags that fetch from other hosts, the bundled font declared in their place."""
    page = _REMOTE_TAG.sub("", template)
    return page.replace("</head>", _LOCAL_FONT + "  </head>", 1)


def offline_templates(folder: Path) -> Path:
    """Write the installed textual-serve's page, made offline, into ``folder``; returns ``folder``."""
    import textual_serve

    from broadsheet.store.storage.atomic import atomic_write_bytes

    original = Path(textual_serve.__file__).parent / "templates" / PAGE
    atomic_write_bytes(folder / PAGE, offline_page(original.read_text("utf-8")).encode("utf-8"))
    return folder

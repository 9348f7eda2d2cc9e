"""``broadsheet serve`` answers a browser on localhost with the textual-serve page, and that
page (and everything it loads) comes from the local server: it works with no network."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

#: Where a page names something to fetch: src/href attributes, CSS url(...) and @import (not
#: JavaScript's URL(...)).
_FETCHED = re.compile(r"""(?:\b(?:src|href|data-[\w-]*url)\s*=\s*["']([^"']*)["'])"""
                      r"""|(?:url\(\s*["']?([^"')]*)["']?\s*\))|(?:@import\s+["']([^"']+)["'])""")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200, url
        return response.read()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(the served page's address, its HTML) of a `broadsheet serve` on 127.0.0.1."""
    port = free_port()
    env = {**os.environ, "BROADSHEET_STORE": str(tmp_path / "store")}
    server = subprocess.Popen([sys.executable, "-m", "broadsheet", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline, page = time.monotonic() + 20, ""
        while time.monotonic() < deadline and not page:
            try:
                page = fetch(base).decode()
            except OSError:
                time.sleep(0.2)
        yield base, page
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_answers_on_localhost(served: tuple[str, str]) -> None:
    _base, page = served
    assert "textual.js" in page and "Broadsheet" in page


def addresses(text: str) -> list[str]:
    return [next(g for g in match.groups() if g is not None) for match in _FETCHED.finditer(text)]


def test_the_served_page_and_its_assets_need_no_other_host(served: tuple[str, str]) -> None:
    base, page = served
    assert page
    found = [a for a in addresses(page) if a and not a.startswith(("#", "data:"))]
    for address in found:
        host = urlsplit(urljoin(base, address)).hostname
        assert host == "127.0.0.1", f"the served page fetches {address} from another host"
    assert any(a.endswith("textual.js") for a in found) and any("fonts/" in a for a in found)
    named = page.replace('xmlns="http://www.w3.org/2000/svg"', "")  # a namespace, never fetched
    hosts = set(re.findall(r"\b(?:https?|wss?)://([^/:\"'\s]+)", named))
    assert hosts == {"127.0.0.1"}
    stylesheets = [a for a in found if a.endswith(".css")]
    for address in found:
        url = urljoin(base, address)
        if urlsplit(url).scheme != "http" or urlsplit(url).path == "/ws":  # the websocket
            continue
        body = fetch(url)  # every asset is there
        assert body
        if address in stylesheets:
            for inner in addresses(body.decode("utf-8", "replace")):
                assert urlsplit(urljoin(url, inner)).hostname in (None, "127.0.0.1"), inner

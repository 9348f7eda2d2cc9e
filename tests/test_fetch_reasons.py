"""Why a feed failed, as ``fetch`` says it: in plain words, never httpx's exception names, a
bytes repr or an escape character's repr, and a redirect's target told from the feed's address."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from broadsheet.cli.main import main
from broadsheet.store.feeds.fetch import Settings, fetch
from broadsheet.store.feeds.subscriptions import Subscriptions
from broadsheet.store.storage.db import Store
from tests.feeds import rss_feed

ONCE = Settings(timeout=2, total=5, retries=0)


@pytest.fixture
def raw_server() -> Iterator[Callable[[bytes], str]]:
    """A server on 127.0.0.1 answering each connection with the given bytes (a test server's
    library refuses to send a broken status line or a Location holding an escape); its address."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    answer = [b""]
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                conn.recv(65536)
                conn.sendall(answer[0])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    def address(raw: bytes) -> str:
        answer[0] = raw
        return f"http://127.0.0.1:{listener.getsockname()[1]}/feed"

    yield address
    done.set()
    thread.join(10)  # (a thread left running makes a later import spawn its workers)
    listener.close()


def failed_with(store: Store, url: str) -> str:
    Subscriptions(store).add([url])
    [result] = fetch(store, settings=ONCE).failed
    return result.reason


@pytest.mark.parametrize(("location", "said"), [
    ("file:///etc/passwd", "the server redirected to an address that is not http:// or https:// (file:)"),
    ("ftp://files.example/feed", "the server redirected to an address that is not http:// or https:// (ftp:)"),
    ("javascript:alert(1)", "the server redirected to an address that is not a valid http:// or https:// address"),
])
def test_a_redirect_to_an_address_that_is_not_the_web_says_the_redirect_was_the_problem(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str], location: str, said: str) -> None:
    """It said "not an http:// or https:// address" of the feed's own http address, or "InvalidURL:
    For absolute URLs, path must be empty or begin with '/'"."""
    server.expect_request("/feed").respond_with_data("", status=302, headers={"Location": location})
    Subscriptions(store).add([server.url_for("/feed")])
    assert main(["--store", str(store.folder), "fetch"]) == 1
    assert f"failed     {server.url_for('/feed')}: {said}\n" in capsys.readouterr().err


@pytest.mark.parametrize(("raw", "said"), [
    (b"\x00\x01\x02 not http at all\r\n\r\n", "the server's answer is not HTTP"),
    (b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\x1b[31mx\r\nContent-Length: 0\r\n\r\n",
     "the server redirected to an address that is not valid"),
    (b"HTTP/1.1 302 Found\r\nLocation: http://evil\x1b[2J.example/x\r\nContent-Length: 0\r\n\r\n",
     "the server redirected to an address that is not valid"),
])
def test_an_answer_that_is_not_http_is_said_without_its_bytes(
        store: Store, raw_server: Callable[[bytes], str], raw: bytes, said: str) -> None:
    """It said "the server's answer is not valid HTTP (illegal status line: bytearray(b'\\x00...'))"
    and "(Invalid URL in location header: Invalid non-printable ASCII character in URL, '\\x1b' ...)"."""
    assert failed_with(store, raw_server(raw)) == said


def test_a_304_to_a_first_request_is_a_failure_not_unchanged(
        store: Store, server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """A 304 to a request that named no copy it had (no ETag, no date) was "unchanged": the feed
    never stored a story and was listed as ok."""
    server.expect_request("/feed").respond_with_data("", status=304)
    Subscriptions(store).add([server.url_for("/feed")])
    assert main(["--store", str(store.folder), "fetch"]) == 1
    said = capsys.readouterr().err
    assert f"failed     {server.url_for('/feed')}: answered 304 Not Modified to a first request\n" in said
    [sub] = Subscriptions(store).all()
    assert sub.errors == 1 and "304" in sub.health


def test_a_304_to_a_request_with_the_feeds_etag_is_still_unchanged(store: Store, server: HTTPServer) -> None:
    def handle(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(rss_feed(2), headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    server.expect_request("/feed").respond_with_handler(handle)
    Subscriptions(store).add([server.url_for("/feed")])
    assert [r.outcome for r in fetch(store, settings=ONCE).results] == ["new"]
    assert [r.outcome for r in fetch(store, settings=ONCE).results] == ["unchanged"]

"""``broadsheet serve`` answers a browser on localhost with the textual-serve page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_on_localhost(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "BROADSHEET_STORE": str(tmp_path / "store")}
    server = subprocess.Popen([sys.executable, "-m", "broadsheet", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, page = time.monotonic() + 20, ""
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
            except OSError:
                time.sleep(0.2)
        assert "textual.js" in page and "Broadsheet" in page
    finally:
        server.terminate()
        server.wait(timeout=10)

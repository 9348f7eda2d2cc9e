"""One check that a store still works for everything a user does with it (issue 18).

``list``, ``search``, ``export`` (JSON and Markdown) and ``repair`` run through the real
CLI entry point, and every story is opened the way the reader opens it (its article read
from the store and drawn as the article view's blocks and credits panel).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from broadsheet.cli.main import main
from broadsheet.store.storage.db import Store
from broadsheet.tui.widgets.article_view import article_blocks
from broadsheet.tui.widgets.credits_panel import credits_table


def assert_store_usable(folder: Path, capsys: pytest.CaptureFixture[str], word: str = "harbour") -> list[str]:
    """Run every command on the store at ``folder``; return the listed story ids."""
    base = ["--store", str(folder)]
    capsys.readouterr()
    assert main([*base, "list", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    ids = [row["id"] for row in listed]
    assert all(isinstance(row["headline"], str) for row in listed)
    assert main([*base, "list"]) == 0
    assert main([*base, "search", "--json", word]) == 0
    assert main([*base, "search", word]) == 0
    capsys.readouterr()
    assert main([*base, "export", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["stories"]) == len(ids)
    assert main([*base, "export", "--format", "md"]) == 0
    store = Store(folder)
    console = Console(file=io.StringIO(), width=80)
    for meta in store.stories():
        article = store.article_of(meta)
        for _kind, block in article_blocks(article):
            console.print(block)
        console.print(credits_table(article))
    assert main([*base, "repair"]) in (0, 1)
    assert main([*base, "list", "--json"]) == 0
    capsys.readouterr()
    return ids

"""Broadsheet's data layer: model, parsing, import and the TinyDB store.

Nothing here imports Textual or Rich; the TUI and the CLI sit on top of it.
"""

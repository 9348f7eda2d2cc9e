"""Broadsheet: a keyboard-driven terminal reader for saved news stories."""

__version__ = "0.1.0"

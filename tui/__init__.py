"""Broadsheet's Textual reader. Holds no parsing or storage logic: it asks ``store/``."""

"""Screens of the reader: the main four-region screen and the help screen."""

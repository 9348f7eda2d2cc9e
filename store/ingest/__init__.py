"""Input: find files, decode and sanitise them, recognise their format, import what they hold."""

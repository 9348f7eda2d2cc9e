"""Broadsheet's benchmark suite (``make bench``, ``make bench-smoke``); see docs/benchmarks.md."""

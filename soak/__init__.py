"""Fault-injection harness for the store: kill writers mid-write, run writers side by side.

``soak.crash`` holds the workloads and checks (used by ``tests/test_faults_*.py`` with
small counts); ``python -m soak`` (``make soak``) runs them at length and prints counts.
"""

"""Benchmarks of `claims` on this machine: `python bench/run.py` (see BENCHMARKS.md)."""

"""Benchmarks and the corpus generator they run on (see docs/benchmarks.md)."""

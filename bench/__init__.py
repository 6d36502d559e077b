"""Benchmarks run by `make bench`; each reports a ratio against a reference of the same run."""

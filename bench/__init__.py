"""Benchmarks: each writes a table under bench/results/ (run as ``python -m bench.NAME``)."""

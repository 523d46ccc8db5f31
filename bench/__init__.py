"""Benchmarks: a generator of labatlas-shaped graphs and the scale and speed benchmark.

Not part of the installed package; run from a checkout (``python -m labatlas.bench.run``).
"""

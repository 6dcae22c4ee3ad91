"""Benchmarks: `python -m bench` (see bench/__main__.py)."""

from neural_playground import app  # noqa: F401 - single-threaded BLAS before NumPy loads, as the server runs

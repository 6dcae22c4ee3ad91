"""Benchmarks: `python -m bench` (see bench/__main__.py)."""

import app  # noqa: F401 - single-threaded BLAS before NumPy loads, as the server runs

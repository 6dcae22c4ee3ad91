"""Histograms of a layer's values, so pages receive a few bin counts instead of raw arrays.

Two runs shown side by side must share their bins to be comparable: ``shared_edges`` spans
every array it is given, ``counts`` bins one array on those edges.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def shared_edges(
    arrays: Iterable[np.ndarray],
    bins: int,
    lower: float | None = None,
    upper: float | None = None,
) -> np.ndarray:
    """``bins + 1`` equally spaced edges covering the finite values of all ``arrays``.

    ``lower``/``upper`` fix an end (an activation's range, e.g. 0 and 1 for sigmoid);
    otherwise it follows the data. A span of zero (all values equal) is widened to 1.
    """
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    finite = [a[np.isfinite(a)] for a in (np.asarray(a, dtype=np.float64) for a in arrays)]
    finite = [a for a in finite if a.size]
    lo = lower if lower is not None else min((float(a.min()) for a in finite), default=0.0)
    hi = upper if upper is not None else max((float(a.max()) for a in finite), default=0.0)
    if hi <= lo:
        middle = (lo + hi) / 2.0
        lo, hi = (lo, lo + 1.0) if lower is not None else (middle - 0.5, middle + 0.5)
    return np.linspace(lo, hi, bins + 1)


def counts(values: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, int]:
    """How many finite values fall in each bin, and how many values were not finite.

    Values beyond the edges are counted in the first or last bin, so nothing vanishes
    from view when a distribution drifts outside a fixed range.
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    finite = values[np.isfinite(values)]
    clipped = np.clip(finite, edges[0], edges[-1])
    binned, _ = np.histogram(clipped, bins=edges)
    return binned.astype(np.int64), int(values.size - finite.size)

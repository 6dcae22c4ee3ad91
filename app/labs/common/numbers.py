"""Numbers for frames: rounded to what the page shows.

Frames carry thousands of pixels, probabilities and coordinates at up to 30 frames a
second; three decimals are all a page can show, and cut the JSON to a third. The 17
digits of a float64 would triple a frame.
"""

import math

import numpy as np


def rounded(values: np.ndarray, digits: int = 3, keep_nonfinite: bool = False) -> list:
    """Nested lists of `values` rounded to `digits`.

    Non-finite entries become 0 (a pixel or a point the page can still draw), unless
    `keep_nonfinite`: then they stay and reach the page as null, a value that blew up and
    that the page shows as missing.
    """
    array = np.asarray(values, dtype=np.float64)
    if not keep_nonfinite:
        array = np.nan_to_num(array, nan=0.0, posinf=0.0, neginf=0.0)
    return np.round(array, digits).tolist()


def finite_or_none(value: float, digits: int = 4) -> float | None:
    """A reading for the page: rounded, or None when there is none yet (NaN) or it blew up."""
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None

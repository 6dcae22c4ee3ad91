"""Numbers for frames: rounded to what the page shows, never NaN or infinite.

Frames carry thousands of pixels, probabilities and coordinates at up to 30 frames a
second; three decimals are all a page can show, and cut the JSON to a third.
"""

import math

import numpy as np


def rounded(values: np.ndarray, digits: int = 3) -> list:
    """Nested lists of `values` rounded to `digits`; non-finite entries become 0."""
    array = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    return np.round(array, digits).tolist()


def finite_or_none(value: float, digits: int = 4) -> float | None:
    """A reading for the page: rounded, or None when there is none yet (NaN) or it blew up."""
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None

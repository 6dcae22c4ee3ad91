"""Input features of 2-D points, and the grid a decision surface is evaluated on.

A network in the playground never sees (x1, x2) directly: it sees the features the learner
switched on (TensorFlow Playground's seven). With x1^2 and x2^2 a circle becomes a linear
problem; with x1*x2, XOR does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1_sq": lambda x1, x2: x1 * x1,
    "x2_sq": lambda x1, x2: x2 * x2,
    "x1_x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)


def feature_matrix(points: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """points: (N, 2) -> (N, F), one column per name, in the order given."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (N, 2), got {points.shape}")
    unknown = [n for n in names if n not in FEATURES]
    if unknown or not names:
        raise ValueError(
            f"features must be a non-empty list of {', '.join(FEATURE_NAMES)}; got {list(names)}"
        )
    x1, x2 = points[:, 0], points[:, 1]
    return np.stack([FEATURES[name](x1, x2) for name in names], axis=1)


def grid(extent: float, size: int) -> np.ndarray:
    """Centres of a size x size grid of cells over [-extent, extent]^2, as (size*size, 2).

    Row-major like an image: row 0 is the top (x2 = +extent side), column 0 the left
    (x1 = -extent side), so ``values.reshape(size, size)`` is the picture as drawn.
    """
    if size < 1 or extent <= 0:
        raise ValueError(f"need size >= 1 and extent > 0, got {size} and {extent}")
    half_cell = extent / size
    centres = np.linspace(-extent + half_cell, extent - half_cell, size)
    x1, x2 = np.meshgrid(centres, centres[::-1])
    return np.stack([x1.ravel(), x2.ravel()], axis=1)

"""The batch-normalization page's data: two binary shapes in the unit disc, from a seed.

Kept apart from ``engine.data.datasets`` (the playground's TensorFlow-Playground shapes on the
square [-6, 6]^2, whose noise moves labels) because the B.5 page's presets and tour quote
numbers computed on exactly these points.

Each generator takes the number of points, the noise (standard deviation of Gaussian
jitter added to both coordinates) and a ``np.random.Generator``, and returns
``x: (n, 2)`` float64 in about [-1, 1]^2 and ``y: (n,)`` labels 0/1, shuffled, with the
two classes as equal as ``n`` allows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Dataset = tuple[np.ndarray, np.ndarray]


def _shuffled(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> Dataset:
    order = rng.permutation(len(y))
    return x[order], y[order]


def circle(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Class 1 inside a disc of radius 0.5, class 0 on a ring from 0.7 to 1 around it."""
    inner = n // 2
    radius = np.concatenate([rng.uniform(0.0, 0.5, inner), rng.uniform(0.7, 1.0, n - inner)])
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x += rng.normal(0.0, noise, x.shape)
    y = np.concatenate([np.ones(inner), np.zeros(n - inner)])
    return _shuffled(x, y, rng)


def spiral(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Two interleaved spirals of one and a quarter turns, the second the first rotated by pi."""
    first = n // 2
    # sqrt spreads points evenly along the arm instead of crowding the centre.
    turn = np.sqrt(rng.uniform(0.0, 1.0, n)) * 2.5 * np.pi
    arm = np.stack([turn * np.cos(turn), turn * np.sin(turn)], axis=1) / (2.5 * np.pi)
    arm[first:] *= -1.0
    x = arm + rng.normal(0.0, noise, arm.shape)
    y = np.concatenate([np.ones(first), np.zeros(n - first)])
    return _shuffled(x, y, rng)


DATASETS: dict[str, Callable[[int, float, np.random.Generator], Dataset]] = {
    "circle": circle,
    "spiral": spiral,
}
DATASET_NAMES: tuple[str, ...] = tuple(DATASETS)


def make_dataset(name: str, n: int, noise: float = 0.05, seed: int = 0) -> Dataset:
    """``n`` points of the named data set; the same arguments always give the same points."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASET_NAMES)}")
    if n < 2:
        raise ValueError(f"a data set needs at least 2 points, got {n}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    return DATASETS[name](int(n), float(noise), np.random.default_rng(seed))

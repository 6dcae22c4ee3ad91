"""2-D "real" distributions for the plane GAN, and the noise its generator starts from.

Every sampler takes ``(n, rng)`` and returns float64 points (n, 2) inside the unit disc
(give or take the noise), so one fixed plane of about [-1.25, 1.25]^2 shows them all.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Sampler = Callable[[int, np.random.Generator], np.ndarray]

MIXTURE_MODES = 6  # Gaussians of the mixture, evenly spaced on a circle
DRAWN_JITTER = 0.02  # spread around each hand-drawn point


def ring(n: int, rng: np.random.Generator) -> np.ndarray:
    """A circle of radius 0.7, slightly blurred radially."""
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    radius = 0.7 + 0.03 * rng.standard_normal(n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def line(n: int, rng: np.random.Generator) -> np.ndarray:
    """A slanted segment from (-0.7, -0.4) to (0.7, 0.4), with a little spread."""
    t = rng.uniform(-1.0, 1.0, n)
    points = np.column_stack([0.7 * t, 0.4 * t])
    return points + 0.02 * rng.standard_normal((n, 2))


def mixture(n: int, rng: np.random.Generator) -> np.ndarray:
    """MIXTURE_MODES small Gaussians on a circle of radius 0.65: the classic collapse test."""
    mode = rng.integers(0, MIXTURE_MODES, n)
    angle = 2.0 * np.pi * mode / MIXTURE_MODES
    centres = 0.65 * np.column_stack([np.cos(angle), np.sin(angle)])
    return centres + 0.05 * rng.standard_normal((n, 2))


def moons(n: int, rng: np.random.Generator) -> np.ndarray:
    """Two interleaving half circles (as scikit-learn's make_moons), scaled into the disc."""
    upper = rng.random(n) < 0.5
    angle = rng.uniform(0.0, np.pi, n)
    x = np.where(upper, np.cos(angle), 1.0 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    points = np.column_stack([x - 0.5, y - 0.25]) * 0.6
    return points + 0.03 * rng.standard_normal((n, 2))


REAL_DISTRIBUTIONS: dict[str, Sampler] = {
    "ring": ring,
    "line": line,
    "mixture": mixture,
    "moons": moons,
}


def drawn(points: np.ndarray) -> Sampler:
    """A sampler that picks among hand-drawn points (k, 2) and jitters them slightly."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"drawn points must have shape (k, 2) with k >= 1, got {points.shape}")

    def sample(n: int, rng: np.random.Generator) -> np.ndarray:
        chosen = points[rng.integers(0, len(points), n)]
        return chosen + DRAWN_JITTER * rng.standard_normal((n, 2))

    return sample


NOISE_KINDS: tuple[str, ...] = ("uniform", "gaussian")


def noise(kind: str, n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """The generator's input z (n, dim): uniform on [-1, 1] or standard normal."""
    if kind == "uniform":
        return rng.uniform(-1.0, 1.0, (n, dim))
    if kind == "gaussian":
        return rng.standard_normal((n, dim))
    raise ValueError(f"unknown noise {kind!r}; choose one of {', '.join(NOISE_KINDS)}")


def noise_grid(kind: str, dim: int, count: int) -> np.ndarray:
    """Evenly spaced noise covering the usual range: a line (count, 1) for 1-D noise, a
    count x count grid (count*count, 2) in row-major order for 2-D noise.

    Uniform noise spans [-1, 1]; Gaussian noise spans +-2 standard deviations.
    """
    half = 1.0 if kind == "uniform" else 2.0
    ticks = np.linspace(-half, half, count)
    if dim == 1:
        return ticks[:, None]
    if dim == 2:
        gx, gy = np.meshgrid(ticks, ticks)
        return np.column_stack([gx.ravel(), gy.ravel()])
    raise ValueError(f"a noise grid needs 1-D or 2-D noise, got {dim}-D")

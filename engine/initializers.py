"""Weight initializers. Each takes a shape and a ``np.random.Generator`` and returns float64.

Fan-in / fan-out conventions (used by xavier and he):
  * 2-D (D, M) dense weights, as in ``x @ w``: fan_in = D, fan_out = M.
  * 1-D (M,): fan_in = fan_out = M.
  * >2-D conv weights in cs231n layout (F, C, HH, WW): fan_in = C*HH*WW, fan_out = F*HH*WW.
Pass ``fan_in=`` / ``fan_out=`` explicitly to override for other layouts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Shape = int | tuple[int, ...]


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


def _as_shape(shape: Shape) -> tuple[int, ...]:
    return (shape,) if isinstance(shape, int) else tuple(int(s) for s in shape)


def zeros(shape: Shape, rng: np.random.Generator | None = None) -> np.ndarray:
    """All zeros (rng unused; accepted so every initializer has the same signature)."""
    return np.zeros(_as_shape(shape), dtype=np.float64)


def uniform(
    shape: Shape, rng: np.random.Generator, low: float = -0.5, high: float = 0.5
) -> np.ndarray:
    """U(low, high), a simple fixed-range initializer for small demos."""
    return rng.uniform(low, high, size=_as_shape(shape)).astype(np.float64)


def xavier(
    shape: Shape,
    rng: np.random.Generator,
    fan_in: int | None = None,
    fan_out: int | None = None,
) -> np.ndarray:
    """Glorot uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).

    Keeps the variance of activations and of gradients roughly constant across layers
    for tanh/sigmoid-like activations (Glorot & Bengio, 2010).
    """
    shape = _as_shape(shape)
    d_in, d_out = _fans(shape)
    fan_in = d_in if fan_in is None else fan_in
    fan_out = d_out if fan_out is None else fan_out
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float64)


def he(shape: Shape, rng: np.random.Generator, fan_in: int | None = None) -> np.ndarray:
    """He normal: N(0, std^2), std = sqrt(2 / fan_in).

    ReLU zeroes half its inputs, halving the variance; the factor 2 compensates
    (He et al., 2015).
    """
    shape = _as_shape(shape)
    fan_in = _fans(shape)[0] if fan_in is None else fan_in
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape).astype(np.float64)


def orthogonal(shape: Shape, rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    """A (semi-)orthogonal matrix times ``gain`` (Saxe et al., 2014).

    Square: every singular value and every |eigenvalue| equals ``gain``, so a recurrent
    weight matrix neither shrinks nor stretches the hidden state it is applied to; ``gain``
    above or below 1 makes gradients through time explode or vanish. Non-square: orthonormal
    columns (tall) or rows (wide). Only 2-D shapes.
    """
    shape = _as_shape(shape)
    if len(shape) != 2:
        raise ValueError(f"orthogonal needs a 2-D shape, got {shape}")
    rows, cols = shape
    q, r = np.linalg.qr(rng.standard_normal((max(rows, cols), min(rows, cols))))
    q = q * np.sign(np.diag(r))  # makes the draw uniform over orthogonal matrices
    return (gain * (q if rows >= cols else q.T)).astype(np.float64)


INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "zeros": zeros,
    "uniform": uniform,
    "xavier": xavier,
    "he": he,
    "orthogonal": orthogonal,
}


def get_initializer(name: str) -> Callable[..., np.ndarray]:
    """Look up an initializer by name; raise ValueError listing the valid names otherwise."""
    try:
        return INITIALIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown initializer {name!r}; choose one of {', '.join(INITIALIZERS)}"
        ) from None

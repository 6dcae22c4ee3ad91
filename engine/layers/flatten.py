"""Flatten: a stack of feature maps becomes one vector per sample (B.6, figure B-20).

No weights and no arithmetic: the numbers are read row by row (C order, as Keras' and
PyTorch's Flatten do) so a dense layer can take them as its inputs.
"""

from __future__ import annotations

import numpy as np

from neural_playground.engine.layers.base import Layer


def flatten_forward(x: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """x: (N, d1, d2, ...). Returns out: (N, d1 * d2 * ...) and cache = x.shape."""
    return x.reshape(x.shape[0], -1), x.shape


def flatten_backward(dout: np.ndarray, cache: tuple[int, ...]) -> np.ndarray:
    """dout: (N, D). Returns dx with the input's shape: each number goes back to its place."""
    return dout.reshape(cache)


class Flatten(Layer):
    """(N, C, H, W) -> (N, C * H * W). Trace: "x" and "z" (the vectors)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim < 2:
            raise ValueError(f"Flatten expects a batch (N, ...), got {x.shape}")
        z, _ = flatten_forward(x)
        self.cache = {"x": x, "z": z}
        return z

    def backward(self, dout: np.ndarray) -> np.ndarray:
        x = self._from_forward("x")
        return flatten_backward(np.asarray(dout, dtype=np.float64), x.shape)

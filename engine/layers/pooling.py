"""Pooling layers: max and average over small windows of each feature map (B.6, B-17 to B-19).

Pooling has no weights: it shrinks every channel on its own, keeping the largest value of
each window (max) or their mean (average). Windows that would hang over the edge are left
out, as Keras' and PyTorch's defaults do: out = floor((n - size) / stride) + 1.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from neural_playground.engine.layers.base import Layer
from neural_playground.engine.layers.conv import conv_output_size, windows_of

PoolMode = Literal["max", "avg"]
POOL_MODES: tuple[str, ...] = ("max", "avg")


def pool2d_forward(
    x: np.ndarray, size: int = 2, stride: int = 2, mode: PoolMode = "max"
) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Max or average pooling of every channel.

    x: (N, C, H, W). Returns out: (N, C, H', W') and cache = (x, size, stride, mode,
    windows, argmax); windows: (N, C, H', W', size, size) a view of x; argmax: (N, C, H', W')
    the flat index inside each window of its (first) largest value, None for "avg".
    """
    if mode not in POOL_MODES:
        raise ValueError(f"unknown pooling {mode!r}; choose one of {', '.join(POOL_MODES)}")
    oh = conv_output_size(x.shape[2], size, stride)
    ow = conv_output_size(x.shape[3], size, stride)
    windows = windows_of(x, size, size, stride, oh, ow)
    if mode == "max":
        out, argmax = _window_max(x, size, stride, oh, ow)
    else:
        argmax = None
        out = windows.mean(axis=(-2, -1))
    return out, (x, size, stride, mode, windows, argmax)


def _window_max(
    x: np.ndarray, size: int, stride: int, oh: int, ow: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each window's largest value and the flat index of its first largest pixel.

    One strided slice of x per position inside the window (size * size of them), compared
    element by element: the same numbers as an argmax over each window's pixels, without
    copying the windows out (np.argmax along a last axis of 4 is slow for many windows).
    """
    best, arg = None, np.zeros((*x.shape[:2], oh, ow), dtype=np.intp)
    for p in range(size):
        for q in range(size):
            v = x[
                :, :, p : p + (oh - 1) * stride + 1 : stride, q : q + (ow - 1) * stride + 1 : stride
            ]
            if best is None:
                best = v.copy()
                continue
            larger = v > best  # strictly: ties keep the first pixel, as np.argmax does
            np.maximum(best, v, out=best)
            np.copyto(arg, p * size + q, where=larger)
    return best, arg


def pool2d_backward(dout: np.ndarray, cache: tuple[Any, ...]) -> np.ndarray:
    """Backward of ``pool2d_forward``. dout: (N, C, H', W'); returns dx: (N, C, H, W).

    Max: each window's gradient goes to its largest pixel only (the others did not
    change the output). Average: it is shared equally by the size*size pixels. Windows
    that overlap (stride < size) add their shares.
    """
    x, size, stride, mode, _, argmax = cache
    _, _, oh, ow = dout.shape
    dx = np.zeros_like(x, dtype=np.float64)
    for p in range(size):
        for q in range(size):
            # Max: only the window's largest pixel; average: an equal share for each.
            share = dout * (argmax == p * size + q) if mode == "max" else dout / (size * size)
            rows = slice(p, p + (oh - 1) * stride + 1, stride)
            cols = slice(q, q + (ow - 1) * stride + 1, stride)
            dx[:, :, rows, cols] += share
    return dx


class Pool2D(Layer):
    """Shared body of MaxPool2D and AvgPool2D (set ``mode`` in the subclass).

    Input (N, C, H, W), output (N, C, H', W'). Trace: "x", "z" (pooled maps), "windows"
    (N, C, H', W', size, size) and, for max pooling, "argmax" (flat index in each window).
    """

    mode: PoolMode

    config_fields = ("size", "stride")

    def __init__(self, size: int = 2, stride: int | None = None) -> None:
        super().__init__()
        stride = size if stride is None else stride
        if size < 1 or stride < 1:
            raise ValueError(f"pooling needs size >= 1 and stride >= 1, got {size} and {stride}")
        self.size, self.stride = int(size), int(stride)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._input(x, "N", "C", "H", "W")
        z, (*_, windows, argmax) = pool2d_forward(x, self.size, self.stride, self.mode)
        self.cache = {"x": x, "z": z, "windows": windows}
        if argmax is not None:
            self.cache["argmax"] = argmax
        return z

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self._from_forward("z")
        c = self.cache
        cache = (c["x"], self.size, self.stride, self.mode, c["windows"], c.get("argmax"))
        return pool2d_backward(np.asarray(dout, dtype=np.float64), cache)


class MaxPool2D(Pool2D):
    """Keeps the largest value of each window (figure B-18)."""

    mode = "max"


class AvgPool2D(Pool2D):
    """Keeps the mean of each window (figure B-19)."""

    mode = "avg"

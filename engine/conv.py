"""Convolution and pooling of single images, as the book computes them by hand (B.6).

Plain functions over one image for tests, pages and notebooks; the batched math lives in
``engine.layers.conv`` and ``engine.layers.pooling`` (the same code the layers run).

    >>> image = [[0, 1, 0, 0, 1], [1, 0, 1, 0, 2], [0, 1, 0, 0, 0],
    ...          [0, 0, 2, 0, 1], [1, 0, 1, 0, 0]]     # figure B-12
    >>> fmap = conv2d(image, [[1, 0], [0, 1]])      # figure B-16: a 4 x 4 feature map
    >>> pool2d(fmap, 2, 2, "max").tolist()          # figure B-18
    [[2.0, 2.0], [3.0, 2.0]]

No kernel flip (deep-learning convolution, strictly a cross-correlation). Invalid shapes,
strides and paddings raise ValueError with a sentence saying what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neural_playground.engine.layers.conv import conv2d_forward, conv_output_size
from neural_playground.engine.layers.flatten import flatten_forward
from neural_playground.engine.layers.pooling import PoolMode, pool2d_forward


def _as_channels(x: np.ndarray | list, what: str) -> np.ndarray:
    """A 2-D (H, W) or 3-D (C, H, W) array of finite numbers, as (C, H, W) float64."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or 0 in arr.shape:
        raise ValueError(f"the {what} must be 2-D (H, W) or 3-D (C, H, W), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"the {what} contains NaN or infinite values")
    return arr


def conv2d(
    image: np.ndarray | list, kernel: np.ndarray | list, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """The feature map of one image under one kernel.

    image (H, W) with kernel (kh, kw), or image (C, H, W) with kernel (C, kh, kw): each
    channel meets its own kernel and the C channel maps are added into one (H', W') map.
    """
    trace = conv2d_trace(image, kernel, stride, padding)
    return trace.out


def pool2d(
    x: np.ndarray | list, size: int = 2, stride: int = 2, mode: PoolMode = "max"
) -> np.ndarray:
    """Max or average pooling of a 2-D map (H, W), or of every channel of (C, H, W)."""
    arr = np.asarray(x, dtype=np.float64)
    out = pool2d_trace(arr, size, stride, mode).out
    return out if arr.ndim == 3 else out[0]


def flatten(x: np.ndarray | list) -> np.ndarray:
    """The numbers of a map (or stack of maps) read row by row into one vector."""
    arr = np.asarray(x, dtype=np.float64)
    out, _ = flatten_forward(arr[None])
    return out[0]


@dataclass(frozen=True)
class ConvTrace:
    """Everything a page shows about one convolution; C channels, output (H', W').

    padded: (C, H + 2p, W + 2p); windows and products: (H', W', C, kh, kw), the pixels
    under each window and pixel x weight; channel_maps: (C, H', W'); out: (H', W').
    origins: (H', W', 2) the top-left pixel of each window in the padded image.
    """

    padded: np.ndarray
    windows: np.ndarray
    products: np.ndarray
    channel_maps: np.ndarray
    out: np.ndarray
    origins: np.ndarray


def conv2d_trace(
    image: np.ndarray | list, kernel: np.ndarray | list, stride: int = 1, padding: int = 0
) -> ConvTrace:
    """``conv2d`` with the intermediate numbers kept (see ``ConvTrace``)."""
    x = _as_channels(image, "image")
    w = _as_channels(kernel, "kernel")
    if x.shape[0] != w.shape[0]:
        raise ValueError(
            f"the image has {x.shape[0]} channel(s) but there are {w.shape[0]} kernel(s): "
            "one kernel per channel"
        )
    conv_output_size(x.shape[1], w.shape[1], stride, padding)  # raises with a clear sentence
    conv_output_size(x.shape[2], w.shape[2], stride, padding)
    out, (*_, windows) = conv2d_forward(x[None], w[None], np.zeros(1), stride, padding)
    windows = np.moveaxis(windows[0], 0, 2)  # (H', W', C, kh, kw)
    products = windows * w[None, None]
    oh, ow = out.shape[2:]
    rows, cols = np.meshgrid(np.arange(oh) * stride, np.arange(ow) * stride, indexing="ij")
    return ConvTrace(
        padded=np.pad(x, ((0, 0), (padding, padding), (padding, padding))),
        windows=windows,
        products=products,
        channel_maps=np.moveaxis(products.sum(axis=(-2, -1)), 2, 0),
        out=out[0, 0],
        origins=np.stack([rows, cols], axis=-1),
    )


@dataclass(frozen=True)
class PoolTrace:
    """One pooling of C maps, output (H', W') per channel.

    windows: (C, H', W', size, size); out: (C, H', W'); argmax: (C, H', W', 2) the row and
    column inside each window of its largest value (max pooling; None for average);
    origins: (H', W', 2); covered: (rows, cols) of the input that some window reaches.
    """

    windows: np.ndarray
    out: np.ndarray
    argmax: np.ndarray | None
    origins: np.ndarray
    covered: tuple[int, int]


def pool2d_trace(
    x: np.ndarray | list, size: int = 2, stride: int = 2, mode: PoolMode = "max"
) -> PoolTrace:
    """``pool2d`` with the windows kept (see ``PoolTrace``); 2-D input counts as C = 1."""
    arr = _as_channels(x, "map")
    oh = conv_output_size(arr.shape[1], size, stride)
    ow = conv_output_size(arr.shape[2], size, stride)
    out, (*_, windows, argmax) = pool2d_forward(arr[None], size, stride, mode)
    rows, cols = np.meshgrid(np.arange(oh) * stride, np.arange(ow) * stride, indexing="ij")
    return PoolTrace(
        windows=windows[0],
        out=out[0],
        argmax=None if argmax is None else np.stack(np.divmod(argmax[0], size), axis=-1),
        origins=np.stack([rows, cols], axis=-1),
        covered=((oh - 1) * stride + size, (ow - 1) * stride + size),
    )


@dataclass(frozen=True)
class ConvFit:
    """How windows of ``k`` with ``stride`` and ``padding`` fall on ``n`` pixels.

    out = floor((n + 2p - k) / s) + 1; ``left_over`` pixels at the end of the padded axis
    are never under a window (0 when the windows tile it exactly).
    """

    n: int
    k: int
    stride: int
    padding: int
    out: int
    left_over: int


def conv_fit(n: int, k: int, stride: int = 1, padding: int = 0) -> ConvFit:
    """The output size and the pixels left out; ValueError when no window fits."""
    out = conv_output_size(n, k, stride, padding)
    return ConvFit(n, k, stride, padding, out, (n + 2 * padding - k) % stride)

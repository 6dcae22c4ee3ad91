"""2-D convolution layer: several filters slide over a multi-channel image (B.6).

"Convolution" here is what deep-learning libraries compute (and the book's figures B-14 to
B-16 show): each output cell is the sum of the window's pixels times the kernel's weights,
with no flipping of the kernel (strictly speaking a cross-correlation).

Output size per axis, as in Keras and PyTorch: out = floor((n + 2*padding - k) / stride) + 1.
When the division is not exact, the last rows/columns of the padded input are never under a
window; ``conv_output_size`` says so and the labs may refuse such settings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from neural_playground.engine.initializers import get_initializer
from neural_playground.engine.layers.base import Layer


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """Windows of size ``k`` along an axis of ``n`` pixels padded by ``padding`` on each side.

    Raises ValueError when the window cannot be placed at all (k larger than the padded
    axis) or when stride < 1, padding < 0 or k < 1.
    """
    if k < 1:
        raise ValueError(f"the window size must be at least 1, got {k}")
    if stride < 1:
        raise ValueError(f"the stride must be at least 1, got {stride}")
    if padding < 0:
        raise ValueError(f"the padding cannot be negative, got {padding}")
    if k > n + 2 * padding:
        raise ValueError(
            f"a window of {k} does not fit in {n} pixels padded by {padding} on each side "
            f"({n + 2 * padding})"
        )
    return (n + 2 * padding - k) // stride + 1


def pad_images(x: np.ndarray, padding: int) -> np.ndarray:
    """Zero border of ``padding`` pixels around the last two axes of ``x``."""
    if padding == 0:
        return x
    width = [(0, 0)] * (x.ndim - 2) + [(padding, padding), (padding, padding)]
    return np.pad(x, width)


def windows_of(x: np.ndarray, kh: int, kw: int, stride: int, oh: int, ow: int) -> np.ndarray:
    """Every kh x kw window of the last two axes, stepping by ``stride``: a read-only view.

    x: (..., H, W). Returns (..., oh, ow, kh, kw) where [..., i, j, :, :] is the window
    whose top-left pixel is (i * stride, j * stride).
    """
    view = sliding_window_view(x, (kh, kw), axis=(-2, -1))
    return view[..., : (oh - 1) * stride + 1 : stride, : (ow - 1) * stride + 1 : stride, :, :]


def conv2d_forward(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0
) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Convolution of a batch of images with a bank of filters.

    x: (N, C, H, W) images, w: (F, C, HH, WW) filters (one HH x WW kernel per channel),
    b: (F,) biases. Returns out: (N, F, H', W') with
        out[n, f, i, j] = sum_{c,p,q} xpad[n, c, i*stride + p, j*stride + q] * w[f, c, p, q] + b[f]
    and cache = (x, w, b, stride, padding, windows), windows: (N, C, H', W', HH, WW).
    """
    _, c, h, wd = x.shape
    f, cw, kh, kw = w.shape
    if c != cw:
        raise ValueError(f"the input has {c} channels but the filters expect {cw}")
    oh = conv_output_size(h, kh, stride, padding)
    ow = conv_output_size(wd, kw, stride, padding)
    windows = windows_of(pad_images(x, padding), kh, kw, stride, oh, ow)
    out = np.einsum("nchwpq,fcpq->nfhw", windows, w, optimize=True) + b[None, :, None, None]
    return out, (x, w, b, stride, padding, windows)


def conv2d_backward(
    dout: np.ndarray, cache: tuple[Any, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of ``conv2d_forward``.

    dout: (N, F, H', W'). Returns dx: (N, C, H, W), dw: (F, C, HH, WW), db: (F,).
    Each weight w[f, c, p, q] met every window, so dw sums dout times the window's pixel;
    each input pixel was in several windows, so dx adds up every kernel weight that
    touched it (one strided slice per kernel position).
    """
    x, w, _, stride, padding, windows = cache
    _, _, oh, ow = dout.shape
    _, _, kh, kw = w.shape
    dw = np.einsum("nfhw,nchwpq->fcpq", dout, windows, optimize=True)
    db = dout.sum(axis=(0, 2, 3))
    dxpad = np.zeros(pad_images(x, padding).shape)
    for p in range(kh):
        for q in range(kw):
            rows = slice(p, p + (oh - 1) * stride + 1, stride)
            cols = slice(q, q + (ow - 1) * stride + 1, stride)
            dxpad[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", dout, w[:, :, p, q])
    h, wd = x.shape[2:]
    dx = dxpad[:, :, padding : padding + h, padding : padding + wd]
    return dx, dw, db


class Conv2D(Layer):
    """``filters`` kernels of ``kernel_size`` x ``kernel_size``, each spanning all channels.

    Params: "w" (filters, in_channels, k, k) from ``init`` (He by default, for ReLU) and
    "b" (filters,) zeros. Input (N, in_channels, H, W), output (N, filters, H', W').
    Trace: "x", "z" (the feature maps); ``trace()`` adds, for the UI, "padded" (the input
    with its zero border), "windows" (N, C, H', W', k, k) the pixels under each window,
    "products" (N, F, C, H', W', k, k) pixel x weight, and "channel_maps" (N, F, C, H', W')
    each channel's share of the sum (figure B-11's three matrices for an RGB image).
    """

    config_fields = ("in_channels", "filters", "kernel_size", "stride", "padding", "init")

    def __init__(
        self,
        in_channels: int,
        filters: int,
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        init: str = "he",
        rng: np.random.Generator | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        if min(in_channels, filters, kernel_size, stride) < 1 or padding < 0:
            raise ValueError(
                "Conv2D needs in_channels, filters, kernel_size, stride >= 1 and padding >= 0"
            )
        self.in_channels, self.filters = int(in_channels), int(filters)
        self.kernel_size, self.stride, self.padding = int(kernel_size), int(stride), int(padding)
        self.init = init
        rng = rng if rng is not None else np.random.default_rng(seed)
        shape = (self.filters, self.in_channels, self.kernel_size, self.kernel_size)
        self._init_params(w=get_initializer(init)(shape, rng), b=np.zeros(self.filters))

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._input(x, "N", self.in_channels, "H", "W")
        z, (*_, windows) = conv2d_forward(
            x, self.params["w"], self.params["b"], self.stride, self.padding
        )
        self.cache = {"x": x, "z": z, "windows": windows}
        return z

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self._from_forward("z")
        c = self.cache
        cache = (c["x"], self.params["w"], self.params["b"], self.stride, self.padding)
        dx, dw, db = conv2d_backward(np.asarray(dout, dtype=np.float64), (*cache, c["windows"]))
        self._set_grads(w=dw, b=db)
        return dx

    def trace(self) -> dict[str, np.ndarray]:
        """The cache plus the per-window products, computed only when the UI asks."""
        out = dict(self.cache)
        if "windows" in out:
            windows, w = out["windows"], self.params["w"]
            products = windows[:, None] * w[None, :, :, None, None, :, :]
            out["padded"] = pad_images(out["x"], self.padding)
            out["products"] = products
            out["channel_maps"] = products.sum(axis=(-2, -1))
        return out

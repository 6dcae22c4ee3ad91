"""Fully-connected (dense) layer: one layer of neurons, z = x @ w + b, a = f(z)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from neural_playground.engine.activations import (
    activation_backward,
    activation_forward,
    get_activation,
)
from neural_playground.engine.initializers import get_initializer
from neural_playground.engine.layers.base import Layer


def dense_forward(
    x: np.ndarray, w: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Affine map.

    x: (N, D) inputs, w: (D, M) weights, b: (M,) biases.
    Returns out: (N, M) = x @ w + b, and cache = (x, w, b).
    """
    out = x @ w + b
    return out, (x, w, b)


def dense_backward(
    dout: np.ndarray, cache: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of ``dense_forward``.

    dout: (N, M) = dL/dout. Returns dx: (N, D), dw: (D, M), db: (M,).
    """
    x, w, _ = cache
    dx = dout @ w.T
    dw = x.T @ dout  # sums the per-sample contributions over the batch
    db = dout.sum(axis=0)
    return dx, dw, db


class Dense(Layer):
    """``n_out`` neurons, each seeing all ``n_in`` inputs, with an optional activation.

    Params: "w" (n_in, n_out) from ``init`` and "b" (n_out,) zeros; with ``use_bias=False``
    only "w" (the bias is a constant 0 that training never moves, as in the book's B.3 example).
    Trace: "x" (N, n_in), "z" and "a" (N, n_out); after backward also "da" and "dz".
    Pass ``rng`` to share one generator across layers, or ``seed`` for a fresh one.
    """

    config_fields = ("n_in", "n_out", "activation", "init", "use_bias")

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str = "linear",
        init: str = "xavier",
        rng: np.random.Generator | None = None,
        seed: int | None = None,
        use_bias: bool = True,
    ) -> None:
        super().__init__()
        if int(n_in) < 1 or int(n_out) < 1:
            raise ValueError(f"Dense needs n_in >= 1 and n_out >= 1, got {n_in} and {n_out}")
        get_activation(activation)  # fail early on a bad name
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.activation = activation
        self.init = init
        self.use_bias = bool(use_bias)
        rng = rng if rng is not None else np.random.default_rng(seed)
        self._init_params(w=get_initializer(init)((self.n_in, self.n_out), rng))
        if self.use_bias:
            self._init_params(b=np.zeros(self.n_out))

    @property
    def bias(self) -> np.ndarray:
        """The bias vector (zeros, not a parameter, when ``use_bias`` is False)."""
        return self.params["b"] if self.use_bias else np.zeros(self.n_out)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._input(x, "N", self.n_in)
        z, _ = dense_forward(x, self.params["w"], self.bias)
        a = activation_forward(self.activation, z)
        self.cache = {"x": x, "z": z, "a": a}
        return a

    def backward(self, da: np.ndarray) -> np.ndarray:
        self._from_forward("a")
        da = np.asarray(da, dtype=np.float64)
        c = self.cache
        dz = activation_backward(self.activation, c["z"], c["a"], da)
        dx, dw, db = dense_backward(dz, (c["x"], self.params["w"], self.bias))
        self._set_grads(w=dw, **({"b": db} if self.use_bias else {}))
        c["da"], c["dz"] = da, dz
        return dx


def dense_stack_outputs(
    layers: Sequence[Dense], x: np.ndarray, dtype: type = np.float32
) -> list[np.ndarray]:
    """Every layer's output for x, computed in `dtype` through the pure forward functions.

    x: (N, layers[0].n_in). Returns one (N, n_out) array per layer. For values that are only
    drawn (a heatmap has 256 colour levels), float32 is enough and about four times faster
    over a large grid: NumPy vectorises tanh and exp for float32 only. The layers' params and
    caches are not touched, so the trace of the batch being trained or shown stays.
    """
    out = np.asarray(x, dtype=dtype)
    outputs = []
    for layer in layers:
        w, b = layer.params["w"].astype(dtype, copy=False), layer.bias.astype(dtype, copy=False)
        z, _ = dense_forward(out, w, b)
        out = get_activation(layer.activation).forward(z)
        outputs.append(out)
    return outputs

"""Readouts over sequences: read the last hidden state, or apply a layer at every step.

A recurrent layer returns every hidden state, (N, T, H). ``LastStep`` keeps h_T (one
prediction per sequence: the next word, the remembered symbol); ``TimeDistributed(Dense)``
reads every h_t (one prediction per step).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neural_playground.engine.layers.base import Layer


def last_step_forward(h: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """h: (N, T, H) -> out: (N, H) = h[:, -1], and cache = the input shape (N, T, H)."""
    return h[:, -1], h.shape


def last_step_backward(dout: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """dout: (N, H) -> dh: (N, T, H), zero at every step but the last."""
    dh = np.zeros(shape)
    dh[:, -1] = dout
    return dh


class LastStep(Layer):
    """(N, T, H) -> (N, H): the last time step. No parameters."""

    def forward(self, h: np.ndarray) -> np.ndarray:
        h = self._input(h, "N", "T", "H")
        out, _ = last_step_forward(h)
        self.cache = {"h": h, "out": out}
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        h = self._from_forward("h")
        return last_step_backward(np.asarray(dout, dtype=np.float64), h.shape)


class TimeDistributed(Layer):
    """Applies ``layer`` (which maps (M, F) -> (M, K)) to every time step: (N, T, F) ->
    (N, T, K), with the same weights at every step; their gradients add up over steps.

    ``params`` and ``grads`` are the inner layer's own dicts, so optimizers update it.
    Trace: the inner layer's trace over the N*T rows.
    """

    def __init__(self, layer: Layer) -> None:
        super().__init__()
        self.layer = layer
        self.params = layer.params
        self.grads = layer.grads

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._input(x, "N", "T", "F")
        n, steps, _ = x.shape
        out = self.layer.forward(x.reshape(n * steps, -1))
        self.cache = self.layer.cache
        return out.reshape(n, steps, -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = np.asarray(dout, dtype=np.float64)
        n, steps, _ = dout.shape
        self.layer.cache = self.cache  # in case a caller swapped caches (Sequential.predict)
        dx = self.layer.backward(dout.reshape(n * steps, -1))
        return dx.reshape(n, steps, -1)

    def train(self) -> TimeDistributed:
        super().train()
        self.layer.train()
        return self

    def eval(self) -> TimeDistributed:
        super().eval()
        self.layer.eval()
        return self

    def describe(self) -> dict[str, Any]:
        return {"type": "timedistributed", "layer": self.layer.describe()}

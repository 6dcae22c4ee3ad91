"""A parameter-free layer applying one activation elementwise (e.g. after a conv layer)."""

from __future__ import annotations

import numpy as np

from neural_playground.engine.activations import (
    activation_backward,
    activation_forward,
    get_activation,
)
from neural_playground.engine.layers.base import Layer


class Activation(Layer):
    """a = f(z) for any input shape (softmax: over the last axis).

    Trace: "z" (input), "a" (output); after backward also "da" and "dz".
    """

    config_fields = ("activation",)

    def __init__(self, activation: str = "relu") -> None:
        super().__init__()
        get_activation(activation)  # fail early on a bad name
        self.activation = activation

    def forward(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        a = activation_forward(self.activation, z)
        self.cache = {"z": z, "a": a}
        return a

    def backward(self, da: np.ndarray) -> np.ndarray:
        a = self._from_forward("a")
        da = np.asarray(da, dtype=np.float64)
        dz = activation_backward(self.activation, self.cache["z"], a, da)
        self.cache["da"], self.cache["dz"] = da, dz
        return dz

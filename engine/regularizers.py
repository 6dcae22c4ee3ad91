"""Weight penalties (L1, L2) added to the loss to keep weights small.

Each penalty is a pure function with the losses' signature, ``(value, dw) = penalty(w, rate)``:
the penalty of one weight array and its gradient. Conventions follow tf.keras:

    L1: rate * sum |w|        dw = rate * sign(w)   (0 at w = 0, a subgradient)
    L2: rate * sum w^2        dw = 2 * rate * w

Only weights ("w") are penalised, not biases: a bias shifts a neuron without making the
function any more wiggly. ``Regularizer`` applies one penalty to every layer of a model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

Penalty = Callable[[np.ndarray, float], tuple[float, np.ndarray]]


def l1(w: np.ndarray, rate: float) -> tuple[float, np.ndarray]:
    """rate * sum|w| and its (sub)gradient rate * sign(w). w: any shape; dw: same shape."""
    return float(rate * np.sum(np.abs(w))), rate * np.sign(w)


def l2(w: np.ndarray, rate: float) -> tuple[float, np.ndarray]:
    """rate * sum w^2 and its gradient 2 * rate * w. w: any shape; dw: same shape."""
    return float(rate * np.sum(w * w)), 2.0 * rate * w


PENALTIES: dict[str, Penalty] = {"l1": l1, "l2": l2}
#: "none" first: what a model without a penalty is called in configs and menus.
REGULARIZER_NAMES: tuple[str, ...] = ("none", *PENALTIES)

#: The parameter key that is penalised in every layer.
PENALISED = "w"


class Regularizer:
    """One penalty at one rate over every layer's weights.

    ``penalty(layers)`` is the total added to the loss; ``add_gradients(layers)`` adds its
    gradient to each layer's ``grads["w"]`` (call it after ``backward``, before the update).
    Accepts a Sequential or a list of layers.
    """

    def __init__(self, name: str, rate: float) -> None:
        if name not in PENALTIES:
            raise ValueError(f"unknown penalty {name!r}; choose one of {', '.join(PENALTIES)}")
        if not rate >= 0:
            raise ValueError(f"the penalty rate must be >= 0, got {rate}")
        self.name = name
        self.rate = float(rate)

    def _weights(self, layers: Iterable[Any]) -> Iterable[tuple[Any, np.ndarray]]:
        for layer in getattr(layers, "layers", layers):
            if PENALISED in layer.params:
                yield layer, layer.params[PENALISED]

    def penalty(self, layers: Iterable[Any]) -> float:
        fn = PENALTIES[self.name]
        return float(sum(fn(w, self.rate)[0] for _, w in self._weights(layers)))

    def gradient(self, w: np.ndarray) -> np.ndarray:
        """The penalty's gradient for one weight array (what ``add_gradients`` adds)."""
        return PENALTIES[self.name](w, self.rate)[1]

    def add_gradients(self, layers: Iterable[Any]) -> None:
        for layer, w in self._weights(layers):
            layer.grads[PENALISED] += self.gradient(w)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "rate": self.rate}

    def __repr__(self) -> str:
        return f"Regularizer({self.name!r}, rate={self.rate!r})"

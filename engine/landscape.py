"""The loss as a function of one or two weights, the others frozen (B.4, gradient descent).

A weight is named by a ``Coordinate``: (layer index, parameter key, index in the array), e.g.
``(1, "w", (0, 0))`` is the first weight of the second layer. Every function here puts the
chosen weights back and leaves the layers' cached trace and gradients as they were, so a
page can draw a landscape beside the network it is showing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import numpy as np

from neural_playground.engine.activations import activation_forward
from neural_playground.engine.layers import Activation, Dense
from neural_playground.engine.layers.dense import dense_forward
from neural_playground.engine.losses import evaluate, loss_terms
from neural_playground.engine.model import Sequential

Coordinate = tuple[int, str, tuple[int, ...]]


def parameter(model: Sequential, coord: Coordinate) -> np.ndarray:
    """The parameter array a coordinate points into; ValueError if it points nowhere."""
    layer, key, index = coord
    if not 0 <= layer < len(model.layers) or key not in model.layers[layer].params:
        raise ValueError(f"no parameter {key!r} in layer {layer}")
    param = model.layers[layer].params[key]
    if len(index) != param.ndim or not all(
        0 <= i < n for i, n in zip(index, param.shape, strict=True)
    ):
        raise ValueError(f"index {index} is outside {key!r} of shape {param.shape}")
    return param


def value_of(model: Sequential, coord: Coordinate) -> float:
    return float(parameter(model, coord)[coord[2]])


@contextlib.contextmanager
def _kept(model: Sequential, coords: Sequence[Coordinate]) -> Iterator[None]:
    """Restore the chosen weights, the caches and the gradients on the way out."""
    saved = [(parameter(model, c), c[2], float(parameter(model, c)[c[2]])) for c in coords]
    caches = [layer.cache for layer in model.layers]
    grads = [{k: g.copy() for k, g in layer.grads.items()} for layer in model.layers]
    try:
        yield
    finally:
        for param, index, value in saved:
            param[index] = value
        for layer, cache, grad in zip(model.layers, caches, grads, strict=True):
            layer.cache = cache
            for key, g in grad.items():
                layer.grads[key][...] = g


def loss_of(model: Sequential, x, y, loss: str = "mse", from_logits: bool = False) -> float:
    """The batch loss of the model as it is (eval mode; the trace is kept)."""
    return evaluate(loss, model.predict(x), y, from_logits)[0]


def loss_curve(
    model: Sequential,
    x: np.ndarray,
    y: np.ndarray,
    coord: Coordinate,
    values: np.ndarray,
    loss: str = "mse",
    from_logits: bool = False,
) -> np.ndarray:
    """Loss for each value of one weight, the others frozen. values: (G,) -> (G,).

    Vectorised over the values: the layers before the weight's run once; its Dense layer runs
    ``dense_forward`` once with a stack of G weight matrices (numpy broadcasts x @ w over
    them); the layers after it run once on the G copies of the batch stacked. That stacking
    needs layers that treat each sample on its own (Dense, Activation).
    """
    values = np.asarray(values, dtype=np.float64)
    if not all(isinstance(layer, Dense | Activation) for layer in model.layers):
        raise ValueError("loss_curve needs layers that treat samples independently")
    parameter(model, coord)
    k, key, index = coord
    layer, g = model.layers[k], len(values)
    n = np.asarray(x).shape[0]
    with _kept(model, []):
        h = np.asarray(x, dtype=np.float64)
        for before in model.layers[:k]:
            h = before.forward(h)
        w = np.repeat(layer.params["w"][None], g, axis=0)  # (G, n_in, n_out)
        b = np.repeat(layer.bias[None, None], g, axis=0)  # (G, 1, n_out)
        if key == "w":
            w[(slice(None), *index)] = values
        else:
            b[:, 0, index[0]] = values
        z, _ = dense_forward(h, w, b)  # (G, N, n_out)
        out = activation_forward(layer.activation, z).reshape(g * n, -1)
        for after in model.layers[k + 1 :]:
            out = after.forward(out)
        targets = np.concatenate([np.asarray(y)] * g)
        terms = loss_terms(loss, out, targets, from_logits)["terms"]
    return terms.reshape(g, n).mean(axis=1)


def loss_surface(
    model: Sequential,
    x: np.ndarray,
    y: np.ndarray,
    coords: tuple[Coordinate, Coordinate],
    values: tuple[np.ndarray, np.ndarray],
    loss: str = "mse",
    from_logits: bool = False,
) -> np.ndarray:
    """Loss over a grid of two weights, the others frozen.

    values: (G1,) for the first weight, (G2,) for the second. Returns (G2, G1): row r is the
    second weight at values[1][r] (the layout of a contour plot's z, x, y).
    """
    (c1, c2), (v1, v2) = coords, values
    if c1 == c2:
        raise ValueError("choose two different weights")
    p2 = parameter(model, c2)
    out = np.empty((len(v2), len(v1)))
    with _kept(model, [c2]):
        for r, b in enumerate(v2):
            p2[c2[2]] = b
            out[r] = loss_curve(model, x, y, c1, v1, loss, from_logits)
    return out


def gradient_at(
    model: Sequential,
    x: np.ndarray,
    y: np.ndarray,
    coords: Sequence[Coordinate],
    loss: str = "mse",
    from_logits: bool = False,
) -> tuple[float, np.ndarray]:
    """The loss and dL/dw for each chosen weight, from the engine's backward pass."""
    with _kept(model, []):
        value, dpred = evaluate(loss, model.forward(x), y, from_logits)
        model.backward(dpred)
        slopes = np.array([model.layers[c[0]].grads[c[1]][c[2]] for c in coords], dtype=float)
    return value, slopes


def slopes_along(
    model: Sequential,
    x: np.ndarray,
    y: np.ndarray,
    coord: Coordinate,
    values: Sequence[float],
    loss: str = "mse",
    from_logits: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Loss and slope dL/dw at each given value of one weight (book figure B-9)."""
    param, index = parameter(model, coord), coord[2]
    losses, slopes = np.empty(len(values)), np.empty(len(values))
    with _kept(model, [coord]):
        for g, value in enumerate(values):
            param[index] = value
            losses[g], (slopes[g],) = gradient_at(model, x, y, [coord], loss, from_logits)
    return losses, slopes

"""A small Dense network and the batch it learns from, as the backprop and descent labs keep
them: building it from plain weights, checking a saved copy, and its forward trace as a frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

from neural_playground.app.protocol import FiniteFloat, LabError, Message
from neural_playground.engine.layers import Dense
from neural_playground.engine.model import Sequential


class LayerWeights(Message):
    """One Dense layer's weights `w[i][j]` and biases; `b` None: the layer has no bias."""

    w: list[list[FiniteFloat]] = Field(max_length=64)
    b: list[FiniteFloat] | None = Field(None, max_length=64)


class ForwardLayer(BaseModel):
    """One layer over the whole batch: z and a are (N, n_out)."""

    activation: str
    w: list[list[float]]
    b: list[float] | None
    z: list[list[float]]
    a: list[list[float]]


def build_model(activations: Sequence[str], weights: Sequence[LayerWeights]) -> Sequential:
    """Dense layers with exactly these weights (and no bias where `b` is None)."""
    layers = []
    for activation, lw in zip(activations, weights, strict=True):
        w = np.asarray(lw.w, dtype=float)
        if w.ndim != 2 or w.size == 0:
            raise ValueError(f"weights must be a non-empty matrix, got shape {w.shape}")
        layer = Dense(*w.shape, activation=activation, use_bias=lw.b is not None)
        layer.set_weights({"w": w} | ({"b": lw.b} if lw.b is not None else {}))
        layers.append(layer)
    for before, after in zip(layers[:-1], layers[1:], strict=True):
        if before.n_out != after.n_in:
            raise ValueError(f"a layer of {before.n_out} neurons feeds one of {after.n_in} inputs")
    return Sequential(layers)


def weights_of(model: Sequential) -> list[LayerWeights]:
    return [
        LayerWeights(
            w=layer.params["w"].tolist(), b=layer.params["b"].tolist() if layer.use_bias else None
        )
        for layer in model.layers
    ]


def restore_model(
    activations: Sequence[str], weights: Sequence[LayerWeights], like: Sequential
) -> Sequential:
    """A saved network, refused (LabError bad_state) unless it has the shape of `like` (its
    numbers were checked with the whole state: `app.labs.common.saved_state`)."""
    try:
        model = build_model(activations, weights)
    except ValueError as exc:
        raise LabError("bad_state", f"The weights do not fit: {exc}", detail=str(exc)) from None
    if model.describe() != like.describe():
        raise LabError("bad_state", "The network has another shape.", detail="shape")
    return model


def forward_view(model: Sequential, x: np.ndarray) -> tuple[np.ndarray, list[ForwardLayer]]:
    """The model's output on x and each layer's trace, without touching the walk's caches."""
    caches = [layer.cache for layer in model.layers]
    try:
        out, trace = model.forward(x, trace=True)
    finally:
        for layer, cache in zip(model.layers, caches, strict=True):
            layer.cache = cache
    layers = [
        ForwardLayer(
            activation=layer.activation,
            w=layer.params["w"].tolist(),
            b=layer.params["b"].tolist() if layer.use_bias else None,
            z=record["z"].tolist(),
            a=record["a"].tolist(),
        )
        for layer, record in zip(model.layers, trace, strict=True)
    ]
    return out, layers

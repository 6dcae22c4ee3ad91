"""Finite-difference gradient checking, shared by every layer family's tests.

Backprop is easy to get subtly wrong; comparing it with the definition of the derivative,
(f(x + h) - f(x - h)) / 2h, catches almost every mistake. Use float64: in float32 the
rounding error swamps the O(h^2) truncation error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from neural_playground.engine.losses import evaluate


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """df/dx by central differences, one element at a time.

    ``f(x)`` must return a scalar. ``x`` (a float64 array) is nudged in place and each
    element restored afterwards, so ``f`` may also ignore its argument and read a
    parameter array that aliases ``x``.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = float(f(x))
        x[idx] = old - h
        f_minus = float(f(x))
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * h)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max|a - b| / max(1e-8, max(|a| + |b|)): scale-free, and 0 when both are 0."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


def check_layer(
    layer: Any, x: np.ndarray, rng: np.random.Generator, h: float = 1e-5
) -> dict[str, float]:
    """Relative errors between ``layer.backward`` and numerical gradients.

    Uses L = sum(layer.forward(x) * dout) with a random upstream gradient dout, so
    dL/dout = dout. Returns {"x": err, <param key>: err, ...}.
    """
    x = np.array(x, dtype=np.float64)  # own copy: it gets nudged below
    dout = rng.standard_normal(np.shape(layer.forward(x)))
    dx = layer.backward(dout)
    analytic = {key: g.copy() for key, g in layer.grads.items()}

    def loss(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(x) * dout))

    errors = {"x": rel_error(dx, numerical_gradient(loss, x, h))}
    for key, param in layer.params.items():
        errors[key] = rel_error(analytic[key], numerical_gradient(loss, param, h))
    return errors


def check_params(
    layers: Any,
    loss: Callable[[], float],
    backward: Callable[[], Any] | None = None,
    h: float = 1e-5,
) -> dict[tuple[int, str], float]:
    """Relative errors between the gradients ``backward()`` leaves in ``layers`` and the
    numerical gradients of ``loss()`` with respect to every parameter, by (layer index, key).

    ``backward`` runs once, and its gradients are copied before ``loss`` is evaluated: a
    loss that runs backward itself would overwrite them. Without one, ``loss`` is that
    backward too (``Sequential.loss_and_gradients``, the GAN's losses).
    """
    (backward or loss)()
    analytic = [{key: g.copy() for key, g in layer.grads.items()} for layer in layers]
    return {
        (i, key): rel_error(analytic[i][key], numerical_gradient(lambda _: loss(), param, h))
        for i, layer in enumerate(layers)
        for key, param in layer.params.items()
    }


def check_loss(
    loss_fn: Callable[..., tuple[float, np.ndarray]],
    pred: np.ndarray,
    target: np.ndarray,
    h: float = 1e-5,
    **kw: Any,
) -> float:
    """Relative error between a loss's returned dpred and the numerical gradient."""
    pred = np.array(pred, dtype=np.float64)
    _, dpred = loss_fn(pred, target, **kw)
    numeric = numerical_gradient(lambda p: loss_fn(p, target, **kw)[0], pred, h)
    return rel_error(dpred, numeric)


def numerical_model_gradients(
    model: Any,
    x: np.ndarray,
    y: np.ndarray,
    loss: str = "mse",
    from_logits: bool = False,
    h: float = 1e-5,
    regularizer: Any = None,
) -> tuple[list[dict[str, np.ndarray]], np.ndarray]:
    """dL/dparam for every layer of a ``Sequential``, and dL/dx, by central differences.

    L is the batch loss of ``model`` on (x, y), plus ``regularizer.penalty(model)`` when a
    regularizer is given. Uses ``model.predict``, so the layers' cached trace is left as it
    was. Returns ``([{param key: gradient}, ...], dL/dx)``.
    """
    x = np.array(x, dtype=np.float64)

    def objective(_: np.ndarray) -> float:
        value = evaluate(loss, model.predict(x), y, from_logits)[0]
        return value + (regularizer.penalty(model) if regularizer is not None else 0.0)

    grads = [
        {key: numerical_gradient(objective, param, h) for key, param in layer.params.items()}
        for layer in model.layers
    ]
    return grads, numerical_gradient(objective, x, h)

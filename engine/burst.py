"""A burst of plain-SGD steps on a stack of dense layers, in one tight loop.

On a network as small as TensorFlow Playground's (2-8-8-1, batches of 10), a step of
``Sequential.train_step`` spends most of its time in Python around NumPy calls on tiny
arrays: the layer objects' shape checks and caches, copying each gradient into place, the
optimizer's state, and the guard's copy of every weight before each step. ``sgd_burst``
runs the same arithmetic, in the same order, on one flat array of all the weights (``Flat``:
the update and the guard's check are one NumPy call each, and the weights before a step
stay in the other of two such arrays), so the weights come out the same to the last bit
(``tests/engine/test_engine_burst.py``):

    forward   z = x @ w + b, a = f(z), layer by layer
    loss      (value, dL/dout) = the loss of the last layer's output
    backward  dz = f'(z) da, dw = x.T @ dz, db = sum(dz), da = dz @ w.T, layer by layer
    update    w <- w - learning_rate * dw (every layer, after the whole backward)

After every step it applies ``guard.diverged``: the step's loss must be finite and its new
weights finite and within ``limit``, or the burst stops at the weights before that step.
Each layer's cache and grads are left as the last step computed them, as ``train_step``
leaves them. Other optimizers, penalties and layer types take ``train_step`` (``fits``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from neural_playground.engine.activations import get_activation
from neural_playground.engine.guard import arrays_within
from neural_playground.engine.layers.base import Layer
from neural_playground.engine.layers.dense import Dense
from neural_playground.engine.losses import evaluate
from neural_playground.engine.optimizers import Optimizer
from neural_playground.engine.regularizers import Regularizer

Batch = Callable[[], tuple[np.ndarray, np.ndarray]]


def fits(layers: Sequence[Layer], optimizer: Optimizer, regularizer: Regularizer | None) -> bool:
    """Whether ``sgd_burst`` trains this network exactly as ``train_step`` would: plain SGD,
    no penalty, dense layers with biases only."""
    return (
        optimizer.name == "sgd"
        and not optimizer.hyper
        and regularizer is None
        and all(type(layer) is Dense and layer.use_bias for layer in layers)
    )


@dataclass
class Burst:
    """How a burst went, kept up to date step by step (so a batch that raises midway still
    leaves the count of the steps that were applied). `scratch`: the flat arrays of an
    earlier burst on layers of the same shapes, to use again (a caller that trains the same
    network burst after burst keeps it, so no burst builds its own)."""

    done: int = 0  # steps applied
    diverged: bool = False  # stopped at a step that blew up (its update not applied)
    scratch: dict = field(default_factory=dict)


class Flat:
    """Every layer's (w, b) in one array, with a view per parameter: one NumPy call updates
    or checks all of them (on arrays this small, each call costs more than its arithmetic)."""

    def __init__(self, layers: Sequence[Dense]) -> None:
        params = [(layer.params["w"], layer.params["b"]) for layer in layers]
        self.data = np.empty(sum(w.size + b.size for w, b in params))
        self.views: list[tuple[np.ndarray, np.ndarray]] = []
        at = 0
        for w, b in params:
            end = at + w.size
            self.views.append((self.data[at:end].reshape(w.shape), self.data[end : end + b.size]))
            at = end + b.size


def sgd_burst(
    layers: Sequence[Dense],
    batch: Batch,
    steps: int,
    loss: str,
    optimizer: Optimizer,
    from_logits: bool = False,
    limit: float = math.inf,
    burst: Burst | None = None,
) -> Burst:
    """Up to ``steps`` SGD steps, each on ``batch()`` (asked again for every step); stops at
    the first step that diverges (see the module). The layers must ``fit``; ``limit`` is
    the largest |weight| allowed (finite)."""
    burst = burst if burst is not None else Burst()
    rate = optimizer.learning_rate
    acts = [get_activation(layer.activation) for layer in layers]
    # The weights now, the next ones (swapped after a good step), the last step's grads.
    shapes = tuple(layer.params["w"].shape for layer in layers)
    if shapes not in burst.scratch:  # at most a few networks' shapes kept: the last one
        burst.scratch.clear()
        flats = Flat(layers), Flat(layers), Flat(layers)
        burst.scratch[shapes] = (*flats, np.empty_like(flats[0].data))
    now, after, grads, update = burst.scratch[shapes]
    for (w, b), layer in zip(now.views, layers, strict=True):
        w[...], b[...] = layer.params["w"], layer.params["b"]
    traced: list[tuple] = []  # per layer: x, z, a, da, dz of the last step through backward
    try:
        for layer in layers:
            layer.train()
        for _ in range(steps):
            x, y = batch()
            trace = []
            a = np.asarray(x, dtype=np.float64)
            for act, (w, b) in zip(acts, now.views, strict=True):
                z = a @ w + b
                out = act.forward(z)
                trace.append((a, z, out))
                a = out
            value, da = evaluate(loss, a, y, from_logits)
            for k in range(len(trace) - 1, -1, -1):
                x_in, z, out = trace[k]
                dz = acts[k].backward(z, out, da)
                trace[k] = (x_in, z, out, da, dz)
                dw, db = grads.views[k]
                np.matmul(x_in.T, dz, out=dw)
                dz.sum(axis=0, out=db)
                if k:
                    da = dz @ now.views[k][0].T
            traced = trace
            # w - learning_rate * dw for every parameter at once: the same numbers.
            np.multiply(rate, grads.data, out=update)
            np.subtract(now.data, update, out=after.data)
            if not (math.isfinite(value) and arrays_within((after.data,), limit)):
                burst.diverged = True
                return burst
            now, after = after, now
            burst.done += 1
        return burst
    finally:
        keep(layers, now, grads, traced)
        if burst.done:  # what `Optimizer._sgd_step` leaves after a step
            for k, layer in enumerate(layers):
                for key in layer.params:
                    optimizer.state[(k, key)] = {"learning_rate": rate}


def keep(layers: Sequence[Dense], now: Flat, grads: Flat, traced: list[tuple]) -> None:
    """Write a burst's last good weights into the layers' arrays (in place: caches and
    views keep the same arrays), and the cache and grads of its last step through backward
    (if any), as `train_step` leaves them."""
    for layer, (w, b) in zip(layers, now.views, strict=True):
        layer.params["w"][...], layer.params["b"][...] = w, b
    if traced:
        for layer, (dw, db), (x, z, a, da, dz) in zip(layers, grads.views, traced, strict=True):
            layer.grads["w"][...], layer.grads["b"][...] = dw, db
            layer.cache = {"x": x, "z": z, "a": a, "da": da, "dz": dz}

"""One training iteration of a stack of Dense layers, recorded phase by phase for showing.

``step_through(model, x, y, loss, optimizer)`` runs exactly what ``Sequential.train_step``
runs (forward, loss, backward, optimizer step) and keeps every number a learner may want to
see, as plain arrays:

  forward   per layer: its input x, sums z = x @ w + b, outputs a = f(z)
  loss      the formula's pieces, each sample's term and their mean (``losses.loss_terms``),
            and the weight penalty when a regularizer is given (L1/L2: the objective is the
            loss plus the penalty)
  backward  per layer, from the output back: dL/da, f'(z), dL/dz = dL/da * f'(z),
            dL/dw = x^T dL/dz (summed over the batch) plus the penalty's gradient, dL/db, and
            dL/dx = dL/dz w^T, which is dL/da of the layer before: dL/da_i = sum_j w_ij dL/dz_j
  update    per parameter: old, gradient, new, and the optimizer's own numbers
            (momentum: velocity before and after; Adam: m, v, m_hat, v_hat, t)

Every gradient is read from the layers after ``Sequential.backward``: the record shows the
engine's own numbers, never a second computation of them. Pure data in, pure data out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from neural_playground.engine.activations import activation_backward
from neural_playground.engine.layers.dense import Dense
from neural_playground.engine.losses import evaluate, loss_terms
from neural_playground.engine.model import Sequential
from neural_playground.engine.optimizers import Optimizer
from neural_playground.engine.regularizers import Regularizer

# Optimizer state entries worth showing, per rule (see engine.optimizers).
_SHOWN_STATE = {
    "sgd": (),
    "momentum": ("velocity",),
    "adam": ("m", "v", "m_hat", "v_hat"),
}


@dataclass
class ParamUpdate:
    """What the optimizer did to one parameter array: new = rule(old, grad, state)."""

    old: np.ndarray
    grad: np.ndarray
    new: np.ndarray
    #: The rule's numbers: "velocity_before"/"velocity" (momentum), "m", "v", "m_hat",
    #: "v_hat" (Adam), each shaped like the parameter.
    state: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class LayerRecord:
    """One Dense layer during one iteration. Shapes: N samples, n_in inputs, n_out neurons."""

    activation: str
    w: np.ndarray  # (n_in, n_out), before the update
    b: np.ndarray | None  # (n_out,) before the update; None for a layer without bias
    x: np.ndarray  # (N, n_in) what the layer received
    z: np.ndarray  # (N, n_out)
    a: np.ndarray  # (N, n_out)
    da: np.ndarray  # (N, n_out) dL/da
    fprime: np.ndarray | None  # (N, n_out) f'(z); None for softmax (not elementwise)
    dz: np.ndarray  # (N, n_out) dL/dz
    dw: np.ndarray  # (n_in, n_out) dL/dw, the penalty's part included
    db: np.ndarray | None  # (n_out,) dL/db
    dx: np.ndarray  # (N, n_in) dL/dx, the dL/da of the layer before
    dw_penalty: np.ndarray | None = None  # (n_in, n_out) the penalty's part of dw; None: none
    update: dict[str, ParamUpdate] = field(default_factory=dict)


@dataclass
class Iteration:
    """A whole recorded iteration; ``phases`` lists the order in which to show it."""

    layers: list[LayerRecord]
    loss: str
    from_logits: bool
    loss_parts: dict[str, np.ndarray]  # losses.loss_terms: pieces, "terms" (N,), "value"
    loss_value: float  # before the update (the data loss, without the penalty)
    dpred: np.ndarray  # (N, n_out) dL/dprediction, the output layer's dL/da
    optimizer: dict[str, Any]  # Optimizer.describe() plus "t" for Adam
    pred: np.ndarray  # (N, n_out) before the update
    pred_after: np.ndarray  # (N, n_out) the same batch through the updated weights
    loss_after: float
    phases: list[tuple[str, int | None]]
    #: Regularizer.describe() (name, rate), or None; the penalty before and after the update.
    regularizer: dict[str, Any] | None = None
    penalty: float = 0.0
    penalty_after: float = 0.0

    @property
    def finite(self) -> bool:
        """True when every number of the iteration (and the updated network) is finite."""
        arrays = [self.dpred, self.pred, self.pred_after, self.loss_parts["terms"]]
        for layer in self.layers:
            arrays += [layer.z, layer.a, layer.dz, layer.dw, layer.dx]
            arrays += [u.new for u in layer.update.values()]
        scalars = np.array([self.loss_value, self.loss_after, self.penalty, self.penalty_after])
        return bool(np.all(np.isfinite(scalars))) and all(np.all(np.isfinite(a)) for a in arrays)


def phases(n_layers: int) -> list[tuple[str, int | None]]:
    """The order of showing: forward 0..L-1, loss, backward L-1..0, update."""
    return [
        *(("forward", k) for k in range(n_layers)),
        ("loss", None),
        *(("backward", k) for k in reversed(range(n_layers))),
        ("update", None),
    ]


def require_dense(model: Sequential) -> list[Dense]:
    layers = list(model.layers)
    if not layers or not all(isinstance(layer, Dense) for layer in layers):
        raise ValueError("step_through needs a Sequential made only of Dense layers")
    return layers


def step_through(
    model: Sequential,
    x: np.ndarray,
    y: np.ndarray,
    loss: str = "mse",
    optimizer: Optimizer | None = None,
    from_logits: bool = False,
    regularizer: Regularizer | None = None,
) -> Iteration:
    """Run one training iteration on the batch (x, y) and return its record.

    The model's weights and the optimizer's state change exactly as with
    ``model.train_step(x, y, loss, optimizer, from_logits, regularizer)``; without an
    optimizer, plain SGD with learning rate 0.01 (stateless, so a fresh one each call is the
    same). x: (N, n_in); y: what the loss accepts for predictions (N, n_out).
    """
    layers = require_dense(model)
    optimizer = optimizer if optimizer is not None else Optimizer("sgd", learning_rate=0.01)
    x = np.asarray(x, dtype=np.float64)

    model.train()
    pred = model.forward(x)
    parts = loss_terms(loss, pred, y, from_logits)
    value, dpred = evaluate(loss, pred, y, from_logits)
    dx_first = model.backward(dpred)
    penalty = 0.0
    if regularizer is not None:
        penalty = regularizer.penalty(model)
        regularizer.add_gradients(model)

    records = []
    for layer in layers:
        c = layer.cache
        fprime = None
        if layer.activation != "softmax":
            fprime = activation_backward(layer.activation, c["z"], c["a"], np.ones_like(c["z"]))
        records.append(
            LayerRecord(
                activation=layer.activation,
                w=layer.params["w"].copy(),
                b=layer.params["b"].copy() if layer.use_bias else None,
                x=c["x"],
                z=c["z"],
                a=c["a"],
                da=c["da"],
                fprime=fprime,
                dz=c["dz"],
                dw=layer.grads["w"].copy(),
                db=layer.grads["b"].copy() if layer.use_bias else None,
                dx=dx_first,
                dw_penalty=(
                    regularizer.gradient(layer.params["w"]) if regularizer is not None else None
                ),
            )
        )
    # dL/dx of layer k is what layer k - 1 received as dL/da: the engine passed it along.
    for before, after in zip(records[:-1], records[1:], strict=True):
        after.dx = before.da

    state_before = {k: dict(v) for k, v in optimizer.state.items()}
    optimizer.step(model)
    for i, (layer, record) in enumerate(zip(layers, records, strict=True)):
        for key, param in layer.params.items():
            old = record.w if key == "w" else record.b
            record.update[key] = ParamUpdate(
                old=old,
                grad=layer.grads[key].copy(),
                new=param.copy(),
                state=_shown_state(optimizer, state_before.get((i, key), {}), i, key, old),
            )

    pred_after = model.predict(x)
    loss_after, _ = evaluate(loss, pred_after, y, from_logits)
    # The hyperparameters the rule really used (its defaults included), and Adam's step count.
    described = optimizer.describe()
    used = optimizer.state[(0, "w")]
    described.update(
        {k: float(used[k]) for k in ("momentum", "beta1", "beta2", "eps") if k in used}
    )
    if optimizer.name == "adam":
        described["t"] = int(used["t"])
    return Iteration(
        layers=records,
        loss=loss,
        from_logits=from_logits,
        loss_parts=parts,
        loss_value=value,
        dpred=np.asarray(dpred, dtype=np.float64),
        optimizer=described,
        pred=pred,
        pred_after=pred_after,
        loss_after=float(loss_after),
        phases=phases(len(layers)),
        regularizer=regularizer.describe() if regularizer is not None else None,
        penalty=penalty,
        penalty_after=regularizer.penalty(model) if regularizer is not None else 0.0,
    )


def _shown_state(
    optimizer: Optimizer, before: dict[str, Any], i: int, key: str, old: np.ndarray
) -> dict[str, np.ndarray]:
    after = optimizer.state[(i, key)]
    names = _SHOWN_STATE[optimizer.name]
    shown = {name: np.asarray(after[name], dtype=np.float64) for name in names}
    if optimizer.name == "momentum":
        v = before.get("velocity")
        shown["velocity_before"] = np.zeros_like(old) if v is None else np.asarray(v)
    return shown

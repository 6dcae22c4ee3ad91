"""The frame's step-through part: the phases of one recorded iteration reached so far, with
the engine's numbers (values, dL/dz, dL/dw, old -> new weights), for every lab that trains
a drawn network (see app/labs/common/training.py)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from neural_playground.engine.stepthrough import Iteration

Numbers = list[float] | list[list[float]]


class UpdateView(BaseModel):
    old: Numbers
    grad: Numbers
    new: Numbers
    state: dict[str, Numbers]  # velocity_before, velocity (momentum); m, v, m_hat, v_hat (adam)


class LayerView(BaseModel):
    """One Dense layer in the walk. Arrays over the batch are (N, ...)."""

    activation: str
    w: list[list[float]]  # before the update
    b: list[float] | None  # None: the layer has no bias
    x: list[list[float]] | None = None  # forward, once reached
    z: list[list[float]] | None = None
    a: list[list[float]] | None = None
    da: list[list[float]] | None = None  # backward, once reached
    fprime: list[list[float]] | None = None  # f'(z); None for softmax
    dz: list[list[float]] | None = None
    dw: list[list[float]] | None = None
    db: list[float] | None = None
    dx: list[list[float]] | None = None  # dL/d(input) = dL/da of the layer before
    dw_penalty: list[list[float]] | None = None  # the weight penalty's part of dw, if any
    update: dict[str, UpdateView] | None = None  # once the update is reached


class LossView(BaseModel):
    name: str
    from_logits: bool
    parts: dict[str, Numbers]  # the formula's pieces (engine.losses.loss_terms)
    terms: list[float]  # each sample's loss
    value: float  # their mean: the loss
    dpred: list[list[float]]  # dL/dprediction
    #: The weight penalty added to the loss (L1/L2: name and rate) and its value, if any.
    regularizer: dict[str, Any] | None = None
    penalty: float | None = None


class PhaseView(BaseModel):
    kind: Literal["forward", "loss", "backward", "update"]
    layer: int | None


class StepThroughView(BaseModel):
    phases: list[PhaseView]
    phase: int  # index into phases of the phase shown last
    complete: bool  # the update has been applied
    optimizer: dict[str, Any]
    layers: list[LayerView]
    loss: LossView | None
    pred_after: list[list[float]] | None
    loss_after: float | None
    penalty_after: float | None = None  # with a regularizer, once the update is reached


class TrainingView(BaseModel):
    loss: str
    optimizer: str
    learning_rate: float
    max_learning_rate: float
    step: int
    diverged: bool


def _list(a: np.ndarray | None) -> Any:
    return None if a is None else np.asarray(a, dtype=float).tolist()


def _layer_view(record, reached: set[str]) -> LayerView:
    view = LayerView(activation=record.activation, w=_list(record.w), b=_list(record.b))
    if "forward" in reached:
        view.x, view.z, view.a = _list(record.x), _list(record.z), _list(record.a)
    if "backward" in reached:
        view.da, view.fprime, view.dz = _list(record.da), _list(record.fprime), _list(record.dz)
        view.dw, view.db, view.dx = _list(record.dw), _list(record.db), _list(record.dx)
        view.dw_penalty = _list(record.dw_penalty)
    if "update" in reached:
        view.update = {
            key: UpdateView(
                old=_list(u.old),
                grad=_list(u.grad),
                new=_list(u.new),
                state={name: _list(v) for name, v in u.state.items()},
            )
            for key, u in record.update.items()
        }
    return view


def loss_view(
    name: str, from_logits: bool, parts: dict[str, np.ndarray], dpred: np.ndarray
) -> LossView:
    """A loss written out: `parts` from engine.losses.loss_terms, `dpred` its gradient."""
    return LossView(
        name=name,
        from_logits=from_logits,
        parts={k: _list(v) for k, v in parts.items() if k not in ("terms", "value")},
        terms=_list(parts["terms"]),
        value=float(parts["value"]),
        dpred=_list(dpred),
    )


def iteration_view(record: Iteration, phase: int) -> StepThroughView:
    """The record as far as `phase` (an index into record.phases): later parts are None."""
    shown = record.phases[: phase + 1]
    reached_loss = ("loss", None) in shown
    updated = ("update", None) in shown
    layers = []
    for k, layer in enumerate(record.layers):
        reached = set()
        if ("forward", k) in shown:
            reached.add("forward")
        if ("backward", k) in shown:
            reached.add("backward")
        if updated:
            reached.add("update")
        layers.append(_layer_view(layer, reached))
    loss = None
    if reached_loss:
        loss = loss_view(record.loss, record.from_logits, record.loss_parts, record.dpred)
        if record.regularizer is not None:
            loss.regularizer, loss.penalty = record.regularizer, record.penalty
    return StepThroughView(
        phases=[PhaseView(kind=kind, layer=layer) for kind, layer in record.phases],
        phase=phase,
        complete=updated,
        optimizer=record.optimizer,
        layers=layers,
        loss=loss,
        pred_after=_list(record.pred_after) if updated else None,
        loss_after=record.loss_after if updated else None,
        penalty_after=(
            record.penalty_after if updated and record.regularizer is not None else None
        ),
    )

"""B.4, "Gradient descent": the loss as a function of one or two chosen weights.

The learner picks any weight of the network (and optionally a second one); the engine
computes the loss over a range of that weight with the others frozen, the slope at the
current point from its backward pass, and, for two weights, a loss surface. Training with
the step-through controls leaves a trail of steps, and the frame says whether they crawl,
descend, oscillate or grow, so the effect of the learning rate can be seen and read.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from app.labs.common.batch_network import (
    ForwardLayer,
    LayerWeights,
    build_model,
    forward_view,
    restore_model,
    weights_of,
)
from app.labs.common.stepthrough_frame import StepThroughView, TrainingView
from app.labs.common.training import TRAINING_COMMANDS, StepThroughLab, Trainer, TrainingSettings
from app.labs.descent.presets import DEFAULT_PRESET, PRESETS, DescentPreset
from app.protocol import FiniteFloat, LabError, Message, command_adapter
from engine import landscape

PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]
CURVE_POINTS = 121  # the one-weight curve: cheap (one forward pass of the batch per point)
SURFACE_EVERY = 15  # while other weights move, recompute the surface every this many frames
Behaviour = Literal["descending", "crawling", "oscillating", "growing", "settled"]

# --- commands -----------------------------------------------------------------------------


class WeightRef(Message):
    """A weight: `param` "w" with index [i, j] (from neuron i to neuron j), or "b" with [j]."""

    layer: int = Field(ge=0)
    param: Literal["w", "b"] = "w"
    index: list[int] = Field(min_length=1, max_length=2)

    def coord(self) -> landscape.Coordinate:
        return (self.layer, self.param, tuple(self.index))


class LoadPreset(Message):
    type: Literal["load_preset"]
    name: PresetName


class SelectWeight(Message):
    """Show weight `weight` in view slot 0 (the curve) or 1 (the second axis of the surface);
    `weight` None in slot 1 goes back to the one-weight view."""

    type: Literal["select_weight"]
    slot: Literal[0, 1] = 0
    weight: WeightRef | None


class SetWeightValue(Message):
    """Move a weight to a value (e.g. a click on the curve): a new starting point."""

    type: Literal["set_weight"]
    weight: WeightRef
    value: FiniteFloat


class DescentState(Message):
    preset: PresetName
    weights: list[LayerWeights] = Field(min_length=1, max_length=8)
    selected: list[WeightRef] = Field(min_length=1, max_length=2)
    training: TrainingSettings


# --- the frame ----------------------------------------------------------------------------


class PointView(BaseModel):
    values: list[float]  # the selected weights (one or two)
    loss: float
    slopes: list[float]  # dL/dw for each selected weight, from the engine's backward pass


class TangentView(BaseModel):
    """A short piece of the tangent line at a point: loss = L + slope * (w - w0)."""

    w: list[float]
    loss: list[float]


class MarkView(BaseModel):
    """The book's slope at a chosen weight (figure B-9)."""

    w: float
    loss: float
    slope: float
    tangent: TangentView


class CurveView(BaseModel):
    weight: WeightRef
    values: list[float]
    losses: list[float | None]  # None where the loss is not a finite number
    tangent: TangentView


class SurfaceView(BaseModel):
    weights: list[WeightRef]
    values1: list[float]  # along the first weight (x axis)
    values2: list[float]  # along the second weight (y axis)
    losses: list[list[float | None]]  # [row: second weight][column: first weight]
    at_step: int  # the other weights are frozen as they were at this iteration


class DescentFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: Literal["descent"] = "descent"
    preset: str
    x: list[list[float]]
    y: list[list[float]]
    layers: list[ForwardLayer]
    prediction: list[list[float]]
    selected: list[WeightRef]
    point: PointView
    curve: CurveView
    marks: list[MarkView]
    #: Sent when it was (re)computed; None with `surface_unchanged` true means "as before",
    #: so a surface of grid^2 numbers does not travel with every frame while training.
    surface: SurfaceView | None
    surface_unchanged: bool
    trail: list[PointView]  # oldest first, ending at the current point
    behaviour: Behaviour | None  # how the last steps went; None until there are a few
    training: TrainingView
    step_through: StepThroughView | None


def finite_or_none(values: np.ndarray) -> list:
    return [float(v) if np.isfinite(v) else None for v in values]


class DescentLab(StepThroughLab):
    name = "descent"
    commands = command_adapter(LoadPreset, SelectWeight, SetWeightValue, *TRAINING_COMMANDS)
    State = DescentState

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.trainer = Trainer(settings)
        self.trainer.after_step = self.extend_trail
        self.sent_surface: SurfaceView | None = None
        self.load(PRESETS[DEFAULT_PRESET])

    # --- state --------------------------------------------------------------------------

    def load(self, preset: DescentPreset) -> None:
        self.preset = preset
        self.model = build_model(preset.activations, [LayerWeights(w=w) for w in preset.weights])
        self.x = np.array(preset.x, dtype=float)
        self.y = np.array(preset.y, dtype=float)
        self.selected = [
            WeightRef(layer=c[0], param=c[1], index=list(c[2])) for c in preset.selected
        ]
        self.trainer.apply(TrainingSettings(loss="mse", learning_rate=preset.learning_rate))
        self.sync()
        self.restart_trail()

    def reset(self) -> None:
        self.load(self.preset)

    def batch(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x, self.y

    def coords(self) -> list[landscape.Coordinate]:
        return [ref.coord() for ref in self.selected]

    def handle(self, command: BaseModel) -> None:
        if self.handle_training(command):
            return
        match command:
            case LoadPreset(name=name):
                self.load(PRESETS[name])
            case SelectWeight(slot=slot, weight=weight):
                self.select(slot, weight)
            case SetWeightValue(weight=weight, value=value):
                coord = self.check_coord(weight)
                landscape.parameter(self.model, coord)[coord[2]] = self.check_value(value, "weight")
                self.trainer.cancel()
                self.restart_trail()
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    def check_coord(self, ref: WeightRef) -> landscape.Coordinate:
        coord = ref.coord()
        try:
            landscape.parameter(self.model, coord)
        except ValueError as exc:
            raise LabError(
                "bad_weight", f"There is no such weight: {exc}.", detail=str(exc)
            ) from None
        return coord

    def select(self, slot: int, weight: WeightRef | None) -> None:
        if weight is None:
            if slot == 0:
                raise LabError("bad_weight", "The first view needs a weight.", detail="slot 0")
            self.selected = self.selected[:1]
        else:
            self.check_coord(weight)
            other = [s for k, s in enumerate(self.selected) if k != slot]
            if any(s.coord() == weight.coord() for s in other):
                raise LabError("same_weight", "Choose two different weights.")
            chosen = list(self.selected)
            if slot < len(chosen):
                chosen[slot] = weight
            else:
                chosen.append(weight)
            self.selected = chosen
        self.restart_trail()

    def snapshot(self) -> DescentState:
        return DescentState(
            preset=self.preset.name,
            weights=weights_of(self.model),
            selected=self.selected,
            training=self.trainer.settings_model(),
        )

    def restore(self, state: DescentState) -> None:
        preset = PRESETS[state.preset]
        like = build_model(preset.activations, [LayerWeights(w=w) for w in preset.weights])
        model = restore_model(preset.activations, state.weights, like, self.settings.max_abs_value)
        self.trainer.check_learning_rate(state.training.learning_rate)
        self.load(preset)
        self.model = model
        for ref in state.selected:
            self.check_coord(ref)
        if len(state.selected) == 2 and state.selected[0].coord() == state.selected[1].coord():
            raise LabError("bad_state", "Choose two different weights.", detail="selected")
        self.selected = list(state.selected)
        self.trainer.apply(state.training)
        self.sync()
        self.restart_trail()

    # --- the trail of steps -------------------------------------------------------------

    def point(self) -> PointView:
        coords = self.coords()
        loss, slopes = landscape.gradient_at(self.model, self.x, self.y, coords, self.trainer.loss)
        values = [landscape.value_of(self.model, c) for c in coords]
        return PointView(values=values, loss=loss, slopes=slopes.tolist())

    def restart_trail(self) -> None:
        self.trail = [self.point()]
        self.surface: SurfaceView | None = None
        self.surface_age = 0  # frames since the surface was computed

    def extend_trail(self) -> None:
        self.trail.append(self.point())
        del self.trail[: -self.settings.max_trail_points]

    def behaviour(self) -> Behaviour | None:
        """How the last few steps went, read from the engine's losses and slopes."""
        if self.trainer.diverged:
            return "growing"
        recent = self.trail[-5:]
        if len(recent) < 4:
            return None
        losses = [p.loss for p in recent]
        slopes = [p.slopes[0] for p in recent]
        scale = max(abs(s) for s in self.trail[0].slopes) or 1.0
        if max(abs(s) for s in recent[-1].slopes) < 1e-3 * scale:
            return "settled"
        if all(b > a for a, b in zip(losses, losses[1:], strict=False)):
            return "growing"
        if all(a * b < 0 for a, b in zip(slopes, slopes[1:], strict=False)):
            return "oscillating"
        if losses[-1] > 0.95 * losses[-2]:
            return "crawling"
        return "descending"

    # --- views --------------------------------------------------------------------------

    def view_range(self, k: int) -> tuple[float, float]:
        """The preset's range, widened to hold the trail (as it moves, or runs away)."""
        seen = [p.values[k] for p in self.trail]
        lo, hi = min(*seen, self.preset.view_range[0]), max(*seen, self.preset.view_range[1])
        pad = max(0.5, 0.15 * (hi - lo))
        return lo - pad, hi + pad

    def curve(self, point: PointView) -> CurveView:
        lo, hi = self.view_range(0)
        values = np.linspace(lo, hi, CURVE_POINTS)
        coord = self.coords()[0]
        losses = landscape.loss_curve(self.model, self.x, self.y, coord, values, self.trainer.loss)
        return CurveView(
            weight=self.selected[0],
            values=values.tolist(),
            losses=finite_or_none(losses),
            tangent=self.tangent(point.values[0], point.loss, point.slopes[0], (hi - lo) / 8),
        )

    @staticmethod
    def tangent(w: float, loss: float, slope: float, half: float) -> TangentView:
        return TangentView(w=[w - half, w + half], loss=[loss - slope * half, loss + slope * half])

    def marks(self) -> list[MarkView]:
        if not self.preset.marks:
            return []
        coord = self.coords()[0]
        losses, slopes = landscape.slopes_along(
            self.model, self.x, self.y, coord, self.preset.marks, self.trainer.loss
        )
        return [
            MarkView(w=w, loss=loss, slope=slope, tangent=self.tangent(w, loss, slope, 0.6))
            for w, loss, slope in zip(self.preset.marks, losses, slopes, strict=True)
        ]

    def surface_view(self) -> SurfaceView | None:
        """Computed again only when needed: it costs grid^2 forward passes."""
        if len(self.selected) < 2:
            return None
        ranges = [self.view_range(0), self.view_range(1)]
        current = self.surface
        if current is not None:
            inside = all(
                vals[0] <= p.values[k] <= vals[-1]
                for p in self.trail[-1:]
                for k, vals in enumerate((current.values1, current.values2))
            )
            others_fixed = self.n_weights() == 2 or self.trainer.steps == current.at_step
            if inside and (others_fixed or self.surface_age < SURFACE_EVERY):
                self.surface_age += 1
                return current
        n = self.settings.landscape_grid
        values = [np.linspace(lo, hi, n) for lo, hi in ranges]
        losses = landscape.loss_surface(
            self.model, self.x, self.y, tuple(self.coords()), tuple(values), self.trainer.loss
        )
        self.surface = SurfaceView(
            weights=self.selected,
            values1=values[0].tolist(),
            values2=values[1].tolist(),
            losses=[finite_or_none(row) for row in losses],
            at_step=self.trainer.steps,
        )
        self.surface_age = 0
        return self.surface

    def n_weights(self) -> int:
        return sum(p.size for layer in self.model.layers for p in layer.params.values())

    def frame(self) -> DescentFrame:
        out, layers = forward_view(self.model, self.x)
        point = self.trail[-1]
        surface = self.surface_view()
        unchanged = surface is not None and surface is self.sent_surface
        self.sent_surface = surface
        return DescentFrame(
            preset=self.preset.name,
            x=self.x.tolist(),
            y=self.y.tolist(),
            layers=layers,
            prediction=out.tolist(),
            selected=self.selected,
            point=point,
            curve=self.curve(point),
            marks=self.marks(),
            surface=None if unchanged else surface,
            surface_unchanged=unchanged,
            trail=self.trail,
            behaviour=self.behaviour(),
            training=self.trainer.view(),
            step_through=self.trainer.step_through_view(),
        )

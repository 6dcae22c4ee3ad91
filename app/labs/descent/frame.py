"""What the B.4 page draws: the frame model, and `DescentRendering`, the part of `DescentLab`
that renders the loss along the selected weights (the curve with its tangent, the surface
for two weights, the trail of steps) from `engine.landscape`."""

from typing import Literal

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.base import CHANGES, Parts
from neural_playground.app.labs.common.batch_network import (
    ForwardLayer,
    forward_view,
)
from neural_playground.app.labs.common.stepthrough_frame import StepThroughView, TrainingView
from neural_playground.app.labs.descent.commands import WeightRef
from neural_playground.engine import landscape

CURVE_POINTS = 121  # the one-weight curve: cheap (one forward pass of the batch per point)
SURFACE_EVERY = 15  # while other weights move, recompute the surface every this many frames
Behaviour = Literal["descending", "crawling", "oscillating", "growing", "settled"]


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


class DescentRendering:
    """The part of `DescentLab` that renders the landscape views."""

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

    def frame(self, parts: Parts = CHANGES) -> DescentFrame:
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

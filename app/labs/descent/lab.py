"""B.4, "Gradient descent": the loss as a function of one or two chosen weights.

The learner picks any weight of the network (and optionally a second one); the engine
computes the loss over a range of that weight with the others frozen, the slope at the
current point from its backward pass, and, for two weights, a loss surface. Training with
the step-through controls leaves a trail of steps, and the frame says whether they crawl,
descend, oscillate or grow, so the effect of the learning rate can be seen and read.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.batch_network import (
    LayerWeights,
    build_model,
    restore_model,
    weights_of,
)
from neural_playground.app.labs.common.training import (
    TRAINING_COMMANDS,
    StepThroughLab,
    Trainer,
    TrainingSettings,
)
from neural_playground.app.labs.descent.commands import (
    DescentState,
    LoadPreset,
    SelectWeight,
    SetWeightValue,
    WeightRef,
)
from neural_playground.app.labs.descent.frame import (
    Behaviour,
    DescentRendering,
    PointView,
    SurfaceView,
)
from neural_playground.app.labs.descent.presets import DEFAULT_PRESET, PRESETS, DescentPreset
from neural_playground.app.protocol import LabError, command_adapter
from neural_playground.engine import landscape


class DescentLab(DescentRendering, StepThroughLab):
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

    def handle_lesson(self, command: BaseModel) -> None:
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
        model = restore_model(preset.activations, state.weights, like)
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

"""What the B.4 page may send: which weights to watch, their values, the examples, and the
whole state (`set_state`, shared links)."""

from typing import Literal

from pydantic import Field

from neural_playground.app.labs.common.batch_network import LayerWeights
from neural_playground.app.labs.common.training import TrainingSettings
from neural_playground.app.labs.descent.presets import PRESETS
from neural_playground.app.protocol import FiniteFloat, Message
from neural_playground.engine import landscape

PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]


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

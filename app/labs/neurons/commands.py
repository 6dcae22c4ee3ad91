"""What the B.1-B.2 page may send: edits of weights, biases, inputs, activations and the
architecture, and the whole state (`set_state`, shared links). Other lessons edit their
networks with the same `SetWeight` / `SetBias` and save them as `DenseWeights`."""

from typing import Literal

from pydantic import Field

from neural_playground.app.labs.common.training import TrainingSettings
from neural_playground.app.labs.neurons.presets import PRESETS
from neural_playground.app.protocol import FiniteFloat, Message
from neural_playground.engine.activations import ACTIVATION_NAMES

PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]
ActivationName = Literal[ACTIVATION_NAMES]  # type: ignore[valid-type]


class ParameterEdit(Message):
    """A new value for one parameter of neuron `j` of layer `layer`: a weight or its bias."""

    layer: int = Field(ge=0)
    j: int = Field(ge=0)
    value: FiniteFloat
    #: Add `value` instead of replacing: key presses and scrolls may outrun frames.
    relative: bool = False


class SetWeight(ParameterEdit):
    """Weight from neuron `i` of layer `layer` - 1 (or input i) to neuron `j` of `layer`."""

    type: Literal["set_weight"]
    i: int = Field(ge=0)


class SetBias(ParameterEdit):
    type: Literal["set_bias"]


class SetInput(Message):
    type: Literal["set_input"]
    i: int = Field(ge=0)
    value: FiniteFloat


class SetActivation(Message):
    type: Literal["set_activation"]
    layer: int = Field(ge=0)
    activation: ActivationName


class SetArchitecture(Message):
    """Neurons per hidden layer, e.g. [3] (single-layer network) or [3, 3] (multi-layer)."""

    type: Literal["set_architecture"]
    hidden: list[int] = Field(max_length=64)


class LoadPreset(Message):
    type: Literal["load_preset"]
    name: PresetName


class Randomize(Message):
    """Fresh random weights from a seed (Xavier), keeping inputs and activations."""

    type: Literal["randomize"]
    seed: int = Field(0, ge=0, le=2**32 - 1)


class DenseWeights(Message):
    w: list[list[FiniteFloat]] = Field(max_length=256)
    b: list[FiniteFloat] = Field(max_length=256)


class NeuronsState(Message):
    """Everything needed to rebuild the page exactly: example, inputs, layers, weights."""

    preset: PresetName
    modified: bool = False
    inputs: list[FiniteFloat] = Field(max_length=64)
    activations: list[ActivationName] = Field(min_length=1, max_length=64)
    weights: list[DenseWeights] = Field(min_length=1, max_length=64)
    #: The wanted outputs for the inputs; None: the example's own.
    target: list[FiniteFloat] | None = Field(None, max_length=64)
    #: None: the example's own loss and learning rate.
    training: TrainingSettings | None = None

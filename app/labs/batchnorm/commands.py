"""What the B.5 page may send: the configuration both networks share, its commands, and the
whole state (`set_state`, shared links)."""

from typing import Annotated, Literal

from pydantic import Field

from neural_playground.app.labs.batchnorm.presets import PRESETS
from neural_playground.app.labs.common.curve import CurveState
from neural_playground.app.labs.common.saved_state import READINGS, Statistics
from neural_playground.app.protocol import FiniteFloat, Message
from neural_playground.engine.data.disc_datasets import DATASET_NAMES

DatasetName = Literal[DATASET_NAMES]  # type: ignore[valid-type]
ActivationName = Literal["sigmoid", "tanh", "relu"]
BatchSize = Literal[8, 16, 32, 64, 128]  # powers of two: they divide the data set exactly
PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]
View = Literal["pre", "post"]
Mode = Literal["train", "eval"]


# --- settings and commands ----------------------------------------------------------------


class Config(Message):
    """What both runs share. Changing any of it starts both runs again from fresh weights."""

    dataset: DatasetName = "circle"
    depth: int = Field(8, ge=1, description="hidden layers")
    width: int = Field(8, ge=1, description="neurons per hidden layer")
    activation: ActivationName = "sigmoid"
    learning_rate: FiniteFloat = Field(0.1, gt=0, le=10)
    batch_size: BatchSize = 32
    #: Multiplies the Xavier-initialised weights: larger scales push deep layers into
    #: saturation (sigmoid, tanh) or blow-up (ReLU) faster without batch normalization.
    weight_scale: FiniteFloat = Field(1.0, ge=0.1, le=5)
    seed: int = Field(0, ge=0, le=2**32 - 1)


class Selection(Message):
    """The neuron (hidden layer, unit), the fixed batch and the sample the formula shows."""

    layer: int = Field(0, ge=0)
    neuron: int = Field(0, ge=0)
    batch: int = Field(0, ge=0)
    sample: int = Field(0, ge=0)


class Configure(Message):
    """Change some settings (the others stay) and start both runs again."""

    type: Literal["configure"]
    dataset: DatasetName | None = None
    depth: int | None = Field(None, ge=1)
    width: int | None = Field(None, ge=1)
    activation: ActivationName | None = None
    learning_rate: FiniteFloat | None = Field(None, gt=0, le=10)
    batch_size: BatchSize | None = None
    weight_scale: FiniteFloat | None = Field(None, ge=0.1, le=5)
    seed: int | None = Field(None, ge=0, le=2**32 - 1)


class SetView(Message):
    """Histogram what enters the activation function ("pre") or what leaves it ("post")."""

    type: Literal["set_view"]
    view: View


class SetMode(Message):
    """Normalize with each batch's statistics ("train") or the running ones ("eval")."""

    type: Literal["set_mode"]
    mode: Mode


class Select(Selection):
    type: Literal["select"]


class LoadPreset(Message):
    """One of the examples: its settings, fresh weights, the default view and selection."""

    type: Literal["load_preset"]
    name: PresetName


# --- whole state --------------------------------------------------------------------------

Weights = list[dict[str, list[FiniteFloat] | list[list[FiniteFloat]]]]
# The engine BatchNorm's buffers: measured, not set.
RUNNING_STATISTICS = Statistics(frozenset({"running_mean", "running_var"}))


class BatchNormState(Message):
    config: Config = Field(default_factory=Config)
    preset: PresetName | None = None  # the example last loaded
    view: View = "pre"
    mode: Mode = "train"
    selection: Selection = Field(default_factory=Selection)
    step: int = Field(0, ge=0)
    plain: Annotated[Weights, RUNNING_STATISTICS] = Field(max_length=200)
    batchnorm: Annotated[Weights, RUNNING_STATISTICS] = Field(max_length=200)
    curve: Annotated[CurveState, READINGS] = Field(default_factory=CurveState)

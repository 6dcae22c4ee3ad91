"""What the autoencoder page may send: data, architecture, training and decoding commands,
and the whole state (`set_state`, shared links)."""

from typing import Literal

from pydantic import Field

from neural_playground.app.data.images import ImageSetName
from neural_playground.app.labs.autoencoder.presets import PRESETS as AUTOENCODER_PRESETS
from neural_playground.app.labs.common.training_checks import OptimizerSpec
from neural_playground.app.labs.neurons.commands import DenseWeights
from neural_playground.app.protocol import FiniteFloat, Message

HiddenActivation = Literal["tanh", "relu", "leaky_relu", "sigmoid"]
PresetName = Literal[tuple(AUTOENCODER_PRESETS)]  # type: ignore[valid-type]


# --- commands -----------------------------------------------------------------------------


class SetDataset(Message):
    type: Literal["set_dataset"]
    name: ImageSetName


class SetArchitecture(Message):
    """Hidden layer widths of the encoder (the decoder mirrors them) and the code size."""

    type: Literal["set_architecture"]
    hidden: list[int] = Field(max_length=64)
    bottleneck: int


class SetActivation(Message):
    type: Literal["set_activation"]
    activation: HiddenActivation


class SetOptimizer(Message):
    type: Literal["set_optimizer"]
    optimizer: OptimizerSpec


class SetNoise(Message):
    """Denoising: the encoder sees images with this much Gaussian noise, the target is clean."""

    type: Literal["set_noise"]
    level: FiniteFloat = Field(ge=0, le=1)


class SetSeed(Message):
    """Fresh weights and batches from this seed."""

    type: Literal["set_seed"]
    seed: int = Field(ge=0, le=2**32 - 1)


class Decode(Message):
    """Decode the point (x, y) of the latent plane into an image."""

    type: Literal["decode"]
    x: FiniteFloat
    y: FiniteFloat


class SetDrawing(Message):
    """The learner's own image, row by row, pixels 0 (paper) to 1 (ink); null clears it."""

    type: Literal["set_drawing"]
    pixels: list[FiniteFloat] | None = Field(max_length=1024)


class LoadPreset(Message):
    """One of the examples: its settings, fresh weights from seed 0, untrained."""

    type: Literal["load_preset"]
    name: PresetName


# --- state --------------------------------------------------------------------------------


class AutoencoderState(Message):
    """Everything to rebuild the page: data, network, weights, training settings, probes."""

    dataset: ImageSetName = "digits"
    hidden: list[int] = Field(default_factory=lambda: [32], max_length=64)
    bottleneck: int = 2
    activation: HiddenActivation = "tanh"
    optimizer: OptimizerSpec = Field(default_factory=OptimizerSpec)
    noise: FiniteFloat = Field(0.0, ge=0, le=1)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    step: int = Field(0, ge=0)
    #: Encoder layers then decoder layers; None for fresh weights from the seed.
    weights: list[DenseWeights] | None = Field(None, max_length=130)
    probe: tuple[FiniteFloat, FiniteFloat] | None = None
    drawing: list[FiniteFloat] | None = Field(None, max_length=1024)
    preset: PresetName | None = None  # the example last loaded

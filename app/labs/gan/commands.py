"""What the GAN page may send: its commands, and the whole state (`set_state`, shared links)
with the examples as states (`preset_state`): network sizes and optimizers per data family."""

from typing import Literal

from pydantic import Field

from neural_playground.app.labs.common.training_checks import OptimizerSpec
from neural_playground.app.labs.gan.presets import PRESETS as GAN_PRESETS
from neural_playground.app.labs.neurons.commands import DenseWeights
from neural_playground.app.protocol import FiniteFloat, Message

PLANE_DATA = ("ring", "line", "mixture", "moons", "drawn")
IMAGE_DATA = ("digits", "patterns")
DataName = Literal[PLANE_DATA + IMAGE_DATA]  # type: ignore[valid-type]
NoiseKind = Literal["uniform", "gaussian"]
Network = Literal["generator", "discriminator"]
PresetName = Literal[tuple(GAN_PRESETS)]  # type: ignore[valid-type]
MAX_STEPS_PER_ITERATION = 10


def family(data: str) -> Literal["plane", "images"]:
    return "images" if data in IMAGE_DATA else "plane"


def plane_optimizer() -> OptimizerSpec:
    return OptimizerSpec(name="adam", learning_rate=0.005, beta1=0.5)


def image_optimizer() -> OptimizerSpec:
    return OptimizerSpec(name="adam", learning_rate=0.002, beta1=0.5)


#: Network sizes and optimizers that train well, per family; switching family loads them.
FAMILY_DEFAULTS = {
    "plane": lambda: {
        "noise_dim": 2, "g_hidden": [16, 16], "d_hidden": [16, 16],
        "g_optimizer": plane_optimizer(), "d_optimizer": plane_optimizer(),
    },
    "images": lambda: {
        "noise_dim": 8, "g_hidden": [64], "d_hidden": [64],
        "g_optimizer": image_optimizer(), "d_optimizer": image_optimizer(),
    },
}  # fmt: skip


# --- commands -----------------------------------------------------------------------------


class SetData(Message):
    type: Literal["set_data"]
    name: DataName


class DrawPoints(Message):
    """Real data drawn by hand: the points replace any earlier drawing and become the data."""

    type: Literal["draw_points"]
    points: list[tuple[FiniteFloat, FiniteFloat]] = Field(max_length=100_000)


class SetNoise(Message):
    type: Literal["set_noise"]
    kind: NoiseKind
    dim: int


class SetNetworks(Message):
    """Hidden layer widths of G and of D."""

    type: Literal["set_networks"]
    g_hidden: list[int] = Field(max_length=64)
    d_hidden: list[int] = Field(max_length=64)


class SetOptimizer(Message):
    type: Literal["set_optimizer"]
    network: Network
    optimizer: OptimizerSpec


class SetSchedule(Message):
    """k: discriminator updates, then generator updates, per iteration."""

    type: Literal["set_schedule"]
    d_steps: int = Field(ge=1, le=MAX_STEPS_PER_ITERATION)
    g_steps: int = Field(1, ge=1, le=MAX_STEPS_PER_ITERATION)


class StepDiscriminator(Message):
    type: Literal["step_discriminator"]


class StepGenerator(Message):
    type: Literal["step_generator"]


class SetSlowMotion(Message):
    """Pause at every phase of an iteration (D on real, D on fake, D update, G update)."""

    type: Literal["set_slow_motion"]
    on: bool


class SetSeed(Message):
    type: Literal["set_seed"]
    seed: int = Field(ge=0, le=2**32 - 1)


class LoadPreset(Message):
    """One of the examples: its data with the sizes and optimizers that train well on it,
    fresh weights from seed 0, untrained."""

    type: Literal["load_preset"]
    name: PresetName


# --- state --------------------------------------------------------------------------------


class GanState(Message):
    data: DataName = "ring"
    drawn: list[tuple[FiniteFloat, FiniteFloat]] = Field(default_factory=list, max_length=100_000)
    noise_kind: NoiseKind = "uniform"
    noise_dim: int = 2
    g_hidden: list[int] = Field(default_factory=lambda: [16, 16], max_length=64)
    d_hidden: list[int] = Field(default_factory=lambda: [16, 16], max_length=64)
    g_optimizer: OptimizerSpec = Field(default_factory=plane_optimizer)
    d_optimizer: OptimizerSpec = Field(default_factory=plane_optimizer)
    d_steps: int = Field(1, ge=1, le=MAX_STEPS_PER_ITERATION)
    g_steps: int = Field(1, ge=1, le=MAX_STEPS_PER_ITERATION)
    slow_motion: bool = False
    seed: int = Field(0, ge=0, le=2**32 - 1)
    iteration: int = Field(0, ge=0)
    #: None for fresh weights from the seed.
    generator: list[DenseWeights] | None = Field(None, max_length=65)
    discriminator: list[DenseWeights] | None = Field(None, max_length=65)
    preset: PresetName | None = None  # the example last loaded


def preset_state(name: str) -> GanState:
    data = GAN_PRESETS[name]["data"]
    return GanState(**{**FAMILY_DEFAULTS[family(data)](), **GAN_PRESETS[name], "preset": name})

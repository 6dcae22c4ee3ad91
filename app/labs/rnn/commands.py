"""What the B.7 page may send: its commands, and the whole state (`set_state`, shared links).

The ranges of the settings are declared once, for the commands and the saved state alike.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from neural_playground.app.labs.common.saved_state import READINGS
from neural_playground.app.labs.rnn.presets import PRESETS
from neural_playground.app.labs.rnn.tasks import DEFAULT_LENGTH, TASK_NAMES
from neural_playground.app.protocol import FiniteFloat, Message
from neural_playground.engine.layers.recurrent import CELL_NAMES
from neural_playground.engine.optimizers import OPTIMIZER_NAMES

TaskName = Literal[TASK_NAMES]  # type: ignore[valid-type]
CellName = Literal[CELL_NAMES]  # type: ignore[valid-type]
OptimizerName = Literal[OPTIMIZER_NAMES]  # type: ignore[valid-type]
PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]

# Ranges shared by the commands and the saved settings.
Scale = Annotated[float, Field(gt=0, le=8)]
MemoryBias = Annotated[float, Field(ge=-5, le=8)]
ClipNorm = Annotated[FiniteFloat, Field(gt=0, le=1e6)]
LearningRate = Annotated[float, Field(gt=0, le=10)]
Seed = Annotated[int, Field(ge=0, le=2**32 - 1)]

HISTORY_POINTS = 120  # loss points kept per network; older ones are thinned out


# --- commands -----------------------------------------------------------------------------


class SetTask(Message):
    type: Literal["set_task"]
    task: TaskName


class SetCell(Message):
    """Which of the three networks the unrolled view, gates and equations show."""

    type: Literal["set_cell"]
    cell: CellName


class SetHidden(Message):
    type: Literal["set_hidden"]
    hidden: int = Field(ge=1)


class SetLength(Message):
    """Series: days in the window; memory: steps N between the symbol and the question."""

    type: Literal["set_length"]
    length: int = Field(ge=1)


class SetSymbols(Message):
    type: Literal["set_symbols"]
    symbols: int = Field(ge=2)


class SetRecurrentScale(Message):
    """Rebuild with the recurrent weights' singular values all equal to `scale`."""

    type: Literal["set_recurrent_scale"]
    scale: Scale


class SetMemoryBias(Message):
    """Rebuild with this starting bias of the LSTM forget gate and the GRU update gate."""

    type: Literal["set_memory_bias"]
    bias: MemoryBias


class SetClip(Message):
    """Clip ||dL/dh_t|| at every step of backpropagation through time (null: off)."""

    type: Literal["set_clip"]
    clip: ClipNorm | None


class SetOptimizer(Message):
    type: Literal["set_optimizer"]
    name: OptimizerName
    learning_rate: LearningRate


class Randomize(Message):
    """Fresh weights and data from a seed."""

    type: Literal["randomize"]
    seed: Seed = 0


class SetSample(Message):
    """Which example of the evaluation set to unroll."""

    type: Literal["set_sample"]
    index: int = Field(ge=0)


class SetCursor(Message):
    """Run the forward pass for the first `steps` time steps only (step through time)."""

    type: Literal["set_cursor"]
    steps: int = Field(ge=1)


class LoadPreset(Message):
    """One of the examples: its settings, fresh networks, training from step 0."""

    type: Literal["load_preset"]
    name: PresetName


class Focus(Message):
    """The time step and hidden unit whose equations are written out."""

    type: Literal["focus"]
    step: int = Field(ge=0)
    unit: int = Field(ge=0)


# --- whole state --------------------------------------------------------------------------


class RnnSettings(Message):
    task: TaskName = "words"
    cell: CellName = "lstm"
    hidden: int = Field(8, ge=1, le=256)
    length: int = Field(DEFAULT_LENGTH["words"], ge=1, le=1000)
    symbols: int = Field(3, ge=2, le=16)
    recurrent_scale: Scale = 1.0
    memory_bias: MemoryBias = 3.0
    clip: ClipNorm | None = None
    optimizer: OptimizerName = "adam"
    learning_rate: LearningRate = 0.02
    seed: Seed = 0
    sample: int = Field(0, ge=0)
    cursor: int | None = Field(None, ge=1)  # None: every step
    focus_step: int = Field(0, ge=0)
    focus_unit: int = Field(0, ge=0)


Weights = list[dict[str, list[list[FiniteFloat]] | list[FiniteFloat]]]


Losses = Annotated[list[FiniteFloat], Field(max_length=2 * HISTORY_POINTS)]


class LossHistory(Message):
    """Training loss of each network at the recorded steps (thinned out as it grows)."""

    steps: list[int] = Field(default_factory=list, max_length=2 * HISTORY_POINTS)
    loss: dict[CellName, Losses] = Field(default_factory=dict)


class RnnState(Message):
    """Settings, training step, the three networks' weights and their loss curves.

    Optimizer moments are not kept: a restored page trains on with fresh ones.
    """

    settings: RnnSettings
    preset: PresetName | None = None  # the example last loaded
    step: int = Field(0, ge=0)
    weights: dict[CellName, Weights]
    history: Annotated[LossHistory, READINGS] = Field(default_factory=LossHistory)

"""What the digits page may send: the networks' shape and training settings, which digit
it shows (one of the test set, or one the learner draws), and the whole state."""

from typing import Annotated, Literal

from pydantic import Field

from neural_playground.app.labs.common.curve import CurveState
from neural_playground.app.labs.common.saved_state import READINGS
from neural_playground.app.labs.digits.presets import PRESETS
from neural_playground.app.protocol import FiniteFloat, Message
from neural_playground.engine.data.digits import MAX_INK, SIDE

PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]
Pooling = Literal["max", "avg", "none"]
OptimizerName = Literal["adam", "sgd"]
BatchSize = Literal[16, 32, 64]
Index = Annotated[int, Field(ge=0, lt=SIDE)]
Ink = Annotated[int, Field(ge=0, le=MAX_INK)]


class Config(Message):
    """Both networks' shape and training. Changing any of it starts both again, fresh."""

    blocks: int = Field(1, ge=1, le=2, description="convolution blocks")
    filters: int = Field(8, ge=1, le=8, description="filters per block")
    kernel: Literal[2, 3] = 3
    stride: Literal[1, 2] = 1
    padding: Literal[0, 1] = 1
    relu: bool = True
    pool: Pooling = "max"
    optimizer: OptimizerName = "adam"
    learning_rate: FiniteFloat = Field(0.01, gt=0, le=1)
    batch_size: BatchSize = 32
    seed: int = Field(0, ge=0, le=2**32 - 1)


class Configure(Message):
    """Change some settings (the others stay) and start both networks again."""

    type: Literal["configure"]
    blocks: int | None = Field(None, ge=1, le=2)
    filters: int | None = Field(None, ge=1, le=8)
    kernel: Literal[2, 3] | None = None
    stride: Literal[1, 2] | None = None
    padding: Literal[0, 1] | None = None
    relu: bool | None = None
    pool: Pooling | None = None
    optimizer: OptimizerName | None = None
    learning_rate: FiniteFloat | None = Field(None, gt=0, le=1)
    batch_size: BatchSize | None = None
    seed: int | None = Field(None, ge=0, le=2**32 - 1)


class Select(Message):
    """Show the test set's digit number `index` (the drawing, if any, is put away)."""

    type: Literal["select"]
    index: int = Field(ge=0)


class Paint(Message):
    """One stroke on the learner's 8x8 digit: these cells get this much ink (0 erases). The
    first stroke starts from the digit shown, so a 1 can be turned into a 7."""

    type: Literal["paint"]
    cells: list[tuple[Index, Index]] = Field(min_length=1, max_length=SIDE * SIDE)
    value: int = Field(ge=0, le=MAX_INK)


class ClearDrawing(Message):
    """An empty 8x8 grid to draw on."""

    type: Literal["clear_drawing"]


class LoadPreset(Message):
    type: Literal["load_preset"]
    name: PresetName


# --- whole state --------------------------------------------------------------------------

Weights = list[dict[str, list]]


class DigitsState(Message):
    config: Config = Field(default_factory=Config)
    preset: PresetName | None = None
    step: int = Field(0, ge=0)
    selected: int = Field(0, ge=0)
    drawing: list[Ink] | None = Field(None, min_length=SIDE * SIDE, max_length=SIDE * SIDE)
    conv: Weights = Field(max_length=16)
    dense: Weights = Field(max_length=4)
    curve: Annotated[CurveState, READINGS] = Field(default_factory=CurveState)

"""What the B.6 page may send: its commands, and the whole state (`set_state`, shared links)."""

from typing import Annotated, Literal

from pydantic import Field

from neural_playground.app.labs.conv.presets import (
    SIZE,
    FigureName,
    ImagePresetName,
    KernelPresetName,
)
from neural_playground.app.protocol import FiniteFloat, Message

Mode = Literal["gray", "rgb"]
PoolName = Literal["max", "avg"]
CHANNELS: dict[str, int] = {"gray": 1, "rgb": 3}
POOL_SIZES = (2, 3)
Index = Annotated[int, Field(ge=0)]
PresetName = ImagePresetName | FigureName


# --- commands -----------------------------------------------------------------------------


class Paint(Message):
    """One stroke: set these cells of one channel to one intensity (0 erases)."""

    type: Literal["paint"]
    cells: list[tuple[Index, Index]] = Field(min_length=1, max_length=SIZE * SIZE * 4)
    value: int
    channel: int = Field(0, ge=0)


class SetKernelCell(Message):
    type: Literal["set_kernel_cell"]
    channel: int = Field(0, ge=0)
    i: int = Field(ge=0)
    j: int = Field(ge=0)
    value: FiniteFloat


class SetKernel(Message):
    """A whole kernel at once; in grey mode its size becomes the kernel size."""

    type: Literal["set_kernel"]
    channel: int = Field(0, ge=0)
    values: list[list[FiniteFloat]] = Field(max_length=16)


class LoadKernelPreset(Message):
    """A preset at the current size, for one channel or (channel omitted) for all."""

    type: Literal["load_kernel_preset"]
    name: KernelPresetName
    channel: int | None = Field(None, ge=0)


class SetKernelSize(Message):
    type: Literal["set_kernel_size"]
    size: int


class SetConv(Message):
    type: Literal["set_conv"]
    stride: int
    padding: int


class SetPool(Message):
    type: Literal["set_pool"]
    size: int
    stride: int


class SetRelu(Message):
    type: Literal["set_relu"]
    on: bool


class SetHeadPool(Message):
    """Which pooled map is flattened for the dense head (the book flattens max pooling)."""

    type: Literal["set_head_pool"]
    pool: PoolName


class SetMode(Message):
    type: Literal["set_mode"]
    mode: Mode


class LoadPreset(Message):
    """An image preset; in colour mode into one channel, or (channel omitted) all three.
    A figure of the book: its example with the book's settings and that figure's windows."""

    type: Literal["load_preset"]
    name: PresetName
    channel: int | None = Field(None, ge=0)


class ShowWindow(Message):
    """Which sliding window (`conv`: output cell, row by row) or pooling window (`pool`:
    pooled cell, row by row) the page shows and writes out."""

    type: Literal["show_window"]
    conv: int | None = Field(None, ge=0)
    pool: int | None = Field(None, ge=0)


# --- whole state --------------------------------------------------------------------------

Matrix = list[list[FiniteFloat]]


class Picture(Message):
    """One mode's image (C, 5, 5) and its kernels (C, k, k), one kernel per channel."""

    image: list[Matrix] = Field(min_length=1, max_length=3)
    kernels: list[Matrix] = Field(min_length=1, max_length=3)


class ConvState(Message):
    mode: Mode = "gray"
    preset: PresetName = "b12"
    modified: bool = False
    gray: Picture
    rgb: Picture
    stride: int = 1
    padding: int = 0
    relu: bool = True
    pool_size: int = 2
    pool_stride: int = 2
    head_pool: PoolName = "max"
    window: int = Field(0, ge=0)
    pool_window: int = Field(0, ge=0)

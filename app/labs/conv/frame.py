"""What the B.6 page draws: the frame model, and `ConvRendering`, the part of `ConvLab` that
runs the picture through the pipeline (convolution, ReLU, both poolings, the trained head)
and renders every number of it."""

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.base import CHANGES, Parts
from neural_playground.app.labs.conv.head import HEADS, Pipeline
from neural_playground.app.labs.conv.presets import (
    BOOK_IMAGE,
    KERNEL_PRESETS,
    LEVELS,
    SIZE,
    kernel_preset_of,
)
from neural_playground.engine.activations import activation_forward
from neural_playground.engine.conv import ConvTrace, PoolTrace, conv2d_trace, flatten, pool2d_trace
from neural_playground.engine.data.strokes import STROKE_CLASSES
from neural_playground.engine.layers.pooling import POOL_MODES

# Below this accuracy on new strokes, the page explains that one filter sees too little.
ONE_FILTER_ACCURACY = 0.8


class ConvView(BaseModel):
    """The convolution of the current image; output (H', W'), C channels, k x k kernels."""

    padded: list[list[list[float]]]  # (C, 5 + 2p, 5 + 2p): the image in its zero border
    windows: list[list[list[list[list[float]]]]]  # [i][j][c]: the k x k pixels under window
    products: list[list[list[list[list[float]]]]]  # [i][j][c]: pixel x weight
    origins: list[list[list[int]]]  # [i][j]: top-left (row, col) of the window in `padded`
    channel_maps: list[list[list[float]]]  # (C, H', W'): each channel's share
    map: list[list[float]]  # (H', W'): the feature map, the sum over channels
    n: int  # the formula of the output size: (n + 2p - k) / s + 1 = out
    k: int
    out: int


class PoolView(BaseModel):
    mode: str
    size: int
    stride: int
    out: list[list[float]]
    windows: list[list[list[list[float]]]]  # [i][j]: size x size values
    argmax: list[list[list[int]]] | None  # [i][j]: (row, col) of the maximum in the window
    origins: list[list[list[int]]]
    covered: list[int]  # rows and columns of the map that some window reaches


class HeadView(BaseModel):
    classes: list[str]  # catalog keys
    probabilities: list[float]
    predicted: int
    features: int
    hidden: int
    train_accuracy: float
    test_accuracy: float
    train_loss: float
    samples: int
    steps: int


class Problem(BaseModel):
    code: str
    message: str
    params: dict[str, Any]


class ConvOption(BaseModel):
    """One stride/padding pair and what it gives: an output size, or why it cannot be."""

    stride: int
    padding: int
    out: int | None
    problem: Problem | None


class Notice(BaseModel):
    key: str
    params: dict[str, Any]


class ConvFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: Literal["conv"] = "conv"
    mode: str
    preset: str
    modified: bool
    channels: int
    levels: list[int]
    kernel_size: int
    kernels: list[list[list[float]]]
    kernel_presets: list[str | None]  # per channel: the preset its kernel equals, if any
    stride: int
    padding: int
    relu: bool
    pool_size: int
    pool_stride: int
    head_pool: str
    image: list[list[list[float]]]  # (C, 5, 5)
    conv: ConvView
    activated: list[list[float]]  # the feature map after ReLU (or unchanged without it)
    pools: list[PoolView]  # max, then average
    window: int  # the sliding window shown: output cell, row by row
    pool_window: int  # the pooling window shown: pooled cell, row by row
    flatten: list[float]  # the head's input: the chosen pooled map, row by row
    head: HeadView
    options: list[ConvOption]
    notes: list[str]  # catalog keys of remarks on the book
    notice: Notice | None  # a one-off remark on the last command
    limits: dict[str, float]


class ConvRendering:
    """The part of `ConvLab` that runs the picture through the pipeline and renders it."""

    def pipeline_settings(self) -> dict[str, Any]:
        """Stride, padding, ReLU and pooling as the frame and the saved state both carry them."""
        return {
            "stride": self.stride,
            "padding": self.padding,
            "relu": self.relu,
            "pool_size": self.pool_size,
            "pool_stride": self.pool_stride,
            "head_pool": self.head_pool,
        }

    def pipeline(self) -> Pipeline:
        return Pipeline(
            kernels=tuple(tuple(map(tuple, k)) for k in self.kernels.tolist()),
            stride=self.stride,
            padding=self.padding,
            relu=self.relu,
            pool_size=self.pool_size,
            pool_stride=self.pool_stride,
            pool=self.head_pool,
        )

    def head_model(self):
        """The head trained for the current pipeline (from the shared cache, or trained now)."""
        pipeline = self.pipeline()
        if pipeline != self.head_pipeline:
            s = self.settings
            self.head = HEADS.get(pipeline, s.conv_head_steps, s.conv_head_cache)
            self.head_net = self.head.model()
            self.head_pipeline = pipeline
        return self.head, self.head_net

    def frame(self, parts: Parts = CHANGES) -> ConvFrame:
        trace = conv2d_trace(self.image, self.kernels, self.stride, self.padding)
        activated = activation_forward("relu" if self.relu else "linear", trace.out)
        pools = {mode: pool2d_trace(activated, self.pool_size, self.pool_stride, mode)
                 for mode in POOL_MODES}  # fmt: skip
        vector = flatten(pools[self.head_pool].out[0])
        head, net = self.head_model()
        probabilities = net.forward(vector[None])[0]
        return ConvFrame(
            mode=self.mode,
            preset=self.preset,
            modified=self.modified,
            channels=self.image.shape[0],
            levels=list(LEVELS),
            kernel_size=self.kernel_size,
            kernels=self.kernels.tolist(),
            kernel_presets=[kernel_preset_of(k) for k in self.kernels.tolist()],
            **self.pipeline_settings(),
            image=self.image.tolist(),
            conv=self.conv_view(trace),
            activated=activated.tolist(),
            pools=[self.pool_view(mode, pools[mode]) for mode in POOL_MODES],
            # A change of shape may leave the chosen windows past the end: the last ones then.
            window=min(self.window, trace.out.shape[0] * trace.out.shape[1] - 1),
            pool_window=min(self.pool_window, pools["max"].out[0].size - 1),
            flatten=vector.tolist(),
            head=HeadView(
                classes=[f"conv.class.{name}" for name in STROKE_CLASSES],
                probabilities=probabilities.tolist(),
                predicted=int(np.argmax(probabilities)),
                features=head.features,
                hidden=net.layers[0].n_out,
                train_accuracy=head.train_accuracy,
                test_accuracy=head.test_accuracy,
                train_loss=head.train_loss,
                samples=head.samples,
                steps=head.steps,
            ),
            options=self.options(),
            notes=self.notes(pools[self.head_pool], trace),
            notice=self.notice,
            limits={
                "max_stride": self.settings.conv_max_stride,
                "max_padding": self.settings.conv_max_padding,
                "max_kernel_value": self.settings.conv_max_kernel_value,
            },
        )

    def conv_view(self, trace: ConvTrace) -> ConvView:
        return ConvView(
            padded=trace.padded.tolist(),
            windows=trace.windows.tolist(),
            products=trace.products.tolist(),
            origins=trace.origins.tolist(),
            channel_maps=trace.channel_maps.tolist(),
            map=trace.out.tolist(),
            n=SIZE,
            k=self.kernel_size,
            out=trace.out.shape[0],
        )

    def pool_view(self, mode: str, trace: PoolTrace) -> PoolView:
        return PoolView(
            mode=mode,
            size=self.pool_size,
            stride=self.pool_stride,
            out=trace.out[0].tolist(),
            windows=trace.windows[0].tolist(),
            argmax=None if trace.argmax is None else trace.argmax[0].tolist(),
            origins=trace.origins.tolist(),
            covered=list(trace.covered),
        )

    def is_book_example(self) -> bool:
        return (
            self.mode == "gray"
            and np.array_equal(self.image[0], BOOK_IMAGE)
            and np.array_equal(self.kernels[0], KERNEL_PRESETS["diagonal"][2])
            and (self.stride, self.padding, self.pool_size, self.pool_stride) == (1, 0, 2, 2)
        )

    def notes(self, pooled: PoolTrace, trace: ConvTrace) -> list[str]:
        """Remarks on the book that fit what is on the page now."""
        notes = []
        if self.is_book_example():
            notes += ["note.conv_book_figures", "note.conv_diagonal_filter"]
        if self.mode == "rgb":
            notes.append("note.conv_rgb_channels")
        if self.padding:
            notes.append("note.conv_padding_keeps_size")
        if pooled.covered[0] < trace.out.shape[0]:
            notes.append("note.conv_pool_left_out")
        if self.head_model()[0].test_accuracy < ONE_FILTER_ACCURACY:
            notes.append("note.conv_one_filter")
        notes.append("note.conv_bias_and_flip")
        return notes

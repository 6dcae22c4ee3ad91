"""B.6 "Convolutional networks": draw a 5x5 image and watch the whole CNN pipeline compute.

image -> convolution with the learner's kernel (one per colour channel) -> optional ReLU
-> max and average pooling side by side -> flatten -> a dense head with softmax trained
on generated strokes. Every number in the frame comes from the engine (``engine.conv``
for the single image, the engine's layers for the head and its training).

Convolution settings must let the windows see every pixel (as CNN Explainer requires);
pooling leaves out windows that would hang over the edge, as Keras and PyTorch do.
"""

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.conv.commands import (
    CHANNELS,
    POOL_SIZES,
    ConvState,
    LoadKernelPreset,
    LoadPreset,
    Paint,
    Picture,
    SetConv,
    SetHeadPool,
    SetKernel,
    SetKernelCell,
    SetKernelSize,
    SetMode,
    SetPool,
    SetRelu,
    ShowWindow,
)
from neural_playground.app.labs.conv.frame import (
    ConvOption,
    ConvRendering,
    Notice,
    Problem,
)
from neural_playground.app.labs.conv.head import Pipeline
from neural_playground.app.labs.conv.presets import (
    BOOK_IMAGE,
    COLOUR_IMAGE,
    COLOUR_KERNELS,
    DEFAULT_KERNEL,
    FIGURES,
    IMAGE_PRESETS,
    KERNEL_PRESETS,
    KERNEL_SIZES,
    LEVELS,
    SIZE,
    kernel_preset_of,
)
from neural_playground.app.protocol import LabError, command_adapter
from neural_playground.engine.conv import conv_fit

# Below this accuracy on new strokes, the page explains that one filter sees too little.


def preset_kernel(name: str, size: int) -> np.ndarray:
    return np.array(KERNEL_PRESETS[name][size], dtype=float)


def default_picture(mode: str, size: int = 2) -> tuple[np.ndarray, np.ndarray]:
    if mode == "gray":
        return np.array([BOOK_IMAGE], dtype=float), preset_kernel(DEFAULT_KERNEL, size)[None]
    kernels = np.stack([preset_kernel(name, size) for name in COLOUR_KERNELS])
    return np.array(COLOUR_IMAGE, dtype=float), kernels


class ConvLab(ConvRendering, Lab):
    name = "conv"
    commands = command_adapter(
        Paint,
        SetKernelCell,
        SetKernel,
        LoadKernelPreset,
        SetKernelSize,
        SetConv,
        SetPool,
        SetRelu,
        SetHeadPool,
        SetMode,
        LoadPreset,
        ShowWindow,
    )
    State = ConvState

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.head_pipeline: Pipeline | None = None
        self.mode, self.preset = "gray", "b12"  # the book's example: figure B-12
        self.reset()

    # --- state --------------------------------------------------------------------------

    def reset(self) -> None:
        """The current picture preset again, with the book's diagonal filter and settings
        (a figure: the book's example in grey, with the figure's windows)."""
        self.pictures = {mode: default_picture(mode) for mode in CHANNELS}
        self.stride, self.padding, self.relu = 1, 0, True
        self.pool_size, self.pool_stride, self.head_pool = 2, 2, "max"
        self.window, self.pool_window = FIGURES.get(self.preset, (0, 0))
        if self.preset in FIGURES:
            self.mode = "gray"
        elif self.preset not in ("b12", "colour"):  # those two are the default pictures
            self.load_image(self.preset, None)
        self.modified = False
        self.notice: Notice | None = None

    @property
    def image(self) -> np.ndarray:
        return self.pictures[self.mode][0]

    @property
    def kernels(self) -> np.ndarray:
        return self.pictures[self.mode][1]

    @property
    def kernel_size(self) -> int:
        return self.kernels.shape[1]

    def handle(self, command: BaseModel) -> None:
        self.notice = None
        match command:
            case Paint(cells=cells, value=value, channel=channel):
                self.require_index(channel, self.image.shape[0], "channel")
                if value not in LEVELS:
                    raise LabError(
                        "conv_level",
                        f"Pixels take the book's intensities 0, 1 or 2 (got {value}).",
                        value=value,
                    )
                for r, c in cells:
                    self.require_index(r, SIZE, "row")
                    self.require_index(c, SIZE, "column")
                for r, c in cells:
                    self.image[channel, r, c] = value
                self.modified = True
            case SetKernelCell(channel=channel, i=i, j=j, value=value):
                self.require_index(channel, self.kernels.shape[0], "channel")
                self.require_index(i, self.kernel_size, "i")
                self.require_index(j, self.kernel_size, "j")
                self.kernels[channel, i, j] = self.check_weight(value)
                self.modified = True
            case SetKernel(channel=channel, values=values):
                self.set_kernel(channel, values)
            case LoadKernelPreset(name=name, channel=channel):
                channels = range(self.kernels.shape[0]) if channel is None else [channel]
                for c in channels:
                    self.require_index(c, self.kernels.shape[0], "channel")
                    self.kernels[c] = preset_kernel(name, self.kernel_size)
                self.modified = True
            case SetKernelSize(size=size):
                self.resize_kernels(size)
            case SetConv(stride=stride, padding=padding):
                self.raise_problem(self.problem_with(stride=stride, padding=padding))
                self.stride, self.padding = stride, padding
            case SetPool(size=size, stride=stride):
                self.raise_problem(self.problem_with(pool_size=size, pool_stride=stride))
                self.pool_size, self.pool_stride = size, stride
            case SetRelu(on=on):
                self.relu = on
            case SetHeadPool(pool=pool):
                self.head_pool = pool
            case SetMode(mode=mode):
                self.mode = mode
            case LoadPreset(name=name, channel=channel):
                # A figure of the book is its whole example: the grey image, its one filter,
                # its settings. `b12` into one channel is only that channel's image.
                if name in FIGURES or (name == "b12" and channel is None):
                    self.mode, self.preset = "gray", name
                    self.reset()
                else:
                    self.load_image(name, channel)
            case ShowWindow(conv=conv, pool=pool):
                if conv is not None:
                    self.require_index(conv, self.conv_out() ** 2, "window")
                    self.window = conv
                if pool is not None:
                    self.require_index(pool, self.pool_out() ** 2, "pool window")
                    self.pool_window = pool
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    def check_weight(self, value: float) -> float:
        limit = self.settings.conv_max_kernel_value
        if abs(value) > limit:
            raise LabError(
                "value_too_large",
                f"kernel weight must be between -{limit:g} and {limit:g}.",
                what="kernel weight",
                limit=limit,
            )
        return value

    def set_kernel(self, channel: int, values: list[list[float]]) -> None:
        self.require_index(channel, self.kernels.shape[0], "channel")
        rows, cols = len(values), {len(row) for row in values}
        if cols != {rows} or rows not in KERNEL_SIZES:
            shown = "x".join(str(n) for n in (rows, *sorted(cols)[:1])) if rows else "empty"
            raise LabError(
                "conv_kernel_shape",
                f"A kernel must be square, 2x2 or 3x3 (got {shown}).",
                shape=shown,
            )
        for row in values:
            for value in row:
                self.check_weight(value)
        if rows != self.kernel_size:
            if self.mode == "rgb":
                raise LabError(
                    "conv_kernel_size_mismatch",
                    f"The three kernels share one size ({self.kernel_size}x{self.kernel_size}); "
                    "change the kernel size first.",
                    size=self.kernel_size,
                )
            self.resize_kernels(rows)
        self.kernels[channel] = np.array(values, dtype=float)
        self.modified = True

    def resize_kernels(self, size: int) -> None:
        """Both modes' kernels become presets of the new size (the same preset if they were one).

        Stride, padding and pooling stay when they still fit; otherwise they go back to the
        book's 1, 0 and 2x2/2, and the frame says so.
        """
        if size not in KERNEL_SIZES:
            raise LabError(
                "conv_kernel_size",
                f"The kernel is 2x2 or 3x3 on this page (got {size}).",
                size=size,
            )
        if size == self.kernel_size:
            return
        for mode, (image, kernels) in self.pictures.items():
            names = [kernel_preset_of(k.tolist()) or DEFAULT_KERNEL for k in kernels]
            resized = np.stack([preset_kernel(name, size) for name in names])
            self.pictures[mode] = (image, resized)
        if self.problem_with(k=size):
            self.stride, self.padding, self.pool_size, self.pool_stride = 1, 0, 2, 2
            self.notice = Notice(key="conv.notice_settings_reset", params={"size": size})
        self.modified = True

    def load_image(self, name: str, channel: int | None) -> None:
        if name == "colour":
            self.mode = "rgb"
            self.pictures["rgb"] = (np.array(COLOUR_IMAGE, dtype=float), self.kernels_for_rgb())
        else:
            channels = range(self.image.shape[0]) if channel is None else [channel]
            for c in channels:
                self.require_index(c, self.image.shape[0], "channel")
                self.image[c] = np.array(IMAGE_PRESETS[name], dtype=float)
        self.preset = name
        self.modified = False

    def conv_out(self) -> int:
        """Rows (and columns) of the feature map."""
        return conv_fit(SIZE, self.kernel_size, self.stride, self.padding).out

    def pool_out(self) -> int:
        """Rows (and columns) of each pooled map: windows that fit whole."""
        return (self.conv_out() - self.pool_size) // self.pool_stride + 1

    def kernels_for_rgb(self) -> np.ndarray:
        return np.stack([preset_kernel(name, self.kernel_size) for name in COLOUR_KERNELS])

    # --- validity -------------------------------------------------------------------------

    def problem(
        self, k: int, stride: int, padding: int, pool_size: int, pool_stride: int
    ) -> Problem | None:
        """Why these settings cannot be computed on this page, or None when they can."""
        s = self.settings
        for what, value, low, high in (
            ("stride", stride, 1, s.conv_max_stride),
            ("padding", padding, 0, s.conv_max_padding),
            ("pool_size", pool_size, min(POOL_SIZES), max(POOL_SIZES)),
            ("pool_stride", pool_stride, 1, s.conv_max_stride),
        ):
            if not low <= value <= high:
                name = what.replace("_", " ")
                return Problem(
                    code=f"conv_{what}_range",
                    message=f"The {name} must be a whole number from {low} to {high} "
                    f"(got {value}).",
                    params={"value": value, "min": low, "max": high},
                )
        if padding >= k:
            return Problem(
                code="conv_padding_too_large",
                message=f"Padding {padding} with a {k}x{k} kernel: the corner windows would see "
                f"only the zero border. Use a padding smaller than {k}.",
                params={"padding": padding, "k": k},
            )
        fit = conv_fit(SIZE, k, stride, padding)  # k <= 3 < 5: a window always fits
        if fit.left_over:
            size = SIZE + 2 * padding
            return Problem(
                code="conv_stride_skips",
                message=f"Stride {stride} does not fit: a {k}x{k} window stepping by {stride} "
                f"over {size} columns (5 + 2x{padding}) never reaches the last {fit.left_over}. "
                "Every pixel should be seen: choose another stride or padding.",
                params={
                    "stride": stride,
                    "k": k,
                    "size": size,
                    "padding": padding,
                    "left_over": fit.left_over,
                },  # fmt: skip
            )
        if pool_size > fit.out:
            return Problem(
                code="pool_too_large",
                message=f"A {pool_size}x{pool_size} pooling window does not fit in the "
                f"{fit.out}x{fit.out} feature map. Choose a smaller pool.",
                params={"pool": pool_size, "map": fit.out},
            )
        return None

    def problem_with(self, **changes: int) -> Problem | None:
        """``problem`` of the current settings with some of them changed."""
        current = {"k": self.kernel_size, "stride": self.stride, "padding": self.padding,
                   "pool_size": self.pool_size, "pool_stride": self.pool_stride}  # fmt: skip
        return self.problem(**(current | changes))

    @staticmethod
    def raise_problem(problem: Problem | None) -> None:
        if problem is not None:
            raise LabError(problem.code, problem.message, **problem.params)

    def options(self) -> list[ConvOption]:
        """Every stride and padding the controls offer, with its output size or its problem."""
        k, out = self.kernel_size, []
        for stride in range(1, self.settings.conv_max_stride + 1):
            for padding in range(self.settings.conv_max_padding + 1):
                problem = self.problem_with(stride=stride, padding=padding)
                size = None if problem else conv_fit(SIZE, k, stride, padding).out
                out.append(ConvOption(stride=stride, padding=padding, out=size, problem=problem))
        return out

    # --- whole state ----------------------------------------------------------------------

    def snapshot(self) -> ConvState:
        return ConvState(
            mode=self.mode,
            preset=self.preset,
            modified=self.modified,
            **{
                mode: Picture(image=image.tolist(), kernels=kernels.tolist())
                for mode, (image, kernels) in self.pictures.items()
            },
            **self.pipeline_settings(),
            window=self.window,
            pool_window=self.pool_window,
        )

    def restore(self, state: ConvState) -> None:
        pictures = {}
        sizes = set()
        for mode, channels in CHANNELS.items():
            picture: Picture = getattr(state, mode)
            image = self.checked_array(picture.image, (channels, SIZE, SIZE), f"{mode}.image")
            if not np.isin(image, LEVELS).all():
                raise LabError("bad_state", "Pixels must be 0, 1 or 2.", detail=f"{mode}.image")
            k = len(picture.kernels[0])
            kernels = self.checked_array(picture.kernels, (channels, k, k), f"{mode}.kernels")
            if k not in KERNEL_SIZES:
                raise LabError("bad_state", "Kernels are 2x2 or 3x3.", detail=f"{mode}.kernels")
            for value in kernels.ravel():
                self.check_weight(float(value))
            sizes.add(k)
            pictures[mode] = (image, kernels)
        if len(sizes) != 1:
            raise LabError("bad_state", "Both modes share one kernel size.", detail="kernels")
        self.raise_problem(
            self.problem(
                sizes.pop(), state.stride, state.padding, state.pool_size, state.pool_stride
            )
        )
        self.pictures = pictures
        self.mode, self.preset, self.modified = state.mode, state.preset, state.modified
        self.stride, self.padding, self.relu = state.stride, state.padding, state.relu
        self.pool_size, self.pool_stride = state.pool_size, state.pool_stride
        self.head_pool = state.head_pool
        self.window, self.pool_window = state.window, state.pool_window
        self.notice = None

    @staticmethod
    def checked_array(values: list, shape: tuple[int, ...], where: str) -> np.ndarray:
        try:
            array = np.array(values, dtype=float)
        except ValueError:
            array = None  # ragged lists
        if array is None or array.shape != shape:
            expected = "x".join(map(str, shape))
            raise LabError("bad_state", f"{where} must be {expected}.", detail=where)
        return array

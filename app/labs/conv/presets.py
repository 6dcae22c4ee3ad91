"""The pictures and kernels the convolution lab (B.6) can load.

Images are 5x5 grids of the book's intensities (0 light, 1, 2 dark). The book's own
example is figure B-12 with the 2x2 diagonal filter of figure B-13.
"""

from typing import Literal

Matrix = tuple[tuple[float, ...], ...]

SIZE = 5
LEVELS = (0, 1, 2)  # the book's intensities; larger is darker
CHANNEL_NAMES = ("red", "green", "blue")


def _stroke(cells: list[tuple[int, int]], ink: float = 2.0) -> Matrix:
    grid = [[0.0] * SIZE for _ in range(SIZE)]
    for r, c in cells:
        grid[r][c] = ink
    return tuple(tuple(row) for row in grid)


# Figure B-12: "the larger the number, the darker the pixel".
BOOK_IMAGE: Matrix = (
    (0, 1, 0, 0, 1),
    (1, 0, 1, 0, 2),
    (0, 1, 0, 0, 0),
    (0, 0, 2, 0, 1),
    (1, 0, 1, 0, 0),
)

IMAGE_PRESETS: dict[str, Matrix] = {
    "b12": BOOK_IMAGE,
    "blank": _stroke([]),
    "vertical": _stroke([(r, 2) for r in range(SIZE)]),
    "horizontal": _stroke([(2, c) for c in range(SIZE)]),
    "diagonal": _stroke([(t, t) for t in range(SIZE)]),
    "anti_diagonal": _stroke([(t, SIZE - 1 - t) for t in range(SIZE)]),
    "cross": _stroke([(2, t) for t in range(SIZE)] + [(t, 2) for t in range(SIZE)]),
}
# The colour example (figure B-11's three matrices): one picture per channel.
COLOUR_IMAGE: tuple[Matrix, Matrix, Matrix] = (
    BOOK_IMAGE,
    IMAGE_PRESETS["vertical"],
    IMAGE_PRESETS["horizontal"],
)
ImagePresetName = Literal["b12", "blank", "vertical", "horizontal", "diagonal", "anti_diagonal",
                          "cross", "colour"]  # fmt: skip

# The book's figures B-14 to B-21, each a view of its example (figure B-12's image, the
# diagonal filter of B-13, stride 1, no padding, ReLU, 2x2 max and average pooling with
# stride 2, max pooling flattened): which sliding window and which pooling window it shows.
# (B-11 is the `colour` picture, B-12 and B-13 the `b12` picture.)
FIGURES: dict[str, tuple[int, int]] = {  # name -> (convolution window, pooling window)
    "b14_first_window": (0, 0),  # 0×1 + 1×0 + 1×0 + 0×1 = 0
    "b15_second_window": (1, 0),  # 1×1 + 0×0 + 0×0 + 1×1 = 2
    "b16_last_window": (15, 0),  # the last of the 4×4 windows, and the whole map
    "b18_max_pooling": (15, 0),  # B-17, B-18: max(0, 2, 2, 0) = 2, the map 4×4 -> 2×2
    "b19_average_pooling": (15, 1),  # (0 + 2 + 1 + 0) ÷ 4 = 0.75
    "b20_flatten": (15, 0),  # the max-pooled 2×2 map as the column [2, 2, 3, 2]
    "b21_dense_head": (15, 0),  # that column into a dense layer, then softmax
}
FigureName = Literal[tuple(FIGURES)]  # type: ignore[valid-type]

BLUR_2 = 1 / 4
BLUR_3 = 1 / 9
KERNEL_PRESETS: dict[str, dict[int, Matrix]] = {
    # Figure B-13: adds the two pixels on each window's diagonal.
    "diagonal": {2: ((1, 0), (0, 1)), 3: ((1, 0, 0), (0, 1, 0), (0, 0, 1))},
    "anti_diagonal": {2: ((0, 1), (1, 0)), 3: ((0, 0, 1), (0, 1, 0), (1, 0, 0))},
    # Left column minus right column: large where a dark column has light on its right.
    "vertical_edge": {2: ((1, -1), (1, -1)), 3: ((1, 0, -1), (1, 0, -1), (1, 0, -1))},
    "horizontal_edge": {2: ((1, 1), (-1, -1)), 3: ((1, 1, 1), (0, 0, 0), (-1, -1, -1))},
    # The mean of the window: smooths the picture.
    "blur": {2: ((BLUR_2,) * 2,) * 2, 3: ((BLUR_3,) * 3,) * 3},
}
KernelPresetName = Literal["diagonal", "anti_diagonal", "vertical_edge", "horizontal_edge", "blur"]
KERNEL_SIZES = (2, 3)
DEFAULT_KERNEL = "diagonal"
# The colour example gives each channel its own kernel.
COLOUR_KERNELS = ("diagonal", "vertical_edge", "horizontal_edge")


def kernel_preset_of(kernel: list[list[float]]) -> str | None:
    """The name of the preset this kernel equals, or None for a kernel of one's own."""
    size = len(kernel)
    for name, by_size in KERNEL_PRESETS.items():
        if size in by_size and [list(r) for r in by_size[size]] == kernel:
            return name
    return None

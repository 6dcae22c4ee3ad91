"""The tour of B.6, following the book's figures: the parts of a CNN (B-11, in colour), the
5×5 image (B-12) and its 2×2 diagonal filter (B-13), the filter sliding over the first,
second and last windows (B-14 to B-16), max and average pooling (B-17 to B-19), flatten
(B-20) and the dense layers that classify (B-21)."""

from neural_playground.app.labs.common.tours import preset, section_steps

step = section_steps("B.6")

STEPS = (
    # B-11: three channels, one kernel each, three maps added into one; what goes in (the
    # convolutions) and what comes out (the head's answer). Flatten has its own step.
    step(
        "structure",
        preset("colour"),
        highlight=("arithmetic", "conv-rows", "head-probabilities"),
    ),
    # B-12: the book's 5×5 image, 0 light to 2 dark.
    step("image", preset("b12"), highlight=("grid-0",)),
    # B-13: the 2×2 diagonal filter.
    step("filter", preset("b12"), highlight=("kernel-preset-0", "kernel-0-0-0", "kernel-0-1-1")),
    # B-14: 0×1 + 1×0 + 1×0 + 0×1 = 0.
    step("first_window", preset("b14_first_window"), highlight=("arithmetic", "map-0-0")),
    # B-15: 1×1 + 0×0 + 0×0 + 1×1 = 2; the buttons that move the window, above the sum.
    step(
        "second_window",
        preset("b15_second_window"),
        highlight=("next", "arithmetic", "map-0-1"),
    ),
    # B-16: the last window, and the whole 4×4 map.
    step("last_window", preset("b16_last_window"), highlight=("map", "size-formula")),
    # B-17, B-18: 2×2 max pooling, 4×4 -> 2×2: 2 2 / 3 2.
    step("max_pooling", preset("b18_max_pooling"), highlight=("pool-max",)),
    # B-19: average pooling: 1 0.75 / 1 0.75.
    step("average_pooling", preset("b19_average_pooling"), highlight=("pool-avg",)),
    # B-20: flatten: the column (2, 2, 3, 2).
    step("flatten", preset("b20_flatten"), highlight=("flatten",)),
    # B-21: the column into dense layers, softmax over five strokes and "none".
    step("dense_head", preset("b21_dense_head"), highlight=("head-says", "head-probabilities")),
    step("your_turn", highlight=("grid-0",)),
)

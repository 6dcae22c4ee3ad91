"""The tour of B.6's second part: the book's figures B-12 to B-21 again, on real handwriting,
with filters that are learned instead of given: the image as numbers (B-12), the filters
(B-13) sliding into feature maps (B-14 to B-16), pooling (B-17 to B-19), flatten and the
dense head (B-20, B-21); then what convolution buys against a dense network of the same
size, and what it still gets wrong. Numbers that training produced are quoted live."""

from neural_playground.app.labs.common.tours import preset, section_steps

DEFAULT = preset("eight_filters")
TRAIN = {"type": "step", "steps": 300}
LONGER = {"type": "step", "steps": 600}

step = section_steps("B.6+")

STEPS = (
    # B-12: an image is a grid of numbers; here 8x8 of ink 0..16, 1,797 of them.
    step("digits", DEFAULT, highlight=("input-grid", "shown-digit")),
    # B-13: the filters are learned now; 300 steps give them their shapes.
    step("filters", DEFAULT, TRAIN, highlight=("filters",), quotes={"steps": "step"}),
    # B-14 to B-16: each filter slides over the digit, one feature map per filter.
    # The ◀ ▶ the text offers, above the maps in the same panel.
    step("feature_maps", DEFAULT, TRAIN, highlight=("prev-digit", "next-digit", "stage-1")),
    # B-17 to B-19: 2x2 max pooling halves every map.
    step("pooling", DEFAULT, TRAIN, highlight=("stage-2",)),
    # B-20, B-21: flatten into one column of 128 numbers, a dense layer, softmax over 10;
    # with the steps before, the whole structure of figure B-11.
    step("flatten", DEFAULT, TRAIN, highlight=("flatten",)),
    # A dense network of about as many parameters: level at 1,370 parameters, far behind
    # at 180 (one filter against 64 -> 2 -> 10), where sharing the filter's weights pays.
    step(
        "compare",
        preset("one_filter"),
        LONGER,
        highlight=("accuracy", "dense-shape", "curves"),  # "the curves show the gap"
        quotes={
            "conv": "runs.0.test_accuracy|percent",
            "dense": "runs.1.test_accuracy|percent",
            "steps": "step",
        },
    ),
    # What it still confuses.
    step(
        "mistakes",
        DEFAULT,
        LONGER,
        highlight=("confusion", "wrong"),
        quotes={"wrong": "wrong_count"},
    ),  # fmt: skip
    step("your_turn", highlight=("input-grid",)),
)

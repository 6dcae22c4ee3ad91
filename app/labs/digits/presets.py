"""The examples of the digits lab (B.6, second part): a change to the lab's default
`Config` (one block of 8 learned 3x3 filters, "same" padding, ReLU, 2x2 max pooling, Adam,
seed 0); each starts both networks again from fresh weights.

Each one isolates something figures B-11 to B-21 describe, on real handwriting.
"""

from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    # The default: reaches 95 % on held-out digits in a few hundred steps.
    "eight_filters": {},
    # Figure B-13's 2x2 filters, learned instead of given: no padding, 8x8 -> 7x7 -> 3x3.
    "b13_two_by_two": {"kernel": 2, "padding": 0},
    # One filter only: one feature map, as on the first part of the page (few parameters).
    "one_filter": {"filters": 1},
    # Figure B-19's average pooling instead of max pooling.
    "b19_average_pooling": {"pool": "avg"},
    # No pooling: flatten gets every feature map whole (many more weights in the head).
    "no_pooling": {"pool": "none"},
    # Two blocks: 8x8 -> 4x4 -> 2x2, the second layer's filters combine the first's maps.
    "two_blocks": {"blocks": 2, "filters": 6},
    # Plain gradient descent instead of Adam: slower, with a larger learning rate.
    "sgd": {"optimizer": "sgd", "learning_rate": 0.1},
}
DEFAULT_PRESET = "eight_filters"

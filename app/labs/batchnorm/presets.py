"""The examples of the batch-normalization lab (B.5): figure B-10's deep network, set up so
that the drift of each layer's distribution, which batch normalization removes, is plain.

A preset is a change to the lab's default `Config` (8 hidden layers of 8 neurons on the
circle data, seed 0); both runs start again from the same fresh weights.
"""

from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    # Sigmoid layers, the lab's default: the means and spreads wander from layer to layer.
    "b10_sigmoid": {},
    # ReLU layers with the usual initial weights: the spread shrinks layer after layer.
    "b10_relu_shrinking": {"activation": "relu"},
    # ReLU layers with initial weights twice as large: the spread grows layer after layer.
    "b10_relu_growing": {"activation": "relu", "weight_scale": 2.0},
}
DEFAULT_PRESET = "b10_sigmoid"

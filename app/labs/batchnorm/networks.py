"""The two networks of the B.5 page, one with batch normalization, and how they are probed:
built from the shared configuration, trained on the same batches, and swept over the data
in training or evaluation mode for the histograms and the formula."""

from dataclasses import dataclass
from typing import Any

import numpy as np

from neural_playground.app.labs.batchnorm.commands import Config
from neural_playground.engine.layers import Activation, BatchNorm, Dense
from neural_playground.engine.model import Sequential
from neural_playground.engine.optimizers import Optimizer

RUNS = ("plain", "batchnorm")

N_POINTS = 512
NOISE = 0.05
BINS = 24
CHART_DECIMALS = 6  # histogram edges and loss curves: chart positions need no more
# What each activation can output: post-activation histograms keep these ends fixed, so a
# saturating sigmoid piles up visibly at 0 or 1 instead of the axis stretching to hide it.
OUTPUT_RANGE: dict[str, tuple[float | None, float | None]] = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "relu": (0.0, None),
}


def finite(value: Any) -> float | None:
    """A float for the page, or None where the engine produced NaN or infinity."""
    value = float(value)
    return value if np.isfinite(value) else None


def build_network(config: Config, batchnorm: bool) -> Sequential:
    """Dense -> (BatchNorm) -> activation per hidden layer, then one output logit.

    One generator seeded with `config.seed` draws the Dense weights in the same order
    whether or not BatchNorm layers sit in between, so both runs start identical. The
    Dense bias before a BatchNorm is redundant (beta shifts instead; its gradient is 0)
    but is kept so that both networks hold the same Dense layers.
    """
    rng = np.random.default_rng(config.seed)
    layers: list = []
    n_in = 2
    for _ in range(config.depth):
        layers.append(Dense(n_in, config.width, rng=rng))
        if batchnorm:
            layers.append(BatchNorm(config.width))
        layers.append(Activation(config.activation))
        n_in = config.width
    layers.append(Dense(n_in, 1, rng=rng))
    for layer in layers:
        if isinstance(layer, Dense):
            layer.params["w"] *= config.weight_scale
    return Sequential(layers)


@dataclass
class Probe:
    """A pass over the whole data set, batch by batch, without changing the network."""

    pre: list[np.ndarray]  # per hidden layer: (n_points, width) inputs of the activation
    post: list[np.ndarray]  # ... and its outputs
    logits: np.ndarray  # (n_points, 1)
    chosen: list[dict[str, np.ndarray]]  # every layer's trace on the chosen batch


def probe(model: Sequential, x: np.ndarray, batch_size: int, training: bool, chosen: int) -> Probe:
    """Forward `x` in the given mode, leaving running statistics and modes as they were.

    In training mode a batch-normalized network sees `x` in fixed batches, each normalized
    by its own statistics as during training (see `Sequential.probe`). `chosen` is the
    batch whose traces are kept.
    """
    swept = model.probe(x, batch_size, chosen, training)
    # An activation's input is the output of the layer before it (Dense or BatchNorm).
    acts = [k for k, layer in enumerate(model.layers) if isinstance(layer, Activation)]
    return Probe(
        pre=[swept.outputs[k - 1] for k in acts],
        post=[swept.outputs[k] for k in acts],
        logits=swept.outputs[-1],
        chosen=swept.trace,
    )


class Run:
    """One of the two networks with its optimizer."""

    def __init__(self, config: Config, batchnorm: bool) -> None:
        self.model = build_network(config, batchnorm)
        self.optimizer = Optimizer("sgd", learning_rate=config.learning_rate)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        return self.model.train_step(
            x, y, loss="binary_crossentropy", optimizer=self.optimizer, from_logits=True
        )

"""A small convolutional network for 8x8 images, and a dense network of about its size (B.6).

The B.6 page's second part trains both on the handwritten digits (``engine.data.digits``):
``conv_network`` stacks one or two convolution blocks (Conv2D, ReLU or not, max or average
pooling or none) before Flatten and a Dense layer of 10 logits; ``dense_network`` is the
Dense network whose hidden width gives about as many parameters (``dense_width_like``),
so the page compares what the parameters buy. ``Classifier`` trains either on mini-batches
(softmax cross-entropy on the logits) in an order fixed by a seed, so a run repeats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neural_playground.engine.activations import softmax
from neural_playground.engine.layers import Activation, AvgPool2D, Conv2D, Dense, Flatten, MaxPool2D
from neural_playground.engine.layers.conv import conv_output_size
from neural_playground.engine.losses import categorical_crossentropy
from neural_playground.engine.model import Sequential, mlp
from neural_playground.engine.optimizers import Optimizer

POOLINGS: tuple[str, ...] = ("max", "avg", "none")
POOL_SIZE = 2  # 2x2 windows with stride 2, as in figures B-17 to B-19


@dataclass(frozen=True)
class ConvNetSpec:
    """``blocks`` convolution blocks of ``filters`` k x k filters each (same stride and
    padding), ReLU or not, then pooling (or none) after each block, on side x side images."""

    blocks: int = 1
    filters: int = 8
    kernel: int = 3
    stride: int = 1
    padding: int = 1
    relu: bool = True
    pool: str = "max"
    side: int = 8
    classes: int = 10


@dataclass(frozen=True)
class Stage:
    """The maps after one step of the network: its kind and (channels, rows, cols)."""

    kind: str  # "input", "conv", "pool"
    shape: tuple[int, int, int]


def stages(spec: ConvNetSpec) -> list[Stage]:
    """The input, then each block's feature maps and pooled maps, as shapes.

    Raises ValueError (with the reason) when a window does not fit what reaches it.
    """
    if spec.pool not in POOLINGS:
        raise ValueError(f"unknown pooling {spec.pool!r}; choose one of {', '.join(POOLINGS)}")
    out = [Stage("input", (1, spec.side, spec.side))]
    n = spec.side
    for _ in range(spec.blocks):
        n = conv_output_size(n, spec.kernel, spec.stride, spec.padding)
        out.append(Stage("conv", (spec.filters, n, n)))
        if spec.pool != "none":
            n = conv_output_size(n, POOL_SIZE, POOL_SIZE)
            out.append(Stage("pool", (spec.filters, n, n)))
    return out


def conv_network(spec: ConvNetSpec, seed: int = 0) -> Sequential:
    """[Conv2D -> ReLU? -> pool?] x blocks -> Flatten -> Dense(10 logits), from one seed."""
    rng = np.random.default_rng(seed)
    layers: list = []
    channels = 1
    for _ in range(spec.blocks):
        layers.append(
            Conv2D(channels, spec.filters, spec.kernel, spec.stride, spec.padding, rng=rng)
        )
        if spec.relu:
            layers.append(Activation("relu"))
        if spec.pool != "none":
            layers.append((MaxPool2D if spec.pool == "max" else AvgPool2D)(POOL_SIZE))
        channels = spec.filters
    c, h, w = stages(spec)[-1].shape
    layers += [Flatten(), Dense(c * h * w, spec.classes, init="he", rng=rng)]
    return Sequential(layers)


def dense_width_like(n_params: int, n_in: int = 64, n_out: int = 10) -> int:
    """The hidden width h of n_in -> h -> n_out whose parameter count,
    (n_in + 1) h + (h + 1) n_out, comes closest to ``n_params`` (at least 1)."""
    per_neuron = n_in + 1 + n_out
    return max(1, round((n_params - n_out) / per_neuron))


def dense_network(hidden: int, n_in: int = 64, n_out: int = 10, seed: int = 0) -> Sequential:
    """n_in -> hidden ReLU -> n_out logits: what the page sets beside the conv network."""
    return mlp([n_in, hidden, n_out], ["relu", "linear"], init="he", seed=seed)


def split(labels: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and test indices: the same share of every class held out, chosen by a seed
    (so each digit is as common in the test set as in the whole set). Both sorted."""
    rng = np.random.default_rng(seed)
    test = []
    for k in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == k))
        test.append(members[: round(len(members) * test_fraction)])
    held = np.sort(np.concatenate(test))
    return np.setdiff1d(np.arange(len(labels)), held), held


def batch_indices(step: int, n: int, batch_size: int, seed: int) -> np.ndarray:
    """Rows (of n training rows) of training step ``step``: each epoch a fresh shuffle from
    (seed, epoch), cut into whole batches (the few rows left over wait for the next epoch)."""
    per_epoch = max(1, n // batch_size)
    epoch, k = divmod(step, per_epoch)
    order = np.random.default_rng([seed, epoch]).permutation(n)
    return order[k * batch_size : (k + 1) * batch_size]


@dataclass
class Evaluation:
    """A network's numbers on a set of images."""

    loss: float  # mean cross-entropy
    accuracy: float
    probabilities: np.ndarray  # (N, classes)
    predicted: np.ndarray  # (N,) the most likely class


class Classifier:
    """A network of logits and its optimizer: softmax cross-entropy, one mini-batch a step."""

    def __init__(self, model: Sequential, optimizer: str, learning_rate: float) -> None:
        self.model = model
        self.optimizer = Optimizer(optimizer, learning_rate=learning_rate)

    def step(self, x: np.ndarray, labels: np.ndarray) -> float:
        return self.model.train_step(
            x, labels, "categorical_crossentropy", self.optimizer, from_logits=True
        )

    def evaluate(self, x: np.ndarray, labels: np.ndarray) -> Evaluation:
        """Eval-mode predictions for every row of x, leaving the model's trace untouched."""
        logits = self.model.predict(x)
        loss, _ = categorical_crossentropy(logits, labels, from_logits=True)
        predicted = np.argmax(logits, axis=1)
        return Evaluation(
            loss=loss,
            accuracy=float(np.mean(predicted == labels)),
            probabilities=softmax(logits),
            predicted=predicted,
        )


def confusion(predicted: np.ndarray, labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """(classes, classes) counts: row = true class, column = predicted class."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (labels, predicted), 1)
    return counts

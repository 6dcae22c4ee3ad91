"""The dense head of the convolution lab: flatten -> 16 ReLU -> 6 softmax (figure B-21): the
five strokes and "none", so that a blank or a scatter is not called a stroke.

The head only sees what the learner's pipeline lets through (their kernel, stride, padding,
ReLU and pooling), so it is trained by the engine on generated 5x5 strokes passed through
that same pipeline, and retrained whenever the pipeline changes. Trained heads are kept in
a small process-wide cache keyed by the pipeline: training is deterministic, so two
learners with the same pipeline share one head, and going back to a pipeline is instant.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

import numpy as np

from neural_playground.engine.data.strokes import STROKE_CLASSES, stroke_dataset
from neural_playground.engine.layers import Activation, AvgPool2D, Conv2D, Flatten, MaxPool2D
from neural_playground.engine.losses import categorical_crossentropy
from neural_playground.engine.metrics import accuracy
from neural_playground.engine.model import Sequential, mlp
from neural_playground.engine.optimizers import Optimizer

HIDDEN = 16
LEARNING_RATE = 0.05
TRAIN_PER_CLASS = 40  # 240 training images
TEST_PER_CLASS = 40  # 240 fresh images the head never trained on
TRAIN_SEED, TEST_SEED = 0, 1


@dataclass(frozen=True)
class Pipeline:
    """Everything between the image and the flatten vector that the head reads."""

    kernels: tuple[tuple[tuple[float, ...], ...], ...]  # (C, k, k)
    stride: int
    padding: int
    relu: bool
    pool_size: int
    pool_stride: int
    pool: str  # "max" or "avg": which pooled map is flattened for the head

    def feature_model(self) -> Sequential:
        """Conv2D (one filter, the learner's kernels) -> ReLU or not -> pooling -> Flatten."""
        kernels = np.array(self.kernels, dtype=float)
        channels, size = kernels.shape[0], kernels.shape[1]
        conv = Conv2D(channels, 1, size, stride=self.stride, padding=self.padding, seed=0)
        conv.params["w"][...] = kernels[None]
        pool_type = MaxPool2D if self.pool == "max" else AvgPool2D
        return Sequential(
            [
                conv,
                Activation("relu" if self.relu else "linear"),
                pool_type(self.pool_size, self.pool_stride),
                Flatten(),
            ]
        )


@dataclass(frozen=True)
class TrainedHead:
    weights: list[dict[str, list]]  # for mlp([features, HIDDEN, classes]).set_weights
    features: int
    train_accuracy: float
    test_accuracy: float
    train_loss: float
    samples: int
    steps: int

    def model(self) -> Sequential:
        """A fresh Sequential with these weights: each lab owns its copy (no shared caches)."""
        model = head_model(self.features)
        model.set_weights(self.weights)
        return model


def head_model(features: int) -> Sequential:
    return mlp([features, HIDDEN, len(STROKE_CLASSES)], ["relu", "softmax"], seed=0)


@cache
def stroke_data(channels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training and held-out strokes for grey (1 channel) or colour (3 channels) images."""
    x, y = stroke_dataset(TRAIN_PER_CLASS, channels, seed=TRAIN_SEED)
    x_test, y_test = stroke_dataset(TEST_PER_CLASS, channels, seed=TEST_SEED)
    return x, y, x_test, y_test


def train_head(pipeline: Pipeline, steps: int) -> TrainedHead:
    """Full-batch Adam on the strokes' flatten vectors; deterministic for a pipeline."""
    x, y, x_test, y_test = stroke_data(len(pipeline.kernels))
    features = pipeline.feature_model()
    f_train, f_test = features.forward(x), features.forward(x_test)
    model = head_model(f_train.shape[1])
    optimizer = Optimizer("adam", learning_rate=LEARNING_RATE)
    for _ in range(steps):
        model.train_step(f_train, y, "categorical_crossentropy", optimizer)
    probabilities = model.forward(f_train)
    loss, _ = categorical_crossentropy(probabilities, y)
    return TrainedHead(
        weights=model.get_weights(),
        features=f_train.shape[1],
        train_accuracy=accuracy(probabilities, y),
        test_accuracy=accuracy(model.forward(f_test), y_test),
        train_loss=loss,
        samples=len(y),
        steps=steps,
    )


class HeadCache:
    """Least-recently-used trained heads, shared by every session of the process."""

    def __init__(self) -> None:
        self._heads: OrderedDict[tuple[Pipeline, int], TrainedHead] = OrderedDict()
        self._lock = threading.Lock()  # sessions call in from several worker threads

    def get(self, pipeline: Pipeline, steps: int, capacity: int) -> TrainedHead:
        key = (pipeline, steps)
        with self._lock:
            if key in self._heads:
                self._heads.move_to_end(key)
                return self._heads[key]
        head = train_head(pipeline, steps)  # outside the lock: other sessions go on
        with self._lock:
            self._heads[key] = head
            while len(self._heads) > capacity:
                self._heads.popitem(last=False)
        return head

    def __len__(self) -> int:
        return len(self._heads)

    def clear(self) -> None:
        with self._lock:
            self._heads.clear()


HEADS = HeadCache()

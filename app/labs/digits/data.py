"""The digits as the lab uses them: pixels scaled to [0, 1] as (N, 1, 8, 8) images, and one
training/test split for every learner (seed fixed here, not by the page's seed), so every
run, preset and tour step is measured on the same 359 held-out digits."""

from dataclasses import dataclass
from functools import cache

import numpy as np

from neural_playground.engine.convnet import split
from neural_playground.engine.data.digits import MAX_INK, SIDE, load_digits

TEST_FRACTION = 0.2
SPLIT_SEED = 0


@dataclass(frozen=True)
class DigitSets:
    pixels: np.ndarray  # (N, 64) uint8 0..16, as shipped: what the page draws
    images: np.ndarray  # (N, 1, 8, 8) float in [0, 1]: what the networks see
    labels: np.ndarray  # (N,) int
    train: np.ndarray  # row indices
    test: np.ndarray

    def x(self, rows: np.ndarray) -> np.ndarray:
        return self.images[rows]

    def flat(self, rows: np.ndarray) -> np.ndarray:
        """The same images as 64 numbers each, for the dense network."""
        return self.images[rows].reshape(len(rows), SIDE * SIDE)


@cache
def digit_sets() -> DigitSets:
    pixels, labels = load_digits()
    images = (pixels.astype(np.float64) / MAX_INK).reshape(-1, 1, SIDE, SIDE)
    images.setflags(write=False)
    train, test = split(labels, TEST_FRACTION, SPLIT_SEED)
    return DigitSets(pixels, images, labels.astype(np.int64), train, test)

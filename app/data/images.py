"""Small image sets for the generative labs: the 8x8 handwritten digits the engine ships
(`engine.data.digits`) and the engine's 5x5 stroke patterns, as one shape: pixels in
[0, 1], a label per image. Each is made on first use and kept for the life of the process.
"""

from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np

from neural_playground.engine.data.digits import MAX_INK, SIDE, load_digits
from neural_playground.engine.data.patterns import SIDE as PATTERN_SIDE
from neural_playground.engine.data.patterns import STROKE_GLYPHS, stroke_patterns

ImageSetName = Literal["digits", "patterns"]
IMAGE_SET_NAMES: tuple[str, ...] = ("digits", "patterns")


@dataclass(frozen=True)
class ImageSet:
    name: str
    side: int  # images are side x side, stored row-major as side*side pixels
    images: np.ndarray  # (N, side*side) float64 in [0, 1]
    labels: np.ndarray  # (N,) int, index into glyphs
    glyphs: tuple[str, ...]  # a short mark per label, for plots that must not rely on colour

    @property
    def n_pixels(self) -> int:
        return self.side * self.side

    def per_label(self, count: int) -> np.ndarray:
        """Indices of the first `count` images of every label, label by label."""
        return np.concatenate(
            [np.flatnonzero(self.labels == k)[:count] for k in range(len(self.glyphs))]
        )


@cache
def digits() -> ImageSet:
    pixels, labels = load_digits()
    images = pixels.astype(np.float64) / MAX_INK  # pixel values are 0..16
    images.setflags(write=False)
    return ImageSet("digits", SIDE, images, labels.astype(np.int64), tuple("0123456789"))


@cache
def patterns() -> ImageSet:
    images, labels = stroke_patterns()
    images.setflags(write=False)
    return ImageSet("patterns", PATTERN_SIDE, images, labels, STROKE_GLYPHS)


def image_set(name: str) -> ImageSet:
    return digits() if name == "digits" else patterns()

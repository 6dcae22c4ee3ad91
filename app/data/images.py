"""Small image sets for the generative labs: scikit-learn's 8x8 handwritten digits and the
engine's 5x5 stroke patterns, as one shape: pixels in [0, 1], a label per image.

The digits ship inside scikit-learn (no download); importing it takes a moment, so it is
imported on first use and the images are kept for the life of the process.
"""

from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np

from engine.data.patterns import SIDE, STROKE_GLYPHS, stroke_patterns

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
    from sklearn.datasets import load_digits  # slow to import: only when first needed

    bunch = load_digits()
    images = np.asarray(bunch.data, dtype=np.float64) / 16.0  # pixel values are 0..16
    images.setflags(write=False)
    return ImageSet("digits", 8, images, np.asarray(bunch.target), tuple("0123456789"))


@cache
def patterns() -> ImageSet:
    images, labels = stroke_patterns()
    images.setflags(write=False)
    return ImageSet("patterns", SIDE, images, labels, STROKE_GLYPHS)


def image_set(name: str) -> ImageSet:
    return digits() if name == "digits" else patterns()

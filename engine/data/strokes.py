"""Generated 5x5 stroke images: the small data set a CNN head learns to classify (B.6).

Each image holds one stroke (vertical, horizontal, diagonal "\\", anti-diagonal "/") or a
cross "+", drawn with the book's intensities 1 and 2 (larger is darker) at a random place
and length, sometimes with one stray pixel; or none: an empty image or a few scattered
pixels that line up nowhere, so that a head trained on them can say "no clear stroke"
instead of naming a stroke for a blank. Deterministic under a seed.
"""

from __future__ import annotations

import numpy as np

SIZE = 5
STROKE_CLASSES: tuple[str, ...] = (
    "vertical",
    "horizontal",
    "diagonal",
    "anti_diagonal",
    "cross",
    "none",
)
MAX_SCATTERED = 2  # pixels of a "none" image at most (more, and the book's pipeline
# of one 2x2 filter can no longer tell them from short strokes)


def _segment(rng: np.random.Generator, min_length: int = 3) -> range:
    """A run of at least ``min_length`` consecutive positions along one side."""
    length = int(rng.integers(min_length, SIZE + 1))
    start = int(rng.integers(0, SIZE - length + 1))
    return range(start, start + length)


def _ink(rng: np.random.Generator) -> int:
    return int(rng.integers(1, 3))


def stroke_image(kind: str, rng: np.random.Generator) -> np.ndarray:
    """One (5, 5) image of the stroke ``kind`` (one of STROKE_CLASSES)."""
    image = np.zeros((SIZE, SIZE))
    if kind in ("vertical", "horizontal"):
        line = int(rng.integers(0, SIZE))
        for t in _segment(rng):
            image[t, line] = _ink(rng)
        if kind == "horizontal":
            image = image.T.copy()
    elif kind in ("diagonal", "anti_diagonal"):
        offset = int(rng.integers(-1, 2))  # the main diagonal or one of its neighbours
        for t in _segment(rng):
            if 0 <= t + offset < SIZE:
                image[t, t + offset] = _ink(rng)
        if kind == "anti_diagonal":
            image = image[:, ::-1].copy()
    elif kind == "none":
        image = _scattered(rng)
    elif kind == "cross":
        row, col = (int(v) for v in rng.integers(1, SIZE - 1, 2))
        for t in range(SIZE):
            image[row, t] = _ink(rng)
            image[t, col] = _ink(rng)
    else:
        raise ValueError(f"unknown stroke {kind!r}; choose one of {', '.join(STROKE_CLASSES)}")
    # A stray pixel, so that the classes are not perfectly clean ("none" has its own).
    if kind != "none" and rng.random() < 0.3:
        r, c = (int(v) for v in rng.integers(0, SIZE, 2))
        if image[r, c] == 0:
            image[r, c] = 1
    return image


def _scattered(rng: np.random.Generator) -> np.ndarray:
    """No stroke: 0 to MAX_SCATTERED pixels, none of them touching another along a row, a
    column or a diagonal (three touching ones would be the start of a stroke)."""
    image = np.zeros((SIZE, SIZE))
    count = int(rng.integers(0, MAX_SCATTERED + 1))
    for cell in rng.permutation(SIZE * SIZE):
        if (image > 0).sum() == count:
            break
        r, c = divmod(int(cell), SIZE)
        if not image[max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2].any():
            image[r, c] = _ink(rng)
    return image


def stroke_dataset(
    per_class: int, channels: int = 1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` images of every class: x (N, channels, 5, 5), labels y (N,).

    With 3 channels each stroke gets a random colour: its shape is drawn into one, two or
    all three of the R, G, B channels, so the class never depends on the colour.
    """
    if per_class < 1 or channels < 1:
        raise ValueError("stroke_dataset needs per_class >= 1 and channels >= 1")
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for label, kind in enumerate(STROKE_CLASSES):
        for _ in range(per_class):
            shape = stroke_image(kind, rng)
            colour = np.ones(channels)
            if channels > 1:
                colour = (rng.random(channels) < 0.5).astype(float)
                colour[rng.integers(0, channels)] = 1.0  # at least one channel carries it
            images.append(colour[:, None, None] * shape[None])
            labels.append(label)
    return np.array(images), np.array(labels)

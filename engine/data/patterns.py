"""5x5 stroke patterns: the tiny black-and-white images of the book's convolution example (B.6).

The visual cortex cells of B.6 answer to vertical, horizontal and slanted strokes; these are
those strokes drawn on a 5x5 grid, every position that fits. 1 is ink, 0 is paper. Small and
fixed, so the generative labs can train on them in a blink and mode collapse is easy to see.
"""

from __future__ import annotations

import numpy as np

SIDE = 5
#: One name per stroke kind; `labels` index into it.
STROKE_KINDS: tuple[str, ...] = ("vertical", "horizontal", "diagonal", "anti_diagonal")
#: A glyph per kind, for marking points in a plot without relying on colour.
STROKE_GLYPHS: tuple[str, ...] = ("|", "—", "\\", "/")


def stroke_patterns() -> tuple[np.ndarray, np.ndarray]:
    """All 16 strokes: 5 vertical, 5 horizontal, 3 diagonal and 3 anti-diagonal.

    Returns images (16, 25) float64 in {0, 1} (row-major 5x5) and labels (16,) int, the
    index of each image's kind in STROKE_KINDS.
    """
    images, labels = [], []
    for column in range(SIDE):
        image = np.zeros((SIDE, SIDE))
        image[:, column] = 1.0
        images.append(image)
        labels.append(0)
    for row in range(SIDE):
        image = np.zeros((SIDE, SIDE))
        image[row, :] = 1.0
        images.append(image)
        labels.append(1)
    for kind, flip in ((2, False), (3, True)):
        for offset in (-1, 0, 1):
            image = np.eye(SIDE, k=offset)
            images.append(image[:, ::-1] if flip else image)
            labels.append(kind)
    return np.stack(images).reshape(len(images), SIDE * SIDE), np.array(labels)

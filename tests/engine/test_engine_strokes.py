"""The generated 5x5 strokes the convolution page's head learns from."""

import numpy as np
import pytest

from neural_playground.engine.data.strokes import STROKE_CLASSES, stroke_dataset, stroke_image


def test_every_class_has_its_shape():
    rng = np.random.default_rng(0)
    for _ in range(30):
        vertical = stroke_image("vertical", rng)
        # At most one stray pixel lies outside the stroke's column.
        column = np.argmax((vertical >= 1).sum(axis=0))
        assert (vertical[:, column] > 0).sum() >= 3
        assert (np.delete(vertical, column, axis=1) > 0).sum() <= 1
        cross = stroke_image("cross", rng)
        assert (cross > 0).sum() >= 9
        assert set(np.unique(stroke_image("diagonal", rng))) <= {0, 1, 2}


def test_dataset_is_balanced_deterministic_and_in_the_books_levels():
    x, y = stroke_dataset(10, seed=3)
    assert x.shape == (10 * len(STROKE_CLASSES), 1, 5, 5)
    assert np.bincount(y).tolist() == [10] * len(STROKE_CLASSES)
    assert set(np.unique(x)) <= {0.0, 1.0, 2.0}
    x2, y2 = stroke_dataset(10, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(x, stroke_dataset(10, seed=4)[0])


def test_colour_strokes_keep_their_shape_in_every_coloured_channel():
    x, y = stroke_dataset(8, channels=3, seed=0)
    assert x.shape == (8 * len(STROKE_CLASSES), 3, 5, 5)
    for image in x[y != STROKE_CLASSES.index("none")]:
        lit = [c for c in range(3) if image[c].any()]
        assert lit  # at least one channel carries the stroke
        for c in lit:
            np.testing.assert_array_equal(image[c], image[lit[0]])


def test_no_stroke_is_a_blank_or_pixels_that_touch_nowhere():
    rng = np.random.default_rng(0)
    counts = set()
    for _ in range(200):
        image = stroke_image("none", rng)
        lit = np.argwhere(image > 0)
        counts.add(len(lit))
        for a in lit:  # no two lit pixels are neighbours, even diagonally
            assert sum(np.max(np.abs(a - b)) <= 1 for b in lit) == 1
    assert counts == {0, 1, 2}


def test_unknown_strokes_and_empty_sets_are_refused():
    with pytest.raises(ValueError, match="unknown stroke"):
        stroke_image("circle", np.random.default_rng(0))
    with pytest.raises(ValueError):
        stroke_dataset(0)

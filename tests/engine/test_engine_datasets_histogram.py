"""The 2-D data sets are deterministic and balanced; histograms share bins and lose nothing."""

import numpy as np
import pytest

from neural_playground.engine.data.disc_datasets import DATASET_NAMES, make_dataset
from neural_playground.engine.histogram import counts, shared_edges


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_data_sets_are_deterministic_balanced_and_in_range(name):
    x, y = make_dataset(name, 101, noise=0.0, seed=3)
    again_x, again_y = make_dataset(name, 101, noise=0.0, seed=3)
    np.testing.assert_array_equal(x, again_x)
    np.testing.assert_array_equal(y, again_y)
    assert x.shape == (101, 2) and y.shape == (101,)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert y.sum() == 50
    assert np.abs(x).max() <= 1.0 + 1e-12
    assert not np.array_equal(x, make_dataset(name, 101, noise=0.0, seed=4)[0])


def test_circle_puts_class_one_inside_and_class_zero_on_the_ring():
    x, y = make_dataset("circle", 200, noise=0.0, seed=0)
    radius = np.hypot(x[:, 0], x[:, 1])
    assert radius[y == 1].max() <= 0.5
    assert radius[y == 0].min() >= 0.7


@pytest.mark.parametrize(
    ("args", "fragment"), [(("moons", 10), "unknown"), (("circle", 1), "2 points")]
)
def test_bad_data_set_arguments_are_refused(args, fragment):
    with pytest.raises(ValueError, match=fragment):
        make_dataset(*args)


def test_shared_edges_span_every_array_or_the_fixed_ends():
    edges = shared_edges([np.array([0.0, 1.0]), np.array([-2.0, np.nan, 3.0])], bins=5)
    np.testing.assert_allclose(edges, [-2, -1, 0, 1, 2, 3])
    np.testing.assert_allclose(
        shared_edges([np.array([0.3])], 2, lower=0.0, upper=1.0), [0, 0.5, 1]
    )
    # All values equal: a unit-wide window around them, not a zero-width one.
    np.testing.assert_allclose(shared_edges([np.full(4, 2.0)], 2), [1.5, 2.0, 2.5])
    with pytest.raises(ValueError, match="bins"):
        shared_edges([np.zeros(2)], 0)


def test_counts_clip_outliers_into_the_end_bins_and_report_non_finite_values():
    binned, nonfinite = counts(
        np.array([-5.0, 0.1, 0.6, 0.9, 7.0, np.inf, np.nan]), np.array([0.0, 0.5, 1.0])
    )
    assert binned.tolist() == [2, 3]
    assert nonfinite == 2

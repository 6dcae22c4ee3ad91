"""The one rounding helper of the frames (app/labs/common/numbers.py)."""

import json

import numpy as np

from neural_playground.app.labs.common.numbers import finite_or_none, rounded


def test_rounded_gives_nested_lists_of_plain_floats():
    values = np.array([[0.123456, -2.0], [1 / 3, 7.0]])
    assert rounded(values) == [[0.123, -2.0], [0.333, 7.0]]
    assert rounded(values, 4) == [[0.1235, -2.0], [0.3333, 7.0]]
    assert rounded([1, 2]) == [1.0, 2.0] and isinstance(rounded([1])[0], float)


def test_non_finite_entries_become_zero_or_stay_to_reach_the_page_as_null():
    values = np.array([np.nan, np.inf, -np.inf, 0.5])
    assert rounded(values) == [0.0, 0.0, 0.0, 0.5]
    kept = rounded(values, keep_nonfinite=True)
    assert np.isnan(kept[0]) and kept[1:] == [np.inf, -np.inf, 0.5]
    json.dumps(rounded(values), allow_nan=False)


def test_a_reading_is_rounded_or_none():
    assert finite_or_none(2 / 3) == 0.6667
    assert finite_or_none(np.nan) is None and finite_or_none(np.inf) is None

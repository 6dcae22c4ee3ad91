"""The sequence tasks of B.7: shapes, alignment and determinism of the data."""

import numpy as np
import pytest

from neural_playground.engine.data import sequence_tasks as st


def test_price_series_has_trend_cycle_and_noise_and_is_deterministic():
    a = st.price_series(np.random.default_rng(3), length=300)
    b = st.price_series(np.random.default_rng(3), length=300)
    np.testing.assert_array_equal(a, b)
    quiet = st.price_series(np.random.default_rng(3), length=300, noise=0.0)
    # Without noise: exactly start + trend t + cycle sin(2 pi t / period).
    t = np.arange(300)
    np.testing.assert_allclose(quiet, 100 + 0.08 * t + 4 * np.sin(2 * np.pi * t / 30))
    assert np.polyfit(t, a, 1)[0] == pytest.approx(0.08, abs=0.02)  # the trend shows through
    assert np.std(a - quiet) == pytest.approx(1.0, abs=0.1)


def test_windows_pair_each_run_with_the_next_value():
    series = np.arange(10.0)
    x, y = st.series_windows(series, 4)
    assert x.shape == (6, 4, 1) and y.shape == (6, 1)
    np.testing.assert_array_equal(x[2, :, 0], [2, 3, 4, 5])
    assert y[2, 0] == 6
    with pytest.raises(ValueError, match="does not fit"):
        st.series_windows(series, 10)


def test_standardize_round_trips():
    z, mean, std = st.standardize(np.array([1.0, 2.0, 3.0, 6.0]))
    assert z.mean() == pytest.approx(0) and z.std() == pytest.approx(1)
    np.testing.assert_allclose(z * std + mean, [1, 2, 3, 6])


def test_phrases_start_with_the_books_example_and_need_the_first_word():
    x, y = st.phrase_data()
    assert x.shape == (len(st.PHRASES), 2, len(st.WORDS))
    words = [tuple(st.WORDS[k] for k in np.argmax(x[p], axis=1)) for p in range(len(x))]
    assert words[0] == ("resident", "registration")  # 주민 + 등록
    assert st.WORDS[y[0]] == "number"  # -> 번호
    # The same last context word leads to different next words: order and memory matter.
    by_last = {}
    for context, target in zip(words, y, strict=True):
        by_last.setdefault(context[-1], set()).add(int(target))
    assert any(len(targets) > 1 for targets in by_last.values())
    # Every context is distinct, so the task is learnable exactly.
    assert len(set(words)) == len(words)


def test_memory_batch_puts_the_flagged_symbol_first_and_noise_after():
    x, y = st.memory_batch(np.random.default_rng(0), 50, 7, 3, noise=2.0)
    assert x.shape == (50, 8, 4) and y.shape == (50,)
    np.testing.assert_array_equal(np.argmax(x[:, 0, :3], axis=1), y)
    np.testing.assert_array_equal(x[:, 0, 3], 1.0)  # the "remember this" flag
    assert not x[:, 1:, 3].any()
    assert np.std(x[:, 1:, :3]) == pytest.approx(2.0, rel=0.1)
    assert set(np.unique(y)) == {0, 1, 2}
    with pytest.raises(ValueError):
        st.memory_batch(np.random.default_rng(0), 1, 0, 3)

import numpy as np
import pytest

from neural_playground.engine.initializers import (
    INITIALIZERS,
    get_initializer,
    he,
    orthogonal,
    uniform,
    xavier,
    zeros,
)


@pytest.mark.parametrize("name", list(INITIALIZERS))
def test_deterministic_under_a_seed_with_right_shape_and_dtype(name):
    init = get_initializer(name)
    a = init((4, 3), np.random.default_rng(42))
    b = init((4, 3), np.random.default_rng(42))
    assert a.shape == (4, 3) and a.dtype == np.float64
    np.testing.assert_array_equal(a, b)


def test_zeros_and_uniform_range():
    assert not zeros((2, 5), np.random.default_rng(0)).any()
    w = uniform((200, 300), np.random.default_rng(0))
    assert w.min() >= -0.5 and w.max() < 0.5
    assert w.mean() == pytest.approx(0.0, abs=0.01)
    assert w.std() == pytest.approx(1 / np.sqrt(12), rel=0.02)  # std of U(-0.5, 0.5)


def test_xavier_limit_and_std():
    fan_in, fan_out = 200, 300
    w = xavier((fan_in, fan_out), np.random.default_rng(1))
    limit = np.sqrt(6 / (fan_in + fan_out))
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit  # actually fills the range
    assert w.std() == pytest.approx(limit / np.sqrt(3), rel=0.02)  # = sqrt(2/(fan_in+fan_out))


def test_he_std():
    fan_in = 250
    w = he((fan_in, 400), np.random.default_rng(2))
    assert w.mean() == pytest.approx(0.0, abs=0.005)
    assert w.std() == pytest.approx(np.sqrt(2 / fan_in), rel=0.02)


def test_conv_shaped_fans_and_overrides():
    # cs231n conv layout (F, C, HH, WW): fan_in = C*HH*WW = 27, fan_out = F*HH*WW = 576.
    w = he((64, 3, 3, 3), np.random.default_rng(3))
    assert w.std() == pytest.approx(np.sqrt(2 / 27), rel=0.05)
    v = xavier((10, 10), np.random.default_rng(3), fan_in=1, fan_out=1)
    assert np.abs(v).max() > np.sqrt(6 / 20)  # the explicit fans were used


def test_unknown_initializer():
    with pytest.raises(ValueError, match="unknown initializer 'glorot'; choose one of zeros"):
        get_initializer("glorot")


def test_orthogonal_is_orthogonal_times_the_gain():
    rng = np.random.default_rng(0)
    square = orthogonal((6, 6), rng, gain=2.0)
    np.testing.assert_allclose(square.T @ square, 4.0 * np.eye(6), atol=1e-12)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(square)), 2.0)
    tall, wide = orthogonal((5, 3), rng), orthogonal((3, 5), rng)
    np.testing.assert_allclose(tall.T @ tall, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-12)
    with pytest.raises(ValueError, match="2-D"):
        orthogonal((2, 2, 2), rng)

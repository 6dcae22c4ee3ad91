"""Values and numerical stability of activations and losses."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from neural_playground.engine import activations
from neural_playground.engine.activations import (
    ACTIVATION_NAMES,
    activation_forward,
    get_activation,
)
from neural_playground.engine.losses import (
    EPSILON,
    LOSSES,
    binary_crossentropy,
    categorical_crossentropy,
    get_loss,
    loss_terms,
    mse,
    sample_losses,
)

finite = st.floats(-1e4, 1e4, allow_nan=False)


def test_activation_names_and_values():
    assert ACTIVATION_NAMES == (
        "linear",
        "step",
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "softmax",
    )
    z = np.array([-2.0, 0.0, 3.0])
    expected = {
        "linear": [-2.0, 0.0, 3.0],
        "step": [0.0, 0.0, 1.0],
        "sigmoid": [1 / (1 + np.exp(2)), 0.5, 1 / (1 + np.exp(-3))],
        "tanh": np.tanh(z),
        "relu": [0.0, 0.0, 3.0],
        "leaky_relu": [-0.02, 0.0, 3.0],
    }
    for name, value in expected.items():
        np.testing.assert_allclose(activation_forward(name, z), value, err_msg=name)


def test_leaky_relu_slope_is_configurable(monkeypatch):
    monkeypatch.setattr(activations, "LEAKY_RELU_SLOPE", 0.2)
    np.testing.assert_allclose(activation_forward("leaky_relu", np.array([-1.0])), [-0.2])
    np.testing.assert_allclose(activations.leaky_relu(np.array([-1.0]), slope=0.5), [-0.5])


def test_unknown_activation_message():
    with pytest.raises(ValueError, match="unknown activation 'x'; choose one of linear, step"):
        get_activation("x")


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (3, 4), elements=finite))
def test_sigmoid_and_softmax_stable_for_large_inputs(z):
    s = activation_forward("sigmoid", z * 100)
    assert np.all((s >= 0) & (s <= 1))
    p = activation_forward("softmax", z * 100)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)


def test_sigmoid_extremes():
    np.testing.assert_array_equal(activation_forward("sigmoid", np.array([-1e4, 1e4])), [0, 1])


def test_losses_registry():
    assert set(LOSSES) == {"mse", "binary_crossentropy", "categorical_crossentropy"}
    with pytest.raises(ValueError, match="unknown loss 'l1'; choose one of mse"):
        get_loss("l1")


def test_mse_is_mean_over_all_elements():
    value, dpred = mse(np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((2, 2)))
    assert value == pytest.approx(30 / 4)
    np.testing.assert_allclose(dpred, 2 * np.array([[1.0, 2.0], [3.0, 4.0]]) / 4)
    with pytest.raises(ValueError, match="does not match"):
        mse(np.zeros((2, 1)), np.zeros(3))


def test_binary_crossentropy_values_logits_agree_with_probabilities():
    z = np.array([[-1.0], [0.5], [2.0]])
    y = np.array([0.0, 1.0, 1.0])
    p = 1 / (1 + np.exp(-z))
    from_p, _ = binary_crossentropy(p, y)
    from_z, dz = binary_crossentropy(z, y, from_logits=True)
    expected = -np.mean(y * np.log(p.ravel()) + (1 - y) * np.log(1 - p.ravel()))
    assert from_p == pytest.approx(expected) and from_z == pytest.approx(expected)
    np.testing.assert_allclose(dz.ravel(), (p.ravel() - y) / 3)


def test_binary_crossentropy_is_finite_at_extremes():
    value, dpred = binary_crossentropy(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert value == pytest.approx(-np.log(EPSILON), rel=1e-6)  # clipped, not inf
    assert np.all(np.isfinite(dpred))
    value, _ = binary_crossentropy(np.array([1000.0, -1000.0]), np.array([0.0, 1.0]), True)
    assert value == pytest.approx(1000.0)


def test_categorical_crossentropy_values():
    z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]])
    labels = np.array([0, 1])
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(p[[0, 1], labels]))
    assert categorical_crossentropy(z, labels, from_logits=True)[0] == pytest.approx(expected)
    assert categorical_crossentropy(p, np.eye(3)[labels])[0] == pytest.approx(expected)
    _, dz = categorical_crossentropy(z, labels, from_logits=True)
    np.testing.assert_allclose(dz, (p - np.eye(3)[labels]) / 2)
    huge, _ = categorical_crossentropy(np.array([[1000.0, -1000.0]]), [1], from_logits=True)
    assert huge == pytest.approx(2000.0)
    with pytest.raises(ValueError, match="integer labels"):
        categorical_crossentropy(p, np.array([0, 3]))


@pytest.mark.parametrize(
    ("name", "from_logits", "target"),
    [
        ("binary_crossentropy", True, np.array([[1.0], [0.0], [1.0], [0.0]])),
        ("binary_crossentropy", False, np.array([[1.0], [0.0], [1.0], [0.0]])),
        ("mse", False, np.array([[0.5], [-2.0], [3.0], [0.0]])),
    ],
)
def test_sample_losses_are_the_terms_of_the_written_out_loss(name, from_logits, target):
    pred = (
        np.array([[40.0], [-3.0], [0.2], [0.7]])
        if from_logits
        else np.array([[0.9], [0.2], [0.6], [0.01]])
    )
    expected = loss_terms(name, pred, target, from_logits)["terms"]
    assert np.array_equal(sample_losses(name, pred, target, from_logits), expected)

"""Finite-difference checks of every backward pass (float64, relative error < 1e-6)."""

import numpy as np
import pytest

from neural_playground.engine import losses
from neural_playground.engine.activations import ACTIVATION_NAMES
from neural_playground.engine.gradcheck import (
    check_layer,
    check_loss,
    check_params,
    numerical_gradient,
    rel_error,
)
from neural_playground.engine.layers import Activation, Dense
from neural_playground.engine.model import mlp

TOL = 1e-6
SMOOTH = [name for name in ACTIVATION_NAMES if name != "step"]


def test_numerical_gradient_of_known_function_and_restores_input():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    original = x.copy()
    grad = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    assert rel_error(grad, 3 * original**2) < 1e-8
    np.testing.assert_array_equal(x, original)


def test_rel_error_is_scale_free_and_zero_for_equal_zeros():
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])) == pytest.approx(0.2 / 4.2)


def test_check_params_finds_a_wrong_gradient():
    layer = Dense(2, 1, seed=0)
    x = np.array([[1.0, 2.0]])

    def backward():
        layer.forward(x)
        layer.backward(np.ones((1, 1)))

    def loss():
        return float(layer.forward(x).sum())

    errors = check_params([layer], loss, backward)
    assert set(errors) == {(0, "w"), (0, "b")} and max(errors.values()) < 1e-8

    def wrong_backward():
        backward()
        layer.grads["w"] *= 2

    assert check_params([layer], loss, wrong_backward)[(0, "w")] > 0.1


@pytest.mark.parametrize("activation", SMOOTH)
def test_dense_gradients(activation):
    rng = np.random.default_rng(0)
    layer = Dense(4, 3, activation=activation, seed=1)
    layer.params["b"][...] = rng.standard_normal(3)  # nonzero bias exercises db fully
    errors = check_layer(layer, rng.standard_normal((5, 4)), rng)
    assert set(errors) == {"x", "w", "b"}
    assert max(errors.values()) < TOL, errors


def test_dense_step_has_zero_gradient():
    # The step function is flat almost everywhere, so backprop passes back nothing at all:
    # this is why the perceptron is trained by its own rule, not by gradient descent.
    rng = np.random.default_rng(0)
    layer = Dense(3, 2, activation="step", seed=0)
    x = rng.standard_normal((4, 3))
    out = layer.forward(x)
    assert set(np.unique(out)) <= {0.0, 1.0}
    dx = layer.backward(rng.standard_normal(out.shape))
    assert not dx.any()
    assert not layer.grads["w"].any() and not layer.grads["b"].any()


@pytest.mark.parametrize("activation", SMOOTH)
def test_activation_layer_gradients(activation):
    rng = np.random.default_rng(3)
    errors = check_layer(Activation(activation), rng.standard_normal((4, 5)), rng)
    assert errors["x"] < TOL, errors


def test_activation_layer_step_gradient_is_zero():
    layer = Activation("step")
    layer.forward(np.array([[-1.0, 0.0, 2.0]]))
    assert not layer.backward(np.ones((1, 3))).any()


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_crossentropy_gradient(from_logits):
    rng = np.random.default_rng(4)
    pred = rng.standard_normal((6, 1)) if from_logits else rng.uniform(0.1, 0.9, (6, 1))
    target = rng.integers(0, 2, 6).astype(float)  # (6,) vs (6, 1): reshaped, not broadcast
    assert check_loss(losses.binary_crossentropy, pred, target, from_logits=from_logits) < TOL


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("labels", [False, True])
def test_categorical_crossentropy_gradient(from_logits, labels):
    rng = np.random.default_rng(5)
    n, k = 5, 3
    pred = rng.standard_normal((n, k))
    if not from_logits:
        pred = np.exp(pred) / np.exp(pred).sum(axis=1, keepdims=True)  # away from clipping
    target = rng.integers(0, k, n)
    if not labels:
        target = np.eye(k)[target]
    err = check_loss(losses.categorical_crossentropy, pred, target, from_logits=from_logits)
    assert err < TOL


def test_mse_gradient():
    rng = np.random.default_rng(6)
    assert check_loss(losses.mse, rng.standard_normal((4, 3)), rng.standard_normal((4, 3))) < TOL


@pytest.mark.parametrize(
    ("loss", "acts", "from_logits"),
    [
        ("mse", ["tanh", "relu", "linear"], False),
        ("binary_crossentropy", ["sigmoid", "leaky_relu", "sigmoid"], False),
        ("binary_crossentropy", ["tanh", "tanh", "linear"], True),
        ("categorical_crossentropy", ["relu", "tanh", "softmax"], False),
        ("categorical_crossentropy", ["tanh", "sigmoid", "linear"], True),
    ],
)
def test_sequential_end_to_end_gradients(loss, acts, from_logits):
    rng = np.random.default_rng(7)
    n_out = 3 if loss == "categorical_crossentropy" else 1
    model = mlp([4, 5, 3, n_out], acts, seed=2)
    for layer in model.layers:
        layer.params["b"][...] = 0.1 * rng.standard_normal(layer.params["b"].shape)
    x = rng.standard_normal((6, 4))
    y = rng.integers(0, n_out, 6) if n_out > 1 else rng.integers(0, 2, (6, 1)).astype(float)
    loss_fn = losses.get_loss(loss)
    kw = {"from_logits": True} if from_logits else {}

    def objective():
        return loss_fn(model.forward(x), y, **kw)[0]

    _, dpred = loss_fn(model.forward(x), y, **kw)
    dx = model.backward(dpred)
    x_num = numerical_gradient(lambda v: loss_fn(model.forward(v), y, **kw)[0], x.copy())
    assert rel_error(dx, x_num) < TOL
    errors = check_params(
        model.layers, objective, lambda: model.backward(loss_fn(model.forward(x), y, **kw)[1])
    )
    assert max(errors.values()) < TOL, errors

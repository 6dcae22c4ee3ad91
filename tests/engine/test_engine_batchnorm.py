"""BatchNorm (B.5): gradients by finite differences, the book's Z = (X - U) / S, running
statistics for inference, and the weights round trip that carries them."""

import numpy as np
import pytest

from neural_playground.engine.gradcheck import (
    check_layer,
    check_params,
    numerical_gradient,
    rel_error,
)
from neural_playground.engine.layers import Activation, BatchNorm, Dense
from neural_playground.engine.layers.batchnorm import batchnorm_backward, batchnorm_forward
from neural_playground.engine.losses import mse
from neural_playground.engine.model import Sequential
from neural_playground.engine.optimizers import Optimizer

TOL = 1e-6


def shifted_batch(rng, n=6, d=4):
    """Features on very different scales and offsets: what normalization is for."""
    return rng.standard_normal((n, d)) * np.array([0.1, 1.0, 5.0, 30.0]) + np.array(
        [3.0, -2.0, 0.0, 100.0]
    )


def test_train_mode_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    layer = BatchNorm(4)
    layer.params["gamma"][...] = rng.uniform(0.5, 2.0, 4)
    layer.params["beta"][...] = rng.standard_normal(4)
    errors = check_layer(layer, shifted_batch(rng), rng)
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) < TOL, errors


def test_eval_mode_gradients_match_finite_differences():
    rng = np.random.default_rng(1)
    layer = BatchNorm(4).eval()
    layer.params["gamma"][...] = rng.uniform(0.5, 2.0, 4)
    layer.params["beta"][...] = rng.standard_normal(4)
    layer.buffers["running_mean"][...] = rng.standard_normal(4)
    layer.buffers["running_var"][...] = rng.uniform(0.5, 3.0, 4)
    errors = check_layer(layer, shifted_batch(rng), rng)
    assert max(errors.values()) < TOL, errors
    # In eval mode each sample is on its own: dx is just dout * gamma / S.
    dout = rng.standard_normal((6, 4))
    layer.forward(shifted_batch(rng))
    std = np.sqrt(layer.buffers["running_var"] + layer.eps)
    np.testing.assert_allclose(layer.backward(dout), dout * layer.params["gamma"] / std)


def test_pure_backward_matches_finite_differences_of_pure_forward():
    rng = np.random.default_rng(2)
    x = shifted_batch(rng, n=5)
    gamma, beta = rng.uniform(0.5, 2.0, 4), rng.standard_normal(4)
    dout = rng.standard_normal((5, 4))
    _, cache = batchnorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)

    def loss(_):
        return float(np.sum(batchnorm_forward(x, gamma, beta)[0] * dout))

    assert rel_error(dx, numerical_gradient(loss, x)) < TOL
    assert rel_error(dgamma, numerical_gradient(loss, gamma)) < TOL
    assert rel_error(dbeta, numerical_gradient(loss, beta)) < TOL
    # Normalization removes the mean: shifting a whole column changes nothing, so dx sums to 0.
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-10)


def test_normalized_values_have_mean_zero_and_standard_deviation_one_per_feature():
    rng = np.random.default_rng(3)
    layer = BatchNorm(4)
    layer.params["gamma"][...] = [2.0, 0.5, 3.0, -1.0]
    layer.params["beta"][...] = [1.0, -1.0, 0.0, 5.0]
    x = shifted_batch(rng, n=64)
    out = layer.forward(x)
    z = layer.cache["z"]  # before gamma and beta
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    # S includes eps, so the std is sqrt(var / (var + eps)): 1 up to eps / var.
    np.testing.assert_allclose(z.std(axis=0), 1.0, atol=1e-3)
    np.testing.assert_allclose(layer.cache["mean"], x.mean(axis=0))
    np.testing.assert_allclose(layer.cache["std"], np.sqrt(x.var(axis=0) + 1e-5))
    # After gamma and beta: mean beta, standard deviation |gamma|.
    np.testing.assert_allclose(out.mean(axis=0), layer.params["beta"], atol=1e-10)
    np.testing.assert_allclose(out.std(axis=0), np.abs(layer.params["gamma"]), atol=3e-3)


def test_the_books_formula_on_small_numbers():
    # One feature over a batch of four: U = 5, S = sqrt(5 + eps), Z = (X - U) / S.
    layer = BatchNorm(1, eps=1e-5)
    layer.params["gamma"][...] = 2.0
    layer.params["beta"][...] = 0.5
    out = layer.forward(np.array([[2.0], [4.0], [6.0], [8.0]]))
    s = np.sqrt(5.0 + 1e-5)
    assert layer.cache["mean"][0] == pytest.approx(5.0)
    assert layer.cache["std"][0] == pytest.approx(s)
    np.testing.assert_allclose(layer.cache["z"][:, 0], np.array([-3, -1, 1, 3]) / s)
    np.testing.assert_allclose(out[:, 0], 2.0 * np.array([-3, -1, 1, 3]) / s + 0.5)


def test_eval_mode_uses_the_running_statistics():
    layer = BatchNorm(1, momentum=0.9, eps=1e-5)
    # Two training batches: means 2 and 10, biased variances 1 and 4.
    layer.forward(np.array([[1.0], [3.0]]))
    assert layer.buffers["running_mean"][0] == pytest.approx(0.2)  # 0.9 * 0 + 0.1 * 2
    assert layer.buffers["running_var"][0] == pytest.approx(1.0)  # 0.9 * 1 + 0.1 * 1
    layer.forward(np.array([[8.0], [12.0]]))
    assert layer.buffers["running_mean"][0] == pytest.approx(0.9 * 0.2 + 0.1 * 10)  # 1.18
    assert layer.buffers["running_var"][0] == pytest.approx(0.9 * 1.0 + 0.1 * 4)  # 1.3
    layer.params["gamma"][...] = 3.0
    layer.params["beta"][...] = -1.0

    layer.eval()
    out = layer.forward(np.array([[2.0], [1.18]]))
    s = np.sqrt(1.3 + 1e-5)
    assert out[0, 0] == pytest.approx(3.0 * (2.0 - 1.18) / s - 1.0)
    assert out[1, 0] == pytest.approx(-1.0)  # exactly at the running mean: Z = 0
    assert layer.cache["mean"][0] == pytest.approx(1.18)
    assert layer.cache["std"][0] == pytest.approx(s)
    # The batch's own statistics are in the trace too, for comparison: mean 1.59, std 0.41.
    assert layer.cache["batch_mean"][0] == pytest.approx(1.59)
    assert layer.cache["batch_std"][0] == pytest.approx(np.sqrt(0.41**2 + 1e-5))
    # Inference does not move the running statistics, and one sample alone is fine.
    layer.forward(np.array([[50.0]]))
    assert layer.buffers["running_mean"][0] == pytest.approx(1.18)
    assert layer.buffers["running_var"][0] == pytest.approx(1.3)


def test_train_mode_trace_keeps_running_statistics_before_the_update():
    layer = BatchNorm(2)
    layer.forward(np.array([[1.0, 0.0], [3.0, 2.0]]))
    trace = layer.trace()
    for key in ("x", "mean", "std", "z", "gamma", "beta", "out", "batch_mean", "running_mean"):
        assert key in trace
    np.testing.assert_allclose(trace["running_mean"], [0.0, 0.0])
    np.testing.assert_allclose(trace["batch_mean"], [2.0, 1.0])
    np.testing.assert_allclose(layer.buffers["running_mean"], [0.2, 0.1])


def test_a_constant_feature_gives_zero_not_a_division_by_zero():
    layer = BatchNorm(2)
    out = layer.forward(np.array([[7.0, 1.0], [7.0, 2.0], [7.0, 3.0]]))
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(out[:, 0], 0.0)


def test_running_statistics_are_saved_with_the_weights_but_never_trained():
    rng = np.random.default_rng(4)
    model = Sequential([Dense(3, 4, seed=0), BatchNorm(4), Activation("tanh"), Dense(4, 1)])
    optimizer = Optimizer("sgd", learning_rate=0.1)
    x, y = rng.standard_normal((16, 3)), rng.standard_normal((16, 1))
    for _ in range(5):
        model.train_step(x, y, optimizer=optimizer)
    weights = model.get_weights()
    assert set(weights[1]) == {"gamma", "beta", "running_mean", "running_var"}
    bn = model.layers[1]
    assert not np.allclose(bn.buffers["running_mean"], 0.0)
    # predict runs in eval mode and leaves the running statistics alone.
    before = bn.buffers["running_mean"].copy()
    pred = model.predict(x)
    np.testing.assert_array_equal(bn.buffers["running_mean"], before)
    assert bn.training

    other = Sequential([Dense(3, 4, seed=9), BatchNorm(4), Activation("tanh"), Dense(4, 1)])
    other.set_weights(weights)
    np.testing.assert_allclose(other.predict(x), pred)
    with pytest.raises(ValueError, match="running_var"):
        other.layers[1].set_weights(
            {"gamma": [1.0] * 4, "beta": [0.0] * 4, "running_mean": [0] * 4}
        )


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"n_features": 0}, "n_features"), ({"momentum": 1.0}, "momentum"), ({"eps": 0}, "eps")],
)
def test_bad_configuration_is_refused(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        BatchNorm(**{"n_features": 2, **kwargs})


def test_wrong_input_shape_is_refused():
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        BatchNorm(3).forward(np.zeros((2, 4)))


def test_gradients_through_a_network_with_batchnorm_match_finite_differences():
    # Dense -> BatchNorm -> tanh -> Dense: every parameter, through the batch statistics.
    rng = np.random.default_rng(5)
    model = Sequential([Dense(3, 4, seed=1), BatchNorm(4), Activation("tanh"), Dense(4, 2, seed=2)])
    model.layers[1].params["gamma"][...] = rng.uniform(0.5, 2.0, 4)
    model.layers[1].params["beta"][...] = rng.standard_normal(4)
    x, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
    errors = check_params(
        model.layers,
        lambda: mse(model.forward(x), y)[0],
        backward=lambda: model.backward(mse(model.forward(x), y)[1]),
    )
    assert max(errors.values()) < TOL, errors

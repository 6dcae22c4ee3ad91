import json

import numpy as np
import pytest

from neural_playground.engine.layers import Activation, Dense, Layer
from neural_playground.engine.layers.dense import dense_backward, dense_forward


def test_dense_forward_backward_functions_shapes():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    out, cache = dense_forward(x, w, b)
    np.testing.assert_allclose(out, x @ w + b)
    dx, dw, db = dense_backward(np.ones((5, 3)), cache)
    assert (dx.shape, dw.shape, db.shape) == ((5, 4), (4, 3), (3,))
    np.testing.assert_allclose(db, [5.0, 5.0, 5.0])


def test_dense_contract():
    layer = Dense(3, 2, activation="relu", seed=0)
    assert isinstance(layer, Layer)
    assert set(layer.params) == set(layer.grads) == {"w", "b"}
    assert layer.params["w"].shape == (3, 2) and layer.params["b"].shape == (2,)
    assert layer.params["w"].dtype == np.float64
    assert not layer.grads["w"].any() and not layer.params["b"].any()
    assert layer.n_params == 8
    assert layer.describe() == {
        "type": "dense",
        "n_in": 3,
        "n_out": 2,
        "activation": "relu",
        "init": "xavier",
        "use_bias": True,
    }
    json.dumps(layer.describe())
    assert json.loads(json.dumps(layer.get_weights()))["w"] == layer.params["w"].tolist()
    assert layer.eval().training is False and layer.train().training is True


def test_dense_trace_and_grads_are_overwritten_not_accumulated():
    layer = Dense(2, 2, activation="tanh", seed=0)
    x = np.array([[1.0, -1.0]])
    layer.forward(x)
    assert set(layer.trace()) == {"x", "z", "a"}
    layer.backward(np.ones((1, 2)))
    assert set(layer.trace()) == {"x", "z", "a", "da", "dz"}
    first = layer.grads["w"].copy()
    layer.backward(np.ones((1, 2)))
    np.testing.assert_array_equal(layer.grads["w"], first)
    layer.zero_grad()
    assert not layer.grads["w"].any()


def test_dense_seed_and_rng():
    np.testing.assert_array_equal(Dense(3, 4, seed=5).params["w"], Dense(3, 4, seed=5).params["w"])
    rng = np.random.default_rng(5)
    assert not np.array_equal(Dense(3, 4, rng=rng).params["w"], Dense(3, 4, rng=rng).params["w"])


def test_dense_rejects_bad_config_and_input():
    with pytest.raises(ValueError, match="unknown activation 'gelu'; choose one of linear"):
        Dense(2, 2, activation="gelu")
    with pytest.raises(ValueError, match="unknown initializer"):
        Dense(2, 2, init="lecun_normal")
    with pytest.raises(ValueError, match="n_in >= 1"):
        Dense(0, 2)
    with pytest.raises(ValueError, match=r"input of shape \(N, 2\), got \(3,\)"):
        Dense(2, 2).forward(np.zeros(3))


def test_activation_layer_contract():
    layer = Activation("relu")
    assert layer.params == {} and layer.n_params == 0
    assert layer.describe() == {"type": "activation", "activation": "relu"}
    out = layer.forward(np.array([[[-1.0, 2.0]]]))  # any shape, e.g. conv feature maps
    np.testing.assert_array_equal(out, [[[0.0, 2.0]]])
    np.testing.assert_array_equal(layer.backward(np.ones((1, 1, 2))), [[[0.0, 1.0]]])
    assert set(layer.trace()) == {"z", "a", "da", "dz"}
    assert layer.get_weights() == {}

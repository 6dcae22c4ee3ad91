"""Worked examples from the book (appendix B), recomputed with the engine."""

import numpy as np
import pytest

from neural_playground.engine.gradcheck import numerical_gradient, rel_error
from neural_playground.engine.layers import Dense
from neural_playground.engine.losses import mse
from neural_playground.engine.model import Sequential


def dense_with(weights, bias, activation="linear"):
    weights = np.asarray(weights, dtype=float)
    layer = Dense(*weights.shape, activation=activation)
    layer.set_weights({"w": weights, "b": np.broadcast_to(bias, weights.shape[1:])})
    return layer


def test_b2_single_neuron_weighted_sum_and_relu():
    # inputs [1, -2, 3], weights [1, 0.5, 0.3], bias 0: z = 1 - 1 + 0.9 = 0.9, relu(0.9) = 0.9
    neuron = dense_with([[1.0], [0.5], [0.3]], [0.0], activation="relu")
    a = neuron.forward(np.array([[1.0, -2.0, 3.0]]))
    assert neuron.trace()["z"][0, 0] == pytest.approx(0.9)
    assert a[0, 0] == pytest.approx(0.9)


def test_unweighted_sum_story_two_vs_three_hidden_nodes():
    # All weights 1: every hidden node B_j = G1 + G2 + G3 = 2.
    g = np.array([[1.0, 0.0, 1.0]])
    three_hidden = Sequential([dense_with(np.ones((3, 3)), 0), dense_with(np.ones((3, 1)), 0)])
    r1, trace = three_hidden.forward(g, trace=True)
    np.testing.assert_allclose(trace[0]["a"], [[2.0, 2.0, 2.0]])  # B1 = B2 = B3 = 2
    assert r1[0, 0] == pytest.approx(6.0)  # 3 * (G1 + G2 + G3) = 6 needs three hidden nodes

    # The book writes R1 = B1 + B2 = 3 * (G1 + G2 + G3) = 6, but B1 + B2 is two nodes: 4.
    two_hidden = Sequential([dense_with(np.ones((3, 2)), 0), dense_with(np.ones((2, 1)), 0)])
    assert two_hidden.forward(g)[0, 0] == pytest.approx(4.0)


def make_b3_network():
    # h1 = 2*1 + 1*2 = 4, h2 = 2*0.5 + 1*1 = 2; output = 1*4 + 0.5*2 = 5
    hidden = dense_with([[1.0, 0.5], [2.0, 1.0]], [0.0, 0.0])
    output = dense_with([[1.0], [0.5]], [0.0])
    return Sequential([hidden, output])


def test_b3_forward_and_output_weight_gradient():
    model = make_b3_network()
    x, y = np.array([[2.0, 1.0]]), np.array([[3.0]])
    pred, trace = model.forward(x, trace=True)
    np.testing.assert_allclose(trace[0]["a"], [[4.0, 2.0]])
    assert pred[0, 0] == pytest.approx(5.0)

    loss, dpred = mse(pred, y)
    assert loss == pytest.approx(4.0)  # (5 - 3)^2
    assert dpred[0, 0] == pytest.approx(4.0)  # 2 * (5 - 3)
    model.backward(dpred)
    out_layer = model.layers[1]
    np.testing.assert_allclose(out_layer.grads["w"].ravel(), [16.0, 8.0])  # 2*(5-3)*[4, 2]
    assert out_layer.grads["b"][0] == pytest.approx(4.0)

    w = out_layer.params["w"]
    numeric = numerical_gradient(lambda _: mse(model.forward(x), y)[0], w)
    assert rel_error(out_layer.grads["w"], numeric) < 1e-8


def test_b3_first_layer_gradient_matches_finite_differences():
    model = make_b3_network()
    x, y = np.array([[2.0, 1.0]]), np.array([[3.0]])
    model.backward(mse(model.forward(x), y)[1])
    hidden = model.layers[0]
    # dL/dh = 4 * [1, 0.5] = [4, 2]; dL/dW1 = x^T [4, 2]
    np.testing.assert_allclose(hidden.grads["w"], [[8.0, 4.0], [4.0, 2.0]])
    numeric = numerical_gradient(lambda _: mse(model.forward(x), y)[0], hidden.params["w"])
    assert rel_error(hidden.grads["w"], numeric) < 1e-8

import json

import numpy as np
import pytest

from neural_playground.engine.layers import Activation, BatchNorm, Dense
from neural_playground.engine.layers.dense import dense_stack_outputs
from neural_playground.engine.model import Sequential, mlp
from neural_playground.engine.optimizers import Optimizer

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def test_mlp_learns_xor_with_adam_and_bce():
    model = mlp([2, 8, 1], ["tanh", "sigmoid"], seed=0)
    opt = Optimizer("adam", learning_rate=0.05)
    losses = [model.train_step(XOR_X, XOR_Y, "binary_crossentropy", opt) for _ in range(300)]
    assert losses[-1] < 0.1
    assert losses[-1] < losses[0]
    np.testing.assert_array_equal(model.predict(XOR_X) > 0.5, XOR_Y > 0.5)


def test_training_is_deterministic_under_a_seed():
    def run():
        model = mlp([2, 4, 1], "tanh", seed=3)
        opt = Optimizer("momentum", learning_rate=0.1)
        return [model.train_step(XOR_X, XOR_Y, "mse", opt) for _ in range(20)]

    assert run() == run()


def test_forward_trace_lists_each_layer():
    model = Sequential([Dense(2, 3, "relu", seed=0), Activation("tanh"), Dense(3, 1, seed=1)])
    out, trace = model.forward(XOR_X, trace=True)
    assert out.shape == (4, 1)
    assert [t["type"] for t in trace] == ["dense", "activation", "dense"]
    assert set(trace[0]) == {"type", "x", "z", "a"}
    np.testing.assert_array_equal(trace[1]["z"], trace[0]["a"])
    model.backward(np.ones_like(out))
    assert {"da", "dz"} <= set(model.trace()[0])


def test_predict_keeps_trace_and_mode():
    model = mlp([2, 3, 1], ["relu", "sigmoid"], seed=0)
    model.forward(XOR_X[:1])
    before = model.layers[0].trace()["x"]
    model.predict(XOR_X)
    assert model.layers[0].trace()["x"] is before
    assert all(layer.training for layer in model.layers)


def test_mlp_shapes_params_and_describe():
    model = mlp([3, 3, 1], ["relu", "linear"])
    assert [(d["n_in"], d["n_out"], d["activation"]) for d in model.describe()] == [
        (3, 3, "relu"),
        (3, 1, "linear"),
    ]
    assert model.n_params == (3 * 3 + 3) + (3 * 1 + 1)
    json.dumps(model.describe())
    assert len(mlp([2, 5, 5, 5, 2], "tanh")) == 4
    with pytest.raises(ValueError, match="2 Dense layers need 2 activations"):
        mlp([3, 3, 1], ["relu"])
    with pytest.raises(ValueError, match="unknown activation"):
        mlp([3, 1], "swish")


def test_mlp_seed_reproducible():
    a, b, c = (mlp([2, 4, 1], "tanh", seed=s) for s in (1, 1, 2))
    assert a.get_weights() == b.get_weights()
    assert a.get_weights() != c.get_weights()


def test_get_and_set_weights_roundtrip_through_json():
    source, dest = mlp([2, 4, 1], "tanh", seed=1), mlp([2, 4, 1], "tanh", seed=2)
    dest.set_weights(json.loads(json.dumps(source.get_weights())))
    np.testing.assert_array_equal(dest.predict(XOR_X), source.predict(XOR_X))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_set_weights_rejects_non_finite_and_changes_nothing(bad):
    model = mlp([2, 2, 1], "tanh", seed=0)
    original = model.get_weights()
    weights = model.get_weights()
    weights[0]["b"][0] = 0.5  # a valid change in layer 0 ...
    weights[1]["w"][0][0] = bad  # ... and an invalid one in layer 1
    with pytest.raises(ValueError, match="layer 1: .*'w' contains NaN or infinite"):
        model.set_weights(weights)
    assert model.get_weights() == original  # validated before anything was written


def test_set_weights_rejects_wrong_shapes_keys_and_lengths():
    model = mlp([2, 2, 1], "tanh", seed=0)
    weights = model.get_weights()
    with pytest.raises(ValueError, match=r"'w' has shape \(3, 2\), expected \(2, 2\)"):
        model.layers[0].set_weights({"w": np.zeros((3, 2)), "b": np.zeros(2)})
    with pytest.raises(ValueError, match="expected weight keys"):
        model.layers[0].set_weights({"w": weights[0]["w"]})
    with pytest.raises(ValueError, match="not a numeric array"):
        model.layers[0].set_weights({"w": [[1.0, 2.0], [3.0]], "b": [0.0, 0.0]})
    with pytest.raises(ValueError, match="expected a list of 2 weight dicts, got 1"):
        model.set_weights(weights[:1])


def test_train_step_defaults_and_from_logits_validation():
    model = mlp([2, 3, 1], ["tanh", "linear"], seed=0)
    first = model.train_step(XOR_X, XOR_Y)  # mse with a model-owned SGD
    for _ in range(50):
        last = model.train_step(XOR_X, XOR_Y)
    assert last < first
    with pytest.raises(ValueError, match="from_logits"):
        model.train_step(XOR_X, XOR_Y, "mse", from_logits=True)
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        model.train_step(XOR_X, XOR_Y, "hinge")


def test_softmax_classifier_from_logits_trains():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 60)
    x = np.eye(3)[labels] * 2 + 0.3 * rng.standard_normal((60, 3))
    model = mlp([3, 8, 3], ["relu", "linear"], seed=0)
    opt = Optimizer("adam", learning_rate=0.05)
    for _ in range(100):
        loss = model.train_step(x, labels, "categorical_crossentropy", opt, from_logits=True)
    assert loss < 0.1


def test_layer_outputs_gives_every_layer_and_keeps_the_trace():
    model = mlp([2, 3, 2, 1], ["tanh", "relu", "sigmoid"], seed=0)
    model.forward(XOR_X[:1])
    before = model.layers[1].trace()["a"]
    outputs = model.layer_outputs(XOR_X)
    assert [o.shape for o in outputs] == [(4, 3), (4, 2), (4, 1)]
    np.testing.assert_allclose(outputs[-1], model.predict(XOR_X))
    np.testing.assert_allclose(outputs[0], np.tanh(XOR_X @ model.layers[0].params["w"]))
    assert model.layers[1].trace()["a"] is before


def batch_normalized(seed: int = 0) -> Sequential:
    rng = np.random.default_rng(seed)
    return Sequential(
        [Dense(2, 4, rng=rng), BatchNorm(4), Activation("tanh"), Dense(4, 1, rng=rng)]
    )


def test_probe_in_training_mode_normalizes_each_batch_and_leaves_the_model_alone():
    model = batch_normalized().eval()
    x = np.random.default_rng(1).normal(size=(12, 2))
    model.forward(x[:2])
    before = model.layers[2].trace()["a"]
    running = model.layers[1].buffers["running_mean"].copy()
    probe = model.probe(x, batch_size=4, traced=2, training=True)
    # Each batch of 4 normalized by its own statistics, as in training...
    fresh = batch_normalized().train()
    by_batch = [fresh.forward(x[k : k + 4]) for k in (0, 4, 8)]
    np.testing.assert_allclose(probe.outputs[-1], np.concatenate(by_batch))
    assert [o.shape for o in probe.outputs] == [(12, 4), (12, 4), (12, 4), (12, 1)]
    # ... and the trace is batch 2's, its running statistics updated by batches 0 and 1.
    np.testing.assert_array_equal(probe.trace[0]["x"], x[8:12])
    fresh_running = fresh.layers[1].trace()["running_mean"]
    np.testing.assert_allclose(probe.trace[1]["running_mean"], fresh_running)
    assert not model.layers[0].training and model.layers[2].trace()["a"] is before
    np.testing.assert_array_equal(model.layers[1].buffers["running_mean"], running)


def test_probe_in_eval_mode_is_layer_outputs_and_the_batchs_trace():
    model = batch_normalized()
    model.train_step(np.ones((3, 2)) * [[1.0], [2.0], [3.0]], np.zeros((3, 1)))
    x = np.random.default_rng(2).normal(size=(8, 2))
    probe = model.probe(x, batch_size=4, traced=1)
    for got, want in zip(probe.outputs, model.layer_outputs(x), strict=True):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(probe.trace[0]["x"], x[4:])
    assert probe.trace[1]["type"] == "batchnorm" and model.layers[0].training


def test_probe_refuses_batches_that_do_not_split_the_data():
    with pytest.raises(ValueError, match="batches of 4"):
        batch_normalized().probe(np.zeros((6, 2)), batch_size=4, training=True)


@pytest.mark.parametrize(
    "activations", [["tanh", "relu", "sigmoid"], ["leaky_relu", "linear", "softmax"]]
)
def test_dense_stack_outputs_in_float32_match_the_float64_layers(activations):
    model = mlp([2, 8, 5, 3], activations, seed=1)
    x = np.random.default_rng(0).uniform(-6, 6, size=(500, 2))
    model.forward(x[:3])
    before = model.layers[0].trace()["a"]
    fast = dense_stack_outputs(model.layers, x)
    exact = model.layer_outputs(x)
    assert [f.dtype for f in fast] == [np.float32] * 3
    for f, e in zip(fast, exact, strict=True):
        np.testing.assert_allclose(f, e, rtol=1e-5, atol=1e-5)
    assert model.layers[0].trace()["a"] is before
    assert model.layers[0].params["w"].dtype == np.float64

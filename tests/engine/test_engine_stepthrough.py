"""The step-through record of one iteration: every gradient equals finite differences."""

import copy

import numpy as np
import pytest

from neural_playground.engine.activations import ACTIVATION_NAMES
from neural_playground.engine.gradcheck import (
    check_layer,
    numerical_gradient,
    numerical_model_gradients,
    rel_error,
)
from neural_playground.engine.layers import Dense
from neural_playground.engine.losses import evaluate, get_loss, loss_terms
from neural_playground.engine.model import Sequential, mlp
from neural_playground.engine.optimizers import Optimizer
from neural_playground.engine.regularizers import Regularizer
from neural_playground.engine.stepthrough import phases, step_through

TOL = 1e-6
SMOOTH_HIDDEN = [a for a in ACTIVATION_NAMES if a not in ("step", "softmax")]


def random_problem(seed: int):
    """A random network, batch, loss and optimizer: sizes, activations, biases all vary."""
    rng = np.random.default_rng(seed)
    loss = ["mse", "binary_crossentropy", "categorical_crossentropy"][seed % 3]
    from_logits = loss != "mse" and bool(rng.integers(0, 2))
    n_out = (
        int(rng.integers(2, 4)) if loss == "categorical_crossentropy" else int(rng.integers(1, 3))
    )
    sizes = [int(rng.integers(1, 4)), *rng.integers(1, 5, size=rng.integers(1, 3)), n_out]
    hidden = [str(rng.choice(SMOOTH_HIDDEN)) for _ in sizes[1:-1]]
    out_act = {"mse": "tanh", "binary_crossentropy": "sigmoid"}.get(loss, "softmax")
    model = mlp(sizes, [*hidden, "linear" if from_logits else out_act], seed=seed)
    for layer in model.layers:
        layer.params["b"][...] = 0.3 * rng.standard_normal(layer.params["b"].shape)
    n = int(rng.integers(1, 5))
    x = rng.standard_normal((n, sizes[0]))
    if loss == "categorical_crossentropy":
        y = rng.integers(0, n_out, n)
    elif loss == "binary_crossentropy":
        y = rng.integers(0, 2, (n, n_out)).astype(float)
    else:
        y = rng.standard_normal((n, n_out))
    optimizer = Optimizer(["sgd", "momentum", "adam"][seed % 3 - 1], learning_rate=0.05)
    return model, x, y, loss, from_logits, optimizer


@pytest.mark.parametrize("seed", range(12))
def test_recorded_gradients_equal_finite_differences_on_random_networks(seed):
    model, x, y, loss, from_logits, optimizer = random_problem(seed)
    before = copy.deepcopy(model)
    numeric, numeric_dx = numerical_model_gradients(before, x, y, loss, from_logits)
    record = step_through(model, x, y, loss, optimizer, from_logits)
    for k, (layer, expected) in enumerate(zip(record.layers, numeric, strict=True)):
        assert rel_error(layer.dw, expected["w"]) < TOL, (k, "w")
        assert rel_error(layer.db, expected["b"]) < TOL, (k, "b")
    assert rel_error(record.layers[0].dx, numeric_dx) < TOL
    # dL/da of each hidden layer: the rest of the network as a function of that layer's a.
    for k in range(1, len(record.layers)):
        rest = Sequential(copy.deepcopy(before.layers[k:]))
        a = record.layers[k - 1].a.copy()
        da = numerical_gradient(
            lambda v, rest=rest: evaluate(loss, rest.predict(v), y, from_logits)[0], a
        )
        assert rel_error(record.layers[k - 1].da, da) < TOL, k
        assert rel_error(record.layers[k].dx, da) < TOL, k


@pytest.mark.parametrize(("seed", "penalty"), [(0, "l2"), (1, "l1"), (2, "l2"), (4, "l1")])
def test_a_weight_penalty_is_in_the_recorded_gradients_and_the_update(seed, penalty):
    model, x, y, loss, from_logits, optimizer = random_problem(seed)
    regularizer = Regularizer(penalty, 0.05)
    before = copy.deepcopy(model)
    twin = copy.deepcopy(model)
    numeric, _ = numerical_model_gradients(before, x, y, loss, from_logits, regularizer=regularizer)
    record = step_through(model, x, y, loss, optimizer, from_logits, regularizer)
    assert record.regularizer == {"name": penalty, "rate": 0.05}
    assert record.penalty == pytest.approx(regularizer.penalty(before))
    assert record.penalty_after == pytest.approx(regularizer.penalty(model))
    for k, (layer, expected) in enumerate(zip(record.layers, numeric, strict=True)):
        assert rel_error(layer.dw, expected["w"]) < TOL, (k, "w")
        assert rel_error(layer.db, expected["b"]) < TOL, (k, "b")  # biases are not penalised
        # The penalty's part: 2 * rate * w (L2) or rate * sign(w) (L1), added to x^T dL/dz.
        w = before.layers[k].params["w"]
        part = 0.1 * w if penalty == "l2" else 0.05 * np.sign(w)
        np.testing.assert_allclose(layer.dw_penalty, part)
        np.testing.assert_allclose(layer.dw, layer.x.T @ layer.dz + part, atol=1e-12)
    # The record's update is exactly what train_step does with the same penalty.
    twin_optimizer = Optimizer(optimizer.name, learning_rate=optimizer.learning_rate)
    twin.train_step(x, y, loss, twin_optimizer, from_logits, regularizer)
    for layer, expected in zip(record.layers, twin.layers, strict=True):
        np.testing.assert_allclose(layer.update["w"].new, expected.params["w"])


@pytest.mark.parametrize("seed", range(6))
def test_chain_rule_factors_multiply_to_the_gradients(seed):
    model, x, y, loss, from_logits, optimizer = random_problem(seed)
    record = step_through(model, x, y, loss, optimizer, from_logits)
    last = record.layers[-1]
    np.testing.assert_allclose(last.da, record.dpred)
    for k, layer in enumerate(record.layers):
        if layer.fprime is not None:  # dL/dz = dL/da * f'(z), elementwise
            np.testing.assert_allclose(layer.dz, layer.da * layer.fprime, atol=1e-12)
        # dL/dw_ij = sum over the batch of a_i * dL/dz_j
        np.testing.assert_allclose(layer.dw, np.einsum("ni,nj->ij", layer.x, layer.dz), atol=1e-12)
        np.testing.assert_allclose(layer.db, layer.dz.sum(axis=0), atol=1e-12)
        if k > 0:  # dL/da_i = sum_j w_ij dL/dz_j
            np.testing.assert_allclose(record.layers[k - 1].da, layer.dz @ layer.w.T, atol=1e-12)


def test_the_update_is_what_the_optimizer_did_and_the_model_keeps_it():
    model, x, y, loss, from_logits, _ = random_problem(3)
    sgd = Optimizer("sgd", learning_rate=0.1)
    record = step_through(model, x, y, loss, sgd, from_logits)
    for layer, live in zip(record.layers, model.layers, strict=True):
        for key, update in layer.update.items():
            np.testing.assert_array_equal(update.new, update.old - 0.1 * update.grad)
            np.testing.assert_array_equal(live.params[key], update.new)
    np.testing.assert_allclose(record.pred_after, model.predict(x))
    assert record.loss_after == pytest.approx(evaluate(loss, model.predict(x), y, from_logits)[0])
    assert record.finite


def test_momentum_and_adam_show_their_own_numbers():
    x, y = np.array([[1.0]]), np.array([[0.0]])
    model = Sequential([Dense(1, 1, use_bias=False)])
    model.layers[0].params["w"][...] = 1.0
    opt = Optimizer("momentum", learning_rate=0.1, momentum=0.9)
    first = step_through(model, x, y, "mse", opt).layers[0].update["w"]
    # g = 2 * (1 - 0) = 2; v = -0.1 * 2 = -0.2; w = 0.8
    assert first.state["velocity_before"][0, 0] == 0.0
    assert first.state["velocity"][0, 0] == pytest.approx(-0.2)
    second = step_through(model, x, y, "mse", opt).layers[0].update["w"]
    # g = 1.6; v = 0.9 * -0.2 - 0.16 = -0.34; w = 0.8 - 0.34 = 0.46
    assert second.state["velocity_before"][0, 0] == pytest.approx(-0.2)
    assert second.new[0, 0] == pytest.approx(0.46)

    model.layers[0].params["w"][...] = 1.0
    adam = Optimizer("adam", learning_rate=0.1)
    record = step_through(model, x, y, "mse", adam)
    update = record.layers[0].update["w"]
    # m = 0.1 * 2, v = 0.001 * 4; the bias corrections give m_hat = 2, v_hat = 4: a step of lr.
    assert update.state["m_hat"][0, 0] == pytest.approx(2.0)
    assert update.state["v_hat"][0, 0] == pytest.approx(4.0)
    assert update.new[0, 0] == pytest.approx(0.9)
    assert record.optimizer["t"] == 1


def book_network() -> Sequential:
    """B.3's 2-2-1 network without biases: hidden outputs 4 and 2, prediction 5."""
    hidden, output = Dense(2, 2, use_bias=False), Dense(2, 1, use_bias=False)
    hidden.params["w"][...] = [[1.0, 0.5], [2.0, 1.0]]
    output.params["w"][...] = [[1.0], [0.5]]
    return Sequential([hidden, output])


def test_book_b3_iteration_in_numbers():
    model = book_network()
    x, y = np.array([[2.0, 1.0]]), np.array([[3.0]])
    record = step_through(model, x, y, "mse", Optimizer("sgd", learning_rate=0.0125))
    hidden, out = record.layers
    np.testing.assert_allclose(hidden.a, [[4.0, 2.0]])
    assert record.pred[0, 0] == 5.0
    np.testing.assert_allclose(record.loss_parts["diff"], [[2.0]])
    assert record.loss_value == 4.0  # (5 - 3)^2 / 1
    assert record.dpred[0, 0] == 4.0  # 2 * (5 - 3)
    np.testing.assert_allclose(out.dw, [[16.0], [8.0]])  # 2 * (5 - 3) * [4, 2]
    np.testing.assert_allclose(hidden.da, [[4.0, 2.0]])  # 4 * [1, 0.5]
    np.testing.assert_allclose(hidden.dw, [[8.0, 4.0], [4.0, 2.0]])  # x^T [4, 2]
    assert hidden.db is None and "b" not in hidden.update
    # Learning rate 0.0125 moves the output weights exactly as the book does by hand.
    np.testing.assert_allclose(out.update["w"].new, [[0.8], [0.4]])
    np.testing.assert_allclose(hidden.update["w"].new, [[0.9, 0.45], [1.95, 0.975]])
    # All weights at once: hidden 3.75 and 1.875, prediction 0.8*3.75 + 0.4*1.875 = 3.75.
    assert record.pred_after[0, 0] == pytest.approx(3.75)
    assert record.loss_after == pytest.approx(0.75**2)


def test_phases_run_forward_loss_backward_update():
    assert phases(2) == [
        ("forward", 0),
        ("forward", 1),
        ("loss", None),
        ("backward", 1),
        ("backward", 0),
        ("update", None),
    ]


def test_step_through_refuses_non_dense_layers():
    from neural_playground.engine.layers import Activation

    with pytest.raises(ValueError, match="Dense"):
        step_through(Sequential([Activation("relu")]), np.ones((1, 1)), np.ones((1, 1)))


@pytest.mark.parametrize(
    ("loss", "pred", "target", "terms"),
    [
        ("mse", [[5.0], [1.0]], [[3.0], [1.5]], [4.0, 0.25]),
        ("mse", [[1.0, 2.0]], [[0.0, 0.0]], [2.5]),  # mean over the outputs
        ("binary_crossentropy", [[0.5], [0.9]], [[1.0], [0.0]], [np.log(2), -np.log(0.1)]),
        ("categorical_crossentropy", [[0.7, 0.2, 0.1]], [0], [-np.log(0.7)]),
    ],
)
def test_loss_terms_per_sample_and_their_mean_is_the_loss(loss, pred, target, terms):
    parts = loss_terms(loss, np.array(pred), np.array(target))
    np.testing.assert_allclose(parts["terms"], terms)
    assert float(parts["value"]) == pytest.approx(
        get_loss(loss)(np.array(pred), np.array(target))[0]
    )


@pytest.mark.parametrize("loss", ["binary_crossentropy", "categorical_crossentropy"])
def test_loss_terms_from_logits_agree_with_probabilities(loss):
    logits = np.array([[0.3, -1.2, 2.0], [1.5, 0.1, -0.4]])
    target = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]) if loss.startswith("b") else [2, 1]
    with_logits = loss_terms(loss, logits, target, from_logits=True)
    probs = with_logits["p"]
    plain = loss_terms(loss, probs, target)
    np.testing.assert_allclose(with_logits["terms"], plain["terms"], rtol=1e-6)
    np.testing.assert_allclose(with_logits["log_p"], np.log(probs))


def test_a_dense_layer_without_bias_has_only_weights_and_correct_gradients():
    layer = Dense(3, 2, activation="tanh", seed=0, use_bias=False)
    assert set(layer.params) == {"w"}
    assert layer.describe()["use_bias"] is False
    errors = check_layer(
        layer, np.random.default_rng(1).standard_normal((4, 3)), np.random.default_rng(2)
    )
    assert set(errors) == {"x", "w"} and max(errors.values()) < TOL

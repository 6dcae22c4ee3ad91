import numpy as np
import pytest

from neural_playground.engine.layers import Dense
from neural_playground.engine.optimizers import (
    OPTIMIZER_NAMES,
    Optimizer,
    adam,
    get_optimizer,
    momentum,
    sgd,
)


def test_sgd_step_is_exactly_w_minus_lr_g():
    w, g = np.array([1.0, -2.0, 0.3]), np.array([0.5, 0.25, -7.0])
    next_w, config = sgd(w, g, {"learning_rate": 0.1})
    np.testing.assert_array_equal(next_w, w - 0.1 * g)
    np.testing.assert_array_equal(w, [1.0, -2.0, 0.3])  # pure: input untouched
    assert config["learning_rate"] == 0.1


def test_momentum_first_two_steps_by_hand():
    config = {"learning_rate": 0.1, "momentum": 0.9}
    w, config = momentum(np.array([1.0]), np.array([0.5]), config)
    # v = -0.1 * 0.5 = -0.05; w = 1 - 0.05
    assert config["velocity"][0] == pytest.approx(-0.05)
    assert w[0] == pytest.approx(0.95)
    w, config = momentum(w, np.array([0.2]), config)
    # v = 0.9 * -0.05 - 0.1 * 0.2 = -0.065; w = 0.95 - 0.065
    assert config["velocity"][0] == pytest.approx(-0.065)
    assert w[0] == pytest.approx(0.885)


def test_adam_first_two_steps_by_hand():
    config = {"learning_rate": 0.1}  # beta1 0.9, beta2 0.999, eps 1e-8 by default
    w, config = adam(np.array([1.0]), np.array([0.5]), config)
    # m = 0.05, v = 0.00025; m_hat = 0.5, v_hat = 0.25 -> step 0.1 * 0.5 / (0.5 + 1e-8)
    assert config["t"] == 1
    assert (config["m"][0], config["v"][0]) == (pytest.approx(0.05), pytest.approx(2.5e-4))
    assert w[0] == pytest.approx(0.900000002, abs=1e-12)
    w, config = adam(w, np.array([-0.1]), config)
    # m = 0.045 - 0.01 = 0.035, v = 0.00024975 + 0.00001 = 0.00025975
    # m_hat = 0.035 / 0.19 = 0.18421053, v_hat = 0.00025975 / 0.001999 = 0.12993997
    # w = 0.900000002 - 0.1 * 0.18421053 / (sqrt(0.12993997) + 1e-8) = 0.84889740
    assert config["m"][0] == pytest.approx(0.035)
    assert config["v"][0] == pytest.approx(0.00025975)
    assert w[0] == pytest.approx(0.84889740, abs=1e-8)


def test_adam_minimises_a_quadratic():
    target = np.array([1.0, 2.0, -0.5])
    w, config = np.array([5.0, -3.0, 0.0]), {"learning_rate": 0.1}
    for _ in range(500):
        w, config = adam(w, 2 * (w - target), config)  # gradient of sum((w - target)^2)
    np.testing.assert_allclose(w, target, atol=1e-3)


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_optimizer_class_matches_functional_rules(name):
    layer = Dense(3, 2, seed=0)
    rule = {"sgd": sgd, "momentum": momentum, "adam": adam}[name]
    w_expected, config = layer.params["w"].copy(), {"learning_rate": 0.05}
    opt = Optimizer(name, learning_rate=0.05)
    w_before = layer.params["w"]
    for step in range(3):
        layer.grads["w"][...] = np.full((3, 2), step + 1.0)
        w_expected, config = rule(w_expected, layer.grads["w"], config)
        opt.step([layer])
    np.testing.assert_allclose(layer.params["w"], w_expected, rtol=0, atol=1e-15)
    assert layer.params["w"] is w_before  # updated in place
    assert set(opt.state) == {(0, "w"), (0, "b")}
    opt.reset()
    assert opt.state == {}


def test_optimizer_learning_rate_change_applies_immediately():
    layer = Dense(1, 1, init="zeros")
    opt = Optimizer("sgd", learning_rate=0.1)
    layer.grads["w"][...] = 1.0
    opt.step([layer])
    opt.learning_rate = 1.0
    opt.step([layer])
    assert layer.params["w"][0, 0] == pytest.approx(-1.1)


def test_momentum_keeps_the_old_learning_rate_in_its_velocity():
    # The documented convention (engine/optimizers.py, momentum): v <- mu v - lr g; w <- w + v.
    layer = Dense(1, 1, init="zeros")
    layer.params["w"][...] = 1.0
    opt = Optimizer("momentum", learning_rate=0.1, momentum=0.9)
    layer.grads["w"][...] = 0.5
    opt.step([layer])  # v = -0.05, w = 0.95
    opt.learning_rate = 1.0
    layer.grads["w"][...] = 0.2
    opt.step([layer])
    # v = 0.9 * -0.05 - 1.0 * 0.2 = -0.245 (the first step keeps its rate 0.1); w = 0.705.
    assert layer.params["w"][0, 0] == pytest.approx(0.705)
    # PyTorch's rule would rescale the whole history: b = 0.9 * 0.5 + 0.2, w = 0.95 - 1.0 * b.
    assert layer.params["w"][0, 0] != pytest.approx(0.95 - 1.0 * (0.9 * 0.5 + 0.2))


def test_optimizer_rejects_unknown_names_and_hyperparameters():
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'; choose one of sgd"):
        get_optimizer("rmsprop")
    with pytest.raises(ValueError, match="beta1"):
        Optimizer("sgd", beta1=0.9)
    with pytest.raises(ValueError, match="learning_rate"):
        Optimizer("adam", learning_rate=0.0)
    assert get_optimizer("momentum", learning_rate=0.1, momentum=0.5).hyper == {"momentum": 0.5}

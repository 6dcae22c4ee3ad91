"""L1/L2 penalties: values, gradients against finite differences, and inside a training step."""

import numpy as np
import pytest

from neural_playground.engine.gradcheck import check_params, numerical_gradient, rel_error
from neural_playground.engine.model import mlp
from neural_playground.engine.optimizers import Optimizer
from neural_playground.engine.regularizers import PENALTIES, Regularizer, l1, l2


def test_penalty_values_follow_keras():
    w = np.array([[1.0, -2.0], [0.5, 0.0]])
    assert l1(w, 0.1)[0] == pytest.approx(0.1 * 3.5)
    assert l2(w, 0.1)[0] == pytest.approx(0.1 * (1 + 4 + 0.25))
    np.testing.assert_allclose(l1(w, 0.1)[1], [[0.1, -0.1], [0.1, 0.0]])
    np.testing.assert_allclose(l2(w, 0.1)[1], [[0.2, -0.4], [0.1, 0.0]])


@pytest.mark.parametrize("name", list(PENALTIES))
def test_penalty_gradients_match_finite_differences(name):
    rng = np.random.default_rng(0)
    w = rng.normal(size=(4, 3))
    w[np.abs(w) < 0.05] = 0.3  # L1's kink at 0 has no derivative: stay away from it
    _, dw = PENALTIES[name](w, 0.3)
    numeric = numerical_gradient(lambda v: PENALTIES[name](v, 0.3)[0], w)
    assert rel_error(dw, numeric) < 1e-8


@pytest.mark.parametrize("name", list(PENALTIES))
@pytest.mark.parametrize(
    ("loss", "from_logits", "outputs"),
    [("binary_crossentropy", True, 1), ("categorical_crossentropy", True, 3), ("mse", False, 1)],
)
def test_model_gradients_include_the_penalty(name, loss, from_logits, outputs):
    """grads after loss_and_gradients are d(loss + penalty)/dparams, biases unpenalised."""
    rng = np.random.default_rng(1)
    model = mlp([3, 4, 4, outputs], ["tanh", "relu", "linear"], seed=2)
    x = rng.normal(size=(6, 3))
    y = rng.integers(0, 3, 6) if outputs == 3 else rng.integers(0, 2, (6, 1)).astype(float)
    reg = Regularizer(name, 0.05)
    errors = check_params(
        model.layers, lambda: model.loss_and_gradients(x, y, loss, from_logits, reg)
    )
    assert max(errors.values()) < 1e-6, errors
    without = mlp([3, 4, 4, outputs], ["tanh", "relu", "linear"], seed=2)
    plain = without.loss_and_gradients(x, y, loss, from_logits)
    total = model.loss_and_gradients(x, y, loss, from_logits, reg)
    assert total == pytest.approx(plain + reg.penalty(model))
    np.testing.assert_allclose(without.layers[0].grads["b"], model.layers[0].grads["b"])


def test_l2_shrinks_weights_during_training():
    x = np.random.default_rng(0).normal(size=(20, 2))
    y = (x[:, :1] > 0).astype(float)

    def weight_norm(reg):
        model = mlp([2, 6, 1], ["tanh", "linear"], seed=0)
        opt = Optimizer("sgd", learning_rate=0.1)
        for _ in range(200):
            model.train_step(x, y, "binary_crossentropy", opt, from_logits=True, regularizer=reg)
        return sum(float(np.sum(layer.params["w"] ** 2)) for layer in model.layers)

    assert weight_norm(Regularizer("l2", 0.05)) < 0.5 * weight_norm(None)


def test_regularizer_refuses_bad_names_and_rates():
    with pytest.raises(ValueError, match="unknown penalty"):
        Regularizer("l3", 0.1)
    with pytest.raises(ValueError, match=">= 0"):
        Regularizer("l2", -1)

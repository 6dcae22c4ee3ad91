"""Loss landscapes over one or two weights (B.4): curves, surfaces and slopes."""

import numpy as np
import pytest

from neural_playground.engine.gradcheck import numerical_model_gradients
from neural_playground.engine.landscape import (
    gradient_at,
    loss_curve,
    loss_surface,
    slopes_along,
    value_of,
)
from neural_playground.engine.layers import Dense
from neural_playground.engine.losses import evaluate
from neural_playground.engine.model import Sequential, mlp

X, Y = np.array([[1.0]]), np.array([[0.0]])


def parabola(w: float = 3.0) -> Sequential:
    """One weight, input 1, target 0, MSE: the loss is w^2 (figures B-8 and B-9)."""
    model = Sequential([Dense(1, 1, use_bias=False)])
    model.layers[0].params["w"][...] = w
    return model


W = (0, "w", (0, 0))


def test_parabola_curve_is_w_squared_and_the_weight_is_put_back():
    model = parabola()
    values = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(loss_curve(model, X, Y, W, values), values**2)
    assert value_of(model, W) == 3.0


def test_book_b9_slopes_at_3_2_1_0_minus_1():
    losses, slopes = slopes_along(parabola(), X, Y, W, [3, 2, 1, 0, -1])
    np.testing.assert_allclose(losses, [9, 4, 1, 0, 1])
    np.testing.assert_allclose(slopes, [6, 4, 2, 0, -2])


def test_surface_layout_and_the_trace_is_kept():
    model = mlp([2, 2, 1], ["tanh", "linear"], seed=1)
    x, y = np.array([[0.5, -1.0], [1.0, 2.0]]), np.array([[1.0], [0.0]])
    model.forward(x[:1])
    kept = model.layers[0].cache["x"]
    c1, c2 = (1, "w", (0, 0)), (0, "b", (1,))
    v1, v2 = np.linspace(-1, 1, 3), np.linspace(-2, 2, 5)
    surface = loss_surface(model, x, y, (c1, c2), (v1, v2))
    assert surface.shape == (5, 3)
    model.layers[1].params["w"][0, 0] = v1[2]
    model.layers[0].params["b"][1] = v2[1]
    assert surface[1, 2] == pytest.approx(np.mean((model.predict(x) - y) ** 2))
    assert model.layers[0].cache["x"] is kept


def test_gradient_at_is_the_engines_gradient_and_matches_finite_differences():
    model = mlp([2, 3, 1], ["sigmoid", "sigmoid"], seed=4)
    x, y = np.array([[0.2, -0.7], [1.5, 0.3]]), np.array([[1.0], [0.0]])
    coords = [(0, "w", (1, 2)), (1, "b", (0,))]
    value, slopes = gradient_at(model, x, y, coords, "binary_crossentropy")
    numeric, _ = numerical_model_gradients(model, x, y, "binary_crossentropy")
    assert slopes == pytest.approx([numeric[0]["w"][1, 2], numeric[1]["b"][0]], rel=1e-6)
    assert value > 0


@pytest.mark.parametrize(
    "coord", [(2, "w", (0, 0)), (0, "q", (0,)), (0, "w", (5, 0)), (0, "w", (0,))]
)
def test_a_coordinate_that_points_nowhere_is_refused(coord):
    with pytest.raises(ValueError):
        loss_curve(mlp([2, 2, 1], "linear"), np.ones((1, 2)), np.ones((1, 1)), coord, [0.0])


@pytest.mark.parametrize(
    ("loss", "acts", "coord"),
    [
        ("mse", ["tanh", "linear"], (0, "w", (1, 2))),
        ("binary_crossentropy", ["relu", "sigmoid"], (1, "b", (0,))),
        ("categorical_crossentropy", ["sigmoid", "softmax"], (1, "w", (2, 1))),
    ],
)
def test_the_stacked_curve_equals_setting_each_value_in_turn(loss, acts, coord):
    rng = np.random.default_rng(5)
    n_out = 3 if loss == "categorical_crossentropy" else 1
    model = mlp([2, 3, n_out], acts, seed=3)
    x = rng.standard_normal((4, 2))
    y = rng.integers(0, 3, 4) if n_out == 3 else rng.integers(0, 2, (4, 1)).astype(float)
    values = np.linspace(-2, 2, 7)
    param = model.layers[coord[0]].params[coord[1]]
    expected = []
    for value in values:
        kept = param[coord[2]]
        param[coord[2]] = value
        expected.append(evaluate(loss, model.predict(x), y)[0])
        param[coord[2]] = kept
    np.testing.assert_allclose(loss_curve(model, x, y, coord, values, loss), expected, rtol=1e-12)

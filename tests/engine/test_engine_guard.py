"""The one divergence rule (engine.guard): a loss that is not finite, or a parameter that is
not finite or beyond the magnitude limit, means training has blown up."""

import numpy as np
import pytest

from neural_playground.engine.guard import diverged, divergence_guard, params_within
from neural_playground.engine.model import mlp

LIMIT = 1e6


@pytest.fixture
def model():
    return mlp([2, 3, 1], ["tanh", "sigmoid"], seed=0)


def test_a_fresh_network_is_within_the_limit(model):
    assert params_within(model, LIMIT)
    assert params_within(model.layers, LIMIT)
    assert params_within([layer.params for layer in model.layers], LIMIT)
    assert not diverged(0.7, model, LIMIT)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 2e6, -1.5e6])
def test_one_bad_parameter_is_enough(model, bad):
    model.layers[1].params["b"][0] = bad
    assert not params_within(model, LIMIT)
    assert diverged(0.7, model, LIMIT)


def test_the_limit_itself_is_allowed(model):
    model.layers[0].params["w"][0, 0] = -LIMIT
    assert params_within(model, LIMIT)


@pytest.mark.parametrize("loss", [np.nan, np.inf, float("-inf")])
def test_a_loss_that_is_not_finite_is_divergence(model, loss):
    assert diverged(loss, model, LIMIT)


def test_a_huge_but_finite_loss_is_not_divergence_by_itself(model):
    # The magnitude rule is for parameters; a large loss with sane weights is a bad start.
    assert not diverged(1e300, model, LIMIT)


@pytest.mark.parametrize("limit", [0.0, -1.0, np.inf, np.nan])
def test_the_limit_must_be_a_positive_finite_number(model, limit):
    with pytest.raises(ValueError, match="limit"):
        params_within(model, limit)


def test_the_guard_keeps_a_burst_that_stays_within_the_limit(model):
    with divergence_guard(model.layers, LIMIT) as guard:
        model.layers[0].params["w"] += 1.0
        assert guard.check(0.5, 0.25)
    assert not guard.diverged
    assert model.layers[0].params["w"].max() > 1.0


@pytest.mark.parametrize("blow_up", [np.nan, 5e6])
def test_the_guard_puts_the_weights_back_when_a_burst_blows_up(model, blow_up):
    before = [layer.params["w"].copy() for layer in model.layers]
    with divergence_guard(model.layers, LIMIT) as guard:
        model.layers[1].params["w"][:] = blow_up
    assert guard.diverged
    for layer, w in zip(model.layers, before, strict=True):
        np.testing.assert_array_equal(layer.params["w"], w)


def test_a_loss_that_stops_being_finite_marks_the_burst(model):
    before = model.layers[0].params["w"].copy()
    with divergence_guard(model.layers, LIMIT) as guard:
        model.layers[0].params["w"] *= 2.0
        assert not guard.check(1.0, np.inf)
    assert guard.diverged
    np.testing.assert_array_equal(model.layers[0].params["w"], before)

"""The shared step-through on the playground: one iteration on the next mini-batch, walked
phase by phase, with the features, the logits and the L1/L2 penalty the playground trains with."""

import copy

import numpy as np
import pytest

from neural_playground.app.labs.common.training import StepPhase
from neural_playground.app.labs.playground.commands import AddPoint, Inspect, SetData, SetNetwork
from neural_playground.app.labs.playground.lab import PlaygroundLab
from neural_playground.app.settings import Settings
from neural_playground.engine.gradcheck import numerical_model_gradients, rel_error

STEP_PHASE = StepPhase(type="step_phase")


@pytest.fixture
def lab() -> PlaygroundLab:
    lab = PlaygroundLab(Settings())
    lab.handle(
        SetNetwork(
            type="set_network",
            features=["x1", "x2", "x1_x2"],
            regularization="l2",
            regularization_rate=0.01,
            batch_size=4,
        )
    )
    return lab


def weights(lab) -> list[np.ndarray]:
    return [p.copy() for layer in lab.model.layers for p in layer.params.values()]


def test_one_iteration_walked_phase_by_phase_is_the_engines_training_step(lab):
    before = weights(lab)
    untouched = copy.deepcopy(lab.model)
    x, y = lab.training_batch()
    lab.handle(STEP_PHASE)
    walk = lab.frame().step_through
    # Forward through 3 layers, the loss, backward through 3, the update.
    assert len(walk.phases) == 8 and walk.phase == 0 and not walk.complete
    np.testing.assert_allclose(walk.layers[0].x, x)  # the next mini-batch's features
    assert len(walk.layers[0].x) == 4 and walk.layers[0].z is not None
    assert walk.layers[1].z is None and walk.loss is None
    for _ in range(3):
        lab.handle(STEP_PHASE)
    walk = lab.frame().step_through
    assert walk.loss.name == "binary_crossentropy" and walk.loss.from_logits
    assert walk.loss.regularizer == {"name": "l2", "rate": 0.01}
    assert walk.loss.penalty == pytest.approx(lab.regularizer.penalty(untouched))
    assert walk.phases[walk.phase].kind == "loss" and walk.layers[2].dw is None
    lab.handle(STEP_PHASE)  # backward through the output layer
    walk = lab.frame().step_through
    assert walk.layers[2].dw is not None and walk.layers[1].dw is None
    # Nothing has changed yet: the update is only shown at the last phase.
    assert all(np.array_equal(a, b) for a, b in zip(weights(lab), before, strict=True))
    assert lab.frame().step == 0

    # Every gradient shown is d(loss + penalty)/dw by finite differences.
    numeric, _ = numerical_model_gradients(
        untouched, x, y, "binary_crossentropy", True, regularizer=lab.regularizer
    )
    for _ in range(2):
        lab.handle(STEP_PHASE)
    walk = lab.frame().step_through
    assert walk.phases[walk.phase].kind == "backward" and walk.phase == 6
    for layer, expected in zip(walk.layers, numeric, strict=True):
        assert rel_error(np.array(layer.dw), expected["w"]) < 1e-6
        assert rel_error(np.array(layer.db), expected["b"]) < 1e-6
        np.testing.assert_allclose(layer.dw_penalty, 0.02 * np.array(layer.w))

    lab.handle(STEP_PHASE)  # the update
    frame = lab.frame()
    walk = frame.step_through
    assert walk.complete and frame.step == 1 and frame.history[-1][0] == 1
    for layer, view in zip(lab.model.layers, walk.layers, strict=True):
        np.testing.assert_allclose(layer.params["w"], view.update["w"].new)
        # SGD: new = old - learning rate * gradient.
        np.testing.assert_allclose(
            view.update["w"].new,
            np.array(view.update["w"].old) - 0.03 * np.array(view.update["w"].grad),
        )
    # The same step as a plain iteration on a twin lab.
    twin = PlaygroundLab(Settings())
    twin.restore(lab.snapshot().model_copy(update={"weights": None, "step": 0}))
    twin.train(1)
    for a, b in zip(weights(lab), weights(twin), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # The next phase starts the next iteration, on the next mini-batch.
    lab.handle(STEP_PHASE)
    np.testing.assert_allclose(lab.frame().step_through.layers[0].x, lab.training_batch()[0])


def test_a_single_step_is_shown_complete_but_a_burst_while_playing_is_not(lab):
    lab.train(1)
    walk = lab.frame().step_through
    assert walk.complete and walk.phase == len(walk.phases) - 1
    assert walk.pred_after is not None and walk.penalty_after is not None
    lab.train(5)
    frame = lab.frame()
    assert frame.step == 6 and frame.step_through is None


def test_a_change_cancels_the_walk_but_pointing_at_a_neuron_does_not(lab):
    lab.handle(STEP_PHASE)
    lab.handle(Inspect(type="inspect", layer=0, j=1))
    assert lab.frame().step_through is not None
    before = weights(lab)
    lab.handle(AddPoint(type="add_point", x1=1.0, x2=2.0, label=1))
    frame = lab.frame()
    assert frame.step_through is None and frame.step == 0
    assert all(np.array_equal(a, b) for a, b in zip(weights(lab), before, strict=True))


@pytest.mark.parametrize(
    ("kind", "loss"), [("multi_gauss", "categorical_crossentropy"), ("plane", "mse")]
)
def test_multiclass_and_regression_step_through_with_their_losses(lab, kind, loss):
    lab.handle(SetData(type="set_data", kind=kind))
    lab.handle(SetNetwork(type="set_network", optimizer="adam"))
    lab.train(1)
    walk = lab.frame().step_through
    assert walk.loss.name == loss and walk.loss.from_logits == (loss != "mse")
    assert walk.optimizer["name"] == "adam" and walk.optimizer["t"] == 1
    outputs = 3 if kind == "multi_gauss" else 1
    assert len(walk.layers[-1].dw[0]) == outputs
    assert np.isfinite(walk.loss_after)

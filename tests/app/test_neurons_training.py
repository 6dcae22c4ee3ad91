"""Training the neurons page's network with the step-through (B.3 on the B.1/B.2 network)."""

import copy
import json
import math

import numpy as np
import pytest

from neural_playground.app.labs.common.training import (
    SetLearningRate,
    SetLoss,
    SetOptimizer,
    SetTarget,
    StepPhase,
)
from neural_playground.app.labs.neurons.commands import (
    LoadPreset,
    Randomize,
    SetActivation,
    SetWeight,
)
from neural_playground.app.labs.neurons.lab import NeuronsLab
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from neural_playground.engine.gradcheck import numerical_model_gradients, rel_error
from neural_playground.engine.stepthrough import phases
from tests.labutil import restored
from tests.wsutil import ask, open_lab, play_until_diverged, receive_until

STEP = StepPhase(type="step_phase")


def walk(lab: NeuronsLab, phases: int):
    for _ in range(phases):
        lab.handle(STEP)
    return lab.frame()


def test_phases_reveal_forward_then_loss_then_backward_then_update(lab):
    # b2_weighted: 3-3-1 linear, inputs 1, -2, 3, output 4.9, target 3, MSE, lr 0.01.
    frame = walk(lab, 1)
    walk_view = frame.step_through
    # The engine's order (forward 0, 1, loss, backward 1, 0, update: its own tests).
    assert [(p.kind, p.layer) for p in walk_view.phases] == phases(2)
    assert walk_view.phase == 0
    assert walk_view.layers[0].z == [pytest.approx([0.9, 2.0, 2.0])]
    assert walk_view.layers[1].z is None and walk_view.loss is None
    frame = walk(lab, 2)  # forward 1, loss
    loss = frame.step_through.loss
    assert loss.parts["diff"] == [pytest.approx([1.9])]  # 4.9 - 3
    assert loss.value == pytest.approx(1.9**2)
    assert frame.step_through.layers[1].dw is None
    frame = walk(lab, 1)  # backward through the output layer
    out = frame.step_through.layers[1]
    assert out.da == [pytest.approx([3.8])]  # 2 * (4.9 - 3)
    assert [r[0] for r in out.dw] == pytest.approx([3.8 * 0.9, 3.8 * 2, 3.8 * 2])
    assert frame.step_through.layers[0].dw is None
    frame = walk(lab, 1)  # backward through the hidden layer
    hidden = frame.step_through.layers[0]
    assert hidden.da == [pytest.approx([3.8, 3.8, 3.8])]  # 3.8 * output weights 1, 1, 1
    assert hidden.dw[1] == pytest.approx([3.8 * -2] * 3)  # input -2 times dL/dz
    # Until the update phase the network keeps its weights.
    assert frame.layers[1].w[0][0] == 1.0 and not frame.step_through.complete
    frame = walk(lab, 1)  # update
    view = frame.step_through
    assert view.complete and lab.step_count == 1
    update = view.layers[1].update["w"]
    assert update.old[0][0] == 1.0
    assert update.new[0][0] == pytest.approx(1.0 - 0.01 * 3.8 * 0.9)
    assert frame.layers[1].w[0][0] == pytest.approx(update.new[0][0])
    assert frame.output == pytest.approx(view.pred_after[0][0])
    assert view.loss_after < view.loss.value
    # One more step starts the next iteration from the new weights.
    assert walk(lab, 1).step_through.phase == 0


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_gradients_shown_equal_finite_differences_on_random_networks(lab, seed):
    rng = np.random.default_rng(seed)
    lab.handle(Randomize(type="randomize", seed=seed))
    for layer in range(2):
        act = str(rng.choice(["tanh", "sigmoid", "leaky_relu", "linear"]))
        lab.handle(SetActivation(type="set_activation", layer=layer, activation=act))
    lab.handle(SetTarget(type="set_target", value=float(rng.normal())))
    before = copy.deepcopy(lab.model)
    x, y = lab.batch()
    numeric, _ = numerical_model_gradients(before, x, y, "mse")
    frame = walk(lab, 5)  # through both backward phases
    for k, layer in enumerate(frame.step_through.layers):
        assert rel_error(np.array(layer.dw), numeric[k]["w"]) < 1e-6
        assert rel_error(np.array(layer.db), numeric[k]["b"]) < 1e-6


def test_an_edit_cancels_the_walk_and_keeps_the_weights(lab):
    walk(lab, 4)
    lab.handle(SetWeight(type="set_weight", layer=1, i=0, j=0, value=2.0))
    frame = lab.frame()
    assert frame.step_through is None
    assert frame.layers[1].w[0][0] == 2.0 and lab.step_count == 0


def test_whole_iterations_train_toward_the_target(lab):
    lab.train(50)
    frame = lab.frame()
    assert lab.step_count == 50 and frame.step_through.complete
    assert frame.output == pytest.approx(3.0, abs=1e-3)
    assert frame.loss_now == pytest.approx(frame.step_through.loss_after)


def test_step_finishes_the_iteration_being_walked(lab):
    walk(lab, 2)
    lab.train(1)
    assert lab.step_count == 1 and lab.frame().step_through.complete


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_other_optimizers_show_their_numbers(lab, name):
    lab.handle(SetOptimizer(type="set_optimizer", optimizer=name))
    lab.train(2)
    update = lab.frame().step_through.layers[1].update["w"]
    expected = {"momentum": {"velocity", "velocity_before"}, "adam": {"m", "v", "m_hat", "v_hat"}}
    assert set(update.state) == expected[name]


def test_the_stroke_example_trains_with_cross_entropy(lab):
    lab.handle(LoadPreset(type="load_preset", name="b1_stroke"))
    frame = lab.frame()
    assert frame.training.loss == "binary_crossentropy" and frame.target == [1.0]
    assert frame.loss_now == pytest.approx(-math.log(frame.output))
    lab.train(20)
    assert lab.frame().output > frame.output


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (SetLearningRate(type="set_learning_rate", value=1e6), "bad_learning_rate"),
        (SetLearningRate(type="set_learning_rate", value=0.0), "bad_learning_rate"),
        (SetLoss(type="set_loss", loss="binary_crossentropy"), "loss_needs_probability"),
        (SetLoss(type="set_loss", loss="categorical_crossentropy"), "loss_needs_softmax"),
        (SetTarget(type="set_target", j=1, value=1.0), "bad_index"),
    ],
)
def test_training_settings_that_cannot_work_are_refused(lab, command, code):
    with pytest.raises(LabError) as info:
        lab.handle(command)
    assert info.value.code == code


def test_cross_entropy_targets_must_be_probabilities(lab):
    lab.handle(LoadPreset(type="load_preset", name="b1_stroke"))
    lab.handle(SetTarget(type="set_target", value=3.0))
    with pytest.raises(LabError) as info:
        lab.handle(STEP)
    assert info.value.code == "target_not_probability"
    assert lab.frame().loss_now is None


def all_numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from all_numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from all_numbers(v)
    elif isinstance(value, float | int) and not isinstance(value, bool):
        yield value


def test_a_huge_learning_rate_diverges_without_a_nan_reaching_the_frame(lab):
    lab.handle(SetLearningRate(type="set_learning_rate", value=10.0))
    lab.train(100)
    assert lab.diverged and lab.step_count < 100
    text = lab.frame().model_dump_json()
    assert "NaN" not in text and "Infinity" not in text
    frame = json.loads(text)
    assert frame["training"]["diverged"] is True
    assert all(math.isfinite(v) for v in all_numbers(frame))
    assert max(abs(w) for w in all_numbers(frame["layers"])) <= Settings().max_abs_value
    lab.reset()
    assert not lab.diverged and lab.frame().output == pytest.approx(4.9)


def test_training_settings_survive_snapshot_and_restore(lab):
    lab.handle(SetLearningRate(type="set_learning_rate", value=0.05))
    lab.handle(SetOptimizer(type="set_optimizer", optimizer="adam"))
    lab.handle(SetTarget(type="set_target", value=-1.0))
    other = restored(lab)
    assert other.frame().training == lab.frame().training
    assert other.frame().target == [-1.0]


def test_play_with_a_huge_learning_rate_says_diverged_over_the_websocket(client):
    with open_lab(client, "neurons") as (ws, _):
        ws.send_json({"type": "set_learning_rate", "value": 10})
        assert receive_until(ws, "frame")["training"]["learning_rate"] == 10
        play_until_diverged(ws)


def test_step_phase_over_the_websocket(client):
    with open_lab(client, "neurons") as (ws, first):
        assert first["step_through"] is None and first["loss_now"] == pytest.approx(1.9**2)
        for phase in range(6):
            frame = ask(ws, {"type": "step_phase"})
            assert frame["step_through"]["phase"] == phase
        assert frame["step_through"]["complete"] is True
        ws.send_json({"type": "step", "steps": 3})
        assert receive_until(ws, "status")["step"] == 4

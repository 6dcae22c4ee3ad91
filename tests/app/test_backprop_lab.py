"""The B.3 lab: the book's 2-2-1 numbers, the loss table, metrics, training live."""

import copy

import numpy as np
import pytest

from neural_playground.app.labs.backprop.commands import LoadBookStage, LoadPreset, SetProblem
from neural_playground.app.labs.backprop.lab import BackpropLab
from neural_playground.app.labs.common.training import (
    SetLearningRate,
    SetLoss,
    SetTarget,
    StepPhase,
)
from neural_playground.app.protocol import LabError
from neural_playground.engine.gradcheck import numerical_model_gradients, rel_error
from tests.labutil import restored
from tests.wsutil import ask, open_lab, receive_until


def test_the_books_example_forward_and_loss(lab):
    frame = lab.frame()
    assert frame.problem == "regression"
    assert frame.x == [[2.0, 1.0]] and frame.y == [[3.0]]
    assert frame.layers[0].a == [[4.0, 2.0]]  # hidden outputs 4 and 2
    assert frame.layers[0].b is None  # the book's network has no biases
    assert frame.prediction == [[5.0]]
    assert frame.loss_now.value == 4.0 and frame.loss_now.parts["diff"] == [[2.0]]
    assert frame.metrics.mse == 4.0 and frame.metrics.accuracy is None


def test_the_books_stages_and_its_slips(lab):
    start, step1, step2 = lab.frame().book.stages
    assert start.prediction == 5.0 and start.loss == 4.0
    # Figure B-5: 0.8 x 4 + 0.4 x 2 = 3.2 + 0.8 = 4 (the book writes 0.32 + 0.8).
    assert step1.w2 == [[0.8], [0.4]]
    assert step1.products == pytest.approx([3.2, 0.8])
    assert step1.prediction == pytest.approx(4.0) and step1.note == "note.b3_product_slip"
    # Figures B-6/B-7: hidden 3.3 and 1.7 give 0.8 x 3.3 + 0.4 x 1.7 = 3.32, not the book's 3.4.
    assert step2.hidden == pytest.approx([3.3, 1.7])
    assert step2.prediction == pytest.approx(3.32)
    assert step2.book_prediction == 3.4 and step2.note == "note.b3_final_slip"


def test_one_true_gradient_step_from_the_start(lab):
    step = lab.frame().book.gradient_step
    assert step.learning_rate == 0.0125
    assert step.dw2 == [[16.0], [8.0]]  # 2 * (5 - 3) * [4, 2]
    assert step.dw1 == [[8.0, 4.0], [4.0, 2.0]]  # x^T (4 * [1, 0.5])
    np.testing.assert_allclose(step.after.w2, [[0.8], [0.4]])  # the book's step 1, exactly
    np.testing.assert_allclose(step.after.w1, [[0.9, 0.45], [1.95, 0.975]])
    assert step.after.hidden == pytest.approx([3.75, 1.875])
    assert step.after.prediction == pytest.approx(3.75)
    assert step.book_step1_learning_rates == pytest.approx([0.0125, 0.0125])
    lab.handle(SetLearningRate(type="set_learning_rate", value=0.01))
    np.testing.assert_allclose(lab.frame().book.gradient_step.after.w2, [[0.84], [0.42]])


def test_the_walk_on_the_books_network_ends_with_the_true_step(lab):
    for _ in range(6):
        lab.handle(StepPhase(type="step_phase"))
    frame = lab.frame()
    out = frame.step_through.layers[1]
    assert out.dw == [[16.0], [8.0]]
    np.testing.assert_allclose(out.update["w"].new, [[0.8], [0.4]])
    assert "b" not in out.update
    assert frame.prediction == [[pytest.approx(3.75)]]


def test_loading_a_book_stage_puts_its_weights_in(lab):
    lab.handle(LoadBookStage(type="load_book_stage", stage="book_step2"))
    frame = lab.frame()
    assert frame.layers[0].a == [pytest.approx([3.3, 1.7])]
    assert frame.prediction[0][0] == pytest.approx(3.32)


def test_the_books_figures_are_presets_that_know_when_they_are_left(lab):
    assert lab.frame().preset == "b4_start" and not lab.frame().modified
    lab.handle(LoadPreset(type="load_preset", name="b5_output_weights"))
    frame = lab.frame()
    assert frame.prediction == [[pytest.approx(4.0)]] and not frame.modified
    lab.train(1)
    assert lab.frame().modified  # trained: no longer figure B-5
    lab.reset()  # back to the figure, not to B-4
    frame = lab.frame()
    assert frame.preset == "b5_output_weights" and not frame.modified
    assert frame.layers[1].w == [[0.8], [0.4]]
    lab.handle(LoadBookStage(type="load_book_stage", stage="book_step2"))  # the table's button
    assert lab.frame().preset == "b6_first_layer"
    shared = lab.snapshot()
    lab.handle(SetProblem(type="set_problem", problem="binary"))
    assert lab.frame().preset is None and not lab.frame().modified
    lab.restore(shared)
    assert lab.frame().preset == "b6_first_layer"
    assert lab.frame().prediction[0][0] == pytest.approx(3.32)


def test_the_loss_table_recommends_the_books_losses(lab):
    table = {row.problem: row.losses for row in lab.frame().table}
    assert table == {
        "binary": ["binary_crossentropy"],
        "multiclass": ["categorical_crossentropy"],
        "multilabel": ["binary_crossentropy"],
        "regression": ["mse"],
        "regression01": ["mse", "binary_crossentropy"],
    }
    for problem, losses in table.items():
        lab.handle(SetProblem(type="set_problem", problem=problem))
        frame = lab.frame()
        assert frame.training.loss == losses[0]
        assert frame.loss_now.name == losses[0]
        assert frame.loss_now.value == pytest.approx(np.mean(frame.loss_now.terms))


@pytest.mark.parametrize("problem", ["binary", "multiclass", "multilabel"])
def test_classification_metrics_count_classes(lab, problem):
    lab.handle(SetProblem(type="set_problem", problem=problem))
    before = lab.frame().metrics
    assert before.misclassification == pytest.approx(1 - before.accuracy)
    lab.train(300)
    after = lab.frame()
    assert after.metrics.accuracy == 1.0 and after.metrics.misclassification == 0.0
    pred, y = np.array(after.prediction), np.array(after.y)
    assert after.metrics.mse == pytest.approx(np.mean((pred - y) ** 2))


def test_binary_cross_entropy_written_out_per_sample(lab):
    lab.handle(SetProblem(type="set_problem", problem="binary"))
    loss = lab.frame().loss_now
    p, y = np.array(loss.parts["p"]), np.array(loss.parts["target"])
    expected = -(y * np.log(p) + (1 - y) * np.log(1 - p)).ravel()
    assert loss.terms == pytest.approx(expected)
    np.testing.assert_allclose(loss.parts["log_p"], np.log(p))


def test_gradients_on_the_multiclass_network_equal_finite_differences(lab):
    lab.handle(SetProblem(type="set_problem", problem="multiclass"))
    lab.train(3)  # away from the preset's weights
    x, y = lab.batch()
    numeric, _ = numerical_model_gradients(
        copy.deepcopy(lab.model), x, y, "categorical_crossentropy"
    )
    for _ in range(5):
        lab.handle(StepPhase(type="step_phase"))
    for k, layer in enumerate(lab.frame().step_through.layers):
        assert rel_error(np.array(layer.dw), numeric[k]["w"]) < 1e-6
        assert rel_error(np.array(layer.db), numeric[k]["b"]) < 1e-6


def test_switching_loss_changes_the_next_steps(lab):
    lab.handle(SetProblem(type="set_problem", problem="regression01"))
    lab.handle(SetLoss(type="set_loss", loss="binary_crossentropy"))
    lab.train(1)
    assert lab.frame().step_through.loss.name == "binary_crossentropy"
    with pytest.raises(LabError) as info:
        lab.handle(SetLoss(type="set_loss", loss="categorical_crossentropy"))
    assert info.value.code == "loss_needs_softmax"


def test_targets_are_editable_and_checked(lab):
    lab.handle(SetTarget(type="set_target", value=4.0))
    assert lab.frame().loss_now.value == pytest.approx(1.0)  # (5 - 4)^2
    with pytest.raises(LabError) as info:
        lab.handle(SetTarget(type="set_target", sample=1, value=4.0))
    assert info.value.code == "bad_index"


@pytest.mark.parametrize("problem", ["binary", "multilabel"])
def test_a_target_between_the_classes_has_no_accuracy_but_a_frame(lab, problem):
    # Found by tests/app/test_fuzz_labs.py: the frame raised (binary accuracy needs 0 or 1).
    lab.handle(SetProblem(type="set_problem", problem=problem))
    assert lab.frame().metrics.accuracy is not None
    lab.handle(SetTarget(type="set_target", value=0.5))
    frame = lab.frame()
    assert frame.metrics.accuracy is None and frame.metrics.misclassification is None
    assert frame.metrics.mse > 0


def test_snapshot_and_restore(lab):
    lab.handle(SetProblem(type="set_problem", problem="multilabel"))
    lab.train(5)
    other = restored(lab)
    assert other.frame().prediction == lab.frame().prediction
    data = lab.snapshot().model_dump() | {"targets": [[1.0]]}
    with pytest.raises(LabError) as info:
        other.restore(BackpropLab.State.model_validate(data))
    assert info.value.code == "bad_state"


def test_loss_switch_while_playing_over_the_websocket(client):
    with open_lab(client, "backprop") as (ws, first):
        assert first["book"]["stages"][1]["prediction"] == pytest.approx(4.0)
        ask(ws, {"type": "set_problem", "problem": "regression01"})
        ask(ws, {"type": "play"})
        ws.send_json({"type": "set_loss", "loss": "binary_crossentropy"})
        for _ in range(50):
            frame = receive_until(ws, "frame")
            walk = frame["step_through"]
            if walk and walk["loss"]["name"] == "binary_crossentropy":
                break
        else:
            raise AssertionError("training did not switch to binary cross-entropy")
        assert frame["training"]["loss"] == "binary_crossentropy"
        ws.send_json({"type": "pause"})
        assert receive_until(ws, "status", limit=100)["running"] is False

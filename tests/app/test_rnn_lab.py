"""The recurrent-networks lab (B.7): its frames carry the engine's numbers."""

import json

import numpy as np
import pytest

from neural_playground.app.labs.rnn.lab import RnnLab
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from neural_playground.engine.activations import sigmoid
from neural_playground.engine.guard import params_within
from neural_playground.engine.model import recurrent_layer
from tests.labutil import command, restored, send, train_until_diverged


def strict_json(frame) -> dict:
    """The frame as the page receives it, refusing NaN and infinities."""
    data = json.loads(frame.model_dump_json())
    json.dumps(data, allow_nan=False)
    return data


def test_first_frame_is_the_books_next_word_example(lab):
    frame = lab.frame()
    assert frame.settings.task == "words" and frame.settings.cell == "lstm"
    assert frame.unroll.tokens == ["word.resident", "word.registration"]  # 주민, 등록
    assert frame.unroll.target == "word.number"  # 번호
    assert frame.note == "note.rnn_jumin"  # the book's 주만 is a slip for 주민
    assert frame.unroll.length == frame.unroll.steps == 2
    assert len(frame.unroll.h) == 2 and len(frame.unroll.h[0]) == 8
    assert set(frame.unroll.gates) == {"f", "i", "o"}
    assert sum(frame.unroll.output) == pytest.approx(1.0, abs=1e-3)
    assert frame.memory_gate_start == pytest.approx(float(sigmoid(np.float64(3.0))))
    strict_json(frame)


def test_parameter_counts_come_from_the_weights(lab):
    cells = lab.frame().cells
    d, h, k = 10, 8, 10  # ten words in, eight hidden units, ten words out
    readout = h * k + k
    assert cells["rnn"].params == h * (d + h + 1) + readout
    assert cells["lstm"].params == 4 * h * (d + h + 1) + readout
    assert cells["gru"].params == 3 * h * (d + h + 1) + readout
    assert cells["gru"].params < cells["lstm"].params  # the book's "slimmer"
    assert all(c.ms_per_step is None and c.measured_steps == 0 for c in cells.values())


def test_lstm_equation_is_the_engines_step(lab):
    send(lab, "set_task", task="memory")
    frame = send(lab, "focus", step=3, unit=2)
    eq = frame.equation
    assert (eq.cell, eq.step, eq.unit) == ("lstm", 3, 2)
    gates = {g.name: g for g in eq.gates}
    # Recompute step 3, unit 2 independently from the weights and the example's inputs.
    layer = recurrent_layer(lab.models["lstm"])
    x = lab.task.eval_x[frame.settings.sample]
    wx, wh, b = (layer.params[k] for k in ("wx", "wh", "b"))
    hidden = 8
    h_prev = np.array(frame.unroll.h[2])  # rounded to 4 decimals in the frame
    for k, name in enumerate("ifog"):
        col = k * hidden + 2
        assert gates[name].xw == pytest.approx(x[3] @ wx[:, col])
        assert gates[name].b == pytest.approx(b[col])
        assert gates[name].hw == pytest.approx(h_prev @ wh[:, col], abs=1e-3)
        g = gates[name]
        assert g.a == pytest.approx(g.xw + g.hw + g.b)
        expected = np.tanh(g.a) if name == "g" else float(sigmoid(np.float64(g.a)))
        assert g.value == pytest.approx(expected)
    f, i, o, g = (gates[n].value for n in "fiog")
    assert eq.c_prev == pytest.approx(frame.unroll.c[2][2], abs=1e-4)
    assert eq.keep == pytest.approx(f * eq.c_prev)
    assert eq.write == pytest.approx(i * g)
    assert eq.c == pytest.approx(eq.keep + eq.write)
    assert eq.h == pytest.approx(o * np.tanh(eq.c))
    assert frame.unroll.gates["f"][3][2] == pytest.approx(f, abs=1e-4)


def test_gru_and_rnn_equations(lab):
    send(lab, "set_task", task="memory")
    gru = send(lab, "set_cell", cell="gru").equation
    z, r, n = (g.value for g in gru.gates)
    assert [g.name for g in gru.gates] == ["z", "r", "n"]
    assert gru.keep == pytest.approx(z * gru.h_prev)
    assert gru.write == pytest.approx((1 - z) * n)
    assert gru.h == pytest.approx(gru.keep + gru.write)
    rnn = send(lab, "set_cell", cell="rnn")
    term = rnn.equation.gates[0]
    assert rnn.equation.h == pytest.approx(np.tanh(term.xw + term.hw + term.b))
    assert rnn.unroll.gates == {} and rnn.unroll.c is None


def test_forward_pass_steps_through_time(lab):
    send(lab, "set_task", task="memory")
    full = lab.frame().unroll
    first = send(lab, "set_cursor", steps=1).unroll
    assert first.steps == 1 and len(first.h) == 1
    assert first.output is None and first.prediction is None
    assert first.h[0] == full.h[0]  # step 0 does not depend on what comes later
    third = send(lab, "set_cursor", steps=3).unroll
    assert third.h == full.h[:3] and third.c == full.c[:3]
    assert send(lab, "set_cursor", steps=full.length).unroll.prediction == full.prediction
    with pytest.raises(LabError) as info:
        send(lab, "set_cursor", steps=full.length + 1)
    assert info.value.code == "rnn_step"


def test_training_moves_every_network_and_records_bptt(lab):
    before = lab.frame()
    lab.train(20)
    lab.train(20)  # one request runs at most NP_RNN_MAX_STEPS_PER_REQUEST (20) steps
    frame = lab.frame()
    assert frame.step == 40
    assert frame.history.steps[-1] == 40 and len(frame.history.loss["gru"]) == 40
    for cell in ("rnn", "lstm", "gru"):
        assert frame.cells[cell].loss < before.cells[cell].loss
        assert frame.cells[cell].measured_steps == 40 and frame.cells[cell].ms_per_step > 0
        assert len(frame.bptt[cell].grad_norm) == 2
    assert frame.cells["lstm"].accuracy == 1.0
    assert frame.unroll.prediction == "word.number"  # 주민 + 등록 -> 번호


def test_one_request_is_bounded_by_the_setting():
    lab = RnnLab(Settings(rnn_max_steps_per_request=3))
    lab.train(1000)
    assert lab.step_count == 3


def test_plain_rnn_gradient_vanishes_and_large_recurrent_weights_explode(lab):
    send(lab, "set_task", task="memory")
    frame = send(lab, "set_length", length=20)
    bptt = frame.bptt
    assert len(bptt["rnn"].grad_norm) == 21
    assert bptt["rnn"].first_to_last < 1e-2
    assert bptt["lstm"].first_to_last > 10 * bptt["rnn"].first_to_last
    exploding = send(lab, "set_recurrent_scale", scale=4.0).bptt["rnn"]
    assert exploding.first_to_last > 10
    assert not any(exploding.clipped)
    clipped = send(lab, "set_clip", clip=1.0).bptt["rnn"]
    assert max(clipped.grad_norm) <= 1.0 + 1e-9
    assert any(clipped.clipped)
    assert max(clipped.grad_norm_raw) > 1.0
    # Clipping stays on while training: every recorded step is capped.
    lab.train(3)
    assert max(lab.frame().bptt["rnn"].grad_norm) <= 1.0 + 1e-9
    assert send(lab, "set_clip", clip=None).settings.clip is None


def test_divergence_is_caught_and_no_nan_reaches_the_page(lab):
    send(lab, "set_task", task="series")
    send(lab, "set_recurrent_scale", scale=5.0)
    send(lab, "set_optimizer", name="sgd", learning_rate=10.0)
    train_until_diverged(lab, steps=20, rounds=10)
    frame = lab.frame()
    assert frame.diverged in ("rnn", "lstm", "gru")
    data = strict_json(frame)
    model = lab.models[frame.diverged]
    assert all(np.all(np.isfinite(p)) for layer in model.layers for p in layer.params.values())
    assert data["series"]["prices"]


def test_series_predictions_are_prices(lab):
    frame = send(lab, "set_task", task="series")
    assert frame.settings.length == 10 and frame.vocabulary is None
    series = frame.series
    assert series.first == 10 and len(series.predictions) == len(series.prices) - 10
    assert frame.unroll.values == pytest.approx(series.prices[:10], abs=0.005)  # cents
    assert frame.unroll.target == pytest.approx(series.prices[10], abs=0.01)
    assert isinstance(frame.unroll.prediction, float)
    assert frame.unroll.prediction == pytest.approx(series.predictions[0], abs=1e-3)
    assert frame.cells["rnn"].accuracy is None


def test_settings_rebuild_the_networks_within_limits(lab):
    frame = send(lab, "set_task", task="memory")
    assert frame.settings.length == 10 and frame.unroll.length == 11
    assert frame.unroll.tokens[0] in ("A", "B", "C") and frame.unroll.tokens[1] is None
    frame = send(lab, "set_symbols", symbols=5)
    assert frame.vocabulary == ["A", "B", "C", "D", "E"] and len(frame.unroll.output) == 5
    frame = send(lab, "set_hidden", hidden=3)
    assert len(frame.unroll.h[0]) == 3 and frame.step == 0
    frame = send(lab, "set_sample", index=5)
    assert frame.unroll.index == 5 and frame.unroll.count == 64


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (command(RnnLab, "set_hidden", hidden=17), "rnn_hidden"),
        (command(RnnLab, "set_length", length=5), "rnn_fixed_length"),
        (command(RnnLab, "set_symbols", symbols=7), "rnn_symbols"),
        (command(RnnLab, "set_sample", index=7), "rnn_sample"),
        (command(RnnLab, "set_cursor", steps=3), "rnn_step"),
        (command(RnnLab, "focus", step=0, unit=8), "rnn_unit"),
    ],
)
def test_out_of_range_commands_are_refused_with_a_code(lab, command, code):
    with pytest.raises(LabError) as info:
        lab.handle(command)
    assert info.value.code == code


def test_length_limit_comes_from_the_settings():
    lab = RnnLab(Settings(rnn_max_length=12))
    send(lab, "set_task", task="series")
    with pytest.raises(LabError) as info:
        send(lab, "set_length", length=13)
    assert info.value.params == {"low": 2, "limit": 12}
    assert send(lab, "set_length", length=12).unroll.length == 12


def test_same_seed_same_training(lab):
    other = RnnLab(Settings())
    for each in (lab, other):
        send(each, "set_task", task="memory")
        each.train(5)
    a, b = lab.frame(), other.frame()
    assert a.unroll == b.unroll and a.history == b.history and a.bptt == b.bptt


def test_snapshot_restores_the_same_page_in_a_new_lab(lab):
    send(lab, "set_task", task="memory")
    send(lab, "set_clip", clip=2.0)
    send(lab, "focus", step=4, unit=1)
    lab.train(6)
    before = lab.frame()
    fresh = restored(lab)
    after = fresh.frame()
    assert after.settings == before.settings and after.step == 6
    assert after.unroll == before.unroll and after.equation == before.equation
    assert after.history == before.history
    for cell in ("rnn", "lstm", "gru"):
        assert after.cells[cell].loss == before.cells[cell].loss
    # It trains on exactly as the original would (same batches; Adam restarts its moments).
    fresh.train(1)
    assert fresh.step_count == 7


def test_restore_refuses_a_state_that_does_not_fit(lab):
    state = lab.snapshot()
    no_gru = state.model_copy(
        update={"weights": {k: v for k, v in state.weights.items() if k != "gru"}}
    )
    with pytest.raises(LabError, match="rnn, lstm and gru") as info:
        lab.restore(no_gru)
    assert info.value.code == "bad_state"
    bigger = state.model_copy(update={"settings": state.settings.model_copy(update={"hidden": 9})})
    with pytest.raises(LabError, match="do not fit"):
        lab.restore(bigger)
    too_big = state.model_copy(
        update={"settings": state.settings.model_copy(update={"hidden": 99})}
    )
    with pytest.raises(LabError) as info:
        lab.restore(too_big)
    assert info.value.code == "rnn_hidden"
    # A refused state leaves the lab as it was.
    assert lab.frame().settings.hidden == 8


def test_presets_show_vanishing_and_exploding_gradients_and_the_lstms_memory(lab):
    send(lab, "load_preset", name="b7_vanishing")
    frame = lab.frame()
    assert frame.preset == "b7_vanishing" and not frame.modified
    assert frame.settings.task == "series" and frame.unroll.length == 30
    assert frame.bptt["rnn"].first_to_last < 0.01  # 0.00353: vanishing
    send(lab, "load_preset", name="b7_exploding")
    assert lab.frame().bptt["rnn"].first_to_last > 100  # 813: exploding
    send(lab, "load_preset", name="b24_lstm")
    frame = lab.frame()
    assert frame.bptt["rnn"].first_to_last < 1e-3 < 0.05 < frame.bptt["lstm"].first_to_last
    assert frame.cells["gru"].params < frame.cells["lstm"].params  # the slimmer LSTM
    send(lab, "set_cell", cell="gru")  # another view of the same example
    assert not lab.frame().modified
    lab.train(1)
    assert lab.frame().modified
    shared = lab.snapshot()
    lab.reset()
    assert lab.frame().preset == "b24_lstm" and not lab.frame().modified
    lab.restore(shared)
    assert lab.frame().preset == "b24_lstm" and lab.frame().modified


def test_weights_beyond_the_magnitude_limit_count_as_diverged(lab):
    # The exploding example at a huge step: the weights pass 1e6 long before they are
    # infinite (6e42 and a loss of 3e87 by step 70 when only NaN counted).
    send(lab, "load_preset", name="b7_exploding")
    send(lab, "set_optimizer", name="sgd", learning_rate=10.0)
    train_until_diverged(lab, steps=20, rounds=5)
    assert lab.step_count < 100
    limit = lab.settings.max_abs_value
    for model in lab.models.values():
        assert params_within(model, limit)
    strict_json(lab.frame())

"""The batch-normalization lab: two runs from the same weights, histograms, the formula's
numbers, train and eval statistics, divergence, and the whole state."""

import numpy as np
import pytest

from neural_playground.app.labs.batchnorm.commands import (
    Configure,
    LoadPreset,
    Select,
    SetMode,
    SetView,
)
from neural_playground.app.labs.batchnorm.lab import BatchNormLab
from neural_playground.app.labs.common.curve import LossCurve
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from neural_playground.engine.guard import params_within
from neural_playground.engine.layers import BatchNorm, Dense
from tests.labutil import refused, restored, train_until_diverged


def configure(lab: BatchNormLab, **changes) -> None:
    lab.handle(Configure(type="configure", **changes))


def test_both_runs_start_from_the_same_dense_weights(lab):
    plain, normalized = (run.model.layers for run in lab.runs)
    dense_plain = [layer for layer in plain if isinstance(layer, Dense)]
    dense_bn = [layer for layer in normalized if isinstance(layer, Dense)]
    assert len(dense_plain) == len(dense_bn) == 9  # 8 hidden layers and the output
    for a, b in zip(dense_plain, dense_bn, strict=True):
        np.testing.assert_array_equal(a.params["w"], b.params["w"])
    assert sum(isinstance(layer, BatchNorm) for layer in normalized) == 8
    assert not any(isinstance(layer, BatchNorm) for layer in plain)


def test_at_the_start_batch_normalized_layers_have_mean_0_and_std_1(lab):
    frame = lab.frame()
    plain, normalized = frame.runs
    assert (plain.name, normalized.name) == ("plain", "batchnorm")
    assert len(normalized.layers) == 8
    # gamma = 1 and beta = 0, and every batch is normalized by its own U and S (S holds
    # eps = 1e-5 under the root, a visible part of a small variance: hence 1e-2).
    for layer in normalized.layers:
        assert layer.mean == pytest.approx(0.0, abs=1e-9)
        assert layer.std == pytest.approx(1.0, abs=1e-2)
        assert sum(layer.counts) == 512 * 8
    # Without normalization the deeper layers' spread shrinks away from 1 (the drift of B.5).
    assert plain.layers[-1].std < 0.5
    assert frame.edges[0][0] < frame.edges[0][-1]
    assert len(frame.edges[0]) == len(plain.layers[0].counts) + 1


def test_formula_numbers_follow_z_equals_x_minus_u_over_s(lab):
    lab.train(30)
    lab.handle(Select(type="select", layer=2, neuron=3, batch=5, sample=7))
    f = lab.frame().formula
    assert (f.layer, f.neuron, f.batch, f.sample, f.mode) == (2, 3, 5, 7, "train")
    assert len(f.batch_values) == 32
    assert f.x == f.batch_values[7]
    assert f.u == pytest.approx(np.mean(f.batch_values))
    assert f.var == pytest.approx(np.var(f.batch_values))
    assert f.s == pytest.approx(np.sqrt(f.var + f.eps))
    assert f.z == pytest.approx((f.x - f.u) / f.s)
    assert f.out == pytest.approx(f.gamma * f.z + f.beta)
    assert f.a == pytest.approx(1.0 / (1.0 + np.exp(-f.out)))  # sigmoid
    assert (f.u, f.s) == (f.batch_mean, f.batch_std)
    assert f.z_mean == pytest.approx(0.0, abs=1e-12)
    assert f.z_std == pytest.approx(1.0, abs=1e-3)
    # Training moved gamma and beta away from 1 and 0.
    assert f.gamma != 1.0 and f.beta != 0.0


def test_eval_mode_uses_running_statistics_instead_of_the_batchs(lab):
    lab.train(40)
    train = lab.frame()
    lab.handle(SetMode(type="set_mode", mode="eval"))
    ev = lab.frame()
    f = ev.formula
    assert f.mode == "eval"
    bn = next(layer for layer in lab.runs[1].model.layers if isinstance(layer, BatchNorm))
    assert f.u == pytest.approx(bn.buffers["running_mean"][0])
    assert f.s == pytest.approx(np.sqrt(bn.buffers["running_var"][0] + bn.eps))
    assert (f.u, f.s) == (f.running_mean, f.running_std)
    # The batch's own statistics are still shown, and they differ from the running ones.
    assert f.batch_mean == train.formula.u
    assert f.batch_std == train.formula.s
    assert f.u != pytest.approx(f.batch_mean)
    assert f.z == pytest.approx((f.x - f.u) / f.s)
    # The histograms change too; the network without BatchNorm does not care about the mode.
    assert ev.runs[1].layers[3].counts != train.runs[1].layers[3].counts
    assert ev.runs[0].loss == pytest.approx(train.runs[0].loss)


def test_frames_do_not_move_the_running_statistics_or_the_weights(lab):
    lab.train(5)
    before = [run.model.get_weights() for run in lab.runs]
    first = lab.frame()
    lab.handle(SetMode(type="set_mode", mode="eval"))
    lab.frame()
    lab.handle(SetMode(type="set_mode", mode="train"))
    assert lab.frame() == first
    assert [run.model.get_weights() for run in lab.runs] == before


def test_batch_normalization_learns_the_circle_where_the_plain_deep_sigmoid_network_stalls(lab):
    lab.train(250)
    plain, normalized = lab.frame().runs
    assert normalized.loss < 0.45 < 0.65 < plain.loss
    assert normalized.accuracy > 0.85
    curve = lab.frame().curve
    assert curve.steps[-1] == 250
    assert len(curve.steps) == len(curve.plain) == len(curve.batchnorm) <= 200
    assert curve.batchnorm[-1] < curve.plain[-1]


def test_views_and_post_activation_ranges(lab):
    lab.handle(SetView(type="set_view", view="post"))
    frame = lab.frame()
    assert frame.view == "post"
    assert frame.edges[0][0] == 0.0 and frame.edges[0][-1] == 1.0  # sigmoid outputs
    configure(lab, activation="tanh")
    assert lab.frame().edges[0][0] == -1.0
    configure(lab, activation="relu")
    assert lab.frame().edges[0][0] == 0.0
    assert all(v >= 0 for v in lab.frame().runs[1].layers[0].counts)


def test_configure_restarts_both_runs_and_keeps_the_selection_in_range(lab):
    lab.handle(Select(type="select", layer=7, neuron=7, batch=15, sample=31))
    lab.train(3)
    configure(lab, depth=10, width=4, batch_size=64, seed=3)
    frame = lab.frame()
    assert frame.step == 0 and frame.curve.steps == []
    assert len(frame.runs[0].layers) == 10
    assert frame.n_batches == 8
    assert frame.selection.model_dump() == {"layer": 7, "neuron": 3, "batch": 7, "sample": 31}
    assert frame.config.learning_rate == 0.1  # unchanged settings stay


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (Configure(type="configure", depth=11), "too_many_layers"),
        (Configure(type="configure", width=9), "neurons_per_layer"),
        (Select(type="select", layer=8), "bad_index"),
        (Select(type="select", neuron=8), "bad_index"),
        (Select(type="select", batch=16), "bad_index"),
        (Select(type="select", sample=32), "bad_index"),
    ],
)
def test_out_of_range_commands_are_refused_with_a_code(lab, command, code):
    refused(lab, command, code)


def test_divergence_stops_training_and_keeps_the_last_finite_state():
    lab = BatchNormLab(Settings())
    # Deep ReLU layers with 5x the usual weights and a large step blow up the plain run.
    configure(lab, activation="relu", depth=10, weight_scale=5, learning_rate=3, seed=1)
    train_until_diverged(lab, steps=5, rounds=10)
    frame = lab.frame()
    assert frame.diverged == ["plain"]
    assert frame.step == lab.step_count < 50
    text = frame.model_dump_json()
    assert "NaN" not in text and "Infinity" not in text
    assert frame.runs[0].loss is not None and frame.runs[1].loss is not None
    lab.reset()
    assert not lab.diverged and lab.frame().diverged == []


def test_snapshot_restores_the_same_page_in_a_new_lab(lab):
    configure(lab, depth=6, activation="tanh", seed=5)
    lab.train(40)
    lab.handle(SetView(type="set_view", view="post"))
    lab.handle(SetMode(type="set_mode", mode="eval"))
    lab.handle(Select(type="select", layer=4, neuron=2, batch=3, sample=9))
    other = restored(lab)
    assert other.frame() == lab.frame()
    # And both continue identically.
    lab.train(5)
    other.train(5)
    assert other.frame() == lab.frame()
    assert len(lab.snapshot().model_dump_json()) < Settings().max_message_bytes - 2_000


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"plain": []}, "expected a list of"),
        ({"batchnorm": [{"w": [[1.0]], "b": [0.0]}]}, "expected a list of"),
        ({"config": {"depth": 2}}, "expected a list of"),
        ({"curve": {"steps": [1, 2], "values": [[0.5, 0.4]]}}, "curve"),
    ],
)
def test_restore_refuses_a_state_that_does_not_fit(lab, change, detail):
    data = lab.snapshot().model_dump() | change
    with pytest.raises(LabError) as info:
        lab.restore(BatchNormLab.State.model_validate(data))
    assert info.value.code == "bad_state"
    assert detail in info.value.params["detail"]


def test_loss_curve_merges_pairs_and_stays_under_its_limit():
    curve = LossCurve(series=2, limit=6)
    for step in range(1, 13):
        curve.add(step, [float(step), 0.0])
    # 6 points at steps 1-6 merged to 3 at steps 2, 4, 6 (every 2), then 7-8, 9-10, 11-12
    # made 6 again, merged to 3 at steps 4, 8, 12 (every 4).
    assert curve.steps == [4, 8, 12]
    assert curve.series_values(0) == [2.5, 6.5, 10.5]
    assert curve.every == 4


def test_presets_show_the_drift_batch_normalization_removes(lab):
    assert lab.frame().preset == "b10_sigmoid" and not lab.frame().modified

    def plain_std(frame):
        return [layer.std for layer in frame.runs[0].layers]

    lab.handle(LoadPreset(type="load_preset", name="b10_relu_shrinking"))
    frame = lab.frame()
    assert frame.config.activation == "relu" and frame.preset == "b10_relu_shrinking"
    assert plain_std(frame)[-1] < 0.25 * plain_std(frame)[0]  # 0.349 -> 0.068
    assert all(layer.std == pytest.approx(1, abs=0.01) for layer in frame.runs[1].layers)
    lab.handle(LoadPreset(type="load_preset", name="b10_relu_growing"))
    frame = lab.frame()
    assert plain_std(frame)[-1] > 10 * plain_std(frame)[0]  # 0.698 -> 17.28
    lab.train(1)
    assert lab.frame().modified
    lab.reset()  # the example again, untrained
    assert lab.frame().preset == "b10_relu_growing" and not lab.frame().modified
    configure(lab, depth=3)
    assert lab.frame().preset is None


def test_weights_beyond_the_magnitude_limit_count_as_diverged(lab):
    # At the largest step with 5x ReLU weights the plain run sat at 4e211 unflagged while
    # only NaN counted; past NP_MAX_ABS_VALUE it now stops at the last sane weights.
    configure(lab, activation="relu", weight_scale=5, learning_rate=10)
    train_until_diverged(lab, steps=10, rounds=20)
    limit = lab.settings.max_abs_value
    assert all(params_within(run.model, limit) for run in lab.runs)
    text = lab.frame().model_dump_json()
    assert "NaN" not in text and "Infinity" not in text

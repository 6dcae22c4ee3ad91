"""The playground lab: datasets, training, views computed by the engine, state round trips."""

import math

import numpy as np
import pytest

from neural_playground.app.labs.common.heatmaps import decode
from neural_playground.app.labs.playground.commands import (
    AddPoint,
    ClearPoints,
    Inspect,
    LoadCsv,
    SetData,
    SetNetwork,
    SetView,
)
from neural_playground.app.labs.playground.frame import MAP_SIZE, grid_features
from neural_playground.app.labs.playground.lab import PlaygroundLab
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from neural_playground.engine.activations import sigmoid, softmax
from tests.labutil import restored


def set_data(lab, **fields):
    lab.handle(SetData(type="set_data", **fields))


def set_network(lab, **fields):
    lab.handle(SetNetwork(type="set_network", **fields))


def grid_predictions(lab) -> np.ndarray:
    logits = lab.model.predict(grid_features(lab.data.extent, tuple(lab.network.features)))
    return logits.reshape(MAP_SIZE, MAP_SIZE, -1)


def test_first_frame_is_full_and_shaped_like_the_network(lab):
    frame = lab.frame()
    assert frame.kind == "full" and frame.step == 0 and not frame.diverged
    assert frame.config.data.kind == "circle" and frame.config.network.hidden == [4, 2]
    assert frame.config.loss == "binary_crossentropy"
    assert len(frame.data.train.x1) == 250 and len(frame.data.test.label) == 250
    assert set(frame.data.train.label) == {0.0, 1.0}
    assert [len(layer.b) for layer in frame.layers] == [4, 2, 1]
    assert [len(maps) for maps in frame.neuron_maps] == [4, 2, 1]
    assert frame.neuron_maps[0][0].size == 20 and frame.output.map.size == MAP_SIZE == 100
    assert len(frame.input_maps) == 2
    # x1's own map: the left edge is -6, the right +6 (cell centres of a 20-cell thumbnail).
    x1 = decode(frame.input_maps[0])
    assert x1[0, 0] == pytest.approx(-5.7, abs=0.05) and x1[0, -1] == pytest.approx(5.7, abs=0.05)
    assert frame.history_reset and [p[0] for p in frame.history] == [0]
    assert frame.metrics.train_loss == pytest.approx(frame.history[0][1])


def test_output_map_is_the_engines_prediction_over_the_grid(lab):
    lab.train(50)
    frame = lab.frame()
    expected = sigmoid(grid_predictions(lab))[:, :, 0]
    np.testing.assert_allclose(decode(frame.output.map), expected, atol=0.5 / 255 + 1e-12)
    # The surface travels deflated, at about a third of its 13.3 kB in plain base64; the small
    # maps, which would gain little, as they are.
    assert frame.output.map.encoding == "deflate" and len(frame.output.map.data) < 13_336 / 2
    assert frame.neuron_maps[0][1].encoding == "bytes"
    # Each small neuron map is every 5th cell of the neuron's values over the same grid.
    hidden = lab.model.layer_outputs(grid_features(6.0, ("x1", "x2")))[0]
    neuron = hidden[:, 1].reshape(MAP_SIZE, MAP_SIZE)[2::5, 2::5]
    np.testing.assert_allclose(decode(frame.neuron_maps[0][1]), neuron, atol=1 / 255 + 1e-12)


@pytest.mark.parametrize(
    ("kind", "features"),
    [("xor", ["x1", "x2", "x1_x2"]), ("circle", ["x1", "x2", "x1_sq", "x2_sq"])],
)
def test_features_make_xor_and_circle_easy(lab, kind, features):
    set_data(lab, kind=kind, seed=1)
    set_network(lab, features=features)
    before = lab.frame().metrics
    lab.train(500)
    after = lab.frame().metrics
    assert after.train_loss < 0.5 * before.train_loss
    assert after.test_accuracy >= 0.97


def test_three_classes_with_softmax_and_categorical_cross_entropy(lab):
    set_data(lab, kind="multi_gauss", classes=3, seed=2)
    frame = lab.frame()
    assert frame.config.problem == "multiclass" and frame.config.loss == "categorical_crossentropy"
    assert [len(layer.b) for layer in frame.layers] == [4, 2, 3]
    lab.train(300)
    frame = lab.frame()
    assert frame.metrics.test_accuracy >= 0.95
    probs = softmax(grid_predictions(lab))
    assert frame.output.kind == "classes"
    np.testing.assert_array_equal(
        np.frombuffer(__import__("base64").b64decode(frame.output.classes), np.uint8).reshape(
            MAP_SIZE, MAP_SIZE
        ),
        probs.argmax(axis=2),
    )
    np.testing.assert_allclose(decode(frame.output.map), probs.max(axis=2), atol=0.5 / 255 + 1e-12)


def test_regression_trains_with_mse_and_shows_values(lab):
    set_data(lab, kind="plane", n_points=300)
    first = lab.frame()
    start = first.metrics.test_loss
    lab.train(300)
    frame = lab.frame()
    assert first.config.loss == "mse" and frame.output.kind == "value"
    assert frame.metrics.train_accuracy is None and frame.metrics.test_loss < 0.05 * start
    scale = first.data.value_scale
    assert (frame.output.map.lo, frame.output.map.hi) == (-scale, scale)


def test_frames_carry_only_what_changed(lab):
    lab.frame()
    lab.train(5)
    update = lab.frame()
    assert update.kind == "update" and update.config is None and update.data is None
    assert update.input_maps is None and not update.history_reset
    assert [p[0] for p in update.history] == [5]
    lab.train(5)
    assert [p[0] for p in lab.frame().history] == [10]
    set_network(lab, learning_rate=0.1)  # live: no restart, config only
    frame = lab.frame()
    assert frame.config.network.learning_rate == 0.1 and frame.data is None
    assert frame.step == 10 and frame.history == []
    lab.handle(AddPoint(type="add_point", x1=1.0, x2=1.0, label=0))
    frame = lab.frame()
    assert frame.data.added == 1 and frame.config is not None and frame.step == 10
    assert (frame.data.train.x1[-1], frame.data.train.x2[-1], frame.data.train.label[-1]) == (
        1.0,
        1.0,
        0.0,
    )
    set_network(lab, hidden=[3])  # a new shape restarts training
    frame = lab.frame()
    assert frame.kind == "full" and frame.step == 0 and frame.config.network.activations == ["tanh"]


def test_training_is_deterministic_and_resumable_from_the_step(lab):
    other = PlaygroundLab(Settings())
    lab.train(30)
    other.train(10)
    other.train(20)
    for a, b in zip(lab.model.layers, other.model.layers, strict=True):
        np.testing.assert_array_equal(a.params["w"], b.params["w"])
    x, y = lab.training_batch()
    assert x.shape == (10, 2) and y.shape == (10, 1)


def test_an_absurd_learning_rate_is_refused_and_a_large_one_diverges_cleanly(lab):
    with pytest.raises(LabError) as refused:
        set_network(lab, learning_rate=50.0)
    assert refused.value.code == "bad_learning_rate" and refused.value.params["high"] == 10
    set_data(lab, kind="plane")
    set_network(lab, learning_rate=10.0, hidden=[8, 8], activations=["relu", "relu"])
    lab.train(200)
    assert lab.diverged
    # Stopped at the last finite weights, before the step that blew up.
    assert 0 <= lab.step_count < 200
    limit = lab.settings.max_abs_value
    assert all(
        np.all(np.abs(p) <= limit) for layer in lab.model.layers for p in layer.params.values()
    )
    frame = lab.frame()
    assert frame.diverged
    numbers = [frame.metrics.train_loss, *(v for layer in frame.layers for v in layer.b)]
    assert all(math.isfinite(v) for v in numbers)
    assert "NaN" not in frame.model_dump_json() and "Infinity" not in frame.model_dump_json()
    lab.reset()
    assert not lab.diverged


def test_l2_penalty_is_reported_and_keeps_weights_small(lab):
    set_network(lab, regularization="l2", regularization_rate=0.03)
    lab.train(300)
    frame = lab.frame()
    w2 = sum(float(np.sum(layer.params["w"] ** 2)) for layer in lab.model.layers)
    assert frame.metrics.penalty == pytest.approx(0.03 * w2)
    free = PlaygroundLab(Settings())
    free.train(300)
    assert w2 < sum(float(np.sum(layer.params["w"] ** 2)) for layer in free.model.layers)


def test_activation_per_layer_and_zero_hidden_layers(lab):
    set_network(lab, activations=["relu", "sigmoid"])
    assert [layer.activation for layer in lab.model.layers] == ["relu", "sigmoid", "linear"]
    set_network(lab, hidden=[])
    frame = lab.frame()
    assert [len(layer.b) for layer in frame.layers] == [1]  # logistic regression
    assert frame.config.network.activations == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"hidden": [2] * 7}, "too_many_layers"),
        ({"hidden": [9]}, "neurons_per_layer"),
        ({"hidden": [2, 2], "activations": ["relu"]}, "bad_activations"),
        ({"features": ["x1", "x1"]}, "bad_features"),
        ({"learning_rate": 1e9}, "bad_learning_rate"),
        ({"learning_rate": 1e-9}, "bad_learning_rate"),
    ],
)
def test_network_limits_are_clear(lab, fields, code):
    with pytest.raises(LabError) as info:
        set_network(lab, **fields)
    assert info.value.code == code
    assert lab.network.hidden == [4, 2]  # nothing changed


def test_clicked_points_are_checked_and_can_be_cleared(lab):
    for point, code in [
        ((7.0, 0.0, 1), "point_outside"),
        ((0.0, 0.0, 2), "bad_label"),
        ((0.0, 0.0, 0.5), "bad_label"),
    ]:
        with pytest.raises(LabError) as info:
            lab.handle(AddPoint(type="add_point", x1=point[0], x2=point[1], label=point[2]))
        assert info.value.code == code
    lab.handle(AddPoint(type="add_point", x1=0.0, x2=0.0, label=0))
    assert len(lab.data.train_y) == 251
    set_data(lab, noise=10)  # same kind of problem: the point stays
    assert lab.added == [(0.0, 0.0, 0.0)]
    lab.handle(ClearPoints(type="clear_points"))
    assert len(lab.data.train_y) == 250 and lab.frame().data.added == 0


def test_point_and_class_limits_come_from_settings():
    lab = PlaygroundLab(Settings(max_data_points=300, max_classes=4))
    with pytest.raises(LabError) as info:
        set_data(lab, n_points=301)
    assert info.value.code == "too_many_points" and info.value.params["limit"] == 300
    with pytest.raises(LabError) as info:
        set_data(lab, kind="multi_spiral", classes=5)
    assert info.value.code == "too_many_classes"
    set_data(lab, n_points=299)
    lab.handle(AddPoint(type="add_point", x1=0.0, x2=0.0, label=1))
    with pytest.raises(LabError) as info:
        lab.handle(AddPoint(type="add_point", x1=0.0, x2=0.0, label=1))
    assert info.value.code == "too_many_points"


def test_csv_upload_becomes_the_dataset(lab):
    rows = "".join(f"{x},{-x},{int(x > 0)}\n" for x in np.linspace(-3, 3, 40))
    lab.handle(LoadCsv(type="load_csv", text="x1,x2,label\n" + rows))
    frame = lab.frame()
    assert frame.kind == "full" and frame.config.data.kind == "custom"
    assert frame.data.problem == "binary" and frame.data.extent == 5.0  # 3 * 1.05 -> 5
    assert len(frame.data.train.x1) + len(frame.data.test.x1) == 40
    with pytest.raises(LabError) as info:
        lab.handle(LoadCsv(type="load_csv", text="x1,x2,label\n1,2,0\n3,oops,1\n"))
    assert info.value.code == "csv_not_a_number" and info.value.params["line"] == 3
    assert "Line 3" in info.value.message
    assert lab.spec.kind == "custom" and len(lab.custom.y) == 40  # the good upload stays


def test_inspecting_a_neuron_sends_its_full_map(lab):
    lab.handle(Inspect(type="inspect", layer=1, j=1))
    frame = lab.frame()
    values = lab.model.layer_outputs(grid_features(6.0, ("x1", "x2")))[1][:, 1]
    assert frame.inspected.map.size == MAP_SIZE
    np.testing.assert_allclose(
        decode(frame.inspected.map).ravel(), values, atol=1 / 255 * frame.inspected.map.hi
    )
    lab.handle(Inspect(type="inspect", layer=-1, j=0))
    assert decode(lab.frame().inspected.map)[0, 0] == pytest.approx(-5.94, abs=0.05)
    with pytest.raises(LabError):
        lab.handle(Inspect(type="inspect", layer=0, j=4))
    lab.handle(Inspect(type="inspect", layer=None))
    assert lab.frame().inspected is None


def test_state_round_trip_reproduces_the_predictions(lab):
    rows = "".join(
        f"{x:.3f},{y:.3f},{int(x * y > 0)}\n"
        for x, y in np.random.default_rng(0).uniform(-4, 4, (60, 2))
    )
    lab.handle(LoadCsv(type="load_csv", text=rows))
    lab.handle(AddPoint(type="add_point", x1=0.5, x2=0.5, label=1))
    set_network(lab, features=["x1", "x2", "x1_x2"], optimizer="adam", learning_rate=0.01)
    lab.train(40)
    lab.handle(SetView(type="set_view", show_test=True))
    other = restored(lab)
    assert other.step_count == 40
    np.testing.assert_array_equal(grid_predictions(other), grid_predictions(lab))
    ours, theirs = lab.frame(), other.frame()
    assert theirs.output == ours.output and theirs.metrics == ours.metrics
    assert theirs.data == ours.data
    assert theirs.view.model_dump() == {"show_test": True, "discretize": False}


def test_a_state_that_does_not_fit_changes_nothing(lab):
    state = lab.snapshot()
    bad = state.model_copy(update={"network": state.network.model_copy(update={"hidden": [3, 2]})})
    with pytest.raises(LabError) as info:
        PlaygroundLab(Settings()).restore(bad)
    assert info.value.code == "bad_state"
    crowded = PlaygroundLab(Settings(max_data_points=100))
    with pytest.raises(LabError) as info:
        crowded.restore(state)
    assert info.value.code == "too_many_points"
    assert crowded.spec.n_points == 100 and len(crowded.data.train_y) == 50


def test_editing_a_weight_updates_the_numbers_at_the_same_step(lab):
    from neural_playground.app.labs.neurons.commands import SetBias, SetWeight

    lab.train(20)
    before = lab.frame()
    lab.handle(SetBias(type="set_bias", layer=2, j=0, value=3.0))
    after = lab.frame()
    assert after.step == before.step == 20 and after.layers[2].b == [3.0]
    assert after.metrics.train_loss != before.metrics.train_loss
    assert after.metrics.train_loss == pytest.approx(
        lab.evaluate(lab.train_features, lab.train_targets)[0]
    )
    lab.handle(SetWeight(type="set_weight", layer=0, i=1, j=3, value=-0.5))
    assert lab.frame().layers[0].w[1][3] == -0.5


def test_maps_that_look_the_same_are_not_sent_again(lab):
    first = lab.frame()
    assert first.output is not None and all(m is not None for ms in first.neuron_maps for m in ms)
    idle = lab.frame()  # nothing happened: every map is already on the page
    assert idle.output is None and all(m is None for ms in idle.neuron_maps for m in ms)
    assert idle.metrics == first.metrics and idle.layers == first.layers
    lab.train(100)
    moved = lab.frame()
    assert moved.output is not None
    np.testing.assert_allclose(
        decode(moved.output.map), sigmoid(grid_predictions(lab))[:, :, 0], atol=0.5 / 255 + 1e-12
    )
    # A new network needs every map again, whatever was sent before.
    set_network(lab, hidden=[3])
    rebuilt = lab.frame()
    assert rebuilt.output is not None and all(m is not None for m in rebuilt.neuron_maps[0])


def test_multiclass_output_is_resent_when_only_a_class_changes(lab):
    from neural_playground.app.labs.common.heatmaps import SentMaps, quantize

    sent = SentMaps()
    cells = quantize(np.full((4, 4), 0.5), 0, 1)
    classes = np.zeros((4, 4), np.uint8)
    assert not sent.unchanged("c", classes, 0, 1, 0) and not sent.unchanged("o", cells, 0, 1)
    assert sent.unchanged("o", cells + 1, 0, 1)  # one level: invisible
    assert not sent.unchanged("o", cells + 2, 0, 1)  # two levels since last sent: resend
    flipped = classes.copy()
    flipped[0, 0] = 1
    assert not sent.unchanged("c", flipped, 0, 1, 0)
    assert not sent.unchanged("o", cells + 2, -1, 1)  # a new scale is always sent


def test_a_playing_burst_trains_exactly_as_step_after_step():
    # Plain SGD goes through the engine's tight loop (`engine.burst`); a trainer told of
    # every step (`after_step`) takes `train_step` one step at a time. Same weights, bit for
    # bit, and the same mini-batches (each step picks its own by the step count).
    fast, plain = PlaygroundLab(Settings()), PlaygroundLab(Settings())
    plain.trainer.after_step = lambda: None
    for steps in (1, 7, 30, 100):
        fast.play(steps)
        plain.play(steps)
    assert fast.step_count == plain.step_count == 138
    for a, b in zip(fast.model.layers, plain.model.layers, strict=True):
        assert np.array_equal(a.params["w"], b.params["w"])
        assert np.array_equal(a.params["b"], b.params["b"])
    assert fast.history == plain.history


def test_a_burst_refuses_targets_a_cross_entropy_cannot_take():
    from neural_playground.app.labs.common.training import Trainer, TrainingSettings
    from neural_playground.engine.model import mlp

    trainer = Trainer(Settings(), TrainingSettings(loss="binary_crossentropy", learning_rate=0.1))
    trainer.from_logits = True
    model = mlp([2, 3, 1], ["tanh", "linear"], seed=0)
    x, y = np.zeros((20, 2)), np.zeros((20, 1))
    y[15] = 3.0  # in the second batch: a slice of targets checked whole, once
    batches = iter([(x[:10], y[:10]), (x[10:], y[10:])])
    with pytest.raises(LabError) as info:
        trainer.train(model, lambda: next(batches), 2, record_last=False)
    assert info.value.code == "target_not_probability" and trainer.steps == 0

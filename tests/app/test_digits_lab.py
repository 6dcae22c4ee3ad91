"""The digits lab (B.6, second part): its frame's numbers come from the engine, its commands,
its state, and what it refuses."""

import numpy as np
import pytest

from neural_playground.app.labs.digits.commands import (
    ClearDrawing,
    Configure,
    DigitsState,
    LoadPreset,
    Paint,
    Select,
)
from neural_playground.app.labs.digits.data import digit_sets
from neural_playground.app.labs.digits.presets import PRESETS
from tests.labutil import refused


def test_the_first_frame_shows_a_test_digit_its_maps_and_two_networks_of_about_one_size(lab):
    frame = lab.frame()
    data = digit_sets()
    assert (frame.n_train, frame.n_test) == (1438, 359)
    first = data.test[0]
    assert frame.input.pixels == data.pixels[first].tolist()
    assert frame.input.label == data.labels[first] and frame.input.source == "test"
    # Input 8x8, 8 maps of 8x8 after "same" convolution and ReLU, 8 of 4x4 after pooling.
    assert [s.shape for s in frame.stages] == [(1, 8, 8), (8, 8, 8), (8, 4, 4)]
    assert min(v for m in frame.stages[1].maps for row in m for v in row) >= 0.0  # ReLU
    conv_out = lab.runs[0].model.layer_outputs(data.images[first][None])
    np.testing.assert_allclose(frame.stages[2].maps, conv_out[2][0], atol=5e-4)
    assert [len(b.weights) for b in frame.filters] == [8]
    assert np.array(frame.filters[0].weights).shape == (8, 1, 3, 3)
    conv, dense = frame.runs
    assert (conv.params, dense.params, frame.dense_hidden) == (1370, 1360, 18)
    assert conv.train_accuracy is None and frame.curves.steps == []
    assert sum(conv.probabilities) == pytest.approx(1.0, abs=0.01)
    assert sum(map(sum, frame.confusion)) == 359


def test_training_moves_both_networks_and_the_curves_and_repeats_from_a_seed(lab):
    lab.train(200)
    frame = lab.frame()
    assert frame.step == 200 and frame.epoch == 200 * 32 // 1438
    assert frame.curves.steps == list(range(10, 201, 10))
    conv, dense = frame.runs
    assert conv.test_accuracy > 0.85 and dense.test_accuracy > 0.7
    assert frame.curves.conv["test_accuracy"][-1] == pytest.approx(conv.test_accuracy, abs=1e-4)
    assert 0 < conv.train_accuracy <= 1
    # The confusion matrix and the misses are the CNN's on the test digits.
    assert np.trace(frame.confusion) == round(conv.test_accuracy * 359)
    assert frame.wrong_count == 359 - np.trace(frame.confusion)
    for miss in frame.wrong:
        assert miss.label != miss.predicted
        assert frame.confusion[miss.label][miss.predicted] >= 1
    again = type(lab)(lab.settings)
    again.train(200)
    assert again.frame().runs == frame.runs


def test_a_drawing_starts_from_the_shown_digit_and_goes_through_the_network(lab):
    lab.handle(Select(type="select", index=5))
    shown = lab.frame().input.pixels
    lab.handle(Paint(type="paint", cells=[(0, 0), (7, 7)], value=16))
    frame = lab.frame()
    assert frame.input.source == "drawing" and frame.input.label is None
    assert frame.input.pixels[0] == 16 and frame.input.pixels[63] == 16
    assert frame.input.pixels[1:63] == shown[1:63]
    assert frame.input.index == 5
    lab.handle(ClearDrawing(type="clear_drawing"))
    blank = lab.frame()
    assert blank.input.pixels == [0] * 64
    assert blank.stages[0].maps == [[[0.0] * 8] * 8]
    lab.handle(Select(type="select", index=6))
    assert lab.frame().input.source == "test"


def test_configure_and_presets_rebuild_both_networks(lab):
    lab.train(20)
    lab.handle(Configure(type="configure", blocks=2, filters=4, pool="avg"))
    frame = lab.frame()
    assert frame.step == 0 and frame.preset is None
    assert [s.shape for s in frame.stages][-1] == (4, 2, 2)
    assert [np.array(b.weights).shape for b in frame.filters] == [(4, 1, 3, 3), (4, 4, 3, 3)]
    assert frame.runs[1].params == pytest.approx(frame.runs[0].params, rel=0.1)
    for name in PRESETS:
        lab.handle(LoadPreset(type="load_preset", name=name))
        assert lab.frame().preset == name and lab.step_count == 0
    lab.handle(LoadPreset(type="load_preset", name="no_pooling"))
    assert [s.kind for s in lab.frame().stages] == ["input", "conv"]


def test_what_cannot_be_done_is_refused_and_changes_nothing(lab):
    too_small = Configure(type="configure", blocks=2, stride=2, padding=0)  # 8 -> 3 -> 1 -> -
    assert "nothing" in refused(lab, too_small, "does_not_fit").message
    refused(lab, Select(type="select", index=359), "bad_index")


def test_the_state_round_trips_with_weights_drawing_and_curves(lab):
    lab.handle(LoadPreset(type="load_preset", name="two_blocks"))
    lab.train(30)
    lab.handle(Paint(type="paint", cells=[(3, 3)], value=8))
    state = lab.snapshot()
    other = type(lab)(lab.settings)
    other.restore(DigitsState.model_validate_json(state.model_dump_json()))
    assert other.frame() == lab.frame()
    assert set(lab.weights()) == {
        "conv.layer0.w", "conv.layer0.b", "conv.layer3.w", "conv.layer3.b",
        "conv.layer7.w", "conv.layer7.b",
        "dense.layer0.w", "dense.layer0.b", "dense.layer1.w", "dense.layer1.b",
    }  # fmt: skip
    broken = state.model_copy(update={"conv": state.conv[:-1]})
    with pytest.raises(Exception) as info:
        other.restore(broken)
    assert getattr(info.value, "code", "") == "bad_state"
    assert other.frame() == lab.frame()

"""The autoencoder lab (B.8.1): engine numbers in the frame, commands, state, limits."""

import numpy as np
import pytest

from neural_playground.app.data.images import digits, patterns
from neural_playground.app.labs.autoencoder.commands import (
    Decode,
    SetArchitecture,
    SetDataset,
    SetDrawing,
    SetNoise,
    SetOptimizer,
)
from neural_playground.app.labs.autoencoder.lab import AutoencoderLab
from neural_playground.app.labs.common.training_checks import OptimizerSpec
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from tests.labutil import burst_stops_at_the_last_good_step, refused, restored


def test_the_digits_are_the_shipped_ones_scaled_to_0_1_and_loaded_once():
    data = digits()
    assert data.images.shape == (1797, 64) and data.side == 8
    assert data.images.min() == 0.0 and data.images.max() == 1.0
    assert sorted(set(data.labels.tolist())) == list(range(10))
    assert digits() is data  # cached for the life of the process
    assert patterns().images.shape == (16, 25)


def test_first_frame_shows_digits_their_reconstructions_and_codes(lab):
    frame = lab.frame()
    assert frame.side == 8 and frame.glyphs == list("0123456789")
    assert len(frame.originals) == 10 and all(len(img) == 64 for img in frame.originals)
    assert frame.inputs == frame.originals  # no noise by default
    # One original per digit, in order: the first 0, the first 1, ...
    first_three = digits().images[[np.flatnonzero(digits().labels == k)[0] for k in (0, 1, 2)]]
    np.testing.assert_allclose(frame.originals[:3], first_three, atol=0.005)
    expected = lab.model.reconstruct(np.array(frame.originals))
    np.testing.assert_allclose(frame.reconstructions, expected, atol=0.006)
    assert len(frame.latent.points) == 200 and frame.latent.axes == "code"
    assert sorted(set(frame.latent.labels)) == list(range(10))
    x0, x1, y0, y1 = frame.latent.extent
    xs, ys = np.array(frame.latent.points).T
    assert x0 < xs.min() and xs.max() < x1 and y0 < ys.min() and ys.max() < y1
    assert frame.blur.inputs == 64 and frame.blur.bottleneck == 2 and frame.blur.compression == 32
    assert frame.loss is None and frame.step == 0


def test_training_reduces_the_reconstruction_loss_on_a_fixed_seed(lab):
    before = lab.frame().blur.error
    lab.train(300)
    frame = lab.frame()
    assert frame.step == 300
    assert frame.blur.error < 0.75 * before
    assert frame.history["loss"][-1] < frame.history["loss"][0]
    assert 0 < frame.blur.sharpness < 1  # blurrier than the originals, as the book says
    again = AutoencoderLab(Settings())
    again.train(300)
    assert again.frame().blur.error == frame.blur.error  # same seed, same numbers


def test_decoding_a_point_of_the_latent_plane_gives_an_image(lab):
    lab.train(20)
    lab.handle(Decode(type="decode", x=0.5, y=-1.0))
    probe = lab.frame().probe
    assert (probe.x, probe.y) == (0.5, -1.0)
    assert len(probe.image) == 64 and all(0 <= p <= 1 for p in probe.image)
    assert probe.code == [0.5, -1.0]  # a 2-D code is the plane itself
    decoded = lab.model.decode(np.array([[0.5, -1.0]]))[0]
    np.testing.assert_allclose(probe.image, decoded, atol=0.005)


def test_a_longer_code_is_shown_by_its_main_directions_and_decodes_back(lab):
    lab.handle(SetArchitecture(type="set_architecture", hidden=[16], bottleneck=5))
    lab.train(30)
    lab.handle(Decode(type="decode", x=0.2, y=0.1))
    frame = lab.frame()
    assert frame.latent.axes == "pca" and len(frame.probe.code) == 5
    assert len(frame.probe.image) == 64
    assert frame.blur.bottleneck == 5 and frame.blur.compression == pytest.approx(12.8)


def test_denoising_shows_noisy_inputs_and_learns_to_clean_them(lab):
    lab.handle(SetNoise(type="set_noise", level=0.3))
    frame = lab.frame()
    assert frame.inputs != frame.originals
    assert all(0 <= p <= 1 for img in frame.inputs for p in img)
    assert lab.frame().inputs == frame.inputs  # the shown noise stays put between frames
    before = np.mean(frame.errors)
    lab.train(200)
    assert np.mean(lab.frame().errors) < before


def test_the_learners_drawing_is_encoded_and_rebuilt(lab):
    ink = [0.0] * 64
    for row in range(1, 7):
        ink[row * 8 + 4] = 1.0  # a vertical stroke, like a 1
    lab.handle(SetDrawing(type="set_drawing", pixels=ink))
    drawing = lab.frame().drawing
    assert drawing.pixels == ink and len(drawing.reconstruction) == 64
    code = lab.model.encode(np.array([ink]))[0]
    assert drawing.point == pytest.approx(code.tolist(), abs=0.001)
    with pytest.raises(LabError) as err:
        lab.handle(SetDrawing(type="set_drawing", pixels=[0.5] * 25))
    assert err.value.code == "bad_drawing" and err.value.params["pixels"] == 64
    lab.handle(SetDrawing(type="set_drawing", pixels=None))
    assert lab.frame().drawing is None


def test_the_stroke_patterns_are_a_second_dataset(lab):
    lab.handle(SetDataset(type="set_dataset", name="patterns"))
    frame = lab.frame()
    assert frame.side == 5 and len(frame.originals) == 8 and len(frame.originals[0]) == 25
    assert frame.glyphs == ["|", "—", "\\", "/"]
    assert len(frame.latent.points) == 16


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (SetArchitecture(type="set_architecture", hidden=[32], bottleneck=0), "latent_size"),
        (SetArchitecture(type="set_architecture", hidden=[32], bottleneck=17), "latent_size"),
        (SetArchitecture(type="set_architecture", hidden=[129], bottleneck=2), "layer_width"),
        (SetArchitecture(type="set_architecture", hidden=[0], bottleneck=2), "layer_width"),
        (SetArchitecture(type="set_architecture", hidden=[8] * 7, bottleneck=2), "too_many_layers"),
        (
            SetOptimizer(
                type="set_optimizer", optimizer=OptimizerSpec(name="sgd", learning_rate=1e6)
            ),
            "bad_learning_rate",
        ),
        (Decode(type="decode", x=1e9, y=0), "value_too_large"),
    ],
)
def test_limits_are_clear_errors_and_nothing_changes(lab, command, code):
    lab.train(5)
    refused(lab, command, code)


def test_snapshot_and_restore_rebuild_the_same_page(lab):
    lab.train(25)
    lab.handle(Decode(type="decode", x=0.1, y=0.2))
    other = restored(lab)
    mine, theirs = lab.frame(), other.frame()
    assert theirs.reconstructions == mine.reconstructions and theirs.step == 25
    assert theirs.probe == mine.probe
    state = lab.snapshot()
    broken = state.model_copy(update={"weights": state.weights[:-1]})
    with pytest.raises(LabError) as err:
        other.restore(broken)
    assert err.value.code == "bad_state"
    assert other.frame().reconstructions == mine.reconstructions  # unchanged


def test_presets_load_figure_b25_and_know_when_they_are_left(lab):
    frame = lab.frame()
    assert frame.preset == "b25_compress" and not frame.modified
    lab.handle(
        AutoencoderLab.commands.validate_python({"type": "load_preset", "name": "b25_wide_code"})
    )
    frame = lab.frame()
    assert frame.state["bottleneck"] == 16 and frame.blur.compression == 4.0
    assert not frame.modified
    lab.train(1)
    assert lab.frame().modified
    lab.reset()
    assert lab.frame().preset == "b25_wide_code" and not lab.frame().modified
    lab.handle(
        AutoencoderLab.commands.validate_python({"type": "load_preset", "name": "b25_denoise"})
    )
    assert lab.frame().state["noise"] == 0.3 and lab.snapshot().preset == "b25_denoise"


def params(lab) -> list[np.ndarray]:
    return [p.copy() for layer in lab.model.layers for p in layer.params.values()]


def test_divergence_stops_training_at_the_last_good_step_and_counts_only_those():
    # Issue 18 item 3: the weights were put back to before the burst while the step count
    # kept every step. A low weight limit makes fast SGD cross it after some good steps;
    # the reference takes one step at a time and keeps the weights after each good one.
    settings = Settings(max_abs_value=0.6)
    fast = SetOptimizer(type="set_optimizer", optimizer=OptimizerSpec(name="sgd", learning_rate=10))

    def make_lab():
        lab = AutoencoderLab(settings)
        lab.handle(fast)
        return lab

    lab, good = burst_stops_at_the_last_good_step(make_lab, params, most=200)
    frame = lab.frame()
    assert frame.step == good
    assert frame.history["step"][-1] == good  # the history ends at the last good step

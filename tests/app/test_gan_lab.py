"""The GAN lab (B.8.2): the plane and image views, stepping each network, slow motion,
the book's stopping rule, mode collapse, divergence, state, limits."""

import numpy as np
import pytest

from neural_playground.app.labs.common.training_checks import OptimizerSpec
from neural_playground.app.labs.gan.commands import (
    DrawPoints,
    SetData,
    SetNetworks,
    SetNoise,
    SetOptimizer,
    SetSchedule,
    SetSlowMotion,
    StepDiscriminator,
    StepGenerator,
)
from neural_playground.app.labs.gan.lab import GanLab
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from neural_playground.engine.activations import sigmoid
from neural_playground.engine.guard import params_within
from tests.labutil import burst_stops_at_the_last_good_step, refused, restored, train_until_diverged


def nearest_distance(fake, real) -> float:
    fake, real = np.array(fake), np.array(real)
    return float(np.sqrt(((fake[:, None] - real[None]) ** 2).sum(-1)).min(1).mean())


def test_first_frame_is_the_ring_plane_with_every_view(lab):
    frame = lab.frame()
    plane = frame.plane
    assert frame.kind == "plane" and frame.images is None and frame.iteration == 0
    assert len(plane.real) == 200 and len(plane.fake) == 200 and len(plane.arrows) == 200
    radius = np.linalg.norm(plane.real, axis=1)
    assert radius.mean() == pytest.approx(0.7, abs=0.02)
    cells = Settings().gan_heatmap_cells
    assert np.array(plane.heatmap).shape == (cells, cells)
    # The heatmap is D's probability at cell centres: check one against the engine.
    half = plane.extent / cells
    corner = np.array([[-plane.extent + half, -plane.extent + half]])
    assert plane.heatmap[0][0] == pytest.approx(lab.gan.score(corner)[0], abs=0.0005)
    assert len(plane.manifold) == 15 * 15 and plane.manifold_ticks == 15
    assert frame.readings.d_loss is None and frame.phase is None


def test_training_puts_generated_points_on_the_ring_and_lowers_the_losses(lab):
    before = lab.frame()
    lab.train(400)
    after = lab.frame()
    assert after.iteration == 400
    assert nearest_distance(after.plane.fake, after.plane.real) < 0.4 * nearest_distance(
        before.plane.fake, before.plane.real
    )
    assert after.collapse.diversity > 0.7 and not after.collapse.collapsed
    assert after.plane.heatmap != before.plane.heatmap
    history = after.history
    assert set(history) == {"step", "d_loss", "g_loss", "d_real", "d_fake"}
    assert len(history["step"]) <= 300


def test_step_d_only_lowers_ds_loss_and_leaves_g_alone(lab):
    g_before = [w.copy() for layer in lab.gan.generator.layers for w in layer.params.values()]
    real = np.array(lab.frame().plane.real)
    fake = lab.gan.generate(lab.shown_noise)
    loss_before = lab.gan.discriminator_backward(real, fake).loss
    for _ in range(20):
        lab.handle(StepDiscriminator(type="step_discriminator"))
    loss_after = lab.gan.discriminator_backward(real, fake).loss
    assert loss_after < loss_before
    frame = lab.frame()
    assert frame.readings.d_updates == 20 and frame.readings.g_updates == 0
    assert frame.iteration == 0  # a lone D step is not an iteration
    g_after = [w for layer in lab.gan.generator.layers for w in layer.params.values()]
    assert all(np.array_equal(a, b) for a, b in zip(g_before, g_after, strict=True))


def test_step_g_only_moves_points_along_the_arrows(lab):
    lab.train(50)
    z = lab.shown_noise
    g_loss_before = lab.gan.generator_backward(z).loss
    d_before = [w.copy() for layer in lab.gan.discriminator.layers for w in layer.params.values()]
    for _ in range(10):
        lab.handle(StepGenerator(type="step_generator"))
    assert lab.gan.generator_backward(z).loss < g_loss_before
    d_after = [w for layer in lab.gan.discriminator.layers for w in layer.params.values()]
    assert all(np.array_equal(a, b) for a, b in zip(d_before, d_after, strict=True))
    assert lab.frame().readings.g_updates == 60


def test_k_discriminator_steps_per_generator_step(lab):
    lab.handle(SetSchedule(type="set_schedule", d_steps=3, g_steps=1))
    lab.train(10)
    readings = lab.frame().readings
    assert (readings.d_updates, readings.g_updates) == (30, 10)


def test_slow_motion_runs_one_phase_per_step_and_names_it(lab):
    lab.handle(SetSlowMotion(type="set_slow_motion", on=True))
    assert lab.play_period() == Settings().slow_motion_seconds
    frame = lab.frame()
    assert frame.phase.next == "d_real" and frame.phase.done is None
    seen = []
    for _ in range(4):
        lab.train(25)  # one phase, however many steps were asked
        frame = lab.frame()
        seen.append(frame.phase.done)
    assert seen == ["d_real", "d_fake", "d_update", "g_update"]
    assert frame.iteration == 1 and frame.phase.next == "d_real"
    assert frame.readings.d_updates == 1 and frame.readings.g_updates == 1
    lab.train(1)
    assert len(lab.frame().plane.batch_real) == 64  # the batch D is looking at
    lab.handle(SetSlowMotion(type="set_slow_motion", on=False))
    assert lab.play_period() == 0.0


def test_training_stops_by_itself_when_d_says_one_half_to_everything():
    # D's output neuron at zero: D(x) = sigmoid(0) = 0.5 for every x, and a tiny learning
    # rate keeps it there. After the warm-up, `patience` iterations later, training stops.
    lab = GanLab(Settings(gan_equilibrium_warmup=40, gan_equilibrium_patience=30))
    last = lab.gan.discriminator.layers[-1]
    last.params["w"][...] = 0.0
    lab.handle(
        SetOptimizer(
            type="set_optimizer",
            network="discriminator",
            optimizer=OptimizerSpec(name="sgd", learning_rate=1e-6),
        )
    )
    lab.train(200)
    frame = lab.frame()
    assert lab.finished
    assert frame.iteration == 40 + 30
    assert (frame.equilibrium.warmup, frame.equilibrium.patience) == (40, 30)
    assert frame.equilibrium.stopped_at == frame.iteration
    assert sigmoid(0.0) == pytest.approx(frame.equilibrium.d_real, abs=0.01)


def test_mode_collapse_is_measured_and_named(lab):
    # Every noise value mapped to one point: no diversity at all.
    last = lab.gan.generator.layers[-1]
    last.params["w"][...] = 0.0
    last.params["b"][...] = [0.65, 0.0]
    lab.trainer.readings.g_updates = 500
    collapse = lab.frame().collapse
    assert collapse.diversity == 0.0 and collapse.collapsed
    lab.train(300)
    healthy = lab.frame().collapse
    assert healthy.diversity > collapse.threshold and not healthy.collapsed


def test_a_hand_drawn_distribution_becomes_the_real_data(lab):
    points = [(0.5, 0.5), (0.55, 0.5), (0.6, 0.5), (-0.5, -0.2)]
    lab.train(20)
    weights = lab.gan.generator.layers[0].params["w"].copy()
    lab.handle(DrawPoints(type="draw_points", points=points))
    frame = lab.frame()
    assert frame.state["data"] == "drawn" and frame.plane.drawn == [list(p) for p in points]
    assert nearest_distance(frame.plane.real, points) < 0.05
    assert np.array_equal(lab.gan.generator.layers[0].params["w"], weights)  # G keeps learning


def test_the_image_gan_on_digits_shows_samples_scores_and_coverage(lab):
    lab.handle(SetData(type="set_data", name="digits"))
    frame = lab.frame()
    assert frame.kind == "images" and frame.plane is None
    images = frame.images
    assert images.side == 8 and len(images.samples) == 16 and len(images.samples[0]) == 64
    assert len(images.scores) == 16 and all(0 < s < 1 for s in images.scores)
    assert len(images.real) == 10 and len(images.real_scores) == 10
    assert frame.collapse.classes == 10 and 1 <= frame.collapse.classes_covered <= 10
    assert frame.state["noise_dim"] == 8 and frame.state["g_hidden"] == [64]
    before = images.samples
    lab.train(100)
    assert lab.frame().images.samples != before


def test_the_image_gan_on_strokes(lab):
    lab.handle(SetData(type="set_data", name="patterns"))
    lab.train(30)
    images = lab.frame().images
    assert images.side == 5 and len(images.samples[0]) == 25 and images.glyphs[0] == "|"


def params(lab) -> list:
    """Copies of every weight of G and D."""
    return [p.copy() for layer in lab.gan.layers() for p in layer.params.values()]


def absurd_rates(lab):
    """Both networks on SGD at learning rate 10: training diverges within a few steps."""
    for network in ("generator", "discriminator"):
        lab.handle(
            SetOptimizer(
                type="set_optimizer",
                network=network,
                optimizer=OptimizerSpec(name="sgd", learning_rate=10),
            )
        )


def test_absurd_learning_rates_diverge_and_the_weights_are_put_back(lab):
    absurd_rates(lab)
    train_until_diverged(lab, steps=50, rounds=20)
    frame = lab.frame()
    assert np.all(np.isfinite(frame.plane.heatmap)) and np.all(np.isfinite(frame.plane.fake))
    assert params_within(lab.gan.layers(), lab.settings.max_abs_value)


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (SetNoise(type="set_noise", kind="uniform", dim=0), "latent_size"),
        (SetNoise(type="set_noise", kind="uniform", dim=99), "latent_size"),
        (SetNetworks(type="set_networks", g_hidden=[16], d_hidden=[5000]), "layer_width"),
        (SetNetworks(type="set_networks", g_hidden=[4] * 9, d_hidden=[4]), "too_many_layers"),
        (
            SetOptimizer(
                type="set_optimizer",
                network="generator",
                optimizer=OptimizerSpec(name="adam", learning_rate=1e-9),
            ),
            "bad_learning_rate",
        ),
        (SetData(type="set_data", name="drawn"), "no_drawing"),
        (DrawPoints(type="draw_points", points=[(0.0, 0.0)] * 501), "too_many_points"),
        (DrawPoints(type="draw_points", points=[(0.0, 1e9)]), "value_too_large"),
    ],
)
def test_limits_are_clear_errors_and_nothing_changes(lab, command, code):
    lab.train(5)
    refused(lab, command, code)


def test_noise_kind_and_size(lab):
    lab.handle(SetNoise(type="set_noise", kind="gaussian", dim=1))
    frame = lab.frame()
    assert frame.state["noise_kind"] == "gaussian" and frame.state["noise_dim"] == 1
    assert len(frame.plane.manifold) == 41 and frame.plane.manifold_ticks == 41
    lab.handle(SetNoise(type="set_noise", kind="gaussian", dim=4))
    assert lab.frame().plane.manifold == []  # no grid to draw for 4-D noise


def test_snapshot_and_restore(lab):
    lab.train(30)
    other = restored(lab)
    mine, theirs = lab.frame(), other.frame()
    assert theirs.plane.fake == mine.plane.fake and theirs.plane.heatmap == mine.plane.heatmap
    assert theirs.iteration == 30
    state = lab.snapshot()
    broken = state.model_copy(update={"discriminator": state.generator})
    with pytest.raises(LabError) as err:
        other.restore(broken)
    assert err.value.code == "bad_state"
    assert other.frame().plane.fake == mine.plane.fake


def test_presets_load_figure_b26_with_the_sizes_that_train_well(lab):
    assert lab.frame().preset == "b26_ring" and not lab.frame().modified
    lab.handle(GanLab.commands.validate_python({"type": "load_preset", "name": "b26_digits"}))
    frame = lab.frame()
    assert frame.kind == "images" and frame.state["noise_dim"] == 8
    assert frame.state["g_hidden"] == [64] and not frame.modified
    lab.handle(GanLab.commands.validate_python({"type": "step_discriminator"}))
    assert lab.frame().modified  # D has learned something: no longer the fresh example
    lab.reset()
    assert lab.frame().preset == "b26_digits" and not lab.frame().modified


@pytest.mark.parametrize(
    ("first", "second"),
    [({"type": "load_preset", "name": "b26_digits"}, "patterns"),
     ({"type": "set_data", "name": "patterns"}, "digits")],
)  # fmt: skip
def test_switching_to_images_of_another_size_rebuilds_the_networks(lab, first, second):
    # Issue 18 item 2: 8x8 digits and 5x5 strokes share a family, but not a network size.
    lab.handle(GanLab.commands.validate_python(first))
    lab.train(3)
    lab.handle(SetData(type="set_data", name=second))
    side = {"digits": 8, "patterns": 5}[second]
    assert lab.gan.data_dim == side * side
    lab.handle(StepDiscriminator(type="step_discriminator"))
    lab.train(5)
    images = lab.frame().images
    assert images.side == side and len(images.samples[0]) == side * side
    assert np.all(np.isfinite(images.samples)) and np.all(np.isfinite(images.scores))


def test_divergence_stops_training_at_the_last_good_step_and_counts_only_those():
    # Issue 18 item 3: train(100) said step 100 while the weights were back at iteration 0.
    def make_lab():
        lab = GanLab(Settings())
        absurd_rates(lab)
        return lab

    lab, good = burst_stops_at_the_last_good_step(make_lab, params, most=100)
    frame = lab.frame()
    assert frame.iteration == good
    assert frame.history["step"][-1] == good  # the history ends at the last good step

"""The generative engine (B.8): autoencoder, GAN, their data, and what they measure.

Gradients are checked against finite differences of the whole objective (float64): the
autoencoder's reconstruction error through encoder and decoder, D's loss, and G's loss
carried back through D. Training runs on fixed seeds with small step budgets.
"""

import numpy as np
import pytest

from neural_playground.engine.autoencoder import (
    Autoencoder,
    add_noise,
    edge_strength,
    plane_projection,
)
from neural_playground.engine.data.distributions import (
    NOISE_KINDS,
    REAL_DISTRIBUTIONS,
    drawn,
    noise,
    noise_grid,
)
from neural_playground.engine.data.patterns import SIDE, STROKE_KINDS, stroke_patterns
from neural_playground.engine.gan import (
    GAN,
    PHASES,
    EquilibriumWatch,
    GanTrainer,
    diversity,
    mean_pairwise_distance,
    nearest_labels,
)
from neural_playground.engine.gradcheck import check_params, numerical_gradient, rel_error
from neural_playground.engine.losses import mse
from neural_playground.engine.optimizers import Optimizer

TOL = 1e-6


# --- 5x5 strokes -----------------------------------------------------------------------------


def test_stroke_patterns_are_every_straight_stroke_on_a_5x5_grid():
    images, labels = stroke_patterns()
    assert images.shape == (16, SIDE * SIDE)
    assert set(np.unique(images)) == {0.0, 1.0}
    assert np.bincount(labels).tolist() == [5, 5, 3, 3]
    grids = images.reshape(-1, SIDE, SIDE)
    assert grids[0][:, 0].tolist() == [1] * 5 and grids[0].sum() == 5  # first column
    assert grids[5][0].tolist() == [1] * 5  # top row
    assert np.array_equal(grids[11], np.eye(5))  # the main diagonal
    assert np.array_equal(grids[14], np.eye(5)[:, ::-1])  # the other diagonal
    assert len({img.tobytes() for img in images}) == 16  # all different
    assert len(STROKE_KINDS) == 4


# --- autoencoder -----------------------------------------------------------------------------


def reconstruction_loss_of(ae: Autoencoder, x: np.ndarray):
    return lambda: mse(ae.decoder.forward(ae.encoder.forward(x)), x)[0]


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_autoencoder_gradients_match_finite_differences(activation):
    rng = np.random.default_rng(0)
    ae = Autoencoder(6, [5], 2, activation=activation, seed=1)
    x = rng.random((4, 6))

    def backward():
        _, dout = mse(ae.decoder.forward(ae.encoder.forward(x)), x)
        ae.encoder.backward(ae.decoder.backward(dout))

    errors = check_params(ae.layers, reconstruction_loss_of(ae, x), backward)
    assert max(errors.values()) < TOL, errors


def test_autoencoder_shapes_code_is_linear_and_output_in_0_1():
    ae = Autoencoder(64, [32, 16], 2, seed=0)
    assert [d.activation for d in ae.encoder.layers] == ["tanh", "tanh", "linear"]
    assert [d.activation for d in ae.decoder.layers] == ["tanh", "tanh", "sigmoid"]
    assert [(d.n_in, d.n_out) for d in ae.layers] == [
        (64, 32), (32, 16), (16, 2), (2, 16), (16, 32), (32, 64),
    ]  # fmt: skip
    x = np.random.default_rng(0).random((3, 64))
    assert ae.encode(x).shape == (3, 2)
    image = ae.decode(np.array([[0.3, -1.2]]))
    assert image.shape == (1, 64) and np.all((image > 0) & (image < 1))


def test_autoencoder_training_reduces_the_reconstruction_error():
    images, _ = stroke_patterns()
    ae = Autoencoder(25, [16], 2, seed=0)
    optimizer = Optimizer("adam", learning_rate=0.01)
    before = ae.loss(images, images)
    for _ in range(300):
        ae.train_step(images, images, optimizer)
    assert ae.loss(images, images) < 0.5 * before


def test_a_wider_bottleneck_reconstructs_more_sharply():
    # The book's point: the output is a slightly blurred copy; the narrower the code, the
    # more detail is lost. Same data, same budget: 1 number vs 8 numbers per image.
    images, _ = stroke_patterns()
    results = {}
    for bottleneck in (1, 8):
        ae = Autoencoder(25, [16], bottleneck, seed=0)
        optimizer = Optimizer("adam", learning_rate=0.01)
        for _ in range(400):
            ae.train_step(images, images, optimizer)
        recon = ae.reconstruct(images)
        results[bottleneck] = (ae.loss(images, images), edge_strength(recon, SIDE))
    assert results[8][0] < results[1][0]
    assert results[8][1] > results[1][1]


def test_denoising_training_maps_noisy_inputs_to_clean_targets():
    images, _ = stroke_patterns()
    rng = np.random.default_rng(0)
    ae = Autoencoder(25, [16], 4, seed=0)
    optimizer = Optimizer("adam", learning_rate=0.01)
    fixed_noisy = add_noise(images, 0.3, np.random.default_rng(9))
    before = ae.loss(fixed_noisy, images)
    for _ in range(300):
        ae.train_step(add_noise(images, 0.3, rng), images, optimizer)
    after = ae.loss(fixed_noisy, images)
    assert after < 0.5 * before
    # Denoised output is closer to the clean image than the noisy input was.
    assert after < mse(fixed_noisy, images)[0]


def test_add_noise_stays_in_range_and_zero_level_is_identity():
    x = np.random.default_rng(0).random((5, 9))
    assert add_noise(x, 0.0, np.random.default_rng(1)) is x
    noisy = add_noise(x, 0.5, np.random.default_rng(1))
    assert noisy.min() >= 0 and noisy.max() <= 1 and not np.allclose(noisy, x)


def test_edge_strength_of_known_images():
    flat = np.full((1, 9), 0.5)
    assert edge_strength(flat, 3) == 0.0
    checker = np.array([[0, 1, 0, 1, 0, 1, 0, 1, 0]], dtype=float)
    assert edge_strength(checker, 3) == 1.0
    stripe = np.array([[0, 1, 0, 0, 1, 0, 0, 1, 0]], dtype=float)  # vertical stroke
    assert edge_strength(stripe, 3) == pytest.approx(6 / 12)


def test_plane_projection_is_the_code_in_2d_and_pca_beyond():
    codes2 = np.array([[1.0, 2.0], [3.0, -1.0]])
    points, mean, basis = plane_projection(codes2)
    assert np.array_equal(points, codes2) and np.array_equal(basis, np.eye(2))
    rng = np.random.default_rng(0)
    # 3-D codes spread along (1, 1, 0) (widely) and (0, 0, 1), uncorrelated.
    a = rng.standard_normal((200, 2))
    q, _ = np.linalg.qr(a - a.mean(axis=0))
    t = q * [3.0, 1.0]
    codes = np.column_stack([t[:, 0], t[:, 0], t[:, 1]]) + [5.0, 0.0, -2.0]
    points, mean, basis = plane_projection(codes)
    np.testing.assert_allclose(mean + points @ basis, codes, atol=1e-9)  # lossless here
    np.testing.assert_allclose(np.abs(basis[0]), [2**-0.5, 2**-0.5, 0], atol=1e-9)
    assert basis[0].max() > 0 and basis[1].max() > 0


# --- GAN ---------------------------------------------------------------------------------------


def small_gan(**kw) -> GAN:
    return GAN(2, 2, [4], [5], g_activation="tanh", d_activation="tanh", seed=3, **kw)


def test_discriminator_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    gan = small_gan()
    real, fake = rng.standard_normal((6, 2)), rng.standard_normal((4, 2))
    result = gan.discriminator_backward(real, fake)
    assert result.d_real.shape == (6,) and result.d_fake.shape == (4,)
    errors = check_params(
        gan.discriminator.layers, lambda: gan.discriminator_backward(real, fake).loss
    )
    assert max(errors.values()) < TOL, errors


def test_generator_gradients_flow_back_through_the_discriminator():
    rng = np.random.default_rng(1)
    gan = small_gan()
    z = rng.standard_normal((5, 2))
    errors = check_params(gan.generator.layers, lambda: gan.generator_backward(z).loss)
    assert max(errors.values()) < TOL, errors


def test_generator_gradient_points_where_d_says_real():
    rng = np.random.default_rng(2)
    gan = small_gan()
    fake = rng.standard_normal((3, 2))
    arrows = gan.generator_gradient(fake)
    # -dL_G/dx of L_G = -log D(x) per point, by finite differences.
    for i in range(3):
        point = fake[i : i + 1].copy()
        numeric = numerical_gradient(lambda p: -np.log(gan.score(p)[0]), point)
        assert rel_error(arrows[i], -numeric[0]) < TOL
    # A small step along the arrow raises D(x).
    assert np.all(gan.score(fake + 1e-3 * arrows) > gan.score(fake))


def test_each_network_steps_alone_and_lowers_its_own_loss():
    rng = np.random.default_rng(0)
    gan = GAN(2, 2, [16], [16], seed=0)
    real = REAL_DISTRIBUTIONS["ring"](64, rng)
    z = noise("uniform", 64, 2, rng)
    g_before = [w.copy() for layer in gan.generator.layers for w in layer.params.values()]
    d_loss = [gan.discriminator_step(real, z).loss for _ in range(30)]
    assert d_loss[-1] < d_loss[0] - 0.05
    g_after = [w for layer in gan.generator.layers for w in layer.params.values()]
    assert all(np.array_equal(a, b) for a, b in zip(g_before, g_after, strict=True))

    d_before = [w.copy() for layer in gan.discriminator.layers for w in layer.params.values()]
    g_loss = [gan.generator_step(z).loss for _ in range(30)]
    assert g_loss[-1] < g_loss[0] - 0.05
    d_after = [w for layer in gan.discriminator.layers for w in layer.params.values()]
    assert all(np.array_equal(a, b) for a, b in zip(d_before, d_after, strict=True))


def ring_trainer(seed=0, **kw) -> GanTrainer:
    opts = {"learning_rate": 0.005, "beta1": 0.5}
    gan = GAN(
        2, 2, [16, 16], [16, 16], g_optimizer=Optimizer("adam", **opts),
        d_optimizer=Optimizer("adam", **opts), seed=seed,
    )  # fmt: skip
    return GanTrainer(
        gan,
        REAL_DISTRIBUTIONS["ring"],
        lambda n, rng: noise("uniform", n, 2, rng),
        64,
        np.random.default_rng(seed),
        **kw,
    )


def mean_distance_to_real(fake: np.ndarray, real: np.ndarray) -> float:
    return float(np.sqrt(((fake[:, None] - real[None]) ** 2).sum(-1)).min(1).mean())


def test_gan_training_brings_generated_points_onto_the_ring():
    trainer = ring_trainer()
    real = REAL_DISTRIBUTIONS["ring"](200, np.random.default_rng(1))
    z = noise("uniform", 200, 2, np.random.default_rng(2))
    before = mean_distance_to_real(trainer.gan.generate(z), real)
    for _ in range(600):
        trainer.iteration()
    after = mean_distance_to_real(trainer.gan.generate(z), real)
    assert after < 0.3 * before
    assert diversity(trainer.gan.generate(z), mean_pairwise_distance(real)) > 0.7
    r = trainer.readings
    assert (r.iterations, r.d_updates, r.g_updates) == (600, 600, 600)


def test_slow_motion_phases_train_exactly_like_whole_iterations():
    whole, phased = ring_trainer(d_steps=2), ring_trainer(d_steps=2)
    for _ in range(3):
        whole.iteration()
    seen = [phased.advance_phase() for _ in range(3 * 7)]
    assert seen[:7] == ["d_real", "d_fake", "d_update", "d_real", "d_fake", "d_update", "g_update"]
    assert set(seen) == set(PHASES)
    for a, b in zip(whole.gan.networks(), phased.gan.networks(), strict=True):
        for la, lb in zip(a.layers, b.layers, strict=True):
            np.testing.assert_array_equal(la.params["w"], lb.params["w"])
    assert phased.readings.iterations == 3 and not phased.mid_iteration
    # Half-way through an iteration, `iteration()` finishes it rather than starting anew.
    phased.advance_phase()
    phased.iteration()
    assert phased.readings.iterations == 4 and not phased.mid_iteration


def test_equilibrium_watch_waits_for_warmup_then_patience():
    watch = EquilibriumWatch(tolerance=0.05, patience=3, warmup=2)
    assert [watch.update(0.5, 0.5) for _ in range(5)] == [False, False, False, False, True]
    watch.reset()
    watch.update(0.9, 0.1)  # D tells them apart: far from equilibrium
    assert watch.streak == 0 and not watch.update(0.5, 0.5)
    assert not watch.update(float("nan"), 0.5)


def test_diversity_names_collapse():
    rng = np.random.default_rng(0)
    spread = mean_pairwise_distance(REAL_DISTRIBUTIONS["mixture"](200, rng))
    other = REAL_DISTRIBUTIONS["mixture"](200, rng)
    assert diversity(other, spread) == pytest.approx(1, abs=0.1)
    collapsed = np.tile([0.65, 0.0], (200, 1)) + 0.01 * rng.standard_normal((200, 2))
    assert diversity(collapsed, spread) < 0.05
    assert diversity(collapsed, 0.0) == 0.0
    assert mean_pairwise_distance(np.array([[0.0, 0.0], [3.0, 4.0]])) == pytest.approx(5.0)


def test_nearest_labels():
    reference = np.array([[0.0, 0.0], [10.0, 0.0]])
    samples = np.array([[1.0, 1.0], [9.0, -2.0], [4.0, 0.0]])
    assert nearest_labels(samples, reference, np.array([7, 3])).tolist() == [7, 3, 7]


# --- distributions and noise ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REAL_DISTRIBUTIONS))
def test_real_distributions_fit_the_plane_and_follow_the_seed(name):
    sample = REAL_DISTRIBUTIONS[name]
    a = sample(500, np.random.default_rng(4))
    assert a.shape == (500, 2) and np.abs(a).max() < 1.0
    np.testing.assert_array_equal(a, sample(500, np.random.default_rng(4)))


def test_ring_is_a_ring_and_drawn_points_are_followed():
    radius = np.linalg.norm(REAL_DISTRIBUTIONS["ring"](400, np.random.default_rng(0)), axis=1)
    assert radius.mean() == pytest.approx(0.7, abs=0.01) and radius.std() < 0.05
    sampler = drawn(np.array([[0.5, 0.5], [-0.5, 0.2]]))
    points = sampler(300, np.random.default_rng(0))
    assert np.linalg.norm(points - [0.5, 0.5], axis=1).min() < 0.05
    to_drawn = np.linalg.norm(points[:, None] - [[0.5, 0.5], [-0.5, 0.2]], axis=2)
    assert to_drawn.min(axis=1).max() < 0.15
    with pytest.raises(ValueError):
        drawn(np.zeros((0, 2)))


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_noise_and_its_grid(kind):
    z = noise(kind, 1000, 2, np.random.default_rng(0))
    assert z.shape == (1000, 2)
    if kind == "uniform":
        assert z.min() >= -1 and z.max() <= 1
    else:
        assert z.std() == pytest.approx(1, abs=0.1)
    assert noise_grid(kind, 1, 5).shape == (5, 1)
    grid = noise_grid(kind, 2, 3)
    assert grid.shape == (9, 2)
    assert grid[0].tolist() == grid[0, :1].tolist() * 2  # starts at the lower-left corner
    with pytest.raises(ValueError):
        noise("pink", 3, 1, np.random.default_rng(0))
